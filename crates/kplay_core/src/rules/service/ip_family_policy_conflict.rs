//! `service-ip-family-policy-conflict`: SingleStack with two cluster IPs or two families.

use super::allocation::{self, IP_FAMILY_POLICY_CONFLICT};
use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static RULE: Rule = Rule {
    name: IP_FAMILY_POLICY_CONFLICT,
    severity: Severity::Error,
    stage: Stage::Allocation,
    summary: "`ipFamilyPolicy` is SingleStack (perhaps by default) but two cluster IPs or IP families are given.",
    docs: rule_docs!(
        r#"## What it does
Reports a Service whose `ipFamilyPolicy` is `SingleStack`, written or defaulted (the default for
every Service except a headless one without selector), while `clusterIPs` or `ipFamilies` lists
two entries.

## Why is this bad?
A single-stack Service has one cluster IP of one family. The allocation phase refuses the
request before validation, so this is the only error reported.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ipFamilies:
  - IPv4
  - IPv6
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
  ipFamilies:
  - IPv4
  selector:
    app: web
  ports:
  - port: 80
```

## References
- IPv4/IPv6 dual-stack Services: <https://kubernetes.io/docs/concepts/services-networking/dual-stack/#services>
"#
    ),
    spec: &["SA-02"],
    check: Some(allocation::check),
};

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, server_errors, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |spec: &str| hits(&svc(spec), r);
        // svc-058
        assert_eq!(
            t("  ipFamilyPolicy: SingleStack\n  ipFamilies: [IPv4, IPv6]\n  ports:\n  - port: 80\n"),
            pairs(&[("spec.ipFamilyPolicy", "Invalid")])
        );
        assert_eq!(
            t("  clusterIP: 10.96.0.5\n  clusterIPs: [10.96.0.5, fd00::5]\n  ipFamilies: [IPv4, IPv6]\n  ports:\n  - port: 80\n"),
            pairs(&[("spec.ipFamilyPolicy", "Invalid"), ("spec.ipFamilyPolicy", "Invalid")])
        );
        assert!(t("  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv4, IPv6]\n  ports:\n  - port: 80\n").is_empty());
    }

    #[test]
    fn reported_with_unconfigured_families_of_ips() {
        // The family of the IPv6 clusterIP is unknown to the cluster: both errors come together.
        let e = server_errors(&svc("  clusterIP: 10.96.0.5\n  clusterIPs: [10.96.0.5, fd00::5]\n  ports:\n  - port: 80\n"));
        let paths: Vec<&str> = e.iter().map(|(_, p, _)| p.as_str()).collect();
        assert_eq!(paths, vec!["spec.clusterIPs[1]", "spec.ipFamilyPolicy"]);
    }
}
