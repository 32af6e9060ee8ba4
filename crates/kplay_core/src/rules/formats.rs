//! Shared format checks of the API server (`k8s.io/apimachinery/pkg/util/validation`): DNS names,
//! label keys and values, port names, env var names, percents, IPs and CIDRs, with the server's
//! exact messages, plus helpers that spell field errors the way the server does.
//!
//! Every `*_msgs` function returns the list of independent failure messages, like the Go
//! `Is*` helpers: each message becomes its own `Invalid` error on the same path, so several
//! messages for one value are meaningful. An empty list means valid. Regexes are hand-written
//! matchers (no regex crate: the rule set runs over 10,000+ objects in the benchmark).

use std::fmt::Write as _;

// ----- limits -----

pub const DNS1123_LABEL_MAX: usize = 63;
pub const DNS1123_SUBDOMAIN_MAX: usize = 253;
pub const DNS1035_LABEL_MAX: usize = 63;
pub const QUALIFIED_NAME_MAX: usize = 63;
pub const LABEL_VALUE_MAX: usize = 63;
pub const PORT_NAME_MAX: usize = 15;
/// Total size of all annotation keys and values (`TotalAnnotationSizeLimitB`).
pub const ANNOTATIONS_TOTAL_MAX: usize = 256 * 1024;

// ----- regex sources, quoted in messages exactly as the server prints them -----

pub const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
pub const DNS1123_SUBDOMAIN_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
pub const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
pub const WILDCARD_DNS1123_SUBDOMAIN_FMT: &str = "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
pub const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
pub const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
pub const ENV_VAR_NAME_FMT: &str = "[-._a-zA-Z][-._a-zA-Z0-9]*";
pub const C_IDENTIFIER_FMT: &str = "[A-Za-z_][A-Za-z0-9_]*";
pub const CONFIG_MAP_KEY_FMT: &str = "[-._a-zA-Z0-9]+";
pub const PERCENT_FMT: &str = "[0-9]+%";
pub const HTTP_HEADER_NAME_FMT: &str = "[-A-Za-z0-9]+";

/// Go's `validation.RegexError`: the message, examples and the regex.
pub fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    let mut s = String::from(msg);
    if examples.is_empty() {
        let _ = write!(s, " (regex used for validation is '{fmt}')");
        return s;
    }
    s.push_str(" (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        let _ = write!(s, "'{e}', ");
    }
    let _ = write!(s, "regex used for validation is '{fmt}')");
    s
}

/// Go's `validation.MaxLenError`.
pub fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

/// Go's `validation.InclusiveRangeError`.
pub fn inclusive_range_error(lo: i64, hi: i64) -> String {
    format!("must be between {lo} and {hi}, inclusive")
}

pub const EMPTY_ERROR: &str = "must be non-empty";

// ----- character-class matchers -----

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn match_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && is_lower_alnum(b[0]) && is_lower_alnum(b[b.len() - 1]) && b.iter().all(|&c| is_lower_alnum(c) || c == b'-')
}

/// The label regex repeated with dots (labels inside are not length-checked).
fn match_dns1123_subdomain(s: &str) -> bool {
    s.split('.').all(match_dns1123_label)
}

/// `[a-z]([-a-z0-9]*[a-z0-9])?`
fn match_dns1035_label(s: &str) -> bool {
    match_dns1123_label(s) && s.as_bytes()[0].is_ascii_lowercase()
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn match_qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

// ----- DNS names -----

const DNS1123_LABEL_ERR: &str =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_ERR: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const WILDCARD_ERR: &str = "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/// `IsDNS1123Label`: length and regex are independent; a valid subdomain gets "must not contain dots".
pub fn dns1123_label_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_LABEL_MAX {
        errs.push(max_len_error(DNS1123_LABEL_MAX));
    }
    if !match_dns1123_label(s) {
        if match_dns1123_subdomain(s) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, &["my-name", "123-abc"]));
        }
    }
    errs
}

/// `IsDNS1123Subdomain`.
pub fn dns1123_subdomain_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX));
    }
    if !match_dns1123_subdomain(s) {
        errs.push(regex_error(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, &["example.com"]));
    }
    errs
}

/// `IsDNS1123SubdomainWithUnderscore` (relaxed `dnsConfig.searches`): each label may start with
/// one `_` and contain `_`. Its message is `dns1123SubdomainErrorMsgFG`, which lists `'_'` first.
pub fn dns1123_subdomain_with_underscore_msgs(s: &str) -> Vec<String> {
    fn label(l: &str) -> bool {
        let l = l.strip_prefix('_').unwrap_or(l);
        let b = l.as_bytes();
        !b.is_empty()
            && is_lower_alnum(b[0])
            && is_lower_alnum(b[b.len() - 1])
            && b.iter().all(|&c| is_lower_alnum(c) || c == b'-' || c == b'_')
    }
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX));
    }
    if !s.split('.').all(label) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character",
            "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*",
            &["example.com"],
        ));
    }
    errs
}

