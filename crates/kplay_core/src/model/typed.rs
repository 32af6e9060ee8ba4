//! Typed views of the objects the simulated cluster works with (Service, Pod and pod templates,
//! workloads, EndpointSlice, Ingress, IngressClass, Namespace), decoded leniently from
//! `Object::stored` (the tree after defaulting). Fields that diagnostics point at keep their span.
//!
//! Decoding here never fails: objects that reach the simulator were accepted by the checks, so
//! a missing or odd field simply reads as absent.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Object;
use crate::source::{FileId, Span};
use crate::yaml::Node;

/// A label map in key order, as Kubernetes compares it.
pub type Labels = BTreeMap<String, String>;

/// `int-or-string` (Service `targetPort`, Ingress backend port by name or number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i64),
    Str(String),
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::Str(s) => f.write_str(s),
        }
    }
}

/// Where an object and its head (`metadata.name`) are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Origin {
    /// Index into the analysis' `objects` (usize::MAX for built-in objects).
    pub object: usize,
    pub file: FileId,
    /// `metadata.name`'s value (or the object's start).
    pub head: Span,
}

impl Origin {
    /// For objects kplay adds itself (system namespaces, the `kubernetes` Service ...).
    pub const BUILTIN: Origin = Origin { object: usize::MAX, file: 0, head: Span::point(0) };

    pub fn is_builtin(&self) -> bool {
        self.object == usize::MAX
    }
}

/// `metadata` fields the cluster cares about.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    /// The `metadata.labels` node (span of the mapping), if present.
    pub labels_span: Option<Span>,
    /// `metadata.labels[key]` value spans.
    #[serde(skip)]
    pub label_spans: BTreeMap<String, Span>,
    pub annotations: Labels,
    /// `metadata.deletionTimestamp` is set.
    pub deleting: bool,
}

/// A label selector (`matchLabels` + `matchExpressions`), or the map form used by Services.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    pub match_labels: Labels,
    pub match_expressions: Vec<Requirement>,
    /// Span of the selector node.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Requirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist` (node affinity adds `Gt`, `Lt`).
    pub operator: String,
    pub values: Vec<String>,
}

impl Requirement {
    /// `labels.Requirement.Matches`.
    pub fn matches(&self, labels: &Labels) -> bool {
        let v = labels.get(&self.key);
        match self.operator.as_str() {
            "In" => v.is_some_and(|v| self.values.iter().any(|x| x == v)),
            "NotIn" => v.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            "Exists" => v.is_some(),
            "DoesNotExist" => v.is_none(),
            "Gt" | "Lt" => {
                let (Some(v), Some(x)) = (v.and_then(|v| v.parse::<i64>().ok()), self.values.first().and_then(|x| x.parse::<i64>().ok()))
                else {
                    return false;
                };
                if self.operator == "Gt" {
                    v > x
                } else {
                    v < x
                }
            }
            _ => false,
        }
    }
}

impl LabelSelector {
    /// `metav1.LabelSelectorAsSelector`: an empty selector matches everything.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v)) && self.match_expressions.iter().all(|r| r.matches(labels))
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// `k=v,k2 in (a,b)` as kubectl prints selectors.
    pub fn display(&self) -> String {
        let mut parts: Vec<String> = self.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for r in &self.match_expressions {
            parts.push(match r.operator.as_str() {
                "In" => format!("{} in ({})", r.key, r.values.join(",")),
                "NotIn" => format!("{} notin ({})", r.key, r.values.join(",")),
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                op => format!("{} {op} {}", r.key, r.values.join(",")),
            });
        }
        parts.join(",")
    }
}

/// Formats a label map as `k=v,k2=v2`.
pub fn labels_display(labels: &Labels) -> String {
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

// ---------------------------------------------------------------------------------------------
// Pods and pod templates

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    pub name: Option<String>,
    pub container_port: i64,
    /// `TCP` when not written (the server default).
    pub protocol: String,
    /// `hostPort` (0 when not written).
    pub host_port: i64,
    /// `hostIP` ("" when not written).
    pub host_ip: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Container {
    pub name: String,
    pub ports: Vec<ContainerPort>,
    /// Init containers with `restartPolicy: Always` (sidecars) serve ports like containers.
    pub sidecar: bool,
    pub span: Span,
}

/// What the scheduler honours: `nodeName`, `nodeSelector`, required node affinity and the
/// `DoNotSchedule` topology spread constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    pub node_name: Option<String>,
    pub node_selector: Labels,
    /// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`: ORed terms of ANDed
    /// requirements on node labels (`matchExpressions`) and fields (`matchFields`).
    pub required_terms: Vec<NodeSelectorTerm>,
    /// The `topologySpreadConstraints` with `whenUnsatisfiable: DoNotSchedule`, which the
    /// PodTopologySpread filter enforces (`ScheduleAnyway` ones only score nodes).
    pub spread: Vec<SpreadConstraint>,
}

