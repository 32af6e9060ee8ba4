//! The routing map's model: which boxes (Ingresses, Services, EndpointSlices, Pods, Nodes) and
//! which links between them the simulated cluster holds, with traffic shares and the reasons of
//! broken links, laid out in fixed columns (one per kind) with rows in a sorted order so the
//! same cluster always gives the same picture. Pure data: the Map component only draws it.

use std::collections::{BTreeMap, HashMap};

use kplay_core::api::acceptance_name;
use kplay_core::cluster::{Cluster, EndpointSlice, Node, Pod, Service};
use kplay_core::model::typed::{IngressBackendView, IntOrString};
use kplay_core::model::{Acceptance, Object};
use kplay_core::proxy::input::{BackendPort, ProxyInput};
use kplay_core::proxy::trace::{Destination, Source, TraceRequest, Tracer};

/// Box width and the horizontal distance between columns, in SVG units.
pub const BOX_W: f64 = 180.0;
/// Node boxes are narrower: a name, a zone, an address and a state.
pub const NODE_W: f64 = 110.0;
const COL_GAP: f64 = 60.0;
/// The gap before the node column (its links are short "runs on" lines).
const NODE_GAP: f64 = 28.0;
const MARGIN: f64 = 12.0;
const ROW_GAP: f64 = 12.0;
/// Height of the title line and of each further line.
const TITLE_H: f64 = 20.0;
pub const LINE_H: f64 = 14.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Ingress,
    Service,
    Slice,
    Pod,
    Node,
}

impl Kind {
    pub fn column(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ingress => "ingress",
            Kind::Service => "service",
            Kind::Slice => "slice",
            Kind::Pod => "pod",
            Kind::Node => "node",
        }
    }
}

