//! Following requests: `trace` walks one request from a client (pod, node or external address)
//! through DNS, the Ingress controller and the node's generated iptables rules to an endpoint,
//! recording every rule that matched and why; `simulate` sends many, with per-endpoint counts
//! beside the shares the rules imply. Both are deterministic for a seed.
//!
//! `simulate` precomputes, per client and entry node, the decision structure of the one
//! load-balancing chain the packet reaches (affinity checks, statistic thresholds, and the outcome
//! behind each branch, each branch obtained by walking the rules with that branch forced), so a
//! request costs a few random draws.

use std::collections::HashMap;
use std::net::IpAddr;

use serde::Serialize;

use super::endpoints::categorize;
use super::eval::{self, ForcedOracle, Origin, Packet, RandomOracle, Rng, Verdict, Walk};
use super::ingress::{self, HttpRequest, IngressDecision};
use super::input::{
    join_host_port, BackendPort, EndpointInfo, IngressBackend, PodInfo, Protocol, ProxyInput, ServicePortInfo, TrafficPolicy,
};
use super::iptables::{self, Match, NodeContext, Ruleset, Table, Target};
use super::ipvs::{self, IpvsTable};
use super::modes::{self, HitInfo, Mode};
use super::nftables::{self, NftRuleset};
use super::resolv::Resolver;

/// Where a request starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Source {
    /// An address outside the cluster (203.0.113.10, a documentation address).
    #[default]
    External,
    /// `pod/NAME` or `pod/NAMESPACE/NAME`.
    Pod {
        namespace: Option<String>,
        name: String,
    },
    /// A process on a node (host network).
    Node(String),
    Ip(IpAddr),
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `svc/NAMESPACE/NAME:PORT` (port number or name).
    Service {
        namespace: String,
        name: String,
        port: BackendPort,
    },
    Addr {
        ip: IpAddr,
        port: u16,
    },
    /// A DNS name and port (`web.shop:8080`, `web.shop.svc.cluster.local:80`).
    Name {
        host: String,
        port: u16,
    },
    /// An HTTP(S) URL, through the Ingress controller.
    Url(HttpRequest),
}

impl Destination {
    /// Parses the CLI forms: `svc/NS/NAME:PORT`, `IP:PORT`, `[IPv6]:PORT`, `NAME:PORT`, or a URL.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if s.starts_with("http://") || s.starts_with("https://") {
            return HttpRequest::parse_url(s).map(Destination::Url);
        }
        if let Some(rest) = s.strip_prefix("svc/").or_else(|| s.strip_prefix("service/")) {
            let (path, port) = rest.rsplit_once(':')?;
            let (ns, name) = path.split_once('/').unwrap_or(("default", path));
            let port = port.parse::<u16>().map_or_else(|_| BackendPort::Name(port.to_string()), BackendPort::Number);
            return Some(Destination::Service { namespace: ns.into(), name: name.into(), port });
        }
        if let Ok(sa) = s.parse::<std::net::SocketAddr>() {
            return Some(Destination::Addr { ip: sa.ip(), port: sa.port() });
        }
        let (host, port) = s.rsplit_once(':')?;
        let port = port.parse().ok()?;
        match host.parse::<IpAddr>() {
            Ok(ip) => Some(Destination::Addr { ip, port }),
            Err(_) => Some(Destination::Name { host: host.to_string(), port }),
        }
    }
}

/// One request to trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRequest {
    pub from: Source,
    pub to: Destination,
    pub protocol: Protocol,
    pub seed: u64,
    /// The node external traffic enters through (default: chosen as a load balancer would).
    pub entry_node: Option<String>,
    pub ingress_class: Option<String>,
    /// The proxy mode whose rules the hops name (the path is decided the same way in each).
    pub mode: Mode,
}

impl TraceRequest {
    pub fn new(from: Source, to: Destination) -> Self {
        TraceRequest { from, to, protocol: Protocol::Tcp, seed: 0, entry_node: None, ingress_class: None, mode: Mode::Iptables }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Delivered,
    Rejected,
    Dropped,
    NoRoute,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Rejected => "rejected",
            Outcome::Dropped => "dropped",
            Outcome::NoRoute => "no-route",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackendRef {
    pub namespace: String,
    pub service: String,
    pub port: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct EndpointRef {
    pub ip: String,
    pub port: u16,
    pub pod: Option<String>,
    pub node: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub kind: String,
    pub name: String,
    pub detail: String,
    /// The rule as printed (`-A CHAIN ...`) for iptables hops.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The node whose rules were walked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
}

fn hop(kind: &str, name: impl Into<String>, detail: impl Into<String>) -> Hop {
    Hop { kind: kind.into(), name: name.into(), detail: detail.into(), rule: None, node: None }
}

/// The path of one request. Serialized as `kplay trace --format json` documents it (snake_case
/// keys: `http_status`), the same in every host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub backend: Option<BackendRef>,
    pub endpoint: Option<EndpointRef>,
    pub hops: Vec<Hop>,
    /// The source address the endpoint sees was rewritten to the node's (masquerade).
    pub masqueraded: bool,
    /// ingress-nginx's `service-upstream`: the node whose kube-proxy picked the endpoint.
    #[serde(skip)]
    pub upstream_node: Option<String>,
}

impl Trace {
    fn end(outcome: Outcome, hops: Vec<Hop>) -> Self {
        Trace { outcome, http_status: None, backend: None, endpoint: None, hops, masqueraded: false, upstream_node: None }
    }
}

/// The endpoints a request through ingress-nginx can reach. By default it balances over the
/// EndpointSlice addresses itself, bypassing kube-proxy and so its traffic policies and hints:
/// the ready endpoints, else the serving terminating ones. With `service-upstream` on the
/// controller's `node` (and its zone), kube-proxy's choice for ClusterIP traffic there.
fn ingress_endpoints<'s>(svc: &'s ServicePortInfo, upstream: Option<(&str, Option<&str>)>) -> Vec<&'s EndpointInfo> {
    if let Some((node, zone)) = upstream {
        let cat = categorize(svc, node, zone);
        return if svc.internal_policy == TrafficPolicy::Local { cat.local } else { cat.cluster };
    }
    let sorted = svc.sorted_endpoints();
    let ready: Vec<&EndpointInfo> = sorted.iter().copied().filter(|e| e.ready).collect();
    if ready.is_empty() {
        sorted.into_iter().filter(|e| e.serving && e.terminating).collect()
    } else {
        ready
    }
}

/// CNAMEs followed before giving up (ExternalName Services pointing at each other).
const MAX_CNAME_CHAIN: usize = 8;

/// The external client address used when none is given.
pub const EXTERNAL_CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 10));

/// Generates and caches node rulesets for one input.
pub struct Tracer<'a> {
    pub input: &'a ProxyInput,
    /// Per node and family (`true`: the IPv6 proxier's).
    rules: HashMap<(String, bool), Ruleset>,
    nft: HashMap<(String, bool), NftRuleset>,
    ipvs: HashMap<(String, bool), IpvsTable>,
}

/// A resolved client.
#[derive(Debug, Clone)]
struct Client {
    ip: IpAddr,
    /// A dual-stack pod's IPv6 address: the source of its IPv6 connections.
    ip6: Option<IpAddr>,
    node: Option<String>,
    origin: Origin,
    label: String,
    /// The search path and `ndots` of its lookups (a pod's from its DNS settings; a node's
    /// ClusterFirst in `default`).
    resolver: Resolver,
    /// Why a pod client does not ask the cluster DNS (its `dnsPolicy`), when it does not.
    no_cluster_dns: Option<String>,
}

impl<'a> Tracer<'a> {
    pub fn new(input: &'a ProxyInput) -> Self {
        Tracer { input, rules: HashMap::new(), nft: HashMap::new(), ipvs: HashMap::new() }
    }

    /// The iptables (`v6`: ip6tables) ruleset of `node`, generated on first use.
    pub fn ruleset(&mut self, node: &str, v6: bool) -> &Ruleset {
        let input = self.input;
        self.rules.entry((node.to_string(), v6)).or_insert_with(|| iptables::generate(input, &NodeContext::of_family(input, node, v6)))
    }

    /// The nftables table (`ip` or `ip6 kube-proxy`) of `node`, generated on first use.
    pub fn nft_ruleset(&mut self, node: &str, v6: bool) -> &NftRuleset {
        let input = self.input;
        self.nft.entry((node.to_string(), v6)).or_insert_with(|| nftables::generate(input, &NodeContext::of_family(input, node, v6)))
    }

    /// The IPVS table of `node` for one family, generated on first use.
    pub fn ipvs_table(&mut self, node: &str, v6: bool) -> &IpvsTable {
        let input = self.input;
        self.ipvs.entry((node.to_string(), v6)).or_insert_with(|| ipvs::generate(input, &NodeContext::of_family(input, node, v6)))
    }

    fn node_ips(&self, node: &str) -> Vec<IpAddr> {
        self.input.node(node).map(|n| n.ips.clone()).unwrap_or_default()
    }