/// `IsDNS1035Label`.
pub fn dns1035_label_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1035_LABEL_MAX {
        errs.push(max_len_error(DNS1035_LABEL_MAX));
    }
    if !match_dns1035_label(s) {
        errs.push(regex_error(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, &["my-name", "abc-123"]));
    }
    errs
}

/// `IsWildcardDNS1123Subdomain`: exactly one leading `*.` then a subdomain.
pub fn wildcard_dns1123_subdomain_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX));
    }
    if !s.strip_prefix("*.").is_some_and(match_dns1123_subdomain) {
        errs.push(regex_error(WILDCARD_ERR, WILDCARD_DNS1123_SUBDOMAIN_FMT, &["*.example.com"]));
    }
    errs
}

/// Which name function a kind's `metadata.name` uses (`ValidateObjectMeta`'s `nameFn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameFn {
    Dns1123Subdomain,
    Dns1123Label,
    Dns1035Label,
}

impl NameFn {
    /// The messages for `name`; with `prefix` (generateName) a trailing `-` is tolerated the way
    /// the server does it (`maskTrailingDash`: the last two characters become `a`).
    pub fn msgs(self, name: &str, prefix: bool) -> Vec<String> {
        let masked;
        let name = if prefix && name.len() > 1 && name.ends_with('-') {
            // The byte before the dash may be part of a multi-byte char; fall back to dropping
            // the dash only (still invalid either way, since non-ASCII never matches).
            masked = match name.get(..name.len() - 2) {
                Some(head) => format!("{head}a"),
                None => format!("{}a", &name[..name.len() - 1]),
            };
            masked.as_str()
        } else {
            name
        };
        match self {
            NameFn::Dns1123Subdomain => dns1123_subdomain_msgs(name),
            NameFn::Dns1123Label => dns1123_label_msgs(name),
            NameFn::Dns1035Label => dns1035_label_msgs(name),
        }
    }
}

// ----- qualified names, labels, annotations -----

const QUALIFIED_NAME_ERR: &str =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `IsQualifiedName` (= `IsLabelKey`): optional DNS-subdomain prefix and `/`, then a name part.
pub fn qualified_name_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let mut parts = s.split('/');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    if parts.next().is_some() {
        errs.push(format!(
            "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])
        ));
        return errs;
    }
    let name = match second {
        None => first,
        Some(name) => {
            if first.is_empty() {
                errs.push(format!("prefix part {EMPTY_ERROR}"));
            } else {
                errs.extend(dns1123_subdomain_msgs(first).into_iter().map(|m| format!("prefix part {m}")));
            }
            name
        }
    };
    if name.is_empty() {
        errs.push(format!("name part {EMPTY_ERROR}"));
    } else if name.len() > QUALIFIED_NAME_MAX {
        errs.push(format!("name part {}", max_len_error(QUALIFIED_NAME_MAX)));
    }
    if !match_qualified_name_part(name) {
        errs.push(format!("name part {}", regex_error(QUALIFIED_NAME_ERR, QUALIFIED_NAME_FMT, &["MyName", "my.name", "123-abc"])));
    }
    errs
}

/// `IsLabelKey`.
pub fn label_key_msgs(s: &str) -> Vec<String> {
    qualified_name_msgs(s)
}

/// `IsLabelValue`: empty is valid.
pub fn label_value_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > LABEL_VALUE_MAX {
        errs.push(max_len_error(LABEL_VALUE_MAX));
    }
    if !s.is_empty() && !match_qualified_name_part(s) {
        errs.push(regex_error(LABEL_VALUE_ERR, LABEL_VALUE_FMT, &["MyValue", "my_value", "12345"]));
    }
    errs
}

/// Annotation keys: the label-key rules applied to the lower-cased key.
pub fn annotation_key_msgs(s: &str) -> Vec<String> {
    qualified_name_msgs(&s.to_ascii_lowercase())
}

/// `IsPrefixedName`-free check used for finalizers, readiness gates, scheduling gates:
/// the same as [`qualified_name_msgs`].
pub fn is_qualified_name(s: &str) -> bool {
    qualified_name_msgs(s).is_empty()
}

// ----- ports -----

/// `IsValidPortName` (IANA_SVC_NAME): five independent messages.
pub fn port_name_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > PORT_NAME_MAX {
        errs.push(max_len_error(PORT_NAME_MAX));
    }
    if s.is_empty() || !s.bytes().all(|c| is_lower_alnum(c) || c == b'-') {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string());
    }
    if !s.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if s.contains("--") {
        errs.push("must not contain consecutive hyphens".to_string());
    }
    if s.starts_with('-') || s.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_string());
    }
    errs
}

/// `IsValidPortNum`: 1..=65535.
pub fn port_num_msgs(n: i64) -> Vec<String> {
    if (1..=65535).contains(&n) {
        Vec::new()
    } else {
        vec![inclusive_range_error(1, 65535)]
    }
}

// ----- environment, config keys, identifiers -----

fn ch_dir_prefix_msgs(s: &str) -> Option<String> {
    match s {
        "." => Some("must not be '.'".into()),
        ".." => Some("must not be '..'".into()),
        _ if s.starts_with("..") => Some("must not start with '..'".into()),
        _ => None,
    }
}

