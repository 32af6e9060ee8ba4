//! Pure helpers of the Traffic, Trace and kube-proxy views: the targets and sources offered in
//! their selects (read from the simulated cluster), the calls into the core's request API, and
//! which lines of a rules dump belong to a Service. Kept apart from the components so they are
//! tested natively.

use std::net::IpAddr;

use kplay_core::api::{SimulateSpec, TraceSpec};
use kplay_core::cluster::Cluster;
use kplay_core::proxy::input::ProxyInput;
use kplay_core::proxy::modes::Mode;
use kplay_core::proxy::trace::{self, Simulation, Trace, EXTERNAL_CLIENT};

use crate::map::short;

/// One choice of a select: what the user reads and the spelling the core's API parses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    pub spec: String,
}

/// The spec of the choice named `wanted`, else the first one's (the list changes with the
/// cluster, so an earlier pick may be gone); empty when there is no choice.
pub fn chosen(choices: &[Choice], wanted: &str) -> String {
    choices.iter().find(|c| c.spec == wanted).or(choices.first()).map_or_else(String::new, |c| c.spec.clone())
}

fn choice(label: String, spec: String) -> Choice {
    Choice { label, spec }
}

/// Where requests can go: every Service port with a ClusterIP, every NodePort (through the
/// first node), every port of a headless Service by its DNS name (which answers with the pods'
/// IPs, from a pod's resolver) and every Ingress route as a URL. User objects first, built-in
/// ones after.
pub fn targets(cluster: &Cluster) -> Vec<Choice> {
    let mut services: Vec<_> = cluster.services.iter().collect();
    kplay_core::sort::sort_by_key(&mut services, |s| (s.builtin, s.namespace.clone(), s.name.clone()));
    let mut out = Vec::new();
    let first_node = cluster.nodes.first();
    for s in &services {
        if s.headless && s.type_ != "ExternalName" {
            for p in &s.ports {
                let name = format!("{}.{}:{}", s.name, s.namespace, p.spec.port);
                out.push(choice(format!("{name} (headless)"), name));
            }
            continue;
        }
        if s.cluster_ips.is_empty() {
            continue;
        }
        for p in &s.ports {
            let name = short(&s.namespace, &s.name);
            out.push(choice(
                format!("{name}:{} ({} {}:{})", p.spec.port, s.type_, s.cluster_ips[0], p.spec.port),
                format!("svc/{}/{}:{}", s.namespace, s.name, p.spec.port),
            ));
            if let (Some(np), Some(node)) = (p.node_port, first_node) {
                out.push(choice(format!("{name} NodePort {np} on {}", node.name), format!("{}:{np}", fmt_ip(node.internal_ip))));
            }
        }
    }
    let mut ingresses: Vec<_> = cluster.ingresses.iter().collect();
    kplay_core::sort::sort_by(&mut ingresses, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    for ing in ingresses {
        let fallback = ing.addresses.first().map(|ip| fmt_ip(*ip));
        for r in &ing.spec.rules {
            let Some(host) = r.host.clone().or_else(|| fallback.clone()) else { continue };
            for p in &r.paths {
                let path = p.path.as_deref().unwrap_or("/");
                let url = format!("http://{}{path}", host.trim_start_matches("*."));
                out.push(choice(format!("{url} (Ingress {})", short(&ing.namespace, &ing.name)), url));
            }
        }
    }
    out
}

fn fmt_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

/// Where requests can come from: outside, a pod (user pods first) or a node.
pub fn sources(cluster: &Cluster) -> Vec<Choice> {
    let mut out = vec![choice(format!("external client {EXTERNAL_CLIENT}"), "external".to_owned())];
    let mut pods: Vec<_> = cluster.pods.iter().filter(|p| p.ip().is_some()).collect();
    kplay_core::sort::sort_by_key(&mut pods, |p| (p.origin.object == usize::MAX, p.namespace.clone(), p.name.clone()));
    for p in pods {
        out.push(choice(format!("pod {}", short(&p.namespace, &p.name)), format!("pod/{}/{}", p.namespace, p.name)));
    }
    for n in &cluster.nodes {
        out.push(choice(format!("node {}", n.name), format!("node/{}", n.name)));
    }
    out
}

/// The client of a view's requests: the one `picked`, or before the reader picks one, a pod
/// for a cluster DNS name (only pods ask the cluster's DNS; from outside it would not resolve)
/// and the external client for the rest.
pub fn source_for(sources: &[Choice], picked: &str, to: &str) -> String {
    let name = matches!(kplay_core::proxy::trace::Destination::parse(to), Some(kplay_core::proxy::trace::Destination::Name { .. }));
    if picked.is_empty() && name {
        if let Some(pod) = sources.iter().find(|c| c.spec.starts_with("pod/")) {
            return pod.spec.clone();
        }
    }
    chosen(sources, picked)
}

/// Traces one request through `cluster` as `kplay trace` does.
pub fn run_trace(cluster: &Cluster, spec: &TraceSpec) -> Result<Trace, String> {
    let req = spec.to_request(cluster.description.proxy_mode.into())?;
    Ok(trace::trace(&ProxyInput::from_cluster(cluster), &req))
}

/// Sends many requests as `kplay simulate` does.
pub fn run_simulation(cluster: &Cluster, spec: &SimulateSpec) -> Result<Simulation, String> {
    let req = spec.to_request(cluster.description.proxy_mode.into())?;
    Ok(trace::simulate(&ProxyInput::from_cluster(cluster), &req))
}

/// One client of a simulation: its address, the requests it sent and the pods (or endpoint
/// IPs) they reached, with counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientPicks {
    pub client: String,
    pub requests: u64,
    pub hits: Vec<(String, u64)>,
}

