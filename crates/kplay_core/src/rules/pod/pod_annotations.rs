//! `pod-annotation-invalid`: the annotations the server checks on Pods and pod templates, ported
//! from `ValidatePodSpecificAnnotations` (the mirror-pod annotation, the legacy tolerations
//! annotation, the pod deletion cost and the deprecated seccomp and AppArmor annotations), and whether those annotations agree with the
//! `seccompProfile` / `appArmorProfile` fields (`validateSeccompAnnotationsAndFields`,
//! `validateAppArmorAnnotationsAndFieldsMatchOnCreate`, which `ValidatePodCreate` and
//! `ValidatePodTemplateSpec` both call).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{child_or_parent, containers, local_descending_path, text};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};
use crate::source::Span;
use crate::yaml::{Entry, Node, NodeKind, ScalarStyle};

pub static POD_ANNOTATION_INVALID: Rule = Rule {
    name: "pod-annotation-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A pod annotation the API server interprets has a value it refuses.",
    docs: rule_docs!(
        r#"## What it does
Checks the annotations of a Pod, and of a workload's pod template, that the API server reads
itself: `controller.kubernetes.io/pod-deletion-cost` must be a 32-bit integer (decimal, no `+`
and no leading zeros), `kubernetes.io/config.mirror` needs `spec.nodeName`, and the deprecated
seccomp annotations (`seccomp.security.alpha.kubernetes.io/pod` and
`container.seccomp.security.alpha.kubernetes.io/<container>`) must name `runtime/default`,
`docker/default`, `unconfined` or `localhost/<relative path>`; the deprecated AppArmor
annotations (`container.apparmor.security.beta.kubernetes.io/<container>`) must name a container
of the pod and `runtime/default`, `unconfined` or `localhost/<profile>`; the legacy
`scheduler.alpha.kubernetes.io/tolerations` must hold a JSON list of tolerations (decoded as Go's
`encoding/json` does, its errors reported as the server words them) that are valid as
`spec.tolerations` is (reported under `metadata.annotations.scheduler.alpha.kubernetes.io/tolerations[i]`).
For templates the server reports them on `spec.template.annotations`.

When such an annotation and the matching field are both set, they must agree: the pod's
`seccompProfile` with `seccomp.security.alpha.kubernetes.io/pod`, a container's own
`seccompProfile` with its `container.seccomp...` annotation, and a container's `appArmorProfile`
(its own, or the pod's it inherits; not on Windows pods) with its `container.apparmor...`
annotation (`Forbidden: seccomp type in annotation and field must match`, reported on the
field). On a Pod the server first copies a valid AppArmor annotation into a container that has
no `appArmorProfile` of its own, so only a conflicting field is refused there. Templates get
these checks too (`ValidatePodTemplateSpec` calls them), although the spec kplay follows lists
them as Pod-only (validation-rules.md §3.8): Kubernetes' source wins.

## Why is this bad?
The API server rejects the object (`metadata.annotations[...]: Invalid value`).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    controller.kubernetes.io/pod-deletion-cost: "high"
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    controller.kubernetes.io/pod-deletion-cost: "100"
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Pod deletion cost: <https://kubernetes.io/docs/reference/labels-annotations-taints/#pod-deletion-cost>
- `ValidatePodSpecificAnnotations` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &[],
    check: Some(check),
};

const MIRROR: &str = "kubernetes.io/config.mirror";
const DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";
const SECCOMP_POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_CONTAINER_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
const TOLERATIONS: &str = "scheduler.alpha.kubernetes.io/tolerations";

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let (meta, path) = if ctx.is_template() {
        let Some(t) = crate::rules::meta::labels::template(ctx) else { return };
        (t.field("metadata"), t.child_path("annotations"))
    } else {
        (ctx.root().field("metadata"), "metadata.annotations".to_string())
    };
    let Some(ann) = meta.and_then(|m| m.field("annotations")) else { return };
    for e in ann.node.as_map().unwrap_or(&[]) {
        let k = e.key.text().unwrap_or("");
        let v = e.value.text().unwrap_or("");
        let at = Cur::new(&e.value, format!("{path}[{k}]"));
        if k == MIRROR && text(&spec, "nodeName").is_empty() {
            sink.field_error(&at, ErrorType::Invalid, formats::invalid(v, "must set spec.nodeName if mirror pod annotation is set"))
                .help("remove the annotation: the kubelet sets it on the pods of static manifests");
        }
        if k == DELETION_COST && !valid_deletion_cost(v) {
            sink.field_error(&at, ErrorType::Invalid, formats::invalid(v, "must be a 32bit integer"))
                .help("use an integer from -2147483648 to 2147483647, such as \"100\"");
        }
        if let Some(container) = k.strip_prefix(APPARMOR_CONTAINER_PREFIX) {
            // `ValidateAppArmorPodAnnotations`: the container must exist (init, regular or
            // ephemeral) and the profile be "", `runtime/default`, `unconfined` or `localhost/...`.
            if !containers(&spec).iter().any(|(_, c)| text(c, "name") == container) {
                sink.field_error(&at, ErrorType::Invalid, formats::invalid(container, "container not found"))
                    .help("name one of the pod's containers after the `/`");
            }
            if !(matches!(v, "" | "runtime/default" | "unconfined") || v.starts_with("localhost/")) {
                let msg = format!("invalid AppArmor profile name: \"{v}\"");
                sink.field_error(&at, ErrorType::Invalid, formats::invalid(v, &msg)).help(
                    "use `runtime/default`, `unconfined` or `localhost/<profile>`, or better the `securityContext.appArmorProfile` field",
                );
            }
        }
        if k == TOLERATIONS && !v.is_empty() {
            tolerations_annotation(sink, &e.value, &path, v, ctx.opts.kube_version);
        }
        if k == SECCOMP_POD || k.starts_with(SECCOMP_CONTAINER_PREFIX) {
            // `ValidateSeccompPodAnnotations` uses `Child(key)`, not `Key(key)`.
            seccomp_profile(sink, &Cur::new(&e.value, format!("{path}.{k}")), v);
        }
    }
    seccomp_matches(sink, &spec, &ann);
    apparmor_matches(sink, &spec, &ann, !ctx.is_template());
}

/// `ValidateTolerationsInPodAnnotations`: `GetTolerationsFromPodAnnotations` decodes the value
/// with `json.Unmarshal` into `[]core.Toleration`; an error is Invalid on the annotations (the
/// key as value, Go's error as detail) and ends the check, else each toleration is validated as
/// `spec.tolerations` is, under `<annotations>.scheduler.alpha.kubernetes.io/tolerations[i]`.
/// The decoded tolerations point at the annotation's value.
fn tolerations_annotation(sink: &mut Sink<'_>, value: &Node, path: &str, v: &str, version: crate::KubeVersion) {
    match crate::yaml::json_unmarshal(v).and_then(|json| decode_tolerations(&json, value.span)) {
        Err(msg) => {
            sink.field_error(&Cur::new(value, path), ErrorType::Invalid, formats::invalid(TOLERATIONS, &msg))
                .help("write the annotation as a JSON list of tolerations, or better move them to `spec.tolerations`");
        }
        Ok(Some(list)) => crate::rules::pod::toleration::validate(sink, &Cur::new(&list, format!("{path}.{TOLERATIONS}")), version),
        Ok(None) => {}
    }
}

/// The `core.Toleration` fields by JSON name, with the Go type a mismatch names.
const TOLERATION_FIELDS: &[(&str, &str)] = &[
    ("key", "string"),
    ("operator", "core.TolerationOperator"),
    ("value", "string"),
    ("effect", "core.TaintEffect"),
    ("tolerationSeconds", "int64"),
];

/// `encoding/json` decoding a JSON value into `[]core.Toleration`: None for `null`, else the list
/// with each toleration's known fields under their JSON names (matched as Go does, exactly or
/// else ignoring case; a later one wins; `null` leaves a string as it was and clears
/// `tolerationSeconds`; other fields are ignored), every node at `span`. A value of the wrong type
/// is Go's `UnmarshalTypeError`: decoding goes on and the first one is the error.
fn decode_tolerations(json: &Node, span: Span) -> Result<Option<Node>, String> {
    let kind = |n: &Node| match &n.kind {
        NodeKind::Map(_) => "object",
        NodeKind::Seq(_) => "array",
        NodeKind::Scalar(s) if s.style == ScalarStyle::DoubleQuoted => "string",
        NodeKind::Scalar(s) => match s.value.as_str() {
            "null" => "null",
            "true" | "false" => "bool",
            _ => "number",
        },
    };
    let items = match &json.kind {
        NodeKind::Seq(items) => items,
        _ if kind(json) == "null" => return Ok(None),
        _ => return Err(format!("json: cannot unmarshal {} into Go value of type []core.Toleration", kind(json))),
    };
    let mut first: Option<String> = None;
    let mut out = Vec::new();
    for item in items {
        let mut fields: Vec<Entry> = Vec::new();
        match &item.kind {
            NodeKind::Map(entries) => {
                for e in entries {
                    let k = e.key.text().unwrap_or("");
                    let Some(&(name, go_type)) = TOLERATION_FIELDS
                        .iter()
                        .find(|(n, _)| *n == k)
                        .or_else(|| TOLERATION_FIELDS.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)))
                    else {
                        continue;
                    };
                    let (t, text) = (kind(&e.value), e.value.text().unwrap_or(""));
                    let ok = match (go_type, t) {
                        (_, "null") => {
                            if name == "tolerationSeconds" {
                                fields.retain(|f| f.key.text() != Some(name));
                            }
                            continue;
                        }
                        ("int64", "number") => text.parse::<i64>().is_ok(),
                        ("int64", _) => false,
                        (_, t) => t == "string",
                    };
                    if !ok {
                        let got = if t == "number" && go_type == "int64" { format!("number {text}") } else { t.to_string() };
                        first.get_or_insert(format!(
                            "json: cannot unmarshal {got} into Go struct field Toleration.{name} of type {go_type}"
                        ));
                        continue;
                    }
                    let style = if t == "string" { ScalarStyle::DoubleQuoted } else { ScalarStyle::Plain };
                    let entry = Entry { key: Node::scalar(span, name, ScalarStyle::Plain), value: Node::scalar(span, text, style) };
                    match fields.iter_mut().find(|f| f.key.text() == Some(name)) {
                        Some(f) => *f = entry,
                        None => fields.push(entry),
                    }
                }
            }
            _ if kind(item) == "null" => {}
            _ => {
                first.get_or_insert(format!("json: cannot unmarshal {} into Go value of type core.Toleration", kind(item)));
            }
        }
        out.push(Node::map(span, fields));
    }
    match first {
        Some(e) => Err(e),
        None => Ok(Some(Node::seq(span, out))),
    }
}

