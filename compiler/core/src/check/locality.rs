//! Host-local ports: a port a host lists in `local_ports` is bound to localhost, so only the
//! host's own declaration may use it (B3124), and `local_ports` names ports of `ports` (B3125).
//!
//! Which declaration uses a port is only known while evaluating: the model keeps a port as a
//! plain number. So the evaluator notes every read written `host.NAME.ports.PORT`, with the
//! declaration or top-level `let` being evaluated when it happens (the innermost one on the
//! checker's `active` stack: a function's body counts for the declaration that calls it), and
//! every use of a top-level `let`, with who used it. A `let` is evaluated once and shared, so a
//! read inside one counts for every declaration that uses the `let`, directly or through other
//! `let`s; a `let` that no declaration uses configures nothing and is not reported. Reads in a
//! role's parameter defaults are not attributed: the role runs on whichever host applies it.
//!
//! The reads are judged when the host is lowered, after evaluation, against the host's own
//! `local_ports`. A host's own declaration uses its ports through `self.ports.NAME`, which is not
//! a read of another declaration (writing `host.NAME.ports` inside `host NAME`, directly or
//! through a `let`, is a cycle, B1006); every read noted here is therefore from elsewhere, but
//! the check still compares the reader with the host so that it stays right if that changes.

use std::collections::BTreeSet;

use super::schema::Kind;
use super::value::{Record, Value, V};
use super::{Checker, Target};
use crate::diagnostic::{codes, Diagnostic};
use crate::model::LocalPort;
use crate::source::Span;
use crate::syntax::ast::{self, Expr};

use super::lower::data;

/// Who evaluated a read or a use of a `let`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reader {
    /// An entity declaration's body, by index.
    Entity(usize),
    /// A top-level `let`, by index.
    Let(usize),
}

/// A read of `host.NAME.ports.PORT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortRead {
    /// The host's name.
    pub host: String,
    /// The port's name.
    pub port: String,
    /// The whole expression.
    pub span: Span,
    /// Who evaluated it.
    pub reader: Reader,
}

/// The reads of host ports and the uses of `let`s seen while evaluating.
#[derive(Clone, Debug, Default)]
pub struct Reads {
    /// Every read of a host's port, in evaluation order.
    pub ports: Vec<PortRead>,
    /// Every use of a top-level `let` (its index) and who used it, without repeats.
    pub lets: BTreeSet<(usize, Reader)>,
}

impl<'a> Checker<'a> {
    /// Who is being evaluated now: the innermost declaration or `let`; `None` outside both or
    /// inside a role's signature.
    fn reader(&self) -> Option<Reader> {
        for (target, _) in self.active.iter().rev() {
            match target {
                Target::Entity(i) => return Some(Reader::Entity(*i)),
                Target::Let(i) => return Some(Reader::Let(*i)),
                Target::Signature(_) => return None,
                Target::Type(_) => continue,
            }
        }
        None
    }

    /// Notes that the `let` at `index` is used by whoever is being evaluated.
    pub fn note_let_use(&mut self, index: usize) {
        if let Some(reader) = self.reader() {
            if reader != Reader::Let(index) {
                self.reads.lets.insert((index, reader));
            }
        }
    }

    /// `HOST.ports.NAME` where `HOST` is not `self`: evaluates it as a field of a field, and notes
    /// the read when `HOST` is a host.
    pub fn host_port_field(
        &mut self,
        host: &'a Expr,
        ports: &'a ast::Ident,
        ports_span: Span,
        name: &'a ast::Ident,
        span: Span,
    ) -> Value {
        let host = self.eval(host);
        let host_name = match &host.kind {
            V::Entity(Kind::Host, h) => Some(h.clone()),
            _ => None,
        };
        let record = self.field(host, ports, ports_span);
        let value = self.field(record, name, span);
        let (Some(host), false) = (host_name, value.is_error()) else {
            return value;
        };
        if let Some(reader) = self.reader() {
            self.reads.ports.push(PortRead {
                host,
                port: name.name.clone(),
                span,
                reader,
            });
        }
        value
    }

