//! Rules of the `decode` group: what the API server's decoder rejects with HTTP 400 before any
//! validation (strict field validation, JSON types, quantities) and what kubectl cannot map to a
//! served type (`apiVersion`/`kind`). The checks live in `crate::schema`; these files hold the
//! rules' metadata, documentation and tests. Each rule is one file; list it once in `RULES`.

mod api_version_missing;
mod api_version_removed;
mod api_version_unknown;
mod field_type_mismatch;
mod kind_missing;
mod kind_unknown;
mod quantity_invalid;
mod rollback_annotation_invalid;
mod unknown_field;
mod yaml_implicit_type;

pub use api_version_missing::API_VERSION_MISSING;
pub use api_version_removed::API_VERSION_REMOVED;
pub use api_version_unknown::API_VERSION_UNKNOWN;
pub use field_type_mismatch::FIELD_TYPE_MISMATCH;
pub use kind_missing::KIND_MISSING;
pub use kind_unknown::KIND_UNKNOWN;
pub use quantity_invalid::QUANTITY_INVALID;
pub use rollback_annotation_invalid::ROLLBACK_ANNOTATION_INVALID;
pub use unknown_field::UNKNOWN_FIELD;
pub use yaml_implicit_type::YAML_IMPLICIT_TYPE;

use super::Rule;

pub static RULES: &[&Rule] = &[
    &API_VERSION_MISSING,
    &KIND_MISSING,
    &API_VERSION_REMOVED,
    &API_VERSION_UNKNOWN,
    &KIND_UNKNOWN,
    &UNKNOWN_FIELD,
    &FIELD_TYPE_MISMATCH,
    &YAML_IMPLICIT_TYPE,
    &QUANTITY_INVALID,
    &ROLLBACK_ANNOTATION_INVALID,
];

#[cfg(test)]
pub(crate) mod test_support {
    use crate::analysis::{analyze, Options};
    use crate::diagnostic::Diagnostic;
    use crate::source::SourceFile;
    use crate::version::KubeVersion;

    /// The diagnostics of `rule` for `yaml` checked against Kubernetes `1.minor`.
    pub fn run(yaml: &str, minor: u16, rule: &str) -> Vec<Diagnostic> {
        let opts = Options { kube_version: KubeVersion::new(minor), ..Options::default() };
        analyze(&[SourceFile::new("test.yaml", yaml)], &opts).diagnostics.into_iter().filter(|d| d.rule == rule).collect()
    }

    /// `(field, text under the primary span)` of each diagnostic of `rule`.
    pub fn hits(yaml: &str, minor: u16, rule: &str) -> Vec<(String, String)> {
        run(yaml, minor, rule)
            .into_iter()
            .map(|d| {
                let field = d.kubernetes.as_ref().map(|k| k.field.clone()).unwrap_or_default();
                (field, yaml[d.primary.span.range()].to_string())
            })
            .collect()
    }

    /// A table case: manifest, Kubernetes minor, expected `(field, spanned text)` pairs.
    pub type Case = (&'static str, u16, &'static [(&'static str, &'static str)]);

    /// Asserts each case's hits of `rule`.
    pub fn check(rule: &str, cases: &[Case]) {
        for (yaml, minor, want) in cases {
            let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
            assert_eq!(hits(yaml, *minor, rule), want, "{yaml}");
        }
    }

    /// The fenced YAML blocks under `heading` in a rule's docs.
    pub fn examples<'d>(docs: &'d str, heading: &str) -> Vec<&'d str> {
        let Some(start) = docs.find(heading) else { return Vec::new() };
        let section = &docs[start + heading.len()..];
        let section = &section[..section.find("\n## ").unwrap_or(section.len())];
        section.split("```yaml\n").skip(1).filter_map(|b| b.split("```").next()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{examples, run};
    use super::RULES;
    use crate::diagnostic::ErrorType;
    use crate::version::KubeVersion;

    #[test]
    fn doc_examples_trigger_their_rule_and_the_fixes_do_not() {
        for rule in RULES {
            let bad = examples(rule.docs, "## Example");
            let good = examples(rule.docs, "## Use instead");
            assert!(!bad.is_empty() && !good.is_empty(), "{} needs YAML examples", rule.name);
            for y in bad {
                assert!(!run(y, KubeVersion::DEFAULT.minor, rule.name).is_empty(), "{}: the example does not trigger it:\n{y}", rule.name);
            }
            for y in good {
                assert!(run(y, KubeVersion::DEFAULT.minor, rule.name).is_empty(), "{}: the fix still triggers it:\n{y}", rule.name);
            }
        }
    }

    #[test]
    fn every_decode_diagnostic_is_a_decode_error() {
        let y = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    v: 1.10\nspec:\n  replicas: \"3\"\n  selektor: {}\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources:\n          limits:\n            cpu: 1 core\n";
        let opts = crate::analysis::Options::default();
        let a = crate::analysis::analyze(&[crate::source::SourceFile::new("t.yaml", y)], &opts);
        let decode: Vec<_> = a.diagnostics.iter().filter(|d| RULES.iter().any(|r| r.name == d.rule)).collect();
        assert_eq!(decode.len(), 4, "{decode:#?}");
        for d in decode {
            assert_eq!(d.kubernetes.as_ref().map(|k| k.error_type), Some(ErrorType::Decode), "{d:?}");
            assert!(d.help.is_some());
        }
        assert_eq!(a.objects[0].acceptance, crate::model::Acceptance::Decode);
    }
}