/// A `DoNotSchedule` topology spread constraint as the PodTopologySpread plugin reads it
/// (`filterTopologySpreadConstraints`, pkg/scheduler/framework/plugins/podtopologyspread/
/// common.go): `minDomains` nil is 1, `nodeAffinityPolicy` nil is `Honor`, `nodeTaintsPolicy`
/// nil is `Ignore`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpreadConstraint {
    /// The constraint's position in `topologySpreadConstraints`.
    pub index: usize,
    pub max_skew: i64,
    pub topology_key: String,
    /// `labelSelector`; none selects no pod (`metav1.LabelSelectorAsSelector(nil)` is
    /// `labels.Nothing()`).
    pub selector: Option<LabelSelector>,
    /// `matchLabelKeys`: the pod's own values of these labels are ANDed into the selector
    /// (from 1.34 the API server merges them at creation, before that the scheduler did).
    pub match_label_keys: Vec<String>,
    pub min_domains: i64,
    /// `nodeAffinityPolicy: Honor` (the default): only nodes matching the pod's `nodeSelector`
    /// and required node affinity are domains the skew is counted over.
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy: Honor` (not the default): nodes with a taint the pod does not
    /// tolerate are left out of the count.
    pub honor_node_taints: bool,
}

impl SpreadConstraint {
    /// The selector the plugin counts pods with, for a pod labelled `own`: `labelSelector` and,
    /// per `matchLabelKeys` key the pod has, `key in (value)` (`mergeLabelSetWithSelector`;
    /// the API server's merge in 1.34 adds the same requirements).
    pub fn selector_for(&self, own: &Labels) -> Option<LabelSelector> {
        let mut sel = self.selector.clone()?;
        for k in &self.match_label_keys {
            if let Some(v) = own.get(k) {
                sel.match_expressions.push(Requirement { key: k.clone(), operator: "In".into(), values: vec![v.clone()] });
            }
        }
        Some(sel)
    }
}

/// One `nodeSelectorTerms[]` item: `matchExpressions` on the node's labels ANDed with
/// `matchFields` on its fields (only `metadata.name` exists).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorTerm {
    pub match_expressions: Vec<Requirement>,
    pub match_fields: Vec<Requirement>,
}

impl NodeSelectorTerm {
    /// `nodeSelectorTerm.match` (component-helpers nodeaffinity): an empty term matches
    /// nothing; `matchFields` are a field selector over `{metadata.name: <node>}`
    /// (`nodeSelectorRequirementsAsFieldSelector`: `In` is `=`, `NotIn` is `!=`, one value
    /// each, which validation requires; any other form does not parse and the term matches
    /// nothing).
    pub fn matches(&self, node_name: &str, node_labels: &Labels) -> bool {
        if self.match_expressions.is_empty() && self.match_fields.is_empty() {
            return false;
        }
        self.match_expressions.iter().all(|r| r.matches(node_labels))
            && self.match_fields.iter().all(|r| {
                let field = if r.key == "metadata.name" { node_name } else { "" };
                match (r.operator.as_str(), r.values.as_slice()) {
                    ("In", [v]) => field == v,
                    ("NotIn", [v]) => field != v,
                    _ => false,
                }
            })
    }

    /// The node names the term's `matchFields` `metadata.name In` requirements allow (their
    /// intersection), `None` without such a requirement: NodeAffinity's PreFilter.
    pub fn node_names(&self) -> Option<Vec<String>> {
        let mut names: Option<Vec<String>> = None;
        for r in self.match_fields.iter().filter(|r| r.key == "metadata.name" && r.operator == "In") {
            names = Some(match names {
                None => r.values.clone(),
                Some(prev) => prev.into_iter().filter(|n| r.values.contains(n)).collect(),
            });
        }
        names
    }
}

impl Placement {
    pub fn allows(&self, node_name: &str, node_labels: &Labels) -> bool {
        if self.node_name.as_deref().is_some_and(|n| n != node_name) {
            return false;
        }
        self.required_affinity_matches(node_name, node_labels)
    }

    /// `nodeaffinity.GetRequiredNodeAffinity(pod).Match`: the `nodeSelector` and the required
    /// node affinity terms (not `nodeName`).
    pub fn required_affinity_matches(&self, node_name: &str, node_labels: &Labels) -> bool {
        if !self.node_selector.iter().all(|(k, v)| node_labels.get(k) == Some(v)) {
            return false;
        }
        // An empty term list means no constraint; an empty term matches nothing (as in
        // `nodeaffinity.NewLazyErrorNodeSelector`).
        self.required_terms.is_empty() || self.required_terms.iter().any(|t| t.matches(node_name, node_labels))
    }

    /// NodeAffinity's PreFilter (nodeaffinity/node_affinity.go): when every required term
    /// names nodes by `matchFields` `metadata.name In`, the union of the terms' names is the
    /// only nodes the filters run on (the others are `node(s) didn't satisfy plugin(s)
    /// [NodeAffinity]`); `None` when some term does not, so every node is a candidate. An
    /// empty list is the PreFilter's `pod affinity terms conflict`.
    /// Whether [`Self::prefilter_nodes`] leaves out the node `name` (without building the list).
    pub fn prefilter_excludes(&self, name: &str) -> bool {
        !self.required_terms.is_empty()
            && self.required_terms.iter().all(|t| {
                let mut names = t.match_fields.iter().filter(|r| r.key == "metadata.name" && r.operator == "In").peekable();
                names.peek().is_some() && !names.all(|r| r.values.iter().any(|v| v == name))
            })
    }

    pub fn prefilter_nodes(&self) -> Option<Vec<String>> {
        if self.required_terms.is_empty() {
            return None;
        }
        let mut all: Vec<String> = Vec::new();
        for t in &self.required_terms {
            for n in t.node_names()? {
                if !all.contains(&n) {
                    all.push(n);
                }
            }
        }
        Some(all)
    }

    /// `nodeLabelsMatchSpreadConstraints`: the node has every `DoNotSchedule` constraint's
    /// topology key (else the filter refuses it, `ErrReasonNodeLabelNotMatch`).
    pub fn spreads_onto(&self, node_labels: &Labels) -> bool {
        self.spread.iter().all(|c| node_labels.contains_key(&c.topology_key))
    }

    /// True when the pod may go to any node the scheduler has room on.
    pub fn is_unconstrained(&self) -> bool {
        self.node_selector.is_empty() && self.required_terms.is_empty() && self.spread.is_empty()
    }
}

/// A pod's toleration (`spec.tolerations[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Toleration {
    pub key: String,
    pub operator: String,
    pub value: String,
    pub effect: String,
}

impl Toleration {
    /// Reads a `tolerations[]` item.
    pub fn read(t: &Node) -> Self {
        Toleration {
            key: s(t.get("key")).unwrap_or_default(),
            operator: s(t.get("operator")).unwrap_or_default(),
            value: s(t.get("value")).unwrap_or_default(),
            effect: s(t.get("effect")).unwrap_or_default(),
        }
    }

    /// `Toleration.ToleratesTaint`: an empty effect or key matches any; `Exists` any value,
    /// `Equal` (or no operator) the same value.
    pub fn tolerates(&self, taint: &crate::cluster::Taint) -> bool {
        (self.effect.is_empty() || self.effect == taint.effect)
            && (self.key.is_empty() || self.key == taint.key)
            && match self.operator.as_str() {
                "" | "Equal" => self.value == taint.value,
                "Exists" => true,
                _ => false,
            }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// Containers and sidecar init containers, in the order `FindPort` searches them.
    pub containers: Vec<Container>,
    pub placement: Placement,
    pub tolerations: Vec<Toleration>,
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
    pub host_network: bool,
    /// `dnsPolicy` ("" when not written; the server defaults it to ClusterFirst).
    pub dns_policy: String,
    /// `dnsConfig.nameservers`.
    pub dns_nameservers: Vec<String>,
    /// `dnsConfig.searches`.
    pub dns_searches: Vec<String>,
    /// `dnsConfig.options`: name and value.
    pub dns_options: Vec<(String, Option<String>)>,
    pub restart_policy: Option<String>,
    /// `priorityClassName` ("" when not written): the scheduler's preemption compares the
    /// priorities it gives.
    pub priority_class_name: String,
    /// `runtimeClassName` ("" when not written).
    pub runtime_class_name: String,
    /// `schedulerName` (defaulted to `default-scheduler`; "" read as that).
    pub scheduler_name: String,
    /// `schedulingGates` is not empty: no scheduler takes the pod until they are removed.
    pub scheduling_gated: bool,
    /// `readinessGates[].conditionType`: the kubelet reports the pod Ready only once each of
    /// these conditions is True, and nothing in the simulated cluster sets one.
    pub readiness_gates: Vec<String>,
    /// What the pod reads from ConfigMaps, Secrets and PersistentVolumeClaims of its namespace
    /// (env, envFrom, volumes), in the kubelet's order: volumes, then init containers, then
    /// containers.
    #[serde(skip)]
    pub config_refs: Vec<ConfigRef>,
    /// The names of `initContainers` (sidecars too), in order.
    #[serde(skip)]
    pub init_containers: Vec<String>,
    pub span: Span,
}

/// A reference from a pod spec to a ConfigMap, Secret or PersistentVolumeClaim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigRef {
    /// `ConfigMap`, `Secret` or `PersistentVolumeClaim`.
    pub kind: &'static str,
    pub name: String,
    /// Where the name is written (`name:`, `secretName:`, `claimName:`).
    pub name_span: Span,
    /// The key read: `configMapKeyRef.key`, `secretKeyRef.key`, a volume's `items[].key`.
    pub key: Option<(String, Span)>,
    /// `optional: true`: a missing object or key is no error.
    pub optional: bool,
    pub user: RefUser,
}

