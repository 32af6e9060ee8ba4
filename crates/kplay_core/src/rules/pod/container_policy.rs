//! `container-policy-unsupported`: imagePullPolicy and terminationMessagePolicy values (C-07, C-08).

use crate::diagnostic::Severity;
use crate::rules::pod::util::{containers, enum_field};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static CONTAINER_POLICY_UNSUPPORTED: Rule = Rule {
    name: "container-policy-unsupported",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A container's `imagePullPolicy` or `terminationMessagePolicy` is not a supported value.",
    docs: rule_docs!(
        r#"## What it does
Checks `imagePullPolicy` (`Always`, `IfNotPresent`, `Never`) and `terminationMessagePolicy`
(`File`, `FallbackToLogsOnError`) of every container. Values are case-sensitive.

## Why is this bad?
The API server rejects the object with `Unsupported value`.

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
      imagePullPolicy: always
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
      imagePullPolicy: Always
```

## References
- Image pull policy: <https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy>
"#
    ),
    spec: &["C-07", "C-08"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    for (_, c) in containers(&spec) {
        enum_field(sink, &c, "terminationMessagePolicy", &["File", "FallbackToLogsOnError"], true);
        enum_field(sink, &c, "imagePullPolicy", &["Always", "IfNotPresent", "Never"], true);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "container-policy-unsupported";

    #[test]
    fn table() {
        let y = pod_with("  containers:\n  - name: web\n    image: a:1\n    imagePullPolicy: always\n    terminationMessagePolicy: Log\n");
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                ("spec.containers[0].imagePullPolicy", "NotSupported"),
                ("spec.containers[0].terminationMessagePolicy", "NotSupported")
            ])
        );
        assert_eq!(errors_of(R, &pod_with("  containers:\n  - name: web\n    image: a:1\n")), pairs(&[]));
    }
}
