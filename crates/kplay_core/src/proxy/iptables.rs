//! kube-proxy's iptables mode: the `filter` and `nat` rules `syncProxyRules` writes for one node
//! (`pkg/proxy/iptables/proxier.go`), kept as structured rules so the packet evaluator walks
//! exactly what is printed, and rendered in `iptables-save` form.
//!
//! Services are processed in `ServicePortName` order (kube-proxy iterates a Go map; its tests sort
//! the output the same way), so the text is deterministic.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::IpAddr;

use super::endpoints::{categorize, Categorized};
use super::input::{join_host_port, Cidr, EndpointInfo, Protocol, ProxyConfig, ProxyInput, ServicePortInfo};
use super::names;

/// The masquerade mark bit (`--iptables-masquerade-bit` 14).
pub const MASQ_MARK: u32 = 0x4000;
/// Above this many endpoints in total kube-proxy drops per-endpoint comments.
pub const LARGE_CLUSTER_ENDPOINTS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Filter,
    Nat,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Filter => "filter",
            Table::Nat => "nat",
        }
    }
}

/// One match of a rule, in the order kube-proxy writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    Comment(String),
    /// `-m tcp -p tcp`.
    Proto(Protocol),
    Src(Cidr),
    NotSrc(Cidr),
    Dst(Cidr),
    NotDst(Cidr),
    DPort(u16),
    /// `-m addrtype --dst-type LOCAL`.
    DstTypeLocal,
    /// `-m addrtype --src-type LOCAL`.
    SrcTypeLocal,
    /// `-m statistic --mode random --probability P`; `stored` is the kernel's threshold.
    Statistic {
        probability: String,
        stored: u32,
    },
    /// `-m recent --name N --rcheck --seconds T --reap`.
    RecentCheck {
        name: String,
        seconds: u32,
    },
    /// `-m recent --name N --set` (always matches, records the source).
    RecentSet(String),
    /// `-m mark --mark M/M`.
    Mark(u32),
    /// `-m mark ! --mark M/M`.
    NotMark(u32),
    /// `-m conntrack --ctstate S` (`!` when negated).
    CtState {
        negated: bool,
        states: &'static str,
    },
    /// `-m nfacct --nfacct-name N`: counts the packet, always matches.
    Nfacct(&'static str),
}

/// kube-proxy's nfacct counters (`pkg/proxy/metrics`).
const NFACCT_LOCALHOST_NODE_PORTS: &str = "localhost_nps_accepted_pkts";
const NFACCT_CT_STATE_INVALID: &str = "ct_state_invalid_dropped_pkts";

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// No `-j` (a rule that only counts, like the end of a KUBE-FW chain).
    None,
    Jump(String),
    Return,
    Accept,
    Drop,
    Reject,
    Dnat {
        ip: IpAddr,
        port: u16,
    },
    MarkOr(u32),
    MarkXor(u32),
    Masquerade {
        random_fully: bool,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub matches: Vec<Match>,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    pub name: String,
    /// Policy of a built-in chain (`ACCEPT`); `None` for user chains.
    pub policy: Option<&'static str>,
    pub rules: Vec<Rule>,
}

/// The rules of one node.
#[derive(Debug, Clone, Default)]
pub struct Ruleset {
    pub node: String,
    pub filter: Vec<Chain>,
    pub nat: Vec<Chain>,
    /// Chain positions by name, per table (filter, nat): looked up by `&str`, no allocation.
    index: [HashMap<String, usize>; 2],
}

impl Ruleset {
    pub fn chains(&self, table: Table) -> &[Chain] {
        match table {
            Table::Filter => &self.filter,
            Table::Nat => &self.nat,
        }
    }

    pub fn chain(&self, table: Table, name: &str) -> Option<&Chain> {
        let idx = *self.index[usize::from(table == Table::Nat)].get(name)?;
        self.chains(table).get(idx)
    }

    pub fn rule_count(&self) -> usize {
        self.filter.iter().chain(&self.nat).map(|c| c.rules.len()).sum()
    }

    fn table_mut(&mut self, table: Table) -> &mut Vec<Chain> {
        match table {
            Table::Filter => &mut self.filter,
            Table::Nat => &mut self.nat,
        }
    }

    fn add_chain(&mut self, table: Table, name: &str, policy: Option<&'static str>) -> usize {
        let t = usize::from(table == Table::Nat);
        if let Some(&i) = self.index[t].get(name) {
            return i;
        }
        let chains = self.table_mut(table);
        chains.push(Chain { name: name.to_string(), policy, rules: Vec::new() });
        let idx = chains.len() - 1;
        self.index[t].insert(name.to_string(), idx);
        idx
    }

