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
use kplay_core::cluster::ClusterDescription;
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
    /// Number of nodes of the simulated cluster (the `[cluster]` key `node-count`).
    #[arg(long, value_name = "N")]
    pub nodes: Option<usize>,
    /// Set a key of the simulated cluster, as in kplay.toml's `[cluster]` table (repeatable):
    /// `--cluster proxy-mode=ipvs --cluster service-cidr=10.0.0.0/16 --cluster 'zones=["a","b"]'`.
    #[arg(long = "cluster", value_name = "KEY=VALUE")]
    pub cluster: Vec<String>,
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
        let mut sets = self.cluster.clone();
        if let Some(n) = self.nodes {
            sets.push(format!("node-count={n}"));
        }
        if !sets.is_empty() {
            o.cluster = set_cluster_keys(&o.cluster, &sets)?;
        }
        let files = crate::inputs::collect(&self.paths, &|p| config.ignores(p))?;
        Ok((files, o))
    }
}

/// Applies `KEY=VALUE` settings to a cluster description. A value is read as a TOML value
/// (`5`, `true`, `["a", "b"]`, `"text"`), else taken as a plain string (`10.0.0.0/16`); keys
/// and values are checked by the same deserializer as kplay.toml's `[cluster]` table.
pub fn set_cluster_keys(cluster: &ClusterDescription, sets: &[String]) -> Result<ClusterDescription, String> {
    let mut value = serde_json::to_value(cluster).map_err(|e| e.to_string())?;
    for set in sets {
        let Some((key, raw)) = set.split_once('=') else {
            return Err(format!("--cluster {set}: expected KEY=VALUE, e.g. --cluster proxy-mode=ipvs"));
        };
        let key = key.trim();
        let parsed = toml::from_str::<toml::Table>(&format!("v = {raw}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(raw.to_owned()));
        let json = serde_json::to_value(parsed).map_err(|e| e.to_string())?;
        match value.as_object_mut() {
            Some(map) if map.contains_key(key) => {
                map.insert(key.to_owned(), json);
            }
            _ => {
                let known: Vec<&str> = value.as_object().map(|m| m.keys().map(String::as_str).collect()).unwrap_or_default();
                return Err(format!("--cluster {set}: unknown key `{key}` (known: {})", known.join(", ")));
            }
        }
    }
    serde_json::from_value(value).map_err(|e| format!("--cluster: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_keys_are_typed_like_the_config_table() {
        let base = ClusterDescription::default();
        let sets = ["node-count=5", "proxy-mode=ipvs", "service-cidr=10.0.0.0/16", "zones=[\"x\", \"y\"]", "system-dns=false"];
        let c = set_cluster_keys(&base, &sets.map(String::from)).expect("valid settings");
        assert_eq!(c.node_count, 5);
        assert_eq!(c.proxy_mode, kplay_core::cluster::ProxyMode::Ipvs);
        assert_eq!(c.service_cidr, "10.0.0.0/16");
        assert_eq!(c.zones, ["x", "y"]);
        assert!(!c.system_dns);
        assert_eq!(c.cluster_domain, base.cluster_domain, "other keys keep their values");
    }

    #[test]
    fn bad_cluster_keys_are_refused_with_the_reason() {
        let base = ClusterDescription::default();
        let err = set_cluster_keys(&base, &["node-cont=5".to_owned()]).unwrap_err();
        assert!(err.contains("unknown key `node-cont`") && err.contains("node-count"), "{err}");
        let err = set_cluster_keys(&base, &["node-count=many".to_owned()]).unwrap_err();
        assert!(err.contains("--cluster"), "{err}");
        let err = set_cluster_keys(&base, &["proxy-mode".to_owned()]).unwrap_err();
        assert!(err.contains("KEY=VALUE"), "{err}");
    }

    #[test]
    fn node_cpu_is_a_quantity_written_as_text_or_number() {
        let base = ClusterDescription::default();
        assert_eq!(set_cluster_keys(&base, &["node-cpu=2".to_owned()]).expect("a number").node_cpu, "2");
        assert_eq!(set_cluster_keys(&base, &["node-cpu=3500m".to_owned()]).expect("millicores").node_cpu, "3500m");
        let err = set_cluster_keys(&base, &["node-cpu=lots".to_owned()]).unwrap_err();
        assert!(err.contains("node-cpu: `lots` is not a CPU quantity"), "{err}");
        let err = set_cluster_keys(&base, &["node-cpu=-1".to_owned()]).unwrap_err();
        assert!(err.contains("not a CPU quantity"), "{err}");
    }

    #[test]
    fn networks_and_port_ranges_are_checked() {
        // Before, an unreadable network silently left the cluster without it (no ClusterIPs).
        let base = ClusterDescription::default();
        for (set, why) in [
            ("service-cidr=garbage", "service-cidr: `garbage` is not a network in CIDR notation"),
            ("service-cidr=10.96.0.0/33", "is not a network"),
            ("service-cidr-secondary=fd00::/129", "is not a network"),
            ("cluster-cidr=10.244.0.0", "is not a network"),
            ("node-network=x", "is not a network"),
            ("load-balancer-cidr=1.2.3.4/40", "is not a network"),
            ("node-port-range=32767-30000", "is not a port range"),
            ("node-port-range=\"30000\"", "is not a port range"),
            ("node-port-range=0-100", "is not a port range"),
            ("nodes=[{ip = \"300.1.1.1\"}]", "is not an IP address"),
            ("nodes=[{pod-cidr = \"10.0.0.0\"}]", "is not a network"),
        ] {
            let err = set_cluster_keys(&base, &[set.to_owned()]).unwrap_err();
            assert!(err.contains(why), "{set}: {err}");
        }
        let ok = ["service-cidr-secondary=fd00:30::/112", "nodes=[{ip = \"10.0.0.5\", cpu = 8}]", "node-port-range=30000-30000"];
        let c = set_cluster_keys(&base, &ok.map(String::from)).expect("valid settings");
        assert_eq!(c.nodes[0].cpu.as_deref(), Some("8"));
        // A description written out and read back (share links, the flags on top of a file).
        let again = set_cluster_keys(&c, &["seed=1".to_owned()]).expect("round trip");
        assert_eq!(again.nodes, c.nodes);
    }
}
