//! The embedding API shared by the JavaScript library, the playground and the CLI: a stateful
//! [`Workspace`] (files in, cached analysis and simulated cluster out) and the plain-data
//! requests hosts send (`trace`, `simulate`, proxy rules), parsed here so every host accepts
//! the same spellings and reports the same errors. Bad arguments are `Err(message)`; bad
//! manifests are diagnostics.

use std::collections::HashMap;
use std::net::IpAddr;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};

use crate::analysis::{analyze_and_simulate, Analysis, Options};
use crate::cluster::{Cluster, ClusterDescription, DnsRecord, EndpointSlice};
use crate::diagnostic::{ObjectRef, Severity};
use crate::model::Acceptance;
use crate::proxy::input::{Protocol, ProxyInput};
use crate::proxy::iptables::{self, NodeContext, RenderOptions};
use crate::proxy::modes::Mode;
use crate::proxy::trace::{self, Destination, SimulateRequest, Simulation, Source, Trace, TraceRequest};
use crate::proxy::{ipvs, nftables};
use crate::report::{report, Report};
use crate::source::{ColumnEncoding, SourceFile};
use crate::version::KubeVersion;
use crate::yaml::{Node, NodeKind, Resolved};

/// The most requests one `simulate` call sends: enough for stable shares, small enough that a
/// call from a UI cannot hang it.
pub const MAX_SIMULATED_REQUESTS: usize = 1_000_000;
/// The most distinct clients of one `simulate` call.
pub const MAX_SIMULATED_CLIENTS: usize = 10_000;

/// What an embedder configures, in camelCase as JavaScript spells it. `cluster` keeps the
/// kebab-case keys of `kplay.toml`'s `[cluster]` table, so one description works everywhere.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct WorkspaceOptions {
    /// `1.30` .. `1.37` (default 1.34).
    pub kube_version: Option<KubeVersion>,
    /// How report columns are counted (default UTF-16, what browser editors use).
    pub position_encoding: Option<ColumnEncoding>,
    /// Namespace for objects that name none (default `default`).
    pub default_namespace: Option<String>,
    pub disabled_rules: Vec<String>,
    pub severity_overrides: HashMap<String, Severity>,
    /// Honour `# kplay: ignore[...]` comments (default true).
    pub inline_ignores: Option<bool>,
    pub cluster: Option<ClusterDescription>,
    /// Resource limits, with `kplay.toml`'s kebab-case keys (docs/limits.md).
    pub limits: Option<crate::yaml::Limits>,
}

impl WorkspaceOptions {
    /// The analysis options and the column encoding; unknown rule names are errors, so a typo
    /// does not silently switch nothing off.
    pub fn resolve(self) -> Result<(Options, ColumnEncoding), String> {
        let mut o = Options::default();
        if let Some(v) = self.kube_version {
            o.kube_version = v;
        }
        if let Some(ns) = self.default_namespace {
            if ns.is_empty() {
                return Err("defaultNamespace must not be empty".into());
            }
            o.default_namespace = ns;
        }
        for name in self.disabled_rules.iter().chain(self.severity_overrides.keys()) {
            if crate::rules::find(name).is_none() {
                return Err(format!("`{name}` is not a kplay rule"));
            }
        }
        let levels = self.disabled_rules.iter().map(|n| (n, "off")).chain(self.severity_overrides.iter().map(|(n, s)| (n, s.as_str())));
        for (name, level) in levels {
            if let Some(e) = crate::rules::yaml::unreadable_config_error(name, level) {
                return Err(e);
            }
        }
        o.disabled_rules = self.disabled_rules;
        o.severity_overrides = self.severity_overrides;
        if let Some(b) = self.inline_ignores {
            o.inline_ignores = b;
        }
        if let Some(c) = self.cluster {
            o.cluster = c;
        }
        if let Some(l) = self.limits {
            o.limits = l;
        }
        Ok((o, self.position_encoding.unwrap_or(ColumnEncoding::Utf16)))
    }
}

/// One object as the API server would store it (defaults applied), with where it came from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredObject<'a> {
    pub file: &'a str,
    /// Index of the YAML document in its file.
    pub document: usize,
    #[serde(flatten)]
    pub object_ref: &'a ObjectRef,
    /// `accepted`, or the stage that refused it: `decode`, `admission`, `allocation`,
    /// `validation`; `unknown` for kinds kplay does not model.
    pub acceptance: &'static str,
    /// The stored tree as JSON (for refused objects: as far as the pipeline got).
    pub object: JsonNode<'a>,
}

