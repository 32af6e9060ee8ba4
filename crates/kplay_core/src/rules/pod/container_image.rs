//! `container-image-invalid`: image missing, or (Pods only, and ephemeral containers everywhere)
//! surrounded by whitespace (C-05, C-06).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{containers, ContainerKind};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static CONTAINER_IMAGE_INVALID: Rule = Rule {
    name: "container-image-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A container has no image, or (in a Pod) the image has leading or trailing whitespace.",
    docs: rule_docs!(
        r#"## What it does
Checks that every container names an `image`. For bare Pods the API server also refuses leading
or trailing whitespace; templates of workloads only need a non-empty image (except for
ephemeral containers, which the server checks for whitespace in templates too). The image reference
itself is never parsed by the API server (the kubelet fails later on a bad reference).

## Why is this bad?
The API server rejects the object (`spec.containers[0].image: Required value`).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
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
```

## References
- Images: <https://kubernetes.io/docs/concepts/containers/images/>
"#
    ),
    spec: &["C-05", "C-06"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    for (kind, c) in containers(&spec) {
        // `validateContainerOnlyForPod`: from `validatePodMetadataAndSpec` for Pods, and from
        // `validateEphemeralContainers` for every ephemeral container, templates included.
        let whitespace_checked = !ctx.is_template() || kind == ContainerKind::Ephemeral;
        match c.field("image") {
            None => {
                sink.required(&c, "image", formats::required("")).help("set `image`, e.g. `image: nginx:1.27`");
            }
            Some(img) => {
                let v = img.text().unwrap_or("");
                if v.is_empty() {
                    sink.field_error(&img, ErrorType::Required, formats::required("")).help("set `image`, e.g. `image: nginx:1.27`");
                } else if whitespace_checked && v.trim() != v {
                    sink.field_error(&img, ErrorType::Invalid, formats::invalid(v, "must not have leading or trailing whitespace"))
                        .help("remove the spaces around the image reference");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "container-image-invalid";

    #[test]
    fn table() {
        assert_eq!(errors_of(R, &pod_with("  containers:\n  - name: web\n")), pairs(&[("spec.containers[0].image", "Required")]));
        assert_eq!(
            errors_of(R, &pod_with("  containers:\n  - name: web\n    image: ' nginx'\n")),
            pairs(&[("spec.containers[0].image", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &pod_with("  containers:\n  - name: web\n    image: ' '\n")),
            pairs(&[("spec.containers[0].image", "Invalid")])
        );
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: ' '\n";
        assert_eq!(errors_of(R, dep), pairs(&[]));
        let eph = dep.replace("image: ' '\n", "image: a:1\n      ephemeralContainers:\n      - name: debug\n        image: 'busybox '\n");
        assert_eq!(errors_of(R, &eph), pairs(&[("spec.template.spec.ephemeralContainers[0].image", "Invalid")]));
    }
}