/// The value node of annotation `key`, if set.
fn annotation<'a>(ann: &Cur<'a>, key: &str) -> Option<Cur<'a>> {
    ann.node.as_map()?.iter().find(|e| e.key.text() == Some(key)).map(|e| Cur::new(&e.value, key))
}

/// A `Forbidden` "... in annotation and field must match" at `profile`'s `child` (reported with
/// `path`, the profile's path as the server builds it), with the annotation as secondary label.
fn mismatch(sink: &mut Sink<'_>, profile: &Cur<'_>, path: &str, child: &str, detail: &str, ann: &Cur<'_>) {
    let at = child_or_parent(profile, child);
    let (file, value) = (sink.file, ann.text().unwrap_or(""));
    sink.field_error_at(at.span(), &format!("{path}.{child}"), ErrorType::Forbidden, formats::forbidden(detail))
        .help("make the annotation agree with the field, or better remove the deprecated annotation")
        .secondary(file, ann.span(), format!("the annotation `{}` says {value:?}", ann.path));
}

/// How a `seccompProfile` / `appArmorProfile` field disagrees with its annotation's value `v`:
/// the child to report and the detail, or `None` when they agree. Both checks compare the same
/// way (the type, then a Localhost profile's path); seccomp also takes `docker/default` for
/// RuntimeDefault.
fn profile_mismatch(profile: &Cur<'_>, v: &str, seccomp: bool) -> Option<(&'static str, &'static str)> {
    let (type_detail, profile_detail) = if seccomp {
        ("seccomp type in annotation and field must match", "seccomp profile in annotation and field must match")
    } else {
        ("apparmor type in annotation and field must match", "apparmor profile in annotation and field must match")
    };
    match text(profile, "type") {
        "Unconfined" if v != "unconfined" => Some(("type", type_detail)),
        "RuntimeDefault" if v != "runtime/default" && !(seccomp && v == "docker/default") => Some(("type", type_detail)),
        "Localhost" => match v.strip_prefix("localhost/") {
            None => Some(("type", type_detail)),
            Some(p) if profile.field("localhostProfile").and_then(|l| l.text()) != Some(p) => Some(("localhostProfile", profile_detail)),
            Some(_) => None,
        },
        _ => None,
    }
}

