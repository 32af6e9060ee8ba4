//! The EndpointSlice controller (`staging/src/k8s.io/endpointslice`): for each Service with a
//! selector, the pods of its namespace that match become endpoints, grouped by their resolved
//! port list, at most `maxEndpointsPerSlice` per slice; selector-less Services keep the slices
//! users supply. See routing-semantics.md §1.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use super::net::{self, fnv64, generate_name};
use super::sim::Sim;
use super::state::{Conditions, Endpoint, EndpointPort, EndpointSlice, Pod, Service, ServicePort, TargetRef};
use crate::model::typed::{EndpointSliceView, IntOrString, Labels, Origin};

pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
pub const MANAGED_BY_CONTROLLER: &str = "endpointslice-controller.k8s.io";
pub const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";

/// `getEndpointPorts` for one pod: per Service port, the resolved port, or `None` when a named
/// targetPort is not declared by the pod with the Service port's protocol (`FindPort`).
pub fn endpoint_ports(ports: &[ServicePort], pod: &Pod) -> Vec<EndpointPort> {
    ports
        .iter()
        .filter_map(|sp| {
            let number = match &sp.spec.target_port {
                IntOrString::Int(n) => Some(*n),
                IntOrString::Str(name) => pod.spec.find_port(name, &sp.spec.protocol).map(|p| p.container_port),
            }?;
            Some(EndpointPort {
                name: Some(sp.spec.name.clone()),
                port: Some(number),
                protocol: Some(sp.spec.protocol.clone()),
                app_protocol: sp.spec.app_protocol.clone(),
            })
        })
        .collect()
}

/// `podToEndpoint`: conditions, node, zone, hostname and target of one pod.
pub fn pod_endpoint(svc: &Service, pod: &Pod, address: IpAddr, zone: Option<&str>) -> Endpoint {
    let publish = svc.spec.publish_not_ready_addresses;
    Endpoint {
        addresses: vec![address.to_string()],
        conditions: Conditions {
            ready: Some(publish || (pod.ready && !pod.terminating)),
            serving: Some(pod.ready),
            terminating: Some(pod.terminating),
        },
        // The hostname is published only for pods whose subdomain names this Service.
        hostname: pod.hostname.clone().filter(|_| pod.subdomain.as_deref() == Some(svc.name.as_str())),
        node_name: pod.node.clone(),
        zone: zone.map(str::to_owned),
        target_ref: Some(TargetRef {
            kind: "Pod".into(),
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            uid: pod.store.uid.clone(),
        }),
        for_zones: Vec::new(),
        for_nodes: Vec::new(),
    }
}

fn slice_labels(svc: &Service) -> Labels {
    // `setEndpointSliceLabels`: the Service's labels minus the reserved ones, plus ours.
    let mut l: Labels = svc
        .spec
        .meta
        .labels
        .iter()
        .filter(|(k, _)| *k != SERVICE_NAME_LABEL && *k != MANAGED_BY_LABEL)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    l.insert(SERVICE_NAME_LABEL.into(), svc.name.clone());
    l.insert(MANAGED_BY_LABEL.into(), MANAGED_BY_CONTROLLER.into());
    if svc.headless {
        l.insert(HEADLESS_LABEL.into(), String::new());
    }
    l
}

/// The address families of a Service's slices.
fn families(svc: &Service) -> Vec<bool> {
    let mut f: Vec<bool> = svc.cluster_ips.iter().map(IpAddr::is_ipv4).collect();
    if f.is_empty() {
        f = svc.spec.ip_families.iter().map(|x| x == "IPv4").collect();
    }
    if f.is_empty() {
        f.push(true);
    }
    f.dedup();
    f
}

