//! `service-cluster-ips-invalid`: the allocation phase's pre-check of `clusterIP(s)`.

use super::allocation::{self, CLUSTER_IPS_INVALID};
use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static RULE: Rule = Rule {
    name: CLUSTER_IPS_INVALID,
    severity: Severity::Error,
    stage: Stage::Allocation,
    summary: "`clusterIP`/`clusterIPs` are not valid addresses, disagree, or do not match `ipFamilies`.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.clusterIP` and `spec.clusterIPs` the way the API server does before it allocates
anything: every entry must be an IP address (or `None` alone, for a headless Service), at most
two entries, one per IP family, `clusterIPs[0]` equal to `clusterIP`, `clusterIPs` only together
with `clusterIP`, and each address of the family `ipFamilies` names at the same index.

## Why is this bad?
The server refuses the Service in its allocation phase and returns only these errors, so other
mistakes in the manifest stay hidden until this one is fixed. A lone `clusterIP` is copied into
`clusterIPs` first, so errors are reported on `spec.clusterIPs`.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: 10.96.0.300
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
  clusterIP: 10.96.0.30
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Services, choosing your own IP address: <https://kubernetes.io/docs/concepts/services-networking/service/#choosing-your-own-ip-address>
- IPv4/IPv6 dual-stack: <https://kubernetes.io/docs/concepts/services-networking/dual-stack/>
"#
    ),
    spec: &["SD-01", "SD-02", "SD-05", "SD-06", "SD-07", "SD-08", "SD-09", "SA-01"],
    check: Some(allocation::check),
};

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, server_errors, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |spec: &str| hits(&svc(spec), r);
        assert_eq!(t("  clusterIP: 10.96.0.300\n  ports:\n  - port: 80\n"), pairs(&[("spec.clusterIPs[0]", "Invalid")]));
        assert_eq!(t("  clusterIPs: [10.96.0.3]\n  ports:\n  - port: 80\n"), pairs(&[("spec.clusterIPs", "Invalid")]));
        assert_eq!(
            t("  clusterIP: 10.96.0.3\n  clusterIPs: [10.96.0.4]\n  ports:\n  - port: 80\n"),
            pairs(&[("spec.clusterIPs", "Invalid")])
        );
        assert_eq!(
            t("  clusterIP: None\n  clusterIPs: [None, 10.96.0.4]\n  ipFamilyPolicy: PreferDualStack\n  ports:\n  - port: 80\n"),
            pairs(&[("spec.clusterIPs", "Invalid")])
        );
        assert_eq!(
            t("  clusterIP: 10.96.0.3\n  ipFamilies: [IPv6]\n  ports:\n  - port: 80\n"),
            pairs(&[("spec.clusterIPs[0]", "Invalid")])
        );
        assert!(t("  clusterIP: 10.96.0.3\n  ports:\n  - port: 80\n").is_empty());
        assert!(t("  type: ExternalName\n  externalName: a.example.com\n").is_empty());
    }

    #[test]
    fn short_circuits_validation() {
        // svc-040: the bad clusterIP is the only error; the bad port name is never reported.
        let e = server_errors(&svc("  clusterIP: 1.2.3.4.5\n  ports:\n  - name: Http\n    port: 80\n"));
        assert_eq!(e, vec![(super::RULE.name.to_string(), "spec.clusterIPs[0]".into(), "Invalid".into())]);
    }
}
