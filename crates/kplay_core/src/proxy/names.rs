//! kube-proxy's generated names and numbers: hashed iptables chain names
//! (`KUBE-SVC-`/`SVL-`/`EXT-`/`FW-`/`SEP-`), nftables chain names, and the probability strings of
//! the load-balancing rules, exactly as `pkg/proxy/iptables/proxier.go` and
//! `pkg/proxy/nftables/proxier.go` compute them.

use sha2::{Digest, Sha256};

/// RFC 4648 base32 with the standard alphabet and `=` padding, as Go's `base32.StdEncoding`.
pub fn base32_std(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let bits = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        // Number of output characters that carry data for a chunk of n bytes.
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                let idx = ((bits >> (35 - i * 5)) & 0x1f) as usize;
                out.push(ALPHABET[idx] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base32(sha256(input))`, truncated to `len` characters.
fn hash_prefix(input: &str, len: usize) -> String {
    let digest = Sha256::digest(input.as_bytes());
    let mut s = base32_std(&digest);
    s.truncate(len);
    s
}

/// `portProtoHash(servicePortName, protocol)`: 16 characters shared by a service port's
/// SVC/SVL/EXT/FW chains. `spn` is `ServicePortName.String()`, `proto` lowercase.
pub fn port_proto_hash(spn: &str, proto: &str) -> String {
    let mut input = String::with_capacity(spn.len() + proto.len());
    input.push_str(spn);
    input.push_str(proto);
    hash_prefix(&input, 16)
}

pub fn svc_chain(spn: &str, proto: &str) -> String {
    format!("KUBE-SVC-{}", port_proto_hash(spn, proto))
}

pub fn svl_chain(spn: &str, proto: &str) -> String {
    format!("KUBE-SVL-{}", port_proto_hash(spn, proto))
}

pub fn ext_chain(spn: &str, proto: &str) -> String {
    format!("KUBE-EXT-{}", port_proto_hash(spn, proto))
}

pub fn fw_chain(spn: &str, proto: &str) -> String {
    format!("KUBE-FW-{}", port_proto_hash(spn, proto))
}

/// `servicePortEndpointChainName`: the hash input is the three strings concatenated without
/// separators; `endpoint` is `JoinHostPort(ip, port)`.
pub fn sep_chain(spn: &str, proto: &str, endpoint: &str) -> String {
    let mut input = String::with_capacity(spn.len() + proto.len() + endpoint.len());
    input.push_str(spn);
    input.push_str(proto);
    input.push_str(endpoint);
    format!("KUBE-SEP-{}", hash_prefix(&input, 16))
}

/// `computeProbability(n)`: `fmt.Sprintf("%0.10f", 1.0/float64(n))`. Rust's `{:.10}` rounds the
/// exact binary value to nearest like Go's `strconv`, so the strings agree.
pub fn probability(n: usize) -> String {
    format!("{:.10}", 1.0 / n as f64)
}

/// What the kernel stores for `--probability p`: `lround(p * 2^31)` (libxt_statistic), compared
/// against `random & 0x7FFFFFFF`.
pub fn probability_stored(p: &str) -> u32 {
    let v: f64 = p.parse().unwrap_or(0.0);
    let stored = (v * 2_147_483_648.0).round();
    stored.clamp(0.0, 2_147_483_648.0) as u32
}

/// How `iptables-save` prints a stored probability: `stored / 2^31` with 11 decimals.
pub fn probability_saved(p: &str) -> String {
    format!("{:.11}", f64::from(probability_stored(p)) / 2_147_483_648.0)
}

/// nftables `hashAndTruncate`: `base32(sha256(name))[:8] + "-" + name`, cut to 240 characters
/// (`chainNameBaseLengthMax = knftables.NameLengthMax - chainNamePrefixLengthMax`, 256 - 16)
/// with a trailing `...`. A service base is at most 205 characters, so only an endpoint base
/// (and the affinity set named after it) with a long IPv6 address can be cut.
pub fn nft_hash_and_truncate(name: &str) -> String {
    const MAX: usize = 256 - 16;
    let mut out = format!("{}-{}", hash_prefix(name, 8), name);
    if out.len() > MAX {
        // Names are ASCII (DNS labels, digits and punctuation), so byte truncation is safe;
        // still cut on a char boundary so odd input never panics.
        let mut cut = MAX - 3;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("...");
    }
    out
}

/// `servicePortChainNameBase`: `HASH-ns/name/proto/portName`.
pub fn nft_service_base(namespace: &str, name: &str, proto: &str, port_name: &str) -> String {
    nft_hash_and_truncate(&format!("{namespace}/{name}/{proto}/{port_name}"))
}

/// `servicePortEndpointChainNameBase`: `HASH-ns/name/proto/portName__ip/port`, IPv6 colons
/// replaced by dots.
pub fn nft_endpoint_base(namespace: &str, name: &str, proto: &str, port_name: &str, ip: &str, port: u16) -> String {
    let ip = ip.replace(':', ".");
    nft_hash_and_truncate(&format!("{namespace}/{name}/{proto}/{port_name}__{ip}/{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            assert_eq!(base32_std(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn chain_names_match_kube_proxy_tests() {
        assert_eq!(svc_chain("ns1/svc1:p80", "tcp"), "KUBE-SVC-XPGD46QRK7WJZT7O");
        assert_eq!(sep_chain("ns1/svc1:p80", "tcp", "10.180.0.1:80"), "KUBE-SEP-SXIVWICOYRO3J4NJ");
        assert_eq!(svc_chain("ns1/svc1", "tcp"), "KUBE-SVC-AQI2S6QIMU7PVVRP");
        assert_eq!(fw_chain("ns5/svc5:p80", "tcp"), "KUBE-FW-NUKIZ6OKUXPJNT4C");
    }

    #[test]
    fn probabilities_have_ten_decimals() {
        for (n, s) in [(1, "1.0000000000"), (2, "0.5000000000"), (3, "0.3333333333"), (100_001, "0.0000099999")] {
            assert_eq!(probability(n), s);
        }
    }

    #[test]
    fn saved_probability_is_kernel_rounded() {
        assert_eq!(probability_saved("0.3333333333"), "0.33333333349");
        assert_eq!(probability_saved("0.2000000000"), "0.20000000019");
        assert_eq!(probability_saved("0.1666666667"), "0.16666666651");
        assert_eq!(probability_saved("0.5000000000"), "0.50000000000");
    }

    #[test]
    fn nft_names_truncate_long_input() {
        assert_eq!(nft_service_base("ns1", "svc1", "tcp", "p80"), "ULMVA6XW-ns1/svc1/tcp/p80");
        // chainNameBaseLengthMax = knftables.NameLengthMax (256) - 16: a service base (at most
        // 205 characters) is never cut, nor is a 118-character endpoint base.
        let longest = nft_service_base(&"a".repeat(63), &"b".repeat(63), "sctp", &"c".repeat(63));
        assert_eq!(longest.len(), 205);
        assert!(!longest.ends_with("..."));
        assert_eq!(
            nft_endpoint_base(
                "my-team-production-namespace",
                "checkout-payment-gateway-service-internal-api",
                "tcp",
                "https-metrics",
                "10.244.1.2",
                8443
            ),
            "62WNLLZ5-my-team-production-namespace/checkout-payment-gateway-service-internal-api/tcp/https-metrics__10.244.1.2/8443"
        );
        // Only an endpoint base with a long IPv6 address can pass 240: cut to 237 plus "...".
        let ip = "fd00:10:180:ffff:ffff:ffff:ffff:ffff";
        let cut = nft_endpoint_base(&"a".repeat(63), &"b".repeat(63), "sctp", &"c".repeat(63), ip, 65535);
        assert_eq!(cut.len(), 240);
        assert!(cut.starts_with("DZGOZRYE-aaa"));
        assert!(cut.ends_with("__fd00.10.180.ffff.ffff.ffff.fff..."));
    }
}
