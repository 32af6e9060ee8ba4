//! The simulated cluster's state: what `kubectl get` would show after `kubectl apply -f DIR` on
//! a fresh cluster ([`Cluster`]), the user-changeable shape of that cluster
//! ([`ClusterDescription`], with [`Overrides`] for the playground's toggles) and [`simulate`].

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::analysis::Options;
use crate::diagnostic::Diagnostic;
use crate::model::typed::{
    IngressClassView, IngressView, LabelSelector, Labels, Origin, PodSpec, PodTemplate, ServicePortView, ServiceView, WorkloadView,
};
use crate::model::Object;
use crate::source::SourceFile;

/// kube-proxy's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ProxyMode {
    /// The Linux default (`platformApplyDefaults`).
    #[default]
    Iptables,
    Nftables,
    Ipvs,
}

/// One node as the user describes it; everything is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct NodeDescription {
    pub name: Option<String>,
    pub zone: Option<String>,
    /// The node's InternalIP.
    #[serde(deserialize_with = "some_ip")]
    pub ip: Option<String>,
    /// `spec.podCIDR`.
    #[serde(deserialize_with = "pod_cidr")]
    pub pod_cidr: Option<String>,
    /// Extra labels (the scheduler matches nodeSelector and affinity against them).
    pub labels: BTreeMap<String, String>,
    /// `false`: the node is down (NotReady); its pods are not ready and nothing new lands there.
    pub ready: Option<bool>,
    /// `spec.taints`: a pod lands on the node only if it tolerates each `NoSchedule` and
    /// `NoExecute` taint (e.g. a kubeadm control-plane node's
    /// `node-role.kubernetes.io/control-plane:NoSchedule`).
    pub taints: Vec<Taint>,
    /// `status.allocatable.cpu` (a quantity, e.g. `"4"` or `"3500m"`); the cluster's `node-cpu`
    /// when not given. The EndpointSlice controller shares `topology-mode: Auto` Services'
    /// endpoints among zones by it.
    #[serde(deserialize_with = "some_cpu")]
    pub cpu: Option<String>,
}

/// A CPU quantity as text (`"4"`, `"3500m"`) or a plain number (`4`).
#[derive(Deserialize)]
#[serde(untagged)]
enum CpuText {
    S(String),
    I(i64),
    F(f64),
}

/// Refuses, with the reason, a CPU that is not a non-negative Kubernetes quantity.
fn checked_cpu<E: serde::de::Error>(key: &str, t: CpuText) -> Result<String, E> {
    let text = match t {
        CpuText::S(s) => s,
        CpuText::I(i) => i.to_string(),
        CpuText::F(f) => f.to_string(),
    };
    match crate::rules::pod::quantity::Quantity::parse(&text) {
        Some(q) if !q.is_negative() => Ok(text),
        _ => Err(E::custom(format!("{key}: `{text}` is not a CPU quantity (e.g. \"4\" or \"3500m\")"))),
    }
}

fn node_cpu<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    checked_cpu("node-cpu", CpuText::deserialize(d)?)
}

fn some_cpu<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<CpuText>::deserialize(d)?.map(|t| checked_cpu("cpu", t)).transpose()
}

/// Refuses, with the reason, a network that is not `address/length`.
fn checked_cidr<E: serde::de::Error>(key: &str, text: String) -> Result<String, E> {
    if super::net::Prefix::parse(&text).is_some() && crate::rules::service::allocation::ServiceCidr::parse(&text).is_some() {
        Ok(text)
    } else {
        Err(E::custom(format!("{key}: `{text}` is not a network in CIDR notation (e.g. \"10.96.0.0/12\")")))
    }
}

/// Deserializers of the network keys, each naming its key in the error.
macro_rules! cidr_keys {
    ($($f:ident: $key:literal),* $(,)?) => {$(
        fn $f<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
            checked_cidr($key, String::deserialize(d)?)
        }
    )*};
}
cidr_keys!(node_network: "node-network", cluster_cidr: "cluster-cidr", service_cidr: "service-cidr", load_balancer_cidr: "load-balancer-cidr");

