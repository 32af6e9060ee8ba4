//! `cluster-ip-conflict`: a requested ClusterIP another Service holds.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static CLUSTER_IP_CONFLICT: Rule = Rule {
    name: "cluster-ip-conflict",
    severity: Severity::Error,
    stage: Stage::Cluster,
    summary: "A Service asks for a `clusterIP` that another Service already holds, or needs one when none is free.",
    docs: rule_docs!(
        r#"## What it does
Replays the ClusterIP allocator over every Service in apply order and reports a requested
`clusterIP` (or `clusterIPs` entry) that an earlier Service already holds. The API server's
allocation phase refuses the second Service with
`spec.clusterIPs: Invalid value: ...: failed to allocate IP 10.96.0.50: provided IP is already allocated`.
A Service that needs an address when every address of the Service CIDR is taken is refused with
an internal error (HTTP 500): `Internal error occurred: failed to allocate a serviceIP: range is full`.

The cluster's own Services (`default/kubernetes` on `.1`, `kube-system/kube-dns` on `.10` of the
Service CIDR) hold their addresses too. A manifest's Service of the same namespace and name is
that Service (applying it updates it), not a second one: it never conflicts with itself, keeps
the address when it names none, and its own `clusterIP` is where the DNS address moves.

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
