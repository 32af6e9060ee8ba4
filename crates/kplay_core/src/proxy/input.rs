//! What kube-proxy and the Ingress controller consume, in their own terms: service ports with
//! their VIPs and policies, endpoints with their conditions, nodes, pods (as traffic sources) and
//! Ingresses. Everything in `proxy` works from these types only, so the proxy modes can be tested
//! without the simulated control plane.

use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

/// `spec.ports[].protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// The lowercase name kube-proxy uses in chain hashes and `-m tcp -p tcp`.
    pub fn lower(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }

    /// The API spelling (`TCP`).
    pub fn upper(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    /// Parses the API spelling; anything else is not a protocol kube-proxy handles.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }
}

/// `externalTrafficPolicy` / `internalTrafficPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum TrafficPolicy {
    #[default]
    Cluster,
    Local,
}

/// `spec.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ServiceType {
    #[default]
    ClusterIp,
    NodePort,
    LoadBalancer,
    ExternalName,
}

/// An IP prefix such as `10.0.0.0/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n` (or a bare address as a host prefix). Surrounding whitespace is
    /// ignored, as kube-proxy does for `loadBalancerSourceRanges`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = a.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.parse::<u8>().ok().filter(|&p| p <= max)?,
            None => max,
        };
        Some(Cidr { addr: mask(addr, prefix), prefix })
    }

    pub fn host(addr: IpAddr) -> Self {
        Cidr { addr, prefix: if addr.is_ipv4() { 32 } else { 128 } }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.prefix) == self.addr
    }

    pub fn is_host(&self) -> bool {
        self.prefix == if self.addr.is_ipv4() { 32 } else { 128 }
    }
}

impl fmt::Display for Cidr {
    /// iptables prints host prefixes as bare addresses in kube-proxy's rules (`-d 172.30.0.41`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_host() {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.prefix)
        }
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix)) };
            IpAddr::V6((bits & m).into())
        }
    }
}

/// Formats `ip:port` as Go's `net.JoinHostPort` does (`[fd00::1]:80` for IPv6).
pub fn join_host_port(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}

/// A pod or node behind an endpoint, kept for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodRef {
    pub namespace: String,
    pub name: String,
}

/// One endpoint of one service port, as kube-proxy's `endpointInfo` holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointInfo {
    pub ip: IpAddr,
    pub port: u16,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    pub node_name: Option<String>,
    pub zone: Option<String>,
    /// `hints.forZones[].name`; empty when the slice carries no zone hints.
    pub zone_hints: Vec<String>,
    /// `hints.forNodes[].name`.
    pub node_hints: Vec<String>,
    pub pod: Option<PodRef>,
}

impl EndpointInfo {
    /// A ready endpoint without node, zone or hints.
    pub fn ready(ip: IpAddr, port: u16) -> Self {
        EndpointInfo {
            ip,
            port,
            ready: true,
            serving: true,
            terminating: false,
            node_name: None,
            zone: None,
            zone_hints: Vec::new(),
            node_hints: Vec::new(),
            pod: None,
        }
    }

    #[must_use]
    pub fn on_node(mut self, node: &str) -> Self {
        self.node_name = Some(node.to_string());
        self
    }

    /// `ip:port` as kube-proxy's `Endpoint.String()`.
    pub fn addr(&self) -> String {
        join_host_port(self.ip, self.port)
    }

    pub fn is_local(&self, node: &str) -> bool {
        self.node_name.as_deref() == Some(node)
    }
}

/// One port of one Service, as kube-proxy's `ServicePort` holds it. Headless and ExternalName
/// Services never become one of these.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServicePortInfo {
    pub namespace: String,
    pub name: String,
    /// `spec.ports[].name`, possibly empty.
    pub port_name: String,
    pub protocol: Protocol,
    pub service_type: ServiceType,
    /// `spec.clusterIPs`, primary first.
    pub cluster_ips: Vec<IpAddr>,
    pub port: u16,
    /// Resolved `targetPort` when numeric, for display only: endpoints carry their own port.
    pub target_port: Option<u16>,
    /// 0 when the port has none.
    pub node_port: u16,
    pub external_ips: Vec<IpAddr>,
    /// `status.loadBalancer.ingress[].ip` (excluding `ipMode: Proxy`).
    pub load_balancer_ips: Vec<IpAddr>,
    pub load_balancer_source_ranges: Vec<Cidr>,
    /// `Some(timeoutSeconds)` for `sessionAffinity: ClientIP`.
    pub session_affinity: Option<u32>,
    pub external_policy: TrafficPolicy,
    pub internal_policy: TrafficPolicy,
    /// 0 when none.
    pub health_check_node_port: u16,
    pub traffic_distribution: Option<String>,
    /// Endpoints for this port, any order; kube-proxy sorts them.
    pub endpoints: Vec<EndpointInfo>,
}

