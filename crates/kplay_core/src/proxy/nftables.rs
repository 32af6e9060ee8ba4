//! kube-proxy's nftables mode: the `kube-proxy` table `syncProxyRules` writes for one node
//! (`pkg/proxy/nftables/proxier.go`): sets and verdict maps for dispatch, one chain per service
//! port policy and per endpoint, `numgen random mod N` load balancing and per-endpoint affinity
//! sets. Rendered as kube-proxy's transaction (`add rule ip kube-proxy ...`, the form of its
//! unit tests) and as `nft list ruleset` shows it.
//!
//! The layout (base chains and priorities, `cluster-ips-check`, the masquerade rule without a
//! port match) is that of the newest `TestOverallNFTablesRules`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::IpAddr;

use super::endpoints::categorize;
use super::input::{Cidr, EndpointInfo, ProxyConfig, ProxyInput, ServicePortInfo};
use super::iptables::NodeContext;
use super::names;

/// The masquerade mark, as kube-proxy formats it (`%#08x` of bit 14).
const MASQ_MARK: &str = "0x4000";
/// The longest comment the kernel accepts on an nftables object, in bytes.
const NFT_COMMENT_MAX: usize = 128;

/// A set (`cluster-ips`, `nodeport-ips`, `affinity-...`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftSet {
    pub name: String,
    pub type_: &'static str,
    pub comment: Option<&'static str>,
    /// `Some(seconds)` for the dynamic affinity sets (`flags dynamic,timeout`).
    pub timeout: Option<u32>,
    pub elements: Vec<String>,
}

/// One element of a verdict map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftElement {
    /// `172.30.0.41 . tcp . 80` or `tcp . 3001`.
    pub key: String,
    pub comment: Option<String>,
    /// `goto service-...`, `drop`, `goto reject-chain`.
    pub verdict: String,
}

/// A verdict map (`service-ips`, `no-endpoint-services`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftMap {
    pub name: &'static str,
    pub type_: String,
    pub comment: &'static str,
    pub elements: Vec<NftElement>,
}

impl NftMap {
    /// The element for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&NftElement> {
        self.elements.iter().find(|e| e.key == key)
    }
}

/// The hook of a base chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseChain {
    pub type_: &'static str,
    pub hook: &'static str,
    pub priority: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftRule {
    pub text: String,
    pub comment: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NftChain {
    pub name: String,
    pub base: Option<BaseChain>,
    pub comment: Option<&'static str>,
    pub rules: Vec<NftRule>,
}

/// The `kube-proxy` table of one node.
#[derive(Debug, Clone, Default)]
pub struct NftRuleset {
    pub node: String,
    /// `ip` or `ip6`.
    pub family: &'static str,
    pub sets: Vec<NftSet>,
    pub maps: Vec<NftMap>,
    pub chains: Vec<NftChain>,
}

/// The names kube-proxy derives for one service port (`servicePortChainNameBase`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceNames {
    pub service: String,
    pub local: String,
    pub external: String,
    pub firewall: String,
}

impl ServiceNames {
    pub fn of(svc: &ServicePortInfo) -> Self {
        let base = names::nft_service_base(&svc.namespace, &svc.name, svc.protocol.lower(), &svc.port_name);
        ServiceNames {
            service: format!("service-{base}"),
            local: format!("local-{base}"),
            external: format!("external-{base}"),
            firewall: format!("firewall-{base}"),
        }
    }
}

/// `endpoint-...` chain and `affinity-...` set of one endpoint of one service port.
pub fn endpoint_names(svc: &ServicePortInfo, ep: &EndpointInfo) -> (String, String) {
    let base = names::nft_endpoint_base(&svc.namespace, &svc.name, svc.protocol.lower(), &svc.port_name, &ep.ip.to_string(), ep.port);
    (format!("endpoint-{base}"), format!("affinity-{base}"))
}

impl NftRuleset {
    pub fn chain(&self, name: &str) -> Option<&NftChain> {
        self.chains.iter().find(|c| c.name == name)
    }

    pub fn map(&self, name: &str) -> Option<&NftMap> {
        self.maps.iter().find(|m| m.name == name)
    }

    pub fn set(&self, name: &str) -> Option<&NftSet> {
        self.sets.iter().find(|s| s.name == name)
    }

