//! `metadata-namespace-invalid`: `metadata.namespace` not a DNS-1123 label, or set on a
//! cluster-scoped kind (M-04, M-05).

use crate::diagnostic::{ErrorType, Severity};
use crate::model::is_cluster_scoped;
use crate::rules::formats;
use crate::rules::pod::util::invalid_each;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static METADATA_NAMESPACE_INVALID: Rule = Rule {
    name: "metadata-namespace-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`metadata.namespace` is not a DNS-1123 label, or is set on a cluster-scoped kind.",
    docs: rule_docs!(
        r#"## What it does
Checks `metadata.namespace`: it must be a DNS-1123 label (lowercase letters, digits and `-`, at
most 63 characters, no dots). Cluster-scoped kinds such as Namespace may not have one.

## Why is this bad?
The API server rejects the object; an empty namespace is filled from kubectl's context.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: Shop_Prod
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop-prod
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Namespaces: <https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/>
"#
    ),
    spec: &["M-04", "M-05"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(ns) = ctx.root().field("metadata").and_then(|m| m.field("namespace")) else { return };
    let v = ns.text().unwrap_or("");
    if v.is_empty() {
        return;
    }
    if is_cluster_scoped(ctx.kind()) {
        sink.field_error(&ns, ErrorType::Forbidden, formats::forbidden("not allowed on this type"))
            .help(format!("remove `namespace`: {} objects are cluster-scoped", ctx.kind()));
        return;
    }
    invalid_each(sink, &ns, v, formats::dns1123_label_msgs(v), "use lowercase letters, digits and `-` (at most 63, no dots)");
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "metadata-namespace-invalid";

    #[test]
    fn table() {
        let pod = |ns: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: {ns}\nspec:\n  containers:\n  - name: web\n    image: a:1\n")
        };
        assert_eq!(errors_of(R, &pod("Shop_Prod")), pairs(&[("metadata.namespace", "Invalid")]));
        assert_eq!(errors_of(R, &pod("shop")), pairs(&[]));
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  namespace: default\n";
        assert_eq!(errors_of(R, ns), pairs(&[("metadata.namespace", "Forbidden")]));
    }
}