/// `validateSeccompAnnotationsAndFields` + `validateSeccompAnnotationsAndFieldsMatch`: the pod's
/// field against the pod annotation, each container's own field against its annotation.
fn seccomp_matches(sink: &mut Sink<'_>, spec: &Cur<'_>, ann: &Cur<'_>) {
    let check = |sink: &mut Sink<'_>, profile: &Cur<'_>, a: &Cur<'_>| {
        if let Some((child, detail)) = profile_mismatch(profile, a.text().unwrap_or(""), true) {
            mismatch(sink, profile, &profile.path, child, detail, a);
        }
    };
    if let (Some(p), Some(a)) = (spec.field("securityContext").and_then(|s| s.field("seccompProfile")), annotation(ann, SECCOMP_POD)) {
        check(sink, &p, &a);
    }
    for c in visit_order(spec) {
        let Some(p) = c.field("securityContext").and_then(|s| s.field("seccompProfile")) else { continue };
        if let Some(a) = annotation(ann, &format!("{SECCOMP_CONTAINER_PREFIX}{}", text(&c, "name"))) {
            check(sink, &p, &a);
        }
    }
}

/// `validateAppArmorAnnotationsAndFieldsMatchOnCreate`: each container's profile (its own or the
/// pod's) against its annotation; Windows pods are skipped. On a Pod, `applyAppArmorVersionSkew`
/// (PrepareForCreate) has already given a container without a profile of its own the profile of a
/// valid annotation, so such a container always matches.
fn apparmor_matches(sink: &mut Sink<'_>, spec: &Cur<'_>, ann: &Cur<'_>, is_pod: bool) {
    if spec.field("os").is_some_and(|o| text(&o, "name") == "windows") {
        return;
    }
    let pod_profile = spec.field("securityContext").and_then(|s| s.field("appArmorProfile"));
    for c in visit_order(spec) {
        let own = c.field("securityContext").and_then(|s| s.field("appArmorProfile"));
        let Some(profile) = own.clone().or_else(|| pod_profile.clone()) else { continue };
        let Some(a) = annotation(ann, &format!("{APPARMOR_CONTAINER_PREFIX}{}", text(&c, "name"))) else { continue };
        let v = a.text().unwrap_or("");
        if is_pod && own.is_none() && apparmor_annotation_is_valid_field(v) {
            continue;
        }
        let Some((child, detail)) = profile_mismatch(&profile, v, false) else { continue };
        let path = format!("{}.securityContext.appArmorProfile", c.path);
        mismatch(sink, &profile, &path, child, detail, &a);
    }
}

