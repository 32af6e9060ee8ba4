//! `service-port-name-required`: a Service with several ports leaves one unnamed.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-port-name-required",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A Service with more than one port has a port without `name`.",
    docs: rule_docs!(
        r#"## What it does
When a Service lists more than one port, every port needs a `name`; each unnamed port is
reported.

## Why is this bad?
The API server refuses the Service. Names tell the ports apart in EndpointSlices and DNS SRV
records (`_http._tcp.web.default.svc`).

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
  - port: 443
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
  - name: https
    port: 443
```

## References
- Multi-port Services: <https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services>
"#
    ),
    spec: &["SP-01"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let count = spec.field("ports").map_or(0, |p| p.len());
    if count < 2 {
        return;
    }
    for (i, p) in super::ports(&spec) {
        let path = format!("spec.ports[{i}].name");
        let help = "name every port of a multi-port Service (`name: http`), lowercase letters, digits and `-`";
        match super::field_str(&p, "name") {
            Some((_, v)) if !v.is_empty() => {}
            Some((c, _)) => {
                sink.field_error_at(c.span(), &path, ErrorType::Required, formats::required("")).help(help);
            }
            None => {
                sink.field_error_at(super::item_head(&p), &path, ErrorType::Required, formats::required("")).help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        // svc-028
        assert_eq!(
            hits(&svc("  ports:\n  - port: 80\n  - port: 81\n"), r),
            pairs(&[("spec.ports[0].name", "Required"), ("spec.ports[1].name", "Required")])
        );
        assert_eq!(
            hits(&svc("  ports:\n  - port: 80\n    name: a\n  - port: 81\n    name: \"\"\n"), r),
            pairs(&[("spec.ports[1].name", "Required")])
        );
        assert!(hits(&svc("  ports:\n  - port: 80\n"), r).is_empty());
    }
}
