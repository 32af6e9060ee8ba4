//! `ingress-tls-host-invalid`: a TLS host that is not a DNS name or a valid wildcard.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-tls-host-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A `spec.tls[].hosts[]` entry is not a lowercase DNS name or a `*.` wildcard.",
    docs: rule_docs!(
        r#"## What it does
Checks each `spec.tls[].hosts[]` entry: a DNS-1123 subdomain, or `*.` followed by one. (Unlike
rule hosts, IP addresses are not refused specially.)

## Why is this bad?
The API server refuses the Ingress.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
  - hosts:
    - Shop.Example.com
    secretName: shop-tls
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
    spec: &["I-24"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some(tls) = spec.field("tls") else { return };
    for (_, t) in tls.items() {
        let Some(hosts) = t.field("hosts") else { continue };
        for (_, h) in hosts.items() {
            let v = super::s(&h);
            let msgs = if v.contains('*') { formats::wildcard_dns1123_subdomain_msgs(v) } else { formats::dns1123_subdomain_msgs(v) };
            for m in msgs {
                sink.field_error(&h, ErrorType::Invalid, formats::invalid(v, &m))
                    .help("list the lowercase host names the certificate covers, e.g. `shop.example.com` or `*.example.com`");
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
        let t = |h: &str| hits(&ing(&format!("  tls:\n  - hosts: [{h}]\n  rules:\n  - host: a.example.com\n")), r);
        assert_eq!(t("Shop.example.com, \"*.*.a\""), pairs(&[("spec.tls[0].hosts[0]", "Invalid"), ("spec.tls[0].hosts[1]", "Invalid")]));
        assert!(t("shop.example.com, \"*.example.com\", 10.0.0.1").is_empty());
    }
}
