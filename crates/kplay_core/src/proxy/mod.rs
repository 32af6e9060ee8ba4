//! kube-proxy modes (iptables, nftables, IPVS), Ingress routing and request tracing.
