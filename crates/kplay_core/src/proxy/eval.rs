//! The packet evaluator: walks a node's generated iptables rules (the same structured rules that
//! are printed) with the first packet of a connection, through nat PREROUTING/OUTPUT, the filter
//! hooks and nat POSTROUTING, and reports every rule that matched. Randomness (`statistic`) and
//! the `recent` lists of ClientIP affinity are delegated to an [`Oracle`], so a trace can use a
//! seeded generator and the simulator can force each branch in turn.

use std::collections::HashMap;
use std::net::IpAddr;

use super::input::{Cidr, Protocol};
use super::iptables::{Match, RenderOptions, Ruleset, Table, Target};

/// The first packet of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub dport: u16,
    pub proto: Protocol,
}

/// Where the packet enters the node's netfilter hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// From a pod on this node or from the network: nat PREROUTING.
    Routed,
    /// From a process in the node's own network namespace (host network): nat OUTPUT.
    Local,
}

/// Decisions the rules leave to chance or to state.
pub trait Oracle {
    /// `-m statistic --mode random`: the kernel matches when `(random & 0x7FFFFFFF) < stored`.
    fn statistic(&mut self, chain: &str, rule: usize, stored: u32) -> bool;
    /// `-m recent --rcheck --seconds T`: was `src` recorded under `name` within `T` seconds.
    fn recent_check(&mut self, name: &str, src: IpAddr, seconds: u32) -> bool;
    /// `-m recent --set`.
    fn recent_set(&mut self, name: &str, src: IpAddr);
}

/// A rule that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub table: Table,
    pub chain: String,
    /// Index of the rule in its chain.
    pub rule: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Drop,
    Reject,
}

/// The result of one walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub verdict: Verdict,
    /// Every rule that matched, in order.
    pub hits: Vec<Hit>,
    /// The DNAT applied, if any.
    pub dnat: Option<(IpAddr, u16)>,
    /// The source was masqueraded in POSTROUTING.
    pub masqueraded: bool,
    /// The packet's destination after nat: delivered to the node itself when it is local.
    pub delivered_locally: bool,
    /// The walk hit its step limit (a rule loop); the verdict is then Drop.
    pub truncated: bool,
}

const MAX_STEPS: usize = 1_000_000;
const MAX_DEPTH: usize = 64;

struct State<'a, O: Oracle> {
    rs: &'a Ruleset,
    node_ips: &'a [IpAddr],
    /// What `--dst-type LOCAL` stands for in the NodePort rules (see [`walk_nodeports`]).
    nodeport_addrs: Option<&'a [IpAddr]>,
    pkt: Packet,
    mark: u32,
    dnat: Option<(IpAddr, u16)>,
    hits: Vec<Hit>,
    steps: usize,
    truncated: bool,
    oracle: &'a mut O,
}

enum Flow {
    /// Fell off the end of the chain (or RETURN).
    Continue,
    Final(Terminal),
}

enum Terminal {
    Accept,
    Drop,
    Reject,
    Dnat,
    Masquerade,
}

fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}

