//! The playground's saved form: the files, the open tab and the cluster toggles as JSON, read
//! back with limits so a corrupt or oversized share link or localStorage entry falls back to the
//! default example with a notice instead of breaking the page. The compression of share links lives in the editor
//! bundle (lz-string); this module only sees plain text.

use kplay_core::cluster::{ClusterDescription, Overrides, ProxyMode};
use serde::{Deserialize, Serialize};

/// The most text a saved workspace may hold (all files together), in bytes.
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;
/// The most files a saved workspace may hold.
pub const MAX_FILES: usize = 32;
/// The longest file name accepted.
pub const MAX_NAME_CHARS: usize = 100;
/// The most simulated nodes the page offers.
pub const MAX_NODES: usize = 12;
/// The most pod toggles, scaled workloads or down nodes a saved workspace may hold.
pub const MAX_OVERRIDES: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    pub name: String,
    pub text: String,
}

/// The part of the simulated cluster the page changes: node count, kube-proxy mode and the
/// toggles (pods not ready or terminating, nodes down, scaled workloads), with the kebab-case
/// keys of `kplay.toml`'s `[cluster]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SavedCluster {
    pub node_count: usize,
    pub proxy_mode: ProxyMode,
    pub overrides: Overrides,
}

impl Default for SavedCluster {
    fn default() -> Self {
        Self::from(&ClusterDescription::default())
    }
}

impl From<&ClusterDescription> for SavedCluster {
    fn from(c: &ClusterDescription) -> Self {
        SavedCluster { node_count: c.node_count, proxy_mode: c.proxy_mode, overrides: c.overrides.clone() }
    }
}

impl SavedCluster {
    /// The description with these settings over `base`.
    pub fn apply(&self, base: &ClusterDescription) -> ClusterDescription {
        ClusterDescription { node_count: self.node_count, proxy_mode: self.proxy_mode, overrides: self.overrides.clone(), ..base.clone() }
    }

    fn check(&self) -> Result<(), String> {
        if self.node_count == 0 || self.node_count > MAX_NODES {
            return Err(format!("it asks for {} nodes (1 to {MAX_NODES} allowed)", self.node_count));
        }
        let o = &self.overrides;
        let n = o.pods.len() + o.nodes_down.len() + o.scale.len();
        if n > MAX_OVERRIDES {
            return Err(format!("it holds {n} cluster toggles, more than the {MAX_OVERRIDES} allowed"));
        }
        Ok(())
    }
}

/// What is written to localStorage and into share links
/// (`{"v":1,"files":[..],"active":0,"cluster":{..}}`; `cluster` is left out when it is the
/// default, and states saved before it existed load with the default cluster).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub v: u32,
    pub files: Vec<SavedFile>,
    pub active: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<SavedCluster>,
}