pub fn acceptance_name(a: Acceptance) -> &'static str {
    match a {
        Acceptance::Decode => "decode",
        Acceptance::Admission => "admission",
        Acceptance::Allocation => "allocation",
        Acceptance::Validation => "validation",
        Acceptance::Accepted => "accepted",
        Acceptance::Unknown => "unknown",
    }
}

/// A YAML node serialized as the JSON kubectl would send: scalars resolved with YAML 1.1 rules,
/// map keys as text. Integers beyond 2^53 become floats, as `JSON.parse` reads them.
#[derive(Debug, Clone, Copy)]
pub struct JsonNode<'a>(pub &'a Node);

impl Serialize for JsonNode<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const SAFE: i64 = (1 << 53) - 1;
        match &self.0.kind {
            NodeKind::Map(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for e in entries {
                    m.serialize_entry(e.key.text().unwrap_or(""), &JsonNode(&e.value))?;
                }
                m.end()
            }
            NodeKind::Seq(items) => {
                let mut q = s.serialize_seq(Some(items.len()))?;
                for it in items {
                    q.serialize_element(&JsonNode(it))?;
                }
                q.end()
            }
            NodeKind::Scalar(sc) => match self.0.resolved() {
                Some(Resolved::Null) => s.serialize_unit(),
                Some(Resolved::Bool(b)) => s.serialize_bool(b),
                Some(Resolved::Int(i)) if (-SAFE..=SAFE).contains(&i) => s.serialize_i64(i),
                Some(Resolved::Int(i)) => s.serialize_f64(i as f64),
                Some(Resolved::Uint(u)) => s.serialize_f64(u as f64),
                Some(Resolved::Float(f)) => s.serialize_f64(f),
                Some(Resolved::Str(v)) => s.serialize_str(v),
                None => s.serialize_str(&sc.value),
            },
        }
    }
}

/// A rule from the registry with its documentation.
#[derive(Debug, Clone, Serialize)]
pub struct RuleInfo {
    pub name: &'static str,
    pub severity: Severity,
    pub stage: &'static str,
    pub summary: &'static str,
    /// Markdown with the fixed headings.
    pub docs: &'static str,
    pub spec: &'static [&'static str],
    pub url: String,
}

/// Every rule, in the registry's order.
pub fn rules() -> Vec<RuleInfo> {
    crate::rules::all()
        .into_iter()
        .map(|r| RuleInfo {
            name: r.name,
            severity: r.severity,
            stage: r.stage.as_str(),
            summary: r.summary,
            docs: r.docs,
            spec: r.spec,
            url: crate::rules::docs_url(r.name),
        })
        .collect()
}

/// A request to trace, as hosts send it: the CLI's spellings in plain strings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TraceSpec {
    /// `external` (default), `pod/NAME`, `pod/NAMESPACE/NAME`, `node/NAME` or an IP address.
    pub from: Option<String>,
    /// `svc/NAMESPACE/NAME:PORT`, `IP:PORT`, `NAME:PORT` (resolved through cluster DNS) or an
    /// `http(s)://` URL (through the Ingress controller).
    pub to: String,
    /// `TCP` (default), `UDP` or `SCTP`.
    pub protocol: Option<String>,
    pub seed: u64,
    /// The node external traffic enters through.
    pub entry_node: Option<String>,
    pub ingress_class: Option<String>,
    /// The kube-proxy mode the hops are named in: `iptables`, `nftables`, `ipvs` (default: the
    /// cluster's `proxy-mode`).
    pub mode: Option<String>,
}

/// A request to simulate: a trace sent many times.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct SimulateSpec {
    #[serde(flatten)]
    pub trace: TraceSpec,
    /// Default 1000.
    pub requests: Option<usize>,
    /// Distinct client addresses (default 1).
    pub clients: Option<usize>,
    /// Simulated time between requests in milliseconds (default 0).
    pub interval_ms: u64,
}

