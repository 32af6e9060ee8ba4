//! `api-version-unknown`: a built-in kind written with an API version that does not serve it.

use crate::diagnostic::Severity;
use crate::rules::{Rule, Stage};

pub static API_VERSION_UNKNOWN: Rule = Rule {
    name: "api-version-unknown",
    severity: Severity::Error,
    stage: Stage::Decode,
    summary: "A built-in kind is written with an `apiVersion` that never served it, such as `v1` Deployment.",
    docs: rule_docs!(
        r#"## What it does
Reports objects whose `kind` is a Kubernetes kind but whose `apiVersion` (of a Kubernetes API
group) does not serve it in the chosen version: `v1` Deployment, `apps/v1` Service, `batch/v2`
Job, or an API version that only later Kubernetes versions serve. The help names the API version
that does serve the kind. Also any object whose `apiVersion` no API server could serve:
`core/v1` (the core group has no name), a group without a dot or with capitals (a custom
resource's group is a lowercase domain such as `example.com`), a version that is not a
lowercase DNS label, or more than one `/`.

## Why is this bad?
kubectl fails with `no matches for kind "Deployment" in version "v1"` and creates nothing.

## Example
```yaml
apiVersion: v1
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
- API groups and versioning: <https://kubernetes.io/docs/concepts/overview/kubernetes-api/#api-groups-and-versioning>
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
            ("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: d\n", 34, &[("apiVersion", "v1")]),
            ("apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: s\n", 34, &[("apiVersion", "apps/v1")]),
            // resource.k8s.io/v1 is served from 1.34 on.
            ("apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: d\n", 33, &[("apiVersion", "resource.k8s.io/v1")]),
            ("apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: d\n", 34, &[]),
            // Groups no API server serves: the core group has no name, custom groups have a dot
            // and are lowercase, versions are DNS labels, and there is one `/` at most.
            ("apiVersion: core/v1\nkind: Service\nmetadata:\n  name: s\n", 34, &[("apiVersion", "core/v1")]),
            ("apiVersion: Apps/v1\nkind: Deployment\nmetadata:\n  name: d\n", 34, &[("apiVersion", "Apps/v1")]),
            ("apiVersion: apps/v1/x\nkind: Deployment\nmetadata:\n  name: d\n", 34, &[("apiVersion", "apps/v1/x")]),
            ("apiVersion: example.com/V1\nkind: Widget\nmetadata:\n  name: w\n", 34, &[("apiVersion", "example.com/V1")]),
            ("apiVersion: widgets/v1\nkind: Widget\nmetadata:\n  name: w\n", 34, &[("apiVersion", "widgets/v1")]),
            // A custom resource's group: not checked, not refused.
            ("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n", 34, &[]),
            // Another API group may be a custom resource with the same kind name: not ours to judge.
            ("apiVersion: example.com/v1\nkind: Deployment\nmetadata:\n  name: d\n", 34, &[]),
        ];
        check("api-version-unknown", cases);
        let d = run("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: d\n", 34, "api-version-unknown");
        assert_eq!(d[0].help.as_deref(), Some("change `apiVersion` to `apps/v1`"));
    }
}
