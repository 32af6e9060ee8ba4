//! `workload-selector-invalid`: a workload's selector is missing, empty, malformed or does not
//! match its template labels (D-02..D-05, and the same rules of ReplicaSet, StatefulSet,
//! DaemonSet and Jobs with `manualSelector`; a ReplicationController's plain label map).

use crate::diagnostic::{Diagnostic, ErrorType, Severity};
use crate::rules::formats;
use crate::rules::meta::labels::check_labels;
use crate::rules::pod::util::invalid_each;
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static WORKLOAD_SELECTOR_INVALID: Rule = Rule {
    name: "workload-selector-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "The workload's selector is missing, empty, malformed, or does not match its pod template labels.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.selector` of Deployments, ReplicaSets, StatefulSets and DaemonSets (and of Jobs
with `manualSelector: true`): it is required, may not be empty, its `matchLabels` and
`matchExpressions` must be valid, and it must select the pod template's labels. A missing
selector gives two errors (Required, and a template that matches nothing; a DaemonSet only the
second). A selector that cannot be converted also makes the server skip the pod template of a
Deployment, ReplicaSet or StatefulSet (DaemonSets and Jobs still validate theirs).

A Job without `manualSelector: true` gets a generated selector and template labels
(`controller-uid`, `job-name` and their `batch.kubernetes.io/` forms): a selector it sets
itself must still select them ("`selector` not auto-generated"), and a generated label it sets
must have the Job's value (`job-name` is the Job's name).

A ReplicationController's `spec.selector` is a plain label map: when it is empty it defaults to
the template's labels, so it is required only when the template has none; a non-empty one must
match the template's labels.

## Why is this bad?
The API server rejects the object: a controller must recognise the pods it creates.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: frontend
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## References
- Deployment selector: <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector>
"#
    ),
    spec: &["D-02", "D-03", "D-04", "D-05"],
    check: Some(check),
};

/// The empty-selector message of each kind (ReplicaSet reuses the Deployment text, sic).
fn empty_msg(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "ReplicaSet" => Some("empty selector is invalid for deployment"),
        "StatefulSet" => Some("empty selector is invalid for statefulset"),
        "DaemonSet" => Some("empty selector is invalid for daemonset"),
        "Job" => Some("`selector` not auto-generated"),
        _ => None,
    }
}

/// True when the selector's fields fail validation, which also makes
/// `LabelSelectorAsSelector` fail (the server then skips the template).
pub fn selector_broken(sel: &Cur<'_>) -> bool {
    let mut sink_free = true;
    if let Some(ml) = sel.field("matchLabels") {
        for e in ml.node.as_map().unwrap_or(&[]) {
            sink_free &= formats::label_key_msgs(e.key.text().unwrap_or("")).is_empty();
            sink_free &= formats::label_value_msgs(e.value.text().unwrap_or("")).is_empty();
        }
    }
    if let Some(me) = sel.field("matchExpressions") {
        for (_, x) in me.items() {
            let op = x.field("operator").and_then(|o| o.text().map(str::to_string)).unwrap_or_default();
            let n = x.field("values").map_or(0, |v| v.len());
            sink_free &= match op.as_str() {
                "In" | "NotIn" => n > 0,
                "Exists" | "DoesNotExist" => n == 0,
                _ => false,
            };
            sink_free &= formats::label_key_msgs(x.field("key").and_then(|k| k.text()).unwrap_or("")).is_empty();
            // `labels.NewRequirement` checks every value as a label value, whatever the operator.
            if let Some(vals) = x.field("values") {
                sink_free &= vals.items().all(|(_, v)| formats::label_value_msgs(v.text().unwrap_or("")).is_empty());
            }
        }
    }
    !sink_free
}

/// True when the server skips the whole pod template of this workload (its labels, annotations
/// and pod spec): Deployments, ReplicaSets and StatefulSets validate the template only when
/// `LabelSelectorAsSelector` converts their selector (a StatefulSet's restartPolicy and
/// activeDeadlineSeconds checks sit outside that function and still run). DaemonSets
/// (`ValidateDaemonSetSpec`) and Jobs (`validateJobSpec`) validate it whatever the selector.
pub fn template_skipped(ctx: &Ctx<'_>) -> bool {
    matches!(ctx.kind(), "Deployment" | "ReplicaSet" | "StatefulSet")
        && ctx.root().field("spec").and_then(|s| s.field("selector")).is_some_and(|sel| selector_broken(&sel))
}