macro_rules! some_cidr_keys {
    ($($f:ident: $key:literal),* $(,)?) => {$(
        fn $f<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
            Option::<String>::deserialize(d)?.map(|t| checked_cidr($key, t)).transpose()
        }
    )*};
}
some_cidr_keys!(pod_cidr: "pod-cidr", cluster_cidr_v6: "cluster-cidr-v6", service_cidr_secondary: "service-cidr-secondary");

fn some_ip<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|t| match super::net::parse_ip(&t) {
            Some(_) => Ok(t),
            None => Err(serde::de::Error::custom(format!("ip: `{t}` is not an IP address"))),
        })
        .transpose()
}

/// `FIRST-LAST`, two ports with FIRST <= LAST.
fn port_range<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    let ok = text.split_once('-').is_some_and(|(lo, hi)| match (lo.trim().parse::<u16>(), hi.trim().parse::<u16>()) {
        (Ok(lo), Ok(hi)) => 0 < lo && lo <= hi,
        _ => false,
    });
    if ok {
        Ok(text)
    } else {
        Err(serde::de::Error::custom(format!("node-port-range: `{text}` is not a port range FIRST-LAST (e.g. \"30000-32767\")")))
    }
}

/// A node taint (`spec.taints[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Taint {
    pub key: String,
    pub value: String,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: String,
}

/// A pod toggle from the playground: `namespace/name` (namespace defaults to `default`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PodOverride {
    pub namespace: Option<String>,
    pub name: String,
    /// Force the Ready condition.
    pub ready: Option<bool>,
    /// Mark the pod as being deleted (deletionTimestamp set).
    pub terminating: Option<bool>,
}

/// Scale a workload (`kubectl scale`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScaleOverride {
    pub namespace: Option<String>,
    /// `Deployment`, `ReplicaSet`, `StatefulSet`, `Job` (case-insensitive).
    pub kind: String,
    pub name: String,
    pub replicas: i64,
}

/// What the playground can toggle without editing manifests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Overrides {
    pub pods: Vec<PodOverride>,
    /// Node names that are down.
    pub nodes_down: Vec<String>,
    pub scale: Vec<ScaleOverride>,
}

/// The cluster the manifests are applied to. Every field has a default; `kplay.toml`'s
/// `[cluster]` table and the JavaScript options deserialize into it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClusterDescription {
    /// Number of nodes when `nodes` does not list them.
    pub node_count: usize,
    /// Explicit nodes (the first `node_count` are generated when this is empty).
    pub nodes: Vec<NodeDescription>,
    /// Zones the generated nodes are spread over, round-robin.
    pub zones: Vec<String>,
    pub region: String,
    /// Prefix of generated node names (`node-1`, `node-2`, ...).
    pub node_name_prefix: String,
    /// Every node's `status.allocatable.cpu` unless the node gives its own `cpu`.
    #[serde(deserialize_with = "node_cpu")]
    pub node_cpu: String,
    /// Where node InternalIPs come from (`network + 2 + i`, as on a kind network).
    #[serde(deserialize_with = "node_network")]
    pub node_network: String,
    /// `--cluster-cidr`: per-node pod CIDRs are cut from it.
    #[serde(deserialize_with = "cluster_cidr")]
    pub cluster_cidr: String,
    /// `--node-cidr-mask-size`.
    pub node_cidr_mask_size: u8,
    /// A second (IPv6) cluster CIDR for dual-stack pods.
    #[serde(deserialize_with = "cluster_cidr_v6")]
    pub cluster_cidr_v6: Option<String>,
    pub node_cidr_mask_size_v6: u8,
    /// `--service-cluster-ip-range` (primary family).
    #[serde(deserialize_with = "service_cidr")]
    pub service_cidr: String,
    /// A secondary Service CIDR for dual-stack Services.
    #[serde(deserialize_with = "service_cidr_secondary")]
    pub service_cidr_secondary: Option<String>,
    /// `--service-node-port-range`.
    #[serde(deserialize_with = "port_range")]
    pub node_port_range: String,
    pub cluster_domain: String,
    pub proxy_mode: ProxyMode,
    /// kube-proxy `--ipvs-scheduler` (IPVS mode): `rr` (default), `wrr`, `lc`, `sh`, ...
    pub ipvs_scheduler: String,
    /// The address pool a LoadBalancer implementation (MetalLB-like) hands out.
    #[serde(deserialize_with = "load_balancer_cidr")]
    pub load_balancer_cidr: String,
    /// `--max-endpoints-per-slice`.
    pub max_endpoints_per_slice: usize,
    /// kubelet `--max-pods`.
    pub max_pods_per_node: usize,
    /// Replicas above this are not simulated (a diagnostic says so).
    pub max_replicas_per_workload: i64,
    /// Add the `kube-system/kube-dns` Service and its CoreDNS pods, as kubeadm does.
    pub system_dns: bool,
    /// Changes the "random" picks (names, IPs, ports) while keeping them deterministic.
    pub seed: u64,
    pub overrides: Overrides,
}

