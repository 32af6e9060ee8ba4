//! `service-headless-not-allowed`: NodePort and LoadBalancer Services cannot be headless.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-headless-not-allowed",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A NodePort or LoadBalancer Service has `clusterIP: None`.",
    docs: rule_docs!(
        r#"## What it does
Reports `clusterIP: None` (a headless Service) on a Service of type NodePort or LoadBalancer.

## Why is this bad?
Node ports and load balancers forward to the cluster IP; a headless Service has none, so the API
server refuses the combination.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  clusterIP: None
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
  selector:
    app: web
  ports:
  - port: 80
```

## References
- Headless Services: <https://kubernetes.io/docs/concepts/services-networking/service/#headless-services>
"#
    ),
    spec: &["S-05", "S-06"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let t = super::type_of(&spec);
    if !matches!(t, "LoadBalancer" | "NodePort") || !super::is_headless(&spec) {
        return;
    }
    let ips = super::cluster_ips(&spec);
    let Some((first, v)) = ips.first() else { return };
    sink.field_error_at(
        first.span(),
        "spec.clusterIPs[0]",
        ErrorType::Invalid,
        formats::invalid(v, &format!("may not be set to 'None' for {t} services")),
    )
    .help(format!("remove `clusterIP: None`, or use `type: ClusterIP` for a headless Service (a {t} Service needs a cluster IP)"));
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        // svc-037
        assert_eq!(
            hits(&svc("  type: LoadBalancer\n  clusterIP: None\n  selector:\n    app: web\n  ports:\n  - port: 80\n"), r),
            pairs(&[("spec.clusterIPs[0]", "Invalid")])
        );
        assert_eq!(
            hits(&svc("  type: NodePort\n  clusterIP: None\n  selector:\n    app: web\n  ports:\n  - port: 80\n"), r),
            pairs(&[("spec.clusterIPs[0]", "Invalid")])
        );
        assert!(hits(&svc("  clusterIP: None\n  selector:\n    app: web\n"), r).is_empty());
    }
}
