//! `ephemeral-container-invalid`: what `validateEphemeralContainers` checks beyond the checks
//! common to all containers (which the other container rules run on ephemeral containers too):
//! the target container exists, only the allowed fields are set (`validateFieldAllowList` with
//! `allowedEphemeralContainerFields`), and no volume mount uses a sub path.
//!
//! `ValidatePodSpec` runs it for Pods and for pod templates alike, although neither may have
//! ephemeral containers (`pod-spec-invalid` and `pod-template-invalid` report that), so a
//! manifest gets both errors, as from the API server.

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{whole, ContainerKind};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static EPHEMERAL_CONTAINER_INVALID: Rule = Rule {
    name: "ephemeral-container-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An ephemeral container targets a container that does not exist, or sets a field ephemeral containers may not have.",
    docs: rule_docs!(
        r#"## What it does
Checks each item of `spec.ephemeralContainers` the way the API server does, in Pods and in pod
templates: `targetContainerName`, when set, must name one of the pod's containers or init
containers; `ports`, `resources`, `resizePolicy`, `restartPolicy`, `restartPolicyRules`, the
probes and `lifecycle` may not be set (`Forbidden: cannot be set for an Ephemeral Container`);
and no `volumeMounts[].subPath` or `subPathExpr`. The checks every container gets (name, image,
env, mounts, security context ...) come from the other container rules.

## Why is this bad?
The API server rejects the object. Ephemeral containers are for debugging a running pod: they
get no resources, ports or health checks of their own, and they are added with
`kubectl debug` (the `ephemeralcontainers` subresource), never in the manifest that creates a
pod, which the API server refuses as well.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
  ephemeralContainers:
    - name: debug
      image: busybox:1.36
      targetContainerName: wbe
      ports:
        - containerPort: 8080
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
# then, on the running pod:
#   kubectl debug -it web --image=busybox:1.36 --target=web
```

## References
- Ephemeral containers: <https://kubernetes.io/docs/concepts/workloads/pods/ephemeral-containers/>
- `validateEphemeralContainers` and `validateFieldAllowList` in `pkg/apis/core/validation/validation.go`
"#
    ),
    spec: &[],
    check: Some(check),
};

/// The fields of `EphemeralContainerCommon` that `allowedEphemeralContainerFields` does not allow,
/// in the struct's order (the order of the server's errors).
const NOT_ALLOWED: &[&str] = &[
    "ports",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
];

const MSG: &str = "cannot be set for an Ephemeral Container";

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let Some(list) = spec.field(ContainerKind::Ephemeral.key()) else { return };
    let mut others: HashSet<&str> = HashSet::new();
    for key in [ContainerKind::Regular.key(), ContainerKind::Init.key()] {
        for (_, c) in spec.field(key).iter().flat_map(Cur::items) {
            others.insert(c.field("name").and_then(|n| n.text()).unwrap_or(""));
        }
    }
    for (_, c) in list.items().filter(|(_, c)| c.node.as_map().is_some()) {
        if let Some(t) = c.field("targetContainerName") {
            let v = t.text().unwrap_or("");
            if !v.is_empty() && !others.contains(v) {
                sink.field_error(&t, ErrorType::NotFound, formats::not_found(v))
                    .help("name one of the pod's containers or init containers, or drop `targetContainerName`");
            }
        }
        for f in NOT_ALLOWED {
            let Some(x) = c.field(f) else { continue };
            // A field is "set" when it differs from Go's zero value: any non-nil list or pointer,
            // and for the `resources` struct any of its fields.
            if *f == "resources" && x.node.as_map().is_some_and(|m| m.iter().all(|e| e.value.is_null())) {
                continue;
            }
            sink.field_error(&whole(&x), ErrorType::Forbidden, formats::forbidden(MSG)).help(format!(
                "remove `{f}`: ephemeral containers are for debugging and get no ports, resources, probes or lifecycle hooks"
            ));
        }
        for (_, m) in c.field("volumeMounts").iter().flat_map(Cur::items) {
            for f in ["subPath", "subPathExpr"] {
                if let Some(x) = m.field(f).filter(|x| !x.text().unwrap_or("").is_empty()) {
                    sink.field_error(&x, ErrorType::Forbidden, formats::forbidden(MSG))
                        .help(format!("mount the whole volume: `{f}` is not allowed in an ephemeral container"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "ephemeral-container-invalid";

    #[test]
    fn table() {
        let e = "spec.ephemeralContainers[0]";
        let y = pod_with(
            "  volumes:\n  - name: v\n  initContainers:\n  - name: init\n    image: a:1\n  containers:\n  - name: web\n    image: a:1\n  ephemeralContainers:\n  - name: debug\n    image: busybox:1.36\n    targetContainerName: nope\n    ports:\n    - containerPort: 80\n    resources:\n      limits:\n        cpu: 1\n    resizePolicy: []\n    readinessProbe:\n      exec:\n        command: [x]\n    lifecycle:\n      preStop:\n        exec:\n          command: [x]\n    volumeMounts:\n    - name: v\n      mountPath: /x\n      subPath: s\n      subPathExpr: $(X)\n",
        );
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                (&format!("{e}.lifecycle"), "Forbidden"),
                (&format!("{e}.ports"), "Forbidden"),
                (&format!("{e}.readinessProbe"), "Forbidden"),
                (&format!("{e}.resizePolicy"), "Forbidden"),
                (&format!("{e}.resources"), "Forbidden"),
                (&format!("{e}.targetContainerName"), "NotFound"),
                (&format!("{e}.volumeMounts[0].subPath"), "Forbidden"),
                (&format!("{e}.volumeMounts[0].subPathExpr"), "Forbidden"),
            ])
        );
        // Zero values are not "set"; init containers are valid targets.
        let ok = pod_with(
            "  initContainers:\n  - name: init\n    image: a:1\n  containers:\n  - name: web\n    image: a:1\n  ephemeralContainers:\n  - name: debug\n    image: busybox:1.36\n    targetContainerName: init\n    ports: null\n    resources: {}\n    volumeMounts: []\n",
        );
        assert_eq!(errors_of(R, &ok), pairs(&[]));
        // Templates too (ValidatePodSpec runs validateEphemeralContainers for them).
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: a:1\n      ephemeralContainers:\n      - name: debug\n        image: a:1\n        targetContainerName: nope\n        resources:\n          limits: {}\n";
        assert_eq!(
            errors_of(R, dep),
            pairs(&[
                ("spec.template.spec.ephemeralContainers[0].resources", "Forbidden"),
                ("spec.template.spec.ephemeralContainers[0].targetContainerName", "NotFound")
            ])
        );
    }
}