impl Default for ClusterDescription {
    fn default() -> Self {
        ClusterDescription {
            node_count: 3,
            nodes: Vec::new(),
            zones: vec!["zone-a".into(), "zone-b".into(), "zone-c".into()],
            region: "region-1".into(),
            node_name_prefix: "node-".into(),
            node_cpu: "4".into(),
            node_network: "172.18.0.0/16".into(),
            cluster_cidr: "10.244.0.0/16".into(),
            node_cidr_mask_size: 24,
            cluster_cidr_v6: None,
            node_cidr_mask_size_v6: 64,
            service_cidr: "10.96.0.0/12".into(),
            service_cidr_secondary: None,
            node_port_range: "30000-32767".into(),
            cluster_domain: "cluster.local".into(),
            proxy_mode: ProxyMode::Iptables,
            ipvs_scheduler: "rr".into(),
            load_balancer_cidr: "172.18.255.0/24".into(),
            max_endpoints_per_slice: 100,
            max_pods_per_node: 110,
            max_replicas_per_workload: 10_000,
            system_dns: true,
            seed: 0,
            overrides: Overrides::default(),
        }
    }
}

/// What the registry keeps for every object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StoreMeta {
    pub uid: String,
    /// etcd revision at creation (increasing in apply order).
    pub resource_version: u64,
    /// Position in creation order.
    pub creation_index: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub name: String,
    pub zone: Option<String>,
    pub labels: Labels,
    pub internal_ip: IpAddr,
    /// `spec.podCIDRs` (IPv4 first).
    pub pod_cidrs: Vec<String>,
    pub ready: bool,
    pub taints: Vec<Taint>,
    /// `status.allocatable.cpu` (and `capacity.cpu`), as described.
    pub cpu: String,
    pub store: StoreMeta,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Namespace {
    pub name: String,
    pub labels: Labels,
    /// `metadata.annotations` of the Namespace manifest.
    pub annotations: Labels,
    /// One of the namespaces every cluster has.
    pub builtin: bool,
    pub origin: Origin,
    pub store: StoreMeta,
}

/// `metadata.ownerReferences[0]` with `controller: true`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerRef {
    pub kind: String,
    pub name: String,
    /// The owner's `metadata.uid` (`NewControllerRef`; required in an owner reference).
    pub uid: String,
}