/// `apparmorFieldForAnnotation` gives a field that `ValidateAppArmorProfileField` accepts.
fn apparmor_annotation_is_valid_field(v: &str) -> bool {
    match v {
        "unconfined" | "runtime/default" => true,
        _ => v.strip_prefix("localhost/").is_some_and(|p| !p.is_empty() && p.trim() == p && p.len() <= 4095),
    }
}

/// The container items in `podshelper.VisitContainersWithPath` order: init, regular, ephemeral.
fn visit_order<'a>(spec: &Cur<'a>) -> Vec<Cur<'a>> {
    let mut out = Vec::new();
    for key in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(list) = spec.field(key) {
            out.extend(list.items().filter(|(_, c)| c.node.as_map().is_some()).map(|(_, c)| c));
        }
    }
    out
}

/// `GetDeletionCostFromPodAnnotations`: a first digit check (`-`, `1`-`9`, or `0` alone) then
/// `strconv.ParseInt(v, 10, 32)`.
fn valid_deletion_cost(v: &str) -> bool {
    let first_ok = match v.as_bytes().first() {
        Some(b'-' | b'1'..=b'9') => true,
        Some(b'0') => v == "0",
        _ => false,
    };
    first_ok && v.parse::<i32>().is_ok() && !v.starts_with('+')
}

