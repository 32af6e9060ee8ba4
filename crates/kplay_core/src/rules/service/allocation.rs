//! The Service allocation phase (`BeginCreate` in `pkg/registry/core/service/storage`): the
//! `clusterIP` → `clusterIPs` normalisation, IP-family defaulting with its pre-check
//! (`ValidateServiceClusterIPsRelatedFields`), and the ClusterIP / nodePort / health-check
//! nodePort requests. It runs before validation and its errors are the only ones returned.
//!
//! Everything here is pure: [`begin_create`] takes an [`Input`] read from the (v1-defaulted)
//! spec and returns the errors plus what the registry would store (policy, families, shared
//! nodePorts). The defaults apply the outcome to `Object::stored`, the allocation-stage rules
//! report its errors, and the simulator can reuse [`cluster_ip_in_range`] and
//! [`node_port_in_range`] for its allocators. Requested IPs and ports are assumed free here:
//! conflicts between objects are the simulator's job.

use std::net::IpAddr;

use crate::diagnostic::ErrorType;
use crate::rules::formats;
use crate::source::Span;
use crate::yaml::Node;

// Rule names of the allocation-stage rules (each rule file reports the errors tagged with it).
pub(crate) const CLUSTER_IPS_INVALID: &str = "service-cluster-ips-invalid";
pub(crate) const IP_FAMILY_INVALID: &str = "service-ip-family-invalid";
pub(crate) const IP_FAMILY_POLICY_CONFLICT: &str = "service-ip-family-policy-conflict";
pub(crate) const IP_FAMILY_NOT_CONFIGURED: &str = "service-ip-family-not-configured";
pub(crate) const CLUSTER_IP_OUT_OF_RANGE: &str = "service-cluster-ip-out-of-range";
pub(crate) const NODE_PORT_OUT_OF_RANGE: &str = "service-node-port-out-of-range";
pub(crate) const NODE_PORT_ALREADY_ALLOCATED: &str = "service-node-port-already-allocated";
pub(crate) const HEALTH_CHECK_NODE_PORT_UNALLOCATABLE: &str = "service-health-check-node-port-unallocatable";

/// The allocation-stage rules about one requested address or port. A Service refused only by
/// these is tried again by the simulator among the other Services ([`crate::model::Object::allocation_retry`]):
/// Go allocates the requests in order and returns the first failure, and a clash with another
/// Service at an earlier request comes before a range error at a later one.
pub(crate) const RETRIED: [&str; 4] =
    [CLUSTER_IP_OUT_OF_RANGE, NODE_PORT_OUT_OF_RANGE, NODE_PORT_ALREADY_ALLOCATED, HEALTH_CHECK_NODE_PORT_UNALLOCATABLE];

/// An IP family as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    IPv4,
    IPv6,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::IPv4 => "IPv4",
            Family::IPv6 => "IPv6",
        }
    }

    pub fn parse(s: &str) -> Option<Family> {
        match s {
            "IPv4" => Some(Family::IPv4),
            "IPv6" => Some(Family::IPv6),
            _ => None,
        }
    }

    fn other(self) -> Family {
        match self {
            Family::IPv4 => Family::IPv6,
            Family::IPv6 => Family::IPv4,
        }
    }

    /// The family Go's `netutils` reports for an address (IPv4-mapped IPv6 counts as IPv4).
    pub fn of(ip: &formats::ParsedIp) -> Family {
        if ip.is_ipv4() {
            Family::IPv4
        } else {
            Family::IPv6
        }
    }
}

/// A Service CIDR (`--service-cluster-ip-range` entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceCidr {
    pub network: IpAddr,
    pub prefix: u8,
}

impl ServiceCidr {
    /// Parses `10.96.0.0/12`; host bits are cleared.
    pub fn parse(s: &str) -> Option<ServiceCidr> {
        let c = formats::parse_cidr(s)?;
        let network = match c.ip.addr {
            IpAddr::V4(a) => {
                let mask = if c.prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(c.prefix)) };
                IpAddr::V4((u32::from(a) & mask).into())
            }
            IpAddr::V6(a) => {
                let mask = if c.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(c.prefix)) };
                IpAddr::V6((u128::from(a) & mask).into())
            }
        };
        Some(ServiceCidr { network, prefix: c.prefix })
    }

    pub fn family(&self) -> Family {
        if self.network.is_ipv4() {
            Family::IPv4
        } else {
            Family::IPv6
        }
    }

    /// True when `ip` is an address the allocator hands out: inside the range, not the network
    /// address and, for IPv4, not the broadcast address.
    pub fn contains_usable(&self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let host_bits = 32 - u32::from(self.prefix);
                let size: u64 = 1u64 << host_bits;
                let (n, a) = (u64::from(u32::from(n)), u64::from(u32::from(a)));
                // Ranges of 2 or fewer addresses have no usable host addresses.
                a > n && a < n + size - 1
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let host_bits = 128 - u32::from(self.prefix);
                let (n, a) = (u128::from(n), u128::from(a));
                let last = if host_bits >= 128 { u128::MAX } else { n + ((1u128 << host_bits) - 1) };
                a > n && a <= last
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for ServiceCidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The cluster's Service networking: `--service-cluster-ip-range` and
/// `--service-node-port-range`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceNetwork {
    /// At most one CIDR per family; the first one's family is the primary family.
    pub cidrs: Vec<ServiceCidr>,
    pub node_port_min: i64,
    pub node_port_max: i64,
    /// ClusterIPs come from the ServiceCIDR `MetaAllocator` (MultiCIDRServiceAllocator, GA and
    /// on from 1.33), not the bitmap allocator: see [`ip_not_in_range_message`].
    pub meta_allocator: bool,
    /// How `field.Error` prints the `clusterIPs` list in messages (JSON from 1.34).
    pub values: formats::Values,
}

