//! `quantity-invalid`: a resource quantity the API server cannot parse.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static QUANTITY_INVALID: Rule = Rule {
    name: "quantity-invalid",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "A resource quantity such as `1 core`, `1GB` or `512mi` that the API server cannot parse.",
    docs: rule_docs!(
        r#"## What it does
Parses every quantity field (container `resources.limits`/`requests`, pod `overhead`,
`emptyDir.sizeLimit`, ...) the way the API server does: a number with an optional unit, either a
decimal SI suffix (`m`, `k`, `M`, `G`, `T`, `P`, `E`), a binary one (`Ki`, `Mi`, `Gi`, `Ti`,
`Pi`, `Ei`) or an exponent (`1e3`). Units are case-sensitive: `1K`, `512mi` and `1GB` are wrong.

## Why is this bad?
The object fails to decode and the API server rejects it with HTTP 400: `quantities must match
the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'` or `unable to parse
quantity's suffix`.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx:1.27
    resources:
      limits:
        cpu: 1 core
        memory: 1GB
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
    resources:
      limits:
        cpu: "1"
        memory: 1G
```

## References
- Resource units: <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#resource-units-in-kubernetes>
- Quantity format: <https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/>
"#
    ),
    spec: &[],
    check: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::decode::test_support::{hits, run};

    fn limits(cpu: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x\n    resources:\n      limits:\n        cpu: {cpu}\n")
    }

    #[test]
    fn table() {
        let p = "spec.containers[0].resources.limits.cpu";
        let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
            (limits("1 core"), vec![(p, "1 core")]),
            (limits("1GB"), vec![(p, "1GB")]),
            (limits("2K"), vec![(p, "2K")]),
            (limits("yes"), vec![(p, "yes")]),
            (limits("500m"), vec![]),
            (limits("0.5"), vec![]),
            (limits("2"), vec![]),
            (limits("\"2\""), vec![]),
            (limits("1e3"), vec![]),
            (limits("~"), vec![]),
            ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - name: v\n    emptyDir:\n      sizeLimit: 1 GiB\n".into(), vec![("spec.volumes[0].emptyDir.sizeLimit", "1 GiB")]),
        ];
        for (yaml, want) in &cases {
            let got = hits(yaml, 34, "quantity-invalid");
            let want: Vec<(String, String)> = want.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
            assert_eq!(got, want, "{yaml}");
        }
    }

    #[test]
    fn matches_the_spec_decode_vector() {
        // validation-cases pod-901: `cpu: 1 core` -> Decode at spec.containers[0].resources.limits.cpu.
        let d = run(&limits("1 core"), 34, "quantity-invalid");
        assert!(d[0].message.contains("quantities must match the regular expression"), "{}", d[0].message);
        assert!(d[0].help.as_deref().unwrap_or("").contains("`1`"));
        let d = run(&limits("1Gb"), 34, "quantity-invalid");
        assert!(d[0].message.contains("quantities must match"), "{}", d[0].message);
        let d = run(&limits("2K"), 34, "quantity-invalid");
        assert!(d[0].message.contains("unable to parse quantity's suffix"), "{}", d[0].message);
    }
}