/// What reads a [`ConfigRef`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefUser {
    /// A container's `env` or `envFrom`; `init` for `initContainers` (sidecars too).
    Env { container: String, init: bool },
    /// A volume (`configMap`, `secret`, a `projected` source, `persistentVolumeClaim`).
    Volume { name: String },
}

/// The references of a pod spec, volumes first (the kubelet mounts them before it starts a
/// container), then init containers and containers, each container's `envFrom` before its
/// `env` (`makeEnvironmentVariables`).
fn config_refs(n: &Node) -> Vec<ConfigRef> {
    let mut v = Vec::new();
    let named = |r: &Node, key: &str| r.get(key).and_then(|x| Some((x.text()?.to_owned(), x.span))).filter(|(x, _)| !x.is_empty());
    let optional = |r: &Node| b(r.get("optional")) == Some(true);
    for vol in seq(n.get("volumes")) {
        let user = || RefUser::Volume { name: s(vol.get("name")).unwrap_or_default() };
        let mut sources: Vec<(&'static str, &Node, &str)> = Vec::new();
        if let Some(r) = vol.get("configMap") {
            sources.push(("ConfigMap", r, "name"));
        }
        if let Some(r) = vol.get("secret") {
            sources.push(("Secret", r, "secretName"));
        }
        for src in seq(vol.path(&["projected", "sources"])) {
            if let Some(r) = src.get("configMap") {
                sources.push(("ConfigMap", r, "name"));
            }
            if let Some(r) = src.get("secret") {
                sources.push(("Secret", r, "name"));
            }
        }
        for (kind, r, name_key) in sources {
            let Some((name, name_span)) = named(r, name_key) else { continue };
            let items = seq(r.get("items"));
            let keys: Vec<Option<(String, Span)>> =
                if items.is_empty() { vec![None] } else { items.iter().map(|it| named(it, "key")).collect() };
            for key in keys {
                v.push(ConfigRef { kind, name: name.clone(), name_span, key, optional: optional(r), user: user() });
            }
        }
        if let Some((name, name_span)) = vol.get("persistentVolumeClaim").and_then(|r| named(r, "claimName")) {
            v.push(ConfigRef { kind: "PersistentVolumeClaim", name, name_span, key: None, optional: false, user: user() });
        }
    }
    for (list, init) in [("initContainers", true), ("containers", false)] {
        for c in seq(n.get(list)) {
            let user = || RefUser::Env { container: s(c.get("name")).unwrap_or_default(), init };
            for e in seq(c.get("envFrom")) {
                for (key, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                    if let Some((name, name_span)) = e.get(key).and_then(|r| named(r, "name")) {
                        let optional = e.get(key).is_some_and(optional);
                        v.push(ConfigRef { kind, name, name_span, key: None, optional, user: user() });
                    }
                }
            }
            for e in seq(c.get("env")) {
                for (key, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                    let Some(r) = e.path(&["valueFrom", key]) else { continue };
                    if let Some((name, name_span)) = named(r, "name") {
                        v.push(ConfigRef { kind, name, name_span, key: named(r, "key"), optional: optional(r), user: user() });
                    }
                }
            }
        }
    }
    v
}

impl PodSpec {
    /// What the RuntimeClass admission plugin adds to a pod for the scheduler (`setScheduling`):
    /// the class's node selector entries the pod has not written, and its tolerations. A pod
    /// whose value conflicts is refused (`runtime-class-refused`), so its own value stays.
    /// Tolerations are only added, which tolerates the same taints as `MergeTolerations`.
    pub fn add_runtime_class_scheduling(&mut self, rc: &crate::admission::RuntimeClass) {
        for (k, v) in &rc.node_selector {
            self.placement.node_selector.entry(k.clone()).or_insert_with(|| v.clone());
        }
        self.tolerations.extend(rc.tolerations.iter().map(Toleration::read));
    }

    /// Whether the default scheduler takes the pod (unbound): its `schedulerName` is
    /// `default-scheduler` (`responsibleForPod`, pkg/scheduler/eventhandlers.go) and it has no
    /// scheduling gates (the SchedulingGates PreEnqueue plugin keeps it out of the queue).
    pub fn default_scheduler_takes(&self) -> bool {
        (self.scheduler_name.is_empty() || self.scheduler_name == "default-scheduler") && !self.scheduling_gated
    }

    /// The TaintToleration filter: the first `NoSchedule` or `NoExecute` taint of the node that
    /// no toleration of the pod tolerates (`PreferNoSchedule` only scores).
    pub fn untolerated<'t>(&self, taints: &'t [crate::cluster::Taint]) -> Option<&'t crate::cluster::Taint> {
        taints
            .iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .find(|t| !self.tolerations.iter().any(|tol| tol.tolerates(t)))
    }

    /// The host ports the scheduler's NodePorts filter looks at: `(hostIP, protocol, hostPort)`
    /// of the containers' ports with a host port, `hostIP` "" read as `0.0.0.0`; sidecars'
    /// (init containers with `restartPolicy: Always`) when `sidecars` (kubernetes/kubernetes
    /// #132040, `util.GetHostPorts`: 1.34, and a 1.33 patch release). On the host's network a
    /// port without `hostPort` has it defaulted to `containerPort` (`SetDefaults_Pod`, which
    /// also runs on the pods a controller creates).
    pub fn host_ports(&self, sidecars: bool) -> Vec<(String, String, i64)> {
        self.containers
            .iter()
            .filter(|c| sidecars || !c.sidecar)
            .flat_map(|c| &c.ports)
            .filter_map(|p| {
                let port = if p.host_port == 0 && self.host_network { p.container_port } else { p.host_port };
                let ip = if p.host_ip.is_empty() { "0.0.0.0" } else { p.host_ip.as_str() };
                (port > 0).then(|| (ip.to_string(), p.protocol.clone(), port))
            })
            .collect()
    }

    /// `podutil.FindPort`: the first container port named `name` with `protocol`.
    pub fn find_port(&self, name: &str, protocol: &str) -> Option<&ContainerPort> {
        self.containers.iter().flat_map(|c| &c.ports).find(|p| p.name.as_deref() == Some(name) && p.protocol == protocol)
    }

    /// Any declared port with this number and protocol.
    pub fn declares_number(&self, number: i64, protocol: &str) -> bool {
        self.containers.iter().flat_map(|c| &c.ports).any(|p| p.container_port == number && p.protocol == protocol)
    }

    pub fn all_ports(&self) -> impl Iterator<Item = &ContainerPort> {
        self.containers.iter().flat_map(|c| &c.ports)
    }
}

