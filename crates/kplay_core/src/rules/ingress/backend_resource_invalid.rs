//! `ingress-backend-resource-invalid`: a resource backend with a bad group, kind or name.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingress-backend-resource-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A resource backend lacks `kind`/`name`, or has an invalid `apiGroup`, `kind` or `name`.",
    docs: rule_docs!(
        r#"## What it does
Checks `resource` backends: `apiGroup`, when set, must be a DNS subdomain; `kind` and `name` are
required and must not be `.` or `..` nor contain `/` or `%`.

## Why is this bad?
The API server refuses the Ingress.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: static
spec:
  defaultBackend:
    resource:
      apiGroup: k8s.example.com
      kind: StorageBucket
      name: assets/static
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: static
spec:
  defaultBackend:
    resource:
      apiGroup: k8s.example.com
      kind: StorageBucket
      name: static-assets
```

## References
- Resource backends: <https://kubernetes.io/docs/concepts/services-networking/ingress/#resource-backend>
"#
    ),
    spec: &["I-22", "I-23"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for (b, _, _) in super::backends(&spec) {
        let Some(b) = b else { continue };
        if b.field("service").is_some() {
            continue;
        }
        let Some(r) = b.field("resource") else { continue };
        check_reference(&r, sink);
    }
}

/// `validateIngressTypedLocalObjectReference` (shared with IngressClass parameters).
pub(crate) fn check_reference(r: &crate::rules::Cur<'_>, sink: &mut Sink<'_>) {
    if let Some(g) = r.field("apiGroup") {
        let v = super::s(&g);
        for m in formats::dns1123_subdomain_msgs(v) {
            sink.field_error(&g, ErrorType::Invalid, formats::invalid(v, &m))
                .help("use the API group of the referenced kind, e.g. `k8s.example.com`, or omit it for the core group");
        }
    }
    for key in ["kind", "name"] {
        let c = r.field(key);
        let v = c.as_ref().map_or("", super::s);
        if v.is_empty() {
            // Go: `field.Required(fldPath.Child("kind"), "kind is required")`, and so for name.
            let detail = formats::required(&format!("{key} is required"));
            let d = match &c {
                Some(c) => sink.field_error(c, ErrorType::Required, detail),
                None => sink.required(r, key, detail),
            };
            d.help(format!("set `{key}` of the referenced object"));
            continue;
        }
        let Some(c) = c else { continue };
        for m in super::path_segment_msgs(v) {
            sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m))
                .help(format!("a `{key}` is one URL path segment: no `/` or `%`, not `.` or `..`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::ing;
    use crate::rules::service::testing::{hits, pairs};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let t = |b: &str| hits(&ing(&format!("  defaultBackend:\n    resource:\n{b}")), r);
        let p = "spec.defaultBackend.resource";
        assert_eq!(
            t("      apiGroup: K8s.example.com\n      kind: \"..\"\n      name: a/b%c\n"),
            pairs(&[
                (&format!("{p}.apiGroup"), "Invalid"),
                (&format!("{p}.kind"), "Invalid"),
                (&format!("{p}.name"), "Invalid"),
                (&format!("{p}.name"), "Invalid")
            ])
        );
        assert_eq!(
            t("      apiGroup: k8s.example.com\n"),
            pairs(&[(&format!("{p}.kind"), "Required"), (&format!("{p}.name"), "Required")])
        );
        assert!(t("      kind: StorageBucket\n      name: static\n").is_empty());
        let a = crate::rules::service::testing::run(&ing("  defaultBackend:\n    resource:\n      kind: \"\"\n"), 34);
        let mut messages: Vec<&str> = a.diagnostics.iter().filter(|d| d.rule == r).map(|d| d.message.as_str()).collect();
        messages.sort_unstable();
        assert_eq!(messages, ["Required value: kind is required", "Required value: name is required"]);
    }
}
