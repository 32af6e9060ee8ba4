//! The EndpointSlice mirroring controller (`pkg/controller/endpointslicemirroring`): it copies
//! each user-written v1 `Endpoints` object of a selector-less Service into EndpointSlices, which
//! kube-proxy and DNS then use like any other (routing-semantics §1.1). This is how the "Service
//! without a selector plus a hand-written Endpoints" pattern of the Kubernetes documentation gets
//! its endpoints.
//!
//! What is mirrored (`shouldMirror`, `syncEndpoints`, `reconciler.reconcile`):
//! - an `Endpoints` without the label `endpointslice.kubernetes.io/skip-mirror: "true"` and
//!   without the leader-election annotation `control-plane.alpha.kubernetes.io/leader`;
//! - only when a Service of the same namespace and name exists and has no selector;
//! - per subset, at most 1,000 addresses (`--mirroring-max-endpoints-per-subset`), ready
//!   `addresses` first, then `notReadyAddresses` (ready: false); an address that is not an IP is
//!   skipped;
//! - one slice per set of ports and address family, named `<endpoints name>-<5 random>`, with
//!   the Endpoints' labels plus `kubernetes.io/service-name` and
//!   `endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io`.
//!   Each endpoint has `ready` only (kube-proxy reads a missing `serving` as ready and a missing
//!   `terminating` as false), and the address's hostname, nodeName and targetRef.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::endpointslice::{MANAGED_BY_LABEL, SERVICE_NAME_LABEL};
use super::net::{fnv64, generate_name};
use crate::model::typed::{EndpointPortView, EndpointSliceView, EndpointView, EndpointsView, ServiceView};
use crate::model::Object;

/// The controller's name in `endpointslice.kubernetes.io/managed-by`.
pub const MIRRORING_CONTROLLER: &str = "endpointslicemirroring-controller.k8s.io";
/// Annotations of the `Endpoints` the mirrored slices do not get.
const LAST_CHANGE_TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";
const LAST_APPLIED_CONFIGURATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
const SKIP_MIRROR_LABEL: &str = "endpointslice.kubernetes.io/skip-mirror";
const LEADER_ANNOTATION: &str = "control-plane.alpha.kubernetes.io/leader";
/// `--mirroring-max-endpoints-per-subset`, the default.
const MAX_ENDPOINTS_PER_SUBSET: usize = 1000;

/// The mirrored slices of the `Endpoints` objects among `objects` (a later object of the same
/// namespace and name replaces an earlier one, as `kubectl apply` does).
pub(crate) fn slices(objects: &[Object], services: &[ServiceView], seed: &str) -> Vec<EndpointSliceView> {
    let mut latest: Vec<usize> = Vec::new();
    let mut at: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        let Some(name) = o.name.as_deref() else { continue };
        if o.api_version != "v1" || o.kind != "Endpoints" {
            continue;
        }
        match at.get(&(o.namespace.as_str(), name)) {
            Some(&slot) => latest[slot] = i,
            None => {
                at.insert((o.namespace.as_str(), name), latest.len());
                latest.push(i);
            }
        }
    }
    let mut out = Vec::new();
    for i in latest {
        let e = crate::model::typed::endpoints(i, &objects[i]);
        let selectorless =
            services.iter().any(|s| s.meta.namespace == e.meta.namespace && s.meta.name == e.meta.name && s.selector.is_none());
        if selectorless && should_mirror(&e) {
            out.extend(mirror(&e, seed));
        }
    }
    out
}

fn should_mirror(e: &EndpointsView) -> bool {
    e.meta.labels.get(SKIP_MIRROR_LABEL).is_none_or(|v| v != "true") && !e.meta.annotations.contains_key(LEADER_ANNOTATION)
}

/// The ports of a group of subsets and its endpoints of one family.
type Group = (Vec<EndpointPortView>, Vec<EndpointView>);

