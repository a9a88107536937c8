//! Addresses in the policy: IPv4 and IPv6 addresses, CIDR ranges and address ranges, checked and
//! written in canonical form (`B3028` when malformed).

use std::net::IpAddr;

/// What an address text stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One address, `100.64.0.1`.
    Address,
    /// A CIDR range, `192.168.1.0/24`.
    Cidr,
    /// An address range, `192.0.2.50-192.0.2.100`.
    Range,
}

/// A checked address: its canonical text and what it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// The canonical text (IPv6 lowercase and compressed).
    pub text: String,
    /// What it stands for.
    pub shape: Shape,
}

/// Parses an address, a CIDR range or an address range; on failure, why (a label for `B3028`).
pub fn parse(text: &str) -> Result<Address, String> {
    if text.is_empty() {
        return Err("an address cannot be empty".to_string());
    }
    if text.chars().any(char::is_whitespace) {
        return Err("an address cannot contain white space".to_string());
    }
    if let Some((start, end)) = text.split_once('-') {
        let first = address(start)?;
        let last = address(end)?;
        if first.is_ipv4() != last.is_ipv4() {
            return Err("a range's two ends must both be IPv4 or both IPv6".to_string());
        }
        if first > last {
            return Err(format!("the range is empty: {first} comes after {last}"));
        }
        return Ok(Address {
            text: format!("{first}-{last}"),
            shape: Shape::Range,
        });
    }
    if let Some((addr, bits)) = text.split_once('/') {
        let addr = address(addr)?;
        let max: u32 = if addr.is_ipv4() { 32 } else { 128 };
        let bits = prefix_length(bits, max)?;
        let network = masked(addr, bits);
        if network != addr {
            return Err(format!(
                "`{addr}/{bits}` has bits set after the prefix; the range is `{network}/{bits}`"
            ));
        }
        return Ok(Address {
            text: format!("{addr}/{bits}"),
            shape: Shape::Cidr,
        });
    }
    let addr = address(text)?;
    Ok(Address {
        text: addr.to_string(),
        shape: Shape::Address,
    })
}

fn address(text: &str) -> Result<IpAddr, String> {
    text.parse::<IpAddr>().map_err(|_| {
        if text.contains(':') {
            format!("`{text}` is not an IPv6 address")
        } else {
            format!("`{text}` is not an IPv4 address (four numbers from 0 to 255)")
        }
    })
}

fn prefix_length(text: &str, max: u32) -> Result<u32, String> {
    let valid = !text.is_empty() && text.len() <= 3 && text.chars().all(|c| c.is_ascii_digit());
    match text.parse::<u32>() {
        Ok(bits) if valid && bits <= max => Ok(bits),
        _ => Err(format!(
            "the prefix length must be a number from 0 to {max}, not `{text}`"
        )),
    }
}

/// The address with every bit after the first `bits` cleared.
fn masked(addr: IpAddr, bits: u32) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & mask).into())
        }
        IpAddr::V6(v6) => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & mask).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, Shape};

    fn ok(text: &str) -> (String, Shape) {
        let parsed = parse(text);
        assert!(parsed.is_ok(), "{text}: {parsed:?}");
        parsed.map_or_else(|_| (String::new(), Shape::Address), |a| (a.text, a.shape))
    }

    #[test]
    fn addresses_ranges_and_cidrs_parse_to_canonical_text() {
        assert_eq!(ok("100.64.0.1"), ("100.64.0.1".into(), Shape::Address));
        assert_eq!(ok("10.0.0.0/8"), ("10.0.0.0/8".into(), Shape::Cidr));
        assert_eq!(ok("0.0.0.0/0"), ("0.0.0.0/0".into(), Shape::Cidr));
        assert_eq!(
            ok("FD7A:115C:A1E0::/48"),
            ("fd7a:115c:a1e0::/48".into(), Shape::Cidr)
        );
        assert_eq!(ok("::/0"), ("::/0".into(), Shape::Cidr));
        assert_eq!(
            ok("2001:db8:0:0::1"),
            ("2001:db8::1".into(), Shape::Address)
        );
        assert_eq!(
            ok("192.0.2.50-192.0.2.100"),
            ("192.0.2.50-192.0.2.100".into(), Shape::Range)
        );
        assert_eq!(ok("192.168.1.7/32"), ("192.168.1.7/32".into(), Shape::Cidr));
    }

    #[test]
    fn malformed_addresses_say_why() {
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0.0/-1",
            "10.0.0.0/",
            "::/129",
            "256.0.0.1",
            "10.0.0",
            "192.168.1.5/24",
            "10.0.0.9-10.0.0.1",
            "10.0.0.1-::1",
            "10.0.0.1 ",
            "fe80::1%eth0",
            "host.example.com",
            "2001:db8::/+4",
        ] {
            assert!(parse(bad).is_err(), "{bad} parsed");
        }
        let why = parse("192.168.1.5/24").err().unwrap_or_default();
        assert!(why.contains("`192.168.1.0/24`"), "{why}");
    }
}
