//! `service-port-protocol-unsupported`: a Service port protocol other than TCP, UDP, SCTP.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

pub static RULE: Rule = Rule {
    name: "service-port-protocol-unsupported",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A Service port's `protocol` is not TCP, UDP or SCTP (uppercase).",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.ports[].protocol` of Services: `TCP` (the default), `UDP` or `SCTP`, uppercase.
Application protocols such as HTTP belong in `appProtocol`.

## Why is this bad?
The API server refuses the Service with "Unsupported value".

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
    protocol: HTTP
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
    protocol: TCP
    appProtocol: http
```

## References
- Protocols for Services: <https://kubernetes.io/docs/reference/networking/service-protocols/>
"#
    ),
    spec: &["SP-05"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for (_, p) in super::ports(&spec) {
        match super::field_str(&p, "protocol") {
            Some((c, "")) => {
                sink.field_error(&c, ErrorType::Required, formats::required("")).help("set `protocol: TCP` (the default)");
            }
            Some((c, v)) if !PROTOCOLS.contains(&v) => {
                let help = match v.to_ascii_uppercase().as_str() {
                    u @ ("TCP" | "UDP" | "SCTP") => format!("protocols are uppercase: `protocol: {u}`"),
                    _ => "use TCP, UDP or SCTP; put application protocols such as `http` in `appProtocol`".to_string(),
                };
                sink.field_error(&c, ErrorType::NotSupported, formats::not_supported(v, PROTOCOLS)).help(help);
            }
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
        assert_eq!(hits(&svc("  ports:\n  - port: 80\n    protocol: tcp\n"), r), pairs(&[("spec.ports[0].protocol", "NotSupported")]));
        assert!(hits(&svc("  ports:\n  - port: 80\n    protocol: SCTP\n"), r).is_empty());
        assert!(hits(&svc("  ports:\n  - port: 80\n"), r).is_empty());
    }
}
