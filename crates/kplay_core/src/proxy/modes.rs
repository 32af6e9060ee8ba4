//! Explains a packet's path in nftables and IPVS terms. The evaluator walks the iptables rules;
//! the nftables and IPVS modes make the same decisions from the same endpoint categorisation, so
//! each matched iptables rule is translated to the nft chain, verdict-map element or IPVS
//! virtual/real server that does the same job on a node running that mode.

use std::net::IpAddr;

use serde::Serialize;

use super::input::{Protocol, ServicePortInfo};
use super::iptables::{Match, Ruleset, Table, Target};
use super::nftables::{endpoint_names, NftRuleset, ServiceNames};
use super::{eval, ipvs, names};

/// kube-proxy's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Iptables,
    Nftables,
    Ipvs,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Iptables => "iptables",
            Mode::Nftables => "nftables",
            Mode::Ipvs => "ipvs",
        }
    }
}

impl From<crate::cluster::state::ProxyMode> for Mode {
    fn from(m: crate::cluster::state::ProxyMode) -> Self {
        use crate::cluster::state::ProxyMode;
        match m {
            ProxyMode::Iptables => Mode::Iptables,
            ProxyMode::Nftables => Mode::Nftables,
            ProxyMode::Ipvs => Mode::Ipvs,
        }
    }
}

/// What one matched iptables rule did, kept after the ruleset borrow ends.
#[derive(Debug, Clone)]
pub struct HitInfo {
    pub table: Table,
    pub chain: String,
    pub target: Target,
    pub recent: bool,
    /// The rule matched on a source CIDR (`-s`), as the pod short-circuit does.
    pub src_cidr: bool,
    pub src_local: bool,
}

impl HitInfo {
    pub fn collect(rs: &Ruleset, hits: &[eval::Hit]) -> Vec<HitInfo> {
        hits.iter()
            .filter_map(|h| {
                let r = rs.chain(h.table, &h.chain)?.rules.get(h.rule)?;
                Some(HitInfo {
                    table: h.table,
                    chain: h.chain.clone(),
                    target: r.target.clone(),
                    recent: r.matches.iter().any(|m| matches!(m, Match::RecentCheck { .. })),
                    src_cidr: r.matches.iter().any(|m| matches!(m, Match::Src(_))),
                    src_local: r.matches.iter().any(|m| matches!(m, Match::SrcTypeLocal)),
                })
            })
            .collect()
    }

    fn jumps_to(&self, name: &str) -> bool {
        matches!(&self.target, Target::Jump(t) if t == name)
    }
}

/// One step in nftables terms: (chain or map, the rule or element, why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub rule: String,
    pub detail: String,
}

fn step(name: impl Into<String>, rule: impl Into<String>, detail: impl Into<String>) -> Step {
    Step { name: name.into(), rule: rule.into(), detail: detail.into() }
}

/// Maps an iptables per-service chain of `svc` to its nft chain.
fn nft_chain_for(ipt: &str, svc: &ServicePortInfo, n: &ServiceNames) -> Option<String> {
    let spn = svc.port_name_string();
    let proto = svc.protocol.lower();
    let hash = ipt.rsplit('-').next()?;
    let svc_hash = names::port_proto_hash(&spn, proto);
    if hash == svc_hash {
        return match ipt.split('-').nth(1)? {
            "SVC" => Some(n.service.clone()),
            "SVL" => Some(n.local.clone()),
            "EXT" => Some(n.external.clone()),
            "FW" => Some(n.firewall.clone()),
            _ => None,
        };
    }
    if ipt.starts_with("KUBE-SEP-") {
        return svc.endpoints.iter().find(|e| names::sep_chain(&spn, proto, &e.addr()) == ipt).map(|e| endpoint_names(svc, e).0);
    }
    None
}

fn find_rule<'a>(nft: &'a NftRuleset, chain: &str, pred: impl Fn(&str) -> bool) -> Option<&'a str> {
    nft.chain(chain)?.rules.iter().map(|r| r.text.as_str()).find(|t| pred(t))
}

