//! `field-type-mismatch`: a value whose JSON type the field's Go type cannot take.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static FIELD_TYPE_MISMATCH: Rule = Rule {
    name: "field-type-mismatch",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "A value of the wrong JSON type: a quoted number for an integer, a list for a string, a fraction for an int32.",
    docs: rule_docs!(
        r#"## What it does
Checks every value against the type of its field: strings, integers (with their 32 or 64-bit
range), booleans, int-or-string fields (a number or a string, never a boolean, a list or a
fraction), lists and mappings. A quoted number such as `"80"` is a string, so it does not fit an
integer field. Null is always accepted (the field keeps its zero value).

## Why is this bad?
The API server cannot decode the object and rejects it with HTTP 400, e.g. `json: cannot unmarshal
string into Go struct field DeploymentSpec.spec.replicas of type int32`. Nothing else in the object
is checked until it decodes.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "3"
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
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
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
- API conventions, primitive types: <https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#primitive-types>
- API reference: <https://kubernetes.io/docs/reference/kubernetes-api/>
"#
    ),
    spec: &[],
    check: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::decode::test_support::{hits, run};

    fn svc(port: &str) -> String {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: {port}\n")
    }

    #[test]
    fn table() {
        let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
            (svc("8080"), vec![]),
            (svc("http"), vec![]),
            // A quoted number is a (named) port string: decodes, validation rejects it later.
            (svc("\"8080\""), vec![]),
            (svc("3.0"), vec![]),
            (svc("1.5"), vec![("spec.ports[0].targetPort", "1.5")]),
            (svc("[80]"), vec![("spec.ports[0].targetPort", "[80]")]),
            (svc("true"), vec![("spec.ports[0].targetPort", "true")]),
            (svc("4294967296"), vec![("spec.ports[0].targetPort", "4294967296")]),
            (svc("~"), vec![]),
            ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  replicas: \"3\"\n  selector: {}\n".into(), vec![("spec.replicas", "\"3\"")]),
            ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  replicas: 3000000000\n  selector: {}\n".into(), vec![("spec.replicas", "3000000000")]),
            // int64 fields take big numbers.
            ("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  activeDeadlineSeconds: 3000000000\n  template:\n    spec:\n      containers: []\n".into(), vec![]),
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: \"true\"\n  containers: web\n".into(), vec![("spec.hostNetwork", "\"true\""), ("spec.containers", "web")]),
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    name: web\n".into(), vec![("spec.containers", "name: web")]),
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  creationTimestamp: yesterday\n".into(), vec![("metadata.creationTimestamp", "yesterday")]),
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  creationTimestamp: null\n".into(), vec![]),
        ];
        for (yaml, want) in &cases {
            let got = hits(yaml, 34, "field-type-mismatch");
            let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
            assert_eq!(got, want, "{yaml}");
        }
    }

    #[test]
    fn messages_name_the_go_type_and_the_fix() {
        let d = run(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  replicas: \"3\"\n  selector: {}\n",
            34,
            "field-type-mismatch",
        );
        assert!(d[0].message.contains("Go struct field DeploymentSpec.spec.replicas of type int32"), "{}", d[0].message);
        assert_eq!(d[0].help.as_deref(), Some("remove the quotes: 3"));
    }
}