/// One Endpoints object's slices.
fn mirror(e: &EndpointsView, seed: &str) -> Vec<EndpointSliceView> {
    // (ports, address type) -> endpoints, in the order the subsets list them.
    let mut by_key: BTreeMap<(String, &'static str), Group> = BTreeMap::new();
    for sub in &e.subsets {
        let key = ports_key(&sub.ports);
        let ready = sub.addresses.iter().map(|a| (a, true));
        let not_ready = sub.not_ready_addresses.iter().map(|a| (a, false));
        let mut added = 0;
        for (a, is_ready) in ready.chain(not_ready) {
            if added >= MAX_ENDPOINTS_PER_SUBSET {
                break;
            }
            let Ok(ip) = a.ip.parse::<IpAddr>() else { continue };
            let family = match ip {
                IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => "IPv6",
                _ => "IPv4",
            };
            let entry = by_key.entry((key.clone(), family)).or_insert_with(|| (sub.ports.clone(), Vec::new()));
            entry.1.push(EndpointView {
                addresses: vec![a.ip.clone()],
                ready: Some(is_ready),
                serving: None,
                terminating: None,
                hostname: a.hostname.clone(),
                node_name: a.node_name.clone(),
                zone: None,
                target_ref_name: a.target_ref_name.clone(),
                for_zones: Vec::new(),
                for_nodes: Vec::new(),
            });
            added += 1;
        }
    }
    let mut labels = e.meta.labels.clone();
    labels.insert(SERVICE_NAME_LABEL.into(), e.meta.name.clone());
    labels.insert(MANAGED_BY_LABEL.into(), MIRRORING_CONTROLLER.into());
    let mut out = Vec::new();
    for ((_, family), (ports, endpoints)) in by_key {
        for chunk in endpoints.chunks(MAX_ENDPOINTS_PER_SUBSET) {
            let n = out.len().to_string();
            let mut meta = e.meta.clone();
            meta.name = generate_name(&format!("{}-", e.meta.name), fnv64(&[seed, "mirror", &e.meta.namespace, &e.meta.name, &n]));
            meta.labels = labels.clone();
            // Every annotation but these two is copied (`newEndpointSlice`).
            // (Built with `insert`: `retain` and `collect` link more of the map's code.)
            let mut annotations = BTreeMap::new();
            for (k, v) in &e.meta.annotations {
                if k != LAST_CHANGE_TRIGGER_TIME && k != LAST_APPLIED_CONFIGURATION {
                    annotations.insert(k.clone(), v.clone());
                }
            }
            meta.annotations = annotations;
            meta.labels_span = None;
            meta.label_spans = BTreeMap::new();
            out.push(EndpointSliceView {
                origin: e.origin,
                meta,
                address_type: family.into(),
                endpoints: chunk.to_vec(),
                ports: ports.clone(),
                mirrored_from: Some(e.meta.name.clone()),
            });
        }
    }
    out
}

/// The controller groups subsets by their ports (name, port, protocol, appProtocol).
fn ports_key(ports: &[EndpointPortView]) -> String {
    let mut keys: Vec<String> = ports
        .iter()
        .map(|p| {
            format!(
                "{}/{}/{}/{}",
                p.name.as_deref().unwrap_or(""),
                p.port.unwrap_or(0),
                p.protocol.as_deref().unwrap_or("TCP"),
                p.app_protocol.as_deref().unwrap_or("")
            )
        })
        .collect();
    crate::sort::sort(&mut keys);
    keys.join(",")
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::sim_with;

    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n    - port: 5432\n";

    fn endpoints(extra_meta: &str, subsets: &str) -> String {
        format!("apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db\n{extra_meta}subsets:\n{subsets}")
    }

    const SUBSETS: &str = "  - addresses:\n      - ip: 192.0.2.42\n        hostname: db-a\n      - ip: not-an-ip\n      - ip: 2001:db8::7\n    notReadyAddresses:\n      - ip: 192.0.2.43\n    ports:\n      - port: 5432\n";

    #[test]
    fn a_selectorless_services_endpoints_are_mirrored_per_family() {
        let (c, diags) = sim_with(&[SVC, &endpoints("", SUBSETS)], &crate::Options::default());
        let slices: Vec<_> = c.slices_of("default", "db").collect();
        assert_eq!(slices.len(), 2, "{slices:#?}");
        let v4 = slices.iter().find(|s| s.address_type == "IPv4").expect("IPv4 slice");
        let got: Vec<(&str, Option<bool>)> = v4.endpoints.iter().map(|e| (e.addresses[0].as_str(), e.conditions.ready)).collect();
        assert_eq!(got, [("192.0.2.42", Some(true)), ("192.0.2.43", Some(false))]);
        assert_eq!(v4.endpoints[0].hostname.as_deref(), Some("db-a"));
        assert!(v4.name.starts_with("db-") && v4.name.len() == 8, "{}", v4.name);
        assert_eq!(v4.labels.get("endpointslice.kubernetes.io/managed-by").map(String::as_str), Some(super::MIRRORING_CONTROLLER));
        assert_eq!(v4.ports[0].name.as_deref(), Some(""));
        assert_eq!(v4.ports[0].protocol.as_deref(), Some("TCP"));
        assert!(slices.iter().any(|s| s.address_type == "IPv6" && s.endpoints[0].addresses[0] == "2001:db8::7"));
        assert!(diags.iter().all(|d| d.rule != "selectorless-service-has-no-endpoints"), "{diags:#?}");
        // The note on the unmodelled kind says that it is still mirrored.
        assert!(
            diags
                .iter()
                .any(|d| d.rule == "kind-not-checked" && d.help.as_deref().is_some_and(|h| h.contains("mirrored into EndpointSlices"))),
            "{diags:#?}"
        );
        // kube-proxy routes to the ready address.
        let input = crate::proxy::input::ProxyInput::from_cluster(&c);
        let port = input.services.iter().find(|s| s.name == "db").expect("db port");
        assert_eq!(port.endpoints.iter().filter(|e| e.ready).map(|e| e.ip.to_string()).collect::<Vec<_>>(), ["192.0.2.42"]);
    }

    /// `newEndpointSlice`: the slice is owned by the Endpoints, named after it and carries its
    /// annotations but the trigger time and kubectl's last-applied configuration; the API
    /// server's own `default/kubernetes` slice has the Ready condition only.
    #[test]
    fn a_mirrored_slice_is_owned_by_its_endpoints_and_keeps_their_annotations() {
        let meta = "  annotations:\n    note: x\n    endpoints.kubernetes.io/last-change-trigger-time: \"2025-01-01T00:00:00Z\"\n    kubectl.kubernetes.io/last-applied-configuration: \"{}\"\n";
        let (c, _) = sim_with(&[SVC, &endpoints(meta, SUBSETS)], &crate::Options::default());
        let slice = c.slices_of("default", "db").find(|s| s.address_type == "IPv4").expect("IPv4 slice");
        assert_eq!(slice.mirrored_from.as_deref(), Some("db"));
        assert_eq!(slice.annotations.keys().map(String::as_str).collect::<Vec<_>>(), ["note"]);
        let yaml = crate::yaml::emit::to_yaml(&crate::cluster::view::endpoint_slice_object(&c, slice));
        for want in ["generateName: db-", "kind: Endpoints", "name: db\n", "note: x"] {
            assert!(yaml.contains(want), "{want}\n{yaml}");
        }
        let builtin = c.slices_of("default", "kubernetes").next().expect("the kubernetes slice");
        let yaml = crate::yaml::emit::to_yaml(&crate::cluster::view::endpoint_slice_object(&c, builtin));
        assert!(yaml.contains("ready: true") && !yaml.contains("serving") && !yaml.contains("terminating"), "{yaml}");
        assert!(!yaml.contains("ownerReferences"), "{yaml}");
    }

    #[test]
    fn what_the_controller_does_not_mirror() {
        let with_selector = SVC.replace("spec:\n", "spec:\n  selector:\n    app: db\n");
        let skip = endpoints("  labels:\n    endpointslice.kubernetes.io/skip-mirror: \"true\"\n", SUBSETS);
        let leader = endpoints("  annotations:\n    control-plane.alpha.kubernetes.io/leader: x\n", SUBSETS);
        let other_ns = endpoints("  namespace: other\n", SUBSETS);
        for texts in [
            vec![with_selector.as_str(), &endpoints("", SUBSETS)],
            vec![SVC, &skip],
            vec![SVC, &leader],
            vec![SVC, &other_ns],
            vec![&endpoints("", SUBSETS)],
        ] {
            let (c, _) = sim_with(&texts, &crate::Options::default());
            assert!(
                c.endpoint_slices.iter().all(
                    |s| s.labels.get("endpointslice.kubernetes.io/managed-by").map(String::as_str) != Some(super::MIRRORING_CONTROLLER)
                ),
                "{texts:?}"
            );
        }
    }

    #[test]
    fn at_most_1000_addresses_of_a_subset() {
        let addrs: String = (0..1005).map(|i| format!("      - ip: 10.1.{}.{}\n", i / 250, i % 250 + 1)).collect::<Vec<_>>().concat();
        let subsets = format!("  - addresses:\n{addrs}    notReadyAddresses:\n      - ip: 10.9.9.9\n    ports:\n      - port: 5432\n");
        let (c, _) = sim_with(&[SVC, &endpoints("", &subsets)], &crate::Options::default());
        let n: usize = c.slices_of("default", "db").map(|s| s.endpoints.len()).sum();
        assert_eq!(n, 1000);
        assert!(c.slices_of("default", "db").flat_map(|s| &s.endpoints).all(|e| e.addresses[0] != "10.9.9.9"), "ready addresses first");
    }
}
