//! The Ingress controller model: which Ingresses a controller serves (IngressClass), host
//! matching (exact, one-label `*.` wildcards; on the Host without its port and one trailing
//! dot), Exact paths, element-wise Prefix matching, ImplementationSpecific as ingress-nginx's
//! plain nginx prefix location (a string prefix), nginx's precedence across merged Ingresses,
//! `defaultBackend` and the controller's 404. Where the Ingress API leaves room the choices are ingress-nginx's
//! (routing-semantics.md §7).

use super::input::{IngressBackend, IngressInfo, IngressPath, PathType, ProxyInput};
use super::path_regex::PathRegex;

/// An HTTP request as the controller sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// The Host header (a `:port` suffix is ignored).
    pub host: String,
    pub path: String,
    pub https: bool,
}

impl HttpRequest {
    /// Parses `http://host[:port]/path[?query]`. A URL without a scheme is taken as http.
    pub fn parse_url(url: &str) -> Option<Self> {
        let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else {
            (false, url)
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let path = path.split(['?', '#']).next().unwrap_or("/");
        Some(HttpRequest { host: authority.to_string(), path: if path.is_empty() { "/".into() } else { path.to_string() }, https })
    }

    /// The host as nginx picks the server with it: without port, lowercased (host names compare
    /// case-insensitively) and without one trailing dot (`ngx_http_validate_host` drops it, so
    /// the fully qualified `x.w.com.` is served as `x.w.com`).
    pub fn bare_host(&self) -> String {
        let h = self.host.trim();
        let h = if h.starts_with('[') {
            h.split(']').next().map_or(h, |s| s.trim_start_matches('['))
        } else {
            h.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map_or(h, |(h, _)| h)
        };
        h.strip_suffix('.').unwrap_or(h).to_ascii_lowercase()
    }
}

/// The path nginx matches locations against, as `ngx_http_parse_complex_uri` leaves it:
/// percent-encoded unreserved characters decoded (`%66oo` is `foo`; RFC 3986 §2.3), runs of `/`
/// merged (`merge_slashes on`), and `.` / `..` segments resolved (RFC 3986 §5.2.4, which clients
/// such as curl and browsers also apply before sending; `..` stops at the root). Other
/// percent-encodings are kept as written (nginx decodes them too; kplay does not model that).
pub fn normalize_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut decoded = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                let c = char::from((h * 16 + l) as u8);
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
                    decoded.push(c);
                    i += 3;
                    continue;
                }
            }
        }
        let ch = path[i..].chars().next().unwrap_or('/');
        decoded.push(ch);
        i += ch.len_utf8();
    }
    let rest = decoded.trim_start_matches('/');
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = rest.is_empty() || decoded.ends_with('/') || matches!(segments.last(), Some(&("." | "..")));
    let mut out: Vec<&str> = Vec::with_capacity(segments.len());
    for seg in segments {
        match seg {
            "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut p = format!("/{}", out.join("/"));
    if trailing && !p.ends_with('/') {
        p.push('/');
    }
    p
}

/// How a rule's host matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HostMatch {
    /// A rule without host.
    Any,
    Wildcard,
    Exact,
}

/// `host` of a rule against a bare request host.
pub fn host_matches(rule_host: Option<&str>, host: &str) -> Option<HostMatch> {
    let Some(rule) = rule_host.filter(|h| !h.is_empty()) else { return Some(HostMatch::Any) };
    let rule = rule.to_ascii_lowercase();
    if let Some(suffix) = rule.strip_prefix("*.") {
        // `*` covers exactly one non-empty label.
        let (first, rest) = host.split_once('.')?;
        return (!first.is_empty() && rest == suffix).then_some(HostMatch::Wildcard);
    }
    (rule == host).then_some(HostMatch::Exact)
}

fn elements(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|e| !e.is_empty())
}

/// Prefix matching: the rule's path elements are a prefix of the request's, element by element.
pub fn prefix_matches(rule: &str, request: &str) -> bool {
    let mut req = elements(request);
    elements(rule).all(|e| req.next() == Some(e))
}