pub(crate) fn reconcile(sim: &mut Sim<'_>, user: Vec<EndpointSliceView>) {
    let mut names: HashSet<String> = HashSet::new();
    let mut slices: Vec<EndpointSlice> = Vec::new();

    // The API server keeps `default/kubernetes`'s slice itself: the apiserver's address.
    if let (Some(node), Some(k)) = (sim.cluster.nodes.first(), sim.cluster.service("default", "kubernetes")) {
        let ip = node.internal_ip;
        let mut labels = Labels::new();
        labels.insert(SERVICE_NAME_LABEL.into(), "kubernetes".into());
        let ports = k
            .ports
            .iter()
            .map(|p| EndpointPort {
                name: Some(p.spec.name.clone()),
                port: Some(6443),
                protocol: Some(p.spec.protocol.clone()),
                app_protocol: None,
            })
            .collect();
        let store = sim_store(sim, "default", "kubernetes");
        names.insert("default/kubernetes".into());
        slices.push(EndpointSlice {
            namespace: "default".into(),
            name: "kubernetes".into(),
            labels,
            address_type: if ip.is_ipv4() { "IPv4" } else { "IPv6" }.into(),
            endpoints: vec![Endpoint {
                addresses: vec![ip.to_string()],
                conditions: Conditions { ready: Some(true), serving: Some(true), terminating: Some(false) },
                hostname: None,
                node_name: None,
                zone: None,
                target_ref: None,
                for_zones: Vec::new(),
                for_nodes: Vec::new(),
            }],
            ports,
            service: Some("kubernetes".into()),
            managed: false,
            origin: Origin::BUILTIN,
            store,
        });
    }

    for u in user {
        let store = sim_store(sim, &u.meta.namespace, &u.meta.name);
        names.insert(format!("{}/{}", u.meta.namespace, u.meta.name));
        slices.push(EndpointSlice {
            namespace: u.meta.namespace.clone(),
            name: u.meta.name.clone(),
            service: u.meta.labels.get(SERVICE_NAME_LABEL).cloned(),
            labels: u.meta.labels.clone(),
            address_type: u.address_type.clone(),
            endpoints: u
                .endpoints
                .iter()
                .map(|e| Endpoint {
                    addresses: e.addresses.clone(),
                    conditions: Conditions { ready: e.ready, serving: e.serving, terminating: e.terminating },
                    hostname: e.hostname.clone(),
                    node_name: e.node_name.clone(),
                    zone: e.zone.clone(),
                    target_ref: e.target_ref_name.as_ref().map(|n| TargetRef {
                        kind: "Pod".into(),
                        namespace: u.meta.namespace.clone(),
                        name: n.clone(),
                        uid: String::new(),
                    }),
                    for_zones: e.for_zones.clone(),
                    for_nodes: e.for_nodes.clone(),
                })
                .collect(),
            ports: u
                .ports
                .iter()
                .map(|p| EndpointPort {
                    name: p.name.clone(),
                    port: p.port,
                    protocol: p.protocol.clone(),
                    app_protocol: p.app_protocol.clone(),
                })
                .collect(),
            managed: false,
            origin: u.origin,
            store,
        });
    }

    let zone_of: HashMap<&str, Option<&str>> = sim.cluster.nodes.iter().map(|n| (n.name.as_str(), n.zone.as_deref())).collect();
    let max = sim.desc.max_endpoints_per_slice.clamp(1, 1000);
    let seed = sim.desc.seed.to_string();
    let mut managed: Vec<EndpointSlice> = Vec::new();
    for svc in &sim.cluster.services {
        // The controller manages nothing for ExternalName and selector-less Services.
        let Some(selector) = svc.selector.as_ref().filter(|s| !s.is_empty()) else { continue };
        if svc.type_ == "ExternalName" {
            continue;
        }
        let pods = sim.cluster.select_pods(&svc.namespace, selector);
        let labels = slice_labels(svc);
        for v4 in families(svc) {
            let mut groups: Vec<(Vec<EndpointPort>, Vec<Endpoint>)> = Vec::new();
            let mut by_ports: HashMap<Vec<EndpointPort>, usize> = HashMap::new();
            for &pi in &pods {
                let pod = &sim.cluster.pods[pi];
                if pod.phase == "Succeeded" || pod.phase == "Failed" {
                    continue;
                }
                let Some(ip) = pod.ips.iter().copied().find(|ip| ip.is_ipv4() == v4) else { continue };
                let node_known = pod.node.as_deref().is_some_and(|n| zone_of.contains_key(n));
                if !node_known && !svc.spec.publish_not_ready_addresses {
                    continue;
                }
                let zone = pod.node.as_deref().and_then(|n| zone_of.get(n).copied().flatten());
                let mut ep = pod_endpoint(svc, pod, ip, zone);
                hint(svc, &mut ep);
                let ports = endpoint_ports(&svc.ports, pod);
                let g = *by_ports.entry(ports.clone()).or_insert_with(|| {
                    groups.push((ports, Vec::new()));
                    groups.len() - 1
                });
                groups[g].1.push(ep);
            }
            let fam = if v4 { "IPv4" } else { "IPv6" };
            let mut make = |ports: Vec<EndpointPort>, endpoints: Vec<Endpoint>, k: usize| {
                let base = format!("{}-", svc.name);
                let mut attempt = 0u32;
                let name = loop {
                    let n = generate_name(
                        &base,
                        fnv64(&[&seed, "slice", &svc.namespace, &svc.name, fam, &k.to_string(), &attempt.to_string()]),
                    );
                    if names.insert(format!("{}/{n}", svc.namespace)) {
                        break n;
                    }
                    attempt += 1;
                };
                EndpointSlice {
                    namespace: svc.namespace.clone(),
                    name,
                    labels: labels.clone(),
                    address_type: fam.into(),
                    endpoints,
                    ports,
                    service: Some(svc.name.clone()),
                    managed: true,
                    origin: Origin::BUILTIN,
                    store: super::state::StoreMeta::default(),
                }
            };
            let mut k = 0;
            if groups.iter().all(|g| g.1.is_empty()) {
                // A placeholder slice (no ports, no endpoints) per address type.
                managed.push(make(Vec::new(), Vec::new(), k));
                continue;
            }
            for (ports, eps) in groups {
                // Fresh slices are filled to the maximum: 250 endpoints -> 100, 100, 50.
                for chunk in eps.chunks(max) {
                    managed.push(make(ports.clone(), chunk.to_vec(), k));
                    k += 1;
                }
            }
        }
    }
    for mut s in managed {
        s.store = sim_store(sim, &s.namespace.clone(), &s.name.clone());
        slices.push(s);
    }
    sim.cluster.endpoint_slices = slices;
}

