//! `api-version-missing`: an object without `apiVersion`.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static API_VERSION_MISSING: Rule = Rule {
    name: "api-version-missing",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "An object has no `apiVersion`.",
    docs: rule_docs!(
        r#"## What it does
Reports objects without an `apiVersion` (or with an empty one), at the start of the object, and
suggests the API version that serves its `kind`.

## Why is this bad?
kubectl cannot map the object to an API without it and refuses to send it (`Object 'apiVersion'
is missing`); nothing in the object is checked.

## Example
```yaml
kind: Namespace
metadata:
  name: shop
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
```

## References
- Required fields of an object: <https://kubernetes.io/docs/concepts/overview/working-with-objects/#required-fields>
"#
    ),
    spec: &[],
    check: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::decode::test_support::{hits, run};

    #[test]
    fn table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("kind: Namespace\nmetadata:\n  name: shop\n", &[("apiVersion", "kind")]),
            ("metadata:\n  name: shop\nkind: Namespace\napiVersion: \"\"\n", &[("apiVersion", "metadata")]),
            ("apiVersion: ~\nkind: Namespace\n", &[("apiVersion", "apiVersion")]),
            ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n", &[]),
        ];
        for (yaml, want) in cases {
            let got = hits(yaml, 34, "api-version-missing");
            let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
            assert_eq!(got, want, "{yaml}");
        }
        let d = run("kind: Deployment\nmetadata:\n  name: shop\n", 34, "api-version-missing");
        assert!(d[0].help.as_deref().unwrap_or("").contains("apiVersion: apps/v1"), "{:?}", d[0].help);
    }
}
