//! `service-load-balancer-class-invalid`: a loadBalancerClass that is not a qualified name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-load-balancer-class-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`loadBalancerClass` of a LoadBalancer Service is not a qualified name such as `example.com/internal`.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.loadBalancerClass` of LoadBalancer Services: it must be a qualified name, normally
prefixed with a domain (`example.com/internal-vip`).

## Why is this bad?
The API server refuses the Service, one error per failed part of the check.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  loadBalancerClass: example.com/internal vip
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
  loadBalancerClass: example.com/internal-vip
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Load balancer class: <https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-class>
"#
    ),
    spec: &["S-24"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    if super::type_of(&spec) != "LoadBalancer" {
        return;
    }
    let Some((c, v)) = super::field_str(&spec, "loadBalancerClass") else { return };
    for m in formats::qualified_name_msgs(v) {
        sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m))
            .help("use a domain-prefixed name such as `example.com/internal-vip`");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |v: &str| hits(&svc(&format!("  type: LoadBalancer\n  loadBalancerClass: {v}\n  ports:\n  - port: 80\n")), r);
        assert_eq!(t("\"example.com/internal vip\""), pairs(&[("spec.loadBalancerClass", "Invalid")]));
        assert!(t("example.com/internal-vip").is_empty());
    }
}
