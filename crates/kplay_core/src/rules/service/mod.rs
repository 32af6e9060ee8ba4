//! Rules of the `service` group: API-server parity for `v1/Service`, i.e. the allocation phase
//! that runs before validation (`allocation`) and `ValidateService`. Each rule is one file;
//! list it once in `RULES`.

pub mod allocation;

mod app_protocol_invalid;
mod cluster_ip_out_of_range;
mod cluster_ips_invalid;
mod external_ip_invalid;
mod external_name_fields_forbidden;
mod external_name_invalid;
mod field_requires_load_balancer;
mod headless_not_allowed;
mod health_check_node_port_invalid;
mod health_check_node_port_unallocatable;
mod ip_family_invalid;
mod ip_family_not_configured;
mod ip_family_policy_conflict;
mod load_balancer_class_invalid;
mod load_balancer_source_range_invalid;
mod node_port_already_allocated;
mod node_port_duplicate;
mod node_port_not_allowed;
mod node_port_out_of_range;
mod port_duplicate;
mod port_name_duplicate;
mod port_name_invalid;
mod port_name_required;
mod port_number_invalid;
mod port_protocol_unsupported;
mod ports_required;
mod selector_invalid;
mod session_affinity_invalid;
mod target_port_invalid;
mod topology_annotations_conflict;
mod traffic_distribution_unsupported;
mod traffic_policy_invalid;
mod type_unsupported;

use std::net::IpAddr;

use super::{Ctx, Cur, Rule};
use crate::rules::formats;

pub static RULES: &[&Rule] = &[
    &cluster_ips_invalid::RULE,
    &ip_family_invalid::RULE,
    &ip_family_policy_conflict::RULE,
    &ip_family_not_configured::RULE,
    &cluster_ip_out_of_range::RULE,
    &node_port_out_of_range::RULE,
    &node_port_already_allocated::RULE,
    &health_check_node_port_unallocatable::RULE,
    &topology_annotations_conflict::RULE,
    &ports_required::RULE,
    &type_unsupported::RULE,
    &headless_not_allowed::RULE,
    &external_name_fields_forbidden::RULE,
    &external_name_invalid::RULE,
    &port_name_required::RULE,
    &port_name_invalid::RULE,
    &port_name_duplicate::RULE,
    &port_number_invalid::RULE,
    &port_protocol_unsupported::RULE,
    &target_port_invalid::RULE,
    &app_protocol_invalid::RULE,
    &selector_invalid::RULE,
    &session_affinity_invalid::RULE,
    &external_ip_invalid::RULE,
    &node_port_not_allowed::RULE,
    &node_port_duplicate::RULE,
    &port_duplicate::RULE,
    &field_requires_load_balancer::RULE,
    &load_balancer_source_range_invalid::RULE,
    &load_balancer_class_invalid::RULE,
    &traffic_policy_invalid::RULE,
    &health_check_node_port_invalid::RULE,
    &traffic_distribution_unsupported::RULE,
];

/// The stored (defaulted) `spec` of a Service; `None` for other kinds.
pub(crate) fn spec<'a>(ctx: &Ctx<'a>) -> Option<Cur<'a>> {
    if ctx.kind() != "Service" {
        return None;
    }
    ctx.root().field("spec")
}

/// The value a Go `string` field holds: the string, else the scalar's text, else `""`.
pub(crate) fn s<'a>(c: &Cur<'a>) -> &'a str {
    c.str().or_else(|| c.text()).unwrap_or("")
}

/// A string child with its cursor.
pub(crate) fn field_str<'a>(c: &Cur<'a>, name: &str) -> Option<(Cur<'a>, &'a str)> {
    let f = c.field(name)?;
    let v = s(&f);
    Some((f, v))
}

/// `spec.type` (`""` when absent, which defaulting prevents).
pub(crate) fn type_of<'a>(spec: &Cur<'a>) -> &'a str {
    field_str(spec, "type").map_or("", |(_, v)| v)
}

/// The `clusterIPs` values (after the allocation phase's normalisation).
pub(crate) fn cluster_ips<'a>(spec: &Cur<'a>) -> Vec<(Cur<'a>, &'a str)> {
    spec.field("clusterIPs").map(|l| l.items().map(|(_, c)| (c.clone(), s(&c))).collect()).unwrap_or_default()
}

/// `clusterIPs == ["None"]`.
pub(crate) fn is_headless(spec: &Cur<'_>) -> bool {
    let ips = cluster_ips(spec);
    ips.len() == 1 && ips[0].1 == "None"
}

/// `apiservice.ExternallyAccessible`: NodePort, LoadBalancer, or ClusterIP with externalIPs.
pub(crate) fn externally_accessible(spec: &Cur<'_>) -> bool {
    let t = type_of(spec);
    t == "LoadBalancer" || t == "NodePort" || (t == "ClusterIP" && spec.field("externalIPs").is_some_and(|l| !l.is_empty()))
}

/// `apiservice.NeedsHealthCheck`: LoadBalancer with `externalTrafficPolicy: Local`.
pub(crate) fn needs_health_check(spec: &Cur<'_>) -> bool {
    type_of(spec) == "LoadBalancer" && field_str(spec, "externalTrafficPolicy").is_some_and(|(_, v)| v == "Local")
}