impl<O: Oracle> State<'_, O> {
    fn is_local(&self, ip: IpAddr) -> bool {
        is_loopback(ip) || self.node_ips.contains(&ip)
    }

    fn matches(&mut self, chain: &str, idx: usize, matches: &[Match]) -> bool {
        for m in matches {
            let ok = match m {
                Match::Comment(_) => true,
                Match::Proto(p) => self.pkt.proto == *p,
                Match::Src(c) => c.contains(self.pkt.src),
                Match::NotSrc(c) => !c.contains(self.pkt.src),
                Match::Dst(c) => c.contains(self.pkt.dst),
                Match::NotDst(c) => !c.contains(self.pkt.dst),
                Match::DPort(p) => self.pkt.dport == *p,
                Match::DstTypeLocal => match self.nodeport_addrs {
                    Some(addrs) => addrs.contains(&self.pkt.dst),
                    None => self.is_local(self.pkt.dst),
                },
                Match::SrcTypeLocal => self.is_local(self.pkt.src),
                Match::Statistic { stored, .. } => self.oracle.statistic(chain, idx, *stored),
                Match::RecentCheck { name, seconds } => self.oracle.recent_check(name, self.pkt.src, *seconds),
                Match::RecentSet(name) => {
                    self.oracle.recent_set(name, self.pkt.src);
                    true
                }
                Match::Nfacct(_) => true,
                Match::Mark(m) => self.mark & m == *m,
                Match::NotMark(m) => self.mark & m != *m,
                Match::CtState { negated, states } => {
                    // The first packet of a connection is NEW, plus DNAT once it was translated.
                    let has = states.split(',').any(|s| s == "NEW" || (s == "DNAT" && self.dnat.is_some()));
                    has != *negated
                }
            };
            if !ok {
                return false;
            }
        }
        true
    }

    fn run_chain(&mut self, table: Table, name: &str, depth: usize) -> Flow {
        let Some(chain) = self.rs.chain(table, name) else { return Flow::Continue };
        if depth > MAX_DEPTH {
            self.truncated = true;
            return Flow::Final(Terminal::Drop);
        }
        for (idx, rule) in chain.rules.iter().enumerate() {
            self.steps += 1;
            if self.steps > MAX_STEPS {
                self.truncated = true;
                return Flow::Final(Terminal::Drop);
            }
            if !self.matches(&chain.name, idx, &rule.matches) {
                continue;
            }
            self.hits.push(Hit { table, chain: chain.name.clone(), rule: idx });
            match &rule.target {
                Target::None => {}
                Target::Jump(next) => {
                    if let Flow::Final(t) = self.run_chain(table, next, depth + 1) {
                        return Flow::Final(t);
                    }
                }
                Target::Return => return Flow::Continue,
                Target::Accept => return Flow::Final(Terminal::Accept),
                Target::Drop => return Flow::Final(Terminal::Drop),
                Target::Reject => return Flow::Final(Terminal::Reject),
                Target::Dnat { ip, port } => {
                    self.dnat = Some((*ip, *port));
                    self.pkt.dst = *ip;
                    self.pkt.dport = *port;
                    return Flow::Final(Terminal::Dnat);
                }
                Target::MarkOr(m) => self.mark |= m,
                Target::MarkXor(m) => self.mark ^= m,
                Target::Masquerade { .. } => return Flow::Final(Terminal::Masquerade),
            }
        }
        Flow::Continue
    }
}

/// Walks `pkt` through `rs` on a node owning `node_ips`.
pub fn walk<O: Oracle>(rs: &Ruleset, node_ips: &[IpAddr], pkt: Packet, origin: Origin, oracle: &mut O) -> Walk {
    walk_nodeports(rs, node_ips, None, pkt, origin, oracle)
}

/// [`walk`] for the modes whose NodePorts are not iptables' `-m addrtype --dst-type LOCAL`
/// (only used by the NodePort rules): with `nodeport_addrs`, that match is "the destination is
/// one of these addresses", as nftables' `daddr @nodeport-ips` and IPVS's NodePort virtual
/// servers accept them (never localhost). `None` is iptables: any local address, loopback too.
pub fn walk_nodeports<O: Oracle>(
    rs: &Ruleset,
    node_ips: &[IpAddr],
    nodeport_addrs: Option<&[IpAddr]>,
    pkt: Packet,
    origin: Origin,
    oracle: &mut O,
) -> Walk {
    let mut st = State { rs, node_ips, nodeport_addrs, pkt, mark: 0, dnat: None, hits: Vec::new(), steps: 0, truncated: false, oracle };
    let nat_hook = match origin {
        Origin::Routed => "PREROUTING",
        Origin::Local => "OUTPUT",
    };
    // nat: only DNAT (or nothing) ends it; ACCEPT/DROP are not used there by kube-proxy.
    if let Flow::Final(Terminal::Drop | Terminal::Reject) = st.run_chain(Table::Nat, nat_hook, 0) {
        return finish(st, Verdict::Drop, false);
    }
    let local = st.is_local(st.pkt.dst);
    let filter_hook = match (origin, local) {
        (Origin::Local, _) => "OUTPUT",
        (Origin::Routed, true) => "INPUT",
        (Origin::Routed, false) => "FORWARD",
    };
    match st.run_chain(Table::Filter, filter_hook, 0) {
        Flow::Final(Terminal::Drop) => return finish(st, Verdict::Drop, false),
        Flow::Final(Terminal::Reject) => return finish(st, Verdict::Reject, false),
        _ => {}
    }
    if local && origin == Origin::Routed {
        // Delivered to the node itself: POSTROUTING is not traversed.
        let mut w = finish(st, Verdict::Accept, false);
        w.delivered_locally = true;
        return w;
    }
    let masq = matches!(st.run_chain(Table::Nat, "POSTROUTING", 0), Flow::Final(Terminal::Masquerade));
    let mut w = finish(st, Verdict::Accept, masq);
    w.delivered_locally = local;
    w
}

