//! `target-port-not-declared`: a numeric targetPort no selected container declares (advice).

use std::collections::BTreeMap;

use super::{user_services, Cx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::typed::IntOrString;
use crate::rules::{Rule, Stage};

pub static TARGET_PORT_NOT_DECLARED: Rule = Rule {
    name: "target-port-not-declared",
    severity: Severity::Info,
    stage: Stage::Cluster,
    summary: "A numeric `targetPort` is not declared as a `containerPort` by the pods the Service selects (legal; worth a look).",
    docs: rule_docs!(
        r#"## What it does
For a Service port with a numeric `targetPort`, checks whether the selected pods declare that
port number (with the Service port's protocol) in `containers[].ports`. It is only advice: a
numeric targetPort needs no declaration, and traffic reaches whatever listens on that port.

## Why is this bad?
It is not wrong. But the declaration documents what the container listens on, and a mismatch
between `targetPort` and the port the app really listens on is a frequent cause of refused
connections that no check can see. Declaring it also lets you use a named targetPort.

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
      targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.27
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
      targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports:
        - containerPort: 8080
```

## References
- Container ports: <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports>
"#
    ),
    spec: &["routing-semantics §1.4"],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for svc in user_services(cx.cluster) {
        let Some(sel) = &svc.selector else { continue };
        let pods = cx.cluster.select_pods(&svc.namespace, sel);
        let mut origins: BTreeMap<usize, usize> = BTreeMap::new();
        for &p in &pods {
            origins.entry(cx.cluster.pods[p].origin.object).or_insert(p);
        }
        if origins.is_empty() {
            continue;
        }
        for sp in &svc.ports {
            let IntOrString::Int(n) = sp.spec.target_port else { continue };
            let proto = &sp.spec.protocol;
            if origins.values().any(|&p| cx.cluster.pods[p].spec.declares_number(n, proto)) {
                continue;
            }
            let first = &cx.cluster.pods[*origins.values().next().unwrap_or(&pods[0])];
            let span = first.spec.containers.first().map_or(first.origin.head, |c| c.span);
            let mut d = cx
                .diag(
                    &TARGET_PORT_NOT_DECLARED,
                    &svc.spec.origin,
                    sp.spec.target_port_span,
                    format!(
                        "no container of the pods Service `{}` selects declares port {n}/{proto}; that is legal, so make sure the app listens on {n}",
                        svc.name
                    ),
                )
                .with_help(format!("declare `- containerPort: {n}` (with a `name`, to use it as a named targetPort) in the container that listens on it"));
            // A built-in workload's pods (the user's kube-dns selects kplay's CoreDNS) have no
            // place in the user's files to point at.
            if !first.origin.is_builtin() {
                d = d.with_secondary(first.origin.file, span, format!("no `containerPort: {n}` here"));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;

    #[test]
    fn numeric_target_ports_are_advice_only() {
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: 8080\n";
        let pod = |ports: &str| {
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n{ports}")
        };
        let run = |p: &str| {
            let (c, _) = sim_with(&[svc, p], &crate::Options::default());
            let eps: usize = c.slices_of("default", "web").map(|s| s.endpoints.len()).sum();
            (c.diagnostics.iter().filter(|d| d.rule == super::TARGET_PORT_NOT_DECLARED.name).count(), eps)
        };
        assert_eq!(run(&pod("")), (1, 1), "reported, and still an endpoint");
        assert_eq!(run(&pod("      ports:\n        - containerPort: 8080\n")), (0, 1));
        assert_eq!(run(&pod("      ports:\n        - containerPort: 8080\n          protocol: UDP\n")), (1, 1));
    }

    #[test]
    fn built_in_pods_get_no_label_in_the_users_file() {
        // The user's kube-dns replaces the built-in one and selects kplay's CoreDNS pods (fuzzer).
        let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: kube-dns\n  namespace: kube-system\nspec:\n  selector:\n    k8s-app: kube-dns\n  ports:\n    - name: dns\n      port: 26\n      protocol: UDP\n";
        let (c, _) = sim_with(&[svc], &crate::Options::default());
        let d: Vec<_> = c.diagnostics.iter().filter(|d| d.rule == super::TARGET_PORT_NOT_DECLARED.name).collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].secondary.iter().all(|l| l.span.end as usize <= svc.len()), "{d:#?}");
        // A named targetPort the CoreDNS pods do not declare (`target-port-not-found`): the same.
        let named = svc.replace("      protocol: UDP\n", "      protocol: UDP\n      targetPort: nope\n");
        let (c, _) = sim_with(&[&named], &crate::Options::default());
        let d: Vec<_> = c.diagnostics.iter().filter(|d| d.rule == "target-port-not-found").collect();
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].secondary.iter().all(|l| l.span.end as usize <= named.len()), "{d:#?}");
    }
}