    fn push(&mut self, table: Table, chain: &str, matches: Vec<Match>, target: Target) {
        let idx = self.add_chain(table, chain, None);
        self.table_mut(table)[idx].rules.push(Rule { matches, target });
    }

    /// Builds the chain index again after chains were reordered.
    fn reindex(&mut self) {
        for (t, chains) in [(0, &self.filter), (1, &self.nat)] {
            let index = &mut self.index[t];
            index.clear();
            index.reserve(chains.len());
            for (i, c) in chains.iter().enumerate() {
                index.insert(c.name.clone(), i);
            }
        }
    }
}

/// How to print the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RenderOptions {
    /// Include the built-in chains (PREROUTING, INPUT, ...) with kube-proxy's jump rules, as
    /// `iptables-save` shows a node; without them the text is kube-proxy's `iptables-restore`
    /// input, as in its unit tests.
    pub builtin_chains: bool,
    /// Print rules as `iptables-save` does instead of as kube-proxy wrote them: probabilities
    /// kernel-rounded with 11 decimals, `-s`/`-d`/`-p` first with `/32` masks, comments quoted
    /// unless plain, and the defaults the kernel reports (`--reject-with`, `recent`'s
    /// `--mask ... --rsource`).
    pub saved_probabilities: bool,
}

/// Writes a comment as kube-proxy does (quoted when it has a space) or as `iptables-save` does
/// (`xtables_save_string`: quoted unless only letters, digits, `_` and `-`).
fn push_comment(out: &mut String, c: &str, saved: bool) {
    let plain = if saved {
        !c.is_empty() && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    } else {
        !c.is_empty() && !c.contains(' ')
    };
    out.push_str(" -m comment --comment ");
    if plain {
        out.push_str(c);
    } else {
        out.push('"');
        for ch in c.chars() {
            if saved && matches!(ch, '"' | '\\' | '\'') {
                out.push('\\');
            }
            out.push(ch);
        }
        out.push('"');
    }
}

/// An address as iptables-save prints it: always with a prefix length.
fn push_cidr(out: &mut String, c: &Cidr, saved: bool) {
    let _ = write!(out, "{}", c.addr);
    if saved || !c.is_host() {
        let _ = write!(out, "/{}", c.prefix);
    }
}

impl Match {
    fn is_front(&self) -> bool {
        matches!(self, Match::Src(_) | Match::NotSrc(_) | Match::Dst(_) | Match::NotDst(_))
    }

    pub fn render(&self, out: &mut String, opts: RenderOptions) {
        let saved = opts.saved_probabilities;
        match self {
            Match::Comment(c) => push_comment(out, c, saved),
            Match::Proto(p) if saved => {
                out.push_str(" -m ");
                out.push_str(p.lower());
            }
            Match::Proto(p) => {
                let _ = write!(out, " -m {0} -p {0}", p.lower());
            }
            Match::Src(c) | Match::NotSrc(c) | Match::Dst(c) | Match::NotDst(c) => {
                out.push_str(match self {
                    Match::Src(_) => " -s ",
                    Match::NotSrc(_) => " ! -s ",
                    Match::Dst(_) => " -d ",
                    _ => " ! -d ",
                });
                push_cidr(out, c, saved);
            }
            Match::DPort(p) => {
                let _ = write!(out, " --dport {p}");
            }
            Match::DstTypeLocal => out.push_str(" -m addrtype --dst-type LOCAL"),
            Match::SrcTypeLocal => out.push_str(" -m addrtype --src-type LOCAL"),
            Match::Statistic { probability, stored } => {
                out.push_str(" -m statistic --mode random --probability ");
                if saved {
                    let _ = write!(out, "{:.11}", f64::from(*stored) / 2_147_483_648.0);
                } else {
                    out.push_str(probability);
                }
            }
            Match::RecentCheck { name, seconds } if saved => {
                let _ = write!(out, " -m recent --rcheck --seconds {seconds} --reap --name {name} --mask 255.255.255.255 --rsource");
            }
            Match::RecentCheck { name, seconds } => {
                let _ = write!(out, " -m recent --name {name} --rcheck --seconds {seconds} --reap");
            }
            Match::RecentSet(name) if saved => {
                let _ = write!(out, " -m recent --set --name {name} --mask 255.255.255.255 --rsource");
            }
            Match::RecentSet(name) => {
                let _ = write!(out, " -m recent --name {name} --set");
            }
            Match::Mark(m) => {
                let _ = write!(out, " -m mark --mark {m:#x}/{m:#x}");
            }
            Match::NotMark(m) => {
                let _ = write!(out, " -m mark ! --mark {m:#x}/{m:#x}");
            }
            Match::CtState { negated, states } => {
                out.push_str(if *negated { " -m conntrack ! --ctstate " } else { " -m conntrack --ctstate " });
                out.push_str(states);
            }
            // libxt_nfacct saves ` --nfacct-name` then `xtables_save_string`, which starts with
            // its own space: iptables-save prints two.
            Match::Nfacct(name) => {
                out.push_str(if saved { " -m nfacct --nfacct-name  " } else { " -m nfacct --nfacct-name " });
                out.push_str(name);
            }
        }
    }
}