    fn client(&self, from: &Source) -> Result<Client, String> {
        let zone = self.input.config.cluster_domain.as_str();
        let pod_client = |p: &PodInfo| -> Result<Client, String> {
            let label = format!("pod/{}/{}", p.namespace, p.name);
            let resolver = Resolver::of_pod(p, zone);
            let ip6 = p.ips.iter().copied().find(IpAddr::is_ipv6);
            if p.host_network {
                let node = p.node.clone().ok_or_else(|| format!("{label} is not scheduled"))?;
                let ip = self.node_ips(&node).first().copied().ok_or_else(|| format!("node {node} has no address"))?;
                let no_cluster_dns = self.no_cluster_dns(p, &label);
                return Ok(Client { ip, ip6: None, node: Some(node), origin: Origin::Local, label, resolver, no_cluster_dns });
            }
            let ip = p.ip.ok_or_else(|| format!("{label} has no IP (not scheduled or not started)"))?;
            let no_cluster_dns = self.no_cluster_dns(p, &label);
            Ok(Client { ip, ip6, node: p.node.clone(), origin: Origin::Routed, label, resolver, no_cluster_dns })
        };
        match from {
            Source::External => Ok(Client {
                ip: EXTERNAL_CLIENT,
                node: None,
                origin: Origin::Routed,
                label: format!("external client {EXTERNAL_CLIENT}"),
                resolver: Resolver::cluster_first("default", zone),
                ip6: None,
                no_cluster_dns: None,
            }),
            Source::Pod { namespace, name } => {
                let p = self
                    .input
                    .pods
                    .iter()
                    .find(|p| p.name == *name && namespace.as_ref().is_none_or(|n| *n == p.namespace))
                    .ok_or_else(|| format!("no pod named {name}"))?;
                pod_client(p)
            }
            Source::Node(n) => {
                let ip = self.node_ips(n).first().copied().ok_or_else(|| format!("no node named {n} with an address"))?;
                Ok(Client {
                    ip,
                    node: Some(n.clone()),
                    origin: Origin::Local,
                    label: format!("node {n}"),
                    resolver: Resolver::cluster_first("default", zone),
                    ip6: None,
                    no_cluster_dns: None,
                })
            }
            Source::Ip(ip) => {
                if let Some(p) = self.input.pod_by_ip(*ip) {
                    return pod_client(p);
                }
                if let Some(n) = self.input.node_by_ip(*ip) {
                    return Ok(Client {
                        ip: *ip,
                        node: Some(n.name.clone()),
                        origin: Origin::Local,
                        label: format!("node {}", n.name),
                        resolver: Resolver::cluster_first("default", zone),
                        ip6: None,
                        no_cluster_dns: None,
                    });
                }
                Ok(Client {
                    ip: *ip,
                    node: None,
                    origin: Origin::Routed,
                    label: format!("external client {ip}"),
                    resolver: Resolver::cluster_first("default", zone),
                    ip6: None,
                    no_cluster_dns: None,
                })
            }
        }
    }

