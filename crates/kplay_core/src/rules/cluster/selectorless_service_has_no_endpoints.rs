//! `selectorless-service-has-no-endpoints`: a Service with no selector and no EndpointSlice.

use super::{user_services, Cx};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, Stage};

pub static SELECTORLESS_SERVICE_HAS_NO_ENDPOINTS: Rule = Rule {
    name: "selectorless-service-has-no-endpoints",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A Service has no `selector` and no EndpointSlice names it, so it has no endpoints.",
    docs: rule_docs!(
        r#"## What it does
Finds Services without a `selector` (or with an empty one) for which no EndpointSlice labelled
`kubernetes.io/service-name: <service>` exists in the namespace. The EndpointSlice controller
manages nothing for such a Service: its endpoints must come from slices someone else writes, or
from a v1 `Endpoints` object of the Service's name, which the EndpointSlice mirroring controller
copies into slices (kplay simulates it: see docs/cluster.md).

## Why is this bad?
The Service never gets endpoints, so kube-proxy rejects every connection to its ClusterIP
("connection refused") and DNS for a headless one answers nothing. A Service does not "map" to
a Pod by being applied next to it: it selects pods by their labels.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  type: ClusterIP
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
spec:
  containers:
    - name: my-container
      image: my-image:1.0
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  type: ClusterIP
  selector:
    app: my-app
  ports:
    - name: http
      port: 80
      targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: my-pod
  labels:
    app: my-app
spec:
  containers:
    - name: my-container
      image: my-image:1.0
      ports:
        - containerPort: 8080
```

## References
- Services without selectors: <https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors>
- EndpointSlices: <https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/>
"#
    ),
    spec: &["routing-semantics §1.1"],
    check: None,
};

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    let candidates = cx.candidates();
    let mut by_ns: std::collections::HashMap<&str, Vec<&super::Candidate<'_>>> = std::collections::HashMap::new();
    for c in &candidates {
        by_ns.entry(c.namespace).or_default().push(c);
    }
    for svc in user_services(cx.cluster) {
        if svc.type_ == "ExternalName" || svc.selector.is_some() || cx.cluster.slices_of(&svc.namespace, &svc.name).next().is_some() {
            continue;
        }
        let v = &svc.spec;
        let target = match (svc.cluster_ips.first(), svc.ports.first()) {
            (Some(ip), Some(p)) => format!(": connections to {ip}:{} are rejected", p.spec.port),
            _ if svc.headless => ": its DNS name resolves to nothing".to_string(),
            _ => String::new(),
        };
        let span = v.selector_span.unwrap_or(v.spec_span);
        let mut d = cx.diag(
            &SELECTORLESS_SERVICE_HAS_NO_ENDPOINTS,
            &v.origin,
            span,
            format!(
                "Service `{}` has no endpoints: it has no selector, so no EndpointSlice is ever filled for it, and no EndpointSlice names it{target}",
                svc.name
            ),
        );
        d.primary.message = "no `selector` here".into();
        let here: &[&super::Candidate<'_>] = by_ns.get(svc.namespace.as_str()).map_or(&[], Vec::as_slice);
        let mut suggestion = "app: my-app".to_string();
        for c in here.iter().take(3) {
            let refused = if c.runs_no_pods() { format!(" (and {})", c.refusal()) } else { String::new() };
            if c.labels.is_empty() {
                d = d.with_secondary(
                    c.origin.file,
                    c.origin.head,
                    format!("{} has no labels, so no selector could pick it anyway{refused}", c.display),
                );
            } else {
                if let Some((k, val)) = c.labels.iter().next() {
                    suggestion = format!("{k}: {val}");
                }
                d = d.with_secondary(
                    c.origin.file,
                    c.labels_span.unwrap_or(c.origin.head),
                    format!("{} has these labels{refused}", c.display),
                );
            }
        }
        d = d.with_help(format!(
            "add `selector:` with `{suggestion}` to the Service and the same label to the pods (in a workload: to its template's labels); \
             or, to point the Service elsewhere, supply an EndpointSlice labelled `kubernetes.io/service-name: {}`",
            svc.name
        ));
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;

    fn hits(text: &str) -> Vec<crate::Diagnostic> {
        sim_with(&[text], &crate::Options::default())
            .0
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == super::SELECTORLESS_SERVICE_HAS_NO_ENDPOINTS.name)
            .collect()
    }

    #[test]
    fn seed_tutorial_has_no_endpoints_with_the_reason() {
        let seed = "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  type: ClusterIP\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\nspec:\n  containers:\n    - name: my-container\n      image: my-image\n      env:\n        - name: MY_VARIABLE=value\n";
        let d = hits(seed);
        assert_eq!(d.len(), 1);
        // The Pod is refused (its env var name has `=`) but is still named as the reason.
        assert!(d[0].secondary[0].message.ends_with("(and the API server refuses it as written)"), "{:?}", d[0].secondary);
        assert!(d[0].message.contains("no selector") && d[0].message.contains("no endpoints"), "{}", d[0].message);
        assert!(d[0].message.contains(":80 are rejected"), "{}", d[0].message);
        assert!(d[0].secondary.iter().any(|l| l.message.contains("pod/my-pod has no labels")));
        // The span is the `spec` key (the parent of the missing selector).
        assert_eq!(&seed[d[0].primary.span.range()], "spec");
    }

    #[test]
    fn user_endpoint_slices_and_empty_selectors() {
        let with_slice = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n    - port: 5432\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: db-1\n  labels:\n    kubernetes.io/service-name: db\naddressType: IPv4\nports:\n  - port: 5432\nendpoints:\n  - addresses: [\"192.0.2.10\"]\n";
        assert!(hits(with_slice).is_empty(), "a selector-less Service with an EndpointSlice is fine");
        let empty = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  selector: {}\n  ports:\n    - port: 5432\n";
        assert_eq!(hits(empty).len(), 1, "`selector: {{}}` is no selector");
    }
}
