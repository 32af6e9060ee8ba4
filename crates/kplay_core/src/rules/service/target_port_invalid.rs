//! `service-target-port-invalid`: a targetPort number out of range or a bad port name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};
use crate::yaml::Resolved;

pub static RULE: Rule = Rule {
    name: "service-target-port-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A Service `targetPort` is a number outside 1-65535 or a name that is not an IANA service name.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.ports[].targetPort`: a number must be between 1 and 65535; a string is the *name*
of a container port and must be an IANA service name (at most 15 characters, lowercase letters,
digits and `-`, at least one letter). A quoted number such as `"8080"` is a string, hence a
name, and fails. An absent `targetPort` defaults to `port`.

## Why is this bad?
The API server refuses the Service, with one error per failed check of the name.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: "8080"
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
```

## References
- Defining a Service (named target ports): <https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service>
"#
    ),
    spec: &["SP-06", "SP-08"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for (_, p) in super::ports(&spec) {
        let Some(c) = p.field("targetPort") else { continue };
        match c.node.resolved() {
            Some(Resolved::Int(n)) => {
                for m in formats::port_num_msgs(n) {
                    sink.field_error(&c, ErrorType::Invalid, formats::invalid_num(n, &m))
                        .help("use the container's port number (1-65535) or the name of a container port");
                }
            }
            Some(Resolved::Str(v)) => {
                let help = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                    format!("a quoted number is a port *name*; write the number unquoted: `targetPort: {v}`")
                } else {
                    "use the name of a container port (IANA service name: up to 15 lowercase letters, digits and `-`, with a letter) or a number".to_string()
                };
                for m in formats::port_name_msgs(v) {
                    sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m)).help(help.clone());
                }
            }
            // Other JSON types fail decoding before validation.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |tp: &str| hits(&svc(&format!("  ports:\n  - port: 80\n    targetPort: {tp}\n")), r);
        // svc-025
        assert_eq!(t("http_alt"), pairs(&[("spec.ports[0].targetPort", "Invalid")]));
        // A quoted number fails "at least one letter".
        assert_eq!(t("\"8080\""), pairs(&[("spec.ports[0].targetPort", "Invalid")]));
        assert_eq!(t("HTTP"), pairs(&[("spec.ports[0].targetPort", "Invalid"), ("spec.ports[0].targetPort", "Invalid")]));
        assert_eq!(t("70000"), pairs(&[("spec.ports[0].targetPort", "Invalid")]));
        assert!(t("8080").is_empty());
        assert!(t("http").is_empty());
        assert!(t("0").is_empty());
        assert!(t("\"\"").is_empty());
    }
}
