//! `ingressclass-parameters-invalid`: an IngressClass parameters reference that cannot resolve.

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static RULE: Rule = Rule {
    name: "ingressclass-parameters-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`spec.parameters` of an IngressClass lacks kind/name, has a bad value, or a namespace that does not fit its scope.",
    docs: rule_docs!(
        r#"## What it does
Checks `spec.parameters` of IngressClasses: `apiGroup` (if set) a DNS subdomain; `kind` and
`name` required, not `.`/`..`, without `/` or `%`; `scope` `Cluster` or `Namespace`;
with `Namespace` a valid `namespace` is required, with `Cluster` it is forbidden.

A missing (or null) `scope` defaults to `Cluster` before validation (`SetDefaults_IngressClass`),
so `parameters` without `scope` are accepted, and are then refused with a `namespace`.

## Why is this bad?
The API server refuses the IngressClass.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: external-lb
spec:
  controller: example.com/ingress-controller
  parameters:
    apiGroup: k8s.example.com
    kind: IngressParameters
    name: external-lb
    scope: Cluster
    namespace: edge
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: external-lb
spec:
  controller: example.com/ingress-controller
  parameters:
    apiGroup: k8s.example.com
    kind: IngressParameters
    name: external-lb
    scope: Namespace
    namespace: edge
```

## References
- IngressClass parameters: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingressclass-scope>
"#
    ),
    spec: &[],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if ctx.kind() != "IngressClass" {
        return;
    }
    let Some(p) = ctx.root().field("spec").and_then(|s| s.field("parameters")) else { return };
    super::backend_resource_invalid::check_reference(&p, sink);
    // Unreachable for v1 input: defaulting sets `scope: Cluster` when it is nil
    // (`SetDefaults_IngressClass`, pkg/apis/networking/v1/defaults.go).
    let Some(scope) = p.field("scope") else {
        sink.required(&p, "scope", formats::required("")).help("set `scope: Cluster` or `scope: Namespace` (with `namespace`)");
        return;
    };
    let v = super::s(&scope);
    let ns = p.field("namespace");
    match v {
        "Namespace" => match &ns {
            None => {
                sink.required(&p, "namespace", formats::required("`parameters.scope` is set to 'Namespace'"))
                    .help("add the namespace the parameters object lives in");
            }
            Some(n) => {
                let nv = super::s(n);
                for m in formats::dns1123_label_msgs(nv) {
                    sink.field_error(n, ErrorType::Invalid, formats::invalid(nv, &m)).help("use a namespace name (DNS-1123 label)");
                }
            }
        },
        "Cluster" => {
            if let Some(n) = &ns {
                sink.field_error_at(
                    n.key_span(),
                    &n.path,
                    ErrorType::Forbidden,
                    formats::forbidden("`parameters.scope` is set to 'Cluster'"),
                )
                .help("remove `namespace`, or set `scope: Namespace` for a namespaced parameters object");
            }
        }
        _ => {
            sink.field_error(&scope, ErrorType::NotSupported, formats::not_supported(v, &["Cluster", "Namespace"]))
                .help("use `Cluster` or `Namespace`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::service::testing::{hits, pairs};

    fn ic(params: &str) -> String {
        format!("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: lb\nspec:\n  controller: example.com/ic\n  parameters:\n{params}")
    }

    #[test]
    fn cases() {
        let r = super::RULE.name;
        let p = "spec.parameters";
        assert_eq!(
            hits(&ic("    kind: P\n    name: x\n    scope: Cluster\n    namespace: edge\n"), r),
            pairs(&[(&format!("{p}.namespace"), "Forbidden")])
        );
        assert_eq!(hits(&ic("    kind: P\n    name: x\n    scope: Namespace\n"), r), pairs(&[(&format!("{p}.namespace"), "Required")]));
        assert_eq!(hits(&ic("    kind: P\n    name: x\n    scope: Global\n"), r), pairs(&[(&format!("{p}.scope"), "NotSupported")]));
        assert_eq!(
            hits(&ic("    apiGroup: k8s.example.com\n"), r),
            pairs(&[(&format!("{p}.kind"), "Required"), (&format!("{p}.name"), "Required")])
        );
        // `scope` defaults to `Cluster` (absent or null), which forbids `namespace`.
        assert!(hits(&ic("    kind: P\n    name: x\n"), r).is_empty());
        assert!(hits(&ic("    kind: P\n    name: x\n    scope: null\n"), r).is_empty());
        assert_eq!(hits(&ic("    kind: P\n    name: x\n    namespace: edge\n"), r), pairs(&[(&format!("{p}.namespace"), "Forbidden")]));
        assert!(hits(&ic("    kind: P\n    name: x\n    scope: Namespace\n    namespace: edge\n"), r).is_empty());
    }
}