    fn map_mut(&mut self, name: &str) -> &mut NftMap {
        let i = self.maps.iter().position(|m| m.name == name).unwrap_or(0);
        &mut self.maps[i]
    }

    fn add_chain(&mut self, name: &str, rules: Vec<NftRule>) {
        self.chains.push(NftChain { name: name.to_string(), base: None, comment: None, rules });
    }

    pub fn rule_count(&self) -> usize {
        self.chains.iter().map(|c| c.rules.len()).sum()
    }
}

/// What generation has already added, for constant-time duplicate checks.
#[derive(Default)]
struct Seen {
    cluster_ips: HashSet<IpAddr>,
    affinity_sets: HashSet<String>,
}

fn rule(text: impl Into<String>) -> NftRule {
    NftRule { text: text.into(), comment: None }
}

fn commented(text: impl Into<String>, comment: &'static str) -> NftRule {
    NftRule { text: text.into(), comment: Some(comment) }
}

/// Generates the `kube-proxy` table kube-proxy writes on `node` for its IP family.
pub fn generate(input: &ProxyInput, node: &NodeContext<'_>) -> NftRuleset {
    let v6 = node.ipv6;
    let ipx = if v6 { "ip6" } else { "ip" };
    let addr_type = if v6 { "ipv6_addr" } else { "ipv4_addr" };
    let mut rs = NftRuleset { node: node.name.to_string(), family: ipx, ..NftRuleset::default() };

    // nodePortAddresses defaults to "primary": the node's IPs of this family.
    let node_ips: Vec<IpAddr> = node.ips.iter().copied().filter(|ip| ip.is_ipv6() == v6 && !ip.is_loopback()).collect();
    rs.sets.push(NftSet {
        name: "cluster-ips".into(),
        type_: addr_type,
        comment: Some("Active ClusterIPs"),
        timeout: None,
        elements: vec![],
    });
    rs.sets.push(NftSet {
        name: "nodeport-ips".into(),
        type_: addr_type,
        comment: Some("IPs that accept NodePort traffic"),
        timeout: None,
        elements: node_ips.iter().map(ToString::to_string).collect(),
    });
    let triple = format!("{addr_type} . inet_proto . inet_service : verdict");
    for (name, type_, comment) in [
        ("firewall-ips", triple.clone(), "destinations that are subject to LoadBalancerSourceRanges"),
        (
            "no-endpoint-nodeports",
            "inet_proto . inet_service : verdict".to_string(),
            "vmap to drop or reject packets to service nodeports with no endpoints",
        ),
        ("no-endpoint-services", triple.clone(), "vmap to drop or reject packets to services with no endpoints"),
        ("service-ips", triple, "ClusterIP, ExternalIP and LoadBalancer IP traffic"),
        ("service-nodeports", "inet_proto . inet_service : verdict".to_string(), "NodePort traffic"),
    ] {
        rs.maps.push(NftMap { name, type_, comment, elements: vec![] });
    }

    let base = |name: &str, type_: &'static str, hook: &'static str, priority: i32, rules: Vec<NftRule>| NftChain {
        name: name.to_string(),
        base: Some(BaseChain { type_, hook, priority }),
        comment: None,
        rules,
    };
    let service_cidrs: Vec<String> =
        input.config.service_cidrs.iter().filter(|c| c.addr.is_ipv6() == v6).map(ToString::to_string).collect();
    let mut cluster_ips_check =
        vec![commented(format!("{ipx} daddr @cluster-ips reject"), "Reject traffic to invalid ports of ClusterIPs")];
    if !service_cidrs.is_empty() {
        cluster_ips_check
            .push(commented(format!("{ipx} daddr {{ {} }} drop", service_cidrs.join(", ")), "Drop traffic to unallocated ClusterIPs"));
    }
    rs.chains.push(NftChain { name: "cluster-ips-check".into(), base: None, comment: None, rules: cluster_ips_check });
    rs.chains.push(base("filter-prerouting-pre-dnat", "filter", "prerouting", -110, vec![rule("ct state new jump firewall-check")]));
    rs.chains.push(base("filter-output-pre-dnat", "filter", "output", -110, vec![rule("ct state new jump firewall-check")]));
    rs.chains.push(base(
        "filter-forward",
        "filter",
        "forward",
        0,
        vec![rule("ct state new jump service-endpoints-check"), rule("ct state new jump cluster-ips-check")],
    ));
    rs.chains.push(base(
        "filter-input",
        "filter",
        "input",
        0,
        vec![rule("ct state new jump nodeport-endpoints-check"), rule("ct state new jump service-endpoints-check")],
    ));
    rs.chains.push(base(
        "filter-output",
        "filter",
        "output",
        0,
        vec![rule("ct state new jump service-endpoints-check"), rule("ct state new jump cluster-ips-check")],
    ));
    rs.add_chain("firewall-check", vec![rule(format!("{ipx} daddr . meta l4proto . th dport vmap @firewall-ips"))]);
    rs.add_chain("mark-for-masquerade", vec![rule(format!("mark set mark or {MASQ_MARK}"))]);
    rs.add_chain(
        "masquerading",
        vec![
            rule(format!("mark and {MASQ_MARK} == 0 return")),
            rule(format!("mark set mark xor {MASQ_MARK}")),
            rule("masquerade fully-random"),
        ],
    );
    rs.chains.push(base("nat-output", "nat", "output", -100, vec![rule("jump services")]));
    rs.chains.push(base("nat-postrouting", "nat", "postrouting", 100, vec![rule("jump masquerading")]));
    rs.chains.push(base("nat-prerouting", "nat", "prerouting", -100, vec![rule("jump services")]));
    rs.add_chain(
        "nodeport-endpoints-check",
        vec![rule(format!("{ipx} daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports"))],
    );
    rs.chains.push(NftChain {
        name: "reject-chain".into(),
        base: None,
        comment: Some("helper for @no-endpoint-services / @no-endpoint-nodeports"),
        rules: vec![rule("reject")],
    });
    rs.add_chain(
        "services",
        vec![
            rule(format!("{ipx} daddr . meta l4proto . th dport vmap @service-ips")),
            rule(format!("{ipx} daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports")),
        ],
    );
    rs.add_chain("service-endpoints-check", vec![rule(format!("{ipx} daddr . meta l4proto . th dport vmap @no-endpoint-services"))]);

    let cluster_cidr = input.config.cluster_cidrs.iter().copied().find(|c| c.addr.is_ipv6() == v6);
    let mut seen = Seen::default();
    for svc in input.sorted_services() {
        service_rules(&mut rs, svc, node, ipx, addr_type, cluster_cidr, &input.config, &mut seen);
    }
    rs
}

