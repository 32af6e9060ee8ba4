//! `ingress-path-invalid`: relative paths and forbidden sequences in Exact/Prefix paths.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

const SEQUENCES: &[&str] = &["//", "/./", "/../", "%2f", "%2F"];
const SUFFIXES: &[&str] = &["/..", "/."];

pub static RULE: Rule = Rule {
    name: "ingress-path-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An Ingress path is not absolute, or an Exact/Prefix path contains `//`, `/./`, `/../`, `%2f` or ends in `/.` or `/..`.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.rules[].http.paths[].path`. For `Exact` and `Prefix` it must start with `/` (so an
empty path is refused) and must not contain `//`, `/./`, `/../`, `%2f`, `%2F` (one error per
sequence) nor end with `/..` or `/.`. For `ImplementationSpecific` a non-empty path must start
with `/`; nothing else is checked. The API server checks no character set: regexes like
`/api/(.*)` pass it (your controller may still reject them).

## Why is this bad?
The API server refuses the Ingress.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - http:
      paths:
      - path: api
        pathType: Prefix
        backend:
          service:
            name: api
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
  - http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 80
```

## References
- Path types and matching: <https://kubernetes.io/docs/concepts/services-networking/ingress/#examples>
"#
    ),
    spec: &["I-09", "I-10", "I-11", "I-12", "I-13"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    for p in super::http_paths(&spec) {
        let Some(t) = p.field("pathType") else { continue };
        let field = p.field("path");
        let v = field.as_ref().map_or("", super::s);
        let span = field.as_ref().map_or_else(|| super::super::service::item_head(&p), crate::rules::Cur::span);
        let path = p.child_path("path");
        let mut report = |detail: String, help: &str| {
            sink.field_error_at(span, &path, ErrorType::Invalid, formats::invalid(v, &detail)).help(help);
        };
        match super::s(&t) {
            "Exact" | "Prefix" => {
                if !v.starts_with('/') {
                    report("must be an absolute path".into(), "start the path with `/` (the root is `/`)");
                }
                if !v.is_empty() {
                    for seq in SEQUENCES.iter().filter(|s| v.contains(**s)) {
                        report(
                            format!("must not contain '{seq}'"),
                            "write the normalised path: no empty, `.` or `..` segments and no encoded `/`",
                        );
                    }
                    for suf in SUFFIXES.iter().filter(|s| v.ends_with(**s)) {
                        report(format!("cannot end with '{suf}'"), "write the normalised path: no trailing `.` or `..` segment");
                    }
                }
            }
            "ImplementationSpecific" if !v.is_empty() && !v.starts_with('/') => {
                report("must be an absolute path".into(), "start the path with `/`");
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::one_path;
    use crate::rules::service::testing::{hits, pairs};

    fn t(pt: &str, path: &str) -> Vec<(String, String)> {
        hits(&one_path(&format!("      - path: \"{path}\"\n        pathType: {pt}\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n")), super::RULE.name)
    }

    /// Errors of one rule at one place come out in the order the server finds them
    /// (`invalidPathSequences`), not sorted by message.
    #[test]
    fn sequences_are_reported_in_the_servers_order() {
        let y = one_path("      - path: \"/a//b/./c/../d%2fe%2F\"\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n");
        let a = crate::analyze(&[crate::SourceFile::new("t.yaml", y)], &crate::Options::default());
        let got: Vec<&str> = a
            .diagnostics
            .iter()
            .filter(|d| d.rule == super::RULE.name)
            .filter_map(|d| d.message.rsplit("must not contain ").next())
            .collect();
        assert_eq!(got, ["'//'", "'/./'", "'/../'", "'%2f'", "'%2F'"]);
    }

    #[test]
    fn cases() {
        let p = "spec.rules[0].http.paths[0].path";
        // ing-110, ing-113, ing-119, ing-007, ing-013
        assert_eq!(t("Prefix", "api"), pairs(&[(p, "Invalid")]));
        assert_eq!(t("Exact", "/a/../b"), pairs(&[(p, "Invalid")]));
        assert_eq!(t("ImplementationSpecific", "api"), pairs(&[(p, "Invalid")]));
        assert!(t("ImplementationSpecific", "/a//b").is_empty());
        assert!(t("ImplementationSpecific", "").is_empty());
        assert!(t("Exact", "/foo/").is_empty());
        assert_eq!(t("Prefix", ""), pairs(&[(p, "Invalid")]));
        assert_eq!(t("Prefix", "/a//b/./c%2F/.."), pairs(&[(p, "Invalid"), (p, "Invalid"), (p, "Invalid"), (p, "Invalid")]));
        assert!(t("Prefix", "/api/(.*)").is_empty());
    }
}
