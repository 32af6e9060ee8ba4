//! `kplay simulate [PATH...] --to DEST --requests N --seed S [--clients K]`: sends many requests
//! through the same rules as `trace` and prints where they landed beside the shares the rules
//! imply, with session affinity and traffic policies honoured.

use kplay_core::proxy::trace::{SimulateRequest, Simulation, Tracer};

use super::proxy_rules::load;
use super::trace::{Target, TraceFormat};
use super::Common;
use crate::exit;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub target: Target,
    /// How many requests (new connections) to send.
    #[arg(long, short = 'N', default_value_t = 10_000)]
    pub requests: usize,
    /// How many distinct client addresses send them (session affinity is per client address).
    #[arg(long, default_value_t = 1)]
    pub clients: usize,
    /// Simulated time between two requests, in milliseconds (affinity expires after its timeout).
    #[arg(long, default_value_t = 1)]
    pub interval_ms: u64,
    #[arg(long, value_enum, default_value_t = TraceFormat::Human)]
    pub format: TraceFormat,
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A summary line, then one row per endpoint.
pub fn human(s: &Simulation, what: &str) -> String {
    let mut out = format!(
        "{} requests {what} from {} client address{} (seed-determined)\n",
        s.requests,
        s.clients,
        if s.clients == 1 { "" } else { "es" }
    );
    out.push_str(&format!(
        "delivered {}, rejected {}, dropped {}, no route {}; masqueraded {}\n",
        s.delivered, s.rejected, s.dropped, s.no_route, s.masqueraded
    ));
    if s.endpoints.is_empty() {
        if let Some(last) = s.sample.hops.last() {
            out.push_str(&format!("no endpoint was reached; the first request ended at {}: {}\n", last.name, last.detail));
        }
        return out;
    }
    let rows: Vec<[String; 6]> = s
        .endpoints
        .iter()
        .map(|e| {
            [
                format!("{}:{}", e.endpoint.ip, e.endpoint.port),
                e.endpoint.pod.clone().unwrap_or_else(|| "-".into()),
                e.endpoint.node.clone().unwrap_or_else(|| "-".into()),
                e.count.to_string(),
                pct(e.share),
                pct(e.expected_share),
            ]
        })
        .collect();
    let head = ["ENDPOINT", "POD", "NODE", "REQUESTS", "SHARE", "EXPECTED"];
    let mut w = head.map(str::len);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.len());
        }
    }
    let line = |cells: [&str; 6]| {
        format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {:>w4$}  {:>w5$}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            cells[5],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3],
            w4 = w[4],
            w5 = w[5]
        )
    };
    out.push_str(&line(head));
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
    }
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
    let what = match (&args.target.url, &args.target.to) {
        (Some(u), _) => format!("to {u}"),
        (None, Some(t)) => format!("to {t}"),
        (None, None) => String::new(),
    };
    let sim = SimulateRequest { trace: req, requests: args.requests, clients: args.clients.max(1), interval_ms: args.interval_ms };
    let s = Tracer::new(&loaded.input).simulate(&sim);
    let text = match args.format {
        TraceFormat::Human => human(&s, &what),
        TraceFormat::Json => {
            // The core's `Simulation` as every host serializes it (camelCase keys).
            let v = serde_json::to_value(&s).unwrap_or(serde_json::Value::Null);
            match serde_json::to_string_pretty(&v) {
                Ok(t) => t + "\n",
                Err(e) => {
                    eprintln!("error: cannot write JSON: {e}");
                    return exit::INTERNAL;
                }
            }
        }
    };
    crate::print_out(&text);
    exit::OK
}
