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

/// The nfacct counters (1.31+): absent, kube-proxy writes neither counting rule; the
/// localhost NodePort rule is the IPv4 proxier's only; `iptables-save` prints two spaces.
#[test]
fn nfacct_rules_follow_the_counters_and_the_family() {
    let mut input = overall_input();
    let saved = RenderOptions { saved_probabilities: true, ..RenderOptions::default() };
    let text = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE)).render(saved);
    assert!(
        text.contains("-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment \"ns3/svc3:p80\" -m tcp --dport 3003 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-X27LE4BHSL4DOUIK\n"),
        "{text}"
    );
    assert!(
        text.contains("-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name  ct_state_invalid_dropped_pkts -j DROP\n"),
        "{text}"
    );
    input.config.nfacct = false;
    let text = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE)).render(RenderOptions::default());
    assert!(!text.contains("nfacct") && !text.contains("-d 127.0.0.0/8 --dport"), "{text}");
    assert!(text.contains("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n"), "{text}");
    input.config.nfacct = true;
    input.config.localhost_node_ports = false;
    let text = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE)).render(RenderOptions::default());
    assert!(!text.contains("localhost_nps_accepted_pkts") && text.contains("ct_state_invalid_dropped_pkts"), "{text}");
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
    assert!(text.contains(
        "-A KUBE-SERVICES -m comment --comment \"ns1/svc1 cluster IP\" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j KUBE-SVL-AQI2S6QIMU7PVVRP"
    ));
    assert!(text.contains("-A KUBE-SVL-AQI2S6QIMU7PVVRP -m comment --comment \"ns1/svc1 -> 10.0.1.1:80\" -j KUBE-SEP-3JOIVZTXZZRGORX4"));
    assert!(!text.contains("KUBE-SVC-AQI2S6QIMU7PVVRP"), "{text}");

    // Both policies Local on a NodePort: the Cluster chain is still written with every endpoint
    // (`UsesClusterEndpoints` is true for any externally accessible port), so pod traffic to the
    // NodePort is short-circuited to any endpoint, not only this node's.
    let mut both = input.clone();
    both.services[0].node_port = 30080;
    both.services[0].service_type = ServiceType::NodePort;
    both.services[0].external_policy = TrafficPolicy::Local;
    let text = iptables::generate(&both, &NodeContext::of(&both, TEST_NODE)).render(RenderOptions::default());
    assert!(text.contains(":KUBE-SVC-AQI2S6QIMU7PVVRP - [0:0]"), "{text}");
    assert!(
        text.contains("-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment \"ns1/svc1 -> 10.0.1.3:80\" -j KUBE-SEP-XGJFVO3L2O5SRFNT"),
        "{text}"
    );
    assert!(text.contains("-A KUBE-SEP-XGJFVO3L2O5SRFNT "), "{text}");
    // nftables: every service chain jumped to is declared.
    let nft = super::nftables::generate(&both, &NodeContext::of(&both, TEST_NODE)).render_commands();
    let targets: Vec<&str> = nft
        .lines()
        .filter_map(|l| l.split_whitespace().skip_while(|w| *w != "goto" && *w != "jump").nth(1))
        .filter(|t| t.starts_with("service-"))
        .collect();
    assert!(!targets.is_empty(), "{nft}");
    for t in targets {
        assert!(nft.lines().any(|l| l.starts_with("add chain") && l.ends_with(t)), "{t} is jumped to but never added\n{nft}");
    }

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
    // iptables-save's canonical order and forms, as in dumps from real nodes.
    for line in [
        "-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ",
        "-A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment \"ns1/svc1:p80\" -j KUBE-MARK-MASQ",
        "-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment \"ns1/svc1:p80\" -m tcp -j DNAT --to-destination 10.180.0.1:80",
        "-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment \"ns6/svc6:p80 has no endpoints\" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable",
    ] {
        assert!(text.contains(line), "missing {line}\n{text}");
    }
}

mod flows {
    use std::collections::BTreeSet;

    use super::super::modes::Mode;
    use super::super::trace::{Destination, Outcome, SimulateRequest, Source, TraceRequest, Tracer};
    use super::*;
    use crate::source::SourceFile;
    use crate::yaml::{load_file, Limits, Node};

    /// The vectors of the copied spec sample, by id.
    fn vector(id: &str) -> Node {
        let text = include_str!("../../../../tests/fixtures/proxy/routing-vectors.yaml");
        let file = SourceFile::new("routing-vectors.yaml", text);
        let loaded = load_file(0, &file, &Limits::default());
        let root = loaded.docs.into_iter().next().and_then(|d| d.root).expect("vectors load");
        let vectors = root.get("vectors").and_then(Node::as_seq).expect("vectors list").to_vec();
        vectors.into_iter().find(|v| v.get("id").and_then(Node::text) == Some(id)).unwrap_or_else(|| panic!("no vector {id}"))
    }

    /// `possible_destinations` as a set (or `{"REJECT"}`) and `masquerade`.
    fn expected(id: &str) -> (BTreeSet<String>, Option<bool>) {
        let v = vector(id);
        let e = v.get("expected").expect("expected");
        let dests = e.get("possible_destinations").and_then(Node::text).unwrap_or_default();
        let set = dests.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        (set, e.get("masquerade").and_then(Node::as_bool))
    }

    /// Two nodes: `test-node` (192.168.0.2, the one kube-proxy's tests run on) and `host2`.
    fn two_nodes() -> ProxyInput {
        ProxyInput {
            config: ProxyConfig { cluster_cidrs: vec![Cidr::parse("10.0.0.0/8").unwrap()], ..ProxyConfig::default() },
            nodes: vec![
                NodeInfo { name: TEST_NODE.into(), ips: vec![ip("192.168.0.2")], zone: None },
                NodeInfo { name: "host2".into(), ips: vec![ip("192.168.0.3")], zone: None },
            ],
            pods: vec![PodInfo {
                namespace: "ns".into(),
                name: "client".into(),
                ip: Some(ip("10.180.0.2")),
                node: Some(TEST_NODE.into()),
                ..PodInfo::default()
            }],
            ..ProxyInput::default()
        }
    }

    /// ns2/svc2 of TestClusterIPGeneral / TestExternalTrafficPolicy*: endpoints 10.180.0.1
    /// (on host2) and 10.180.2.1 (on test-node), ports 80/TCP and 53/UDP.
    fn svc2(input: &mut ProxyInput, etp: TrafficPolicy) {
        for (name, proto, port) in [("http", Protocol::Tcp, 80), ("dns", Protocol::Udp, 53)] {
            let mut s = ServicePortInfo::cluster_ip("ns2", "svc2", name, proto, ip("172.30.0.42"), port);
            s.service_type = ServiceType::LoadBalancer;
            s.node_port = if port == 80 { 3001 } else { 3002 };
            s.load_balancer_ips = vec![ip("1.2.3.4")];
            s.external_policy = etp;
            s.endpoints = vec![
                EndpointInfo::ready(ip("10.180.0.1"), port).on_node("host2"),
                EndpointInfo::ready(ip("10.180.2.1"), port).on_node(TEST_NODE),
            ];
            input.services.push(s);
        }
    }

