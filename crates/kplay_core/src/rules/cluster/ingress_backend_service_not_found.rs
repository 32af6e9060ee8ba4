//! `ingress-backend-service-not-found`: an Ingress backend names a Service that does not exist.

use super::{did_you_mean, Cx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::typed::IngressBackendView;
use crate::rules::{Rule, Stage};

pub static INGRESS_BACKEND_SERVICE_NOT_FOUND: Rule = Rule {
    name: "ingress-backend-service-not-found",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "An Ingress backend names a Service that does not exist in the Ingress's namespace.",
    docs: rule_docs!(
        r#"## What it does
Looks up every `backend.service.name` of an Ingress (rules and `defaultBackend`) among the
Services of the Ingress's namespace.

## Why is this bad?
The Ingress controller has nowhere to send those requests: ingress-nginx answers 503. An
Ingress can only reach Services in its own namespace.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web-svc
                port:
                  number: 80
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web-svc
                port:
                  number: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web-svc
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports:
        - containerPort: 80
```

## References
- Ingress backends: <https://kubernetes.io/docs/concepts/services-networking/ingress/#resource-backend>
"#
    ),
    spec: &["routing-semantics §7"],
    check: None,
};

/// Every service backend of an Ingress.
pub(crate) fn backends(i: &crate::cluster::state::Ingress) -> impl Iterator<Item = &IngressBackendView> {
    i.spec.default_backend.iter().chain(i.spec.rules.iter().flat_map(|r| r.paths.iter().map(|p| &p.backend)))
}

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for ing in &cx.cluster.ingresses {
        for b in backends(ing) {
            let Some(name) = &b.service_name else { continue };
            if cx.service(&ing.namespace, name).is_some() {
                continue;
            }
            let mut d = cx.diag(
                &INGRESS_BACKEND_SERVICE_NOT_FOUND,
                &ing.spec.origin,
                b.service_name_span,
                format!("Ingress `{}` sends requests to Service `{name}`, which does not exist in namespace `{}`", ing.name, ing.namespace),
            );
            let here = cx.user_services_in(&ing.namespace).map(|s| s.name.as_str());
            let mut help = format!("create the Service `{name}` in namespace `{}`, or name an existing one", ing.namespace);
            if let Some(m) = did_you_mean(name, here) {
                help = format!("did you mean the Service `{m}`?");
                if let Some(s) = cx.service(&ing.namespace, m) {
                    d = d.with_secondary(s.spec.origin.file, s.spec.origin.head, format!("Service `{m}` is here"));
                }
            }
            if let Some(s) = cx.cluster.services.iter().find(|s| &s.name == name && s.namespace != ing.namespace && !s.builtin) {
                d = d.with_secondary(
                    s.spec.origin.file,
                    s.spec.origin.head,
                    format!("a Service `{name}` exists in namespace `{}`, but an Ingress reaches only its own namespace", s.namespace),
                );
            }
            out.push(d.with_help(help));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;

    #[test]
    fn missing_backend_services_with_a_hint() {
        let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  defaultBackend:\n    service:\n      name: webb\n      port:\n        number: 80\n";
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n";
        let (c, _) = sim_with(&[ing, svc], &crate::Options::default());
        let h: Vec<_> = c.diagnostics.iter().filter(|d| d.rule == super::INGRESS_BACKEND_SERVICE_NOT_FOUND.name).collect();
        assert_eq!(h.len(), 1);
        assert_eq!(&ing[h[0].primary.span.range()], "webb");
        assert_eq!(h[0].help.as_deref(), Some("did you mean the Service `web`?"));
        let fixed = ing.replace("webb", "web");
        let (c, _) = sim_with(&[&fixed, svc], &crate::Options::default());
        assert!(c.diagnostics.iter().all(|d| d.rule != super::INGRESS_BACKEND_SERVICE_NOT_FOUND.name));
    }
}