/// Topology hints for `trafficDistribution` (`trafficdist.go`): ready endpoints are hinted for
/// their own zone (and node for `PreferSameNode`). The `topology-mode: Auto` annotation takes
/// precedence; its CPU-proportional allocation is not simulated, so no hints are written then.
fn hint(svc: &Service, ep: &mut Endpoint) {
    let ann = &svc.spec.meta.annotations;
    if ann.contains_key("service.kubernetes.io/topology-mode") || ann.contains_key("service.kubernetes.io/topology-aware-hints") {
        return;
    }
    let mode = svc.spec.traffic_distribution.as_deref();
    if !matches!(mode, Some("PreferClose" | "PreferSameZone" | "PreferSameNode")) || !ep.is_ready() {
        return;
    }
    if let Some(z) = ep.zone.clone().filter(|z| !z.is_empty()) {
        ep.for_zones = vec![z];
    }
    if mode == Some("PreferSameNode") {
        if let Some(n) = ep.node_name.clone() {
            ep.for_nodes = vec![n];
        }
    }
}

fn sim_store(sim: &mut Sim<'_>, ns: &str, name: &str) -> super::state::StoreMeta {
    sim.store("EndpointSlice", ns, name)
}

/// The IP family name of an address (for `addressType`).
pub fn address_type(ip: IpAddr) -> &'static str {
    net::family(ip)
}