    /// Every destination 400 simulated requests reach, and whether they were masqueraded.
    fn reach(input: &ProxyInput, from: Source, to: &str, proto: Protocol, entry: Option<&str>) -> (BTreeSet<String>, Option<bool>) {
        reach_in(input, from, to, proto, entry, Mode::Iptables)
    }

    /// [`reach`] through kube-proxy's `mode` rules.
    fn reach_in(
        input: &ProxyInput,
        from: Source,
        to: &str,
        proto: Protocol,
        entry: Option<&str>,
        mode: Mode,
    ) -> (BTreeSet<String>, Option<bool>) {
        let mut req = TraceRequest::new(from, Destination::parse(to).expect("destination"));
        req.mode = mode;
        req.protocol = proto;
        req.entry_node = entry.map(str::to_string);
        let sim = Tracer::new(input).simulate(&SimulateRequest { trace: req, requests: 400, clients: 1, interval_ms: 1 });
        if sim.rejected == sim.requests {
            return (BTreeSet::from(["REJECT".to_string()]), None);
        }
        let set = sim.endpoints.iter().filter(|e| e.count > 0).map(|e| format!("{}:{}", e.endpoint.ip, e.endpoint.port)).collect();
        (set, Some(sim.masqueraded > 0))
    }

    #[test]
    fn flow_vectors() {
        let pod = || Source::Pod { namespace: None, name: "client".into() };
        let mut cluster = two_nodes();
        svc2(&mut cluster, TrafficPolicy::Cluster);
        let mut local = two_nodes();
        svc2(&mut local, TrafficPolicy::Local);

        assert_eq!(reach(&cluster, pod(), "172.30.0.42:80", Protocol::Tcp, None), expected("flow-01"));
        assert_eq!(reach(&cluster, pod(), "172.30.0.42:53", Protocol::Udp, None), expected("flow-04"));
        let ext = Source::Ip(ip("203.0.113.2"));
        assert_eq!(reach(&local, ext.clone(), "1.2.3.4:80", Protocol::Tcp, Some(TEST_NODE)), expected("flow-07"));
        assert_eq!(reach(&cluster, ext, "192.168.0.2:3001", Protocol::Tcp, None), expected("flow-10"));

        // flow-13: NodePort ignores loadBalancerSourceRanges (TestLoadBalancer's single endpoint).
        let mut lb = two_nodes();
        let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "p80", Protocol::Tcp, ip("172.30.0.41"), 80);
        s.node_port = 3001;
        s.load_balancer_ips = vec![ip("1.2.3.4")];
        s.load_balancer_source_ranges = vec![Cidr::parse("203.0.113.0/25").unwrap()];
        s.endpoints = vec![EndpointInfo::ready(ip("10.180.0.1"), 80).on_node("host2")];
        lb.services.push(s);
        assert_eq!(reach(&lb, Source::Ip(ip("203.0.113.130")), "192.168.0.2:3001", Protocol::Tcp, None), expected("flow-13"));
        let (dropped, _) = reach(&lb, Source::Ip(ip("203.0.113.130")), "1.2.3.4:80", Protocol::Tcp, Some(TEST_NODE));
        assert!(dropped.is_empty(), "{dropped:?}");

        // flow-16: internalTrafficPolicy Local.
        let mut itp = two_nodes();
        let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
        s.internal_policy = TrafficPolicy::Local;
        s.endpoints = vec![
            EndpointInfo::ready(ip("10.0.1.1"), 80).on_node(TEST_NODE),
            EndpointInfo::ready(ip("10.0.1.2"), 80).on_node("host2"),
            EndpointInfo::ready(ip("10.0.1.3"), 80).on_node("host2"),
        ];
        itp.services.push(s);
        assert_eq!(reach(&itp, pod(), "172.30.1.1:80", Protocol::Tcp, None), expected("flow-16"));

        // flow-19: only not-serving terminating endpoints.
        let mut term = two_nodes();
        let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
        s.endpoints = vec![EndpointInfo { ready: false, serving: false, terminating: true, ..EndpointInfo::ready(ip("10.0.1.4"), 80) }];
        term.services.push(s);
        assert_eq!(reach(&term, pod(), "172.30.1.1:80", Protocol::Tcp, None), expected("flow-19"));

