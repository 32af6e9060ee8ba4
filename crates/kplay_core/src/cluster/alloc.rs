//! The Service allocators: ClusterIPs from the Service CIDR and NodePorts from the node-port
//! range, each with the static (lower) and dynamic (upper) bands of KEP-3070 / KEP-3668
//! (`pkg/registry/core/service/ipallocator`, `portallocator`).
//!
//! Dynamic picks are "random" in Kubernetes; here the start of the scan is derived from the
//! Service's namespace and name, so the same input gives the same addresses.

use std::collections::HashSet;
use std::net::IpAddr;

use super::net::Prefix;

/// Why a requested IP or port could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocError {
    NotInRange(String),
    Allocated,
    Full,
}

/// An IP range allocator over one Service CIDR.
#[derive(Debug, Clone)]
pub struct IpAllocator {
    pub cidr: Prefix,
    /// Number of usable addresses (starting at network + 1).
    usable: u128,
    /// Size of the static band (the first `offset` usable addresses).
    pub offset: u128,
    used: HashSet<u128>,
    used_static: u128,
    used_dynamic: u128,
}

/// `calculateRangeOffset` of the IP allocator: `0` for ranges of 16 or fewer addresses, else
/// `min(max(16, size/16), 256)`.
pub fn ip_range_offset(cidr: &Prefix) -> u128 {
    let size = cidr.size();
    if size <= 16 {
        0
    } else {
        (size / 16).clamp(16, 256)
    }
}

impl IpAllocator {
    pub fn new(cidr: Prefix) -> Self {
        let size = cidr.size();
        // IPv4 excludes the network and broadcast addresses; IPv6 only the subnet-router one.
        let usable = if cidr.is_ipv4() { size.saturating_sub(2) } else { size.saturating_sub(1) };
        let offset = ip_range_offset(&cidr).min(usable);
        IpAllocator { cidr, usable, offset, used: HashSet::new(), used_static: 0, used_dynamic: 0 }
    }

    /// First and last address of the static and dynamic bands.
    pub fn bands(&self) -> ((IpAddr, IpAddr), (IpAddr, IpAddr)) {
        let at = |i: u128| self.cidr.nth(i + 1).unwrap_or(self.cidr.addr);
        ((at(0), at(self.offset.saturating_sub(1))), (at(self.offset), at(self.usable.saturating_sub(1))))
    }

    fn index(&self, ip: IpAddr) -> Option<u128> {
        let off = self.cidr.offset_of(ip)?;
        (off >= 1 && off <= self.usable).then(|| off - 1)
    }

    /// Reserves a requested address.
    pub fn allocate(&mut self, ip: IpAddr) -> Result<(), AllocError> {
        let Some(i) = self.index(ip) else {
            return Err(AllocError::NotInRange(self.cidr.to_string()));
        };
        if !self.used.insert(i) {
            return Err(AllocError::Allocated);
        }
        if i < self.offset {
            self.used_static += 1;
        } else {
            self.used_dynamic += 1;
        }
        Ok(())
    }

    /// Gives back an address (a refused request releases what it took).
    pub fn release(&mut self, ip: IpAddr) {
        if let Some(i) = self.index(ip) {
            if self.used.remove(&i) {
                if i < self.offset {
                    self.used_static -= 1;
                } else {
                    self.used_dynamic -= 1;
                }
            }
        }
    }

    pub fn is_free(&self, ip: IpAddr) -> bool {
        self.index(ip).is_some_and(|i| !self.used.contains(&i))
    }

    /// A dynamic pick: a start in the upper band from `seed`, scanning upward with wrap-around;
    /// the lower band only when the upper one is full.
    pub fn allocate_next(&mut self, seed: u64) -> Result<IpAddr, AllocError> {
        let dynamic = self.usable - self.offset;
        let pick = if dynamic > self.used_dynamic {
            scan(&self.used, self.offset, dynamic, self.used_dynamic, seed)
        } else if self.offset > self.used_static {
            scan(&self.used, 0, self.offset, self.used_static, seed)
        } else {
            None
        };
        let i = pick.ok_or(AllocError::Full)?;
        self.used.insert(i);
        if i < self.offset {
            self.used_static += 1;
        } else {
            self.used_dynamic += 1;
        }
        self.cidr.nth(i + 1).ok_or(AllocError::Full)
    }
}

/// Scans `[base, base+size)` from a seeded start for an index not in `used`. At most
/// `taken + 1` steps are needed, since only `taken` indices of the band are used.
fn scan(used: &HashSet<u128>, base: u128, size: u128, taken: u128, seed: u64) -> Option<u128> {
    if size == 0 {
        return None;
    }
    let start = u128::from(seed) % size;
    let mut k = 0u128;
    while k <= taken && k < size {
        let i = base + (start + k) % size;
        if !used.contains(&i) {
            return Some(i);
        }
        k += 1;
    }
    None
}

/// A NodePort (or healthCheckNodePort) allocator over `base..=last`.
#[derive(Debug, Clone)]
pub struct PortAllocator {
    pub base: u32,
    pub size: u32,
    pub offset: u32,
    used: HashSet<u32>,
    used_static: u32,
    used_dynamic: u32,
}

/// `calculateRangeOffset` of the port allocator: `0` for 16 or fewer ports, else
/// `min(max(16, size/32), 128)`.
pub fn port_range_offset(size: u32) -> u32 {
    if size <= 16 {
        0
    } else {
        (size / 32).clamp(16, 128)
    }
}

