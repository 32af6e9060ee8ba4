//! `service-port-name-duplicate`: two ports of a Service share a name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-port-name-duplicate",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "Two ports of a Service have the same name.",
    docs: rule_docs!(
        r#"## What it does
Reports a Service port whose `name` was already used by an earlier port of the same Service.

## Why is this bad?
The API server refuses the Service; port names must identify ports (EndpointSlices, DNS SRV
records and Ingress backends refer to them by name).

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
  - name: http
    port: 80
  - name: http
    port: 8080
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
  - name: http
    port: 80
  - name: http-alt
    port: 8080
```

## References
- Multi-port Services: <https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services>
"#
    ),
    spec: &["SP-03"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let mut seen: Vec<(&str, crate::source::Span)> = Vec::new();
    for (_, p) in super::ports(&spec) {
        let Some((c, v)) = super::field_str(&p, "name") else { continue };
        if v.is_empty() {
            continue;
        }
        if let Some(&(_, first)) = seen.iter().find(|(n, _)| *n == v) {
            let file = sink.file;
            sink.field_error(&c, ErrorType::Duplicate, formats::duplicate(v)).help("give each port its own name").secondary(
                file,
                first,
                "first used here",
            );
        } else {
            seen.push((v, c.span()));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        // svc-031
        assert_eq!(
            hits(&svc("  ports:\n  - name: http\n    port: 80\n  - name: http\n    port: 81\n"), r),
            pairs(&[("spec.ports[1].name", "Duplicate")])
        );
        assert!(hits(&svc("  ports:\n  - name: http\n    port: 80\n  - name: https\n    port: 81\n"), r).is_empty());
    }
}