impl Target {
    pub fn render(&self, out: &mut String) {
        self.render_as(out, false);
    }

    fn render_as(&self, out: &mut String, saved: bool) {
        match self {
            Target::None => {}
            Target::Jump(c) => {
                out.push_str(" -j ");
                out.push_str(c);
            }
            Target::Return => out.push_str(" -j RETURN"),
            Target::Accept => out.push_str(" -j ACCEPT"),
            Target::Drop => out.push_str(" -j DROP"),
            Target::Reject if saved => out.push_str(" -j REJECT --reject-with icmp-port-unreachable"),
            Target::Reject => out.push_str(" -j REJECT"),
            Target::Dnat { ip, port } => {
                out.push_str(" -j DNAT --to-destination ");
                out.push_str(&join_host_port(*ip, *port));
            }
            Target::MarkOr(m) => {
                let _ = write!(out, " -j MARK --or-mark {m:#x}");
            }
            Target::MarkXor(m) => {
                let _ = write!(out, " -j MARK --xor-mark {m:#x}");
            }
            Target::Masquerade { random_fully } => {
                out.push_str(if *random_fully { " -j MASQUERADE --random-fully" } else { " -j MASQUERADE" });
            }
        }
    }
}

impl Rule {
    /// The rule as one `-A CHAIN ...` line.
    pub fn render(&self, chain: &str, opts: RenderOptions) -> String {
        let mut s = String::with_capacity(128);
        self.render_into(chain, opts, &mut s);
        s
    }

    /// Appends the `-A CHAIN ...` line (without newline) to `out`.
    pub fn render_into(&self, chain: &str, opts: RenderOptions, out: &mut String) {
        out.push_str("-A ");
        out.push_str(chain);
        if opts.saved_probabilities {
            // iptables-save prints the addresses and the protocol before the matches.
            for want_src in [true, false] {
                for m in self.matches.iter().filter(|m| m.is_front() && matches!(m, Match::Src(_) | Match::NotSrc(_)) == want_src) {
                    m.render(out, opts);
                }
            }
            if let Some(p) = self.matches.iter().find_map(|m| if let Match::Proto(p) = m { Some(p) } else { None }) {
                out.push_str(" -p ");
                out.push_str(p.lower());
            }
            for m in self.matches.iter().filter(|m| !m.is_front()) {
                m.render(out, opts);
            }
        } else {
            for m in &self.matches {
                m.render(out, opts);
            }
        }
        self.target.render_as(out, opts.saved_probabilities);
    }

    pub fn comment(&self) -> Option<&str> {
        self.matches.iter().find_map(|m| match m {
            Match::Comment(c) => Some(c.as_str()),
            _ => None,
        })
    }
}

impl Ruleset {
    /// The whole ruleset as `iptables-save` / `iptables-restore` text.
    pub fn render(&self, opts: RenderOptions) -> String {
        let rules = self.rule_count();
        let mut out = String::with_capacity(64 + rules * 110 + (self.filter.len() + self.nat.len()) * 40);
        for table in [Table::Filter, Table::Nat] {
            out.push('*');
            out.push_str(table.name());
            out.push('\n');
            let chains = self.chains(table).iter().filter(|c| opts.builtin_chains || c.policy.is_none());
            for c in chains.clone() {
                out.push(':');
                out.push_str(&c.name);
                out.push(' ');
                out.push_str(c.policy.unwrap_or("-"));
                out.push_str(" [0:0]\n");
            }
            for c in chains {
                for r in &c.rules {
                    r.render_into(&c.name, opts, &mut out);
                    out.push('\n');
                }
            }
            out.push_str("COMMIT\n");
        }
        out
    }
}