/// Whether one path of a rule matches a request path; `regex` is ingress-nginx's mode once any
/// Ingress of the host uses `use-regex` or `rewrite-target`: every path of the host is written
/// as `location ~* "^<path>"`, a case-insensitive regular expression anchored at the start.
/// nginx runs PCRE; [`PathRegex`] reads the part of its syntax Ingress paths use, and a path it
/// cannot read is matched as a case-insensitive string prefix.
pub fn path_matches(p: &IngressPath, request: &str, regex: bool) -> bool {
    if regex {
        return match PathRegex::new(&p.path) {
            Some(re) => re.matches_start(request),
            None => request.to_ascii_lowercase().starts_with(&p.path.to_ascii_lowercase()),
        };
    }
    match p.path_type {
        PathType::Exact => p.path == request,
        PathType::Prefix => prefix_matches(&p.path, request),
        // ingress-nginx writes an ImplementationSpecific path as it is, `location /foo`: an
        // nginx string prefix, so `/foo` also takes `/foobar` (`updateServerLocations` only
        // rewrites Prefix paths).
        PathType::ImplementationSpecific => request.starts_with(&p.path),
    }
}

/// The order of two matches of one request: greater wins (see [`nginx_rank`]); the string is
/// the path in regex mode.
type Rank<'a> = (bool, usize, bool, &'a str);

/// How nginx ranks a (non-regex) match of `p` against `request`: `=` locations before prefix
/// locations, then the longer location string; an Exact path before the `= /foo` location
/// ingress-nginx adds for a Prefix `/foo` (it only adds one when no Exact `/foo` exists).
/// Prefix `/foo` is written `location /foo/` plus `location = /foo` (the path as written),
/// ImplementationSpecific as it is (`updateServerLocations`, `normalizePrefixPath`).
fn nginx_rank(p: &IngressPath, request: &str) -> (bool, usize, bool) {
    match p.path_type {
        PathType::Exact => (true, p.path.len(), true),
        PathType::Prefix if p.path == request && p.path != "/" => (true, p.path.len(), false),
        PathType::Prefix if p.path == "/" || p.path.ends_with('/') => (false, p.path.len(), false),
        PathType::Prefix => (false, p.path.len() + 1, false),
        PathType::ImplementationSpecific => (false, p.path.len(), false),
    }
}

/// The Ingresses the controller serves, and why.
#[derive(Debug, Clone)]
pub struct Served<'a> {
    pub class: Option<String>,
    pub ingresses: Vec<&'a IngressInfo>,
    pub note: String,
}

/// Picks the controller's IngressClass (`class`, else the default class, else the only one) and
/// the Ingresses it serves: those naming the class, plus class-less ones when it is the default.
/// Without any IngressClass every Ingress is served (a controller run with
/// `--watch-ingress-without-class`, the usual local set-up).
pub fn served<'a>(input: &'a ProxyInput, class: Option<&str>) -> Served<'a> {
    let mut all: Vec<&IngressInfo> = input.ingresses.iter().collect();
    crate::sort::sort_by_key(&mut all, |i| i.order);
    if input.ingress_classes.is_empty() && class.is_none() {
        return Served { class: None, ingresses: all, note: "no IngressClass exists: the controller serves every Ingress".into() };
    }
    let chosen = class
        .and_then(|c| input.ingress_classes.iter().find(|k| k.name == c))
        .or_else(|| input.ingress_classes.iter().find(|k| k.is_default))
        .or_else(|| if input.ingress_classes.len() == 1 { input.ingress_classes.first() } else { None });
    let name = chosen.map(|c| c.name.clone()).or_else(|| class.map(str::to_string));
    let is_default = chosen.is_some_and(|c| c.is_default);
    let ingresses: Vec<&IngressInfo> = all
        .into_iter()
        .filter(|i| match (&i.class_name, &name) {
            (Some(c), Some(n)) => c == n,
            (None, _) => is_default,
            (Some(_), None) => false,
        })
        .collect();
    let note = match &name {
        Some(n) if is_default => format!("IngressClass {n} (the default class: also serves Ingresses without a class)"),
        Some(n) => format!("IngressClass {n}"),
        None => "no IngressClass selected: several exist and none is the default".into(),
    };
    Served { class: name, ingresses, note }
}

/// Where the request went.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressRoute<'a> {
    pub ingress: &'a IngressInfo,
    pub backend: &'a IngressBackend,
    /// `(rule index, path index)` of the matched path; `None` for a defaultBackend.
    pub path: Option<(usize, usize)>,
    pub host_match: Option<HostMatch>,
    pub detail: String,
}

