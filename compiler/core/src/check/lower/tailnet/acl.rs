//! Legacy ACLs (the `acls` section) and the protocol of a rule (`B3035`).
//!
//! A legacy ACL and an ACL test apply to one protocol. It is their `proto` field when given, or
//! else the protocol the port specs of their destinations name (`tag.web @ tcp(443)`,
//! `tag.nas @ icmp()`); a destination at bare ports (`tag.web @ [80, 443]`, `tag.x @ any`)
//! names none. Specs that name two protocols, or another protocol than `proto`, are `B3035`; so
//! are ports with ICMP, which has none. `x @ icmp()` is an endpoint at port 0, the way Tailscale's
//! tests write ICMP.

use super::{data, references};
use crate::check::schema::Kind;
use crate::check::value::{Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{AclDestination, Endpoint, LegacyAcl, Origin, PortRange, Proto};
use crate::source::Span;

/// A protocol's name in the policy: `tcp`, `sctp`, or its IANA number (`47`).
pub fn proto_name(proto: Proto) -> String {
    proto.name()
}

/// The `proto` field of an ACL or a test.
fn proto_field(fields: &Record) -> Option<(Proto, Span)> {
    let value = data::get(fields, "proto")?;
    let proto = match &value.kind {
        V::Str(s) if s == "tcp" => Proto::Tcp,
        V::Str(s) if s == "udp" => Proto::Udp,
        V::Str(s) if s == "icmp" => Proto::Icmp,
        V::Str(s) if s == "sctp" => Proto::Sctp,
        _ => return None,
    };
    Some((proto, value.span))
}

/// A rule whose protocol and ports disagree, already reported (`B3035`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict;

/// One port spec of a destination: its protocol (if it names one), its ports, where written.
struct Spec {
    proto: Option<Proto>,
    ports: PortRange,
    span: Span,
}

impl Checker<'_> {
    /// An `acl`; `None` when its protocol and ports disagree (reported) or it has no destination
    /// left. The ACL's protocol is its `proto` or the one its destinations' port specs name.
    pub fn lower_acl(
        &mut self,
        fields: &Record,
        origin: Origin,
        name: String,
    ) -> Option<LegacyAcl> {
        let mut destinations: Vec<(AclDestination, Vec<Spec>)> = Vec::new();
        for value in data::list(fields, "dst") {
            let (target, specs) = match &value.kind {
                V::Endpoint { target, port } => (target, vec![endpoint_spec(*port, value.span)]),
                V::Destination { target, ports } => {
                    (target, ports.iter().filter_map(spec).collect())
                }
                _ => continue,
            };
            let Some(principal) = data::principal(target) else {
                continue;
            };
            let ports = specs.iter().map(|s| s.ports).collect();
            destinations.push((
                AclDestination {
                    target: principal,
                    ports,
                    span: value.span,
                },
                specs,
            ));
        }
        let specs = destinations.iter().flat_map(|(_, s)| s);
        let proto = self.rule_protocol(proto_field(fields), specs, "ACL").ok()?;
        if destinations.is_empty() {
            return None;
        }
        Some(LegacyAcl {
            src: data::selectors(fields, "src"),
            dst: destinations.into_iter().map(|(d, _)| d).collect(),
            proto,
            src_posture: references(fields, "src_posture", Kind::Posture),
            origin,
            name,
        })
    }

    /// The protocol of an ACL test: its `proto`, or ICMP when its destinations are `x @ icmp()`;
    /// `Err` when they disagree (reported).
    pub fn test_protocol<'e>(
        &mut self,
        fields: &Record,
        endpoints: impl Iterator<Item = &'e Endpoint>,
    ) -> Result<Option<Proto>, Conflict> {
        let specs: Vec<Spec> = endpoints.map(|e| endpoint_spec(e.port, e.span)).collect();
        self.rule_protocol(proto_field(fields), specs.iter(), "test")
    }

    /// The one protocol of a rule, from its `proto` field and its port specs; `Err` after
    /// reporting `B3035` when they disagree, or when ICMP is given ports.
    fn rule_protocol<'s>(
        &mut self,
        explicit: Option<(Proto, Span)>,
        specs: impl Iterator<Item = &'s Spec>,
        what: &str,
    ) -> Result<Option<Proto>, Conflict> {
        let before = self.diagnostics.len();
        let specs: Vec<&Spec> = specs.collect();
        let mut chosen: Option<(Proto, Span, bool)> = explicit.map(|(p, s)| (p, s, true));
        for spec in &specs {
            let Some(proto) = spec.proto else {
                continue;
            };
            match chosen {
                None => chosen = Some((proto, spec.span, false)),
                Some((first, at, is_field)) if first != proto => {
                    let label = if is_field {
                        format!("the {what} is about {}", upper(first))
                    } else {
                        format!("this destination is {}", upper(first))
                    };
                    self.report(
                        Diagnostic::error(
                            codes::B3035,
                            format!("{} destination in {} about {}", upper(proto), article(what), upper(first)),
                            spec.span,
                        )
                        .with_label(format!("{} here", upper(proto)))
                        .with_secondary(at, label)
                        .with_help(format!(
                            "{} has one protocol: write bare ports (`x @ 443`), which take the {what}'s protocol, or split it in two",
                            article(what)
                        )),
                    );
                }
                Some(_) => {}
            }
        }
        let proto = chosen.map(|(p, _, _)| p);
        if let Some(portless) = proto.filter(|p| !p.has_ports()) {
            let name = upper(portless);
            let help = match portless {
                Proto::Icmp => "write `x @ icmp()` (or `x @ any` in an ACL)".to_string(),
                other => format!(
                    "write `x @ proto({})` (or `x @ any` in an ACL)",
                    other.number()
                ),
            };
            let article = if portless == Proto::Icmp { "an" } else { "a" };
            for spec in specs.iter().filter(|s| s.ports != PortRange::Any) {
                self.report(
                    Diagnostic::error(codes::B3035, format!("{name} has no ports"), spec.span)
                        .with_label(format!("ports of {article} {name} rule"))
                        .with_help(help.clone()),
                );
            }
        }
        if self.diagnostics.len() > before {
            return Err(Conflict);
        }
        Ok(proto)
    }
}

/// A protocol's name in prose: `TCP`, `protocol 47`.
fn upper(proto: Proto) -> String {
    match proto {
        Proto::Number(n) => format!("protocol {n}"),
        named => proto_name(named).to_uppercase(),
    }
}

/// "an ACL", "a test".
fn article(what: &str) -> String {
    match what {
        "ACL" => "an ACL".to_string(),
        other => format!("a {other}"),
    }
}

/// The spec of a destination at one port: `x @ 443` names no protocol, `x @ icmp()` (port 0) ICMP.
fn endpoint_spec(port: u16, span: Span) -> Spec {
    match port {
        0 => Spec {
            proto: Some(Proto::Icmp),
            ports: PortRange::Any,
            span,
        },
        p => Spec {
            proto: None,
            ports: PortRange::One(p),
            span,
        },
    }
}

/// A port spec value of a destination.
fn spec(value: &Value) -> Option<Spec> {
    let V::PortSpec { proto, ports } = &value.kind else {
        return None;
    };
    Some(Spec {
        proto: *proto,
        ports: *ports,
        span: value.span,
    })
}