#[allow(clippy::too_many_arguments)]
fn service_rules(
    rs: &mut NftRuleset,
    svc: &ServicePortInfo,
    node: &NodeContext<'_>,
    ipx: &str,
    addr_type: &'static str,
    cluster_cidr: Option<Cidr>,
    config: &ProxyConfig,
    seen: &mut Seen,
) {
    let masquerade_all = config.masquerade_all;
    let v6 = node.ipv6;
    let Some(cluster_ip) = svc.proxier_cluster_ip(v6) else { return };
    let proto = svc.protocol.lower();
    let spn = svc.port_name_string();
    let n = ServiceNames::of(svc);
    let cat = categorize(svc, node.name, node.zone);
    let has_endpoints = cat.has_any;
    let uses_cluster_chain = !cat.cluster.is_empty() && svc.uses_cluster_endpoints();
    let uses_local_chain = !cat.local.is_empty() && svc.uses_local_endpoints();
    let (internal_chain, has_internal) =
        if svc.internal_policy_local() { (&n.local, has_endpoints && !cat.local.is_empty()) } else { (&n.service, has_endpoints) };
    let (external_policy_chain, has_external) =
        if svc.external_policy_local() { (&n.local, has_endpoints && !cat.local.is_empty()) } else { (&n.service, has_endpoints) };
    let uses_external_chain = has_endpoints && svc.externally_accessible();
    let (internal_verdict, external_verdict) = if has_endpoints {
        ("drop".to_string(), "drop".to_string())
    } else {
        ("goto reject-chain".to_string(), "goto reject-chain".to_string())
    };
    let lb_ips: Vec<IpAddr> = svc.load_balancer_ips.iter().copied().filter(|ip| ip.is_ipv6() == v6).collect();
    let ext_ips: Vec<IpAddr> = svc.external_ips.iter().copied().filter(|ip| ip.is_ipv6() == v6).collect();
    let key = |ip: IpAddr| format!("{ip} . {proto} . {}", svc.port);
    // The kernel takes comments of at most 128 bytes; 1.37 cuts them (names are ASCII).
    let limit = if config.truncate_comments { NFT_COMMENT_MAX } else { usize::MAX };
    let elem = |key: String, verdict: String, comment: Option<&str>| NftElement {
        key,
        comment: comment.map(|c| c.get(..limit.min(c.len())).unwrap_or(c).to_string()),
        verdict,
    };

    if seen.cluster_ips.insert(cluster_ip) {
        if let Some(s) = rs.sets.iter_mut().find(|s| s.name == "cluster-ips") {
            s.elements.push(cluster_ip.to_string());
        }
    }
    if has_internal {
        rs.map_mut("service-ips").elements.push(elem(key(cluster_ip), format!("goto {internal_chain}"), None));
    } else {
        rs.map_mut("no-endpoint-services").elements.push(elem(key(cluster_ip), internal_verdict, Some(&spn)));
    }
    for &ip in &ext_ips {
        if has_endpoints {
            rs.map_mut("service-ips").elements.push(elem(key(ip), format!("goto {}", n.external), None));
        }
        if !has_external {
            rs.map_mut("no-endpoint-services").elements.push(elem(key(ip), external_verdict.clone(), Some(&spn)));
        }
    }
    let uses_fw = !lb_ips.is_empty() && !svc.load_balancer_source_ranges.is_empty();
    for &ip in &lb_ips {
        if has_endpoints {
            rs.map_mut("service-ips").elements.push(elem(key(ip), format!("goto {}", n.external), None));
        }
        if uses_fw {
            rs.map_mut("firewall-ips").elements.push(elem(key(ip), format!("goto {}", n.firewall), None));
        }
    }
    if !has_external {
        for &ip in &lb_ips {
            rs.map_mut("no-endpoint-services").elements.push(elem(key(ip), external_verdict.clone(), Some(&spn)));
        }
    }
    if svc.node_port != 0 {
        let k = format!("{proto} . {}", svc.node_port);
        if has_endpoints {
            rs.map_mut("service-nodeports").elements.push(elem(k.clone(), format!("goto {}", n.external), None));
        }
        if !has_external {
            rs.map_mut("no-endpoint-nodeports").elements.push(elem(k, external_verdict, Some(&spn)));
        }
    }

    // Policy chains: the masquerade rule goes to the internal chain (kube-proxy adds it to
    // whichever of service-/local- the ClusterIP uses).
    let masq_rule = if masquerade_all {
        Some(rule(format!("{ipx} daddr {cluster_ip} jump mark-for-masquerade")))
    } else {
        cluster_cidr.map(|c| rule(format!("{ipx} daddr {cluster_ip} {ipx} saddr != {c} jump mark-for-masquerade")))
    };
    let affinity = svc.session_affinity;
    // Each endpoint's names are hashed once.
    let ep_names: HashMap<usize, (String, String)> =
        cat.all_reachable.iter().map(|e| (std::ptr::from_ref::<EndpointInfo>(e) as usize, endpoint_names(svc, e))).collect();
    let endpoint_names = |svc: &ServicePortInfo, ep: &EndpointInfo| -> (String, String) {
        ep_names.get(&(std::ptr::from_ref(ep) as usize)).cloned().unwrap_or_else(|| endpoint_names(svc, ep))
    };
    let lb_rules = |eps: &[&EndpointInfo]| -> Vec<NftRule> {
        let mut rules = Vec::new();
        if affinity.is_some() {
            for ep in eps {
                let (chain, set) = endpoint_names(svc, ep);
                rules.push(rule(format!("{ipx} saddr @{set} goto {chain}")));
            }
        }
        let elements: Vec<String> = eps.iter().enumerate().map(|(i, ep)| format!("{i} : goto {}", endpoint_names(svc, ep).0)).collect();
        rules.push(rule(format!("numgen random mod {} vmap {{ {} }}", eps.len(), elements.join(" , "))));
        rules
    };
    if affinity.is_some() {
        for ep in &cat.all_reachable {
            let (_, set) = endpoint_names(svc, ep);
            if seen.affinity_sets.insert(set.clone()) {
                rs.sets.push(NftSet { name: set, type_: addr_type, comment: None, timeout: affinity, elements: vec![] });
            }
        }
    }
    let mut internal_masq = if has_internal { masq_rule } else { None };
    if uses_cluster_chain {
        let mut rules: Vec<NftRule> = if *internal_chain == n.service { internal_masq.take().into_iter().collect() } else { vec![] };
        rules.extend(lb_rules(&cat.cluster));
        rs.add_chain(&n.service, rules);
    }
    if uses_external_chain {
        let mut rules = Vec::new();
        if svc.external_policy_local() {
            if let Some(c) = cluster_cidr {
                rules.push(commented(format!("{ipx} saddr {c} goto {}", n.service), "short-circuit pod traffic"));
            }
            rules.push(commented("fib saddr type local jump mark-for-masquerade", "masquerade local traffic"));
            rules.push(commented(format!("fib saddr type local goto {}", n.service), "short-circuit local traffic"));
        } else {
            rules.push(rule("jump mark-for-masquerade"));
        }
        if has_external {
            rules.push(rule(format!("goto {external_policy_chain}")));
        }
        rs.add_chain(&n.external, rules);
    }
    if uses_local_chain {
        let mut rules: Vec<NftRule> = if *internal_chain == n.local { internal_masq.take().into_iter().collect() } else { vec![] };
        rules.extend(lb_rules(&cat.local));
        rs.add_chain(&n.local, rules);
    }
    for ep in &cat.all_reachable {
        let (chain, set) = endpoint_names(svc, ep);
        let mut rules = vec![rule(format!("{ipx} saddr {} jump mark-for-masquerade", ep.ip))];
        if affinity.is_some() {
            rules.push(rule(format!("update @{set} {{ {ipx} saddr }}")));
        }
        rules.push(rule(format!("meta l4proto {proto} dnat to {}", ep.addr())));
        rs.add_chain(&chain, rules);
    }
    if uses_fw {
        let node_ip = node.ips.iter().copied().find(|ip| ip.is_ipv6() == v6);
        let mut sources: Vec<String> = svc.load_balancer_source_ranges.iter().map(ToString::to_string).collect();
        if svc.load_balancer_source_ranges.iter().any(|c| node_ip.is_some_and(|ip| c.contains(ip))) {
            sources.extend(lb_ips.iter().map(ToString::to_string));
        }
        rs.add_chain(&n.firewall, vec![rule(format!("{ipx} saddr != {{ {} }} drop", sources.join(", ")))]);
    }
}

