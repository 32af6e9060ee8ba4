//! Topology Aware Routing's hints for Services annotated `service.kubernetes.io/topology-mode:
//! Auto` (or the deprecated `topology-aware-hints: Auto`): the EndpointSlice controller's
//! `TopologyCache` (`k8s.io/endpointslice/topologycache`, topologycache.go and utils.go), which
//! gives each zone a share of a Service's ready endpoints in proportion to the allocatable CPU of
//! the zone's nodes (routing-semantics §4). kube-proxy then uses the hints like any others
//! (`proxy::endpoints::topology_mode`).
//!
//! Go walks maps (zones) in random order where two zones tie; the simulator takes them in zone
//! name order, so its answer is one of those Go can give, always the same one.

use std::collections::BTreeMap;

use super::state::{Endpoint, Node};
use crate::rules::pod::quantity::Quantity;

/// `overloadThreshold`: the most any endpoint should be overloaded.
const OVERLOAD_THRESHOLD: f64 = 0.2;

/// The messages of the controller's events (event.go), as `kubectl describe service` shows them.
pub const INSUFFICIENT_NODE_INFO: &str = "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes";
pub const INSUFFICIENT_NUMBER_OF_ENDPOINTS: &str = "Insufficient number of endpoints";
pub const MIN_ALLOCATION_EXCEEDS_OVERLOAD_THRESHOLD: &str =
    "Unable to allocate minimum required endpoints to each zone without exceeding overload threshold";
pub const NO_ZONE_SPECIFIED: &str = "One or more endpoints do not have a zone specified";

/// Each zone's share of the allocatable CPU of the nodes that count (`SetNodes`), in zone order,
/// or `None` when the controller has too little to go on: a counted node without a zone or
/// without allocatable CPU, no CPU at all, or fewer than two zones.
pub fn zone_ratios(nodes: &[Node]) -> Option<Vec<(String, f64)>> {
    let mut by_zone: BTreeMap<&str, i128> = BTreeMap::new();
    let mut total = 0i128;
    for n in nodes {
        // Control-plane nodes (either label, any value) and nodes that are not Ready do not count.
        if n.labels.contains_key("node-role.kubernetes.io/control-plane") || n.labels.contains_key("node-role.kubernetes.io/master") {
            continue;
        }
        if !n.ready {
            continue;
        }
        // `Allocatable.Cpu()`: a missing or unreadable quantity is zero. `MilliValue` rounds up.
        let cpu = Quantity::parse(&n.cpu).map_or(0, |q| q.milli);
        let zone = n.labels.get("topology.kubernetes.io/zone").map_or("", String::as_str);
        if zone.is_empty() || cpu == 0 {
            return None;
        }
        total += cpu;
        *by_zone.entry(zone).or_default() += cpu;
    }
    if total == 0 || by_zone.len() < 2 {
        return None;
    }
    Some(by_zone.into_iter().map(|(z, cpu)| (z.to_owned(), cpu as f64 / total as f64)).collect())
}

/// `allocation`: how many endpoints a zone should get.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Allocation {
    minimum: usize,
    desired: f64,
}

/// `getAllocations`: each zone's minimum and desired number of the `n` ready endpoints, or the
/// event's message when the zones cannot all be served without overloading one.
fn allocations(ratios: Option<&[(String, f64)]>, n: usize) -> Result<Vec<(String, Allocation)>, String> {
    let Some(ratios) = ratios else { return Err(INSUFFICIENT_NODE_INFO.to_owned()) };
    if ratios.len() > n {
        return Err(format!("{INSUFFICIENT_NUMBER_OF_ENDPOINTS} ({n} endpoints, {} zones)", ratios.len()));
    }
    let mut remaining = n as i64;
    let mut out = Vec::new();
    for (zone, ratio) in ratios {
        let desired = ratio * n as f64;
        let minimum = (desired * (1.0 / (1.0 + OVERLOAD_THRESHOLD))).ceil() as usize;
        remaining -= minimum as i64;
        if remaining < 0 {
            return Err(format!("{MIN_ALLOCATION_EXCEEDS_OVERLOAD_THRESHOLD} ({n} endpoints, {} zones)", ratios.len()));
        }
        out.push((zone.clone(), Allocation { minimum, desired: desired.max(minimum as f64) }));
    }
    Ok(out)
}