/// Parses `30000-32767` (or a single port).
pub fn parse_port_range(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.trim().split_once('-').unwrap_or((s.trim(), s.trim()));
    let (a, b): (u32, u32) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a <= b && b <= 65535 && a > 0).then_some((a, b))
}

impl PortAllocator {
    pub fn new(first: u32, last: u32) -> Self {
        let size = last - first + 1;
        PortAllocator { base: first, size, offset: port_range_offset(size), used: HashSet::new(), used_static: 0, used_dynamic: 0 }
    }

    pub fn range_text(&self) -> String {
        format!("{}-{}", self.base, self.base + self.size - 1)
    }

    pub fn bands(&self) -> ((u32, u32), (u32, u32)) {
        ((self.base, self.base + self.offset.saturating_sub(1)), (self.base + self.offset, self.base + self.size - 1))
    }

    pub fn allocate(&mut self, port: i64) -> Result<(), AllocError> {
        let i = port - i64::from(self.base);
        if i < 0 || i >= i64::from(self.size) {
            return Err(AllocError::NotInRange(self.range_text()));
        }
        let i = i as u32;
        if !self.used.insert(i) {
            return Err(AllocError::Allocated);
        }
        if i < self.offset {
            self.used_static += 1;
        } else {
            self.used_dynamic += 1;
        }
        Ok(())
    }

    pub fn release(&mut self, port: i64) {
        let i = port - i64::from(self.base);
        if i >= 0 && i < i64::from(self.size) && self.used.remove(&(i as u32)) {
            if (i as u32) < self.offset {
                self.used_static -= 1;
            } else {
                self.used_dynamic -= 1;
            }
        }
    }

    pub fn allocate_next(&mut self, seed: u64) -> Result<u32, AllocError> {
        let pick = |lo: u32, size: u32, taken: u32| -> Option<u32> {
            if size == 0 {
                return None;
            }
            let start = (seed % u64::from(size)) as u32;
            (0..=taken.min(size - 1)).map(|k| lo + (start + k) % size).find(|i| !self.used.contains(i))
        };
        let dynamic = self.size - self.offset;
        let i = if dynamic > self.used_dynamic {
            pick(self.offset, dynamic, self.used_dynamic)
        } else if self.offset > self.used_static {
            pick(0, self.offset, self.used_static)
        } else {
            None
        }
        .ok_or(AllocError::Full)?;
        self.used.insert(i);
        if i < self.offset {
            self.used_static += 1;
        } else {
            self.used_dynamic += 1;
        }
        Ok(self.base + i)
    }
}

impl AllocError {
    /// The IP allocator's error text (`meta_allocator`: from 1.33, see
    /// [`crate::rules::service::allocation::ip_not_in_range_message`]).
    pub fn ip_message(&self, ip: &str, meta_allocator: bool) -> String {
        match self {
            AllocError::NotInRange(r) => crate::rules::service::allocation::ip_not_in_range_message(ip, r, meta_allocator),
            AllocError::Allocated => "provided IP is already allocated".into(),
            AllocError::Full => "range is full".into(),
        }
    }

    /// The port allocator's error text.
    pub fn port_message(&self) -> String {
        match self {
            AllocError::NotInRange(r) => format!("provided port is not in the valid range. The range of valid ports is {r}"),
            AllocError::Allocated => "provided port is already allocated".into(),
            AllocError::Full => "range is full".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn requested_ips_are_checked_in_range_and_free() {
        let mut a = IpAllocator::new(Prefix::parse("10.96.0.0/24").unwrap());
        assert_eq!(a.allocate(ip("10.96.0.1")), Ok(()));
        assert_eq!(a.allocate(ip("10.96.0.1")), Err(AllocError::Allocated));
        assert_eq!(a.allocate(ip("10.96.0.0")), Err(AllocError::NotInRange("10.96.0.0/24".into())));
        assert_eq!(a.allocate(ip("10.96.0.255")), Err(AllocError::NotInRange("10.96.0.0/24".into())), "broadcast");
        assert!(matches!(a.allocate(ip("10.97.0.1")), Err(AllocError::NotInRange(_))));
        assert_eq!(a.allocate(ip("10.96.0.254")), Ok(()));
    }

    #[test]
    fn dynamic_picks_use_the_upper_band_first_and_fill_the_range() {
        let mut a = IpAllocator::new(Prefix::parse("10.96.0.0/24").unwrap());
        let mut got = HashSet::new();
        for s in 0..238u64 {
            let x = a.allocate_next(s * 7919).unwrap();
            assert!(a.cidr.offset_of(x).unwrap() > 16, "{x} must be in the dynamic band");
            assert!(got.insert(x));
        }
        // The upper band is full: the lower band is used next, then the range is full.
        for s in 0..16u64 {
            let x = a.allocate_next(s).unwrap();
            assert!(a.cidr.offset_of(x).unwrap() <= 16);
        }
        assert_eq!(a.allocate_next(0), Err(AllocError::Full));
    }

    #[test]
    fn port_bands_and_conflicts() {
        let mut p = PortAllocator::new(30000, 32767);
        assert_eq!(p.bands(), ((30000, 30085), (30086, 32767)));
        assert_eq!(p.allocate(30080), Ok(()));
        assert_eq!(p.allocate(30080), Err(AllocError::Allocated));
        assert_eq!(p.allocate(80), Err(AllocError::NotInRange("30000-32767".into())));
        let n = p.allocate_next(42).unwrap();
        assert!((30086..=32767).contains(&n));
        let q = PortAllocator::new(20000, 29999);
        assert_eq!(q.bands(), ((20000, 20127), (20128, 29999)));
        assert_eq!(port_range_offset(16), 0);
    }
}