/// The `spec.ports` entries that are mappings.
pub(crate) fn ports<'a>(spec: &Cur<'a>) -> Vec<(usize, Cur<'a>)> {
    spec.field("ports")
        .map(|l| l.items().filter(|(_, c)| c.node.as_map().is_some()).map(|(i, c)| (i, c.clone())).collect())
        .unwrap_or_default()
}

/// An integer child (`0` when absent, like Go's zero value), with its cursor if present.
pub(crate) fn int_field<'a>(c: &Cur<'a>, name: &str) -> (i64, Option<Cur<'a>>) {
    match c.field(name) {
        Some(f) => (f.i64().unwrap_or(0), Some(f)),
        None => (0, None),
    }
}

/// `ValidateNonSpecialIP` / `ValidateEndpointIP`: the messages for an address that parses but
/// is unspecified, loopback, link-local or link-local multicast (IPv4-mapped IPv6 addresses are
/// judged as IPv4, like Go's `net.IP`).
pub(crate) fn special_ip_msgs(text: &str) -> Vec<String> {
    let Some(p) = formats::parse_ip(text) else {
        return vec!["must be a valid IP address".to_string()];
    };
    let addr = match p.addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        a @ IpAddr::V4(_) => a,
    };
    let mut m = Vec::new();
    let (unspecified, loopback, link_local, ll_multicast) = match addr {
        IpAddr::V4(a) => {
            let o = a.octets();
            (a.is_unspecified(), o[0] == 127, o[0] == 169 && o[1] == 254, o[0] == 224 && o[1] == 0 && o[2] == 0)
        }
        IpAddr::V6(a) => {
            let seg = a.segments();
            (a.is_unspecified(), a.is_loopback(), seg[0] & 0xffc0 == 0xfe80, seg[0] & 0xff0f == 0xff02)
        }
    };
    if unspecified {
        m.push(format!("may not be unspecified ({text})"));
    }
    if loopback {
        m.push("may not be in the loopback range (127.0.0.0/8, ::1/128)".to_string());
    }
    if link_local {
        m.push("may not be in the link-local range (169.254.0.0/16, fe80::/10)".to_string());
    }
    if ll_multicast {
        m.push("may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".to_string());
    }
    m
}

/// Test helpers shared by the service, ingress and endpointslice rule tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::analysis::{analyze, Analysis, Options};
    use crate::source::SourceFile;
    use crate::version::KubeVersion;

    pub fn run(yaml: &str, minor: u16) -> Analysis {
        let opts = Options { kube_version: KubeVersion::new(minor), ..Options::default() };
        analyze(&[SourceFile::new("t.yaml", yaml)], &opts)
    }

    /// The `(field, type)` pairs of `rule`'s diagnostics on Kubernetes 1.34.
    pub fn hits(yaml: &str, rule: &str) -> Vec<(String, String)> {
        hits_at(yaml, rule, 34)
    }

    pub fn hits_at(yaml: &str, rule: &str, minor: u16) -> Vec<(String, String)> {
        let a = run(yaml, minor);
        let mut v: Vec<(String, String)> = a
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| d.kubernetes.as_ref().map_or((String::new(), String::new()), |k| (k.field.clone(), k.error_type.as_str().to_string())))
            .collect();
        v.sort();
        v
    }

    /// Every `(rule, field, type)` with a `kubernetes` part (what the server would return).
    pub fn server_errors(yaml: &str) -> Vec<(String, String, String)> {
        let a = run(yaml, 34);
        let mut v: Vec<(String, String, String)> = a
            .diagnostics
            .iter()
            .filter_map(|d| d.kubernetes.as_ref().map(|k| (d.rule.to_string(), k.field.clone(), k.error_type.as_str().to_string())))
            .collect();
        v.sort();
        v
    }

    pub fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = v.iter().map(|(a, b)| ((*a).to_string(), (*b).to_string())).collect();
        v.sort();
        v
    }

    /// A Service manifest with `spec` lines (indented by two spaces in `spec`).
    pub fn svc(spec: &str) -> String {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n{spec}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_ips() {
        assert!(special_ip_msgs("10.1.2.3").is_empty());
        assert_eq!(special_ip_msgs("0.0.0.0").len(), 1);
        assert_eq!(special_ip_msgs("127.0.0.1").len(), 1);
        assert_eq!(special_ip_msgs("169.254.169.254").len(), 1);
        assert_eq!(special_ip_msgs("224.0.0.1").len(), 1);
        assert!(special_ip_msgs("224.0.1.1").is_empty());
        assert_eq!(special_ip_msgs("::1").len(), 1);
        assert_eq!(special_ip_msgs("fe80::1").len(), 1);
        assert_eq!(special_ip_msgs("ff02::1").len(), 1);
        assert_eq!(special_ip_msgs("::ffff:127.0.0.1").len(), 1);
    }
}

/// Where to point for a list item as a whole (a port entry): its first key, else the item.
pub(crate) fn item_head(c: &Cur<'_>) -> crate::source::Span {
    c.node.as_map().and_then(|m| m.first()).map_or(c.span(), |e| e.key.span)
}
