//! `service-cluster-ip-out-of-range`: a requested ClusterIP outside the Service CIDR.

use super::allocation::{self, CLUSTER_IP_OUT_OF_RANGE};
use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static RULE: Rule = Rule {
    name: CLUSTER_IP_OUT_OF_RANGE,
    severity: Severity::Error,
    stage: Stage::Allocation,
    summary: "The requested `clusterIP` is not a usable address of the cluster's Service CIDR.",
    docs: rule_docs!(
        r#"## What it does
Checks a requested `clusterIP` against the Service CIDR of its family (kplay assumes kubeadm's
`10.96.0.0/12`): it must lie inside, and be neither the network nor the broadcast address.
Whether another Service already holds the address is checked by the cluster simulation.

## Why is this bad?
The IP allocator refuses the address ("failed to allocate IP") and the Service is not created;
this error comes alone, before validation.

The reason after `failed to allocate IP 10.0.0.10: ` depends on the release. Up to 1.32 the
bitmap allocator answers `the provided IP (10.0.0.10) is not in the valid range. The range of
valid IPs is 10.96.0.0/12`. From 1.33, where the ServiceCIDR allocator
(MultiCIDRServiceAllocator) is GA and on, the registry asks its `MetaAllocator`, which finds no
ServiceCIDR containing the address (the network and IPv4 broadcast addresses count as outside)
and answers `the provided network does not match the current range` before any range is
consulted. The specification's gist ("…not in the valid range…", validation-rules.md SA-06) is
the bitmap allocator's text; kplay follows the 1.33+ source there (`getAllocator` in
`ipallocator/cidrallocator.go`, `allocIPs` in `storage/alloc.go`).

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  clusterIP: 10.0.0.10
  selector:
    app: dns
  ports:
  - port: 53
    protocol: UDP
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  clusterIP: 10.96.0.53
  selector:
    app: dns
  ports:
  - port: 53
    protocol: UDP
```

## References
- Avoiding collisions: <https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/>
"#
    ),
    spec: &["SA-06"],
    check: Some(allocation::check),
};

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |spec: &str| hits(&svc(spec), r);
        assert_eq!(t("  clusterIP: 10.0.0.10\n  ports:\n  - port: 80\n"), pairs(&[("spec.clusterIPs", "Invalid")]));
        assert_eq!(t("  clusterIP: 10.96.0.0\n  ports:\n  - port: 80\n"), pairs(&[("spec.clusterIPs", "Invalid")]));
        assert!(t("  clusterIP: 10.111.255.254\n  ports:\n  - port: 80\n").is_empty());
        assert!(t("  clusterIP: None\n  selector:\n    app: web\n").is_empty());
    }
}
