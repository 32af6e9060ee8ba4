//! `rollback-annotation-invalid`: an apps/v1 Deployment's `deprecated.deployment.rollback.to`
//! annotation that is not a whole number, which fails the conversion to the internal type.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static ROLLBACK_ANNOTATION_INVALID: Rule = Rule {
    name: "rollback-annotation-invalid",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "A Deployment's `deprecated.deployment.rollback.to` annotation that is not a whole number.",
    docs: rule_docs!(
        r#"## What it does
Reads a Deployment's `deprecated.deployment.rollback.to` annotation as the API server does when it
converts an apps/v1 Deployment to its internal type (`Convert_v1_Deployment_To_apps_Deployment`):
a value that is not empty must be a base-10 64-bit integer (`strconv.ParseInt`), such as `0` or
`3`, with an optional sign. The annotation is what apps/v1 keeps of the old `spec.rollbackTo`.

## Why is this bad?
The conversion fails while the request is decoded, and the API server rejects the object with
HTTP 400: `failed to parse annotation[deprecated.deployment.rollback.to]=latest as int64:
strconv.ParseInt: parsing "latest": invalid syntax`. A negative number converts, and validation
then refuses it (`workload-spec-invalid`, `spec.rollback.version`).

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    deprecated.deployment.rollback.to: latest
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
```

## Use instead
Remove the annotation; `kubectl rollout undo deployment/web` rolls a Deployment back.
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
```

## References
- kubectl rollout undo: <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_undo/>
"#
    ),
    spec: &[],
    check: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::decode::test_support::{hits, run};

    fn dep(v: &str) -> String {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    deprecated.deployment.rollback.to: {v}\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n")
    }

    #[test]
    fn table() {
        let p = "metadata.annotations.deprecated.deployment.rollback.to";
        let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
            (dep("latest"), vec![(p, "latest")]),
            (dep("'1.5'"), vec![(p, "'1.5'")]),
            (dep("' 3'"), vec![(p, "' 3'")]),
            (dep("'0x10'"), vec![(p, "'0x10'")]),
            (dep("'1_000'"), vec![(p, "'1_000'")]),
            (dep("'-'"), vec![(p, "'-'")]),
            (dep("'9223372036854775808'"), vec![(p, "'9223372036854775808'")]),
            // ParseInt takes a sign and the whole int64 range; a negative value converts (and
            // validation refuses it), an empty one is ignored.
            (dep("'9223372036854775807'"), vec![]),
            (dep("'+3'"), vec![]),
            (dep("'-1'"), vec![]),
            (dep("'007'"), vec![]),
            (dep("''"), vec![]),
            // Not a string: the decoder refuses it first (`field-type-mismatch`).
            (dep("3"), vec![]),
        ];
        for (yaml, want) in &cases {
            let got = hits(yaml, 34, "rollback-annotation-invalid");
            let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
            assert_eq!(got, want, "{yaml}");
        }
        // Only the apps/v1 Deployment conversion reads it.
        let rs = dep("latest").replace("kind: Deployment", "kind: ReplicaSet");
        assert_eq!(hits(&rs, 34, "rollback-annotation-invalid"), vec![]);
    }

    #[test]
    fn message_is_the_servers() {
        let d = run(&dep("latest"), 34, "rollback-annotation-invalid");
        assert_eq!(
            d[0].message,
            "failed to parse annotation[deprecated.deployment.rollback.to]=latest as int64: strconv.ParseInt: parsing \"latest\": invalid syntax"
        );
        let d = run(&dep("'99999999999999999999'"), 34, "rollback-annotation-invalid");
        assert!(d[0].message.ends_with("parsing \"99999999999999999999\": value out of range"), "{}", d[0].message);
        assert!(d[0].help.as_deref().is_some_and(|h| h.contains("kubectl rollout undo")));
    }

    #[test]
    fn nothing_else_is_reported_for_the_object() {
        // A decode failure stops the request: no validation error for the same object.
        let all = crate::analysis::analyze(
            &[crate::source::SourceFile::new("d.yaml", dep("latest").replace("name: web\n  annotations", "name: Web\n  annotations"))],
            &crate::analysis::Options::default(),
        );
        let errors: Vec<&str> =
            all.diagnostics.iter().filter(|d| d.severity == crate::diagnostic::Severity::Error).map(|d| d.rule).collect();
        assert_eq!(errors, vec!["rollback-annotation-invalid"]);
    }
}