/// The decision for one request.
#[derive(Debug, Clone, PartialEq)]
pub enum IngressDecision<'a> {
    Routed(IngressRoute<'a>),
    /// The controller's own default backend: HTTP 404.
    NotFound {
        detail: String,
    },
}

/// Matches `req` against the served Ingresses.
pub fn route<'a>(ingresses: &[&'a IngressInfo], req: &HttpRequest) -> IngressDecision<'a> {
    let host = req.bare_host();
    // nginx matches locations against the normalised path; say so when it differs.
    let path = normalize_path(&req.path);
    let normalised = if path == req.path {
        String::new()
    } else {
        format!(
            "nginx matches the normalised path {path}, not {} (dot segments resolved, slashes merged, percent-encoded unreserved characters decoded); ",
            req.path
        )
    };
    // One server per host: exact names first, then wildcards, then the host-less catch-all.
    let mut best_kind = None;
    for ing in ingresses {
        for rule in &ing.rules {
            if let Some(k) = host_matches(rule.host.as_deref(), &host) {
                best_kind = best_kind.max(Some(k));
            }
        }
    }
    let mut best: Option<(Rank<'a>, IngressRoute<'a>)> = None;
    if let Some(kind) = best_kind {
        let in_group = |r: &super::input::IngressRule| host_matches(r.host.as_deref(), &host) == Some(kind);
        let regex = ingresses.iter().any(|i| i.uses_regex && i.rules.iter().any(in_group));
        for ing in ingresses {
            for (ri, rule) in ing.rules.iter().enumerate().filter(|(_, r)| in_group(r)) {
                for (pi, p) in rule.paths.iter().enumerate() {
                    if !path_matches(p, &path, regex) {
                        continue;
                    }
                    // nginx's choice: an `=` location wins, then the longest prefix location
                    // ([`nginx_rank`]); ties keep the oldest. Regex locations are tried in
                    // ingress-nginx's order (longest path string first, then the greater
                    // string) and the first match wins.
                    let key = if regex {
                        (false, p.path.len(), false, p.path.as_str())
                    } else {
                        let (exact, len, exact_type) = nginx_rank(p, &path);
                        (exact, len, exact_type, "")
                    };
                    if best.as_ref().is_none_or(|(k, _)| key > *k) {
                        let how = if regex { "case-insensitive regex, ingress-nginx's use-regex mode" } else { p.path_type.as_str() };
                        // routing-semantics.md §7.4's known deviation: nginx redirects a request
                        // for `location /foo/` without its trailing slash.
                        let redirect = if !regex
                            && p.path_type == PathType::Prefix
                            && p.path.len() > 1
                            && p.path.ends_with('/')
                            && p.path.trim_end_matches('/') == path
                        {
                            format!(
                                "; the Ingress spec matches this, but ingress-nginx itself answers 301 with Location {}: nginx redirects a request without the trailing slash of `location {}` (a known deviation, not simulated)",
                                p.path, p.path
                            )
                        } else {
                            String::new()
                        };
                        let detail = format!(
                            "{normalised}ingress {}/{} rule host {} path {} ({how}) matches {path}{redirect}",
                            ing.namespace,
                            ing.name,
                            rule.host.as_deref().filter(|h| !h.is_empty()).unwrap_or("*"),
                            p.path,
                        );
                        best = Some((
                            key,
                            IngressRoute { ingress: ing, backend: &p.backend, path: Some((ri, pi)), host_match: Some(kind), detail },
                        ));
                    }
                }
            }
        }
    }
    if let Some((_, r)) = best {
        return IngressDecision::Routed(r);
    }
    if let Some(ing) = ingresses.iter().find(|i| i.default_backend.is_some()) {
        if let Some(b) = &ing.default_backend {
            let detail = format!("{normalised}no rule matches {host}{path}: spec.defaultBackend of ingress {}/{}", ing.namespace, ing.name);
            return IngressDecision::Routed(IngressRoute { ingress: ing, backend: b, path: None, host_match: best_kind, detail });
        }
    }
    let detail = match best_kind {
        Some(_) => format!(
            "{normalised}host {host} is served but no path matches {path} and no Ingress has a defaultBackend: the controller answers 404"
        ),
        None => format!("no Ingress rule matches host {host} and no Ingress has a defaultBackend: the controller answers 404"),
    };
    IngressDecision::NotFound { detail }
}

