//! Defaults for Services (`SetDefaults_Service` in `pkg/apis/core/v1/defaults.go`) followed by
//! what the registry's allocation phase stores before validation (`clusterIP` → `clusterIPs`,
//! `ipFamilyPolicy`, `ipFamilies`, nodePorts shared by ports with the same number), and the
//! EndpointSlice port defaults (`SetDefaults_EndpointPort`) with the fields the strategy drops.
//!
//! Dynamically picked values (a ClusterIP, nodePorts, the health-check nodePort when none is
//! requested) depend on every other Service, so the simulator's allocators fill them in.

use crate::analysis::Options;
use crate::model::Object;
use crate::rules::service::allocation::{self, Input, ServiceNetwork};
use crate::source::Span;
use crate::yaml::{Node, ScalarStyle};

fn string(span: Span, v: &str) -> Node {
    Node::scalar(span, v, ScalarStyle::DoubleQuoted).synthetic()
}

fn plain(span: Span, v: &str) -> Node {
    Node::scalar(span, v, ScalarStyle::Plain).synthetic()
}

/// The string a Go `string` field would hold: `""` when absent, null or not a scalar.
fn str_of(n: Option<&Node>) -> &str {
    n.filter(|n| !n.is_null()).and_then(|n| n.as_str().or_else(|| n.text())).unwrap_or("")
}

/// Spans a missing field hangs from: the value it replaces, if any, else `fallback`.
fn span_of(n: Option<&Node>, fallback: Span) -> Span {
    n.map_or(fallback, |n| n.span)
}

pub fn service(obj: &mut Object, opts: &Options) {
    let head = obj.head_span();
    let root = &mut obj.stored;
    if root.as_map().is_none() {
        return;
    }
    // A missing or null spec is an empty mapping already (`zero::apply` runs first).
    let spec_key = root.entry("spec").map_or(head, |e| e.key.span);
    let Some(spec) = root.get_mut("spec") else { return };
    if spec.as_map().is_none() {
        return;
    }
    v1_defaults(spec, spec_key);
    // ServiceTrafficDistribution is alpha (off) in 1.30: the strategy drops the field.
    if !opts.kube_version.at_least(31) {
        spec.remove("trafficDistribution");
    }
    normalize_cluster_ips(spec);
    apply_allocation(spec, spec_key, opts);
}

/// `SetDefaults_Service`.
fn v1_defaults(spec: &mut Node, spec_key: Span) {
    let affinity = str_of(spec.get("sessionAffinity")).to_string();
    let affinity_span = span_of(spec.get("sessionAffinity"), spec_key);
    let affinity = if affinity.is_empty() {
        spec.set("sessionAffinity", string(affinity_span, "None"));
        "None".to_string()
    } else {
        affinity
    };
    if affinity == "None" {
        // Dropped silently, not rejected (S-14 is unreachable for v1 input).
        spec.remove("sessionAffinityConfig");
    } else if affinity == "ClientIP" {
        let has_timeout = spec.path(&["sessionAffinityConfig", "clientIP", "timeoutSeconds"]).is_some_and(|n| !n.is_null());
        if !has_timeout {
            // Go replaces the whole config with a fresh one.
            let timeout = plain(affinity_span, "10800");
            let key = |k: &str| plain(affinity_span, k);
            let client_ip = Node::map(affinity_span, vec![crate::yaml::Entry { key: key("timeoutSeconds"), value: timeout }]).synthetic();
            let config = Node::map(affinity_span, vec![crate::yaml::Entry { key: key("clientIP"), value: client_ip }]).synthetic();
            spec.set("sessionAffinityConfig", config);
        }
    }

    if str_of(spec.get("type")).is_empty() {
        let span = span_of(spec.get("type"), spec_key);
        spec.set("type", string(span, "ClusterIP"));
    }
    let type_ = str_of(spec.get("type")).to_string();

    if let Some(ports) = spec.get_mut("ports").and_then(Node::as_seq_mut) {
        for p in ports.iter_mut().filter(|p| p.as_map().is_some()) {
            let port_node = p.get("port").filter(|n| !n.is_null()).cloned();
            let anchor = port_node.as_ref().map_or(p.span, |n| n.span);
            if str_of(p.get("protocol")).is_empty() {
                p.set("protocol", string(anchor, "TCP"));
            }
            let tp = p.get("targetPort").filter(|n| !n.is_null());
            // Only int 0 and "" count as unset (a quoted "0" is a port name).
            let unset = tp.is_none_or(|n| n.as_i64() == Some(0) || n.as_str() == Some(""));
            if unset {
                let value = match &port_node {
                    Some(n) if n.as_i64().is_some() => plain(n.span, n.text().unwrap_or("0")),
                    Some(_) => continue, // a non-integer port fails decoding before defaulting
                    None => plain(p.span, "0"),
                };
                p.set("targetPort", value);
            }
        }
    }

    let has_external_ips = spec.get("externalIPs").and_then(Node::as_seq).is_some_and(|s| !s.is_empty());
    let externally_accessible = type_ == "LoadBalancer" || type_ == "NodePort" || (type_ == "ClusterIP" && has_external_ips);
    if externally_accessible && str_of(spec.get("externalTrafficPolicy")).is_empty() {
        let span = span_of(spec.get("externalTrafficPolicy"), span_of(spec.get("type"), spec_key));
        spec.set("externalTrafficPolicy", string(span, "Cluster"));
    }
    // A pointer field: only absent (or null) is defaulted; "" stays and is rejected.
    if spec.get("internalTrafficPolicy").is_none_or(Node::is_null) && matches!(type_.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
        spec.set("internalTrafficPolicy", string(spec_key, "Cluster"));
    }
    if type_ == "LoadBalancer" && spec.get("allocateLoadBalancerNodePorts").is_none_or(Node::is_null) {
        let span = span_of(spec.get("type"), spec_key);
        spec.set("allocateLoadBalancerNodePorts", plain(span, "true"));
    }
}