fn finish<O: Oracle>(st: State<'_, O>, verdict: Verdict, masqueraded: bool) -> Walk {
    let verdict = if st.truncated { Verdict::Drop } else { verdict };
    Walk { verdict, hits: st.hits, dnat: st.dnat, masqueraded, delivered_locally: false, truncated: st.truncated }
}

/// Renders a hit as its `-A CHAIN ...` line.
pub fn hit_text(rs: &Ruleset, hit: &Hit) -> String {
    rs.chain(hit.table, &hit.chain)
        .and_then(|c| c.rules.get(hit.rule))
        .map(|r| r.render(&hit.chain, RenderOptions::default()))
        .unwrap_or_default()
}

/// A small, fast, seedable generator (SplitMix64): deterministic on every target, no
/// dependency, good enough for load-balancing draws.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

/// An oracle drawing from a seeded generator, with `recent` lists keyed by name and source and a
/// clock in seconds that the caller advances.
#[derive(Debug, Clone)]
pub struct RandomOracle {
    pub rng: Rng,
    pub now: f64,
    pub recent: HashMap<(String, IpAddr), f64>,
}

impl RandomOracle {
    pub fn new(seed: u64) -> Self {
        RandomOracle { rng: Rng::new(seed), now: 0.0, recent: HashMap::new() }
    }
}

impl Oracle for RandomOracle {
    fn statistic(&mut self, _chain: &str, _rule: usize, stored: u32) -> bool {
        (self.rng.next_u32() & 0x7FFF_FFFF) < stored
    }

    fn recent_check(&mut self, name: &str, src: IpAddr, seconds: u32) -> bool {
        let key = (name.to_string(), src);
        match self.recent.get(&key) {
            Some(&t) if self.now - t <= f64::from(seconds) => true,
            Some(_) => {
                // --reap: forget entries older than the window.
                self.recent.remove(&key);
                false
            }
            None => false,
        }
    }

    fn recent_set(&mut self, name: &str, src: IpAddr) {
        self.recent.insert((name.to_string(), src), self.now);
    }
}

/// An oracle that takes one chosen statistic rule in one chain and no affinity: used to
/// enumerate every branch of a load-balancing chain.
#[derive(Debug, Clone)]
pub struct ForcedOracle {
    pub chain: Option<String>,
    pub take: Option<usize>,
    /// The first chain in which a statistic match was consulted.
    pub first_random_chain: Option<String>,
}

impl Oracle for ForcedOracle {
    fn statistic(&mut self, chain: &str, rule: usize, _stored: u32) -> bool {
        if self.first_random_chain.is_none() {
            self.first_random_chain = Some(chain.to_string());
        }
        self.chain.as_deref() == Some(chain) && self.take == Some(rule)
    }

    fn recent_check(&mut self, _name: &str, _src: IpAddr, _seconds: u32) -> bool {
        false
    }

    fn recent_set(&mut self, _name: &str, _src: IpAddr) {}
}

