//! The built-in functions: port specs (`tcp`, `udp`, `sctp`, `icmp`, `proto`), addresses of the
//! policy (`ip`), the users of a login domain (`users_at`, `localpart_at`) and small helpers on
//! strings, lists and maps (`len`, `join`, `lower`, `upper`, `replace`, `keys`, `values`,
//! `contains`, `str`).

use super::call::{ParamDefault, ParamSig, Signature};
use super::ops;
use super::value::{Record, Value, V};
use super::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{PortRange, Proto};
use crate::source::Span;

/// Every built-in function's name.
pub const NAMES: &[&str] = &[
    "tcp",
    "udp",
    "sctp",
    "icmp",
    "proto",
    "ip",
    "users_at",
    "localpart_at",
    "len",
    "join",
    "lower",
    "upper",
    "replace",
    "keys",
    "values",
    "contains",
    "str",
];

/// The built-in function with this name.
pub fn find(name: &str) -> Option<&'static str> {
    NAMES.iter().copied().find(|n| *n == name)
}

/// The parameters of a built-in.
pub fn signature(name: &'static str) -> Signature<'static> {
    let required = |n: &str| ParamSig {
        name: n.to_string(),
        ty: None,
        default: ParamDefault::Required,
    };
    let optional = |n: &str| ParamSig {
        name: n.to_string(),
        ty: None,
        default: ParamDefault::Absent,
    };
    let params = match name {
        "tcp" | "udp" | "sctp" => vec![required("port"), optional("to")],
        "proto" => vec![required("number")],
        "icmp" => Vec::new(),
        "ip" => vec![required("address")],
        "users_at" | "localpart_at" => vec![required("domain")],
        "len" | "lower" | "upper" | "keys" | "values" | "str" => vec![required("value")],
        "join" => vec![required("list"), required("separator")],
        "replace" => vec![required("string"), required("from"), required("to")],
        "contains" => vec![required("collection"), required("item")],
        _ => Vec::new(),
    };
    Signature {
        what: format!("`{name}`"),
        decl: None,
        params,
        ret: None,
    }
}

/// Calls a built-in with its bound arguments.
pub fn call(checker: &mut Checker<'_>, name: &str, args: Vec<Option<Value>>, span: Span) -> Value {
    let mut args = args.into_iter();
    let mut next = || args.next().flatten();
    let first = next();
    let second = next();
    let third = next();
    if [&first, &second, &third]
        .iter()
        .any(|a| a.as_ref().is_some_and(Value::is_error))
    {
        return Value::error(span);
    }
    let result = match name {
        "tcp" => port_spec(Some(Proto::Tcp), first, second, span),
        "udp" => port_spec(Some(Proto::Udp), first, second, span),
        "sctp" => port_spec(Some(Proto::Sctp), first, second, span),
        "proto" => protocol_number(first),
        "icmp" => Ok(V::PortSpec {
            proto: Some(Proto::Icmp),
            ports: PortRange::Any,
        }),
        "ip" => ip_address(first),
        "users_at" => login_domain(first, "users_at", V::UsersAt),
        "localpart_at" => login_domain(first, "localpart_at", V::LocalpartAt),
        "len" => len(first),
        "join" => join(first, second),
        "lower" => string(first).map(|s| V::Str(s.to_lowercase())),
        "upper" => string(first).map(|s| V::Str(s.to_uppercase())),
        "replace" => match (string(first), string(second), string(third)) {
            (Ok(s), Ok(from), Ok(to)) if !from.is_empty() => Ok(V::Str(s.replace(&from, &to))),
            (Ok(_), Ok(_), Ok(_)) => Err(Box::new(Diagnostic::error(
                codes::B2006,
                "`replace` needs a non-empty string to replace",
                span,
            ))),
            (Err(d), _, _) | (_, Err(d), _) | (_, _, Err(d)) => Err(d),
        },
        "keys" => record(first).map(|r| {
            V::List(
                r.iter()
                    .map(|(k, f)| Value::new(V::Str(k.clone()), f.key))
                    .collect(),
            )
        }),
        "values" => record(first).map(|r| V::List(r.into_values().map(|f| f.value).collect())),
        "contains" => contains(first, second),
        "str" => match first {
            Some(value) => match ops::text(&value) {
                Ok(text) => Ok(V::Str(text)),
                Err(d) => Err(d),
            },
            None => Ok(V::Null),
        },
        _ => Ok(V::Null),
    };
    match result {
        Ok(kind) => Value::new(kind, span),
        Err(d) => {
            checker.report(*d);
            Value::error(span)
        }
    }
}

fn expected(value: &Value, what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::B2001,
            format!("type mismatch: expected {what}, found {}", value.describe()),
            value.span,
        )
        .with_label(format!("expected {what}")),
    )
}

fn string(value: Option<Value>) -> Result<String, Box<Diagnostic>> {
    match value {
        Some(Value {
            kind: V::Str(s), ..
        }) => Ok(s),
        Some(other) => Err(expected(&other, "`string`")),
        None => Ok(String::new()),
    }
}

fn record(value: Option<Value>) -> Result<Record, Box<Diagnostic>> {
    match value {
        Some(Value {
            kind: V::Record(r), ..
        }) => Ok(r),
        Some(other) => Err(expected(&other, "a map")),
        None => Ok(Record::new()),
    }
}