/// `normalizeClusterIPs` on create: a lone `clusterIP` is copied into `clusterIPs`.
fn normalize_cluster_ips(spec: &mut Node) {
    let Some(ip) = spec.get("clusterIP").filter(|n| !n.is_null()) else { return };
    let value = str_of(Some(ip));
    if value.is_empty() {
        return;
    }
    let span = ip.span;
    let value = value.to_string();
    let empty = spec.get("clusterIPs").is_none_or(|n| n.is_null() || n.as_seq().is_some_and(<[Node]>::is_empty));
    if empty {
        spec.set("clusterIPs", Node::seq(span, vec![string(span, &value)]).synthetic());
    }
}

/// Stores the allocation phase's outcome: the policy, the families and shared nodePorts.
fn apply_allocation(spec: &mut Node, spec_key: Span, opts: &Options) {
    let input = Input::from_spec(spec, spec_key);
    let strict = opts.kube_version.at_least(36);
    let out = allocation::begin_create(&input, &ServiceNetwork::from_options(opts), strict);
    let anchor = input.cluster_ips_span.unwrap_or(spec_key);
    if let Some(policy) = &out.policy {
        if input.policy.is_none() {
            spec.set("ipFamilyPolicy", string(anchor, policy));
        }
    }
    if out.policy.is_some() && out.families.len() > input.ip_families.len() {
        let spans: Vec<Span> = input.cluster_ips.iter().map(|i| i.span).collect();
        match spec.get_mut("ipFamilies").and_then(Node::as_seq_mut) {
            Some(list) => {
                for (i, f) in out.families.iter().enumerate().skip(input.ip_families.len()) {
                    list.push(string(spans.get(i).copied().unwrap_or(anchor), f.as_str()));
                }
            }
            None => {
                let items =
                    out.families.iter().enumerate().map(|(i, f)| string(spans.get(i).copied().unwrap_or(anchor), f.as_str())).collect();
                spec.set("ipFamilies", Node::seq(anchor, items).synthetic());
            }
        }
    }
    if out.errors.is_empty() {
        if let Some(ports) = spec.get_mut("ports").and_then(Node::as_seq_mut) {
            for (p, (np, given)) in ports.iter_mut().zip(out.node_ports.iter().zip(&input.ports)) {
                if *np != 0 && given.node_port == 0 && p.as_map().is_some() {
                    p.set("nodePort", plain(given.node_port_span, &np.to_string()));
                }
            }
        }
    }
}

