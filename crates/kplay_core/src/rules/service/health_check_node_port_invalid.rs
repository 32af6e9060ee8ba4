//! `service-health-check-node-port-invalid`: healthCheckNodePort where it does not apply.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-health-check-node-port-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`healthCheckNodePort` is set on a Service that is not LoadBalancer with `externalTrafficPolicy: Local`.",
    docs: rule_docs!(
        r#"## What it does
Reports `spec.healthCheckNodePort` unless the Service is a LoadBalancer with
`externalTrafficPolicy: Local` (where the port is checked to be 1-65535; the allocator checks the
node-port range first).

## Why is this bad?
The API server refuses the Service: the health-check port only exists for load balancers that
must learn which nodes have local endpoints.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  healthCheckNodePort: 30100
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
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 30100
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Preserving the client source IP: <https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip>
"#
    ),
    spec: &["S-27", "S-28"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let (n, c) = super::int_field(&spec, "healthCheckNodePort");
    let Some(c) = c else {
        // Absent is fine in both cases: when needed the allocator picks a port (S-28's Required
        // is unreachable on create).
        return;
    };
    if !super::needs_health_check(&spec) {
        if n != 0 {
            sink.field_error(
                &c,
                ErrorType::Invalid,
                formats::invalid_num(n, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"),
            )
            .help("remove `healthCheckNodePort`, or use `type: LoadBalancer` with `externalTrafficPolicy: Local`");
        }
        return;
    }
    for m in formats::port_num_msgs(n) {
        sink.field_error(&c, ErrorType::Invalid, formats::invalid_num(n, &m)).help("omit the field to get a port allocated");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |s: &str| hits(&svc(&format!("{s}  ports:\n  - port: 80\n")), r);
        assert_eq!(t("  type: NodePort\n  healthCheckNodePort: 30100\n"), pairs(&[("spec.healthCheckNodePort", "Invalid")]));
        assert_eq!(t("  type: LoadBalancer\n  healthCheckNodePort: 30100\n"), pairs(&[("spec.healthCheckNodePort", "Invalid")]));
        assert!(t("  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30100\n").is_empty());
        assert!(t("  type: LoadBalancer\n  externalTrafficPolicy: Local\n").is_empty());
    }
}
