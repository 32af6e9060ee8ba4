//! The simulation run: the registry (objects applied in order to a fresh cluster with its
//! built-in namespaces and Services), the Service allocation phase, the workload controllers,
//! the scheduler and pod IPAM, then the EndpointSlice controller and the cross-object checks.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use super::alloc::{parse_port_range, AllocError, IpAllocator, PortAllocator};
use super::defaults::{ControllerPodSpec, NameSlot, PodNamed, Step};
use super::index::PodIndex;
use super::net::{self, fnv32a, fnv64, generate_name, safe_encode, Prefix};

/// How a pod's `unschedulable` reason starts when `spec.nodeName` names no node of the cluster
/// (the `pod-unschedulable` rule reports such pods as never running, not as Pending).
pub(crate) const MISSING_NODE: &str = "spec.nodeName names the node";

// The scheduler's `FitError` reasons (`pod-unschedulable` reads them to say what to fix).
pub(crate) const UNTOLERATED_TAINT: &str = "node(s) had untolerated taint {";
/// The taint the node lifecycle controller puts on a down node.
pub(crate) const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";
pub(crate) const NOT_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
/// `findNodesThatFitPod` (schedule_one.go): the status of the nodes NodeAffinity's PreFilter
/// left out (`matchFields` on `metadata.name`).
pub(crate) const NOT_PREFILTERED: &str = "node(s) didn't satisfy plugin(s) [NodeAffinity]";
/// NodeAffinity's PreFilter when the terms' `metadata.name` sets leave no node
/// (`errReasonConflict`).
pub(crate) const AFFINITY_CONFLICT: &str = "pod affinity terms conflict";
pub(crate) const NO_FREE_PORTS: &str = "node(s) didn't have free ports for the requested pod ports";
pub(crate) const TOO_MANY_PODS: &str = "Too many pods";
pub(crate) const NO_SPREAD_LABEL: &str = "node(s) didn't match pod topology spread constraints (missing required label)";
/// PodTopologySpread's `ErrReasonConstraintsNotMatch` (podtopologyspread/plugin.go): the skew
/// check; `NO_SPREAD_LABEL` is its `ErrReasonNodeLabelNotMatch`.
pub(crate) const SPREAD_SKEW: &str = "node(s) didn't match pod topology spread constraints";
// DefaultPreemption's reasons per node (pkg/scheduler/framework/preemption/preemption.go,
// plugins/defaultpreemption/default_preemption.go).
pub(crate) const PREEMPTION_NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub(crate) const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
/// DynamicResources' PostFilter for a pod without resource claims (dynamicresources.go), from
/// 1.34, where DRA is on by default and its plugin runs before DefaultPreemption:
/// `RunPostFilterPlugins` joins both plugins' reasons with ", ".
pub(crate) const NO_CLAIMS: &str = "no new claims to deallocate";
use super::state::{
    Cluster, ClusterDescription, Ingress, IngressClass, Namespace, Node, OwnerRef, Pod, Service, ServicePort, StoreMeta, Workload,
};
use crate::analysis::Options;
use crate::diagnostic::{Diagnostic, ErrorType};
use crate::model::typed::{self, Labels, Origin, PodSpec, PodTemplate, PodView, ServiceView, WorkloadView};
use crate::model::Object;
use crate::rules::cluster as rc;
use crate::rules::Rule;
use crate::source::SourceFile;
use crate::yaml::Node as YNode;

/// Nodes beyond this are not simulated (Kubernetes' published limit is 5,000).
const MAX_NODES: usize = 20_000;

pub(crate) struct Sim<'a> {
    pub objects: &'a [Object],
    pub desc: &'a ClusterDescription,
    pub cluster: Cluster,
    rv: u64,
    order: usize,
    pub diags: Vec<Diagnostic>,
    /// The accounts and classes that exist (PriorityClasses' priorities for the scheduler,
    /// RuntimeClasses' scheduling for the pods): built once per simulation.
    lookups: crate::admission::Lookups,
    opts: &'a Options,
}

impl Sim<'_> {
    /// Marks a Service validation refused as refused by the allocation phase instead: the
    /// server returns the allocation error alone, so its validation diagnostics are dropped
    /// (`cluster::add_diagnostics`).
    fn refuse_at_allocation(&mut self, origin: Origin) {
        if let Some(o) = self.objects.get(origin.object) {
            self.cluster.allocation_refusals.push((o.file, o.raw.span));
        }
    }

    pub(crate) fn store(&mut self, kind: &str, ns: &str, name: &str) -> StoreMeta {
        self.rv += 1;
        self.order += 1;
        StoreMeta { uid: net::object_uid(self.desc.seed, kind, ns, name), resource_version: self.rv, creation_index: self.order - 1 }
    }
}

pub(crate) fn run(_files: &[SourceFile], objects: &[Object], opts: &Options) -> Cluster {
    let desc = &opts.cluster;
    let cluster = Cluster {
        description: desc.clone(),
        kube_version: opts.kube_version,
        nodes: Vec::new(),
        namespaces: Vec::new(),
        workloads: Vec::new(),
        pods: Vec::new(),
        services: Vec::new(),
        endpoint_slices: Vec::new(),
        ingresses: Vec::new(),
        ingress_classes: Vec::new(),
        dns_service_ip: None,
        diagnostics: Vec::new(),
        topology_events: Vec::new(),
        allocation_refusals: Vec::new(),
        pod_index: PodIndex::default(),
    };
    let lookups = crate::admission::Lookups::new(objects);
    let mut sim = Sim { objects, desc, cluster, rv: 100, order: 0, diags: Vec::new(), lookups, opts };
    build_nodes(&mut sim);
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        add_namespace(&mut sim, ns, Labels::new(), Labels::new(), true, Origin::BUILTIN);
    }
    if opts.default_namespace != "default" {
        add_namespace(&mut sim, &opts.default_namespace, Labels::new(), Labels::new(), true, Origin::BUILTIN);
    }

    // The registry: accepted objects in order; a later object of the same kind, namespace and
    // name updates the earlier one (`kubectl apply`), keeping its place.
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    let mut latest: Vec<usize> = Vec::new();
    // Services validation refused, created (no earlier object of their name): `BeginCreate`
    // allocates before validation runs, so an allocation error is what the server returns for
    // them instead. They are tried in their place and never stored. So are the Services the
    // allocation phase refused for a request of their own (`Object::allocation_retry`): an
    // earlier request of theirs may clash with another Service first.
    let mut probes: HashSet<usize> = HashSet::new();
    for (i, o) in objects.iter().enumerate() {
        let probe =
            (o.acceptance == crate::model::Acceptance::Validation || o.allocation_retry) && o.kind == "Service" && o.api_version == "v1";
        if !probe && (!o.is_accepted() || !crate::model::is_modelled(&o.api_version, &o.kind)) {
            continue;
        }
        let Some(name) = o.name.clone() else { continue };
        let key = (o.kind.clone(), if o.is_namespaced() { o.namespace.clone() } else { String::new() }, name);
        if probe {
            // An update is validated before `BeginUpdate`: its validation errors stand.
            if !seen.contains_key(&key) {
                probes.insert(i);
                latest.push(i);
            }
            continue;
        }
        match seen.get(&key) {
            Some(&slot) => latest[slot] = i,
            None => {
                seen.insert(key, latest.len());
                latest.push(i);
            }
        }
    }

    let mut services: Vec<ServiceView> = Vec::new();
    // Each probe with the number of stored Services before it.
    let mut probe_services: Vec<(usize, ServiceView)> = Vec::new();
    let mut workloads: Vec<WorkloadView> = Vec::new();
    let mut pods: Vec<PodView> = Vec::new();
    let mut user_slices = Vec::new();
    // A set, not a scan of `namespaces` per object: 40,000 Namespace objects took 20 s.
    let mut namespace_names: HashSet<String> = sim.cluster.namespaces.iter().map(|n| n.name.clone()).collect();
    for &i in &latest {
        let o = &objects[i];
        match o.kind.as_str() {
            "Namespace" => {
                let v = typed::namespace(i, o);
                if namespace_names.insert(v.meta.name.clone()) {
                    add_namespace(&mut sim, &v.meta.name.clone(), v.meta.labels.clone(), v.meta.annotations.clone(), false, v.origin);
                }
            }
            "Service" if probes.contains(&i) => probe_services.push((services.len(), typed::service(i, o))),
            "Service" => services.push(typed::service(i, o)),
            "Pod" => pods.push(typed::pod(i, o)),
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "ReplicationController" => {
                workloads.push(typed::workload(i, o));
            }
            "EndpointSlice" => user_slices.push(typed::endpoint_slice(i, o)),
            "Ingress" => {
                let v = typed::ingress(i, o);
                let store = sim.store("Ingress", &v.meta.namespace, &v.meta.name);
                let addresses = Vec::new();
                sim.cluster.ingresses.push(Ingress {
                    namespace: v.meta.namespace.clone(),
                    name: v.meta.name.clone(),
                    spec: v,
                    addresses,
                    store,
                });
            }
            "IngressClass" => {
                let v = typed::ingress_class(i, o);
                let store = sim.store("IngressClass", "", &v.meta.name);
                sim.cluster.ingress_classes.push(IngressClass { name: v.meta.name.clone(), spec: v, store });
            }
            _ => {}
        }
    }

    // The mirroring controller copies the user's Endpoints of selector-less Services.
    user_slices.extend(super::mirror::slices(objects, &services, &sim.desc.seed.to_string()));
    allocate_services(&mut sim, services, probe_services);
    run_workloads(&mut sim, workloads, pods);
    schedule(&mut sim, opts.kube_version.at_least(33), opts.kube_version.at_least(34));
    sim.cluster.pod_index = PodIndex::build(&sim.cluster.pods);
    super::endpointslice::reconcile(&mut sim, user_slices, opts.kube_version);
    rc::check_all(&sim.cluster, objects, &mut sim.diags);
    let mut cluster = sim.cluster;
    cluster.diagnostics = sim.diags;
    cluster
}

fn add_namespace(sim: &mut Sim<'_>, name: &str, labels: Labels, annotations: Labels, builtin: bool, origin: Origin) {
    let store = sim.store("Namespace", "", name);
    let mut labels = labels;
    // Every namespace carries its name as a label (since v1.21).
    labels.insert("kubernetes.io/metadata.name".into(), name.into());
    sim.cluster.namespaces.push(Namespace { name: name.into(), labels, annotations, builtin, origin, store });
}

fn build_nodes(sim: &mut Sim<'_>) {
    let d = sim.desc;
    let count = if d.nodes.is_empty() { d.node_count } else { d.nodes.len() }.min(MAX_NODES);
    let node_net = Prefix::parse(&d.node_network).or_else(|| Prefix::parse("172.18.0.0/16"));
    let cidr = Prefix::parse(&d.cluster_cidr);
    let cidr6 = d.cluster_cidr_v6.as_deref().and_then(Prefix::parse);
    let down: HashSet<&str> = d.overrides.nodes_down.iter().map(String::as_str).collect();
    let default_desc = super::state::NodeDescription::default();
    for i in 0..count {
        let nd = d.nodes.get(i).unwrap_or(&default_desc);
        let name = nd.name.clone().unwrap_or_else(|| format!("{}{}", d.node_name_prefix, i + 1));
        let zone = nd.zone.clone().or_else(|| (!d.zones.is_empty()).then(|| d.zones[i % d.zones.len()].clone()));
        let ip = nd
            .ip
            .as_deref()
            .and_then(net::parse_ip)
            .or_else(|| node_net.and_then(|p| p.nth(2 + i as u128)))
            .unwrap_or(IpAddr::V4([172, 18, 0, 2].into()));
        let mut pod_cidrs = Vec::new();
        if let Some(p) =
            nd.pod_cidr.clone().or_else(|| cidr.and_then(|c| c.subnet(d.node_cidr_mask_size, i as u128)).map(|p| p.to_string()))
        {
            pod_cidrs.push(p);
        }
        if let Some(p) = cidr6.and_then(|c| c.subnet(d.node_cidr_mask_size_v6, i as u128)) {
            pod_cidrs.push(p.to_string());
        }
        // The kubelet's `initialNode` (pkg/kubelet/kubelet_node_status.go) registers the
        // stable labels and the legacy `beta.kubernetes.io/os`/`arch` ones, still matched by
        // older charts' nodeSelectors.
        let mut labels = Labels::new();
        labels.insert("beta.kubernetes.io/arch".into(), "amd64".into());
        labels.insert("beta.kubernetes.io/os".into(), "linux".into());
        labels.insert("kubernetes.io/arch".into(), "amd64".into());
        labels.insert("kubernetes.io/hostname".into(), name.clone());
        labels.insert("kubernetes.io/os".into(), "linux".into());
        if let Some(z) = &zone {
            labels.insert("topology.kubernetes.io/zone".into(), z.clone());
        }
        if !d.region.is_empty() {
            labels.insert("topology.kubernetes.io/region".into(), d.region.clone());
        }
        labels.extend(nd.labels.clone());
        // A node the IPAM controller found no pod CIDR for (the cluster CIDR is used up:
        // `CIDRNotAvailable`) never gets its pod network, so it stays NotReady and takes no pods.
        let ready = nd.ready.unwrap_or(true) && !down.contains(name.as_str()) && !pod_cidrs.is_empty();
        let store = sim.store("Node", "", &name);
        let mut taints = nd.taints.clone();
        if !ready {
            // The node lifecycle controller taints a node whose kubelet stopped reporting
            // (`doNoScheduleTaintingPass`, then `doNoExecuteTaintingPass`).
            for effect in ["NoSchedule", "NoExecute"] {
                if !taints.iter().any(|t| t.key == UNREACHABLE_TAINT && t.effect == effect) {
                    taints.push(super::Taint { key: UNREACHABLE_TAINT.into(), value: String::new(), effect: effect.into() });
                }
            }
        }
        let cpu = nd.cpu.clone().unwrap_or_else(|| d.node_cpu.clone());
        sim.cluster.nodes.push(Node { name, zone, labels, internal_ip: ip, pod_cidrs, ready, taints, cpu, store });
    }
}

