//! How the policy writes what the model names: principals, ports and plain data.
//!
//! - `any` is `*`; a user is their login (`alice@example.com`); groups, tags, autogroups, IP sets
//!   and services are `group:NAME`, `tag:NAME`, `autogroup:NAME`, `ipset:NAME`, `svc:NAME`; a
//!   network is its name in the `hosts` section (and `host:NAME` inside an IP set); an address
//!   is itself;
//! - a host stands for the tags its device carries: in a list it becomes every one of its tags,
//!   in a test (whose source and destinations name one principal each) its first tag. A host
//!   without tags cannot be named by the policy; the rules reject it (B3015), and should one get
//!   here anyway it is left out of its list;
//! - a destination at a port is `NAME:PORT`, and one IPv6 address is written `[ADDRESS]:PORT`.

use indexmap::IndexSet;

use crate::emit::hujson::{Array, Object, Value};
use crate::model::{Data, Model, PortRange, PortSpec, Principal, Proto, Selector};

/// Writes principals the way the policy names them.
pub(super) struct Names<'m> {
    /// The model, for users' logins and hosts' tags.
    pub model: &'m Model,
}

impl Names<'_> {
    /// Every name a principal stands for (a host stands for each of its tags).
    pub fn all(&self, p: &Principal) -> Vec<String> {
        match p {
            Principal::Any => vec!["*".to_string()],
            Principal::User(u) => self.login(u).into_iter().collect(),
            Principal::UsersAt(domain) => vec![format!("user:*@{domain}")],
            Principal::Group(g) => vec![format!("group:{g}")],
            Principal::Tag(t) => vec![format!("tag:{t}")],
            Principal::Autogroup(a) => vec![format!("autogroup:{a}")],
            Principal::Host(h) => self
                .model
                .hosts
                .iter()
                .find(|x| &x.name == h)
                .map(|x| x.tags.iter().filter_map(tag_name).collect())
                .unwrap_or_default(),
            Principal::Network(n) => vec![n.clone()],
            Principal::Ip(address) => vec![address.clone()],
            Principal::IpSet(s) => vec![format!("ipset:{s}")],
            Principal::Service(s) => vec![format!("svc:{s}")],
        }
    }

    /// A user's login.
    pub fn login(&self, user: &str) -> Option<String> {
        self.model
            .users
            .iter()
            .find(|x| x.name == user)
            .map(|x| x.email.clone())
    }

    /// The one name of a principal that must be a single one (a test's source or destination).
    pub fn one(&self, p: &Principal) -> Option<String> {
        self.all(p).into_iter().next()
    }

    /// The names of a list of selectors, without repeats.
    pub fn list(&self, selectors: &[Selector]) -> Vec<String> {
        let mut seen = IndexSet::new();
        for s in selectors {
            for n in self.all(&s.principal) {
                seen.insert(n);
            }
        }
        seen.into_iter().collect()
    }

    /// What an IP set adds or removes: a network is `host:NAME` there.
    pub fn ip_set_member(&self, p: &Principal) -> Option<String> {
        match p {
            Principal::Network(n) => Some(format!("host:{n}")),
            other => self.one(other),
        }
    }
}

/// `tag:NAME` for a tag selector.
fn tag_name(s: &Selector) -> Option<String> {
    match &s.principal {
        Principal::Tag(t) => Some(format!("tag:{t}")),
        _ => None,
    }
}

/// A destination at ports: `tag:web:443`, `[fd7a::1]:22`, `10.0.0.0/8:*`.
pub(super) fn at_ports(name: &str, ports: &str) -> String {
    if name.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("[{name}]:{ports}")
    } else {
        format!("{name}:{ports}")
    }
}

/// Ports as a legacy ACL writes them: `*`, `22`, `8000-8100`, `80,443`.
pub(super) fn port_list(ports: &[PortRange]) -> String {
    if ports.is_empty() || ports.contains(&PortRange::Any) {
        return "*".to_string();
    }
    let mut seen = IndexSet::new();
    for p in ports {
        seen.insert(port_range(*p));
    }
    seen.into_iter().collect::<Vec<_>>().join(",")
}

fn port_range(p: PortRange) -> String {
    match p {
        PortRange::Any => "*".to_string(),
        PortRange::One(n) => n.to_string(),
        PortRange::Range(a, b) => format!("{a}-{b}"),
    }
}

/// A protocol's name: `tcp`, `sctp`, or its IANA number (`47`).
pub(super) fn proto_name(proto: Proto) -> String {
    proto.name()
}

/// A grant's `ip` entry: `*`, `443`, `8000-8100`, `tcp:443`, `udp:53`, `tcp:*`, `icmp:*`.
pub(super) fn port_spec(p: &PortSpec) -> String {
    let ports = port_range(p.ports);
    match p.proto {
        None => ports,
        Some(proto) => format!("{}:{ports}", proto_name(proto)),
    }
}

/// Plain data (an application capability's values) as HuJSON. A secret never gets here (the
/// checker refuses it), and would be written as `null`.
pub(super) fn data(d: &Data) -> Value {
    match d {
        Data::Null | Data::Secret(_) | Data::SecretText(_) => Value::Null,
        Data::Bool(b) => Value::Bool(*b),
        Data::Int(n) => Value::Int(*n),
        Data::Str(s) => Value::Str(s.clone()),
        Data::List(items) => Value::Array(Array::inline(items.iter().map(data))),
        Data::Map(entries) => {
            let mut out = Object::new();
            for (k, v) in entries {
                out.insert(k.clone(), data(v));
            }
            Value::Object(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn port_specs_use_the_policy_notation() {
        let spec = |proto, ports| PortSpec {
            proto,
            ports,
            span: Span::default(),
        };
        assert_eq!(port_spec(&spec(None, PortRange::Any)), "*");
        assert_eq!(port_spec(&spec(None, PortRange::One(443))), "443");
        assert_eq!(
            port_spec(&spec(Some(Proto::Tcp), PortRange::Range(8000, 8100))),
            "tcp:8000-8100"
        );
        assert_eq!(
            port_spec(&spec(Some(Proto::Udp), PortRange::One(53))),
            "udp:53"
        );
        assert_eq!(port_spec(&spec(Some(Proto::Tcp), PortRange::Any)), "tcp:*");
        assert_eq!(
            port_spec(&spec(Some(Proto::Icmp), PortRange::Any)),
            "icmp:*"
        );
    }

    #[test]
    fn acl_ports_and_destinations_use_the_legacy_notation() {
        assert_eq!(
            port_list(&[PortRange::One(80), PortRange::One(443)]),
            "80,443"
        );
        assert_eq!(port_list(&[PortRange::One(80), PortRange::Any]), "*");
        assert_eq!(port_list(&[PortRange::Range(1000, 2000)]), "1000-2000");
        assert_eq!(at_ports("tag:web", "443"), "tag:web:443");
        assert_eq!(at_ports("fd7a::1", "22"), "[fd7a::1]:22");
        assert_eq!(at_ports("fd7a::/48", "*"), "fd7a::/48:*");
        assert_eq!(at_ports("10.0.0.0/8", "22"), "10.0.0.0/8:22");
    }
}
