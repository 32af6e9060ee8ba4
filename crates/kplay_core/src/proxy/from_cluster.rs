//! Builds the proxy inputs from the simulated cluster, the way kube-proxy's caches read the
//! API: service ports of Services with a ClusterIP, endpoints joined from EndpointSlices by the
//! `kubernetes.io/service-name` label, port name and protocol (`endpointslicecache.go`), and the
//! Ingress objects for the controller model.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::net::IpAddr;

use super::input::{
    BackendPort, Cidr, DnsAddress, EndpointInfo, ExternalNameInfo, IngressBackend, IngressClassInfo, IngressInfo, IngressPath, IngressRule,
    IngressTls, NodeInfo, PathType, PodInfo, PodRef, Protocol, ProxyConfig, ProxyInput, ServicePortInfo, ServiceType, TrafficPolicy,
};
use crate::cluster::state::{Cluster, Service};
use crate::model::typed::{IngressBackendView, IntOrString};

/// The default `sessionAffinityConfig.clientIP.timeoutSeconds`.
const DEFAULT_AFFINITY_TIMEOUT: u32 = 10_800;

impl ProxyInput {
    /// What kube-proxy and an Ingress controller would see in `cluster`.
    pub fn from_cluster(cluster: &Cluster) -> ProxyInput {
        let d = &cluster.description;
        let mut cidrs: Vec<Cidr> = Cidr::parse(&d.cluster_cidr).into_iter().collect();
        cidrs.extend(d.cluster_cidr_v6.as_deref().and_then(Cidr::parse));
        let mut service_cidrs: Vec<Cidr> = Cidr::parse(&d.service_cidr).into_iter().collect();
        service_cidrs.extend(d.service_cidr_secondary.as_deref().and_then(Cidr::parse));
        let mut config = ProxyConfig {
            cluster_cidrs: cidrs,
            service_cidrs,
            cluster_domain: d.cluster_domain.clone(),
            ipvs_scheduler: d.ipvs_scheduler.clone(),
            ..ProxyConfig::default()
        };
        config.set_release(cluster.kube_version);
        let nodes =
            cluster.nodes.iter().map(|n| NodeInfo { name: n.name.clone(), ips: vec![n.internal_ip], zone: n.zone.clone() }).collect();
        let pods = cluster
            .pods
            .iter()
            .map(|p| PodInfo {
                namespace: p.namespace.clone(),
                name: p.name.clone(),
                ip: p.ip(),
                ips: p.ips.clone(),
                node: p.node.clone(),
                host_network: p.host_network,
                dns_policy: p.spec.dns_policy.clone(),
                dns_nameservers: p.spec.dns_nameservers.clone(),
                dns_searches: p.spec.dns_searches.clone(),
                dns_options: p.spec.dns_options.clone(),
            })
            .collect();
        let mut services = Vec::new();
        for svc in &cluster.services {
            service_ports(cluster, svc, &mut services);
        }
        let ingresses = cluster
            .ingresses
            .iter()
            .map(|i| {
                let ann = &i.spec.meta.annotations;
                IngressInfo {
                    namespace: i.namespace.clone(),
                    name: i.name.clone(),
                    class_name: i.spec.class_name.clone(),
                    order: i.store.creation_index,
                    default_backend: i.spec.default_backend.as_ref().and_then(backend),
                    rules: i
                        .spec
                        .rules
                        .iter()
                        .map(|r| IngressRule {
                            host: r.host.clone(),
                            paths: r
                                .paths
                                .iter()
                                .filter_map(|p| {
                                    Some(IngressPath {
                                        path: p.path.clone().unwrap_or_else(|| "/".into()),
                                        path_type: PathType::parse(&p.path_type)?,
                                        backend: backend(&p.backend)?,
                                    })
                                })
                                .collect(),
                        })
                        .collect(),
                    tls: i.spec.tls.iter().map(|t| IngressTls { hosts: t.hosts.clone(), secret_name: t.secret_name.clone() }).collect(),
                    uses_regex: ann.get("nginx.ingress.kubernetes.io/use-regex").is_some_and(|v| v == "true")
                        || ann.contains_key("nginx.ingress.kubernetes.io/rewrite-target"),
                    service_upstream: ann.get("nginx.ingress.kubernetes.io/service-upstream").is_some_and(|v| v == "true"),
                }
            })
            .collect();
        let ingress_classes = cluster
            .ingress_classes
            .iter()
            .map(|c| IngressClassInfo {
                name: c.name.clone(),
                controller: c.spec.controller.clone().unwrap_or_default(),
                is_default: c.spec.is_default,
            })
            .collect();
        let external_names = cluster
            .services
            .iter()
            .filter(|s| s.type_ == "ExternalName")
            .filter_map(|s| {
                let name = s.spec.external_name.clone()?;
                Some(ExternalNameInfo { namespace: s.namespace.clone(), name: s.name.clone(), external_name: name })
            })
            .collect();
        // ClusterIP records are answered from `services` (as kube-proxy has them).
        let cluster_ips: std::collections::HashSet<IpAddr> =
            services.iter().flat_map(|s: &ServicePortInfo| s.cluster_ips.iter().copied()).collect();
        let dns_addresses = cluster
            .dns_records()
            .into_iter()
            .filter(|r| r.type_ == "A" || r.type_ == "AAAA")
            .filter_map(|r| Some(DnsAddress { ip: r.data.parse().ok()?, name: r.name.to_ascii_lowercase() }))
            .filter(|r| !cluster_ips.contains(&r.ip))
            .collect();
        ProxyInput { config, nodes, pods, services, ingresses, ingress_classes, external_names, dns_addresses }
    }
}