impl ServicePortInfo {
    /// A ClusterIP service port with the given VIP and no endpoints.
    pub fn cluster_ip(namespace: &str, name: &str, port_name: &str, protocol: Protocol, ip: IpAddr, port: u16) -> Self {
        ServicePortInfo {
            namespace: namespace.into(),
            name: name.into(),
            port_name: port_name.into(),
            protocol,
            service_type: ServiceType::ClusterIp,
            cluster_ips: vec![ip],
            port,
            target_port: None,
            node_port: 0,
            external_ips: Vec::new(),
            load_balancer_ips: Vec::new(),
            load_balancer_source_ranges: Vec::new(),
            session_affinity: None,
            external_policy: TrafficPolicy::Cluster,
            internal_policy: TrafficPolicy::Cluster,
            health_check_node_port: 0,
            traffic_distribution: None,
            endpoints: Vec::new(),
        }
    }

    /// `ServicePortName.String()`: `ns/name` plus `:port` when the port is named.
    pub fn port_name_string(&self) -> String {
        if self.port_name.is_empty() {
            format!("{}/{}", self.namespace, self.name)
        } else {
            format!("{}/{}:{}", self.namespace, self.name, self.port_name)
        }
    }

    /// The cluster IP of the given family.
    pub fn cluster_ip_for(&self, v4: bool) -> Option<IpAddr> {
        self.cluster_ips.iter().copied().find(|ip| ip.is_ipv4() == v4)
    }

    /// The ClusterIP of this port in the rules of kube-proxy's IPv4 (`v6` false) or IPv6
    /// proxier as kplay writes them. kube-proxy runs one proxier per family; kplay writes a
    /// dual-stack Service into the IPv4 proxier only (its `endpoints` are its IPv4 ones), so
    /// the IPv6 proxier holds the single-stack IPv6 Services.
    pub fn proxier_cluster_ip(&self, v6: bool) -> Option<IpAddr> {
        if v6 && self.cluster_ip_for(true).is_some() {
            return None;
        }
        self.cluster_ip_for(!v6)
    }

    /// `ExternallyAccessible()`: a NodePort, an LB VIP or an external IP.
    pub fn externally_accessible(&self) -> bool {
        self.node_port != 0 || !self.load_balancer_ips.is_empty() || !self.external_ips.is_empty()
    }

    /// `ExternalPolicyLocal()`: only meaningful when externally accessible.
    pub fn external_policy_local(&self) -> bool {
        self.externally_accessible() && self.external_policy == TrafficPolicy::Local
    }

    pub fn internal_policy_local(&self) -> bool {
        self.internal_policy == TrafficPolicy::Local
    }

    /// `UsesClusterEndpoints()`: the internal policy is Cluster, or the port takes external
    /// traffic at all. Even with `externalTrafficPolicy: Local` the Cluster endpoints are needed:
    /// pod- and host-originated traffic to a NodePort, LB IP or external IP is short-circuited to
    /// any endpoint (pkg/proxy/serviceport.go), also when `internalTrafficPolicy` is Local.
    pub fn uses_cluster_endpoints(&self) -> bool {
        !self.internal_policy_local() || self.externally_accessible()
    }

    /// `UsesLocalEndpoints()`.
    pub fn uses_local_endpoints(&self) -> bool {
        self.internal_policy_local() || self.external_policy_local()
    }

    /// The endpoints in kube-proxy's order: a string sort of `ip:port` (endpointslicecache.go).
    pub fn sorted_endpoints(&self) -> Vec<&EndpointInfo> {
        let mut eps: Vec<(String, &EndpointInfo)> = self.endpoints.iter().map(|e| (e.addr(), e)).collect();
        crate::sort::sort_by(&mut eps, |a, b| a.0.cmp(&b.0));
        eps.dedup_by(|a, b| a.0 == b.0);
        eps.into_iter().map(|(_, e)| e).collect()
    }
}

/// A node: where a kube-proxy runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeInfo {
    pub name: String,
    /// `status.addresses` InternalIP/ExternalIP, primary first.
    pub ips: Vec<IpAddr>,
    /// `topology.kubernetes.io/zone`.
    pub zone: Option<String>,
}

/// A pod as a traffic source.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PodInfo {
    pub namespace: String,
    pub name: String,
    pub ip: Option<IpAddr>,
    /// `status.podIPs`: `ip` and, on a dual-stack cluster, the address of the other family.
    pub ips: Vec<IpAddr>,
    pub node: Option<String>,
    pub host_network: bool,
    /// `spec.dnsPolicy` ("" reads as ClusterFirst).
    pub dns_policy: String,
    /// `spec.dnsConfig.nameservers` (what a `dnsPolicy: None` pod asks).
    pub dns_nameservers: Vec<String>,
    /// `spec.dnsConfig.searches`, added to the pod's search path.
    pub dns_searches: Vec<String>,
    /// `spec.dnsConfig.options` (name, value): `ndots` is the one a lookup depends on.
    pub dns_options: Vec<(String, Option<String>)>,
}

