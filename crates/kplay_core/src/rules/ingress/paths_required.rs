//! `ingress-paths-required`: a rule with an `http` section but no paths.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-paths-required",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A rule's `http` section has no `paths`.",
    docs: rule_docs!(
        r#"## What it does
Reports `spec.rules[].http` without entries in `paths`. (A rule without `http` at all is
allowed.)

## Why is this bad?
The API server refuses the Ingress: an `http` rule routes by path, and without paths it routes
nothing.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: shop.example.com
    http:
      paths: []
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: shop.example.com
    http:
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
- Ingress rules: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules>
"#
    ),
    spec: &["I-06"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some(rules) = spec.field("rules") else { return };
    for (_, rule) in rules.items() {
        let Some(http) = rule.field("http") else { continue };
        match http.field("paths") {
            Some(p) if !p.is_empty() => {}
            Some(p) => {
                sink.field_error_at(p.key_span(), &p.path, ErrorType::Required, formats::required(""))
                    .help("add at least one path with `path`, `pathType` and `backend`, or remove `http`");
            }
            None => {
                sink.required(&http, "paths", formats::required(""))
                    .help("add at least one path with `path`, `pathType` and `backend`, or remove `http`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::ing;
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        assert_eq!(hits(&ing("  rules:\n  - http:\n      paths: []\n"), r), pairs(&[("spec.rules[0].http.paths", "Required")]));
        assert_eq!(hits(&ing("  rules:\n  - http: {}\n"), r), pairs(&[("spec.rules[0].http.paths", "Required")]));
        assert!(hits(&ing("  rules:\n  - host: a.example.com\n"), r).is_empty());
    }
}
