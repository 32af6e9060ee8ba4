//! `service-app-protocol-invalid`: `appProtocol` that is not a qualified name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-app-protocol-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A Service port's `appProtocol` is not a qualified name such as `http` or `kubernetes.io/h2c`.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.ports[].appProtocol`: it must be a qualified name (an optional DNS-subdomain prefix
and `/`, then up to 63 alphanumerics, `-`, `_` or `.`), e.g. `http`, `https`,
`kubernetes.io/h2c`, `example.com/custom`.

## Why is this bad?
The API server refuses the Service, one error per failed part of the check.

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
    appProtocol: http://
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
    appProtocol: http
```

## References
- Application protocol: <https://kubernetes.io/docs/concepts/services-networking/service/#application-protocol>
"#
    ),
    spec: &["SP-07"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for (_, p) in super::ports(&spec) {
        let Some((c, v)) = super::field_str(&p, "appProtocol") else { continue };
        for m in formats::qualified_name_msgs(v) {
            sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m))
                .help("use a protocol name like `http`, `https`, `h2c` or a prefixed one like `kubernetes.io/h2c`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |v: &str| hits(&svc(&format!("  ports:\n  - port: 80\n    appProtocol: {v}\n")), r);
        // Three `/`-separated parts: one regex error.
        assert_eq!(t("http://"), pairs(&[("spec.ports[0].appProtocol", "Invalid")]));
        assert_eq!(t("\"\""), pairs(&[("spec.ports[0].appProtocol", "Invalid"), ("spec.ports[0].appProtocol", "Invalid")]));
        assert!(t("kubernetes.io/h2c").is_empty());
        assert!(t("HTTP").is_empty());
    }
}