/// Whether `ip` lies in any of `cidrs`.
pub fn in_any(cidrs: &[Cidr], ip: IpAddr) -> bool {
    cidrs.iter().any(|c| c.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::super::iptables::{self, NodeContext};
    use super::super::tests::{ip, overall_input, TEST_NODE};
    use super::*;

    fn run(pkt: Packet, origin: Origin, seed: u64) -> (Walk, Ruleset) {
        let input = overall_input();
        let rs = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE));
        let mut o = RandomOracle::new(seed);
        (walk(&rs, &[ip("192.168.0.2")], pkt, origin, &mut o), rs)
    }

    fn tcp(src: &str, dst: &str, dport: u16) -> Packet {
        Packet { src: ip(src), dst: ip(dst), dport, proto: Protocol::Tcp }
    }

    #[test]
    fn pod_to_cluster_ip_is_dnatted_without_masquerade() {
        let (w, rs) = run(tcp("10.180.0.9", "172.30.0.41", 80), Origin::Routed, 1);
        assert_eq!(w.verdict, Verdict::Accept);
        assert_eq!(w.dnat, Some((ip("10.180.0.1"), 80)));
        assert!(!w.masqueraded);
        let chains: Vec<&str> = w.hits.iter().map(|h| h.chain.as_str()).collect();
        assert!(chains.contains(&"KUBE-SVC-XPGD46QRK7WJZT7O") && chains.contains(&"KUBE-SEP-SXIVWICOYRO3J4NJ"), "{chains:?}");
        assert!(hit_text(&rs, &w.hits[0]).starts_with("-A PREROUTING"));
    }

    #[test]
    fn hairpin_is_masqueraded() {
        let (w, _) = run(tcp("10.180.0.1", "172.30.0.41", 80), Origin::Routed, 1);
        assert_eq!(w.dnat, Some((ip("10.180.0.1"), 80)));
        assert!(w.masqueraded);
    }

    #[test]
    fn no_endpoints_rejects_and_local_policy_drops() {
        let (w, _) = run(tcp("10.180.0.9", "172.30.0.46", 80), Origin::Routed, 1);
        assert_eq!(w.verdict, Verdict::Reject);
        // External client to svc2's LB IP (ETP=Local, no local endpoint): dropped.
        let (w, _) = run(tcp("203.0.113.9", "1.2.3.4", 80), Origin::Routed, 1);
        assert_eq!(w.verdict, Verdict::Drop);
        // A pod to the same LB IP is short-circuited to the cluster chain.
        let (w, _) = run(tcp("10.180.0.9", "1.2.3.4", 80), Origin::Routed, 1);
        assert_eq!(w.dnat, Some((ip("10.180.0.2"), 80)));
        assert!(!w.masqueraded);
    }

    #[test]
    fn source_ranges_filter_lb_ip_but_not_node_port() {
        let (w, _) = run(tcp("203.0.113.130", "5.6.7.8", 80), Origin::Routed, 1);
        assert_eq!(w.verdict, Verdict::Drop);
        let (w, _) = run(tcp("203.0.113.2", "5.6.7.8", 80), Origin::Routed, 1);
        assert_eq!(w.dnat, Some((ip("10.180.0.3"), 80)));
        assert!(w.masqueraded);
        let (w, _) = run(tcp("203.0.113.130", "192.168.0.2", 3002), Origin::Routed, 1);
        assert_eq!(w.dnat, Some((ip("10.180.0.3"), 80)));
        assert!(w.masqueraded);
    }

    #[test]
    fn two_endpoints_are_both_reachable_and_seeded_draws_repeat() {
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..64 {
            let (w, _) = run(tcp("10.180.0.9", "172.30.0.44", 80), Origin::Routed, seed);
            seen.insert(w.dnat.map(|d| d.0.to_string()));
            let (again, _) = run(tcp("10.180.0.9", "172.30.0.44", 80), Origin::Routed, seed);
            assert_eq!(w, again);
        }
        assert_eq!(seen.len(), 2, "{seen:?}");
    }

    #[test]
    fn rng_below_is_in_range() {
        let mut r = Rng::new(7);
        for n in 1..50 {
            assert!(r.below(n) < n);
        }
    }
}
