//! `ingress-backend-service-port-invalid`: a backend port name or number that cannot exist.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-backend-service-port-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An Ingress backend's `service.port.name` is not an IANA service name, or `port.number` is outside 1-65535.",
    docs: rule_docs!(
        r#"## What it does
Checks `service.port` of each Ingress backend: a `name` must be an IANA service name (at most 15
lowercase letters, digits and `-`, with at least one letter; one error per failed check, so
`HTTP` gives two), a `number` must be between 1 and 65535.

## Why is this bad?
The API server refuses the Ingress. Note that Service port names themselves may be longer
DNS labels; an Ingress cannot refer to such a port by name.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: web
      port:
        name: HTTP
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: web
      port:
        name: http
```

## References
- Ingress backends: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules>
"#
    ),
    spec: &["I-20", "I-21"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for (b, _, _) in super::backends(&spec) {
        let Some(b) = b else { continue };
        if b.field("resource").is_some() {
            continue;
        }
        let Some(port) = b.field("service").and_then(|s| s.field("port")) else { continue };
        let name = port.field("name").filter(|c| !super::s(c).is_empty());
        let number = port.field("number").filter(|c| c.i64().unwrap_or(0) != 0);
        match (name, number) {
            (Some(c), None) => {
                let v = super::s(&c);
                for m in formats::port_name_msgs(v) {
                    sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m))
                        .help("refer to a Service port name of at most 15 lowercase letters, digits and `-`, or use `number`");
                }
            }
            (None, Some(c)) => {
                let n = c.i64().unwrap_or(0);
                for m in formats::port_num_msgs(n) {
                    sink.field_error(&c, ErrorType::Invalid, formats::invalid_num(n, &m)).help("use the Service's `port` number (1-65535)");
                }
            }
            _ => {}
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
        let t = |p: &str| hits(&ing(&format!("  defaultBackend:\n    service:\n      name: web\n      port:\n{p}")), r);
        // ing-128
        let n = "spec.defaultBackend.service.port.name";
        assert_eq!(t("        name: HTTP\n"), pairs(&[(n, "Invalid"), (n, "Invalid")]));
        assert_eq!(t("        number: 70000\n"), pairs(&[("spec.defaultBackend.service.port.number", "Invalid")]));
        assert!(t("        name: http\n        number: 80\n").is_empty());
        assert!(t("        name: http\n").is_empty());
    }
}
