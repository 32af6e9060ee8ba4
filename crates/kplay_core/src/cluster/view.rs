//! What `kubectl get` shows of the simulated cluster: kubectl-like tables, and the objects in
//! their API shape (a `v1` `List`) as YAML nodes, with a JSON writer, so that every host prints
//! the same thing.

use std::fmt::Write as _;
use std::str::FromStr;

use super::config_refs::Held;
use super::net;
use super::state::{Cluster, EndpointSlice, Namespace, Node as ClusterNode, Pod, Service, StoreMeta, Workload};
use crate::model::typed::{labels_display, string_map, IntOrString, LabelSelector, Labels, Origin};
use crate::model::Object;
use crate::rules::formats::go_json_string;
use crate::source::Span;
use crate::yaml::{Entry, Node, Resolved, ScalarStyle};

/// The kinds `get` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pods,
    Services,
    EndpointSlices,
    Deployments,
    ReplicaSets,
    ReplicationControllers,
    StatefulSets,
    DaemonSets,
    Jobs,
    Nodes,
    Namespaces,
    Ingresses,
    IngressClasses,
}

impl FromStr for Kind {
    type Err = String;

    /// kubectl's names, short names and singulars (`po`, `svc`, `endpointslice`, `deploy` ...).
    fn from_str(s: &str) -> Result<Kind, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "pods" | "pod" | "po" => Kind::Pods,
            "services" | "service" | "svc" => Kind::Services,
            "endpointslices" | "endpointslice" | "endpointslices.discovery.k8s.io" => Kind::EndpointSlices,
            "deployments" | "deployment" | "deploy" => Kind::Deployments,
            "replicasets" | "replicaset" | "rs" => Kind::ReplicaSets,
            "replicationcontrollers" | "replicationcontroller" | "rc" => Kind::ReplicationControllers,
            "statefulsets" | "statefulset" | "sts" => Kind::StatefulSets,
            "daemonsets" | "daemonset" | "ds" => Kind::DaemonSets,
            "jobs" | "job" => Kind::Jobs,
            "nodes" | "node" | "no" => Kind::Nodes,
            "namespaces" | "namespace" | "ns" => Kind::Namespaces,
            "ingresses" | "ingress" | "ing" => Kind::Ingresses,
            "ingressclasses" | "ingressclass" => Kind::IngressClasses,
            other => {
                return Err(format!(
                    "unknown resource type `{other}`: use pods, services, endpointslices, deployments, replicasets, replicationcontrollers, statefulsets, daemonsets, jobs, nodes, namespaces, ingresses or ingressclasses"
                ))
            }
        })
    }
}

impl Kind {
    pub fn is_namespaced(self) -> bool {
        !matches!(self, Kind::Nodes | Kind::Namespaces | Kind::IngressClasses)
    }

    /// kubectl's `get` argument: one kind, several separated by commas (`pods,svc`), or `all`,
    /// the kinds of kubectl's `all` category that kplay simulates, in kubectl's order (core
    /// group first, then apps and batch: pods, replicationcontrollers, services, daemonsets,
    /// deployments, replicasets, statefulsets, jobs). A kind named twice is listed once.
    pub fn parse_list(s: &str) -> Result<Vec<Kind>, String> {
        const ALL: [Kind; 8] = [
            Kind::Pods,
            Kind::ReplicationControllers,
            Kind::Services,
            Kind::DaemonSets,
            Kind::Deployments,
            Kind::ReplicaSets,
            Kind::StatefulSets,
            Kind::Jobs,
        ];
        let mut kinds = Vec::new();
        for part in s.split(',') {
            let more = if part.eq_ignore_ascii_case("all") { ALL.to_vec() } else { vec![part.parse()?] };
            for k in more {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
        }
        Ok(kinds)
    }

    /// How kubectl names an object of this kind when it lists several kinds (`pod/web-0`,
    /// `deployment.apps/web`): the singular resource, with its API group unless it is core.
    pub fn resource_prefix(self) -> &'static str {
        match self {
            Kind::Pods => "pod",
            Kind::Services => "service",
            Kind::EndpointSlices => "endpointslice.discovery.k8s.io",
            Kind::Deployments => "deployment.apps",
            Kind::ReplicaSets => "replicaset.apps",
            Kind::ReplicationControllers => "replicationcontroller",
            Kind::StatefulSets => "statefulset.apps",
            Kind::DaemonSets => "daemonset.apps",
            Kind::Jobs => "job.batch",
            Kind::Nodes => "node",
            Kind::Namespaces => "namespace",
            Kind::Ingresses => "ingress.networking.k8s.io",
            Kind::IngressClasses => "ingressclass.networking.k8s.io",
        }
    }
}

/// Which namespaces to show: one (kubectl's context namespace) or all (`-A`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Namespace(String),
    All,
}

impl Scope {
    fn shows(&self, ns: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Namespace(n) => n == ns,
        }
    }
}

/// What kubectl prints for `get KINDS` as tables: each kind with objects in its own table,
/// separated by a blank line; when the objects found are of more than one kind, every name
/// carries its kind (`pod/web-0`, kubectl's `printWithKind` from `multipleGVKsRequested`).
/// None when nothing was found.
pub fn tables(c: &Cluster, kinds: &[Kind], scope: &Scope, wide: bool) -> Option<String> {
    let found: Vec<(Kind, Table)> = kinds.iter().map(|&k| (k, table(c, k, scope, wide))).filter(|(_, t)| !t.rows.is_empty()).collect();
    let with_kind = found.len() > 1;
    let mut out = String::new();
    for (i, (kind, mut t)) in found.into_iter().enumerate() {
        if with_kind {
            let name_column = usize::from(t.headers.first().is_some_and(|h| h == "NAMESPACE"));
            for r in &mut t.rows {
                if let Some(name) = r.get_mut(name_column) {
                    *name = format!("{}/{name}", kind.resource_prefix());
                }
            }
        }
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&t.render());
    }
    (!out.is_empty()).then_some(out)
}