/// A rule as kube-proxy's transaction writes it (`rule [comment "..."]`).
fn rule_text(r: &NftRule) -> String {
    match r.comment {
        Some(c) => format!("{} comment \"{c}\"", r.text),
        None => r.text.clone(),
    }
}

fn element_text(e: &NftElement) -> String {
    match &e.comment {
        Some(c) => format!("{} comment \"{c}\" : {}", e.key, e.verdict),
        None => format!("{} : {}", e.key, e.verdict),
    }
}

/// nft's names for standard priorities (`nft list` prints `dstnat - 10`, not `-110`).
fn priority_name(p: i32) -> String {
    let named = [("raw", -300), ("mangle", -150), ("dstnat", -100), ("filter", 0), ("security", 50), ("srcnat", 100)];
    let (name, base) = named.iter().min_by_key(|(_, b)| (p - b).abs()).copied().unwrap_or(("filter", 0));
    match p - base {
        0 => name.to_string(),
        d if d > 0 => format!("{name} + {d}"),
        d => format!("{name} - {}", -d),
    }
}

/// nft's duration format: `3h`, `1h30m`, `10s`.
fn nft_duration(secs: u32) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    for (v, unit) in [(d, "d"), (h, "h"), (m, "m"), (s, "s")] {
        if v > 0 {
            let _ = write!(out, "{v}{unit}");
        }
    }
    if out.is_empty() {
        out.push_str("0s");
    }
    out
}