fn backend(b: &IngressBackendView) -> Option<IngressBackend> {
    if let Some(r) = &b.resource {
        let (kind, name) = r.rsplit_once('/').unwrap_or(("", r));
        return Some(IngressBackend::Resource { kind: kind.rsplit('/').next().unwrap_or(kind).to_string(), name: name.to_string() });
    }
    let name = b.service_name.clone()?;
    let port = match b.port.as_ref()? {
        IntOrString::Int(n) => BackendPort::Number(u16::try_from(*n).ok()?),
        IntOrString::Str(s) => BackendPort::Name(s.clone()),
    };
    Some(IngressBackend::Service { name, port })
}

fn policy(p: Option<&str>) -> TrafficPolicy {
    if p == Some("Local") {
        TrafficPolicy::Local
    } else {
        TrafficPolicy::Cluster
    }
}

fn service_ports(cluster: &Cluster, svc: &Service, out: &mut Vec<ServicePortInfo>) {
    // kube-proxy ignores headless and ExternalName Services.
    if svc.headless || svc.cluster_ips.is_empty() || svc.type_ == "ExternalName" {
        return;
    }
    let spec = &svc.spec;
    let service_type = match svc.type_.as_str() {
        "NodePort" => ServiceType::NodePort,
        "LoadBalancer" => ServiceType::LoadBalancer,
        _ => ServiceType::ClusterIp,
    };
    let external_ips: Vec<IpAddr> = spec.external_ips.iter().filter_map(|s| s.trim().parse().ok()).collect();
    let ranges: Vec<Cidr> = spec.load_balancer_source_ranges.iter().filter_map(|s| Cidr::parse(s)).collect();
    let affinity = (spec.session_affinity.as_deref() == Some("ClientIP"))
        .then(|| spec.session_affinity_timeout.and_then(|t| u32::try_from(t).ok()).unwrap_or(DEFAULT_AFFINITY_TIMEOUT));
    let etp = policy(spec.external_traffic_policy.as_deref());
    for p in &svc.ports {
        let Some(protocol) = Protocol::parse(&p.spec.protocol) else { continue };
        let Ok(port) = u16::try_from(p.spec.port) else { continue };
        let mut info = ServicePortInfo {
            namespace: svc.namespace.clone(),
            name: svc.name.clone(),
            port_name: p.spec.name.clone(),
            protocol,
            service_type,
            cluster_ips: svc.cluster_ips.clone(),
            port,
            target_port: match &p.spec.target_port {
                IntOrString::Int(n) => u16::try_from(*n).ok(),
                IntOrString::Str(_) => None,
            },
            node_port: p.node_port.unwrap_or(0),
            external_ips: external_ips.clone(),
            load_balancer_ips: svc.load_balancer_ips.clone(),
            load_balancer_source_ranges: ranges.clone(),
            session_affinity: affinity,
            external_policy: etp,
            internal_policy: policy(spec.internal_traffic_policy.as_deref()),
            health_check_node_port: svc.health_check_node_port.unwrap_or(0),
            traffic_distribution: spec.traffic_distribution.clone(),
            endpoints: Vec::new(),
        };
        info.endpoints = endpoints_for(cluster, svc, &info);
        out.push(info);
    }
}

