//! `metadata-invalid`: generation, ownerReferences and finalizers (M-06, M-11, M-12).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::invalid_each_at;
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static METADATA_INVALID: Rule = Rule {
    name: "metadata-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "`metadata.generation`, `ownerReferences` or `finalizers` hold values the API server refuses.",
    docs: rule_docs!(
        r#"## What it does
Checks the rarer metadata fields: `generation` may not be negative; every owner reference needs
`apiVersion` (with a version), `kind`, `name` and `uid`, and at most one may be the controller;
finalizers must be qualified names, unqualified ones only `kubernetes`, `orphan` or
`foregroundDeletion`, and `orphan` and `foregroundDeletion` exclude each other. The server
reports owner-reference errors without an index (`metadata.ownerReferences.uid`).

## Why is this bad?
The API server rejects the object.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  finalizers:
    - cleanup
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
  finalizers:
    - example.com/cleanup
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Finalizers: <https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/>
- Owners and dependents: <https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/>
"#
    ),
    spec: &["M-06", "M-11", "M-12"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(meta) = ctx.root().field("metadata") else { return };
    if let Some(g) = meta.field("generation") {
        if let Some(n) = g.i64().filter(|n| *n < 0) {
            sink.field_error(&g, ErrorType::Invalid, formats::invalid_num(n, "must be greater than or equal to 0"))
                .help("remove `generation`: the server maintains it");
        }
    }
    if let Some(refs) = meta.field("ownerReferences") {
        let path = refs.path.clone();
        let mut first_controller: Option<String> = None;
        for (_, r) in refs.items() {
            let text = |k: &str| r.field(k).and_then(|c| c.text().map(str::to_string)).unwrap_or_default();
            let api = text("apiVersion");
            let version = api.rsplit_once('/').map_or(api.as_str(), |(_, v)| v);
            let checks = [
                ("apiVersion", version.is_empty(), api.clone(), "version must not be empty"),
                ("kind", text("kind").is_empty(), text("kind"), "must not be empty"),
                ("name", text("name").is_empty(), text("name"), "must not be empty"),
                ("uid", text("uid").is_empty(), text("uid"), "must not be empty"),
            ];
            for (field, bad, value, msg) in checks {
                if bad {
                    let span = r.field(field).map_or(r.span(), |c| c.span());
                    sink.field_error_at(span, &format!("{path}.{field}"), ErrorType::Invalid, formats::invalid(&value, msg))
                        .help("owner references need apiVersion, kind, name and uid of an existing object");
                }
            }
            if r.field("controller").and_then(|c| c.bool()) == Some(true) {
                let cur = format!("{}/{}", text("kind"), text("name"));
                if let Some(first) = &first_controller {
                    sink.field_error_at(
                        r.span(),
                        &path,
                        ErrorType::Invalid,
                        format!("Invalid value: Only one reference can have Controller set to true. Found \"true\" in references for {first} and {cur}"),
                    )
                    .help("set `controller: true` on one owner reference only");
                } else {
                    first_controller = Some(cur);
                }
            }
        }
    }
    if let Some(fins) = meta.field("finalizers") {
        let (mut orphan, mut foreground) = (false, false);
        for (_, f) in fins.items() {
            let v = f.text().unwrap_or("");
            invalid_each_at(sink, &f, &fins.path, v, formats::qualified_name_msgs(v), "use a qualified name such as `example.com/cleanup`");
            if !v.contains('/') && !matches!(v, "kubernetes" | "orphan" | "foregroundDeletion") {
                sink.field_error(
                    &f,
                    ErrorType::Invalid,
                    formats::invalid(v, "name is neither a standard finalizer name nor is it fully qualified"),
                )
                .help(format!("qualify the finalizer with a domain, e.g. `example.com/{v}`"));
            }
            orphan |= v == "orphan";
            foreground |= v == "foregroundDeletion";
        }
        if orphan && foreground {
            sink.field_error(&fins, ErrorType::Invalid, "Invalid value: finalizer orphan and foregroundDeletion cannot be both set")
                .help("keep only one of `orphan` and `foregroundDeletion`");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "metadata-invalid";

    #[test]
    fn table() {
        let pod = |m: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n{m}spec:\n  containers:\n  - name: web\n    image: a:1\n")
        };
        assert_eq!(errors_of(R, &pod("  finalizers:\n  - cleanup\n")), pairs(&[("metadata.finalizers[0]", "Invalid")]));
        assert_eq!(errors_of(R, &pod("  finalizers:\n  - orphan\n  - foregroundDeletion\n")), pairs(&[("metadata.finalizers", "Invalid")]));
        assert_eq!(
            errors_of(R, &pod("  ownerReferences:\n  - apiVersion: apps/v1\n    kind: ReplicaSet\n    name: web\n")),
            pairs(&[("metadata.ownerReferences.uid", "Invalid")])
        );
        assert_eq!(errors_of(R, &pod("  generation: -1\n")), pairs(&[("metadata.generation", "Invalid")]));
    }
}
