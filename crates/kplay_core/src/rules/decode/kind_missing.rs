//! `kind-missing`: an object without `kind`.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static KIND_MISSING: Rule = Rule {
    name: "kind-missing",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "An object has no `kind`.",
    docs: rule_docs!(
        r#"## What it does
Reports objects without a `kind` (or with an empty one), at the start of the object.

## Why is this bad?
kubectl cannot tell what the object is and refuses it (`Object 'Kind' is missing`); nothing in the
object is checked.

## Example
```yaml
apiVersion: v1
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
    use crate::rules::decode::test_support::hits;

    #[test]
    fn table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("apiVersion: v1\nmetadata:\n  name: shop\n", &[("kind", "apiVersion")]),
            ("apiVersion: v1\nkind: ''\n", &[("kind", "apiVersion")]),
            ("apiVersion: v1\nkind: Namespace\n", &[]),
        ];
        for (yaml, want) in cases {
            let got = hits(yaml, 34, "kind-missing");
            let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
            assert_eq!(got, want, "{yaml}");
        }
    }
}
