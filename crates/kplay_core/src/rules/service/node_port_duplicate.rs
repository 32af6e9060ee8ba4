//! `service-node-port-duplicate`: the same (protocol, nodePort) twice in one Service.

use super::allocation;
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
the rest, e.g. a repeated port entry or a ClusterIP Service. Ports with the same `port` number
share one nodePort, also one the allocator picks, so two identical ports that ask for none
clash as well.

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
    // Ports that asked for no nodePort get theirs from the allocator, and every port of the same
    // number gets the one the first got (`initNodePorts`): the allocation outcome says which.
    let input = allocation::Input::from_spec(spec.node, spec.key_span());
    let shared = allocation::begin_create(&input, &allocation::ServiceNetwork::from_options(ctx.opts), ctx.opts.kube_version.at_least(36))
        .shared_dynamic;
    let mut seen: Vec<(&str, NodePort)> = Vec::new();
    for (i, p) in super::ports(&spec) {
        let proto = super::field_str(&p, "protocol").map_or("", |(_, v)| v);
        let (n, c) = super::int_field(&p, "nodePort");
        let key = match (n, shared.get(i).copied().flatten()) {
            (0, Some(first)) => NodePort::Allocated(first),
            (0, None) => continue,
            (n, _) => NodePort::Number(n),
        };
        if !seen.contains(&(proto, key)) {
            seen.push((proto, key));
            continue;
        }
        match (key, c) {
            (NodePort::Number(n), Some(c)) => {
                sink.field_error(&c, ErrorType::Duplicate, format!("Duplicate value: {n}"))
                    .help("each node port forwards to one Service port: use another nodePort or remove the repeated port");
            }
            (NodePort::Number(_), None) => {}
            (NodePort::Allocated(first), _) => {
                let port = super::int_field(&p, "port").0;
                sink.field_error_at(
                    super::item_head(&p),
                    &format!("spec.ports[{i}].nodePort"),
                    ErrorType::Duplicate,
                    format!(
                        "Duplicate value: the nodePort allocated for spec.ports[{first}]: ports with the same port number ({port}) share one nodePort, and this one has the same protocol ({proto})"
                    ),
                )
                .help("remove the repeated port, or give it another `port` number or protocol");
            }
        }
    }
}

/// A port's nodePort as validation sees it: a number (requested, or copied from a requested
/// one), or the one the allocator picked for the port with this index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodePort {
    Number(i64),
    Allocated(usize),
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
        // Two 80/TCP ports with no nodePort: the allocator gives the second the first's.
        let twice = "  ports:\n  - name: a\n    port: 80\n  - name: b\n    port: 80\n";
        assert_eq!(hits(&svc(&format!("  type: NodePort\n{twice}")), r), pairs(&[("spec.ports[1].nodePort", "Duplicate")]));
        assert_eq!(hits(&svc(&format!("  type: LoadBalancer\n{twice}")), r), pairs(&[("spec.ports[1].nodePort", "Duplicate")]));
        // None is allocated for a ClusterIP Service or a LoadBalancer without node ports.
        assert!(hits(&svc(twice), r).is_empty());
        assert!(hits(&svc(&format!("  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n{twice}")), r).is_empty());
        // Different protocols share the nodePort without clashing.
        let mixed = "  type: NodePort\n  ports:\n  - name: a\n    port: 53\n  - name: b\n    port: 53\n    protocol: UDP\n";
        assert!(hits(&svc(mixed), r).is_empty());
    }
}
