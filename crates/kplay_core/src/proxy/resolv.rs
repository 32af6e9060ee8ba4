//! A pod's resolver: the search path and `ndots` the kubelet writes into its resolv.conf
//! (`GetPodDNS`, pkg/kubelet/network/dns/dns.go), and the names a glibc resolver then asks for.

use super::input::PodInfo;

/// `MaxDNSSearchPaths`, `MaxDNSSearchListChars` (pkg/apis/core/validation) and the longest
/// search path the kubelet keeps (`DNS1123SubdomainMaxLength`).
const MAX_SEARCH_PATHS: usize = 32;
const MAX_SEARCH_LIST_CHARS: usize = 2048;
const MAX_SEARCH_PATH_LEN: usize = 253;
/// glibc's `RES_MAXNDOTS`, and its default when no `ndots` option is given.
const MAX_NDOTS: usize = 15;
const DEFAULT_NDOTS: usize = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolver {
    /// The `search` line.
    pub search: Vec<String>,
    pub ndots: usize,
}

impl Resolver {
    /// `dnsPolicy: ClusterFirst` in namespace `ns`: `<ns>.svc.<zone> svc.<zone> <zone>` (the
    /// simulated nodes' resolv.conf adds no search path of its own), `options ndots:5`.
    pub fn cluster_first(ns: &str, zone: &str) -> Self {
        let zone = zone.trim_matches('.');
        let search = if zone.is_empty() { Vec::new() } else { vec![format!("{ns}.svc.{zone}"), format!("svc.{zone}"), zone.to_string()] };
        Resolver { search, ndots: 5 }
    }

    /// The resolver of a pod that asks the cluster DNS: the ClusterFirst base (or, with
    /// `dnsPolicy: None`, nothing) with `dnsConfig` appended as `appendDNSConfig` does
    /// (searches after the base without duplicates, options replacing the base's of the same
    /// name), cut to the kubelet's limits (`formDNSSearchFitsLimits`).
    pub fn of_pod(p: &PodInfo, zone: &str) -> Self {
        let (mut search, mut options) = if p.dns_policy == "None" {
            (Vec::new(), Vec::new())
        } else {
            (Self::cluster_first(&p.namespace, zone).search, vec![("ndots".to_string(), Some("5".to_string()))])
        };
        for s in &p.dns_searches {
            if !search.contains(s) {
                search.push(s.clone());
            }
        }
        for (name, value) in &p.dns_options {
            options.retain(|(n, _)| n != name);
            options.push((name.clone(), value.clone()));
        }
        // `mergeDNSOptions` writes `name:value`, or `name` alone without a value, which glibc
        // does not read as `ndots:`.
        let ndots = options
            .iter()
            .find(|(n, v)| n == "ndots" && v.as_deref().is_some_and(|v| !v.is_empty()))
            .map_or(DEFAULT_NDOTS, |(_, v)| atoi(v.as_deref().unwrap_or_default()).min(MAX_NDOTS));
        Resolver { search: fit_search_limits(search), ndots }
    }

    /// The names a glibc resolver asks for, in order (`res_search`): an absolute name (a
    /// trailing dot) alone; a name with at least `ndots` dots as written first, then with each
    /// search path; one with fewer, the search paths first and the name as written last.
    pub fn names(&self, host: &str) -> Vec<String> {
        let host = host.to_ascii_lowercase();
        if let Some(absolute) = host.strip_suffix('.') {
            return vec![absolute.to_string()];
        }
        let searched = self.search.iter().map(|s| {
            let s = s.trim_end_matches('.').to_ascii_lowercase();
            if s.is_empty() {
                host.clone()
            } else {
                format!("{host}.{s}")
            }
        });
        let mut names: Vec<String> = Vec::new();
        let as_written_first = host.matches('.').count() >= self.ndots;
        if as_written_first {
            names.push(host.clone());
        }
        for n in searched {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        if !as_written_first && !names.contains(&host) {
            names.push(host);
        }
        names
    }

    /// `search a b c, ndots:5`, for trace details.
    pub fn describe(&self) -> String {
        let search = if self.search.is_empty() { "no search path".to_string() } else { format!("search {}", self.search.join(" ")) };
        format!("{search}, ndots:{}", self.ndots)
    }
}

/// `formDNSSearchFitsLimits`: at most 32 paths, none longer than 253 characters, and the last
/// ones dropped until the line has at most 2048 characters.
fn fit_search_limits(mut search: Vec<String>) -> Vec<String> {
    search.truncate(MAX_SEARCH_PATHS);
    search.retain(|s| s.len() <= MAX_SEARCH_PATH_LEN);
    while !search.is_empty() && search.join(" ").len() > MAX_SEARCH_LIST_CHARS {
        search.pop();
    }
    search
}

/// C's `atoi` as glibc reads `ndots:`: the leading digits, 0 without any.
fn atoi(s: &str) -> usize {
    let digits: String = s.trim_start().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(if digits.is_empty() { 0 } else { usize::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(policy: &str, searches: &[&str], options: &[(&str, Option<&str>)]) -> PodInfo {
        PodInfo {
            namespace: "shop".into(),
            name: "p".into(),
            dns_policy: policy.into(),
            dns_searches: searches.iter().map(ToString::to_string).collect(),
            dns_options: options.iter().map(|(n, v)| (n.to_string(), v.map(str::to_string))).collect(),
            ..PodInfo::default()
        }
    }

    #[test]
    fn dns_config_is_appended_to_the_cluster_first_base() {
        let r = Resolver::of_pod(&pod("ClusterFirst", &["svc.cluster.local", "corp.example"], &[]), "cluster.local");
        assert_eq!(r.search, ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"]);
        assert_eq!(r.ndots, 5);
        let r = Resolver::of_pod(&pod("None", &["a.example"], &[("ndots", Some("2"))]), "cluster.local");
        assert_eq!((r.search.as_slice(), r.ndots), (&["a.example".to_string()][..], 2));
        // An option without a value replaces `ndots:5` with `ndots`, which glibc ignores.
        assert_eq!(Resolver::of_pod(&pod("", &[], &[("ndots", None)]), "cluster.local").ndots, 1);
        assert_eq!(Resolver::of_pod(&pod("", &[], &[("ndots", Some("99"))]), "cluster.local").ndots, 15);
    }

    #[test]
    fn the_search_line_is_cut_to_the_kubelets_limits() {
        let many: Vec<String> = (0..40).map(|i| format!("d{i}.example")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let r = Resolver::of_pod(&pod("", &refs, &[]), "cluster.local");
        assert_eq!(r.search.len(), 32);
        assert_eq!(r.search[31], "d28.example");
        let long: Vec<String> = (0..20).map(|i| format!("{}{i}.example", "x".repeat(150))).collect();
        let refs: Vec<&str> = long.iter().map(String::as_str).collect();
        let r = Resolver::of_pod(&pod("None", &refs, &[]), "cluster.local");
        assert!(r.search.join(" ").len() <= 2048 && r.search.len() == 12, "{}", r.search.len());
    }

    #[test]
    fn names_follow_ndots() {
        let r = Resolver::cluster_first("shop", "cluster.local");
        assert_eq!(r.names("web"), ["web.shop.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local", "web"]);
        assert_eq!(r.names("Web.Shop.svc.cluster.local.")[..], ["web.shop.svc.cluster.local"]);
        let r = Resolver { search: vec!["a".into()], ndots: 1 };
        assert_eq!(r.names("x.y"), ["x.y", "x.y.a"]);
        assert_eq!(r.names("x"), ["x.a", "x"]);
    }
}