/// Where each of the first `shown` clients' requests went in `sim` (the same run as its
/// per-pod counts, so the counts of all clients add up to them).
pub fn per_client(sim: &Simulation, shown: usize) -> Vec<ClientPicks> {
    sim.per_client
        .iter()
        .take(shown)
        .map(|c| ClientPicks {
            client: c.client.clone(),
            requests: c.requests,
            hits: c
                .hits
                .iter()
                .filter_map(|h| {
                    let e = &sim.endpoints.get(h.endpoint)?.endpoint;
                    Some((e.pod.clone().unwrap_or_else(|| e.ip.clone()), h.count))
                })
                .collect(),
        })
        .collect()
}

/// Marks the lines of a rules dump that belong to Service `namespace/name`: lines naming it
/// (`"ns/name:port"` comments, nftables `ns/name/proto/port` chains), lines with its
/// ClusterIP, and every line using a chain first found on those lines (its KUBE-SVC-, KUBE-SEP-,
/// KUBE-EXT-, ... chains), so the jumps into its chains are marked too.
pub fn highlight(text: &str, namespace: &str, name: &str, cluster_ips: &[String], mode: Mode) -> Vec<bool> {
    let keys = [format!("{namespace}/{name}:"), format!("{namespace}/{name}/")];
    let ip_keys: Vec<String> = cluster_ips.iter().map(|ip| format!("{ip}:")).collect();
    let names =
        |l: &str| keys.iter().any(|k| l.contains(k.as_str())) || (mode == Mode::Ipvs && ip_keys.iter().any(|k| l.contains(k.as_str())));
    let mut chains: Vec<&str> = Vec::new();
    for line in text.lines().filter(|l| names(l)) {
        for word in line.split(|c: char| c.is_whitespace() || c == '"' || c == '{' || c == '}' || c == ',') {
            let chain = ["KUBE-SVC-", "KUBE-SEP-", "KUBE-EXT-", "KUBE-FW-", "KUBE-SVL-", "service-", "endpoint-", "external-"]
                .iter()
                .any(|p| word.starts_with(p) && word.len() > p.len() + 4);
            if chain && !chains.contains(&word) {
                chains.push(word);
            }
        }
    }
    let mut in_ipvs_block = false;
    text.lines()
        .map(|l| {
            if mode == Mode::Ipvs {
                // ipvsadm prints a virtual server, then its real servers indented below it.
                if !l.starts_with(' ') {
                    in_ipvs_block = names(l);
                }
                return in_ipvs_block;
            }
            names(l) || chains.iter().any(|c| l.contains(c))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_core::{analyze, Options, SourceFile};

    fn cluster(id: &str) -> Cluster {
        let files: Vec<SourceFile> =
            crate::examples::find(id).expect("example").files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect();
        let opts = Options::default();
        let a = analyze(&files, &opts);
        kplay_core::cluster::simulate(&files, &a.objects, &opts)
    }

    #[test]
    fn targets_and_sources_come_from_the_cluster() {
        let c = cluster("clusterip");
        let t = targets(&c);
        assert_eq!(t[0].spec, "svc/default/web:80", "{t:?}");
        assert!(t.iter().any(|x| x.spec == "svc/kube-system/kube-dns:53"), "built-in Services come after");
        let s = sources(&c);
        assert_eq!(s[0].spec, "external");
        assert_eq!(chosen(&s, "node/node-2"), "node/node-2");
        assert_eq!(chosen(&s, "pod/gone/gone"), "external", "a pick that is gone falls back to the first");
        assert_eq!(chosen(&[], "x"), "");
        assert!(s[1].spec.starts_with("pod/default/web-"), "{s:?}");
        assert!(s.iter().any(|x| x.spec == "node/node-1"));
    }

    #[test]
    fn a_headless_service_is_a_target_by_its_name_sent_from_a_pod() {
        let c = cluster("headless-statefulset");
        let t = targets(&c);
        assert_eq!(t[0].spec, "db.default:5432", "{t:?}");
        assert!(t[0].label.contains("headless"), "{t:?}");
        let s = sources(&c);
        let from = source_for(&s, "", &t[0].spec);
        assert!(from.starts_with("pod/default/db-"), "{from}");
        assert_eq!(source_for(&s, "external", &t[0].spec), "external", "a pick is kept");
        assert_eq!(source_for(&s, "", "svc/default/web:80"), "external");
        assert_eq!(source_for(&s, "", "10.96.0.1:443"), "external");
        assert_eq!(source_for(&s, "", "http://shop.example.com/"), "external");
        let spec = SimulateSpec {
            trace: TraceSpec { to: t[0].spec.clone(), from: Some(from), ..TraceSpec::default() },
            requests: Some(1000),
            ..SimulateSpec::default()
        };
        let sim = run_simulation(&c, &spec).expect("runs");
        assert_eq!(sim.delivered, 1000);
        assert_eq!(sim.endpoints.len(), 2, "both pods answer: {sim:?}");
        assert!(sim.endpoints.iter().all(|e| (e.expected_share - 0.5).abs() < 1e-9 && e.count > 400), "{sim:?}");
    }

    #[test]
    fn a_simulation_splits_1000_requests_over_the_ready_pods() {
        let c = cluster("clusterip");
        let spec = SimulateSpec {
            trace: TraceSpec { to: "svc/default/web:80".into(), ..TraceSpec::default() },
            requests: Some(1000),
            ..SimulateSpec::default()
        };
        let sim = run_simulation(&c, &spec).expect("runs");
        assert_eq!(sim.endpoints.iter().map(|e| e.count).sum::<u64>(), 1000);
        assert_eq!(sim.endpoints.len(), 3);
        assert_eq!(per_client(&sim, 8).len(), 1);
        let three = SimulateSpec { clients: Some(3), ..spec };
        let sim = run_simulation(&c, &three).expect("runs");
        let rows = per_client(&sim, 8);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows.iter().map(|r| r.requests).sum::<u64>(), 1000);
        // The clients' counts are the same run's: per pod, they add up to the bars' counts.
        for e in &sim.endpoints {
            let pod = e.endpoint.pod.clone().expect("a pod");
            let by_clients: u64 = rows.iter().flat_map(|r| &r.hits).filter(|(p, _)| *p == pod).map(|(_, n)| n).sum();
            assert_eq!(by_clients, e.count, "{pod}");
        }
        assert_ne!(rows[0].hits, rows[1].hits, "two clients without affinity do not repeat each other's picks");
        assert_eq!(per_client(&sim, 2).len(), 2);
        assert!(run_simulation(&c, &SimulateSpec { requests: Some(0), ..SimulateSpec::default() }).is_err());
    }

    #[test]
    fn a_trace_has_hops() {
        let c = cluster("clusterip");
        let t = run_trace(&c, &TraceSpec { to: "svc/default/web:80".into(), from: Some("node/node-1".into()), ..TraceSpec::default() })
            .expect("runs");
        assert!(t.hops.len() >= 3, "{t:?}");
        assert!(run_trace(&c, &TraceSpec { to: "nowhere".into(), ..TraceSpec::default() }).is_err());
    }

    #[test]
    fn the_services_chains_are_highlighted() {
        let c = cluster("clusterip");
        let text = kplay_core::api::proxy_rules(&c, Mode::Iptables, "node-1").expect("rules");
        let svc = c.service("default", "web").unwrap();
        let ips: Vec<String> = svc.cluster_ips.iter().map(ToString::to_string).collect();
        let marks = highlight(&text, "default", "web", &ips, Mode::Iptables);
        let lines: Vec<&str> = text.lines().collect();
        let marked: Vec<&str> = lines.iter().zip(&marks).filter(|(_, m)| **m).map(|(l, _)| *l).collect();
        assert!(marked.iter().any(|l| l.starts_with(":KUBE-SVC-")), "the chain declaration: {marked:?}");
        assert!(marked.iter().any(|l| l.starts_with("-A KUBE-SERVICES") && l.contains("KUBE-SVC-")), "the jump from KUBE-SERVICES");
        assert_eq!(marked.iter().filter(|l| l.starts_with(":KUBE-SEP-")).count(), 3, "one chain per endpoint");
        assert!(marked.iter().all(|l| !l.contains("kube-dns")), "{marked:?}");
        assert!(marks.iter().any(|m| !m));
        for mode in [Mode::Nftables, Mode::Ipvs] {
            let text = kplay_core::api::proxy_rules(&c, mode, "node-1").expect("rules");
            let marks = highlight(&text, "default", "web", &ips, mode);
            assert!(marks.iter().any(|m| *m), "{mode:?}: {text}");
            assert!(marks.iter().any(|m| !m), "{mode:?}");
        }
    }
}