/// A table as kubectl prints it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Columns padded to their widest cell, separated by three spaces (kubectl's layout).
    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(c.chars().count());
                }
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = String::new();
            for (i, c) in row.iter().enumerate() {
                if i + 1 < row.len() {
                    let _ = write!(line, "{c:<w$}   ", w = widths[i]);
                } else {
                    line.push_str(c);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

fn service_ports(s: &Service) -> String {
    let v: Vec<String> = s
        .ports
        .iter()
        .map(|p| match p.node_port {
            Some(np) => format!("{}:{np}/{}", p.spec.port, p.spec.protocol),
            None => format!("{}/{}", p.spec.port, p.spec.protocol),
        })
        .collect();
    none_if_empty(v.join(","))
}

fn slice_ports(s: &EndpointSlice) -> String {
    let v: Vec<String> = s.ports.iter().filter_map(|p| p.port).map(|p| p.to_string()).collect();
    if v.is_empty() {
        "<unset>".into()
    } else {
        v.join(",")
    }
}

/// kubectl shows the first three addresses and "+ N more...".
fn slice_endpoints(s: &EndpointSlice) -> String {
    let all: Vec<&String> = s.endpoints.iter().flat_map(|e| &e.addresses).collect();
    if all.is_empty() {
        return "<unset>".into();
    }
    let head: Vec<&str> = all.iter().take(3).map(|a| a.as_str()).collect();
    let mut out = head.join(",");
    if all.len() > 3 {
        let _ = write!(out, " + {} more...", all.len() - 3);
    }
    out
}

/// kubectl's READY: the ready containers (a pod held by its readiness gates has them all).
fn pod_ready(p: &Pod) -> String {
    let n = p.spec.containers.iter().filter(|c| !c.sidecar).count().max(1);
    let ready = match held(p) {
        // The containers the kubelet did create run.
        Some(Held::Containers(v)) => n.saturating_sub(v.len()),
        _ if p.ready || p.held_by_readiness_gates() => n,
        _ => 0,
    };
    format!("{ready}/{n}")
}

fn held(p: &Pod) -> Option<&Held> {
    p.held()
}

/// kubectl's `printPod` STATUS: the phase, else `status.reason` (a kubelet's rejection), else
/// `SchedulingGated` for a gated pod; `Terminating` over all.
fn pod_status(p: &Pod) -> String {
    if p.terminating {
        "Terminating".into()
    } else if let Some((reason, _)) = &p.rejected {
        reason.clone()
    } else if p.node.is_none() && p.spec.scheduling_gated {
        "SchedulingGated".into()
    } else if let Some(h) = held(p) {
        // The first init container not done, else the first waiting container's reason; with
        // init containers every container waits `PodInitializing` by default: `Init:0/N`.
        match h {
            Held::Volume { .. } if !p.spec.init_containers.is_empty() => format!("Init:0/{}", p.spec.init_containers.len()),
            Held::Init { .. } => format!("Init:{}", h.reason()),
            _ => h.reason().into(),
        }
    } else {
        p.phase.clone()
    }
}

fn workloads<'a>(c: &'a Cluster, kind: &'a str, scope: &'a Scope) -> impl Iterator<Item = &'a Workload> + 'a {
    c.workloads.iter().filter(move |w| w.kind == kind && scope.shows(&w.namespace))
}

/// The `kubectl get KIND` table (with `wide` columns when asked).
pub fn table(c: &Cluster, kind: Kind, scope: &Scope, wide: bool) -> Table {
    let all = *scope == Scope::All && kind.is_namespaced();
    let mut headers: Vec<&str> = Vec::new();
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    match kind {
        Kind::Pods => {
            headers.extend(["NAME", "READY", "STATUS", "RESTARTS"]);
            if wide {
                headers.extend(["IP", "NODE"]);
            }
            for p in c.pods.iter().filter(|p| scope.shows(&p.namespace)) {
                let mut r = vec![p.name.clone(), pod_ready(p), pod_status(p), "0".into()];
                if wide {
                    r.push(p.ip().map_or("<none>".into(), |i| i.to_string()));
                    r.push(p.node.clone().unwrap_or_else(|| "<none>".into()));
                }
                rows.push((p.namespace.clone(), r));
            }
        }
        Kind::Services => {
            headers.extend(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"]);
            if wide {
                headers.push("SELECTOR");
            }
            for s in c.services.iter().filter(|s| scope.shows(&s.namespace)) {
                let cip = if s.headless { "None".into() } else { none_if_empty(cluster_ip_texts(s).join(",")) };
                let ext = if s.type_ == "ExternalName" {
                    s.spec.external_name.clone().unwrap_or_default()
                } else if s.type_ == "LoadBalancer" && s.load_balancer_ips.is_empty() {
                    "<pending>".into()
                } else {
                    let mut v: Vec<String> = s.load_balancer_ips.iter().map(ToString::to_string).collect();
                    v.extend(s.spec.external_ips.iter().cloned());
                    none_if_empty(v.join(","))
                };
                let mut r = vec![s.name.clone(), s.type_.clone(), cip, ext, service_ports(s)];
                if wide {
                    r.push(none_if_empty(s.selector.as_ref().map(labels_display).unwrap_or_default()));
                }
                rows.push((s.namespace.clone(), r));
            }
        }
        Kind::EndpointSlices => {
            headers.extend(["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS"]);
            for s in c.endpoint_slices.iter().filter(|s| scope.shows(&s.namespace)) {
                rows.push((s.namespace.clone(), vec![s.name.clone(), s.address_type.clone(), slice_ports(s), slice_endpoints(s)]));
            }
        }
        Kind::Deployments => {
            headers.extend(["NAME", "READY", "UP-TO-DATE", "AVAILABLE"]);
            for w in workloads(c, "Deployment", scope) {
                rows.push((
                    w.namespace.clone(),
                    vec![
                        w.name.clone(),
                        format!("{}/{}", w.ready_replicas, w.desired),
                        w.replicas.to_string(),
                        w.ready_replicas.to_string(),
                    ],
                ));
            }
        }
        Kind::ReplicaSets | Kind::ReplicationControllers => {
            headers.extend(["NAME", "DESIRED", "CURRENT", "READY"]);
            let kind = if kind == Kind::ReplicaSets { "ReplicaSet" } else { "ReplicationController" };
            for w in workloads(c, kind, scope) {
                rows.push((
                    w.namespace.clone(),
                    vec![w.name.clone(), w.desired.to_string(), w.replicas.to_string(), w.ready_replicas.to_string()],
                ));
            }
        }
        Kind::StatefulSets => {
            headers.extend(["NAME", "READY"]);
            for w in workloads(c, "StatefulSet", scope) {
                rows.push((w.namespace.clone(), vec![w.name.clone(), format!("{}/{}", w.ready_replicas, w.desired)]));
            }
        }
        Kind::DaemonSets => {
            headers.extend(["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR"]);
            for w in workloads(c, "DaemonSet", scope) {
                let sel = none_if_empty(labels_display(&w.template.spec.placement.node_selector));
                let (n, r) = (w.replicas.to_string(), w.ready_replicas.to_string());
                rows.push((w.namespace.clone(), vec![w.name.clone(), n.clone(), n.clone(), r.clone(), n, r, sel]));
            }
        }
        Kind::Jobs => {
            headers.extend(["NAME", "STATUS", "COMPLETIONS"]);
            for w in workloads(c, "Job", scope) {
                let completions = w.view.as_ref().and_then(|v| v.completions).unwrap_or(1);
                rows.push((w.namespace.clone(), vec![w.name.clone(), "Running".into(), format!("0/{completions}")]));
            }
        }
        Kind::Nodes => {
            headers.extend(["NAME", "STATUS", "ROLES", "INTERNAL-IP", "ZONE", "POD-CIDR"]);
            for n in &c.nodes {
                rows.push((
                    String::new(),
                    vec![
                        n.name.clone(),
                        if n.ready { "Ready" } else { "NotReady" }.into(),
                        "<none>".into(),
                        n.internal_ip.to_string(),
                        n.zone.clone().unwrap_or_else(|| "<none>".into()),
                        n.pod_cidrs.join(","),
                    ],
                ));
            }
        }
        Kind::Namespaces => {
            headers.extend(["NAME", "STATUS"]);
            for n in &c.namespaces {
                rows.push((String::new(), vec![n.name.clone(), "Active".into()]));
            }
        }
        Kind::Ingresses => {
            headers.extend(["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS"]);
            for i in c.ingresses.iter().filter(|i| scope.shows(&i.namespace)) {
                let hosts: Vec<String> = i.spec.rules.iter().map(|r| r.host.clone().unwrap_or_else(|| "*".into())).collect();
                let ports = if i.spec.tls.is_empty() { "80" } else { "80, 443" };
                rows.push((
                    i.namespace.clone(),
                    vec![
                        i.name.clone(),
                        i.spec.class_name.clone().unwrap_or_else(|| "<none>".into()),
                        if hosts.is_empty() { "*".into() } else { hosts.join(",") },
                        i.addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
                        ports.into(),
                    ],
                ));
            }
        }
        Kind::IngressClasses => {
            headers.extend(["NAME", "CONTROLLER"]);
            for i in &c.ingress_classes {
                rows.push((String::new(), vec![i.name.clone(), i.spec.controller.clone().unwrap_or_default()]));
            }
        }
    }
    // The API server lists objects in the order of their storage keys (`<namespace>/<name>`,
    // etcd's range reads and the watch cache's B-tree alike), so kubectl prints them so.
    crate::sort::sort_by_key(&mut rows, |(ns, r)| format!("{ns}/{}", r.first().map_or("", String::as_str)));
    let mut headers: Vec<String> = headers.into_iter().map(str::to_owned).collect();
    if all {
        headers.insert(0, "NAMESPACE".into());
    }
    let rows = rows
        .into_iter()
        .map(|(ns, mut r)| {
            if all {
                r.insert(0, ns);
            }
            r
        })
        .collect();
    Table { headers, rows }
}

// ---------------------------------------------------------------------------------------------
// Objects in their API shape

const AT: Span = Span::point(0);

fn s(v: &str) -> Node {
    Node::scalar(AT, v, ScalarStyle::DoubleQuoted)
}

fn int(v: i64) -> Node {
    Node::scalar(AT, v.to_string(), ScalarStyle::Plain)
}

fn boolean(v: bool) -> Node {
    Node::scalar(AT, if v { "true" } else { "false" }, ScalarStyle::Plain)
}

fn map(entries: Vec<(&str, Node)>) -> Node {
    Node::map(AT, entries.into_iter().map(|(k, v)| Entry { key: Node::scalar(AT, k, ScalarStyle::Plain), value: v }).collect())
}

fn seq(items: Vec<Node>) -> Node {
    Node::seq(AT, items)
}

fn labels(l: &Labels) -> Node {
    Node::map(AT, l.iter().map(|(k, v)| Entry { key: Node::scalar(AT, k.as_str(), ScalarStyle::Plain), value: s(v) }).collect())
}

fn strings<'a>(v: impl IntoIterator<Item = &'a String>) -> Node {
    seq(v.into_iter().map(|x| s(x)).collect())
}

fn selector(sel: &LabelSelector) -> Node {
    let mut e = vec![("matchLabels", labels(&sel.match_labels))];
    if !sel.match_expressions.is_empty() {
        e.push((
            "matchExpressions",
            seq(sel
                .match_expressions
                .iter()
                .map(|r| map(vec![("key", s(&r.key)), ("operator", s(&r.operator)), ("values", strings(&r.values))]))
                .collect()),
        ));
    }
    map(e)
}

/// No labels or annotations.
static NONE: Labels = Labels::new();

/// The `metadata` of an object kplay builds, in one order for every kind: the fields a manifest
/// holds (`name`, `generateName`, `namespace`, `labels`, `annotations`), then what the registry
/// adds (`uid`, `resourceVersion`, `deletionTimestamp`), as [`with_identity`] appends it to a
/// stored manifest, then a controller's `ownerReferences` and `finalizers`. Empty maps and
/// lists are left out (`omitempty`).
struct Meta<'a> {
    name: &'a str,
    generate_name: Option<String>,
    namespace: Option<&'a str>,
    labels: &'a Labels,
    annotations: &'a Labels,
    store: &'a StoreMeta,
    deleting: bool,
    /// The controller's owner reference: apiVersion, kind, name, uid.
    owner: Option<(&'a str, &'a str, &'a str, &'a str)>,
    finalizers: &'a [String],
}

impl<'a> Meta<'a> {
    fn new(name: &'a str, namespace: Option<&'a str>, store: &'a StoreMeta) -> Self {
        Meta {
            name,
            generate_name: None,
            namespace,
            labels: &NONE,
            annotations: &NONE,
            store,
            deleting: false,
            owner: None,
            finalizers: &[],
        }
    }

    fn node(self) -> Node {
        let mut e = vec![("name", s(self.name))];
        if let Some(g) = &self.generate_name {
            e.push(("generateName", s(g)));
        }
        if let Some(ns) = self.namespace {
            e.push(("namespace", s(ns)));
        }
        if !self.labels.is_empty() {
            e.push(("labels", labels(self.labels)));
        }
        if !self.annotations.is_empty() {
            e.push(("annotations", labels(self.annotations)));
        }
        e.push(("uid", s(&self.store.uid)));
        e.push(("resourceVersion", s(&self.store.resource_version.to_string())));
        if self.deleting {
            e.push(("deletionTimestamp", s("1970-01-01T00:00:00Z")));
        }
        if let Some((api, kind, oname, ouid)) = self.owner {
            e.push((
                "ownerReferences",
                seq(vec![map(vec![
                    ("apiVersion", s(api)),
                    ("kind", s(kind)),
                    ("name", s(oname)),
                    ("uid", s(ouid)),
                    ("controller", boolean(true)),
                    ("blockOwnerDeletion", boolean(true)),
                ])]),
            ));
        }
        if !self.finalizers.is_empty() {
            e.push(("finalizers", strings(self.finalizers)));
        }
        map(e)
    }
}

fn object(api: &str, kind: &str, rest: Vec<(&str, Node)>) -> Node {
    let mut e = vec![("apiVersion", s(api)), ("kind", s(kind))];
    e.extend(rest);
    map(e)
}

fn stored<'a>(objects: &'a [Object], o: &Origin) -> Option<&'a Object> {
    if o.is_builtin() {
        None
    } else {
        objects.get(o.object)
    }
}

/// A stored tree with what the registry adds to its metadata, as `kubectl get -o yaml` shows
/// it: `namespace` after `name` (namespaced kinds), then `uid` and `resourceVersion`; its
/// `labels` and `annotations` as Go writes a `map[string]string` (keys sorted, a null value
/// empty, an empty map left out).
fn with_identity(mut n: Node, namespace: Option<&str>, store: &StoreMeta) -> Node {
    if n.get("metadata").and_then(Node::as_map).is_none() {
        n.set("metadata", map(Vec::new()));
    }
    let Some(meta) = n.get_mut("metadata") else { return n };
    if let Some(ns) = namespace.filter(|_| meta.get("namespace").is_none()) {
        set_after(meta, "namespace", s(ns), &["name"]);
    }
    for key in ["labels", "annotations"] {
        if let Some(m) = meta.get(key).map(|m| string_map(Some(m)).0) {
            set_map(meta, key, &m);
        }
    }
    if meta.get("uid").is_none() {
        meta.set("uid", s(&store.uid));
    }
    if meta.get("resourceVersion").is_none() {
        meta.set("resourceVersion", s(&store.resource_version.to_string()));
    }
    n
}

/// Sets `key` of a mapping: in place when it is there, else just after the first of `after`
/// that is (first when none is).
fn set_after(m: &mut Node, key: &str, value: Node, after: &[&str]) {
    let present = m.get(key).is_some();
    m.set(key, value);
    if present {
        return;
    }
    if let Some(entries) = m.as_map_mut() {
        let at = after.iter().find_map(|k| entries.iter().position(|e| e.key.text() == Some(k))).map_or(0, |i| i + 1);
        let e = entries.pop().expect("just set");
        entries.insert(at, e);
    }
}

/// Sets a stored tree's `metadata.labels` or `metadata.annotations` to `m`, in [`Meta`]'s order
/// when the manifest has none; an empty map is left out.
fn set_map(meta: &mut Node, key: &str, m: &Labels) {
    if m.is_empty() {
        meta.remove(key);
    } else {
        set_after(meta, key, labels(m), &["labels", "namespace", "name"]);
    }
}

fn api_of(kind: &str) -> &'static str {
    match kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        _ => "v1",
    }
}

