//! Cluster DNS as CoreDNS's `kubernetes` plugin serves it (kubernetes/dns specification v1.0.1;
//! routing-semantics.md §6): Service A/AAAA and PTR, headless Services answering with their
//! ready endpoints, SRV per named port, endpoint hostnames, ExternalName CNAMEs and pod A records.
//!
//! Owner names are written without the trailing dot; names inside record data (CNAME, SRV and
//! PTR targets) carry it, as `dig` prints them.

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::state::{Cluster, DnsRecord};

fn rec(set: &mut BTreeSet<DnsRecord>, name: String, type_: &str, data: String) {
    set.insert(DnsRecord { name, type_: type_.into(), data });
}

fn addr_type(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() {
        "A"
    } else {
        "AAAA"
    }
}

/// The reverse-lookup name of an address (`1.0.96.10.in-addr.arpa`).
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut s = String::new();
            for b in v6.octets().iter().rev() {
                s.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            s.push_str("ip6.arpa");
            s
        }
    }
}

/// The label CoreDNS makes from an address (`10-244-1-7`; `:` becomes `-` for IPv6).
pub fn dashed(ip: &str) -> String {
    ip.replace(['.', ':'], "-")
}

/// All records, sorted by name, type and data.
pub(crate) fn records(c: &Cluster) -> Vec<DnsRecord> {
    let zone = c.description.cluster_domain.trim_matches('.').to_string();
    let mut set = BTreeSet::new();
    // Slices by (namespace, service-name label), as CoreDNS's informer index holds them.
    let mut slices: std::collections::HashMap<(&str, &str), Vec<&super::state::EndpointSlice>> = std::collections::HashMap::new();
    for s in &c.endpoint_slices {
        if let Some(name) = s.service.as_deref() {
            slices.entry((s.namespace.as_str(), name)).or_default().push(s);
        }
    }
    for svc in &c.services {
        let base = format!("{}.{}.svc.{zone}", svc.name, svc.namespace);
        if svc.type_ == "ExternalName" {
            if let Some(ext) = &svc.spec.external_name {
                let target = if ext.ends_with('.') { ext.clone() } else { format!("{ext}.") };
                rec(&mut set, base, "CNAME", target);
            }
            continue;
        }
        if svc.headless {
            let mut srv: Vec<(String, String)> = Vec::new();
            for slice in slices.get(&(svc.namespace.as_str(), svc.name.as_str())).map_or(&[][..], Vec::as_slice) {
                for ep in slice.endpoints.iter().filter(|e| e.is_ready()) {
                    let Some(addr) = ep.addresses.first() else { continue };
                    let Ok(ip) = addr.parse::<IpAddr>() else { continue };
                    rec(&mut set, base.clone(), addr_type(ip), ip.to_string());
                    let host = ep.hostname.clone().unwrap_or_else(|| dashed(addr));
                    let host_name = format!("{host}.{base}");
                    rec(&mut set, host_name.clone(), addr_type(ip), ip.to_string());
                    if ep.hostname.is_some() {
                        rec(&mut set, reverse_name(ip), "PTR", format!("{host_name}."));
                    }
                    for sp in svc.ports.iter().filter(|p| !p.spec.name.is_empty()) {
                        let port = slice
                            .ports
                            .iter()
                            .find(|p| {
                                p.name.as_deref() == Some(sp.spec.name.as_str())
                                    && p.protocol.as_deref().unwrap_or("TCP") == sp.spec.protocol
                            })
                            .and_then(|p| p.port);
                        if let Some(port) = port {
                            let owner = format!("_{}._{}.{base}", sp.spec.name, sp.spec.protocol.to_ascii_lowercase());
                            srv.push((owner, format!("{port} {host_name}.")));
                        }
                    }
                }
            }
            crate::sort::sort(&mut srv);
            srv.dedup();
            push_srv(&mut set, &srv);
            continue;
        }
        for ip in &svc.cluster_ips {
            rec(&mut set, base.clone(), addr_type(*ip), ip.to_string());
            rec(&mut set, reverse_name(*ip), "PTR", format!("{base}."));
        }
        if svc.cluster_ips.is_empty() {
            continue;
        }
        // An endpoint query (`<endpoint>.<svc>.<ns>.svc.<zone>`) is answered for every Service,
        // not only headless ones (CoreDNS `findServices`: `svc.Headless() || r.endpoint != ""`):
        // each ready endpoint by its hostname, or its dashed address without one.
        for slice in slices.get(&(svc.namespace.as_str(), svc.name.as_str())).map_or(&[][..], Vec::as_slice) {
            for ep in slice.endpoints.iter().filter(|e| e.is_ready()) {
                let Some(addr) = ep.addresses.first() else { continue };
                let Ok(ip) = addr.parse::<IpAddr>() else { continue };
                let host = ep.hostname.clone().unwrap_or_else(|| dashed(addr));
                rec(&mut set, format!("{host}.{base}"), addr_type(ip), ip.to_string());
            }
        }
        let srv: Vec<(String, String)> = svc
            .ports
            .iter()
            .filter(|p| !p.spec.name.is_empty())
            .map(|p| (format!("_{}._{}.{base}", p.spec.name, p.spec.protocol.to_ascii_lowercase()), format!("{} {base}.", p.spec.port)))
            .collect();
        push_srv(&mut set, &srv);
    }
    for pod in &c.pods {
        if pod.host_network {
            continue;
        }
        for ip in &pod.ips {
            rec(&mut set, format!("{}.{}.pod.{zone}", dashed(&ip.to_string()), pod.namespace), addr_type(*ip), ip.to_string());
        }
    }
    set.into_iter().collect()
}

/// SRV answers share the weight of one name: `floor(100 / answers)` as CoreDNS computes it.
fn push_srv(set: &mut BTreeSet<DnsRecord>, srv: &[(String, String)]) {
    let mut i = 0;
    while i < srv.len() {
        let name = &srv[i].0;
        let n = srv[i..].iter().take_while(|(o, _)| o == name).count();
        let weight = 100 / n;
        for (owner, rest) in &srv[i..i + n] {
            rec(set, owner.clone(), "SRV", format!("0 {weight} {rest}"));
        }
        i += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names() {
        assert_eq!(reverse_name("10.96.0.1".parse().unwrap()), "1.0.96.10.in-addr.arpa");
        assert!(reverse_name("fd00::1".parse().unwrap()).starts_with("1.0.0.0."));
        assert!(reverse_name("fd00::1".parse().unwrap()).ends_with("0.0.d.f.ip6.arpa"));
        assert_eq!(dashed("10.244.1.7"), "10-244-1-7");
    }
}
