//! Which traffic a grant's `ip` list or a legacy ACL's ports let through.
//!
//! What the notations mean (Tailscale, "Grants syntax", the `ip` field, and "Syntax reference
//! for the tailnet policy file", the `acls` section):
//!
//! - `*` is Tailscale's default protocols, TCP, UDP and ICMP, on every port (the policy's
//!   `ProtoPortRange`: "`*` allows all TCP, UDP and ICMP traffic on all ports");
//! - a bare port or range (`443`, `8000-8100`) is that port over TCP and UDP, not ICMP, which
//!   has no ports;
//! - `tcp:443`, `udp:53`, `sctp:9899`, `tcp:*` restrict the protocol; `icmp:*` is ICMP only, and
//!   another protocol (`47:*`, GRE) has no ports either;
//! - an ACL without `proto` covers TCP, UDP and ICMP on the ports of each destination; with
//!   `proto`, that protocol only.
//!
//! A question is asked about [`Traffic`]: a protocol and a port. The protocol may be left open
//! (`None`), the way a policy test without `proto` is asked: it is then let through when TCP or
//! UDP on the port is.

use crate::model::{PortRange, PortSpec, Proto};

/// What a connection is: a protocol and a destination port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Traffic {
    /// The protocol; `None` is TCP or UDP, whichever the policy lets through.
    pub proto: Option<Proto>,
    /// The destination port (ignored for ICMP).
    pub port: u16,
}

impl Traffic {
    /// TCP to a port.
    pub fn tcp(port: u16) -> Traffic {
        Traffic {
            proto: Some(Proto::Tcp),
            port,
        }
    }

    /// The traffic in words: `tcp port 443`, `udp port 53`, `port 443`, `icmp`, `protocol 47`.
    pub fn describe(&self) -> String {
        match self.proto {
            Some(p) if p.has_ports() => format!("{} port {}", p.name(), self.port),
            Some(Proto::Icmp) => "icmp".to_string(),
            Some(p) => format!("protocol {}", p.name()),
            None => format!("port {}", self.port),
        }
    }
}

/// Whether a grant's `ip` list lets the traffic through; an empty list is `*` (TCP, UDP and
/// ICMP).
pub fn grant_allows(ip: &[PortSpec], traffic: Traffic) -> bool {
    if ip.is_empty() {
        return traffic.proto.is_none_or(Proto::is_default);
    }
    ip.iter().any(|spec| spec_allows(spec, traffic))
}

/// Whether one entry of a grant's `ip` list lets the traffic through.
pub fn spec_allows(spec: &PortSpec, traffic: Traffic) -> bool {
    let Some(spec_proto) = spec.proto else {
        if traffic.proto.is_some_and(|p| !p.is_default()) {
            return false;
        }
        if spec.ports == PortRange::Any {
            return true;
        }
        return traffic.proto != Some(Proto::Icmp) && spec.ports.contains(traffic.port);
    };
    match traffic.proto {
        // TCP or UDP, as a test without `proto` asks.
        None => matches!(spec_proto, Proto::Tcp | Proto::Udp) && spec.ports.contains(traffic.port),
        Some(q) if q != spec_proto => false,
        Some(q) => !q.has_ports() || spec.ports.contains(traffic.port),
    }
}

/// Whether a legacy ACL destination's ports, under the rule's `proto`, let the traffic through.
pub fn acl_allows(proto: Option<Proto>, ports: &[PortRange], traffic: Traffic) -> bool {
    let proto_ok = match (proto, traffic.proto) {
        (None, None) => true,
        (None, Some(p)) | (Some(p), None) => p.is_default(),
        (Some(p), Some(q)) => p == q,
    };
    if !proto_ok {
        return false;
    }
    let portless = |p: Option<Proto>| p.is_some_and(|p| !p.has_ports());
    if portless(traffic.proto) || portless(proto) {
        return true;
    }
    ports.iter().any(|r| r.contains(traffic.port))
}

/// A grant's `ip` list in words: `tcp 443, udp 53`, `every port`.
pub fn describe_specs(ip: &[PortSpec]) -> String {
    if ip.is_empty() {
        return "every port".to_string();
    }
    let parts: Vec<String> = ip.iter().map(describe_spec).collect();
    parts.join(", ")
}

/// One port spec in words: `tcp 443`, `udp 53`, `ports 8000-8100`, `every port`, `icmp`.
pub fn describe_spec(spec: &PortSpec) -> String {
    let ports = match spec.ports {
        PortRange::Any => "*".to_string(),
        PortRange::One(p) => p.to_string(),
        PortRange::Range(a, b) => format!("{a}-{b}"),
    };
    match (spec.proto, spec.ports) {
        (None, PortRange::Any) => "every port".to_string(),
        (None, _) => format!("port {ports}"),
        (Some(p), _) if p.has_ports() => format!("{} {ports}", p.name()),
        (Some(Proto::Icmp), _) => "icmp".to_string(),
        (Some(p), _) => format!("protocol {}", p.name()),
    }
}

