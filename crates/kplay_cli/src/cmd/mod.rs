//! Subcommands, one file each. Shared arguments live here.

pub mod check;

use clap::ValueEnum;
use kplay_core::{KubeVersion, Options};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Arguments every analysing subcommand takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// Files or directories (recursing into *.yaml, *.yml, *.json); `-` for stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Kubernetes version whose rules apply (1.30 to 1.37).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub kube_version: Option<KubeVersion>,
    /// Namespace for objects that name none (like kubectl's context namespace).
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
}

fn parse_version(s: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(s)
}

impl Common {
    /// The analysis options from the arguments.
    pub fn options(&self) -> Options {
        let mut o = Options::default();
        if let Some(v) = self.kube_version {
            o.kube_version = v;
        }
        if let Some(ns) = &self.namespace {
            o.default_namespace.clone_from(ns);
        }
        o
    }
}
