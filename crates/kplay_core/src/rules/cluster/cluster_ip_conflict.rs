//! `cluster-ip-conflict`: a requested ClusterIP another Service holds.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static CLUSTER_IP_CONFLICT: Rule = Rule {
    name: "cluster-ip-conflict",
    severity: Severity::Error,
    stage: Stage::Cluster,
    summary: "A Service asks for a `clusterIP` that another Service already holds.",
    docs: rule_docs!(
        r#"## What it does
Replays the ClusterIP allocator over every Service in apply order and reports a requested
`clusterIP` (or `clusterIPs` entry) that an earlier Service already holds. The API server's
allocation phase refuses the second Service with
`spec.clusterIPs: Invalid value: ...: failed to allocate IP 10.96.0.50: provided IP is already allocated`.

## Why is this bad?
The second Service is not created at all, so nothing that depends on it works.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: 10.96.0.50
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  clusterIP: 10.96.0.50
  selector:
    app: api
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
  clusterIP: 10.96.0.50
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
```

## References
- Service ClusterIP allocation: <https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/>
- `pkg/registry/core/service/ipallocator` in kubernetes/kubernetes
"#
    ),
    spec: &["SA-06"],
    check: None,
};