/// `IsEnvVarName` (strict, ≤1.31 or with RelaxedEnvironmentVariableValidation off).
pub fn env_var_name_strict_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let b = s.as_bytes();
    let ok = !b.is_empty()
        && (b[0].is_ascii_alphabetic() || matches!(b[0], b'-' | b'.' | b'_'))
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'));
    if !ok {
        errs.push(regex_error(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
            ENV_VAR_NAME_FMT,
            &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
        ));
    }
    errs.extend(ch_dir_prefix_msgs(s));
    errs
}

pub const RELAXED_ENV_VAR_NAME_ERR: &str =
    "a valid environment variable name must consist only of printable ASCII characters other than '='";

/// `IsRelaxedEnvVarName` (default since 1.32, GA 1.34): printable ASCII except `=`.
pub fn env_var_name_relaxed_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.is_empty() {
        errs.push(format!("environment variable name {EMPTY_ERROR}"));
    }
    if s.chars().any(|c| !(' '..='~').contains(&c) || c == '=') {
        errs.push(RELAXED_ENV_VAR_NAME_ERR.to_string());
    }
    errs
}

/// `IsCIdentifier`.
pub fn c_identifier_msgs(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let ok = !b.is_empty() && (b[0].is_ascii_alphabetic() || b[0] == b'_') && b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_');
    if ok {
        Vec::new()
    } else {
        vec![regex_error(
            "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'",
            C_IDENTIFIER_FMT,
            &["my_name", "MY_NAME", "MyName"],
        )]
    }
}

/// `IsConfigMapKey` (ConfigMap, Secret and their key references).
pub fn config_map_key_msgs(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX));
    }
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_')) {
        errs.push(regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            CONFIG_MAP_KEY_FMT,
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    errs.extend(ch_dir_prefix_msgs(s));
    errs
}

/// `IsValidPercent`: `[0-9]+%`.
pub fn percent_msgs(s: &str) -> Vec<String> {
    if parse_percent(s).is_some() {
        Vec::new()
    } else {
        vec![regex_error("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, &["1%", "93%"])]
    }
}

/// The number in a valid percent string (`25%` → 25); saturates on absurdly long digit runs.
pub fn parse_percent(s: &str) -> Option<u64> {
    let digits = s.strip_suffix('%')?;
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(digits.bytes().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0'))))
}

/// `IsHTTPHeaderName`.
pub fn http_header_name_msgs(s: &str) -> Vec<String> {
    if !s.is_empty() && s.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
        Vec::new()
    } else {
        vec![regex_error("a valid HTTP header must consist of alphanumeric characters or '-'", HTTP_HEADER_NAME_FMT, &["X-Header-Name"])]
    }
}

// ----- IP addresses and CIDRs -----

/// An address parsed the way Go's `netutils.ParseIPSloppy` does (IPv4 octets may have leading
/// zeros, read as decimal), with what strict parsing (`netip.ParseAddr`) would object to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedIp {
    pub addr: std::net::IpAddr,
    /// Some IPv4 octet (also inside an IPv6 text) has a leading zero.
    pub leading_zeros: bool,
    /// `::ffff:a.b.c.d` (Go treats it as IPv4 for family purposes).
    pub ipv4_mapped: bool,
}

impl ParsedIp {
    /// The family Go's `netutils.IsIPv4` reports (IPv4-mapped IPv6 counts as IPv4).
    pub fn is_ipv4(&self) -> bool {
        self.addr.is_ipv4() || self.ipv4_mapped
    }

    /// Go's `net.IP.String()`: IPv4-mapped addresses print as dotted IPv4.
    pub fn canonical(&self) -> String {
        match self.addr {
            std::net::IpAddr::V6(v6) if self.ipv4_mapped => v6.to_ipv4_mapped().map_or_else(|| v6.to_string(), |v4| v4.to_string()),
            a => a.to_string(),
        }
    }
}

/// Parses dotted IPv4, tolerating leading zeros like Go's sloppy parser.
fn parse_ipv4_sloppy(s: &str) -> Option<([u8; 4], bool)> {
    let mut out = [0u8; 4];
    let mut leading = false;
    let mut n = 0;
    for part in s.split('.') {
        if n == 4 || part.is_empty() || part.len() > 3 || !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: u16 = part.parse().ok()?;
        if v > 255 {
            return None;
        }
        if part.len() > 1 && part.starts_with('0') {
            leading = true;
        }
        out[n] = v as u8;
        n += 1;
    }
    (n == 4).then_some((out, leading))
}

/// Parses an IP address like `ParseIPSloppy`; `None` when it is not an IP at all.
pub fn parse_ip(s: &str) -> Option<ParsedIp> {
    if let Some((o, leading)) = parse_ipv4_sloppy(s) {
        return Some(ParsedIp { addr: std::net::Ipv4Addr::from(o).into(), leading_zeros: leading, ipv4_mapped: false });
    }
    if !s.contains(':') {
        return None;
    }
    // An embedded IPv4 tail may carry leading zeros, which std rejects: normalise it first.
    let (text, leading) = match s.rfind(':') {
        Some(i) if s[i + 1..].contains('.') => {
            let (o, leading) = parse_ipv4_sloppy(&s[i + 1..])?;
            (format!("{}{}", &s[..=i], std::net::Ipv4Addr::from(o)), leading)
        }
        _ => (s.to_string(), false),
    };
    let v6: std::net::Ipv6Addr = text.parse().ok()?;
    let ipv4_mapped = v6.to_ipv4_mapped().is_some();
    Some(ParsedIp { addr: v6.into(), leading_zeros: leading, ipv4_mapped })
}

pub const IP_INVALID_MSG: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/// `IsValidIPForLegacyField` without ratcheting: sloppy parse, and with `strict`
/// (StrictIPCIDRValidation) the leading-zero and IPv4-mapped messages.
pub fn ip_msgs(s: &str, strict: bool) -> Vec<String> {
    let Some(ip) = parse_ip(s) else {
        return vec![IP_INVALID_MSG.to_string()];
    };
    let mut errs = Vec::new();
    if strict {
        if ip.leading_zeros {
            errs.push("must not have leading 0s".to_string());
        }
        if ip.ipv4_mapped {
            errs.push("must not be an IPv4-mapped IPv6 address".to_string());
        }
    }
    errs
}

/// `IsValidIP` (new fields): strict parse plus canonical form.
pub fn ip_canonical_msgs(s: &str) -> Vec<String> {
    let mut errs = ip_msgs(s, true);
    if errs.is_empty() {
        if let Some(ip) = parse_ip(s) {
            let c = ip.canonical();
            if c != s {
                errs.push(format!("must be in canonical form ({c:?})"));
            }
        }
    }
    errs
}

/// A CIDR parsed like `ParseCIDRSloppy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedCidr {
    pub ip: ParsedIp,
    pub prefix: u8,
    pub prefix_leading_zeros: bool,
    /// Bits are set beyond the prefix length (`192.168.0.5/24`).
    pub host_bits: bool,
}