impl Default for ServiceNetwork {
    /// kubeadm's defaults, which the specification's vectors assume: `10.96.0.0/12` single-stack
    /// IPv4 and node ports `30000-32767`.
    fn default() -> Self {
        let cidr = ServiceCidr { network: IpAddr::V4(std::net::Ipv4Addr::new(10, 96, 0, 0)), prefix: 12 };
        ServiceNetwork {
            cidrs: vec![cidr],
            node_port_min: 30000,
            node_port_max: 32767,
            meta_allocator: true,
            values: formats::Values::Json,
        }
    }
}

impl ServiceNetwork {
    /// The network of the simulated cluster (`Options::cluster`); unparsable parts fall back
    /// to kubeadm's defaults.
    pub fn from_options(opts: &crate::analysis::Options) -> ServiceNetwork {
        let d = &opts.cluster;
        let mut net = ServiceNetwork {
            meta_allocator: meta_allocator(opts.kube_version),
            values: formats::Values::of(opts.kube_version),
            ..ServiceNetwork::default()
        };
        let cidrs: Vec<ServiceCidr> =
            std::iter::once(d.service_cidr.as_str()).chain(d.service_cidr_secondary.as_deref()).filter_map(ServiceCidr::parse).collect();
        if !cidrs.is_empty() {
            net.cidrs = cidrs;
        }
        if let Some((lo, hi)) = d.node_port_range.split_once('-') {
            if let (Ok(lo), Ok(hi)) = (lo.trim().parse::<i64>(), hi.trim().parse::<i64>()) {
                if lo <= hi {
                    net.node_port_min = lo;
                    net.node_port_max = hi;
                }
            }
        }
        net
    }

    pub fn primary_family(&self) -> Family {
        self.cidrs.first().map_or(Family::IPv4, ServiceCidr::family)
    }

    pub fn has_family(&self, f: Family) -> bool {
        self.cidrs.iter().any(|c| c.family() == f)
    }

    pub fn is_dual_stack(&self) -> bool {
        self.has_family(Family::IPv4) && self.has_family(Family::IPv6)
    }

    pub fn cidr_for(&self, f: Family) -> Option<&ServiceCidr> {
        self.cidrs.iter().find(|c| c.family() == f)
    }

    /// `30000-32767`, as the node-port allocator prints its range.
    pub fn node_port_range_text(&self) -> String {
        format!("{}-{}", self.node_port_min, self.node_port_max)
    }
}

/// Whether `version`'s API server allocates ClusterIPs through the `MetaAllocator` of
/// ServiceCIDR objects: MultiCIDRServiceAllocator is GA and on from 1.33 (locked from 1.34).
pub fn meta_allocator(version: crate::version::KubeVersion) -> bool {
    version.at_least(33)
}

/// The allocator's refusal of a requested ClusterIP that no range may hand out (outside the
/// Service CIDR, or its network or IPv4 broadcast address), as `allocIPs` puts it after
/// "failed to allocate IP <ip>: ". Up to 1.32 the bitmap allocator's `ErrNotInRange` names the
/// range. From 1.33 `allocIPs` calls `MetaAllocator.AllocateService`, whose `getAllocator`
/// (ipallocator/cidrallocator.go) finds no ServiceCIDR prefix that contains the address
/// (`servicecidr.PrefixContainsIP` leaves out the network and IPv4 broadcast addresses) and
/// returns `ErrMismatchedNetwork` before any range allocator sees the address.
pub fn ip_not_in_range_message(ip: &str, cidr: &str, meta_allocator: bool) -> String {
    if meta_allocator {
        "the provided network does not match the current range".into()
    } else {
        format!("the provided IP ({ip}) is not in the valid range. The range of valid IPs is {cidr}")
    }
}

/// Checks a requested ClusterIP against the Service CIDR of its family, with the allocator's
/// message ([`ip_not_in_range_message`]) on failure. It does not know which IPs are taken.
pub fn cluster_ip_in_range(ip: &str, net: &ServiceNetwork) -> Result<(), String> {
    let Some(parsed) = formats::parse_ip(ip) else {
        return Err(format!("the provided IP ({ip}) is not a valid IP address"));
    };
    let family = Family::of(&parsed);
    let addr = match parsed.addr {
        IpAddr::V6(v6) if parsed.ipv4_mapped => v6.to_ipv4_mapped().map_or(parsed.addr, IpAddr::V4),
        a => a,
    };
    match net.cidr_for(family) {
        Some(c) if c.contains_usable(addr) => Ok(()),
        Some(c) => Err(ip_not_in_range_message(&parsed.canonical(), &c.to_string(), net.meta_allocator)),
        None => Err(format!(
            "the provided IP ({}) is not in the valid range: {} is not configured on this cluster",
            parsed.canonical(),
            family.as_str()
        )),
    }
}

/// True when `port` lies in the node-port range.
pub fn node_port_in_range(port: i64, net: &ServiceNetwork) -> bool {
    (net.node_port_min..=net.node_port_max).contains(&port)
}

/// A scalar value with the span of its node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub value: String,
    pub span: Span,
}

/// One `spec.ports[i]` entry as the allocator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortIn {
    pub port: i64,
    /// 0 when not requested.
    pub node_port: i64,
    /// The requested nodePort's value, or the port entry when none is requested.
    pub node_port_span: Span,
}

