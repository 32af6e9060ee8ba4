//! `kplay trace [PATH...] --url URL | --to DEST [--from pod/NAME | --from-ip IP]`: follows one
//! request through DNS, the Ingress controller and kube-proxy's rules to a pod, one hop per
//! line (or the JSON trace). Exit code 0 when the request is delivered, 1 when it is not.

use std::net::IpAddr;

use kplay_core::proxy::input::Protocol;
use kplay_core::proxy::trace::{Destination, Outcome, Source, Trace, TraceRequest, Tracer};

use super::proxy_rules::{load, ModeArg};
use super::Common;
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    /// One numbered line per hop, then the outcome.
    Human,
    /// `{"outcome", "http_status", "backend", "endpoint", "hops", "masqueraded"}`.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProtocolArg {
    Tcp,
    Udp,
    Sctp,
}

impl From<ProtocolArg> for Protocol {
    fn from(p: ProtocolArg) -> Self {
        match p {
            ProtocolArg::Tcp => Protocol::Tcp,
            ProtocolArg::Udp => Protocol::Udp,
            ProtocolArg::Sctp => Protocol::Sctp,
        }
    }
}

/// Where the request goes and where it comes from (shared with `simulate`).
#[derive(Debug, Clone, clap::Args)]
pub struct Target {
    /// An HTTP(S) URL, routed by the Ingress controller (`http://shop.example.com/cart`).
    #[arg(long, value_name = "URL", conflicts_with = "to", required_unless_present = "to")]
    pub url: Option<String>,
    /// `svc/NAMESPACE/NAME:PORT` (port number or name), `IP:PORT`, or `DNS-NAME:PORT` (a name
    /// `kplay dns` lists: Services, headless Services and their endpoints' hostnames, pods).
    #[arg(long, value_name = "DEST")]
    pub to: Option<String>,
    /// The client: `pod/NAME`, `pod/NAMESPACE/NAME` or `node/NAME` (default: a client outside
    /// the cluster, 203.0.113.10).
    #[arg(long, value_name = "pod/NAME", conflicts_with = "from_ip")]
    pub from: Option<String>,
    /// The client's address (a pod's or node's IP is recognised; anything else is external).
    #[arg(long, value_name = "IP")]
    pub from_ip: Option<IpAddr>,
    #[arg(long, value_enum, default_value_t = ProtocolArg::Tcp)]
    pub protocol: ProtocolArg,
    /// The node an external client's traffic enters (default: as a load balancer would pick).
    #[arg(long, value_name = "NAME")]
    pub entry_node: Option<String>,
    /// The IngressClass whose controller handles `--url` (default: the default class).
    #[arg(long, value_name = "NAME")]
    pub ingress_class: Option<String>,
    /// kube-proxy's mode the hops are shown in (default: the cluster's, else iptables).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Seed of the random load-balancing draws.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

impl Target {
    /// The request, or a usage error.
    pub fn request(&self, default_mode: kplay_core::proxy::modes::Mode) -> Result<TraceRequest, String> {
        let to = match (&self.url, &self.to) {
            (Some(u), _) => {
                let u = if u.contains("://") { u.clone() } else { format!("http://{u}") };
                Destination::parse(&u).ok_or_else(|| format!("cannot read the URL {u}"))?
            }
            (None, Some(t)) => Destination::parse(t)
                .ok_or_else(|| format!("cannot read --to {t}: expected svc/NAMESPACE/NAME:PORT, IP:PORT or NAME:PORT"))?,
            (None, None) => return Err("give --url or --to".into()),
        };
        let from = match (&self.from, self.from_ip) {
            (_, Some(ip)) => Source::Ip(ip),
            (Some(f), None) => parse_source(f)?,
            (None, None) => Source::External,
        };
        let mut req = TraceRequest::new(from, to);
        req.protocol = self.protocol.into();
        req.seed = self.seed;
        req.entry_node.clone_from(&self.entry_node);
        req.ingress_class.clone_from(&self.ingress_class);
        req.mode = self.mode.map_or(default_mode, Into::into);
        Ok(req)
    }
}

fn parse_source(s: &str) -> Result<Source, String> {
    let parts: Vec<&str> = s.split('/').collect();
    match parts.as_slice() {
        ["pod" | "pods" | "po", name] if !name.is_empty() => Ok(Source::Pod { namespace: None, name: (*name).to_string() }),
        ["pod" | "pods" | "po", ns, name] if !name.is_empty() => {
            Ok(Source::Pod { namespace: Some((*ns).to_string()), name: (*name).to_string() })
        }
        ["node" | "nodes" | "no", name] if !name.is_empty() => Ok(Source::Node((*name).to_string())),
        _ => match s.parse::<IpAddr>() {
            Ok(ip) => Ok(Source::Ip(ip)),
            Err(_) => Err(format!("cannot read --from {s}: expected pod/NAME, pod/NAMESPACE/NAME, node/NAME or an IP")),
        },
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub target: Target,
    #[arg(long, value_enum, default_value_t = TraceFormat::Human)]
    pub format: TraceFormat,
    /// Human format: print the matched rule under each hop.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// The trace as JSON: the core's `Trace` as every host serializes it (`outcome`, `http_status`,
/// `backend`, `endpoint`, `hops` with `rule`/`node` on rule hops, `masqueraded`).
pub fn to_json(t: &Trace) -> serde_json::Value {
    serde_json::to_value(t).unwrap_or(serde_json::Value::Null)
}

/// One line per hop, then a sentence with the outcome.
pub fn human(t: &Trace, verbose: bool) -> String {
    let mut out = String::new();
    let kind_w = t.hops.iter().map(|h| h.kind.len()).max().unwrap_or(0);
    for (i, h) in t.hops.iter().enumerate() {
        let node = match (&h.node, h.kind.as_str()) {
            (Some(n), "iptables" | "nftables" | "ipvs") if i == 0 || t.hops[i - 1].node.as_ref() != Some(n) => format!(" (node {n})"),
            _ => String::new(),
        };
        out.push_str(&format!("{:>3}. {:<kind_w$}  {}{node}: {}\n", i + 1, h.kind, h.name, h.detail));
        if verbose {
            if let Some(r) = &h.rule {
                out.push_str(&format!("     {:<kind_w$}  {r}\n", ""));
            }
        }
    }
    let status = t.http_status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
    let summary = match t.outcome {
        Outcome::Delivered => {
            let ep = t.endpoint.as_ref().map_or_else(String::new, |e| {
                let who = e.pod.as_deref().map(|p| format!("pod {p} at ")).unwrap_or_default();
                let node = e.node.as_deref().map(|n| format!(" on node {n}")).unwrap_or_default();
                format!(" to {who}{}:{}{node}", e.ip, e.port)
            });
            let masq = if t.masqueraded { "; the pod sees the node's address as the source (masqueraded)" } else { "" };
            format!("delivered{ep}{status}{masq}")
        }
        Outcome::Rejected => format!("rejected{status}: the client gets an immediate error (connection refused)"),
        Outcome::Dropped => format!("dropped{status}: the client waits until it times out"),
        Outcome::NoRoute => format!("no route{status}: nothing in the cluster serves this destination"),
    };
    out.push_str(&format!("=> {summary}\n"));
    out
}

pub fn run(args: &Args) -> u8 {
    let loaded = match load(&args.common) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let req = match args.target.request(loaded.mode) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    if let Some(n) = &req.entry_node {
        if loaded.input.node(n).is_none() {
            eprintln!("error: no node named {n} in the simulated cluster");
            return exit::USAGE;
        }
    }
    let t = Tracer::new(&loaded.input).trace(&req);
    let text = match args.format {
        TraceFormat::Human => human(&t, args.verbose),
        TraceFormat::Json => match serde_json::to_string_pretty(&to_json(&t)) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return exit::INTERNAL;
            }
        },
    };
    crate::print_out(&text);
    if t.outcome == Outcome::Delivered {
        exit::OK
    } else {
        exit::ERRORS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse() {
        assert_eq!(parse_source("pod/web").unwrap(), Source::Pod { namespace: None, name: "web".into() });
        assert_eq!(parse_source("pod/shop/web").unwrap(), Source::Pod { namespace: Some("shop".into()), name: "web".into() });
        assert_eq!(parse_source("node/n1").unwrap(), Source::Node("n1".into()));
        assert!(matches!(parse_source("10.0.0.1").unwrap(), Source::Ip(_)));
        assert!(parse_source("deployment/web").is_err());
        assert!(parse_source("pod/").is_err());
    }
}