/// What kube-proxy knows about the node it runs on.
#[derive(Debug, Clone)]
pub struct NodeContext<'a> {
    pub name: &'a str,
    pub ips: &'a [IpAddr],
    pub zone: Option<&'a str>,
    pub ipv6: bool,
}

impl<'a> NodeContext<'a> {
    /// The context of `node` in `input` for the IPv4 proxier, or a bare one when the node is
    /// unknown.
    pub fn of(input: &'a ProxyInput, node: &'a str) -> Self {
        Self::of_family(input, node, false)
    }

    /// The context of `node` for kube-proxy's IPv6 (`ipv6`) or IPv4 proxier.
    pub fn of_family(input: &'a ProxyInput, node: &'a str, ipv6: bool) -> Self {
        match input.node(node) {
            Some(n) => NodeContext { name: &n.name, ips: &n.ips, zone: n.zone.as_deref(), ipv6 },
            None => NodeContext { name: node, ips: &[], zone: None, ipv6 },
        }
    }

    fn primary_ip(&self) -> Option<IpAddr> {
        self.ips.iter().copied().find(|ip| ip.is_ipv6() == self.ipv6)
    }
}

/// Top-level jump rules kube-proxy (and kubelet) ensure in the built-in chains, in their final
/// order (kube-proxy prepends them, so the last ensured comes first).
fn builtin_jumps(rs: &mut Ruleset, localhost_node_ports: bool, ipv6: bool) {
    let new = || Match::CtState { negated: false, states: "NEW" };
    let c = |s: &str| Match::Comment(s.to_string());
    for ch in ["INPUT", "FORWARD", "OUTPUT"] {
        rs.add_chain(Table::Filter, ch, Some("ACCEPT"));
    }
    for ch in ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"] {
        rs.add_chain(Table::Nat, ch, Some("ACCEPT"));
    }
    let kubelet_fw = !ipv6 && localhost_node_ports;
    if kubelet_fw {
        rs.push(Table::Filter, "INPUT", vec![], Target::Jump("KUBE-FIREWALL".into()));
    }
    rs.push(Table::Filter, "INPUT", vec![new(), c("kubernetes load balancer firewall")], Target::Jump("KUBE-PROXY-FIREWALL".into()));
    rs.push(Table::Filter, "INPUT", vec![c("kubernetes health check service ports")], Target::Jump("KUBE-NODEPORTS".into()));
    rs.push(
        Table::Filter,
        "INPUT",
        vec![new(), c("kubernetes externally-visible service portals")],
        Target::Jump("KUBE-EXTERNAL-SERVICES".into()),
    );
    rs.push(Table::Filter, "FORWARD", vec![new(), c("kubernetes load balancer firewall")], Target::Jump("KUBE-PROXY-FIREWALL".into()));
    rs.push(Table::Filter, "FORWARD", vec![c("kubernetes forwarding rules")], Target::Jump("KUBE-FORWARD".into()));
    rs.push(Table::Filter, "FORWARD", vec![new(), c("kubernetes service portals")], Target::Jump("KUBE-SERVICES".into()));
    rs.push(
        Table::Filter,
        "FORWARD",
        vec![new(), c("kubernetes externally-visible service portals")],
        Target::Jump("KUBE-EXTERNAL-SERVICES".into()),
    );
    if kubelet_fw {
        rs.push(Table::Filter, "OUTPUT", vec![], Target::Jump("KUBE-FIREWALL".into()));
    }
    rs.push(Table::Filter, "OUTPUT", vec![new(), c("kubernetes load balancer firewall")], Target::Jump("KUBE-PROXY-FIREWALL".into()));
    rs.push(Table::Filter, "OUTPUT", vec![new(), c("kubernetes service portals")], Target::Jump("KUBE-SERVICES".into()));
    rs.push(Table::Nat, "PREROUTING", vec![c("kubernetes service portals")], Target::Jump("KUBE-SERVICES".into()));
    rs.push(Table::Nat, "OUTPUT", vec![c("kubernetes service portals")], Target::Jump("KUBE-SERVICES".into()));
    rs.push(Table::Nat, "POSTROUTING", vec![c("kubernetes postrouting rules")], Target::Jump("KUBE-POSTROUTING".into()));
}