impl Saved {
    pub fn to_json(&self) -> String {
        // Serialising plain strings and numbers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Parses and checks a saved workspace; `Err` says why it cannot be used.
    pub fn from_json(json: &str) -> Result<Self, String> {
        if json.len() > MAX_TEXT_BYTES * 2 {
            return Err(format!("it is larger than {} MiB", MAX_TEXT_BYTES * 2 / (1024 * 1024)));
        }
        let saved: Saved = serde_json::from_str(json).map_err(|e| format!("it is not a saved workspace ({e})"))?;
        saved.check()?;
        Ok(saved)
    }

    /// The limits a saved workspace must keep (format version, files, names, size, cluster).
    pub fn check(&self) -> Result<(), String> {
        let saved = self;
        if saved.v != 1 {
            return Err(format!("it has format version {}, this page reads version 1", saved.v));
        }
        if saved.files.is_empty() || saved.files.len() > MAX_FILES {
            return Err(format!("it holds {} files (1 to {MAX_FILES} allowed)", saved.files.len()));
        }
        let total: usize = saved.files.iter().map(|f| f.text.len()).sum();
        if total > MAX_TEXT_BYTES {
            return Err(format!("its files hold {total} bytes, more than the {MAX_TEXT_BYTES} allowed"));
        }
        for (i, f) in saved.files.iter().enumerate() {
            check_name(&f.name)?;
            if saved.files[..i].iter().any(|o| o.name == f.name) {
                return Err(format!("it holds two files named `{}`", f.name));
            }
        }
        if saved.active >= saved.files.len() {
            return Err("its open tab does not exist".into());
        }
        if let Some(c) = &saved.cluster {
            c.check()?;
        }
        Ok(())
    }
}

/// A file name the tabs accept: not empty, no path separators or control characters.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("a file name is empty".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!("a file name is longer than {MAX_NAME_CHARS} characters"));
    }
    if name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(format!("the file name `{}` holds a slash or a control character", name.escape_debug()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(files: &[(&str, &str)], active: usize) -> Saved {
        Saved {
            v: 1,
            files: files.iter().map(|(n, t)| SavedFile { name: (*n).into(), text: (*t).into() }).collect(),
            active,
            cluster: None,
        }
    }

    #[test]
    fn cluster_settings_round_trip_and_old_states_still_load() {
        let mut s = saved(&[("a.yaml", "kind: Service\n")], 0);
        let mut c = SavedCluster { node_count: 5, proxy_mode: ProxyMode::Ipvs, ..SavedCluster::default() };
        c.overrides.pods.push(kplay_core::cluster::PodOverride { name: "web-1".into(), ready: Some(false), ..Default::default() });
        c.overrides.nodes_down.push("node-2".into());
        s.cluster = Some(c.clone());
        let json = s.to_json();
        assert!(json.contains(r#""proxy-mode":"ipvs""#) && json.contains(r#""nodes-down":["node-2"]"#), "{json}");
        assert_eq!(Saved::from_json(&json), Ok(s));
        let d = c.apply(&ClusterDescription::default());
        assert_eq!((d.node_count, d.proxy_mode, d.overrides.pods.len()), (5, ProxyMode::Ipvs, 1));
        assert_eq!(d.service_cidr, ClusterDescription::default().service_cidr);
        // A v:1 state written before cluster settings existed.
        let old = Saved::from_json(r#"{"v":1,"files":[{"name":"a.yaml","text":"x: 1\n"}],"active":0}"#).expect("old state");
        assert_eq!(old.cluster, None);
        assert!(!saved(&[("a", "")], 0).to_json().contains("cluster"));
    }

    #[test]
    fn rejects_bad_cluster_settings() {
        let base = r#"{"v":1,"files":[{"name":"a","text":""}],"active":0,"cluster":"#;
        for (c, why) in [
            (r#"{"node-count":0}"#, "0 nodes"),
            (r#"{"node-count":1000}"#, "1000 nodes"),
            (r#"{"proxy-mode":"userspace"}"#, "not a saved workspace"),
            (r#"{"nodeCount":2}"#, "not a saved workspace"),
        ] {
            let err = Saved::from_json(&format!("{base}{c}}}")).expect_err(c);
            assert!(err.contains(why), "{c}: {err}");
        }
    }

    #[test]
    fn round_trips() {
        let s = saved(&[("a.yaml", "kind: Service\n"), ("b.yaml", "<script>alert(1)</script>\n")], 1);
        assert_eq!(Saved::from_json(&s.to_json()), Ok(s));
    }

    #[test]
    fn rejects_corrupt_and_oversized_input() {
        let cases = [
            ("", "not a saved workspace"),
            ("{", "not a saved workspace"),
            ("[1,2]", "not a saved workspace"),
            (r#"{"v":2,"files":[{"name":"a","text":""}],"active":0}"#, "version 2"),
            (r#"{"v":1,"files":[],"active":0}"#, "0 files"),
            (r#"{"v":1,"files":[{"name":"a","text":""}],"active":3}"#, "open tab"),
            (r#"{"v":1,"files":[{"name":"a","text":""},{"name":"a","text":""}],"active":0}"#, "two files named"),
            (r#"{"v":1,"files":[{"name":"../x","text":""}],"active":0}"#, "slash"),
            (r#"{"v":1,"files":[{"name":" ","text":""}],"active":0}"#, "empty"),
        ];
        for (json, why) in cases {
            let err = Saved::from_json(json).expect_err(json);
            assert!(err.contains(why), "{json}: {err}");
        }
        let big = saved(&[("a", &"x".repeat(MAX_TEXT_BYTES + 1))], 0).to_json();
        assert!(Saved::from_json(&big).expect_err("too big").contains("bytes"));
        let many: Vec<(String, &str)> = (0..=MAX_FILES).map(|i| (format!("f{i}"), "")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        assert!(Saved::from_json(&saved(&many, 0).to_json()).is_err());
    }
}
