//! Kubernetes versions. Which rules change with the version is data in the rules themselves;
//! this type only names a version and knows the supported range.

use serde::{Deserialize, Serialize};

/// A Kubernetes minor version (1.x).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KubeVersion {
    pub minor: u16,
}

impl KubeVersion {
    pub const DEFAULT: KubeVersion = KubeVersion { minor: 34 };
    pub const OLDEST: KubeVersion = KubeVersion { minor: 30 };
    pub const NEWEST: KubeVersion = KubeVersion { minor: 37 };

    pub const fn new(minor: u16) -> Self {
        KubeVersion { minor }
    }

    /// Parses `1.34`, `v1.34` or `1.34.2` (the patch is ignored).
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let (Some("1"), Some(minor)) = (parts.next(), parts.next()) else {
            return Err(format!("`{s}` is not a Kubernetes version like 1.34"));
        };
        let minor: u16 = minor.parse().map_err(|_| format!("`{s}` is not a Kubernetes version like 1.34"))?;
        let v = KubeVersion { minor };
        if v < Self::OLDEST || v > Self::NEWEST {
            return Err(format!("Kubernetes {v} is not supported; use 1.{}..1.{}", Self::OLDEST.minor, Self::NEWEST.minor));
        }
        Ok(v)
    }

    /// True from `1.minor` on.
    pub const fn at_least(self, minor: u16) -> bool {
        self.minor >= minor
    }

    pub fn supported() -> impl Iterator<Item = KubeVersion> {
        (Self::OLDEST.minor..=Self::NEWEST.minor).map(KubeVersion::new)
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl std::fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

impl TryFrom<String> for KubeVersion {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<KubeVersion> for String {
    fn from(v: KubeVersion) -> String {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!(KubeVersion::parse("1.34").unwrap(), KubeVersion::new(34));
        assert_eq!(KubeVersion::parse("v1.30.2").unwrap(), KubeVersion::new(30));
        assert!(KubeVersion::parse("1.29").is_err());
        assert!(KubeVersion::parse("2.1").is_err());
        assert!(KubeVersion::parse("x").is_err());
    }
}