/// `ip("10.0.0.0/8")`: an address, a CIDR range or an address range (`B3028` when malformed).
fn ip_address(value: Option<Value>) -> Result<V, Box<Diagnostic>> {
    let Some(value) = value else {
        return Ok(V::Null);
    };
    let V::Str(text) = &value.kind else {
        return Err(expected(&value, "`string`"));
    };
    match super::lower::tailnet::ip::parse(text) {
        Ok(address) => Ok(V::Ip(address.text)),
        Err(why) => Err(Box::new(
            Diagnostic::error(
                codes::B3028,
                format!("`{text}` is not a valid address"),
                value.span,
            )
            .with_label(why)
            .with_help("write an IPv4 or IPv6 address (`100.64.0.1`), a CIDR range (`10.0.0.0/8`) or an address range (`192.0.2.1-192.0.2.9`)"),
        )),
    }
}

/// The domain of `users_at("example.com")` or `localpart_at("example.com")`, lowercase, as
/// logins are compared (`B3037` when it is not a domain name).
fn login_domain(
    value: Option<Value>,
    builtin: &str,
    make: fn(String) -> V,
) -> Result<V, Box<Diagnostic>> {
    let Some(value) = value else {
        return Ok(V::Null);
    };
    let V::Str(text) = &value.kind else {
        return Err(expected(&value, "`string`"));
    };
    match super::lower::resources::syntax::domain(text) {
        Ok(()) => Ok(make(text.to_ascii_lowercase())),
        Err(why) => Err(Box::new(
            Diagnostic::error(
                codes::B3037,
                format!("`{text}` is not a login domain"),
                value.span,
            )
            .with_label(why)
            .with_help(format!(
                "write the domain of the users' logins: `{builtin}(\"example.com\")`"
            )),
        )),
    }
}

fn len(value: Option<Value>) -> Result<V, Box<Diagnostic>> {
    let n = match &value {
        Some(Value {
            kind: V::Str(s), ..
        }) => s.chars().count(),
        Some(Value {
            kind: V::List(l), ..
        }) => l.len(),
        Some(Value {
            kind: V::Record(r), ..
        }) => r.len(),
        Some(other) => return Err(expected(other, "a string, list or map")),
        None => 0,
    };
    Ok(V::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn join(list: Option<Value>, separator: Option<Value>) -> Result<V, Box<Diagnostic>> {
    let separator = string(separator)?;
    let items = match list {
        Some(Value {
            kind: V::List(items),
            ..
        }) => items,
        Some(other) => return Err(expected(&other, "a list")),
        None => Vec::new(),
    };
    let mut parts = Vec::new();
    for item in &items {
        parts.push(ops::text(item)?);
    }
    Ok(V::Str(parts.join(&separator)))
}

fn contains(collection: Option<Value>, item: Option<Value>) -> Result<V, Box<Diagnostic>> {
    let (Some(collection), Some(item)) = (collection, item) else {
        return Ok(V::Bool(false));
    };
    match &collection.kind {
        V::List(items) => Ok(V::Bool(items.iter().any(|i| ops::equal(i, &item)))),
        V::Str(s) => match &item.kind {
            V::Str(needle) => Ok(V::Bool(s.contains(needle.as_str()))),
            _ => Err(expected(&item, "`string`")),
        },
        V::Record(r) => match &item.kind {
            V::Str(key) => Ok(V::Bool(r.contains_key(key))),
            _ => Err(expected(&item, "`string` (a key)")),
        },
        _ => Err(expected(&collection, "a list, string or map")),
    }
}

/// `proto(47)`: every packet of the protocol with that IANA number (`B2005` outside 1 to 255).
/// The numbers of ICMP, TCP, UDP and SCTP give those protocols, on every port.
fn protocol_number(value: Option<Value>) -> Result<V, Box<Diagnostic>> {
    let Some(value) = value else {
        return Ok(V::Null);
    };
    let V::Int(n) = value.kind else {
        return Err(expected(&value, "`int`"));
    };
    let number = u8::try_from(n).ok().filter(|p| *p >= 1).ok_or_else(|| {
        Box::new(
            Diagnostic::error(
                codes::B2005,
                format!("protocol number {n} is out of range"),
                value.span,
            )
            .with_label("an IANA protocol number is from 1 to 255")
            .with_help("`proto(47)` is GRE, `proto(50)` ESP; write `any` for every protocol"),
        )
    })?;
    Ok(V::PortSpec {
        proto: Some(Proto::from_number(number)),
        ports: PortRange::Any,
    })
}

/// `tcp(443)`, `tcp(8000, 8100)`, `tcp(any)`.
fn port_spec(
    proto: Option<Proto>,
    from: Option<Value>,
    to: Option<Value>,
    span: Span,
) -> Result<V, Box<Diagnostic>> {
    let port = |value: &Value| -> Result<u16, Box<Diagnostic>> {
        match value.kind {
            V::Int(n) => u16::try_from(n).ok().filter(|p| *p >= 1).ok_or_else(|| {
                Box::new(
                    Diagnostic::error(
                        codes::B2005,
                        format!("port {n} is out of range"),
                        value.span,
                    )
                    .with_label("a port is from 1 to 65535"),
                )
            }),
            _ => Err(expected(value, "`port` or `any`")),
        }
    };
    let ports = match (&from, &to) {
        (Some(Value { kind: V::Any, .. }), None) => PortRange::Any,
        (Some(a), None) => PortRange::One(port(a)?),
        (Some(a), Some(b)) => {
            let (a, b) = (port(a)?, port(b)?);
            if a > b {
                return Err(Box::new(
                    Diagnostic::error(
                        codes::B2005,
                        format!("the port range {a}-{b} is empty"),
                        span,
                    )
                    .with_label("the first port must not be above the last"),
                ));
            }
            PortRange::Range(a, b)
        }
        (None, _) => PortRange::Any,
    };
    Ok(V::PortSpec { proto, ports })
}
