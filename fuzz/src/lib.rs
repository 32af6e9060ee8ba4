//! Shared code of kplay's fuzz targets: the invariants every analysis must keep (spans inside
//! the file, on character boundaries; delivered traces name an endpoint) and a structured
//! manifest generator (`Scenario`, built by `arbitrary` from the fuzzer's bytes) whose
//! Services, workloads, Pods, EndpointSlices and Ingresses share a small vocabulary of names
//! and labels, so selectors, backends and DNS names actually meet.

use std::fmt::Write as _;

use arbitrary::{Arbitrary, Unstructured};
use kplay_core::cluster::{self, ClusterDescription, ProxyMode};
use kplay_core::proxy::ingress::HttpRequest;
use kplay_core::proxy::input::{BackendPort, ProxyInput};
use kplay_core::proxy::modes::Mode;
use kplay_core::proxy::trace::{Destination, Outcome, SimulateRequest, Source, TraceRequest, Tracer};
use kplay_core::{analyze, Diagnostic, Options, SourceFile};

/// Panics (the fuzzer's crash) when a diagnostic points outside its file or into a character.
pub fn check_spans(files: &[SourceFile], diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert!(!d.message.is_empty(), "empty message: {d:?}");
        for l in std::iter::once(&d.primary).chain(d.secondary.iter()) {
            let text = &files.get(l.file).unwrap_or_else(|| panic!("label names file {} of {}: {d:?}", l.file, files.len())).text;
            let (s, e) = (l.span.start as usize, l.span.end as usize);
            assert!(s <= e, "inverted span: {d:?}");
            assert!(e <= text.len(), "span past the end ({e} > {}): {d:?}", text.len());
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e), "span inside a character: {d:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The vocabulary: few enough words that generated objects refer to each other.

const NAMES: [&str; 6] = ["web", "api", "db", "a", "b", "kubernetes"];
const NAMESPACES: [&str; 4] = ["default", "shop", "kube-system", "missing"];
const LABEL_KEYS: [&str; 3] = ["app", "tier", "x"];
const LABEL_VALUES: [&str; 4] = ["web", "api", "db", ""];
const PORT_NAMES: [&str; 4] = ["http", "https", "dns", "metrics"];
const HOSTS: [&str; 6] = ["shop.example.com", "*.example.com", "api.example.com", "web.shop.svc.cluster.local", "", "a.b.c"];
const PATHS: [&str; 7] = ["/", "/api", "/api/", "/aaa/bbb", "/foo", "//bad", "relative"];
const IPS: [&str; 10] =
    ["10.96.0.10", "10.96.0.1", "10.96.100.100", "10.244.1.5", "172.18.0.2", "192.168.1.1", "fd00::10", "::1", "10.96.0.0", "not-an-ip"];

/// An index into a vocabulary, or (rarely) a string of the fuzzer's own.
#[derive(Debug, Clone, Arbitrary)]
pub enum Word {
    Known(u8),
    Raw(String),
}

impl Word {
    fn pick<'a>(&'a self, vocab: &[&'a str]) -> &'a str {
        match self {
            Word::Known(i) => vocab[usize::from(*i) % vocab.len()],
            Word::Raw(s) => s.as_str(),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct Label {
    key: u8,
    value: Word,
}

fn labels(ls: &[Label]) -> String {
    let items: Vec<String> = ls
        .iter()
        .take(4)
        .map(|l| format!("{}: {}", q(LABEL_KEYS[usize::from(l.key) % LABEL_KEYS.len()]), q(l.value.pick(&LABEL_VALUES))))
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// A JSON string, which YAML reads as a double-quoted scalar.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Numbers: mostly plausible, sometimes absurd.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Num {
    Small(u8),
    Port(u16),
    Any(i64),
}

impl Num {
    fn port(self) -> i64 {
        match self {
            Num::Small(n) => [80, 443, 8080, 53, 9090, 0, 30080, 32767][usize::from(n) % 8],
            Num::Port(p) => i64::from(p),
            Num::Any(n) => n,
        }
    }
    fn count(self) -> i64 {
        match self {
            Num::Small(n) => i64::from(n % 8),
            Num::Port(p) => i64::from(p),
            Num::Any(n) => n,
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct SvcPort {
    name: Option<u8>,
    port: Num,
    target: Option<TargetPort>,
    protocol: u8,
    node_port: Option<Num>,
}

#[derive(Debug, Clone, Arbitrary)]
pub enum TargetPort {
    Number(Num),
    Name(u8),
}

#[derive(Debug, Clone, Arbitrary)]
pub struct ServiceDoc {
    name: Word,
    namespace: Option<u8>,
    /// 0 ClusterIP, 1 NodePort, 2 LoadBalancer, 3 ExternalName, 4 headless, else unset.
    kind: u8,
    /// `None`: no selector; `Some(empty)`: `selector: {}`.
    selector: Option<Vec<Label>>,
    ports: Vec<SvcPort>,
    external_name: Word,
    cluster_ip: Option<u8>,
    affinity: bool,
    external_local: bool,
    internal_local: bool,
    dual_stack: bool,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct ContainerPort {
    name: Option<u8>,
    port: Num,
    protocol: u8,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct PodBody {
    labels: Vec<Label>,
    ports: Vec<ContainerPort>,
    host_network: bool,
    node_name: Option<u8>,
    node_selector: Option<Label>,
    hostname: Option<Word>,
    subdomain: Option<Word>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct WorkloadDoc {
    /// 0 Deployment, 1 StatefulSet, 2 DaemonSet, 3 ReplicaSet, 4 Job.
    kind: u8,
    name: Word,
    namespace: Option<u8>,
    replicas: Option<Num>,
    /// `None`: the selector equals the template labels.
    selector: Option<Vec<Label>>,
    template: PodBody,
    service_name: Option<Word>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct PodDoc {
    name: Word,
    namespace: Option<u8>,
    body: PodBody,
    pod_ip: Option<u8>,
    phase: Option<u8>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct Backend {
    service: Word,
    port: Result<Num, u8>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct IngressPathDoc {
    path: Option<u8>,
    /// 0 Prefix, 1 Exact, 2 ImplementationSpecific, else missing.
    path_type: u8,
    backend: Backend,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct IngressDoc {
    name: Word,
    namespace: Option<u8>,
    class: Option<Word>,
    default_backend: Option<Backend>,
    rules: Vec<(Option<u8>, Vec<IngressPathDoc>)>,
    tls: Vec<(Vec<u8>, Option<Word>)>,
    regex: bool,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct SliceDoc {
    name: Word,
    namespace: Option<u8>,
    service: Word,
    ipv6: bool,
    /// How many generated endpoints (10.244.200.x) besides the listed ones.
    bulk: u8,
    endpoints: Vec<(u8, Option<bool>, Option<u8>)>,
    ports: Vec<(Option<u8>, Num, u8)>,
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Doc {
    Service(ServiceDoc),
    Workload(WorkloadDoc),
    Pod(PodDoc),
    Ingress(IngressDoc),
    IngressClass { name: Word, controller: Word, default: bool },
    Namespace(Word),
    Slice(SliceDoc),
}

fn ns(i: Option<u8>) -> Option<&'static str> {
    i.map(|i| NAMESPACES[usize::from(i) % NAMESPACES.len()])
}

fn meta(name: &Word, namespace: Option<u8>, extra: &str) -> String {
    let mut m = format!("\"name\": {}", q(name.pick(&NAMES)));
    if let Some(n) = ns(namespace) {
        let _ = write!(m, ", \"namespace\": {}", q(n));
    }
    m.push_str(extra);
    format!("{{{m}}}")
}

fn protocol(p: u8) -> &'static str {
    ["TCP", "UDP", "SCTP", "tcp"][usize::from(p) % 4]
}

fn pod_spec(b: &PodBody) -> String {
    let ports: Vec<String> = b
        .ports
        .iter()
        .take(4)
        .map(|p| {
            let mut s = format!("\"containerPort\": {}, \"protocol\": {}", p.port.port(), q(protocol(p.protocol)));
            if let Some(n) = p.name {
                let _ = write!(s, ", \"name\": {}", q(PORT_NAMES[usize::from(n) % PORT_NAMES.len()]));
            }
            format!("{{{s}}}")
        })
        .collect();
    let mut s = format!("\"containers\": [{{\"name\": \"c\", \"image\": \"nginx:1.27\", \"ports\": [{}]}}]", ports.join(", "));
    if b.host_network {
        s.push_str(", \"hostNetwork\": true");
    }
    if let Some(n) = b.node_name {
        let _ = write!(s, ", \"nodeName\": \"node-{}\"", n % 5);
    }
    if let Some(l) = &b.node_selector {
        let _ = write!(s, ", \"nodeSelector\": {}", labels(std::slice::from_ref(l)));
    }
    if let Some(h) = &b.hostname {
        let _ = write!(s, ", \"hostname\": {}", q(h.pick(&NAMES)));
    }
    if let Some(h) = &b.subdomain {
        let _ = write!(s, ", \"subdomain\": {}", q(h.pick(&NAMES)));
    }
    format!("{{{s}}}")
}

fn backend(b: &Backend) -> String {
    let port = match b.port {
        Ok(n) => format!("{{\"number\": {}}}", n.port()),
        Err(i) => format!("{{\"name\": {}}}", q(PORT_NAMES[usize::from(i) % PORT_NAMES.len()])),
    };
    format!("{{\"service\": {{\"name\": {}, \"port\": {port}}}}}", q(b.service.pick(&NAMES)))
}

impl Doc {
    /// The document as one line of JSON (which is YAML).
    pub fn to_yaml(&self) -> String {
        match self {
            Doc::Service(s) => {
                let mut spec = String::new();
                let kind = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "ClusterIP"].get(usize::from(s.kind));
                if let Some(k) = kind {
                    let _ = write!(spec, "\"type\": {}, ", q(k));
                }
                if s.kind == 3 {
                    let _ = write!(spec, "\"externalName\": {}, ", q(s.external_name.pick(&HOSTS)));
                }
                if s.kind == 4 {
                    spec.push_str("\"clusterIP\": \"None\", ");
                } else if let Some(i) = s.cluster_ip {
                    let _ = write!(spec, "\"clusterIP\": {}, ", q(IPS[usize::from(i) % IPS.len()]));
                }
                if let Some(sel) = &s.selector {
                    let _ = write!(spec, "\"selector\": {}, ", labels(sel));
                }
                if s.affinity {
                    spec.push_str("\"sessionAffinity\": \"ClientIP\", ");
                }
                if s.external_local {
                    spec.push_str("\"externalTrafficPolicy\": \"Local\", ");
                }
                if s.internal_local {
                    spec.push_str("\"internalTrafficPolicy\": \"Local\", ");
                }
                if s.dual_stack {
                    spec.push_str("\"ipFamilyPolicy\": \"PreferDualStack\", ");
                }
                let ports: Vec<String> = s
                    .ports
                    .iter()
                    .take(4)
                    .map(|p| {
                        let mut o = format!("\"port\": {}, \"protocol\": {}", p.port.port(), q(protocol(p.protocol)));
                        if let Some(n) = p.name {
                            let _ = write!(o, ", \"name\": {}", q(PORT_NAMES[usize::from(n) % PORT_NAMES.len()]));
                        }
                        match &p.target {
                            Some(TargetPort::Number(n)) => {
                                let _ = write!(o, ", \"targetPort\": {}", n.port());
                            }
                            Some(TargetPort::Name(i)) => {
                                let _ = write!(o, ", \"targetPort\": {}", q(PORT_NAMES[usize::from(*i) % PORT_NAMES.len()]));
                            }
                            None => {}
                        }
                        if let Some(np) = p.node_port {
                            let _ = write!(o, ", \"nodePort\": {}", np.port());
                        }
                        format!("{{{o}}}")
                    })
                    .collect();
                let _ = write!(spec, "\"ports\": [{}]", ports.join(", "));
                format!(
                    "{{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {}, \"spec\": {{{spec}}}}}",
                    meta(&s.name, s.namespace, "")
                )
            }
            Doc::Workload(w) => {
                let (api, kind) = [
                    ("apps/v1", "Deployment"),
                    ("apps/v1", "StatefulSet"),
                    ("apps/v1", "DaemonSet"),
                    ("apps/v1", "ReplicaSet"),
                    ("batch/v1", "Job"),
                ][usize::from(w.kind) % 5];
                let tpl_labels = labels(&w.template.labels);
                let sel = w.selector.as_ref().map_or_else(|| tpl_labels.clone(), |s| labels(s));
                let mut spec = format!("\"selector\": {{\"matchLabels\": {sel}}}, ");
                if kind == "Job" {
                    spec.clear();
                }
                if let Some(r) = w.replicas {
                    let key = if kind == "Job" { "parallelism" } else { "replicas" };
                    if kind != "DaemonSet" {
                        let _ = write!(spec, "\"{key}\": {}, ", r.count());
                    }
                }
                if kind == "StatefulSet" {
                    let _ = write!(spec, "\"serviceName\": {}, ", q(w.service_name.as_ref().map_or("web", |n| n.pick(&NAMES))));
                }
                let mut body = w.template.clone();
                if kind == "Job" {
                    // Jobs need a restart policy other than Always; keep the template valid.
                    body.host_network = false;
                }
                let mut ps = pod_spec(&body);
                if kind == "Job" {
                    ps.insert_str(1, "\"restartPolicy\": \"Never\", ");
                }
                let _ = write!(spec, "\"template\": {{\"metadata\": {{\"labels\": {tpl_labels}}}, \"spec\": {ps}}}");
                format!(
                    "{{\"apiVersion\": {}, \"kind\": {}, \"metadata\": {}, \"spec\": {{{spec}}}}}",
                    q(api),
                    q(kind),
                    meta(&w.name, w.namespace, "")
                )
            }
            Doc::Pod(p) => {
                let mut extra = format!(", \"labels\": {}", labels(&p.body.labels));
                let mut status = String::new();
                if let Some(i) = p.pod_ip {
                    let _ = write!(status, "\"podIP\": {}", q(IPS[usize::from(i) % IPS.len()]));
                }
                if let Some(ph) = p.phase {
                    if !status.is_empty() {
                        status.push_str(", ");
                    }
                    let _ = write!(status, "\"phase\": {}", q(["Running", "Pending", "Succeeded", "Failed"][usize::from(ph) % 4]));
                }
                let status = if status.is_empty() { String::new() } else { format!(", \"status\": {{{status}}}") };
                extra = meta(&p.name, p.namespace, &extra);
                format!("{{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {extra}, \"spec\": {}{status}}}", pod_spec(&p.body))
            }
            Doc::Ingress(i) => {
                let mut spec = String::new();
                if let Some(c) = &i.class {
                    let _ = write!(spec, "\"ingressClassName\": {}, ", q(c.pick(&["nginx", "other", "missing"])));
                }
                if let Some(b) = &i.default_backend {
                    let _ = write!(spec, "\"defaultBackend\": {}, ", backend(b));
                }
                let rules: Vec<String> = i
                    .rules
                    .iter()
                    .take(4)
                    .map(|(host, paths)| {
                        let paths: Vec<String> = paths
                            .iter()
                            .take(4)
                            .map(|p| {
                                let mut o = format!("\"backend\": {}", backend(&p.backend));
                                if let Some(t) = ["Prefix", "Exact", "ImplementationSpecific"].get(usize::from(p.path_type)) {
                                    let _ = write!(o, ", \"pathType\": {}", q(t));
                                }
                                if let Some(path) = p.path {
                                    let _ = write!(o, ", \"path\": {}", q(PATHS[usize::from(path) % PATHS.len()]));
                                }
                                format!("{{{o}}}")
                            })
                            .collect();
                        let mut r = format!("\"http\": {{\"paths\": [{}]}}", paths.join(", "));
                        if let Some(h) = host {
                            let _ = write!(r, ", \"host\": {}", q(HOSTS[usize::from(*h) % HOSTS.len()]));
                        }
                        format!("{{{r}}}")
                    })
                    .collect();
                let _ = write!(spec, "\"rules\": [{}]", rules.join(", "));
                let tls: Vec<String> = i
                    .tls
                    .iter()
                    .take(2)
                    .map(|(hosts, secret)| {
                        let hosts: Vec<String> = hosts.iter().take(3).map(|h| q(HOSTS[usize::from(*h) % HOSTS.len()])).collect();
                        let secret = secret.as_ref().map(|s| format!(", \"secretName\": {}", q(s.pick(&NAMES)))).unwrap_or_default();
                        format!("{{\"hosts\": [{}]{secret}}}", hosts.join(", "))
                    })
                    .collect();
                if !tls.is_empty() {
                    let _ = write!(spec, ", \"tls\": [{}]", tls.join(", "));
                }
                let extra = if i.regex { ", \"annotations\": {\"nginx.ingress.kubernetes.io/use-regex\": \"true\"}" } else { "" };
                format!(
                    "{{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"Ingress\", \"metadata\": {}, \"spec\": {{{spec}}}}}",
                    meta(&i.name, i.namespace, extra)
                )
            }
            Doc::IngressClass { name, controller, default } => {
                let extra = if *default { ", \"annotations\": {\"ingressclass.kubernetes.io/is-default-class\": \"true\"}" } else { "" };
                format!(
                    "{{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"IngressClass\", \"metadata\": {}, \"spec\": {{\"controller\": {}}}}}",
                    meta(&Word::Raw(name.pick(&["nginx", "other"]).to_string()), None, extra),
                    q(controller.pick(&["k8s.io/ingress-nginx", "example.com/other"]))
                )
            }
            Doc::Namespace(n) => {
                format!(
                    "{{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {}}}",
                    meta(&Word::Raw(n.pick(&NAMESPACES).to_string()), None, "")
                )
            }
            Doc::Slice(s) => {
                let mut eps: Vec<String> = s
                    .endpoints
                    .iter()
                    .take(8)
                    .map(|(ip, ready, node)| {
                        let mut o = format!("\"addresses\": [{}]", q(IPS[usize::from(*ip) % IPS.len()]));
                        if let Some(r) = ready {
                            let _ = write!(o, ", \"conditions\": {{\"ready\": {r}}}");
                        }
                        if let Some(n) = node {
                            let _ = write!(o, ", \"nodeName\": \"node-{}\"", n % 5);
                        }
                        format!("{{{o}}}")
                    })
                    .collect();
                for k in 0..usize::from(s.bulk) {
                    let ip = if s.ipv6 { format!("fd00::{:x}", k + 1) } else { format!("10.244.200.{}", k + 1) };
                    eps.push(format!("{{\"addresses\": [{}]}}", q(&ip)));
                }
                let ports: Vec<String> = s
                    .ports
                    .iter()
                    .take(3)
                    .map(|(name, port, proto)| {
                        let name =
                            name.map(|n| format!("\"name\": {}, ", q(PORT_NAMES[usize::from(n) % PORT_NAMES.len()]))).unwrap_or_default();
                        format!("{{{name}\"port\": {}, \"protocol\": {}}}", port.port(), q(protocol(*proto)))
                    })
                    .collect();
                let extra = format!(", \"labels\": {{\"kubernetes.io/service-name\": {}}}", q(s.service.pick(&NAMES)));
                format!(
                    "{{\"apiVersion\": \"discovery.k8s.io/v1\", \"kind\": \"EndpointSlice\", \"metadata\": {}, \"addressType\": {}, \"endpoints\": [{}], \"ports\": [{}]}}",
                    meta(&s.name, s.namespace, &extra),
                    q(if s.ipv6 { "IPv6" } else { "IPv4" }),
                    eps.join(", "),
                    ports.join(", ")
                )
            }
        }
    }
}

/// Where a generated request starts.
#[derive(Debug, Clone, Arbitrary)]
pub enum Src {
    External,
    /// The n-th simulated pod.
    Pod(u8),
    /// The n-th node.
    Node(u8),
    Ip(u8),
}

/// Where a generated request goes.
#[derive(Debug, Clone, Arbitrary)]
pub enum Dst {
    /// By name, port number or name.
    Service {
        name: Word,
        namespace: Option<u8>,
        port: Result<Num, u8>,
    },
    /// The n-th service port's ClusterIP and port.
    ClusterIp(u8),
    /// The n-th service port's NodePort on the m-th node.
    NodePort(u8, u8),
    /// The n-th pod's IP.
    PodIp(u8, Num),
    Name {
        host: Word,
        port: Num,
    },
    Url {
        host: Word,
        path: Word,
        https: bool,
    },
}

#[derive(Debug, Clone, Arbitrary)]
pub struct Request {
    from: Src,
    to: Dst,
    protocol: u8,
    mode: u8,
    seed: u64,
    entry_node: Option<u8>,
    class: Option<Word>,
}

/// A cluster, its manifests and the requests sent through it.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub node_count: usize,
    pub proxy_mode: ProxyMode,
    pub max_endpoints_per_slice: usize,
    pub max_replicas: i64,
    pub docs: Vec<Doc>,
    pub requests: Vec<Request>,
    /// A many-request simulation of the first request.
    pub simulate: Option<(u16, u8)>,
}

impl<'a> Arbitrary<'a> for Scenario {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Scenario {
            node_count: u.int_in_range(0..=5)?,
            proxy_mode: *u.choose(&[ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs])?,
            max_endpoints_per_slice: u.int_in_range(1..=100)?,
            // Small caps keep one run fast; the cap's diagnostic is exercised all the same.
            max_replicas: u.int_in_range(-1..=40)?,
            docs: u.arbitrary_iter()?.take(24).collect::<arbitrary::Result<_>>()?,
            requests: u.arbitrary_iter()?.take(8).collect::<arbitrary::Result<_>>()?,
            simulate: u.arbitrary()?,
        })
    }
}

impl Scenario {
    /// The manifests as one multi-document file.
    pub fn manifest(&self) -> String {
        self.docs.iter().map(Doc::to_yaml).collect::<Vec<_>>().join("\n---\n")
    }

    pub fn options(&self) -> Options {
        Options {
            cluster: ClusterDescription {
                node_count: self.node_count,
                proxy_mode: self.proxy_mode,
                max_endpoints_per_slice: self.max_endpoints_per_slice,
                max_replicas_per_workload: self.max_replicas,
                ..ClusterDescription::default()
            },
            ..Options::default()
        }
    }

    /// Analyses, simulates the cluster, builds every node's rules in every mode and traces the
    /// requests. Returns the traces' outcomes (for tests).
    pub fn run(&self) -> Vec<Outcome> {
        let opts = self.options();
        let files = vec![SourceFile::new("scenario.yaml", self.manifest())];
        let analysis = analyze(&files, &opts);
        check_spans(&files, &analysis.diagnostics);
        let cluster = cluster::simulate(&files, &analysis.objects, &opts);
        check_spans(&files, &cluster.diagnostics);
        let input = ProxyInput::from_cluster(&cluster);
        let mut tracer = Tracer::new(&input);
        for n in &input.nodes {
            // Both families: IPv6 Services get rules of their own.
            for v6 in [false, true] {
                let _ = tracer.ruleset(&n.name, v6).render(kplay_core::proxy::iptables::RenderOptions::default());
                let _ = tracer.nft_ruleset(&n.name, v6).render_list();
                let _ = tracer.ipvs_table(&n.name, v6).render();
            }
        }
        let mut outcomes = Vec::new();
        for r in &self.requests {
            let Some(req) = self.request(&input, r) else { continue };
            let t = tracer.trace(&req);
            if t.outcome == Outcome::Delivered {
                assert!(t.endpoint.is_some(), "a delivered trace names no endpoint: {t:?}");
            }
            assert!(t.hops.len() < 10_000, "{} hops", t.hops.len());
            outcomes.push(t.outcome);
        }
        if let (Some((requests, clients)), Some(first)) = (self.simulate, self.requests.first()) {
            if let Some(req) = self.request(&input, first) {
                let sim = tracer.simulate(&SimulateRequest {
                    trace: req,
                    requests: usize::from(requests % 2000),
                    clients: usize::from(clients % 8),
                    interval_ms: 1,
                });
                let total = sim.delivered + sim.rejected + sim.dropped + sim.no_route;
                assert_eq!(total, sim.requests, "every simulated request has one outcome: {sim:?}");
            }
        }
        outcomes
    }

    fn request(&self, input: &ProxyInput, r: &Request) -> Option<TraceRequest> {
        let nth = |len: usize, i: u8| (len > 0).then(|| usize::from(i) % len);
        let from = match &r.from {
            Src::External => Source::External,
            Src::Pod(i) => {
                let p = &input.pods[nth(input.pods.len(), *i)?];
                Source::Pod { namespace: Some(p.namespace.clone()), name: p.name.clone() }
            }
            Src::Node(i) => Source::Node(input.nodes[nth(input.nodes.len(), *i)?].name.clone()),
            Src::Ip(i) => Source::Ip(IPS[usize::from(*i) % IPS.len()].parse().ok()?),
        };
        let to = match &r.to {
            Dst::Service { name, namespace, port } => Destination::Service {
                namespace: ns(*namespace).unwrap_or("default").into(),
                name: name.pick(&NAMES).into(),
                port: match port {
                    Ok(n) => BackendPort::Number(u16::try_from(n.port()).unwrap_or(80)),
                    Err(i) => BackendPort::Name(PORT_NAMES[usize::from(*i) % PORT_NAMES.len()].into()),
                },
            },
            Dst::ClusterIp(i) => {
                let s = &input.services[nth(input.services.len(), *i)?];
                Destination::Addr { ip: *s.cluster_ips.first()?, port: s.port }
            }
            Dst::NodePort(i, n) => {
                let s = &input.services[nth(input.services.len(), *i)?];
                let node = &input.nodes[nth(input.nodes.len(), *n)?];
                Destination::Addr { ip: *node.ips.first()?, port: s.node_port }
            }
            Dst::PodIp(i, port) => {
                let p = &input.pods[nth(input.pods.len(), *i)?];
                Destination::Addr { ip: p.ip?, port: u16::try_from(port.port()).unwrap_or(80) }
            }
            Dst::Name { host, port } => Destination::Name {
                host: host.pick(&["web", "web.shop", "api.default.svc", "db.shop.svc.cluster.local", "x.y.z"]).into(),
                port: u16::try_from(port.port()).unwrap_or(80),
            },
            Dst::Url { host, path, https } => Destination::Url(HttpRequest::parse_url(&format!(
                "{}://{}{}",
                if *https { "https" } else { "http" },
                host.pick(&HOSTS),
                path.pick(&PATHS)
            ))?),
        };
        let mut req = TraceRequest::new(from, to);
        req.protocol =
            [kplay_core::proxy::input::Protocol::Tcp, kplay_core::proxy::input::Protocol::Udp, kplay_core::proxy::input::Protocol::Sctp]
                [usize::from(r.protocol) % 3];
        req.mode = [Mode::Iptables, Mode::Nftables, Mode::Ipvs][usize::from(r.mode) % 3];
        req.seed = r.seed;
        req.entry_node = r.entry_node.and_then(|i| input.nodes.get(usize::from(i) % input.nodes.len().max(1))).map(|n| n.name.clone());
        req.ingress_class = r.class.as_ref().map(|c| c.pick(&["nginx", "other"]).to_string());
        Some(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generator reaches the interesting parts: from fixed pseudo-random bytes it builds
    /// manifests that decode, and some traces get delivered.
    #[test]
    fn generated_scenarios_run_and_sometimes_deliver() {
        let mut delivered = 0;
        let mut objects = 0;
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for _ in 0..300 {
            let bytes: Vec<u8> = (0..2048)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            let Ok(s) = Scenario::arbitrary(&mut Unstructured::new(&bytes)) else { continue };
            objects += s.docs.len();
            delivered += s.run().iter().filter(|o| **o == Outcome::Delivered).count();
        }
        assert!(objects > 100, "the generator made only {objects} objects");
        assert!(delivered > 0, "no generated request was delivered");
    }

    #[test]
    fn documents_are_yaml_that_kplay_reads() {
        let d = Doc::Namespace(Word::Raw("we\"ird\n".into()));
        let files = vec![SourceFile::new("n.yaml", d.to_yaml())];
        let a = analyze(&files, &Options::default());
        assert_eq!(a.objects.len(), 1, "{:?}", a.diagnostics);
        assert!(a.diagnostics.iter().any(|d| d.rule != "yaml-syntax"), "{:?}", a.diagnostics);
    }
}
