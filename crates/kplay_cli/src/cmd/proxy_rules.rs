//! `kplay proxy-rules [PATH...] --mode iptables|nftables|ipvs --node NAME`: the rules kube-proxy
//! would program on one node of the simulated cluster (`iptables-save`, `nft list ruleset` or
//! `ipvsadm -Ln` text). Also the shared set-up of `trace` and `simulate`: manifests -> analysis
//! -> simulated cluster -> what kube-proxy consumes.

use kplay_core::proxy::input::ProxyInput;
use kplay_core::proxy::iptables::{self, NodeContext, RenderOptions};
use kplay_core::proxy::modes::Mode;
use kplay_core::proxy::{ipvs, nftables};
use kplay_core::{analyze, cluster};

use super::Common;
use crate::exit;

/// `--mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    Iptables,
    Nftables,
    Ipvs,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Iptables => Mode::Iptables,
            ModeArg::Nftables => Mode::Nftables,
            ModeArg::Ipvs => Mode::Ipvs,
        }
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// kube-proxy's mode (default: the cluster's `proxy-mode` in kplay.toml, else iptables).
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// The node whose rules to print (default: the first node).
    #[arg(long, value_name = "NAME")]
    pub node: Option<String>,
    /// iptables: print what kube-proxy writes (`iptables-restore` input: only its own chains,
    /// probabilities as it computes them) instead of what `iptables-save` shows on the node.
    /// nftables: print kube-proxy's transaction (`add rule ...`) instead of `nft list ruleset`.
    #[arg(long)]
    pub as_written: bool,
    /// Print the rules of kube-proxy's IPv6 proxier (ip6tables, the `ip6 kube-proxy` table, IPv6
    /// virtual servers): those of the single-stack IPv6 Services.
    #[arg(long)]
    pub ipv6: bool,
}

/// The simulated cluster as kube-proxy and the Ingress controller see it.
pub struct Loaded {
    pub input: ProxyInput,
    /// The cluster's configured proxy mode.
    pub mode: Mode,
}

/// Loads the manifests, simulates the cluster and builds the proxy inputs; prints errors and
/// returns the exit code on failure.
pub fn load(common: &Common) -> Result<Loaded, u8> {
    let (files, opts) = match common.load() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(exit::USAGE);
        }
    };
    let analysis = analyze(&files, &opts);
    let c = cluster::simulate(&files, &analysis.objects, &opts);
    if analysis.has_errors() {
        eprintln!("note: some objects were refused (run `kplay check` for the errors); they are not in the simulated cluster");
    }
    Ok(Loaded { input: ProxyInput::from_cluster(&c), mode: c.description.proxy_mode.into() })
}

/// The node named `want`, or the first node; an error message listing the nodes otherwise.
pub fn pick_node(input: &ProxyInput, want: Option<&str>) -> Result<String, String> {
    match want {
        Some(n) if input.node(n).is_some() => Ok(n.to_string()),
        Some(n) => {
            let names: Vec<&str> = input.nodes.iter().map(|n| n.name.as_str()).collect();
            Err(format!("no node named {n} in the simulated cluster (nodes: {})", names.join(", ")))
        }
        None => input.nodes.first().map(|n| n.name.clone()).ok_or_else(|| "the simulated cluster has no nodes".to_string()),
    }
}

pub fn run(args: &Args) -> u8 {
    let loaded = match load(&args.common) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let input = &loaded.input;
    let node = match pick_node(input, args.node.as_deref()) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let ctx = NodeContext::of_family(input, &node, args.ipv6);
    let mode = args.mode.map_or(loaded.mode, Mode::from);
    let text = match mode {
        Mode::Iptables => {
            let opts =
                if args.as_written { RenderOptions::default() } else { RenderOptions { builtin_chains: true, saved_probabilities: true } };
            let body = iptables::generate(input, &ctx).render(opts);
            if args.as_written {
                body
            } else {
                format!("{}\n{body}", kplay_core::api::iptables_header(&node, args.ipv6))
            }
        }
        Mode::Nftables => {
            let rs = nftables::generate(input, &ctx);
            if args.as_written {
                rs.render_commands()
            } else {
                rs.render_list()
            }
        }
        Mode::Ipvs => ipvs::generate(input, &ctx).render(),
    };
    crate::print_out(&text);
    exit::OK
}