        // The vectors derived from Kubernetes' own tests, every category.
        let text = include_str!("../../../../tests/fixtures/proxy/k8s-routing-vectors.yaml");
        let file = SourceFile::new("k8s-routing-vectors.yaml", text);
        let root = load_file(0, &file, &Limits::default()).docs.into_iter().next().and_then(|d| d.root).expect("vectors load");
        let vectors = root.get("vectors").and_then(Node::as_seq).expect("vectors list");
        assert!(vectors.len() >= 20);
        let failed: Vec<String> = vectors
            .iter()
            .filter(|v| std::panic::catch_unwind(|| super::k8s_vectors::check(v, &reach_in)).is_err())
            .map(|v| v.get("id").and_then(Node::text).unwrap_or_default().to_string())
            .collect();
        assert!(failed.is_empty(), "failed vectors: {failed:?}");
    }

    #[test]
    fn simulate_matches_expected_shares_and_honours_affinity() {
        let mut input = two_nodes();
        let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
        s.endpoints = (1..=4).map(|i| EndpointInfo::ready(ip(&format!("10.0.1.{i}")), 80)).collect();
        input.services.push(s);
        let pod = Source::Pod { namespace: None, name: "client".into() };
        let req = TraceRequest { seed: 42, ..TraceRequest::new(pod.clone(), Destination::parse("svc/ns1/svc1:80").unwrap()) };
        let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req.clone(), requests: 100_000, clients: 1, interval_ms: 1 });
        assert_eq!(sim.delivered, 100_000);
        assert_eq!(sim.endpoints.len(), 4);
        for e in &sim.endpoints {
            assert!((e.expected_share - 0.25).abs() < 1e-6, "{e:?}");
            assert!((e.share - 0.25).abs() < 0.01, "{e:?}");
        }
        // Same seed, same counts.
        let again = Tracer::new(&input).simulate(&SimulateRequest { trace: req.clone(), requests: 100_000, clients: 1, interval_ms: 1 });
        assert_eq!(sim.endpoints, again.endpoints);

        // ClientIP affinity: one client sticks to one endpoint; many clients spread.
        input.services[0].session_affinity = Some(10800);
        let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req.clone(), requests: 10_000, clients: 1, interval_ms: 1 });
        assert_eq!(sim.endpoints.iter().filter(|e| e.count > 0).count(), 1, "{:?}", sim.endpoints);
        let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req, requests: 10_000, clients: 64, interval_ms: 1 });
        assert!(sim.endpoints.iter().filter(|e| e.count > 0).count() > 1);
        // The per-client tally is this run's: each client sticks to one endpoint, and the
        // clients' counts add up to the endpoints' counts.
        assert_eq!(sim.per_client.len(), 64);
        assert_eq!(sim.per_client.iter().map(|c| c.requests).sum::<u64>(), 10_000);
        assert!(sim.per_client.iter().all(|c| c.hits.len() <= 1), "{:?}", sim.per_client);
        for (i, e) in sim.endpoints.iter().enumerate() {
            let by_clients: u64 = sim.per_client.iter().flat_map(|c| &c.hits).filter(|h| h.endpoint == i).map(|h| h.count).sum();
            assert_eq!(by_clients, e.count, "{e:?}");
        }
        assert_eq!(sim.per_client[1].client, "10.180.0.3", "client addresses follow the first one (the pod's 10.180.0.2)");
    }

    #[test]
    fn per_client_counts_add_up_without_affinity_and_through_an_ingress() {
        let mut input = two_nodes();
        let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
        s.endpoints = (1..=3).map(|i| EndpointInfo::ready(ip(&format!("10.0.1.{i}")), 80)).collect();
        input.services.push(s);
        let req = TraceRequest { seed: 3, ..TraceRequest::new(Source::External, Destination::parse("172.30.1.1:80").unwrap()) };
        let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req.clone(), requests: 5_000, clients: 7, interval_ms: 1 });
        let total: u64 = sim.per_client.iter().flat_map(|c| &c.hits).map(|h| h.count).sum();
        assert_eq!(total, sim.endpoints.iter().map(|e| e.count).sum::<u64>());
        assert_eq!(sim.per_client.iter().map(|c| c.requests).sum::<u64>(), 5_000);
        assert!(sim.per_client.iter().all(|c| c.hits.windows(2).all(|w| w[0].endpoint < w[1].endpoint)), "hits in endpoint order");
        let json = serde_json::to_value(&sim).unwrap();
        assert_eq!(json["per_client"][0]["client"], "203.0.113.10");
        assert!(json["per_client"][0]["hits"][0]["endpoint"].is_u64());
        // One client: its tally is the endpoints' counts.
        let one = Tracer::new(&input).simulate(&SimulateRequest { trace: req.clone(), requests: 300, clients: 1, interval_ms: 1 });
        assert_eq!(one.per_client.len(), 1);
        assert_eq!(
            one.per_client[0].hits.iter().map(|h| h.count).collect::<Vec<_>>(),
            one.endpoints.iter().map(|e| e.count).collect::<Vec<_>>()
        );
        // The expected shares without a run are the simulation's.
        let shares = Tracer::new(&input).expected_shares(&req).expect("shares");
        assert_eq!(shares.len(), 3);
        for ((e, s), c) in shares.iter().zip(&one.endpoints) {
            assert_eq!(e, &c.endpoint);
            assert!((s - c.expected_share).abs() < 1e-12 && (s - 1.0 / 3.0).abs() < 1e-9);
        }
    }

    #[test]
    fn ipvs_schedulers_pick_in_turn_or_by_source_hash() {
        let mut input = two_nodes();
        let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
        s.endpoints = (1..=3).map(|i| EndpointInfo::ready(ip(&format!("10.0.1.{i}")), 80)).collect();
        input.services.push(s);
        let pod = Source::Pod { namespace: None, name: "client".into() };
        let req = TraceRequest {
            seed: 7,
            mode: crate::proxy::modes::Mode::Ipvs,
            ..TraceRequest::new(pod, Destination::parse("svc/ns1/svc1:80").unwrap())
        };
        let run = |input: &ProxyInput, clients: usize| {
            Tracer::new(input).simulate(&SimulateRequest { trace: req.clone(), requests: 999, clients, interval_ms: 1 })
        };
        // rr: the real servers in turn, exactly a third each (iptables' random picks would not be).
        let counts: Vec<u64> = run(&input, 1).endpoints.iter().map(|e| e.count).collect();
        assert_eq!(counts, [333, 333, 333]);
        let mut iptables = req.clone();
        iptables.mode = crate::proxy::modes::Mode::Iptables;
        let random = Tracer::new(&input).simulate(&SimulateRequest { trace: iptables, requests: 999, clients: 1, interval_ms: 1 });
        assert_ne!(random.endpoints.iter().map(|e| e.count).collect::<Vec<_>>(), [333, 333, 333]);
        // sh: one client always reaches the same real server.
        input.config.ipvs_scheduler = "sh".into();
        let sim = run(&input, 1);
        assert_eq!(sim.endpoints.iter().filter(|e| e.count > 0).count(), 1, "{:?}", sim.endpoints);
        assert_eq!(sim.delivered, 999);
    }

    #[test]
    fn trace_explains_rejection_of_a_service_without_endpoints() {
        let mut input = two_nodes();
        input.services.push(ServicePortInfo::cluster_ip("default", "my-service", "http", Protocol::Tcp, ip("10.96.0.20"), 80));
        let t = Tracer::new(&input).trace(&TraceRequest::new(
            Source::Pod { namespace: None, name: "client".into() },
            Destination::parse("my-service.default:80").unwrap(),
        ));
        assert_eq!(t.outcome, Outcome::Rejected);
        assert!(t.hops.iter().any(|h| h.kind == "dns" && h.detail.contains("10.96.0.20")));
        let rej = t.hops.iter().find(|h| h.kind == "iptables" && h.detail.contains("REJECT")).expect("reject hop");
        assert!(rej.rule.as_deref().unwrap_or_default().contains("\"default/my-service:http has no endpoints\""), "{rej:?}");
        assert!(t.hops.last().unwrap().detail.contains("no EndpointSlice"));
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["outcome"], "rejected");
        assert!(json["endpoint"].is_null());
    }

    /// ns1/np: a NodePort (3001) whose only endpoint runs on host2; `node-pod` is a second
    /// client, on host2.
    fn node_port_on_host2() -> ProxyInput {
        let mut input = two_nodes();
        let mut s = ServicePortInfo::cluster_ip("ns1", "np", "", Protocol::Tcp, ip("172.30.0.50"), 80);
        s.service_type = ServiceType::NodePort;
        s.node_port = 3001;
        s.endpoints = vec![EndpointInfo::ready(ip("10.180.1.5"), 8080).on_node("host2")];
        input.services.push(s);
        input
    }

    const MODES: [Mode; 3] = [Mode::Iptables, Mode::Nftables, Mode::Ipvs];

    fn trace_in(input: &ProxyInput, from: Source, to: &str, mode: Mode) -> super::super::trace::Trace {
        Tracer::new(input).trace(&TraceRequest { mode, ..TraceRequest::new(from, Destination::parse(to).unwrap()) })
    }

    #[test]
    fn another_nodes_node_port_is_routed_to_that_node_in_every_mode() {
        let input = node_port_on_host2();
        let pod = || Source::Pod { namespace: None, name: "client".into() };
        for mode in MODES {
            for from in [pod(), Source::Node(TEST_NODE.into()), Source::Ip(ip("10.180.0.2"))] {
                let t = trace_in(&input, from.clone(), "192.168.0.3:3001", mode);
                assert_eq!(t.outcome, Outcome::Delivered, "{mode:?} {from:?}: {:#?}", t.hops);
                assert!(t.masqueraded, "{mode:?}: external-policy Cluster NodePorts masquerade");
                assert_eq!(t.endpoint.as_ref().map(|e| e.ip.as_str()), Some("10.180.1.5"));
                let route = t.hops.iter().position(|h| h.kind == "route" && h.name == "host2").expect("a hop to host2");
                assert!(t.hops[route].detail.contains("192.168.0.3 is node host2's address"), "{:?}", t.hops[route]);
                // The rules after that hop are host2's; the ones before, the client's node's.
                assert!(t.hops[..route].iter().filter_map(|h| h.node.as_deref()).all(|n| n == TEST_NODE), "{mode:?}: {:#?}", t.hops);
                assert!(t.hops[route + 1..].iter().any(|h| h.node.as_deref() == Some("host2")), "{mode:?}: {:#?}", t.hops);
            }
            if mode == Mode::Iptables {
                let t = trace_in(&input, pod(), "192.168.0.3:3001", mode);
                assert!(t.hops.iter().any(|h| h.name == "nat/PREROUTING" && h.node.as_deref() == Some("host2")), "{:#?}", t.hops);
            }
            let req = TraceRequest { mode, ..TraceRequest::new(pod(), Destination::parse("192.168.0.3:3001").unwrap()) };
            let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req, requests: 20, clients: 3, interval_ms: 1 });
            assert_eq!((sim.delivered, sim.masqueraded), (20, 20), "{mode:?}");
            // The client's own node keeps working, and an address no node owns still has no route.
            assert_eq!(trace_in(&input, pod(), "192.168.0.2:3001", mode).outcome, Outcome::Delivered);
            assert_eq!(trace_in(&input, pod(), "192.168.0.9:3001", mode).outcome, Outcome::NoRoute);
        }
    }

    #[test]
    fn loopback_node_ports_follow_each_mode() {
        let input = node_port_on_host2();
        for mode in MODES {
            // A pod's 127.0.0.1 is its own: the connection never reaches the node.
            for from in [Source::Pod { namespace: None, name: "client".into() }, Source::External] {
                let t = trace_in(&input, from.clone(), "127.0.0.1:3001", mode);
                assert_eq!(t.outcome, Outcome::NoRoute, "{mode:?} {from:?}: {:#?}", t.hops);
                assert_eq!(t.hops.len(), 2, "{:#?}", t.hops);
                assert_eq!(t.hops[1].kind, "loopback");
                assert!(t.hops[1].detail.contains("itself") && t.hops[1].detail.contains("connection refused"), "{:?}", t.hops[1]);
                let req = TraceRequest { mode, ..TraceRequest::new(from, Destination::parse("127.0.0.1:3001").unwrap()) };
                let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req, requests: 10, clients: 1, interval_ms: 1 });
                assert_eq!(sim.no_route, 10, "{mode:?}");
            }
            // From the node itself: iptables takes NodePorts on localhost (on by default);
            // nftables and IPVS never do, as their own tables say.
            let t = trace_in(&input, Source::Node(TEST_NODE.into()), "127.0.0.1:3001", mode);
            let req =
                TraceRequest { mode, ..TraceRequest::new(Source::Node(TEST_NODE.into()), Destination::parse("127.0.0.1:3001").unwrap()) };
            let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req, requests: 10, clients: 1, interval_ms: 1 });
            if mode == Mode::Iptables {
                assert_eq!(t.outcome, Outcome::Delivered, "{:#?}", t.hops);
                assert!(t.masqueraded);
                assert_eq!(sim.delivered, 10);
                continue;
            }
            assert_eq!(t.outcome, Outcome::NoRoute, "{mode:?}: {:#?}", t.hops);
            assert_eq!(sim.no_route, 10, "{mode:?}");
            assert!(!t.hops.iter().any(|h| h.kind == "dnat"), "{mode:?}: {:#?}", t.hops);
            assert!(t.hops.iter().any(|h| h.detail.contains("never on localhost")), "{mode:?}: {:#?}", t.hops);
            assert!(t.hops[0].detail.contains("source is 127.0.0.1"), "{:?}", t.hops[0]);
            let mut tracer = Tracer::new(&input);
            if mode == Mode::Nftables {
                let set = tracer.nft_ruleset(TEST_NODE, false).set("nodeport-ips").expect("nodeport-ips");
                assert_eq!(set.elements, ["192.168.0.2"]);
            } else {
                assert!(tracer.ipvs_table(TEST_NODE, false).find(Protocol::Tcp, ip("127.0.0.1"), 3001).is_none());
            }
        }
        // With localhost NodePorts turned off, iptables refuses them too.
        let mut off = node_port_on_host2();
        off.config.localhost_node_ports = false;
        assert_eq!(trace_in(&off, Source::Node(TEST_NODE.into()), "127.0.0.1:3001", Mode::Iptables).outcome, Outcome::NoRoute);
    }

    #[test]
    fn headless_and_pod_names_resolve_and_spread_over_their_answers() {
        let mut input = two_nodes();
        for (name, addr, node) in [("db-1", "10.180.1.7", TEST_NODE), ("db-0", "10.180.1.8", "host2")] {
            let pod =
                PodInfo { namespace: "ns".into(), name: name.into(), ip: Some(ip(addr)), node: Some(node.into()), ..PodInfo::default() };
            input.pods.push(pod);
        }
        let zone = "svc.cluster.local";
        for (name, addr) in [
            (format!("db.ns.{zone}"), "10.180.1.7"),
            (format!("db.ns.{zone}"), "10.180.1.8"),
            (format!("db-0.db.ns.{zone}"), "10.180.1.8"),
            ("10-180-1-8.ns.pod.cluster.local".to_string(), "10.180.1.8"),
        ] {
            input.dns_addresses.push(DnsAddress { name, ip: ip(addr) });
        }
        input.external_names.push(ExternalNameInfo {
            namespace: "ns".into(),
            name: "alias".into(),
            external_name: format!("db-0.db.ns.{zone}"),
        });
        let pod = || Source::Pod { namespace: None, name: "client".into() };
        for (to, want) in [
            ("db:5432", "10.180.1.7"),
            ("db.ns:5432", "10.180.1.7"),
            ("DB.ns.svc.cluster.local.:5432", "10.180.1.7"),
            ("db-0.db:5432", "10.180.1.8"),
            ("10-180-1-8.ns.pod.cluster.local:5432", "10.180.1.8"),
            ("alias:5432", "10.180.1.8"),
        ] {
            let t = Tracer::new(&input).trace(&TraceRequest::new(pod(), Destination::parse(to).unwrap()));
            assert_eq!(t.outcome, Outcome::Delivered, "{to}: {:#?}", t.hops);
            assert_eq!(t.endpoint.as_ref().map(|e| e.ip.as_str()), Some(want), "{to}");
            assert!(t.backend.is_none(), "{to}: straight to the pod");
            let dns = t.hops.iter().find(|h| h.kind == "dns").expect("dns hop");
            assert!(dns.detail.contains("no kube-proxy rule"), "{dns:?}");
        }
        // Names of another namespace need their namespace; a pod without records has none.
        for to in ["db-0.db.other:5432", "db-1.db:5432"] {
            let t = Tracer::new(&input).trace(&TraceRequest::new(pod(), Destination::parse(to).unwrap()));
            assert_eq!(t.outcome, Outcome::NoRoute, "{to}: {:#?}", t.hops);
        }
        // Each request looks the name up again and CoreDNS shuffles the answers: both pods get
        // about half, and the per-client tallies add up to the same counts.
        let req = TraceRequest::new(pod(), Destination::parse("db:5432").unwrap());
        let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req.clone(), requests: 2000, clients: 3, interval_ms: 1 });
        assert_eq!(sim.delivered, 2000);
        assert_eq!(sim.endpoints.iter().map(|e| e.endpoint.ip.as_str()).collect::<Vec<_>>(), ["10.180.1.7", "10.180.1.8"]);
        for e in &sim.endpoints {
            assert!((e.expected_share - 0.5).abs() < 1e-12, "{e:?}");
            assert!((e.share - 0.5).abs() < 0.05, "{e:?}");
        }
        assert_eq!(sim.per_client.len(), 3);
        assert_eq!(sim.per_client.iter().map(|c| c.requests).sum::<u64>(), 2000);
        for (i, e) in sim.endpoints.iter().enumerate() {
            let hits: u64 = sim.per_client.iter().flat_map(|c| &c.hits).filter(|h| h.endpoint == i).map(|h| h.count).sum();
            assert_eq!(hits, e.count, "{e:?}");
        }
        let shares = Tracer::new(&input).expected_shares(&req).expect("shares");
        assert_eq!(shares.iter().map(|(e, s)| (e.ip.as_str(), *s)).collect::<Vec<_>>(), [("10.180.1.7", 0.5), ("10.180.1.8", 0.5)]);
        // One answer: every request goes there.
        let one = TraceRequest::new(pod(), Destination::parse("db-0.db:5432").unwrap());
        let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: one, requests: 20, clients: 1, interval_ms: 1 });
        assert_eq!(sim.endpoints.iter().map(|e| (e.endpoint.ip.as_str(), e.count)).collect::<Vec<_>>(), [("10.180.1.8", 20)]);
        // A client outside the cluster does not ask the cluster's DNS.
        for to in ["db.ns:5432", "db.ns.svc.cluster.local:5432"] {
            let t = Tracer::new(&input).trace(&TraceRequest::new(Source::External, Destination::parse(to).unwrap()));
            assert_eq!(t.outcome, Outcome::NoRoute, "{to}: {:#?}", t.hops);
            assert!(t.hops.iter().any(|h| h.kind == "dns" && h.detail.contains("does not use the cluster's DNS")), "{:#?}", t.hops);
        }
    }

    #[test]
    fn nftables_steps_read_a_masquerade_mark_inline() {
        let input = node_port_on_host2();
        for (from, to) in [(Source::External, "192.168.0.3:3001"), (Source::External, "172.30.0.50:80")] {
            let t = trace_in(&input, from, to, Mode::Nftables);
            assert_eq!(t.outcome, Outcome::Delivered, "{to}: {:#?}", t.hops);
            let nft: Vec<_> = t.hops.iter().filter(|h| h.kind == "nftables").collect();
            assert!(nft.iter().all(|h| !h.detail.ends_with("goto ") && !h.detail.contains("gave ?")), "{to}: {nft:#?}");
            assert_eq!(nft.iter().filter(|h| h.detail.contains("marked for masquerade")).count(), 1, "{to}: {nft:#?}");
        }
    }
}