/// The nftables steps equivalent to an iptables walk.
#[allow(clippy::too_many_arguments)]
pub fn nft_steps(
    nft: &NftRuleset,
    hits: &[HitInfo],
    svc: Option<&ServicePortInfo>,
    src: IpAddr,
    dst: IpAddr,
    port: u16,
    proto: Protocol,
    local_origin: bool,
) -> Vec<Step> {
    let ipx = nft.family;
    let p = proto.lower();
    let key = format!("{dst} . {p} . {port}");
    let names = svc.map(ServiceNames::of);
    let mut out = Vec::new();
    let hook = if local_origin { "nat-output" } else { "nat-prerouting" };
    // KUBE-MARK-MASQ's own rule splits the calling chain's hits in two; nftables sets the mark
    // inline, so the chain's hits are read as one group (its jump to KUBE-MARK-MASQ says `marked`).
    let hits: Vec<&HitInfo> = hits.iter().filter(|h| !(h.table == Table::Nat && h.chain == "KUBE-MARK-MASQ")).collect();
    let mut entered = false;
    let mut i = 0;
    while i < hits.len() {
        let h = &hits[i];
        // Group consecutive hits of one chain.
        let mut j = i;
        while j + 1 < hits.len() && hits[j + 1].chain == h.chain && hits[j + 1].table == h.table {
            j += 1;
        }
        let group = &hits[i..=j];
        i = j + 1;
        let exit = group.iter().rev().find(|g| !g.jumps_to("KUBE-MARK-MASQ")).unwrap_or(&group[group.len() - 1]);
        let marked = group.iter().any(|g| g.jumps_to("KUBE-MARK-MASQ"));
        match (h.table, h.chain.as_str()) {
            (Table::Nat, "PREROUTING" | "OUTPUT") if !entered => {
                out.push(step(hook, "jump services", "every new connection goes through the services dispatch"));
                entered = true;
            }
            (Table::Nat, "KUBE-SERVICES" | "KUBE-NODEPORTS") => {
                let Target::Jump(t) = &exit.target else { continue };
                if t == "KUBE-NODEPORTS" {
                    continue;
                }
                let (Some(s), Some(n)) = (svc, names.as_ref()) else { continue };
                let Some(target) = nft_chain_for(t, s, n) else { continue };
                if t.starts_with("KUBE-FW-") {
                    if let Some(e) = nft.map("firewall-ips").and_then(|m| m.get(&key)) {
                        out.push(step(
                            "firewall-check",
                            format!("{ipx} daddr . meta l4proto . th dport vmap @firewall-ips"),
                            format!("element `{} : {}`: the destination has loadBalancerSourceRanges", e.key, e.verdict),
                        ));
                    }
                    if let Some(r) = find_rule(nft, &n.firewall, |t| t.contains("saddr !=")) {
                        out.push(step(n.firewall.clone(), r, format!("{src} is inside loadBalancerSourceRanges, so not dropped")));
                    }
                    let ext = n.external.clone();
                    if let Some(e) = nft.map("service-ips").and_then(|m| m.get(&key)) {
                        out.push(step(
                            "services",
                            format!("{ipx} daddr . meta l4proto . th dport vmap @service-ips"),
                            format!("element `{} : {}`", e.key, e.verdict),
                        ));
                    } else {
                        out.push(step("services", "", format!("goto {ext}")));
                    }
                    continue;
                }
                if h.chain == "KUBE-NODEPORTS" {
                    let k = format!("{p} . {port}");
                    let e = nft.map("service-nodeports").and_then(|m| m.get(&k));
                    out.push(step(
                        "services",
                        format!("{ipx} daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports"),
                        match e {
                            Some(e) => format!("{dst} is in @nodeport-ips; element `{} : {}`", e.key, e.verdict),
                            None => format!("NodePort {port}: goto {target}"),
                        },
                    ));
                } else {
                    let e = nft.map("service-ips").and_then(|m| m.get(&key));
                    out.push(step(
                        "services",
                        format!("{ipx} daddr . meta l4proto . th dport vmap @service-ips"),
                        match e {
                            Some(e) => format!("element `{} : {}`", e.key, e.verdict),
                            None => format!("goto {target}"),
                        },
                    ));
                }
            }
            (Table::Nat, c) if c.starts_with("KUBE-SVC-") || c.starts_with("KUBE-SVL-") => {
                let (Some(s), Some(n)) = (svc, names.as_ref()) else { continue };
                let Some(chain) = nft_chain_for(c, s, n) else { continue };
                let Target::Jump(sep) = &exit.target else { continue };
                let ep_chain = nft_chain_for(sep, s, n).unwrap_or_default();
                let masq = if marked { "the source is outside the pod network, so the connection is marked for masquerade; " } else { "" };
                if exit.recent {
                    let r = find_rule(nft, &chain, |t| t.contains("@affinity-") && t.ends_with(&ep_chain)).unwrap_or_default();
                    out.push(step(chain, r, format!("{masq}the client is in the endpoint's affinity set (ClientIP session affinity)")));
                } else if let Some(r) = find_rule(nft, &chain, |t| t.starts_with("numgen")) {
                    let n_eps = r.split_whitespace().nth(3).unwrap_or("?").to_string();
                    let idx = r
                        .split(" , ")
                        .find(|e| e.trim_end_matches(" }").ends_with(&format!("goto {ep_chain}")))
                        .and_then(|e| e.rsplit('{').next().unwrap_or(e).split(':').next())
                        .map_or_else(|| "?".into(), |s| s.trim().to_string());
                    out.push(step(
                        chain,
                        r,
                        format!("{masq}numgen random mod {n_eps} gave {idx} (each endpoint has probability 1/{n_eps}): goto {ep_chain}"),
                    ));
                }
            }
            (Table::Nat, c) if c.starts_with("KUBE-EXT-") => {
                let (Some(s), Some(n)) = (svc, names.as_ref()) else { continue };
                let Target::Jump(t) = &exit.target else { continue };
                let target = nft_chain_for(t, s, n).unwrap_or_default();
                let r = if exit.src_cidr {
                    find_rule(nft, &n.external, |r| r.contains(" saddr ") && r.ends_with(&target))
                } else if exit.src_local {
                    find_rule(nft, &n.external, |r| r.starts_with("fib saddr type local goto"))
                } else {
                    find_rule(nft, &n.external, |r| r == format!("goto {target}"))
                };
                let why = if marked { "marked for masquerade (external traffic may leave the node); " } else { "" };
                out.push(step(n.external.clone(), r.unwrap_or_default(), format!("{why}goto {target}")));
            }
            (Table::Nat, c) if c.starts_with("KUBE-SEP-") => {
                let (Some(s), Some(n)) = (svc, names.as_ref()) else { continue };
                let Some(chain) = nft_chain_for(c, s, n) else { continue };
                let r = find_rule(nft, &chain, |t| t.contains("dnat to")).unwrap_or_default();
                let hairpin = if marked { "the pod reaches itself through the VIP (hairpin), so it is masqueraded; " } else { "" };
                out.push(step(chain, r, format!("{hairpin}DNAT to the endpoint")));
            }
            (Table::Nat, "KUBE-POSTROUTING") if matches!(exit.target, Target::Masquerade { .. }) => {
                out.push(step("masquerading", "masquerade fully-random", "the mark is set: the source becomes the node's address"));
            }
            (Table::Filter, "KUBE-SERVICES" | "KUBE-EXTERNAL-SERVICES") if matches!(exit.target, Target::Reject | Target::Drop) => {
                let node_port = svc.is_some_and(|s| s.node_port == port && s.port != port);
                let (chain, map, k) = if node_port {
                    ("nodeport-endpoints-check", "no-endpoint-nodeports", format!("{p} . {port}"))
                } else {
                    ("service-endpoints-check", "no-endpoint-services", key.clone())
                };
                let e = nft.map(map).and_then(|m| m.get(&k));
                let rule = if node_port {
                    format!("{ipx} daddr @nodeport-ips meta l4proto . th dport vmap @{map}")
                } else {
                    format!("{ipx} daddr . meta l4proto . th dport vmap @{map}")
                };
                let detail = match e {
                    Some(e) => format!(
                        "element `{} comment \"{}\" : {}`{}",
                        e.key,
                        e.comment.as_deref().unwrap_or_default(),
                        e.verdict,
                        if e.verdict == "drop" { "" } else { "; reject-chain: reject" }
                    ),
                    None => "no usable endpoint".to_string(),
                };
                out.push(step(chain, rule, detail));
            }
            (Table::Filter, "KUBE-PROXY-FIREWALL") if matches!(exit.target, Target::Drop) => {
                let fw = names.as_ref().map(|n| n.firewall.clone()).unwrap_or_default();
                out.push(step(
                    "firewall-check",
                    format!("{ipx} daddr . meta l4proto . th dport vmap @firewall-ips"),
                    format!("element `{key} : goto {fw}`"),
                ));
                let r = find_rule(nft, &fw, |t| t.contains("saddr !=")).unwrap_or_default();
                out.push(step(fw, r, format!("{src} is outside loadBalancerSourceRanges: dropped")));
            }
            _ => {}
        }
    }
    out
}