/// Parses a request source: `external`, `pod/NAME`, `pod/NAMESPACE/NAME`, `node/NAME` or an IP
/// (with kubectl's short names `po/` and `no/`, as `kplay trace --from` reads them).
pub fn parse_source(s: &str) -> Result<Source, String> {
    let t = s.trim();
    if t.is_empty() || t == "external" {
        return Ok(Source::External);
    }
    let parts: Vec<&str> = t.split('/').collect();
    match parts.as_slice() {
        ["pod" | "pods" | "po", name] if !name.is_empty() => Ok(Source::Pod { namespace: None, name: (*name).to_string() }),
        ["pod" | "pods" | "po", ns, name] if !ns.is_empty() && !name.is_empty() => {
            Ok(Source::Pod { namespace: Some((*ns).to_string()), name: (*name).to_string() })
        }
        ["node" | "nodes" | "no", name] if !name.is_empty() => Ok(Source::Node((*name).to_string())),
        _ => t.parse::<IpAddr>().map(Source::Ip).map_err(|_| {
            format!("`{s}` is not a request source; write external, pod/NAME, pod/NAMESPACE/NAME, node/NAME or an IP address")
        }),
    }
}

impl TraceSpec {
    /// The request; `default_mode` names the hops when the spec names no mode.
    pub fn to_request(&self, default_mode: Mode) -> Result<TraceRequest, String> {
        let from = parse_source(self.from.as_deref().unwrap_or("external"))?;
        let to = Destination::parse(&self.to).ok_or_else(|| {
            format!("`{}` is not a destination; write svc/NAMESPACE/NAME:PORT, IP:PORT, NAME:PORT or an http(s):// URL", self.to)
        })?;
        let protocol = match self.protocol.as_deref() {
            None => Protocol::Tcp,
            Some(p) => Protocol::parse(&p.to_ascii_uppercase()).ok_or_else(|| format!("`{p}` is not a protocol; use TCP, UDP or SCTP"))?,
        };
        let mut req = TraceRequest::new(from, to);
        req.protocol = protocol;
        req.seed = self.seed;
        req.entry_node.clone_from(&self.entry_node);
        req.ingress_class.clone_from(&self.ingress_class);
        req.mode = match self.mode.as_deref() {
            Some(m) => parse_proxy_mode(m)?,
            None => default_mode,
        };
        Ok(req)
    }
}

impl SimulateSpec {
    pub fn to_request(&self, default_mode: Mode) -> Result<SimulateRequest, String> {
        let requests = self.requests.unwrap_or(1000);
        if requests == 0 || requests > MAX_SIMULATED_REQUESTS {
            return Err(format!("requests must be between 1 and {MAX_SIMULATED_REQUESTS}, not {requests}"));
        }
        let clients = self.clients.unwrap_or(1);
        if clients == 0 || clients > MAX_SIMULATED_CLIENTS {
            return Err(format!("clients must be between 1 and {MAX_SIMULATED_CLIENTS}, not {clients}"));
        }
        Ok(SimulateRequest { trace: self.trace.to_request(default_mode)?, requests, clients, interval_ms: self.interval_ms })
    }
}

/// Parses a kube-proxy mode name (`iptables`, `nftables`, `ipvs`).
pub fn parse_proxy_mode(s: &str) -> Result<Mode, String> {
    match s {
        "iptables" => Ok(Mode::Iptables),
        "nftables" => Ok(Mode::Nftables),
        "ipvs" => Ok(Mode::Ipvs),
        _ => Err(format!("`{s}` is not a kube-proxy mode; use iptables, nftables or ipvs")),
    }
}

/// The rules kube-proxy writes on `node` in `mode`, as the node's tools print them
/// (`iptables-save`, `nft list ruleset`, `ipvsadm -Ln`) — the text of `kplay proxy-rules`.
/// These are the IPv4 proxier's rules; see [`proxy_rules_for_family`].
pub fn proxy_rules(cluster: &Cluster, mode: Mode, node: &str) -> Result<String, String> {
    proxy_rules_for_family(cluster, mode, node, false)
}

/// The first line of `kplay proxy-rules` in iptables mode.
pub fn iptables_header(node: &str, ipv6: bool) -> String {
    let family = if ipv6 { ", IPv6 proxier: ip6tables" } else { "" };
    format!("# Generated by kplay: kube-proxy (iptables mode{family}) on node {node}")
}

