//! `container-port-invalid`: container port names, numbers and protocols (CP-01..CP-06).

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{containers, enum_field, invalid_each};
use crate::rules::{Ctx, Rule, Sink, Stage};

pub static CONTAINER_PORT_INVALID: Rule = Rule {
    name: "container-port-invalid",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "A container port has an invalid name, number or protocol.",
    docs: rule_docs!(
        r#"## What it does
Checks every `ports[]` entry of every container: `name` must be an IANA service name (at most 15
characters of `a-z`, `0-9` and `-`, with at least one letter, no `--`, not starting or ending
with `-`) and unique within the container; `containerPort` is required and must be 1–65535;
a non-zero `hostPort` must be 1–65535; `protocol` must be `TCP`, `UDP` or `SCTP`.

## Why is this bad?
The API server rejects the object. Each broken sub-rule of a port name is its own error, so
`HTTP` yields two (not lowercase, and no lowercase letter).

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
      ports:
        - name: http_web
          containerPort: 70000
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
      ports:
        - name: http-web
          containerPort: 8080
```

## References
- ContainerPort: <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports>
"#
    ),
    spec: &["CP-01", "CP-02", "CP-03", "CP-04", "CP-05", "CP-06"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    for (_, c) in containers(&spec) {
        let Some(ports) = c.field("ports") else { continue };
        let mut names: HashSet<&str> = HashSet::new();
        for (_, p) in ports.items() {
            if let Some(n) = p.field("name") {
                let v = n.text().unwrap_or("");
                if !v.is_empty() {
                    let msgs = formats::port_name_msgs(v);
                    if !msgs.is_empty() {
                        invalid_each(
                            sink,
                            &n,
                            v,
                            msgs,
                            "use at most 15 characters of a-z, 0-9 and single hyphens, with at least one letter",
                        );
                    } else if !names.insert(v) {
                        sink.field_error(&n, ErrorType::Duplicate, formats::duplicate(v))
                            .help("give each port of the container its own name");
                    }
                }
            }
            match p.field("containerPort").map(|cp| (cp.i64().unwrap_or(0), cp)) {
                None | Some((0, _)) => {
                    let parent = p.clone();
                    match p.field("containerPort") {
                        Some(cp) => sink.field_error(&cp, ErrorType::Required, formats::required("")),
                        None => sink.required(&parent, "containerPort", formats::required("")),
                    }
                    .help("set `containerPort` to the port the process listens on (1-65535)");
                }
                Some((n, cp)) => {
                    for m in formats::port_num_msgs(n) {
                        sink.field_error(&cp, ErrorType::Invalid, formats::invalid_num(n, &m)).help("use a port between 1 and 65535");
                    }
                }
            }
            if let Some(hp) = p.field("hostPort") {
                let n = hp.i64().unwrap_or(0);
                if n != 0 {
                    for m in formats::port_num_msgs(n) {
                        sink.field_error(&hp, ErrorType::Invalid, formats::invalid_num(n, &m))
                            .help("use a host port between 1 and 65535, or omit it");
                    }
                }
            }
            enum_field(sink, &p, "protocol", &["SCTP", "TCP", "UDP"], true);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "container-port-invalid";

    #[test]
    fn table() {
        let c = |ports: &str| pod_with(&format!("  containers:\n  - name: web\n    image: a:1\n    ports:\n{ports}"));
        assert_eq!(
            errors_of(R, &c("    - name: http_web\n      containerPort: 80\n")),
            pairs(&[("spec.containers[0].ports[0].name", "Invalid")])
        );
        assert_eq!(
            errors_of(R, &c("    - name: HTTP\n      containerPort: 80\n")),
            pairs(&[("spec.containers[0].ports[0].name", "Invalid"), ("spec.containers[0].ports[0].name", "Invalid")])
        );
        assert_eq!(errors_of(R, &c("    - containerPort: 70000\n")), pairs(&[("spec.containers[0].ports[0].containerPort", "Invalid")]));
        assert_eq!(errors_of(R, &c("    - name: http\n")), pairs(&[("spec.containers[0].ports[0].containerPort", "Required")]));
        assert_eq!(
            errors_of(R, &c("    - name: a\n      containerPort: 80\n      protocol: tcp\n    - name: a\n      containerPort: 81\n      hostPort: -1\n")),
            pairs(&[
                ("spec.containers[0].ports[0].protocol", "NotSupported"),
                ("spec.containers[0].ports[1].hostPort", "Invalid"),
                ("spec.containers[0].ports[1].name", "Duplicate")
            ])
        );
    }
}