/// The fields of a Service spec the allocation phase reads, after v1 defaulting and the
/// `clusterIP` → `clusterIPs` normalisation, before the phase's own changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Input {
    pub type_: String,
    /// `spec.clusterIP` (`""` when absent).
    pub cluster_ip: String,
    pub cluster_ips: Vec<Item>,
    /// The `clusterIPs` list (for errors on the list as a whole).
    pub cluster_ips_span: Option<Span>,
    pub ip_families: Vec<Item>,
    pub ip_families_span: Option<Span>,
    /// `spec.ipFamilyPolicy` as written.
    pub policy: Option<Item>,
    /// `spec.selector` has at least one entry.
    pub has_selector: bool,
    pub ports: Vec<PortIn>,
    /// `spec.allocateLoadBalancerNodePorts` (defaulted to true for LoadBalancer).
    pub allocate_lb_node_ports: bool,
    pub external_traffic_policy: String,
    pub health_check_node_port: i64,
    pub health_check_node_port_span: Option<Span>,
    /// Where to point when nothing better exists: the `spec` key.
    pub spec_span: Span,
}

fn text(n: &Node) -> String {
    n.as_str().or_else(|| n.text()).unwrap_or("").to_string()
}

impl Input {
    /// Reads the input from a spec mapping. Nodes the allocation phase itself adds to the stored
    /// object (synthetic `ipFamilyPolicy`, `ipFamilies` items, `nodePort`s) are ignored, so the
    /// result is the same before and after the defaults applied the phase's outcome.
    pub fn from_spec(spec: &Node, spec_span: Span) -> Input {
        let get = |k: &str| spec.get(k).filter(|n| !n.is_null());
        let items = |n: Option<&Node>, skip_synthetic: bool| -> Vec<Item> {
            n.and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter(|i| !(skip_synthetic && i.synthetic))
                .map(|i| Item { value: text(i), span: i.span })
                .collect()
        };
        let ports = get("ports")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .map(|p| {
                let np = p.get("nodePort").filter(|n| !n.is_null() && !n.synthetic);
                PortIn {
                    port: p.get("port").and_then(Node::as_i64).unwrap_or(0),
                    node_port: np.and_then(Node::as_i64).unwrap_or(0),
                    node_port_span: np.map_or(p.span, |n| n.span),
                }
            })
            .collect();
        Input {
            type_: get("type").map(text).unwrap_or_default(),
            cluster_ip: get("clusterIP").map(text).unwrap_or_default(),
            cluster_ips: items(get("clusterIPs"), false),
            cluster_ips_span: get("clusterIPs").map(|n| n.span),
            ip_families: items(get("ipFamilies"), true),
            ip_families_span: get("ipFamilies").filter(|n| !n.synthetic).map(|n| n.span),
            policy: get("ipFamilyPolicy").filter(|n| !n.synthetic).map(|n| Item { value: text(n), span: n.span }),
            has_selector: get("selector").and_then(Node::as_map).is_some_and(|m| !m.is_empty()),
            ports,
            allocate_lb_node_ports: get("allocateLoadBalancerNodePorts").and_then(Node::as_bool).unwrap_or(true),
            external_traffic_policy: get("externalTrafficPolicy").map(text).unwrap_or_default(),
            health_check_node_port: get("healthCheckNodePort").and_then(Node::as_i64).unwrap_or(0),
            health_check_node_port_span: get("healthCheckNodePort").map(|n| n.span),
            spec_span,
        }
    }

    fn cluster_ips_span(&self) -> Span {
        self.cluster_ips_span.unwrap_or(self.spec_span)
    }

    /// Where to point for `spec.ipFamilyPolicy`: its value, else the list that made the
    /// (defaulted) policy wrong, else the spec.
    fn policy_span(&self, fallback: Option<Span>) -> Span {
        self.policy.as_ref().map(|p| p.span).or(fallback).unwrap_or(self.spec_span)
    }
}

/// An error of the allocation phase, tagged with the kplay rule that reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocError {
    pub rule: &'static str,
    pub path: String,
    pub span: Span,
    pub error_type: ErrorType,
    pub message: String,
    pub help: String,
}

/// What the phase returns: errors (the request stops there) or what it stores.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub errors: Vec<AllocError>,
    /// `ipFamilyPolicy` after defaulting (`None` for ExternalName Services).
    pub policy: Option<String>,
    /// `ipFamilies` after defaulting and inference (the written ones first).
    pub families: Vec<Family>,
    /// Per port: the nodePort to store (a requested one, or one shared with another port of
    /// the same number); 0 when the allocator picks one (left to the simulator).
    pub node_ports: Vec<i64>,
    /// Per port: the index of the port whose nodePort the allocator picks for it (the port
    /// itself when it is the first of its number to want one, an earlier port of the same number
    /// otherwise); `None` when the port gets a requested nodePort or none at all. Ports that
    /// share an index get the same nodePort, which validation then sees.
    pub shared_dynamic: Vec<Option<usize>>,
}

const POLICY_SINGLE: &str = "SingleStack";
const POLICY_PREFER: &str = "PreferDualStack";
const POLICY_REQUIRE: &str = "RequireDualStack";

