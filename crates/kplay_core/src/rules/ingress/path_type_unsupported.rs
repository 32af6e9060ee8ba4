//! `ingress-path-type-unsupported`: a pathType other than Exact, Prefix, ImplementationSpecific.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const TYPES: &[&str] = &["Exact", "ImplementationSpecific", "Prefix"];

pub static RULE: Rule = Rule {
    name: "ingress-path-type-unsupported",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An Ingress `pathType` is not Exact, Prefix or ImplementationSpecific.",
    docs: rule_docs!(
        r#"## What it does
Checks `pathType` of each Ingress path against the three path types (case-sensitive).

## Why is this bad?
The API server refuses the Ingress with "Unsupported value".

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
      - path: /api
        pathType: prefix
        backend:
          service:
            name: api
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
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 80
```

## References
- Path types: <https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types>
"#
    ),
    spec: &["I-08"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for p in super::http_paths(&spec) {
        let Some(t) = p.field("pathType") else { continue };
        let v = super::s(&t);
        if !TYPES.contains(&v) {
            let hint = TYPES.iter().find(|x| x.eq_ignore_ascii_case(v)).map_or_else(
                || "use Prefix, Exact or ImplementationSpecific".to_string(),
                |x| format!("path types are case-sensitive: `{x}`"),
            );
            sink.field_error(&t, ErrorType::NotSupported, formats::not_supported(v, TYPES)).help(hint);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::one_path;
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |pt: &str| {
            hits(&one_path(&format!("      - path: /\n        pathType: {pt}\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n")), r)
        };
        assert_eq!(t("prefix"), pairs(&[("spec.rules[0].http.paths[0].pathType", "NotSupported")]));
        assert_eq!(t("\"\""), pairs(&[("spec.rules[0].http.paths[0].pathType", "NotSupported")]));
        assert!(t("Exact").is_empty());
    }
}
