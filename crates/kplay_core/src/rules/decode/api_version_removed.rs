//! `api-version-removed`: an API version that the chosen Kubernetes version no longer serves.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static API_VERSION_REMOVED: Rule = Rule {
    name: "api-version-removed",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "The object uses an API version that Kubernetes removed (e.g. `extensions/v1beta1` Ingress, `batch/v1beta1` CronJob).",
    docs: rule_docs!(
        r#"## What it does
Reports objects whose `apiVersion` once served their `kind` but was removed before the chosen
Kubernetes version, names the release that removed it and the API version to use, with what
changes in the move (for Ingress: `service.name`/`service.port.number` backends and a required
`pathType`). Removals from 1.26 on come from the OpenAPI of each release; older ones from the
Kubernetes deprecated API migration guide.

## Why is this bad?
kubectl fails with `no matches for kind "Ingress" in version "extensions/v1beta1"`: the cluster
has no such API any more, so nothing is created.

## Example
```yaml
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - http:
      paths:
      - path: /
        backend:
          serviceName: web
          servicePort: 80
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
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
```

## References
- Deprecated API migration guide: <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
"#
    ),
    spec: &[],
    check: None,
};

#[cfg(test)]
mod tests {
    use crate::rules::decode::test_support::{check, run, Case};

    #[test]
    fn table() {
        let cases: &[Case] = &[
            ("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: d\n", 34, &[("apiVersion", "apps/v1beta1")]),
            ("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n", 30, &[("apiVersion", "batch/v1beta1")]),
            // flowcontrol v1beta3 is served until 1.31 and removed in 1.32.
            ("apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: f\n", 31, &[]),
            (
                "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata:\n  name: f\n",
                32,
                &[("apiVersion", "flowcontrol.apiserver.k8s.io/v1beta3")],
            ),
            ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n", 34, &[]),
        ];
        check("api-version-removed", cases);
    }

    #[test]
    fn help_has_the_migration() {
        let d = run("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: i\n", 34, "api-version-removed");
        let help = d[0].help.as_deref().unwrap_or("");
        assert!(help.contains("networking.k8s.io/v1") && help.contains("service.port.number") && help.contains("pathType"), "{help}");
        assert!(d[0].message.contains("removed in Kubernetes 1.22"), "{}", d[0].message);
        let d =
            run("apiVersion: flowcontrol.apiserver.k8s.io/v1beta1\nkind: FlowSchema\nmetadata:\n  name: f\n", 34, "api-version-removed");
        // The recorded replacement (v1beta3) is gone too: point at what 1.34 serves.
        assert!(d[0].help.as_deref().unwrap_or("").contains("`flowcontrol.apiserver.k8s.io/v1`"), "{:?}", d[0].help);
    }
}
