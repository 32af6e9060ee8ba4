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
use crate::version::KubeVersion;

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

/// The order the controller stores a slice's ports in. `NewPortMapKey`
/// (staging/src/k8s.io/endpointslice/util/controller_utils.go) runs
/// `sort.Sort(portsInOrder(endpointPorts))` on the list `getEndpointPorts` built in Service order,
/// in place, before hashing it; the reconciler keeps that same slice as the group's
/// `endpointMeta.ports`, which `newEndpointSlice` writes into the slice. `portsInOrder.Less` is
/// `deepHashObjectToString(sl[i]) < deepHashObjectToString(sl[j])`: a plain string comparison
/// of lowercase hex digests (`hex.EncodeToString`) of the port's dump. The digest is MD5
/// (`md5.New()`) up to 1.34 and FNV-128a (`fnv.New128a()`) from 1.35, so the same Service lists
/// its ports in another order from 1.35 on (version-changes-1.35-1.37.md §2.2). Grouping is
/// unchanged: two pods share a slice when their port lists are equal.
///
/// Go's `sort.Sort` is not stable, but ports with equal keys are equal ports, so any sort gives
/// the same list.
pub fn controller_port_order(ports: Vec<EndpointPort>, version: KubeVersion) -> Vec<EndpointPort> {
    if ports.len() < 2 {
        return ports;
    }
    let mut keyed: Vec<(String, EndpointPort)> = ports.into_iter().map(|p| (port_hash(&p, version), p)).collect();
    crate::sort::sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, p)| p).collect()
}

/// `deepHashObjectToString(port)`: the lowercase hex digest of [`port_dump`], MD5 up to 1.34,
/// FNV-128a from 1.35.
pub fn port_hash(p: &EndpointPort, version: KubeVersion) -> String {
    // `hex.EncodeToString`, by hand: `format!("{:032x}")` links u128 formatting into the wasm.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let dump = port_dump(p);
    let digest = if version.at_least(35) { fnv128a(dump.as_bytes()) } else { md5(dump.as_bytes()) };
    digest.to_be_bytes().iter().flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]).map(char::from).collect()
}

/// MD5 (`crypto/md5`) as a number: its 16 bytes read big-endian, so the hex of the `u128` is Go's
/// `hex.EncodeToString(h.Sum(nil))`.
pub fn md5(data: &[u8]) -> u128 {
    use md5::{Digest, Md5};
    u128::from_be_bytes(Md5::digest(data).into())
}

