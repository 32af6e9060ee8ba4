//! `ingress-host-invalid`: a rule host that is an IP, a bad wildcard or not a DNS name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-host-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`spec.rules[].host` is an IP address, a malformed wildcard, or not a lowercase DNS name.",
    docs: rule_docs!(
        r#"## What it does
Checks each rule's `host`: it must be a DNS-1123 subdomain (lowercase, no port, no `_`), or a
wildcard of exactly the form `*.` followed by a subdomain. IP addresses are refused ("must be a
DNS name, not an IP address"; an IPv6 address also fails the name check). An empty host matches
every host and is allowed.

## Why is this bad?
The API server refuses the Ingress. Hosts are matched against the HTTP `Host` header without
the port, so `example.com:8080` could never match anyway.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: shop.example.com:8080
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
- Hostname wildcards: <https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards>
"#
    ),
    spec: &["I-02", "I-03", "I-04", "I-05"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some(rules) = spec.field("rules") else { return };
    for (_, rule) in rules.items() {
        let Some(h) = rule.field("host") else { continue };
        let host = super::s(&h);
        if host.is_empty() {
            continue;
        }
        if formats::parse_ip(host).is_some() {
            sink.field_error(&h, ErrorType::Invalid, formats::invalid(host, "must be a DNS name, not an IP address"))
                .help("Ingress rules match host names; remove `host` to match every host, IP addresses included");
        }
        let (msgs, help) = if host.contains('*') {
            (formats::wildcard_dns1123_subdomain_msgs(host), "a wildcard covers one label at the front: `*.example.com`")
        } else {
            (formats::dns1123_subdomain_msgs(host), "use a lowercase host name without port or scheme, e.g. `shop.example.com`")
        };
        for m in msgs {
            sink.field_error(&h, ErrorType::Invalid, formats::invalid(host, &m)).help(help);
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
        let t = |h: &str| hits(&ing(&format!("  rules:\n  - host: {h}\n")), r);
        let p = "spec.rules[0].host";
        // ing-104, ing-107
        assert_eq!(t("example.com:8080"), pairs(&[(p, "Invalid")]));
        assert_eq!(t("\"foo*.example.com\""), pairs(&[(p, "Invalid")]));
        assert_eq!(t("\"*.*.example.com\""), pairs(&[(p, "Invalid")]));
        assert_eq!(t("127.0.0.1"), pairs(&[(p, "Invalid")]));
        assert_eq!(t("\"::1\""), pairs(&[(p, "Invalid"), (p, "Invalid")]));
        assert_eq!(t("Example.com"), pairs(&[(p, "Invalid")]));
        assert!(t("\"*.example.com\"").is_empty());
        assert!(t("\"\"").is_empty());
    }
}
