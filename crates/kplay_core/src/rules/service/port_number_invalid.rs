//! `service-port-number-invalid`: a Service `port` outside 1-65535 (or missing).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-port-number-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A Service port's `port` is missing or outside 1-65535.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.ports[].port` of Services: it is required and must be between 1 and 65535. A
missing `port` also leaves the defaulted `targetPort` at 0, so the server reports both fields.

## Why is this bad?
The API server refuses the Service.

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
  - port: 80800
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
  - port: 8080
```

## References
- Defining a Service: <https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service>
"#
    ),
    spec: &["SP-04"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for (i, p) in super::ports(&spec) {
        let (n, c) = super::int_field(&p, "port");
        let path = format!("spec.ports[{i}].port");
        for m in formats::port_num_msgs(n) {
            let span = c.as_ref().map_or_else(|| super::item_head(&p), crate::rules::Cur::span);
            let help = if c.is_none() { "add `port:` with the number clients connect to" } else { "use a port number between 1 and 65535" };
            sink.field_error_at(span, &path, ErrorType::Invalid, formats::invalid_num(n, &m)).help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, server_errors, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        // svc-022
        assert_eq!(hits(&svc("  ports:\n  - port: 65536\n"), r), pairs(&[("spec.ports[0].port", "Invalid")]));
        assert!(hits(&svc("  ports:\n  - port: 65535\n"), r).is_empty());
    }

    #[test]
    fn missing_port_gives_two_errors() {
        let e = server_errors(&svc("  ports:\n  - targetPort: 0\n"));
        let paths: Vec<&str> = e.iter().map(|(_, p, _)| p.as_str()).collect();
        assert_eq!(paths, vec!["spec.ports[0].port", "spec.ports[0].targetPort"]);
    }
}