    /// The service port a destination VIP belongs to, as kube-proxy's rules identify it.
    fn service_for(&self, dst: IpAddr, port: u16, proto: Protocol, node_local: bool) -> Option<&'a ServicePortInfo> {
        self.input.services.iter().find(|s| {
            s.protocol == proto
                && ((s.port == port
                    && (s.cluster_ips.contains(&dst) || s.external_ips.contains(&dst) || s.load_balancer_ips.contains(&dst)))
                    || (node_local && s.node_port != 0 && s.node_port == port))
        })
    }

    /// Nodes an external load balancer would send this service's traffic to: all nodes, or
    /// with `externalTrafficPolicy: Local` those whose health check reports a local endpoint.
    fn lb_nodes(&self, svc: Option<&ServicePortInfo>) -> Vec<String> {
        let mut nodes: Vec<String> = self.input.nodes.iter().map(|n| n.name.clone()).collect();
        if let Some(s) = svc.filter(|s| s.external_policy == TrafficPolicy::Local) {
            let healthy: Vec<String> = nodes.iter().filter(|n| s.endpoints.iter().any(|e| e.ready && e.is_local(n))).cloned().collect();
            if !healthy.is_empty() {
                nodes = healthy;
            }
        }
        nodes
    }

    /// Traces one request.
    pub fn trace(&mut self, req: &TraceRequest) -> Trace {
        let mut hops = Vec::new();
        let client = match self.client(&req.from) {
            Ok(c) => c,
            Err(e) => return Trace::end(Outcome::NoRoute, vec![hop("client", "unknown", e)]),
        };
        hops.push(hop(
            "client",
            client.label.clone(),
            match &client.node {
                Some(n) => format!("source {} on node {n}", client.ip),
                None => format!("source {} outside the cluster", client.ip),
            },
        ));
        let mut rng = Rng::new(req.seed);
        let (dst, port) = match &req.to {
            Destination::Url(http) => return self.trace_http(http, req, hops, &mut rng),
            Destination::Addr { ip, port } => (*ip, *port),
            Destination::Service { namespace, name, port } => match self.find_service_port(namespace, name, port, req.protocol) {
                Ok(s) => match s.cluster_ips.first() {
                    Some(ip) => {
                        hops.push(hop("service", format!("{namespace}/{name}"), format!("ClusterIP {ip} port {}", s.port)));
                        (*ip, s.port)
                    }
                    None => return Trace::end(Outcome::NoRoute, hops),
                },
                Err(e) => {
                    hops.push(hop("service", format!("{namespace}/{name}"), e));
                    return Trace::end(Outcome::NoRoute, hops);
                }
            },
            Destination::Name { host, port } => match self.lookup(&client, host) {
                Ok((ips, detail)) => {
                    hops.push(hop("dns", host.clone(), detail));
                    (ips[0], *port)
                }
                Err(e) => {
                    hops.push(hop("dns", host.clone(), e));
                    return Trace::end(Outcome::NoRoute, hops);
                }
            },
        };
        self.trace_packet(&client, dst, port, req, hops, &mut rng)
    }

    fn find_service_port(&self, ns: &str, name: &str, port: &BackendPort, proto: Protocol) -> Result<&'a ServicePortInfo, String> {
        let ports: Vec<&ServicePortInfo> = self.input.services.iter().filter(|s| s.namespace == ns && s.name == name).collect();
        if ports.is_empty() {
            let fqdn = format!("{name}.{ns}.svc.{}", self.input.config.cluster_domain.trim_matches('.'));
            let hint = if self.input.dns_addresses.iter().any(|r| r.name == fqdn) {
                format!("; send to its DNS name instead ({fqdn}:PORT), which resolves to its ready pods")
            } else {
                String::new()
            };
            return Err(format!(
                "no Service {ns}/{name} with a ClusterIP (missing, headless or ExternalName: kube-proxy has no rules for it){hint}"
            ));
        }
        ports
            .iter()
            .copied()
            .find(|s| {
                (match port {
                    BackendPort::Number(n) => s.port == *n,
                    BackendPort::Name(n) => s.port_name == *n,
                }) && (s.protocol == proto || matches!(port, BackendPort::Name(_)))
            })
            .ok_or_else(|| format!("Service {ns}/{name} has no port {port}"))
    }

    /// `host` looked up by `client`: through cluster DNS from inside the cluster. A client
    /// outside it (no node) does not ask the cluster's DNS; CoreDNS serves pods, whose
    /// `dnsPolicy: ClusterFirst` points their resolver at it.
    fn lookup(&self, client: &Client, host: &str) -> Result<(Vec<IpAddr>, String), String> {
        if client.node.is_none() && host.parse::<IpAddr>().is_err() {
            return Err(
                "a client outside the cluster does not use the cluster's DNS (pods do, with `dnsPolicy: ClusterFirst`); send it from a pod, or to a NodePort, a load balancer or an Ingress URL"
                    .into(),
            );
        }
        if let Some(why) = client.no_cluster_dns.as_ref().filter(|_| host.parse::<IpAddr>().is_err()) {
            return Err(format!("DNS lookup fails: {why}, so cluster names (Services, pods) do not resolve; outside DNS is not simulated"));
        }
        self.resolve(host, &client.resolver)
    }

    /// Why a pod does not use the cluster DNS, from its `dnsPolicy` (the kubelet's
    /// `getPodDNSType`): only ClusterFirst off the host network and ClusterFirstWithHostNet
    /// do; ClusterFirst on the host network falls back to Default (the node's resolv.conf);
    /// None asks only its `dnsConfig` nameservers (the cluster DNS when one of them is the
    /// kube-dns Service's ClusterIP).
    fn no_cluster_dns(&self, p: &PodInfo, label: &str) -> Option<String> {
        match p.dns_policy.as_str() {
            "ClusterFirstWithHostNet" => None,
            "ClusterFirst" | "" if !p.host_network => None,
            "ClusterFirst" | "" => Some(format!(
                "{label} runs on the host network with `dnsPolicy: ClusterFirst`, which falls back to `Default`: it uses its node's resolv.conf, not the cluster DNS (use `dnsPolicy: ClusterFirstWithHostNet`)"
            )),
            "Default" => Some(format!("{label} has `dnsPolicy: Default`: it uses its node's resolv.conf, not the cluster DNS")),
            "None" => {
                let dns = self.input.services.iter().filter(|s| s.namespace == "kube-system" && s.name == "kube-dns");
                let cluster_dns: Vec<IpAddr> = dns.flat_map(|s| s.cluster_ips.iter().copied()).collect();
                let asks_cluster = p.dns_nameservers.iter().any(|n| n.parse::<IpAddr>().is_ok_and(|ip| cluster_dns.contains(&ip)));
                (!asks_cluster).then(|| {
                    format!("{label} has `dnsPolicy: None`: it asks only the nameservers of its `dnsConfig`, and none of them is the cluster DNS")
                })
            }
            other => Some(format!("{label} has an unknown `dnsPolicy: {other}`")),
        }
    }

    /// Cluster DNS, asked for the names `resolver` tries for `host` (its search path and
    /// `ndots`), the first with an answer winning: a Service's ClusterIP, an ExternalName's
    /// CNAME (followed inside the cluster zone; a chain that comes back to a name already seen
    /// is a loop, which resolvers give up: SERVFAIL), and the address records of headless
    /// Services, endpoint host names and pods. The answers (never empty: the client connects to
    /// the first) and what the lookup went through.
    fn resolve(&self, host: &str, resolver: &Resolver) -> Result<(Vec<IpAddr>, String), String> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok((vec![ip], "an address, no lookup".into()));
        }
        let mut names = resolver.names(host);
        let mut chain: Vec<String> = Vec::new();
        'names: loop {
            // A CNAME target is absolute: the search path applies to the first name only.
            let first = chain.is_empty();
            for name in &names {
                let service = if first { self.service_fqdn(name) } else { self.cluster_name(name) };
                if let Some((ns, svc_name, fqdn)) = &service {
                    let svc = self.input.services.iter().find(|s| s.namespace == *ns && s.name == *svc_name);
                    // A dual-stack Service has an A and an AAAA record; kplay writes it into the
                    // IPv4 proxier's rules only, so the client takes the A record whichever family
                    // is primary. A single-stack IPv6 Service's AAAA leads to the IPv6 rules.
                    let ips = svc.map(|s| s.cluster_ips.as_slice()).unwrap_or_default();
                    if let Some(ip) = ips.iter().find(|ip| ip.is_ipv4()).or_else(|| ips.first()) {
                        let kind = if ip.is_ipv6() { "AAAA" } else { "A" };
                        chain.push(format!("{fqdn} {kind} {ip}"));
                        return Ok((vec![*ip], chain.join(", ")));
                    }
                    if let Some(ext) = self.input.external_name(ns, svc_name) {
                        let target = ext.trim_end_matches('.').to_ascii_lowercase();
                        if chain.iter().any(|c| c.starts_with(&format!("{target} "))) || *fqdn == target {
                            chain.push(format!("{fqdn} CNAME {target}"));
                            return Err(format!("CNAME loop: {}; the resolver gives up (SERVFAIL)", chain.join(", ")));
                        }
                        if chain.len() >= MAX_CNAME_CHAIN {
                            return Err(format!("CNAME chain longer than {MAX_CNAME_CHAIN} names: {}", chain.join(", ")));
                        }
                        chain.push(format!("{fqdn} CNAME {target}"));
                        names = vec![target];
                        continue 'names;
                    }
                }
                // Headless Services, endpoint hostnames and pod A records. The client connects
                // to the first answer; CoreDNS's `loadbalance` plugin (in the default Corefile)
                // shuffles the answers of every response, so one trace takes the first in the
                // order `kplay dns` lists them, and `simulate` spreads its lookups evenly over them.
                let fqdn = service.map_or_else(|| name.clone(), |(_, _, fqdn)| fqdn);
                let ips: Vec<IpAddr> = self.input.dns_addresses.iter().filter(|r| r.name == fqdn).map(|r| r.ip).collect();
                if ips.is_empty() {
                    continue;
                }
                let list = ips.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                let kind = if ips.iter().all(IpAddr::is_ipv6) { "AAAA" } else { "A" };
                chain.push(format!("{fqdn} {kind} {list}"));
                let what = self.dns_name_kind(&fqdn);
                let pick = if ips.len() > 1 {
                    format!(
                        "; CoreDNS shuffles the answers of each lookup (its `loadbalance` plugin) and the client connects to the first: this trace takes {}, the first in `kplay dns` order, and `simulate` spreads its requests evenly over the {} answers",
                        ips[0],
                        ips.len()
                    )
                } else {
                    String::new()
                };
                let detail = format!("{}: {what}{pick}; it connects straight to the pod IP, no kube-proxy rule involved", chain.join(", "));
                return Ok((ips, detail));
            }
            return Err(match chain.last() {
                Some(via) => match self.cluster_name(&names[0]) {
                    Some((_, _, fqdn)) => format!("{via}: {fqdn}: NXDOMAIN (no Service with a ClusterIP or ready endpoints of that name)"),
                    None => format!("{via}: {} is not a cluster DNS name; outside DNS is not simulated", names[0]),
                },
                None => format!(
                    "no cluster DNS record for {} (tried in this order: {}): no Service with a ClusterIP or ready endpoints, nor a pod, of those names; names outside the cluster zone are not simulated",
                    names.join(", "),
                    resolver.describe()
                ),
            });
        }
    }

    /// What kind of record answers `fqdn`, for the DNS hop.
    fn dns_name_kind(&self, fqdn: &str) -> String {
        let zone = self.input.config.cluster_domain.trim_matches('.');
        if fqdn.ends_with(&format!(".pod.{zone}")) {
            return "a pod A record, made from the pod's IP".into();
        }
        let labels: Vec<&str> = fqdn.strip_suffix(&format!(".svc.{zone}")).unwrap_or(fqdn).split('.').collect();
        match labels.as_slice() {
            [svc, ns] => format!("headless Service {ns}/{svc}: one record per ready endpoint, no ClusterIP"),
            // `services` holds the Services with a ClusterIP: an endpoint name of one of those
            // is an endpoint query CoreDNS answers for every Service (`findServices`).
            [host, svc, ns] if self.input.services.iter().any(|s| s.namespace == *ns && s.name == *svc) => {
                format!("endpoint {host} of Service {ns}/{svc} (CoreDNS answers endpoint names of every Service, not only headless ones)")
            }
            [host, svc, ns] => format!("endpoint {host} of headless Service {ns}/{svc}, from the pod's hostname and subdomain"),
            _ => "a cluster DNS record".into(),
        }
    }

    /// `(namespace, name, fqdn)` of the Service DNS name `<name>.<ns>.svc.<zone>`.
    fn service_fqdn(&self, fqdn: &str) -> Option<(String, String, String)> {
        let zone = format!(".svc.{}", self.input.config.cluster_domain.trim_matches('.'));
        let (name, ns) = fqdn.strip_suffix(zone.as_str())?.split_once('.')?;
        (!ns.contains('.')).then(|| (ns.to_string(), name.to_string(), fqdn.to_string()))
    }

    /// `(namespace, name, fqdn)` of an absolute Service name such as a CNAME target:
    /// `<name>.<ns>.svc` or `<name>.<ns>.svc.<zone>`; `None` for names outside the cluster.
    fn cluster_name(&self, host: &str) -> Option<(String, String, String)> {
        let zone = self.input.config.cluster_domain.trim_matches('.');
        match host.strip_suffix(".svc") {
            Some(short) => self.service_fqdn(&format!("{short}.svc.{zone}")),
            None => self.service_fqdn(host),
        }
    }

    fn entry_node(
        &self,
        client: &Client,
        dst: IpAddr,
        port: u16,
        req: &TraceRequest,
        rng: &mut Rng,
        hops: &mut Vec<Hop>,
    ) -> Option<String> {
        if let Some(n) = &client.node {
            return Some(n.clone());
        }
        if let Some(n) = self.input.node_by_ip(dst) {
            return Some(n.name.clone());
        }
        if let Some(n) = &req.entry_node {
            return Some(n.clone());
        }
        let svc = self.service_for(dst, port, req.protocol, false);
        let nodes = self.lb_nodes(svc);
        if nodes.is_empty() {
            return None;
        }
        let pick = nodes[rng.below(nodes.len())].clone();
        let cluster_ip = self.input.services.iter().any(|s| s.cluster_ips.contains(&dst));
        let detail = if cluster_ip {
            format!(
                "{dst} is a ClusterIP: virtual, reachable only from nodes and pods or through a route to the Service CIDR; the request is sent to node {pick} as such a route would"
            )
        } else {
            format!("traffic to {dst} enters the cluster at node {pick} (one of {} eligible nodes)", nodes.len())
        };
        hops.push(hop("load-balancer", pick.clone(), detail));
        Some(pick)
    }

    fn trace_packet(&mut self, client: &Client, dst: IpAddr, port: u16, req: &TraceRequest, mut hops: Vec<Hop>, rng: &mut Rng) -> Trace {
        if let Some(why) = own_loopback(client, dst, port) {
            hops.push(hop("loopback", join_host_port(dst, port), why));
            return Trace::end(Outcome::NoRoute, hops);
        }
        let Some(node) = self.entry_node(client, dst, port, req, rng, &mut hops) else {
            hops.push(hop("route", dst.to_string(), "the cluster has no node to carry this traffic"));
            return Trace::end(Outcome::NoRoute, hops);
        };
        let src = source_for(client, dst);
        if src != client.ip {
            if let Some(h) = hops.iter_mut().find(|h| h.kind == "client") {
                if src == client_addr(client, dst) {
                    h.detail
                        .push_str(&format!("; the connection's source is its IPv6 address {src}, and the IPv6 proxier's rules take it"));
                } else {
                    h.detail.push_str(&format!("; the connection's source is {src}, as the kernel picks for a loopback destination"));
                }
            }
        }
        let (mut w, mut svc) = match self.walk_node(&node, src, client.origin, dst, port, req, rng, &mut hops) {
            Ok(x) => x,
            Err(outcome) => return Trace::end(outcome, hops),
        };
        // Nothing on the client's node took it and the address is another node's: routed there,
        // where it enters that node's rules (nat PREROUTING) like any packet from the network.
        if let Some((next, src)) = self.forwarded(&node, &w, src, dst) {
            hops.push(hop(
                "route",
                next.clone(),
                format!(
                    "{dst} is node {next}'s address: no rule on node {node} applies, so the packet is routed to node {next}, whose rules process it on arrival"
                ),
            ));
            (w, svc) = match self.walk_node(&next, src, Origin::Routed, dst, port, req, rng, &mut hops) {
                Ok(x) => x,
                Err(outcome) => return Trace::end(outcome, hops),
            };
        }
        let backend = svc.map(|s| BackendRef { namespace: s.namespace.clone(), service: s.name.clone(), port: port_label(s) });
        let mut t = Self::finish_walk(&w, self.input, svc, dst, port, hops);
        t.backend = backend;
        t
    }

    /// The node a packet that crossed `node` untouched is routed to, and its source then: `dst`
    /// is another node's address and no rule of `node` DNATed, rejected or kept it.
    fn forwarded(&self, node: &str, w: &Walk, src: IpAddr, dst: IpAddr) -> Option<(String, IpAddr)> {
        if w.verdict != Verdict::Accept || w.dnat.is_some() || w.delivered_locally {
            return None;
        }
        let next = self.input.node_by_ip(dst).filter(|n| n.name != node)?;
        let src = if w.masqueraded { self.node_ips(node).first().copied()? } else { src };
        Some((next.name.clone(), src))
    }

    /// The addresses kube-proxy accepts NodePorts on in `mode` (`None`: iptables' address type
    /// LOCAL, loopback included), taken from the node's own generated tables so the trace and
    /// `proxy-rules` agree.
    fn nodeport_addrs(&mut self, node: &str, mode: Mode, v6: bool) -> Option<Vec<IpAddr>> {
        match mode {
            Mode::Iptables => None,
            Mode::Nftables => Some(
                self.nft_ruleset(node, v6)
                    .set("nodeport-ips")
                    .map(|s| s.elements.iter().filter_map(|e| e.parse().ok()).collect())
                    .unwrap_or_default(),
            ),
            Mode::Ipvs => {
                let mut out: Vec<IpAddr> = Vec::new();
                for v in self.ipvs_table(node, v6).services.iter().filter(|v| v.kind == ipvs::VipKind::NodePort) {
                    if !out.contains(&v.ip) {
                        out.push(v.ip);
                    }
                }
                Some(out)
            }
        }
    }

    /// Whether `dst` takes NodePorts on `node` in `mode`.
    fn accepts_nodeports(&self, node_ips: &[IpAddr], nodeport_addrs: Option<&[IpAddr]>, dst: IpAddr) -> bool {
        match nodeport_addrs {
            Some(a) => a.contains(&dst),
            None => node_ips.contains(&dst) || (dst.is_loopback() && dst.is_ipv4() && self.input.config.localhost_node_ports),
        }
    }

    /// Walks the packet through `node`'s rules and adds the hops in `req.mode`'s terms. `Err`
    /// when a mode-only rule ended it (the hops say why).
    #[allow(clippy::too_many_arguments)]
    fn walk_node(
        &mut self,
        node: &str,
        src: IpAddr,
        origin: Origin,
        dst: IpAddr,
        port: u16,
        req: &TraceRequest,
        rng: &mut Rng,
        hops: &mut Vec<Hop>,
    ) -> Result<(Walk, Option<&'a ServicePortInfo>), Outcome> {
        let pkt = Packet { src, dst, dport: port, proto: req.protocol };
        let node_ips = self.node_ips(node);
        let v6 = dst.is_ipv6();
        let np_addrs = self.nodeport_addrs(node, req.mode, v6);
        let mut oracle = RandomOracle::new(rng.next_u64());
        let node_local = self.accepts_nodeports(&node_ips, np_addrs.as_deref(), dst);
        let svc = self.service_for(dst, port, req.protocol, node_local);
        if let Some(addrs) = np_addrs.as_deref().filter(|_| !node_local && (node_ips.contains(&dst) || dst.is_loopback())) {
            // A NodePort asked for on an address this mode does not take NodePorts on.
            if let Some(s) = self.input.services.iter().find(|s| s.node_port == port && s.protocol == req.protocol) {
                let list = addrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                let detail = match req.mode {
                    Mode::Nftables => format!(
                        "{port} is the NodePort of {}, but nftables takes NodePorts only on @nodeport-ips ({list}; nodePortAddresses defaults to the primary IPs), never on localhost: {dst} gets no DNAT",
                        s.port_name_string()
                    ),
                    _ => format!(
                        "{port} is the NodePort of {}, but IPVS has NodePort virtual servers only on the node's addresses ({list}), never on localhost: {dst} gets no DNAT",
                        s.port_name_string()
                    ),
                };
                hops.push(Hop {
                    kind: req.mode.as_str().into(),
                    name: join_host_port(dst, port),
                    detail,
                    rule: None,
                    node: Some(node.to_string()),
                });
            }
        }
        let rs = self.ruleset(node, v6);
        let w = eval::walk_nodeports(rs, &node_ips, np_addrs.as_deref(), pkt, origin, &mut oracle);
        match req.mode {
            Mode::Iptables => hops.extend(rule_hops(rs, &w.hits, node)),
            Mode::Nftables => {
                let infos = HitInfo::collect(rs, &w.hits);
                let nft = self.nft_ruleset(node, v6);
                for st in modes::nft_steps(nft, &infos, svc, src, dst, port, req.protocol, origin == Origin::Local) {
                    hops.push(Hop {
                        kind: "nftables".into(),
                        name: st.name,
                        detail: st.detail,
                        rule: (!st.rule.is_empty()).then_some(st.rule),
                        node: Some(node.to_string()),
                    });
                }
                // nftables-only rules: ClusterIPs on unused ports and unallocated Service IPs.
                if w.verdict == Verdict::Accept && w.dnat.is_none() {
                    if let Some((reject, st)) = modes::nft_cluster_ip_check(nft, dst) {
                        hops.push(Hop {
                            kind: "nftables".into(),
                            name: st.name,
                            detail: st.detail,
                            rule: Some(st.rule),
                            node: Some(node.to_string()),
                        });
                        let (outcome, v) = if reject { (Outcome::Rejected, "REJECT") } else { (Outcome::Dropped, "DROP") };
                        hops.push(hop(
                            "verdict",
                            v,
                            format!("kube-proxy's nftables rules {} traffic to {dst}:{port}", if reject { "reject" } else { "drop" }),
                        ));
                        return Err(outcome);
                    }
                }
            }
            Mode::Ipvs => {
                let endpoint = w.dnat;
                let table = self.ipvs_table(node, v6);
                match svc.and_then(|s| modes::ipvs_step(table, s, dst, port, endpoint)) {
                    Some(st) => {
                        hops.push(Hop { kind: "ipvs".into(), name: st.name, detail: st.detail, rule: None, node: Some(node.to_string()) });
                    }
                    None if w.dnat.is_none() => {}
                    None => hops.push(hop("ipvs", dst.to_string(), "no IPVS virtual server has this address and port")),
                }
            }
        }
        Ok((w, svc))
    }

    fn finish_walk(w: &Walk, input: &ProxyInput, svc: Option<&ServicePortInfo>, dst: IpAddr, port: u16, mut hops: Vec<Hop>) -> Trace {
        match w.verdict {
            Verdict::Reject => {
                let why = match svc {
                    Some(s) if s.endpoints.is_empty() => format!(
                        "{} has no endpoints: no EndpointSlice lists a pod for it (a Service without a selector, or a selector that matches no pod)",
                        s.port_name_string()
                    ),
                    Some(s) => format!("{} has no ready or serving-terminating endpoint", s.port_name_string()),
                    None => "rejected by a filter rule".into(),
                };
                hops.push(hop(
                    "verdict",
                    "REJECT",
                    format!("{why}; the client gets an immediate ICMP port unreachable / TCP reset (connection refused)"),
                ));
                Trace::end(Outcome::Rejected, hops)
            }
            Verdict::Drop => {
                let why = if w.truncated {
                    "the rule walk hit its step limit".into()
                } else {
                    "the packet is dropped silently: the client times out".to_string()
                };
                hops.push(hop("verdict", "DROP", why));
                Trace::end(Outcome::Dropped, hops)
            }
            Verdict::Accept => {
                let (ip, p) = w.dnat.unwrap_or((dst, port));
                if w.dnat.is_none() {
                    if let Some(pod) = input.pod_by_ip(ip) {
                        hops.push(hop(
                            "pod-network",
                            format!("{}/{}", pod.namespace, pod.name),
                            "no Service VIP: routed straight to the pod IP",
                        ));
                    } else if w.delivered_locally {
                        hops.push(hop(
                            "route",
                            ip.to_string(),
                            format!("delivered to the node itself; no kube-proxy rule matches port {p} (connection refused unless a process of the node listens there)"),
                        ));
                        return Trace::end(Outcome::NoRoute, hops);
                    } else {
                        hops.push(hop("route", ip.to_string(), "no pod, node or Service VIP has this address"));
                        return Trace::end(Outcome::NoRoute, hops);
                    }
                } else {
                    hops.push(hop(
                        "dnat",
                        join_host_port(ip, p),
                        format!("destination rewritten from {} to {}", join_host_port(dst, port), join_host_port(ip, p)),
                    ));
                }
                if w.masqueraded {
                    hops.push(hop(
                        "snat",
                        "MASQUERADE",
                        "KUBE-MARK-MASQ set mark 0x4000, so POSTROUTING masquerades: the pod sees the node's address as source",
                    ));
                }
                let ep = endpoint_ref(input, svc, ip, p);
                hops.push(hop(
                    "endpoint",
                    ep.pod.clone().unwrap_or_else(|| ep.ip.clone()),
                    format!("{}:{}{}", ep.ip, ep.port, ep.node.as_ref().map(|n| format!(" on node {n}")).unwrap_or_default()),
                ));
                Trace {
                    outcome: Outcome::Delivered,
                    http_status: None,
                    backend: None,
                    endpoint: Some(ep),
                    hops,
                    masqueraded: w.masqueraded,
                    upstream_node: None,
                }
            }
        }
    }

    fn trace_http(&mut self, http: &HttpRequest, req: &TraceRequest, mut hops: Vec<Hop>, rng: &mut Rng) -> Trace {
        let input = self.input;
        let served = ingress::served(input, req.ingress_class.as_deref());
        hops.push(hop("ingress-class", served.class.clone().unwrap_or_else(|| "-".into()), served.note.clone()));
        let host = http.bare_host();
        if http.https {
            match ingress::tls_for(&served.ingresses, &host) {
                Some((ing, secret)) => hops.push(hop(
                    "tls",
                    host.clone(),
                    format!(
                        "TLS terminated with secret {} of ingress {}/{}",
                        secret.unwrap_or("(controller default)"),
                        ing.namespace,
                        ing.name
                    ),
                )),
                None => hops.push(hop(
                    "tls",
                    host.clone(),
                    "no Ingress lists this host under tls: the controller presents its default (self-signed) certificate",
                )),
            }
        }
        let mut http = http.clone();
        // What the request already passed (hosts, ExternalName Services): coming back is a loop.
        let mut seen: Vec<String> = vec![format!("host {}", http.bare_host())];
        let (ns, svc_name, port, backend, upstream) = loop {
            let route = match ingress::route(&served.ingresses, &http) {
                IngressDecision::NotFound { detail } => {
                    hops.push(hop("ingress", "default-backend", detail));
                    let mut t = Trace::end(Outcome::NoRoute, hops);
                    t.http_status = Some(404);
                    return t;
                }
                IngressDecision::Routed(r) => r,
            };
            hops.push(hop("ingress", format!("{}/{}", route.ingress.namespace, route.ingress.name), route.detail.clone()));
            let (svc_name, port) = match route.backend {
                IngressBackend::Service { name, port } => (name, port),
                IngressBackend::Resource { kind, name } => {
                    hops.push(hop("backend", format!("{kind}/{name}"), "a resource backend: not a Service, not simulated"));
                    return Trace::end(Outcome::NoRoute, hops);
                }
            };
            let ns = route.ingress.namespace.clone();
            let backend = BackendRef { namespace: ns.clone(), service: svc_name.clone(), port: port.to_string() };
            match self.follow_external_name(&served.ingresses, ns, svc_name.clone(), port, &mut seen, &mut hops) {
                Follow::Service { namespace, name } => break (namespace, name, port.clone(), backend, route.ingress.service_upstream),
                Follow::Ingress(host) => {
                    http = HttpRequest { host, path: http.path, https: false };
                }
                Follow::End(outcome) => {
                    let mut t = Trace::end(outcome, hops);
                    t.backend = Some(backend);
                    return t;
                }
            }
        };
        let (ns, svc_name, port) = (&ns, &svc_name, &port);
        let svc = match self.find_service_port(ns, svc_name, port, Protocol::Tcp) {
            Ok(s) => s,
            Err(e) => {
                hops.push(hop("service", format!("{ns}/{svc_name}"), format!("{e}: ingress-nginx answers 503")));
                let mut t = Trace::end(Outcome::Rejected, hops);
                t.http_status = Some(503);
                t.backend = Some(backend);
                return t;
            }
        };
        if upstream {
            return self.trace_service_upstream(svc, backend, req, hops, rng);
        }
        let eps = ingress_endpoints(svc, None);
        if eps.is_empty() {
            hops.push(hop(
                "service",
                format!("{ns}/{svc_name}"),
                format!("{} has no ready endpoints: ingress-nginx answers 503", svc.port_name_string()),
            ));
            let mut t = Trace::end(Outcome::Rejected, hops);
            t.http_status = Some(503);
            t.backend = Some(backend);
            return t;
        }
        let ep = eps[rng.below(eps.len())];
        hops.push(hop(
            "service",
            format!("{ns}/{svc_name}"),
            format!(
                "{} endpoint(s); ingress-nginx picks {} itself from the EndpointSlices (kube-proxy is not involved)",
                eps.len(),
                ep.addr()
            ),
        ));
        let er = endpoint_ref(input, Some(svc), ep.ip, ep.port);
        hops.push(hop("endpoint", er.pod.clone().unwrap_or_else(|| er.ip.clone()), format!("{}:{}", er.ip, er.port)));
        Trace {
            outcome: Outcome::Delivered,
            http_status: Some(200),
            backend: Some(backend),
            endpoint: Some(er),
            hops,
            masqueraded: false,
            upstream_node: None,
        }
    }
}