/// How `nft list` prints the fixed rules kube-proxy writes in shorthand.
fn listed(text: &str) -> String {
    let mark = format!("0x{:08x}", 0x4000);
    if text == format!("mark set mark or {MASQ_MARK}") {
        return format!("meta mark set meta mark | {mark}");
    }
    if text == format!("mark set mark xor {MASQ_MARK}") {
        return format!("meta mark set meta mark ^ {mark}");
    }
    if text == format!("mark and {MASQ_MARK} == 0 return") {
        return format!("meta mark & {mark} == 0x00000000 return");
    }
    text.to_string()
}

impl NftRuleset {
    /// kube-proxy's transaction, one `add` command per line (the form of `proxier_test.go`).
    pub fn render_commands(&self) -> String {
        let fam = self.family;
        let mut out = String::with_capacity(self.rule_count() * 120);
        let _ = writeln!(out, "add table {fam} kube-proxy {{ comment \"rules for kube-proxy\" ; }}");
        for s in &self.sets {
            let _ = write!(out, "add set {fam} kube-proxy {} {{ type {} ;", s.name, s.type_);
            if let Some(t) = s.timeout {
                let _ = write!(out, " flags dynamic,timeout ; timeout {t}s ;");
            }
            if let Some(c) = s.comment {
                let _ = write!(out, " comment \"{c}\" ;");
            }
            out.push_str(" }\n");
        }
        for m in &self.maps {
            let _ = writeln!(out, "add map {fam} kube-proxy {} {{ type {} ; comment \"{}\" ; }}", m.name, m.type_, m.comment);
        }
        for c in &self.chains {
            let _ = write!(out, "add chain {fam} kube-proxy {}", c.name);
            if let Some(b) = c.base {
                let _ = write!(out, " {{ type {} hook {} priority {} ; }}", b.type_, b.hook, b.priority);
            } else if let Some(cm) = c.comment {
                let _ = write!(out, " {{ comment \"{cm}\" ; }}");
            }
            out.push('\n');
        }
        for c in &self.chains {
            for r in &c.rules {
                let _ = writeln!(out, "add rule {fam} kube-proxy {} {}", c.name, rule_text(r));
            }
        }
        for s in &self.sets {
            for e in &s.elements {
                let _ = writeln!(out, "add element {fam} kube-proxy {} {{ {e} }}", s.name);
            }
        }
        for m in &self.maps {
            for e in &m.elements {
                let _ = writeln!(out, "add element {fam} kube-proxy {} {{ {} }}", m.name, element_text(e));
            }
        }
        out
    }

