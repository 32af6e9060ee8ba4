//! `service-traffic-policy-invalid`: bad external/internal traffic policies.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const POLICIES: &[&str] = &["Cluster", "Local"];

pub static RULE: Rule = Rule {
    name: "service-traffic-policy-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`externalTrafficPolicy` on a Service that is not externally reachable, or a traffic policy other than Cluster/Local.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.externalTrafficPolicy`: it may only be set on externally reachable Services
(NodePort, LoadBalancer, or ClusterIP with `externalIPs`), where it must be `Cluster` or
`Local`; and `spec.internalTrafficPolicy`, which must be `Cluster` or `Local`.

## Why is this bad?
The API server refuses the Service. In particular `externalTrafficPolicy: Local` on a plain
ClusterIP Service is an error, not ignored.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  externalTrafficPolicy: Local
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
  internalTrafficPolicy: Local
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Traffic policies: <https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-policies>
"#
    ),
    spec: &["S-25", "S-26", "S-29"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let etp = super::field_str(&spec, "externalTrafficPolicy");
    if super::externally_accessible(&spec) {
        match &etp {
            None => {
                sink.required(&spec, "externalTrafficPolicy", formats::required(""))
                    .help("set `externalTrafficPolicy: Cluster` (the default)");
            }
            Some((c, "")) => {
                sink.field_error(c, ErrorType::Required, formats::required("")).help("set `externalTrafficPolicy: Cluster` (the default)");
            }
            Some((c, v)) if !POLICIES.contains(v) => {
                sink.field_error(c, ErrorType::NotSupported, formats::not_supported(v, POLICIES))
                    .help("use `Cluster` (any node forwards) or `Local` (only nodes with a ready endpoint; keeps the client IP)");
            }
            _ => {}
        }
    } else if let Some((c, v)) = etp.as_ref().filter(|(_, v)| !v.is_empty()) {
        sink.field_error(c, ErrorType::Invalid, formats::invalid(v, "may only be set for externally-accessible services"))
            .help("remove `externalTrafficPolicy` (it applies to NodePort, LoadBalancer or externalIPs traffic); for in-cluster traffic use `internalTrafficPolicy`");
    }
    let t = super::type_of(&spec);
    match spec.field("internalTrafficPolicy") {
        None if matches!(t, "ClusterIP" | "NodePort" | "LoadBalancer") => {
            sink.required(&spec, "internalTrafficPolicy", formats::required("")).help("set `internalTrafficPolicy: Cluster` (the default)");
        }
        Some(c) => {
            let v = super::s(&c);
            if !POLICIES.contains(&v) {
                sink.field_error(&c, ErrorType::NotSupported, formats::not_supported(v, POLICIES))
                    .help("use `Cluster` (all endpoints) or `Local` (only endpoints on the client's node)");
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |s: &str| hits(&svc(&format!("{s}  ports:\n  - port: 80\n")), r);
        // svc-049
        assert_eq!(t("  externalTrafficPolicy: Local\n"), pairs(&[("spec.externalTrafficPolicy", "Invalid")]));
        assert!(t("  externalTrafficPolicy: Local\n  externalIPs: [203.0.113.1]\n").is_empty());
        assert_eq!(t("  type: NodePort\n  externalTrafficPolicy: local\n"), pairs(&[("spec.externalTrafficPolicy", "NotSupported")]));
        assert_eq!(t("  internalTrafficPolicy: Node\n"), pairs(&[("spec.internalTrafficPolicy", "NotSupported")]));
        assert_eq!(t("  internalTrafficPolicy: \"\"\n"), pairs(&[("spec.internalTrafficPolicy", "NotSupported")]));
        assert!(t("  type: LoadBalancer\n  externalTrafficPolicy: Local\n  internalTrafficPolicy: Local\n").is_empty());
        assert!(hits(&svc("  type: ExternalName\n  externalName: a.b\n  internalTrafficPolicy: Local\n"), r).is_empty());
    }
}