/// [`proxy_rules`] of kube-proxy's IPv6 proxier (`ipv6`: `ip6tables-save`, the `ip6 kube-proxy`
/// table, IPv6 virtual servers), which holds the single-stack IPv6 Services, or of its IPv4 one.
pub fn proxy_rules_for_family(cluster: &Cluster, mode: Mode, node: &str, ipv6: bool) -> Result<String, String> {
    if cluster.node(node).is_none() {
        let names: Vec<&str> = cluster.nodes.iter().map(|n| n.name.as_str()).collect();
        return Err(format!("no node named {node} in the simulated cluster (nodes: {})", names.join(", ")));
    }
    let input = ProxyInput::from_cluster(cluster);
    let ctx = NodeContext::of_family(&input, node, ipv6);
    Ok(match mode {
        Mode::Iptables => {
            let body = iptables::generate(&input, &ctx).render(RenderOptions { builtin_chains: true, saved_probabilities: true });
            format!("{}\n{body}", iptables_header(node, ipv6))
        }
        Mode::Nftables => nftables::generate(&input, &ctx).render_list(),
        Mode::Ipvs => ipvs::generate(&input, &ctx).render(),
    })
}

/// Files, options and what was computed from them, recomputed only after a change.
#[derive(Debug, Clone)]
pub struct Workspace {
    files: Vec<SourceFile>,
    options: Options,
    encoding: ColumnEncoding,
    analysis: Option<Analysis>,
    cluster: Option<Cluster>,
}

