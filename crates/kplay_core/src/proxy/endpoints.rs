//! Which endpoints a kube-proxy on one node uses for a service port: `CategorizeEndpoints` and
//! `topologyModeFromHints` of `pkg/proxy/topology.go`, with the ready-then-serving-terminating
//! fallback decided independently for the Cluster and Local sets.

use super::input::{EndpointInfo, ServicePortInfo};

/// How topology hints narrowed the Cluster set on this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopologyMode {
    None,
    PreferSameZone,
    PreferSameNode,
}

/// The result of `CategorizeEndpoints` for one node. Lists keep kube-proxy's order.
#[derive(Debug, Clone)]
pub struct Categorized<'a> {
    pub cluster: Vec<&'a EndpointInfo>,
    pub local: Vec<&'a EndpointInfo>,
    /// Union of both lists (the endpoints that get a SEP chain), sorted by `ip:port`.
    pub all_reachable: Vec<&'a EndpointInfo>,
    /// Any ready or serving-terminating endpoint anywhere in the cluster.
    pub has_any: bool,
    pub topology: TopologyMode,
    /// The Cluster set had to fall back to serving-terminating endpoints.
    pub cluster_terminating_fallback: bool,
    pub local_terminating_fallback: bool,
}

/// `topologyModeFromHints`: node hints win when every ready endpoint has one and one names this
/// node; else zone hints under the same two conditions; else no topology.
pub fn topology_mode(endpoints: &[&EndpointInfo], node: &str, zone: Option<&str>) -> TopologyMode {
    let mut all_node_hints = true;
    let mut for_node = false;
    let mut all_zone_hints = true;
    let mut for_zone = false;
    for ep in endpoints.iter().filter(|e| e.ready) {
        if ep.node_hints.is_empty() {
            all_node_hints = false;
        } else if ep.node_hints.iter().any(|n| n == node) {
            for_node = true;
        }
        if ep.zone_hints.is_empty() {
            all_zone_hints = false;
        } else if zone.is_some_and(|z| ep.zone_hints.iter().any(|h| h == z)) {
            for_zone = true;
        }
    }
    if all_node_hints && for_node {
        TopologyMode::PreferSameNode
    } else if all_zone_hints && for_zone {
        TopologyMode::PreferSameZone
    } else {
        TopologyMode::None
    }
}

fn available_for_topology(ep: &EndpointInfo, mode: TopologyMode, node: &str, zone: Option<&str>) -> bool {
    match mode {
        TopologyMode::None => true,
        TopologyMode::PreferSameNode => ep.node_hints.iter().any(|n| n == node),
        TopologyMode::PreferSameZone => zone.is_some_and(|z| ep.zone_hints.iter().any(|h| h == z)),
    }
}

/// `CategorizeEndpoints(endpoints, svcInfo, nodeName, nodeLabels)`.
pub fn categorize<'a>(svc: &'a ServicePortInfo, node: &str, zone: Option<&str>) -> Categorized<'a> {
    let eps = svc.sorted_endpoints();
    let mut out = Categorized {
        cluster: Vec::new(),
        local: Vec::new(),
        all_reachable: Vec::new(),
        has_any: false,
        topology: TopologyMode::None,
        cluster_terminating_fallback: false,
        local_terminating_fallback: false,
    };
    if svc.uses_cluster_endpoints() {
        out.topology = topology_mode(&eps, node, zone);
        out.cluster = eps.iter().copied().filter(|e| e.ready && available_for_topology(e, out.topology, node, zone)).collect();
        if out.cluster.is_empty() {
            out.cluster = eps.iter().copied().filter(|e| e.serving && e.terminating).collect();
            out.cluster_terminating_fallback = !out.cluster.is_empty();
        }
        out.has_any = !out.cluster.is_empty();
    }
    if !svc.uses_local_endpoints() {
        out.all_reachable = out.cluster.clone();
        return out;
    }
    let mut local_ready = false;
    let mut local_serving_terminating = false;
    for ep in &eps {
        if ep.ready {
            out.has_any = true;
            local_ready |= ep.is_local(node);
        } else if ep.serving && ep.terminating {
            out.has_any = true;
            local_serving_terminating |= ep.is_local(node);
        }
    }
    if local_ready {
        out.local = eps.iter().copied().filter(|e| e.is_local(node) && e.ready).collect();
    } else if local_serving_terminating {
        out.local_terminating_fallback = true;
        out.local = eps.iter().copied().filter(|e| e.is_local(node) && e.serving && e.terminating).collect();
    }
    if !svc.uses_cluster_endpoints() {
        out.all_reachable = out.local.clone();
        return out;
    }
    // kube-proxy merges through a map (random order); SEP chain order does not change routing,
    // so keep the sorted order for deterministic output.
    let mut keyed: Vec<(String, &EndpointInfo)> = out.cluster.iter().chain(out.local.iter()).map(|e| (e.addr(), *e)).collect();
    crate::sort::sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
    let mut all: Vec<&EndpointInfo> = keyed.into_iter().map(|(_, e)| e).collect();
    // Both lists come from one deduplicated list, so equal endpoints are the same object.
    all.dedup_by(|a, b| std::ptr::eq(*a, *b));
    out.all_reachable = all;
    out
}

