//! `service-node-port-out-of-range`: a requested nodePort outside the node-port range.

use super::allocation::{self, NODE_PORT_OUT_OF_RANGE};
use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static RULE: Rule = Rule {
    name: NODE_PORT_OUT_OF_RANGE,
    severity: Severity::Error,
    stage: Stage::Allocation,
    summary: "A NodePort/LoadBalancer Service requests a nodePort outside the node-port range (30000-32767).",
    docs: rule_docs!(
        r#"## What it does
Checks the `nodePort` requested by a NodePort or LoadBalancer Service against the cluster's
`--service-node-port-range` (default `30000-32767`). Only the first failing port is reported,
as the allocator stops there. Ports with the same `port` number share one nodePort, so the
error may be reported on the index of an earlier port with that number.

## Why is this bad?
The allocator refuses the port and the Service is not created; this error comes alone, before
validation. Node ports outside the range are reserved for the nodes themselves.

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
  - port: 80
    nodePort: 8080
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
    spec: &["SA-07"],
    check: Some(allocation::check),
};

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, server_errors, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |spec: &str| hits(&svc(spec), r);
        assert_eq!(t("  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 8080\n"), pairs(&[("spec.ports[0].nodePort", "Invalid")]));
        assert_eq!(
            t("  type: LoadBalancer\n  ports:\n  - name: a\n    port: 80\n    nodePort: 30080\n  - name: b\n    port: 81\n    nodePort: 1\n  - name: c\n    port: 82\n    nodePort: 2\n"),
            pairs(&[("spec.ports[1].nodePort", "Invalid")])
        );
        // svc-007
        assert!(t("  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 30080\n").is_empty());
        // A ClusterIP Service does not allocate: validation forbids the field instead.
        assert!(t("  ports:\n  - port: 80\n    nodePort: 80\n").is_empty());
    }

    #[test]
    fn alone() {
        let e = server_errors(&svc("  type: NodePort\n  sessionAffinity: Sticky\n  ports:\n  - port: 80\n    nodePort: 80\n"));
        assert_eq!(e.len(), 1, "{e:?}");
    }
}
