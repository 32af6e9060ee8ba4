//! `node-port-out-of-range`: a requested NodePort outside the node-port range.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static NODE_PORT_OUT_OF_RANGE: Rule = Rule {
    name: "node-port-out-of-range",
    severity: Severity::Error,
    stage: Stage::Cluster,
    summary: "A Service asks for a `nodePort` outside the cluster's node-port range.",
    docs: r#"## What it does
Checks requested `nodePort` and `healthCheckNodePort` values against the simulated cluster's
`--service-node-port-range` (`30000-32767` by default, `node-port-range` in the `[cluster]`
settings). The server answers `spec.ports[0].nodePort: Invalid value: 8080: provided port is not
in the valid range. The range of valid ports is 30000-32767`.

## Why is this bad?
The Service is refused. A NodePort is not the container's port: it is a port opened on every node.

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
- NodePort range: <https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport>
"#,
    spec: &["SA-07"],
    check: None,
};