impl ProxyConfig {
    /// What changes with the release kube-proxy is.
    pub fn set_release(&mut self, version: crate::version::KubeVersion) {
        // #139516 (1.37) truncates map-element comments to 128 bytes.
        self.truncate_comments = version.at_least(37);
        // #122812 and #125015 (both 1.31) added the nfacct counters and their rules.
        self.nfacct = version.at_least(31);
    }
}

/// Endpoints of one service port from its slices: port matched by name and protocol, only
/// `addresses[0]`, of the family of the rules kplay writes (IPv4 when the Service has an IPv4
/// ClusterIP); duplicates by `ip:port` merged as [`replaces`] says.
fn endpoints_for(cluster: &Cluster, svc: &Service, info: &ServicePortInfo) -> Vec<EndpointInfo> {
    let version = cluster.kube_version;
    let mut by_addr: HashMap<String, EndpointInfo> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let wanted_v4 = if info.cluster_ips.iter().any(IpAddr::is_ipv4) { Some(true) } else { info.cluster_ips.first().map(IpAddr::is_ipv4) };
    for slice in cluster.slices_of(&svc.namespace, &svc.name) {
        let family_v4 = match slice.address_type.as_str() {
            "IPv4" => true,
            "IPv6" => false,
            _ => continue,
        };
        // One proxier per family, each with its own family's endpoints; kplay writes a dual-stack
        // Service into the IPv4 proxier's rules, so it takes its IPv4 endpoints whichever family
        // is primary (an IPv6-only Service, in the IPv6 proxier's rules, keeps its IPv6 ones).
        if wanted_v4.is_some_and(|v4| v4 != family_v4) {
            continue;
        }
        let Some(port) = slice.ports.iter().find_map(|sp| {
            let name_ok = sp.name.as_deref() == Some(info.port_name.as_str());
            let proto_ok = sp.protocol.as_deref().unwrap_or("TCP") == info.protocol.upper();
            if name_ok && proto_ok {
                sp.port.and_then(|p| u16::try_from(p).ok()).filter(|&p| p != 0)
            } else {
                None
            }
        }) else {
            continue;
        };
        for ep in &slice.endpoints {
            let Some(ip) = ep.addresses.first().and_then(|a| a.parse::<IpAddr>().ok()) else { continue };
            if ip.is_ipv4() != family_v4 {
                continue;
            }
            let e = EndpointInfo {
                ip,
                port,
                ready: ep.is_ready(),
                serving: ep.is_serving(),
                terminating: ep.is_terminating(),
                node_name: ep.node_name.clone(),
                zone: ep.zone.clone(),
                zone_hints: ep.for_zones.clone(),
                node_hints: ep.for_nodes.clone(),
                pod: ep
                    .target_ref
                    .as_ref()
                    .filter(|t| t.kind == "Pod")
                    .map(|t| PodRef { namespace: t.namespace.clone(), name: t.name.clone() }),
            };
            match by_addr.entry(e.addr()) {
                Entry::Vacant(slot) => {
                    order.push(slot.key().clone());
                    slot.insert(e);
                }
                Entry::Occupied(mut slot) => {
                    if replaces(slot.get(), &e, version) {
                        slot.insert(e);
                    }
                }
            }
        }
    }
    order.into_iter().filter_map(|k| by_addr.remove(&k)).collect()
}

/// Whether a later endpoint with an `ip:port` already seen replaces the earlier one, in
/// kube-proxy's `addEndpoints` (pkg/proxy/endpointslicecache.go), which walks the slices and
/// their endpoints and keeps one per `ip:port`:
/// * 1.36+ (#135593, a pod IP reused while the old pod still terminates): `!exists ||
///   !terminating`, so every non-terminating copy replaces the one before it: the last
///   non-terminating copy wins, a terminating copy only when no other is seen.
/// * up to 1.35 the code's condition is `!exists || isLocal`, over slices walked in map
///   order, so the copy kept depends on the node and on that order. kplay builds one endpoint
///   list for every node and follows routing-semantics.md §1.6, the spec of its default
///   release: a non-terminating copy replaces a terminating one (what the running copy's own
///   node keeps), otherwise the first copy stays.
///
/// kplay takes the slices in the order they were created.
pub(crate) fn replaces(earlier: &EndpointInfo, later: &EndpointInfo, version: crate::version::KubeVersion) -> bool {
    if version.at_least(36) {
        !later.terminating
    } else {
        earlier.terminating && !later.terminating
    }
}

