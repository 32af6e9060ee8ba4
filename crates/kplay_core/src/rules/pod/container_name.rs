//! `container-name-invalid`: container names missing, not DNS-1123 labels, or repeated (C-01..C-04).

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{containers, invalid_each, ContainerKind};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static CONTAINER_NAME_INVALID: Rule = Rule {
    name: "container-name-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A container name is missing, not a DNS-1123 label, or used twice in the pod.",
    docs: rule_docs!(
        r#"## What it does
Checks `name` of every container, init container and ephemeral container: it is required, must be
a lowercase RFC 1123 label (at most 63 characters of `a-z`, `0-9` and `-`), and must be unique
among the pod's containers (init containers may not reuse a regular container's name).

## Why is this bad?
The API server rejects the pod (`spec.containers[1].name: Duplicate value`). Names identify
containers in `kubectl logs -c`, in status and in metrics.

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
    - name: web
      image: busybox:1.36
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
    - name: helper
      image: busybox:1.36
```

## References
- Pod spec, containers: <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container>
"#
    ),
    spec: &["C-01", "C-02", "C-03", "C-04"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let all = containers(&spec);
    // Init and ephemeral containers are compared against every regular container name.
    // A missing name is "" to the server, and "" takes part in the regular and init duplicate
    // checks (`allNames.Has("")`): a second unnamed container is also a Duplicate.
    let regular: HashSet<&str> = all
        .iter()
        .filter(|(k, _)| *k == ContainerKind::Regular)
        .map(|(_, c)| c.field("name").and_then(|n| n.text()).unwrap_or(""))
        .collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut seen_init: HashSet<&str> = HashSet::new();
    let mut seen_all: HashSet<&str> = HashSet::new();
    for (kind, c) in &all {
        let Some(n) = c.field("name").filter(|n| !n.text().unwrap_or("").is_empty()) else {
            sink.required(c, "name", formats::required("")).help("give the container a `name` (a DNS-1123 label such as `web`)");
            let dup = match kind {
                ContainerKind::Regular => !seen.insert(""),
                ContainerKind::Init => regular.contains(""),
                ContainerKind::Ephemeral => false,
            };
            if dup {
                sink.field_error_at(c.key_span(), &c.child_path("name"), ErrorType::Duplicate, formats::duplicate(""))
                    .help("give every container of the pod its own name");
            }
            continue;
        };
        let v = n.text().unwrap_or("");
        let msgs = formats::dns1123_label_msgs(v);
        invalid_each(sink, &n, v, msgs, "use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit");
        let dup = match kind {
            ContainerKind::Regular => !seen.insert(v),
            ContainerKind::Init => regular.contains(v) || !seen_init.insert(v),
            ContainerKind::Ephemeral => regular.contains(v) || seen_init.contains(v) || !seen_all.insert(v),
        };
        if *kind == ContainerKind::Init {
            seen_all.insert(v);
        }
        if dup {
            sink.field_error(&n, ErrorType::Duplicate, formats::duplicate(v)).help("give every container of the pod its own name");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "container-name-invalid";

    #[test]
    fn table() {
        let y = pod_with("  containers:\n  - name: web\n    image: a:1\n  - name: web\n    image: b:1\n  initContainers:\n  - name: web\n    image: c:1\n  - image: d:1\n");
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                ("spec.containers[1].name", "Duplicate"),
                ("spec.initContainers[0].name", "Duplicate"),
                ("spec.initContainers[1].name", "Required")
            ])
        );
        // Unnamed containers: Required, and Duplicate "" for a second unnamed regular container
        // and for an unnamed init container when a regular one is unnamed.
        let y = pod_with("  containers:\n  - image: a:1\n  - image: b:1\n  initContainers:\n  - image: c:1\n");
        assert_eq!(
            errors_of(R, &y),
            pairs(&[
                ("spec.containers[0].name", "Required"),
                ("spec.containers[1].name", "Duplicate"),
                ("spec.containers[1].name", "Required"),
                ("spec.initContainers[0].name", "Duplicate"),
                ("spec.initContainers[0].name", "Required")
            ])
        );
        let y = pod_with("  containers:\n  - name: Web_1\n    image: a:1\n");
        assert_eq!(errors_of(R, &y), pairs(&[("spec.containers[0].name", "Invalid")]));
    }
}
