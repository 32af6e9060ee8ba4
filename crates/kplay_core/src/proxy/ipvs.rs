//! kube-proxy's IPVS mode (`pkg/proxy/ipvs/proxier.go`): one virtual server per service VIP and
//! port (ClusterIP, external IPs, load-balancer IPs, and the NodePort on each node address),
//! real servers from the same endpoint categorisation as the other modes (Local policies keep
//! only this node's endpoints), weight 1, the configured scheduler, and ClientIP affinity as
//! persistence. Rendered as `ipvsadm -Ln` prints the table.
//!
//! The iptables rules IPVS mode also installs (ipsets for masquerade and filtering) are not
//! modelled; traces in this mode reuse the iptables verdicts.

use std::fmt::Write as _;
use std::net::IpAddr;

use super::endpoints::categorize;
use super::input::{join_host_port, Protocol, ProxyInput, ServicePortInfo};
use super::iptables::NodeContext;

/// What a virtual server's address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VipKind {
    ClusterIp,
    ExternalIp,
    LoadBalancer,
    NodePort,
}

impl VipKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VipKind::ClusterIp => "ClusterIP",
            VipKind::ExternalIp => "external IP",
            VipKind::LoadBalancer => "load-balancer IP",
            VipKind::NodePort => "NodePort",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealServer {
    pub ip: IpAddr,
    pub port: u16,
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualServer {
    pub protocol: Protocol,
    pub ip: IpAddr,
    pub port: u16,
    pub scheduler: String,
    /// `Some(timeout)` with ClientIP affinity (`-p timeout`).
    pub persistent: Option<u32>,
    pub kind: VipKind,
    /// `ServicePortName.String()` of the service port behind it.
    pub service: String,
    pub reals: Vec<RealServer>,
}

impl VirtualServer {
    /// `TCP  10.96.0.10:80` as ipvsadm names it.
    pub fn label(&self) -> String {
        format!("{} {}", self.protocol.upper(), join_host_port(self.ip, self.port))
    }
}

/// The IPVS table of one node.
#[derive(Debug, Clone, Default)]
pub struct IpvsTable {
    pub node: String,
    pub services: Vec<VirtualServer>,
}

impl IpvsTable {
    /// The virtual server for a destination.
    pub fn find(&self, proto: Protocol, ip: IpAddr, port: u16) -> Option<&VirtualServer> {
        self.services.iter().find(|v| v.protocol == proto && v.ip == ip && v.port == port)
    }

    pub fn real_server_count(&self) -> usize {
        self.services.iter().map(|v| v.reals.len()).sum()
    }
}

/// Generates the virtual servers kube-proxy's IPVS proxier creates on `node`.
pub fn generate(input: &ProxyInput, node: &NodeContext<'_>) -> IpvsTable {
    let v6 = node.ipv6;
    let scheduler = if input.config.ipvs_scheduler.is_empty() { "rr".to_string() } else { input.config.ipvs_scheduler.clone() };
    let node_ips: Vec<IpAddr> = node.ips.iter().copied().filter(|ip| ip.is_ipv6() == v6).collect();
    let mut table = IpvsTable { node: node.name.to_string(), services: Vec::new() };
    for svc in input.sorted_services() {
        let Some(cluster_ip) = svc.proxier_cluster_ip(v6) else { continue };
        let cat = categorize(svc, node.name, node.zone);
        let reals = |local: bool| -> Vec<RealServer> {
            let eps = if local { &cat.local } else { &cat.cluster };
            eps.iter().map(|e| RealServer { ip: e.ip, port: e.port, weight: 1 }).collect()
        };
        let mut add = |kind: VipKind, ip: IpAddr, port: u16, local: bool| {
            table.services.push(VirtualServer {
                protocol: svc.protocol,
                ip,
                port,
                scheduler: scheduler.clone(),
                persistent: svc.session_affinity,
                kind,
                service: svc.port_name_string(),
                reals: reals(local),
            });
        };
        add(VipKind::ClusterIp, cluster_ip, svc.port, svc.internal_policy_local());
        let ext_local = svc.external_policy_local();
        for &ip in svc.external_ips.iter().filter(|ip| ip.is_ipv6() == v6) {
            add(VipKind::ExternalIp, ip, svc.port, ext_local);
        }
        for &ip in svc.load_balancer_ips.iter().filter(|ip| ip.is_ipv6() == v6) {
            add(VipKind::LoadBalancer, ip, svc.port, ext_local);
        }
        if svc.node_port != 0 {
            for &ip in &node_ips {
                add(VipKind::NodePort, ip, svc.node_port, ext_local);
            }
        }
    }
    // ipvsadm lists the kernel's hash order; sort like `ipvsadm -Ln --sort` for stable output.
    crate::sort::sort_by_key(&mut table.services, |a| (a.protocol, a.ip, a.port));
    for v in &mut table.services {
        crate::sort::sort_by_key(&mut v.reals, |a| (a.ip, a.port));
    }
    table
}

impl IpvsTable {
    /// `ipvsadm -Ln` text.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(64 + self.services.len() * 40 + self.real_server_count() * 80);
        out.push_str("IP Virtual Server version 1.2.1 (size=4096)\n");
        out.push_str("Prot LocalAddress:Port Scheduler Flags\n");
        out.push_str("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        for v in &self.services {
            let _ = write!(out, "{:<4} {} {}", v.protocol.upper(), join_host_port(v.ip, v.port), v.scheduler);
            if let Some(t) = v.persistent {
                let _ = write!(out, " persistent {t}");
            }
            out.push('\n');
            for r in &v.reals {
                let _ = writeln!(out, "  -> {:<28} {:<7} {:<6} {:<10} {:<10}", join_host_port(r.ip, r.port), "Masq", r.weight, 0, 0);
            }
        }
        out
    }
}

