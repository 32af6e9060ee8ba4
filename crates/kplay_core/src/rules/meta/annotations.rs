//! `metadata-annotations-invalid`: annotation keys and total size, of the object and of its pod
//! template (M-09, M-10).

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::meta::labels::template;
use crate::rules::pod::util::invalid_each_at;
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static METADATA_ANNOTATIONS_INVALID: Rule = Rule {
    name: "metadata-annotations-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "An annotation key is not a qualified name, or the annotations exceed 256 KiB.",
    docs: rule_docs!(
        r#"## What it does
Checks the keys of `metadata.annotations` (and of a pod template's annotations): the lower-cased
key must be a qualified name, an optional DNS subdomain prefix and `/` then a name of letters,
digits, `-`, `_` and `.`. All keys and values together may hold at most 262144 bytes.

## Why is this bad?
The API server rejects the object (`metadata.annotations: Invalid value`).

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    my annotation: x
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
  annotations:
    example.com/my-annotation: x
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Annotations: <https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/>
"#
    ),
    spec: &["M-09", "M-10"],
    check: Some(check),
};

/// Checks one annotation map (keys, total size), reporting at `path` (the server's map path).
pub fn check_annotations(sink: &mut Sink<'_>, ann: &Cur<'_>, path: &str) {
    let mut total = 0usize;
    for e in ann.node.as_map().unwrap_or(&[]) {
        let k = e.key.text().unwrap_or("");
        total += k.len() + e.value.text().map_or(0, str::len);
        let key_cur = Cur::new(&e.key, path);
        invalid_each_at(
            sink,
            &key_cur,
            path,
            k,
            formats::annotation_key_msgs(k),
            "use an optional `prefix/` (DNS subdomain) and a name of letters, digits, `-`, `_` and `.`",
        );
    }
    if total > formats::ANNOTATIONS_TOTAL_MAX {
        sink.field_error_at(
            ann.key_span(),
            path,
            ErrorType::TooLong,
            format!("Too long: must have at most {} bytes", formats::ANNOTATIONS_TOTAL_MAX),
        )
        .help("store large data in a ConfigMap instead of annotations");
    }
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if let Some(a) = ctx.root().field("metadata").and_then(|m| m.field("annotations")) {
        check_annotations(sink, &a, "metadata.annotations");
    }
    if let Some(t) = template(ctx) {
        if let Some(a) = t.field("metadata").and_then(|m| m.field("annotations")) {
            check_annotations(sink, &a, &t.child_path("annotations"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "metadata-annotations-invalid";

    #[test]
    fn table() {
        let pod = |l: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n{l}spec:\n  containers:\n  - name: web\n    image: a:1\n")
        };
        assert_eq!(errors_of(R, &pod("    my annotation: x\n")), pairs(&[("metadata.annotations", "Invalid")]));
        assert_eq!(errors_of(R, &pod("    Example.COM/Foo: x\n")), pairs(&[]));
        let big = format!("    a: {}\n", "x".repeat(262_144));
        assert_eq!(errors_of(R, &pod(&big)), pairs(&[("metadata.annotations", "TooLong")]));
    }
}
