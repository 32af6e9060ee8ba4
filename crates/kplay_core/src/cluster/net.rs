//! Address arithmetic for the simulator (prefixes of either family as `u128`), and the
//! deterministic stand-ins for the random names and picks of the real control plane.

use std::fmt;
use std::net::IpAddr;

/// An IP prefix of either family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prefix {
    /// The network address.
    pub addr: IpAddr,
    pub len: u8,
}

impl Prefix {
    /// Parses `addr/len`; the address is masked to the network (as `net.ParseCIDR` returns it).
    pub fn parse(s: &str) -> Option<Prefix> {
        let (a, l) = s.trim().split_once('/')?;
        let addr: IpAddr = a.parse().ok()?;
        let len: u8 = l.parse().ok()?;
        if len > bits(addr) {
            return None;
        }
        let p = Prefix { addr, len };
        Some(Prefix { addr: p.nth(0)?, len })
    }

    pub fn is_ipv4(&self) -> bool {
        self.addr.is_ipv4()
    }

    fn host_bits(&self) -> u32 {
        u32::from(bits(self.addr) - self.len)
    }

    /// Number of addresses, saturating at `u128::MAX`.
    pub fn size(&self) -> u128 {
        1u128.checked_shl(self.host_bits()).unwrap_or(u128::MAX)
    }

    fn base(&self) -> u128 {
        let v = to_u128(self.addr);
        let hb = self.host_bits();
        if hb >= 128 {
            0
        } else {
            (v >> hb) << hb
        }
    }

    /// The address `offset` after the network address, if inside the prefix.
    pub fn nth(&self, offset: u128) -> Option<IpAddr> {
        if offset >= self.size() && self.host_bits() < 128 {
            return None;
        }
        Some(from_u128(self.base().checked_add(offset)?, self.is_ipv4()))
    }

    /// The offset of `ip` from the network address, if `ip` is inside the prefix.
    pub fn offset_of(&self, ip: IpAddr) -> Option<u128> {
        if ip.is_ipv4() != self.is_ipv4() {
            return None;
        }
        let off = to_u128(ip).checked_sub(self.base())?;
        (off < self.size() || self.host_bits() >= 128).then_some(off)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.offset_of(ip).is_some()
    }

    /// The `i`-th sub-prefix of length `len` (`10.244.0.0/16`, 24, 3 -> `10.244.3.0/24`).
    pub fn subnet(&self, len: u8, i: u128) -> Option<Prefix> {
        if len < self.len || len > bits(self.addr) {
            return None;
        }
        let step_bits = u32::from(bits(self.addr) - len);
        let count = 1u128.checked_shl(u32::from(len - self.len)).unwrap_or(u128::MAX);
        if i >= count {
            return None;
        }
        let off = i.checked_shl(step_bits)?;
        Some(Prefix { addr: from_u128(self.base() + off, self.is_ipv4()), len })
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

fn bits(ip: IpAddr) -> u8 {
    if ip.is_ipv4() {
        32
    } else {
        128
    }
}

pub fn to_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    }
}

pub fn from_u128(v: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(std::net::Ipv4Addr::from(v as u32))
    } else {
        IpAddr::V6(std::net::Ipv6Addr::from(v))
    }
}

/// `"IPv4"` / `"IPv6"`, the API's family names.
pub fn family(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() {
        "IPv4"
    } else {
        "IPv6"
    }
}

/// Parses an IP the way the API accepts it and returns it canonical (`netutils.ParseIPSloppy`
/// accepts leading zeros in IPv4; kplay reads those as decimal too).
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 @ IpAddr::V4(_) => v4,
        });
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() == 4 {
        let mut o = [0u8; 4];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            o[i] = p.parse().ok()?;
        }
        return Some(IpAddr::V4(o.into()));
    }
    None
}