/// `spec.rules[].http.paths[].pathType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PathType {
    Exact,
    Prefix,
    ImplementationSpecific,
}

impl PathType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Exact" => Some(PathType::Exact),
            "Prefix" => Some(PathType::Prefix),
            "ImplementationSpecific" => Some(PathType::ImplementationSpecific),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PathType::Exact => "Exact",
            PathType::Prefix => "Prefix",
            PathType::ImplementationSpecific => "ImplementationSpecific",
        }
    }
}

/// `port.number` or `port.name` of a service backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum BackendPort {
    Number(u16),
    Name(String),
}

impl fmt::Display for BackendPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendPort::Number(n) => write!(f, "{n}"),
            BackendPort::Name(n) => f.write_str(n),
        }
    }
}

/// An Ingress backend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum IngressBackend {
    Service {
        name: String,
        port: BackendPort,
    },
    /// `resource:` backends (an object reference, usually a bucket); not routable here.
    Resource {
        kind: String,
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressPath {
    pub path: String,
    pub path_type: PathType,
    pub backend: IngressBackend,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressRule {
    /// `None` or empty: any host.
    pub host: Option<String>,
    pub paths: Vec<IngressPath>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressTls {
    pub hosts: Vec<String>,
    pub secret_name: Option<String>,
}

/// One Ingress object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressInfo {
    pub namespace: String,
    pub name: String,
    /// `spec.ingressClassName`, or the legacy `kubernetes.io/ingress.class` annotation.
    pub class_name: Option<String>,
    /// Position in creation order (earlier objects win duplicate paths, as in ingress-nginx).
    pub order: usize,
    pub default_backend: Option<IngressBackend>,
    pub rules: Vec<IngressRule>,
    pub tls: Vec<IngressTls>,
    /// `nginx.ingress.kubernetes.io/use-regex` or `rewrite-target` present: ingress-nginx
    /// then turns every path of the host into a case-insensitive regex location.
    pub uses_regex: bool,
    /// `nginx.ingress.kubernetes.io/service-upstream: "true"`: the upstream is the Service's
    /// ClusterIP, so kube-proxy picks the endpoint, instead of the EndpointSlice addresses.
    pub service_upstream: bool,
}

/// One IngressClass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressClassInfo {
    pub name: String,
    pub controller: String,
    /// `ingressclass.kubernetes.io/is-default-class: "true"`.
    pub is_default: bool,
}

/// Cluster-wide settings that change kube-proxy's rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProxyConfig {
    /// `--cluster-cidr`: traffic from outside it is masqueraded (the `LocalDetector`).
    pub cluster_cidrs: Vec<Cidr>,
    /// The Service CIDRs (nftables drops traffic to unallocated ClusterIPs in them).
    pub service_cidrs: Vec<Cidr>,
    /// `--masquerade-all`.
    pub masquerade_all: bool,
    /// The kernel supports `MASQUERADE --random-fully` (every current kernel does).
    pub masquerade_random_fully: bool,
    /// `--iptables-localhost-nodeports` (default true).
    pub localhost_node_ports: bool,
    /// kube-proxy's nfacct counters exist (from 1.31, where kube-proxy creates them when the
    /// node's kernel has `xt_nfacct`, as kind, kubeadm, minikube and k3s nodes do): the iptables
    /// rules then count localhost NodePort packets and the INVALID drops (`-m nfacct`).
    pub nfacct: bool,
    /// IPVS scheduler (`rr` by default).
    pub ipvs_scheduler: String,
    /// DNS zone for name lookups (`cluster.local`).
    pub cluster_domain: String,
    /// nftables map-element comments are cut to the kernel's 128 bytes from 1.37 (#139516;
    /// before, a longer one made the whole transaction fail).
    pub truncate_comments: bool,
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            cluster_cidrs: vec![Cidr { addr: IpAddr::V4([10, 244, 0, 0].into()), prefix: 16 }],
            service_cidrs: vec![Cidr { addr: IpAddr::V4([10, 96, 0, 0].into()), prefix: 12 }],
            masquerade_all: false,
            masquerade_random_fully: true,
            localhost_node_ports: true,
            nfacct: true,
            ipvs_scheduler: "rr".into(),
            truncate_comments: false,
            cluster_domain: "cluster.local".into(),
        }
    }
}

