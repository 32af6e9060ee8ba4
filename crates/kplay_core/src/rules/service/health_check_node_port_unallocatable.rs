//! `service-health-check-node-port-unallocatable`: the requested healthCheckNodePort cannot be had.

use super::allocation::{self, HEALTH_CHECK_NODE_PORT_UNALLOCATABLE};
use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static RULE: Rule = Rule {
    name: HEALTH_CHECK_NODE_PORT_UNALLOCATABLE,
    severity: Severity::Error,
    stage: Stage::Allocation,
    summary: "The requested `healthCheckNodePort` is outside the node-port range or used by a nodePort of the Service.",
    docs: rule_docs!(
        r#"## What it does
For a LoadBalancer Service with `externalTrafficPolicy: Local`, checks the requested
`healthCheckNodePort` the way the allocator does: inside the node-port range (default
`30000-32767`) and not one of the Service's own nodePorts.

## Why is this bad?
The server answers with an internal error (HTTP 500, no field named) and creates nothing. The
field is best left out: the server picks a free port.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 10256
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
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Preserving the client source IP: <https://kubernetes.io/docs/tutorials/services/source-ip/#source-ip-for-services-with-type-loadbalancer>
"#
    ),
    spec: &["SA-09"],
    check: Some(allocation::check),
};

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |spec: &str| hits(&svc(spec), r);
        let lb = "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports:\n  - port: 80\n    nodePort: 30080\n";
        assert_eq!(t(&format!("{lb}  healthCheckNodePort: 10256\n")), pairs(&[("spec.healthCheckNodePort", "InternalError")]));
        assert_eq!(t(&format!("{lb}  healthCheckNodePort: 30080\n")), pairs(&[("spec.healthCheckNodePort", "InternalError")]));
        assert!(t(&format!("{lb}  healthCheckNodePort: 30081\n")).is_empty());
    }
}