/// A workload controller object: one from the manifests, or a ReplicaSet a Deployment made.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Workload {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    /// `metadata.annotations` as stored: the manifest's (a ReplicaSet's copied from its
    /// Deployment), with what the API server and the controller add (`deployment.kubernetes.io/*`
    /// on a Deployment and its ReplicaSet, `deprecated.daemonset.template.generation` on a
    /// DaemonSet).
    pub annotations: Labels,
    pub selector: Option<LabelSelector>,
    /// Replicas asked for (after overrides), before the simulation cap.
    pub desired: i64,
    /// A Deployment created with `spec.paused: true`. Its controller only syncs (`sync` with
    /// `createIfNotExisted` false): it creates no ReplicaSet, so no pods, even when scaled; its
    /// status says it is paused (`get -o yaml`).
    pub paused: bool,
    /// Pods created.
    pub replicas: usize,
    pub ready_replicas: usize,
    pub template: PodTemplate,
    /// The Deployment that made this ReplicaSet.
    pub owner: Option<OwnerRef>,
    /// Index of the top-level workload in `Cluster::workloads` (itself when top-level).
    pub root: usize,
    /// `pod-template-hash` of a Deployment's ReplicaSet.
    pub pod_template_hash: Option<String>,
    pub origin: Origin,
    /// The typed view of the manifest (none for generated ReplicaSets and built-ins).
    #[serde(skip)]
    pub view: Option<WorkloadView>,
    pub store: StoreMeta,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    pub namespace: String,
    pub name: String,
    /// `metadata.generateName`: the Pod manifest's, or what the controller that made the pod
    /// set (`GetPodFromTemplate`: `<controller>-`; an Indexed Job's `<job>-<index>-`), also
    /// on a StatefulSet's pods, which it then names itself.
    pub generate_name: Option<String>,
    pub labels: Labels,
    /// `status.podIPs` (primary first); empty while the pod is not scheduled.
    pub ips: Vec<IpAddr>,
    /// `spec.nodeName` once scheduled.
    pub node: Option<String>,
    pub owner: Option<OwnerRef>,
    /// Index into `Cluster::workloads` of the top-level workload (Deployment, not ReplicaSet).
    pub workload: Option<usize>,
    /// `Pending`, `Running`, `Succeeded`, `Failed`.
    pub phase: String,
    /// The Ready condition.
    pub ready: bool,
    /// `metadata.deletionTimestamp` is set.
    pub terminating: bool,
    pub host_network: bool,
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    /// The pod spec (shared with the template it came from).
    #[serde(skip)]
    pub spec: std::sync::Arc<PodSpec>,
    /// A controller's pod: its spec as stored (the template's, with what the controller set,
    /// then `SetDefaults_Pod` and the default admission plugins), shared with the controller's
    /// other pods; [`ControllerPodSpec::for_pod`](super::defaults::ControllerPodSpec::for_pod)
    /// with this pod's name gives it. None for a Pod written by hand.
    #[serde(skip)]
    pub stored_spec: Option<std::sync::Arc<super::defaults::ControllerPodSpec>>,
    /// `metadata.annotations`: the Pod manifest's, or its template's with what the controller
    /// adds (an Indexed Job's completion index).
    pub annotations: Labels,
    /// `metadata.finalizers` a controller set (a Job's `batch.kubernetes.io/job-tracking`).
    pub finalizers: Vec<String>,
    /// Where the pod comes from: the Pod manifest or the workload's template.
    pub origin: Origin,
    /// Why the pod has no node, when it has none.
    pub unschedulable: Option<String>,
    /// The index in `topologySpreadConstraints` of the first constraint that refused a node,
    /// when the pod has no node.
    #[serde(skip)]
    pub spread_refusal: Option<usize>,
    /// `status.reason` and `status.message` of a pod its node's kubelet refused to admit
    /// (phase `Failed`).
    pub rejected: Option<(String, String)>,
    /// Why the kubelet does not start its containers: a key its ConfigMap or Secret (one the
    /// input creates) lacks. Such a pod is Pending and not Ready.
    #[serde(skip)]
    pub held: Option<super::config_refs::Held>,
    pub store: StoreMeta,
}