/// Whether the selector (as a Go `labels.Selector`) matches `labels`.
fn matches(sel: &Cur<'_>, labels: Option<&Cur<'_>>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.node.get(k)).and_then(|v| v.text());
    for e in sel.field("matchLabels").map(|m| m.node.as_map().unwrap_or(&[]).to_vec()).unwrap_or_default() {
        if get(e.key.text().unwrap_or("")) != e.value.text() {
            return false;
        }
    }
    if let Some(me) = sel.field("matchExpressions") {
        for (_, x) in me.items() {
            let key = x.field("key").and_then(|k| k.text()).unwrap_or("");
            let vals: Vec<&str> = x.field("values").map(|v| v.items().filter_map(|(_, i)| i.text()).collect()).unwrap_or_default();
            let have = get(key);
            let ok = match x.field("operator").and_then(|o| o.text()).unwrap_or("") {
                "In" => have.is_some_and(|h| vals.contains(&h)),
                "NotIn" => have.is_none_or(|h| !vals.contains(&h)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if ctx.kind() == "ReplicationController" {
        replication_controller(ctx, sink);
        return;
    }
    let Some(empty_text) = empty_msg(ctx.kind()) else { return };
    let Some(spec) = ctx.root().field("spec") else { return };
    if ctx.kind() == "Job" && spec.field("manualSelector").and_then(|m| m.bool()) != Some(true) {
        generated_selector(ctx, &spec, sink);
        return;
    }
    let template = spec.field("template");
    let tlabels = template.as_ref().and_then(|t| t.field("metadata")).and_then(|m| m.field("labels"));
    let Some(sel) = spec.field("selector") else {
        // `ValidateDaemonSetSpec` has no Required: `ValidateLabelSelector(nil)` is silent and
        // the nil selector (`labels.Nothing()`) only fails to match the template.
        if ctx.kind() != "DaemonSet" {
            sink.required(&spec, "selector", formats::required(""))
                .help("add `selector.matchLabels` with the template's labels, e.g. `app: web`");
        }
        if let Some(t) = &template {
            let span = tlabels.as_ref().map_or(t.key_span(), Cur::key_span);
            labels_mismatch(sink, ctx.values(), t, tlabels.as_ref(), span)
                .help("a missing selector matches no pods; add one that selects these labels");
        }
        return;
    };
    if let Some(ml) = sel.field("matchLabels") {
        check_labels(sink, &ml, &ml.path);
    }
    if let Some(me) = sel.field("matchExpressions") {
        for (_, x) in me.items() {
            if let Some(k) = x.field("key") {
                let v = k.text().unwrap_or("");
                invalid_each(sink, &k, v, formats::label_key_msgs(v), "use a valid label key");
            } else {
                invalid_each(sink, &Cur::new(x.node, x.child_path("key")), "", formats::label_key_msgs(""), "set `key` to a label key");
            }
            let n = x.field("values").map_or(0, |v| v.len());
            let op = x.field("operator").and_then(|o| o.text().map(str::to_string)).unwrap_or_default();
            match op.as_str() {
                "In" | "NotIn" if n == 0 => {
                    sink.required(&x, "values", formats::required("must be specified when `operator` is 'In' or 'NotIn'"))
                        .help("list at least one value");
                }
                "Exists" | "DoesNotExist" if n > 0 => {
                    if let Some(v) = x.field("values") {
                        sink.field_error(
                            &v,
                            ErrorType::Forbidden,
                            formats::forbidden("may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
                        )
                        .help("remove `values`");
                    }
                }
                "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
                _ => {
                    let at = x.field("operator").unwrap_or_else(|| Cur::new(x.node, x.child_path("operator")));
                    let at = Cur { path: x.child_path("operator"), ..at };
                    sink.field_error(&at, ErrorType::Invalid, formats::invalid(&op, "not a valid selector operator"))
                        .help("use `In`, `NotIn`, `Exists` or `DoesNotExist`");
                }
            }
            if let Some(vals) = x.field("values") {
                for (_, v) in vals.items() {
                    let t = v.text().unwrap_or("");
                    invalid_each(sink, &v, t, formats::label_value_msgs(t), "use a valid label value");
                }
            }
        }
    }
    let n_ml = sel.field("matchLabels").map_or(0, |m| m.len());
    let n_me = sel.field("matchExpressions").map_or(0, |m| m.len());
    if n_ml + n_me == 0 {
        // The bad value is the `*metav1.LabelSelector`: from 1.34 printed as JSON, where an
        // empty selector (even `matchLabels: {}`, omitempty) is `{}`; before, through the
        // pointer's generated `String()` (as `ErrorBody` prints any value whose pointer is a
        // `fmt.Stringer`), which writes an empty map and list the same whether nil or not.
        let value = if ctx.values() == formats::Values::Json {
            "{}: "
        } else {
            "&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: "
        };
        sink.field_error(&sel, ErrorType::Invalid, format!("Invalid value: {value}{empty_text}"))
            .help("add `matchLabels` with the template's labels");
        return;
    }
    if selector_broken(&sel) {
        // When `LabelSelectorAsSelector` fails: Deployments and ReplicaSets say "invalid label
        // selector", a StatefulSet gives an Invalid with no detail (`ValidateStatefulSetSpec`),
        // and DaemonSets and Jobs add nothing to the selector's own errors.
        match ctx.kind() {
            "Deployment" | "ReplicaSet" => {
                sink.field_error(&sel, ErrorType::Invalid, "Invalid value: invalid label selector")
                    .help("fix the selector; until then the pod template is not checked");
            }
            "StatefulSet" => {
                sink.field_error(&sel, ErrorType::Invalid, "Invalid value")
                    .help("the selector cannot be converted (see its errors); until it is fixed the pod template is not checked");
            }
            _ => {}
        }
        return;
    }
    if let Some(t) = &template {
        if !matches(&sel, tlabels.as_ref()) {
            let span = tlabels.as_ref().map_or(t.key_span(), Cur::span);
            let d = labels_mismatch(sink, ctx.values(), t, tlabels.as_ref(), span);
            d.help("make the template's labels include every `matchLabels` pair of the selector");
            d.secondary(sink_file(ctx), sel.span(), "the selector");
        }
    }
}

/// `validateGeneratedSelector` for a Job without `manualSelector` (after `generateSelector`
/// added the labels the user did not set, and the uid to the selector): each generated label of
/// the template must have the Job's value (`ValidateHasLabel`), and a selector the user wrote
/// must still select the generated labels.
fn generated_selector(ctx: &Ctx<'_>, spec: &Cur<'_>, sink: &mut Sink<'_>) {
    use crate::yaml::{Entry, Node, ScalarStyle};
    let name = ctx.root().field("metadata").and_then(|m| m.field("name")).and_then(|n| n.text().map(str::to_string)).unwrap_or_default();
    let tlabels = spec.field("template").and_then(|t| t.field("metadata")).and_then(|m| m.field("labels"));
    let Some(tl) = &tlabels else { return };
    // The uid is kplay's own: a label the user set to some uid never matches it.
    let uid = spec.field("selector").and_then(|s| s.field("matchLabels")).and_then(|m| m.field("batch.kubernetes.io/controller-uid"));
    let uid = uid.and_then(|u| u.text().map(str::to_string)).unwrap_or_default();
    let expected = [
        ("controller-uid", uid.as_str()),
        ("job-name", name.as_str()),
        ("batch.kubernetes.io/controller-uid", uid.as_str()),
        ("batch.kubernetes.io/job-name", name.as_str()),
    ];
    for (k, want) in expected {
        let Some(v) = tl.field(k) else { continue };
        if v.text() != Some(want) {
            let path = format!("{}[{k}]", tl.path);
            let at = tl.node.as_map().and_then(|m| m.iter().find(|e| e.key.text() == Some(k))).map_or(v.span(), |e| e.key.span);
            sink.field_error_at(
                at,
                &path,
                ErrorType::Invalid,
                format!("Invalid value: {}: must be '{want}'", labels_value(ctx.values(), tlabels.as_ref())),
            )
            .help(format!("remove the `{k}` label: the server sets it to the Job's own value"));
        }
    }
    let Some(sel) = spec.field("selector") else { return };
    if selector_broken(&sel) {
        return;
    }
    let sc = |t: &str| Node::scalar(sel.span(), t, ScalarStyle::Plain);
    let gen = Node::map(sel.span(), expected.iter().map(|(k, v)| Entry { key: sc(k), value: sc(v) }).collect());
    if !matches(&sel, Some(&Cur::new(&gen, ""))) {
        sink.field_error(&sel, ErrorType::Invalid, "Invalid value: `selector` not auto-generated")
            .help("remove `selector` (the server generates it) or set `manualSelector: true`");
    }
}

fn sink_file(ctx: &Ctx<'_>) -> crate::source::FileId {
    ctx.obj.file
}

/// A ReplicationController's selector is a plain label map (`ValidateReplicationControllerSpec`,
/// `ValidatePodTemplateSpecForRC`): defaulting has filled an empty one from the template's labels,
/// so it is Required only when both are empty; a non-empty one must match the template's labels.
/// Its keys and values are not validated (`labels.Set.AsSelector` does not check them).
fn replication_controller(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = ctx.root().field("spec") else { return };
    let sel = spec.field("selector").filter(|s| !s.node.is_null());
    let pairs: Vec<(&str, &str)> =
        sel.as_ref().map(|s| s.entries().map(|(k, v)| (k, v.text().unwrap_or(""))).collect()).unwrap_or_default();
    if pairs.is_empty() {
        let help = "add `selector:` with the labels of the pods (or give the template labels: the selector defaults to them)";
        match &sel {
            Some(s) => sink.field_error(s, ErrorType::Required, formats::required("")).help(help),
            None => sink.required(&spec, "selector", formats::required("")).help(help),
        };
        return;
    }
    let Some(t) = spec.field("template").filter(|t| !t.node.is_null()) else { return };
    let tlabels = t.field("metadata").and_then(|m| m.field("labels"));
    let get = |k: &str| tlabels.as_ref().and_then(|l| l.node.get(k)).and_then(|v| v.text());
    if pairs.iter().all(|(k, v)| get(k) == Some(*v)) {
        return;
    }
    let span = tlabels.as_ref().map_or(t.key_span(), Cur::span);
    let d = labels_mismatch(sink, ctx.values(), &t, tlabels.as_ref(), span);
    d.help("make the template's labels include every pair of the selector");
    if let Some(s) = &sel {
        d.secondary(sink_file(ctx), s.span(), "the selector");
    }
}

/// `field.Invalid(template.metadata.labels, template.Labels, "`selector` does not match template
/// `labels`")` at `span`.
fn labels_mismatch<'s>(
    sink: &'s mut Sink<'_>,
    values: formats::Values,
    t: &Cur<'_>,
    tlabels: Option<&Cur<'_>>,
    span: crate::source::Span,
) -> &'s mut Diagnostic {
    sink.field_error_at(
        span,
        &format!("{}.metadata.labels", t.path),
        ErrorType::Invalid,
        format!(
            "Invalid value: {}: `selector` does not match template `labels`{}",
            labels_value(values, tlabels),
            t.missing_note().unwrap_or_default()
        ),
    )
}

/// How `field.Invalid` prints the template's labels as the bad value: a `map[string]string`,
/// `%#v` before 1.34 and JSON from 1.34 (nil when the template has none).
fn labels_value(values: formats::Values, labels: Option<&Cur<'_>>) -> String {
    let entries = labels.filter(|l| !l.node.is_null()).map(|l| l.entries().filter_map(|(k, v)| Some((k, v.text()?))).collect::<Vec<_>>());
    values.string_map(entries)
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "workload-selector-invalid";

    fn dep(sel: &str, labels: &str) -> String {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n{sel}  template:\n    metadata:\n      labels:\n{labels}    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n")
    }

    /// `field.Invalid(template.metadata.labels, template.Labels, …)`: the value is the map.
    #[test]
    fn mismatch_message_shows_the_template_labels() {
        let y = dep("  selector:\n    matchLabels: {app: web}\n", "        tier: b\n        app: api\n");
        // `%#v` before 1.34, JSON from 1.34.
        let msgs = |minor| crate::rules::pod::util::messages_of_version(R, &y, crate::KubeVersion::new(minor));
        assert_eq!(msgs(33), [r#"Invalid value: map[string]string{"app":"api", "tier":"b"}: `selector` does not match template `labels`"#]);
        assert_eq!(msgs(34), [r#"Invalid value: {"app":"api","tier":"b"}: `selector` does not match template `labels`"#]);
    }

    #[test]
    fn an_empty_selector_prints_as_an_empty_json_object_from_1_34() {
        let msgs = |sel: &str, minor| {
            crate::rules::pod::util::messages_of_version(R, &dep(sel, "        app: web\n"), crate::KubeVersion::new(minor))
        };
        assert_eq!(msgs("  selector: {}\n", 34), ["Invalid value: {}: empty selector is invalid for deployment"]);
        assert_eq!(msgs("  selector:\n    matchLabels: {}\n", 35), ["Invalid value: {}: empty selector is invalid for deployment"]);
        assert_eq!(
            msgs("  selector: {}\n", 33),
            ["Invalid value: &LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: empty selector is invalid for deployment"]
        );
    }

    #[test]
    fn table() {
        assert_eq!(errors_of(R, &dep("  selector: {}\n", "        app: web\n")), pairs(&[("spec.selector", "Invalid")]));
        assert_eq!(
            errors_of(R, &dep("", "        app: web\n")),
            pairs(&[("spec.selector", "Required"), ("spec.template.metadata.labels", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &dep("  selector:\n    matchLabels: {app: web}\n", "        app: api\n")),
            pairs(&[("spec.template.metadata.labels", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &dep("  selector:\n    matchExpressions:\n    - {key: app, operator: In, values: [web]}\n", "        app: web\n")),
            pairs(&[])
        );
        assert_eq!(
            errors_of(R, &dep("  selector:\n    matchExpressions:\n    - {key: app, operator: Is, values: [web]}\n", "        app: web\n")),
            pairs(&[("spec.selector", "Invalid"), ("spec.selector.matchExpressions[0].operator", "Invalid")])
        );
        // A selector that cannot be converted: the server skips the whole template, its labels too.
        let bad = dep("  selector:\n    matchLabels: {app: '-b'}\n", "        app: '-b'\n");
        assert_eq!(errors_of(R, &bad), pairs(&[("spec.selector", "Invalid"), ("spec.selector.matchLabels", "Invalid")]));
        assert_eq!(errors_of("metadata-labels-invalid", &bad), pairs(&[]));
        // Other kinds: DaemonSet (no Required, no conversion error, template still checked),
        // StatefulSet (an Invalid without detail), Job with manualSelector (like DaemonSet).
        let ds = dep("", "        app: web\n").replace("kind: Deployment", "kind: DaemonSet");
        assert_eq!(errors_of(R, &ds), pairs(&[("spec.template.metadata.labels", "Invalid")]));
        let bad_ds = bad.replace("kind: Deployment", "kind: DaemonSet");
        assert_eq!(errors_of(R, &bad_ds), pairs(&[("spec.selector.matchLabels", "Invalid")]));
        assert_eq!(errors_of("metadata-labels-invalid", &bad_ds), pairs(&[("spec.template.labels", "Invalid")]));
        let bad_sts = bad.replace("kind: Deployment", "kind: StatefulSet");
        assert_eq!(errors_of(R, &bad_sts), pairs(&[("spec.selector", "Invalid"), ("spec.selector.matchLabels", "Invalid")]));
        let bad_sts_rp = bad_sts.replace("    spec:\n", "    spec:\n      restartPolicy: Never\n");
        assert_eq!(errors_of("pod-template-invalid", &bad_sts_rp), pairs(&[("spec.template.spec.restartPolicy", "NotSupported")]));
        let bad_job = bad
            .replace("apiVersion: apps/v1\nkind: Deployment", "apiVersion: batch/v1\nkind: Job")
            .replace("spec:\n  selector", "spec:\n  manualSelector: true\n  selector");
        assert_eq!(errors_of(R, &bad_job), pairs(&[("spec.selector.matchLabels", "Invalid")]));
        assert_eq!(errors_of("pod-template-invalid", &bad_job), pairs(&[("spec.template.spec.restartPolicy", "Required")]));
        // validateGeneratedSelector: a Job's own selector must select the generated labels, and
        // a generated label the user set must have the Job's value.
        let gj = |sel: &str, labels: &str| {
            format!("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n{sel}  template:\n    metadata:\n      labels:\n{labels}    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: perl:5.34\n")
        };
        assert_eq!(
            errors_of(R, &gj("  selector:\n    matchLabels: {app: pi}\n", "        app: pi\n")),
            pairs(&[("spec.selector", "Invalid")])
        );
        assert_eq!(errors_of(R, &gj("", "        job-name: other\n")), pairs(&[("spec.template.metadata.labels[job-name]", "Invalid")]));
        assert_eq!(errors_of(R, &gj("", "        job-name: pi\n        app: pi\n")), pairs(&[]));
        let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: perl:5.34\n";
        assert_eq!(errors_of(R, job), pairs(&[]));
    }
}