#[cfg(test)]
mod tests {
    use super::super::input::{Protocol, TrafficPolicy};
    use super::*;

    fn svc(eps: Vec<EndpointInfo>) -> ServicePortInfo {
        let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, "172.30.1.1".parse().unwrap(), 80);
        s.endpoints = eps;
        s
    }

    fn ep(ip: &str, ready: bool, serving: bool, terminating: bool) -> EndpointInfo {
        EndpointInfo { ready, serving, terminating, ..EndpointInfo::ready(ip.parse().unwrap(), 80) }
    }

    fn addrs(v: &[&EndpointInfo]) -> Vec<String> {
        v.iter().map(|e| e.addr()).collect()
    }

    /// proxier_test.go TestTerminatingEndpointsTrafficPolicyCluster: ready endpoints win over
    /// serving-terminating ones; not-serving ones are never used.
    #[test]
    fn ready_then_serving_terminating() {
        let s = svc(vec![
            ep("10.0.1.1", true, true, false),
            ep("10.0.1.2", true, true, false),
            ep("10.0.1.3", false, true, true),
            ep("10.0.1.4", false, false, true),
            ep("10.0.1.5", true, true, false),
        ]);
        let c = categorize(&s, "node", None);
        assert_eq!(addrs(&c.cluster), ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.5:80"]);
        let s = svc(vec![ep("10.0.1.2", false, true, true), ep("10.0.1.3", false, true, true), ep("10.0.1.5", false, true, true)]);
        let c = categorize(&s, "node", None);
        assert_eq!(addrs(&c.cluster), ["10.0.1.2:80", "10.0.1.3:80", "10.0.1.5:80"]);
        assert!(c.cluster_terminating_fallback);
        let s = svc(vec![ep("10.0.1.4", false, false, true)]);
        let c = categorize(&s, "node", None);
        assert!(c.cluster.is_empty());
        assert!(!c.has_any);
    }

    #[test]
    fn internal_local_uses_only_local_endpoints() {
        let mut s = svc(vec![
            EndpointInfo::ready("10.0.1.1".parse().unwrap(), 80).on_node("node-a"),
            EndpointInfo::ready("10.0.1.2".parse().unwrap(), 80).on_node("node-b"),
        ]);
        s.internal_policy = TrafficPolicy::Local;
        let c = categorize(&s, "node-a", None);
        assert!(c.cluster.is_empty());
        assert_eq!(addrs(&c.local), ["10.0.1.1:80"]);
        assert!(c.has_any);
        let c = categorize(&s, "node-c", None);
        assert!(c.local.is_empty());
        assert!(c.has_any);
    }

    #[test]
    fn zone_hints_narrow_cluster_set_only_when_complete() {
        let mut a = EndpointInfo::ready("10.0.1.1".parse().unwrap(), 80);
        a.zone_hints = vec!["z1".into()];
        let mut b = EndpointInfo::ready("10.0.1.2".parse().unwrap(), 80);
        b.zone_hints = vec!["z2".into()];
        let s = svc(vec![a.clone(), b.clone()]);
        let c = categorize(&s, "n", Some("z1"));
        assert_eq!(c.topology, TopologyMode::PreferSameZone);
        assert_eq!(addrs(&c.cluster), ["10.0.1.1:80"]);
        // A zone with no hinted endpoint ignores hints.
        let c = categorize(&s, "n", Some("z3"));
        assert_eq!(c.topology, TopologyMode::None);
        assert_eq!(c.cluster.len(), 2);
        // One endpoint without hints: hints are ignored.
        b.zone_hints.clear();
        let s = svc(vec![a, b]);
        assert_eq!(categorize(&s, "n", Some("z1")).cluster.len(), 2);
    }
}
