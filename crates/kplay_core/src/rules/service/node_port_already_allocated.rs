//! `service-node-port-already-allocated`: one nodePort requested for two port numbers.

use super::allocation::{self, NODE_PORT_ALREADY_ALLOCATED};
use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static RULE: Rule = Rule {
    name: NODE_PORT_ALREADY_ALLOCATED,
    severity: Severity::Error,
    stage: Stage::Allocation,
    summary: "The same nodePort is requested for ports with different `port` numbers.",
    docs: rule_docs!(
        r#"## What it does
Reports a NodePort or LoadBalancer Service that requests one nodePort for two ports with
different `port` numbers. (Ports with the same number, e.g. TCP and UDP 53, share a nodePort
legitimately.) Clashes with other Services are found by the cluster simulation.

## Why is this bad?
The allocator hands each nodePort out once and refuses the second request ("provided port is
already allocated"); the Service is not created and nothing else is reported.

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
  - name: https
    port: 443
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
  - name: https
    port: 443
    nodePort: 30443
```

## References
- Type NodePort: <https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport>
"#
    ),
    spec: &["SA-08"],
    check: Some(allocation::check),
};

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |spec: &str| hits(&svc(spec), r);
        assert_eq!(
            t("  type: NodePort\n  ports:\n  - name: a\n    port: 80\n    nodePort: 30080\n  - name: b\n    port: 81\n    nodePort: 30080\n"),
            pairs(&[("spec.ports[1].nodePort", "Invalid")])
        );
        assert!(t("  type: NodePort\n  ports:\n  - name: a\n    port: 53\n    protocol: UDP\n    nodePort: 30053\n  - name: b\n    port: 53\n    nodePort: 30053\n").is_empty());
    }
}