/// 64-bit FNV-1a, the simulator's seed for every "random" choice.
pub fn fnv64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0xff;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// 32-bit FNV-1a (`hash/fnv.New32a`), the hash behind `pod-template-hash`.
pub fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in data {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// `k8s.io/apimachinery/pkg/util/rand`'s alphabet: no vowels, no confusable characters.
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `rand.SafeEncodeString`: maps each byte onto the alphabet.
pub fn safe_encode(s: &str) -> String {
    s.bytes().map(|b| ALPHANUMS[usize::from(b) % ALPHANUMS.len()] as char).collect()
}

/// `n` characters of the same alphabet, derived from `seed` (stands in for `rand.String(n)`).
pub fn rand_string(seed: u64, n: usize) -> String {
    let mut x = seed;
    let mut out = String::with_capacity(n);
    for _ in 0..n {
        // splitmix64 step.
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push(ALPHANUMS[(z % ALPHANUMS.len() as u64) as usize] as char);
    }
    out
}

/// `names.SimpleNameGenerator.GenerateName`: the base cut to 58 characters plus 5 random ones.
pub fn generate_name(base: &str, seed: u64) -> String {
    const MAX_GENERATED_NAME_LENGTH: usize = 63 - 5;
    let mut b = base;
    if b.len() > MAX_GENERATED_NAME_LENGTH {
        let mut cut = MAX_GENERATED_NAME_LENGTH;
        while !b.is_char_boundary(cut) {
            cut -= 1;
        }
        b = &b[..cut];
    }
    format!("{b}{}", rand_string(seed, 5))
}

/// The uid the simulated API server gives the object `kind` `ns/name` in the cluster of `seed`
/// (also for owners kplay does not store, such as an `Endpoints` its mirrored slices point to).
pub fn object_uid(seed: u64, kind: &str, ns: &str, name: &str) -> String {
    uid(fnv64(&[&seed.to_string(), kind, ns, name]))
}

/// A UUID-shaped uid derived from `seed` (version 4 layout, deterministic).
pub fn uid(seed: u64) -> String {
    let a = seed;
    let b = seed.rotate_left(29) ^ 0x5851_f42d_4c95_7f2d;
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (a >> 32) as u32,
        (a >> 16) as u16,
        (a as u16) & 0x0fff,
        ((b >> 48) as u16 & 0x3fff) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        let p = Prefix::parse("10.96.0.0/12").unwrap();
        assert_eq!(p.size(), 1 << 20);
        assert_eq!(p.nth(1).unwrap().to_string(), "10.96.0.1");
        assert_eq!(p.nth(p.size() - 2).unwrap().to_string(), "10.111.255.254");
        assert!(p.nth(p.size()).is_none());
        assert!(p.contains("10.111.0.1".parse().unwrap()));
        assert!(!p.contains("10.112.0.1".parse().unwrap()));
        assert!(!p.contains("fd00::1".parse().unwrap()));
        assert_eq!(Prefix::parse("10.96.3.4/12").unwrap().addr.to_string(), "10.96.0.0");
        let c = Prefix::parse("10.244.0.0/16").unwrap();
        assert_eq!(c.subnet(24, 3).unwrap().to_string(), "10.244.3.0/24");
        assert!(c.subnet(24, 256).is_none());
        let v6 = Prefix::parse("fd00:10:96::/112").unwrap();
        assert_eq!(v6.nth(0xffff).unwrap().to_string(), "fd00:10:96::ffff");
        assert!(Prefix::parse("::/0").unwrap().contains("fd00::1".parse().unwrap()));
        assert!(Prefix::parse("10.0.0.0/33").is_none());
        assert!(Prefix::parse("junk").is_none());
    }

    #[test]
    fn safe_encode_maps_digits_like_kubernetes() {
        // Digits 0-5 map to 4-9 and 6-9 to b, c, d, f: pod-template-hashes look like "7d9f5b8c6".
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
        let n = generate_name(&"x".repeat(70), 1);
        assert_eq!(n.len(), 63);
        assert_ne!(rand_string(1, 5), rand_string(2, 5));
        assert_eq!(uid(7).len(), 36);
    }

    #[test]
    fn fnv32a_known_values() {
        assert_eq!(fnv32a(b""), 0x811c_9dc5);
        assert_eq!(fnv32a(b"a"), 0xe40c_292c);
    }

    #[test]
    fn lenient_ip_parsing() {
        assert_eq!(parse_ip("010.1.2.3").unwrap().to_string(), "10.1.2.3");
        assert_eq!(parse_ip("::ffff:1.2.3.4").unwrap().to_string(), "1.2.3.4");
        assert!(parse_ip("1.2.3").is_none());
        assert!(parse_ip("None").is_none());
    }
}
