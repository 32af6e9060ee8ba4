//! `ingress-backend-invalid`: a backend with both or neither of service/resource, or a service
//! port with both or neither of name/number.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-backend-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary:
        "An Ingress backend sets both or neither of `service` and `resource`, or its service port both or neither of `name` and `number`.",
    docs: rule_docs!(
        r#"## What it does
Checks the shape of each Ingress backend (`spec.defaultBackend` and the backends of paths that
have a `pathType`): exactly one of `service` and `resource`, and for a service exactly one of
`port.name` and `port.number`. Errors are reported on the backend itself, as the server does.

## Why is this bad?
The API server refuses the Ingress. A common cause is the pre-v1 shape
(`serviceName`/`servicePort`), which v1 spells `service.name` and `service.port.number`.

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
        name: http
        number: 80
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
- Ingress backends: <https://kubernetes.io/docs/concepts/services-networking/ingress/#resource-backend>
"#
    ),
    spec: &["I-14", "I-15", "I-18", "I-19"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for (b, path, span) in super::backends(&spec) {
        let service = b.as_ref().and_then(|b| b.field("service"));
        let resource = b.as_ref().and_then(|b| b.field("resource"));
        match (&service, &resource) {
            (Some(_), Some(_)) => {
                sink.field_error_at(span, &path, ErrorType::Invalid, formats::invalid("", "cannot set both resource and service backends"))
                    .help("keep either `service` (a Service and port) or `resource` (an object reference)");
            }
            (None, None) => {
                sink.field_error_at(span, &path, ErrorType::Invalid, formats::invalid("", "resource or service backend is required"))
                    .help("add `service: {name: <service>, port: {number: <port>}}`");
            }
            (Some(svc), None) => {
                let port = svc.field("port");
                let name = port.as_ref().and_then(|p| p.field("name")).map_or("", |c| super::s(&c)).to_string();
                let number = port.as_ref().and_then(|p| p.field("number")).and_then(|c| c.i64()).unwrap_or(0);
                if !name.is_empty() && number != 0 {
                    sink.field_error_at(span, &path, ErrorType::Invalid, formats::invalid("", "cannot set both port name & port number"))
                        .help("keep either `port.name` (the Service port's name) or `port.number`");
                } else if name.is_empty() && number == 0 {
                    sink.field_error_at(span, &path, ErrorType::Required, formats::required("port name or number is required"))
                        .help("add `port: {number: 80}` or `port: {name: http}` under `service`");
                }
            }
            (None, Some(_)) => {}
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
        let t = |b: &str| hits(&ing(&format!("  defaultBackend:\n{b}")), r);
        // ing-125
        assert_eq!(
            t("    service:\n      name: web\n      port:\n        name: http\n        number: 80\n"),
            pairs(&[("spec.defaultBackend", "Invalid")])
        );
        assert_eq!(t("    service:\n      name: web\n"), pairs(&[("spec.defaultBackend", "Required")]));
        assert_eq!(t("    service:\n      name: web\n      port:\n        number: 0\n"), pairs(&[("spec.defaultBackend", "Required")]));
        assert_eq!(
            t("    service:\n      name: web\n      port:\n        number: 80\n    resource:\n      kind: Bucket\n      name: b\n"),
            pairs(&[("spec.defaultBackend", "Invalid")])
        );
        // (The pre-v1 `serviceName` is an unknown field: decoding refuses it first.)
        assert_eq!(t("    {}\n"), pairs(&[("spec.defaultBackend", "Invalid")]));
        assert!(t("    service:\n      name: web\n      port:\n        number: 80\n").is_empty());
        assert!(t("    resource:\n      apiGroup: k8s.example.com\n      kind: StorageBucket\n      name: static\n").is_empty());
    }
}