/// How a box is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    Ok,
    NotReady,
    Terminating,
    /// Something the manifests refer to that does not exist (drawn as a dashed box).
    Missing,
    /// An object the API server would refuse: it is not in the cluster (dashed too).
    Refused,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::NotReady => "not-ready",
            Health::Terminating => "terminating",
            Health::Missing => "missing",
            Health::Refused => "refused",
        }
    }

    /// Not a real object of the cluster.
    pub fn is_placeholder(self) -> bool {
        matches!(self, Health::Missing | Health::Refused)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapBox {
    /// `svc/NS/NAME`, `pod/NS/NAME`, `ing/NS/NAME`, `slice/NS/NAME`, `missing/...`.
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub lines: Vec<String>,
    pub health: Health,
    /// Index into the analysis' objects of the manifest it comes from (a pod's workload).
    pub object: Option<usize>,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// The namespace and name in a pod box's id (`pod/NS/NAME`); `None` for other boxes.
pub fn pod_ref(id: &str) -> Option<(&str, &str)> {
    id.strip_prefix("pod/")?.split_once('/')
}

impl MapBox {
    fn new(id: String, kind: Kind, title: String, lines: Vec<String>, health: Health, object: Option<usize>) -> Self {
        let h = TITLE_H + LINE_H * lines.len() as f64 + 6.0;
        let w = if kind == Kind::Node { NODE_W } else { BOX_W };
        MapBox { id, kind, title, lines, health, object, x: 0.0, y: 0.0, w, h }
    }

    /// The point links leave from (right edge, middle) and arrive at (left edge, middle).
    pub fn out_point(&self) -> (f64, f64) {
        (self.x + self.w, self.y + self.h / 2.0)
    }

    pub fn in_point(&self) -> (f64, f64) {
        (self.x, self.y + self.h / 2.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MapEdge {
    pub from: usize,
    pub to: usize,
    pub label: String,
    /// The share of the Service's traffic this link carries (Slice -> Pod links), as kube-proxy's
    /// rules on the map's viewpoint node give it.
    pub share: Option<f64>,
    /// A pod -> node "runs on" link (drawn thin and dotted, no arrow).
    pub runs_on: bool,
    /// Why the link is broken (drawn dashed in the error colour).
    pub broken: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map {
    pub boxes: Vec<MapBox>,
    pub edges: Vec<MapEdge>,
    pub width: f64,
    pub height: f64,
    /// The node whose kube-proxy rules the shares come from: a client on it sends to each
    /// Service's first port.
    pub viewpoint: Option<String>,
}

impl Map {
    pub fn find(&self, id: &str) -> Option<&MapBox> {
        self.boxes.iter().find(|b| b.id == id)
    }

    /// Ids of the pods drawn as ready.
    #[cfg(test)]
    pub fn ready_pods(&self) -> Vec<&str> {
        self.boxes.iter().filter(|b| b.kind == Kind::Pod && b.health == Health::Ok).map(|b| b.id.as_str()).collect()
    }

    pub fn broken(&self) -> impl Iterator<Item = &MapEdge> {
        self.edges.iter().filter(|e| e.broken.is_some())
    }
}

/// Splits `text` into lines of at most `width` characters at spaces (longer words stay whole).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match out.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => out.push(word.to_owned()),
        }
    }
    out
}

/// Characters of a box line that fit in [`BOX_W`].
pub const LINE_CHARS: usize = 27;
/// Characters of a line that fit in a node box ([`NODE_W`]).
pub const NODE_LINE_CHARS: usize = 15;

impl MapBox {
    /// Characters of one of its lines that fit.
    pub fn line_chars(&self) -> usize {
        if self.kind == Kind::Node {
            NODE_LINE_CHARS
        } else {
            LINE_CHARS
        }
    }
}

/// `NAME` in the default namespace, else `NAMESPACE/NAME`.
pub fn short(ns: &str, name: &str) -> String {
    if ns == "default" {
        name.to_owned()
    } else {
        format!("{ns}/{name}")
    }
}

/// Built-in objects (the `kubernetes` Service, CoreDNS) come from no manifest.
fn user_object(object: usize) -> Option<usize> {
    (object != usize::MAX).then_some(object)
}

fn pod_health(p: &Pod) -> Health {
    if p.terminating {
        Health::Terminating
    } else if p.ready {
        Health::Ok
    } else {
        Health::NotReady
    }
}

/// The share of new connections each endpoint address of `svc` gets from a client on node
/// `from` sending to the Service's first port, as the core's simulation expects it (traffic
/// policies, topology, terminating fallback). `None` when kube-proxy does not balance the
/// Service (headless, ExternalName, no port).
fn service_shares(tracer: &mut Tracer, cluster: &Cluster, svc: &Service, from: &str) -> Option<HashMap<String, f64>> {
    if svc.headless || svc.cluster_ips.is_empty() {
        return None;
    }
    let port = svc.ports.first()?;
    let to = Destination::Service {
        namespace: svc.namespace.clone(),
        name: svc.name.clone(),
        port: BackendPort::Number(u16::try_from(port.spec.port).ok()?),
    };
    let mut req = TraceRequest::new(Source::Node(from.to_owned()), to);
    req.protocol = kplay_core::proxy::input::Protocol::parse(&port.spec.protocol).unwrap_or(req.protocol);
    req.mode = cluster.description.proxy_mode.into();
    let shares = tracer.expected_shares(&req)?;
    Some(shares.into_iter().map(|(e, share)| (e.ip, share)).collect())
}

fn percent(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 0.05 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// Builds the map of `cluster`; `objects` are the analysis' objects, whose refused Services,
/// Ingresses, pods and workloads are drawn as dashed boxes; `system` adds the built-in
/// Services and pods (kube-dns); traffic shares are those of a client on node `from` (default
/// and fallback: the first node).
pub fn build(cluster: &Cluster, objects: &[Object], system: bool, from: Option<&str>) -> Map {
    let mut b = Builder { boxes: Vec::new(), ids: BTreeMap::new(), edges: Vec::new() };
    let viewpoint = from.and_then(|n| cluster.node(n)).or(cluster.nodes.first()).map(|n| n.name.clone());
    // kube-proxy's input and the tracer are built on the first Service that has endpoints.
    let input = std::cell::OnceCell::new();
    let mut tracer: Option<Tracer> = None;
    let mut services: Vec<&Service> = cluster.services.iter().filter(|s| system || !s.builtin).collect();
    kplay_core::sort::sort_by(&mut services, |a, c| (&a.namespace, &a.name).cmp(&(&c.namespace, &c.name)));
    let mut ingresses: Vec<_> = cluster.ingresses.iter().collect();
    kplay_core::sort::sort_by(&mut ingresses, |a, c| (&a.namespace, &a.name).cmp(&(&c.namespace, &c.name)));

    // Ingresses and their backends.
    for ing in &ingresses {
        let mut backends: Vec<(String, &IngressBackendView)> = Vec::new();
        if let Some(d) = &ing.spec.default_backend {
            backends.push(("(default)".to_owned(), d));
        }
        for r in &ing.spec.rules {
            for p in &r.paths {
                let host = r.host.as_deref().unwrap_or("*");
                backends.push((format!("{host}{}", p.path.as_deref().unwrap_or("/")), &p.backend));
            }
        }
        let lines = backends.iter().map(|(route, _)| route.clone()).collect();
        let id = format!("ing/{}/{}", ing.namespace, ing.name);
        let from =
            b.add(MapBox::new(id, Kind::Ingress, short(&ing.namespace, &ing.name), lines, Health::Ok, user_object(ing.spec.origin.object)));
        for (_, be) in backends {
            let Some(svc_name) = &be.service_name else { continue };
            let label = be.port.as_ref().map_or_else(String::new, |p| format!(":{p}"));
            match cluster.service(&ing.namespace, svc_name) {
                Some(svc) => {
                    let to = b.service(svc);
                    let broken = be.port.as_ref().and_then(|p| {
                        let found = svc.ports.iter().any(|sp| match p {
                            IntOrString::Int(n) => sp.spec.port == *n,
                            IntOrString::Str(s) => sp.spec.name == *s,
                        });
                        (!found).then(|| format!("Service {svc_name} has no port {p}"))
                    });
                    b.edges.push(MapEdge { from, to, label, share: None, runs_on: false, broken });
                }
                None => {
                    let id = format!("missing/svc/{}/{svc_name}", ing.namespace);
                    let reason = format!("backend Service {svc_name} does not exist in namespace {}", ing.namespace);
                    let lines = wrap(&reason, LINE_CHARS);
                    let to = b.add_once(MapBox::new(id, Kind::Service, short(&ing.namespace, svc_name), lines, Health::Missing, None));
                    b.edges.push(MapEdge { from, to, label, share: None, runs_on: false, broken: Some(reason) });
                }
            }
        }
    }

    // Services, their slices and the pods behind them.
    for svc in &services {
        let sid = b.service(svc);
        let slices: Vec<_> = cluster.slices_of(&svc.namespace, &svc.name).collect();
        // Shares only label endpoints: a Service without any is not traced (tracing one walks
        // the node's rules, the main cost of drawing a long manifest's map).
        let has_endpoints = slices.iter().any(|s| !s.endpoints.is_empty());
        let shares = viewpoint.as_deref().filter(|_| has_endpoints).and_then(|n| {
            let tracer = tracer.get_or_insert_with(|| Tracer::new(input.get_or_init(|| ProxyInput::from_cluster(cluster))));
            service_shares(tracer, cluster, svc, n)
        });
        for slice in &slices {
            let n_ready = slice.endpoints.iter().filter(|e| e.is_ready()).count();
            let ports: Vec<String> = slice.ports.iter().filter_map(|p| p.port).map(|p| p.to_string()).collect();
            let count = slice.endpoints.len();
            let mut lines = vec![format!("{count} endpoint{}, {n_ready} ready", if count == 1 { "" } else { "s" })];
            lines.push(if ports.is_empty() {
                "no ports".to_owned()
            } else {
                format!("port{} {}", if ports.len() == 1 { "" } else { "s" }, ports.join(", "))
            });
            let id = format!("slice/{}/{}", slice.namespace, slice.name);
            let obj = if slice.managed { None } else { user_object(slice.origin.object) };
            let title = slice.name.clone();
            let to = b.add_once(MapBox::new(id, Kind::Slice, title, lines, Health::Ok, obj));
            b.edges.push(MapEdge { from: sid, to, label: String::new(), share: None, runs_on: false, broken: None });
            let port = slice.ports.first().and_then(|p| p.port);
            for e in &slice.endpoints {
                // A fold from +0.0 (an empty `sum` of floats is -0.0, printed "-0%").
                let share = shares.as_ref().map(|m| e.addresses.iter().filter_map(|a| m.get(a)).fold(0.0, |t, s| t + s));
                let Some(t) = e.target_ref.as_ref().filter(|t| t.kind == "Pod") else { continue };
                let Some(pod) = cluster.pod(&t.namespace, &t.name) else { continue };
                let pid = b.pod(cluster, pod, port);
                let label = match share {
                    Some(s) if s > 0.0 => percent(s),
                    _ if e.is_terminating() => "terminating".to_owned(),
                    _ if !e.is_ready() => "not ready".to_owned(),
                    Some(s) => percent(s),
                    None => String::new(),
                };
                b.edges.push(MapEdge { from: to, to: pid, label, share, broken: None, runs_on: false });
            }
        }
        b.selector_links(cluster, svc, sid, &slices);
    }

    // Pods nothing routes to are drawn too, below.
    let mut pods: Vec<&Pod> = cluster.pods.iter().filter(|p| system || p.origin.object != usize::MAX).collect();
    kplay_core::sort::sort_by(&mut pods, |a, c| (&a.namespace, &a.name).cmp(&(&c.namespace, &c.name)));
    for p in pods {
        b.pod(cluster, p, None);
    }
    // The nodes, and which node each drawn pod runs on.
    // Pod counts are of the pods drawn (the CoreDNS pods only with the system objects).
    let mut per_node: HashMap<&str, usize> = HashMap::new();
    for p in cluster.pods.iter().filter(|p| system || p.origin.object != usize::MAX) {
        if let Some(n) = p.node.as_deref() {
            *per_node.entry(n).or_insert(0) += 1;
        }
    }
    for n in &cluster.nodes {
        b.node(cluster, n, per_node.get(n.name.as_str()).copied().unwrap_or(0), viewpoint.as_deref() == Some(n.name.as_str()));
    }
    let runs_on: Vec<(usize, usize)> = b
        .boxes
        .iter()
        .enumerate()
        .filter(|(_, x)| x.kind == Kind::Pod && !x.health.is_placeholder())
        .filter_map(|(i, x)| {
            let (ns, name) = pod_ref(&x.id)?;
            let node = cluster.pod(ns, name)?.node.as_deref()?;
            Some((i, *b.ids.get(&format!("node/{node}"))?))
        })
        .collect();
    for (from, to) in runs_on {
        b.edges.push(MapEdge { from, to, label: String::new(), share: None, broken: None, runs_on: true });
    }
    for (i, o) in objects.iter().enumerate() {
        if matches!(o.acceptance, Acceptance::Accepted | Acceptance::Unknown) {
            continue;
        }
        let kind = match o.kind.as_str() {
            "Ingress" => Kind::Ingress,
            "Service" => Kind::Service,
            "Pod" | "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "ReplicationController" => Kind::Pod,
            _ => continue,
        };
        let name = o.name.as_deref().unwrap_or("(no name)");
        let id = format!("refused/{}/{}/{name}", o.kind, o.namespace);
        let lines = wrap(&format!("{} refused at {}: not in the cluster", o.kind, acceptance_name(o.acceptance)), LINE_CHARS);
        b.add_once(MapBox::new(id, kind, short(&o.namespace, name), lines, Health::Refused, Some(i)));
    }
    let mut map = b.layout();
    map.viewpoint = viewpoint;
    map
}

struct Builder {
    boxes: Vec<MapBox>,
    ids: BTreeMap<String, usize>,
    edges: Vec<MapEdge>,
}

impl Builder {
    fn add(&mut self, bx: MapBox) -> usize {
        let i = self.boxes.len();
        self.ids.insert(bx.id.clone(), i);
        self.boxes.push(bx);
        i
    }

    fn add_once(&mut self, bx: MapBox) -> usize {
        match self.ids.get(&bx.id) {
            Some(&i) => i,
            None => self.add(bx),
        }
    }

    fn service(&mut self, svc: &Service) -> usize {
        let id = format!("svc/{}/{}", svc.namespace, svc.name);
        if let Some(&i) = self.ids.get(&id) {
            return i;
        }
        // A headless Service has no virtual IP: DNS answers with the pods' addresses.
        let mut lines = vec![if svc.headless { "headless (clusterIP: None)".to_owned() } else { svc.type_.clone() }];
        let ip = svc.cluster_ips.first().map_or_else(|| "-".to_owned(), ToString::to_string);
        for p in &svc.ports {
            let at = if svc.headless { "port ".to_owned() } else { format!("{ip}:") };
            lines.push(format!("{at}{} → {}", p.spec.port, p.spec.target_port));
            if let Some(np) = p.node_port {
                lines.push(format!("NodePort {np}"));
            }
        }
        if svc.ports.is_empty() && !svc.headless {
            lines.push(ip);
        }
        if let Some(a) = svc.spec.session_affinity.as_deref().filter(|a| *a != "None") {
            lines.push(format!("affinity {a}"));
        }
        let origin = svc.origin();
        self.add(MapBox::new(id, Kind::Service, short(&svc.namespace, &svc.name), lines, Health::Ok, user_object(origin.object)))
    }

    fn pod(&mut self, cluster: &Cluster, p: &Pod, port: Option<i64>) -> usize {
        let id = format!("pod/{}/{}", p.namespace, p.name);
        if let Some(&i) = self.ids.get(&id) {
            return i;
        }
        let ip = p.ip().map_or_else(|| "no IP".to_owned(), |ip| port.map_or_else(|| ip.to_string(), |port| format!("{ip}:{port}")));
        let node = p.node.as_deref().unwrap_or("unscheduled");
        let zone = p.node.as_deref().and_then(|n| cluster.node(n)).and_then(|n| n.zone.as_deref()).unwrap_or("-");
        let health = pod_health(p);
        let state = match health {
            Health::Ok => "ready",
            // The kubelet's reason when a missing ConfigMap or Secret key holds the pod.
            Health::NotReady => p.held().map_or("not ready", |h| h.reason()),
            Health::Terminating => "terminating",
            Health::Missing | Health::Refused => "missing",
        };
        let lines = vec![ip, format!("{node} · {zone}"), state.to_owned()];
        self.add(MapBox::new(id, Kind::Pod, short(&p.namespace, &p.name), lines, health, user_object(p.origin.object)))
    }

    fn node(&mut self, cluster: &Cluster, n: &Node, pods: usize, viewpoint: bool) -> usize {
        // Nodes are built in the order they are described.
        let described = cluster.nodes.iter().position(|x| x.name == n.name).and_then(|i| cluster.description.nodes.get(i));
        let down = cluster.description.overrides.nodes_down.contains(&n.name) || described.is_some_and(|d| d.ready == Some(false));
        let (state, health) = match (n.ready, down) {
            (true, _) => ("Ready", Health::Ok),
            (false, true) => ("down", Health::NotReady),
            (false, false) => ("NotReady", Health::NotReady),
        };
        let mut lines = vec![format!("zone {}", n.zone.as_deref().unwrap_or("-")), n.internal_ip.to_string(), state.to_owned()];
        if !n.ready && !down && n.pod_cidrs.is_empty() {
            lines.push("no pod CIDR".to_owned());
        }
        lines.push(format!("{pods} pod{}", if pods == 1 { "" } else { "s" }));
        if viewpoint {
            lines.push("viewpoint".to_owned());
        }
        self.add(MapBox::new(format!("node/{}", n.name), Kind::Node, n.name.clone(), lines, health, None))
    }

    /// Links that explain why a Service reaches no pod: a selector matching nothing, a
    /// selector-less Service without slices, a named targetPort the selected pods lack.
    fn selector_links(&mut self, cluster: &Cluster, svc: &Service, sid: usize, slices: &[&EndpointSlice]) {
        if svc.type_ == "ExternalName" {
            return;
        }
        let Some(selector) = &svc.selector else {
            if slices.is_empty() {
                let id = format!("missing/endpoints/{}/{}", svc.namespace, svc.name);
                let reason = "the Service has no selector, so no EndpointSlice is written for it".to_owned();
                let to = self.add_once(MapBox::new(
                    id,
                    Kind::Slice,
                    "no EndpointSlice".to_owned(),
                    wrap(&reason, LINE_CHARS),
                    Health::Missing,
                    None,
                ));
                self.edges.push(MapEdge {
                    from: sid,
                    to,
                    label: "no selector".to_owned(),
                    share: None,
                    runs_on: false,
                    broken: Some(reason),
                });
            }
            return;
        };
        let selected = cluster.select_pods(&svc.namespace, selector);
        let sel = selector.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        if selected.is_empty() {
            let id = format!("missing/pods/{}/{}", svc.namespace, svc.name);
            let mut reason = format!("selector {sel} matches no pod in namespace {}", svc.namespace);
            // A top-level workload whose pods it would select but that runs none (scaled to 0
            // here or in its manifest, or a Deployment created paused): the box stands for it,
            // so its details offer the scale.
            let idle = cluster.workloads.iter().find(|w| {
                w.owner.is_none()
                    && w.namespace == svc.namespace
                    && (w.desired == 0 || w.paused)
                    && !selector.is_empty()
                    && selector.iter().all(|(k, v)| w.template.labels.get(k) == Some(v))
            });
            if let Some(w) = idle {
                let why = if w.desired == 0 { "has 0 replicas" } else { "is paused, so it has no ReplicaSet" };
                reason.push_str(&format!(": {}/{} {why}", w.kind.to_ascii_lowercase(), w.name));
            }
            let object = idle.and_then(|w| user_object(w.origin.object));
            let to = self.add_once(MapBox::new(id, Kind::Pod, "no pods".to_owned(), wrap(&reason, LINE_CHARS), Health::Missing, object));
            self.edges.push(MapEdge {
                from: sid,
                to,
                label: "selector matches nothing".to_owned(),
                share: None,
                runs_on: false,
                broken: Some(reason),
            });
            return;
        }
        for &i in &selected {
            let Some(p) = cluster.pods.get(i) else { continue };
            for sp in &svc.ports {
                let IntOrString::Str(name) = &sp.spec.target_port else { continue };
                if p.spec.find_port(name, &sp.spec.protocol).is_some() {
                    continue;
                }
                let pid = self.pod(cluster, p, None);
                let reason = format!("named port {name} is missing: no container of pod {} declares it", p.name);
                self.edges.push(MapEdge {
                    from: sid,
                    to: pid,
                    label: format!("port {name} missing"),
                    share: None,
                    runs_on: false,
                    broken: Some(reason),
                });
            }
        }
    }

    /// Columns by kind; rows in the order the boxes were added, which follows sorted
    /// Services, so linked boxes sit near each other.
    fn layout(mut self) -> Map {
        const COLS: usize = 5;
        let mut next_y = [MARGIN; COLS];
        let used: Vec<bool> = (0..COLS).map(|c| self.boxes.iter().any(|b| b.kind.column() == c)).collect();
        // Empty columns (no Ingress) take no room.
        let mut xs = [0.0; COLS];
        let mut x = MARGIN;
        for c in 0..COLS {
            let node = c == Kind::Node.column();
            if used[c] && node && x > MARGIN {
                // The node column sits closer to the pods than the other columns to each other.
                x -= COL_GAP - NODE_GAP;
            }
            xs[c] = x;
            if used[c] {
                x += if node { NODE_W } else { BOX_W } + COL_GAP;
            }
        }
        for bx in &mut self.boxes {
            let c = bx.kind.column();
            bx.x = xs[c];
            bx.y = next_y[c];
            next_y[c] += bx.h + ROW_GAP;
        }
        let height = next_y.iter().copied().fold(MARGIN, f64::max);
        Map { width: (x - COL_GAP + MARGIN).max(BOX_W + 2.0 * MARGIN), height, boxes: self.boxes, edges: self.edges, viewpoint: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_core::{analyze, Options, SourceFile};

    fn map_of(files: &[(&str, &str)], opts: &Options, system: bool) -> (Map, Cluster) {
        let files: Vec<SourceFile> = files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect();
        let a = analyze(&files, opts);
        let c = kplay_core::cluster::simulate(&files, &a.objects, opts);
        (build(&c, &a.objects, system, None), c)
    }

    fn example(id: &str) -> Vec<(&'static str, &'static str)> {
        crate::examples::find(id).expect("example").files.to_vec()
    }

    #[test]
    fn percentages_and_wrapping() {
        assert_eq!(percent(1.0 / 3.0), "33.3%");
        assert_eq!(percent(0.5), "50%");
        assert_eq!(wrap("selector app=web matches no pod", 16), vec!["selector app=web", "matches no pod"]);
        assert_eq!(wrap("averyveryverylongword x", 4), vec!["averyveryverylongword", "x"]);
    }

    #[test]
    fn a_service_with_a_deployment_links_service_slice_and_pods() {
        let (m, c) = map_of(&example("clusterip"), &Options::default(), false);
        let svc = m.find("svc/default/web").expect("the web Service");
        assert!(svc.lines.iter().any(|l| l.contains(":80 → http")), "{:?}", svc.lines);
        assert!(m.boxes.iter().all(|b| b.lines.iter().all(|l| l.chars().count() <= b.line_chars())), "lines fit their box");
        let ip = c.service("default", "web").unwrap().cluster_ips[0].to_string();
        assert!(svc.lines.iter().any(|l| l.starts_with(&ip)), "{:?}", svc.lines);
        assert_eq!(m.ready_pods().len(), 3);
        assert!(m.boxes.iter().all(|b| !b.id.contains("kube-dns")), "system objects are hidden");
        let pod_links: Vec<_> = m.edges.iter().filter(|e| m.boxes[e.to].kind == Kind::Pod && !e.runs_on).collect();
        assert_eq!(pod_links.len(), 3);
        let total: f64 = pod_links.iter().filter_map(|e| e.share).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        assert!(m.broken().next().is_none());
        // With the system objects, kube-dns and its CoreDNS pods appear.
        assert!(map_of(&example("clusterip"), &Options::default(), true).0.find("svc/kube-system/kube-dns").is_some());
    }

    #[test]
    fn layout_is_deterministic_columns_by_kind() {
        let (a, _) = map_of(&example("clusterip"), &Options::default(), true);
        assert_eq!(a, map_of(&example("clusterip"), &Options::default(), true).0);
        for bx in &a.boxes {
            let same_col = a.boxes.iter().filter(|o| o.kind == bx.kind);
            assert!(same_col.clone().all(|o| (o.x - bx.x).abs() < f64::EPSILON));
            for o in same_col.filter(|o| o.id != bx.id) {
                assert!(o.y + o.h <= bx.y || bx.y + bx.h <= o.y, "{} overlaps {}", o.id, bx.id);
            }
        }
        let svc_x = a.boxes.iter().find(|b| b.kind == Kind::Service).unwrap().x;
        let pod_x = a.boxes.iter().find(|b| b.kind == Kind::Pod).unwrap().x;
        assert!(svc_x < pod_x);
        assert!(a.boxes.iter().all(|b| b.x + b.w <= a.width && b.y + b.h <= a.height));
        let node_x = a.boxes.iter().find(|b| b.kind == Kind::Node).unwrap().x;
        assert!(pod_x + BOX_W < node_x, "nodes are the last column");
    }

    #[test]
    fn a_pod_held_by_a_missing_config_key_says_why() {
        let text = "apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast}
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers:
    - name: web
      image: nginx:1.27
      env: [{name: M, valueFrom: {configMapKeyRef: {name: settings, key: speed}}}]
";
        let (m, _) = map_of(&[("a.yaml", text)], &Options::default(), false);
        let pod = m.find("pod/default/web").expect("the pod");
        assert_eq!(pod.health, Health::NotReady);
        assert_eq!(pod.lines.last().map(String::as_str), Some("CreateContainerConfigError"));
        assert!(pod.lines.iter().all(|l| l.chars().count() <= pod.line_chars()));
    }

    #[test]
    fn a_not_ready_pod_gets_no_share() {
        let (_, c) = map_of(&example("clusterip"), &Options::default(), false);
        let pod = c.pods.iter().find(|p| p.namespace == "default").unwrap().name.clone();
        let mut opts = Options::default();
        opts.cluster.overrides.pods.push(kplay_core::cluster::PodOverride { name: pod.clone(), ready: Some(false), ..Default::default() });
        let (m, _) = map_of(&example("clusterip"), &opts, false);
        assert_eq!(m.ready_pods().len(), 2);
        assert_eq!(m.find(&format!("pod/default/{pod}")).unwrap().health, Health::NotReady);
        let shares: Vec<f64> = m.edges.iter().filter_map(|e| e.share).filter(|s| *s > 0.0).collect();
        assert_eq!(shares, vec![0.5, 0.5]);
    }

    #[test]
    fn broken_links_say_why() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: wbe\n  ports:\n    - port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: named\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: web\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing\nspec:\n  rules:\n    - host: shop.example\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: gone\n                port:\n                  number: 80\n";
        let (m, _) = map_of(&[("a.yaml", text)], &Options::default(), false);
        let reasons: Vec<&str> = m.broken().filter_map(|e| e.broken.as_deref()).collect();
        assert!(reasons.iter().any(|r| r.contains("selector app=wbe matches no pod")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("named port http is missing")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("backend Service gone does not exist")), "{reasons:?}");
        assert_eq!(m.find("missing/svc/default/gone").map(|b| b.health), Some(Health::Missing));
        assert!(m.find("ing/default/ing").unwrap().lines.contains(&"shop.example/".to_owned()));
    }

    #[test]
    fn a_workload_scaled_to_zero_is_named_by_the_empty_box_that_stands_for_it() {
        let mut opts = Options::default();
        opts.cluster.overrides.scale.push(kplay_core::cluster::ScaleOverride {
            namespace: None,
            kind: "Deployment".into(),
            name: "web".into(),
            replicas: 0,
        });
        let files = example("clusterip");
        let (m, _) = map_of(&files, &opts, false);
        let empty = m.boxes.iter().find(|b| b.id.starts_with("missing/pods/")).expect("a placeholder for the pods");
        assert!(empty.lines.join(" ").contains("deployment/web has 0 replicas"), "{:?}", empty.lines);
        let (m0, _) = map_of(&files, &Options::default(), false);
        assert!(m0.boxes.iter().all(|b| !b.id.starts_with("missing/pods/")));
        // The box stands for the Deployment: its details offer the scale back.
        let a = analyze(&files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect::<Vec<_>>(), &opts);
        assert_eq!(empty.object.and_then(|i| a.objects.get(i)).map(|o| o.kind.as_str()), Some("Deployment"));
    }

    #[test]
    fn a_paused_deployment_is_named_by_the_empty_box_that_stands_for_it() {
        let texts: Vec<(&str, String)> = example("clusterip")
            .iter()
            .map(|(n, t)| (*n, t.replace("\nspec:\n  replicas: 3\n", "\nspec:\n  paused: true\n  replicas: 3\n")))
            .collect();
        assert!(texts.iter().any(|(_, t)| t.contains("paused: true")), "the example has a Deployment to pause");
        let files: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let (m, _) = map_of(&files, &Options::default(), false);
        let empty = m.boxes.iter().find(|b| b.id.starts_with("missing/pods/")).expect("a placeholder for the pods");
        assert!(empty.lines.join(" ").contains("deployment/web is paused"), "{:?}", empty.lines);
        assert!(empty.object.is_some(), "the box stands for the Deployment");
    }

    #[test]
    fn headless_services_and_slices_read_as_such() {
        let (m, _) = map_of(&example("headless-statefulset"), &Options::default(), false);
        let svc = m.boxes.iter().find(|b| b.kind == Kind::Service).unwrap();
        assert_eq!(svc.lines[0], "headless (clusterIP: None)");
        assert!(svc.lines.iter().all(|l| !l.contains("None:")), "{:?}", svc.lines);
        assert!(svc.lines.iter().any(|l| l.starts_with("port ")), "{:?}", svc.lines);
        let slice = m.boxes.iter().find(|b| b.kind == Kind::Slice).unwrap();
        assert!(slice.lines[0].contains(" endpoints, ") || slice.lines[0].contains(" endpoint, "), "{:?}", slice.lines);
        let (m, _) = map_of(&example("mistake-named-port"), &Options::default(), false);
        for b in m.boxes.iter().filter(|b| b.kind == Kind::Slice) {
            assert!(!b.lines.iter().any(|l| l == "ports " || l.starts_with("1 endpoints")), "{:?}", b.lines);
        }
    }

    #[test]
    fn the_seed_tutorial_still_draws_its_service_and_pod() {
        let (m, _) = map_of(&[("m.yaml", crate::examples::SEED_TUTORIAL)], &Options::default(), false);
        assert!(m.find("svc/default/my-service").is_some());
        // The pod's invalid env name makes the API server refuse it: drawn, dashed, with why.
        let pod = m.find("refused/Pod/default/my-pod").expect("the refused pod");
        assert_eq!(pod.health, Health::Refused);
        assert!(pod.lines.join(" ").contains("refused at validation"), "{:?}", pod.lines);
        assert!(m.broken().any(|e| e.broken.as_deref().is_some_and(|r| r.contains("no selector"))));
    }

    /// Two Services over the same three pods (one per node, zones a/b/c): one with
    /// internalTrafficPolicy Local, one with trafficDistribution PreferClose.
    const POLICIES: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: local\nspec:\n  internalTrafficPolicy: Local\n  selector:\n    app: web\n  ports:\n    - port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: close\nspec:\n  trafficDistribution: PreferClose\n  selector:\n    app: web\n  ports:\n    - port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: spread\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";

    /// `service -> [(pod's node, share)]` of the map's slice -> pod links.
    fn shares(m: &Map, c: &Cluster, svc: &str) -> Vec<(String, f64)> {
        let slices: Vec<usize> = m
            .edges
            .iter()
            .filter(|e| m.boxes[e.from].id == format!("svc/default/{svc}") && m.boxes[e.to].kind == Kind::Slice)
            .map(|e| e.to)
            .collect();
        let mut out: Vec<(String, f64)> = m
            .edges
            .iter()
            .filter(|e| slices.contains(&e.from) && !e.runs_on)
            .map(|e| {
                let (ns, name) = pod_ref(&m.boxes[e.to].id).unwrap();
                (c.pod(ns, name).unwrap().node.clone().unwrap(), e.share.expect("a share"))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn shares_are_kube_proxys_from_the_viewpoint_node() {
        let files: Vec<SourceFile> = vec![SourceFile::new("p.yaml", POLICIES)];
        let opts = Options::default();
        let a = analyze(&files, &opts);
        let c = kplay_core::cluster::simulate(&files, &a.objects, &opts);
        assert_eq!(c.nodes.len(), 3);
        let m = build(&c, &a.objects, false, None);
        assert_eq!(m.viewpoint.as_deref(), Some("node-1"));
        // Without a policy: a third each.
        for (_, s) in shares(&m, &c, "spread") {
            assert!((s - 1.0 / 3.0).abs() < 1e-9, "{s}");
        }
        // internalTrafficPolicy Local: all of node-1's traffic goes to the pod on node-1.
        let local = shares(&m, &c, "local");
        assert_eq!(
            local.iter().map(|(n, s)| (n.as_str(), (s * 100.0).round() as i64)).collect::<Vec<_>>(),
            vec![("node-1", 100), ("node-2", 0), ("node-3", 0)]
        );
        let label = |svc: &str, node: &str| {
            m.edges
                .iter()
                .find(|e| {
                    !e.runs_on
                        && m.boxes[e.from].id.starts_with(&format!("slice/default/{svc}"))
                        && m.boxes[e.to].lines.iter().any(|l| l.starts_with(node))
                })
                .map(|e| e.label.clone())
        };
        assert_eq!(label("local", "node-1").as_deref(), Some("100%"));
        assert_eq!(label("local", "node-2").as_deref(), Some("0%"));
        // From node-2, the Local Service's traffic stays on node-2.
        let m2 = build(&c, &a.objects, false, Some("node-2"));
        assert_eq!(m2.viewpoint.as_deref(), Some("node-2"));
        let local2 = shares(&m2, &c, "local");
        assert!((local2[1].1 - 1.0).abs() < 1e-9 && local2[0].1 == 0.0, "{local2:?}");
        // An unknown viewpoint falls back to the first node.
        assert_eq!(build(&c, &a.objects, false, Some("gone")).viewpoint.as_deref(), Some("node-1"));
        // PreferClose: the pod in node-1's zone.
        let close = shares(&m, &c, "close");
        assert!((close[0].1 - 1.0).abs() < 1e-9, "{close:?}");
    }

    #[test]
    fn terminating_endpoints_take_the_traffic_when_none_is_ready() {
        let (_, c) = map_of(&example("clusterip"), &Options::default(), false);
        let mut pods: Vec<String> = c.pods.iter().filter(|p| p.namespace == "default").map(|p| p.name.clone()).collect();
        pods.sort();
        let mut opts = Options::default();
        for (i, p) in pods.iter().enumerate() {
            // Two pods not ready, the third terminating (still serving).
            let o = if i == 0 {
                kplay_core::cluster::PodOverride { name: p.clone(), terminating: Some(true), ..Default::default() }
            } else {
                kplay_core::cluster::PodOverride { name: p.clone(), ready: Some(false), ..Default::default() }
            };
            opts.cluster.overrides.pods.push(o);
        }
        let (m, _) = map_of(&example("clusterip"), &opts, false);
        let to_pods: Vec<&MapEdge> = m.edges.iter().filter(|e| !e.runs_on && m.boxes[e.to].kind == Kind::Pod).collect();
        let term = to_pods.iter().find(|e| m.boxes[e.to].id == format!("pod/default/{}", pods[0])).expect("the terminating pod's link");
        assert_eq!(term.share, Some(1.0), "kube-proxy falls back to serving terminating endpoints");
        assert!(to_pods.iter().filter(|e| e.share == Some(0.0)).all(|e| e.label == "not ready"));
    }

    #[test]
    fn nodes_are_drawn_with_their_pods_and_state() {
        let mut opts = Options::default();
        opts.cluster.overrides.nodes_down.push("node-3".into());
        let (m, c) = map_of(&example("clusterip"), &opts, false);
        let nodes: Vec<&MapBox> = m.boxes.iter().filter(|b| b.kind == Kind::Node).collect();
        assert_eq!(nodes.iter().map(|b| b.title.as_str()).collect::<Vec<_>>(), vec!["node-1", "node-2", "node-3"]);
        let n3 = m.find("node/node-3").unwrap();
        assert_eq!(n3.health, Health::NotReady);
        assert!(n3.lines.contains(&"down".to_owned()), "{:?}", n3.lines);
        let drawn_on =
            |n: &str| m.boxes.iter().filter(|b| b.kind == Kind::Pod && b.lines.iter().any(|l| l.starts_with(&format!("{n} ")))).count();
        for n in ["node-1", "node-2"] {
            assert!(
                m.find(&format!("node/{n}")).unwrap().lines.contains(&format!(
                    "{} pod{}",
                    drawn_on(n),
                    if drawn_on(n) == 1 { "" } else { "s" }
                )),
                "{n}"
            );
        }
        let n1 = m.find("node/node-1").unwrap();
        assert!(n1.lines.contains(&"Ready".to_owned()) && n1.lines.contains(&"viewpoint".to_owned()), "{:?}", n1.lines);
        assert!(n1.lines[0].starts_with("zone "), "{:?}", n1.lines);
        // Every drawn pod has one "runs on" link, to its own node.
        for (i, b) in m.boxes.iter().enumerate().filter(|(_, b)| b.kind == Kind::Pod) {
            let links: Vec<&MapEdge> = m.edges.iter().filter(|e| e.runs_on && e.from == i).collect();
            assert_eq!(links.len(), 1, "{}", b.id);
            let (ns, name) = pod_ref(&b.id).unwrap();
            assert_eq!(m.boxes[links[0].to].title, c.pod(ns, name).unwrap().node.clone().unwrap());
        }
        assert!(nodes.iter().all(|b| b.lines.iter().all(|l| l.chars().count() <= NODE_LINE_CHARS)), "{nodes:?}");
        // A cluster CIDR with room for one node: the others stay NotReady, and say why.
        let mut small = Options::default();
        small.cluster.cluster_cidr = "10.244.0.0/24".into();
        let (m, _) = map_of(&example("clusterip"), &small, false);
        let n2 = m.find("node/node-2").unwrap();
        assert_eq!(n2.health, Health::NotReady);
        assert!(n2.lines.contains(&"NotReady".to_owned()) && n2.lines.contains(&"no pod CIDR".to_owned()), "{:?}", n2.lines);
        assert_eq!(m.find("node/node-1").unwrap().health, Health::Ok);
    }
}
