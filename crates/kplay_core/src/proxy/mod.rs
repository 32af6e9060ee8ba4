//! kube-proxy modes (iptables, nftables, IPVS), Ingress routing and request tracing.
//!
//! `input` holds what kube-proxy and an Ingress controller consume; `iptables`, `nftables` and
//! `ipvs` generate each mode's rules for one node; `eval` walks the generated iptables rules with
//! a packet; `ingress` matches HTTP requests; `trace` follows one request or simulates many.

pub mod endpoints;
pub mod eval;
pub mod from_cluster;
pub mod ingress;
pub mod input;
pub mod iptables;
pub mod ipvs;
pub mod modes;
pub mod names;
pub mod nftables;
pub mod path_regex;
pub mod resolv;
pub mod trace;

#[cfg(test)]
mod tests;
