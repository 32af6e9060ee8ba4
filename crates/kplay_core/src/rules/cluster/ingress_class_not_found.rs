//! `ingress-class-not-found`: `ingressClassName` names an IngressClass that does not exist.

use super::{did_you_mean, Cx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, Stage};

pub static INGRESS_CLASS_NOT_FOUND: Rule = Rule {
    name: "ingress-class-not-found",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "An Ingress's `ingressClassName` names an IngressClass that is not in the manifests.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.ingressClassName` against the IngressClass objects of the input. (The legacy
`kubernetes.io/ingress.class` annotation is matched by controllers directly and is not checked.)

## Why is this bad?
Ingress controllers only serve Ingresses of the classes they own: an Ingress whose class does
not exist is served by no controller and its routes do not exist. An Ingress controller is not
part of Kubernetes: installing one creates its IngressClass (kplay can only see the class if it
is among the files; disable the rule when the class comes from elsewhere).

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: ngnix
  defaultBackend:
    service:
      name: web
      port:
        number: 80
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
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
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
  defaultBackend:
    service:
      name: web
      port:
        number: 80
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
spec:
  controller: k8s.io/ingress-nginx
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
```

## References
- Ingress class: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class>
"#
    ),
    spec: &["routing-semantics §7"],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for ing in &cx.cluster.ingresses {
        if ing.spec.class_from_annotation {
            continue;
        }
        let (Some(class), Some(span)) = (&ing.spec.class_name, ing.spec.class_span) else { continue };
        if cx.cluster.ingress_classes.iter().any(|c| &c.name == class) {
            continue;
        }
        let known: Vec<&str> = cx.cluster.ingress_classes.iter().map(|c| c.name.as_str()).collect();
        let help = match did_you_mean(class, known.iter().copied()) {
            Some(m) => format!("did you mean the IngressClass `{m}`?"),
            None if known.is_empty() => {
                format!("install an Ingress controller that provides the IngressClass `{class}` (its manifests create it), or add the IngressClass to the files")
            }
            None => format!("use one of the IngressClasses {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
        };
        out.push(
            cx.diag(
                &INGRESS_CLASS_NOT_FOUND,
                &ing.spec.origin,
                span,
                format!(
                    "Ingress `{}` asks for the IngressClass `{class}`, which does not exist, so no Ingress controller serves it",
                    ing.name
                ),
            )
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;

    #[test]
    fn class_lookup() {
        let ing = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  ingressClassName: nginx\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n";
        let class =
            "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec:\n  controller: k8s.io/ingress-nginx\n";
        let count = |t: &[&str]| {
            sim_with(t, &crate::Options::default()).0.diagnostics.iter().filter(|d| d.rule == super::INGRESS_CLASS_NOT_FOUND.name).count()
        };
        assert_eq!(count(&[ing]), 1);
        assert_eq!(count(&[ing, class]), 0);
    }
}
