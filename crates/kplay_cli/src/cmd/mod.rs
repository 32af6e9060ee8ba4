//! Subcommands, one file each. Shared arguments and the common set-up (configuration, inputs,
//! options) live here.

pub mod check;
pub mod dns;
pub mod get;
pub mod proxy_rules;
pub mod rules;
pub mod simulate;
pub mod trace;

use clap::ValueEnum;
use kplay_core::{KubeVersion, Options, SourceFile};

use crate::config::Config;

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
    /// Kubernetes version whose rules apply (1.30 to 1.37; default 1.34).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub kube_version: Option<KubeVersion>,
    /// Namespace for objects that name none (like kubectl's context namespace).
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// The configuration file (default: the first kplay.toml from the working directory up).
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// Ignore `# kplay: ignore[...]` comments (for CI that must not be bypassed).
    #[arg(long)]
    pub no_inline_ignores: bool,
}

fn parse_version(s: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(s)
}

impl Common {
    /// Loads the configuration, applies the flags on top and reads the inputs.
    pub fn load(&self) -> Result<(Vec<SourceFile>, Options), String> {
        let config = Config::load(self.config.as_deref())?;
        let mut o = Options::default();
        config.apply(&mut o)?;
        if let Some(v) = self.kube_version {
            o.kube_version = v;
        }
        if let Some(ns) = &self.namespace {
            o.default_namespace.clone_from(ns);
        }
        if self.no_inline_ignores {
            o.inline_ignores = false;
        }
        let files = crate::inputs::collect(&self.paths, &|p| config.ignores(p))?;
        Ok((files, o))
    }
}