impl Workspace {
    pub fn new(options: Options, encoding: ColumnEncoding) -> Self {
        Workspace { files: Vec::new(), options, encoding, analysis: None, cluster: None }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn encoding(&self) -> ColumnEncoding {
        self.encoding
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Adds the file `name` or replaces its text (keeping its place in the order).
    pub fn set_file(&mut self, name: &str, text: &str) {
        match self.files.iter_mut().find(|f| f.name == name) {
            Some(f) => *f = SourceFile::new(name, text),
            None => self.files.push(SourceFile::new(name, text)),
        }
        self.invalidate();
    }

    /// Removes the file `name`; false when there was none.
    pub fn remove_file(&mut self, name: &str) -> bool {
        let before = self.files.len();
        self.files.retain(|f| f.name != name);
        let removed = self.files.len() != before;
        if removed {
            self.invalidate();
        }
        removed
    }

    fn invalidate(&mut self) {
        self.analysis = None;
        self.cluster = None;
    }

    pub fn analysis(&mut self) -> &Analysis {
        self.settle();
        self.analysis.as_ref().expect("set by settle")
    }

    /// The simulated cluster after applying the accepted objects.
    pub fn cluster(&mut self) -> &Cluster {
        self.settle();
        self.cluster.as_ref().expect("set by settle")
    }

    /// Analyses the files and keeps the cluster simulated on the way (one simulation, not two).
    fn settle(&mut self) {
        if self.analysis.is_none() || self.cluster.is_none() {
            let (a, c) = analyze_and_simulate(&self.files, &self.options);
            self.analysis = Some(a);
            self.cluster = Some(c);
        }
    }

    /// The diagnostics in the JSON report's shape (the CLI's `--format json`).
    pub fn check(&mut self) -> Report {
        let enc = self.encoding;
        self.analysis();
        let a = self.analysis.as_ref().expect("set above");
        report(&self.files, a, enc)
    }

    /// Every object found, as stored.
    pub fn objects(&mut self) -> Vec<StoredObject<'_>> {
        self.analysis();
        let a = self.analysis.as_ref().expect("set above");
        let files = &self.files;
        a.objects
            .iter()
            .map(|o| StoredObject {
                file: files.get(o.file).map_or("", |f| f.name.as_str()),
                document: o.doc,
                object_ref: &o.object_ref,
                acceptance: acceptance_name(o.acceptance),
                object: JsonNode(&o.stored),
            })
            .collect()
    }

    pub fn endpoint_slices(&mut self) -> &[EndpointSlice] {
        &self.cluster().endpoint_slices
    }

    pub fn dns(&mut self) -> Vec<DnsRecord> {
        self.cluster().dns_records()
    }

    pub fn trace(&mut self, spec: &TraceSpec) -> Result<Trace, String> {
        let req = spec.to_request(self.options.cluster.proxy_mode.into())?;
        let input = ProxyInput::from_cluster(self.cluster());
        Ok(trace::trace(&input, &req))
    }

    pub fn simulate(&mut self, spec: &SimulateSpec) -> Result<Simulation, String> {
        let req = spec.to_request(self.options.cluster.proxy_mode.into())?;
        let input = ProxyInput::from_cluster(self.cluster());
        Ok(trace::simulate(&input, &req))
    }

    /// kube-proxy's rules on `node` (default: the first node) in `mode` (default: the
    /// cluster's mode).
    pub fn proxy_rules(&mut self, mode: Option<&str>, node: Option<&str>) -> Result<String, String> {
        let mode = match mode {
            Some(m) => parse_proxy_mode(m)?,
            None => self.options.cluster.proxy_mode.into(),
        };
        let c = self.cluster();
        let node = match node {
            Some(n) => n.to_string(),
            None => c.nodes.first().map(|n| n.name.clone()).ok_or("the simulated cluster has no nodes")?,
        };
        proxy_rules(c, mode, &node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: 8080\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          ports:\n            - containerPort: 8080\n";

    fn ws(text: &str) -> Workspace {
        let (o, enc) = WorkspaceOptions::default().resolve().unwrap();
        let mut w = Workspace::new(o, enc);
        w.set_file("app.yaml", text);
        w
    }

    #[test]
    fn options_resolve_and_reject_bad_values() {
        let (o, enc) = WorkspaceOptions::default().resolve().unwrap();
        assert_eq!(enc, ColumnEncoding::Utf16);
        assert_eq!(o.kube_version, KubeVersion::DEFAULT);
        let bad = WorkspaceOptions { disabled_rules: vec!["no-such-rule".into()], ..Default::default() };
        assert!(bad.resolve().unwrap_err().contains("no-such-rule"));
        let empty_ns = WorkspaceOptions { default_namespace: Some(String::new()), ..Default::default() };
        assert!(empty_ns.resolve().is_err());
        let off = WorkspaceOptions { disabled_rules: vec!["yaml-syntax".into()], ..Default::default() };
        assert!(off.resolve().unwrap_err().contains("cannot be set"));
        let mut down = WorkspaceOptions::default();
        down.severity_overrides.insert("yaml-limit-exceeded".into(), Severity::Info);
        assert!(down.resolve().unwrap_err().contains("cannot be set"));
    }

    #[test]
    fn options_take_limits_with_kebab_case_keys() {
        let opts: WorkspaceOptions = serde_json::from_str(r#"{"limits": {"max-documents": 2, "max-depth": 16}}"#).unwrap();
        let (o, _) = opts.resolve().unwrap();
        assert_eq!((o.limits.max_documents, o.limits.max_depth), (2, 16));
        assert_eq!(o.limits.max_alias_nodes, crate::yaml::Limits::default().max_alias_nodes);
        assert!(serde_json::from_str::<WorkspaceOptions>(r#"{"limits": {"maxDepth": 1}}"#).is_err(), "unknown keys are refused");
    }

    #[test]
    fn files_are_replaced_and_removed_and_the_cache_follows() {
        let mut w = ws("apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: []\n");
        assert!(!w.check().diagnostics.is_empty());
        w.set_file("app.yaml", APP);
        assert_eq!(w.files().len(), 1);
        let errors = w.check().summary.errors;
        assert_eq!(errors, 0, "{:?}", w.check().diagnostics);
        assert_eq!(w.objects().len(), 2);
        assert!(w.remove_file("app.yaml"));
        assert!(!w.remove_file("app.yaml"));
        assert!(w.objects().is_empty());
    }

    #[test]
    fn stored_objects_serialize_as_json_with_defaults() {
        let mut w = ws(APP);
        let objs = w.objects();
        let svc = serde_json::to_value(&objs[0]).unwrap();
        assert_eq!(svc["kind"], "Service");
        assert_eq!(svc["acceptance"], "accepted");
        assert_eq!(svc["object"]["spec"]["ports"][0]["port"], 80);
        // Defaulted by the server.
        assert_eq!(svc["object"]["spec"]["type"], "ClusterIP");
        assert_eq!(svc["object"]["spec"]["ports"][0]["protocol"], "TCP");
    }

    #[test]
    fn json_node_resolves_yaml_1_1_scalars() {
        let files =
            [SourceFile::new("a.yaml", "a: yes\nb: '1'\nc: 0755\nd: 1.10\ne: ~\nf: 99999999999999999999\ng: 18446744073709551615\n")];
        let loaded = crate::yaml::load_file(0, &files[0], &crate::yaml::Limits::default());
        let root = loaded.docs[0].root.as_ref().unwrap();
        let v = serde_json::to_value(JsonNode(root)).unwrap();
        assert_eq!(v["a"], true);
        assert_eq!(v["b"], "1");
        assert_eq!(v["c"], 493);
        assert_eq!(v["d"], 1.1);
        assert!(v["e"].is_null());
        assert!(v["g"].is_f64(), "{v}");
    }

    #[test]
    fn requests_parse_or_explain() {
        assert_eq!(parse_source("pod/shop/web-1").unwrap(), Source::Pod { namespace: Some("shop".into()), name: "web-1".into() });
        assert_eq!(parse_source("node/node-1").unwrap(), Source::Node("node-1".into()));
        assert_eq!(parse_source("external").unwrap(), Source::External);
        assert!(parse_source("pod/").is_err());
        assert!(parse_source("carrier-pigeon").unwrap_err().contains("not a request source"));
        let spec = TraceSpec { to: "nowhere".into(), ..Default::default() };
        assert!(spec.to_request(Mode::Iptables).unwrap_err().contains("not a destination"));
        let spec = TraceSpec { to: "svc/default/web:80".into(), protocol: Some("icmp".into()), ..Default::default() };
        assert!(spec.to_request(Mode::Iptables).unwrap_err().contains("not a protocol"));
        let sim = SimulateSpec {
            trace: TraceSpec { to: "svc/default/web:80".into(), ..Default::default() },
            requests: Some(0),
            ..Default::default()
        };
        assert!(sim.to_request(Mode::Iptables).is_err());
        let spec = TraceSpec { to: "svc/default/web:80".into(), mode: Some("ipvs".into()), ..Default::default() };
        assert_eq!(spec.to_request(Mode::Iptables).unwrap().mode, Mode::Ipvs);
        assert_eq!(parse_source("po/web").unwrap(), Source::Pod { namespace: None, name: "web".into() });
        assert!(parse_proxy_mode("userspace").is_err());
    }

    #[test]
    fn trace_simulate_dns_and_rules_come_from_the_cluster() {
        let mut w = ws(APP);
        assert_eq!(w.endpoint_slices().iter().filter(|s| s.service.as_deref() == Some("web")).count(), 1);
        assert!(w.dns().iter().any(|r| r.name == "web.default.svc.cluster.local" && r.type_ == "A"));
        let t = w.trace(&TraceSpec { to: "svc/default/web:80".into(), ..Default::default() }).unwrap();
        assert_eq!(t.outcome, trace::Outcome::Delivered, "{t:?}");
        assert_eq!(t.endpoint.as_ref().map(|e| e.port), Some(8080));
        let s = w
            .simulate(&SimulateSpec {
                trace: TraceSpec { to: "svc/default/web:80".into(), ..Default::default() },
                requests: Some(200),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(s.delivered, 200);
        assert_eq!(s.endpoints.len(), 2);
        let rules = w.proxy_rules(None, None).unwrap();
        assert!(rules.contains("KUBE-SVC-") && rules.contains("default/web"), "{rules}");
        assert!(w.proxy_rules(Some("iptables"), Some("no-such-node")).unwrap_err().contains("no node"));
        assert!(w.proxy_rules(Some("nftables"), Some("node-2")).unwrap().contains("table ip kube-proxy"));
        assert!(w.proxy_rules(Some("ipvs"), None).unwrap().contains("TCP"));
        assert!(w.proxy_rules(Some("bogus"), None).is_err());
    }

    #[test]
    fn the_registry_is_listed_with_docs() {
        let r = rules();
        assert_eq!(r.len(), crate::rules::all().len());
        assert!(r.iter().all(|x| x.docs.contains("## What it does") && x.url.ends_with(x.name)));
    }
}