// ---------------------------------------------------------------------------------------------
// Built-in objects

const KUBERNETES_SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: kubernetes
  namespace: default
  labels:
    component: apiserver
    provider: kubernetes
spec:
  type: ClusterIP
  ports:
  - name: https
    port: 443
    protocol: TCP
    targetPort: 6443
";

/// kubeadm's `kube-dns` Service (cmd/kubeadm/app/phases/addons/dns/manifests.go): its labels
/// and annotations, and the CoreDNS pods' ports.
const KUBE_DNS_SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
    kubernetes.io/cluster-service: \"true\"
    kubernetes.io/name: CoreDNS
  annotations:
    prometheus.io/port: \"9153\"
    prometheus.io/scrape: \"true\"
spec:
  type: ClusterIP
  selector:
    k8s-app: kube-dns
  ports:
  - name: dns
    port: 53
    protocol: UDP
    targetPort: 53
  - name: dns-tcp
    port: 53
    protocol: TCP
    targetPort: 53
  - name: metrics
    port: 9153
    protocol: TCP
    targetPort: 9153
";

/// kubeadm's CoreDNS Deployment (cmd/kubeadm/app/phases/addons/dns/manifests.go), the parts
/// that place its pods: priority class, tolerations, node selector, DNS policy.
const COREDNS_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
spec:
  replicas: 2
  selector:
    matchLabels:
      k8s-app: kube-dns
  template:
    metadata:
      labels:
        k8s-app: kube-dns
    spec:
      priorityClassName: system-cluster-critical
      serviceAccountName: coredns
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              labelSelector:
                matchExpressions:
                - key: k8s-app
                  operator: In
                  values:
                  - kube-dns
              topologyKey: kubernetes.io/hostname
      tolerations:
      - key: CriticalAddonsOnly
        operator: Exists
      - key: node-role.kubernetes.io/control-plane
        effect: NoSchedule
      nodeSelector:
        kubernetes.io/os: linux
      dnsPolicy: Default
      containers:
      - name: coredns
        image: registry.k8s.io/coredns/coredns:v1.11.3
        ports:
        - containerPort: 53
          name: dns
          protocol: UDP
        - containerPort: 53
          name: dns-tcp
          protocol: TCP
        - containerPort: 9153
          name: metrics
          protocol: TCP
";

/// Parses one of the built-in manifests above into an object (never fails for these texts).
fn builtin_object(text: &str) -> Option<Object> {
    let file = SourceFile::new("<builtin>", text);
    let loaded = crate::yaml::load_file(0, &file, &crate::yaml::Limits::default());
    let root = loaded.docs.into_iter().next()?.root?;
    Some(Object::new(0, 0, None, root, "default"))
}

// ---------------------------------------------------------------------------------------------
// Services: the allocation phase

struct Allocators {
    ips: Vec<IpAllocator>,
    ports: PortAllocator,
    lb_pool: Option<Prefix>,
    lb_next: u128,
    lb_used: HashSet<IpAddr>,
}

impl Allocators {
    fn for_family(&mut self, v4: bool) -> Option<&mut IpAllocator> {
        self.ips.iter_mut().find(|a| a.cidr.is_ipv4() == v4)
    }
}

/// The families a Service gets addresses for, primary first.
fn service_families(v: &ServiceView, al: &Allocators) -> Vec<bool> {
    let served: Vec<bool> = al.ips.iter().map(|a| a.cidr.is_ipv4()).collect();
    let mut fams: Vec<bool> = v.ip_families.iter().map(|f| f == "IPv4").collect();
    if fams.is_empty() {
        fams = v.cluster_ips.iter().filter_map(|c| net::parse_ip(c)).map(|ip| ip.is_ipv4()).collect();
    }
    if fams.is_empty() {
        fams.extend(served.first().copied());
    }
    let dual = matches!(v.ip_family_policy.as_deref(), Some("PreferDualStack" | "RequireDualStack"));
    if dual && fams.len() == 1 && served.len() == 2 {
        fams.push(!fams[0]);
    }
    fams.dedup();
    fams.retain(|f| served.contains(f));
    fams
}

struct Pending {
    view: ServiceView,
    builtin: bool,
    /// Refused by validation: only tried (an allocation error replaces its validation errors),
    /// then everything it took is given back.
    probe: bool,
    ips: Vec<Option<IpAddr>>,
    families: Vec<bool>,
    node_ports: Vec<Option<u16>>,
    hc: Option<u16>,
}

