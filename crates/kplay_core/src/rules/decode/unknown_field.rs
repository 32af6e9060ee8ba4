//! `unknown-field`: a field the object's type does not have (strict field validation).

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static UNKNOWN_FIELD: Rule = Rule {
    name: "unknown-field",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "A field that the object's type does not have in this Kubernetes version.",
    docs: rule_docs!(
        r#"## What it does
Reports mapping keys that are not fields of the Kubernetes type at that place, for the chosen
Kubernetes version, with the closest real field name ("did you mean `containers`?"). The field
path is the one the API server names: `spec.template.spec.containers[0].imagePullpolicy`.
Field names are case-sensitive. Fields that only exist in other Kubernetes versions are reported
with the versions that have them.

## Why is this bad?
kubectl asks the API server for strict field validation by default, and the server rejects the
whole object: `strict decoding error: unknown field "spec.contianers"`. With validation turned
off the field is silently dropped instead, so the setting you wrote never takes effect.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  contianers:
  - name: web
    image: nginx:1.27
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx:1.27
```

## References
- Field validation: <https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation>
- API reference: <https://kubernetes.io/docs/reference/kubernetes-api/>
"#
    ),
    spec: &[],
    check: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::decode::test_support::{check, run, Case};

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n";

    #[test]
    fn table() {
        let cases: &[Case] = &[
            (POD, 34, &[]),
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  contianers: []\n", 34, &[("spec.contianers", "contianers")]),
            (
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n      - name: a\n        image: x\n      - name: b\n        image: y\n        imagePullpolicy: Always\n",
                34,
                &[("spec.template.spec.containers[1].imagePullpolicy", "imagePullpolicy")],
            ),
            // Case matters.
            ("apiVersion: v1\nkind: Namespace\nmetadata:\n  Name: shop\n", 34, &[("metadata.Name", "Name")]),
            // Pod-level resources were added in 1.32: unknown in 1.31, fine in 1.32.
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  resources: {}\n  containers: []\n", 31, &[("spec.resources", "resources")]),
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  resources: {}\n  containers: []\n", 32, &[]),
            // A key that YAML 1.1 reads as a boolean is the JSON key "true".
            ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  on: x\n", 34, &[("metadata.true", "on")]),
            // Map keys are free; status is a known field.
            ("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    anything: goes\nstatus: {}\n", 34, &[]),
        ];
        check("unknown-field", cases);
    }

    #[test]
    fn suggests_the_closest_field_or_its_home() {
        let d = run("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  contianers: []\n", 34, "unknown-field");
        assert!(d[0].message.contains("did you mean `containers`?"), "{}", d[0].message);
        let d = run(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {}\n  template:\n    containers: []\n",
            34,
            "unknown-field",
        );
        assert!(d[0].help.as_deref().unwrap_or("").contains("indent it under `spec:`"), "{:?}", d[0].help);
        let d = run("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  resources: {}\n  containers: []\n", 31, "unknown-field");
        assert!(d[0].message.contains("added in Kubernetes 1.32"), "{}", d[0].message);
    }
}