/// Generates the rules kube-proxy writes on `node` for the IPv4 (or IPv6) family.
pub fn generate(input: &ProxyInput, node: &NodeContext<'_>) -> Ruleset {
    let cfg = &input.config;
    let mut rs = Ruleset { node: node.name.to_string(), ..Ruleset::default() };
    builtin_jumps(&mut rs, cfg.localhost_node_ports, node.ipv6);
    for ch in ["KUBE-NODEPORTS", "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"] {
        rs.add_chain(Table::Filter, ch, None);
    }
    let kubelet_fw = !node.ipv6 && cfg.localhost_node_ports;
    if kubelet_fw {
        rs.add_chain(Table::Filter, "KUBE-FIREWALL", None);
    }
    for ch in ["KUBE-FORWARD", "KUBE-PROXY-FIREWALL"] {
        rs.add_chain(Table::Filter, ch, None);
    }
    for ch in ["KUBE-NODEPORTS", "KUBE-SERVICES", "KUBE-MARK-MASQ", "KUBE-POSTROUTING"] {
        rs.add_chain(Table::Nat, ch, None);
    }

    let services: Vec<&ServicePortInfo> =
        input.sorted_services().into_iter().filter(|s| s.proxier_cluster_ip(node.ipv6).is_some()).collect();
    let total_endpoints: usize = services.iter().map(|s| s.endpoints.len()).sum();
    let large = total_endpoints > LARGE_CLUSTER_ENDPOINTS;
    let cluster_cidr = cfg.cluster_cidrs.iter().copied().find(|c| c.addr.is_ipv6() == node.ipv6);

    // Per-service rules go to separate buffers per chain so that chains keep kube-proxy's
    // grouping: all KUBE-SERVICES rules, then per-service chains.
    let mut svc_chains: Vec<Chain> = Vec::with_capacity(services.len() * 2 + total_endpoints);
    let mut probs: Vec<(String, u32)> = Vec::new();
    for svc in &services {
        service_rules(&mut rs, &mut svc_chains, svc, node, cluster_cidr, cfg, large, &mut probs);
    }

    // Fixed chains' rules.
    let nodeports_last = {
        let mut m = vec![Match::Comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain".into())];
        m.push(Match::DstTypeLocal);
        if node.ipv6 {
            m.push(Match::NotDst(Cidr::parse("::1/128").unwrap_or(Cidr::host(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)))));
        } else if !cfg.localhost_node_ports {
            m.push(Match::NotDst(Cidr { addr: IpAddr::V4([127, 0, 0, 0].into()), prefix: 8 }));
        }
        m
    };
    rs.push(Table::Nat, "KUBE-SERVICES", nodeports_last, Target::Jump("KUBE-NODEPORTS".into()));
    rs.push(Table::Nat, "KUBE-MARK-MASQ", vec![], Target::MarkOr(MASQ_MARK));
    rs.push(Table::Nat, "KUBE-POSTROUTING", vec![Match::NotMark(MASQ_MARK)], Target::Return);
    rs.push(Table::Nat, "KUBE-POSTROUTING", vec![], Target::MarkXor(MASQ_MARK));
    rs.push(
        Table::Nat,
        "KUBE-POSTROUTING",
        vec![Match::Comment("kubernetes service traffic requiring SNAT".into())],
        Target::Masquerade { random_fully: cfg.masquerade_random_fully },
    );
    if kubelet_fw {
        let lo = Cidr { addr: IpAddr::V4([127, 0, 0, 0].into()), prefix: 8 };
        rs.push(
            Table::Filter,
            "KUBE-FIREWALL",
            vec![
                Match::Comment("block incoming localnet connections".into()),
                Match::Dst(lo),
                Match::NotSrc(lo),
                Match::CtState { negated: true, states: "RELATED,ESTABLISHED,DNAT" },
            ],
            Target::Drop,
        );
    }
    let mut invalid = vec![Match::CtState { negated: false, states: "INVALID" }];
    if cfg.nfacct {
        invalid.push(Match::Nfacct(NFACCT_CT_STATE_INVALID));
    }
    rs.push(Table::Filter, "KUBE-FORWARD", invalid, Target::Drop);
    rs.push(
        Table::Filter,
        "KUBE-FORWARD",
        vec![Match::Comment("kubernetes forwarding rules".into()), Match::Mark(MASQ_MARK)],
        Target::Accept,
    );
    rs.push(
        Table::Filter,
        "KUBE-FORWARD",
        vec![
            Match::Comment("kubernetes forwarding conntrack rule".into()),
            Match::CtState { negated: false, states: "RELATED,ESTABLISHED" },
        ],
        Target::Accept,
    );

    // Chains in the order kube-proxy's test helper prints them: built-ins, KUBE-NODEPORTS,
    // KUBE-SERVICES, then the rest by name.
    rs.nat.extend(svc_chains);
    let rank = |c: &Chain| match (c.policy, c.name.as_str()) {
        (Some(_), _) => 0,
        (None, "KUBE-NODEPORTS") => 1,
        (None, "KUBE-SERVICES") => 2,
        _ => 3,
    };
    for chains in [&mut rs.filter, &mut rs.nat] {
        // Stable: built-in chains keep their order; the others sort by name (no key clones).
        crate::sort::sort_by(chains, |a, b| {
            let (ra, rb) = (rank(a), rank(b));
            ra.cmp(&rb).then_with(|| if ra == 0 { std::cmp::Ordering::Equal } else { a.name.cmp(&b.name) })
        });
    }
    rs.reindex();
    rs
}

