//! `ingress-tls-secret-name-invalid`: a TLS secretName that is not a valid Secret name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-tls-secret-name-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`spec.tls[].secretName` is not a valid Secret name (DNS-1123 subdomain).",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.tls[].secretName`: when set it must be a DNS-1123 subdomain (lowercase letters,
digits, `-` and `.`). An empty or missing name is allowed (some controllers use a default
certificate).

## Why is this bad?
The API server refuses the Ingress; no Secret could have such a name.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
  - hosts:
    - shop.example.com
    secretName: Shop_TLS
  rules:
  - host: shop.example.com
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
  - hosts:
    - shop.example.com
    secretName: shop-tls
  rules:
  - host: shop.example.com
```

## References
- TLS: <https://kubernetes.io/docs/concepts/services-networking/ingress/#tls>
"#
    ),
    spec: &["I-25"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some(tls) = spec.field("tls") else { return };
    for (_, t) in tls.items() {
        let Some(c) = t.field("secretName") else { continue };
        let v = super::s(&c);
        if v.is_empty() {
            continue;
        }
        for m in formats::dns1123_subdomain_msgs(v) {
            sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m))
                .help("use the `metadata.name` of a `kubernetes.io/tls` Secret in the Ingress's namespace");
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
        let t = |s: &str| hits(&ing(&format!("  tls:\n  - secretName: {s}\n  rules:\n  - host: a.example.com\n")), r);
        assert_eq!(t("Shop_TLS"), pairs(&[("spec.tls[0].secretName", "Invalid")]));
        assert!(t("shop-tls").is_empty());
        assert!(t("\"\"").is_empty());
    }
}