/// The virtual server and real server a connection that the rules sent to `endpoint` uses.
pub fn explain(
    table: &IpvsTable,
    svc: &ServicePortInfo,
    dst: IpAddr,
    port: u16,
    endpoint: Option<(IpAddr, u16)>,
) -> Option<(String, String)> {
    let vs = table.find(svc.protocol, dst, port)?;
    let head = format!(
        "virtual server {} ({} of {}), scheduler {}{}",
        vs.label(),
        vs.kind.as_str(),
        vs.service,
        vs.scheduler,
        vs.persistent.map(|t| format!(", persistent {t}s (ClientIP affinity)")).unwrap_or_default()
    );
    let detail = match endpoint {
        Some((ip, p)) if vs.reals.iter().any(|r| r.ip == ip && r.port == p) => {
            format!("{head}: real server {} of {} (Masq, weight 1)", join_host_port(ip, p), vs.reals.len())
        }
        Some(_) | None if vs.reals.is_empty() => format!("{head}: no real servers, so the connection fails"),
        _ => head,
    };
    Some((vs.label(), detail))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ip, overall_input, TEST_NODE};
    use super::*;

    #[test]
    fn virtual_servers_per_vip_with_local_policy_and_persistence() {
        let mut input = overall_input();
        for s in input.services.iter_mut().filter(|s| s.name == "svc5") {
            s.session_affinity = Some(10800);
        }
        let t = generate(&input, &NodeContext::of(&input, TEST_NODE));
        // svc4: both endpoints behind the ClusterIP and the external IP.
        assert_eq!(t.find(Protocol::Tcp, ip("192.168.99.33"), 80).map(|v| v.reals.len()), Some(2));
        let vs = t.find(Protocol::Tcp, ip("172.30.0.44"), 80).expect("svc4 ClusterIP");
        assert_eq!(vs.reals.len(), 2);
        assert_eq!(vs.scheduler, "rr");
        // svc2 is ETP=Local with its only endpoint elsewhere: the LB and NodePort servers are empty,
        // the ClusterIP server is not.
        assert_eq!(t.find(Protocol::Tcp, ip("1.2.3.4"), 80).map(|v| v.reals.len()), Some(0));
        assert_eq!(t.find(Protocol::Tcp, ip("192.168.0.2"), 3001).map(|v| v.reals.len()), Some(0));
        assert_eq!(t.find(Protocol::Tcp, ip("172.30.0.42"), 80).map(|v| v.reals.len()), Some(1));
        // svc5: ClientIP affinity becomes persistence.
        assert_eq!(t.find(Protocol::Tcp, ip("5.6.7.8"), 80).and_then(|v| v.persistent), Some(10800));
        // svc6: no endpoints, an empty virtual server.
        assert!(t.find(Protocol::Tcp, ip("172.30.0.46"), 80).is_some_and(|v| v.reals.is_empty()));
    }

    #[test]
    fn renders_like_ipvsadm() {
        let mut input = overall_input();
        input.services.iter_mut().filter(|s| s.name == "svc5").for_each(|s| s.session_affinity = Some(10800));
        let text = generate(&input, &NodeContext::of(&input, TEST_NODE)).render();
        assert!(text.starts_with("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n"));
        assert!(
            text.contains("\nTCP  172.30.0.41:80 rr\n  -> 10.180.0.1:80                Masq    1      0          0         \n"),
            "{text}"
        );
        assert!(text.contains("\nTCP  5.6.7.8:80 rr persistent 10800\n"), "{text}");
    }
}
