//! `ingress-backend-port-not-found`: an Ingress backend port the Service does not have.

use super::ingress_backend_service_not_found::backends;
use super::Cx;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::typed::IntOrString;
use crate::rules::{Rule, Stage};

pub static INGRESS_BACKEND_PORT_NOT_FOUND: Rule = Rule {
    name: "ingress-backend-port-not-found",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "An Ingress backend's `port.number` or `port.name` is not a port of the Service.",
    docs: rule_docs!(
        r#"## What it does
Checks that the backend's `service.port.number` is one of the Service's `ports[].port` (not
its `targetPort`), or that `service.port.name` is one of its port names.

## Why is this bad?
The Ingress controller finds no matching Service port and answers 503. A common mistake is to
give the container's port (the `targetPort`) instead of the Service's `port`.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
```

## References
- IngressServiceBackend: <https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressBackend>
"#
    ),
    spec: &["routing-semantics §7"],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for ing in &cx.cluster.ingresses {
        for b in backends(ing) {
            let (Some(name), Some(port)) = (&b.service_name, &b.port) else { continue };
            let Some(svc) = cx.service(&ing.namespace, name) else { continue };
            if svc.type_ == "ExternalName" && svc.ports.is_empty() {
                continue;
            }
            let found = svc.ports.iter().any(|p| match port {
                IntOrString::Int(n) => p.spec.port == *n,
                IntOrString::Str(s) => &p.spec.name == s,
            });
            if found {
                continue;
            }
            let list: Vec<String> = svc
                .ports
                .iter()
                .map(|p| if p.spec.name.is_empty() { p.spec.port.to_string() } else { format!("{} ({})", p.spec.port, p.spec.name) })
                .collect();
            let hint = match port {
                IntOrString::Int(n) => svc
                    .ports
                    .iter()
                    .find(|p| p.spec.target_port == IntOrString::Int(*n))
                    .map(|p| format!("{n} is the targetPort of Service port {}; use `number: {}`", p.spec.port, p.spec.port)),
                IntOrString::Str(_) => None,
            };
            let mut d = cx.diag(
                &INGRESS_BACKEND_PORT_NOT_FOUND,
                &ing.spec.origin,
                b.port_span,
                format!(
                    "Ingress `{}` sends requests to port {port} of Service `{name}`, which has no such port (it has {})",
                    ing.name,
                    list.join(", ")
                ),
            );
            if let Some(span) = svc.spec.ports_span {
                d = d.with_secondary(svc.spec.origin.file, span, format!("the ports of Service `{name}`"));
            }
            out.push(d.with_help(hint.unwrap_or_else(|| "use one of the Service's `port` numbers or port names".into())));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;

    #[test]
    fn ports_by_number_and_name() {
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n";
        let ing = |port: &str| {
            format!("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        {port}\n")
        };
        let n = |p: &str| {
            let i = ing(p);
            let (c, _) = sim_with(&[&i, svc], &crate::Options::default());
            c.diagnostics
                .iter()
                .filter(|d| d.rule == super::INGRESS_BACKEND_PORT_NOT_FOUND.name)
                .map(|d| d.help.clone().unwrap_or_default())
                .collect::<Vec<_>>()
        };
        assert!(n("number: 80").is_empty());
        assert!(n("name: http").is_empty());
        assert_eq!(n("name: https").len(), 1);
        assert!(n("number: 8080")[0].contains("targetPort"));
    }
}
