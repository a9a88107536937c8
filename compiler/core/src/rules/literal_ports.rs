//! B3092, B3093, B3094: a port written as a number where a declared, named port says it.
//!
//! A port runs through the layers as one chain: a container's port, the Service's, the exposure,
//! the grant that opens it, the host service a role configures. Each link can name the port it
//! means (`self.ports.http`, `host.indri.ports.forge_ssh`), and a number written again instead
//! drifts when the declared one changes. These warnings find such numbers:
//!
//! - B3092: a grant's port (`ip = [tcp(2222)]`, or a bare `2222`) that a carrier of a destination
//!   declares by name: a host with the destination tag (or the host named) declaring it in
//!   `ports`, or an app whose Service is a Tailscale LoadBalancer with the tag; help:
//!   `tcp(host.indri.ports.forge_ssh)`. An Ingress serves 443 without declaring it, so 443 is
//!   never reported for one.
//! - B3093: in an app, an environment value (of the main container, a sidecar or an init
//!   container) equal to one of its own `ports`; help: `self.ports.http`. A probe's, the
//!   exposure's or a sidecar's port is not reported: B3012 already holds it to the app's ports,
//!   so it cannot drift silently.
//! - B3094: in a host, a number equal to one of its own `ports` among its `vars` (at any depth)
//!   or as a role argument whose parameter is a `port`; help: `self.ports.NAME`.
//!
//! Only numbers written in the declaration's own body are considered, read from its syntax tree:
//! a value that came through a reference, a `let` or a template is never a literal here, so
//! nothing is reported on `self.ports.http` itself, and counts like `replicas = 3` are not in a
//! port position. A digit string that is exactly the port (`PORT = "8080"`) counts as the number.
//! When `ports` is written below the literal, `self.ports` cannot see it yet, and the help says
//! to move it up.

use std::collections::BTreeMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{all_carriers, App, ExposureSource, Grant, Host, Model, ParamType, Principal};

use super::grant_ports::carries;
use crate::project::Project;
use crate::source::Span;
use crate::syntax::ast::{Decl, Expr, ExprKind, ItemKind, RecordEntry, RecordEntryKind, StrPart};

/// Reports literal ports that duplicate declared ones.
pub fn check(model: &Model, project: &Project, out: &mut Vec<Diagnostic>) {
    let decls = Decls::new(project);
    // The apps' own Tailscale LoadBalancers, which serve the apps' named ports, with the tags the
    // operator gives them.
    let balancers: Vec<(&App, crate::model::Carrier<'_>)> =
        all_carriers(&model.apps, &model.clusters)
            .into_iter()
            .filter(|(_, c)| matches!(c.exposure.source, ExposureSource::Service))
            .collect();
    for grant in &model.grants {
        check_grant(model, &decls, &balancers, grant, out);
    }
    for app in &model.apps {
        check_app(&decls, app, out);
    }
    for host in &model.hosts {
        check_host(model, &decls, host, out);
    }
}

/// The project's declarations (not the standard library's), by the span of their kind keyword
/// through their name, which is what a model entity's origin holds.
struct Decls<'p> {
    by_header: BTreeMap<(u32, u32, u32), &'p Decl>,
}

impl<'p> Decls<'p> {
    fn new(project: &'p Project) -> Decls<'p> {
        let mut by_header = BTreeMap::new();
        for module in project.modules.iter().filter(|m| !m.stdlib) {
            for item in &module.ast.items {
                if let ItemKind::Decl(decl) = &item.kind {
                    by_header.insert(key(decl.kind.span.to(decl.name.span)), decl);
                }
            }
        }
        Decls { by_header }
    }

    /// The body entries of the declaration at this header, when its body is a record literal.
    fn body(&self, header: Span) -> Option<&'p [RecordEntry]> {
        let decl = self.by_header.get(&key(header))?;
        match &decl.body.as_ref()?.kind {
            ExprKind::Record(entries) => Some(entries),
            _ => None,
        }
    }
}

fn key(span: Span) -> (u32, u32, u32) {
    (span.file.0, span.start, span.end)
}

