//! Lowering public DNS zones and their records.
//!
//! A `zone` names a domain served by Gandi LiveDNS and the Pulumi project (default
//! `<project>-dns`) and stack (default the manifest's stack) that manage its records. A `record`
//! is one record set of a zone: a name relative to the zone, a type, a TTL and its values. A value
//! is a literal or a typed reference: `host.X.address` (the host's tailnet IPv4 address, looked up
//! when Pulumi runs) in an A record; the tailnet name of a host or an exposed app (`host.X.fqdn`,
//! `app.X.fqdn`) as the target of a CNAME, ALIAS, DNAME or NS record, which becomes
//! [`RecordValue::Fqdn`] and is written with its trailing dot. Any other target is written fully
//! qualified, with the dot.
//!
//! `B3038` reports a record the provider would refuse or misread; `B3040` zones and records that
//! claim the same thing; `B3037` a zone domain that is not a domain name; `B3028` an A or AAAA
//! value that is not an address.

use std::collections::BTreeSet;

use super::{data, syntax, Declared};
use crate::check::schema::Kind;
use crate::check::suggest;
use crate::check::value::{duration_seconds, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{DnsRecord, DnsZone, Model, RecordValue};
use crate::source::Span;

/// The shortest TTL Gandi LiveDNS accepts, in seconds.
pub const MIN_TTL: i64 = 300;
/// The longest TTL Gandi LiveDNS accepts (30 days), in seconds.
pub const MAX_TTL: i64 = 2_592_000;

impl Checker<'_> {
    /// Lowers the zones, then the records, then checks what they claim (`B3040`).
    pub fn lower_zones(&mut self, declared: &[Declared], model: &mut Model) {
        for d in declared.iter().filter(|d| d.kind == Kind::Zone) {
            if let Some(zone) = self.lower_zone(d, model) {
                model.dns_zones.push(zone);
            }
        }
        self.check_zones(model);
        let names = tailnet_names(model);
        for d in declared.iter().filter(|d| d.kind == Kind::Record) {
            if let Some(record) = self.lower_record(d, model, &names) {
                model.dns_records.push(record);
            }
        }
        self.check_records(model);
    }

    /// A `zone`; `None` when its domain is not a domain name (`B3037`).
    fn lower_zone(&mut self, d: &Declared, model: &mut Model) -> Option<DnsZone> {
        let fields = &d.fields;
        let value = data::get(fields, "domain")?;
        let V::Str(domain) = &value.kind else {
            return None;
        };
        model.spans.insert(&d.origin, "domain", value.span);
        let verdict = syntax::domain(domain).and_then(|()| {
            if domain.contains('.') {
                Ok(())
            } else {
                Err(
                    "it is a single label; a zone is a registered domain such as `example.com`"
                        .to_string(),
                )
            }
        });
        if let Err(why) = verdict {
            self.report(
                Diagnostic::error(
                    codes::B3037,
                    format!("`{domain}` cannot be a zone's domain"),
                    value.span,
                )
                .with_label(why)
                .with_help("a zone's domain is the registered domain, such as `example.com`"),
            );
            return None;
        }
        let project = format!("{}-dns", model.project.name);
        let stack = model.project.pulumi_stack.clone();
        let pulumi_project = self.pulumi_setting(d, "project", project, &mut model.spans);
        let pulumi_stack = self.pulumi_setting(d, "stack", stack, &mut model.spans);
        Some(DnsZone {
            origin: d.origin.clone(),
            name: d.name.clone(),
            domain: domain.clone(),
            provider: data::string(fields, "provider").unwrap_or_else(|| "gandi".to_string()),
            pulumi_project,
            pulumi_stack,
        })
    }

    /// A zone's Pulumi `project` or `stack`, or its default; `B2006` for a name Pulumi refuses.
    fn pulumi_setting(
        &mut self,
        d: &Declared,
        field: &str,
        default: String,
        spans: &mut crate::model::Spans,
    ) -> String {
        let Some(value) = data::get(&d.fields, field) else {
            return default;
        };
        let V::Str(text) = &value.kind else {
            return default;
        };
        spans.insert(&d.origin, field, value.span);
        if let Err(why) = syntax::pulumi_name(text) {
            self.report(
                Diagnostic::error(
                    codes::B2006,
                    format!("`{text}` cannot be a Pulumi {field} name"),
                    value.span,
                )
                .with_label(why)
                .with_help(format!("leave `{field}` out to use `{default}`")),
            );
            return default;
        }
        text.clone()
    }

    /// `B3040`: a domain declared twice, a zone project that is the tailnet's, or zones of one
    /// project on different stacks.
    fn check_zones(&mut self, model: &Model) {
        for (i, zone) in model.dns_zones.iter().enumerate() {
            let earlier = model.dns_zones.iter().take(i);
            let span = |path: &str| model.spans.at(&zone.origin, path);
            for other in earlier {
                if other.domain.eq_ignore_ascii_case(&zone.domain) {
                    self.report(
                        Diagnostic::error(
                            codes::B3040,
                            format!("the zone `{}` is declared twice", zone.domain),
                            span("domain"),
                        )
                        .with_label(format!("`zone {}` claims it again", zone.name))
                        .with_secondary(
                            other.origin.span,
                            format!("`zone {}` claims it first", other.name),
                        )
                        .with_help("declare each zone once and put all its records in it"),
                    );
                    break;
                }
                if other.pulumi_project == zone.pulumi_project
                    && other.pulumi_stack != zone.pulumi_stack
                {
                    self.report(
                        Diagnostic::error(
                            codes::B3040,
                            format!(
                                "zones of the Pulumi project `{}` are on two stacks",
                                zone.pulumi_project
                            ),
                            span("stack"),
                        )
                        .with_label(format!(
                            "`zone {}` is on stack `{}`",
                            zone.name, zone.pulumi_stack
                        ))
                        .with_secondary(
                            other.origin.span,
                            format!("`zone {}` is on stack `{}`", other.name, other.pulumi_stack),
                        )
                        .with_help(
                            "one program manages the zones of a project: give them the same \
                             `stack`, or each its own `project`",
                        ),
                    );
                    break;
                }
            }
            if model.tailnet.is_some() && zone.pulumi_project == model.project.pulumi_project {
                self.report(
                    Diagnostic::error(
                        codes::B3040,
                        format!(
                            "the zone's Pulumi project `{}` is the tailnet's",
                            zone.pulumi_project
                        ),
                        span("project"),
                    )
                    .with_label("both would be written to the same directory")
                    .with_help(format!(
                        "give the zone its own `project` (such as `{}-dns`)",
                        model.project.name
                    )),
                );
            }
        }
    }

    /// A `record`; `None` when its zone failed or it is not valid (`B3038`, `B3028`).
    fn lower_record(
        &mut self,
        d: &Declared,
        model: &mut Model,
        names: &BTreeSet<String>,
    ) -> Option<DnsRecord> {
        let fields = &d.fields;
        let zone_name = data::get(fields, "zone").and_then(|v| data::reference(v, Kind::Zone))?;
        let zone = model
            .dns_zones
            .iter()
            .find(|z| z.name == zone_name)?
            .clone();
        let name_value = data::get(fields, "name")?;
        let type_value = data::get(fields, "type")?;
        let values_value = data::get(fields, "values")?;
        let (V::Str(record), V::Str(kind), V::List(items)) =
            (&name_value.kind, &type_value.kind, &values_value.kind)
        else {
            return None;
        };
        for (path, value) in [
            ("name", name_value),
            ("type", type_value),
            ("values", values_value),
        ] {
            if value.span != d.origin.span {
                model.spans.insert(&d.origin, path, value.span);
            }
        }
        let invalid = |message: String, span: Span| {
            Diagnostic::error(codes::B3038, message, span)
                .with_secondary(zone.origin.span, format!("in the zone `{}`", zone.domain))
        };
        let mut ok = true;
        if let Err(why) = syntax::record_name(record, &zone.domain) {
            self.report(
                invalid(format!("`{record}` is not a record name"), name_value.span)
                    .with_label(why),
            );
            ok = false;
        }
        let kind = self.record_type(kind, type_value.span)?;
        let ttl = self.ttl(data::get(fields, "ttl"));
        if items.is_empty() {
            self.report(
                invalid(
                    format!("record `{}` has no value", d.name),
                    values_value.span,
                )
                .with_label("a record set holds at least one value"),
            );
            return None;
        }
        if syntax::ALIAS_TYPES.contains(&kind) {
            if items.len() > 1 {
                self.report(
                    invalid(
                        format!(
                            "a {kind} record has one target, `{}` has {}",
                            d.name,
                            items.len()
                        ),
                        values_value.span,
                    )
                    .with_label("more than one value")
                    .with_help("point the name at one host; use A records to list addresses"),
                );
                ok = false;
            }
            if record == "@" && kind != "ALIAS" {
                self.report(
                    invalid(
                        format!("a {kind} record cannot be at the zone's apex"),
                        type_value.span,
                    )
                    .with_label("the apex also holds the zone's SOA and NS records")
                    .with_help("use an ALIAS record at the apex"),
                );
                ok = false;
            }
        }
        let mut values = Vec::new();
        for item in items {
            match self.record_value(kind, item, names) {
                Some(v) => values.push(v),
                None => ok = false,
            }
        }
        let ttl = ttl?;
        ok.then(|| DnsRecord {
            origin: d.origin.clone(),
            name: d.name.clone(),
            zone: zone.name.clone(),
            record: record.clone(),
            kind: kind.to_string(),
            ttl,
            values,
        })
    }

    /// The record type as the provider knows it; `B3038` for an unknown one.
    fn record_type(&mut self, kind: &str, span: Span) -> Option<&'static str> {
        if let Some(known) = syntax::RECORD_TYPES.iter().find(|t| **t == kind) {
            return Some(known);
        }
        let upper = kind.to_ascii_uppercase();
        let help = match syntax::RECORD_TYPES.iter().find(|t| **t == upper) {
            Some(t) => format!("record types are written in upper case: `{t}`"),
            None => match suggest::closest(&upper, syntax::RECORD_TYPES.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the types are {}", syntax::RECORD_TYPES.join(", ")),
            },
        };
        self.report(
            Diagnostic::error(
                codes::B3038,
                format!("`{kind}` is not a DNS record type"),
                span,
            )
            .with_label("not a type Gandi LiveDNS serves")
            .with_help(help),
        );
        None
    }

    /// The TTL in seconds (an int, or a duration); `B3038` outside the provider's range.
    fn ttl(&mut self, value: Option<&Value>) -> Option<u32> {
        let value = value?;
        let seconds = match &value.kind {
            V::Int(n) => *n,
            V::Unit { number, unit } => {
                i64::try_from(duration_seconds(number, unit)?).unwrap_or(i64::MAX)
            }
            _ => return None,
        };
        if (MIN_TTL..=MAX_TTL).contains(&seconds) {
            return u32::try_from(seconds).ok();
        }
        self.report(
            Diagnostic::error(
                codes::B3038,
                format!("a TTL of {seconds} seconds is outside what Gandi LiveDNS accepts"),
                value.span,
            )
            .with_label(format!(
                "a TTL is from {MIN_TTL} seconds (5m) to {MAX_TTL} seconds (30d)"
            ))
            .with_help("leave `ttl` out for the provider's default of 3 hours"),
        );
        None
    }

    /// One value of a record of type `kind`; `None` (reported) when it does not fit.
    fn record_value(
        &mut self,
        kind: &str,
        value: &Value,
        names: &BTreeSet<String>,
    ) -> Option<RecordValue> {
        let text = match &value.kind {
            V::HostAddress(host) if kind == "A" => {
                return Some(RecordValue::HostAddress(host.clone()))
            }
            V::HostAddress(host) => {
                self.report(
                    Diagnostic::error(
                        codes::B3038,
                        format!("a {kind} record cannot hold `host.{host}.address`"),
                        value.span,
                    )
                    .with_label("this is the host's tailnet IPv4 address")
                    .with_help(match kind {
                        "CNAME" | "ALIAS" | "DNAME" | "NS" => {
                            format!("point the name at the host with `host.{host}.fqdn`")
                        }
                        _ => "an address belongs in an A record".to_string(),
                    }),
                );
                return None;
            }
            V::Str(text) => text,
            _ => return None,
        };
        let verdict = match kind {
            "A" | "AAAA" => return self.address_value(kind, text, value.span),
            "ALIAS" | "CNAME" | "DNAME" | "NS" => {
                if names.contains(text) {
                    return Some(RecordValue::Fqdn(text.clone()));
                }
                syntax::target(text)
            }
            "MX" => syntax::mx(text),
            "SRV" => syntax::srv(text),
            "CAA" => syntax::caa(text),
            _ if text.trim().is_empty() => Err("the value is empty".to_string()),
            _ => Ok(()),
        };
        match verdict {
            Ok(()) => Some(RecordValue::Literal(text.clone())),
            Err(why) => {
                let mut d = Diagnostic::error(
                    codes::B3038,
                    format!("`{text}` is not a valid {kind} value"),
                    value.span,
                )
                .with_label(why);
                if let Some(fixed) = qualified(text) {
                    d = d.with_help(format!("write the target fully qualified: `{fixed}`"));
                }
                self.report(d);
                None
            }
        }
    }

    /// The literal address of an A or AAAA record: `B3028` for no address, `B3038` for the other
    /// family's.
    fn address_value(&mut self, kind: &str, text: &str, span: Span) -> Option<RecordValue> {
        let (fits, other, other_kind) = if kind == "A" {
            (syntax::is_ipv4(text), syntax::is_ipv6(text), "AAAA")
        } else {
            (syntax::is_ipv6(text), syntax::is_ipv4(text), "A")
        };
        if fits {
            return Some(RecordValue::Literal(text.to_string()));
        }
        if other {
            let family = if kind == "A" { "IPv6" } else { "IPv4" };
            self.report(
                Diagnostic::error(
                    codes::B3038,
                    format!("an {family} address in an {kind} record"),
                    span,
                )
                .with_label(format!("`{text}` is an {family} address"))
                .with_help(format!("put it in an {other_kind} record")),
            );
            return None;
        }
        let why = syntax::ip(text).err().unwrap_or_default();
        self.report(
            Diagnostic::error(
                codes::B3028,
                format!("the {kind} record value `{text}` is not an IP address"),
                span,
            )
            .with_label(why)
            .with_help(if kind == "A" {
                "an A record holds IPv4 addresses (`203.0.113.10`) or `host.X.address`"
            } else {
                "an AAAA record holds IPv6 addresses (`2001:db8::10`)"
            }),
        );
        None
    }

    /// `B3040`: two records of one zone with the same name and type, or a CNAME beside another
    /// record of its name.
    fn check_records(&mut self, model: &Model) {
        for (i, record) in model.dns_records.iter().enumerate() {
            let clash = model.dns_records.iter().take(i).find(|other| {
                other.zone == record.zone
                    && other.record.eq_ignore_ascii_case(&record.record)
                    && (other.kind == record.kind
                        || other.kind == "CNAME"
                        || record.kind == "CNAME")
            });
            let Some(other) = clash else {
                continue;
            };
            let (message, help) = if other.kind == record.kind {
                (
                    format!(
                        "records `{}` and `{}` are the same {} record set `{}`",
                        other.name, record.name, record.kind, record.record
                    ),
                    "one record set holds all the values of a name and type: merge their `values`",
                )
            } else {
                (
                    format!(
                        "a CNAME record cannot share the name `{}` with another record",
                        record.record
                    ),
                    "a CNAME makes its name an alias of the target: remove the other record, or \
                     give the CNAME another name",
                )
            };
            self.report(
                Diagnostic::error(
                    codes::B3040,
                    message,
                    model.spans.at(&record.origin, "name"),
                )
                .with_label(format!(
                    "`record {}` is {} `{}`",
                    record.name, record.kind, record.record
                ))
                .with_secondary(
                    other.origin.span,
                    format!(
                        "`record {}` is {} `{}`",
                        other.name, other.kind, other.record
                    ),
                )
                .with_help(help),
            );
        }
    }
}

/// A value with its target host name (the last word) fully qualified, when only the trailing
/// dot is missing: `10 mail.example.com.` for `10 mail.example.com`.
fn qualified(text: &str) -> Option<String> {
    let last = text.split_whitespace().last()?;
    if last.ends_with('.') || syntax::target(&format!("{last}.")).is_err() {
        return None;
    }
    let fixed = format!("{last}.");
    match text.rsplit_once(' ') {
        Some((head, _)) => Some(format!("{head} {fixed}")),
        None => Some(fixed),
    }
}

/// The tailnet names of the hosts and exposed apps, which a record may point at.
fn tailnet_names(model: &Model) -> BTreeSet<String> {
    let Some(tailnet) = &model.tailnet else {
        return BTreeSet::new();
    };
    let hosts = model.hosts.iter().map(|h| h.device.as_str());
    let apps = model
        .apps
        .iter()
        .flat_map(|a| a.tailnet_exposures().into_iter().map(|e| e.hostname));
    hosts
        .chain(apps)
        .map(|name| format!("{name}.{}", tailnet.domain))
        .collect()
}