/// Parses `ip/prefix`; `None` when it is not a CIDR.
pub fn parse_cidr(s: &str) -> Option<ParsedCidr> {
    let (ip, bits) = s.split_once('/')?;
    let ip = parse_ip(ip)?;
    if bits.is_empty() || bits.len() > 3 || !bits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let prefix: u8 = bits.parse().ok()?;
    let max = if ip.addr.is_ipv4() { 32 } else { 128 };
    if prefix > max {
        return None;
    }
    let host_bits = match ip.addr {
        std::net::IpAddr::V4(a) => {
            let v = u32::from(a);
            prefix < 32 && (v & (u32::MAX >> prefix)) != 0
        }
        std::net::IpAddr::V6(a) => {
            let v = u128::from(a);
            prefix < 128 && (v & (u128::MAX >> prefix)) != 0
        }
    };
    Some(ParsedCidr { ip, prefix, prefix_leading_zeros: bits.len() > 1 && bits.starts_with('0'), host_bits })
}

pub const CIDR_INVALID_MSG: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/// `IsValidCIDRForLegacyField` without ratcheting.
pub fn cidr_msgs(s: &str, strict: bool) -> Vec<String> {
    let Some(c) = parse_cidr(s) else {
        return vec![CIDR_INVALID_MSG.to_string()];
    };
    let mut errs = Vec::new();
    if strict {
        if c.ip.leading_zeros || c.prefix_leading_zeros {
            errs.push("must not have leading 0s in IP or prefix length".to_string());
        }
        if c.ip.ipv4_mapped {
            errs.push("must not have an IPv4-mapped IPv6 address".to_string());
        }
        if c.host_bits {
            errs.push("must not have bits set beyond the prefix length".to_string());
        }
    }
    errs
}

// ----- image references -----

/// The tag the reference parser (`parsers.ParseImageName`) finds: `latest` when the image has
/// neither tag nor digest, `None` for a digest without tag or an unparseable reference.
pub fn image_tag(image: &str) -> Option<String> {
    if image.is_empty() || image.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    if digest.is_some_and(|d| !d.contains(':')) {
        return None;
    }
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    if let Some(t) = tag {
        let b = t.as_bytes();
        let ok = !b.is_empty()
            && b.len() <= 128
            && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
            && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
        if !ok {
            return None;
        }
    }
    // The repository path: an optional domain, then lowercase components.
    let mut comps: Vec<&str> = repo.split('/').collect();
    if comps.len() > 1 && (comps[0].contains(['.', ':']) || comps[0] == "localhost" || comps[0].chars().any(|c| c.is_ascii_uppercase())) {
        comps.remove(0);
    }
    let comp_ok = |c: &str| {
        let b = c.as_bytes();
        !b.is_empty()
            && is_lower_alnum(b[0])
            && is_lower_alnum(b[b.len() - 1])
            && b.iter().all(|&ch| is_lower_alnum(ch) || matches!(ch, b'.' | b'_' | b'-'))
    };
    if !comps.iter().all(|c| comp_ok(c)) {
        return None;
    }
    match (tag, digest) {
        (Some(t), _) => Some(t.to_string()),
        (None, None) => Some("latest".to_string()),
        (None, Some(_)) => None,
    }
}