/// A pod template of a workload (or the pod part of a Pod).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplate {
    pub labels: Labels,
    pub labels_span: Option<Span>,
    #[serde(skip)]
    pub label_spans: BTreeMap<String, Span>,
    pub annotations: Labels,
    pub spec: PodSpec,
    /// Span of `template` (or of the Pod's `metadata`).
    pub span: Span,
    /// The canonical text of the template, hashed for `pod-template-hash`.
    #[serde(skip)]
    pub canonical: String,
}

/// Status a user wrote into a Pod manifest (honoured by the simulator).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodStatusHint {
    pub phase: Option<String>,
    /// `conditions[type=Ready].status == "True"` when the condition is present.
    pub ready: Option<bool>,
    pub pod_ips: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodView {
    pub origin: Origin,
    pub meta: Meta,
    pub template: PodTemplate,
    pub status: PodStatusHint,
}

// ---------------------------------------------------------------------------------------------
// Workloads

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadView {
    pub origin: Origin,
    /// `Deployment`, `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, `CronJob`.
    pub kind: String,
    pub meta: Meta,
    /// `spec.replicas` (Deployment, ReplicaSet, StatefulSet) or `spec.parallelism` (Job).
    pub replicas: Option<i64>,
    pub replicas_span: Option<Span>,
    /// Job `spec.completions`.
    pub completions: Option<i64>,
    pub selector: Option<LabelSelector>,
    pub template: PodTemplate,
    /// StatefulSet `spec.serviceName`.
    pub service_name: Option<String>,
    pub service_name_span: Option<Span>,
    /// The key span of `spec` (where to point when `spec.serviceName` is missing).
    pub spec_span: Span,
    /// A Deployment's `spec.paused: true`: the span of its value.
    pub paused: Option<Span>,
}