fn pod_object(c: &Cluster, objects: &[Object], p: &Pod) -> Node {
    let owner = p.owner.as_ref().map(|o| (api_of(&o.kind), o.kind.as_str(), o.name.as_str(), o.uid.as_str()));
    let mut spec = p
        .stored_spec
        .as_ref()
        .map(|s| s.for_pod(&p.name))
        .or_else(|| {
            stored(objects, &p.origin)
                .and_then(|o| if o.kind == "Pod" { o.stored.get("spec") } else { o.stored.path(&["spec", "template", "spec"]) })
                .cloned()
        })
        .unwrap_or_else(|| map(Vec::new()));
    if let Some(n) = &p.node {
        spec.set("nodeName", s(n));
    }
    if let Some(h) = &p.hostname {
        spec.set("hostname", s(h));
    }
    if let Some(sd) = &p.subdomain {
        spec.set("subdomain", s(sd));
    }
    let mut status = vec![("phase", s(&p.phase))];
    if let Some((reason, message)) = &p.rejected {
        status.push(("reason", s(reason)));
        status.push(("message", s(message)));
    }
    let conditions = if p.rejected.is_some() { Vec::new() } else { pod_conditions(c, p) };
    if !conditions.is_empty() {
        status.push(("conditions", seq(conditions)));
    }
    if let Some(n) = p.node.as_deref().and_then(|n| c.node(n)) {
        // The kubelet writes both (`hostIPs` since the HostIPs feature, on from 1.29, GA 1.30);
        // kplay's nodes have one address.
        let ip = n.internal_ip.to_string();
        status.push(("hostIP", s(&ip)));
        status.push(("hostIPs", seq(vec![map(vec![("ip", s(&ip))])])));
    }
    if let Some(ip) = p.ip() {
        status.push(("podIP", s(&ip.to_string())));
        status.push(("podIPs", seq(p.ips.iter().map(|i| map(vec![("ip", s(&i.to_string()))])).collect())));
    }
    if let Some(h) = held(p) {
        let (init, containers) = container_statuses(&spec, h);
        if !init.is_empty() {
            status.push(("initContainerStatuses", seq(init)));
        }
        status.push(("containerStatuses", seq(containers)));
    }
    let meta = Meta {
        generate_name: p.generate_name.clone(),
        labels: &p.labels,
        annotations: &p.annotations,
        deleting: p.terminating,
        owner,
        finalizers: &p.finalizers,
        ..Meta::new(&p.name, Some(&p.namespace), &p.store)
    }
    .node();
    status.push(("qosClass", s(qos_class(&spec))));
    object("v1", "Pod", vec![("metadata", meta), ("spec", spec), ("status", map(status))])
}

/// The kubelet's `initContainerStatuses` and `containerStatuses` of a pod it holds
/// (`convertToAPIContainerStatuses`): a container it did not create waits with the default
/// reason (`ContainerCreating`, or `PodInitializing` when the pod has init containers) or its
/// own (`CreateContainerConfigError` and the error); init containers before a held one have
/// completed (a sidecar runs); containers it created run. kplay keeps no times, so no
/// `startedAt`, and no `containerID` or `imageID`.
fn container_statuses(spec: &Node, h: &Held) -> (Vec<Node>, Vec<Node>) {
    let list = |k: &str| spec.get(k).and_then(Node::as_seq).unwrap_or(&[]);
    let (inits, containers) = (list("initContainers"), list("containers"));
    let default = if inits.is_empty() { "ContainerCreating" } else { "PodInitializing" };
    let waiting = |reason: &str, message: &str| {
        let mut w = vec![("reason", s(reason))];
        if !message.is_empty() {
            w.push(("message", s(message)));
        }
        (map(vec![("waiting", map(w))]), false)
    };
    let status = |c: &Node, (state, ready): (Node, bool), started: bool| {
        let text = |k: &str| c.get(k).and_then(Node::text).unwrap_or("");
        map(vec![
            ("name", s(text("name"))),
            ("state", state),
            ("lastState", map(Vec::new())),
            ("ready", boolean(ready)),
            ("restartCount", int(0)),
            ("image", s(text("image"))),
            ("imageID", s("")),
            ("started", boolean(started)),
        ])
    };
    let name = |c: &Node| c.get("name").and_then(Node::text).unwrap_or("").to_owned();
    let held_init = match h {
        Held::Init { container, .. } => inits.iter().position(|c| name(c) == *container),
        _ => None,
    };
    let init = inits
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let state = match (h, held_init) {
                (Held::Init { message, .. }, Some(k)) if i == k => waiting(h.reason(), message),
                (_, Some(k)) if i < k => {
                    if c.get("restartPolicy").and_then(Node::text) == Some("Always") {
                        (map(vec![("running", map(Vec::new()))]), true)
                    } else {
                        // Ready once it completed (the prober manager's `UpdatePodStatus`).
                        let done = map(vec![("terminated", map(vec![("exitCode", int(0)), ("reason", s("Completed"))]))]);
                        return status(c, (done, true), false);
                    }
                }
                _ => waiting(default, ""),
            };
            let started = state.1;
            status(c, state, started)
        })
        .collect();
    let containers = containers
        .iter()
        .map(|c| {
            let state = match h {
                Held::Containers(v) => match v.iter().find(|(n, _)| *n == name(c)) {
                    Some((_, message)) => waiting(h.reason(), message),
                    None => (map(vec![("running", map(Vec::new()))]), true),
                },
                _ => waiting(default, ""),
            };
            let started = state.1;
            status(c, state, started)
        })
        .collect();
    (init, containers)
}

/// A pod's `status.conditions` as the components that own them write them: the API server's
/// `SchedulingGated` (`applySchedulingGatedCondition`, pkg/registry/core/pod/strategy.go),
/// the scheduler's `Unschedulable` with the FitError (`handleSchedulingFailure`), and on a
/// node the kubelet's, in `generateAPIPodStatus`'s order (PodReadyToStartContainers,
/// Initialized, Ready, ContainersReady, PodScheduled; pkg/kubelet/status/generate.go). A
/// down node's pods are marked not Ready by the node lifecycle controller
/// (`MarkPodsNotReady`). A pod bound to a node that does not exist, or left to another
/// scheduler, has none.
fn pod_conditions(c: &Cluster, p: &Pod) -> Vec<Node> {
    let cond = |t: &str, ok: bool, reason: &str, message: &str| {
        let mut e = vec![("type", s(t)), ("status", s(if ok { "True" } else { "False" }))];
        if !reason.is_empty() {
            e.push(("reason", s(reason)));
        }
        if !message.is_empty() {
            e.push(("message", s(message)));
        }
        map(e)
    };
    let Some(name) = &p.node else {
        if p.spec.scheduling_gated {
            return vec![cond("PodScheduled", false, "SchedulingGated", "Scheduling is blocked due to non-empty scheduling gates")];
        }
        return match &p.unschedulable {
            Some(r) => vec![cond("PodScheduled", false, "Unschedulable", r)],
            None => Vec::new(),
        };
    };
    let Some(node) = c.node(name) else { return Vec::new() };
    // `GenerateContainersReadyCondition`: sidecars, then containers, "[a b]" as Go prints a slice.
    let names: Vec<&str> = p
        .spec
        .containers
        .iter()
        .filter(|c| c.sidecar)
        .chain(p.spec.containers.iter().filter(|c| !c.sidecar))
        .map(|c| c.name.as_str())
        .collect();
    let held = held(p).filter(|_| node.ready);
    let names: Vec<&str> = match held {
        // Only the containers the kubelet did not create are unready.
        Some(Held::Containers(v)) => names.into_iter().filter(|n| v.iter().any(|(c, _)| c == n)).collect(),
        _ => names,
    };
    let unready = format!("containers with unready status: [{}]", names.join(" "));
    let running = p.phase == "Running";
    // `GeneratePodInitializedCondition`: the init containers not done yet.
    let initialized = match held {
        Some(Held::Volume { .. }) if !p.spec.init_containers.is_empty() => Some(0),
        Some(Held::Init { container, .. }) => p.spec.init_containers.iter().position(|c| c == container),
        _ => None,
    }
    .map_or_else(
        || cond("Initialized", true, if p.phase == "Succeeded" { "PodCompleted" } else { "" }, ""),
        |k| {
            let rest = p.spec.init_containers[k..].join(" ");
            cond("Initialized", false, "ContainersNotInitialized", &format!("containers with incomplete status: [{rest}]"))
        },
    );
    // The sandbox exists unless a volume did not mount.
    let sandbox = running || held.is_some_and(|h| !matches!(h, Held::Volume { .. }));
    let completed = p.phase == "Succeeded";
    let gated = p.held_by_readiness_gates();
    let containers_ready = running && (p.ready || !node.ready || gated);
    let (reason, message) = if completed { ("PodCompleted", "") } else { ("ContainersNotReady", unready.as_str()) };
    let not_ready = |t: &str| if containers_ready { cond(t, true, "", "") } else { cond(t, false, reason, message) };
    let ready = if p.ready {
        cond("Ready", true, "", "")
    } else if gated && node.ready {
        // No gate's condition exists (kplay honours none written in `status`).
        let missing: Vec<String> =
            p.spec.readiness_gates.iter().map(|g| format!("corresponding condition of pod readiness gate {g:?} does not exist.")).collect();
        cond("Ready", false, "ReadinessGatesNotReady", &missing.join(", "))
    } else if containers_ready {
        // Only the node lifecycle controller's mark: no reason.
        cond("Ready", false, "", "")
    } else {
        not_ready("Ready")
    };
    vec![
        cond("PodReadyToStartContainers", sandbox, "", ""),
        initialized,
        ready,
        not_ready("ContainersReady"),
        cond("PodScheduled", true, "", ""),
    ]
}