impl Tracer<'_> {
    /// ingress-nginx with `service-upstream: "true"` connects to the Service's ClusterIP, and
    /// kube-proxy on the controller's node picks the endpoint. kplay has no controller pod: the
    /// controller is taken to run on the request's entry node (by default the first node),
    /// connecting from that node's address. A refused or dropped upstream connection is nginx's
    /// 502 or 504.
    fn trace_service_upstream(
        &mut self,
        svc: &ServicePortInfo,
        backend: BackendRef,
        req: &TraceRequest,
        mut hops: Vec<Hop>,
        rng: &mut Rng,
    ) -> Trace {
        let node = req.entry_node.clone().or_else(|| self.input.nodes.first().map(|n| n.name.clone()));
        let vip = svc.cluster_ip_for(true).or_else(|| svc.cluster_ips.first().copied());
        let (Some(node), Some(vip)) = (node, vip) else {
            hops.push(hop("service", svc.port_name_string(), "service-upstream: no node or ClusterIP to send to"));
            return Trace::end(Outcome::NoRoute, hops);
        };
        let Some(ip) = self.node_ips(&node).first().copied() else {
            hops.push(hop("service", svc.port_name_string(), format!("service-upstream: node {node} has no address")));
            return Trace::end(Outcome::NoRoute, hops);
        };
        hops.push(hop(
            "service",
            svc.port_name_string(),
            format!(
                "service-upstream: ingress-nginx proxies to the ClusterIP {}, so kube-proxy on the controller's node ({node}, taken as where it runs) picks the endpoint",
                join_host_port(vip, svc.port)
            ),
        ));
        let client = Client {
            ip,
            ip6: None,
            node: Some(node.clone()),
            origin: Origin::Local,
            label: "ingress-nginx controller".into(),
            resolver: Resolver::cluster_first("default", &self.input.config.cluster_domain),
            no_cluster_dns: None,
        };
        let mut t = self.trace_packet(&client, vip, svc.port, req, hops, rng);
        t.http_status = Some(match t.outcome {
            Outcome::Delivered => 200,
            Outcome::Dropped => 504,
            Outcome::Rejected | Outcome::NoRoute => 502,
        });
        t.backend = Some(backend);
        t.upstream_node = Some(node);
        t
    }
}