/// The text `deepHashObject` writes into the hasher for one `discovery/v1.EndpointPort`.
///
/// For `{name: web, protocol: TCP, port: 8080}` (no appProtocol) it is, byte for byte:
///
/// ```text
/// (v1.EndpointPort){Name:(*string)web Protocol:(*v1.Protocol)TCP Port:(*int32)8080 AppProtocol:(*string)<nil>}
/// ```
///
/// Where each piece comes from:
/// - `deepHashObject` is `hasher.Reset(); fmt.Fprint(hasher, dump.ForHash(objectToWrite))` in
///   the 1.35+ controller_utils.go (FNV); the MD5 versions either call the same `dump.ForHash`
///   or, in older trees, `spew.ConfigState{Indent: " ", SortKeys: true, DisableMethods: true,
///   SpewKeys: true}.Fprintf(hasher, "%#v", obj)`. `dump.ForHash` (k8s.io/utils/dump, and
///   apimachinery pkg/util/dump before it moved) is `Sprintf("%#v", a)` with that config plus
///   `DisablePointerAddresses` and `DisableCapacities`, which only `Sdump` reads: go-spew's
///   `%#v` formatter (spew/format.go) prints pointer addresses only for the `+` flag and never a
///   capacity, so both give the same bytes. The exact 1.34 file was not among the stored sources;
///   the spec and the stored older (MD5 + spew) and newer (FNV + dump.ForHash) versions agree that
///   only the digest changed in 1.35.
/// - format.go `format()`: with `#`, a value's type is printed first as `(` + `Type.String()` +
///   `)`; reflect names a type `<package name>.<Type>`, and k8s.io/api/discovery/v1 is
///   `package v1`, so the struct is `(v1.EndpointPort)` (not `discovery.EndpointPort`: the
///   import alias is not the package name), and `*v1.Protocol` comes from core/v1, also
///   `package v1`. A struct is `{` + fields joined by one space + `}`, each `Name:` then its value
///   (`f.fs.Flag('+') || f.fs.Flag('#')`), in declaration order: Name, Protocol, Port,
///   AppProtocol (discovery/v1/types.go).
/// - format.go `formatPtr()`: a pointer field prints `(*string)` (`(` + one `*` per indirection +
///   the pointee's type + `)`) and then the pointee with its type suppressed (`ignoreNextType`);
///   a nil pointer prints its own type then `<nil>`: `(*string)<nil>`. Strings are written raw,
///   without quotes or escaping; integers in decimal (`strconv.FormatInt(v, 10)` in common.go).
///   `getEndpointPorts` always sets Name (possibly to "", giving `Name:(*string) Protocol:`),
///   Protocol and Port; AppProtocol is the Service port's pointer, nil when unset.
/// - Checked against go-spew 1.1.1 itself (Debian's golang-github-davecgh-go-spew-dev, Go 1.19,
///   a `package v1` struct of the same shape): the dump above, and the digests in this file's
///   tests, are what it printed. Kubernetes vendors a later go-spew commit (1.1.2-pre, 2018);
///   format.go's `%#v` path is assumed unchanged there.
pub fn port_dump(p: &EndpointPort) -> String {
    fn field(out: &mut String, name: &str, ty: &str, value: Option<&str>) {
        out.push_str(name);
        out.push_str(":(*");
        out.push_str(ty);
        out.push(')');
        out.push_str(value.unwrap_or("<nil>"));
    }
    let mut s = String::from("(v1.EndpointPort){");
    field(&mut s, "Name", "string", p.name.as_deref());
    s.push(' ');
    field(&mut s, "Protocol", "v1.Protocol", p.protocol.as_deref());
    s.push(' ');
    field(&mut s, "Port", "int32", p.port.map(|n| n.to_string()).as_deref());
    s.push(' ');
    field(&mut s, "AppProtocol", "string", p.app_protocol.as_deref());
    s.push('}');
    s
}

/// 128-bit FNV-1a (Go's `hash/fnv.New128a`): offset basis and prime from the FNV reference;
/// `Sum` is big-endian, so the hex of the `u128` is Go's `hex.EncodeToString(h.Sum(nil))`.
pub fn fnv128a(data: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for &b in data {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
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
    // A clone, not `collect()`: collecting into a map sorts first (another copy of the sort).
    let mut l: Labels = svc.spec.meta.labels.clone();
    l.insert(SERVICE_NAME_LABEL.into(), svc.name.clone());
    l.insert(MANAGED_BY_LABEL.into(), MANAGED_BY_CONTROLLER.into());
    // The headless label is reserved too: set (empty) without a ClusterIP, else removed.
    if svc.headless {
        l.insert(HEADLESS_LABEL.into(), String::new());
    } else {
        l.remove(HEADLESS_LABEL);
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

pub(crate) fn reconcile(sim: &mut Sim<'_>, user: Vec<EndpointSliceView>, version: KubeVersion) {
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
                // The API server's endpoints reconciler writes `Ready` only
                // (endpointsadapter.go `endpointFromAddress`); readers take a missing
                // `serving` as ready's value and a missing `terminating` as false.
                conditions: Conditions { ready: Some(true), serving: None, terminating: None },
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
            annotations: Labels::new(),
            mirrored_from: None,
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
            annotations: u.meta.annotations.clone(),
            mirrored_from: u.mirrored_from.clone(),
            origin: u.origin,
            store,
        });
    }

    let zone_of: HashMap<&str, Option<&str>> = sim.cluster.nodes.iter().map(|n| (n.name.as_str(), n.zone.as_deref())).collect();
    let max = sim.desc.max_endpoints_per_slice.clamp(1, 1000);
    let seed = sim.desc.seed.to_string();
    let mut managed: Vec<EndpointSlice> = Vec::new();
    // The controller's TopologyCache (`SetNodes`), for `topology-mode: Auto` Services.
    let ratios = super::topology::zone_ratios(&sim.cluster.nodes);
    let mut topology_events = Vec::new();
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
                // Grouped by the list in Service order (the same partition as the controller's
                // hash of the sorted list); each group's slices list it in the controller's order.
                let g = *by_ports.entry(ports.clone()).or_insert_with(|| {
                    groups.push((controller_port_order(ports, version), Vec::new()));
                    groups.len() - 1
                });
                groups[g].1.push(ep);
            }
            let fam = if v4 { "IPv4" } else { "IPv6" };
            if hints_enabled(&svc.spec.meta.annotations) {
                // `AddHints` over the slices to create, in the order they are written.
                let mut all: Vec<&mut Endpoint> = groups.iter_mut().flat_map(|g| g.1.iter_mut()).collect();
                if let Err(disabled) = super::topology::add_hints(&mut all, ratios.as_deref()) {
                    topology_events.push(super::state::TopologyEvent {
                        namespace: svc.namespace.clone(),
                        service: svc.name.clone(),
                        address_type: fam,
                        disabled,
                    });
                }
            }
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
                    annotations: Labels::new(),
                    mirrored_from: None,
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
    sim.cluster.topology_events = topology_events;
}