/// Runs the allocation phase on one Service. `strict_ip` is StrictIPCIDRValidation (1.36+).
pub fn begin_create(input: &Input, net: &ServiceNetwork, strict_ip: bool) -> Outcome {
    let mut out = Outcome {
        node_ports: input.ports.iter().map(|p| p.node_port).collect(),
        shared_dynamic: vec![None; input.ports.len()],
        ..Outcome::default()
    };
    if input.type_ != "ExternalName" {
        if let Err(errors) = init_ip_family_fields(input, net, strict_ip, &mut out) {
            out.errors = errors;
            return out;
        }
        if let Err(e) = alloc_cluster_ips(input, net, &out) {
            out.errors.push(e);
            return out;
        }
    }
    if let Err(e) = alloc_node_ports(input, net, &mut out) {
        out.errors.push(e);
    }
    out
}

/// `initIPFamilyFields`: defaults the policy, runs the pre-check, infers families.
fn init_ip_family_fields(input: &Input, net: &ServiceNetwork, strict_ip: bool, out: &mut Outcome) -> Result<(), Vec<AllocError>> {
    let policy = match &input.policy {
        Some(p) => p.value.clone(),
        // Headless without selector defaults to dual-stack, everything else to single-stack.
        None if input.cluster_ip == "None" && !input.has_selector => POLICY_REQUIRE.to_string(),
        None => POLICY_SINGLE.to_string(),
    };
    out.policy = Some(policy.clone());

    let pre = cluster_ips_related_errors(input, net.values, strict_ip);
    if !pre.is_empty() {
        return Err(pre);
    }

    let mut el = Vec::new();
    let defaulted = if input.policy.is_none() { " (the default)" } else { "" };
    if policy == POLICY_SINGLE {
        if input.cluster_ips.len() == 2 {
            el.push(AllocError {
                rule: IP_FAMILY_POLICY_CONFLICT,
                path: "spec.ipFamilyPolicy".into(),
                span: input.policy_span(input.cluster_ips_span),
                error_type: ErrorType::Invalid,
                message: formats::invalid(
                    &policy,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
                ),
                help: format!(
                    "ipFamilyPolicy is SingleStack{defaulted}; set `ipFamilyPolicy: PreferDualStack` (or RequireDualStack) to ask for two cluster IPs, or keep one"
                ),
            });
        }
        if input.ip_families.len() == 2 {
            el.push(AllocError {
                rule: IP_FAMILY_POLICY_CONFLICT,
                path: "spec.ipFamilyPolicy".into(),
                span: input.policy_span(input.ip_families_span),
                error_type: ErrorType::Invalid,
                message: formats::invalid(
                    &policy,
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
                ),
                help: format!(
                    "ipFamilyPolicy is SingleStack{defaulted}; set `ipFamilyPolicy: PreferDualStack` (or RequireDualStack) for two families, or list one family"
                ),
            });
        }
    }

    let mut families: Vec<Family> = input.ip_families.iter().filter_map(|f| Family::parse(&f.value)).collect();
    let list_text = list_text(net.values, &input.cluster_ips);
    for (i, ip) in input.cluster_ips.iter().enumerate() {
        if ip.value == "None" {
            break;
        }
        let Some(parsed) = formats::parse_ip(&ip.value) else { break };
        let fam = Family::of(&parsed);
        if i >= families.len() {
            if net.has_family(fam) {
                families.push(fam);
            } else {
                el.push(AllocError {
                    rule: IP_FAMILY_NOT_CONFIGURED,
                    path: format!("spec.clusterIPs[{i}]"),
                    span: ip.span,
                    error_type: ErrorType::Invalid,
                    message: format!("Invalid value: {list_text}: {} is not configured on this cluster", fam.as_str()),
                    help: format!(
                        "the cluster's Service CIDRs are {}; request an address from them or omit the clusterIP",
                        cidrs_text(net)
                    ),
                });
            }
        }
    }
    out.families.clone_from(&families);
    if !el.is_empty() {
        return Err(el);
    }

    // Headless without selector: allowed to ask for families the cluster lacks.
    if input.cluster_ip == "None" && !input.has_selector {
        if families.is_empty() {
            families.push(net.primary_family());
        }
        if families.len() < 2 && policy != POLICY_SINGLE {
            families.push(families[0].other());
        }
        out.families = families;
        return Ok(());
    }

    if policy == POLICY_REQUIRE && !net.is_dual_stack() {
        el.push(AllocError {
            rule: IP_FAMILY_NOT_CONFIGURED,
            path: "spec.ipFamilyPolicy".into(),
            span: input.policy_span(None),
            error_type: ErrorType::Invalid,
            message: formats::invalid(&policy, "this cluster is not configured for dual-stack services"),
            help: format!("the cluster serves one IP family; use `ipFamilyPolicy: PreferDualStack` (dual-stack where available) or SingleStack{DUAL_STACK_HINT}"),
        });
    }
    for (i, f) in input.ip_families.iter().enumerate() {
        if let Some(fam) = Family::parse(&f.value) {
            if !net.has_family(fam) {
                el.push(AllocError {
                    rule: IP_FAMILY_NOT_CONFIGURED,
                    path: format!("spec.ipFamilies[{i}]"),
                    span: f.span,
                    error_type: ErrorType::Invalid,
                    message: formats::invalid(&f.value, "not configured on this cluster"),
                    help: format!("the cluster's Service CIDRs are {}; list only families it serves{DUAL_STACK_HINT}", cidrs_text(net)),
                });
            }
        }
    }
    if !el.is_empty() {
        return Err(el);
    }
    if families.is_empty() {
        families.push(net.primary_family());
    }
    if policy != POLICY_SINGLE && families.len() == 1 && net.is_dual_stack() {
        families.push(families[0].other());
    }
    out.families = families;
    Ok(())
}

/// How to simulate a dual-stack cluster instead (the default one is IPv4 only).
const DUAL_STACK_HINT: &str = "; or, if your cluster is dual-stack, describe it to kplay: `--cluster service-cidr-secondary=fd00::/108` (kplay.toml `[cluster]` `service-cidr-secondary`)";