/// The runner for `tests/fixtures/proxy/k8s-routing-vectors.yaml`: vectors of the spec's schema
/// derived from Kubernetes' and ingress-nginx's own tests, with structured inputs.
mod k8s_vectors {
    use std::collections::BTreeSet;

    use super::super::ingress::{self, HttpRequest, IngressDecision};
    use super::super::modes::Mode;
    use super::super::names;
    use super::super::nftables;
    use super::super::trace::Source;
    use super::*;
    use crate::version::KubeVersion;
    use crate::yaml::Node;

    type Reach = dyn Fn(&ProxyInput, Source, &str, Protocol, Option<&str>, Mode) -> (BTreeSet<String>, Option<bool>);

    /// The release a vector names in `kube_version` (top level or in `input`), else kplay's default.
    fn version_of(v: &Node) -> KubeVersion {
        let version = v.get("kube_version").or_else(|| v.path(&["input", "kube_version"])).and_then(Node::text);
        version.map_or(KubeVersion::DEFAULT, |s| KubeVersion::parse(s).unwrap_or_else(|e| panic!("kube_version {s}: {e}")))
    }

    /// The proxy modes a flow vector runs in: `input.modes` if it lists them, else the modes
    /// whose `proxier_test.go` its `source` names (iptables when it names neither).
    fn modes_of(v: &Node) -> Vec<Mode> {
        let parse = |m: &str| match m {
            "iptables" => Mode::Iptables,
            "nftables" => Mode::Nftables,
            "ipvs" => Mode::Ipvs,
            other => panic!("unknown proxy mode {other}"),
        };
        let listed = list(v, &["input", "modes"]);
        if !listed.is_empty() {
            return listed.iter().map(|m| parse(m)).collect();
        }
        let source = t(v, &["source"]);
        let mut modes: Vec<Mode> = [("iptables/", Mode::Iptables), ("nftables/", Mode::Nftables), ("ipvs/", Mode::Ipvs)]
            .into_iter()
            .filter(|(dir, _)| source.contains(&format!("pkg/proxy/{dir}proxier_test.go")))
            .map(|(_, m)| m)
            .collect();
        if modes.is_empty() {
            modes.push(Mode::Iptables);
        }
        modes
    }