/// The smallest number of ready endpoints, above `now`, for which every zone gets its minimum
/// (the counts that work are not contiguous: 3 equal zones take 3 and 6 but not 4 or 5).
pub fn endpoints_needed(ratios: &[(String, f64)], now: usize) -> Option<usize> {
    (now + 1..=now + 10_000).find(|&n| allocations(Some(ratios), n).is_ok())
}

/// `getMost`: the zone with the largest positive value; on a tie the first in zone order.
fn most(zones: &BTreeMap<String, f64>) -> Option<(String, f64)> {
    let mut best: Option<(&String, f64)> = None;
    for (z, &v) in zones {
        if v > best.map_or(0.0, |b| b.1) {
            best = Some((z, v));
        }
    }
    best.map(|(z, v)| (z.clone(), v))
}

/// `getGivingAndReceivingZones`: whole endpoints each zone gives away or receives.
fn giving_and_receiving(
    allocations: &[(String, Allocation)],
    hinted: &BTreeMap<String, usize>,
) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let mut give_wanted = BTreeMap::new();
    let mut receive_wanted = BTreeMap::new();
    for (zone, a) in allocations {
        let have = hinted.get(zone).copied().unwrap_or(0) as f64;
        if have > a.desired {
            give_wanted.insert(zone.clone(), have - a.desired);
        } else if have < a.desired {
            receive_wanted.insert(zone.clone(), a.desired - have);
        }
    }
    let (mut giving, mut receiving) = (BTreeMap::new(), BTreeMap::new());
    while let (Some((gz, give)), Some((rz, receive))) = (most(&give_wanted), most(&receive_wanted)) {
        if (give < 1.0 && receive < 1.0) || give < 0.5 || receive < 0.5 {
            break;
        }
        *giving.entry(gz.clone()).or_insert(0) += 1;
        *give_wanted.get_mut(&gz).expect("present") -= 1.0;
        *receiving.entry(rz.clone()).or_insert(0) += 1;
        *receive_wanted.get_mut(&rz).expect("present") -= 1.0;
    }
    (giving, receiving)
}

/// The controller's `Ready` check: set and true (the controller always sets it).
fn ready(ep: &Endpoint) -> bool {
    ep.conditions.ready == Some(true)
}

/// Why `AddHints` wrote no hints: its `TopologyAwareHintsDisabled` event.
#[derive(Debug, Clone, PartialEq)]
pub struct Disabled {
    /// The event's message, without its `, addressType: …` suffix.
    pub message: String,
    /// The ready endpoints the allocation was tried with.
    pub ready: usize,
    /// The smallest larger number of ready endpoints the zones' shares would take, when the
    /// nodes gave shares and the endpoints had zones.
    pub needed: Option<usize>,
}