/// `ValidateSeccompProfile`.
fn seccomp_profile(sink: &mut Sink<'_>, at: &Cur<'_>, p: &str) {
    if matches!(p, "runtime/default" | "docker/default" | "unconfined") {
        return;
    }
    if let Some(local) = p.strip_prefix("localhost/") {
        local_descending_path(sink, at, &at.path, local);
        return;
    }
    sink.field_error(at, ErrorType::Invalid, formats::invalid(p, "must be a valid seccomp profile"))
        .help("use `runtime/default`, or better the `securityContext.seccompProfile` field");
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "pod-annotation-invalid";

    fn pod(ann: &str, spec: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n{ann}spec:\n{spec}  containers:\n  - name: web\n    image: a:1\n")
    }

    /// `ValidateTolerationsInPodAnnotations`: Go's JSON errors on the annotations, else each
    /// decoded toleration validated like `spec.tolerations`.
    #[test]
    fn tolerations_annotation() {
        use crate::rules::pod::util::messages_of;
        let tol = |json: &str| pod(&format!("    scheduler.alpha.kubernetes.io/tolerations: '{json}'\n"), "");
        let a = "metadata.annotations";
        let t = "metadata.annotations.scheduler.alpha.kubernetes.io/tolerations";
        for (json, err) in [
            ("[{\"key\": \"a\"", "unexpected end of JSON input"),
            ("{\"key\": \"a\"}", "json: cannot unmarshal object into Go value of type []core.Toleration"),
            ("[\"a\"]", "json: cannot unmarshal string into Go value of type core.Toleration"),
            ("[{\"key\": 1}, {\"effect\": true}]", "json: cannot unmarshal number into Go struct field Toleration.key of type string"),
            (
                "[{\"tolerationSeconds\": 1.5}]",
                "json: cannot unmarshal number 1.5 into Go struct field Toleration.tolerationSeconds of type int64",
            ),
            (
                "[{\"operator\": {}}]",
                "json: cannot unmarshal object into Go struct field Toleration.operator of type core.TolerationOperator",
            ),
            ("[] x", "invalid character 'x' after top-level value"),
        ] {
            assert_eq!(errors_of(R, &tol(json)), pairs(&[(a, "Invalid")]), "{json}");
            assert_eq!(
                messages_of(R, &tol(json)),
                [format!("Invalid value: \"scheduler.alpha.kubernetes.io/tolerations\": {err}")],
                "{json}"
            );
        }
        // Decoded: keys match in any case, unknown ones are ignored, null is the zero toleration.
        assert_eq!(
            errors_of(R, &tol("[{\"KEY\": \"a/b/c\", \"Operator\": \"Exists\", \"bogus\": 1}, null, {\"key\": \"k\", \"effect\": \"Never\", \"tolerationSeconds\": 5}]")),
            pairs(&[
                (&format!("{t}[0].key"), "Invalid"),
                (&format!("{t}[1].operator"), "Invalid"),
                (&format!("{t}[2].effect"), "Invalid"),
                (&format!("{t}[2].effect"), "NotSupported")
            ])
        );
        assert_eq!(
            errors_of(R, &tol("[{\"key\": \"dedicated\", \"operator\": \"Equal\", \"value\": \"gpu\", \"effect\": \"NoSchedule\"}]")),
            pairs(&[])
        );
        for ok in ["null", "[]", ""] {
            assert_eq!(errors_of(R, &tol(ok)), pairs(&[]), "{ok}");
        }
        // Templates: on `spec.template.annotations`.
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n      annotations:\n        scheduler.alpha.kubernetes.io/tolerations: '[{\"operator\": \"In\"}]'\n    spec:\n      containers:\n      - name: web\n        image: a:1\n";
        assert_eq!(
            errors_of(R, dep),
            pairs(&[
                ("spec.template.annotations.scheduler.alpha.kubernetes.io/tolerations[0].operator", "Invalid"),
                ("spec.template.annotations.scheduler.alpha.kubernetes.io/tolerations[0].operator", "NotSupported")
            ])
        );
    }

    #[test]
    fn table() {
        let ann = "    controller.kubernetes.io/pod-deletion-cost: \"2147483648\"\n    kubernetes.io/config.mirror: x\n    seccomp.security.alpha.kubernetes.io/pod: bogus\n    container.seccomp.security.alpha.kubernetes.io/web: localhost//abs\n";
        assert_eq!(
            errors_of(R, &pod(ann, "")),
            pairs(&[
                ("metadata.annotations.container.seccomp.security.alpha.kubernetes.io/web", "Invalid"),
                ("metadata.annotations.seccomp.security.alpha.kubernetes.io/pod", "Invalid"),
                ("metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "Invalid"),
                ("metadata.annotations[kubernetes.io/config.mirror]", "Invalid")
            ])
        );
        let aa = "    container.apparmor.security.beta.kubernetes.io/nosuch: bogus\n    container.apparmor.security.beta.kubernetes.io/web: localhost/k8s-web\n";
        assert_eq!(
            errors_of(R, &pod(aa, "")),
            pairs(&[
                ("metadata.annotations[container.apparmor.security.beta.kubernetes.io/nosuch]", "Invalid"),
                ("metadata.annotations[container.apparmor.security.beta.kubernetes.io/nosuch]", "Invalid")
            ])
        );
        let ok = "    controller.kubernetes.io/pod-deletion-cost: \"-5\"\n    kubernetes.io/config.mirror: x\n    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n";
        assert_eq!(errors_of(R, &pod(ok, "  nodeName: node-1\n")), pairs(&[]));
        for bad in ["abc", "+5", "05", "", "1.5"] {
            let a = format!("    controller.kubernetes.io/pod-deletion-cost: \"{bad}\"\n");
            assert_eq!(
                errors_of(R, &pod(&a, "")),
                pairs(&[("metadata.annotations[controller.kubernetes.io/pod-deletion-cost]", "Invalid")]),
                "{bad}"
            );
        }
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n      annotations:\n        controller.kubernetes.io/pod-deletion-cost: abc\n    spec:\n      containers:\n      - name: web\n        image: a:1\n";
        assert_eq!(errors_of(R, dep), pairs(&[("spec.template.annotations[controller.kubernetes.io/pod-deletion-cost]", "Invalid")]));
    }

    /// `validateSeccompAnnotationsAndFields` / `validateAppArmorAnnotationsAndFieldsMatchOnCreate`,
    /// on Pods and on templates (`ValidatePodTemplateSpec` calls both).
    #[test]
    fn annotations_and_fields_match() {
        let ann = "    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n    container.seccomp.security.alpha.kubernetes.io/a: localhost/foo\n    container.apparmor.security.beta.kubernetes.io/a: runtime/default\n    container.apparmor.security.beta.kubernetes.io/b: localhost/x\n";
        let spec = "  securityContext:\n    seccompProfile:\n      type: Unconfined\n    appArmorProfile:\n      type: RuntimeDefault\n  containers:\n  - name: a\n    image: a:1\n    securityContext:\n      seccompProfile:\n        type: Localhost\n        localhostProfile: bar\n      appArmorProfile:\n        type: Unconfined\n  - name: b\n    image: b:1\n";
        let bare = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n{ann}spec:\n{spec}");
        // Container b has no profile of its own: on a Pod the annotation becomes its field.
        assert_eq!(
            errors_of(R, &bare),
            pairs(&[
                ("spec.containers[0].securityContext.appArmorProfile.type", "Forbidden"),
                ("spec.containers[0].securityContext.seccompProfile.localhostProfile", "Forbidden"),
                ("spec.securityContext.seccompProfile.type", "Forbidden")
            ])
        );
        let ind = |t: &str| t.lines().flat_map(|l| ["    ", l, "\n"]).collect::<String>();
        let dep = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n      annotations:\n{}    spec:\n{}",
            ind(ann),
            ind(spec)
        );
        // In a template container b inherits the pod's RuntimeDefault, which the annotation contradicts.
        let t = "spec.template.spec";
        assert_eq!(
            errors_of(R, &dep),
            pairs(&[
                (&format!("{t}.containers[0].securityContext.appArmorProfile.type"), "Forbidden"),
                (&format!("{t}.containers[0].securityContext.seccompProfile.localhostProfile"), "Forbidden"),
                (&format!("{t}.containers[1].securityContext.appArmorProfile.type"), "Forbidden"),
                (&format!("{t}.securityContext.seccompProfile.type"), "Forbidden")
            ])
        );
        // Agreeing values, and Windows pods (AppArmor not compared).
        let ok = "    seccomp.security.alpha.kubernetes.io/pod: docker/default\n    container.apparmor.security.beta.kubernetes.io/web: unconfined\n";
        let ok_spec = "  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n    appArmorProfile:\n      type: Unconfined\n";
        assert_eq!(errors_of(R, &pod(ok, ok_spec)), pairs(&[]));
        let win = "    container.apparmor.security.beta.kubernetes.io/web: runtime/default\n";
        let win_spec = "  os:\n    name: windows\n";
        let c = "  containers:\n  - name: web\n    image: a:1\n    securityContext:\n      appArmorProfile:\n        type: Unconfined\n";
        let p = |s: &str| format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n{win}spec:\n{s}{c}");
        assert_eq!(errors_of(R, &p(win_spec)), pairs(&[]));
        assert_eq!(errors_of(R, &p("")), pairs(&[("spec.containers[0].securityContext.appArmorProfile.type", "Forbidden")]));
    }
}