/// The rule for an allocation failure: conflicts are this group's; a request outside the range
/// is the Service allocation-phase rule's (found by name, so that it is reported by one rule
/// whichever check sees it first).
fn alloc_rule(e: &AllocError, conflict: &'static Rule, out_of_range: &str) -> Option<&'static Rule> {
    match e {
        AllocError::Allocated => Some(conflict),
        AllocError::NotInRange(_) => crate::rules::find(out_of_range),
        AllocError::Full => None,
    }
}

/// NodePort and LoadBalancer Services hold nodePorts (`txnAllocNodePorts`).
fn has_node_ports(v: &ServiceView) -> bool {
    v.type_ == "NodePort" || v.type_ == "LoadBalancer"
}

/// `shouldAllocateNodePorts`: whether ports without a requested nodePort get one. A
/// LoadBalancer with `allocateLoadBalancerNodePorts: false` still keeps the ones it asks for.
fn allocates_new_node_ports(v: &ServiceView) -> bool {
    v.type_ == "NodePort" || (v.type_ == "LoadBalancer" && v.allocate_load_balancer_node_ports != Some(false))
}

fn wants_health_check(v: &ServiceView) -> bool {
    v.type_ == "LoadBalancer" && v.external_traffic_policy.as_deref() == Some("Local")
}

/// A dynamic pick whose range has no free value (the allocators' `ErrFull`).
#[derive(Debug, Clone, Copy)]
enum Exhausted {
    ServiceIp,
    /// The index of the port.
    NodePort(usize),
    HealthCheck,
}

/// Pass 2's dynamic picks in `allocateCreate`'s order (ClusterIPs, nodePorts port by port, the
/// health-check port), stopping at the first range that is full. Returns that range and what
/// was picked.
fn pick_dynamic(al: &mut Allocators, p: &mut Pending, seed: &dyn Fn(&str) -> u64) -> (Option<Exhausted>, Vec<IpAddr>, Vec<i64>) {
    let mut ips = Vec::new();
    let mut ports = Vec::new();
    for slot in 0..p.families.len() {
        let fam = p.families[slot];
        if p.ips[slot].is_some() {
            continue;
        }
        if let Some(a) = al.for_family(fam) {
            match a.allocate_next(seed(if fam { "ipv4" } else { "ipv6" })) {
                Ok(ip) => {
                    p.ips[slot] = Some(ip);
                    ips.push(ip);
                }
                Err(_) => return (Some(Exhausted::ServiceIp), ips, ports),
            }
        }
    }
    let v = &p.view;
    if allocates_new_node_ports(v) {
        // What is left is the ports whose number requested no nodePort: the first of each
        // number picks one, the others share it.
        let mut by_port: HashMap<i64, u16> = HashMap::new();
        for (i, sp) in v.ports.iter().enumerate() {
            if p.node_ports[i].is_some() {
                continue;
            }
            if let Some(&np) = by_port.get(&sp.port) {
                p.node_ports[i] = Some(np);
                continue;
            }
            match al.ports.allocate_next(seed(&format!("nodeport/{i}"))) {
                Ok(np) => {
                    by_port.insert(sp.port, np as u16);
                    p.node_ports[i] = Some(np as u16);
                    ports.push(i64::from(np));
                }
                Err(_) => return (Some(Exhausted::NodePort(i)), ips, ports),
            }
        }
    }
    if wants_health_check(v) && p.hc.is_none() {
        match al.ports.allocate_next(seed("healthcheck")) {
            Ok(n) => {
                p.hc = Some(n as u16);
                ports.push(i64::from(n));
            }
            Err(_) => return (Some(Exhausted::HealthCheck), ips, ports),
        }
    }
    (None, ips, ports)
}

/// The refusal of a Service whose dynamic pick found its range full: `allocIPs`,
/// `initNodePorts` and `allocHealthCheckNodePort` return `errors.NewInternalError` (HTTP 500,
/// no field; kplay points at the field the value was for).
fn exhausted_diag(objects: &[Object], v: &ServiceView, what: Exhausted, al: &Allocators) -> Diagnostic {
    let ports = al.ports.range_text();
    let (rule, span, field, detail, help) = match what {
        Exhausted::ServiceIp => {
            let cidrs: Vec<String> = al.ips.iter().map(|a| a.cidr.to_string()).collect();
            (
                &rc::CLUSTER_IP_CONFLICT,
                v.cluster_ips_span.unwrap_or(v.spec_span),
                "spec.clusterIPs".to_string(),
                "failed to allocate a serviceIP: range is full".to_string(),
                format!(
                    "every address of the Service CIDR ({}) is taken: make Services that need no virtual IP headless (`clusterIP: None`), or give the cluster a larger `--service-cluster-ip-range` (kplay: `--cluster service-cidr=...`)",
                    cidrs.join(", ")
                ),
            )
        }
        Exhausted::NodePort(i) => (
            &rc::NODE_PORT_CONFLICT,
            v.ports.get(i).map_or(v.spec_span, |p| p.span),
            format!("spec.ports[{i}].nodePort"),
            "failed to allocate a nodePort: range is full".to_string(),
            format!("every port of the node-port range {ports} is taken: use `type: ClusterIP` where no NodePort is needed, or give the cluster a wider `--service-node-port-range` (kplay: `--cluster node-port-range=...`)"),
        ),
        Exhausted::HealthCheck => (
            &rc::NODE_PORT_CONFLICT,
            v.health_check_node_port_span.unwrap_or(v.spec_span),
            "spec.healthCheckNodePort".to_string(),
            // `allocHealthCheckNodePort` prints the port `AllocateNext` returned with its error: 0.
            "failed to allocate a HealthCheck NodePort 0: range is full".to_string(),
            format!("every port of the node-port range {ports} is taken, and `externalTrafficPolicy: Local` needs one for the health check: use `externalTrafficPolicy: Cluster`, or give the cluster a wider `--service-node-port-range`"),
        ),
    };
    rc::diag(rule, objects, &v.origin, span, format!("Internal error occurred: {detail}"))
        .with_kubernetes(field, ErrorType::InternalError)
        .with_help(help)
}

/// A Service of the same namespace and name as a built-in one.
fn is_builtin_name(v: &ServiceView) -> bool {
    matches!((v.meta.namespace.as_str(), v.meta.name.as_str()), ("default", "kubernetes") | ("kube-system", "kube-dns"))
}

fn allocate_services(sim: &mut Sim<'_>, mut user: Vec<ServiceView>, probes: Vec<(usize, ServiceView)>) {
    let d = sim.desc;
    let mut ips = Vec::new();
    ips.extend(Prefix::parse(&d.service_cidr).map(IpAllocator::new));
    if let Some(p) = d.service_cidr_secondary.as_deref().and_then(Prefix::parse) {
        if ips.first().is_none_or(|a: &IpAllocator| a.cidr.is_ipv4() != p.is_ipv4()) {
            ips.push(IpAllocator::new(p));
        }
    }
    let (first, last) = parse_port_range(&d.node_port_range).unwrap_or((30000, 32767));
    let mut al = Allocators {
        ips,
        ports: PortAllocator::new(first, last),
        lb_pool: Prefix::parse(&d.load_balancer_cidr),
        lb_next: 0,
        lb_used: HashSet::new(),
    };

    // The built-ins first: `default/kubernetes` takes network + 1, kube-dns network + 10.
    // A user's Service of the same namespace and name is that object, not a second one: on the
    // simulated kubeadm-like cluster `kubectl apply` updates the existing Service (no
    // allocation, so no "already allocated" with itself), and an update without `clusterIP`
    // keeps the address it has. It takes the built-in's place, with its own spec and address
    // when it names one (as when it is created on a cluster that has none).
    let mut all: Vec<(ServiceView, bool)> = Vec::new();
    let primary = al.ips.first().map(|a| a.cidr);
    for (text, off) in [(KUBERNETES_SERVICE, 1u128), (KUBE_DNS_SERVICE, 10)] {
        if off == 10 && !d.system_dns {
            continue;
        }
        let Some(obj) = builtin_object(text) else { continue };
        let mut v = typed::service(usize::MAX, &obj);
        v.origin = Origin::BUILTIN;
        let ip = primary.and_then(|p| p.nth(off));
        if let Some(i) = user.iter().position(|u| u.meta.namespace == v.meta.namespace && u.meta.name == v.meta.name) {
            let mut u = user.remove(i);
            if u.cluster_ips.is_empty() && u.type_ != "ExternalName" {
                u.cluster_ips.extend(ip.map(|ip| ip.to_string()));
            }
            all.push((u, false));
            continue;
        }
        v.cluster_ips = ip.map(|ip| ip.to_string()).into_iter().collect();
        all.push((v, true));
    }
    // Probes go in their place among the user's Services. One of a built-in's name would update
    // that Service: validated first, so it is not tried.
    let mut probes = probes.into_iter().filter(|(_, v)| !is_builtin_name(v)).peekable();
    let mut all: Vec<(ServiceView, bool, bool)> = all.into_iter().map(|(v, b)| (v, b, false)).collect();
    for (k, v) in user.into_iter().enumerate() {
        while let Some((_, p)) = probes.next_if(|(at, _)| *at <= k) {
            all.push((p, false, true));
        }
        all.push((v, false, false));
    }
    all.extend(probes.map(|(_, p)| (p, false, true)));

    // Pass 1, in creation order: requested ClusterIPs, NodePorts and health-check ports. Doing
    // the requests before any dynamic pick keeps a request from colliding with a simulated
    // random pick (the static band exists to make that unlikely on a real cluster).
    let mut pending: Vec<Pending> = Vec::new();
    for (v, builtin, probe) in all {
        if v.type_ == "ExternalName" {
            if probe {
                continue;
            }
            pending.push(Pending {
                probe,
                ips: Vec::new(),
                families: Vec::new(),
                node_ports: vec![None; v.ports.len()],
                hc: None,
                view: v,
                builtin,
            });
            continue;
        }
        let families = if v.is_headless() { Vec::new() } else { service_families(&v, &al) };
        let mut got: Vec<Option<IpAddr>> = vec![None; families.len()];
        let mut taken_ips: Vec<IpAddr> = Vec::new();
        let mut taken_ports: Vec<i64> = Vec::new();
        let mut failed = false;
        for req in v.cluster_ips.iter().filter(|c| c.as_str() != "None" && !c.is_empty()) {
            let Some(ip) = net::parse_ip(req) else { continue };
            let Some(slot) = families.iter().position(|&f| f == ip.is_ipv4()) else { continue };
            let Some(a) = al.for_family(ip.is_ipv4()) else { continue };
            match a.allocate(ip) {
                Ok(()) => {
                    got[slot] = Some(ip);
                    taken_ips.push(ip);
                }
                Err(e) => {
                    if let Some(rule) = alloc_rule(&e, &rc::CLUSTER_IP_CONFLICT, "service-cluster-ip-out-of-range").filter(|_| !builtin) {
                        let owner = sim.cluster.services.iter().find(|s| s.cluster_ips.contains(&ip)).map(Service::origin);
                        let other = pending.iter().find(|p| !p.probe && p.ips.contains(&Some(ip))).map(|p| p.view.origin).or(owner);
                        let d = rc::diag(
                            rule,
                            sim.objects,
                            &v.origin,
                            v.cluster_ips_span.unwrap_or(v.spec_span),
                            // `allocIPs`: `field.Invalid(spec.clusterIPs, service.Spec.ClusterIPs, ...)`.
                            format!(
                                "Invalid value: {}: failed to allocate IP {req}: {}",
                                crate::rules::formats::Values::of(sim.cluster.kube_version)
                                    .string_slice(v.cluster_ips.iter().map(String::as_str)),
                                e.ip_message(req, crate::rules::service::allocation::meta_allocator(sim.cluster.kube_version))
                            ),
                        )
                        .with_kubernetes("spec.clusterIPs", ErrorType::Invalid);
                        let mut d = d.with_help(if matches!(e, AllocError::Allocated) {
                            "remove `clusterIP` to get a free address, or pick one no other Service uses".to_string()
                        } else {
                            format!(
                                "pick an address inside the Service CIDR {}, or remove `clusterIP`",
                                al.for_family(ip.is_ipv4()).map_or(String::new(), |a| a.cidr.to_string())
                            )
                        });
                        if let Some(o) = other.filter(|o| !o.is_builtin()) {
                            d = d.with_secondary(o.file, o.head, "this Service already holds the address");
                        }
                        sim.diags.push(d);
                    }
                    failed = true;
                    break;
                }
            }
        }
        // NodePorts, as `initNodePorts` does: the first port with a `port` number takes the
        // nodePort any port with that number requests (`findRequestedNodePort`), or a dynamic
        // pick (made in pass 2); a later port with the same number and no nodePort shares it,
        // and one that requests its own keeps and reserves it. Without `shouldAllocateNodePorts`
        // only the requested ones are allocated.
        let mut node_ports: Vec<Option<u16>> = vec![None; v.ports.len()];
        if !failed && has_node_ports(&v) {
            let allocate_new = allocates_new_node_ports(&v);
            // Port number -> the nodePort its first port got (`None`: a dynamic pick, later).
            let mut by_port: HashMap<i64, Option<u16>> = HashMap::new();
            for (i, p) in v.ports.iter().enumerate() {
                if p.node_port.is_none() && !allocate_new {
                    continue;
                }
                let np = match (by_port.get(&p.port).copied(), p.node_port) {
                    (None, _) => {
                        let requested = v.ports.iter().find(|q| q.port == p.port && q.node_port.is_some()).and_then(|q| q.node_port);
                        by_port.insert(p.port, requested.map(|n| n as u16));
                        let Some(np) = requested else { continue };
                        np
                    }
                    (Some(given), None) => {
                        node_ports[i] = given;
                        continue;
                    }
                    (Some(given), Some(np)) if given.map(i64::from) == Some(np) => {
                        node_ports[i] = given;
                        continue;
                    }
                    (Some(_), Some(np)) => np,
                };
                match al.ports.allocate(np) {
                    Ok(()) => {
                        node_ports[i] = Some(np as u16);
                        taken_ports.push(np);
                    }
                    Err(e) => {
                        if let Some(rule) = alloc_rule(&e, &rc::NODE_PORT_CONFLICT, "service-node-port-out-of-range").filter(|_| !builtin) {
                            let span = p.node_port_span.unwrap_or(p.span);
                            // `initNodePorts`: `field.Invalid(spec.ports[i].nodePort, np, err.Error())`.
                            let msg = crate::rules::formats::invalid_num(np, &e.port_message());
                            let mut d = rc::diag(rule, sim.objects, &v.origin, span, msg)
                                .with_kubernetes(format!("spec.ports[{i}].nodePort"), ErrorType::Invalid)
                                .with_help(if matches!(e, AllocError::Allocated) {
                                    "remove `nodePort` to get a free port, or pick one no other Service uses".to_string()
                                } else {
                                    format!("pick a port in {}, or remove `nodePort` to get one", al.ports.range_text())
                                });
                            if let Some(o) =
                                pending.iter().find(|q| !q.probe && (q.node_ports.contains(&Some(np as u16)) || q.hc == Some(np as u16)))
                            {
                                if !o.view.origin.is_builtin() {
                                    d = d.with_secondary(o.view.origin.file, o.view.origin.head, "this Service already holds the port");
                                }
                            }
                            sim.diags.push(d);
                        }
                        failed = true;
                        break;
                    }
                }
            }
        }
        let mut hc = None;
        if !failed && wants_health_check(&v) {
            if let Some(req) = v.health_check_node_port {
                match al.ports.allocate(req) {
                    Ok(()) => {
                        hc = Some(req as u16);
                        taken_ports.push(req);
                    }
                    Err(e) => {
                        // `txnAllocNodePorts` wraps `allocHealthCheckNodePort`'s error in
                        // `errors.NewInternalError`: HTTP 500, no field.
                        if let Some(rule) = alloc_rule(&e, &rc::NODE_PORT_CONFLICT, "service-node-port-out-of-range") {
                            sim.diags.push(
                                rc::diag(
                                    rule,
                                    sim.objects,
                                    &v.origin,
                                    v.health_check_node_port_span.unwrap_or(v.spec_span),
                                    format!(
                                        "Internal error occurred: failed to allocate requested HealthCheck NodePort {req}: {}",
                                        e.port_message()
                                    ),
                                )
                                .with_kubernetes("spec.healthCheckNodePort", ErrorType::InternalError)
                                .with_help("remove `healthCheckNodePort` to get a free port"),
                            );
                        }
                        failed = true;
                    }
                }
            }
        }
        if failed || probe {
            // The request is refused as a whole (a probe, by validation, if not here): give back
            // what it took.
            for ip in taken_ips {
                if let Some(a) = al.for_family(ip.is_ipv4()) {
                    a.release(ip);
                }
            }
            for p in taken_ports {
                al.ports.release(p);
            }
            if failed {
                if probe {
                    sim.refuse_at_allocation(v.origin);
                }
                continue;
            }
        }
        pending.push(Pending { ips: got, families, node_ports, hc, view: v, builtin, probe });
    }

    // Pass 2: dynamic picks, then the objects are stored.
    for mut p in pending {
        let (ns, name) = (p.view.meta.namespace.clone(), p.view.meta.name.clone());
        let seed_text = sim.desc.seed.to_string();
        let seed = |what: &str| fnv64(&[&seed_text, what, &ns, &name]);
        // A probe holds its requests again for the time of its try.
        let mut held_ips: Vec<IpAddr> = Vec::new();
        let mut held_ports: Vec<i64> = Vec::new();
        if p.probe {
            for &ip in p.ips.iter().flatten() {
                if al.for_family(ip.is_ipv4()).is_some_and(|a| a.allocate(ip).is_ok()) {
                    held_ips.push(ip);
                }
            }
            for np in p.node_ports.iter().flatten().map(|&n| i64::from(n)).chain(p.hc.map(i64::from)) {
                if al.ports.allocate(np).is_ok() {
                    held_ports.push(np);
                }
            }
        }
        let (exhausted, picked_ips, picked_ports) = pick_dynamic(&mut al, &mut p, &seed);
        if let Some(what) = exhausted.filter(|_| !p.builtin) {
            sim.diags.push(exhausted_diag(sim.objects, &p.view, what, &al));
            if p.probe {
                sim.refuse_at_allocation(p.view.origin);
            }
        }
        if p.probe || exhausted.is_some() {
            // Refused (`allocateCreate` reverts its transaction): give back what it took.
            if !p.probe {
                held_ips.extend(p.ips.iter().flatten());
                held_ports.extend(p.node_ports.iter().flatten().map(|&n| i64::from(n)).chain(p.hc.map(i64::from)));
            }
            for ip in held_ips.into_iter().chain(picked_ips) {
                if let Some(a) = al.for_family(ip.is_ipv4()) {
                    a.release(ip);
                }
            }
            for np in held_ports.into_iter().chain(picked_ports) {
                al.ports.release(np);
            }
            continue;
        }
        let v = &p.view;
        let mut lb_ips: Vec<IpAddr> = v.status_lb_ips.iter().filter_map(|s| net::parse_ip(s)).collect();
        // The simulated implementation is the cluster's default one: like a cloud provider's
        // service controller and MetalLB out of the box, it leaves a Service that names a
        // `loadBalancerClass` to that class's controller (KEP-1959), which is not simulated, so
        // the Service stays pending.
        if v.type_ == "LoadBalancer" && lb_ips.is_empty() && v.load_balancer_class.is_none() {
            if let Some(ip) = v.load_balancer_ip.as_deref().and_then(net::parse_ip) {
                lb_ips.push(ip);
            } else if let Some(pool) = al.lb_pool {
                // A MetalLB-like pool: the lowest free address, skipping the network address.
                while let Some(ip) = pool.nth(al.lb_next + 1) {
                    al.lb_next += 1;
                    if al.lb_used.insert(ip) {
                        lb_ips.push(ip);
                        break;
                    }
                }
            }
        }
        let store = sim.store("Service", &ns, &name);
        let ports = v.ports.iter().zip(&p.node_ports).map(|(sp, np)| ServicePort { spec: sp.clone(), node_port: *np }).collect();
        let selector = v.selector.clone().filter(|_| v.type_ != "ExternalName");
        sim.cluster.services.push(Service {
            namespace: ns,
            name,
            type_: v.type_.clone(),
            selector,
            cluster_ips: p.ips.iter().flatten().copied().collect(),
            headless: v.is_headless(),
            ports,
            health_check_node_port: p.hc,
            load_balancer_ips: lb_ips,
            builtin: p.builtin,
            spec: p.view,
            store,
        });
    }
    // Pods' nameserver: the DNS Service's address, the user's own when it replaced the built-in.
    sim.cluster.dns_service_ip = sim.cluster.service("kube-system", "kube-dns").and_then(|s| s.cluster_ips.first().copied());
}

// ---------------------------------------------------------------------------------------------
// Workload controllers

pub(super) fn template_hash(t: &PodTemplate) -> String {
    // Kubernetes hashes the Go struct with `DeepHashObject` (fnv32a over a spew dump), which
    // cannot be reproduced from YAML; kplay hashes the canonical YAML of the stored template
    // the same way, so the label has the real shape (SafeEncodeString of a decimal uint32) and
    // changes exactly when the template changes, but its value differs from a real cluster's.
    safe_encode(&fnv32a(t.canonical.as_bytes()).to_string())
}

fn scale_override(sim: &Sim<'_>, kind: &str, ns: &str, name: &str) -> Option<i64> {
    sim.desc
        .overrides
        .scale
        .iter()
        .find(|s| s.kind.eq_ignore_ascii_case(kind) && s.name == name && s.namespace.as_deref().unwrap_or("default") == ns)
        .map(|s| s.replicas)
}

struct NewPod {
    name: String,
    labels: Labels,
    spec: Arc<PodSpec>,
    owner: Option<OwnerRef>,
    workload: Option<usize>,
    origin: Origin,
    /// Pinned by the DaemonSet controller.
    pinned_node: Option<String>,
    hostname: Option<String>,
    subdomain: Option<String>,
    /// `metadata.generateName`.
    generate_name: Option<String>,
    deleting: bool,
    status: Option<typed::PodStatusHint>,
    /// A controller's pod: its stored spec, shared by the controller's pods.
    stored_spec: Option<Arc<ControllerPodSpec>>,
    annotations: Labels,
    finalizers: Vec<String>,
}

fn run_workloads(sim: &mut Sim<'_>, mut views: Vec<WorkloadView>, bare: Vec<PodView>) {
    if sim.desc.system_dns {
        if let Some(o) = builtin_object(COREDNS_DEPLOYMENT) {
            let mut v = typed::workload(usize::MAX, &o);
            v.origin = Origin::BUILTIN;
            // A user's `kube-system/coredns` Deployment is this one, updated (as a user's
            // kube-dns Service replaces the built-in one in `allocate_services`).
            let same = |u: &WorkloadView| u.kind == v.kind && u.meta.namespace == v.meta.namespace && u.meta.name == v.meta.name;
            if !views.iter().any(same) {
                views.insert(0, v);
            }
        }
    }
    let mut names: HashSet<String> = HashSet::new();
    let mut new_pods: Vec<(String, NewPod)> = Vec::new();
    let max = sim.desc.max_replicas_per_workload.max(0);
    for v in views {
        let ns = v.meta.namespace.clone();
        let name = v.meta.name.clone();
        let kind = v.kind.clone();
        let default_replicas = match kind.as_str() {
            // The API server defaults `replicas` to 1; read it that way if defaulting did not run.
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController" => 1,
            "Job" => {
                let par = v.replicas.unwrap_or(1);
                v.completions.map_or(par, |c| par.min(c))
            }
            _ => 0,
        };
        let desired = scale_override(sim, &kind, &ns, &name).unwrap_or(if kind == "Job" {
            default_replicas
        } else {
            v.replicas.unwrap_or(default_replicas)
        });
        let desired = desired.max(0);
        let mut count = desired;
        // `spec.paused`: the Deployment controller only syncs (`sync` calls
        // `getAllReplicaSetsAndSyncRevision` with `createIfNotExisted` false), so a Deployment
        // created paused gets no ReplicaSet and no pods, whatever it is scaled to (`scale` only
        // resizes ReplicaSets that exist).
        let paused = kind == "Deployment" && v.paused.is_some();
        if paused {
            count = 0;
        } else if kind != "DaemonSet" && desired > max {
            // The built-in CoreDNS Deployment is capped too, silently: it has no place in the
            // user's files to point at.
            if !v.origin.is_builtin() {
                sim.diags.push(
                    rc::diag(
                        &rc::REPLICAS_OVER_SIMULATION_LIMIT,
                        sim.objects,
                        &v.origin,
                        v.replicas_span.unwrap_or(v.spec_span),
                        format!("{} `{name}` asks for {desired} replicas; kplay simulates only the first {max}", kind.to_ascii_lowercase()),
                    )
                    .with_help("lower `replicas`, or raise `max-replicas-per-workload` in the `[cluster]` settings of kplay.toml"),
                );
            }
            count = max;
        }
        // A StatefulSet whose template fails the Pod checks, or a workload whose pods an admission
        // plugin refuses: stored, but every pod its controller creates is refused (FailedCreate;
        // `statefulset-pod-invalid`, `rules::pod::admission`).
        if sim.objects.get(v.origin.object).is_some_and(|o| o.pods_refused) {
            count = 0;
        }
        let store = sim.store(&kind, &ns, &name);
        let top = sim.cluster.workloads.len();
        let template = v.template.clone();
        // The pods get what the RuntimeClass admission plugin adds to each (the template keeps
        // what was written).
        let mut pod_spec = template.spec.clone();
        if let Some(rc) = sim.lookups.runtime_class(&pod_spec.runtime_class_name) {
            pod_spec.add_runtime_class_scheduling(rc);
        }
        let spec = Arc::new(pod_spec);
        // The template as stored: each pod's stored spec starts from it.
        let stored_object = if v.origin.is_builtin() { None } else { sim.objects.get(v.origin.object) };
        let indexed_job = kind == "Job"
            && stored_object.and_then(|o| o.stored.path(&["spec", "completionMode"])).and_then(YNode::as_str) == Some("Indexed");
        // The volumeClaimTemplates' names of a StatefulSet.
        let claims: Vec<String> = if kind == "StatefulSet" {
            stored_object
                .and_then(|o| o.stored.path(&["spec", "volumeClaimTemplates"]))
                .and_then(YNode::as_seq)
                .map(|t| t.iter().filter_map(|c| c.path(&["metadata", "name"]).and_then(YNode::as_str).map(str::to_string)).collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut pod_owner = OwnerRef { kind: kind.clone(), name: name.clone(), uid: store.uid.clone() };
        let mut pod_labels = template.labels.clone();
        let mut pod_base = pods_prefix(&name);
        let mut annotations = v.meta.annotations.clone();
        match kind.as_str() {
            // `SetDeploymentRevision` with its new ReplicaSet's revision (none while paused).
            "Deployment" if !paused => {
                annotations.insert(REVISION_ANNOTATION.into(), FIRST_REVISION.into());
            }
            // `Convert_apps_DaemonSet_To_v1_DaemonSet`: apps/v1 keeps `spec.templateGeneration` here.
            "DaemonSet" => {
                annotations.insert(TEMPLATE_GENERATION_ANNOTATION.into(), daemon_template_generation(&v.meta.annotations).to_string());
            }
            _ => {}
        }
        sim.cluster.workloads.push(Workload {
            kind: kind.clone(),
            namespace: ns.clone(),
            name: name.clone(),
            labels: v.meta.labels.clone(),
            annotations,
            selector: v.selector.clone(),
            desired,
            paused,
            replicas: 0,
            ready_replicas: 0,
            template: template.clone(),
            owner: None,
            root: top,
            pod_template_hash: None,
            origin: v.origin,
            view: Some(v.clone()),
            store,
        });
        match kind.as_str() {
            "Deployment" if !paused => {
                let h = template_hash(&template);
                let rs_name = format!("{name}-{h}");
                pod_labels.insert("pod-template-hash".into(), h.clone());
                let mut sel = v.selector.clone().unwrap_or_default();
                sel.match_labels.insert("pod-template-hash".into(), h.clone());
                let mut rs_template = template.clone();
                rs_template.labels = pod_labels.clone();
                let store = sim.store("ReplicaSet", &ns, &rs_name);
                let rs_uid = store.uid.clone();
                let mut rs_labels = template.labels.clone();
                rs_labels.insert("pod-template-hash".into(), h.clone());
                let strategy = stored_object.and_then(|o| o.stored.path(&["spec", "strategy"]));
                sim.cluster.workloads.push(Workload {
                    kind: "ReplicaSet".into(),
                    namespace: ns.clone(),
                    name: rs_name.clone(),
                    labels: rs_labels,
                    annotations: replica_set_annotations(&v.meta.annotations, desired, strategy),
                    selector: Some(sel),
                    desired,
                    paused: false,
                    replicas: 0,
                    ready_replicas: 0,
                    template: rs_template,
                    owner: Some(OwnerRef { kind: "Deployment".into(), name: name.clone(), uid: pod_owner.uid.clone() }),
                    root: top,
                    pod_template_hash: Some(h.clone()),
                    origin: v.origin,
                    view: None,
                    store,
                });
                sim.cluster.workloads[top].pod_template_hash = Some(h);
                pod_owner = OwnerRef { kind: "ReplicaSet".into(), name: rs_name.clone(), uid: rs_uid };
                pod_base = pods_prefix(&rs_name);
            }
            "StatefulSet" => {
                let h = template_hash(&template);
                pod_labels.insert("controller-revision-hash".into(), format!("{name}-{h}"));
            }
            "DaemonSet" => {
                let h = template_hash(&template);
                pod_labels.insert("controller-revision-hash".into(), h);
                pod_labels.insert("pod-template-generation".into(), daemon_template_generation(&v.meta.annotations).to_string());
            }
            "Job" => {
                let uid = sim.cluster.workloads[top].store.uid.clone();
                for k in ["batch.kubernetes.io/controller-uid", "controller-uid"] {
                    pod_labels.insert(k.into(), uid.clone());
                }
                for k in ["batch.kubernetes.io/job-name", "job-name"] {
                    pod_labels.insert(k.into(), name.clone());
                }
            }
            _ => {}
        }
        // What the controller sets on every pod, then the create path's defaulting, label-key
        // merge and admission, once for all its pods: they differ only where their names show
        // (the labels a controller adds per pod, a StatefulSet's pod name and index or an
        // Indexed Job's completion index, are not merged: `matchLabelKeys` naming one selects
        // the pod alone).
        let stored_spec = stored_object.and_then(|o| o.stored.path(&["spec", "template", "spec"])).cloned().map(|mut spec| {
            let per_pod = statefulset_storage(&mut spec, &claims);
            if indexed_job {
                completion_index_env(&mut spec);
            }
            if kind == "DaemonSet" {
                daemon_tolerations(&mut spec);
            }
            Arc::new(ControllerPodSpec::new(spec, per_pod, &pod_labels, sim.opts, &sim.lookups))
        });
        let mk = |pod_name: String, labels: Labels, pinned: Option<String>| NewPod {
            name: pod_name,
            labels,
            spec: spec.clone(),
            owner: Some(pod_owner.clone()),
            workload: Some(top),
            origin: v.origin,
            pinned_node: pinned,
            hostname: template.spec.hostname.clone(),
            subdomain: template.spec.subdomain.clone(),
            // `GetPodFromTemplate`: the controller's prefix, which names the pod unless the
            // controller names it itself (a StatefulSet's keeps the prefix all the same).
            generate_name: Some(pod_base.clone()),
            deleting: false,
            status: None,
            stored_spec: stored_spec.clone(),
            // `GetPodFromTemplate`: the template's annotations.
            annotations: template.annotations.clone(),
            finalizers: if kind == "Job" { vec![JOB_TRACKING_FINALIZER.into()] } else { Vec::new() },
        };
        match kind.as_str() {
            "StatefulSet" => {
                // `spec.ordinals.start`: the first ordinal (`getStartOrdinal`).
                let start =
                    stored_object.and_then(|o| o.stored.path(&["spec", "ordinals", "start"])).and_then(YNode::as_i64).unwrap_or(0).max(0);
                for i in (0..count).map(|i| i.saturating_add(start)) {
                    let pod_name = format!("{name}-{i}");
                    let mut labels = pod_labels.clone();
                    labels.insert("apps.kubernetes.io/pod-index".into(), i.to_string());
                    labels.insert("statefulset.kubernetes.io/pod-name".into(), pod_name.clone());
                    let mut p = mk(pod_name.clone(), labels, None);
                    // `updateIdentity`: the hostname is the pod name, the subdomain the governing Service.
                    p.hostname = Some(pod_name.clone());
                    p.subdomain.clone_from(&v.service_name);
                    names.insert(format!("{ns}/{pod_name}"));
                    new_pods.push((ns.clone(), p));
                }
            }
            "DaemonSet" => {
                // The controller decides from the template (`nodeShouldRunDaemonPod`) and makes
                // each pod for the default scheduler, pinned to its node by node affinity
                // (not `nodeName`), so the scheduler's filters still run: a host port taken
                // there, or a RuntimeClass's node selector (added at admission) the node lacks,
                // leaves the pod Pending with the scheduler's FitError.
                let nodes: Vec<String> = sim
                    .cluster
                    .nodes
                    .iter()
                    .filter(|n| template.spec.placement.allows(&n.name, &n.labels) && daemon_pod_tolerates(&template.spec, &n.taints))
                    .map(|n| n.name.clone())
                    .collect();
                for node in nodes {
                    let pod_name = unique_name(&mut names, &ns, &pod_base, &[&node]);
                    let mut p = mk(pod_name, pod_labels.clone(), None);
                    p.spec = Arc::new(daemon_pod_spec(&spec, &node));
                    new_pods.push((ns.clone(), p));
                }
            }
            "Job" if indexed_job => {
                // The lowest pending completion indexes (`firstPendingIndexes`), each pod named
                // `podGenerateNameWithIndex`, with the index as annotation and label, its
                // hostname `<job>-<index>` and JOB_COMPLETION_INDEX (`addCompletionIndexEnvVariables`).
                for i in 0..count {
                    let idx = i.to_string();
                    let base = job_generate_name(&name, &idx);
                    let pod_name = unique_name(&mut names, &ns, &base, &[&idx]);
                    let mut labels = pod_labels.clone();
                    labels.insert(JOB_COMPLETION_INDEX.into(), idx.clone());
                    let mut p = mk(pod_name, labels, None);
                    // `CreatePodsWithGenerateName` with `podGenerateNameWithIndex`.
                    p.generate_name = Some(base);
                    p.annotations.insert(JOB_COMPLETION_INDEX.into(), idx.clone());
                    p.hostname = Some(format!("{name}-{idx}"));
                    new_pods.push((ns.clone(), p));
                }
            }
            _ => {
                for i in 0..count {
                    let pod_name = unique_name(&mut names, &ns, &pod_base, &[&i.to_string()]);
                    new_pods.push((ns.clone(), mk(pod_name, pod_labels.clone(), None)));
                }
            }
        }
    }
    for b in bare {
        let ns = b.meta.namespace.clone();
        names.insert(format!("{ns}/{}", b.meta.name));
        let generate_name = sim
            .objects
            .get(b.origin.object)
            .and_then(|o| o.stored.path(&["metadata", "generateName"]))
            .and_then(YNode::as_str)
            .filter(|g| !g.is_empty())
            .map(str::to_string);
        new_pods.push((
            ns,
            NewPod {
                name: b.meta.name.clone(),
                labels: b.meta.labels.clone(),
                hostname: b.template.spec.hostname.clone(),
                subdomain: b.template.spec.subdomain.clone(),
                generate_name,
                spec: Arc::new(b.template.spec),
                owner: None,
                workload: None,
                origin: b.origin,
                pinned_node: None,
                deleting: b.meta.deleting,
                status: Some(b.status),
                stored_spec: None,
                annotations: b.meta.annotations,
                finalizers: Vec::new(),
            },
        ));
    }
    // Pods are created, and scheduled, in the order of the objects that make them (`kubectl
    // apply` creates a bare Pod listed before a Deployment first); built-in ones (CoreDNS) first.
    let rank = |o: &Origin| if o.is_builtin() { 0 } else { o.object.saturating_add(1) };
    crate::sort::sort_by_key(&mut new_pods, |(_, p)| rank(&p.origin));
    let config = super::config_refs::ConfigObjects::new(sim.objects);
    // One answer per template and namespace: a controller's pods share their spec.
    let mut held_by_spec: HashMap<(*const PodSpec, String), Option<super::config_refs::Held>> = HashMap::new();
    for (ns, p) in new_pods {
        let store = sim.store("Pod", &ns, &p.name);
        // A status written in the manifest decides, as for readiness.
        let held = if p.origin.is_builtin() || p.status.as_ref().is_some_and(|s| s.phase.is_some()) {
            None
        } else {
            held_by_spec
                .entry((Arc::as_ptr(&p.spec), ns.clone()))
                .or_insert_with(|| super::config_refs::held(&ns, &p.spec.config_refs, sim.objects, &config))
                .clone()
        };
        let status = p.status.unwrap_or_default();
        let node = p.pinned_node.or_else(|| p.spec.placement.node_name.clone());
        let ips: Vec<IpAddr> = status.pod_ips.iter().filter_map(|s| net::parse_ip(s)).collect();
        sim.cluster.pods.push(Pod {
            namespace: ns,
            name: p.name,
            generate_name: p.generate_name,
            labels: p.labels,
            ips,
            node,
            owner: p.owner,
            workload: p.workload,
            phase: status.phase.unwrap_or_default(),
            // A readiness gate's condition is set by no component kplay runs (a written Ready wins).
            ready: status.ready.unwrap_or(p.spec.readiness_gates.is_empty() && held.is_none()),
            terminating: p.deleting,
            host_network: p.spec.host_network,
            hostname: p.hostname,
            subdomain: p.subdomain,
            spec: p.spec,
            stored_spec: p.stored_spec,
            annotations: p.annotations,
            finalizers: p.finalizers,
            origin: p.origin,
            unschedulable: None,
            spread_refusal: None,
            rejected: None,
            held,
            store,
        });
    }
}

const JOB_TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
const JOB_COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";

// The Deployment controller's annotations (pkg/controller/deployment/util/deployment_util.go).
const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
/// The revision of a Deployment's first ReplicaSet (`MaxRevision` of none, plus one): kplay's
/// Deployments have no older ReplicaSet.
const FIRST_REVISION: &str = "1";
const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";

/// A DaemonSet's `spec.templateGeneration` as created: the apps/v1 annotation that carries it
/// (`Convert_v1_DaemonSet_To_apps_DaemonSet` parses it), at least 1 (`PrepareForCreate`). The
/// server refuses a value that is not an integer; kplay reads it as absent.
fn daemon_template_generation(annotations: &Labels) -> i64 {
    annotations.get(TEMPLATE_GENERATION_ANNOTATION).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0).max(1)
}

/// The annotations the Deployment controller creates its ReplicaSet with
/// (`SetNewReplicaSetAnnotations`): the Deployment's own but those `annotationsToSkip` names,
/// the revision, and `SetReplicasAnnotations`' desired count (`spec.replicas`) and maximum
/// (`spec.replicas` + `MaxSurge`).
fn replica_set_annotations(deployment: &Labels, replicas: i64, strategy: Option<&YNode>) -> Labels {
    const SKIP: [&str; 6] = [
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION_ANNOTATION,
        REVISION_HISTORY_ANNOTATION,
        DESIRED_REPLICAS_ANNOTATION,
        MAX_REPLICAS_ANNOTATION,
        "deprecated.deployment.rollback.to",
    ];
    let mut a: Labels = deployment.iter().filter(|(k, _)| !SKIP.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    a.insert(REVISION_ANNOTATION.into(), FIRST_REVISION.into());
    a.insert(DESIRED_REPLICAS_ANNOTATION.into(), replicas.to_string());
    a.insert(MAX_REPLICAS_ANNOTATION.into(), replicas.saturating_add(max_surge(strategy, replicas)).to_string());
    a
}

/// `getPodsPrefix`: the `generateName` a controller gives its pods, `<name>-`, or the bare
/// name when the dash would make it too long for a name (`ValidatePodName` of a prefix: a
/// DNS-1123 subdomain, 253 characters, once the trailing dash is masked).
fn pods_prefix(controller: &str) -> String {
    if controller.len() < 253 {
        format!("{controller}-")
    } else {
        controller.to_string()
    }
}

/// `ResolveFenceposts` of a RollingUpdate strategy: `maxSurge` and `maxUnavailable` scaled
/// against `spec.replicas` (`GetScaledValueFromIntOrPercent`: an integer as it is, a percentage
/// rounded up for the surge and down for the unavailable), with `maxUnavailable` 1 when both
/// come to 0. None for another strategy, or when either does not resolve (validation refuses
/// those; Go then returns 0 and 0). What is absent is what `SetDefaults_Deployment` sets
/// (RollingUpdate, 25% and 25%), as for the built-in CoreDNS Deployment, whose manifest is not
/// defaulted.
fn fenceposts(strategy: Option<&YNode>, replicas: i64) -> Option<(i64, i64)> {
    if strategy.and_then(|s| s.get("type")).and_then(YNode::as_str).is_some_and(|t| t != "RollingUpdate") {
        return None;
    }
    let scaled = |key: &str, round_up: bool| -> Option<i64> {
        let v = strategy.and_then(|s| s.path(&["rollingUpdate", key])).filter(|v| !v.is_null());
        let percent = match v {
            None => 25,
            Some(v) => match v.resolved()? {
                crate::yaml::Resolved::Str(s) => i64::try_from(crate::rules::formats::parse_percent(s)?).ok()?,
                _ => return v.as_i64(),
            },
        };
        let x = percent as f64 * replicas as f64 / 100.0;
        Some(if round_up { x.ceil() } else { x.floor() } as i64)
    };
    match (scaled("maxSurge", true)?, scaled("maxUnavailable", false)?) {
        (0, 0) => Some((0, 1)),
        both => Some(both),
    }
}

/// `MaxSurge`: the resolved `maxSurge` of a RollingUpdate strategy, else 0.
fn max_surge(strategy: Option<&YNode>, replicas: i64) -> i64 {
    fenceposts(strategy, replicas).map_or(0, |(surge, _)| surge)
}

/// `MaxUnavailable`: the resolved `maxUnavailable` of a RollingUpdate strategy, at most
/// `replicas`; 0 for another strategy or 0 replicas.
pub(super) fn max_unavailable(strategy: Option<&YNode>, replicas: i64) -> i64 {
    if replicas == 0 {
        return 0;
    }
    fenceposts(strategy, replicas).map_or(0, |(_, unavailable)| unavailable.min(replicas))
}

/// `podGenerateNameWithIndex`: `<job>-<index>-`, the job's name cut so that the prefix fits
/// the 58 characters of a generated name's base.
fn job_generate_name(job: &str, index: &str) -> String {
    const MAX_GENERATED_NAME_LENGTH: usize = 63 - 5;
    let suffix = format!("-{index}-");
    let prefix = format!("{job}{suffix}");
    if prefix.len() <= MAX_GENERATED_NAME_LENGTH {
        return prefix;
    }
    let mut cut = MAX_GENERATED_NAME_LENGTH.saturating_sub(suffix.len());
    while !prefix.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{suffix}", &prefix[..cut])
}

/// `updateStorage`: a volume `<claim template>` per volumeClaimTemplate, bound to the claim
/// `<template>-<pod name>`, first (in the templates' order; Go ranges over a map), then the
/// template's volumes of other names. Returns where the claims' names are, to be named per pod.
fn statefulset_storage(spec: &mut YNode, claims: &[String]) -> Vec<NameSlot> {
    if claims.is_empty() || spec.as_map().is_none() || spec.get("volumes").is_some_and(|v| !v.is_null() && v.as_seq().is_none()) {
        return Vec::new();
    }
    let at = spec.span;
    let mut per_pod = Vec::new();
    let mut volumes: Vec<YNode> = claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let named = PodNamed::Claim(c.clone());
            let mut pvc = YNode::map(at, Vec::new()).synthetic();
            pvc.set("claimName", named.node(at, ""));
            per_pod.push((vec![Step::Key("volumes"), Step::Item(i), Step::Key("persistentVolumeClaim"), Step::Key("claimName")], named));
            let mut v = YNode::map(at, Vec::new()).synthetic();
            v.set("name", YNode::scalar(at, c, crate::yaml::ScalarStyle::Plain).synthetic());
            v.set("persistentVolumeClaim", pvc);
            v
        })
        .collect();
    let keep = |v: &YNode| !v.get("name").and_then(YNode::as_str).is_some_and(|n| claims.iter().any(|c| c == n));
    if let Some(old) = spec.get("volumes").and_then(YNode::as_seq) {
        volumes.extend(old.iter().filter(|v| keep(v)).cloned());
    }
    spec.set("volumes", YNode::seq(at, volumes).synthetic());
    per_pod
}

/// `addCompletionIndexEnvVariable`: every container and init container without one gets
/// `JOB_COMPLETION_INDEX` from the pod's `batch.kubernetes.io/job-completion-index` label (the
/// PodIndexLabel gate, on in every supported version; the annotation before it).
fn completion_index_env(spec: &mut YNode) {
    let at = spec.span;
    let str_node = |v: &str| YNode::scalar(at, v, crate::yaml::ScalarStyle::Plain).synthetic();
    for list in ["initContainers", "containers"] {
        let Some(cs) = spec.get_mut(list).and_then(YNode::as_seq_mut) else { continue };
        for c in cs.iter_mut().filter(|c| c.as_map().is_some()) {
            if c.get("env").is_some_and(|e| !e.is_null() && e.as_seq().is_none()) {
                continue;
            }
            let has = c
                .get("env")
                .and_then(YNode::as_seq)
                .is_some_and(|e| e.iter().any(|v| v.get("name").and_then(YNode::as_str) == Some("JOB_COMPLETION_INDEX")));
            if has {
                continue;
            }
            let mut field_ref = YNode::map(at, Vec::new()).synthetic();
            field_ref.set("apiVersion", str_node("v1"));
            field_ref.set("fieldPath", str_node(&format!("metadata.labels['{JOB_COMPLETION_INDEX}']")));
            let mut from = YNode::map(at, Vec::new()).synthetic();
            from.set("fieldRef", field_ref);
            let mut var = YNode::map(at, Vec::new()).synthetic();
            var.set("name", str_node("JOB_COMPLETION_INDEX"));
            var.set("valueFrom", from);
            if c.get("env").and_then(YNode::as_seq).is_none() {
                c.set("env", YNode::seq(at, Vec::new()).synthetic());
            }
            if let Some(env) = c.get_mut("env").and_then(YNode::as_seq_mut) {
                env.push(var);
            }
        }
    }
}

/// The tolerations the DaemonSet controller writes into every pod's spec
/// (`AddOrUpdateDaemonPodTolerations`, through `AddOrUpdateTolerationInPodSpec`): each
/// [`DAEMON_TOLERATIONS`] entry (and `network-unavailable` on the host's network) as
/// `operator: Exists`; a toleration of the pod that matches one (same key, operator, value and
/// effect) but differs (a `tolerationSeconds`) is replaced in its place, an equal one kept.
fn daemon_tolerations(spec: &mut YNode) {
    if spec.get("tolerations").is_some_and(|t| !t.is_null() && t.as_seq().is_none()) {
        return;
    }
    let at = spec.span;
    let host_network = spec.get("hostNetwork").and_then(YNode::resolved).is_some_and(|r| matches!(r, crate::yaml::Resolved::Bool(true)));
    let mut added: Vec<(&str, &str)> = DAEMON_TOLERATIONS.to_vec();
    if host_network {
        added.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    if spec.get("tolerations").and_then(YNode::as_seq).is_none() {
        spec.set("tolerations", YNode::seq(at, Vec::new()).synthetic());
    }
    let Some(list) = spec.get_mut("tolerations").and_then(YNode::as_seq_mut) else { return };
    let text = |t: &YNode, k: &str| t.get(k).and_then(YNode::as_str).unwrap_or("").to_string();
    for (key, effect) in added {
        let str_node = |v: &str| YNode::scalar(at, v, crate::yaml::ScalarStyle::Plain).synthetic();
        let mut t = YNode::map(at, Vec::new()).synthetic();
        t.set("key", str_node(key));
        t.set("operator", str_node("Exists"));
        t.set("effect", str_node(effect));
        let matching = list.iter().position(|p| {
            text(p, "key") == key && text(p, "operator") == "Exists" && text(p, "value").is_empty() && text(p, "effect") == effect
        });
        match matching {
            Some(i) if list[i].get("tolerationSeconds").is_none_or(YNode::is_null) => {}
            Some(i) => list[i] = t,
            None => list.push(t),
        }
    }
}

fn unique_name(names: &mut HashSet<String>, ns: &str, base: &str, salt: &[&str]) -> String {
    let mut attempt = 0u32;
    loop {
        let a = attempt.to_string();
        let mut parts: Vec<&str> = vec![ns, base];
        parts.extend_from_slice(salt);
        parts.push(&a);
        let name = generate_name(base, fnv64(&parts));
        if names.insert(format!("{ns}/{name}")) {
            return name;
        }
        attempt += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Scheduler and pod IPAM

/// Per node: pods placed, next host offset in each pod CIDR.
struct NodeSlots {
    count: usize,
    cidrs: Vec<Prefix>,
    next: Vec<u128>,
}

/// Why the scheduler refuses a node for a pod: the first filter of the default profile that
/// does, in its order: TaintToleration (a down node also carries the node lifecycle
/// controller's `node.kubernetes.io/unreachable:NoSchedule` taint), NodeAffinity, NodePorts,
/// NodeResourcesFit ("Too many pods" at `max-pods-per-node`), PodTopologySpread. The spread
/// refusals carry the index of the refusing `topologySpreadConstraints` entry.
enum Refusal<'n> {
    PreFilter,
    Taint(&'n super::Taint),
    Down,
    Affinity,
    Ports,
    TooManyPods,
    SpreadLabel(usize),
    Skew(usize),
}

impl Refusal<'_> {
    fn reason(&self) -> String {
        match self {
            Refusal::PreFilter => NOT_PREFILTERED.into(),
            Refusal::Taint(t) => format!("{UNTOLERATED_TAINT}{}: {}}}", t.key, t.value),
            Refusal::Down => format!("{UNTOLERATED_TAINT}{UNREACHABLE_TAINT}: }}"),
            Refusal::Affinity => NOT_AFFINITY.into(),
            Refusal::Ports => NO_FREE_PORTS.into(),
            Refusal::TooManyPods => TOO_MANY_PODS.into(),
            Refusal::SpreadLabel(_) => NO_SPREAD_LABEL.into(),
            Refusal::Skew(_) => SPREAD_SKEW.into(),
        }
    }

    /// Whether the filter's status is `Unschedulable` (removing pods from the node may help,
    /// so preemption tries the node) rather than `UnschedulableAndUnresolvable`: NodePorts,
    /// NodeResourcesFit and the skew check of PodTopologySpread; taints, node affinity and the
    /// missing topology label are unresolvable.
    fn resolvable(&self) -> bool {
        matches!(self, Refusal::Ports | Refusal::TooManyPods | Refusal::Skew(_))
    }

    fn spread_constraint(&self) -> Option<usize> {
        match self {
            Refusal::SpreadLabel(i) | Refusal::Skew(i) => Some(*i),
            _ => None,
        }
    }
}

/// One `DoNotSchedule` constraint's counts for the pod being scheduled (PodTopologySpread's
/// `preFilterState`): the matching pods per topology domain over the eligible nodes, the global
/// minimum the skew is measured from, and whether the pod matches its own selector.
struct SpreadCheck {
    domains: HashMap<String, usize>,
    min: usize,
    self_match: usize,
}

/// Per namespace and selector, the pods on each node the selector matches: the pods already
/// placed, in object order, that count for PodTopologySpread (`countPodsMatchSelector` skips
/// terminating pods and those of other namespaces; the scheduler's cache holds no finished
/// pods). Kept up to date as pods are placed, so a large workload is not counted anew per pod.
#[derive(Default)]
struct SpreadCounters {
    ids: HashMap<(String, Labels, Vec<typed::Requirement>), usize>,
    list: Vec<(String, typed::LabelSelector, Vec<usize>)>,
}

/// Whether a placed pod counts for the topology spread of pods in `ns` selected by `sel`.
fn spread_counts(p: &Pod, ns: &str, sel: &typed::LabelSelector) -> bool {
    // An empty selector (`labelSelector: {}`) counts no pod (`countPodsMatchSelector` returns
    // 0 for `selector.Empty()`), though the pod still matches itself: such a constraint never
    // refuses a node.
    !(sel.match_labels.is_empty() && sel.match_expressions.is_empty())
        && p.namespace == ns
        && !p.terminating
        && p.phase != "Succeeded"
        && p.phase != "Failed"
        && sel.matches(&p.labels)
}

impl SpreadCounters {
    /// The counter of `sel` in `ns`, made from the pods placed so far when new.
    fn id(&mut self, ns: &str, sel: typed::LabelSelector, placed: &[Pod], node_pos: &HashMap<String, usize>, nodes: usize) -> usize {
        let key = (ns.to_string(), sel.match_labels.clone(), sel.match_expressions.clone());
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let mut per_node = vec![0; nodes];
        for p in placed {
            if let Some(&i) = p.node.as_ref().and_then(|n| node_pos.get(n)) {
                per_node[i] += usize::from(spread_counts(p, ns, &sel));
            }
        }
        self.list.push((ns.to_string(), sel, per_node));
        self.ids.insert(key, self.list.len() - 1);
        self.list.len() - 1
    }

    /// Counts a pod just placed on node `i`.
    fn add(&mut self, p: &Pod, i: usize) {
        for (ns, sel, per_node) in &mut self.list {
            per_node[i] += usize::from(spread_counts(p, ns, sel));
        }
    }
}

/// Whether a node keeps a pod off under `nodeTaintsPolicy: Honor`
/// (`helper.DoNotScheduleTaintsFilterFunc`): an untolerated `NoSchedule`/`NoExecute` taint,
/// or, on a down node, the unreachable one.
fn taints_exclude(spec: &PodSpec, n: &Node) -> bool {
    let unreachable = super::Taint { key: UNREACHABLE_TAINT.into(), value: String::new(), effect: "NoSchedule".into() };
    spec.untolerated(&n.taints).is_some() || (!n.ready && spec.untolerated(std::slice::from_ref(&unreachable)).is_some())
}

/// PodTopologySpread's PreFilter (`calPreFilterState`, podtopologyspread/filtering.go): for
/// each constraint, the nodes that have every constraint's topology key and pass its node
/// inclusion policies are its domains' members; `count(constraint, node)` gives the matching
/// pods on a node. The global minimum is 0 while there are fewer domains than `minDomains`.
fn spread_checks(spec: &PodSpec, own: &Labels, nodes: &[Node], count: impl Fn(usize, usize) -> usize) -> Vec<SpreadCheck> {
    let spread = &spec.placement.spread;
    let mut domains: Vec<HashMap<String, usize>> = vec![HashMap::new(); spread.len()];
    for (ni, n) in nodes.iter().enumerate() {
        if !spec.placement.spreads_onto(&n.labels) {
            continue;
        }
        for (k, c) in spread.iter().enumerate() {
            if (c.honor_node_affinity && !spec.placement.required_affinity_matches(&n.name, &n.labels))
                || (c.honor_node_taints && taints_exclude(spec, n))
            {
                continue;
            }
            let value = n.labels.get(&c.topology_key).cloned().unwrap_or_default();
            *domains[k].entry(value).or_default() += count(k, ni);
        }
    }
    spread
        .iter()
        .zip(domains)
        .map(|(c, domains)| {
            let few = (domains.len() as i64) < c.min_domains;
            let min = if few { 0 } else { domains.values().copied().min().unwrap_or(0) };
            let self_match = usize::from(c.selector_for(own).is_some_and(|s| s.matches(own)));
            SpreadCheck { domains, min, self_match }
        })
        .collect()
}

/// The filters for one node (`None`: the pod fits). `used` is the node's host ports in use,
/// `count` its pods, `spread` the pod's [`spread_checks`] (empty without constraints).
fn refusal<'n>(
    spec: &PodSpec,
    host_ports: &[(String, String, i64)],
    n: &'n Node,
    used: &[(String, String, i64)],
    count: usize,
    max_pods: usize,
    spread: &[SpreadCheck],
) -> Option<Refusal<'n>> {
    if spec.placement.prefilter_excludes(&n.name) {
        Some(Refusal::PreFilter)
    } else if let Some(t) = spec.untolerated(&n.taints) {
        Some(Refusal::Taint(t))
    } else if !n.ready {
        Some(Refusal::Down)
    } else if !spec.placement.allows(&n.name, &n.labels) {
        Some(Refusal::Affinity)
    } else if host_ports.iter().any(|p| used.iter().any(|u| host_port_conflict(u, p))) {
        Some(Refusal::Ports)
    } else if count >= max_pods {
        Some(Refusal::TooManyPods)
    } else {
        spread_refusal(spec, n, spread)
    }
}

/// PodTopologySpread's Filter: per constraint in order, the node needs the topology key
/// (`ErrReasonNodeLabelNotMatch`, unresolvable) and `matchNum + selfMatchNum - minMatchNum`
/// may not exceed `maxSkew` (`ErrReasonConstraintsNotMatch`).
fn spread_refusal<'n>(spec: &PodSpec, n: &Node, spread: &[SpreadCheck]) -> Option<Refusal<'n>> {
    for (c, check) in spec.placement.spread.iter().zip(spread) {
        let Some(value) = n.labels.get(&c.topology_key) else {
            return Some(Refusal::SpreadLabel(c.index));
        };
        let matching = check.domains.get(value).copied().unwrap_or(0);
        if matching as i64 + check.self_match as i64 - check.min as i64 > c.max_skew {
            return Some(Refusal::Skew(c.index));
        }
    }
    None
}

/// What the scheduler knows while it places pods: per node its pods (indices into the pods)
/// and host ports in use; per pod its priority.
struct SchedState<'a> {
    nodes: &'a [Node],
    max_pods: usize,
    sidecar_ports: bool,
    /// DynamicResources' PostFilter runs (1.34 and later).
    dra: bool,
    used_ports: Vec<Vec<(String, String, i64)>>,
    on_node: Vec<Vec<usize>>,
    priority: Vec<i64>,
    counters: SpreadCounters,
}

