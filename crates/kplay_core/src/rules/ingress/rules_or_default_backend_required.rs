//! `ingress-rules-or-default-backend-required`: an Ingress with neither rules nor default backend.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-rules-or-default-backend-required",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "The Ingress has neither `rules` nor `defaultBackend`.",
    docs: rule_docs!(
        r#"## What it does
Reports an Ingress whose `spec` has no `rules` and no `defaultBackend`.

## Why is this bad?
It would route nothing, and the API server refuses it.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  ingressClassName: nginx
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
- Ingress rules: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules>
"#
    ),
    spec: &["I-01"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if ctx.kind() != "Ingress" {
        return;
    }
    let spec = ctx.root().field("spec");
    let has_rules = spec.as_ref().and_then(|s| s.field("rules")).is_some_and(|r| !r.is_empty());
    let has_default = spec.as_ref().and_then(|s| s.field("defaultBackend")).is_some();
    if has_rules || has_default {
        return;
    }
    let span = spec.as_ref().map_or_else(|| ctx.obj.head_span(), crate::rules::Cur::key_span);
    // The bad value is `spec.Rules`: a nil slice, or an empty one when the manifest says
    // `rules: []` (`%#v` before 1.34, JSON `null` or `[]` from 1.34).
    let empty_list = spec.as_ref().and_then(|s| s.field("rules")).is_some_and(|r| r.node.as_seq().is_some());
    let value = ctx.values().empty_slice("networking.IngressRule", !empty_list);
    sink.field_error_at(
        span,
        "spec",
        ErrorType::Invalid,
        format!("Invalid value: {value}: either `defaultBackend` or `rules` must be specified"),
    )
    .help("add `rules` (host and path routing) or a `defaultBackend` that receives all traffic");
}

#[cfg(test)]
mod tests {
    use super::super::testing::ing;
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        // ing-101, ing-004, ing-010
        assert_eq!(hits(&ing("  ingressClassName: nginx\n"), r), pairs(&[("spec", "Invalid")]));
        assert_eq!(hits(&ing("  rules: []\n"), r), pairs(&[("spec", "Invalid")]));
        assert!(hits(&ing("  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n"), r).is_empty());
        assert!(hits(&ing("  rules:\n  - host: example.com\n"), r).is_empty());
    }

    /// The value printed is `spec.Rules`: nil when missing or null, empty for `[]`; Go's `%#v`
    /// before 1.34, JSON from 1.34.
    #[test]
    fn message_prints_the_rules_slice() {
        let msg = |body: &str, minor: u16| {
            let files = vec![crate::SourceFile::new("t.yaml", ing(body))];
            let opts = crate::Options { kube_version: crate::KubeVersion::new(minor), ..Default::default() };
            let a = crate::analyze(&files, &opts);
            a.diagnostics.iter().find(|d| d.rule == super::RULE.name).map(|d| d.message.clone()).unwrap_or_default()
        };
        assert!(msg("  ingressClassName: nginx\n", 33).starts_with("Invalid value: []networking.IngressRule(nil): either"));
        assert!(msg("  rules: null\n", 33).starts_with("Invalid value: []networking.IngressRule(nil): either"));
        assert!(msg("  rules: []\n", 33).starts_with("Invalid value: []networking.IngressRule{}: either"));
        assert!(msg("  ingressClassName: nginx\n", 34).starts_with("Invalid value: null: either"));
        assert!(msg("  rules: null\n", 34).starts_with("Invalid value: null: either"));
        assert!(msg("  rules: []\n", 34).starts_with("Invalid value: []: either"));
    }
}