fn cidrs_text(net: &ServiceNetwork) -> String {
    let v: Vec<String> = net.cidrs.iter().map(ToString::to_string).collect();
    v.join(", ")
}

/// How `field.Invalid` prints `spec.clusterIPs` as the bad value: a `[]string` (`%#v` before
/// 1.34, JSON from 1.34).
fn list_text(values: formats::Values, items: &[Item]) -> String {
    values.string_slice(items.iter().map(|i| i.value.as_str()))
}

/// `ValidateServiceClusterIPsRelatedFields` (SD-01…SD-09); empty for ExternalName Services.
pub fn cluster_ips_related_errors(input: &Input, values: formats::Values, strict_ip: bool) -> Vec<AllocError> {
    let mut errs = Vec::new();
    if input.type_ == "ExternalName" {
        return errs;
    }
    let ips = &input.cluster_ips;
    let list = list_text(values, ips);
    let whole = |msg: &str, help: &str| AllocError {
        rule: CLUSTER_IPS_INVALID,
        path: "spec.clusterIPs".into(),
        span: input.cluster_ips_span(),
        error_type: ErrorType::Invalid,
        message: format!("Invalid value: {list}: {msg}"),
        help: help.to_string(),
    };
    if input.cluster_ip.is_empty() {
        if !ips.is_empty() {
            errs.push(whole(
                "must be empty when `clusterIP` is not specified",
                "set `clusterIP` to the first entry of `clusterIPs` as well, or drop `clusterIPs` to get an address allocated",
            ));
        }
    } else if ips.is_empty() {
        errs.push(AllocError {
            rule: CLUSTER_IPS_INVALID,
            path: "spec.clusterIPs".into(),
            span: input.cluster_ips_span(),
            error_type: ErrorType::Required,
            message: formats::required(""),
            help: "list the clusterIP in `clusterIPs` too".into(),
        });
    } else if ips[0].value != input.cluster_ip {
        errs.push(whole("first value must match `clusterIP`", "make `clusterIPs[0]` the same address as `clusterIP`"));
    }

    let mut seen: Vec<&str> = Vec::new();
    for (i, f) in input.ip_families.iter().enumerate() {
        if Family::parse(&f.value).is_none() {
            errs.push(AllocError {
                rule: IP_FAMILY_INVALID,
                path: format!("spec.ipFamilies[{i}]"),
                span: f.span,
                error_type: ErrorType::NotSupported,
                message: formats::not_supported(&f.value, &["IPv4", "IPv6"]),
                help: "IP families are spelled `IPv4` and `IPv6`".into(),
            });
        }
        if seen.contains(&f.value.as_str()) {
            errs.push(AllocError {
                rule: IP_FAMILY_INVALID,
                path: format!("spec.ipFamilies[{i}]"),
                span: f.span,
                error_type: ErrorType::Duplicate,
                message: formats::duplicate(&f.value),
                help: "list each IP family once (at most one IPv4 and one IPv6)".into(),
            });
        }
        seen.push(&f.value);
    }
    if let Some(p) = &input.policy {
        if ![POLICY_PREFER, POLICY_REQUIRE, POLICY_SINGLE].contains(&p.value.as_str()) {
            errs.push(AllocError {
                rule: IP_FAMILY_INVALID,
                path: "spec.ipFamilyPolicy".into(),
                span: p.span,
                error_type: ErrorType::NotSupported,
                message: formats::not_supported(&p.value, &[POLICY_PREFER, POLICY_REQUIRE, POLICY_SINGLE]),
                help: "use SingleStack, PreferDualStack or RequireDualStack (case matters)".into(),
            });
        }
    }

    let mut has_invalid = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && ip.value == "None" {
            if ips.len() > 1 {
                has_invalid = true;
                errs.push(whole(
                    "'None' must be the first and only value",
                    "a headless Service has `clusterIP: None` and no other cluster IP",
                ));
            }
            continue;
        }
        for m in formats::ip_msgs(&ip.value, strict_ip) {
            has_invalid = true;
            errs.push(AllocError {
                rule: CLUSTER_IPS_INVALID,
                path: format!("spec.clusterIPs[{i}]"),
                span: ip.span,
                error_type: ErrorType::Invalid,
                message: formats::invalid(&ip.value, &m),
                help: "write an IP address from the Service CIDR, `None` for a headless Service, or omit it to get one allocated".into(),
            });
        }
    }
    if ips.len() > 2 {
        errs.push(whole("may only hold up to 2 values", "a Service has at most two cluster IPs, one per IP family"));
    }
    if has_invalid {
        return errs;
    }
    let parsed: Vec<Option<formats::ParsedIp>> = ips.iter().map(|i| formats::parse_ip(&i.value)).collect();
    if ips.len() > 1 {
        let v4 = parsed.iter().flatten().any(formats::ParsedIp::is_ipv4);
        let v6 = parsed.iter().flatten().any(|p| !p.is_ipv4());
        if !(v4 && v6) {
            errs.push(whole(
                "may specify no more than one IP for each IP family",
                "give one IPv4 and one IPv6 address, or a single address",
            ));
        }
    }
    let headless = ips.len() == 1 && ips[0].value == "None";
    if !headless && !ips.is_empty() && !input.ip_families.is_empty() {
        for (i, ip) in ips.iter().enumerate() {
            let Some(fam) = input.ip_families.get(i) else { break };
            let is_v6 = parsed[i].is_some_and(|p| !p.is_ipv4());
            let want = match fam.value.as_str() {
                "IPv4" if is_v6 => "IPv4",
                "IPv6" if !is_v6 => "IPv6",
                _ => continue,
            };
            errs.push(AllocError {
                rule: CLUSTER_IPS_INVALID,
                path: format!("spec.clusterIPs[{i}]"),
                span: ip.span,
                error_type: ErrorType::Invalid,
                message: formats::invalid(&ip.value, &format!("expected an {want} value as indicated by `ipFamilies[{i}]`")),
                help: format!("`ipFamilies[{i}]` is {want}: give an {want} address there, or reorder `ipFamilies` to match `clusterIPs`"),
            });
        }
    }
    errs
}

