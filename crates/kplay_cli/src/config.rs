//! `kplay.toml`: found upward from the working directory (or given with `--config`), it sets the
//! Kubernetes version, the simulated cluster, rules on/off and severities, limits and paths to
//! ignore. Unknown keys and unknown rule names are errors, so a typo never silently does nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use kplay_core::yaml::Limits;
use kplay_core::{KubeVersion, Options, Severity};
use serde::Deserialize;

pub const FILE_NAME: &str = "kplay.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Kubernetes version whose rules apply.
    pub kube_version: Option<KubeVersion>,
    /// Namespace for objects that name none.
    pub namespace: Option<String>,
    /// Honour `# kplay: ignore[...]` comments (default true).
    pub inline_ignores: Option<bool>,
    /// Glob patterns, relative to the config file, of paths not to check.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rule name -> "off" | "error" | "warning" | "info".
    #[serde(default)]
    pub rules: BTreeMap<String, String>,
    /// Resource limits (see docs/rules.md, `yaml-limit-exceeded`).
    pub limits: Option<Limits>,
    /// The simulated cluster (nodes, CIDRs, proxy mode ...), passed to the core as is.
    pub cluster: Option<toml::Value>,
}

/// A loaded configuration: where it came from and what it says.
#[derive(Debug, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
    ignore: Option<GlobSet>,
}

impl Config {
    /// Loads `explicit`, or the first `kplay.toml` found from the working directory upward.
    pub fn load(explicit: Option<&str>) -> Result<Config, String> {
        let path = match explicit {
            Some(p) => Some(PathBuf::from(p)),
            None => find_upward(),
        };
        let Some(path) = path else { return Ok(Config::default()) };
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))?;
        for (name, level) in &file.rules {
            if kplay_core::rules::find(name).is_none() {
                let hint = kplay_core::suppress::closest_rule(name).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
                return Err(format!(
                    "{}: [rules] names `{name}`, which is not a kplay rule{hint}; `kplay rules` lists them",
                    path.display()
                ));
            }
            if level != "off" && Severity::parse(level).is_none() {
                return Err(format!("{}: [rules] {name} = \"{level}\": use \"off\", \"error\", \"warning\" or \"info\"", path.display()));
            }
            if let Some(e) = kplay_core::rules::yaml::unreadable_config_error(name, level) {
                return Err(format!("{}: [rules] {e}", path.display()));
            }
        }
        let ignore = if file.ignore.is_empty() {
            None
        } else {
            let mut b = GlobSetBuilder::new();
            for g in &file.ignore {
                b.add(Glob::new(g).map_err(|e| format!("{}: ignore pattern `{g}`: {e}", path.display()))?);
            }
            Some(b.build().map_err(|e| format!("{}: {e}", path.display()))?)
        };
        Ok(Config { path: Some(path.to_path_buf()), file, ignore })
    }

    /// Applies the file to `opts` (command-line flags are applied after, and win).
    pub fn apply(&self, opts: &mut Options) -> Result<(), String> {
        let f = &self.file;
        if let Some(v) = f.kube_version {
            opts.kube_version = v;
        }
        if let Some(ns) = &f.namespace {
            opts.default_namespace.clone_from(ns);
        }
        if let Some(b) = f.inline_ignores {
            opts.inline_ignores = b;
        }
        if let Some(l) = f.limits {
            opts.limits = l;
        }
        for (name, level) in &f.rules {
            if level == "off" {
                opts.disabled_rules.push(name.clone());
            } else if let Some(s) = Severity::parse(level) {
                opts.severity_overrides.insert(name.clone(), s);
            }
        }
        if let Some(c) = &f.cluster {
            apply_cluster(c, opts)
                .map_err(|e| format!("{}: [cluster]: {e}", self.path.as_deref().unwrap_or(Path::new(FILE_NAME)).display()))?;
        }
        Ok(())
    }

    /// True when `path` matches an `ignore` pattern (relative to the config file's folder).
    pub fn ignores(&self, path: &Path) -> bool {
        let Some(set) = &self.ignore else { return false };
        let base = self.path.as_deref().and_then(Path::parent).unwrap_or(Path::new(""));
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let rel = abs(path).strip_prefix(abs(base)).map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
        set.is_match(&rel) || set.is_match(path)
    }
}

/// The cluster description goes to the core through serde, so its field names are the core's.
fn apply_cluster(value: &toml::Value, opts: &mut Options) -> Result<(), String> {
    let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
    opts.cluster = serde_json::from_value(json).map_err(|e| e.to_string())?;
    Ok(())
}

fn find_upward() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !dir.pop() {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_applies() {
        let c = Config::parse(
            Path::new("/repo/kplay.toml"),
            "kube-version = \"1.31\"\ninline-ignores = false\nignore = [\"charts/**\"]\n[rules]\nkind-not-checked = \"off\"\nduplicate-key = \"warning\"\n",
        )
        .unwrap();
        let mut o = Options::default();
        c.apply(&mut o).unwrap();
        assert_eq!(o.kube_version, KubeVersion::new(31));
        assert!(!o.inline_ignores);
        assert_eq!(o.disabled_rules, vec!["kind-not-checked".to_string()]);
        assert_eq!(o.severity_overrides.get("duplicate-key"), Some(&Severity::Warning));
        assert!(c.ignores(Path::new("/repo/charts/a/b.yaml")));
        assert!(!c.ignores(Path::new("/repo/k8s/b.yaml")));
    }

    #[test]
    fn rejects_unknown_keys_and_rules() {
        assert!(Config::parse(Path::new("k.toml"), "kube-verison = \"1.31\"").unwrap_err().contains("unknown field"));
        let e = Config::parse(Path::new("k.toml"), "[rules]\nduplicate-kye = \"off\"").unwrap_err();
        assert!(e.contains("did you mean `duplicate-key`"), "{e}");
        assert!(Config::parse(Path::new("k.toml"), "[rules]\nduplicate-key = \"loud\"").is_err());
        assert!(Config::parse(Path::new("k.toml"), "kube-version = \"1.20\"").is_err());
        for level in ["off", "warning", "info"] {
            let e = Config::parse(Path::new("k.toml"), &format!("[rules]\nyaml-syntax = \"{level}\"")).unwrap_err();
            assert!(e.contains("cannot be set to"), "{e}");
        }
        assert!(Config::parse(Path::new("k.toml"), "[rules]\nyaml-syntax = \"error\"").is_ok());
    }
}
