//! `metadata-labels-invalid`: label keys and values of the object and of its pod template
//! (M-07, M-08, D-06; the path is the map itself, `spec.template.labels` for templates).

use crate::diagnostic::Severity;
use crate::rules::formats;
use crate::rules::pod::util::invalid_each_at;
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static METADATA_LABELS_INVALID: Rule = Rule {
    name: "metadata-labels-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A label key or value is not valid.",
    docs: rule_docs!(
        r#"## What it does
Checks the keys and values of `metadata.labels` and of a workload's pod template labels. A key is
an optional DNS subdomain prefix and `/`, then a name of at most 63 characters (letters, digits,
`-`, `_`, `.`, starting and ending with a letter or digit). A value is empty or follows the same
name rule. The server reports the whole map (`metadata.labels`, or `spec.template.labels`
without `metadata` for templates), so each broken rule is one error there.

## Why is this bad?
The API server rejects the object; selectors could not match such labels anyway.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    team name: payments
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
  labels:
    team-name: payments
spec:
  containers:
    - name: web
      image: nginx:1.27
```

## References
- Labels and selectors, syntax: <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set>
"#
    ),
    spec: &["M-07", "M-08", "D-06"],
    check: Some(check),
};

/// Checks one label map, reporting at `path` (the server's map path).
pub fn check_labels(sink: &mut Sink<'_>, labels: &Cur<'_>, path: &str) {
    for e in labels.node.as_map().unwrap_or(&[]) {
        let k = e.key.text().unwrap_or("");
        let key_cur = Cur::new(&e.key, path);
        invalid_each_at(
            sink,
            &key_cur,
            path,
            k,
            formats::label_key_msgs(k),
            "use an optional `prefix/` (DNS subdomain) and a name of letters, digits, `-`, `_` and `.` (at most 63)",
        );
        let v = e.value.text().unwrap_or("");
        let val_cur = Cur::new(&e.value, path);
        invalid_each_at(
            sink,
            &val_cur,
            path,
            v,
            formats::label_value_msgs(v),
            "use at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit (or an empty value)",
        );
    }
}

/// The pod template of a workload with the server's path for it; `None` when the server skips
/// the template because the workload's selector cannot be converted.
pub fn template<'a>(ctx: &Ctx<'a>) -> Option<Cur<'a>> {
    if crate::rules::workload::selector::template_skipped(ctx) {
        return None;
    }
    let spec = ctx.root().field("spec")?;
    match ctx.kind() {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "ReplicationController" => spec.field("template"),
        "CronJob" => spec.field("jobTemplate")?.field("spec")?.field("template"),
        _ => None,
    }
}

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    if let Some(l) = ctx.root().field("metadata").and_then(|m| m.field("labels")) {
        check_labels(sink, &l, "metadata.labels");
    }
    if let Some(t) = template(ctx) {
        if let Some(l) = t.field("metadata").and_then(|m| m.field("labels")) {
            check_labels(sink, &l, &t.child_path("labels"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs};
    const R: &str = "metadata-labels-invalid";

    #[test]
    fn table() {
        let pod = |l: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n{l}spec:\n  containers:\n  - name: web\n    image: a:1\n"
            )
        };
        assert_eq!(errors_of(R, &pod("    team name: x\n")), pairs(&[("metadata.labels", "Invalid")]));
        assert_eq!(
            errors_of(R, &pod("    a: -x-\n    example.com/: v\n")),
            pairs(&[("metadata.labels", "Invalid"), ("metadata.labels", "Invalid"), ("metadata.labels", "Invalid")])
        );
        assert_eq!(errors_of(R, &pod("    app.kubernetes.io/name: web\n    empty: ''\n")), pairs(&[]));
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels:\n        app: web\n        team name: payments\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n";
        assert_eq!(errors_of(R, dep), pairs(&[("spec.template.labels", "Invalid")]));
    }
}