/// `allocClusterIPs`: requested addresses must be in the Service CIDR of their family.
fn alloc_cluster_ips(input: &Input, net: &ServiceNetwork, out: &Outcome) -> Result<(), AllocError> {
    let ips = &input.cluster_ips;
    if ips.first().is_some_and(|i| i.value == "None") {
        return Ok(());
    }
    for (i, _) in out.families.iter().enumerate() {
        let Some(ip) = ips.get(i).filter(|ip| !ip.value.is_empty()) else { continue };
        if let Err(e) = cluster_ip_in_range(&ip.value, net) {
            return Err(AllocError {
                rule: CLUSTER_IP_OUT_OF_RANGE,
                path: "spec.clusterIPs".into(),
                span: ip.span,
                error_type: ErrorType::Invalid,
                message: format!("Invalid value: {}: failed to allocate IP {}: {e}", list_text(net.values, ips), ip.value),
                help: format!(
                    "pick an address inside {} (not its first or last address), or omit clusterIP to get one allocated",
                    cidrs_text(net)
                ),
            });
        }
    }
    Ok(())
}

/// `txnAllocNodePorts`: requested nodePorts (shared by ports with the same number) must be in
/// the node-port range and not requested twice; then the health-check nodePort.
fn alloc_node_ports(input: &Input, net: &ServiceNetwork, out: &mut Outcome) -> Result<(), AllocError> {
    // A marker for "allocated dynamically" (the simulator picks the number).
    const DYNAMIC: i64 = -1;
    let range = net.node_port_range_text();
    let mut taken: Vec<i64> = Vec::new();
    let mut allocate = |np: i64| -> Result<(), String> {
        if !node_port_in_range(np, net) {
            return Err(format!("provided port is not in the valid range. The range of valid ports is {range}"));
        }
        if taken.contains(&np) {
            return Err("provided port is already allocated".into());
        }
        taken.push(np);
        Ok(())
    };
    let port_error = |i: usize, np: i64, span: Span, msg: String| AllocError {
        rule: if msg.contains("already allocated") { NODE_PORT_ALREADY_ALLOCATED } else { NODE_PORT_OUT_OF_RANGE },
        path: format!("spec.ports[{i}].nodePort"),
        span,
        error_type: ErrorType::Invalid,
        help: if msg.contains("already allocated") {
            "each nodePort can be used once (ports with the same `port` number share one nodePort); pick another or omit it".into()
        } else {
            format!("use a nodePort in {}-{} or omit it to get one allocated", net.node_port_min, net.node_port_max)
        },
        message: formats::invalid_num(np, &msg),
    };

    if input.type_ == "NodePort" || input.type_ == "LoadBalancer" {
        let should_allocate = input.type_ == "NodePort" || input.allocate_lb_node_ports;
        // Port number -> nodePort given to it (or DYNAMIC) and the port that got it first.
        let mut by_port: Vec<(i64, i64, usize)> = Vec::new();
        for (i, p) in input.ports.iter().enumerate() {
            if p.node_port == 0 && !should_allocate {
                continue;
            }
            let (given, first) = by_port.iter().find(|(port, _, _)| *port == p.port).map_or((0, i), |&(_, np, j)| (np, j));
            if given == 0 {
                // `findRequestedNodePort`: any port with this number that asks for a nodePort.
                let requested = input.ports.iter().find(|q| q.port == p.port && q.node_port != 0);
                if let Some(q) = requested {
                    allocate(q.node_port).map_err(|m| port_error(i, q.node_port, q.node_port_span, m))?;
                    out.node_ports[i] = q.node_port;
                    by_port.push((p.port, q.node_port, i));
                } else {
                    by_port.push((p.port, DYNAMIC, i));
                    out.shared_dynamic[i] = Some(i);
                }
            } else if p.node_port != given {
                if p.node_port == 0 {
                    // `servicePort.NodePort = allocatedNodePort`: the same number as the first.
                    out.node_ports[i] = given.max(0);
                    if given == DYNAMIC {
                        out.shared_dynamic[i] = Some(first);
                    }
                } else {
                    allocate(p.node_port).map_err(|m| port_error(i, p.node_port, p.node_port_span, m))?;
                }
            }
        }
    }

    if input.type_ == "LoadBalancer" && input.external_traffic_policy == "Local" && input.health_check_node_port != 0 {
        let hc = input.health_check_node_port;
        if let Err(m) = allocate(hc) {
            return Err(AllocError {
                rule: HEALTH_CHECK_NODE_PORT_UNALLOCATABLE,
                path: "spec.healthCheckNodePort".into(),
                span: input.health_check_node_port_span.unwrap_or(input.spec_span),
                error_type: ErrorType::InternalError,
                message: format!("Internal error occurred: failed to allocate requested HealthCheck NodePort {hc}: {m}"),
                help: format!(
                    "use a free port in {}-{} that no `nodePort` of this Service uses, or omit healthCheckNodePort to get one allocated",
                    net.node_port_min, net.node_port_max
                ),
            });
        }
    }
    Ok(())
}

