//! `yaml-implicit-type`: a plain scalar that YAML 1.1 reads as a boolean or a number where the
//! field wants a string.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static YAML_IMPLICIT_TYPE: Rule = Rule {
    name: "yaml-implicit-type",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "An unquoted value such as `yes`, `on`, `1.10` or `0755` is read as a boolean or a number where a string is required.",
    docs: rule_docs!(
        r#"## What it does
Finds unquoted values that kubectl's YAML library (YAML 1.1 rules) turns into booleans or numbers
where the field is a string: environment variable values (`yes`, `on`, `off`, `y`, `n`), label and
annotation values (`1.10` becomes the number 1.1, `0755` the number 493, `1e3` the number 1000),
`version: 1.20`. It says what the value is read as and that quoting fixes it.

## Why is this bad?
The API server receives a JSON boolean or number for a string field and rejects the object with
HTTP 400 (`json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.value of
type string`). Even where a tool accepts it, `1.10` has already become `1.1`.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    version: 1.10
spec:
  containers:
  - name: web
    image: nginx:1.27
    env:
    - name: DEBUG
      value: yes
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    version: "1.10"
spec:
  containers:
  - name: web
    image: nginx:1.27
    env:
    - name: DEBUG
      value: "yes"
```

## References
- YAML 1.1 boolean type: <https://yaml.org/type/bool.html>
- Kubernetes configuration best practices (quote values): <https://kubernetes.io/docs/concepts/configuration/overview/>
"#
    ),
    spec: &[],
    check: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::decode::test_support::{hits, run};

    fn env(value: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x\n    env:\n    - name: A\n      value: {value}\n")
    }

    #[test]
    fn table() {
        let p = "spec.containers[0].env[0].value";
        let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
            (env("yes"), vec![(p, "yes")]),
            (env("on"), vec![(p, "on")]),
            (env("1.10"), vec![(p, "1.10")]),
            (env("0755"), vec![(p, "0755")]),
            (env("\"yes\""), vec![]),
            (env("'1.10'"), vec![]),
            (env("hello"), vec![]),
            // Null leaves the empty string.
            (env("~"), vec![]),
            (env(""), vec![]),
            // An explicit tag is the author's choice: a type mismatch, not implicit typing.
            (env("!!int 5"), vec![]),
            // `n` is a YAML 1.1 boolean too: a Namespace called n must be quoted.
            ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n".into(), vec![("metadata.name", "n")]),
            (
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    version: 1.10\n  annotations:\n    enabled: on\n"
                    .into(),
                vec![("metadata.labels.version", "1.10"), ("metadata.annotations.enabled", "on")],
            ),
        ];
        for (yaml, want) in &cases {
            let got = hits(yaml, 34, "yaml-implicit-type");
            let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
            assert_eq!(got, want, "{yaml}");
        }
    }

    #[test]
    fn says_what_it_is_read_as_and_how_to_quote() {
        let d = run(&env("1.10"), 34, "yaml-implicit-type");
        assert!(d[0].message.contains("read as the number 1.1"), "{}", d[0].message);
        assert_eq!(d[0].help.as_deref(), Some("quote it: \"1.10\""));
        let d = run(&env("yes"), 34, "yaml-implicit-type");
        assert!(d[0].message.contains("read as the boolean true"), "{}", d[0].message);
    }
}