// ----- message spelling (the server's `field.Error` text) -----

/// A Go `%q`-style quoted string.
pub fn quote(s: &str) -> String {
    format!("{s:?}")
}

/// `Invalid value: "<v>": <detail>`.
pub fn invalid(value: &str, detail: &str) -> String {
    format!("Invalid value: {}: {detail}", quote(value))
}

/// A string as Go's `encoding/json` writes it (`field.Error` renders a struct or map bad value
/// with `json.Marshal`): `"`, `\` and control characters escaped (`\b`, `\f`, `\n`, `\r`, `\t`,
/// else `\u00XX`), and the HTML-sensitive `<`, `>`, `&` and U+2028/U+2029 as `\u` escapes.
pub fn go_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The first release whose `field.Error.ErrorBody` (apimachinery `util/validation/field/errors.go`)
/// prints a bad value that is not a string, bool or sized number with `json.Marshal`, falling
/// back to its `String()` and then to `%#v` only when marshalling fails: kubernetes#132314 "Nicer
/// value rendering in API errors", in apimachinery v0.34.0. Before, `ErrorBody` used the value's
/// (or its pointer's) `String()` and else Go's `%#v`. Internal API types have no json tags, so a
/// struct prints with its Go field names, in declaration order, nil pointers and slices as
/// `null`; `IntOrString` and `Quantity` marshal to a bare number or a JSON string.
pub const JSON_VALUES_FROM: u16 = 34;

/// How the target version's `field.Error` prints a struct, map or slice bad value
/// (see [`JSON_VALUES_FROM`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Values {
    /// Before 1.34: `%#v` (`[]string{"a", "b"}`), or `String()` when the value has one.
    GoSyntax,
    /// From 1.34: `json.Marshal` (`["a","b"]`).
    Json,
}

impl Values {
    pub fn of(version: crate::version::KubeVersion) -> Values {
        if version.at_least(JSON_VALUES_FROM) {
            Values::Json
        } else {
            Values::GoSyntax
        }
    }

    /// A string inside a struct, map or slice value: Go-quoted or JSON-quoted.
    pub fn string(self, s: &str) -> String {
        match self {
            Values::GoSyntax => quote(s),
            Values::Json => go_json_string(s),
        }
    }

    /// A `[]string` bad value: `[]string{"a", "b"}` or `["a","b"]`; no items is the nil slice,
    /// `[]string(nil)` or `null`.
    pub fn string_slice<'a>(self, items: impl IntoIterator<Item = &'a str>) -> String {
        let v: Vec<String> = items.into_iter().map(|s| self.string(s)).collect();
        match (self, v.is_empty()) {
            (Values::GoSyntax, true) => "[]string(nil)".to_string(),
            (Values::GoSyntax, false) => format!("[]string{{{}}}", v.join(", ")),
            (Values::Json, true) => "null".to_string(),
            (Values::Json, false) => format!("[{}]", v.join(",")),
        }
    }

    /// A `map[string]string` bad value, keys sorted (by `fmt` and by `encoding/json` alike):
    /// `map[string]string{"a":"b", "c":"d"}` or `{"a":"b","c":"d"}`; a missing map (`None`) is
    /// `map[string]string(nil)` or `null`.
    pub fn string_map<'a>(self, entries: Option<impl IntoIterator<Item = (&'a str, &'a str)>>) -> String {
        let Some(entries) = entries else {
            return if self == Values::Json { "null" } else { "map[string]string(nil)" }.to_string();
        };
        let mut v: Vec<(&str, &str)> = entries.into_iter().collect();
        crate::sort::sort(&mut v);
        let v: Vec<String> = v.iter().map(|(k, val)| format!("{}:{}", self.string(k), self.string(val))).collect();
        match self {
            Values::GoSyntax => format!("map[string]string{{{}}}", v.join(", ")),
            Values::Json => format!("{{{}}}", v.join(",")),
        }
    }

    /// A slice of structs that is nil (`[]<go_type>(nil)`, `null`) or empty (`[]<go_type>{}`, `[]`).
    pub fn empty_slice(self, go_type: &str, nil: bool) -> String {
        match (self, nil) {
            (Values::GoSyntax, true) => format!("[]{go_type}(nil)"),
            (Values::GoSyntax, false) => format!("[]{go_type}{{}}"),
            (Values::Json, true) => "null".to_string(),
            (Values::Json, false) => "[]".to_string(),
        }
    }

    /// An `intstr.IntOrString` bad value: through its pointer's `String()` before 1.34 (`25%`,
    /// unquoted), through its `MarshalJSON` from 1.34 (`"25%"`; an integer is bare either way).
    pub fn int_or_string(self, v: IntOrString<'_>) -> String {
        match (self, v) {
            (_, IntOrString::Int(i)) => i.to_string(),
            (Values::GoSyntax, IntOrString::Str(s)) => s.to_string(),
            (Values::Json, IntOrString::Str(s)) => go_json_string(s),
        }
    }

    /// A struct bad value with no `String()`: `%#v` (`<go_type>{A:1, B:"x"}`) or JSON
    /// (`{"A":1,"B":"x"}`, internal types having no json tags). Each field is its name and its
    /// value already rendered in this style.
    pub fn go_struct(self, go_type: &str, fields: &[(&str, String)]) -> String {
        match self {
            Values::GoSyntax => {
                let f: Vec<String> = fields.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{go_type}{{{}}}", f.join(", "))
            }
            Values::Json => {
                let f: Vec<String> = fields.iter().map(|(k, v)| format!("{}:{v}", go_json_string(k))).collect();
                format!("{{{}}}", f.join(","))
            }
        }
    }

    /// A pointer field inside a struct value: `%#v` prints the type and nil or an address (which
    /// kplay cannot know, so `0xc000…`); JSON prints `null` or the value (`json`, rendered as JSON).
    pub fn pointer(self, go_type: &str, json: Option<String>) -> String {
        match (self, json) {
            (Values::GoSyntax, None) => format!("({go_type})(nil)"),
            (Values::GoSyntax, Some(_)) => format!("({go_type})(0xc000…)"),
            (Values::Json, None) => "null".to_string(),
            (Values::Json, Some(j)) => j,
        }
    }
}