impl Pod {
    pub fn ip(&self) -> Option<IpAddr> {
        self.ips.first().copied()
    }

    /// Running but not Ready because of its `readinessGates`: nothing in the simulated cluster
    /// sets a gate's condition, so the kubelet keeps Ready False (`ReadinessGatesNotReady`)
    /// while its containers are ready (`GeneratePodReadyCondition`).
    pub fn held_by_readiness_gates(&self) -> bool {
        !self.ready && self.phase == "Running" && !self.spec.readiness_gates.is_empty()
    }

    /// Why the kubelet does not run the containers of this pending pod on a node, when a key
    /// its ConfigMap or Secret lacks stops it (see [`Held`](super::config_refs::Held)).
    pub fn held(&self) -> Option<&super::config_refs::Held> {
        self.held.as_ref().filter(|_| self.phase == "Pending" && self.node.is_some() && self.rejected.is_none())
    }
}

/// A Service port with its allocated NodePort.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    #[serde(flatten)]
    pub spec: ServicePortView,
    pub node_port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub namespace: String,
    pub name: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
    pub type_: String,
    /// `None` for selector-less Services (no EndpointSlice controller).
    pub selector: Option<Labels>,
    /// Allocated `spec.clusterIPs`; empty for headless and ExternalName Services.
    pub cluster_ips: Vec<IpAddr>,
    pub headless: bool,
    pub ports: Vec<ServicePort>,
    pub health_check_node_port: Option<u16>,
    /// `status.loadBalancer.ingress[].ip`.
    pub load_balancer_ips: Vec<IpAddr>,
    /// The whole typed spec (policies, affinity, externalIPs, ...).
    pub spec: ServiceView,
    /// A built-in Service (`default/kubernetes`, `kube-system/kube-dns`).
    pub builtin: bool,
    pub store: StoreMeta,
}

impl Service {
    pub fn origin(&self) -> Origin {
        self.spec.origin
    }
}

/// `discovery.k8s.io/v1` EndpointConditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Conditions {
    pub ready: Option<bool>,
    pub serving: Option<bool>,
    pub terminating: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub addresses: Vec<String>,
    pub conditions: Conditions,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    pub zone: Option<String>,
    pub target_ref: Option<TargetRef>,
    pub for_zones: Vec<String>,
    pub for_nodes: Vec<String>,
}

