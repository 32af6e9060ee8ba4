//! `service-selector-invalid`: selector keys or values that are not valid labels.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-selector-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A `spec.selector` key is not a label key or a value not a label value.",
    docs: rule_docs!(
        r#"## What it does
Checks each entry of a Service's `spec.selector` with the label rules: keys are qualified names
(optional DNS prefix and `/`, then up to 63 alphanumerics, `-`, `_`, `.`), values at most 63 of
the same characters (empty allowed). As on the server, errors name the map `spec.selector`, not
the key.

## Why is this bad?
The API server refuses the Service; such a selector could never match a label anyway.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app name: web
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
  selector:
    app.kubernetes.io/name: web
  ports:
  - port: 80
```

## References
- Labels, syntax and character set: <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set>
"#
    ),
    spec: &["S-11"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let Some(sel) = spec.field("selector") else { return };
    for (k, v) in sel.entries() {
        for m in formats::label_key_msgs(k) {
            sink.field_error_at(v.key_span(), "spec.selector", ErrorType::Invalid, formats::invalid(k, &m))
                .help("label keys are `[prefix/]name`: letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit");
        }
        let value = super::s(&v);
        for m in formats::label_value_msgs(value) {
            sink.field_error_at(v.span(), "spec.selector", ErrorType::Invalid, formats::invalid(value, &m))
                .help("label values are at most 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        // svc-055
        assert_eq!(hits(&svc("  selector:\n    app name: web\n  ports:\n  - port: 80\n"), r), pairs(&[("spec.selector", "Invalid")]));
        assert_eq!(
            hits(&svc("  selector:\n    app: web!\n    /x: \"\"\n  ports:\n  - port: 80\n"), r),
            pairs(&[("spec.selector", "Invalid"), ("spec.selector", "Invalid")])
        );
        assert!(hits(&svc("  selector:\n    app.kubernetes.io/name: web\n    tier: \"\"\n  ports:\n  - port: 80\n"), r).is_empty());
    }
}