/// Everything the proxy modes, the Ingress model and the tracer need.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProxyInput {
    pub config: ProxyConfig,
    pub nodes: Vec<NodeInfo>,
    pub pods: Vec<PodInfo>,
    /// Every service port of every non-headless, non-ExternalName Service.
    pub services: Vec<ServicePortInfo>,
    pub ingresses: Vec<IngressInfo>,
    pub ingress_classes: Vec<IngressClassInfo>,
    /// ExternalName Services: no kube-proxy rules, but CoreDNS answers their names with a
    /// CNAME and ingress-nginx proxies to the name, so traces follow them.
    pub external_names: Vec<ExternalNameInfo>,
    /// The A/AAAA records of cluster DNS that are not a ClusterIP (headless Services'
    /// ready endpoints, endpoint hostnames, pod A records), in `kplay dns` order, so
    /// traces resolve these names as the DNS view lists them.
    pub dns_addresses: Vec<DnsAddress>,
}

/// One A or AAAA record: the owner name (no trailing dot, lower case) and the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DnsAddress {
    pub name: String,
    pub ip: IpAddr,
}

/// An ExternalName Service (`spec.externalName`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalNameInfo {
    pub namespace: String,
    pub name: String,
    pub external_name: String,
}

impl ProxyInput {
    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// The `spec.externalName` of the ExternalName Service `namespace/name`.
    pub fn external_name(&self, namespace: &str, name: &str) -> Option<&str> {
        self.external_names.iter().find(|e| e.namespace == namespace && e.name == name).map(|e| e.external_name.as_str())
    }

    /// Service ports in a deterministic order: by `namespace/name`, then port name and protocol.
    /// kube-proxy iterates a Go map; its tests sort the output by the service name the same way.
    pub fn sorted_services(&self) -> Vec<&ServicePortInfo> {
        let mut v: Vec<(String, &ServicePortInfo)> = self.services.iter().map(|s| (format!("{}/{}", s.namespace, s.name), s)).collect();
        crate::sort::sort_by(&mut v, |a, b| {
            a.0.cmp(&b.0).then_with(|| a.1.port_name.cmp(&b.1.port_name)).then_with(|| a.1.protocol.cmp(&b.1.protocol))
        });
        v.into_iter().map(|(_, s)| s).collect()
    }

    /// The pod that owns `ip`, of either family (not host-network pods, whose IP is the node's).
    pub fn pod_by_ip(&self, ip: IpAddr) -> Option<&PodInfo> {
        self.pods.iter().find(|p| (p.ip == Some(ip) || p.ips.contains(&ip)) && !p.host_network)
    }

    /// The node that owns `ip`.
    pub fn node_by_ip(&self, ip: IpAddr) -> Option<&NodeInfo> {
        self.nodes.iter().find(|n| n.ips.contains(&ip))
    }

    /// Whether `ip` lies in the pod network (`--cluster-cidr`).
    pub fn in_cluster_cidr(&self, ip: IpAddr) -> bool {
        self.config.cluster_cidrs.iter().any(|c| c.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_parse_contains_display() {
        let c = Cidr::parse(" 203.0.113.0/25").unwrap();
        assert_eq!(c.to_string(), "203.0.113.0/25");
        assert!(c.contains("203.0.113.2".parse().unwrap()));
        assert!(!c.contains("203.0.113.130".parse().unwrap()));
        assert_eq!(Cidr::parse("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(Cidr::parse("1.2.3.4").unwrap().to_string(), "1.2.3.4");
        assert!(Cidr::parse("1.2.3.4/33").is_none());
        assert!(Cidr::parse("nonsense").is_none());
        assert!(Cidr::parse("fd00::/8").unwrap().contains("fd00:10::1".parse().unwrap()));
    }

    #[test]
    fn port_name_string_drops_colon_for_unnamed_ports() {
        let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, "172.30.1.1".parse().unwrap(), 80);
        assert_eq!(s.port_name_string(), "ns1/svc1");
        s.port_name = "p80".into();
        assert_eq!(s.port_name_string(), "ns1/svc1:p80");
    }

    #[test]
    fn endpoints_sort_as_strings() {
        let mut s = ServicePortInfo::cluster_ip("a", "b", "", Protocol::Tcp, "10.96.0.5".parse().unwrap(), 80);
        for ip in ["10.0.1.2", "10.0.1.10", "10.0.1.1"] {
            s.endpoints.push(EndpointInfo::ready(ip.parse().unwrap(), 80));
        }
        let order: Vec<String> = s.sorted_endpoints().iter().map(|e| e.addr()).collect();
        assert_eq!(order, ["10.0.1.10:80", "10.0.1.1:80", "10.0.1.2:80"]);
    }

    #[test]
    fn join_host_port_brackets_ipv6() {
        assert_eq!(join_host_port("fd00::1".parse().unwrap(), 80), "[fd00::1]:80");
    }
}
