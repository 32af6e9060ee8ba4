//! `service-node-port-not-allowed`: a nodePort on a ClusterIP Service.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-node-port-not-allowed",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A ClusterIP Service sets `nodePort` on a port.",
    docs: rule_docs!(
        r#"## What it does
Reports `spec.ports[].nodePort` on a Service of type ClusterIP (the default type).

## Why is this bad?
Only NodePort and LoadBalancer Services open node ports; the API server refuses the field on a
ClusterIP Service rather than ignoring it.

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
    nodePort: 30080
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
    nodePort: 30080
```

## References
- Type NodePort: <https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport>
"#
    ),
    spec: &["S-16"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    if super::type_of(&spec) != "ClusterIP" {
        return;
    }
    for (_, p) in super::ports(&spec) {
        let (n, Some(c)) = super::int_field(&p, "nodePort") else { continue };
        if n != 0 {
            sink.field_error(&c, ErrorType::Forbidden, formats::forbidden("may not be used when `type` is 'ClusterIP'"))
                .help("remove `nodePort`, or set `type: NodePort` to expose the port on every node");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        assert_eq!(hits(&svc("  ports:\n  - port: 80\n    nodePort: 30080\n"), r), pairs(&[("spec.ports[0].nodePort", "Forbidden")]));
        assert!(hits(&svc("  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n"), r).is_empty());
        assert!(hits(&svc("  ports:\n  - port: 80\n    nodePort: 0\n"), r).is_empty());
    }
}