/// The value of a `key = value` entry of a body, with the entry's index.
fn entry<'e>(entries: &'e [RecordEntry], name: &str) -> Option<(usize, &'e Expr)> {
    entries.iter().enumerate().find_map(|(i, e)| match &e.kind {
        RecordEntryKind::Field { key, value } if key.name() == name => Some((i, value)),
        _ => None,
    })
}

/// The entries of a record literal.
fn record(expr: &Expr) -> &[RecordEntry] {
    match &expr.kind {
        ExprKind::Record(entries) => entries,
        _ => &[],
    }
}

/// The `key = value` fields of a record literal.
fn fields(expr: &Expr) -> impl Iterator<Item = (&str, &Expr)> {
    record(expr).iter().filter_map(|e| match &e.kind {
        RecordEntryKind::Field { key, value } => Some((key.name(), value)),
        _ => None,
    })
}

/// The port a literal states: an int, or a string of exactly its digits.
fn literal_port(expr: &Expr) -> Option<u16> {
    match &expr.kind {
        ExprKind::Int(n) => u16::try_from(*n).ok().filter(|p| *p > 0),
        ExprKind::Str(parts) => match parts.as_slice() {
            [StrPart::Lit(text)]
                if !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit()) =>
            {
                text.parse::<u16>().ok().filter(|p| *p > 0)
            }
            _ => None,
        },
        _ => None,
    }
}

/// A declared port: its name and where it is declared.
struct Declared {
    name: String,
    span: Span,
}

