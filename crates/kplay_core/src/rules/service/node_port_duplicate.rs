//! `service-node-port-duplicate`: the same (protocol, nodePort) twice in one Service.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-node-port-duplicate",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "Two ports of a Service use the same nodePort with the same protocol.",
    docs: rule_docs!(
        r#"## What it does
Reports a port whose `(protocol, nodePort)` pair was already used by an earlier port of the
Service. TCP and UDP may share a nodePort. For NodePort and LoadBalancer Services the allocator
usually reports such clashes first (`service-node-port-already-allocated`); this check catches
the rest, e.g. a repeated port entry or a ClusterIP Service.

## Why is this bad?
The API server refuses the Service: one node port cannot forward to two Service ports.

## Example
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
  - name: http
    port: 80
    nodePort: 30080
  - name: http-again
    port: 80
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
  - name: http
    port: 80
    nodePort: 30080
```

## References
- Type NodePort: <https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport>
"#
    ),
    spec: &["S-17"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let mut seen: Vec<(&str, i64)> = Vec::new();
    for (_, p) in super::ports(&spec) {
        let (n, Some(c)) = super::int_field(&p, "nodePort") else { continue };
        if n == 0 {
            continue;
        }
        let proto = super::field_str(&p, "protocol").map_or("", |(_, v)| v);
        if seen.contains(&(proto, n)) {
            sink.field_error(&c, ErrorType::Duplicate, format!("Duplicate value: {n}"))
                .help("each node port forwards to one Service port: use another nodePort or remove the repeated port");
        } else {
            seen.push((proto, n));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        assert_eq!(
            hits(&svc("  type: NodePort\n  ports:\n  - name: a\n    port: 80\n    nodePort: 30080\n  - name: b\n    port: 80\n    nodePort: 30080\n"), r),
            pairs(&[("spec.ports[1].nodePort", "Duplicate")])
        );
        assert!(hits(&svc("  type: NodePort\n  ports:\n  - name: a\n    port: 53\n    nodePort: 30053\n  - name: b\n    port: 53\n    protocol: UDP\n    nodePort: 30053\n"), r).is_empty());
    }
}
