//! IP addresses and ranges as the policy writes them: `100.64.0.5`, `10.0.0.0/8`,
//! `192.168.1.10-192.168.1.20`, `fd7a:115c:a1e0::/48`.
//!
//! A range is kept as its first and last address in one address family, IPv4 addresses as
//! 32-bit numbers and IPv6 as 128-bit ones, so that containment and overlap are comparisons.
//! Parsing uses the standard library's address parsers and never fails loudly: text that is not
//! an address or a range gives `None`.

use std::net::IpAddr;

/// An inclusive range of addresses of one family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AddrRange {
    /// Whether the addresses are IPv6.
    pub v6: bool,
    /// The first address.
    pub first: u128,
    /// The last address.
    pub last: u128,
}

/// The range Tailscale gives devices their IPv4 addresses from (CGNAT, `100.64.0.0/10`).
pub const TAILNET_V4: AddrRange = AddrRange {
    v6: false,
    first: 0x6440_0000,
    last: 0x647f_ffff,
};

/// The range Tailscale gives devices their IPv6 addresses from (`fd7a:115c:a1e0::/48`).
pub const TAILNET_V6: AddrRange = AddrRange {
    v6: true,
    first: 0xfd7a_115c_a1e0_u128 << 80,
    last: (0xfd7a_115c_a1e0_u128 << 80) | ((1u128 << 80) - 1),
};

/// Private ranges that are not the internet: RFC 1918, link-local and unique local addresses.
const PRIVATE: [(&str, u8); 6] = [
    ("10.0.0.0", 8),
    ("172.16.0.0", 12),
    ("192.168.0.0", 16),
    ("169.254.0.0", 16),
    ("fc00::", 7),
    ("fe80::", 10),
];

impl AddrRange {
    /// Parses an address, a CIDR range or an `a-b` range of one family.
    pub fn parse(text: &str) -> Option<AddrRange> {
        let text = text.trim();
        if let Some((addr, bits)) = text.split_once('/') {
            let bits: u8 = bits.parse().ok()?;
            return AddrRange::cidr(addr.parse().ok()?, bits);
        }
        if let Some((a, b)) = text.split_once('-') {
            let (v6a, first) = number(a.trim().parse().ok()?);
            let (v6b, last) = number(b.trim().parse().ok()?);
            if v6a != v6b || first > last {
                return None;
            }
            return Some(AddrRange {
                v6: v6a,
                first,
                last,
            });
        }
        let (v6, n) = number(text.parse().ok()?);
        Some(AddrRange {
            v6,
            first: n,
            last: n,
        })
    }

    /// The range of a network address and a prefix length; host bits are ignored.
    pub fn cidr(addr: IpAddr, bits: u8) -> Option<AddrRange> {
        let (v6, n) = number(addr);
        let width: u32 = if v6 { 128 } else { 32 };
        let bits = u32::from(bits);
        if bits > width {
            return None;
        }
        let host_bits = width - bits;
        let host_mask = if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        Some(AddrRange {
            v6,
            first: n & !host_mask,
            last: n | host_mask,
        })
    }

    /// Whether every address of `other` is in this range.
    pub fn contains(&self, other: &AddrRange) -> bool {
        self.v6 == other.v6 && self.first <= other.first && other.last <= self.last
    }

    /// Whether the two ranges share an address.
    pub fn overlaps(&self, other: &AddrRange) -> bool {
        self.v6 == other.v6 && self.first <= other.last && other.first <= self.last
    }

    /// Whether the range lies inside the addresses Tailscale gives devices.
    pub fn is_tailnet(&self) -> bool {
        TAILNET_V4.contains(self) || TAILNET_V6.contains(self)
    }

    /// Whether the range shares an address with the addresses Tailscale gives devices.
    pub fn touches_tailnet(&self) -> bool {
        TAILNET_V4.overlaps(self) || TAILNET_V6.overlaps(self)
    }

    /// Whether the range lies inside one private (not internet) range.
    pub fn is_private(&self) -> bool {
        PRIVATE.iter().any(|(addr, bits)| {
            addr.parse()
                .ok()
                .and_then(|a| AddrRange::cidr(a, *bits))
                .is_some_and(|p| p.contains(self))
        })
    }
}

/// An address as a number, with whether it is IPv6.
fn number(addr: IpAddr) -> (bool, u128) {
    match addr {
        IpAddr::V4(a) => (false, u128::from(u32::from(a))),
        IpAddr::V6(a) => (true, u128::from(a)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> AddrRange {
        AddrRange::parse(text).unwrap_or(AddrRange {
            v6: false,
            first: 1,
            last: 0,
        })
    }

    #[test]
    fn addresses_cidrs_and_ranges_parse() {
        assert_eq!(r("10.0.0.1").first, r("10.0.0.1").last);
        assert!(r("10.0.0.0/8").contains(&r("10.20.30.40")));
        assert!(!r("10.0.0.0/8").contains(&r("11.0.0.0")));
        assert!(r("192.168.1.10-192.168.1.20").contains(&r("192.168.1.15")));
        assert!(!r("192.168.1.10-192.168.1.20").contains(&r("192.168.1.21")));
        assert!(r("0.0.0.0/0").contains(&r("8.8.8.8")));
        assert!(r("::/0").contains(&r("2001:db8::1")));
        assert!(AddrRange::parse("10.0.0.0/33").is_none());
        assert!(AddrRange::parse("tag:web").is_none());
        assert!(AddrRange::parse("10.0.0.9-10.0.0.1").is_none());
        assert!(AddrRange::parse("10.0.0.1-::1").is_none());
    }

    #[test]
    fn families_never_mix() {
        assert!(!r("::/0").contains(&r("10.0.0.1")));
        assert!(!r("::/0").overlaps(&r("0.0.0.0/0")));
    }

    #[test]
    fn the_tailnet_ranges_are_cgnat_and_the_tailscale_ula() {
        assert!(r("100.101.102.103").is_tailnet());
        assert!(r("fd7a:115c:a1e0::1").is_tailnet());
        assert!(!r("100.128.0.1").is_tailnet());
        assert!(r("100.0.0.0/8").touches_tailnet());
        assert!(!r("100.0.0.0/8").is_tailnet());
        assert!(r("192.168.4.0/24").is_private());
        assert!(!r("8.8.8.8").is_private());
    }
}