#[cfg(test)]
mod tests {
    use super::super::trace::{Destination, Outcome, Source, TraceRequest, Tracer};
    use super::*;
    use crate::analysis::{analyze, Options};
    use crate::cluster::state::simulate;
    use crate::source::SourceFile;

    fn input_of(yaml: &str) -> ProxyInput {
        let files = vec![SourceFile::new("t.yaml", yaml)];
        let opts = Options::default();
        let analysis = analyze(&files, &opts);
        ProxyInput::from_cluster(&simulate(&files, &analysis.objects, &opts))
    }

    /// The seed tutorial: a Service without selector gets no endpoints, so its ClusterIP
    /// rejects connections.
    #[test]
    fn seed_tutorial_request_is_rejected() {
        let input = input_of(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  type: ClusterIP\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\nspec:\n  containers:\n    - name: my-container\n      image: my-image\n",
        );
        let svc = input.services.iter().find(|s| s.name == "my-service").expect("my-service port");
        assert!(svc.endpoints.is_empty());
        let t = Tracer::new(&input).trace(&TraceRequest::new(Source::External, Destination::parse("svc/default/my-service:80").unwrap()));
        assert_eq!(t.outcome, Outcome::Rejected, "{t:#?}");
        let t = Tracer::new(&input).trace(&TraceRequest::new(
            Source::Pod { namespace: None, name: "my-pod".into() },
            Destination::parse("my-service:80").unwrap(),
        ));
        assert_eq!(t.outcome, Outcome::Rejected, "{t:#?}");
        assert!(t.hops.iter().any(|h| h.detail.contains("default/my-service:http has no endpoints")), "{t:#?}");
    }

    fn input_at(yaml: &str, minor: u16) -> ProxyInput {
        let files = vec![SourceFile::new("t.yaml", yaml)];
        let opts = Options { kube_version: crate::version::KubeVersion::new(minor), ..Options::default() };
        let analysis = analyze(&files, &opts);
        ProxyInput::from_cluster(&simulate(&files, &analysis.objects, &opts))
    }

    /// A selector-less Service `web` and two EndpointSlices that both list 10.0.0.9:80, with
    /// the conditions `first` and `second`.
    fn two_slices_one_ip(first: &str, second: &str) -> String {
        let slice = |name: &str, node: &str, conditions: &str| {
            format!(
                "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {name}\n  labels: {{kubernetes.io/service-name: web}}\n\
                 addressType: IPv4\nports: [{{name: http, port: 80, protocol: TCP}}]\nendpoints:\n- addresses: [10.0.0.9]\n  nodeName: {node}\n  conditions: {conditions}\n"
            )
        };
        format!(
            "apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  ports: [{{name: http, port: 80}}]\n{}{}",
            slice("web-a", "node-a", first),
            slice("web-b", "node-b", second)
        )
    }

    /// (ready, serving, terminating, node) of the one endpoint kube-proxy keeps.
    fn kept(yaml: &str, minor: u16) -> (bool, bool, bool, String) {
        let input = input_at(yaml, minor);
        let svc = input.services.iter().find(|s| s.name == "web").expect("web:http");
        assert_eq!(svc.endpoints.len(), 1, "1.{minor}: {:?}", svc.endpoints);
        let e = &svc.endpoints[0];
        (e.ready, e.serving, e.terminating, e.node_name.clone().unwrap_or_default())
    }

    /// `addEndpoints` keeps one endpoint per `ip:port`: a running pod wins over a terminating
    /// one that had its IP (up to 1.35 as routing-semantics.md §1.6 says; from 1.36 by
    /// `!exists || !terminating`, #135593, where also every non-terminating copy replaces the
    /// one before it).
    #[test]
    fn duplicate_endpoint_ips_are_merged_as_the_releases_kube_proxy_does() {
        let terminating_then_running =
            two_slices_one_ip("{ready: false, serving: true, terminating: true}", "{ready: true, serving: true, terminating: false}");
        for minor in [34, 35, 36, 37] {
            assert_eq!(kept(&terminating_then_running, minor), (true, true, false, "node-b".into()), "1.{minor}");
        }
        // Two non-terminating copies: the later one from 1.36.
        let both_running = two_slices_one_ip("{ready: true}", "{ready: false, serving: false}");
        assert_eq!(kept(&both_running, 35), (true, true, false, "node-a".into()));
        assert_eq!(kept(&both_running, 36), (false, false, false, "node-b".into()));
        // A terminating copy after a running one never replaces it.
        let running_then_terminating = two_slices_one_ip("{ready: true}", "{ready: false, serving: true, terminating: true}");
        for minor in [34, 36] {
            assert_eq!(kept(&running_then_terminating, minor), (true, true, false, "node-a".into()), "1.{minor}");
        }
    }

