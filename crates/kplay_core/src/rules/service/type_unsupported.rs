//! `service-type-unsupported`: `spec.type` is not one of the four Service types.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

pub static RULE: Rule = Rule {
    name: "service-type-unsupported",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`spec.type` is not ClusterIP, NodePort, LoadBalancer or ExternalName.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.type` against the four Service types. Values are case-sensitive.

## Why is this bad?
The API server refuses the Service with "Unsupported value".

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: Nodeport
  selector:
    app: web
  ports:
  - port: 80
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Service type: <https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types>
"#
    ),
    spec: &["S-04"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    match super::field_str(&spec, "type") {
        None => {
            sink.required(&spec, "type", formats::required("")).help("set `type: ClusterIP` (the default)");
        }
        Some((c, "")) => {
            sink.field_error(&c, ErrorType::Required, formats::required("")).help("set `type: ClusterIP` (the default)");
        }
        Some((c, v)) if !TYPES.contains(&v) => {
            let hint = TYPES.iter().find(|t| t.eq_ignore_ascii_case(v)).map_or(String::new(), |t| format!(" (did you mean `{t}`?)"));
            sink.field_error(&c, ErrorType::NotSupported, formats::not_supported(v, TYPES))
                .help(format!("use ClusterIP, NodePort, LoadBalancer or ExternalName{hint}"));
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        assert_eq!(hits(&svc("  type: Nodeport\n  ports:\n  - port: 80\n"), r), pairs(&[("spec.type", "NotSupported")]));
        assert!(hits(&svc("  type: NodePort\n  ports:\n  - port: 80\n"), r).is_empty());
        assert!(hits(&svc("  ports:\n  - port: 80\n"), r).is_empty());
    }
}