/// EndpointSlice: `SetDefaults_EndpointPort` (name `""`, protocol TCP), plus what the create
/// strategy drops from v1 requests (`deprecatedTopology`) and, before the
/// PreferSameTrafficDistribution gate is on (1.34), `hints.forNodes`.
pub fn endpoint_slice(obj: &mut Object, opts: &Options) {
    let root = &mut obj.stored;
    if let Some(ports) = root.get_mut("ports").and_then(Node::as_seq_mut) {
        for p in ports.iter_mut().filter(|p| p.as_map().is_some()) {
            let span = p.span;
            if p.get("name").is_none_or(Node::is_null) {
                p.set("name", string(span, ""));
            }
            if p.get("protocol").is_none_or(Node::is_null) {
                p.set("protocol", string(span, "TCP"));
            }
        }
    }
    if let Some(endpoints) = root.get_mut("endpoints").and_then(Node::as_seq_mut) {
        for e in endpoints.iter_mut() {
            e.remove("deprecatedTopology");
            if !opts.kube_version.at_least(34) {
                if let Some(h) = e.get_mut("hints") {
                    h.remove("forNodes");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::source::SourceFile;
    use crate::yaml::Node;

    fn stored(yaml: &str) -> Node {
        let a = analyze(&[SourceFile::new("t.yaml", yaml)], &Options::default());
        a.objects[0].stored.clone()
    }

    fn get<'a>(n: &'a Node, path: &[&str]) -> Option<&'a str> {
        n.path(path).and_then(Node::text)
    }

    #[test]
    fn cluster_ip_service() {
        let s = stored(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 5\n  ports:\n  - port: 80\n",
        );
        assert_eq!(get(&s, &["spec", "type"]), Some("ClusterIP"));
        assert_eq!(get(&s, &["spec", "sessionAffinity"]), Some("None"));
        assert!(s.path(&["spec", "sessionAffinityConfig"]).is_none());
        assert_eq!(get(&s, &["spec", "internalTrafficPolicy"]), Some("Cluster"));
        assert!(s.path(&["spec", "externalTrafficPolicy"]).is_none());
        assert_eq!(get(&s, &["spec", "ipFamilyPolicy"]), Some("SingleStack"));
        let fams = s.path(&["spec", "ipFamilies"]).and_then(Node::as_seq).unwrap();
        assert_eq!(fams.len(), 1);
        assert_eq!(fams[0].text(), Some("IPv4"));
        let port = &s.path(&["spec", "ports"]).and_then(Node::as_seq).unwrap()[0];
        assert_eq!(port.get("protocol").and_then(Node::text), Some("TCP"));
        assert_eq!(port.get("targetPort").and_then(Node::as_i64), Some(80));
        // The defaulted targetPort points at `port`.
        assert_eq!(port.get("targetPort").unwrap().span, port.get("port").unwrap().span);
    }

    #[test]
    fn node_port_and_load_balancer() {
        let s = stored("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  sessionAffinity: ClientIP\n  clusterIP: 10.96.0.20\n  ports:\n  - port: 53\n    protocol: UDP\n  - port: 53\n    nodePort: 30053\n    targetPort: \"\"\n");
        assert_eq!(get(&s, &["spec", "externalTrafficPolicy"]), Some("Cluster"));
        assert_eq!(get(&s, &["spec", "allocateLoadBalancerNodePorts"]), Some("true"));
        assert_eq!(s.path(&["spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"]).and_then(Node::as_i64), Some(10800));
        let ips = s.path(&["spec", "clusterIPs"]).and_then(Node::as_seq).unwrap();
        assert_eq!(ips[0].text(), Some("10.96.0.20"));
        let ports = s.path(&["spec", "ports"]).and_then(Node::as_seq).unwrap();
        assert_eq!(ports[0].get("nodePort").and_then(Node::as_i64), Some(30053));
        assert_eq!(ports[1].get("targetPort").and_then(Node::as_i64), Some(53));
    }

    #[test]
    fn headless_and_external_name() {
        let s = stored("apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n");
        assert_eq!(get(&s, &["spec", "ipFamilyPolicy"]), Some("RequireDualStack"));
        assert_eq!(s.path(&["spec", "ipFamilies"]).and_then(Node::as_seq).map(<[Node]>::len), Some(2));
        let s =
            stored("apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n  externalName: db.example.com\n");
        assert!(s.path(&["spec", "ipFamilyPolicy"]).is_none());
        assert!(s.path(&["spec", "internalTrafficPolicy"]).is_none());
        let s = stored("apiVersion: v1\nkind: Service\nmetadata:\n  name: db\n");
        assert_eq!(get(&s, &["spec", "type"]), Some("ClusterIP"));
    }

    #[test]
    fn endpoint_slice_ports() {
        let s = stored("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IPv4\nports:\n- port: 80\nendpoints:\n- addresses: [10.1.2.3]\n  deprecatedTopology:\n    a: b\n");
        let p = &s.get("ports").and_then(Node::as_seq).unwrap()[0];
        assert_eq!(p.get("name").and_then(Node::as_str), Some(""));
        assert_eq!(p.get("protocol").and_then(Node::text), Some("TCP"));
        assert!(s.get("endpoints").and_then(Node::as_seq).unwrap()[0].get("deprecatedTopology").is_none());
    }
}