    fn t(n: &Node, path: &[&str]) -> String {
        n.path(path).and_then(Node::text).unwrap_or_default().to_string()
    }

    fn list(n: &Node, path: &[&str]) -> Vec<String> {
        n.path(path).and_then(Node::as_seq).unwrap_or(&[]).iter().map(|x| x.text().unwrap_or("null").to_string()).collect()
    }

    fn spn(input: &Node) -> String {
        let port = t(input, &["port_name"]);
        let base = format!("{}/{}", t(input, &["namespace"]), t(input, &["service"]));
        if port.is_empty() {
            base
        } else {
            format!("{base}:{port}")
        }
    }

    fn flag(n: &Node, key: &str, default: bool) -> bool {
        n.get(key).and_then(Node::as_bool).unwrap_or(default)
    }

    fn policy(n: &Node, key: &str) -> TrafficPolicy {
        if t(n, &[key]) == "Local" {
            TrafficPolicy::Local
        } else {
            TrafficPolicy::Cluster
        }
    }

    /// One service port of a flow vector's `services`.
    fn service(s: &Node) -> ServicePortInfo {
        let proto = Protocol::parse(&t(s, &["protocol"])).unwrap_or(Protocol::Tcp);
        let port = s.get("port").and_then(Node::as_i64).unwrap_or(80) as u16;
        let mut svc = ServicePortInfo::cluster_ip(
            &t(s, &["namespace"]),
            &t(s, &["name"]),
            &t(s, &["port_name"]),
            proto,
            ip(&t(s, &["clusterIP"])),
            port,
        );
        svc.service_type = match t(s, &["type"]).as_str() {
            "NodePort" => ServiceType::NodePort,
            "LoadBalancer" => ServiceType::LoadBalancer,
            _ => ServiceType::ClusterIp,
        };
        svc.node_port = s.get("nodePort").and_then(Node::as_i64).unwrap_or(0) as u16;
        svc.load_balancer_ips = list(s, &["loadBalancerIPs"]).iter().map(|x| ip(x)).collect();
        svc.external_ips = list(s, &["externalIPs"]).iter().map(|x| ip(x)).collect();
        svc.load_balancer_source_ranges = list(s, &["loadBalancerSourceRanges"]).iter().filter_map(|c| Cidr::parse(c)).collect();
        svc.external_policy = policy(s, "externalTrafficPolicy");
        svc.internal_policy = policy(s, "internalTrafficPolicy");
        svc.session_affinity = s.get("sessionAffinityTimeout").and_then(Node::as_i64).map(|x| x as u32);
        if svc.external_policy == TrafficPolicy::Local && svc.service_type == ServiceType::LoadBalancer {
            svc.health_check_node_port = 30000;
        }
        for e in s.get("endpoints").and_then(Node::as_seq).unwrap_or(&[]) {
            let mut ep = EndpointInfo::ready(ip(&t(e, &["ip"])), e.get("port").and_then(Node::as_i64).unwrap_or(i64::from(port)) as u16);
            ep.ready = flag(e, "ready", true);
            ep.serving = flag(e, "serving", true);
            ep.terminating = flag(e, "terminating", false);
            ep.node_name = e.get("node").and_then(Node::text).map(str::to_string);
            svc.endpoints.push(ep);
        }
        svc
    }