/// The check shared by the allocation-stage rules: runs the phase on the stored spec and
/// reports the errors tagged with the calling rule's name.
pub(crate) fn check(ctx: &crate::rules::Ctx<'_>, sink: &mut crate::rules::Sink<'_>) {
    let Some(spec) = super::spec(ctx) else { return };
    let input = Input::from_spec(spec.node, spec.key_span());
    let out = begin_create(&input, &ServiceNetwork::from_options(ctx.opts), ctx.opts.kube_version.at_least(36));
    for e in out.errors.iter().filter(|e| e.rule == sink.rule.name) {
        sink.field_error_at(e.span, &e.path, e.error_type, e.message.clone()).help(e.help.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(v: &str) -> Item {
        Item { value: v.into(), span: Span::default() }
    }

    fn input(type_: &str) -> Input {
        Input { type_: type_.into(), ..Input::default() }
    }

    fn rules(o: &Outcome) -> Vec<(&'static str, String)> {
        o.errors.iter().map(|e| (e.rule, e.path.clone())).collect()
    }

    /// `field.Invalid(spec.clusterIPs, service.Spec.ClusterIPs, "failed to allocate IP …")`: the
    /// value is the list, printed as Go's `%#v` before 1.34 and as JSON from 1.34.
    #[test]
    fn allocation_messages_show_the_cluster_ips_as_go_prints_them() {
        let y = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  clusterIP: 10.32.0.10\n  ports:\n  - port: 80\n";
        let message = |minor| {
            let opts = crate::Options { kube_version: crate::KubeVersion::new(minor), ..Default::default() };
            let a = crate::analyze(&[crate::SourceFile::new("t.yaml", y)], &opts);
            a.diagnostics.iter().find(|d| d.rule == "service-cluster-ip-out-of-range").expect("out of range").message.clone()
        };
        assert!(message(33).starts_with(r#"Invalid value: []string{"10.32.0.10"}: failed to allocate IP 10.32.0.10: "#), "{}", message(33));
        assert!(message(34).starts_with(r#"Invalid value: ["10.32.0.10"]: failed to allocate IP 10.32.0.10: "#), "{}", message(34));
    }

    #[test]
    fn ranges() {
        let net = ServiceNetwork::default();
        assert!(cluster_ip_in_range("10.96.0.10", &net).is_ok());
        assert!(cluster_ip_in_range("10.111.255.254", &net).is_ok());
        assert!(cluster_ip_in_range("10.96.0.0", &net).is_err());
        assert!(cluster_ip_in_range("10.111.255.255", &net).is_err());
        assert!(cluster_ip_in_range("10.112.0.1", &net).is_err());
        assert!(cluster_ip_in_range("fd00::1", &net).is_err());
        assert!(node_port_in_range(30000, &net) && node_port_in_range(32767, &net));
        assert!(!node_port_in_range(29999, &net) && !node_port_in_range(32768, &net));
        let v6 = ServiceCidr::parse("fd00:10:96::/112").unwrap();
        assert!(v6.contains_usable("fd00:10:96::1".parse().unwrap()));
        assert!(!v6.contains_usable("fd00:10:96::".parse().unwrap()));
    }

    #[test]
    fn policy_defaults() {
        let net = ServiceNetwork::default();
        let o = begin_create(&input("ClusterIP"), &net, false);
        assert_eq!(o.policy.as_deref(), Some("SingleStack"));
        assert_eq!(o.families, vec![Family::IPv4]);
        let mut headless = input("ClusterIP");
        headless.cluster_ip = "None".into();
        headless.cluster_ips = vec![item("None")];
        let o = begin_create(&headless, &net, false);
        assert!(o.errors.is_empty());
        assert_eq!(o.policy.as_deref(), Some("RequireDualStack"));
        assert_eq!(o.families, vec![Family::IPv4, Family::IPv6]);
        headless.has_selector = true;
        let o = begin_create(&headless, &net, false);
        assert_eq!(o.policy.as_deref(), Some("SingleStack"));
        assert_eq!(o.families, vec![Family::IPv4]);
        assert!(begin_create(&input("ExternalName"), &net, false).policy.is_none());
    }

    #[test]
    fn pre_check_short_circuits() {
        let net = ServiceNetwork::default();
        let mut i = input("ClusterIP");
        i.cluster_ip = "10.96.0.500".into();
        i.cluster_ips = vec![item("10.96.0.500")];
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(CLUSTER_IPS_INVALID, "spec.clusterIPs[0]".to_string())]);
        // clusterIPs without clusterIP; two IPs of one family; three values.
        let mut i = input("ClusterIP");
        i.cluster_ips = vec![item("10.96.0.5")];
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(CLUSTER_IPS_INVALID, "spec.clusterIPs".to_string())]);
        let mut i = input("ClusterIP");
        i.cluster_ip = "10.96.0.5".into();
        i.cluster_ips = vec![item("10.96.0.5"), item("10.96.0.6")];
        i.policy = Some(item("PreferDualStack"));
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(CLUSTER_IPS_INVALID, "spec.clusterIPs".to_string())]);
        let mut i = input("ClusterIP");
        i.ip_families = vec![item("IPv4"), item("IPv4"), item("ipv6")];
        i.policy = Some(item("Dual"));
        let got = rules(&begin_create(&i, &net, false));
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got.iter().all(|(r, _)| *r == IP_FAMILY_INVALID));
    }

    #[test]
    fn families_and_policy_conflicts() {
        let net = ServiceNetwork::default();
        let mut i = input("ClusterIP");
        i.ip_families = vec![item("IPv4"), item("IPv6")];
        let o = begin_create(&i, &net, false);
        assert_eq!(rules(&o), vec![(IP_FAMILY_POLICY_CONFLICT, "spec.ipFamilyPolicy".to_string())]);
        i.policy = Some(item("RequireDualStack"));
        let o = begin_create(&i, &net, false);
        let got = rules(&o);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.contains(&(IP_FAMILY_NOT_CONFIGURED, "spec.ipFamilyPolicy".into())));
        assert!(got.contains(&(IP_FAMILY_NOT_CONFIGURED, "spec.ipFamilies[1]".into())));
        // PreferDualStack on a single-stack cluster is fine: one family is stored.
        let mut i = input("ClusterIP");
        i.policy = Some(item("PreferDualStack"));
        let o = begin_create(&i, &net, false);
        assert!(o.errors.is_empty());
        assert_eq!(o.families, vec![Family::IPv4]);
        // An IPv6 clusterIP on an IPv4 cluster.
        let mut i = input("ClusterIP");
        i.cluster_ip = "fd00::10".into();
        i.cluster_ips = vec![item("fd00::10")];
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(IP_FAMILY_NOT_CONFIGURED, "spec.clusterIPs[0]".to_string())]);
    }

    #[test]
    fn cluster_ip_range() {
        let net = ServiceNetwork::default();
        let mut i = input("ClusterIP");
        i.cluster_ip = "10.0.0.10".into();
        i.cluster_ips = vec![item("10.0.0.10")];
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(CLUSTER_IP_OUT_OF_RANGE, "spec.clusterIPs".to_string())]);
        i.cluster_ip = "10.100.0.10".into();
        i.cluster_ips = vec![item("10.100.0.10")];
        assert!(begin_create(&i, &net, false).errors.is_empty());
    }

    #[test]
    fn node_ports() {
        let net = ServiceNetwork::default();
        let port = |port: i64, np: i64| PortIn { port, node_port: np, node_port_span: Span::default() };
        let mut i = input("NodePort");
        i.ports = vec![port(80, 80), port(443, 30000)];
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(NODE_PORT_OUT_OF_RANGE, "spec.ports[0].nodePort".to_string())]);
        // Only the first failing port is reported.
        i.ports = vec![port(80, 30080), port(81, 1), port(82, 2)];
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(NODE_PORT_OUT_OF_RANGE, "spec.ports[1].nodePort".to_string())]);
        // The same nodePort for two port numbers.
        i.ports = vec![port(80, 30080), port(81, 30080)];
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(NODE_PORT_ALREADY_ALLOCATED, "spec.ports[1].nodePort".to_string())]);
        // TCP and UDP on port 53 share the requested nodePort; the error is on the first index.
        i.ports = vec![port(53, 0), port(53, 30053)];
        let o = begin_create(&i, &net, false);
        assert!(o.errors.is_empty());
        assert_eq!(o.node_ports, vec![30053, 30053]);
        i.ports = vec![port(53, 0), port(53, 53)];
        assert_eq!(rules(&begin_create(&i, &net, false)), vec![(NODE_PORT_OUT_OF_RANGE, "spec.ports[0].nodePort".to_string())]);
        // ClusterIP Services do not allocate (validation forbids the field instead).
        let mut c = input("ClusterIP");
        c.ports = vec![port(80, 80)];
        assert!(begin_create(&c, &net, false).errors.is_empty());
    }

    /// `initNodePorts` gives every port of one number the nodePort the first one got, also
    /// when the allocator picked it.
    #[test]
    fn dynamically_allocated_node_ports_are_shared_by_port_number() {
        let net = ServiceNetwork::default();
        let port = |port: i64, np: i64| PortIn { port, node_port: np, node_port_span: Span::default() };
        let mut i = input("NodePort");
        i.ports = vec![port(80, 0), port(443, 0), port(80, 0), port(53, 30053), port(53, 0)];
        let o = begin_create(&i, &net, false);
        assert!(o.errors.is_empty());
        assert_eq!(o.shared_dynamic, vec![Some(0), Some(1), Some(0), None, None]);
        assert_eq!(o.node_ports, vec![0, 0, 0, 30053, 30053]);
        // A LoadBalancer that allocates no node ports shares none.
        let mut lb = input("LoadBalancer");
        lb.allocate_lb_node_ports = false;
        lb.ports = vec![port(80, 0), port(80, 0)];
        assert_eq!(begin_create(&lb, &net, false).shared_dynamic, vec![None, None]);
        lb.allocate_lb_node_ports = true;
        assert_eq!(begin_create(&lb, &net, false).shared_dynamic, vec![Some(0), Some(0)]);
    }

    #[test]
    fn health_check_node_port() {
        let net = ServiceNetwork::default();
        let mut i = input("LoadBalancer");
        i.allocate_lb_node_ports = true;
        i.external_traffic_policy = "Local".into();
        i.ports = vec![PortIn { port: 80, node_port: 30080, node_port_span: Span::default() }];
        i.health_check_node_port = 30080;
        let o = begin_create(&i, &net, false);
        assert_eq!(rules(&o), vec![(HEALTH_CHECK_NODE_PORT_UNALLOCATABLE, "spec.healthCheckNodePort".to_string())]);
        assert_eq!(o.errors[0].error_type, ErrorType::InternalError);
        i.health_check_node_port = 30081;
        assert!(begin_create(&i, &net, false).errors.is_empty());
    }
}
