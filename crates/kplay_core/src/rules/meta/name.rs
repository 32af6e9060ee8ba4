//! `metadata-name-invalid`: `metadata.name` / `generateName` per the kind's name function
//! (M-01, M-02, M-03; for Services also S-01).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats::{self, NameFn};
use crate::rules::pod::util::invalid_each;
use crate::rules::{Ctx, Rule, Sink, Stage};
use crate::version::KubeVersion;

pub static METADATA_NAME_INVALID: Rule = Rule {
    name: "metadata-name-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`metadata.name` (or `generateName`) is missing or not a valid name for this kind.",
    docs: rule_docs!(
        r#"## What it does
Checks `metadata.name` with the kind's name rule: Pods, workloads, Ingresses and most kinds use a
DNS-1123 subdomain (lowercase, digits, `-` and `.`, at most 253 characters); Namespaces and
StatefulSets (whose pods are named and host-named `<name>-<ordinal>`) use a DNS-1123 label (no
dots, at most 63); Services use a DNS-1035 label (must start with a letter; from Kubernetes 1.36
a DNS-1123 label). A `generateName` is checked in prefix mode (a trailing
`-` is fine) and the generated name is checked too. CronJob names are limited to 52 characters.

## Why is this bad?
The API server rejects the object (`metadata.name: Invalid value`).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: Web_Pod
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
  name: web-pod
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Object names and IDs: <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/>
"#
    ),
    spec: &["M-01", "M-02", "M-03", "S-01"],
    check: Some(check),
};

/// The name function of `kind` (`ValidateObjectMeta`'s `nameFn`).
pub fn name_fn(kind: &str, v: KubeVersion) -> NameFn {
    match kind {
        // RelaxedServiceNameValidation is on from 1.36.
        "Service" if v.at_least(36) => NameFn::Dns1123Label,
        "Service" => NameFn::Dns1035Label,
        "Namespace" => NameFn::Dns1123Label,
        // `ValidateStatefulSetName` is `NameIsDNSLabel` since 1.26 (kubernetes/kubernetes#114172):
        // the pods' host names `<name>-<ordinal>` are labels.
        "StatefulSet" => NameFn::Dns1123Label,
        _ => NameFn::Dns1123Subdomain,
    }
}

fn help(f: NameFn) -> &'static str {
    match f {
        NameFn::Dns1123Subdomain => "use lowercase letters, digits, `-` and `.`, starting and ending with a letter or digit (at most 253)",
        NameFn::Dns1123Label => "use lowercase letters, digits and `-`, starting and ending with a letter or digit (at most 63, no dots)",
        NameFn::Dns1035Label => {
            "use lowercase letters, digits and `-`, starting with a letter and ending with a letter or digit (at most 63, no dots)"
        }
    }
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let root = ctx.root();
    let Some(meta) = root.field("metadata") else {
        sink.required(&root, "metadata", formats::required("name or generateName is required")).help("add `metadata:` with a `name`");
        return;
    };
    let f = name_fn(ctx.kind(), ctx.opts.kube_version);
    let name = meta.field("name").filter(|n| !n.text().unwrap_or("").is_empty());
    let gen = meta.field("generateName").filter(|n| !n.text().unwrap_or("").is_empty());
    match (name, gen) {
        (Some(n), g) => {
            // `ValidateObjectMetaAccessor` checks a non-empty generateName whether or not a
            // name is set.
            if let Some(g) = g {
                let v = g.text().unwrap_or("");
                invalid_each(sink, &g, v, f.msgs(v, true), help(f));
            }
            let v = n.text().unwrap_or("");
            invalid_each(sink, &n, v, f.msgs(v, false), help(f));
            if ctx.kind() == "CronJob" && v.len() > 52 {
                sink.field_error(&n, ErrorType::Invalid, formats::invalid(v, "must be no more than 52 characters"))
                    .help("CronJob names are at most 52 characters: the controller appends 11 characters for its Jobs");
            }
        }
        (None, Some(g)) => {
            let v = g.text().unwrap_or("");
            invalid_each(sink, &g, v, f.msgs(v, true), help(f));
            // The server validates the generated name (prefix cut to 58 + 5 random chars) too.
            let cut = v.char_indices().nth(58).map_or(v, |(i, _)| &v[..i]);
            let generated = format!("{cut}bcdfg");
            let path = meta.child_path("name");
            for m in f.msgs(&generated, false) {
                sink.field_error_at(g.span(), &path, ErrorType::Invalid, formats::invalid(&generated, &m)).help(help(f));
            }
        }
        (None, None) => {
            sink.required(&meta, "name", formats::required("name or generateName is required")).help("add `name:` under `metadata`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, errors_of_version, pairs};
    use crate::KubeVersion;
    const R: &str = "metadata-name-invalid";

    fn pod(meta: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata:\n{meta}spec:\n  containers:\n  - name: web\n    image: a:1\n")
    }

    #[test]
    fn table() {
        assert_eq!(errors_of(R, &pod("  name: Web_Pod\n")), pairs(&[("metadata.name", "Invalid")]));
        assert_eq!(errors_of(R, &pod("  name: web.pod\n")), pairs(&[]));
        assert_eq!(errors_of(R, &pod("  generateName: worker-\n")), pairs(&[]));
        assert_eq!(
            errors_of(R, &pod("  generateName: Worker-\n")),
            pairs(&[("metadata.generateName", "Invalid"), ("metadata.name", "Invalid")])
        );
        assert_eq!(errors_of(R, &pod("  name: ok\n  generateName: Bad_\n")), pairs(&[("metadata.generateName", "Invalid")]));
        assert_eq!(errors_of(R, &pod("  labels: {a: b}\n")), pairs(&[("metadata.name", "Required")]));
        let svc = |n: &str| format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {n}\nspec:\n  ports:\n  - port: 80\n");
        assert_eq!(errors_of(R, &svc("1web")), pairs(&[("metadata.name", "Invalid")]));
        assert_eq!(errors_of_version(R, &svc("1web"), KubeVersion::new(36)), pairs(&[]));
        assert_eq!(errors_of(R, &svc("web.svc")), pairs(&[("metadata.name", "Invalid")]));
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop.prod\n";
        assert_eq!(errors_of(R, ns), pairs(&[("metadata.name", "Invalid")]));
    }
}
