//! `topology-hints-disabled`: a Service asks for Topology Aware Routing (`topology-mode: Auto`)
//! and the EndpointSlice controller writes no hints.

use super::Cx;
use crate::cluster::topology;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Rule, Stage};

pub static TOPOLOGY_HINTS_DISABLED: Rule = Rule {
    name: "topology-hints-disabled",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "A `topology-mode: Auto` Service gets no topology hints: its endpoints cannot be shared among the zones.",
    docs: rule_docs!(
        r#"## What it does
For each Service annotated `service.kubernetes.io/topology-mode: Auto` (or the deprecated
`service.kubernetes.io/topology-aware-hints: Auto`), runs the EndpointSlice controller's
Topology Aware Routing allocation over the simulated cluster: each zone should get a share of
the Service's ready endpoints in proportion to the allocatable CPU of its nodes (control-plane
and NotReady nodes do not count), with no endpoint more than 20% over its share. When that is
not possible, the controller removes every hint and records a `TopologyAwareHintsDisabled`
warning event on the Service; this rule shows the event's message:

- `Insufficient Node information: allocatable CPU or zone not specified on one or more nodes`
  (also when the Ready nodes are all in one zone);
- `Insufficient number of endpoints (N endpoints, Z zones)`: fewer ready endpoints than zones;
- `Unable to allocate minimum required endpoints to each zone without exceeding overload
  threshold`: the zones' minimums (each zone's share divided by 1.2, rounded up) add up to
  more than the ready endpoints;
- `One or more endpoints do not have a zone specified`: a pod on a node without a zone label.

When the allocation works, each ready endpoint gets one `hints.forZones` entry (its own zone,
or a zone short of endpoints) and kube-proxy keeps in-zone traffic in the zone.

## Why is this bad?
The annotation then does nothing: kube-proxy sends traffic to every ready endpoint in every
zone, which is usually what the annotation was meant to avoid (cross-zone cost and latency).
With the annotation, `spec.trafficDistribution` is ignored as well.

## Known limits
Nodes have the cluster's `node-cpu` (default `"4"`) unless a node of `[cluster] nodes` gives
its own `cpu`. Where two zones tie, Go picks one at random; kplay takes them in name order.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.kubernetes.io/topology-mode: Auto
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
```

## Use instead
Enough ready endpoints for every zone's minimum (its share of the endpoints divided by 1.2,
rounded up): with three zones of equal CPU `replicas: 3`, 6, 7, 9, 10, or 12 and more (4, 5,
8 and 11 are refused); or no annotation.
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.kubernetes.io/topology-mode: Auto
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
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
```

## References
- Topology Aware Routing: <https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/>
- `k8s.io/endpointslice/topologycache` (topologycache.go, utils.go)
"#
    ),
    spec: &["routing-semantics §4"],
    check: None,
};

const MODE: &str = "service.kubernetes.io/topology-mode";
const LEGACY: &str = "service.kubernetes.io/topology-aware-hints";

pub(crate) fn check(cx: &Cx<'_>, out: &mut Vec<Diagnostic>) {
    for e in &cx.cluster.topology_events {
        let Some(svc) = cx.service(&e.namespace, &e.service).filter(|s| !s.builtin) else { continue };
        let origin = &svc.spec.origin;
        // The annotation the controller read: the deprecated one wins when both are set.
        let span = cx
            .objects
            .get(origin.object)
            .and_then(|o| [LEGACY, MODE].iter().find_map(|k| o.raw.path(&["metadata", "annotations", k]).map(|n| n.span)));
        let mut d = cx.diag(
            &TOPOLOGY_HINTS_DISABLED,
            origin,
            span.unwrap_or(origin.head),
            format!(
                "Service `{}` asks for topology-aware routing, but the EndpointSlice controller writes no hints: {}, addressType: {}",
                svc.name, e.disabled.message, e.address_type
            ),
        );
        d.primary.message = "Topology Aware Hints has been disabled".into();
        let (ready, needed) = (e.disabled.ready, e.disabled.needed);
        let help = if e.disabled.message == topology::NO_ZONE_SPECIFIED {
            "every node running one of the Service's pods needs a `topology.kubernetes.io/zone` label (`[cluster] nodes`: `zone`), or remove the annotation".to_owned()
        } else if let Some(needed) = needed {
            format!(
                "without hints kube-proxy sends traffic to every ready endpoint in every zone; {needed} ready endpoints (not {ready}) would give \
                 every zone its share within the overload threshold, or remove the annotation"
            )
        } else {
            "every Ready node outside the control plane needs a zone and allocatable CPU, and the Ready nodes must span two zones or more \
             (`[cluster]`: `zones`, `node-cpu`, or the nodes' `zone` and `cpu`), or remove the annotation"
                .to_owned()
        };
        out.push(d.with_help(help));
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;
    use crate::Options;

    fn service(replicas: u32) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    service.kubernetes.io/topology-mode: Auto\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n---\n\
             apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n"
        )
    }

    fn hints(c: &crate::cluster::Cluster) -> Vec<Vec<String>> {
        c.slices_of("default", "web").flat_map(|s| s.endpoints.iter().map(|e| e.for_zones.clone())).collect()
    }

    #[test]
    fn too_few_endpoints_for_the_zones() {
        let (c, diags) = sim_with(&[&service(2)], &Options::default());
        assert!(hints(&c).iter().all(Vec::is_empty));
        let d: Vec<_> = diags.iter().filter(|d| d.rule == "topology-hints-disabled").collect();
        assert_eq!(d.len(), 1, "{diags:?}");
        assert!(d[0].message.ends_with("Insufficient number of endpoints (2 endpoints, 3 zones), addressType: IPv4"), "{}", d[0].message);
        assert!(d[0].help.as_deref().is_some_and(|h| h.contains("3 ready endpoints (not 2)")), "{:?}", d[0].help);
        // Four replicas over three equal zones are refused too: six would do.
        let (_, diags) = sim_with(&[&service(4)], &Options::default());
        let d: Vec<_> = diags.iter().filter(|d| d.rule == "topology-hints-disabled").collect();
        assert!(d[0].message.contains("without exceeding overload threshold (4 endpoints, 3 zones)"), "{}", d[0].message);
        assert!(d[0].help.as_deref().is_some_and(|h| h.contains("6 ready endpoints (not 4)")), "{:?}", d[0].help);
    }

    #[test]
    fn one_endpoint_per_zone_is_hinted_for_its_zone() {
        let (c, diags) = sim_with(&[&service(3)], &Options::default());
        assert!(!diags.iter().any(|d| d.rule == "topology-hints-disabled"), "{diags:?}");
        let h = hints(&c);
        assert_eq!(h.len(), 3);
        let own: Vec<Vec<String>> =
            c.slices_of("default", "web").flat_map(|s| s.endpoints.iter().map(|e| vec![e.zone.clone().unwrap()])).collect();
        assert_eq!(h, own);
    }

    #[test]
    fn nodes_without_cpu_give_no_hints() {
        let mut opts = Options::default();
        opts.cluster.node_cpu = "0".into();
        let (c, diags) = sim_with(&[&service(3)], &opts);
        assert!(hints(&c).iter().all(Vec::is_empty));
        assert!(
            diags.iter().any(|d| d.rule == "topology-hints-disabled" && d.message.contains("Insufficient Node information")),
            "{diags:?}"
        );
    }
}
