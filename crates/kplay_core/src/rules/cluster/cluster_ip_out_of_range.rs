//! `cluster-ip-out-of-range`: a requested ClusterIP outside the Service CIDR.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static CLUSTER_IP_OUT_OF_RANGE: Rule = Rule {
    name: "cluster-ip-out-of-range",
    severity: Severity::Error,
    stage: Stage::Cluster,
    summary: "A Service asks for a `clusterIP` outside the cluster's Service CIDR.",
    docs: r#"## What it does
Checks each requested `clusterIP` against the simulated cluster's Service CIDR (`10.96.0.0/12` by
default, `service-cidr` in the `[cluster]` settings). The network and broadcast addresses are
outside the usable range too. The API server answers `spec.clusterIPs: Invalid value: ...: failed
to allocate IP 10.0.0.10: the provided IP (10.0.0.10) is not in the valid range. The range of
valid IPs is 10.96.0.0/12`.

## Why is this bad?
The Service is refused. Manifests copied from another cluster often carry that cluster's
addresses.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: 10.0.0.10
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
  selector:
    app: web
  ports:
    - port: 80
```

## References
- Service ClusterIP allocation: <https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/>
"#,
    spec: &["SA-06"],
    check: None,
};
