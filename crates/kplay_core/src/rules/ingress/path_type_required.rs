//! `ingress-path-type-required`: an Ingress path without `pathType`.

use crate::diagnostic::Severity;
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-path-type-required",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An Ingress path has no `pathType` (required in networking.k8s.io/v1).",
    docs: rule_docs!(
        r#"## What it does
Reports `spec.rules[].http.paths[]` entries without `pathType`. In `networking.k8s.io/v1` it is
required and not defaulted (v1beta1 defaulted it to ImplementationSpecific). As on the server,
the backend of such a path is not validated.

## Why is this bad?
The API server refuses the Ingress ("pathType must be specified"). `Prefix` is what most
manifests mean.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - http:
      paths:
      - path: /
        backend:
          service:
            name: web
            port:
              number: 80
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
```

## References
- Path types: <https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types>
"#
    ),
    spec: &["I-07"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for p in super::http_paths(&spec) {
        if p.field("pathType").is_none() {
            let span = super::super::service::item_head(&p);
            sink.field_error_at(
                span,
                &p.child_path("pathType"),
                crate::diagnostic::ErrorType::Required,
                formats::required("pathType must be specified"),
            )
            .help("add `pathType: Prefix` (matches the path and everything below it), `Exact`, or `ImplementationSpecific`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::one_path;
    use crate::rules::service::testing::{hits, pairs, server_errors};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        // ing-116
        assert_eq!(hits(&one_path("      - path: /\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n"), r), pairs(&[("spec.rules[0].http.paths[0].pathType", "Required")]));
        assert!(hits(&one_path("      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n"), r).is_empty());
    }

    #[test]
    fn backend_not_validated() {
        let e = server_errors(&one_path("      - path: /\n        backend:\n          service:\n            name: Web_1\n"));
        assert_eq!(e.len(), 1, "{e:?}");
    }
}