    /// The table as `nft list ruleset` prints it.
    pub fn render_list(&self) -> String {
        let mut out = String::with_capacity(self.rule_count() * 100);
        let _ = writeln!(out, "table {} kube-proxy {{", self.family);
        out.push_str("\tcomment \"rules for kube-proxy\"\n");
        let list_elements = |out: &mut String, items: &[String]| {
            if items.is_empty() {
                return;
            }
            out.push_str("\t\telements = { ");
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n\t\t\t     ");
                }
                out.push_str(e);
            }
            out.push_str(" }\n");
        };
        for s in &self.sets {
            let _ = writeln!(out, "\tset {} {{", s.name);
            let _ = writeln!(out, "\t\ttype {}", s.type_);
            if let Some(t) = s.timeout {
                out.push_str("\t\tsize 65535\n\t\tflags dynamic,timeout\n");
                let _ = writeln!(out, "\t\ttimeout {}", nft_duration(t));
            }
            if let Some(c) = s.comment {
                let _ = writeln!(out, "\t\tcomment \"{c}\"");
            }
            list_elements(&mut out, &s.elements);
            out.push_str("\t}\n\n");
        }
        for m in &self.maps {
            let _ = writeln!(out, "\tmap {} {{", m.name);
            let _ = writeln!(out, "\t\ttype {}", m.type_);
            let _ = writeln!(out, "\t\tcomment \"{}\"", m.comment);
            let items: Vec<String> = m.elements.iter().map(element_text).collect();
            list_elements(&mut out, &items);
            out.push_str("\t}\n\n");
        }
        for (i, c) in self.chains.iter().enumerate() {
            let _ = writeln!(out, "\tchain {} {{", c.name);
            if let Some(cm) = c.comment {
                let _ = writeln!(out, "\t\tcomment \"{cm}\"");
            }
            if let Some(b) = c.base {
                let _ = writeln!(out, "\t\ttype {} hook {} priority {}; policy accept;", b.type_, b.hook, priority_name(b.priority));
            }
            for r in &c.rules {
                let _ = writeln!(out, "\t\t{}", rule_text(&NftRule { text: listed(&r.text), comment: r.comment }));
            }
            out.push_str("\t}\n");
            if i + 1 < self.chains.len() {
                out.push('\n');
            }
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{overall_input, TEST_NODE};
    use super::*;

    fn overall() -> NftRuleset {
        let mut input = overall_input();
        input.config.service_cidrs = vec![Cidr::parse("172.30.0.0/16").unwrap()];
        // The nftables version of the test gives svc5 ClientIP affinity; the iptables one does not.
        for s in input.services.iter_mut().filter(|s| s.name == "svc5") {
            s.session_affinity = Some(10800);
        }
        generate(&input, &NodeContext::of(&input, TEST_NODE))
    }

    /// `TestOverallNFTablesRules`: the same commands, compared as sets of lines since the fake
    /// nft's dump order is its own.
    #[test]
    fn overall_nftables_rules_match_kube_proxy_test() {
        let got = overall().render_commands();
        let expected = include_str!("../../../../tests/fixtures/proxy/nftables-overall.expected");
        let norm = |s: &str| -> std::collections::BTreeSet<String> {
            s.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
        };
        let (g, e) = (norm(&got), norm(expected));
        let missing: Vec<&String> = e.difference(&g).collect();
        let extra: Vec<&String> = g.difference(&e).collect();
        assert!(missing.is_empty() && extra.is_empty(), "missing:\n{missing:#?}\nextra:\n{extra:#?}");
    }

    /// 1.37 cuts map-element comments to the kernel's 128 bytes; before, they are whole.
    #[test]
    fn long_comments_are_cut_to_128_bytes_from_1_37() {
        let (ns, name, port) = ("n".repeat(63), "s".repeat(63), "p".repeat(15));
        let mut input = ProxyInput::default();
        // No endpoints: the `no-endpoint-services` element carries the Service's name.
        let svc = ServicePortInfo::cluster_ip(&ns, &name, &port, super::super::input::Protocol::Tcp, "172.30.0.41".parse().unwrap(), 80);
        input.services = vec![svc];
        let full = format!("{ns}/{name}:{port}");
        assert_eq!(full.len(), 143);
        let comments = |input: &ProxyInput| -> Vec<String> {
            let text = generate(input, &NodeContext::of(input, TEST_NODE)).render_commands();
            text.lines()
                .filter_map(|l| l.split("comment \"").nth(1))
                .filter_map(|c| c.split('"').next())
                .filter(|c| c.starts_with("nnn"))
                .map(str::to_string)
                .collect()
        };
        let before = comments(&input);
        assert!(!before.is_empty() && before.iter().all(|c| *c == full), "{before:?}");
        input.config.truncate_comments = true;
        let after = comments(&input);
        assert!(!after.is_empty() && after.iter().all(|c| *c == full[..128]), "{after:?}");
    }

    #[test]
    fn list_form_has_table_sets_maps_and_chains() {
        let text = overall().render_list();
        assert!(text.starts_with("table ip kube-proxy {\n"));
        assert!(
            text.contains("\tchain nat-prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t\tjump services\n")
        );
        assert!(text.contains("type filter hook prerouting priority dstnat - 10; policy accept;"));
        assert!(text.contains("meta mark set meta mark | 0x00004000"));
        assert!(text.contains("\t\tflags dynamic,timeout\n\t\ttimeout 3h\n"));
        assert!(text.contains("172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80"));
        assert_eq!(text.matches('{').count(), text.matches('}').count());
    }

    #[test]
    fn durations_and_priorities_print_like_nft() {
        assert_eq!(nft_duration(10_800), "3h");
        assert_eq!(nft_duration(90_061), "1d1h1m1s");
        assert_eq!(priority_name(-110), "dstnat - 10");
        assert_eq!(priority_name(100), "srcnat");
        assert_eq!(priority_name(0), "filter");
    }
}