    /// kube-proxy's test setup: node `test-node` (192.168.0.2), pod CIDR 10.0.0.0/8, the other
    /// nodes the endpoints name, and the source as a pod on `test-node` when it is a pod IP.
    fn flow(v: &Node, id: &str, reach: &Reach) {
        let input = v.get("input").expect("input");
        let exp = v.get("expected").expect("expected");
        let mut config = ProxyConfig {
            cluster_cidrs: vec![Cidr::parse("10.0.0.0/8").unwrap()],
            masquerade_all: flag(input, "masqueradeAll", false),
            ..ProxyConfig::default()
        };
        config.set_release(version_of(v));
        // kube-proxy's tests allocate ClusterIPs from 172.30.0.0/16 (NewFakeProxier).
        let cidr = input.get("serviceCIDR").and_then(Node::text).unwrap_or("172.30.0.0/16");
        config.service_cidrs = vec![Cidr::parse(cidr).expect("serviceCIDR")];
        let mut proxy = ProxyInput {
            config,
            nodes: vec![NodeInfo { name: TEST_NODE.into(), ips: vec![ip("192.168.0.2")], zone: None }],
            ..ProxyInput::default()
        };
        for s in input.get("services").and_then(Node::as_seq).expect("services") {
            proxy.services.push(service(s));
        }
        let mut others: Vec<String> =
            proxy.services.iter().flat_map(|s| &s.endpoints).filter_map(|e| e.node_name.clone()).filter(|n| n != TEST_NODE).collect();
        others.sort();
        others.dedup();
        for (i, n) in others.into_iter().enumerate() {
            proxy.nodes.push(NodeInfo { name: n, ips: vec![ip(&format!("192.168.0.{}", 10 + i))], zone: None });
        }
        let src = ip(&t(input, &["source"]));
        if proxy.in_cluster_cidr(src) {
            proxy.pods.push(PodInfo {
                namespace: "ns".into(),
                name: "client".into(),
                ip: Some(src),
                node: Some(TEST_NODE.into()),
                ..PodInfo::default()
            });
        }
        let proto = Protocol::parse(&t(input, &["protocol"])).unwrap_or(Protocol::Tcp);
        let want = t(exp, &["possible_destinations"]);
        let want: BTreeSet<String> = want.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        for mode in modes_of(v) {
            let m = mode.as_str();
            let (got, masq) = reach(&proxy, Source::Ip(src), &t(input, &["destination"]), proto, Some(TEST_NODE), mode);
            let got = if got.is_empty() { BTreeSet::from(["DROP".to_string()]) } else { got };
            assert_eq!(got, want, "{id} ({m})");
            if let Some(want_masq) = exp.get("masquerade").and_then(Node::as_bool) {
                assert_eq!(masq, Some(want_masq), "{id} ({m}): masquerade");
            }
        }
    }