/// The named ports of a body's `ports` record literal, with the entry index of `ports`; a port
/// that the body does not write out is declared at the `ports` entry, or at `fallback` (the
/// declaration) when the body has none.
fn declared_ports(
    entries: &[RecordEntry],
    ports: impl Iterator<Item = (String, u16)>,
    fallback: Span,
) -> (Option<usize>, Vec<(u16, Declared)>) {
    let written = entry(entries, "ports");
    let spans: Vec<(String, Span)> = written
        .map(|(_, value)| {
            record(value)
                .iter()
                .filter_map(|e| match &e.kind {
                    RecordEntryKind::Field { key, .. } => Some((key.name().to_string(), e.span)),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    // Ports that come from a `let` or a template are declared where `ports` is written.
    let fallback = written
        .and_then(|(i, _)| entries.get(i))
        .map_or(fallback, |e| e.span);
    let declared = ports
        .map(|(name, port)| {
            let span = spans
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(fallback, |(_, s)| *s);
            (port, Declared { name, span })
        })
        .collect();
    (written.map(|(i, _)| i), declared)
}

// ---------------------------------------------------------------------------------------------
// Grants (B3092).

/// A carrier's declared port, as the reference that names it.
struct Carrier {
    reference: String,
    port: u16,
    span: Span,
    what: String,
}

fn check_grant(
    model: &Model,
    decls: &Decls<'_>,
    balancers: &[(&App, crate::model::Carrier<'_>)],
    grant: &Grant,
    out: &mut Vec<Diagnostic>,
) {
    let Some(entries) = decls.body(grant.origin.span) else {
        return;
    };
    let Some((_, ip)) = entry(entries, "ip") else {
        return;
    };
    let ExprKind::List(items) = &ip.kind else {
        return;
    };
    let carriers = carriers(model, decls, balancers, grant);
    if carriers.is_empty() {
        return;
    }
    for item in items {
        let Some((literal, wrapped)) = grant_literal(item) else {
            continue;
        };
        let Some(port) = literal_port(literal) else {
            continue;
        };
        let Some(carrier) = carriers.iter().find(|c| c.port == port) else {
            continue;
        };
        let replacement = match wrapped {
            Some(proto) => format!("{proto}({})", carrier.reference),
            None => carrier.reference.clone(),
        };
        out.push(
            Diagnostic::warning(
                codes::B3092,
                format!(
                    "grant `{}` writes port {port}, which {} declares as `{}`",
                    grant.name, carrier.what, carrier.reference
                ),
                literal.span,
            )
            .with_label("a literal port")
            .with_secondary(carrier.span, format!("declared here as {port}"))
            .with_help(format!(
                "write `{replacement}`, so that the grant follows the declared port"
            )),
        );
    }
}

/// The literal of a grant port spec: a bare number, or the one argument of `tcp(N)`, `udp(N)`,
/// `sctp(N)` with the protocol's name.
fn grant_literal(item: &Expr) -> Option<(&Expr, Option<&str>)> {
    match &item.kind {
        ExprKind::Int(_) => Some((item, None)),
        ExprKind::Call { callee, args } => {
            let ExprKind::Name(name) = &callee.kind else {
                return None;
            };
            if !matches!(name.name.as_str(), "tcp" | "udp" | "sctp") {
                return None;
            }
            match args.as_slice() {
                [arg] if arg.name.is_none() && matches!(arg.value.kind, ExprKind::Int(_)) => {
                    Some((&arg.value, Some(name.name.as_str())))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// What the grant's destinations declare by name: the ports of the hosts it names or that carry
/// its destination tags, and the ports of apps whose Tailscale LoadBalancer carries them.
fn carriers(
    model: &Model,
    decls: &Decls<'_>,
    balancers: &[(&App, crate::model::Carrier<'_>)],
    grant: &Grant,
) -> Vec<Carrier> {
    let mut out = Vec::new();
    for dst in &grant.dst {
        let hosts: Vec<&Host> = match &dst.principal {
            Principal::Tag(tag) => model
                .hosts
                .iter()
                .filter(|h| carries(&h.tags, tag))
                .collect(),
            Principal::Host(name) => model.hosts.iter().filter(|h| &h.name == name).collect(),
            _ => Vec::new(),
        };
        for host in hosts {
            let entries = decls.body(host.origin.span).unwrap_or_default();
            let (_, declared) = declared_ports(
                entries,
                host.ports.iter().map(|(n, p)| (n.clone(), *p)),
                host.origin.span,
            );
            for (port, d) in declared {
                out.push(Carrier {
                    reference: format!("host.{}.ports.{}", host.name, d.name),
                    port,
                    span: d.span,
                    what: format!("`host {}`", host.name),
                });
            }
        }
        let Principal::Tag(tag) = &dst.principal else {
            continue;
        };
        let carrying = balancers.iter().filter(|(_, c)| c.carried.carries(tag));
        for (app, _) in carrying {
            for port in &app.ports {
                out.push(Carrier {
                    reference: format!("app.{}.ports.{}", app.name, port.name),
                    port: port.port,
                    span: port.span,
                    what: format!("`app {}` (a Tailscale LoadBalancer)", app.name),
                });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Apps (B3093) and hosts (B3094).

/// A declaration's own ports and where `ports` is written, for the help.
struct Own<'a> {
    /// `app miniflux`, `host indri`.
    decl: &'a str,
    /// The body entry index of `ports`, when written in the body.
    ports_at: Option<usize>,
    /// The ports, by number.
    declared: Vec<(u16, Declared)>,
    /// The code to report.
    code: crate::diagnostic::Code,
}

impl Own<'_> {
    /// Reports a literal in the body entry `at` when it is one of the ports.
    fn literal(&self, expr: &Expr, at: usize, place: &str, out: &mut Vec<Diagnostic>) {
        let Some(port) = literal_port(expr) else {
            return;
        };
        let Some((_, declared)) = self.declared.iter().find(|(p, _)| *p == port) else {
            return;
        };
        let reference = format!("self.ports.{}", declared.name);
        let help = match self.ports_at {
            Some(i) if i < at => format!("write `{reference}`, so that it follows the declared port"),
            Some(_) => format!(
                "write `{reference}`, and move `ports` above this field: `self` sees only the fields written above"
            ),
            None => format!("write `{reference}`, so that it follows the declared port"),
        };
        out.push(
            Diagnostic::warning(
                self.code,
                format!(
                    "{place} of `{}` is port {port}, which it declares as `{}`",
                    self.decl, declared.name
                ),
                expr.span,
            )
            .with_label("a literal port")
            .with_secondary(declared.span, format!("declared here as {port}"))
            .with_help(help),
        );
    }
}

fn check_app(decls: &Decls<'_>, app: &App, out: &mut Vec<Diagnostic>) {
    if app.ports.is_empty() {
        return;
    }
    let Some(entries) = decls.body(app.origin.span) else {
        return;
    };
    let (ports_at, declared) = declared_ports(
        entries,
        app.ports.iter().map(|p| (p.name.clone(), p.port)),
        app.origin.span,
    );
    let own = Own {
        decl: &app.origin.decl,
        ports_at,
        declared,
        code: codes::B3093,
    };
    for (at, e) in entries.iter().enumerate() {
        let RecordEntryKind::Field { key, value } = &e.kind else {
            continue;
        };
        match key.name() {
            "env" => container_field(&own, key.name(), value, at, out),
            "sidecars" | "init_containers" => {
                let ExprKind::List(containers) = &value.kind else {
                    continue;
                };
                for container in containers {
                    for (name, v) in fields(container) {
                        container_field(&own, name, v, at, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The port positions of a container's fields that nothing else checks: its `env` values.
///
/// A probe's, the exposure's or a sidecar's port must be one of the app's ports (B3012), so a
/// number written there cannot drift silently: when the declared port changes, the number is an
/// error. An environment value is free text to the compiler, and is where a copy goes stale.
fn container_field(own: &Own<'_>, name: &str, value: &Expr, at: usize, out: &mut Vec<Diagnostic>) {
    if name != "env" {
        return;
    }
    for (var, v) in fields(value) {
        own.literal(v, at, &format!("the environment variable `{var}`"), out);
    }
}

fn check_host(model: &Model, decls: &Decls<'_>, host: &Host, out: &mut Vec<Diagnostic>) {
    if host.ports.is_empty() {
        return;
    }
    let Some(entries) = decls.body(host.origin.span) else {
        return;
    };
    let (ports_at, declared) = declared_ports(
        entries,
        host.ports.iter().map(|(n, p)| (n.clone(), *p)),
        host.origin.span,
    );
    let own = Own {
        decl: &host.origin.decl,
        ports_at,
        declared,
        code: codes::B3094,
    };
    for (at, e) in entries.iter().enumerate() {
        let RecordEntryKind::Field { key, value } = &e.kind else {
            continue;
        };
        match key.name() {
            "vars" => {
                for (var, v) in fields(value) {
                    var_literals(&own, var, v, at, out);
                }
            }
            "roles" => {
                let ExprKind::List(uses) = &value.kind else {
                    continue;
                };
                for role_use in uses {
                    role_arguments(model, &own, role_use, at, out);
                }
            }
            _ => {}
        }
    }
}

/// Every number inside a host variable, through lists and records.
fn var_literals(own: &Own<'_>, var: &str, value: &Expr, at: usize, out: &mut Vec<Diagnostic>) {
    match &value.kind {
        ExprKind::List(items) => {
            for item in items {
                var_literals(own, var, item, at, out);
            }
        }
        ExprKind::Record(_) => {
            for (_, v) in fields(value) {
                var_literals(own, var, v, at, out);
            }
        }
        _ => own.literal(value, at, &format!("the variable `{var}`"), out),
    }
}

/// The arguments of `role.NAME(...)` whose parameter is a port.
fn role_arguments(
    model: &Model,
    own: &Own<'_>,
    role_use: &Expr,
    at: usize,
    out: &mut Vec<Diagnostic>,
) {
    let ExprKind::Call { callee, args } = &role_use.kind else {
        return;
    };
    let ExprKind::Field(namespace, name) = &callee.kind else {
        return;
    };
    if !matches!(&namespace.kind, ExprKind::Name(n) if n.name == "role") {
        return;
    }
    let Some(role) = model.roles.iter().find(|r| r.name == name.name) else {
        return;
    };
    for (index, arg) in args.iter().enumerate() {
        let param = match &arg.name {
            Some(n) => role.params.iter().find(|p| p.name == n.name),
            None => role.params.get(index),
        };
        let Some(param) = param else {
            continue;
        };
        if param.kind != ParamType::Port {
            continue;
        }
        own.literal(
            &arg.value,
            at,
            &format!("the argument `{}` of `role {}`", param.name, role.name),
            out,
        );
    }
}