/// A pod to place: its spec and labels, priority and preemption policy, host ports, and the
/// ids of its constraints' counters.
struct Incoming<'p> {
    spec: &'p PodSpec,
    labels: &'p Labels,
    priority: i64,
    never_preempts: bool,
    host_ports: Vec<(String, String, i64)>,
    counter_ids: Vec<usize>,
}

impl SchedState<'_> {
    fn checks(&self, p: &Incoming<'_>, minus: impl Fn(usize, usize) -> usize) -> Vec<SpreadCheck> {
        spread_checks(p.spec, p.labels, self.nodes, |k, ni| self.counters.list[p.counter_ids[k]].2[ni] - minus(k, ni))
    }

    /// The scheduler's message for a pod no node takes: `FitError.Error()`
    /// (pkg/scheduler/framework/types.go): "0/N nodes are available: ", the reasons' histogram
    /// ("<count> <reason>", sorted as strings, joined by ", ") and ".", then the PostFilter
    /// message of DefaultPreemption after a space ([`Self::preemption`]); a pod that preemption
    /// would make room for gets none. The second value is the first refusing spread constraint.
    fn fit_error(&self, p: &Incoming<'_>, slots: &[NodeSlots], pods: &[Pod]) -> (String, Option<usize>) {
        if self.nodes.is_empty() {
            // `ErrNoNodesAvailable` (schedule_one.go): no FitError, no preemption.
            return ("no nodes available to schedule pods".into(), None);
        }
        let checks = self.checks(p, |_, _| 0);
        let refusals: Vec<Option<Refusal<'_>>> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| refusal(p.spec, &p.host_ports, n, &self.used_ports[i], slots[i].count, self.max_pods, &checks))
            .collect();
        let constraint = refusals.iter().flatten().filter_map(Refusal::spread_constraint).min();
        let reasons: Vec<String> = refusals.iter().flatten().map(Refusal::reason).collect();
        // A PreFilter that fails gives its message instead of the filters' histogram.
        let summary =
            if p.spec.placement.prefilter_nodes().is_some_and(|n| n.is_empty()) { AFFINITY_CONFLICT.into() } else { histogram(reasons) };
        let mut msg = format!("0/{} nodes are available: {summary}.", self.nodes.len());
        if let Some(post) = self.preemption(p, &refusals, slots, pods) {
            msg.push(' ');
            if self.dra {
                msg.push_str(NO_CLAIMS);
                msg.push_str(", ");
            }
            msg.push_str("preemption: ");
            msg.push_str(&post);
        }
        (msg, constraint)
    }

    /// DefaultPreemption's PostFilter message (defaultpreemption/default_preemption.go,
    /// preemption/preemption.go), `None` when preemption finds a node. A pod with
    /// `preemptionPolicy: Never` is not eligible. Otherwise only the nodes refused with
    /// `Unschedulable` are tried: a node without pods of lower priority gives "No preemption
    /// victims found for incoming pod"; on one with some, the filters run again without them
    /// all, and the node is a candidate if the pod then fits (the scheduler would evict them:
    /// not simulated), else the refusing filter's reason counts. The other nodes count as
    /// "Preemption is not helpful for scheduling".
    fn preemption(&self, p: &Incoming<'_>, refusals: &[Option<Refusal<'_>>], slots: &[NodeSlots], pods: &[Pod]) -> Option<String> {
        if p.never_preempts {
            return Some("not eligible due to preemptionPolicy=Never.".into());
        }
        let mut reasons = Vec::new();
        for (i, r) in refusals.iter().enumerate() {
            if !r.as_ref().is_some_and(Refusal::resolvable) {
                reasons.push(PREEMPTION_NOT_HELPFUL.to_string());
                continue;
            }
            let victims: Vec<usize> = self.on_node[i].iter().copied().filter(|&v| self.priority[v] < p.priority).collect();
            if victims.is_empty() {
                reasons.push(NO_VICTIMS.to_string());
                continue;
            }
            let used: Vec<(String, String, i64)> = self.on_node[i]
                .iter()
                .filter(|&&v| self.priority[v] >= p.priority)
                .flat_map(|&v| pods[v].spec.host_ports(self.sidecar_ports))
                .collect();
            let checks = self.checks(p, |k, ni| {
                let (ns, sel, _) = &self.counters.list[p.counter_ids[k]];
                if ni == i {
                    victims.iter().filter(|&&v| spread_counts(&pods[v], ns, sel)).count()
                } else {
                    0
                }
            });
            let n = &self.nodes[i];
            match refusal(p.spec, &p.host_ports, n, &used, slots[i].count - victims.len(), self.max_pods, &checks) {
                None => return None,
                Some(r) => reasons.push(r.reason()),
            }
        }
        Some(format!("0/{} nodes are available: {}.", self.nodes.len(), histogram(reasons)))
    }
}