// ---------------------------------------------------------------------------------------------
// Services

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePortView {
    pub index: usize,
    /// `""` when unnamed.
    pub name: String,
    pub protocol: String,
    pub port: i64,
    /// Defaulted to `port` by the server when absent.
    pub target_port: IntOrString,
    pub target_port_span: Span,
    pub node_port: Option<i64>,
    pub node_port_span: Option<Span>,
    pub app_protocol: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    pub origin: Origin,
    pub meta: Meta,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`.
    pub type_: String,
    /// `spec.selector`; `None` when absent or empty (an empty map is not stored as a selector).
    pub selector: Option<Labels>,
    pub selector_span: Option<Span>,
    #[serde(skip)]
    pub selector_value_spans: BTreeMap<String, Span>,
    /// `spec.clusterIPs` (or `spec.clusterIP`) as written / defaulted, `None` included.
    pub cluster_ips: Vec<String>,
    pub cluster_ips_span: Option<Span>,
    pub ip_families: Vec<String>,
    pub ip_family_policy: Option<String>,
    pub ports: Vec<ServicePortView>,
    pub ports_span: Option<Span>,
    pub publish_not_ready_addresses: bool,
    pub external_name: Option<String>,
    pub external_ips: Vec<String>,
    pub external_traffic_policy: Option<String>,
    pub internal_traffic_policy: Option<String>,
    pub health_check_node_port: Option<i64>,
    pub health_check_node_port_span: Option<Span>,
    pub allocate_load_balancer_node_ports: Option<bool>,
    pub load_balancer_ip: Option<String>,
    pub load_balancer_source_ranges: Vec<String>,
    pub load_balancer_class: Option<String>,
    pub session_affinity: Option<String>,
    pub session_affinity_timeout: Option<i64>,
    pub traffic_distribution: Option<String>,
    /// `status.loadBalancer.ingress[*].ip` as written.
    pub status_lb_ips: Vec<String>,
    pub status_lb_hostnames: Vec<String>,
    pub spec_span: Span,
}

impl ServiceView {
    pub fn is_headless(&self) -> bool {
        self.cluster_ips.first().is_some_and(|c| c == "None")
    }
}

// ---------------------------------------------------------------------------------------------
// EndpointSlices (user-supplied)

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSliceView {
    pub origin: Origin,
    pub meta: Meta,
    pub address_type: String,
    pub endpoints: Vec<EndpointView>,
    pub ports: Vec<EndpointPortView>,
    /// The `Endpoints` object the mirroring controller copied this slice from (its owner).
    pub mirrored_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointView {
    pub addresses: Vec<String>,
    pub ready: Option<bool>,
    pub serving: Option<bool>,
    pub terminating: Option<bool>,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    pub zone: Option<String>,
    pub target_ref_name: Option<String>,
    pub for_zones: Vec<String>,
    pub for_nodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPortView {
    pub name: Option<String>,
    pub port: Option<i64>,
    pub protocol: Option<String>,
    pub app_protocol: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Ingress

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressBackendView {
    pub service_name: Option<String>,
    pub service_name_span: Span,
    /// `service.port.number` or `service.port.name`.
    pub port: Option<IntOrString>,
    pub port_span: Span,
    /// `resource` backends (`apiGroup/kind/name`) are not routed by kplay.
    pub resource: Option<String>,
    /// Server path of the backend (`spec.rules[0].http.paths[1].backend`).
    pub path: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressPathView {
    pub path: Option<String>,
    pub path_type: String,
    pub backend: IngressBackendView,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngressRuleView {
    pub host: Option<String>,
    pub paths: Vec<IngressPathView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressTlsView {
    pub hosts: Vec<String>,
    pub secret_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressView {
    pub origin: Origin,
    pub meta: Meta,
    /// `spec.ingressClassName`, else the legacy `kubernetes.io/ingress.class` annotation.
    pub class_name: Option<String>,
    pub class_span: Option<Span>,
    /// The class came from the deprecated annotation.
    pub class_from_annotation: bool,
    pub default_backend: Option<IngressBackendView>,
    pub rules: Vec<IngressRuleView>,
    pub tls: Vec<IngressTlsView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngressClassView {
    pub origin: Origin,
    pub meta: Meta,
    pub controller: Option<String>,
    /// Annotation `ingressclass.kubernetes.io/is-default-class: "true"`.
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamespaceView {
    pub origin: Origin,
    pub meta: Meta,
}

// ---------------------------------------------------------------------------------------------
// Endpoints (v1, user-written; mirrored into EndpointSlices)

/// A v1 `Endpoints` object as written: kplay does not validate the kind, the EndpointSlice
/// mirroring controller copies it (`cluster::mirror`).
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointsView {
    pub origin: Origin,
    pub meta: Meta,
    pub subsets: Vec<EndpointSubsetView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointSubsetView {
    pub addresses: Vec<EndpointAddressView>,
    pub not_ready_addresses: Vec<EndpointAddressView>,
    pub ports: Vec<EndpointPortView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EndpointAddressView {
    pub ip: String,
    pub hostname: Option<String>,
    pub node_name: Option<String>,
    pub target_ref_name: Option<String>,
}

pub fn endpoints(index: usize, obj: &Object) -> EndpointsView {
    let address = |a: &Node| EndpointAddressView {
        ip: s(a.get("ip")).unwrap_or_default(),
        hostname: s(a.get("hostname")).filter(|h| !h.is_empty()),
        node_name: s(a.get("nodeName")),
        target_ref_name: s(a.path(&["targetRef", "name"])),
    };
    let subsets = seq(obj.raw.get("subsets"))
        .iter()
        .map(|sub| EndpointSubsetView {
            addresses: seq(sub.get("addresses")).iter().map(address).collect(),
            not_ready_addresses: seq(sub.get("notReadyAddresses")).iter().map(address).collect(),
            ports: seq(sub.get("ports"))
                .iter()
                // The mirror copies each port's name ("" when unnamed) and its protocol (TCP by
                // the Endpoints defaults when unset) by pointer: never nil in the slice.
                .map(|p| EndpointPortView {
                    name: Some(s(p.get("name")).unwrap_or_default()),
                    port: i(p.get("port")),
                    protocol: Some(s(p.get("protocol")).filter(|p| !p.is_empty()).unwrap_or_else(|| "TCP".into())),
                    app_protocol: s(p.get("appProtocol")),
                })
                .collect(),
        })
        .collect();
    EndpointsView { origin: origin(index, obj), meta: meta(obj), subsets }
}

// ---------------------------------------------------------------------------------------------
// Decoding

fn s(n: Option<&Node>) -> Option<String> {
    n.and_then(Node::text).filter(|_| !n.is_some_and(Node::is_null)).map(str::to_owned)
}

fn i(n: Option<&Node>) -> Option<i64> {
    n.and_then(Node::as_i64)
}

fn b(n: Option<&Node>) -> Option<bool> {
    n.and_then(Node::as_bool)
}

fn seq(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::as_seq).unwrap_or(&[])
}

fn strings(n: Option<&Node>) -> Vec<String> {
    seq(n).iter().filter_map(Node::text).map(str::to_owned).collect()
}

/// A string map with the value spans.
pub(crate) fn string_map(n: Option<&Node>) -> (Labels, BTreeMap<String, Span>) {
    let mut m = Labels::new();
    let mut spans = BTreeMap::new();
    for e in n.and_then(Node::as_map).unwrap_or(&[]) {
        if let Some(k) = e.key.text() {
            let v = if e.value.is_null() { "" } else { e.value.text().unwrap_or("") };
            m.insert(k.to_owned(), v.to_owned());
            spans.insert(k.to_owned(), e.value.span);
        }
    }
    (m, spans)
}

fn value_span(parent: &Node, key: &str) -> Option<Span> {
    parent.get(key).map(|n| n.span)
}

fn origin(index: usize, obj: &Object) -> Origin {
    Origin { object: index, file: obj.file, head: obj.head_span() }
}

fn meta(obj: &Object) -> Meta {
    let m = obj.stored.get("metadata");
    let (labels, label_spans) = string_map(m.and_then(|m| m.get("labels")));
    let (annotations, _) = string_map(m.and_then(|m| m.get("annotations")));
    Meta {
        name: obj.name.clone().unwrap_or_default(),
        namespace: if obj.is_namespaced() { obj.namespace.clone() } else { String::new() },
        labels,
        labels_span: m.and_then(|m| value_span(m, "labels")),
        label_spans,
        annotations,
        deleting: m.and_then(|m| m.get("deletionTimestamp")).is_some_and(|n| !n.is_null()),
    }
}

/// Reads a `metav1.LabelSelector`.
pub fn label_selector(n: &Node) -> LabelSelector {
    let (match_labels, _) = string_map(n.get("matchLabels"));
    let match_expressions = seq(n.get("matchExpressions")).iter().map(requirement).collect();
    LabelSelector { match_labels, match_expressions, span: n.span }
}

fn requirement(n: &Node) -> Requirement {
    Requirement {
        key: s(n.get("key")).unwrap_or_default(),
        operator: s(n.get("operator")).unwrap_or_default(),
        values: strings(n.get("values")),
    }
}

fn container(n: &Node, sidecar: bool) -> Container {
    let ports = seq(n.get("ports"))
        .iter()
        .map(|p| ContainerPort {
            name: s(p.get("name")).filter(|x| !x.is_empty()),
            container_port: i(p.get("containerPort")).unwrap_or(0),
            // The server defaults the protocol to TCP; read it that way if defaulting left it out.
            protocol: s(p.get("protocol")).unwrap_or_else(|| "TCP".into()),
            host_port: i(p.get("hostPort")).unwrap_or(0),
            host_ip: s(p.get("hostIP")).unwrap_or_default(),
            span: p.span,
        })
        .collect();
    Container { name: s(n.get("name")).unwrap_or_default(), ports, sidecar, span: n.span }
}

/// Reads a PodSpec node.
pub fn pod_spec(n: &Node) -> PodSpec {
    let mut containers: Vec<Container> = seq(n.get("containers")).iter().map(|c| container(c, false)).collect();
    // `FindPort` searches regular containers first, then sidecars.
    containers.extend(
        seq(n.get("initContainers"))
            .iter()
            .filter(|c| c.get("restartPolicy").and_then(Node::text) == Some("Always"))
            .map(|c| container(c, true)),
    );
    let (node_selector, _) = string_map(n.get("nodeSelector"));
    let required_terms = n
        .path(&["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"])
        .map(|t| {
            seq(Some(t))
                .iter()
                .map(|term| NodeSelectorTerm {
                    match_expressions: seq(term.get("matchExpressions")).iter().map(requirement).collect(),
                    match_fields: seq(term.get("matchFields")).iter().map(requirement).collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    // `whenUnsatisfiable` defaults to nothing: it is required, and validation refuses others
    // (as it refuses a `maxSkew` or `minDomains` below 1 and an empty `topologyKey`).
    let spread = seq(n.get("topologySpreadConstraints"))
        .iter()
        .enumerate()
        .filter(|(_, c)| s(c.get("whenUnsatisfiable")).as_deref() == Some("DoNotSchedule"))
        .filter_map(|(index, c)| {
            let topology_key = s(c.get("topologyKey")).filter(|k| !k.is_empty())?;
            Some(SpreadConstraint {
                index,
                max_skew: i(c.get("maxSkew")).unwrap_or(1).max(1),
                topology_key,
                selector: c.get("labelSelector").filter(|l| !l.is_null()).map(label_selector),
                match_label_keys: strings(c.get("matchLabelKeys")),
                min_domains: i(c.get("minDomains")).unwrap_or(1).max(1),
                honor_node_affinity: s(c.get("nodeAffinityPolicy")).as_deref() != Some("Ignore"),
                honor_node_taints: s(c.get("nodeTaintsPolicy")).as_deref() == Some("Honor"),
            })
        })
        .collect();
    let tolerations = seq(n.get("tolerations")).iter().map(Toleration::read).collect();
    PodSpec {
        containers,
        tolerations,
        placement: Placement { node_name: s(n.get("nodeName")).filter(|x| !x.is_empty()), node_selector, required_terms, spread },
        hostname: s(n.get("hostname")).filter(|x| !x.is_empty()),
        subdomain: s(n.get("subdomain")).filter(|x| !x.is_empty()),
        host_network: b(n.get("hostNetwork")).unwrap_or(false),
        dns_policy: s(n.get("dnsPolicy")).unwrap_or_default(),
        dns_nameservers: seq(n.path(&["dnsConfig", "nameservers"])).iter().filter_map(|x| s(Some(x))).collect(),
        dns_searches: seq(n.path(&["dnsConfig", "searches"])).iter().filter_map(|x| s(Some(x))).collect(),
        dns_options: seq(n.path(&["dnsConfig", "options"])).iter().filter_map(|o| Some((s(o.get("name"))?, s(o.get("value"))))).collect(),
        restart_policy: s(n.get("restartPolicy")),
        priority_class_name: s(n.get("priorityClassName")).unwrap_or_default(),
        runtime_class_name: s(n.get("runtimeClassName")).unwrap_or_default(),
        scheduler_name: s(n.get("schedulerName")).unwrap_or_default(),
        scheduling_gated: !seq(n.get("schedulingGates")).is_empty(),
        readiness_gates: seq(n.get("readinessGates")).iter().filter_map(|g| s(g.get("conditionType"))).collect(),
        config_refs: config_refs(n),
        init_containers: seq(n.get("initContainers")).iter().map(|c| s(c.get("name")).unwrap_or_default()).collect(),
        span: n.span,
    }
}

/// Reads a pod template node (`metadata` + `spec`).
pub fn pod_template(n: &Node) -> PodTemplate {
    let m = n.get("metadata");
    let (labels, label_spans) = string_map(m.and_then(|m| m.get("labels")));
    let (annotations, _) = string_map(m.and_then(|m| m.get("annotations")));
    PodTemplate {
        labels,
        labels_span: m.and_then(|m| value_span(m, "labels")),
        label_spans,
        annotations,
        spec: n.get("spec").map(pod_spec).unwrap_or_default(),
        span: n.span,
        canonical: crate::yaml::emit::to_yaml(n),
    }
}

pub fn pod(index: usize, obj: &Object) -> PodView {
    let root = &obj.stored;
    let meta = meta(obj);
    let m = root.get("metadata");
    let template = PodTemplate {
        labels: meta.labels.clone(),
        labels_span: meta.labels_span,
        label_spans: meta.label_spans.clone(),
        annotations: meta.annotations.clone(),
        spec: root.get("spec").map(pod_spec).unwrap_or_default(),
        span: m.map_or(root.span, |m| m.span),
        canonical: String::new(),
    };
    let st = root.get("status");
    let ready = st
        .and_then(|st| st.get("conditions"))
        .and_then(|c| seq(Some(c)).iter().find(|c| c.get("type").and_then(Node::text) == Some("Ready")))
        .map(|c| c.get("status").and_then(Node::text) == Some("True"));
    let mut pod_ips: Vec<String> = seq(st.and_then(|st| st.get("podIPs"))).iter().filter_map(|p| s(p.get("ip"))).collect();
    if pod_ips.is_empty() {
        pod_ips.extend(s(st.and_then(|st| st.get("podIP"))));
    }
    let status = PodStatusHint { phase: s(st.and_then(|st| st.get("phase"))), ready, pod_ips };
    PodView { origin: origin(index, obj), meta, template, status }
}

pub fn workload(index: usize, obj: &Object) -> WorkloadView {
    let root = &obj.stored;
    let spec_entry = root.entry("spec");
    let spec = spec_entry.map(|e| &e.value);
    // CronJob: the pods come from `spec.jobTemplate.spec`.
    let inner = if obj.kind == "CronJob" { spec.and_then(|s| s.path(&["jobTemplate", "spec"])) } else { spec };
    let replicas_key = if matches!(obj.kind.as_str(), "Job" | "CronJob") { "parallelism" } else { "replicas" };
    WorkloadView {
        origin: origin(index, obj),
        kind: obj.kind.clone(),
        meta: meta(obj),
        replicas: i(inner.and_then(|s| s.get(replicas_key))),
        replicas_span: inner.and_then(|s| value_span(s, replicas_key)),
        completions: i(inner.and_then(|s| s.get("completions"))),
        selector: inner.and_then(|s| s.get("selector")).filter(|n| !n.is_null()).map(|n| {
            if obj.kind == "ReplicationController" {
                // A plain label map (`labels.Set(selector).AsSelector()`).
                LabelSelector { match_labels: string_map(Some(n)).0, match_expressions: Vec::new(), span: n.span }
            } else {
                label_selector(n)
            }
        }),
        template: inner.and_then(|s| s.get("template")).map(pod_template).unwrap_or_default(),
        service_name: s(spec.and_then(|s| s.get("serviceName"))).filter(|x| !x.is_empty()),
        service_name_span: spec.and_then(|s| value_span(s, "serviceName")),
        spec_span: spec_entry.map_or(obj.head_span(), |e| e.key.span),
        paused: spec.and_then(|s| s.get("paused")).filter(|p| obj.kind == "Deployment" && p.as_bool() == Some(true)).map(|p| p.span),
    }
}

pub fn service(index: usize, obj: &Object) -> ServiceView {
    let root = &obj.stored;
    let spec_entry = root.entry("spec");
    let spec = spec_entry.map(|e| &e.value);
    let g = |k: &str| spec.and_then(|s| s.get(k));
    let sel_node = g("selector").filter(|n| !n.is_null());
    let (sel, sel_spans) = string_map(sel_node);
    let mut cluster_ips = strings(g("clusterIPs"));
    let mut cluster_ips_span = g("clusterIPs").map(|n| n.span);
    if cluster_ips.is_empty() {
        if let Some(ip) = s(g("clusterIP")).filter(|x| !x.is_empty()) {
            cluster_ips.push(ip);
            cluster_ips_span = g("clusterIP").map(|n| n.span);
        }
    }
    let ports = seq(g("ports"))
        .iter()
        .enumerate()
        .map(|(index, p)| {
            let port = i(p.get("port")).unwrap_or(0);
            let tp = p.get("targetPort").filter(|n| !n.is_null());
            // The server defaults an absent, 0 or "" targetPort to `port`.
            let target_port = match tp {
                Some(n) => match n.as_i64() {
                    Some(0) => IntOrString::Int(port),
                    Some(v) => IntOrString::Int(v),
                    None => match n.text() {
                        Some("") | None => IntOrString::Int(port),
                        Some(t) => IntOrString::Str(t.to_owned()),
                    },
                },
                None => IntOrString::Int(port),
            };
            ServicePortView {
                index,
                name: s(p.get("name")).unwrap_or_default(),
                protocol: s(p.get("protocol")).unwrap_or_else(|| "TCP".into()),
                port,
                target_port,
                target_port_span: tp.map_or(p.span, |n| n.span),
                node_port: i(p.get("nodePort")).filter(|&n| n != 0),
                node_port_span: value_span(p, "nodePort"),
                app_protocol: s(p.get("appProtocol")),
                span: p.span,
            }
        })
        .collect();
    let lb_ingress = seq(root.path(&["status", "loadBalancer", "ingress"]));
    ServiceView {
        origin: origin(index, obj),
        meta: meta(obj),
        type_: s(g("type")).unwrap_or_else(|| "ClusterIP".into()),
        selector: if sel.is_empty() { None } else { Some(sel) },
        selector_span: sel_node.map(|n| n.span),
        selector_value_spans: sel_spans,
        cluster_ips,
        cluster_ips_span,
        ip_families: strings(g("ipFamilies")),
        ip_family_policy: s(g("ipFamilyPolicy")),
        ports,
        ports_span: g("ports").map(|n| n.span),
        publish_not_ready_addresses: b(g("publishNotReadyAddresses")).unwrap_or(false),
        external_name: s(g("externalName")).filter(|x| !x.is_empty()),
        external_ips: strings(g("externalIPs")),
        external_traffic_policy: s(g("externalTrafficPolicy")),
        internal_traffic_policy: s(g("internalTrafficPolicy")),
        health_check_node_port: i(g("healthCheckNodePort")).filter(|&n| n != 0),
        health_check_node_port_span: g("healthCheckNodePort").map(|n| n.span),
        allocate_load_balancer_node_ports: b(g("allocateLoadBalancerNodePorts")),
        load_balancer_ip: s(g("loadBalancerIP")).filter(|x| !x.is_empty()),
        load_balancer_source_ranges: strings(g("loadBalancerSourceRanges")),
        load_balancer_class: s(g("loadBalancerClass")),
        session_affinity: s(g("sessionAffinity")),
        session_affinity_timeout: i(g("sessionAffinityConfig").and_then(|c| c.path(&["clientIP", "timeoutSeconds"]))),
        traffic_distribution: s(g("trafficDistribution")),
        status_lb_ips: lb_ingress.iter().filter_map(|e| s(e.get("ip"))).collect(),
        status_lb_hostnames: lb_ingress.iter().filter_map(|e| s(e.get("hostname"))).collect(),
        spec_span: spec_entry.map_or(obj.head_span(), |e| e.key.span),
    }
}

pub fn endpoint_slice(index: usize, obj: &Object) -> EndpointSliceView {
    let root = &obj.stored;
    let endpoints = seq(root.get("endpoints"))
        .iter()
        .map(|e| {
            let c = e.get("conditions");
            let hints = e.get("hints");
            EndpointView {
                addresses: strings(e.get("addresses")),
                ready: b(c.and_then(|c| c.get("ready"))),
                serving: b(c.and_then(|c| c.get("serving"))),
                terminating: b(c.and_then(|c| c.get("terminating"))),
                hostname: s(e.get("hostname")),
                node_name: s(e.get("nodeName")),
                zone: s(e.get("zone")),
                target_ref_name: s(e.path(&["targetRef", "name"])),
                for_zones: seq(hints.and_then(|h| h.get("forZones"))).iter().filter_map(|z| s(z.get("name"))).collect(),
                for_nodes: seq(hints.and_then(|h| h.get("forNodes"))).iter().filter_map(|z| s(z.get("name"))).collect(),
            }
        })
        .collect();
    let ports = seq(root.get("ports"))
        .iter()
        .map(|p| EndpointPortView {
            name: s(p.get("name")),
            port: i(p.get("port")),
            protocol: s(p.get("protocol")),
            app_protocol: s(p.get("appProtocol")),
        })
        .collect();
    EndpointSliceView {
        origin: origin(index, obj),
        meta: meta(obj),
        address_type: s(root.get("addressType")).unwrap_or_default(),
        endpoints,
        ports,
        mirrored_from: None,
    }
}

fn ingress_backend(n: &Node, path: String) -> IngressBackendView {
    let svc = n.get("service");
    let name = svc.and_then(|s| s.get("name"));
    let port = svc.and_then(|s| s.get("port"));
    let num = port.and_then(|p| p.get("number"));
    let pname = port.and_then(|p| p.get("name"));
    let (port_value, port_span) = match (num.and_then(Node::as_i64), pname.and_then(Node::text)) {
        (Some(v), _) => (Some(IntOrString::Int(v)), num.map_or(n.span, |x| x.span)),
        (None, Some(t)) => (Some(IntOrString::Str(t.to_owned())), pname.map_or(n.span, |x| x.span)),
        _ => (None, port.map_or(n.span, |x| x.span)),
    };
    let resource = n.get("resource").map(|r| {
        format!(
            "{}/{}/{}",
            r.get("apiGroup").and_then(Node::text).unwrap_or(""),
            r.get("kind").and_then(Node::text).unwrap_or(""),
            r.get("name").and_then(Node::text).unwrap_or("")
        )
    });
    IngressBackendView {
        service_name: s(name),
        service_name_span: name.map_or(n.span, |x| x.span),
        port: port_value,
        port_span,
        resource,
        path,
        span: n.span,
    }
}

pub fn ingress(index: usize, obj: &Object) -> IngressView {
    let root = &obj.stored;
    let spec = root.get("spec");
    let meta = meta(obj);
    let class_node = spec.and_then(|s| s.get("ingressClassName")).filter(|n| !n.is_null());
    let ann = obj.stored.path(&["metadata", "annotations", "kubernetes.io/ingress.class"]);
    let (class_name, class_span, class_from_annotation) = match (class_node, ann) {
        (Some(c), _) => (c.text().map(str::to_owned), Some(c.span), false),
        (None, Some(a)) => (a.text().map(str::to_owned), Some(a.span), true),
        _ => (None, None, false),
    };
    let rules = seq(spec.and_then(|s| s.get("rules")))
        .iter()
        .enumerate()
        .map(|(ri, r)| IngressRuleView {
            host: s(r.get("host")).filter(|h| !h.is_empty()),
            paths: seq(r.path(&["http", "paths"]))
                .iter()
                .enumerate()
                .map(|(pi, p)| IngressPathView {
                    path: s(p.get("path")),
                    path_type: s(p.get("pathType")).unwrap_or_default(),
                    backend: ingress_backend(p.get("backend").unwrap_or(p), format!("spec.rules[{ri}].http.paths[{pi}].backend")),
                })
                .collect(),
        })
        .collect();
    IngressView {
        origin: origin(index, obj),
        meta,
        class_name,
        class_span,
        class_from_annotation,
        default_backend: spec
            .and_then(|s| s.get("defaultBackend"))
            .filter(|n| !n.is_null())
            .map(|n| ingress_backend(n, "spec.defaultBackend".into())),
        rules,
        tls: seq(spec.and_then(|s| s.get("tls")))
            .iter()
            .map(|t| IngressTlsView { hosts: strings(t.get("hosts")), secret_name: s(t.get("secretName")) })
            .collect(),
    }
}

pub fn ingress_class(index: usize, obj: &Object) -> IngressClassView {
    let meta = meta(obj);
    let is_default = meta.annotations.get("ingressclass.kubernetes.io/is-default-class").is_some_and(|v| v == "true");
    IngressClassView { origin: origin(index, obj), controller: s(obj.stored.path(&["spec", "controller"])), is_default, meta }
}

pub fn namespace(index: usize, obj: &Object) -> NamespaceView {
    NamespaceView { origin: origin(index, obj), meta: meta(obj) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lbl(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn requirements_follow_label_semantics() {
        let l = lbl(&[("app", "web"), ("tier", "fe")]);
        let r = |op: &str, vals: &[&str]| Requirement {
            key: "app".into(),
            operator: op.into(),
            values: vals.iter().map(|v| (*v).to_owned()).collect(),
        };
        assert!(r("In", &["web", "x"]).matches(&l));
        assert!(!r("In", &["x"]).matches(&l));
        assert!(r("NotIn", &["x"]).matches(&l));
        assert!(r("NotIn", &["x"]).matches(&Labels::new()), "NotIn matches when the key is absent");
        assert!(r("Exists", &[]).matches(&l));
        assert!(r("DoesNotExist", &[]).matches(&Labels::new()));
        assert!(!r("Bogus", &[]).matches(&l));
    }

    #[test]
    fn empty_selector_matches_everything_and_affinity_terms_or() {
        assert!(LabelSelector::default().matches(&lbl(&[("a", "b")])));
        let mut p = Placement::default();
        assert!(p.allows("n1", &Labels::new()));
        let zone_a = Requirement { key: "zone".into(), operator: "In".into(), values: vec!["a".into()] };
        p.required_terms =
            vec![NodeSelectorTerm { match_expressions: vec![zone_a], ..NodeSelectorTerm::default() }, NodeSelectorTerm::default()];
        assert!(p.allows("n1", &lbl(&[("zone", "a")])));
        assert!(!p.allows("n1", &lbl(&[("zone", "b")])), "the empty term matches nothing");
        assert_eq!(p.prefilter_nodes(), None, "a term without matchFields leaves every node a candidate");
        p.node_name = Some("n2".into());
        assert!(!p.allows("n1", &lbl(&[("zone", "a")])));
    }

    #[test]
    fn tolerations_match_taints_as_tolerates_taint_does() {
        let taint = |k: &str, v: &str, e: &str| crate::cluster::Taint { key: k.into(), value: v.into(), effect: e.into() };
        let tol =
            |k: &str, op: &str, v: &str, e: &str| Toleration { key: k.into(), operator: op.into(), value: v.into(), effect: e.into() };
        let gpu = taint("gpu", "true", "NoSchedule");
        assert!(tol("gpu", "Equal", "true", "NoSchedule").tolerates(&gpu));
        assert!(tol("gpu", "", "true", "").tolerates(&gpu), "no operator is Equal; no effect matches any");
        assert!(!tol("gpu", "Equal", "false", "NoSchedule").tolerates(&gpu));
        assert!(tol("gpu", "Exists", "", "NoSchedule").tolerates(&gpu));
        assert!(tol("", "Exists", "", "").tolerates(&gpu), "an empty key with Exists tolerates everything");
        assert!(!tol("gpu", "Exists", "", "NoExecute").tolerates(&gpu));
        let spec = PodSpec { tolerations: vec![tol("gpu", "Exists", "", "")], ..PodSpec::default() };
        let soft = taint("spot", "", "PreferNoSchedule");
        assert_eq!(spec.untolerated(&[gpu.clone(), soft.clone()]), None, "PreferNoSchedule only scores");
        let hard = taint("spot", "", "NoExecute");
        assert_eq!(spec.untolerated(&[gpu, hard.clone()]), Some(&hard));
    }

    #[test]
    fn host_ports_default_to_container_ports_on_the_host_network() {
        let spec = |y: &str| {
            let f = crate::yaml::load_file(0, &crate::SourceFile::new("t.yaml", y), &crate::yaml::Limits::default());
            pod_spec(f.docs[0].root.as_ref().unwrap())
        };
        let ports = "containers:\n- name: c\n  ports:\n  - containerPort: 80\n  - containerPort: 53\n    protocol: UDP\n    hostPort: 5353\n    hostIP: 10.0.0.1\n";
        assert_eq!(spec(ports).host_ports(true), [("10.0.0.1".to_string(), "UDP".to_string(), 5353)]);
        assert_eq!(
            spec(&format!("hostNetwork: true\n{ports}")).host_ports(true),
            [("0.0.0.0".to_string(), "TCP".to_string(), 80), ("10.0.0.1".to_string(), "UDP".to_string(), 5353)]
        );
        // A sidecar's ports count from 1.33 on.
        let sidecar = "hostNetwork: true\ninitContainers:\n- name: proxy\n  restartPolicy: Always\n  ports:\n  - containerPort: 15001\ncontainers:\n- name: c\n";
        assert_eq!(spec(sidecar).host_ports(true), [("0.0.0.0".to_string(), "TCP".to_string(), 15001)]);
        assert!(spec(sidecar).host_ports(false).is_empty());
    }

    #[test]
    fn do_not_schedule_spread_constraints_need_their_label_on_the_node() {
        let spec = |when: &str| {
            let y = format!("topologySpreadConstraints:\n- maxSkew: 1\n  topologyKey: rack\n  whenUnsatisfiable: {when}\n  labelSelector:\n    matchLabels:\n      app: a\n");
            let f = crate::yaml::load_file(0, &crate::SourceFile::new("t.yaml", y), &crate::yaml::Limits::default());
            pod_spec(f.docs[0].root.as_ref().unwrap()).placement
        };
        let p = spec("DoNotSchedule");
        assert_eq!(p.spread.iter().map(|c| c.topology_key.as_str()).collect::<Vec<_>>(), ["rack"]);
        assert_eq!((p.spread[0].max_skew, p.spread[0].min_domains), (1, 1));
        assert!(p.spread[0].honor_node_affinity && !p.spread[0].honor_node_taints, "the policies' defaults");
        assert!(!p.is_unconstrained());
        assert!(p.spreads_onto(&lbl(&[("rack", "r1")])));
        assert!(!p.spreads_onto(&lbl(&[("zone", "a")])));
        let p = spec("ScheduleAnyway");
        assert!(p.is_unconstrained() && p.spreads_onto(&Labels::new()));
    }

    #[test]
    fn spread_constraints_read_their_policies_and_merge_match_label_keys() {
        let y = "topologySpreadConstraints:\n- maxSkew: 2\n  topologyKey: zone\n  whenUnsatisfiable: ScheduleAnyway\n- maxSkew: 3\n  topologyKey: zone\n  whenUnsatisfiable: DoNotSchedule\n  minDomains: 4\n  nodeAffinityPolicy: Ignore\n  nodeTaintsPolicy: Honor\n  matchLabelKeys: [hash, absent]\n  labelSelector:\n    matchLabels:\n      app: a\n- maxSkew: 1\n  topologyKey: rack\n  whenUnsatisfiable: DoNotSchedule\n";
        let f = crate::yaml::load_file(0, &crate::SourceFile::new("t.yaml", y), &crate::yaml::Limits::default());
        let p = pod_spec(f.docs[0].root.as_ref().unwrap()).placement;
        assert_eq!(p.spread.len(), 2, "ScheduleAnyway is not a filter");
        let c = &p.spread[0];
        assert_eq!((c.index, c.max_skew, c.min_domains), (1, 3, 4));
        assert!(!c.honor_node_affinity && c.honor_node_taints);
        // The pod's own value of each key it has is ANDed in.
        let own = lbl(&[("app", "a"), ("hash", "h1")]);
        let sel = c.selector_for(&own).unwrap();
        assert!(sel.matches(&own));
        assert!(!sel.matches(&lbl(&[("app", "a"), ("hash", "h2")])));
        assert!(!sel.matches(&lbl(&[("app", "a")])));
        // Without `labelSelector` the constraint selects nothing.
        assert_eq!(p.spread[1].selector_for(&own), None);
    }
}
