//! `service-ip-family-invalid`: unknown or repeated `ipFamilies`, unknown `ipFamilyPolicy`.

use super::allocation::{self, IP_FAMILY_INVALID};
use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static RULE: Rule = Rule {
    name: IP_FAMILY_INVALID,
    severity: Severity::Error,
    stage: Stage::Allocation,
    summary: "`ipFamilies` holds an unknown or repeated family, or `ipFamilyPolicy` an unknown policy.",
    docs: rule_docs!(
        r#"## What it does
Checks the values of `spec.ipFamilies` (each `IPv4` or `IPv6`, no family twice) and
`spec.ipFamilyPolicy` (`SingleStack`, `PreferDualStack` or `RequireDualStack`), as the API
server's allocation phase does before anything else.

## Why is this bad?
The values are case-sensitive enums; `ipv4` or `DualStack` make the server refuse the Service,
and since this happens in the allocation phase no other error of the manifest is reported.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ipFamilyPolicy: DualStack
  ipFamilies:
  - ipv4
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
    spec: &["SD-03", "SD-04", "SA-01"],
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
            t("  ipFamilyPolicy: DualStack\n  ipFamilies: [ipv4, IPv4, IPv4]\n  ports:\n  - port: 80\n"),
            pairs(&[("spec.ipFamilies[0]", "NotSupported"), ("spec.ipFamilies[2]", "Duplicate"), ("spec.ipFamilyPolicy", "NotSupported")])
        );
        assert!(t("  ipFamilyPolicy: SingleStack\n  ipFamilies: [IPv4]\n  ports:\n  - port: 80\n").is_empty());
    }
}