/// `qos.ComputePodQOS` (pkg/apis/core/helper/qos): over containers and init containers, the
/// positive `cpu` and `memory` requests and limits (a limit without a request requests as much,
/// as `SetDefaults_Pod` makes it); none is BestEffort; Guaranteed when every container limits
/// both and each summed request equals the summed limit; else Burstable.
fn qos_class(spec: &Node) -> &'static str {
    use crate::rules::pod::quantity::Quantity;
    let mut requests: Vec<(&str, i128)> = Vec::new();
    let mut limits: Vec<(&str, i128)> = Vec::new();
    let add = |v: &mut Vec<(&str, i128)>, k: &'static str, q: i128| match v.iter_mut().find(|e| e.0 == k) {
        Some(e) => e.1 = e.1.saturating_add(q),
        None => v.push((k, q)),
    };
    let positive = |list: Option<&Node>, k: &str| {
        list.and_then(|l| l.get(k)).and_then(Node::text).and_then(Quantity::parse).map(|q| q.milli).filter(|m| *m > 0)
    };
    let mut guaranteed = true;
    for key in ["containers", "initContainers"] {
        for ctr in spec.get(key).and_then(Node::as_seq).unwrap_or(&[]) {
            let res = ctr.get("resources");
            let (req, lim) = (res.and_then(|r| r.get("requests")), res.and_then(|r| r.get("limits")));
            let mut found = 0;
            for k in ["cpu", "memory"] {
                if let Some(q) = positive(req, k).or_else(|| if req.and_then(|r| r.get(k)).is_none() { positive(lim, k) } else { None }) {
                    add(&mut requests, k, q);
                }
                if let Some(q) = positive(lim, k) {
                    add(&mut limits, k, q);
                    found += 1;
                }
            }
            guaranteed &= found == 2;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        "BestEffort"
    } else if guaranteed && requests.len() == limits.len() && requests.iter().all(|(k, q)| limits.iter().any(|(l, m)| l == k && m == q)) {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// A Service's ClusterIPs as stored: `allocIPs` keeps a requested address as written (sloppy
/// parsing accepts `10.96.0.050` until StrictIPCIDRValidation), a picked one is canonical.
fn cluster_ip_texts(svc: &Service) -> Vec<String> {
    svc.cluster_ips
        .iter()
        .map(|&ip| svc.spec.cluster_ips.iter().find(|c| super::net::parse_ip(c) == Some(ip)).cloned().unwrap_or_else(|| ip.to_string()))
        .collect()
}

fn service_object(svc: &Service) -> Node {
    let v = &svc.spec;
    let mut spec = vec![("type", s(&svc.type_))];
    if let Some(sel) = &svc.selector {
        spec.push(("selector", labels(sel)));
    }
    if svc.headless {
        spec.push(("clusterIP", s("None")));
        spec.push(("clusterIPs", seq(vec![s("None")])));
        // `initIPFamilyFields` sets these on headless Services too (the stored tree has them).
        if !v.ip_families.is_empty() {
            spec.push(("ipFamilies", strings(&v.ip_families)));
        }
        if let Some(p) = &v.ip_family_policy {
            spec.push(("ipFamilyPolicy", s(p)));
        }
    } else if !svc.cluster_ips.is_empty() {
        let texts = cluster_ip_texts(svc);
        spec.push(("clusterIP", s(&texts[0])));
        spec.push(("clusterIPs", seq(texts.iter().map(|t| s(t)).collect())));
        spec.push(("ipFamilies", seq(svc.cluster_ips.iter().map(|i| s(super::net::family(*i))).collect())));
        spec.push(("ipFamilyPolicy", s(v.ip_family_policy.as_deref().unwrap_or("SingleStack"))));
    }
    if let Some(e) = &v.external_name {
        spec.push(("externalName", s(e)));
    }
    if !v.external_ips.is_empty() {
        spec.push(("externalIPs", strings(&v.external_ips)));
    }
    let ports: Vec<Node> = svc
        .ports
        .iter()
        .map(|p| {
            let mut e = Vec::new();
            if !p.spec.name.is_empty() {
                e.push(("name", s(&p.spec.name)));
            }
            e.push(("protocol", s(&p.spec.protocol)));
            if let Some(a) = &p.spec.app_protocol {
                e.push(("appProtocol", s(a)));
            }
            e.push(("port", int(p.spec.port)));
            e.push((
                "targetPort",
                match &p.spec.target_port {
                    IntOrString::Int(n) => int(*n),
                    IntOrString::Str(t) => s(t),
                },
            ));
            if let Some(np) = p.node_port {
                e.push(("nodePort", int(i64::from(np))));
            }
            map(e)
        })
        .collect();
    if !ports.is_empty() {
        spec.push(("ports", seq(ports)));
    }
    for (k, val) in [
        ("sessionAffinity", &v.session_affinity),
        ("externalTrafficPolicy", &v.external_traffic_policy),
        ("internalTrafficPolicy", &v.internal_traffic_policy),
        ("trafficDistribution", &v.traffic_distribution),
        ("loadBalancerClass", &v.load_balancer_class),
        ("loadBalancerIP", &v.load_balancer_ip),
    ] {
        if let Some(x) = val {
            spec.push((k, s(x)));
        }
    }
    if let Some(t) = v.session_affinity_timeout {
        spec.push(("sessionAffinityConfig", map(vec![("clientIP", map(vec![("timeoutSeconds", int(t))]))])));
    }
    if v.publish_not_ready_addresses {
        spec.push(("publishNotReadyAddresses", boolean(true)));
    }
    if let Some(h) = svc.health_check_node_port {
        spec.push(("healthCheckNodePort", int(i64::from(h))));
    }
    if let Some(a) = v.allocate_load_balancer_node_ports {
        spec.push(("allocateLoadBalancerNodePorts", boolean(a)));
    }
    if !v.load_balancer_source_ranges.is_empty() {
        spec.push(("loadBalancerSourceRanges", strings(&v.load_balancer_source_ranges)));
    }
    let lb: Vec<Node> = svc.load_balancer_ips.iter().map(|ip| map(vec![("ip", s(&ip.to_string())), ("ipMode", s("VIP"))])).collect();
    let status = map(vec![("loadBalancer", if lb.is_empty() { map(Vec::new()) } else { map(vec![("ingress", seq(lb))]) })]);
    object(
        "v1",
        "Service",
        vec![
            (
                "metadata",
                Meta { labels: &v.meta.labels, annotations: &v.meta.annotations, ..Meta::new(&svc.name, Some(&svc.namespace), &svc.store) }
                    .node(),
            ),
            ("spec", map(spec)),
            ("status", status),
        ],
    )
}

/// An EndpointSlice as `kubectl get endpointslice -o yaml` prints it.
pub fn endpoint_slice_object(c: &Cluster, es: &EndpointSlice) -> Node {
    let mut meta = Meta { labels: &es.labels, annotations: &es.annotations, ..Meta::new(&es.name, Some(&es.namespace), &es.store) };
    let owner_svc = es.service.as_deref().filter(|_| es.managed).and_then(|n| c.service(&es.namespace, n));
    if let Some(svc) = owner_svc {
        meta.generate_name = Some(format!("{}-", svc.name));
        meta.owner = Some(("v1", "Service", &svc.name, &svc.store.uid));
    }
    // The mirroring controller's `newEndpointSlice`: named after the Endpoints, owned by it.
    let endpoints_uid = es.mirrored_from.as_ref().map(|owner| net::object_uid(c.description.seed, "Endpoints", &es.namespace, owner));
    if let (Some(owner), Some(uid)) = (&es.mirrored_from, &endpoints_uid) {
        meta.generate_name = Some(format!("{owner}-"));
        meta.owner = Some(("v1", "Endpoints", owner, uid));
    }
    let meta = meta.node();
    let endpoints: Vec<Node> = es
        .endpoints
        .iter()
        .map(|e| {
            let mut f = vec![("addresses", strings(&e.addresses))];
            let mut cond = Vec::new();
            for (k, v) in [("ready", e.conditions.ready), ("serving", e.conditions.serving), ("terminating", e.conditions.terminating)] {
                if let Some(b) = v {
                    cond.push((k, boolean(b)));
                }
            }
            f.push(("conditions", map(cond)));
            if let Some(h) = &e.hostname {
                f.push(("hostname", s(h)));
            }
            if let Some(n) = &e.node_name {
                f.push(("nodeName", s(n)));
            }
            if let Some(z) = &e.zone {
                f.push(("zone", s(z)));
            }
            if let Some(t) = &e.target_ref {
                let mut r = vec![("kind", s(&t.kind)), ("namespace", s(&t.namespace)), ("name", s(&t.name))];
                if !t.uid.is_empty() {
                    r.push(("uid", s(&t.uid)));
                }
                f.push(("targetRef", map(r)));
            }
            if !e.for_zones.is_empty() || !e.for_nodes.is_empty() {
                let mut h = Vec::new();
                if !e.for_zones.is_empty() {
                    h.push(("forZones", seq(e.for_zones.iter().map(|z| map(vec![("name", s(z))])).collect())));
                }
                if !e.for_nodes.is_empty() {
                    h.push(("forNodes", seq(e.for_nodes.iter().map(|z| map(vec![("name", s(z))])).collect())));
                }
                f.push(("hints", map(h)));
            }
            map(f)
        })
        .collect();
    let mut rest = vec![("metadata", meta), ("addressType", s(&es.address_type)), ("endpoints", seq(endpoints))];
    if !es.ports.is_empty() || !es.managed {
        let ports = es
            .ports
            .iter()
            .map(|p| {
                let mut f = Vec::new();
                if let Some(n) = &p.name {
                    f.push(("name", s(n)));
                }
                if let Some(n) = p.port {
                    f.push(("port", int(n)));
                }
                if let Some(pr) = &p.protocol {
                    f.push(("protocol", s(pr)));
                }
                if let Some(a) = &p.app_protocol {
                    f.push(("appProtocol", s(a)));
                }
                map(f)
            })
            .collect();
        rest.push(("ports", seq(ports)));
    }
    object("discovery.k8s.io/v1", "EndpointSlice", rest)
}

fn workload_object(c: &Cluster, objects: &[Object], w: &Workload) -> Node {
    let stored_object = stored(objects, &w.origin).filter(|o| o.kind == w.kind);
    let status = workload_status(c, stored_object.map(|o| &o.stored), w);
    if let Some(o) = stored_object {
        let mut n = with_identity(o.stored.clone(), Some(&w.namespace), &w.store);
        if let Some(meta) = n.get_mut("metadata") {
            set_map(meta, "annotations", &w.annotations);
        }
        n.set("status", status);
        return n;
    }
    let owner = w.owner.as_ref().map(|o| (api_of(&o.kind), o.kind.as_str(), o.name.as_str(), o.uid.as_str()));
    let mut spec = vec![("replicas", int(w.desired))];
    if let Some(sel) = &w.selector {
        spec.push(("selector", selector(sel)));
    }
    let mut template_meta = vec![("labels", labels(&w.template.labels))];
    if !w.template.annotations.is_empty() {
        template_meta.push(("annotations", labels(&w.template.annotations)));
    }
    spec.push(("template", map(vec![("metadata", map(template_meta))])));
    object(
        api_of(&w.kind),
        &w.kind,
        vec![
            (
                "metadata",
                Meta { labels: &w.labels, annotations: &w.annotations, owner, ..Meta::new(&w.name, Some(&w.namespace), &w.store) }.node(),
            ),
            ("spec", map(spec)),
            ("status", status),
        ],
    )
}

/// A condition without its timestamps (kplay prints none, as for pods' conditions).
fn condition(t: &str, status: &str, reason: &str, message: &str) -> Node {
    map(vec![("type", s(t)), ("status", s(status)), ("reason", s(reason)), ("message", s(message))])
}

/// The status a workload's controller has written once the simulated cluster has settled:
/// every pod it could create exists, and the ones that will ever be Ready are, for longer
/// than any `minReadySeconds` (so available means ready). Each kind's fields are its own, as
/// its controller computes them; Go's `omitempty` leaves zero counts out, except for the
/// fields the API types declare without it (noted per kind). `observedGeneration` is the
/// generation of a created object, 1 (`PrepareForCreate`); the scale override does not change
/// the stored object. Not modelled: failed pod creations (`ReplicaFailure`), rollouts
/// (one revision only), timestamps (`startTime`, conditions' times).
fn workload_status(c: &Cluster, stored: Option<&Node>, w: &Workload) -> Node {
    let (n, ready) = (w.replicas as i64, w.ready_replicas as i64);
    let spec = stored.and_then(|s| s.get("spec"));
    let mut f: Vec<(&str, Node)> = Vec::new();
    let counts = |f: &mut Vec<(&str, Node)>, fields: &[(&'static str, i64, bool)]| {
        for &(k, v, required) in fields {
            if required || v != 0 {
                f.push((k, int(v)));
            }
        }
    };
    match w.kind.as_str() {
        "Deployment" => return deployment_status(c, spec, w),
        // `calculateStatus` (replica_set_utils.go); `replicas` has no `omitempty`. Every pod
        // the controller made carries its template's labels (`fullyLabeledReplicas`).
        "ReplicaSet" | "ReplicationController" => counts(
            &mut f,
            &[
                ("replicas", n, true),
                ("fullyLabeledReplicas", n, false),
                ("readyReplicas", ready, false),
                ("availableReplicas", ready, false),
            ],
        ),
        // `computeReplicaStatus` and `completeRollingUpdate` (stateful_set_control.go): one
        // revision, current and updated; `replicas` and `availableReplicas` have no
        // `omitempty`, and the controller writes `collisionCount` (a pointer) from the start.
        // The revision is the pods' `controller-revision-hash`.
        "StatefulSet" => {
            let revision = format!("{}-{}", w.name, super::sim::template_hash(&w.template));
            counts(
                &mut f,
                &[("replicas", n, true), ("readyReplicas", ready, false), ("currentReplicas", n, false), ("updatedReplicas", n, false)],
            );
            f.push(("currentRevision", s(&revision)));
            f.push(("updateRevision", s(&revision)));
            f.push(("collisionCount", int(0)));
            counts(&mut f, &[("availableReplicas", ready, true)]);
        }
        // `updateDaemonSetStatus` (daemon_controller.go): kplay makes one pod per node that
        // should run it; the first four counts have no `omitempty`.
        "DaemonSet" => counts(
            &mut f,
            &[
                ("currentNumberScheduled", n, true),
                ("numberMisscheduled", 0, true),
                ("desiredNumberScheduled", n, true),
                ("numberReady", ready, true),
                ("updatedNumberScheduled", n, false),
                ("numberAvailable", ready, false),
                ("numberUnavailable", n - ready, false),
            ],
        ),
        // `syncJob` (job_controller.go): its pods run, none has finished. `ready` (JobReadyPods)
        // and `terminating` (JobPodReplacementPolicy) are pointers the controller always sets,
        // `uncountedTerminatedPods` too, and `failedIndexes` with `backoffLimitPerIndex`.
        "Job" => {
            counts(&mut f, &[("active", n, false), ("ready", ready, true), ("terminating", 0, true)]);
            f.push(("uncountedTerminatedPods", map(Vec::new())));
            if spec.and_then(|s| s.get("backoffLimitPerIndex")).is_some_and(|v| !v.is_null()) {
                f.push(("failedIndexes", s("")));
            }
        }
        _ => counts(&mut f, &[("replicas", n, true), ("readyReplicas", ready, false)]),
    }
    if w.kind != "Job" {
        f.push(("observedGeneration", int(1)));
    }
    map(f)
}

/// The Deployment controller's status (`calculateStatus` and `syncRolloutStatus`, sync.go and
/// progress.go). Counts: `replicas` and `updatedReplicas` its ReplicaSet's pods (one
/// revision), `readyReplicas` and `availableReplicas` the ready ones, `unavailableReplicas`
/// the ReplicaSet's `spec.replicas` (the desired count) minus those. Conditions, in the order
/// `SetDeploymentCondition` leaves them (it appends a condition whose status or reason
/// changed, so the Progressing update that follows every Available change comes last):
/// `Available` True `MinimumReplicasAvailable` when the available pods are at least
/// `replicas` minus the resolved `maxUnavailable`, else False `MinimumReplicasUnavailable`;
/// then, unless there is no progress deadline (`progressDeadlineSeconds` 2147483647, where
/// `syncRolloutStatus` removes it), `Progressing`: True `NewReplicaSetAvailable` once all
/// replicas are updated and available (`DeploymentComplete`), else, the deadline (600 s by
/// default) being long past in a settled cluster, False `ProgressDeadlineExceeded`
/// (`DeploymentTimedOut`). A Deployment that asks for more replicas than kplay simulates is
/// complete when all it simulates are.
///
/// Created paused, it has no ReplicaSet (`syncDeployment` → `checkPausedConditions`, then
/// `sync` → `calculateStatus`): no counts, and the conditions in the order they are set,
/// `Progressing` Unknown `DeploymentPaused` (with a deadline), then `Available`.
fn deployment_status(c: &Cluster, spec: Option<&Node>, w: &Workload) -> Node {
    let (n, ready, desired) = (w.replicas as i64, w.ready_replicas as i64, w.desired);
    let deadline = spec.and_then(|s| s.get("progressDeadlineSeconds")).and_then(Node::as_i64);
    // The API server defaults it to 600; a built-in Deployment has no stored spec here.
    let has_deadline = deadline.is_none_or(|d| d != i64::from(i32::MAX));
    let strategy = spec.and_then(|s| s.get("strategy"));
    let available = if ready >= desired - super::sim::max_unavailable(strategy, desired) {
        condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
    } else {
        condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.")
    };
    if w.paused {
        let mut conditions = Vec::new();
        if has_deadline {
            conditions.push(condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused"));
        }
        conditions.push(available);
        return map(vec![("observedGeneration", int(1)), ("conditions", seq(conditions))]);
    }
    let mut conditions = vec![available];
    if has_deadline {
        let rs = format!("{}-{}", w.name, w.pod_template_hash.as_deref().unwrap_or_default());
        let simulated = desired.min(c.description.max_replicas_per_workload.max(0));
        conditions.push(if n == simulated && ready == n {
            condition("Progressing", "True", "NewReplicaSetAvailable", &format!("ReplicaSet \"{rs}\" has successfully progressed."))
        } else {
            condition("Progressing", "False", "ProgressDeadlineExceeded", &format!("ReplicaSet \"{rs}\" has timed out progressing."))
        });
    }
    let mut f = vec![("observedGeneration", int(1))];
    for (k, v) in [
        ("replicas", n),
        ("updatedReplicas", n),
        ("readyReplicas", ready),
        ("availableReplicas", ready),
        ("unavailableReplicas", (desired - ready).max(0)),
    ] {
        if v != 0 {
            f.push((k, int(v)));
        }
    }
    f.push(("conditions", seq(conditions)));
    map(f)
}

fn node_object(n: &ClusterNode) -> Node {
    object(
        "v1",
        "Node",
        vec![
            ("metadata", Meta { labels: &n.labels, ..Meta::new(&n.name, None, &n.store) }.node()),
            ("spec", {
                // Both are `omitempty`: a node the IPAM controller gave no CIDR has neither.
                let mut spec = Vec::new();
                if let Some(first) = n.pod_cidrs.first() {
                    spec.push(("podCIDR", s(first)));
                    spec.push(("podCIDRs", strings(&n.pod_cidrs)));
                }
                if !n.taints.is_empty() {
                    let taints = n
                        .taints
                        .iter()
                        .map(|t| {
                            let mut e = vec![("key", s(&t.key))];
                            if !t.value.is_empty() {
                                e.push(("value", s(&t.value)));
                            }
                            e.push(("effect", s(&t.effect)));
                            map(e)
                        })
                        .collect();
                    spec.push(("taints", seq(taints)));
                }
                map(spec)
            }),
            (
                "status",
                map(vec![
                    // NodeStatus's field order: capacity, allocatable, ...
                    ("capacity", map(vec![("cpu", s(&n.cpu))])),
                    ("allocatable", map(vec![("cpu", s(&n.cpu))])),
                    (
                        "addresses",
                        seq(vec![
                            map(vec![("type", s("InternalIP")), ("address", s(&n.internal_ip.to_string()))]),
                            map(vec![("type", s("Hostname")), ("address", s(&n.name))]),
                        ]),
                    ),
                    ("conditions", seq(vec![map(vec![("type", s("Ready")), ("status", s(if n.ready { "True" } else { "Unknown" }))])])),
                ]),
            ),
        ],
    )
}

fn namespace_object(n: &Namespace) -> Node {
    object(
        "v1",
        "Namespace",
        vec![
            ("metadata", Meta { labels: &n.labels, annotations: &n.annotations, ..Meta::new(&n.name, None, &n.store) }.node()),
            ("spec", map(vec![("finalizers", seq(vec![s("kubernetes")]))])),
            ("status", map(vec![("phase", s("Active"))])),
        ],
    )
}

/// The objects of `kind` in their API shape, as a `v1` `List`.
pub fn list(c: &Cluster, objects: &[Object], kind: Kind, scope: &Scope) -> Node {
    list_kinds(c, objects, &[kind], scope)
}

/// The objects of each of `kinds` in turn, in one `v1` `List` (as kubectl prints
/// `get pods,services -o yaml` or `get all -o yaml`).
pub fn list_kinds(c: &Cluster, objects: &[Object], kinds: &[Kind], scope: &Scope) -> Node {
    let items = kinds
        .iter()
        .flat_map(|&k| {
            // In storage-key order, as the API server lists them (see `table`).
            let mut items = items(c, objects, k, scope);
            crate::sort::sort_by_key(&mut items, |n| {
                let meta = n.get("metadata");
                let field = |f: &str| meta.and_then(|m| m.get(f)).and_then(Node::as_str).unwrap_or_default().to_owned();
                format!("{}/{}", field("namespace"), field("name"))
            });
            items
        })
        .collect();
    object("v1", "List", vec![("items", seq(items)), ("metadata", map(vec![("resourceVersion", s(""))]))])
}

fn items(c: &Cluster, objects: &[Object], kind: Kind, scope: &Scope) -> Vec<Node> {
    match kind {
        Kind::Pods => c.pods.iter().filter(|p| scope.shows(&p.namespace)).map(|p| pod_object(c, objects, p)).collect(),
        Kind::Services => c.services.iter().filter(|x| scope.shows(&x.namespace)).map(service_object).collect(),
        Kind::EndpointSlices => {
            c.endpoint_slices.iter().filter(|x| scope.shows(&x.namespace)).map(|e| endpoint_slice_object(c, e)).collect()
        }
        Kind::Deployments => workloads(c, "Deployment", scope).map(|w| workload_object(c, objects, w)).collect(),
        Kind::ReplicaSets => workloads(c, "ReplicaSet", scope).map(|w| workload_object(c, objects, w)).collect(),
        Kind::ReplicationControllers => workloads(c, "ReplicationController", scope).map(|w| workload_object(c, objects, w)).collect(),
        Kind::StatefulSets => workloads(c, "StatefulSet", scope).map(|w| workload_object(c, objects, w)).collect(),
        Kind::DaemonSets => workloads(c, "DaemonSet", scope).map(|w| workload_object(c, objects, w)).collect(),
        Kind::Jobs => workloads(c, "Job", scope).map(|w| workload_object(c, objects, w)).collect(),
        Kind::Nodes => c.nodes.iter().map(node_object).collect(),
        Kind::Namespaces => c.namespaces.iter().map(namespace_object).collect(),
        Kind::Ingresses => c
            .ingresses
            .iter()
            .filter(|i| scope.shows(&i.namespace))
            .filter_map(|i| stored(objects, &i.spec.origin).map(|o| with_identity(o.stored.clone(), Some(&i.namespace), &i.store)))
            .collect(),
        Kind::IngressClasses => c
            .ingress_classes
            .iter()
            .filter_map(|i| stored(objects, &i.spec.origin).map(|o| with_identity(o.stored.clone(), None, &i.store)))
            .collect(),
    }
}

/// Writes a node as JSON the way `kubectl get -o json` prints it: indented by four spaces
/// (cli-runtime's `JSONPrinter`: `json.MarshalIndent(obj, "", "    ")`), strings escaped as Go's
/// `encoding/json` escapes them, `<`, `>` and `&` included.
pub fn to_json(n: &Node) -> String {
    let mut out = String::new();
    json(n, 0, &mut out);
    out.push('\n');
    out
}

fn json(n: &Node, indent: usize, out: &mut String) {
    let pad = |k: usize| " ".repeat(k);
    match &n.kind {
        crate::yaml::NodeKind::Map(entries) if entries.is_empty() => out.push_str("{}"),
        crate::yaml::NodeKind::Map(entries) => {
            out.push_str("{\n");
            for (i, e) in entries.iter().enumerate() {
                out.push_str(&pad(indent + 4));
                out.push_str(&go_json_string(e.key.text().unwrap_or("")));
                out.push_str(": ");
                json(&e.value, indent + 4, out);
                if i + 1 < entries.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        crate::yaml::NodeKind::Seq(items) if items.is_empty() => out.push_str("[]"),
        crate::yaml::NodeKind::Seq(items) => {
            out.push_str("[\n");
            for (i, it) in items.iter().enumerate() {
                out.push_str(&pad(indent + 4));
                json(it, indent + 4, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        crate::yaml::NodeKind::Scalar(_) => match n.resolved() {
            Some(Resolved::Str(v)) => out.push_str(&go_json_string(v)),
            Some(Resolved::Null) | None => out.push_str("null"),
            Some(r) => out.push_str(&r.json_text()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::tests::sim_with;

    #[test]
    fn tables_and_lists() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n    - port: 80\n      nodePort: 30080\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n";
        let files = [crate::SourceFile::new("a.yaml", text)];
        let opts = crate::Options::default();
        let a = crate::analyze(&files, &opts);
        let (c, _) = sim_with(&[text], &opts);
        let t = table(&c, Kind::Services, &Scope::Namespace("default".into()), false);
        let web = t.rows.iter().find(|r| r[0] == "web").unwrap();
        assert_eq!(web[4], "80:30080/TCP");
        assert!(t.render().starts_with("NAME "));
        let all = table(&c, Kind::Pods, &Scope::All, true);
        assert_eq!(all.headers[0], "NAMESPACE");
        assert!(all.rows.iter().any(|r| r[0] == "kube-system"), "CoreDNS pods");
        let l = list(&c, &a.objects, Kind::EndpointSlices, &Scope::Namespace("default".into()));
        let j = to_json(&l);
        assert!(j.contains("\"kind\": \"List\"") && j.contains("\"apiVersion\": \"discovery.k8s.io/v1\""), "{j}");
        assert!(j.contains("\"kubernetes.io/service-name\": \"web\"") && j.contains("\"port\": 80"), "{j}");
        let y = crate::yaml::emit::to_yaml(&l);
        assert!(y.contains("kind: EndpointSlice"), "{y}");
        assert_eq!("svc".parse::<Kind>(), Ok(Kind::Services));
        assert!("bogus".parse::<Kind>().is_err());
    }

    #[test]
    fn json_output_escapes_strings_as_go_does() {
        // encoding/json (the API's and kubectl's JSON) escapes `<`, `>` and `&` as well.
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      env:\n        - name: NOTE\n          value: 'a<b & \"c\"'\n";
        let files = [crate::SourceFile::new("a.yaml", text)];
        let opts = crate::Options::default();
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &opts);
        let j = to_json(&list(&c, &a.objects, Kind::Pods, &Scope::Namespace("default".into())));
        assert!(j.contains(r#""value": "a\u003cb \u0026 \"c\"""#), "{j}");
    }

    /// `spec` of one Service of `get services -o yaml`, as YAML.
    fn service_spec(text: &str, name: &str) -> String {
        let files = [crate::SourceFile::new("a.yaml", text)];
        let opts = crate::Options::default();
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &opts);
        let l = list(&c, &a.objects, Kind::Services, &Scope::All);
        let item = l
            .get("items")
            .and_then(Node::as_seq)
            .unwrap()
            .iter()
            .find(|i| i.path(&["metadata", "name"]).and_then(Node::as_str) == Some(name));
        crate::yaml::emit::to_yaml(item.and_then(|i| i.get("spec")).expect(name))
    }

    /// `status` of one Pod of `get pods -o yaml`, as YAML.
    fn pod_status(text: &str, name: &str) -> String {
        let files = [crate::SourceFile::new("a.yaml", text)];
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &crate::Options::default());
        let l = list(&c, &a.objects, Kind::Pods, &Scope::All);
        let items = l.get("items").and_then(Node::as_seq).unwrap();
        let item = items.iter().find(|i| i.path(&["metadata", "name"]).and_then(Node::as_str) == Some(name));
        crate::yaml::emit::to_yaml(item.and_then(|i| i.get("status")).expect(name))
    }

    #[test]
    fn pods_store_their_owners_conditions_and_qos_class() {
        let pod = |name: &str, spec: &str, ctr: &str| {
            format!("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{spec}  containers:\n  - name: c\n    image: nginx:1.27\n{ctr}")
        };
        let text = [
            pod("run", "", ""),
            pod("nowhere", "  nodeSelector:\n    disk: ssd\n", "    resources:\n      requests:\n        cpu: 100m\n"),
            pod(
                "gated",
                "  schedulingGates:\n  - name: example.com/wait\n",
                "    resources:\n      limits:\n        cpu: 1\n        memory: 1Gi\n",
            ),
            pod("other", "  schedulerName: my-scheduler\n", ""),
        ]
        .concat();
        let run = pod_status(&text, "run");
        assert!(
            run.contains(
                "conditions:\n  - type: PodReadyToStartContainers\n    status: \"True\"\n  - type: Initialized\n    status: \"True\"\n  - type: Ready\n    status: \"True\"\n  - type: ContainersReady\n    status: \"True\"\n  - type: PodScheduled\n    status: \"True\"\n"
            ),
            "{run}"
        );
        assert!(run.contains("qosClass: BestEffort"), "{run}");
        let nowhere = pod_status(&text, "nowhere");
        assert!(
            nowhere.contains("conditions:\n  - type: PodScheduled\n    status: \"False\"\n    reason: Unschedulable\n    message: \"0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector."),
            "{nowhere}"
        );
        assert!(nowhere.contains("qosClass: Burstable"), "{nowhere}");
        let gated = pod_status(&text, "gated");
        assert!(
            gated.contains("reason: SchedulingGated\n    message: Scheduling is blocked due to non-empty scheduling gates\n"),
            "{gated}"
        );
        assert!(gated.contains("qosClass: Guaranteed"), "limits alone request as much: {gated}");
        let other = pod_status(&text, "other");
        assert!(!other.contains("conditions"), "{other}");
        let (c, _) = sim_with(&[&text], &crate::Options::default());
        let t = table(&c, Kind::Pods, &Scope::Namespace("default".into()), false);
        assert_eq!(t.rows.iter().find(|r| r[0] == "gated").unwrap()[2], "SchedulingGated");
    }

    #[test]
    fn down_nodes_carry_the_unreachable_taints_and_a_node_without_a_cidr_stores_none() {
        let mut opts = crate::Options::default();
        opts.cluster.node_count = 6;
        opts.cluster.cluster_cidr = "10.244.0.0/22".into();
        opts.cluster.overrides.nodes_down = vec!["node-1".into()];
        let files = [crate::SourceFile::new("a.yaml", "")];
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &opts);
        let l = list(&c, &a.objects, Kind::Nodes, &Scope::All);
        let nodes = l.get("items").and_then(Node::as_seq).unwrap();
        let spec = |i: usize| crate::yaml::emit::to_yaml(nodes[i].get("spec").unwrap());
        assert!(
            spec(0).contains("taints:\n  - key: node.kubernetes.io/unreachable\n    effect: NoSchedule\n  - key: node.kubernetes.io/unreachable\n    effect: NoExecute\n"),
            "{}",
            spec(0)
        );
        assert!(spec(1).contains("podCIDR: ") && !spec(1).contains("taints"), "{}", spec(1));
        assert!(!spec(4).contains("podCIDR"), "{}", spec(4));
    }

    #[test]
    fn a_requested_cluster_ip_is_stored_as_written() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  selector:\n    app: a\n  clusterIP: 10.96.0.050\n  ports:\n    - port: 80\n";
        let y = service_spec(text, "a");
        assert!(y.contains("clusterIP: 10.96.0.050\nclusterIPs:\n  - 10.96.0.050\n"), "{y}");
        let (c, _) = sim_with(&[text], &crate::Options::default());
        let t = table(&c, Kind::Services, &Scope::Namespace("default".into()), false);
        assert_eq!(t.rows.iter().find(|r| r[0] == "a").unwrap()[2], "10.96.0.050");
    }

    #[test]
    fn services_show_the_fields_the_server_stores() {
        let lb = "apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  sessionAffinity: ClientIP\n  ports:\n    - port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: lb2\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}\n  allocateLoadBalancerNodePorts: false\n  loadBalancerClass: example.com/x\n  loadBalancerSourceRanges: [10.0.0.0/8]\n  ports:\n    - port: 80\n";
        let y = service_spec(lb, "lb");
        assert!(y.contains("sessionAffinityConfig:\n  clientIP:\n    timeoutSeconds: 10800\n"), "{y}");
        assert!(y.contains("allocateLoadBalancerNodePorts: true\n"), "{y}");
        let y = service_spec(lb, "lb2");
        assert!(y.contains("timeoutSeconds: 60\n"), "{y}");
        assert!(y.contains("allocateLoadBalancerNodePorts: false\n"), "{y}");
        assert!(y.contains("loadBalancerClass: example.com/x\n"), "{y}");
        assert!(y.contains("loadBalancerSourceRanges:\n  - 10.0.0.0/8\n"), "{y}");
        // Headless Services get IP families too (initIPFamilyFields): selector-less ones both.
        let hl = |extra: &str| format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: hl\nspec:\n  clusterIP: None\n{extra}");
        let y = service_spec(&hl(""), "hl");
        assert!(y.contains("ipFamilies:\n  - IPv4\n  - IPv6\nipFamilyPolicy: RequireDualStack\n"), "{y}");
        let y = service_spec(&hl("  ipFamilies: [IPv6]\n"), "hl");
        assert!(y.contains("ipFamilies:\n  - IPv6\n  - IPv4\nipFamilyPolicy: RequireDualStack\n"), "{y}");
        let y = service_spec(&hl("  selector:\n    app: web\n  ports:\n    - port: 80\n"), "hl");
        assert!(y.contains("ipFamilies:\n  - IPv4\nipFamilyPolicy: SingleStack\n"), "{y}");
        assert!(!y.contains("sessionAffinityConfig") && !y.contains("allocateLoadBalancerNodePorts"), "{y}");
    }

    #[test]
    fn stored_objects_carry_their_namespace_uid_and_resource_version() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";
        let files = [crate::SourceFile::new("a.yaml", text)];
        let opts = crate::Options::default();
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &opts);
        let l = list(&c, &a.objects, Kind::Deployments, &Scope::Namespace("default".into()));
        let meta = l.get("items").and_then(Node::as_seq).unwrap()[0].get("metadata").unwrap();
        let keys: Vec<&str> = meta.as_map().unwrap().iter().filter_map(|e| e.key.text()).collect();
        assert_eq!(keys, ["name", "namespace", "labels", "annotations", "uid", "resourceVersion"]);
        assert_eq!(meta.get("namespace").and_then(Node::as_str), Some("default"));
    }

    /// One object of `get KIND -o yaml` and `-o json` (the first whose name starts with
    /// `name`): its `metadata` as YAML, and the object as JSON.
    fn printed(text: &str, kind: Kind, name: &str) -> (String, String) {
        let files = [crate::SourceFile::new("a.yaml", text)];
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &crate::Options::default());
        let l = list(&c, &a.objects, kind, &Scope::All);
        let items = l.get("items").and_then(Node::as_seq).unwrap();
        let item = items
            .iter()
            .find(|i| i.path(&["metadata", "name"]).and_then(Node::as_str).is_some_and(|n| n.starts_with(name)))
            .unwrap_or_else(|| panic!("{name}: {}", crate::yaml::emit::to_yaml(&l)));
        (crate::yaml::emit::to_yaml(item.get("metadata").unwrap()), to_json(item))
    }

    #[test]
    fn a_services_annotations_are_printed_after_its_labels_sorted() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app: web\n  annotations:\n    team: blue\n    example.com/port: \"80\"\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n";
        let (y, j) = printed(text, Kind::Services, "web");
        assert!(y.contains("labels:\n  app: web\nannotations:\n  example.com/port: \"80\"\n  team: blue\nuid: "), "{y}");
        assert!(
            j.contains("    \"labels\": {\n            \"app\": \"web\"\n        },\n        \"annotations\": {\n            \"example.com/port\": \"80\",\n            \"team\": \"blue\"\n        },\n        \"uid\": "),
            "{j}"
        );
        // kubeadm's kube-dns Service carries its Prometheus annotations.
        let (y, _) = printed(text, Kind::Services, "kube-dns");
        assert!(y.contains("annotations:\n  prometheus.io/port: \"9153\"\n  prometheus.io/scrape: \"true\"\nuid: "), "{y}");
        // A Namespace's too; a stored manifest's (an Ingress) sorted as Go writes a map, an
        // empty map left out.
        let more = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  annotations:\n    owner: blue\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n    z: \"1\"\n    a: \"2\"\n  labels: {}\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n";
        let (y, j) = printed(more, Kind::Namespaces, "team");
        assert!(y.contains("kubernetes.io/metadata.name: team\nannotations:\n  owner: blue\nuid: "), "{y}");
        assert!(j.contains("\"annotations\": {\n            \"owner\": \"blue\"\n        },\n        \"uid\": "), "{j}");
        let (y, j) = printed(more, Kind::Ingresses, "web");
        assert!(y.starts_with("name: web\nnamespace: default\nannotations:\n  a: \"2\"\n  z: \"1\"\nuid: "), "{y}");
        assert!(
            j.contains("\"annotations\": {\n            \"a\": \"2\",\n            \"z\": \"1\"\n        },\n        \"uid\": "),
            "{j}"
        );
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\n  annotations:\n    team: blue\n    deployment.kubernetes.io/revision: \"7\"\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n      annotations:\n        prometheus.io/scrape: \"true\"\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";

    #[test]
    fn a_deployments_pods_carry_its_templates_annotations() {
        let (y, j) = printed(DEPLOYMENT, Kind::Pods, "web-");
        assert!(y.contains("\nannotations:\n  prometheus.io/scrape: \"true\"\nuid: "), "{y}");
        assert!(
            j.contains(
                "\n        },\n        \"annotations\": {\n            \"prometheus.io/scrape\": \"true\"\n        },\n        \"uid\": "
            ),
            "{j}"
        );
    }

    /// The Deployment controller's annotations: the revision on the Deployment (its own
    /// overwritten) and the ReplicaSet, which copies the Deployment's others and records the
    /// desired and maximum replicas (3 + 25% of 3 rounded up).
    #[test]
    fn a_deployment_and_its_replica_set_carry_the_controllers_annotations() {
        let (y, j) = printed(DEPLOYMENT, Kind::Deployments, "web");
        assert!(y.contains("labels:\n  app: web\nannotations:\n  deployment.kubernetes.io/revision: \"1\"\n  team: blue\nuid: "), "{y}");
        assert!(
            j.contains(
                "\"annotations\": {\n            \"deployment.kubernetes.io/revision\": \"1\",\n            \"team\": \"blue\"\n        },"
            ),
            "{j}"
        );
        let (y, j) = printed(DEPLOYMENT, Kind::ReplicaSets, "web-");
        assert!(
            y.contains("annotations:\n  deployment.kubernetes.io/desired-replicas: \"3\"\n  deployment.kubernetes.io/max-replicas: \"4\"\n  deployment.kubernetes.io/revision: \"1\"\n  team: blue\nuid: "),
            "{y}"
        );
        assert!(j.contains("\"deployment.kubernetes.io/max-replicas\": \"4\""), "{j}");
        // Its template is the Deployment's, annotations included.
        assert!(j.contains("\"template\": {\n            \"metadata\": {\n                \"labels\": {\n                    \"app\": \"web\",\n                    \"pod-template-hash\": "), "{j}");
        assert!(j.contains("\"annotations\": {\n                    \"prometheus.io/scrape\": \"true\"\n                }"), "{j}");
        // `MaxSurge` by strategy: an integer as it is, a percentage rounded up, none for Recreate;
        // the built-in CoreDNS (2 replicas, the default 25%).
        let strategies = [
            ("  strategy:\n    rollingUpdate:\n      maxSurge: 2\n", "5"),
            ("  strategy:\n    rollingUpdate:\n      maxSurge: 50%\n", "5"),
            ("  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 1\n", "3"),
            ("  strategy:\n    type: Recreate\n", "3"),
        ];
        for (strategy, max) in strategies {
            let text = DEPLOYMENT.replace("  replicas: 3\n", &format!("  replicas: 3\n{strategy}"));
            let (y, _) = printed(&text, Kind::ReplicaSets, "web-");
            assert!(y.contains(&format!("deployment.kubernetes.io/max-replicas: \"{max}\"\n")), "{strategy}{y}");
        }
        let (y, _) = printed(DEPLOYMENT, Kind::ReplicaSets, "coredns-");
        assert!(y.contains("deployment.kubernetes.io/desired-replicas: \"2\"\n  deployment.kubernetes.io/max-replicas: \"3\"\n"), "{y}");
    }

    /// The status part of `kind`/`name`'s YAML, the object itself, and the whole list.
    fn printed_status(text: &str, kind: Kind, name: &str) -> String {
        let y = printed_yaml(text, kind, name);
        y[y.find("\nstatus:\n").unwrap_or_else(|| panic!("{y}"))..].to_string()
    }

    /// A Deployment whose pods are all ready has the status its controller writes: counts of its
    /// one ReplicaSet's pods, then Available and Progressing (in the order `SetDeploymentCondition`
    /// leaves them) naming that ReplicaSet.
    #[test]
    fn a_settled_deployment_has_the_controllers_status() {
        let rs = printed_yaml(DEPLOYMENT, Kind::ReplicaSets, "web-");
        let rs_name = rs.lines().find_map(|l| l.strip_prefix("  name: ")).unwrap();
        assert_eq!(
            printed_status(DEPLOYMENT, Kind::Deployments, "web"),
            format!(
                "\nstatus:\n  observedGeneration: 1\n  replicas: 3\n  updatedReplicas: 3\n  readyReplicas: 3\n  availableReplicas: 3\n  conditions:\n    - type: Available\n      status: \"True\"\n      reason: MinimumReplicasAvailable\n      message: Deployment has minimum availability.\n    - type: Progressing\n      status: \"True\"\n      reason: NewReplicaSetAvailable\n      message: ReplicaSet \"{rs_name}\" has successfully progressed.\n"
            )
        );
        // Its pods never fit a node: none available (25% of 3 may be unavailable, rounded
        // down: none), and the rollout timed out long ago.
        let pending =
            DEPLOYMENT.replace("    spec:\n      containers:", "    spec:\n      nodeSelector:\n        disk: none\n      containers:");
        let rs = printed_yaml(&pending, Kind::ReplicaSets, "web-");
        let rs_name = rs.lines().find_map(|l| l.strip_prefix("  name: ")).unwrap();
        let y = printed_status(&pending, Kind::Deployments, "web");
        assert!(y.starts_with("\nstatus:\n  observedGeneration: 1\n  replicas: 3\n  updatedReplicas: 3\n  unavailableReplicas: 3\n  conditions:\n    - type: Available\n      status: \"False\"\n      reason: MinimumReplicasUnavailable\n"), "{y}");
        assert!(
            y.ends_with(&format!(
                "      reason: ProgressDeadlineExceeded\n      message: ReplicaSet \"{rs_name}\" has timed out progressing.\n"
            )),
            "{y}"
        );
        // With `maxUnavailable: 3` it is still Available; without a deadline there is no
        // Progressing condition.
        let lenient = pending.replace(
            "  replicas: 3\n",
            "  replicas: 3\n  progressDeadlineSeconds: 2147483647\n  strategy:\n    rollingUpdate:\n      maxUnavailable: 3\n",
        );
        let y = printed_status(&lenient, Kind::Deployments, "web");
        assert!(y.ends_with("  conditions:\n    - type: Available\n      status: \"True\"\n      reason: MinimumReplicasAvailable\n      message: Deployment has minimum availability.\n"), "{y}");
        // Its ReplicaSet: `replicas` always, zero counts left out.
        assert_eq!(
            printed_status(&pending, Kind::ReplicaSets, "web-"),
            "\nstatus:\n  replicas: 3\n  fullyLabeledReplicas: 3\n  observedGeneration: 1\n"
        );
        assert_eq!(
            printed_status(DEPLOYMENT, Kind::ReplicaSets, "web-"),
            "\nstatus:\n  replicas: 3\n  fullyLabeledReplicas: 3\n  readyReplicas: 3\n  availableReplicas: 3\n  observedGeneration: 1\n"
        );
    }

    /// `get pods,svc` and `get all`: one table per kind found, names with their kind when more
    /// than one kind was found, objects in storage-key order (namespace, then name).
    #[test]
    fn several_kinds_print_as_kubectl_prints_them() {
        assert_eq!(Kind::parse_list("pods,svc,po").unwrap(), [Kind::Pods, Kind::Services]);
        let all = Kind::parse_list("all").unwrap();
        assert_eq!(all.len(), 8);
        assert_eq!((all[0], all[2], all[7]), (Kind::Pods, Kind::Services, Kind::Jobs));
        assert_eq!(Kind::parse_list("ing,all").unwrap()[0], Kind::Ingresses);
        assert!(Kind::parse_list("pods,nope").is_err());

        let files = [crate::SourceFile::new("a.yaml", DEPLOYMENT)];
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &crate::Options::default());
        let default = Scope::Namespace("default".into());
        let out = tables(&c, &all, &default, false).unwrap();
        let blocks: Vec<&str> = out.split("\n\n").collect();
        assert_eq!(blocks.len(), 4, "pods, services, deployments, replicasets: {out}");
        assert!(blocks[0].starts_with("NAME ") && blocks[0].lines().skip(1).all(|l| l.starts_with("pod/web-")), "{out}");
        let pods: Vec<&str> = blocks[0].lines().skip(1).map(|l| l.split(' ').next().unwrap()).collect();
        assert!(pods.len() == 3 && pods.windows(2).all(|w| w[0] < w[1]), "sorted by name: {pods:?}");
        assert!(
            blocks[1].contains("\nservice/kubernetes ")
                && blocks[2].contains("\ndeployment.apps/web ")
                && blocks[3].contains("\nreplicaset.apps/web-"),
            "{out}"
        );
        // One kind found: plain names, as for one kind asked.
        let one = tables(&c, &[Kind::Pods, Kind::Jobs], &default, false).unwrap();
        assert!(one.lines().skip(1).all(|l| l.starts_with("web-")), "{one}");
        assert_eq!(tables(&c, &[Kind::Jobs], &default, false), None);
        // All namespaces: by namespace first (`default` before `kube-system`), names after the
        // NAMESPACE column carry their kind.
        let out = tables(&c, &[Kind::Pods, Kind::Services], &Scope::All, false).unwrap();
        let namespaces: Vec<&str> = out.split("\n\n").next().unwrap().lines().skip(1).map(|l| l.split(' ').next().unwrap()).collect();
        assert_eq!(namespaces, ["default", "default", "default", "kube-system", "kube-system"]);
        assert!(out.contains("\nkube-system   service/kube-dns "), "{out}");
        // One List, kind by kind, each sorted the same way.
        let l = list_kinds(&c, &a.objects, &[Kind::Services, Kind::Pods], &Scope::All);
        let names: Vec<String> = l
            .get("items")
            .and_then(Node::as_seq)
            .unwrap()
            .iter()
            .map(|i| {
                format!(
                    "{}/{}",
                    i.get("kind").and_then(Node::as_str).unwrap(),
                    i.path(&["metadata", "name"]).and_then(Node::as_str).unwrap()
                )
            })
            .collect();
        assert_eq!(names[..2], ["Service/kubernetes".to_string(), "Service/kube-dns".to_string()]);
        let pod_names: Vec<&String> = names.iter().filter(|n| n.starts_with("Pod/")).collect();
        assert!(
            pod_names.len() == 5
                && pod_names[..3].iter().all(|n| n.starts_with("Pod/web-"))
                && pod_names[..3].windows(2).all(|w| w[0] < w[1]),
            "{names:?}"
        );
    }

    /// A scheduled pod's status names its node's address twice, as the kubelet writes it.
    #[test]
    fn a_pods_status_has_its_hosts_ips() {
        let y = printed_status(DEPLOYMENT, Kind::Pods, "web-");
        let ip = y.lines().find_map(|l| l.strip_prefix("  hostIP: ")).unwrap_or_else(|| panic!("{y}"));
        assert!(y.contains(&format!("  hostIP: {ip}\n  hostIPs:\n    - ip: {ip}\n")), "{y}");
    }

    /// A StatefulSet's, DaemonSet's and Job's statuses have their own controllers' fields.
    #[test]
    fn stateful_sets_daemon_sets_and_jobs_have_their_controllers_status() {
        let template = "  template:\n    metadata:\n      labels:\n        app: w\n    spec:\n      containers:\n        - name: w\n          image: nginx:1.27\n";
        let sts = format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: w\nspec:\n  serviceName: w\n  replicas: 2\n  selector:\n    matchLabels:\n      app: w\n{template}");
        let pod = printed_yaml(&sts, Kind::Pods, "w-0");
        let revision = pod.lines().find_map(|l| l.trim().strip_prefix("controller-revision-hash: ")).unwrap().trim_matches('"');
        assert_eq!(
            printed_status(&sts, Kind::StatefulSets, "w"),
            format!("\nstatus:\n  replicas: 2\n  readyReplicas: 2\n  currentReplicas: 2\n  updatedReplicas: 2\n  currentRevision: {revision}\n  updateRevision: {revision}\n  collisionCount: 0\n  availableReplicas: 2\n  observedGeneration: 1\n")
        );
        // None ready: `availableReplicas` stays, as `replicas` does; with `OrderedReady` (the
        // default) the first pod is the only one.
        let none = sts.replace(
            "    spec:\n      containers:",
            "    spec:\n      readinessGates:\n        - conditionType: example.com/gate\n      containers:",
        );
        let y = printed_status(&none, Kind::StatefulSets, "w");
        assert!(y.starts_with("\nstatus:\n  replicas: 1\n  currentReplicas: 1\n") && y.contains("  availableReplicas: 0\n"), "{y}");
        let parallel = none.replace("  replicas: 2\n", "  replicas: 2\n  podManagementPolicy: Parallel\n");
        let y = printed_status(&parallel, Kind::StatefulSets, "w");
        assert!(y.starts_with("\nstatus:\n  replicas: 2\n  currentReplicas: 2\n") && y.contains("  availableReplicas: 0\n"), "{y}");

        let ds = format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: w\nspec:\n  selector:\n    matchLabels:\n      app: w\n{template}"
        );
        let nodes = crate::Options::default().cluster.node_count;
        assert_eq!(
            printed_status(&ds, Kind::DaemonSets, "w"),
            format!("\nstatus:\n  currentNumberScheduled: {nodes}\n  numberMisscheduled: 0\n  desiredNumberScheduled: {nodes}\n  numberReady: {nodes}\n  updatedNumberScheduled: {nodes}\n  numberAvailable: {nodes}\n  observedGeneration: 1\n")
        );

        let job = |extra: &str| {
            format!("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: w\nspec:\n  completions: 5\n  parallelism: 2\n{extra}  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: w\n          image: busybox\n")
        };
        assert_eq!(
            printed_status(&job(""), Kind::Jobs, "w"),
            "\nstatus:\n  active: 2\n  ready: 2\n  terminating: 0\n  uncountedTerminatedPods: {}\n"
        );
        let indexed = job("  completionMode: Indexed\n  backoffLimitPerIndex: 1\n");
        assert!(printed_status(&indexed, Kind::Jobs, "w").ends_with("  uncountedTerminatedPods: {}\n  failedIndexes: \"\"\n"));
    }

    /// The apps/v1 DaemonSet keeps `spec.templateGeneration` in an annotation: 1 on create, or
    /// what the manifest's annotation says; the pods' `pod-template-generation` is the same.
    #[test]
    fn a_daemon_set_carries_its_template_generation() {
        let ds = |meta: &str| {
            format!("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\n{meta}spec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      containers:\n        - name: a\n          image: nginx:1.27\n")
        };
        let (y, _) = printed(&ds(""), Kind::DaemonSets, "agent");
        assert!(y.contains("namespace: default\nannotations:\n  deprecated.daemonset.template.generation: \"1\"\nuid: "), "{y}");
        let text = ds("  annotations:\n    deprecated.daemonset.template.generation: \"3\"\n");
        let (_, j) = printed(&text, Kind::DaemonSets, "agent");
        assert!(j.contains("\"deprecated.daemonset.template.generation\": \"3\""), "{j}");
        let (y, _) = printed(&text, Kind::Pods, "agent-");
        assert!(y.contains("pod-template-generation: \"3\"\n"), "{y}");
    }

    /// The whole object of `get KIND -o yaml` whose name starts with `name`.
    fn printed_yaml(text: &str, kind: Kind, name: &str) -> String {
        let files = [crate::SourceFile::new("a.yaml", text)];
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &crate::Options::default());
        let l = list(&c, &a.objects, kind, &Scope::All);
        let items = l.get("items").and_then(Node::as_seq).unwrap();
        let item = items.iter().find(|i| i.path(&["metadata", "name"]).and_then(Node::as_str).is_some_and(|n| n.starts_with(name)));
        crate::yaml::emit::to_yaml(item.unwrap_or_else(|| panic!("{name}: {}", crate::yaml::emit::to_yaml(&l))))
    }

    /// A Deployment created paused: the controller creates no ReplicaSet (so it records no
    /// revision) and leaves the status `syncDeployment` gives it: the paused Progressing
    /// condition, then Available by `MaxUnavailable`, no replica counts (`omitempty`).
    #[test]
    fn a_paused_deployment_has_no_replica_set_and_says_it_is_paused() {
        let paused = DEPLOYMENT.replace("  replicas: 3\n", "  replicas: 3\n  paused: true\n");
        let y = printed_yaml(&paused, Kind::Deployments, "web");
        // No revision: the manifest's stays as written.
        assert!(y.contains("annotations:\n    deployment.kubernetes.io/revision: \"7\"\n    team: blue\n  uid: "), "{y}");
        assert!(
            y.ends_with("\nstatus:\n  observedGeneration: 1\n  conditions:\n    - type: Progressing\n      status: Unknown\n      reason: DeploymentPaused\n      message: Deployment is paused\n    - type: Available\n      status: \"False\"\n      reason: MinimumReplicasUnavailable\n      message: Deployment does not have minimum availability.\n"),
            "{y}"
        );
        let files = [crate::SourceFile::new("a.yaml", paused.as_str())];
        let (a, c) = crate::analysis::analyze_and_simulate(&files, &crate::Options::default());
        let rs = list(&c, &a.objects, Kind::ReplicaSets, &Scope::Namespace("default".into()));
        assert_eq!(rs.get("items").and_then(Node::as_seq).map(<[Node]>::len), Some(0));
        let pods = table(&c, Kind::Pods, &Scope::Namespace("default".into()), false);
        assert!(pods.rows.is_empty(), "{:?}", pods.rows);
        let t = table(&c, Kind::Deployments, &Scope::Namespace("default".into()), false);
        assert_eq!(t.rows, [["web", "0/3", "0", "0"]]);
        // Available when the unavailable pods allowed cover them all: 0 replicas, or one with
        // `maxSurge: 0` (the fenceposts then resolve `maxUnavailable` to at least 1); no
        // Progressing condition without a progress deadline (2147483647).
        let available = "    - type: Available\n      status: \"True\"\n      reason: MinimumReplicasAvailable\n      message: Deployment has minimum availability.\n";
        for (spec, progressing) in [
            ("  replicas: 0\n", true),
            ("  replicas: 1\n  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 10%\n", true),
            ("  replicas: 0\n  progressDeadlineSeconds: 2147483647\n", false),
        ] {
            let text = paused.replace("  replicas: 3\n", spec);
            let y = printed_yaml(&text, Kind::Deployments, "web");
            assert!(y.ends_with(available), "{spec}{y}");
            assert_eq!(y.contains("DeploymentPaused"), progressing, "{spec}{y}");
        }
        // Recreate: `MaxUnavailable` is 0.
        let text = paused.replace("  replicas: 3\n", "  replicas: 1\n  strategy:\n    type: Recreate\n");
        assert!(printed_yaml(&text, Kind::Deployments, "web").contains("reason: MinimumReplicasUnavailable"));
        // `paused: false` is an ordinary Deployment.
        let y = printed_yaml(&DEPLOYMENT.replace("  replicas: 3\n", "  replicas: 3\n  paused: false\n"), Kind::Deployments, "web");
        assert!(y.contains("deployment.kubernetes.io/revision: \"1\"") && !y.contains("DeploymentPaused"), "{y}");
    }

    /// `GetPodFromTemplate` gives a controller's pods `generateName: <controller>-` (a
    /// Deployment's: its ReplicaSet's), which a StatefulSet keeps while naming its pods itself;
    /// an Indexed Job's pods get `<job>-<index>-`. A hand-written Pod has the manifest's.
    #[test]
    fn a_controllers_pods_carry_its_generate_name() {
        let (y, j) = printed(DEPLOYMENT, Kind::Pods, "web-");
        let rs = y.lines().find_map(|l| l.strip_prefix("    name: ")).expect("the owner reference").to_string();
        assert!(y.contains(&format!("\ngenerateName: {rs}-\nnamespace: default\n")), "{y}");
        assert!(j.contains(&format!("\"generateName\": \"{rs}-\",")), "{j}");
        let workload = |kind: &str, spec: &str| {
            format!("apiVersion: {}\nkind: {kind}\nmetadata:\n  name: w\nspec:\n{spec}  selector:\n    matchLabels:\n      app: w\n  template:\n    metadata:\n      labels:\n        app: w\n    spec:\n      containers:\n        - name: w\n          image: nginx:1.27\n", if kind == "Job" { "batch/v1" } else { "apps/v1" })
        };
        for (kind, spec, generate_name) in [("StatefulSet", "  serviceName: w\n", "w-"), ("DaemonSet", "", "w-"), ("ReplicaSet", "", "w-")]
        {
            let (y, _) = printed(&workload(kind, spec), Kind::Pods, "w-");
            assert!(y.contains(&format!("\ngenerateName: {generate_name}\nnamespace: ")), "{kind}: {y}");
        }
        let (y, _) = printed(&workload("StatefulSet", "  serviceName: w\n"), Kind::Pods, "w-");
        assert!(y.starts_with("name: w-0\ngenerateName: w-\n"), "{y}");
        let job = |spec: &str| {
            workload("Job", spec)
                .replace("      containers:", "      restartPolicy: Never\n      containers:")
                .replace("  selector:\n    matchLabels:\n      app: w\n", "")
        };
        let (y, _) = printed(&job(""), Kind::Pods, "w-");
        assert!(y.contains("\ngenerateName: w-\nnamespace: "), "{y}");
        let (y, _) = printed(&job("  completions: 2\n  completionMode: Indexed\n"), Kind::Pods, "w-0-");
        assert!(y.contains("\ngenerateName: w-0-\nnamespace: "), "{y}");
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: p\n      image: nginx:1.27\n";
        let (y, _) = printed(pod, Kind::Pods, "p");
        assert!(!y.contains("generateName"), "{y}");
        let (y, _) = printed(&pod.replace("  name: p\n", "  name: p\n  generateName: p-\n"), Kind::Pods, "p");
        assert!(y.starts_with("name: p\ngenerateName: p-\nnamespace: "), "{y}");
    }

    /// A mirrored EndpointSlice keeps its Endpoints' annotations (but the trigger time),
    /// printed after its labels as every object's are, its `generateName` after its name.
    #[test]
    fn a_mirrored_slice_prints_its_annotations_after_its_labels() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n    - port: 5432\n---\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db\n  annotations:\n    note: x\n    endpoints.kubernetes.io/last-change-trigger-time: \"2025-01-01T00:00:00Z\"\nsubsets:\n  - addresses:\n      - ip: 192.0.2.42\n    ports:\n      - port: 5432\n";
        let (y, j) = printed(text, Kind::EndpointSlices, "db-");
        assert!(y.contains("\ngenerateName: db-\nnamespace: default\nlabels:\n"), "{y}");
        assert!(y.contains("  kubernetes.io/service-name: db\nannotations:\n  note: x\nuid: "), "{y}");
        assert!(j.contains("      \"kubernetes.io/service-name\": \"db\"\n        },\n        \"annotations\": {\n            \"note\": \"x\"\n        },\n        \"uid\": "), "{j}");
    }
}