impl Endpoint {
    /// Conditions read as kube-proxy and CoreDNS read them (nil ready/serving = true).
    pub fn is_ready(&self) -> bool {
        self.conditions.ready.unwrap_or(true)
    }
    pub fn is_serving(&self) -> bool {
        self.conditions.serving.unwrap_or(true)
    }
    pub fn is_terminating(&self) -> bool {
        self.conditions.terminating.unwrap_or(false)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPort {
    pub name: Option<String>,
    pub port: Option<i64>,
    pub protocol: Option<String>,
    pub app_protocol: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSlice {
    pub namespace: String,
    pub name: String,
    pub labels: Labels,
    /// `IPv4`, `IPv6` or `FQDN`.
    pub address_type: String,
    pub endpoints: Vec<Endpoint>,
    pub ports: Vec<EndpointPort>,
    /// The `kubernetes.io/service-name` label.
    pub service: Option<String>,
    /// Written by the EndpointSlice controller (else supplied by the user).
    pub managed: bool,
    pub annotations: Labels,
    /// Copied by the mirroring controller from this `Endpoints` object, its owner.
    pub mirrored_from: Option<String>,
    /// The user's manifest (built-in for controller slices).
    pub origin: Origin,
    pub store: StoreMeta,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ingress {
    pub namespace: String,
    pub name: String,
    #[serde(flatten)]
    pub spec: IngressView,
    /// `status.loadBalancer.ingress[].ip` (the Ingress controller's address).
    pub addresses: Vec<IpAddr>,
    pub store: StoreMeta,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressClass {
    pub name: String,
    #[serde(flatten)]
    pub spec: IngressClassView,
    pub store: StoreMeta,
}

/// One DNS record CoreDNS would answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsRecord {
    /// The owner name, without the trailing dot (`web.shop.svc.cluster.local`).
    pub name: String,
    /// `A`, `AAAA`, `SRV`, `CNAME`, `PTR`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The record data as `dig` prints it (`10.96.0.1`, `0 100 80 web.shop.svc.cluster.local.`).
    pub data: String,
}

/// The cluster after every accepted object was applied and every controller settled.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub description: ClusterDescription,
    /// The release simulated (`--kube-version`): kube-proxy's output depends on it too.
    #[serde(skip)]
    pub kube_version: crate::version::KubeVersion,
    pub nodes: Vec<Node>,
    pub namespaces: Vec<Namespace>,
    pub workloads: Vec<Workload>,
    pub pods: Vec<Pod>,
    pub services: Vec<Service>,
    pub endpoint_slices: Vec<EndpointSlice>,
    pub ingresses: Vec<Ingress>,
    pub ingress_classes: Vec<IngressClass>,
    /// The DNS Service's ClusterIP (`nameserver` in pods' resolv.conf).
    pub dns_service_ip: Option<IpAddr>,
    /// Cross-object diagnostics found while simulating (Stage::Cluster rules).
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
    /// The EndpointSlice controller's `TopologyAwareHintsDisabled` events: Services asking for
    /// `topology-mode: Auto` whose endpoints got no hints, and why.
    #[serde(skip)]
    pub topology_events: Vec<TopologyEvent>,
    /// Services validation refused whose allocation failed first (file and object span): the
    /// server returns only the allocation error, so their validation diagnostics are dropped.
    #[serde(skip)]
    pub allocation_refusals: Vec<(crate::source::FileId, crate::source::Span)>,
    /// Pods by `(namespace, label key, label value)`.
    #[serde(skip)]
    pub(crate) pod_index: super::index::PodIndex,
}

/// A `TopologyAwareHintsDisabled` warning event of a Service (cluster/topology.rs).
#[derive(Debug, Clone, PartialEq)]
pub struct TopologyEvent {
    pub namespace: String,
    pub service: String,
    /// `IPv4` or `IPv6`, as the message's `, addressType: …` suffix names it.
    pub address_type: &'static str,
    pub disabled: super::topology::Disabled,
}

impl Cluster {
    pub fn service(&self, namespace: &str, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.namespace == namespace && s.name == name)
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Pod> {
        self.pods.iter().find(|p| p.namespace == namespace && p.name == name)
    }

    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// The slices of a Service: joined by namespace and the `kubernetes.io/service-name` label,
    /// as kube-proxy and CoreDNS join them.
    pub fn slices_of<'a>(&'a self, namespace: &'a str, service: &'a str) -> impl Iterator<Item = &'a EndpointSlice> + 'a {
        self.endpoint_slices.iter().filter(move |s| s.namespace == namespace && s.service.as_deref() == Some(service))
    }

    /// Indices of the pods in `namespace` whose labels match `selector` (equality-based, every
    /// pair), found through the label index.
    pub fn select_pods(&self, namespace: &str, selector: &Labels) -> Vec<usize> {
        self.pod_index.select(&self.pods, namespace, selector)
    }

    /// Every DNS record CoreDNS would serve, sorted.
    pub fn dns_records(&self) -> Vec<DnsRecord> {
        super::dns::records(self)
    }
}

/// Applies the accepted objects to a fresh cluster described by `opts.cluster` and lets every
/// controller settle. Deterministic; never panics.
pub fn simulate(files: &[SourceFile], objects: &[Object], opts: &Options) -> Cluster {
    super::sim::run(files, objects, opts)
}