    /// `CategorizeEndpoints` (pkg/proxy/topology.go) on node `test-node` in `input.zone`:
    /// `expected.cluster` / `expected.local` list the `ip:port`s of each set (null: the service
    /// does not use that set), `expected.all` the union (defaults to the one non-null set),
    /// `expected.has_any` defaults to `all` being non-empty.
    fn categorize(id: &str, input: &Node, exp: &Node) {
        let mut svc = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
        svc.internal_policy = policy(input, "internalTrafficPolicy");
        svc.external_policy = policy(input, "externalTrafficPolicy");
        svc.node_port = input.get("nodePort").and_then(Node::as_i64).unwrap_or(0) as u16;
        for e in input.get("endpoints").and_then(Node::as_seq).expect("endpoints") {
            let (a, p) = t(e, &["endpoint"]).rsplit_once(':').map(|(a, p)| (a.to_string(), p.to_string())).unwrap();
            let mut ep = EndpointInfo::ready(ip(&a), p.parse().unwrap());
            ep.ready = flag(e, "ready", true);
            ep.serving = flag(e, "serving", ep.ready);
            ep.terminating = flag(e, "terminating", false);
            ep.node_name = Some(if flag(e, "local", false) { TEST_NODE.to_string() } else { "other-node".to_string() });
            ep.zone_hints = list(e, &["zoneHints"]);
            ep.node_hints = list(e, &["nodeHints"]);
            svc.endpoints.push(ep);
        }
        let zone = input.get("zone").and_then(Node::text).filter(|z| !z.is_empty());
        let c = super::super::endpoints::categorize(&svc, TEST_NODE, zone);
        let set = |eps: &[&EndpointInfo]| eps.iter().map(|e| e.addr()).collect::<BTreeSet<String>>();
        let want = |key: &str| exp.get(key).filter(|n| !n.is_null()).map(|_| list(exp, &[key]).into_iter().collect::<BTreeSet<String>>());
        let (want_cluster, want_local) = (want("cluster"), want("local"));
        assert_eq!(want_cluster.is_some(), svc.uses_cluster_endpoints(), "{id}: uses cluster endpoints");
        assert_eq!(want_local.is_some(), svc.uses_local_endpoints(), "{id}: uses local endpoints");
        assert_eq!(set(&c.cluster), want_cluster.clone().unwrap_or_default(), "{id}: cluster");
        assert_eq!(set(&c.local), want_local.clone().unwrap_or_default(), "{id}: local");
        let all = want("all").or(want_cluster.xor(want_local)).unwrap_or_default();
        assert_eq!(set(&c.all_reachable), all, "{id}: all");
        let has_any = exp.get("has_any").and_then(Node::as_bool).unwrap_or(!all.is_empty());
        assert_eq!(c.has_any, has_any, "{id}: has_any");
    }

    fn backend_name(b: &IngressBackend) -> String {
        match b {
            IngressBackend::Service { name, .. } => name.clone(),
            IngressBackend::Resource { name, .. } => name.clone(),
        }
    }

    fn ingress_of(rules: Vec<IngressRule>, regex: bool) -> IngressInfo {
        IngressInfo {
            namespace: "default".into(),
            name: "ing".into(),
            class_name: None,
            order: 0,
            default_backend: None,
            rules,
            tls: vec![],
            uses_regex: regex,
            service_upstream: false,
        }
    }

    fn paths_of(n: &Node, default_type: &str) -> Vec<IngressPath> {
        n.as_seq()
            .unwrap_or(&[])
            .iter()
            .map(|p| {
                let (path, ty, backend) = match p.text() {
                    Some(s) => (s.to_string(), default_type.to_string(), s.to_string()),
                    None => (t(p, &["path"]), t(p, &["path_type"]), t(p, &["backend"])),
                };
                let backend = if backend.is_empty() { path.clone() } else { backend };
                IngressPath {
                    path,
                    path_type: PathType::parse(&ty).expect("path type"),
                    backend: IngressBackend::Service { name: backend, port: BackendPort::Number(80) },
                }
            })
            .collect()
    }

    /// `(status, backend)` of one request.
    fn route(ings: &[IngressInfo], url: &str) -> (i64, String) {
        let refs: Vec<&IngressInfo> = ings.iter().collect();
        let url = url.trim_start_matches("GET ").trim();
        match ingress::route(&refs, &HttpRequest::parse_url(url).expect("url")) {
            IngressDecision::Routed(r) => (200, backend_name(r.backend)),
            IngressDecision::NotFound { .. } => (404, String::new()),
        }
    }

    fn check_route(id: &str, exp: &Node, got: &(i64, String)) {
        assert_eq!(got.0, exp.get("status").and_then(Node::as_i64).unwrap_or(200), "{id}: status ({got:?})");
        if let Some(b) = exp.get("backend").and_then(Node::text) {
            assert_eq!(got.1, b, "{id}: backend");
        }
    }

