//! `ingress-class-annotation-mismatch`: the legacy class annotation disagrees with ingressClassName.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const ANNOTATION: &str = "kubernetes.io/ingress.class";

pub static RULE: Rule = Rule {
    name: "ingress-class-annotation-mismatch",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "The `kubernetes.io/ingress.class` annotation and `spec.ingressClassName` name different classes.",
    docs: rule_docs!(
        r#"## What it does
Reports an Ingress whose deprecated `kubernetes.io/ingress.class` annotation differs from
`spec.ingressClassName`. The server names the path `annotations.kubernetes.io/ingress.class`
(without `metadata.`).

## Why is this bad?
The API server refuses the Ingress: two controllers could each believe they own it.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    kubernetes.io/ingress.class: traefik
spec:
  ingressClassName: nginx
  defaultBackend:
    service:
      name: web
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
  ingressClassName: nginx
  defaultBackend:
    service:
      name: web
      port:
        number: 80
```

## References
- Deprecated annotation: <https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation>
"#
    ),
    spec: &["I-27"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some(class) = spec.field("ingressClassName") else { return };
    let Some(ann) = ctx.root().field("metadata").and_then(|m| m.field("annotations")) else { return };
    let Some((_, a)) = ann.entries().find(|(k, _)| *k == ANNOTATION) else { return };
    let (av, cv) = (super::s(&a), super::s(&class));
    if av != cv {
        let file = sink.file;
        sink.field_error_at(
            a.span(),
            &format!("annotations.{ANNOTATION}"),
            ErrorType::Invalid,
            formats::invalid(av, "must match `ingressClassName` when both are specified"),
        )
        .help("remove the deprecated annotation and keep `spec.ingressClassName`")
        .secondary(file, class.span(), format!("ingressClassName is {cv:?}"));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |a: &str, c: &str| {
            hits(&format!("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    kubernetes.io/ingress.class: {a}\nspec:\n  ingressClassName: {c}\n  rules:\n  - host: a.example.com\n"), r)
        };
        assert_eq!(t("traefik", "nginx"), pairs(&[("annotations.kubernetes.io/ingress.class", "Invalid")]));
        assert!(t("nginx", "nginx").is_empty());
    }
}
