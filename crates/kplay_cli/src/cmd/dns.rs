//! `kplay dns [PATH...]`: the DNS records CoreDNS would serve for the simulated cluster.

use kplay_core::{analyze, cluster};

use super::Common;
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DnsFormat {
    /// One record per line, like a zone file.
    Human,
    /// `[{"name", "type", "data"}]`.
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    #[arg(long, value_enum, default_value_t = DnsFormat::Human)]
    pub format: DnsFormat,
    /// Only records whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
}

pub fn run(args: &Args) -> u8 {
    let (files, opts) = match args.common.load() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let analysis = analyze(&files, &opts);
    let c = cluster::simulate(&files, &analysis.objects, &opts);
    let records: Vec<_> = c.dns_records().into_iter().filter(|r| args.name.as_ref().is_none_or(|n| r.name.contains(n.as_str()))).collect();
    let text = match args.format {
        DnsFormat::Json => match serde_json::to_string_pretty(&records) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return exit::INTERNAL;
            }
        },
        DnsFormat::Human => {
            let w = records.iter().map(|r| r.name.len()).max().unwrap_or(0) + 1;
            let mut out = String::new();
            for r in &records {
                out.push_str(&format!("{:<w$} {:<5} {}\n", format!("{}.", r.name), r.type_, r.data));
            }
            out
        }
    };
    crate::print_out(&text);
    exit::OK
}
