//! kube-proxy at Kubernetes' scalability envelope: 10,000 Services with 15 endpoints each
//! (150,000 pods) on 100 nodes. Measures rule generation for one node in each mode, rendering
//! the iptables text, one trace (rules cached, as the playground keeps them), and a million
//! simulated requests. The inputs are built directly (no manifests) so only the proxy is timed.

use std::hint::black_box;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use kplay_core::proxy::input::{Cidr, EndpointInfo, NodeInfo, PodInfo, PodRef, Protocol, ProxyConfig, ProxyInput, ServicePortInfo};
use kplay_core::proxy::iptables::{self, NodeContext, RenderOptions};
use kplay_core::proxy::trace::{Destination, SimulateRequest, Source, TraceRequest, Tracer};
use kplay_core::proxy::{ipvs, nftables};

const SERVICES: usize = 10_000;
const PER_SERVICE: usize = 15;
const NODES: usize = 100;

fn v4(n: u32) -> IpAddr {
    IpAddr::V4(n.into())
}

/// 10.96.0.0/12 VIPs, 10.0.0.0/8 pod IPs, 192.168.0.0/16 nodes.
pub fn big_input() -> ProxyInput {
    let nodes: Vec<NodeInfo> =
        (0..NODES).map(|i| NodeInfo { name: format!("node-{i}"), ips: vec![v4(0xC0A8_0000 + i as u32 + 1)], zone: None }).collect();
    let mut pods = Vec::with_capacity(SERVICES * PER_SERVICE);
    let mut services = Vec::with_capacity(SERVICES);
    for s in 0..SERVICES {
        let ns = format!("ns-{}", s % 100);
        let name = format!("app-{s}");
        let mut svc = ServicePortInfo::cluster_ip(&ns, &name, "http", Protocol::Tcp, v4(0x0A60_0000 + s as u32 + 10), 80);
        for e in 0..PER_SERVICE {
            let idx = (s * PER_SERVICE + e) as u32;
            let ip = v4(0x0A00_0000 + 0x0001_0000 + idx);
            let node = format!("node-{}", idx as usize % NODES);
            let pod = format!("{name}-{e}");
            let mut ep = EndpointInfo::ready(ip, 8080).on_node(&node);
            ep.pod = Some(PodRef { namespace: ns.clone(), name: pod.clone() });
            svc.endpoints.push(ep);
            pods.push(PodInfo { namespace: ns.clone(), name: pod, ip: Some(ip), node: Some(node), ..PodInfo::default() });
        }
        services.push(svc);
    }
    ProxyInput {
        config: ProxyConfig { cluster_cidrs: vec![Cidr::parse("10.0.0.0/8").expect("cidr")], ..ProxyConfig::default() },
        nodes,
        pods,
        services,
        ..ProxyInput::default()
    }
}

/// CPU time of this thread in nanoseconds (`/proc/thread-self/schedstat`, Linux): on a busy
/// machine wall time includes waiting for a core, CPU time does not.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// Runs `f` once and prints its wall and CPU time.
fn once<T>(label: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let c0 = cpu_ns();
    let t = Instant::now();
    let v = f();
    let d = t.elapsed();
    let cpu = match (c0, cpu_ns()) {
        (Some(a), Some(b)) => format!(", CPU {:.2?}", Duration::from_nanos(b.saturating_sub(a))),
        _ => String::new(),
    };
    println!("proxy/{label}: wall {d:.2?}{cpu}");
    (v, d)
}

fn bench(c: &mut Criterion) {
    let input = big_input();
    let ctx = NodeContext::of(&input, "node-0");
    // Single timings first, so `cargo bench` prints the headline numbers even when filtered.
    let (rs, _) = once("iptables-generate", || iptables::generate(&input, &ctx));
    let (text, _) = once("iptables-render", || rs.render(RenderOptions { builtin_chains: true, saved_probabilities: true }));
    println!("proxy: {} iptables rules, {:.1} MB of iptables-save text", rs.rule_count(), text.len() as f64 / 1e6);
    let (nft, _) = once("nftables-generate", || nftables::generate(&input, &ctx));
    let (nft_text, _) = once("nftables-render", || nft.render_list());
    println!("proxy: {} nft rules, {:.1} MB of nft list ruleset text", nft.rule_count(), nft_text.len() as f64 / 1e6);
    let _ = once("ipvs-generate", || ipvs::generate(&input, &ctx));

    let req = TraceRequest::new(
        Source::Pod { namespace: Some("ns-7".into()), name: "app-7-3".into() },
        Destination::parse("svc/ns-42/app-9942:80").expect("destination"),
    );
    let mut tracer = Tracer::new(&input);
    let (_, _) = once("trace-first (generates node rules)", || tracer.trace(&req));
    let (t, _) = once("trace", || tracer.trace(&req));
    assert_eq!(t.outcome.as_str(), "delivered");
    let sim = SimulateRequest { trace: req.clone(), requests: 1_000_000, clients: 16, interval_ms: 1 };
    let (s, _) = once("simulate-1M", || tracer.simulate(&sim));
    assert_eq!(s.delivered, 1_000_000);

    let mut g = c.benchmark_group("proxy");
    g.sample_size(10);
    g.bench_function("iptables-generate-10k-services", |b| b.iter(|| black_box(iptables::generate(&input, &ctx))));
    g.bench_function("iptables-render-10k-services", |b| b.iter(|| black_box(rs.render(RenderOptions::default()))));
    g.bench_function("nftables-generate-10k-services", |b| b.iter(|| black_box(nftables::generate(&input, &ctx))));
    g.bench_function("trace-10k-services", |b| b.iter(|| black_box(tracer.trace(&req))));
    g.bench_function("simulate-1M-requests", |b| b.iter(|| black_box(tracer.simulate(&sim))));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
