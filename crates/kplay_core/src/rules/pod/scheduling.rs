//! `scheduling-constraint-invalid`: nodeSelector, readiness gates, scheduling gates and topology
//! spread constraints (P-08, P-27, P-28, P-29, and `nodeName` with scheduling gates for Pods).
//!
//! Ported from `ValidateLabels` (nodeSelector), `validateReadinessGates`,
//! `validateSchedulingGates`, `validateTopologySpreadConstraints` and `ValidatePodCreate`.

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, label_selector, qualified_name, text, whole};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static SCHEDULING_CONSTRAINT_INVALID: Rule = Rule {
    name: "scheduling-constraint-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A nodeSelector, readiness gate, scheduling gate or topology spread constraint is invalid.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.nodeSelector` (label keys and values), `readinessGates[].conditionType` and
`schedulingGates[].name` (qualified names, gates unique), and `topologySpreadConstraints`:
`maxSkew` above 0, a non-empty `topologyKey` (any text: the server does not check it as a
label key), `whenUnsatisfiable` `DoNotSchedule` or `ScheduleAnyway`,
no two constraints with the same key and action, `minDomains` above 0 and only with
`DoNotSchedule`, `nodeAffinityPolicy`/`nodeTaintsPolicy` `Honor` or `Ignore`, a valid
`labelSelector` and `matchLabelKeys`. A Pod may not set `nodeName` while it has scheduling gates.

`matchLabelKeys` needs a `labelSelector` (Forbidden on the list without one) and holds label
keys. How a key that the selector also has is refused depends on the version:
- up to 1.33 (`ValidateMatchLabelKeysInTopologySpread`): any key of `matchLabels` or
  `matchExpressions` listed in `matchLabelKeys`, on `matchLabelKeys[i]`, for Pods and templates;
- from 1.34 the MatchLabelKeysInPodTopologySpreadSelectorMerge gate (beta, on) makes the Pod
  strategy add `key In (<the pod's value>)` to the selector for each key the Pod's labels
  have, before validation (the stored Pod shows it), and `ValidateMatchLabelKeysAndMismatchLabelKeys`
  refuses a requirement on a key the selector already has, on the constraint's path indexed by
  the key's position (`topologySpreadConstraints[0][0]`, sic). So a Pod labelled `app: web` with
  `matchLabels: {app: web}` and `matchLabelKeys: [app]` is refused, and a template is not: it
  gets no merge, but the pods its controller creates do, and are refused (kplay does not model
  that refusal of the controller's pods yet). Without a selector the keys are then not checked
  further.

Read in kubernetes/kubernetes#129874 (the switch on the gate in
`validateTopologySpreadConstraints`), `pkg/api/pod/util.go` and `pkg/registry/core/pod/strategy.go`
(`mutateTopologySpreadConstraints`); the gate's default in the 1.35 `kube_features.go`.

## Why is this bad?
The API server rejects the object.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  topologySpreadConstraints:
    - maxSkew: 0
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: DoNotSchedule
      labelSelector:
        matchLabels:
          app: web
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: DoNotSchedule
      labelSelector:
        matchLabels:
          app: web
```

## References
- Pod topology spread constraints: <https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/>
- `validateTopologySpreadConstraints` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &["P-08", "P-27", "P-28", "P-29"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    if let Some(ns) = spec.field("nodeSelector") {
        crate::rules::meta::labels::check_labels(sink, &ns, &ns.path);
    }
    if let Some(rg) = spec.field("readinessGates") {
        for (_, g) in rg.items() {
            qualified_name(sink, &child_or_parent(&g, "conditionType"), text(&g, "conditionType"));
        }
    }
    if let Some(sg) = spec.field("schedulingGates") {
        let mut seen = HashSet::new();
        for (_, g) in sg.items() {
            let name = text(&g, "name");
            let at = Cur { path: g.path.clone(), ..child_or_parent(&g, "name") };
            qualified_name(sink, &at, name);
            if !seen.insert(name) {
                sink.field_error(&at, ErrorType::Duplicate, formats::duplicate(name)).help("list each scheduling gate once");
            }
        }
        if !ctx.is_template() && !sg.is_empty() {
            if let Some(nn) = spec.field("nodeName").filter(|n| !n.text().unwrap_or("").is_empty()) {
                sink.field_error(
                    &nn,
                    ErrorType::Forbidden,
                    formats::forbidden("cannot be set until all schedulingGates have been cleared"),
                )
                .help("remove `nodeName` or the scheduling gates");
            }
        }
    }
    if let Some(tsc) = spec.field("topologySpreadConstraints") {
        let all: Vec<Cur<'_>> = tsc.items().map(|(_, c)| c).collect();
        // MatchLabelKeysInPodTopologySpreadSelectorMerge (beta, on from 1.34).
        let merge = ctx.opts.kube_version.at_least(34);
        for (i, c) in all.iter().enumerate() {
            constraint(sink, c, &all[i + 1..], merge);
        }
    }
}

const WHEN: &[&str] = &["DoNotSchedule", "ScheduleAnyway"];

/// `ValidateMatchLabelKeysInTopologySpread(…matchLabelKeys, …)`, up to 1.33 (no selector merge):
/// without a `labelSelector` the list is Forbidden (and still checked); each key is a label name
/// and must not be a key of the selector (`matchLabels` or `matchExpressions`).
fn legacy_match_label_keys(sink: &mut Sink<'_>, c: &Cur<'_>) {
    let Some(mlk) = c.field("matchLabelKeys").filter(|k| !k.is_empty()) else { return };
    let sel = c.field("labelSelector");
    let mut in_selector = HashSet::new();
    if let Some(sel) = &sel {
        in_selector.extend(sel.field("matchLabels").iter().flat_map(|m| m.entries().map(|(k, _)| k)));
        in_selector.extend(sel.field("matchExpressions").iter().flat_map(Cur::items).map(|(_, x)| text(&x, "key")));
    } else {
        sink.field_error(&whole(&mlk), ErrorType::Forbidden, formats::forbidden("must not be specified when labelSelector is not set"))
            .help("add a `labelSelector`, or remove `matchLabelKeys`");
    }
    for (_, k) in mlk.items() {
        let t = k.text().unwrap_or("");
        qualified_name(sink, &k, t);
        if in_selector.contains(t) {
            sink.field_error(&k, ErrorType::Invalid, formats::invalid(t, "exists in both matchLabelKeys and labelSelector"))
                .help(format!("`matchLabelKeys` takes `{t}`'s value from the pod's own labels: remove `{t}` from `labelSelector` or from `matchLabelKeys`"));
        }
    }
}

fn constraint(sink: &mut Sink<'_>, c: &Cur<'_>, rest: &[Cur<'_>], merge: bool) {
    let skew = c.field("maxSkew").and_then(|m| m.i64()).unwrap_or(0);
    if skew <= 0 {
        sink.field_error(&child_or_parent(c, "maxSkew"), ErrorType::Invalid, formats::invalid_num(skew, "must be greater than zero"))
            .help("use a `maxSkew` of 1 or more");
    }
    let key = text(c, "topologyKey");
    let key_cur = child_or_parent(c, "topologyKey");
    // `ValidateTopologyKey` only requires a key: unlike a pod affinity term's `topologyKey`,
    // it is not checked as a label name.
    if key.is_empty() {
        sink.field_error(&key_cur, ErrorType::Required, formats::required("can not be empty"))
            .help("set a node label key such as `topology.kubernetes.io/zone`");
    }
    let when = text(c, "whenUnsatisfiable");
    if !WHEN.contains(&when) {
        sink.field_error(&child_or_parent(c, "whenUnsatisfiable"), ErrorType::NotSupported, formats::not_supported(when, WHEN))
            .help("use `DoNotSchedule` or `ScheduleAnyway`");
    }
    if rest.iter().any(|o| text(o, "topologyKey") == key && text(o, "whenUnsatisfiable") == when) {
        let v = format!("{{{key}, {when}}}");
        sink.field_error_at(c.span(), &c.child_path("{topologyKey, whenUnsatisfiable}"), ErrorType::Duplicate, formats::duplicate(&v))
            .help("merge the constraints with the same topology key and action");
    }
    if let Some(md) = c.field("minDomains") {
        let n = md.i64().unwrap_or(0);
        if n <= 0 {
            sink.field_error(&md, ErrorType::Invalid, formats::invalid_num(n, "must be greater than zero")).help("use 1 or more");
        }
        if when != "DoNotSchedule" {
            sink.field_error(
                &md,
                ErrorType::Invalid,
                formats::invalid_num(n, &format!("can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {when}")),
            )
            .help("remove `minDomains` or use `whenUnsatisfiable: DoNotSchedule`");
        }
    }
    for f in ["nodeAffinityPolicy", "nodeTaintsPolicy"] {
        if let Some(p) = c.field(f) {
            let v = p.text().unwrap_or("");
            if !matches!(v, "Honor" | "Ignore") {
                sink.field_error(&p, ErrorType::NotSupported, formats::not_supported(v, &["Honor", "Ignore"]))
                    .help("use `Honor` or `Ignore`");
            }
        }
    }
    if merge {
        super::affinity::label_keys(sink, c, false);
    } else {
        legacy_match_label_keys(sink, c);
    }
    if let Some(sel) = c.field("labelSelector") {
        label_selector(sink, &sel);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{deployment_with, errors_of, errors_of_version, messages_of, pairs, pod_with};
    use crate::KubeVersion;
    const R: &str = "scheduling-constraint-invalid";

    fn p(extra: &str) -> String {
        pod_with(&format!("{extra}  containers:\n  - name: web\n    image: nginx:1.27\n"))
    }

    #[test]
    fn match_label_keys() {
        let t = "spec.topologySpreadConstraints[0]";
        let tsc = |body: &str| {
            format!("  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: zone\n    whenUnsatisfiable: DoNotSchedule\n{body}  containers:\n  - name: web\n    image: nginx:1.27\n")
        };
        let v33 = KubeVersion::new(33);
        // Without a labelSelector: Forbidden, in every version, Pods and templates. Up to 1.33
        // (`ValidateMatchLabelKeysInTopologySpread`) the keys are still checked; from 1.34
        // (`ValidateMatchLabelKeysAndMismatchLabelKeys`) they are not.
        let no_sel = tsc("    matchLabelKeys: [pod-template-hash, \"bad key\"]\n");
        assert_eq!(errors_of(R, &pod_with(&no_sel)), pairs(&[(&format!("{t}.matchLabelKeys"), "Forbidden")]));
        assert_eq!(errors_of(R, &deployment_with(&no_sel)), pairs(&[(&format!("spec.template.{t}.matchLabelKeys"), "Forbidden")]));
        assert_eq!(
            errors_of_version(R, &pod_with(&no_sel), v33),
            pairs(&[(&format!("{t}.matchLabelKeys"), "Forbidden"), (&format!("{t}.matchLabelKeys[1]"), "Invalid")])
        );
        // A key also in the selector. Up to 1.33 on `matchLabelKeys[i]`, Pods and templates alike.
        let dup = tsc("    labelSelector:\n      matchLabels:\n        app: web\n    matchLabelKeys: [app]\n");
        assert_eq!(errors_of_version(R, &pod_with(&dup), v33), pairs(&[(&format!("{t}.matchLabelKeys[0]"), "Invalid")]));
        assert_eq!(
            errors_of_version(R, &deployment_with(&dup), v33),
            pairs(&[(&format!("spec.template.{t}.matchLabelKeys[0]"), "Invalid")])
        );
        // From 1.34 the Pod strategy first merges `app In (web)` into the selector, and the merged
        // requirement repeats `app`: on `fldPath.Index(i)`. A template has no merge.
        assert_eq!(errors_of(R, &pod_with(&dup)), pairs(&[(&format!("{t}[0]"), "Invalid")]));
        assert_eq!(messages_of(R, &pod_with(&dup)), ["Invalid value: \"app\": exists in both matchLabelKeys and labelSelector"]);
        assert_eq!(errors_of(R, &deployment_with(&dup)), pairs(&[]));
        // The usual use: a key the selector does not have.
        let hash = tsc("    labelSelector:\n      matchLabels:\n        app: web\n    matchLabelKeys: [pod-template-hash]\n");
        assert_eq!(errors_of(R, &pod_with(&hash)), pairs(&[]));
        assert_eq!(errors_of_version(R, &pod_with(&hash), v33), pairs(&[]));
    }

    #[test]
    fn table() {
        assert_eq!(errors_of(R, &p("  nodeSelector:\n    disk type: ssd\n")), pairs(&[("spec.nodeSelector", "Invalid")]));
        assert_eq!(
            errors_of(R, &p("  schedulingGates:\n  - name: a\n  - name: a\n  - name: 'b c'\n")),
            pairs(&[("spec.schedulingGates[1]", "Duplicate"), ("spec.schedulingGates[2]", "Invalid")])
        );
        assert_eq!(errors_of(R, &p("  nodeName: n1\n  schedulingGates:\n  - name: a\n")), pairs(&[("spec.nodeName", "Forbidden")]));
        assert_eq!(
            errors_of(R, &p("  readinessGates:\n  - conditionType: 'x y'\n")),
            pairs(&[("spec.readinessGates[0].conditionType", "Invalid")])
        );
        let t = "spec.topologySpreadConstraints";
        assert_eq!(
            errors_of(
                R,
                &p("  topologySpreadConstraints:\n  - maxSkew: 0\n    topologyKey: zone\n    whenUnsatisfiable: Maybe\n    minDomains: 2\n  - maxSkew: 1\n    topologyKey: zone\n    whenUnsatisfiable: Maybe\n")
            ),
            pairs(&[
                (&format!("{t}[0].maxSkew"), "Invalid"),
                (&format!("{t}[0].minDomains"), "Invalid"),
                (&format!("{t}[0].whenUnsatisfiable"), "NotSupported"),
                (&format!("{t}[0].{{topologyKey, whenUnsatisfiable}}"), "Duplicate"),
                (&format!("{t}[1].whenUnsatisfiable"), "NotSupported")
            ])
        );
        assert_eq!(
            errors_of(R, &p("  topologySpreadConstraints:\n  - maxSkew: 1\n    whenUnsatisfiable: DoNotSchedule\n    labelSelector:\n      matchExpressions:\n      - key: app\n        operator: In\n")),
            pairs(&[(&format!("{t}[0].labelSelector.matchExpressions[0].values"), "Required"), (&format!("{t}[0].topologyKey"), "Required")])
        );
        // `isNotPositiveErrorMsg`, as for maxSkew.
        let md = p("  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: zone\n    whenUnsatisfiable: DoNotSchedule\n    minDomains: 0\n    labelSelector:\n      matchLabels:\n        app: web\n");
        assert_eq!(messages_of(R, &md), ["Invalid value: 0: must be greater than zero"]);
        // Any non-empty topology key is accepted (no label-name check), in Pods and templates.
        let odd = "  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: \"Bad Key!\"\n    whenUnsatisfiable: DoNotSchedule\n    labelSelector:\n      matchLabels:\n        app: web\n  containers:\n  - name: web\n    image: nginx:1.27\n";
        assert_eq!(errors_of(R, &pod_with(odd)), pairs(&[]));
        assert_eq!(errors_of(R, &deployment_with(odd)), pairs(&[]));
    }
}
