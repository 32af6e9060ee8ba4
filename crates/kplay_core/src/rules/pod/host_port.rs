//! `host-port-conflict`: the same host port used twice, or a host port that differs from the
//! container port under `hostNetwork` (C-24, P-35).

use std::collections::HashSet;

use crate::diagnostic::{ErrorType, Severity};
use crate::rules::formats;
use crate::rules::pod::util::{containers, ContainerKind};
use crate::rules::{Ctx, Cur, Rule, Sink, Stage};

pub static HOST_PORT_CONFLICT: Rule = Rule {
    name: "host-port-conflict",
    severity: Severity::Error,
    stage: Stage::Validation,
    summary: "Two container ports claim the same host port, or a host port differs from its container port under `hostNetwork`.",
    docs: rule_docs!(
        r#"## What it does
Finds `hostPort`s used twice with the same protocol and `hostIP` across the regular containers of
a pod (init containers are checked one container at a time), and, with `hostNetwork: true`, host
ports of regular containers that differ from their `containerPort` (the server does not check
init containers' ports against `hostNetwork`). In a bare Pod a missing host port is first
defaulted to the container port; in a template a missing host port is tolerated.

## Why is this bad?
The API server rejects the pod: one node port can only be bound once, and with the host's
network the container port *is* the host port.

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
        - containerPort: 80
          hostPort: 8080
    - name: admin
      image: nginx:1.27
      ports:
        - containerPort: 9090
          hostPort: 8080
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
        - containerPort: 80
          hostPort: 8080
    - name: admin
      image: nginx:1.27
      ports:
        - containerPort: 9090
          hostPort: 8081
```

## References
- Configuration best practices, hostPort: <https://kubernetes.io/docs/concepts/configuration/overview/>
"#
    ),
    spec: &["C-24", "P-35"],
    check: Some(check),
};

fn check(ctx: &Ctx<'_>, sink: &mut Sink<'_>) {
    let Some(spec) = crate::rules::pod::util::pod_spec(ctx) else { return };
    let all = containers(&spec);
    let mut regular: HashSet<String> = HashSet::new();
    for (kind, c) in &all {
        match kind {
            ContainerKind::Regular => unique_host_ports(sink, c, &c.path, &mut regular),
            // `validateInitContainers` checks each init container alone,
            // `checkHostPortConflicts([]core.Container{ctr}, fldPath)`: the path's index is that
            // one-element list's, so always `initContainers[0]`.
            ContainerKind::Init => unique_host_ports(sink, c, &spec.child_path("initContainers[0]"), &mut HashSet::new()),
            ContainerKind::Ephemeral => {}
        }
    }
    if spec.field("hostNetwork").and_then(|h| h.bool()) == Some(true) {
        // `validatePodHostNetworkDeps` loops over `spec.Containers` only.
        for (kind, c) in &all {
            if *kind != ContainerKind::Regular {
                continue;
            }
            let Some(ports) = c.field("ports") else { continue };
            for (_, p) in ports.items() {
                let cp = p.field("containerPort").and_then(|v| v.i64()).unwrap_or(0);
                let hp_cur = p.field("hostPort");
                let hp = hp_cur.as_ref().and_then(Cur::i64).unwrap_or(0);
                // Templates tolerate hostPort 0; Pods had it defaulted to containerPort already.
                if hp != cp && (hp != 0 || !ctx.is_template()) {
                    let msg = formats::invalid_num(hp, "must match `containerPort` when `hostNetwork` is true");
                    let d = match &hp_cur {
                        Some(h) => sink.field_error(h, ErrorType::Invalid, msg),
                        None => sink.field_error_at(p.span(), &p.child_path("hostPort"), ErrorType::Invalid, msg),
                    };
                    d.help(format!("with `hostNetwork: true` set `hostPort: {cp}` or remove it"));
                }
            }
        }
    }
}

/// `AccumulateUniqueHostPorts`: key `protocol/hostIP/hostPort`; `path` is the container's path as
/// the server builds it.
fn unique_host_ports(sink: &mut Sink<'_>, c: &Cur<'_>, path: &str, seen: &mut HashSet<String>) {
    let Some(ports) = c.field("ports") else { return };
    for (pi, p) in ports.items() {
        let Some(hp) = p.field("hostPort") else { continue };
        let port = hp.i64().unwrap_or(0);
        if port == 0 {
            continue;
        }
        let proto = p.field("protocol").and_then(|v| v.text().map(str::to_string)).unwrap_or_default();
        let ip = p.field("hostIP").and_then(|v| v.text().map(str::to_string)).unwrap_or_default();
        let key = format!("{proto}/{ip}/{port}");
        if !seen.insert(key.clone()) {
            let d = sink.field_error_at(hp.span(), &format!("{path}.ports[{pi}].hostPort"), ErrorType::Duplicate, formats::duplicate(&key));
            if path == c.path {
                d.help("use a different host port, protocol or hostIP for each port");
            } else {
                d.help(format!(
                    "use a different host port, protocol or hostIP for each port of the init container (the API server names it `{path}` here, whichever init container it is)"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::pod::util::{errors_of, pairs, pod_with};
    const R: &str = "host-port-conflict";

    #[test]
    fn table() {
        let y = pod_with("  containers:\n  - name: web\n    image: a:1\n    ports:\n    - containerPort: 80\n      hostPort: 8080\n  - name: admin\n    image: a:1\n    ports:\n    - containerPort: 90\n      hostPort: 8080\n");
        assert_eq!(errors_of(R, &y), pairs(&[("spec.containers[1].ports[0].hostPort", "Duplicate")]));
        let y = pod_with("  hostNetwork: true\n  containers:\n  - name: web\n    image: a:1\n    ports:\n    - containerPort: 80\n    - containerPort: 81\n      hostPort: 82\n");
        assert_eq!(errors_of(R, &y), pairs(&[("spec.containers[0].ports[1].hostPort", "Invalid")]));
        // Init containers are not checked against `hostNetwork`.
        let y = pod_with("  hostNetwork: true\n  initContainers:\n  - name: init\n    image: a:1\n    ports:\n    - containerPort: 80\n      hostPort: 81\n  containers:\n  - name: web\n    image: a:1\n");
        assert_eq!(errors_of(R, &y), pairs(&[]));
        // Each init container is checked alone, as a one-element list: the server's path says
        // `initContainers[0]` whichever init container it is.
        let y = pod_with("  initContainers:\n  - name: i0\n    image: a:1\n  - name: i1\n    image: a:1\n    ports:\n    - containerPort: 80\n      hostPort: 9090\n    - containerPort: 81\n      hostPort: 9090\n  containers:\n  - name: web\n    image: a:1\n    ports:\n    - containerPort: 80\n      hostPort: 9090\n");
        assert_eq!(errors_of(R, &y), pairs(&[("spec.initContainers[0].ports[1].hostPort", "Duplicate")]));
        let y = pod_with("  containers:\n  - name: web\n    image: a:1\n    ports:\n    - containerPort: 80\n      hostPort: 8080\n      protocol: UDP\n    - containerPort: 80\n      hostPort: 8080\n");
        assert_eq!(errors_of(R, &y), pairs(&[]));
    }
}
