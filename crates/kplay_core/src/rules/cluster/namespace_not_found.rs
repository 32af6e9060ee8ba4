//! `namespace-not-found`: an object in a namespace that neither exists nor is created.

use super::Cx;
use crate::diagnostic::{Diagnostic, ErrorType, Severity};
use crate::rules::{Rule, Stage};

pub static NAMESPACE_NOT_FOUND: Rule = Rule {
    name: "namespace-not-found",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "An object names a namespace that is neither built in nor created by the manifests.",
    docs: rule_docs!(
        r#"## What it does
Checks each namespaced object's `metadata.namespace` against the namespaces of a fresh cluster
(`default`, `kube-system`, `kube-public`, `kube-node-lease`, and the context namespace) and the
Namespace objects of the input.

## Why is this bad?
On a cluster without that namespace the API server refuses the object with
`namespaces "shop" not found`. It is a warning, not an error, because the namespace may already
exist on the cluster you apply to.

## Example
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  clusterIP: None
  ports:
    - port: 80
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  clusterIP: None
  ports:
    - port: 80
```

## References
- Namespaces: <https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/>
"#
    ),
    spec: &[],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let mut reported = std::collections::HashSet::new();
    // One lookup per object, not a scan of every namespace (quadratic with many Namespaces).
    let existing: std::collections::HashSet<&str> = cx.cluster.namespaces.iter().map(|n| n.name.as_str()).collect();
    for o in cx.objects {
        let stored = matches!(o.acceptance, crate::model::Acceptance::Accepted | crate::model::Acceptance::Unknown);
        if !stored || !o.is_namespaced() || o.name.is_none() || existing.contains(o.namespace.as_str()) {
            continue;
        }
        let Some(ns) = o.raw.path(&["metadata", "namespace"]) else { continue };
        let first = reported.insert(o.namespace.clone());
        let mut d = Diagnostic::new(
            NAMESPACE_NOT_FOUND.name,
            NAMESPACE_NOT_FOUND.severity,
            o.file,
            ns.span,
            format!("namespace `{}` does not exist on a fresh cluster and no Namespace object creates it: the API server answers `namespaces \"{}\" not found`", o.namespace, o.namespace),
        )
        .with_object(Some(o.object_ref.clone()))
        .with_kubernetes("metadata.namespace", ErrorType::NotFound);
        if first {
            d = d.with_help(format!(
                "add `apiVersion: v1`, `kind: Namespace`, `metadata.name: {}` before the objects that use it",
                o.namespace
            ));
        } else {
            d = d.with_help(format!("add a Namespace object named `{}`", o.namespace));
        }
        out.push(d);
    }
}