#[allow(clippy::too_many_arguments)]
fn service_rules(
    rs: &mut Ruleset,
    chains: &mut Vec<Chain>,
    svc: &ServicePortInfo,
    node: &NodeContext<'_>,
    cluster_cidr: Option<Cidr>,
    cfg: &ProxyConfig,
    large: bool,
    probs: &mut Vec<(String, u32)>,
) {
    let Some(cluster_ip) = svc.proxier_cluster_ip(node.ipv6) else { return };
    let spn = svc.port_name_string();
    let proto = svc.protocol.lower();
    let cat: Categorized<'_> = categorize(svc, node.name, node.zone);
    let has_endpoints = cat.has_any;
    let localhost_nfacct = cfg.localhost_node_ports && cfg.nfacct && !node.ipv6;
    // One hash for the four per-port chains; one per endpoint for its SEP chain.
    let hash = names::port_proto_hash(&spn, proto);
    let cluster_chain = format!("KUBE-SVC-{hash}");
    let local_chain = format!("KUBE-SVL-{hash}");
    let ext_chain = format!("KUBE-EXT-{hash}");
    let fw_chain = format!("KUBE-FW-{hash}");
    let uses_cluster_chain = !cat.cluster.is_empty() && svc.uses_cluster_endpoints();
    let uses_local_chain = !cat.local.is_empty() && svc.uses_local_endpoints();

    let (internal_chain, has_internal) =
        if svc.internal_policy_local() { (&local_chain, has_endpoints && !cat.local.is_empty()) } else { (&cluster_chain, has_endpoints) };
    let (external_policy_chain, has_external) =
        if svc.external_policy_local() { (&local_chain, has_endpoints && !cat.local.is_empty()) } else { (&cluster_chain, has_endpoints) };
    let uses_ext_chain = has_endpoints && svc.externally_accessible();
    let lb_ips: Vec<IpAddr> = svc.load_balancer_ips.iter().copied().filter(|ip| ip.is_ipv6() == node.ipv6).collect();
    let ext_ips: Vec<IpAddr> = svc.external_ips.iter().copied().filter(|ip| ip.is_ipv6() == node.ipv6).collect();
    let uses_fw = has_endpoints && !lb_ips.is_empty() && !svc.load_balancer_source_ranges.is_empty();
    let lb_chain = if uses_fw { &fw_chain } else { &ext_chain };

    let (internal_filter, external_filter) = if has_endpoints {
        (
            (!has_internal).then(|| (Target::Drop, format!("{spn} has no local endpoints"))),
            (!has_external).then(|| (Target::Drop, format!("{spn} has no local endpoints"))),
        )
    } else {
        let c = format!("{spn} has no endpoints");
        (Some((Target::Reject, c.clone())), Some((Target::Reject, c)))
    };
    let vip = |comment: String, ip: IpAddr, port: u16| {
        vec![Match::Comment(comment), Match::Proto(svc.protocol), Match::Dst(Cidr::host(ip)), Match::DPort(port)]
    };

    if has_internal {
        rs.push(Table::Nat, "KUBE-SERVICES", vip(format!("{spn} cluster IP"), cluster_ip, svc.port), Target::Jump(internal_chain.clone()));
    } else if let Some((t, c)) = &internal_filter {
        rs.push(Table::Filter, "KUBE-SERVICES", vip(c.clone(), cluster_ip, svc.port), t.clone());
    }
    for &ip in &ext_ips {
        if has_endpoints {
            rs.push(Table::Nat, "KUBE-SERVICES", vip(format!("{spn} external IP"), ip, svc.port), Target::Jump(ext_chain.clone()));
        }
        if let Some((t, c)) = &external_filter {
            rs.push(Table::Filter, "KUBE-EXTERNAL-SERVICES", vip(c.clone(), ip, svc.port), t.clone());
        }
    }
    for &ip in &lb_ips {
        if has_endpoints {
            rs.push(Table::Nat, "KUBE-SERVICES", vip(format!("{spn} loadbalancer IP"), ip, svc.port), Target::Jump(lb_chain.clone()));
        }
        if uses_fw {
            rs.push(
                Table::Filter,
                "KUBE-PROXY-FIREWALL",
                vip(format!("{spn} traffic not accepted by {fw_chain}"), ip, svc.port),
                Target::Drop,
            );
        }
    }
    if let Some((t, c)) = &external_filter {
        for &ip in &lb_ips {
            rs.push(Table::Filter, "KUBE-EXTERNAL-SERVICES", vip(c.clone(), ip, svc.port), t.clone());
        }
    }
    if svc.node_port != 0 {
        if has_endpoints {
            // Counted separately when localhost NodePorts are on (IPv4 only) and nfacct exists.
            if localhost_nfacct {
                rs.push(
                    Table::Nat,
                    "KUBE-NODEPORTS",
                    vec![
                        Match::Comment(spn.clone()),
                        Match::Proto(svc.protocol),
                        Match::Dst(Cidr { addr: IpAddr::V4([127, 0, 0, 0].into()), prefix: 8 }),
                        Match::DPort(svc.node_port),
                        Match::Nfacct(NFACCT_LOCALHOST_NODE_PORTS),
                    ],
                    Target::Jump(ext_chain.clone()),
                );
            }
            rs.push(
                Table::Nat,
                "KUBE-NODEPORTS",
                vec![Match::Comment(spn.clone()), Match::Proto(svc.protocol), Match::DPort(svc.node_port)],
                Target::Jump(ext_chain.clone()),
            );
        }
        if let Some((t, c)) = &external_filter {
            rs.push(
                Table::Filter,
                "KUBE-EXTERNAL-SERVICES",
                vec![Match::Comment(c.clone()), Match::DstTypeLocal, Match::Proto(svc.protocol), Match::DPort(svc.node_port)],
                t.clone(),
            );
        }
    }
    // serviceport.go keeps healthCheckNodePort only when the service needs one (ETP=Local).
    if svc.health_check_node_port != 0 && svc.external_policy_local() {
        rs.push(
            Table::Filter,
            "KUBE-NODEPORTS",
            vec![
                Match::Comment(format!("{spn} health check node port")),
                Match::Proto(Protocol::Tcp),
                Match::DPort(svc.health_check_node_port),
            ],
            Target::Accept,
        );
    }

    // Internal traffic: masquerade off-cluster sources in the internal chain.
    let mut internal_rules = Vec::new();
    if has_internal {
        let mut m = vip(format!("{spn} cluster IP"), cluster_ip, svc.port);
        if cfg.masquerade_all {
            internal_rules.push(Rule { matches: m, target: Target::Jump("KUBE-MARK-MASQ".into()) });
        } else if let Some(cidr) = cluster_cidr {
            m.push(Match::NotSrc(cidr));
            internal_rules.push(Rule { matches: m, target: Target::Jump("KUBE-MARK-MASQ".into()) });
        }
    }

    if uses_ext_chain {
        let mut rules = Vec::new();
        if svc.external_policy_local() {
            if let Some(cidr) = cluster_cidr {
                rules.push(Rule {
                    matches: vec![Match::Comment(format!("pod traffic for {spn} external destinations")), Match::Src(cidr)],
                    target: Target::Jump(cluster_chain.clone()),
                });
            }
            rules.push(Rule {
                matches: vec![Match::Comment(format!("masquerade LOCAL traffic for {spn} external destinations")), Match::SrcTypeLocal],
                target: Target::Jump("KUBE-MARK-MASQ".into()),
            });
            rules.push(Rule {
                matches: vec![Match::Comment(format!("route LOCAL traffic for {spn} external destinations")), Match::SrcTypeLocal],
                target: Target::Jump(cluster_chain.clone()),
            });
        } else {
            rules.push(Rule {
                matches: vec![Match::Comment(format!("masquerade traffic for {spn} external destinations"))],
                target: Target::Jump("KUBE-MARK-MASQ".into()),
            });
        }
        if has_external {
            rules.push(Rule { matches: vec![], target: Target::Jump(external_policy_chain.clone()) });
        }
        chains.push(Chain { name: ext_chain.clone(), policy: None, rules });
    }

    if uses_fw {
        let mut rules = Vec::new();
        let comment = Match::Comment(format!("{spn} loadbalancer IP"));
        let mut allow_from_node = false;
        let node_ip = node.primary_ip();
        for cidr in &svc.load_balancer_source_ranges {
            rules.push(Rule { matches: vec![comment.clone(), Match::Src(*cidr)], target: Target::Jump(ext_chain.clone()) });
            allow_from_node |= node_ip.is_some_and(|ip| cidr.contains(ip));
        }
        if allow_from_node {
            for &ip in &lb_ips {
                rules.push(Rule { matches: vec![comment.clone(), Match::Src(Cidr::host(ip))], target: Target::Jump(ext_chain.clone()) });
            }
        }
        rules.push(Rule {
            matches: vec![Match::Comment(format!("other traffic to {spn} will be dropped by KUBE-PROXY-FIREWALL"))],
            target: Target::None,
        });
        chains.push(Chain { name: fw_chain.clone(), policy: None, rules });
    }

    let sep_names: HashMap<usize, String> = cat
        .all_reachable
        .iter()
        .map(|e| (std::ptr::from_ref::<EndpointInfo>(e) as usize, names::sep_chain(&spn, proto, &e.addr())))
        .collect();
    let sep_name = |ep: &EndpointInfo| -> String {
        sep_names.get(&(std::ptr::from_ref(ep) as usize)).cloned().unwrap_or_else(|| names::sep_chain(&spn, proto, &ep.addr()))
    };
    let most = cat.cluster.len().max(cat.local.len());
    while probs.len() <= most {
        let p = names::probability(probs.len().max(1));
        let stored = names::probability_stored(&p);
        probs.push((p, stored));
    }
    let probs = &*probs;
    let lb_rules = |eps: &[&EndpointInfo]| -> Vec<Rule> {
        let mut rules = Vec::new();
        let ep_comment = |ep: &EndpointInfo| {
            if large {
                vec![]
            } else {
                vec![Match::Comment(format!("{spn} -> {}", ep.addr()))]
            }
        };
        if let Some(timeout) = svc.session_affinity {
            for ep in eps {
                let sep = sep_name(ep);
                let mut m = ep_comment(ep);
                m.push(Match::RecentCheck { name: sep.clone(), seconds: timeout });
                rules.push(Rule { matches: m, target: Target::Jump(sep) });
            }
        }
        let n = eps.len();
        for (i, ep) in eps.iter().enumerate() {
            let mut m = ep_comment(ep);
            if i + 1 < n {
                let (p, stored) = &probs[n - i];
                m.push(Match::Statistic { probability: p.clone(), stored: *stored });
            }
            rules.push(Rule { matches: m, target: Target::Jump(sep_name(ep)) });
        }
        rules
    };
    if uses_cluster_chain {
        let mut rules = if svc.internal_policy_local() { Vec::new() } else { std::mem::take(&mut internal_rules) };
        rules.extend(lb_rules(&cat.cluster));
        chains.push(Chain { name: cluster_chain.clone(), policy: None, rules });
    }
    if uses_local_chain {
        let mut rules = if svc.internal_policy_local() { std::mem::take(&mut internal_rules) } else { Vec::new() };
        rules.extend(lb_rules(&cat.local));
        chains.push(Chain { name: local_chain.clone(), policy: None, rules });
    }
    for ep in &cat.all_reachable {
        let sep = sep_name(ep);
        let comment = if large { vec![] } else { vec![Match::Comment(spn.clone())] };
        let mut first = comment.clone();
        first.push(Match::Src(Cidr::host(ep.ip)));
        let mut second = comment;
        if svc.session_affinity.is_some() {
            second.push(Match::RecentSet(sep.clone()));
        }
        second.push(Match::Proto(svc.protocol));
        chains.push(Chain {
            name: sep,
            policy: None,
            rules: vec![
                Rule { matches: first, target: Target::Jump("KUBE-MARK-MASQ".into()) },
                Rule { matches: second, target: Target::Dnat { ip: ep.ip, port: ep.port } },
            ],
        });
    }
}