/// The value of an `intstr.IntOrString`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrString<'a> {
    Int(i64),
    Str(&'a str),
}

/// `Invalid value: <n>: <detail>` for numbers.
pub fn invalid_num(value: impl std::fmt::Display, detail: &str) -> String {
    format!("Invalid value: {value}: {detail}")
}

/// `Unsupported value: "<v>": supported values: "a", "b"`.
pub fn not_supported(value: &str, supported: &[&str]) -> String {
    let list: Vec<String> = supported.iter().map(|s| quote(s)).collect();
    format!("Unsupported value: {}: supported values: {}", quote(value), list.join(", "))
}

/// `Required value` or `Required value: <detail>`.
pub fn required(detail: &str) -> String {
    if detail.is_empty() {
        "Required value".to_string()
    } else {
        format!("Required value: {detail}")
    }
}

/// `Forbidden: <detail>`.
pub fn forbidden(detail: &str) -> String {
    format!("Forbidden: {detail}")
}

/// `Duplicate value: "<v>"`.
pub fn duplicate(value: &str) -> String {
    format!("Duplicate value: {}", quote(value))
}

/// `Too many: <actual>: must have at most <max> items`: `field.TooMany(path, actual, max)`
/// (apimachinery `field/errors.go`) stores the actual count as the error's value, so the detail
/// prints it.
pub fn too_many(actual: usize, max: usize) -> String {
    format!("Too many: {actual}: must have at most {max} items")
}

