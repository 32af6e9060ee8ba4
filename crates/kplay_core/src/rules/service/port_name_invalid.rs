//! `service-port-name-invalid`: a Service port name that is not a DNS-1123 label.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "service-port-name-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A Service port name is not a DNS-1123 label (lowercase letters, digits, `-`, at most 63).",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.ports[].name` of Services. Unlike container port names (IANA service names: at most
15 characters, at least one letter), Service port names are DNS-1123 labels: up to 63
characters, digits-only names allowed, but no uppercase, `_` or `.`.

## Why is this bad?
The API server refuses the Service, one error per failed check.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: HTTP_Main
    port: 80
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http-main
    port: 80
```

## References
- Multi-port Services: <https://kubernetes.io/docs/concepts/services-networking/service/#multi-port-services>
"#
    ),
    spec: &["SP-02"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for (_, p) in super::ports(&spec) {
        let Some((c, v)) = super::field_str(&p, "name") else { continue };
        if v.is_empty() {
            continue;
        }
        for m in formats::dns1123_label_msgs(v) {
            sink.field_error(&c, ErrorType::Invalid, formats::invalid(v, &m))
                .help(format!("use lowercase letters, digits and `-`, e.g. `{}`", suggest(v)));
        }
    }
}

/// A label close to `v`: lowercase, other characters as `-`, trimmed, cut to 63.
pub(crate) fn suggest(v: &str) -> String {
    let s: String = v.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.trim_matches('-');
    let s = if s.len() > 63 { s[..63].trim_end_matches('-') } else { s };
    if s.is_empty() {
        "http".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs, svc};

    #[test]
    fn cases() {
        let r = super::RULE.name;
        assert_eq!(hits(&svc("  ports:\n  - name: HTTP_Main\n    port: 80\n"), r), pairs(&[("spec.ports[0].name", "Invalid")]));
        assert_eq!(
            hits(&svc(&format!("  ports:\n  - name: {}_\n    port: 80\n", "a".repeat(64))), r),
            pairs(&[("spec.ports[0].name", "Invalid"), ("spec.ports[0].name", "Invalid")])
        );
        // svc-016: digits-only names and 63 characters are fine.
        assert!(hits(&svc("  ports:\n  - name: \"8080\"\n    port: 80\n"), r).is_empty());
        assert!(hits(&svc(&format!("  ports:\n  - name: {}\n    port: 80\n", "a".repeat(63))), r).is_empty());
        assert_eq!(super::suggest("HTTP_Main"), "http-main");
    }
}