/// Where an Ingress backend leads once ExternalName Services are followed.
enum Follow {
    /// A Service with a ClusterIP (or none at all: the caller reports it).
    Service {
        namespace: String,
        name: String,
    },
    /// The ExternalName points at a host the same controller serves: the request comes back.
    Ingress(String),
    End(Outcome),
}

impl Tracer<'_> {
    /// Follows ExternalName backends: ingress-nginx proxies to `spec.externalName`, which is a
    /// cluster Service name (followed), a host of the same controller (the request re-enters
    /// it), or outside the cluster (not simulated). Passing a Service or host twice is a loop.
    fn follow_external_name(
        &self,
        ingresses: &[&super::input::IngressInfo],
        mut ns: String,
        mut name: String,
        port: &BackendPort,
        seen: &mut Vec<String>,
        hops: &mut Vec<Hop>,
    ) -> Follow {
        let looped = |seen: &[String], again: &str, hops: &mut Vec<Hop>| {
            hops.push(hop(
                "loop",
                again.to_string(),
                format!(
                    "request loop: {} -> {again} again. The request never reaches a pod: ingress-nginx keeps proxying it to itself until a timeout or its connection limit ends it with an error",
                    seen.join(" -> ")
                ),
            ));
            Follow::End(Outcome::Dropped)
        };
        loop {
            let Some(ext) = self.input.external_name(&ns, &name) else { return Follow::Service { namespace: ns, name } };
            let key = format!("service {ns}/{name}");
            if seen.contains(&key) || seen.len() > 2 * MAX_CNAME_CHAIN {
                return looped(seen, &key, hops);
            }
            seen.push(key);
            let target = ext.trim_end_matches('.').to_ascii_lowercase();
            if let Some((ns2, name2, fqdn)) = self.cluster_name(&target) {
                hops.push(hop(
                    "service",
                    format!("{ns}/{name}"),
                    format!("ExternalName: CNAME {fqdn}; ingress-nginx proxies to {fqdn}:{port}"),
                ));
                (ns, name) = (ns2, name2);
                continue;
            }
            // Only hosts named by a rule (exactly or by wildcard): a host-less rule would catch
            // every outside name, and nothing says those resolve to this controller.
            let served_here = ingresses.iter().any(|i| {
                i.rules.iter().any(|r| {
                    r.host.as_deref().is_some_and(|h| !h.is_empty()) && ingress::host_matches(r.host.as_deref(), &target).is_some()
                })
            });
            if !served_here {
                hops.push(hop(
                    "service",
                    format!("{ns}/{name}"),
                    format!("ExternalName: CNAME {target}; ingress-nginx proxies to {target}:{port}, outside the cluster (not simulated)"),
                ));
                return Follow::End(Outcome::NoRoute);
            }
            hops.push(hop(
                "service",
                format!("{ns}/{name}"),
                format!("ExternalName: CNAME {target}; ingress-nginx proxies to {target}:{port}, a host this controller serves: the request comes back in"),
            ));
            let host_key = format!("host {target}");
            if seen.contains(&host_key) {
                return looped(seen, &host_key, hops);
            }
            seen.push(host_key);
            return Follow::Ingress(target);
        }
    }
}

/// Why a connection to a loopback address never leaves a client that is not in a node's
/// network namespace (a pod, or a client outside the cluster): 127.0.0.1 is its own loopback.
fn own_loopback(client: &Client, dst: IpAddr, port: u16) -> Option<String> {
    if !dst.is_loopback() || client.origin != Origin::Routed {
        return None;
    }
    let whose = if client.node.is_some() {
        format!("the loopback of {} itself: inside the pod's network namespace the connection never reaches the node, so no kube-proxy rule sees it", client.label)
    } else {
        format!("the loopback of the {} itself: the connection never reaches the cluster", client.label)
    };
    Some(format!("{dst} is {whose}; only a process of the client listening on port {port} would answer (otherwise: connection refused)"))
}

/// The source address of a client's connection to `dst`: a process on a node reaching a
/// loopback address sends from loopback, not from the node's address.
fn source_for(client: &Client, dst: IpAddr) -> IpAddr {
    match dst {
        IpAddr::V4(_) if dst.is_loopback() && client.origin == Origin::Local => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(_) if dst.is_loopback() && client.origin == Origin::Local => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        _ => client_addr(client, dst),
    }
}

/// The client's address of `dst`'s family when it has one (a dual-stack pod's IPv6 address).
fn client_addr(client: &Client, dst: IpAddr) -> IpAddr {
    client.ip6.filter(|_| dst.is_ipv6()).unwrap_or(client.ip)
}

fn port_label(s: &ServicePortInfo) -> String {
    if s.port_name.is_empty() {
        s.port.to_string()
    } else {
        s.port_name.clone()
    }
}

fn endpoint_ref(input: &ProxyInput, svc: Option<&ServicePortInfo>, ip: IpAddr, port: u16) -> EndpointRef {
    let ep = svc.and_then(|s| s.endpoints.iter().find(|e| e.ip == ip && e.port == port));
    let pod = ep
        .and_then(|e| e.pod.as_ref())
        .map(|p| format!("{}/{}", p.namespace, p.name))
        .or_else(|| input.pod_by_ip(ip).map(|p| format!("{}/{}", p.namespace, p.name)));
    let node = ep.and_then(|e| e.node_name.clone()).or_else(|| input.pod_by_ip(ip).and_then(|p| p.node.clone()));
    EndpointRef { ip: ip.to_string(), port, pod, node }
}

/// A hop for a matched iptables rule, with why it matched.
fn rule_hop(rs: &Ruleset, h: &eval::Hit, node: &str) -> Hop {
    let chain = rs.chain(h.table, &h.chain);
    let rule = chain.and_then(|c| c.rules.get(h.rule));
    let text = eval::hit_text(rs, h);
    let mut why = Vec::new();
    if let Some(r) = rule {
        for m in &r.matches {
            match m {
                Match::Statistic { probability, .. } => why.push(format!("random draw under probability {probability}")),
                Match::RecentCheck { name, seconds } => {
                    why.push(format!("client seen in {name} within {seconds}s (ClientIP session affinity)"));
                }
                Match::NotSrc(c) => why.push(format!("source outside {c}")),
                Match::Src(c) => why.push(format!("source in {c}")),
                Match::SrcTypeLocal => why.push("source is a local address of the node".into()),
                Match::DstTypeLocal => why.push("destination is a local address of the node".into()),
                Match::Nfacct(n) => why.push(format!("counted in the nfacct counter {n}")),
                _ => {}
            }
        }
        // In a load-balancing chain, say where this rule stands among the endpoint rules.
        if let (Some(c), Target::Jump(t)) = (chain, &r.target) {
            let is_lb = |r: &iptables::Rule| {
                matches!(&r.target, Target::Jump(j) if j.starts_with("KUBE-SEP-"))
                    && !r.matches.iter().any(|m| matches!(m, Match::RecentCheck { .. }))
            };
            if t.starts_with("KUBE-SEP-") && is_lb(r) {
                let lb: Vec<usize> = c.rules.iter().enumerate().filter(|(_, r)| is_lb(r)).map(|(i, _)| i).collect();
                let n = lb.len();
                if let Some(k) = lb.iter().position(|&i| i == h.rule) {
                    if n == 1 {
                        why.push("the only endpoint".into());
                    } else if k + 1 == n {
                        why.push(format!(
                            "the {} earlier random draws did not match, so the last of {n} endpoints takes it (1/{n} overall)",
                            n - 1
                        ));
                    } else {
                        why.push(format!("endpoint {} of {n}; the cascade of draws gives each endpoint 1/{n} overall", k + 1));
                    }
                }
            }
        }
        let what = match &r.target {
            Target::Jump(c) => format!("jump to {c}"),
            Target::Dnat { ip, port } => format!("DNAT to {}", join_host_port(*ip, *port)),
            Target::Reject => "REJECT".into(),
            Target::Drop => "DROP".into(),
            Target::Accept => "ACCEPT".into(),
            Target::MarkOr(_) => "mark for masquerade".into(),
            Target::MarkXor(_) => "clear the mark".into(),
            Target::Masquerade { .. } => "MASQUERADE".into(),
            Target::Return if r.matches.iter().any(|m| matches!(m, Match::NotMark(_))) => {
                "RETURN: the connection is not marked for masquerade, so the source address is kept".into()
            }
            Target::Return => "RETURN".into(),
            Target::None => "count only; falls through".into(),
        };
        let comment = r.comment().map(|c| format!("\"{c}\": ")).unwrap_or_default();
        why.insert(0, format!("{comment}{what}"));
    }
    Hop {
        kind: "iptables".into(),
        name: format!("{}/{}", if h.table == Table::Nat { "nat" } else { "filter" }, h.chain),
        detail: why.join("; "),
        rule: Some(text),
        node: Some(node.to_string()),
    }
}