/// A legacy ACL destination's ports under the rule's `proto`, in words: `udp 53`, `ports 80,
/// 443`, `icmp`.
pub fn describe_acl(proto: Option<Proto>, ports: &[PortRange]) -> String {
    let list: Vec<String> = ports
        .iter()
        .map(|r| match r {
            PortRange::Any => "*".to_string(),
            PortRange::One(p) => p.to_string(),
            PortRange::Range(a, b) => format!("{a}-{b}"),
        })
        .collect();
    let list = list.join(", ");
    match proto {
        Some(p) if p.has_ports() => format!("{} {list}", p.name()),
        Some(Proto::Icmp) => "icmp".to_string(),
        Some(p) => format!("protocol {}", p.name()),
        None if list == "*" => "every port".to_string(),
        None => format!("port {list}"),
    }
}

/// Whether every connection `narrow` lets through, `wide` lets through too.
pub fn spec_covers(wide: &PortSpec, narrow: &PortSpec) -> bool {
    if wide.proto.is_none() && wide.ports == PortRange::Any {
        // `*` is TCP, UDP and ICMP.
        return narrow.proto.is_none_or(Proto::is_default);
    }
    let proto_ok = match (wide.proto, narrow.proto) {
        // A bare port covers TCP and UDP on it, not ICMP, SCTP or another protocol, and not `*`.
        (None, Some(p)) => matches!(p, Proto::Tcp | Proto::Udp),
        (None, None) => narrow.ports != PortRange::Any,
        (Some(p), Some(q)) => p == q,
        (Some(_), None) => false,
    };
    if !proto_ok {
        return false;
    }
    if wide.proto.is_some_and(|p| !p.has_ports()) {
        return true;
    }
    range_covers(wide.ports, narrow.ports)
}

/// Whether a port range includes another.
pub fn range_covers(wide: PortRange, narrow: PortRange) -> bool {
    let bounds = |r: PortRange| match r {
        PortRange::Any => (0u16, u16::MAX),
        PortRange::One(p) => (p, p),
        PortRange::Range(a, b) => (a, b),
    };
    let (wa, wb) = bounds(wide);
    let (na, nb) = bounds(narrow);
    wa <= na && nb <= wb
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn spec(proto: Option<Proto>, ports: PortRange) -> PortSpec {
        PortSpec {
            proto,
            ports,
            span: Span::default(),
        }
    }

    #[test]
    fn a_star_lets_everything_through() {
        let star = spec(None, PortRange::Any);
        assert!(spec_allows(&star, Traffic::tcp(22)));
        assert!(spec_allows(
            &star,
            Traffic {
                proto: Some(Proto::Icmp),
                port: 0
            }
        ));
    }

    #[test]
    fn a_bare_port_is_tcp_and_udp_but_not_icmp() {
        let bare = spec(None, PortRange::One(53));
        assert!(spec_allows(&bare, Traffic::tcp(53)));
        assert!(spec_allows(
            &bare,
            Traffic {
                proto: Some(Proto::Udp),
                port: 53
            }
        ));
        assert!(!spec_allows(
            &bare,
            Traffic {
                proto: Some(Proto::Icmp),
                port: 53
            }
        ));
        assert!(!spec_allows(&bare, Traffic::tcp(54)));
    }

    #[test]
    fn a_protocol_restricts() {
        let tcp = spec(Some(Proto::Tcp), PortRange::Range(8000, 8100));
        assert!(spec_allows(&tcp, Traffic::tcp(8050)));
        assert!(!spec_allows(
            &tcp,
            Traffic {
                proto: Some(Proto::Udp),
                port: 8050
            }
        ));
        assert!(spec_allows(
            &tcp,
            Traffic {
                proto: None,
                port: 8050
            }
        ));
    }

    #[test]
    fn coverage_compares_protocols_and_ranges() {
        let star = spec(None, PortRange::Any);
        let bare = spec(None, PortRange::Range(400, 500));
        let tcp = spec(Some(Proto::Tcp), PortRange::One(443));
        let icmp = spec(Some(Proto::Icmp), PortRange::Any);
        assert!(spec_covers(&star, &icmp));
        assert!(spec_covers(&bare, &tcp));
        assert!(!spec_covers(&tcp, &bare));
        assert!(!spec_covers(&bare, &icmp));
        assert!(!spec_covers(&bare, &star));
        assert!(spec_covers(&tcp, &tcp));
    }

    #[test]
    fn a_star_does_not_cover_sctp_or_numbered_protocols() {
        let star = spec(None, PortRange::Any);
        let bare = spec(None, PortRange::One(2905));
        let sctp = spec(Some(Proto::Sctp), PortRange::One(2905));
        let gre = spec(Some(Proto::Number(47)), PortRange::Any);
        assert!(!spec_covers(&star, &sctp));
        assert!(!spec_covers(&star, &gre));
        assert!(!spec_covers(&bare, &sctp));
        assert!(spec_covers(&gre, &gre));
        let gre_traffic = Traffic {
            proto: Some(Proto::Number(47)),
            port: 0,
        };
        assert!(spec_allows(&gre, gre_traffic));
        assert!(!spec_allows(&star, gre_traffic));
        assert!(!grant_allows(&[], gre_traffic));
        assert!(acl_allows(
            Some(Proto::Number(47)),
            &[PortRange::Any],
            gre_traffic
        ));
        assert!(!acl_allows(None, &[PortRange::Any], gre_traffic));
    }
}