/// A selector that matches no pod (`labels.Nothing()`): a constraint without `labelSelector`.
fn nothing_selector() -> typed::LabelSelector {
    let r = typed::Requirement { key: String::new(), operator: "In".into(), values: Vec::new() };
    typed::LabelSelector { match_expressions: vec![r], ..typed::LabelSelector::default() }
}

/// The reasons' histogram of `FitError.Error()`: "<count> <reason>" per reason, sorted as
/// strings, joined by ", ".
fn histogram(reasons: Vec<String>) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in reasons {
        *counts.entry(r).or_default() += 1;
    }
    let mut v: Vec<String> = counts.iter().map(|(r, c)| format!("{c} {r}")).collect();
    crate::sort::sort(&mut v);
    v.join(", ")
}

/// Whether a DaemonSet's pod tolerates a node's taints: its own tolerations plus those the
/// DaemonSet controller adds to every pod it makes (`AddOrUpdateDaemonPodTolerations`): the
/// node-condition taints, and `network-unavailable` on the host's network.
/// The node-condition tolerations the DaemonSet controller adds to every pod it makes
/// (`AddOrUpdateDaemonPodTolerations`).
const DAEMON_TOLERATIONS: &[(&str, &str)] = &[
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];

fn daemon_pod_tolerates(spec: &PodSpec, taints: &[super::Taint]) -> bool {
    let added = |t: &super::Taint| {
        DAEMON_TOLERATIONS.iter().any(|(k, e)| t.key == *k && t.effect == *e)
            || (spec.host_network && t.key == "node.kubernetes.io/network-unavailable" && t.effect == "NoSchedule")
    };
    let rest: Vec<super::Taint> = taints.iter().filter(|t| !added(t)).cloned().collect();
    spec.untolerated(&rest).is_none()
}