/// `AddHints` for one Service and address family, over its endpoints in slice order. On
/// success every ready endpoint carries one zone hint; otherwise no endpoint has any.
pub fn add_hints(endpoints: &mut [&mut Endpoint], ratios: Option<&[(String, f64)]>) -> Result<(), Disabled> {
    let total = endpoints.iter().filter(|e| ready(e)).count();
    let disabled = |endpoints: &mut [&mut Endpoint], message: String, needed: Option<usize>| {
        for e in endpoints.iter_mut() {
            e.for_zones.clear();
        }
        Err(Disabled { message, ready: total, needed })
    };
    let allocations = match allocations(ratios, total) {
        Ok(a) => a,
        Err(e) => return disabled(endpoints, e, ratios.and_then(|r| endpoints_needed(r, total))),
    };
    // Step 1: every ready endpoint is hinted for its own zone.
    let mut hinted: BTreeMap<String, usize> = BTreeMap::new();
    for ep in endpoints.iter_mut() {
        ep.for_zones.clear();
        if !ready(ep) {
            continue;
        }
        let Some(zone) = ep.zone.clone().filter(|z| !z.is_empty()) else {
            return disabled(endpoints, NO_ZONE_SPECIFIED.to_owned(), None);
        };
        *hinted.entry(zone.clone()).or_insert(0) += 1;
        ep.for_zones = vec![zone];
    }
    // Steps 2 and 3: zones over their share give endpoints to zones under it, in slice order.
    // (Go's last check, "No hints allocated for zones", cannot fail here: the allocation needs
    // at least one ready endpoint per zone, and each of them has a zone by now.)
    let (mut giving, mut receiving) = giving_and_receiving(&allocations, &hinted);
    for ep in endpoints.iter_mut() {
        if giving.is_empty() || receiving.is_empty() {
            break;
        }
        let Some(zone) = ep.zone.clone().filter(|_| ready(ep)) else { continue };
        if !giving.contains_key(&zone) {
            continue;
        }
        let Some(to) = receiving.keys().next().cloned() else { break };
        for (map, z) in [(&mut giving, &zone), (&mut receiving, &to)] {
            let left = map.get_mut(z).expect("present");
            *left -= 1;
            if *left == 0 {
                map.remove(z);
            }
        }
        ep.for_zones = vec![to];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::state::Conditions;

    fn ep(zone: &str, ready: Option<bool>) -> Endpoint {
        Endpoint {
            addresses: vec!["10.1.2.3".into()],
            conditions: Conditions { ready, ..Conditions::default() },
            hostname: None,
            node_name: None,
            zone: (!zone.is_empty()).then(|| zone.to_owned()),
            target_ref: None,
            for_zones: Vec::new(),
            for_nodes: Vec::new(),
        }
    }

    fn ratios(r: &[(&str, f64)]) -> Vec<(String, f64)> {
        r.iter().map(|(z, v)| ((*z).to_owned(), *v)).collect()
    }

    fn run(eps: &mut [Endpoint], r: Option<&[(String, f64)]>) -> Result<Vec<Vec<String>>, String> {
        let mut refs: Vec<&mut Endpoint> = eps.iter_mut().collect();
        add_hints(&mut refs, r).map_err(|d| d.message)?;
        Ok(eps.iter().map(|e| e.for_zones.clone()).collect())
    }

    // The cases of TestAddHints (topologycache_test.go), same inputs and expected hints.
    #[test]
    fn without_node_information_no_hints() {
        let mut eps = vec![ep("zone-a", Some(true))];
        assert_eq!(run(&mut eps, None), Err(INSUFFICIENT_NODE_INFO.to_owned()));
        assert!(eps[0].for_zones.is_empty());
    }

    #[test]
    fn fewer_endpoints_than_zones_no_hints() {
        let r = ratios(&[("zone-a", 0.3), ("zone-b", 0.4), ("zone-c", 0.3)]);
        let mut eps = vec![ep("zone-a", Some(true)), ep("zone-b", Some(true))];
        assert_eq!(run(&mut eps, Some(&r)), Err("Insufficient number of endpoints (2 endpoints, 3 zones)".to_owned()));
    }

    #[test]
    fn two_zones_two_endpoints_own_zone() {
        let r = ratios(&[("zone-a", 0.45), ("zone-b", 0.55)]);
        let mut eps = vec![ep("zone-a", Some(true)), ep("zone-b", Some(true)), ep("zone-b", Some(false)), ep("zone-b", None)];
        let got = run(&mut eps, Some(&r)).unwrap();
        assert_eq!(got, vec![vec!["zone-a".to_owned()], vec!["zone-b".to_owned()], vec![], vec![]]);
    }

    #[test]
    fn an_overloaded_zone_gives_its_first_endpoint_away() {
        // "slices to create and update within 3 zone threshold": zone-a has 5 of 10 endpoints
        // for 35% of the CPU, zone-b 2 for 35%: the first zone-a endpoint serves zone-b.
        let r = ratios(&[("zone-a", 0.35), ("zone-b", 0.35), ("zone-c", 0.30)]);
        let zones = ["zone-a", "zone-b", "zone-c", "zone-c", "zone-a", "zone-a", "zone-a", "zone-b", "zone-c", "zone-a"];
        let mut eps: Vec<Endpoint> = zones.iter().map(|z| ep(z, Some(true))).collect();
        let got = run(&mut eps, Some(&r)).unwrap();
        let want: Vec<Vec<String>> = ["zone-b", "zone-b", "zone-c", "zone-c", "zone-a", "zone-a", "zone-a", "zone-b", "zone-c", "zone-a"]
            .iter()
            .map(|z| vec![(*z).to_owned()])
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn an_endpoint_without_zone_removes_all_hints() {
        let r = ratios(&[("zone-a", 0.5), ("zone-b", 0.5)]);
        let mut eps = vec![ep("zone-a", Some(true)), ep("", Some(true)), ep("zone-b", Some(true)), ep("zone-b", Some(true))];
        assert_eq!(run(&mut eps, Some(&r)), Err(NO_ZONE_SPECIFIED.to_owned()));
        assert!(eps.iter().all(|e| e.for_zones.is_empty()));
    }

    #[test]
    fn minimums_over_the_total_are_refused() {
        // 3 endpoints over three zones of 1/3 each: minimum ceil(1/1.2) = 1 each, fine; with
        // ratios 0.5/0.5 and 3 endpoints: ceil(1.25) = 2 each, 4 > 3.
        let r = ratios(&[("zone-a", 0.5), ("zone-b", 0.5)]);
        let mut eps = vec![ep("zone-a", Some(true)), ep("zone-a", Some(true)), ep("zone-b", Some(true))];
        assert_eq!(
            run(&mut eps, Some(&r)),
            Err("Unable to allocate minimum required endpoints to each zone without exceeding overload threshold (3 endpoints, 2 zones)"
                .to_owned())
        );
    }

    #[test]
    fn an_empty_zone_receives_from_the_fullest() {
        // Equal CPU in three zones, endpoints 2/1/0: one of zone-a's serves zone-c.
        let third = 1.0 / 3.0;
        let r = ratios(&[("zone-a", third), ("zone-b", third), ("zone-c", third)]);
        let mut eps = vec![ep("zone-a", Some(true)), ep("zone-b", Some(true)), ep("zone-a", Some(true))];
        let got = run(&mut eps, Some(&r)).unwrap();
        assert_eq!(got, vec![vec!["zone-c".to_owned()], vec!["zone-b".to_owned()], vec!["zone-a".to_owned()]]);
    }

    #[test]
    fn three_equal_zones_refuse_4_5_8_and_11_endpoints() {
        // docs/cluster.md says so: each zone's minimum is ceil(n/3 / 1.2), and the three must
        // fit in n (from 12 on they always do).
        let third = 1.0 / 3.0;
        let r = ratios(&[("zone-a", third), ("zone-b", third), ("zone-c", third)]);
        let refused: Vec<usize> = (1..=40).filter(|&n| allocations(Some(&r), n).is_err()).collect();
        assert_eq!(refused, [1, 2, 4, 5, 8, 11]);
        assert_eq!(endpoints_needed(&r, 4), Some(6));
        assert_eq!(endpoints_needed(&r, 7), Some(9));
        assert_eq!(endpoints_needed(&r, 0), Some(3));
    }

    fn node(name: &str, zone: Option<&str>, cpu: &str, ready: bool, extra: &[&str]) -> Node {
        let mut labels = crate::model::typed::Labels::new();
        if let Some(z) = zone {
            labels.insert("topology.kubernetes.io/zone".into(), z.into());
        }
        for k in extra {
            labels.insert((*k).into(), String::new());
        }
        Node {
            name: name.into(),
            zone: zone.map(str::to_owned),
            labels,
            internal_ip: std::net::IpAddr::V4([10, 0, 0, 1].into()),
            pod_cidrs: Vec::new(),
            ready,
            taints: Vec::new(),
            cpu: cpu.into(),
            store: crate::cluster::state::StoreMeta::default(),
        }
    }

    #[test]
    fn zone_ratios_follow_set_nodes() {
        // TestSetNodes: control-plane and NotReady nodes do not count; a counted node without
        // zone or CPU, or a single zone, leaves no ratios.
        let nodes = vec![
            node("a1", Some("zone-a"), "1000m", true, &[]),
            node("a2", Some("zone-a"), "1", true, &[]),
            node("b1", Some("zone-b"), "2", true, &[]),
            node("cp", None, "0", true, &["node-role.kubernetes.io/control-plane"]),
            node("down", None, "", false, &[]),
        ];
        assert_eq!(zone_ratios(&nodes), Some(ratios(&[("zone-a", 0.5), ("zone-b", 0.5)])));
        assert_eq!(zone_ratios(&nodes[..2]), None, "one zone");
        let mut no_cpu = nodes.clone();
        no_cpu[2].cpu = "0".into();
        assert_eq!(zone_ratios(&no_cpu), None);
        let mut no_zone = nodes;
        no_zone[0].labels.clear();
        assert_eq!(zone_ratios(&no_zone), None);
    }
}