/// `Not found: "<v>"`.
pub fn not_found(value: &str) -> String {
    format!("Not found: {}", quote(value))
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_values_print_as_field_invalid_prints_them() {
        let g = Values::GoSyntax;
        assert_eq!(g.string_slice(["10.96.0.10", "fd00::a"]), r#"[]string{"10.96.0.10", "fd00::a"}"#);
        assert_eq!(g.string_slice([]), "[]string(nil)");
        assert_eq!(g.string_map(Some([("tier", "b"), ("app", "a\"b")])), r#"map[string]string{"app":"a\"b", "tier":"b"}"#);
        assert_eq!(g.string_map(Some([])), "map[string]string{}");
        assert_eq!(g.string_map(None::<[(&str, &str); 0]>), "map[string]string(nil)");
        assert_eq!(g.int_or_string(IntOrString::Str("25%")), "25%");
        assert_eq!(
            g.go_struct("apps.X", &[("Type", g.string("a")), ("P", g.pointer("*int32", None))]),
            r#"apps.X{Type:"a", P:(*int32)(nil)}"#
        );
        assert_eq!(g.empty_slice("networking.IngressRule", true), "[]networking.IngressRule(nil)");
    }

    /// From 1.34 `field.Error` marshals the value: no spaces, `null` for nil, `<>&` escaped.
    #[test]
    fn json_values_from_1_34() {
        assert_eq!(Values::of(crate::KubeVersion::new(33)), Values::GoSyntax);
        assert_eq!(Values::of(crate::KubeVersion::new(34)), Values::Json);
        let j = Values::Json;
        assert_eq!(j.string_slice(["10.96.0.10", "a<b"]), r#"["10.96.0.10","a\u003cb"]"#);
        assert_eq!(j.string_slice([]), "null");
        assert_eq!(j.string_map(Some([("tier", "b"), ("app", "a\"b")])), r#"{"app":"a\"b","tier":"b"}"#);
        assert_eq!(j.string_map(Some([])), "{}");
        assert_eq!(j.string_map(None::<[(&str, &str); 0]>), "null");
        assert_eq!(j.int_or_string(IntOrString::Str("25%")), r#""25%""#);
        assert_eq!(j.int_or_string(IntOrString::Int(0)), "0");
        assert_eq!(j.go_struct("apps.X", &[("Type", j.string("a")), ("P", j.pointer("*int32", None))]), r#"{"Type":"a","P":null}"#);
        assert_eq!(j.empty_slice("networking.IngressRule", false), "[]");
    }

    use super::*;

    #[test]
    fn dns_labels() {
        assert!(dns1123_label_msgs("my-name").is_empty());
        assert!(dns1123_label_msgs("123").is_empty());
        assert_eq!(dns1123_label_msgs("a.b"), vec!["must not contain dots"]);
        assert_eq!(dns1123_label_msgs("-a").len(), 1);
        assert!(dns1123_label_msgs("Web")[0].starts_with("a lowercase RFC 1123 label"));
        // 64 × 'a': only the length; 70 chars with '_': length and regex.
        assert_eq!(dns1123_label_msgs(&"a".repeat(64)), vec![max_len_error(63)]);
        assert_eq!(dns1123_label_msgs(&format!("{}_", "a".repeat(69))).len(), 2);
        assert_eq!(dns1123_label_msgs("").len(), 1);
    }

    #[test]
    fn dns_subdomains_and_1035() {
        assert!(dns1123_subdomain_msgs("example.com").is_empty());
        assert!(dns1123_subdomain_msgs("1.2.3.4").is_empty());
        assert_eq!(dns1123_subdomain_msgs("a..b").len(), 1);
        assert_eq!(dns1123_subdomain_msgs("Web_Pod").len(), 1);
        assert_eq!(dns1123_subdomain_msgs(".a").len(), 1);
        assert_eq!(dns1123_subdomain_msgs(&"a".repeat(254)), vec![max_len_error(253)]);
        assert!(dns1035_label_msgs("web").is_empty());
        assert_eq!(dns1035_label_msgs("1web").len(), 1);
        assert_eq!(dns1035_label_msgs("web.svc").len(), 1);
        assert!(wildcard_dns1123_subdomain_msgs("*.example.com").is_empty());
        for bad in ["*", "*.*.x", "a.*.x", "*x.com", "*."] {
            assert_eq!(wildcard_dns1123_subdomain_msgs(bad).len(), 1, "{bad}");
        }
        assert!(dns1123_subdomain_with_underscore_msgs("_sip._tcp.example.com").is_empty());
        assert_eq!(
            dns1123_subdomain_with_underscore_msgs("__a"),
            ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')"]
        );
    }

    #[test]
    fn generate_name_prefix_mode() {
        assert!(NameFn::Dns1123Subdomain.msgs("worker-", true).is_empty());
        assert_eq!(NameFn::Dns1123Subdomain.msgs("worker-", false).len(), 1);
        assert_eq!(NameFn::Dns1123Subdomain.msgs("Worker-", true).len(), 1);
        assert!(NameFn::Dns1035Label.msgs("a-", true).is_empty());
        assert_eq!(NameFn::Dns1123Subdomain.msgs("é-", true).len(), 1);
    }

    #[test]
    fn qualified_names() {
        assert!(qualified_name_msgs("app").is_empty());
        assert!(qualified_name_msgs("example.com/MyName").is_empty());
        assert!(qualified_name_msgs("app.kubernetes.io/name").is_empty());
        assert_eq!(qualified_name_msgs("my annotation").len(), 1);
        assert!(qualified_name_msgs("my annotation")[0].starts_with("name part must consist of alphanumeric characters"));
        assert_eq!(qualified_name_msgs("/a"), vec!["prefix part must be non-empty".to_string()]);
        // Empty name part: non-empty message and regex message.
        assert_eq!(qualified_name_msgs("example.com/").len(), 2);
        assert_eq!(qualified_name_msgs("").len(), 2);
        assert_eq!(qualified_name_msgs("a/b/c").len(), 1);
        assert!(qualified_name_msgs("a/b/c")[0].starts_with("a qualified name must consist"));
        assert_eq!(qualified_name_msgs(&"a".repeat(64)).len(), 1);
        assert_eq!(qualified_name_msgs("Example.com/a").len(), 1);
        assert!(qualified_name_msgs("Example.com/a")[0].starts_with("prefix part a lowercase RFC 1123 subdomain"));
        assert!(annotation_key_msgs("Example.COM/Foo").is_empty());
    }

    #[test]
    fn label_values() {
        assert!(label_value_msgs("").is_empty());
        assert!(label_value_msgs("my_value").is_empty());
        assert_eq!(label_value_msgs("-x").len(), 1);
        assert_eq!(label_value_msgs(&format!("{}-", "a".repeat(63))).len(), 2);
    }

    #[test]
    fn port_names() {
        assert!(port_name_msgs("http").is_empty());
        assert!(port_name_msgs("h2c-8080").is_empty());
        assert_eq!(port_name_msgs("HTTP").len(), 2);
        assert_eq!(port_name_msgs("http_web"), vec!["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]);
        assert_eq!(port_name_msgs("web--port"), vec!["must not contain consecutive hyphens"]);
        assert_eq!(port_name_msgs("-web"), vec!["must not begin or end with a hyphen"]);
        assert_eq!(port_name_msgs("8080"), vec!["must contain at least one letter (a-z)"]);
        assert_eq!(port_name_msgs("abcdefghijklmnop"), vec![max_len_error(15)]);
        assert!(port_num_msgs(65535).is_empty());
        assert_eq!(port_num_msgs(0).len(), 1);
        assert_eq!(port_num_msgs(70000).len(), 1);
    }

    #[test]
    fn env_names() {
        assert!(env_var_name_relaxed_msgs("MY VAR").is_empty());
        assert!(env_var_name_relaxed_msgs("1$x").is_empty());
        assert_eq!(env_var_name_relaxed_msgs("MY_VARIABLE=value"), vec![RELAXED_ENV_VAR_NAME_ERR]);
        assert_eq!(env_var_name_relaxed_msgs("é").len(), 1);
        assert_eq!(env_var_name_relaxed_msgs("a\tb").len(), 1);
        assert!(env_var_name_strict_msgs("my.env-name").is_empty());
        assert_eq!(env_var_name_strict_msgs("1A").len(), 1);
        assert_eq!(env_var_name_strict_msgs(".."), vec!["must not be '..'"]);
        assert_eq!(env_var_name_strict_msgs("..a"), vec!["must not start with '..'"]);
        assert_eq!(env_var_name_strict_msgs("A B").len(), 1);
        assert!(c_identifier_msgs("_a1").is_empty());
        assert_eq!(c_identifier_msgs("a-b").len(), 1);
    }

    #[test]
    fn keys_percents_headers() {
        assert!(config_map_key_msgs("log-level").is_empty());
        assert_eq!(config_map_key_msgs("a/b").len(), 1);
        assert_eq!(config_map_key_msgs("..x"), vec!["must not start with '..'"]);
        assert_eq!(config_map_key_msgs("").len(), 1);
        assert!(percent_msgs("25%").is_empty());
        for bad in ["25.5%", "25", "-5%", "%", ""] {
            assert_eq!(percent_msgs(bad).len(), 1, "{bad}");
        }
        assert_eq!(parse_percent("100%"), Some(100));
        assert!(http_header_name_msgs("X-Header").is_empty());
        assert_eq!(http_header_name_msgs("X Header").len(), 1);
    }

    #[test]
    fn ips_and_cidrs() {
        assert!(ip_msgs("10.9.8.7", true).is_empty());
        assert!(ip_msgs("2001:db8::ffff", true).is_empty());
        assert_eq!(ip_msgs("10.1", false), vec![IP_INVALID_MSG]);
        assert_eq!(ip_msgs("256.1.1.1", false).len(), 1);
        assert!(ip_msgs("010.1.1.1", false).is_empty());
        assert_eq!(ip_msgs("010.1.1.1", true), vec!["must not have leading 0s"]);
        assert_eq!(ip_msgs("::ffff:1.2.3.4", true), vec!["must not be an IPv4-mapped IPv6 address"]);
        assert!(parse_ip("::ffff:1.2.3.4").unwrap().is_ipv4());
        assert_eq!(ip_canonical_msgs("2001:DB8::1").len(), 1);
        assert!(cidr_msgs("10.0.0.0/8", true).is_empty());
        assert_eq!(cidr_msgs("10.0.0.0", false), vec![CIDR_INVALID_MSG]);
        assert_eq!(cidr_msgs("10.0.0.0/33", false).len(), 1);
        assert!(cidr_msgs("192.168.0.5/24", false).is_empty());
        assert_eq!(cidr_msgs("192.168.0.5/24", true), vec!["must not have bits set beyond the prefix length"]);
        assert!(cidr_msgs("2001:db8::/64", true).is_empty());
    }

    #[test]
    fn messages() {
        assert_eq!(invalid("A=b", "x"), "Invalid value: \"A=b\": x");
        assert_eq!(not_supported("FTP", &["HTTP", "HTTPS"]), "Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"");
        assert_eq!(required(""), "Required value");
        // Go's RegexError really writes two spaces before "or".
        assert_eq!(regex_error("m", "f", &["a", "b"]), "m (e.g. 'a',  or 'b', regex used for validation is 'f')");
        assert_eq!(regex_error("m", "f", &[]), "m (regex used for validation is 'f')");
    }
    #[test]
    fn image_tags() {
        assert_eq!(image_tag("nginx").as_deref(), Some("latest"));
        assert_eq!(image_tag("nginx:latest").as_deref(), Some("latest"));
        assert_eq!(image_tag("nginx:1.27").as_deref(), Some("1.27"));
        assert_eq!(image_tag("localhost:5000/app").as_deref(), Some("latest"));
        assert_eq!(image_tag("registry.example.com:5000/team/app:v2").as_deref(), Some("v2"));
        assert_eq!(image_tag("nginx@sha256:abcd"), None);
        assert_eq!(image_tag("nginx:latest@sha256:abcd").as_deref(), Some("latest"));
        assert_eq!(image_tag("NGINX:Latest"), None);
        assert_eq!(image_tag("foo bar"), None);
        assert_eq!(image_tag(""), None);
    }
}
