//! `node-port-conflict`: a requested NodePort another Service (or port) holds.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static NODE_PORT_CONFLICT: Rule = Rule {
    name: "node-port-conflict",
    severity: Severity::Error,
    stage: Stage::Cluster,
    summary: "A Service asks for a `nodePort` (or `healthCheckNodePort`) that is already taken, or needs one when none is free.",
    docs: rule_docs!(
        r#"## What it does
Replays the NodePort allocator over every Service in apply order and reports a requested
`nodePort` or `healthCheckNodePort` that an earlier Service (or an earlier port of the same
Service with another port number) already holds. The server answers
`spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`; for a
`healthCheckNodePort` it answers with an internal error (HTTP 500, no field):
`Internal error occurred: failed to allocate requested HealthCheck NodePort 30080: provided port is already allocated`.

A Service that needs a nodePort (or a health-check port) when every port of the range is taken
is refused with an internal error too: `Internal error occurred: failed to allocate a nodePort:
range is full` (`failed to allocate a HealthCheck NodePort 0: range is full`).

## Why is this bad?
A NodePort is opened on every node for one Service only; the second Service is refused.

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
      nodePort: 30080
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: NodePort
  selector:
    app: api
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
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  type: NodePort
  selector:
    app: api
  ports:
    - port: 80
```

## References
- NodePort allocation: <https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport>
"#
    ),
    spec: &["SA-08"],
    check: None,
};