/// Hops for the matched rules. Jumps into chains where nothing matched (the filter checks a
/// connection passes) are folded into one hop per calling chain, so the path stays readable.
fn rule_hops(rs: &Ruleset, hits: &[eval::Hit], node: &str) -> Vec<Hop> {
    let mut out: Vec<Hop> = Vec::new();
    let mut passed: Vec<(String, String, String)> = Vec::new(); // (calling chain, target, rule)
    let flush = |passed: &mut Vec<(String, String, String)>, out: &mut Vec<Hop>| {
        if passed.is_empty() {
            return;
        }
        let targets: Vec<&str> = passed.iter().map(|p| p.1.as_str()).collect();
        let rules: Vec<&str> = passed.iter().map(|p| p.2.as_str()).collect();
        out.push(Hop {
            kind: "iptables".into(),
            name: passed[0].0.clone(),
            detail: format!("checked {}: no rule there applies to this connection", targets.join(", ")),
            rule: Some(rules.join("\n")),
            node: Some(node.to_string()),
        });
        passed.clear();
    };
    for (i, h) in hits.iter().enumerate() {
        let target = rs.chain(h.table, &h.chain).and_then(|c| c.rules.get(h.rule)).map(|r| &r.target);
        let name = format!("{}/{}", if h.table == Table::Nat { "nat" } else { "filter" }, h.chain);
        if let Some(Target::Jump(t)) = target {
            let entered = hits.get(i + 1).is_some_and(|n| n.table == h.table && n.chain == *t);
            if !entered {
                if passed.first().is_some_and(|p| p.0 != name) {
                    flush(&mut passed, &mut out);
                }
                passed.push((name, t.clone(), eval::hit_text(rs, h)));
                continue;
            }
        }
        flush(&mut passed, &mut out);
        out.push(rule_hop(rs, h, node));
    }
    flush(&mut passed, &mut out);
    out
}

/// Options of a simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulateRequest {
    pub trace: TraceRequest,
    pub requests: usize,
    /// Distinct client addresses (affinity is per client address).
    pub clients: usize,
    /// Simulated time between requests, in milliseconds (affinity expires after its timeout).
    pub interval_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EndpointCount {
    pub endpoint: EndpointRef,
    pub count: u64,
    pub share: f64,
    /// The share the rules imply (probabilities multiplied along the chain, averaged over
    /// clients and entry nodes).
    pub expected_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Simulation {
    pub requests: u64,
    pub clients: usize,
    pub delivered: u64,
    pub rejected: u64,
    pub dropped: u64,
    pub no_route: u64,
    pub masqueraded: u64,
    pub endpoints: Vec<EndpointCount>,
    /// The first request's trace, to show the path.
    pub sample: Trace,
    /// Each client address of this same run, in address order: how many requests it sent and
    /// which endpoints they reached. Its counts add up to `endpoints`' counts.
    pub per_client: Vec<ClientTally>,
}

/// One client address's requests in a simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientTally {
    pub client: String,
    /// Requests this address sent (delivered or not).
    pub requests: u64,
    /// The endpoints its requests reached, in the order of `Simulation::endpoints`.
    pub hits: Vec<ClientHit>,
}

/// Requests of one client that reached one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientHit {
    /// Index into `Simulation::endpoints`.
    pub endpoint: usize,
    pub count: u64,
}

/// The load-balancing decisions of one destination: per client, per entry node, compiled
/// from that node's rules, with the endpoints they can reach and the share each should get.
struct Plan {
    clients: Vec<Client>,
    decisions: Vec<Vec<(String, Decision)>>,
    eps: Vec<EndpointRef>,
    expected: Vec<f64>,
}

/// How `simulate` picks among a decision's branches when no affinity applies: iptables and
/// nftables draw with the rules' probabilities; IPVS uses its scheduler (`rr`, and `wrr` since
/// kube-proxy gives every real server weight 1: in turn; `sh`: by the client's address; other
/// schedulers are drawn like iptables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IpvsPick {
    Random,
    InTurn,
    SourceHash,
}

/// A precomputed branch of a load-balancing decision.
#[derive(Debug, Clone)]
struct Branch {
    outcome: Outcome,
    endpoint: Option<usize>,
    masq: bool,
}

/// The decision structure for one client entering at one node.
#[derive(Debug, Clone)]
struct Decision {
    /// Affinity checks in rule order: (recent name, seconds, branch index).
    affinity: Vec<(String, u32, usize)>,
    /// Statistic thresholds in rule order, each with its branch; the last branch is the
    /// unconditional one.
    thresholds: Vec<(u32, usize)>,
    branches: Vec<Branch>,
    /// Probability of each branch on a fresh draw.
    probs: Vec<f64>,
}