/// `hintsEnabled` (reconciler.go): the deprecated `topology-aware-hints` annotation, or else
/// `topology-mode`, is `Auto` or `auto`. Any other value (`Disabled`, ...) is no topology mode.
fn hints_enabled(annotations: &Labels) -> bool {
    let value =
        annotations.get("service.kubernetes.io/topology-aware-hints").or_else(|| annotations.get("service.kubernetes.io/topology-mode"));
    matches!(value.map(String::as_str), Some("Auto" | "auto"))
}

/// Topology hints for `trafficDistribution` (`trafficdist.go`): ready endpoints are hinted for
/// their own zone (and node for `PreferSameNode`). The `topology-mode: Auto` annotation takes
/// precedence: its hints are shared out by zone CPU once the Service's endpoints are known
/// (cluster/topology.rs).
fn hint(svc: &Service, ep: &mut Endpoint) {
    if hints_enabled(&svc.spec.meta.annotations) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::tests::sim_with;
    use crate::Options;

    fn port(name: &str, protocol: &str, number: i64, app: Option<&str>) -> EndpointPort {
        EndpointPort { name: Some(name.into()), port: Some(number), protocol: Some(protocol.into()), app_protocol: app.map(str::to_owned) }
    }

    #[test]
    fn fnv128a_reference_vectors() {
        // The FNV reference test vectors for FNV-1a 128 (the offset basis for "", then "a",
        // "foobar"); Go's fnv.New128a printed the same.
        assert_eq!(format!("{:032x}", fnv128a(b"")), "6c62272e07bb014262b821756295c58d");
        assert_eq!(format!("{:032x}", fnv128a(b"a")), "d228cb696f1a8caf78912b704e4a8964");
        assert_eq!(format!("{:032x}", fnv128a(b"foobar")), "343e1662793c64bf6f0d3597ba446f18");
    }

    #[test]
    fn md5_reference_vectors() {
        // RFC 1321, appendix A.5.
        assert_eq!(format!("{:032x}", md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(format!("{:032x}", md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(format!("{:032x}", md5(b"message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
    }

    #[test]
    fn port_dump_is_spews_hash_format() {
        // Each string is what go-spew 1.1.1's `%#v` printed for the same values.
        assert_eq!(
            port_dump(&port("z", "TCP", 8080, None)),
            "(v1.EndpointPort){Name:(*string)z Protocol:(*v1.Protocol)TCP Port:(*int32)8080 AppProtocol:(*string)<nil>}"
        );
        assert_eq!(
            port_dump(&port("", "TCP", 80, None)),
            "(v1.EndpointPort){Name:(*string) Protocol:(*v1.Protocol)TCP Port:(*int32)80 AppProtocol:(*string)<nil>}"
        );
        assert_eq!(
            port_dump(&port("web", "TCP", 8080, Some("kubernetes.io/h2c"))),
            "(v1.EndpointPort){Name:(*string)web Protocol:(*v1.Protocol)TCP Port:(*int32)8080 AppProtocol:(*string)kubernetes.io/h2c}"
        );
        let none = EndpointPort { name: None, port: None, protocol: None, app_protocol: None };
        assert_eq!(
            port_dump(&none),
            "(v1.EndpointPort){Name:(*string)<nil> Protocol:(*v1.Protocol)<nil> Port:(*int32)<nil> AppProtocol:(*string)<nil>}"
        );
    }

    #[test]
    fn port_hash_is_md5_until_1_34_and_fnv128a_from_1_35() {
        // Go: hex.EncodeToString of md5 / fnv.New128a over the dump above.
        let z = port("z", "TCP", 8080, None);
        assert_eq!(port_hash(&z, KubeVersion::new(30)), "a3dfa9bac19bc37c2c6260111fc8ae99");
        assert_eq!(port_hash(&z, KubeVersion::new(34)), "a3dfa9bac19bc37c2c6260111fc8ae99");
        assert_eq!(port_hash(&z, KubeVersion::new(35)), "d0ca91f939c29c937931596ad0862ecf");
        assert_eq!(port_hash(&z, KubeVersion::new(37)), "d0ca91f939c29c937931596ad0862ecf");
        let web = port("web", "TCP", 8080, Some("kubernetes.io/h2c"));
        assert_eq!(port_hash(&web, KubeVersion::new(34)), "c53ca100eb6f916e2fad69c20ce7964f");
        assert_eq!(port_hash(&web, KubeVersion::new(35)), "f71798ee49019071bf586bede189da8c");
    }

    /// The zone hints of the endpoints of Service `web` (3 replicas, one per zone), with these
    /// Service annotations.
    fn prefer_close_hints(annotations: &str) -> Vec<Vec<String>> {
        prefer_close_hints_with(annotations, &Options::default())
    }

    fn prefer_close_hints_with(annotations: &str, opts: &Options) -> Vec<Vec<String>> {
        let text = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: {{{annotations}}}\nspec:\n  trafficDistribution: PreferClose\n  selector: {{app: web}}\n  ports: [{{port: 80}}]\n---\n\
             apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 3\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec: {{containers: [{{name: c, image: nginx}}]}}\n"
        );
        let (c, _) = sim_with(&[&text], opts);
        let mut hints: Vec<Vec<String>> =
            c.slices_of("default", "web").flat_map(|s| s.endpoints.iter().map(|e| e.for_zones.clone())).collect();
        hints.sort();
        hints
    }

    #[test]
    fn only_topology_mode_auto_takes_precedence_over_traffic_distribution() {
        // `hintsEnabled` (reconciler.go): the deprecated `topology-aware-hints`, else
        // `topology-mode`, equal to "Auto" or "auto"; any other value leaves the hints to
        // `trafficdist.ReconcileHints`.
        let own = vec![vec!["zone-a".to_string()], vec!["zone-b".to_string()], vec!["zone-c".to_string()]];
        assert_eq!(prefer_close_hints(""), own);
        assert_eq!(prefer_close_hints("service.kubernetes.io/topology-mode: Disabled"), own);
        assert_eq!(prefer_close_hints("service.kubernetes.io/topology-mode: PreferZone"), own);
        assert_eq!(prefer_close_hints("service.kubernetes.io/topology-aware-hints: \"off\""), own);
        // Validation refuses the two keys with different values, so which is read first never shows.
        assert_eq!(
            prefer_close_hints("service.kubernetes.io/topology-mode: Disabled, service.kubernetes.io/topology-aware-hints: Disabled"),
            own
        );
        // Auto shares the endpoints out by zone CPU (cluster/topology.rs): one per zone of equal
        // CPU is each zone's own. Where that allocation fails there are no hints at all, even
        // with `trafficDistribution`.
        assert_eq!(prefer_close_hints("service.kubernetes.io/topology-mode: auto"), own);
        assert_eq!(prefer_close_hints("service.kubernetes.io/topology-aware-hints: Auto"), own);
        let mut no_cpu = Options::default();
        no_cpu.cluster.node_cpu = "0".into();
        let none = vec![Vec::<String>::new(); 3];
        assert_eq!(prefer_close_hints_with("service.kubernetes.io/topology-mode: Auto", &no_cpu), none);
        assert_eq!(prefer_close_hints_with("", &no_cpu), own);
    }

    #[test]
    fn the_headless_label_of_a_service_is_reserved() {
        // `setEndpointSliceLabels` (utils.go) skips the reserved keys of the Service's labels
        // (`isReservedLabelKey`) and sets `service.kubernetes.io/headless: ""` only when the
        // Service has no ClusterIP.
        let svc = |name: &str, spec: &str| {
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  labels: {{service.kubernetes.io/headless: \"yes\", tier: web}}\nspec:\n{spec}  selector: {{app: web}}\n  ports: [{{port: 80}}]\n---\n")
        };
        let text = [svc("web", ""), svc("hl", "  clusterIP: None\n")].concat();
        let (c, _) = sim_with(&[&text], &Options::default());
        let labels = |name: &str| {
            let s = c.slices_of("default", name).next().expect("a slice");
            s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>()
        };
        assert_eq!(
            labels("web"),
            ["endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io", "kubernetes.io/service-name=web", "tier=web"]
        );
        assert_eq!(
            labels("hl"),
            [
                "endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io",
                "kubernetes.io/service-name=hl",
                "service.kubernetes.io/headless=",
                "tier=web"
            ]
        );
    }

    /// A Service with these `ports:` items and one pod it selects.
    fn service_and_pod(ports: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: x\n  ports:\n{ports}---\n\
             apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: x\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n"
        )
    }

    fn slice_port_names(ports: &str, minor: u16) -> Vec<String> {
        let opts = Options { kube_version: KubeVersion::new(minor), ..Options::default() };
        let (c, _) = sim_with(&[&service_and_pod(ports)], &opts);
        let slices: Vec<&EndpointSlice> = c.slices_of("default", "s").collect();
        assert_eq!(slices.len(), 1);
        slices[0].ports.iter().map(|p| p.name.clone().unwrap_or_default()).collect()
    }

    #[test]
    fn slice_ports_are_in_the_controllers_hash_order_for_the_version() {
        // The orders Go gives sorting the hex digests of each port's dump (see port_dump).
        let five = "    - {name: z, port: 80, targetPort: 8080}\n    - {name: q, port: 81, targetPort: 8081}\n    \
                    - {name: c, port: 82, targetPort: 8082}\n    - {name: b, port: 83, targetPort: 8083}\n    \
                    - {name: e, port: 84, targetPort: 8084}\n";
        assert_eq!(slice_port_names(five, 34), ["b", "e", "q", "z", "c"]);
        assert_eq!(slice_port_names(five, 30), ["b", "e", "q", "z", "c"]);
        assert_eq!(slice_port_names(five, 35), ["b", "q", "e", "z", "c"]);
        assert_eq!(slice_port_names(five, 37), ["b", "q", "e", "z", "c"]);
        // Protocols and appProtocol are part of the dump: md5 grpc, web, dns, dns-tcp; fnv dns,
        // dns-tcp, grpc, web.
        let mixed = "    - {name: dns, port: 53, protocol: UDP}\n    - {name: dns-tcp, port: 53, protocol: TCP}\n    \
                     - {name: web, port: 8080, appProtocol: kubernetes.io/h2c}\n    - {name: grpc, port: 9000, protocol: SCTP}\n";
        assert_eq!(slice_port_names(mixed, 34), ["grpc", "web", "dns", "dns-tcp"]);
        assert_eq!(slice_port_names(mixed, 35), ["dns", "dns-tcp", "grpc", "web"]);
    }
}
