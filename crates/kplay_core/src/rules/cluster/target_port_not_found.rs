//! `target-port-not-found`: a named targetPort that selected pods do not declare.

use std::collections::BTreeMap;

use super::{user_services, Cx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::typed::IntOrString;
use crate::rules::{Rule, Stage};

pub static TARGET_PORT_NOT_FOUND: Rule = Rule {
    name: "target-port-not-found",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A Service's named `targetPort` is not declared (with that protocol) by the pods it selects.",
    docs: rule_docs!(
        r#"## What it does
For a Service port whose `targetPort` is a name, looks the name up in each selected pod's
containers (and sidecar init containers) the way the EndpointSlice controller does (`FindPort`):
the container port must have that `name` **and** the Service port's `protocol`.

## Why is this bad?
A pod that lacks the named port is left out of the endpoints for that Service port (it stays an
endpoint for the others, in a separate EndpointSlice). When no pod declares it, the port has no
endpoints and connections to it are refused. A `dns` port declared as UDP does not serve a TCP
Service port.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: web
              containerPort: 8080
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
```

## References
- Defining a Service (named ports): <https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports>
- `FindPort` in `pkg/api/v1/pod/util.go` (kubernetes/kubernetes)
"#
    ),
    spec: &["routing-semantics §1.4"],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for svc in user_services(cx.cluster) {
        let Some(sel) = &svc.selector else { continue };
        let pods = cx.cluster.select_pods(&svc.namespace, sel);
        if pods.is_empty() {
            continue;
        }
        // One representative pod per origin (workload template or bare Pod).
        let mut origins: BTreeMap<usize, usize> = BTreeMap::new();
        for &p in &pods {
            origins.entry(cx.cluster.pods[p].origin.object).or_insert(p);
        }
        for sp in &svc.ports {
            let IntOrString::Str(name) = &sp.spec.target_port else { continue };
            let proto = &sp.spec.protocol;
            let lacking: Vec<usize> =
                origins.values().copied().filter(|&p| cx.cluster.pods[p].spec.find_port(name, proto).is_none()).collect();
            if lacking.is_empty() {
                continue;
            }
            let all = lacking.len() == origins.len();
            let what = if all { "none of the pods it selects declares" } else { "some of the pods it selects do not declare" };
            let effect = if all {
                format!("port {} gets no endpoints and connections to it are refused", sp.spec.port)
            } else {
                "those pods are left out of this port's endpoints".to_string()
            };
            let mut d = cx.diag(
                &TARGET_PORT_NOT_FOUND,
                &svc.spec.origin,
                sp.spec.target_port_span,
                format!(
                    "Service `{}` targets the port named `{name}` ({proto}), but {what} a {proto} container port named `{name}`: {effect}",
                    svc.name
                ),
            );
            for &p in lacking.iter().take(3) {
                let pod = &cx.cluster.pods[p];
                let owner = pod.workload.map_or(format!("pod/{}", pod.name), |w| {
                    let w = &cx.cluster.workloads[w];
                    format!("{}/{}", w.kind.to_ascii_lowercase(), w.name)
                });
                let same_name = pod.spec.all_ports().find(|cp| cp.name.as_deref() == Some(name.as_str()));
                let (span, msg) = match same_name {
                    Some(cp) => (cp.span, format!("{owner} declares `{name}` as {}/{}, not {proto}", cp.container_port, cp.protocol)),
                    None => {
                        let declared: Vec<String> = pod
                            .spec
                            .all_ports()
                            .map(|cp| {
                                format!(
                                    "{}{}/{}",
                                    cp.name.as_ref().map(|n| format!("{n}=")).unwrap_or_default(),
                                    cp.container_port,
                                    cp.protocol
                                )
                            })
                            .collect();
                        let span = pod.spec.containers.first().map_or(pod.origin.head, |c| c.span);
                        let list = if declared.is_empty() { "no ports".to_string() } else { declared.join(", ") };
                        (span, format!("the containers of {owner} declare {list}"))
                    }
                };
                // Built-in pods (kplay's CoreDNS, selected by a user's kube-dns) have no place
                // in the user's files.
                if !pod.origin.is_builtin() {
                    d = d.with_secondary(pod.origin.file, span, msg);
                }
            }
            d = d.with_help(format!(
                "name the container port `{name}` (protocol {proto}) in the pod template, or use the port number as `targetPort`"
            ));
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;

    fn hits(texts: &[&str]) -> Vec<crate::Diagnostic> {
        sim_with(texts, &crate::Options::default())
            .0
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == super::TARGET_PORT_NOT_FOUND.name)
            .collect()
    }

    fn pair(proto_svc: &str, name_pod: &str, proto_pod: &str) -> [String; 2] {
        [
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  selector:\n    app: dns\n  ports:\n    - name: dns\n      port: 53\n      protocol: {proto_svc}\n      targetPort: dns\n"),
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: dns\n  labels:\n    app: dns\nspec:\n  containers:\n    - name: c\n      image: coredns:1.11\n      ports:\n        - name: {name_pod}\n          containerPort: 53\n          protocol: {proto_pod}\n"),
        ]
    }

    #[test]
    fn name_and_protocol_must_both_match() {
        let [s, p] = pair("UDP", "dns", "TCP");
        let h = hits(&[&s, &p]);
        assert_eq!(h.len(), 1);
        assert!(h[0].secondary[0].message.contains("declares `dns` as 53/TCP, not UDP"), "{:?}", h[0].secondary);
        let [s, p] = pair("UDP", "dns", "UDP");
        assert!(hits(&[&s, &p]).is_empty());
        let [s, p] = pair("TCP", "domain", "TCP");
        assert_eq!(hits(&[&s, &p]).len(), 1);
    }
}