    /// kube-proxy's behaviour that depends on the release reaches the proxy input.
    #[test]
    fn the_release_reaches_the_proxy_config() {
        let files = vec![SourceFile::new("t.yaml", "")];
        for (minor, cut, nfacct) in [(30, false, false), (31, false, true), (34, false, true), (36, false, true), (37, true, true)] {
            let opts = Options { kube_version: crate::version::KubeVersion::new(minor), ..Options::default() };
            let analysis = analyze(&files, &opts);
            let input = ProxyInput::from_cluster(&simulate(&files, &analysis.objects, &opts));
            assert_eq!(input.config.truncate_comments, cut, "1.{minor}");
            assert_eq!(input.config.nfacct, nfacct, "1.{minor}");
        }
    }

    /// A dual-stack Service whose primary family is IPv6: the IPv4 rules kplay writes use its
    /// IPv4 ClusterIP and IPv4 endpoints (one proxier per family), and a pod's lookup of its
    /// name takes the A record.
    #[test]
    fn ipv6_primary_dual_stack_service_uses_its_ipv4_endpoints_in_the_ipv4_rules() {
        let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: ds}\nspec:\n  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv6]\n  selector: {app: ds}\n  ports: [{name: h, port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: d1, labels: {app: ds}}\nspec: {containers: [{name: c, image: x:1}]}\n";
        let files = vec![SourceFile::new("t.yaml", yaml)];
        let mut opts = Options::default();
        opts.cluster.cluster_cidr_v6 = Some("fd00:10:244::/56".into());
        opts.cluster.service_cidr_secondary = Some("fd00:10:96::/112".into());
        let analysis = analyze(&files, &opts);
        let input = ProxyInput::from_cluster(&simulate(&files, &analysis.objects, &opts));
        let svc = input.services.iter().find(|s| s.name == "ds").expect("ds port");
        assert!(svc.cluster_ips.first().is_some_and(IpAddr::is_ipv6), "{svc:#?}");
        assert!(svc.cluster_ip_for(true).is_some(), "{svc:#?}");
        assert!(!svc.endpoints.is_empty() && svc.endpoints.iter().all(|e| e.ip.is_ipv4()), "{svc:#?}");
        let t = Tracer::new(&input)
            .trace(&TraceRequest::new(Source::Pod { namespace: None, name: "d1".into() }, Destination::parse("ds:80").unwrap()));
        assert_eq!(t.outcome, Outcome::Delivered, "{t:#?}");
        assert!(t.hops.iter().any(|h| h.detail.contains("ds.default.svc.cluster.local A 10.")), "{t:#?}");
    }

    #[test]
    fn selected_pods_become_endpoints_and_ingress_routes_to_them() {
        let input = input_of(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports: [{name: http, containerPort: 8080}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  rules:\n    - host: shop.example.com\n      http:\n        paths:\n          - path: /cart\n            pathType: Prefix\n            backend:\n              service:\n                name: web\n                port: {name: http}\n",
        );
        let svc = input.services.iter().find(|s| s.name == "web").expect("web port");
        assert_eq!(svc.endpoints.len(), 3, "{svc:#?}");
        assert!(svc.endpoints.iter().all(|e| e.port == 8080));
        let t = Tracer::new(&input)
            .trace(&TraceRequest::new(Source::External, Destination::parse("http://shop.example.com/cart/items").unwrap()));
        assert_eq!(t.outcome, Outcome::Delivered, "{t:#?}");
        assert_eq!(t.http_status, Some(200));
        assert_eq!(t.endpoint.as_ref().map(|e| e.port), Some(8080));
        let t =
            Tracer::new(&input).trace(&TraceRequest::new(Source::External, Destination::parse("http://shop.example.com/other").unwrap()));
        assert_eq!(t.http_status, Some(404));
    }
}
