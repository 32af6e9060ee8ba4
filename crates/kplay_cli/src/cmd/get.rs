//! `kplay get KIND [PATH...]`: what `kubectl get` would show after applying the manifests to a
//! fresh simulated cluster: kubectl-like tables, or the objects as a `v1` List (`-o yaml|json`),
//! every mapping's keys sorted as kubectl prints them (`kplay_core::yaml::key_order`).

use kplay_core::cluster::view::{self, Kind, Scope};
use kplay_core::yaml::key_order::{sort_keys, KeyOrder};
use kplay_core::yaml::{emit, Node};
use kplay_core::{analyze, cluster};

use super::Common;
use crate::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GetOutput {
    /// The table with extra columns (pod IP and node, Service selector).
    Wide,
    Yaml,
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// What to list: pods, services, endpointslices, deployments, replicasets,
    /// replicationcontrollers, statefulsets, daemonsets, jobs, nodes, namespaces, ingresses,
    /// ingressclasses (kubectl's short names work); several separated by commas
    /// (`pods,svc`), or `all` (pods, replicationcontrollers, services, daemonsets, deployments,
    /// replicasets, statefulsets, jobs), as with kubectl.
    #[arg(value_name = "KIND")]
    pub kind: String,
    #[command(flatten)]
    pub common: Common,
    /// More files or directories (like `kubectl get -f`).
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
    pub filename: Vec<String>,
    /// Output format (default: a table).
    #[arg(short = 'o', long, value_enum)]
    pub output: Option<GetOutput>,
    /// List the objects of every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
}

pub fn run(args: &Args) -> u8 {
    let kinds = match Kind::parse_list(&args.kind) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let mut common = args.common.clone();
    common.paths.extend(args.filename.iter().cloned());
    let (files, opts) = match common.load() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let analysis = analyze(&files, &opts);
    let c = cluster::simulate(&files, &analysis.objects, &opts);
    let scope = if args.all_namespaces { Scope::All } else { Scope::Namespace(opts.default_namespace.clone()) };
    let text = match args.output {
        Some(GetOutput::Json) => view::to_json(&sorted(view::list_kinds(&c, &analysis.objects, &kinds, &scope), KeyOrder::GoJson)),
        Some(GetOutput::Yaml) => {
            emit::to_yaml_kubectl(&sorted(view::list_kinds(&c, &analysis.objects, &kinds, &scope), KeyOrder::GoYamlV2))
        }
        Some(GetOutput::Wide) | None => view::tables(&c, &kinds, &scope, args.output == Some(GetOutput::Wide)).unwrap_or_else(|| {
            match &scope {
                Scope::Namespace(ns) if kinds.iter().any(|k| k.is_namespaced()) => eprintln!("No resources found in {ns} namespace."),
                _ => eprintln!("No resources found"),
            }
            String::new()
        }),
    };
    crate::print_out(&text);
    if analysis.has_errors() {
        eprintln!("note: some objects were refused (run `kplay check` for the errors); they are not in the simulated cluster");
    }
    exit::OK
}

/// The list with every mapping's keys in the order kubectl's printer for the format writes them:
/// kubectl prints unstructured objects, whose maps come out sorted.
fn sorted(mut list: Node, order: KeyOrder) -> Node {
    sort_keys(&mut list, order);
    list
}