/// nftables' `cluster-ips-check`: a ClusterIP on a port no Service uses is rejected, an
/// unallocated address of the Service CIDR dropped (iptables has no such rules).
pub fn nft_cluster_ip_check(nft: &NftRuleset, dst: IpAddr) -> Option<(bool, Step)> {
    let ipx = nft.family;
    let ip = dst.to_string();
    if nft.set("cluster-ips").is_some_and(|s| s.elements.contains(&ip)) {
        return Some((
            true,
            step(
                "cluster-ips-check",
                format!("{ipx} daddr @cluster-ips reject"),
                format!("{dst} is a ClusterIP but no Service port matches: rejected"),
            ),
        ));
    }
    let chain = nft.chain("cluster-ips-check")?;
    let drop = chain.rules.iter().find(|r| r.text.ends_with(" drop"))?;
    let in_cidr = drop
        .text
        .split(['{', '}'])
        .nth(1)
        .is_some_and(|cidrs| cidrs.split(',').filter_map(|c| super::input::Cidr::parse(c.trim())).any(|c| c.contains(dst)));
    in_cidr.then(|| {
        (false, step("cluster-ips-check", drop.text.clone(), format!("{dst} is in the Service CIDR but allocated to no Service: dropped")))
    })
}

/// The IPVS step for a connection.
pub fn ipvs_step(table: &ipvs::IpvsTable, svc: &ServicePortInfo, dst: IpAddr, port: u16, endpoint: Option<(IpAddr, u16)>) -> Option<Step> {
    let (label, detail) = ipvs::explain(table, svc, dst, port, endpoint)?;
    Some(step(label, String::new(), detail))
}
