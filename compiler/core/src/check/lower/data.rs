//! Reading checked values into model types: strings, selectors, port specs, endpoints and
//! [`Data`].
//!
//! The values were checked against the schema before they get here, so a value of an unexpected
//! shape is an error value (already reported) and is skipped silently.

use indexmap::IndexMap;

use crate::check::ops;
use crate::check::schema::Kind;
use crate::check::value::{duration_seconds, unit_text, Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Data, Endpoint, PortRange, PortSpec, Principal, SecretRef, Selector};

/// The value of a field, if present.
pub fn get<'r>(record: &'r Record, name: &str) -> Option<&'r Value> {
    record.get(name).map(|f| &f.value)
}

/// A string field.
pub fn string(record: &Record, name: &str) -> Option<String> {
    match &get(record, name)?.kind {
        V::Str(s) => Some(s.clone()),
        _ => None,
    }
}

/// A bool field, or `default`.
pub fn boolean(record: &Record, name: &str, default: bool) -> bool {
    match get(record, name).map(|v| &v.kind) {
        Some(V::Bool(b)) => *b,
        _ => default,
    }
}

/// A list field's items (empty when absent or failed).
pub fn list<'r>(record: &'r Record, name: &str) -> &'r [Value] {
    match get(record, name).map(|v| &v.kind) {
        Some(V::List(items)) => items,
        _ => &[],
    }
}

/// A list of strings.
pub fn strings(record: &Record, name: &str) -> Vec<String> {
    list(record, name)
        .iter()
        .filter_map(|v| match &v.kind {
            V::Str(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// A map field's entries (empty when absent or failed).
pub fn map<'r>(record: &'r Record, name: &str) -> Option<&'r Record> {
    match get(record, name).map(|v| &v.kind) {
        Some(V::Record(r)) => Some(r),
        _ => None,
    }
}

/// A map of strings; quantities and ints are written as text.
pub fn string_map(record: &Record, name: &str) -> IndexMap<String, String> {
    let Some(entries) = map(record, name) else {
        return IndexMap::new();
    };
    entries
        .iter()
        .filter_map(|(k, f)| {
            let text = match &f.value.kind {
                V::Str(s) => s.clone(),
                V::Int(n) => n.to_string(),
                V::Unit { number, unit } => unit_text(number, unit),
                _ => return None,
            };
            Some((k.clone(), text))
        })
        .collect()
}

/// A duration field, in seconds.
pub fn seconds(record: &Record, name: &str) -> Option<u64> {
    match &get(record, name)?.kind {
        V::Unit { number, unit } => duration_seconds(number, unit),
        _ => None,
    }
}

/// The declaration name of a reference of a kind.
pub fn reference(value: &Value, kind: Kind) -> Option<String> {
    match &value.kind {
        V::Entity(k, name) if *k == kind => Some(name.clone()),
        _ => None,
    }
}

/// What a policy selector value names.
pub fn principal(value: &Value) -> Option<Principal> {
    let principal = match &value.kind {
        V::Any => Principal::Any,
        V::Autogroup(name) => Principal::Autogroup(name.clone()),
        V::Entity(Kind::User, name) => Principal::User(name.clone()),
        V::Entity(Kind::Group, name) => Principal::Group(name.clone()),
        V::Entity(Kind::Tag, name) => Principal::Tag(name.clone()),
        V::Entity(Kind::Host, name) => Principal::Host(name.clone()),
        V::Entity(Kind::Network, name) => Principal::Network(name.clone()),
        V::Entity(Kind::IpSet, name) => Principal::IpSet(name.clone()),
        V::Entity(Kind::Service, name) => Principal::Service(name.clone()),
        V::Ip(address) => Principal::Ip(address.clone()),
        V::UsersAt(domain) => Principal::UsersAt(domain.clone()),
        _ => return None,
    };
    Some(principal)
}

/// A selector: a principal where it was written.
pub fn selector(value: &Value) -> Option<Selector> {
    Some(Selector {
        principal: principal(value)?,
        span: value.span,
    })
}

/// The selectors of a list field.
pub fn selectors(record: &Record, name: &str) -> Vec<Selector> {
    list(record, name).iter().filter_map(selector).collect()
}

/// A port spec of a grant: `tcp(443)`, `any`, or a bare port.
pub fn port_spec(value: &Value) -> Option<PortSpec> {
    let (proto, ports) = match &value.kind {
        V::PortSpec { proto, ports } => (*proto, *ports),
        V::Any => (None, PortRange::Any),
        V::Int(n) => (None, PortRange::One(u16::try_from(*n).ok()?)),
        _ => return None,
    };
    Some(PortSpec {
        proto,
        ports,
        span: value.span,
    })
}

/// A destination at a port.
pub fn endpoint(value: &Value) -> Option<Endpoint> {
    let V::Endpoint { target, port } = &value.kind else {
        return None;
    };
    Some(Endpoint {
        target: principal(target)?,
        port: *port,
        span: value.span,
    })
}

impl Checker<'_> {
    /// A value as target data (a variable, a role argument); a secret stays a reference.
    /// Functions, modules and the like are not data (`B2001`).
    pub fn data(&mut self, value: &Value) -> Option<Data> {
        let data = match &value.kind {
            V::Error => return None,
            V::Null => Data::Null,
            V::Bool(b) => Data::Bool(*b),
            V::Int(n) => Data::Int(*n),
            V::Str(s) => Data::Str(s.clone()),
            V::Unit { number, unit } => Data::Str(unit_text(number, unit)),
            V::Variant { variant, .. } => Data::Str(variant.clone()),
            V::Any => Data::Str("*".to_string()),
            V::Ip(address) => Data::Str(address.clone()),
            V::SecretKey { secret, key } => Data::Secret(SecretRef {
                secret: secret.clone(),
                key: key.clone(),
            }),
            V::SecretText(parts) => Data::SecretText(parts.clone()),
            V::Entity(..) | V::Autogroup(_) => Data::Str(ops::text(value).ok()?),
            V::PortSpec { proto, ports } => Data::Str(port_spec_text(*proto, *ports)),
            V::Endpoint { target, port } => {
                Data::Str(format!("{}:{port}", ops::text(target).ok()?))
            }
            V::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    out.push(self.data(item)?);
                }
                Data::List(out)
            }
            V::Record(record) => Data::Map(self.data_map(record)?),
            _ => {
                self.report(
                    Diagnostic::error(
                        codes::B2001,
                        format!("type mismatch: {} is not data", value.describe()),
                        value.span,
                    )
                    .with_label("cannot be written into a variable")
                    .with_help("variables and arguments hold strings, numbers, bools, lists, maps, references and secret keys"),
                );
                return None;
            }
        };
        Some(data)
    }

    /// A record as a map of data; `None` when any entry failed.
    pub fn data_map(&mut self, record: &Record) -> Option<IndexMap<String, Data>> {
        let mut out = IndexMap::new();
        let mut ok = true;
        for (k, f) in record {
            match self.data(&f.value) {
                Some(d) => {
                    out.insert(k.clone(), d);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

fn port_spec_text(proto: Option<crate::model::Proto>, ports: PortRange) -> String {
    let proto = match proto {
        None => String::new(),
        Some(p) => format!("{}:", p.name()),
    };
    let ports = match ports {
        PortRange::Any => "*".to_string(),
        PortRange::One(p) => p.to_string(),
        PortRange::Range(a, b) => format!("{a}-{b}"),
    };
    format!("{proto}{ports}")
}
