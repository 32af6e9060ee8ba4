//! `kind-unknown`: a kind that the API version's group does not have.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static KIND_UNKNOWN: Rule = Rule {
    name: "kind-unknown",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "The `kind` is not a kind of the Kubernetes API group named by `apiVersion` (often a typo: `Deploymnet`).",
    docs: rule_docs!(
        r#"## What it does
Reports a `kind` that no API version of Kubernetes serves while `apiVersion` names a Kubernetes API
group (`v1`, `apps/v1`, `networking.k8s.io/v1` ...), with the closest kind of that API version.
Kinds are case-sensitive. Objects of other API groups (custom resources) are left alone.

## Why is this bad?
kubectl fails with `no matches for kind "Deploymnet" in version "apps/v1"` and creates nothing.

## Example
```yaml
apiVersion: apps/v1
kind: Deploymnet
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

## Use instead
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
- API reference: <https://kubernetes.io/docs/reference/kubernetes-api/>
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
            ("apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: d\n", &[("kind", "Deploymnet")]),
            ("apiVersion: v1\nkind: service\nmetadata:\n  name: s\n", &[("kind", "service")]),
            ("apiVersion: v1\nkind: List\n", &[]),
            ("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n", &[]),
            ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", &[]),
        ];
        for (yaml, want) in cases {
            let got = hits(yaml, 34, "kind-unknown");
            let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
            assert_eq!(got, want, "{yaml}");
        }
        let d = run("apiVersion: v1\nkind: service\nmetadata:\n  name: s\n", 34, "kind-unknown");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `kind: Service`?"));
    }
}