    /// A host's `local_ports`, checked against its `ports` (B3125), and the reads of those ports
    /// from other declarations (B3124).
    pub fn local_ports(&mut self, fields: &Record, host: &str) -> Vec<LocalPort> {
        let declared: Vec<String> = data::map(fields, "ports")
            .map(|ports| ports.keys().cloned().collect())
            .unwrap_or_default();
        let mut local = Vec::new();
        for value in data::list(fields, "local_ports") {
            let V::Str(name) = &value.kind else {
                continue;
            };
            if !declared.iter().any(|d| d == name) {
                self.report(undeclared_local(name, value.span, host, &declared, fields));
                continue;
            }
            if local.iter().any(|p: &LocalPort| &p.name == name) {
                continue;
            }
            local.push(LocalPort {
                name: name.clone(),
                span: value.span,
            });
        }
        if !local.is_empty() {
            self.foreign_reads(host, &local);
        }
        local
    }

    /// B3124 for every read of one of the host's local ports that counts for another declaration.
    fn foreign_reads(&mut self, host: &str, local: &[LocalPort]) {
        let own = self
            .entity_index
            .get(&(Kind::Host, host.to_string()))
            .copied();
        let mut seen: BTreeSet<(Span, String)> = BTreeSet::new();
        let reads: Vec<PortRead> = self
            .reads
            .ports
            .iter()
            .filter(|r| r.host == host)
            .cloned()
            .collect();
        for read in reads {
            let Some(port) = local.iter().find(|p| p.name == read.port) else {
                continue;
            };
            if seen.contains(&(read.span, read.port.clone())) {
                continue;
            }
            let users = self.users_of(read.reader);
            let Some(other) = users.iter().find(|e| Some(**e) != own) else {
                continue;
            };
            // One diagnostic per place, however often a function or `let` evaluates it.
            seen.insert((read.span, read.port.clone()));
            let user = self.describe_target(Target::Entity(*other));
            let mut d = Diagnostic::error(
                codes::B3124,
                format!(
                    "port `{}` of host `{host}` is bound to localhost, and {user} uses it",
                    read.port
                ),
                read.span,
            )
            .with_label(format!("used by {user}, not by `host {host}`"))
            .with_secondary(
                port.span,
                format!("`{}` is bound to localhost on `{host}`", port.name),
            )
            .with_help(format!(
                "use the port only in `host {host}` itself, or publish the service on a port the tailnet can reach and use that one"
            ));
            if let Reader::Let(_) = read.reader {
                d = d.with_note(format!(
                    "{} reads it, and {user} uses that value",
                    self.describe_target(match read.reader {
                        Reader::Let(i) => Target::Let(i),
                        Reader::Entity(i) => Target::Entity(i),
                    })
                ));
            }
            self.report(d);
        }
    }

    /// The declarations a reader's values end up in: itself, or for a `let` every declaration
    /// that uses it, directly or through other `let`s; in index order.
    fn users_of(&self, reader: Reader) -> BTreeSet<usize> {
        let mut out = BTreeSet::new();
        let mut visited = BTreeSet::new();
        let mut todo = vec![reader];
        while let Some(next) = todo.pop() {
            match next {
                Reader::Entity(e) => {
                    out.insert(e);
                }
                Reader::Let(l) => {
                    if !visited.insert(l) {
                        continue;
                    }
                    todo.extend(
                        self.reads
                            .lets
                            .range((l, Reader::Entity(0))..)
                            .take_while(|(used, _)| *used == l)
                            .map(|(_, by)| *by),
                    );
                }
            }
        }
        out
    }
}

/// B3125 for a name in `local_ports` that `ports` does not have.
fn undeclared_local(
    name: &str,
    at: Span,
    host: &str,
    declared: &[String],
    fields: &Record,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        codes::B3125,
        format!("host `{host}` has no port `{name}` to bind to localhost"),
        at,
    )
    .with_label("not a port of this host");
    if let (false, Some(ports)) = (declared.is_empty(), fields.get("ports")) {
        d = d.with_secondary(ports.value.span, "the host's ports");
    }
    match super::suggest::closest(name, declared.iter().map(String::as_str)) {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None => d.with_help("name a port of `ports`, or add the port to `ports`"),
    }
}