/// The TLS entry covering `host`, as `(ingress, secret)`.
pub fn tls_for<'a>(ingresses: &[&'a IngressInfo], host: &str) -> Option<(&'a IngressInfo, Option<&'a str>)> {
    ingresses.iter().find_map(|i| {
        i.tls
            .iter()
            .find(|t| t.hosts.iter().any(|h| host_matches(Some(h), host).is_some_and(|k| k != HostMatch::Any)))
            .map(|t| (*i, t.secret_name.as_deref()))
    })
}

/// ingress-nginx's location blocks for one host's paths, in the order it writes them
/// (`updateServerLocations`, then sorted by path descending and length descending).
pub fn nginx_locations(paths: &[(String, PathType)]) -> Vec<String> {
    let mut locs: Vec<(String, bool)> = Vec::new();
    for (p, t) in paths {
        match t {
            PathType::Exact => locs.push((p.clone(), true)),
            // Written as it is: `updateServerLocations` only rewrites Prefix paths.
            PathType::ImplementationSpecific => locs.push((p.clone(), false)),
            PathType::Prefix if p == "/" => locs.push((p.clone(), false)),
            PathType::Prefix => {
                // `normalizePrefixPath` appends a `/`; the added exact location copies the path
                // as written, unless an Exact location of that same path exists.
                let normalized = if p.ends_with('/') { p.clone() } else { format!("{p}/") };
                locs.push((normalized, false));
                if !paths.iter().any(|(q, qt)| *qt == PathType::Exact && q == p) {
                    locs.push((p.clone(), true));
                }
            }
        }
    }
    // Stable sorts: by path descending, then by length descending (controller.go).
    crate::sort::sort_by(&mut locs, |a, b| b.0.cmp(&a.0));
    crate::sort::sort_by_key(&mut locs, |l| std::cmp::Reverse(l.0.len()));
    locs.into_iter().map(|(p, exact)| if exact { format!("location = {p}") } else { format!("location {p}") }).collect()
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::super::input::{BackendPort, IngressRule, IngressTls};
    use super::*;

    fn backend(name: &str) -> IngressBackend {
        IngressBackend::Service { name: name.into(), port: BackendPort::Number(80) }
    }

    fn ingress(rules: Vec<(Option<&str>, Vec<(&str, PathType, &str)>)>) -> IngressInfo {
        IngressInfo {
            namespace: "default".into(),
            name: "ing".into(),
            class_name: None,
            order: 0,
            default_backend: None,
            rules: rules
                .into_iter()
                .map(|(h, ps)| IngressRule {
                    host: h.map(str::to_string),
                    paths: ps.into_iter().map(|(p, t, b)| IngressPath { path: p.into(), path_type: t, backend: backend(b) }).collect(),
                })
                .collect(),
            tls: vec![],
            uses_regex: false,
            service_upstream: false,
        }
    }

    fn routed_to(ing: &IngressInfo, url: &str) -> Option<String> {
        match route(&[ing], &HttpRequest::parse_url(url).unwrap()) {
            IngressDecision::Routed(r) => match r.backend {
                IngressBackend::Service { name, .. } => Some(name.clone()),
                IngressBackend::Resource { .. } => None,
            },
            IngressDecision::NotFound { .. } => None,
        }
    }

    /// Every row of the documented examples table (routing-semantics.md §7.2).
    #[test]
    fn documented_path_table() {
        use PathType::{Exact, Prefix};
        let rows: &[(&[(&str, PathType)], &str, Option<&str>)] = &[
            (&[("/", Prefix)], "/any/path", Some("/")),
            (&[("/foo", Exact)], "/foo", Some("/foo")),
            (&[("/foo", Exact)], "/bar", None),
            (&[("/foo", Exact)], "/foo/", None),
            (&[("/foo/", Exact)], "/foo", None),
            (&[("/foo", Prefix)], "/foo", Some("/foo")),
            (&[("/foo", Prefix)], "/foo/", Some("/foo")),
            (&[("/foo/", Prefix)], "/foo", Some("/foo/")),
            (&[("/foo/", Prefix)], "/foo/", Some("/foo/")),
            (&[("/aaa/bb", Prefix)], "/aaa/bbb", None),
            (&[("/aaa/bbb", Prefix)], "/aaa/bbb", Some("/aaa/bbb")),
            (&[("/aaa/bbb/", Prefix)], "/aaa/bbb", Some("/aaa/bbb/")),
            (&[("/aaa/bbb", Prefix)], "/aaa/bbb/", Some("/aaa/bbb")),
            (&[("/aaa/bbb", Prefix)], "/aaa/bbb/ccc", Some("/aaa/bbb")),
            (&[("/aaa/bbb", Prefix)], "/aaa/bbbxyz", None),
            (&[("/", Prefix), ("/aaa", Prefix)], "/aaa/ccc", Some("/aaa")),
            (&[("/", Prefix), ("/aaa", Prefix), ("/aaa/bbb", Prefix)], "/aaa/bbb", Some("/aaa/bbb")),
            (&[("/", Prefix), ("/aaa", Prefix), ("/aaa/bbb", Prefix)], "/ccc", Some("/")),
            (&[("/aaa", Prefix)], "/ccc", None),
            (&[("/foo", Prefix), ("/foo", Exact)], "/foo", Some("exact:/foo")),
            (&[("/foo/bar", Prefix)], "/foo/barbaz", None),
        ];
        for (paths, req, want) in rows {
            // Each path gets a backend named after it so the winner is visible.
            let ing = ingress(vec![(
                Some("h"),
                paths
                    .iter()
                    .map(|(p, t)| {
                        (*p, *t, if *t == Exact && paths.len() > 1 { Box::leak(format!("exact:{p}").into_boxed_str()) as &str } else { *p })
                    })
                    .collect(),
            )]);
            assert_eq!(routed_to(&ing, &format!("http://h{req}")).as_deref(), *want, "{paths:?} {req}");
        }
    }

    #[test]
    fn hosts_exact_wildcard_one_label() {
        let ing = ingress(vec![
            (Some("*.foo.com"), vec![("/", PathType::Prefix, "wildcard-foo-com")]),
            (Some("foo.bar.com"), vec![("/", PathType::Prefix, "foo-bar-com")]),
        ]);
        assert_eq!(routed_to(&ing, "http://foo.bar.com/").as_deref(), Some("foo-bar-com"));
        assert_eq!(routed_to(&ing, "http://bar.foo.com/").as_deref(), Some("wildcard-foo-com"));
        assert_eq!(routed_to(&ing, "http://baz.bar.foo.com/"), None);
        assert_eq!(routed_to(&ing, "http://foo.com/"), None);
        assert_eq!(routed_to(&ing, "http://FOO.bar.com:8080/x").as_deref(), Some("foo-bar-com"));
    }

    /// nginx drops one trailing dot from the Host before it picks the server
    /// (`ngx_http_validate_host`): a fully qualified name is served like the plain one.
    #[test]
    fn host_trailing_dot() {
        let ing = ingress(vec![
            (Some("*.w.com"), vec![("/", PathType::Prefix, "wildcard")]),
            (Some("exact.w.com"), vec![("/", PathType::Prefix, "exact")]),
        ]);
        assert_eq!(routed_to(&ing, "http://x.w.com./").as_deref(), Some("wildcard"));
        assert_eq!(routed_to(&ing, "http://EXACT.w.com.:8080/a").as_deref(), Some("exact"));
        assert_eq!(HttpRequest::parse_url("https://x.w.com./").map(|r| r.bare_host()).as_deref(), Some("x.w.com"));
        // Only one dot goes (nginx refuses `x.w.com..` with 400, which kplay does not model).
        assert_eq!(HttpRequest::parse_url("http://x.w.com../").map(|r| r.bare_host()).as_deref(), Some("x.w.com."));
    }

    #[test]
    fn default_backend_and_404() {
        let mut ing = ingress(vec![]);
        ing.default_backend = Some(backend("echo-service"));
        for url in ["http://my-host/", "http://my-host/sub-path", "http://some-host/", "/resource"] {
            assert_eq!(routed_to(&ing, url).as_deref(), Some("echo-service"), "{url}");
        }
        let ing = ingress(vec![(Some("exact-path-rules"), vec![("/foo", PathType::Exact, "foo-exact")])]);
        assert_eq!(routed_to(&ing, "http://exact-path-rules/bar"), None);
    }

    /// ingress-nginx with `use-regex` on the host: `~* "^<path>"` for every path, tried longest
    /// path string first, the first match winning (routing-semantics.md §7.4).
    #[test]
    fn regex_mode_matches_case_insensitive_anchored_regexes_in_nginx_order() {
        use PathType::{Exact, ImplementationSpecific, Prefix};
        let mut ing = ingress(vec![(
            Some("h"),
            vec![
                ("/api/v[0-9]+/users", ImplementationSpecific, "users"),
                ("/f.*", ImplementationSpecific, "f"),
                ("/foo", Exact, "foo-exact"),
                ("/", Prefix, "root"),
                ("/bad(", ImplementationSpecific, "unreadable"),
            ],
        )]);
        ing.uses_regex = true;
        let cases = [
            ("/api/v1/users", "users"),
            ("/API/V22/Users/7", "users"),
            ("/api/vx/users", "root"),
            ("/fabc", "f"),
            ("/F", "f"),
            // Exact is a regex prefix too in this mode; the longer "/foo" is tried before "/f.*".
            ("/foo/bar", "foo-exact"),
            ("/x/api/v1/users", "root"),
            // Not a regex nginx's PCRE would take either way: matched as a string prefix.
            ("/bad(1", "unreadable"),
        ];
        for (path, want) in cases {
            assert_eq!(routed_to(&ing, &format!("http://h{path}")).as_deref(), Some(want), "{path}");
        }
        // Without use-regex the same paths are plain paths.
        ing.uses_regex = false;
        assert_eq!(routed_to(&ing, "http://h/api/v1/users").as_deref(), Some("root"));
        assert_eq!(routed_to(&ing, "http://h/foo/bar").as_deref(), Some("root"));
    }

    #[test]
    fn tls_hosts_and_nginx_locations() {
        let mut ing = ingress(vec![(Some("shop.example.com"), vec![("/", PathType::Prefix, "web")])]);
        ing.tls = vec![IngressTls { hosts: vec!["shop.example.com".into()], secret_name: Some("shop-tls".into()) }];
        assert_eq!(tls_for(&[&ing], "shop.example.com").and_then(|t| t.1), Some("shop-tls"));
        assert!(tls_for(&[&ing], "other.example.com").is_none());
        let locs = nginx_locations(&[("/foo".into(), PathType::Prefix), ("/bar".into(), PathType::Exact), ("/".into(), PathType::Prefix)]);
        assert_eq!(locs, ["location /foo/", "location = /foo", "location = /bar", "location /"]);
    }

    #[test]
    fn paths_are_normalised_as_nginx_does_before_matching() {
        for (raw, want) in [
            ("/", "/"),
            ("/foo/../bar", "/bar"),
            ("/foo/..", "/"),
            ("/../../x", "/x"),
            ("/a/./b/.", "/a/b/"),
            ("/a/b/..", "/a/"),
            ("//foo///bar/", "/foo/bar/"),
            ("/%66oo/", "/foo/"),
            ("/%2E%2e/foo", "/foo"),
            ("/%7Euser/a%2Db", "/~user/a-b"),
            ("/a%2Fb%20c", "/a%2Fb%20c"),
            ("/bad%6", "/bad%6"),
            ("/caf\u{e9}/", "/caf\u{e9}/"),
        ] {
            assert_eq!(normalize_path(raw), want, "{raw}");
        }
        let ing = ingress(vec![(Some("h"), vec![("/foo/", PathType::Prefix, "foo")])]);
        assert_eq!(routed_to(&ing, "http://h/foo/../bar"), None, "a path-traversal URL is /bar");
        assert_eq!(routed_to(&ing, "http://h/%66oo/").as_deref(), Some("foo"));
        assert_eq!(routed_to(&ing, "http://h//foo//x").as_deref(), Some("foo"));
        let detail = |url: &str| match route(&[&ing], &HttpRequest::parse_url(url).unwrap()) {
            IngressDecision::Routed(r) => r.detail,
            IngressDecision::NotFound { detail } => detail,
        };
        assert!(detail("http://h/foo/../bar").starts_with("nginx matches the normalised path /bar, not /foo/../bar"));
        assert!(!detail("http://h/foo/x").contains("normalised"));
        // The spec's known deviation stays a match, and the trace says what nginx does instead.
        assert!(detail("http://h/foo").contains("ingress-nginx itself answers 301 with Location /foo/"), "{}", detail("http://h/foo"));
        assert!(!detail("http://h/foo/").contains("301"));
    }
}