impl Tracer<'_> {
    /// Client addresses for `k` clients derived from the request's client.
    fn clients(&self, req: &TraceRequest, k: usize) -> Result<Vec<Client>, String> {
        let base = self.client(&req.from)?;
        let mut out = vec![base.clone()];
        for i in 1..k {
            let ip = match base.ip {
                IpAddr::V4(v4) => IpAddr::V4((u32::from(v4).wrapping_add(i as u32)).into()),
                IpAddr::V6(v6) => IpAddr::V6((u128::from(v6).wrapping_add(i as u128)).into()),
            };
            out.push(Client { ip, label: format!("{} +{i}", base.label), ..base.clone() });
        }
        Ok(out)
    }

    /// The client as the node its packet is routed to sees it, when nothing on `node` takes a
    /// packet for another node's address (see [`Tracer::forwarded`]).
    fn forwarded_client(&mut self, client: &Client, node: &str, dst: IpAddr, port: u16, req: &TraceRequest) -> Option<(String, Client)> {
        if own_loopback(client, dst, port).is_some() {
            return None;
        }
        let node_ips = self.node_ips(node);
        let v6 = dst.is_ipv6();
        let np_addrs = self.nodeport_addrs(node, req.mode, v6);
        let src = source_for(client, dst);
        let pkt = Packet { src, dst, dport: port, proto: req.protocol };
        let rs = self.ruleset(node, v6);
        let mut probe = ForcedOracle { chain: None, take: None, first_random_chain: None };
        let w = eval::walk_nodeports(rs, &node_ips, np_addrs.as_deref(), pkt, client.origin, &mut probe);
        let (next, src) = self.forwarded(node, &w, src, dst)?;
        Some((next.clone(), Client { ip: src, node: Some(next), origin: Origin::Routed, ..client.clone() }))
    }

    fn compile(&mut self, client: &Client, node: &str, dst: IpAddr, port: u16, req: &TraceRequest, eps: &mut Vec<EndpointRef>) -> Decision {
        let input = self.input;
        let proto = req.protocol;
        if own_loopback(client, dst, port).is_some() {
            return Decision {
                affinity: vec![],
                thresholds: vec![],
                branches: vec![Branch { outcome: Outcome::NoRoute, endpoint: None, masq: false }],
                probs: vec![1.0],
            };
        }
        let node_ips = self.node_ips(node);
        let v6 = dst.is_ipv6();
        let np_addrs = self.nodeport_addrs(node, req.mode, v6);
        let pkt = Packet { src: source_for(client, dst), dst, dport: port, proto };
        let node_local = self.accepts_nodeports(&node_ips, np_addrs.as_deref(), dst);
        let svc = self.service_for(dst, port, proto, node_local);
        let rs = self.ruleset(node, v6);
        let mut probe = ForcedOracle { chain: None, take: None, first_random_chain: None };
        let base = eval::walk_nodeports(rs, &node_ips, np_addrs.as_deref(), pkt, client.origin, &mut probe);
        // nftables-only rules, as the trace applies them: a ClusterIP on a port no Service uses
        // is rejected, an unallocated address of the Service CIDR dropped (`cluster-ips-check`).
        if req.mode == Mode::Nftables && base.verdict == Verdict::Accept && base.dnat.is_none() {
            if let Some((reject, _)) = modes::nft_cluster_ip_check(self.nft_ruleset(node, v6), dst) {
                let outcome = if reject { Outcome::Rejected } else { Outcome::Dropped };
                let b = Branch { outcome, endpoint: None, masq: base.masqueraded };
                return Decision { affinity: vec![], thresholds: vec![], branches: vec![b], probs: vec![1.0] };
            }
        }
        let rs = self.ruleset(node, v6);
        let branch_of = |w: &Walk, eps: &mut Vec<EndpointRef>| -> Branch {
            let outcome = match w.verdict {
                Verdict::Accept if w.dnat.is_some() || input.pod_by_ip(dst).is_some() => Outcome::Delivered,
                Verdict::Accept => Outcome::NoRoute,
                Verdict::Reject => Outcome::Rejected,
                Verdict::Drop => Outcome::Dropped,
            };
            let endpoint = (outcome == Outcome::Delivered).then(|| {
                let (ip, p) = w.dnat.unwrap_or((dst, port));
                let er = endpoint_ref(input, svc, ip, p);
                eps.iter().position(|e| *e == er).unwrap_or_else(|| {
                    eps.push(er);
                    eps.len() - 1
                })
            });
            Branch { outcome, endpoint, masq: w.masqueraded }
        };
        let Some(lb) = probe.first_random_chain.clone() else {
            let b = branch_of(&base, eps);
            return Decision { affinity: vec![], thresholds: vec![], branches: vec![b], probs: vec![1.0] };
        };
        let rules = rs.chain(Table::Nat, &lb).map(|c| c.rules.clone()).unwrap_or_default();
        let mut d = Decision { affinity: vec![], thresholds: vec![], branches: vec![], probs: vec![] };
        let mut sep_branch: HashMap<String, usize> = HashMap::new();
        let mut remaining = 1.0;
        for (idx, r) in rules.iter().enumerate() {
            // Only the rules that pick an endpoint chain; the masquerade rule comes first.
            let Target::Jump(sep) = &r.target else { continue };
            if !sep.starts_with("KUBE-SEP-") {
                continue;
            }
            let recent = r.matches.iter().find_map(|m| match m {
                Match::RecentCheck { name, seconds } => Some((name.clone(), *seconds)),
                _ => None,
            });
            if let Some((name, secs)) = recent {
                d.affinity.push((name, secs, usize::MAX));
                continue;
            }
            let stored = r.matches.iter().find_map(|m| match m {
                Match::Statistic { stored, .. } => Some(*stored),
                _ => None,
            });
            let mut forced = ForcedOracle { chain: Some(lb.clone()), take: Some(idx), first_random_chain: None };
            let w = eval::walk_nodeports(rs, &node_ips, np_addrs.as_deref(), pkt, client.origin, &mut forced);
            let b = branch_of(&w, eps);
            d.branches.push(b);
            let bi = d.branches.len() - 1;
            sep_branch.insert(sep.clone(), bi);
            match stored {
                Some(s) => {
                    let p = f64::from(s) / 2_147_483_648.0;
                    d.probs.push(remaining * p);
                    remaining *= 1.0 - p;
                    d.thresholds.push((s, bi));
                }
                None => {
                    d.probs.push(remaining);
                    d.thresholds.push((u32::MAX, bi));
                    break;
                }
            }
        }
        for a in &mut d.affinity {
            a.2 = sep_branch.get(&a.0).copied().unwrap_or(usize::MAX);
        }
        d.affinity.retain(|a| a.2 != usize::MAX);
        if d.branches.is_empty() {
            let b = branch_of(&base, eps);
            return Decision { affinity: vec![], thresholds: vec![], branches: vec![b], probs: vec![1.0] };
        }
        d
    }

    /// Compiles the decisions of `clients` client addresses derived from `req`'s client sending
    /// to `(dst, port)`: their entry nodes (its own node, the node owning the address, the
    /// request's entry node, or every node the load balancer may pick), each node's decision,
    /// and the share of each endpoint averaged over clients and entry nodes.
    fn plan(&mut self, req: &TraceRequest, clients: usize, dst: IpAddr, port: u16) -> Result<Plan, String> {
        let clients = self.clients(req, clients)?;
        let svc = self.service_for(dst, port, req.protocol, false);
        let lb_nodes = self.lb_nodes(svc);
        let mut eps: Vec<EndpointRef> = Vec::new();
        let mut decisions: Vec<Vec<(String, Decision)>> = Vec::new();
        for c in &clients {
            let nodes: Vec<String> = if let Some(n) = &c.node {
                vec![n.clone()]
            } else if let Some(n) = self.input.node_by_ip(dst) {
                vec![n.name.clone()]
            } else if let Some(n) = &req.entry_node {
                vec![n.clone()]
            } else {
                lb_nodes.clone()
            };
            let mut per = Vec::new();
            for n in nodes {
                let d = match self.forwarded_client(c, &n, dst, port, req) {
                    Some((next, fwd)) => {
                        let d = self.compile(&fwd, &next, dst, port, req, &mut eps);
                        (next, d)
                    }
                    None => {
                        let d = self.compile(c, &n, dst, port, req, &mut eps);
                        (n, d)
                    }
                };
                per.push(d);
            }
            decisions.push(per);
        }
        let mut expected = vec![0.0; eps.len()];
        for per in &decisions {
            let w = 1.0 / (clients.len() as f64 * per.len().max(1) as f64);
            for (_, d) in per {
                for (b, p) in d.branches.iter().zip(&d.probs) {
                    if let Some(e) = b.endpoint {
                        expected[e] += w * p;
                    }
                }
            }
        }
        Ok(Plan { clients, decisions, eps, expected })
    }

    /// The share of new connections each endpoint gets from `req`'s client, as the rules of
    /// its node imply (traffic policies, topology, terminating fallback, affinity aside): the
    /// `expected_share` of [`Tracer::simulate`] without sending anything. Sorted by endpoint;
    /// endpoints the rules never pick are left out. `None` for Ingress URLs and destinations
    /// or clients that do not resolve.
    pub fn expected_shares(&mut self, req: &TraceRequest) -> Option<Vec<(EndpointRef, f64)>> {
        if matches!(req.to, Destination::Url(_)) {
            return None;
        }
        // A name's answers are equally likely (see `simulate_answers`); other destinations have one.
        let (dsts, port) = match self.answers(req) {
            Some(a) => a,
            None => self.vip_of(req).map(|(ip, port)| (vec![ip], port))?,
        };
        let weight = 1.0 / dsts.len() as f64;
        let mut out: Vec<(EndpointRef, f64)> = Vec::new();
        for dst in dsts {
            let plan = self.plan(req, 1, dst, port).ok()?;
            for (e, share) in plan.eps.into_iter().zip(plan.expected) {
                match out.iter_mut().find(|(m, _)| *m == e) {
                    Some((_, s)) => *s += weight * share,
                    None => out.push((e, weight * share)),
                }
            }
        }
        crate::sort::sort_by(&mut out, |a, b| a.0.ip.cmp(&b.0.ip).then(a.0.port.cmp(&b.0.port)));
        Some(out)
    }

    /// Sends `requests` requests and counts where they land.
    pub fn simulate(&mut self, sim: &SimulateRequest) -> Simulation {
        let sample = self.trace(&sim.trace);
        let mut out = Simulation {
            requests: sim.requests as u64,
            clients: sim.clients.max(1),
            delivered: 0,
            rejected: 0,
            dropped: 0,
            no_route: 0,
            masqueraded: 0,
            endpoints: vec![],
            sample: sample.clone(),
            per_client: vec![],
        };
        let mut rng = Rng::new(sim.trace.seed ^ 0x005E_ED0F_5EED);
        let bump = |o: Outcome, out: &mut Simulation, n: u64| match o {
            Outcome::Delivered => out.delivered += n,
            Outcome::Rejected => out.rejected += n,
            Outcome::Dropped => out.dropped += n,
            Outcome::NoRoute => out.no_route += n,
        };

        // A name with several answers (a headless Service): each request looks it up again, and
        // CoreDNS shuffles the answers, so each is as likely as the others to be connected to.
        if let Some((answers, port)) = self.answers(&sim.trace).filter(|(a, _)| a.len() > 1) {
            self.simulate_answers(sim, &answers, port, &mut out, &mut rng);
            return out;
        }
        // HTTP through the Ingress: the route is fixed; the controller picks endpoints uniformly.
        let dest = match &sim.trace.to {
            Destination::Url(_) => None,
            _ => self.vip_of(&sim.trace),
        };
        let Some((dst, port)) = dest else {
            self.simulate_http(sim, &sample, &mut out, &mut rng);
            return out;
        };
        let Ok(Plan { clients, decisions, eps, expected }) = self.plan(&sim.trace, out.clients, dst, port) else {
            out.no_route = out.requests;
            return out;
        };
        let mut counts: Vec<u64> = vec![0; eps.len()];
        // Per client: requests sent, and (endpoint, count) for the endpoints it reached.
        let mut sent: Vec<u64> = vec![0; clients.len()];
        let mut tally: HashMap<(usize, usize), u64> = HashMap::new();
        // Affinity memory: per client, per branch, the time it was last recorded.
        let mut recent: Vec<Vec<Vec<f64>>> =
            decisions.iter().map(|per| per.iter().map(|(_, d)| vec![f64::NEG_INFINITY; d.branches.len()]).collect()).collect();
        // IPVS picks with its scheduler, not with iptables' random numbers (see `IpvsPick`).
        let pick = match (sim.trace.mode, self.input.config.ipvs_scheduler.as_str()) {
            (Mode::Ipvs, "" | "rr" | "wrr") => IpvsPick::InTurn,
            (Mode::Ipvs, "sh") => IpvsPick::SourceHash,
            _ => IpvsPick::Random,
        };
        // The branches each decision can take (probability above zero), computed once.
        let live: Vec<Vec<Vec<usize>>> = match pick {
            IpvsPick::Random => Vec::new(),
            _ => decisions
                .iter()
                .map(|per| {
                    per.iter().map(|(_, d)| (0..d.branches.len()).filter(|&b| d.probs.get(b).is_some_and(|&p| p > 0.0)).collect()).collect()
                })
                .collect(),
        };
        // rr's position per node (its virtual server for this destination).
        let mut turn: HashMap<&str, usize> = HashMap::new();
        let step = sim.interval_ms as f64 / 1000.0;
        for i in 0..sim.requests {
            let now = i as f64 * step;
            let ci = if clients.len() == 1 { 0 } else { rng.below(clients.len()) };
            sent[ci] += 1;
            let per = &decisions[ci];
            if per.is_empty() {
                out.no_route += 1;
                continue;
            }
            let ni = if per.len() == 1 { 0 } else { rng.below(per.len()) };
            let d = &per[ni].1;
            let mem = &mut recent[ci][ni];
            let mut chosen = None;
            for (_, secs, bi) in &d.affinity {
                if now - mem[*bi] <= f64::from(*secs) {
                    chosen = Some(*bi);
                    break;
                }
            }
            let bi = chosen.unwrap_or_else(|| {
                if d.thresholds.is_empty() {
                    return 0;
                }
                match (pick, live.get(ci).and_then(|l| l.get(ni))) {
                    (IpvsPick::InTurn, Some(l)) if !l.is_empty() => {
                        let k = turn.entry(per[ni].0.as_str()).or_insert(0);
                        *k += 1;
                        return l[(*k - 1) % l.len()];
                    }
                    (IpvsPick::SourceHash, Some(l)) if !l.is_empty() => {
                        let h = (ci as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
                        return l[(h % l.len() as u64) as usize];
                    }
                    _ => {}
                }
                for &(stored, bi) in &d.thresholds {
                    if stored == u32::MAX || (rng.next_u32() & 0x7FFF_FFFF) < stored {
                        return bi;
                    }
                }
                d.thresholds[d.thresholds.len() - 1].1
            });
            if !d.affinity.is_empty() {
                mem[bi] = now;
            }
            let b = &d.branches[bi];
            bump(b.outcome, &mut out, 1);
            if b.masq {
                out.masqueraded += 1;
            }
            if let Some(e) = b.endpoint {
                counts[e] += 1;
                // One client's tally is `counts` itself.
                if clients.len() > 1 {
                    *tally.entry((ci, e)).or_insert(0) += 1;
                }
            }
        }
        if clients.len() == 1 {
            tally.extend(counts.iter().enumerate().filter(|(_, &n)| n > 0).map(|(e, &n)| ((0, e), n)));
        }
        // Endpoints are listed sorted; client hits name them by their place in that list.
        let mut order: Vec<usize> = (0..eps.len()).collect();
        crate::sort::sort_by(&mut order, |&a, &b| eps[a].ip.cmp(&eps[b].ip).then(eps[a].port.cmp(&eps[b].port)));
        let mut place = vec![0; eps.len()];
        for (i, &e) in order.iter().enumerate() {
            place[e] = i;
        }
        out.per_client = tally_clients(&clients, sent, tally, |e| place[e]);
        let mut eps: Vec<Option<EndpointRef>> = eps.into_iter().map(Some).collect();
        out.endpoints = order
            .iter()
            .filter_map(|&e| Some((eps[e].take()?, counts[e], expected[e])))
            .map(|(endpoint, count, exp)| EndpointCount {
                endpoint,
                count,
                share: if sim.requests == 0 { 0.0 } else { count as f64 / sim.requests as f64 },
                expected_share: exp,
            })
            .collect();
        out
    }

    /// The VIP and port a service or DNS destination resolves to.
    fn vip_of(&self, req: &TraceRequest) -> Option<(IpAddr, u16)> {
        match &req.to {
            Destination::Service { namespace, name, port } => {
                let s = self.find_service_port(namespace, name, port, req.protocol).ok()?;
                Some((*s.cluster_ips.first()?, s.port))
            }
            Destination::Name { .. } => self.answers(req).map(|(ips, port)| (ips[0], port)),
            Destination::Addr { ip, port } => Some((*ip, *port)),
            Destination::Url(_) => None,
        }
    }

    /// What a DNS name destination resolves to from the request's client (never empty), and
    /// its port; `None` for other destinations and names that do not resolve.
    fn answers(&self, req: &TraceRequest) -> Option<(Vec<IpAddr>, u16)> {
        let Destination::Name { host, port } = &req.to else { return None };
        let client = self.client(&req.from).ok()?;
        self.lookup(&client, host).ok().map(|(ips, _)| (ips, *port))
    }

    /// `simulate` for a name with several answers: the requests are dealt over the answers
    /// uniformly at random (a lookup per request, answers shuffled), each answer's part is
    /// simulated as requests to that address, and the parts are added up. The expected share
    /// of an endpoint is its share within its answer's part over the number of answers.
    fn simulate_answers(&mut self, sim: &SimulateRequest, answers: &[IpAddr], port: u16, out: &mut Simulation, rng: &mut Rng) {
        let mut dealt = vec![0usize; answers.len()];
        for _ in 0..sim.requests {
            dealt[rng.below(answers.len())] += 1;
        }
        let weight = 1.0 / answers.len() as f64;
        let mut endpoints: Vec<EndpointCount> = Vec::new();
        let mut per_client: Vec<ClientTally> = Vec::new();
        for (k, (&ip, &requests)) in answers.iter().zip(&dealt).enumerate() {
            let trace =
                TraceRequest { to: Destination::Addr { ip, port }, seed: sim.trace.seed.wrapping_add(k as u64), ..sim.trace.clone() };
            let part = self.simulate(&SimulateRequest { trace, requests, ..sim.clone() });
            out.delivered += part.delivered;
            out.rejected += part.rejected;
            out.dropped += part.dropped;
            out.no_route += part.no_route;
            out.masqueraded += part.masqueraded;
            // Where each of the part's endpoints is in the merged list.
            let place: Vec<usize> = part
                .endpoints
                .into_iter()
                .map(|e| match endpoints.iter().position(|m| m.endpoint == e.endpoint) {
                    Some(i) => {
                        endpoints[i].count += e.count;
                        endpoints[i].expected_share += weight * e.expected_share;
                        i
                    }
                    None => {
                        endpoints.push(EndpointCount { expected_share: weight * e.expected_share, ..e });
                        endpoints.len() - 1
                    }
                })
                .collect();
            for c in part.per_client {
                let at = match per_client.iter().position(|m| m.client == c.client) {
                    Some(i) => i,
                    None => {
                        per_client.push(ClientTally { client: c.client.clone(), requests: 0, hits: Vec::new() });
                        per_client.len() - 1
                    }
                };
                let merged = &mut per_client[at];
                merged.requests += c.requests;
                for h in c.hits {
                    let e = place[h.endpoint];
                    match merged.hits.iter_mut().find(|m| m.endpoint == e) {
                        Some(m) => m.count += h.count,
                        None => merged.hits.push(ClientHit { endpoint: e, count: h.count }),
                    }
                }
            }
        }
        // Endpoints sorted as `simulate` sorts them; hits renumbered to match.
        let mut order: Vec<usize> = (0..endpoints.len()).collect();
        crate::sort::sort_by(&mut order, |&a, &b| {
            endpoints[a].endpoint.ip.cmp(&endpoints[b].endpoint.ip).then(endpoints[a].endpoint.port.cmp(&endpoints[b].endpoint.port))
        });
        let mut place = vec![0; endpoints.len()];
        for (i, &e) in order.iter().enumerate() {
            place[e] = i;
        }
        let mut slots: Vec<Option<EndpointCount>> = endpoints.into_iter().map(Some).collect();
        out.endpoints = order.iter().filter_map(|&e| slots[e].take()).collect();
        for e in &mut out.endpoints {
            e.share = if sim.requests == 0 { 0.0 } else { e.count as f64 / sim.requests as f64 };
        }
        for c in &mut per_client {
            for h in &mut c.hits {
                h.endpoint = place[h.endpoint];
            }
            crate::sort::sort_by_key(&mut c.hits, |h| h.endpoint);
        }
        out.per_client = per_client;
    }

    fn simulate_http(&mut self, sim: &SimulateRequest, sample: &Trace, out: &mut Simulation, rng: &mut Rng) {
        let n = sim.requests as u64;
        match sample.outcome {
            Outcome::Delivered => {}
            Outcome::Rejected => {
                out.rejected = n;
                return;
            }
            Outcome::Dropped => {
                out.dropped = n;
                return;
            }
            Outcome::NoRoute => {
                out.no_route = n;
                return;
            }
        }
        let Some(b) = &sample.backend else { return };
        let port = b.port.parse::<u16>().map_or_else(|_| BackendPort::Name(b.port.clone()), BackendPort::Number);
        let Ok(svc) = self.find_service_port(&b.namespace, &b.service, &port, Protocol::Tcp) else { return };
        let node = sample.upstream_node.as_deref();
        let eps = ingress_endpoints(svc, node.map(|n| (n, self.input.node(n).and_then(|n| n.zone.as_deref()))));
        if eps.is_empty() {
            return;
        }
        let mut counts = vec![0u64; eps.len()];
        // The controller does not look at the client: requests are spread over the client
        // addresses in turn, each tallied where it went.
        let clients = self.clients(&sim.trace, out.clients).unwrap_or_default();
        let mut sent = vec![0u64; clients.len()];
        let mut tally: HashMap<(usize, usize), u64> = HashMap::new();
        for i in 0..sim.requests {
            let e = rng.below(eps.len());
            counts[e] += 1;
            if !clients.is_empty() {
                let ci = i % clients.len();
                sent[ci] += 1;
                *tally.entry((ci, e)).or_insert(0) += 1;
            }
        }
        out.per_client = tally_clients(&clients, sent, tally, |e| e);
        out.delivered = n;
        out.endpoints = eps
            .iter()
            .zip(counts)
            .map(|(e, c)| EndpointCount {
                endpoint: endpoint_ref(self.input, Some(svc), e.ip, e.port),
                count: c,
                share: if n == 0 { 0.0 } else { c as f64 / n as f64 },
                expected_share: 1.0 / eps.len() as f64,
            })
            .collect();
    }
}

