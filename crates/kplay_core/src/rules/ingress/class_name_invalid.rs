//! `ingress-class-name-invalid`: an ingressClassName that is not a valid IngressClass name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-class-name-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`spec.ingressClassName` is not a valid IngressClass name (DNS-1123 subdomain).",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.ingressClassName`: when present (even empty) it must be a DNS-1123 subdomain, the
name of an IngressClass.

## Why is this bad?
The API server refuses the Ingress; no IngressClass could have such a name.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: NGINX
  defaultBackend:
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
  ingressClassName: nginx
  defaultBackend:
    service:
      name: web
      port:
        number: 80
```

## References
- IngressClass: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class>
"#
    ),
    spec: &["I-26"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some(c) = spec.field("ingressClassName") else { return };
    let v = super::s(&c);
    for m in formats::dns1123_subdomain_msgs(v) {
        sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m))
            .help("use the `metadata.name` of an IngressClass (`kubectl get ingressclass`), e.g. `nginx`");
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::ing;
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |c: &str| hits(&ing(&format!("  ingressClassName: {c}\n  rules:\n  - host: a.example.com\n")), r);
        // ing-131
        assert_eq!(t("NGINX"), pairs(&[("spec.ingressClassName", "Invalid")]));
        assert_eq!(t("\"\""), pairs(&[("spec.ingressClassName", "Invalid")]));
        assert!(t("nginx").is_empty());
    }
}