    pub(super) fn check(v: &Node, reach: &Reach) {
        let id = t(v, &["id"]);
        let input = v.get("input").expect("input");
        let exp = v.get("expected").expect("expected");
        match t(v, &["category"]).as_str() {
            "iptables_service_chain_name" => {
                let (spn, proto) = (spn(input), t(input, &["protocol"]).to_ascii_lowercase());
                let mut checked = 0;
                for (key, f) in [
                    ("KUBE-SVC", names::svc_chain as fn(&str, &str) -> String),
                    ("chain", names::svc_chain),
                    ("KUBE-SVL", names::svl_chain),
                    ("KUBE-EXT", names::ext_chain),
                    ("KUBE-FW", names::fw_chain),
                ] {
                    if let Some(want) = exp.get(key).and_then(Node::text) {
                        assert_eq!(f(&spn, &proto), want, "{id}: {key}");
                        checked += 1;
                    }
                }
                assert!(checked > 0, "{id}");
            }
            "iptables_endpoint_chain_name" => {
                let got = names::sep_chain(&spn(input), &t(input, &["protocol"]).to_ascii_lowercase(), &t(input, &["endpoint"]));
                assert_eq!(got, t(exp, &["chain"]), "{id}");
            }
            "iptables_probability_string" => {
                // `n` reads as a YAML 1.1 boolean key, so take the entry's value by position.
                let n: usize = input.as_map().and_then(|m| m.first()).and_then(|e| e.value.as_i64()).expect("n") as usize;
                assert_eq!(names::probability(n), t(exp, &["string"]), "{id}");
            }
            "iptables_probability_sequence" => {
                // The probabilities of the SVC chain kplay writes for n endpoints, in order.
                let n = input.get("endpoints").and_then(Node::as_i64).unwrap() as usize;
                let mut svc = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
                svc.endpoints = (0..n).map(|i| EndpointInfo::ready(ip(&format!("10.0.{}.{}", i / 250, 1 + i % 250)), 80)).collect();
                let input = ProxyInput { services: vec![svc], ..ProxyInput::default() };
                let text = iptables::generate(&input, &NodeContext::of(&input, TEST_NODE)).render(RenderOptions::default());
                let got: Vec<String> = text
                    .lines()
                    .filter(|l| l.starts_with("-A KUBE-SVC-AQI2S6QIMU7PVVRP") && l.contains("-j KUBE-SEP-"))
                    .map(|l| l.split("--probability ").nth(1).map_or("null".to_string(), |r| r.split(' ').next().unwrap().to_string()))
                    .collect();
                assert_eq!(got, list(exp, &["per_rule_probability"]), "{id}");
            }
            "iptables_save_display" => {
                assert_eq!(names::probability_saved(&t(input, &["kube_proxy_wrote"])), t(exp, &["iptables_save_prints"]), "{id}");
            }
            "nftables_chain_name" => {
                let base = names::nft_hash_and_truncate(&t(input, &["base_string"]));
                let mut checked = 0;
                for key in ["service", "local", "external", "firewall", "endpoint", "affinity"] {
                    if let Some(want) = exp.get(key).and_then(Node::text) {
                        assert_eq!(format!("{key}-{base}"), want, "{id}");
                        checked += 1;
                    }
                }
                assert!(checked > 0, "{id}");
            }
            "nftables_lb_rule" => {
                let (svc_text, proto) = t(input, &["service"]).split_once(' ').map(|(a, b)| (a.to_string(), b.to_string())).unwrap();
                let (nsname, port_name) = svc_text.split_once(':').map_or((svc_text.as_str(), ""), |(a, b)| (a, b));
                let (ns, name) = nsname.split_once('/').unwrap();
                let mut svc = ServicePortInfo::cluster_ip(
                    ns,
                    name,
                    port_name,
                    Protocol::parse(&proto.to_ascii_uppercase()).unwrap(),
                    ip("172.30.0.41"),
                    80,
                );
                for e in list(input, &["endpoints"]) {
                    let (a, p) = e.rsplit_once(':').unwrap();
                    svc.endpoints.push(EndpointInfo::ready(ip(a.trim_matches(['[', ']'])), p.parse().unwrap()));
                }
                let chain = nftables::ServiceNames::of(&svc).service;
                let input = ProxyInput { services: vec![svc], ..ProxyInput::default() };
                let rs = nftables::generate(&input, &NodeContext::of(&input, TEST_NODE));
                let rules: Vec<&str> = rs.chain(&chain).expect("service chain").rules.iter().map(|r| r.text.as_str()).collect();
                assert!(rules.contains(&t(exp, &["rule"]).as_str()), "{id}: {rules:#?}");
            }
            "kube_proxy_endpoint_order" => {
                let mut svc = ServicePortInfo::cluster_ip("ns1", "svc1", "", Protocol::Tcp, ip("172.30.1.1"), 80);
                for e in list(input, &["endpoints"]) {
                    let (a, p) = e.rsplit_once(':').unwrap();
                    svc.endpoints.push(EndpointInfo::ready(ip(a.trim_matches(['[', ']'])), p.parse().unwrap()));
                }
                let got: Vec<String> = svc.sorted_endpoints().iter().map(|e| e.addr()).collect();
                assert_eq!(got, list(exp, &["order"]), "{id}");
            }
            "kube_proxy_packet_flow" => flow(v, &id, reach),
            "kube_proxy_categorize" => categorize(&id, input, exp),
            "ingress_path_match" => {
                let ty = t(input, &["path_type"]);
                let paths = paths_of(input.get("paths").expect("paths"), &ty);
                let ing = ingress_of(vec![IngressRule { host: None, paths }], flag(input, "use_regex", false));
                let (status, backend) = route(&[ing], &format!("http://example.com{}", t(input, &["request_path"])));
                assert_eq!(status == 200, exp.get("matches").and_then(Node::as_bool).unwrap(), "{id}: {backend}");
                if let Some(w) = exp.get("winning_path").and_then(Node::text) {
                    assert_eq!(backend, w, "{id}");
                }
            }
            "ingress_route" => {
                let paths = paths_of(input.get("paths").expect("paths"), "Prefix");
                let host = t(input, &["host"]);
                let rule = IngressRule { host: (!host.is_empty()).then_some(host), paths };
                let ing = ingress_of(vec![rule], flag(input, "use_regex", false));
                check_route(&id, exp, &route(&[ing], &t(input, &["request"])));
            }
            "ingress_host_match" => {
                let rules = input
                    .get("rules")
                    .and_then(Node::as_seq)
                    .unwrap()
                    .iter()
                    .map(|r| {
                        let host = t(r, &["host"]);
                        IngressRule {
                            host: (!host.is_empty()).then_some(host),
                            paths: vec![IngressPath {
                                path: "/".into(),
                                path_type: PathType::Prefix,
                                backend: IngressBackend::Service { name: t(r, &["backend"]), port: BackendPort::Number(80) },
                            }],
                        }
                    })
                    .collect();
                let ing = ingress_of(rules, false);
                check_route(&id, exp, &route(&[ing], &format!("http://{}/", t(input, &["host_header"]))));
            }
            "ingress_nginx_rendering" => {
                let paths: Vec<(String, PathType)> = input
                    .get("paths")
                    .and_then(Node::as_seq)
                    .unwrap()
                    .iter()
                    .map(|p| (t(p, &["path"]), PathType::parse(&t(p, &["path_type"])).unwrap()))
                    .collect();
                assert_eq!(ingress::nginx_locations(&paths), list(exp, &["location_blocks_in_order"]), "{id}");
            }
            other => panic!("{id}: unexpected category {other}"),
        }
    }
}

/// A simulation in nftables mode counts what `cluster-ips-check` does to a ClusterIP's unused
/// port (rejected) and an unallocated Service CIDR address (dropped), as the trace does; it used
/// to compile only the iptables rules, which let both through as "no route".
#[test]
fn nftables_simulation_applies_the_cluster_ips_check() {
    use super::modes::Mode;
    use super::trace::{Destination, SimulateRequest, Source, TraceRequest, Tracer};
    let mut s = ServicePortInfo::cluster_ip("ns1", "svc1", "http", Protocol::Tcp, ip("172.30.0.41"), 80);
    s.endpoints = vec![EndpointInfo::ready(ip("10.180.0.1"), 80).on_node(TEST_NODE)];
    let input = ProxyInput {
        config: ProxyConfig {
            cluster_cidrs: vec![Cidr::parse("10.0.0.0/8").unwrap()],
            service_cidrs: vec![Cidr::parse("172.30.0.0/16").unwrap()],
            ..ProxyConfig::default()
        },
        nodes: vec![NodeInfo { name: TEST_NODE.into(), ips: vec![ip("192.168.0.2")], zone: None }],
        services: vec![s],
        ..ProxyInput::default()
    };
    let run = |to: &str, mode: Mode| {
        let mut req = TraceRequest::new(Source::Ip(ip("10.180.0.2")), Destination::parse(to).unwrap());
        req.mode = mode;
        req.entry_node = Some(TEST_NODE.into());
        let sim = Tracer::new(&input).simulate(&SimulateRequest { trace: req, requests: 50, clients: 1, interval_ms: 1 });
        (sim.rejected, sim.dropped, sim.no_route)
    };
    assert_eq!(run("172.30.0.41:443", Mode::Nftables), (50, 0, 0));
    assert_eq!(run("172.30.0.50:80", Mode::Nftables), (0, 50, 0));
    // iptables has no such rules: the packet is routed on and reaches nothing.
    assert_eq!(run("172.30.0.41:443", Mode::Iptables), (0, 0, 50));
}
