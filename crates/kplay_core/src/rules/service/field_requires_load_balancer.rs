//! `service-field-requires-load-balancer`: LoadBalancer-only fields on other Service types.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub(crate) const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

pub static RULE: Rule = Rule {
    name: "service-field-requires-load-balancer",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`loadBalancerSourceRanges` (or its annotation), `allocateLoadBalancerNodePorts` or `loadBalancerClass` on a non-LoadBalancer Service.",
    docs: rule_docs!(r#"## What it does
Reports fields that only make sense for `type: LoadBalancer` on other Service types:
`loadBalancerSourceRanges` (the server spells the path `spec.LoadBalancerSourceRanges`), the
`service.beta.kubernetes.io/load-balancer-source-ranges` annotation (checked only when the field
is empty; even an empty annotation counts), `allocateLoadBalancerNodePorts` and
`loadBalancerClass`.

## Why is this bad?
The API server refuses the Service instead of ignoring the fields. Often the `type` line was
forgotten.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  loadBalancerSourceRanges:
  - 203.0.113.0/24
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
  selector:
    app: web
  loadBalancerSourceRanges:
  - 203.0.113.0/24
  ports:
  - port: 80
```

## References
- Type LoadBalancer: <https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer>
"#),
    spec: &["S-19", "S-21", "S-22", "S-23", "S-24"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let is_lb = super::type_of(&spec) == "LoadBalancer";
    let detail = "may only be used when `type` is 'LoadBalancer'";
    let help = "set `type: LoadBalancer`, or remove the field";
    let ranges = spec.field("loadBalancerSourceRanges").filter(|r| !r.is_empty());
    if let Some(r) = &ranges {
        if !is_lb {
            sink.field_error_at(r.key_span(), "spec.LoadBalancerSourceRanges", ErrorType::Forbidden, formats::forbidden(detail)).help(help);
        }
    } else if !is_lb {
        let ann = ctx.root().field("metadata").and_then(|m| m.field_or_null("annotations"));
        if let Some((_, a)) = ann.as_ref().and_then(|a| a.entries().find(|(k, _)| *k == SOURCE_RANGES_ANNOTATION)) {
            sink.field_error_at(
                a.key_span(),
                &format!("metadata.annotations[{SOURCE_RANGES_ANNOTATION}]"),
                ErrorType::Forbidden,
                formats::forbidden(detail),
            )
            .help("set `type: LoadBalancer`, or remove the annotation");
        }
    }
    if let Some(c) = spec.field("allocateLoadBalancerNodePorts") {
        if !is_lb {
            sink.field_error_at(c.key_span(), "spec.allocateLoadBalancerNodePorts", ErrorType::Forbidden, formats::forbidden(detail))
                .help(help);
        }
    } else if is_lb {
        // Unreachable for v1 input: defaulted to true. The server's path has no `spec.`.
        sink.field_error_at(spec.key_span(), "allocateLoadBalancerNodePorts", ErrorType::Required, formats::required(""))
            .help("set `allocateLoadBalancerNodePorts: true`");
    }
    if let Some(c) = spec.field("loadBalancerClass") {
        if !is_lb {
            sink.field_error_at(c.key_span(), "spec.loadBalancerClass", ErrorType::Forbidden, formats::forbidden(detail)).help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        // svc-052
        assert_eq!(
            hits(&svc("  loadBalancerSourceRanges: [10.0.0.0/8]\n  ports:\n  - port: 80\n"), r),
            pairs(&[("spec.LoadBalancerSourceRanges", "Forbidden")])
        );
        assert_eq!(
            hits(&svc("  type: NodePort\n  allocateLoadBalancerNodePorts: false\n  loadBalancerClass: example.com/lb\n  ports:\n  - port: 80\n"), r),
            pairs(&[("spec.allocateLoadBalancerNodePorts", "Forbidden"), ("spec.loadBalancerClass", "Forbidden")])
        );
        let ann = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: \"\"\nspec:\n  ports:\n  - port: 80\n";
        assert_eq!(hits(ann, r), pairs(&[("metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]", "Forbidden")]));
        // svc-066
        assert!(hits(&svc("  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  loadBalancerSourceRanges: [10.0.0.0/8]\n  ports:\n  - port: 80\n"), r).is_empty());
    }
}
