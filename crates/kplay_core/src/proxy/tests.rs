//! Scenario tests taken from kube-proxy's own `proxier_test.go` (same services, same expected
//! chain names and probabilities) and the routing vectors under `tests/fixtures/proxy/`.

use std::net::IpAddr;

use super::input::*;
use super::iptables::{self, NodeContext, RenderOptions};

pub(crate) fn ip(s: &str) -> IpAddr {
    s.parse().expect("test IP")
}

pub(crate) const TEST_NODE: &str = "test-node";

/// The services and endpoints of `TestOverallIPTablesRules`.
pub(crate) fn overall_input() -> ProxyInput {
    let mut input = ProxyInput {
        config: ProxyConfig {
            cluster_cidrs: vec![Cidr::parse("10.0.0.0/8").unwrap()],
            masquerade_random_fully: false,
            ..ProxyConfig::default()
        },
        nodes: vec![NodeInfo { name: TEST_NODE.into(), ips: vec![ip("192.168.0.2")], zone: None }],
        ..ProxyInput::default()
    };
    let p80 = |ns: &str, name: &str, vip: &str| ServicePortInfo::cluster_ip(ns, name, "p80", Protocol::Tcp, ip(vip), 80);

    let mut svc1 = p80("ns1", "svc1", "172.30.0.41");
    svc1.endpoints = vec![EndpointInfo::ready(ip("10.180.0.1"), 80)];

    let mut svc2 = p80("ns2", "svc2", "172.30.0.42");
    svc2.service_type = ServiceType::LoadBalancer;
    svc2.external_policy = TrafficPolicy::Local;
    svc2.node_port = 3001;
    svc2.load_balancer_ips = vec![ip("1.2.3.4")];
    svc2.external_ips = vec![ip("192.168.99.22")];
    svc2.health_check_node_port = 30000;
    svc2.endpoints = vec![EndpointInfo::ready(ip("10.180.0.2"), 80)];

    let mut svc3 = p80("ns3", "svc3", "172.30.0.43");
    svc3.service_type = ServiceType::NodePort;
    svc3.node_port = 3003;
    svc3.endpoints = vec![EndpointInfo::ready(ip("10.180.0.3"), 80)];

    let mut svc4 = p80("ns4", "svc4", "172.30.0.44");
    svc4.service_type = ServiceType::NodePort;
    svc4.external_ips = vec![ip("192.168.99.33")];
    svc4.endpoints = vec![EndpointInfo::ready(ip("10.180.0.4"), 80), EndpointInfo::ready(ip("10.180.0.5"), 80).on_node(TEST_NODE)];

    let mut svc5 = p80("ns5", "svc5", "172.30.0.45");
    svc5.service_type = ServiceType::LoadBalancer;
    svc5.node_port = 3002;
    svc5.load_balancer_ips = vec![ip("5.6.7.8")];
    svc5.health_check_node_port = 30000;
    svc5.load_balancer_source_ranges = vec![Cidr::parse(" 203.0.113.0/25").unwrap()];
    svc5.endpoints = vec![EndpointInfo::ready(ip("10.180.0.3"), 80)];

    let svc6 = p80("ns6", "svc6", "172.30.0.46");

    // Deliberately out of order: generation must sort.
    input.services = vec![svc5, svc3, svc1, svc6, svc4, svc2];
    input
}

#[test]
fn overall_iptables_rules_match_kube_proxy_test() {
    let input = overall_input();
    let rs = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE));
    let got = rs.render(RenderOptions::default());
    let expected = include_str!("../../../../tests/fixtures/proxy/iptables-overall.expected");
    if got != expected {
        for (i, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
            assert_eq!(g, e, "first difference at line {}", i + 1);
        }
        assert_eq!(got.lines().count(), expected.lines().count(), "line count");
    }
}

/// `TestInternalTrafficPolicyE2E`: unnamed port, three endpoints, then ITP=Local.
#[test]
fn internal_traffic_policy_chains() {
    let mut input = ProxyInput {
        config: ProxyConfig { cluster_cidrs: vec![Cidr::parse("10.0.0.0/8").unwrap()], ..ProxyConfig::default() },
        ..ProxyInput::default()
    };
    let mut svc = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
    svc.endpoints = vec![
        EndpointInfo::ready(ip("10.0.1.1"), 80).on_node(TEST_NODE),
        EndpointInfo::ready(ip("10.0.1.2"), 80).on_node("host1"),
        EndpointInfo::ready(ip("10.0.1.3"), 80).on_node("host2"),
    ];
    input.services = vec![svc];
    let text = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE)).render(RenderOptions::default());
    for line in [
        "-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment \"ns1/svc1 -> 10.0.1.1:80\" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-3JOIVZTXZZRGORX4",
        "-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment \"ns1/svc1 -> 10.0.1.2:80\" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-IO5XOSKPAXIFQXAJ",
        "-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment \"ns1/svc1 -> 10.0.1.3:80\" -j KUBE-SEP-XGJFVO3L2O5SRFNT",
    ] {
        assert!(text.contains(line), "missing {line}\n{text}");
    }

    input.services[0].internal_policy = TrafficPolicy::Local;
    let text = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE)).render(RenderOptions::default());
    assert!(text.contains("-A KUBE-SERVICES -m comment --comment \"ns1/svc1 cluster IP\" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j KUBE-SVL-AQI2S6QIMU7PVVRP"));
    assert!(text.contains("-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment \"ns1/svc1 -> 10.0.1.1:80\" -j KUBE-SEP-3JOIVZTXZZRGORX4"));
    assert!(!text.contains("KUBE-SVC-AQI2S6QIMU7PVVRP"), "{text}");

    // No local endpoint: a DROP in filter, no nat chains for the service.
    input.services[0].endpoints.remove(0);
    let text = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE)).render(RenderOptions::default());
    assert!(text.contains(
        "-A KUBE-SERVICES -m comment --comment \"ns1/svc1 has no local endpoints\" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j DROP"
    ));
    assert!(!text.contains("KUBE-SEP-"), "{text}");
}

/// `TestTerminatingEndpointsTrafficPolicyLocal` names and session affinity rules.
#[test]
fn session_affinity_uses_recent_module() {
    let mut input = ProxyInput::default();
    let mut svc = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
    svc.session_affinity = Some(10800);
    svc.endpoints = vec![EndpointInfo::ready(ip("10.0.1.5"), 80)];
    input.services = vec![svc];
    let text = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE)).render(RenderOptions::default());
    assert!(text.contains("-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment \"ns1/svc1 -> 10.0.1.5:80\" -m recent --name KUBE-SEP-EQCHZ7S2PJ72OHAY --rcheck --seconds 10800 --reap -j KUBE-SEP-EQCHZ7S2PJ72OHAY"), "{text}");
    assert!(text.contains("-A KUBE-SEP-EQCHZ7S2PJ72OHAY -m comment --comment ns1/svc1 -m recent --name KUBE-SEP-EQCHZ7S2PJ72OHAY --set -m tcp -p tcp -j DNAT --to-destination 10.0.1.5:80"), "{text}");
}

#[test]
fn saved_form_prints_builtins_and_kernel_probabilities() {
    let input = overall_input();
    let rs = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE));
    let text = rs.render(RenderOptions { builtin_chains: true, saved_probabilities: true });
    assert!(text.contains(":PREROUTING ACCEPT [0:0]"));
    assert!(text.contains("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES"));
    assert!(text.contains("--probability 0.50000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC"));
}