/// Each client's [`ClientTally`] from the requests it `sent` and the `(client, endpoint)`
/// counts; `place` maps an endpoint to its index in `Simulation::endpoints`.
fn tally_clients(
    clients: &[Client],
    sent: Vec<u64>,
    tally: HashMap<(usize, usize), u64>,
    place: impl Fn(usize) -> usize,
) -> Vec<ClientTally> {
    let mut hits: Vec<Vec<ClientHit>> = vec![Vec::new(); clients.len()];
    for ((ci, e), count) in tally {
        if let Some(h) = hits.get_mut(ci) {
            h.push(ClientHit { endpoint: place(e), count });
        }
    }
    clients
        .iter()
        .zip(sent)
        .zip(hits)
        .map(|((c, requests), mut hits)| {
            crate::sort::sort_by_key(&mut hits, |h| h.endpoint);
            ClientTally { client: c.ip.to_string(), requests, hits }
        })
        .collect()
}

/// Traces one request (convenience over [`Tracer`]).
pub fn trace(input: &ProxyInput, req: &TraceRequest) -> Trace {
    Tracer::new(input).trace(req)
}

/// Simulates many requests (convenience over [`Tracer`]).
pub fn simulate(input: &ProxyInput, sim: &SimulateRequest) -> Simulation {
    Tracer::new(input).simulate(sim)
}

/// The share of new connections each endpoint gets (convenience over [`Tracer::expected_shares`]).
pub fn expected_shares(input: &ProxyInput, req: &TraceRequest) -> Option<Vec<(EndpointRef, f64)>> {
    Tracer::new(input).expected_shares(req)
}