/// A DaemonSet pod the scheduler places: pinned to its node by required node affinity, whose
/// terms the controller replaces by one (`ReplaceDaemonSetPodNodeNameNodeAffinity`:
/// `matchFields` `metadata.name In [<node>]`; the controller checked the template's own terms
/// against the node), with the tolerations the controller adds ([`DAEMON_TOLERATIONS`]).
fn daemon_pod_spec(spec: &PodSpec, node: &str) -> PodSpec {
    let mut s = spec.clone();
    let pin = typed::Requirement { key: "metadata.name".into(), operator: "In".into(), values: vec![node.to_string()] };
    s.placement.required_terms = vec![typed::NodeSelectorTerm { match_expressions: Vec::new(), match_fields: vec![pin] }];
    let mut added: Vec<(&str, &str)> = DAEMON_TOLERATIONS.to_vec();
    if s.host_network {
        added.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    for (key, effect) in added {
        s.tolerations.push(typed::Toleration { key: key.into(), operator: "Exists".into(), value: String::new(), effect: effect.into() });
    }
    s
}

/// The kubelet's admission of a pod bound to its node (`predicateAdmitHandler.Admit`,
/// pkg/kubelet/lifecycle/predicate.go): `AdmissionCheck`'s node affinity and host ports, then
/// an untolerated `NoExecute` taint; the first failure is the pod's `status.reason` (the
/// predicate's name) and, after `rejectPod`'s "Pod was rejected: ", its message
/// (`PredicateFailureError.Error()`). A down node's kubelet admits nothing (it is not running).
fn kubelet_rejection(
    spec: &PodSpec,
    host_ports: &[(String, String, i64)],
    n: &Node,
    used: &[(String, String, i64)],
) -> Option<(&'static str, String)> {
    if !n.ready {
        return None;
    }
    let (name, desc) = if !spec.placement.required_affinity_matches(&n.name, &n.labels) {
        ("NodeAffinity", NOT_AFFINITY)
    } else if host_ports.iter().any(|p| used.iter().any(|u| host_port_conflict(u, p))) {
        ("NodePorts", NO_FREE_PORTS)
    } else if n.taints.iter().any(|t| t.effect == "NoExecute" && !spec.tolerations.iter().any(|tol| tol.tolerates(t))) {
        ("TaintToleration", "node(s) had taints that the pod didn't tolerate")
    } else {
        return None;
    };
    Some((name, format!("Pod was rejected: Predicate {name} failed: {desc}")))
}

/// `HostPortInfo.CheckConflict`: the same protocol and port, and the same host IP or either
/// one `0.0.0.0` (all addresses).
fn host_port_conflict(a: &(String, String, i64), b: &(String, String, i64)) -> bool {
    a.1 == b.1 && a.2 == b.2 && (a.0 == b.0 || a.0 == "0.0.0.0" || b.0 == "0.0.0.0")
}

/// `sidecar_ports`: the NodePorts filter counts sidecars' host ports (1.33 and later); `dra`:
/// the DynamicResources plugin's PostFilter runs before DefaultPreemption (1.34 and later).
fn schedule(sim: &mut Sim<'_>, sidecar_ports: bool, dra: bool) {
    let max_pods = sim.desc.max_pods_per_node.max(1);
    let node_pos: HashMap<String, usize> = sim.cluster.nodes.iter().enumerate().map(|(i, n)| (n.name.clone(), i)).collect();
    let mut slots: Vec<NodeSlots> = sim
        .cluster
        .nodes
        .iter()
        .map(|n| {
            let cidrs: Vec<Prefix> = n.pod_cidrs.iter().filter_map(|c| Prefix::parse(c)).collect();
            // host-local IPAM hands out addresses from network + 2 (network + 1 is the gateway).
            let next = vec![2; cidrs.len()];
            NodeSlots { count: 0, cidrs, next }
        })
        .collect();
    // Least-loaded ready node first, ties by node order; entries are refreshed lazily.
    let mut heap: BinaryHeap<Reverse<(usize, usize)>> =
        sim.cluster.nodes.iter().enumerate().filter(|(_, n)| n.ready).map(|(i, _)| Reverse((0, i))).collect();
    let nodes = &sim.cluster.nodes;
    let overrides = &sim.desc.overrides.pods;
    let any_taints = nodes.iter().any(|n| !n.taints.is_empty());
    // Each pod's priority and preemption policy, from its PriorityClass as the Priority
    // admission plugin sets them (a pod whose class does not exist is never created). The
    // built-in CoreDNS pods are `system-cluster-critical`, as kubeadm's manifest makes them.
    let lookups = &sim.lookups;
    let priorities: Vec<(i64, bool)> = sim
        .cluster
        .pods
        .iter()
        .map(|p| {
            if p.origin.is_builtin() {
                return (2_000_000_000, false);
            }
            lookups.priority(&p.spec.priority_class_name).map_or((0, false), |c| (c.value, c.preemption_policy == "Never"))
        })
        .collect();
    let mut st = SchedState {
        nodes,
        max_pods,
        sidecar_ports,
        dra,
        used_ports: vec![Vec::new(); nodes.len()],
        on_node: vec![Vec::new(); nodes.len()],
        priority: priorities.iter().map(|p| p.0).collect(),
        counters: SpreadCounters::default(),
    };
    // StatefulSets with `podManagementPolicy: OrderedReady` (the default): the controller
    // creates ordinal n+1 only once every pod before it is Running and Ready (`processReplica`
    // returns while `isRunningAndReady` is false, in stateful_set_control.go), so the pods after
    // one that never gets there are never created. `held` holds such StatefulSets, `dropped`
    // the pods that do not exist. What decides is the pod's own state, not the playground's
    // what-if overrides (which act on pods already made).
    let ordered: HashSet<usize> = sim
        .cluster
        .workloads
        .iter()
        .enumerate()
        .filter(|(_, w)| {
            w.kind == "StatefulSet"
                && sim.objects.get(w.origin.object).and_then(|o| o.stored.path(&["spec", "podManagementPolicy"])).and_then(YNode::as_str)
                    != Some("Parallel")
        })
        .map(|(i, _)| i)
        .collect();
    let (mut held, mut dropped) = (HashSet::new(), Vec::new());
    for (pi, &(priority, never_preempts)) in priorities.iter().enumerate() {
        let (placed, rest) = sim.cluster.pods.split_at_mut(pi);
        let pod = &mut rest[0];
        let in_order = pod.workload.filter(|w| ordered.contains(w));
        if in_order.is_some_and(|w| held.contains(&w)) {
            dropped.push(pi);
            continue;
        }
        let placement = &pod.spec.placement;
        let host_ports = pod.spec.host_ports(sidecar_ports);
        // The counters of the pod's spread constraints' selectors (with `matchLabelKeys`).
        let counter_ids: Vec<usize> = placement
            .spread
            .iter()
            .map(|c| {
                let sel = c.selector_for(&pod.labels).unwrap_or_else(nothing_selector);
                st.counters.id(&pod.namespace, sel, placed, &node_pos, nodes.len())
            })
            .collect();
        let incoming = Incoming { spec: &pod.spec, labels: &pod.labels, priority, never_preempts, host_ports, counter_ids };
        let mut unschedulable = None;
        let target = if let Some(n) = pod.node.clone() {
            match node_pos.get(&n) {
                Some(&i) => Some(i),
                None => {
                    // Bound already, so the scheduler skips it; no kubelet runs it, and the pod
                    // garbage collector deletes pods bound to a node that does not exist
                    // (`gcOrphaned` in pkg/controller/podgc).
                    unschedulable = Some((
                        format!(
                            "{MISSING_NODE} `{n}`, which does not exist: no kubelet starts the pod, and the pod garbage collector deletes it"
                        ),
                        None,
                    ));
                    None
                }
            }
        } else if !pod.spec.default_scheduler_takes() {
            // Gated, or another scheduler's: Pending, with no FitError (the gated pod carries
            // the API server's `SchedulingGated` condition).
            None
        } else if placement.is_unconstrained() && incoming.host_ports.is_empty() && !any_taints {
            let mut found = None;
            while let Some(Reverse((c, i))) = heap.pop() {
                if c != slots[i].count {
                    heap.push(Reverse((slots[i].count, i)));
                    continue;
                }
                if c >= max_pods {
                    continue;
                }
                found = Some(i);
                break;
            }
            if found.is_none() {
                unschedulable = Some(st.fit_error(&incoming, &slots, placed));
            }
            found
        } else {
            let checks = st.checks(&incoming, |_, _| 0);
            let mut best: Option<usize> = None;
            for (i, n) in nodes.iter().enumerate() {
                let fits = refusal(incoming.spec, &incoming.host_ports, n, &st.used_ports[i], slots[i].count, max_pods, &checks).is_none();
                if fits && best.is_none_or(|b| slots[i].count < slots[b].count) {
                    best = Some(i);
                }
            }
            if best.is_none() {
                unschedulable = Some(st.fit_error(&incoming, &slots, placed));
            }
            best
        };
        let host_ports = incoming.host_ports;
        // The kubelet admits a pod bound by `nodeName` itself (no scheduler ran its filters).
        let target = match target.filter(|_| pod.phase.is_empty() && pod.node.is_some()) {
            Some(i) => match kubelet_rejection(&pod.spec, &host_ports, &nodes[i], &st.used_ports[i]) {
                Some((reason, message)) => {
                    pod.phase = "Failed".into();
                    pod.ready = false;
                    pod.ips.clear();
                    pod.rejected = Some((reason.into(), message));
                    None
                }
                None => Some(i),
            },
            None => target,
        };
        if let Some((reason, constraint)) = unschedulable {
            pod.unschedulable = Some(reason);
            pod.spread_refusal = constraint;
        }
        if let Some(i) = target {
            let node = &nodes[i];
            st.used_ports[i].extend(host_ports);
            pod.node = Some(node.name.clone());
            slots[i].count += 1;
            if slots[i].count < max_pods && node.ready {
                heap.push(Reverse((slots[i].count, i)));
            }
            // A volume that does not mount keeps the kubelet from creating the pod's sandbox,
            // so it gets no IP (a host-network pod has its node's anyway).
            let no_sandbox = matches!(pod.held, Some(super::config_refs::Held::Volume { .. })) && !pod.host_network;
            if pod.ips.is_empty() && !no_sandbox {
                if pod.host_network {
                    pod.ips.push(node.internal_ip);
                } else {
                    let s = &mut slots[i];
                    for (k, c) in s.cidrs.iter().enumerate() {
                        let last = if c.is_ipv4() { c.size().saturating_sub(2) } else { c.size().saturating_sub(1) };
                        if s.next[k] <= last {
                            if let Some(ip) = c.nth(s.next[k]) {
                                pod.ips.push(ip);
                            }
                            s.next[k] += 1;
                        }
                    }
                }
            }
            if pod.phase.is_empty() {
                // A container the kubelet does not create keeps the pod Pending (`getPhase`).
                pod.phase = if pod.ips.is_empty() || pod.held.is_some() { "Pending".into() } else { "Running".into() };
            }
            // The node lifecycle controller marks pods of an unreachable node not ready.
            if !node.ready {
                pod.ready = false;
            }
        } else {
            pod.ips.clear();
            if pod.phase.is_empty() {
                pod.phase = "Pending".into();
            }
            pod.ready = false;
        }
        if pod.phase != "Running" {
            pod.ready = false;
        }
        if let Some(w) = in_order.filter(|_| !pod.ready) {
            held.insert(w);
        }
        if let Some(o) = overrides.iter().find(|o| o.name == pod.name && o.namespace.as_deref().unwrap_or("default") == pod.namespace) {
            if let Some(r) = o.ready {
                pod.ready = r;
            }
            if let Some(t) = o.terminating {
                pod.terminating = t;
            }
        }
        if let Some(i) = target {
            st.on_node[i].push(pi);
            st.counters.add(pod, i);
        }
    }
    for pi in dropped.into_iter().rev() {
        sim.cluster.pods.remove(pi);
    }
    // Workload status.
    let mut counts: HashMap<(String, String, String), (usize, usize)> = HashMap::new();
    for p in &sim.cluster.pods {
        if let Some(o) = &p.owner {
            let e = counts.entry((p.namespace.clone(), o.kind.clone(), o.name.clone())).or_default();
            e.0 += 1;
            e.1 += usize::from(p.ready);
        }
    }
    for w in &mut sim.cluster.workloads {
        if let Some(&(n, r)) = counts.get(&(w.namespace.clone(), w.kind.clone(), w.name.clone())) {
            w.replicas = n;
            w.ready_replicas = r;
        }
    }
    let children: Vec<(usize, usize, usize)> = sim
        .cluster
        .workloads
        .iter()
        .enumerate()
        .filter(|(i, w)| w.root != *i)
        .map(|(_, w)| (w.root, w.replicas, w.ready_replicas))
        .collect();
    for (root, n, r) in children {
        sim.cluster.workloads[root].replicas += n;
        sim.cluster.workloads[root].ready_replicas += r;
    }
}

#[cfg(test)]
mod host_port_tests {
    #[test]
    fn host_ports_conflict_on_the_same_protocol_and_port_and_an_overlapping_address() {
        let p = |ip: &str, proto: &str, port: i64| (ip.to_string(), proto.to_string(), port);
        assert!(super::host_port_conflict(&p("0.0.0.0", "TCP", 80), &p("10.0.0.1", "TCP", 80)));
        assert!(super::host_port_conflict(&p("10.0.0.1", "TCP", 80), &p("10.0.0.1", "TCP", 80)));
        assert!(!super::host_port_conflict(&p("10.0.0.1", "TCP", 80), &p("10.0.0.2", "TCP", 80)));
        assert!(!super::host_port_conflict(&p("0.0.0.0", "TCP", 80), &p("0.0.0.0", "UDP", 80)));
        assert!(!super::host_port_conflict(&p("0.0.0.0", "TCP", 80), &p("0.0.0.0", "TCP", 81)));
    }
}

#[cfg(test)]
mod controller_tests {
    use crate::source::SourceFile;

    #[test]
    fn a_pods_prefix_drops_the_dash_only_where_a_name_could_not_take_it() {
        assert_eq!(super::pods_prefix("web"), "web-");
        let long = "a".repeat(252);
        assert_eq!(super::pods_prefix(&long), format!("{long}-"));
        let longest = "a".repeat(253);
        assert_eq!(super::pods_prefix(&longest), longest);
    }

    /// `MaxUnavailable`: `ResolveFenceposts` (25% each by default, `maxUnavailable` 1 when both
    /// come to 0), at most `replicas`; 0 for Recreate or 0 replicas.
    #[test]
    fn max_unavailable_resolves_the_fenceposts() {
        let unavailable = |strategy: &str, replicas: i64| {
            let f = crate::yaml::load_file(0, &SourceFile::new("s.yaml", strategy), &crate::yaml::Limits::default());
            let root = f.docs.first().and_then(|d| d.root.clone());
            super::max_unavailable(root.as_ref(), replicas)
        };
        assert_eq!(unavailable("", 3), 0, "25% of 3, rounded down");
        assert_eq!(unavailable("", 4), 1);
        assert_eq!(unavailable("rollingUpdate:\n  maxSurge: 0\n  maxUnavailable: 10%\n", 1), 1, "both 0: 1");
        assert_eq!(unavailable("rollingUpdate:\n  maxUnavailable: 5\n", 3), 3, "at most replicas");
        assert_eq!(unavailable("rollingUpdate:\n  maxUnavailable: 5\n", 0), 0);
        assert_eq!(unavailable("type: Recreate\n", 3), 0);
        assert_eq!(super::max_surge(None, 3), 1, "25% of 3, rounded up");
    }
}
