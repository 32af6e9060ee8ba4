//! `service-ip-family-not-configured`: a family or dual-stack the cluster does not serve.

use super::allocation::{self, IP_FAMILY_NOT_CONFIGURED};
use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static RULE: Rule = Rule {
    name: IP_FAMILY_NOT_CONFIGURED,
    severity: Severity::Error,
    stage: Stage::Allocation,
    summary: "The Service asks for an IP family, or for dual-stack, that the cluster is not configured for.",
    docs: rule_docs!(
        r#"## What it does
Compares the Service's IP families with the cluster's Service CIDRs (kplay assumes kubeadm's
single-stack IPv4 `10.96.0.0/12`): a `clusterIP` or an `ipFamilies` entry of another family, or
`ipFamilyPolicy: RequireDualStack`, cannot be served. Headless Services without selector are
exempt, as on the server.

## Why is this bad?
The allocation phase refuses the Service before validation; nothing else is reported.
`PreferDualStack` is the policy that works on both kinds of cluster.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ipFamilyPolicy: RequireDualStack
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
  ipFamilyPolicy: PreferDualStack
  selector:
    app: web
  ports:
  - port: 80
```

## References
- IPv4/IPv6 dual-stack: <https://kubernetes.io/docs/concepts/services-networking/dual-stack/>
"#
    ),
    spec: &["SA-03", "SA-04", "SA-05"],
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
            t("  ipFamilyPolicy: RequireDualStack\n  selector:\n    app: web\n  ports:\n  - port: 80\n"),
            pairs(&[("spec.ipFamilyPolicy", "Invalid")])
        );
        assert_eq!(t("  ipFamilies: [IPv6]\n  ports:\n  - port: 80\n"), pairs(&[("spec.ipFamilies[0]", "Invalid")]));
        assert_eq!(t("  clusterIP: fd00::10\n  ports:\n  - port: 80\n"), pairs(&[("spec.clusterIPs[0]", "Invalid")]));
        // Headless without selector: allowed (svc-004).
        assert!(t("  clusterIP: None\n").is_empty());
        assert!(t("  clusterIP: None\n  ipFamilies: [IPv6]\n").is_empty());
        // Headless with selector is checked like the others.
        assert_eq!(
            t("  clusterIP: None\n  ipFamilyPolicy: RequireDualStack\n  selector:\n    app: web\n"),
            pairs(&[("spec.ipFamilyPolicy", "Invalid")])
        );
    }
}
