//! `pod-annotation-invalid`: the annotations the server checks on Pods and pod templates, ported
//! from `ValidatePodSpecificAnnotations` (the mirror-pod annotation, the pod deletion cost and the
//! deprecated seccomp and AppArmor annotations).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{containers, local_descending_path, text};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

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
of the pod and `runtime/default`, `unconfined` or `localhost/<profile>`. For templates the
server reports them on `spec.template.annotations`.

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
        if k == SECCOMP_POD || k.starts_with(SECCOMP_CONTAINER_PREFIX) {
            // `ValidateSeccompPodAnnotations` uses `Child(key)`, not `Key(key)`.
            seccomp_profile(sink, &Cur::new(&e.value, format!("{path}.{k}")), v);
        }
    }
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
}
