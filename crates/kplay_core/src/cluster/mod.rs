//! The simulated control plane: defaults, registry, allocators, controllers, EndpointSlices, DNS.
//!
//! [`simulate`] applies the accepted objects to a fresh cluster ([`ClusterDescription`]) and
//! returns the settled [`Cluster`]; the cross-object diagnostics it finds are the `cluster`
//! rules (`rules/cluster`).

pub mod alloc;
pub mod config_refs;
pub mod defaults;
pub mod dns;
pub mod endpointslice;
pub(crate) mod index;
pub(crate) mod mirror;
pub mod net;
pub(crate) mod sim;
pub mod state;
pub mod topology;
pub mod view;

pub use state::{
    simulate, Cluster, ClusterDescription, DnsRecord, Endpoint, EndpointPort, EndpointSlice, Ingress, IngressClass, Namespace, Node,
    NodeDescription, Overrides, Pod, PodOverride, ProxyMode, ScaleOverride, Service, ServicePort, Taint, Workload,
};

use crate::diagnostic::Diagnostic;

/// Adds the cross-object diagnostics the simulation of `cluster` found to `out`. A diagnostic
/// the per-object checks already made (same place, same field) is not repeated.
pub fn add_diagnostics(cluster: &Cluster, out: &mut Vec<Diagnostic>) {
    // A Service the allocation phase refused is never validated (`BeginCreate` runs first), and
    // of its allocation errors only the first in Go's order stands: the simulator's, which tried
    // its requests in order among the other Services. A per-object error about one of its
    // requests (a range error) stays only where it is that one.
    if !cluster.allocation_refusals.is_empty() {
        out.retain(|d| {
            let inside = cluster
                .allocation_refusals
                .iter()
                .any(|&(f, s)| d.primary.file == f && s.start <= d.primary.span.start && d.primary.span.end <= s.end);
            if !inside {
                return true;
            }
            if crate::rules::service::allocation::RETRIED.contains(&d.rule) {
                return cluster.diagnostics.iter().any(|c| same_error(c, d));
            }
            crate::rules::find(d.rule).is_none_or(|r| r.stage != crate::rules::Stage::Validation)
        });
    }
    for d in &cluster.diagnostics {
        let dup = d.kubernetes.is_some() && out.iter().any(|o| same_error(o, d));
        if !dup {
            out.push(d.clone());
        }
    }
}

/// The same field error at the same place (the per-object checks and the simulator may both
/// find it, under their own rule names).
fn same_error(a: &Diagnostic, b: &Diagnostic) -> bool {
    a.primary.file == b.primary.file && a.primary.span == b.primary.span && a.kubernetes == b.kubernetes
}

#[cfg(test)]
pub(crate) mod tests;
