//! Spans of names the model keeps as plain strings.

use std::collections::BTreeMap;

use crate::source::Span;

use super::Origin;

/// Where the names and keys that entities keep as plain strings were written: an app's
/// `namespace`, a sidecar's `name`, a variable's key, a role parameter. Rules that check those
/// names point here. Each span is filed under its declaration (`Origin::decl`, `app miniflux`) and
/// a path inside it:
///
/// - `namespace`, `device`, `expose.hostname`, `argocd_namespace`, `secret_store`, `server`,
///   `url`, `revision`, `vault`, `item`, `domain`, `email`: the value, when it was written;
/// - `ports.NAME`, `labels.KEY`, `expose.annotations.KEY`, `vars.KEY`, `params.NAME`: the key or
///   parameter name;
/// - `containers.I.name` (`I` the container's index in `App::containers`, so sidecars start at
///   1), `containers.I.env.NAME`, `containers.I.requests.NAME`, `containers.I.limits.NAME`,
///   `containers.I.probes.liveness` (and `readiness`, `startup`): the sidecar's `name` value and
///   the keys;
/// - `keys.KEY` (a secret's keys), `users.USER` (an SSH rule's users), `children.NAME` (a host
///   group's child reference): the list item.
///
/// The checker fills it; a model built by hand may leave it empty, and rules then point at the
/// declaration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spans {
    entries: BTreeMap<(String, String), Span>,
}

impl Spans {
    /// Files where something of a declaration was written.
    pub fn insert(&mut self, origin: &Origin, path: impl Into<String>, span: Span) {
        self.entries
            .insert((origin.decl.clone(), path.into()), span);
    }

    /// Where something of a declaration was written, if known.
    pub fn get(&self, origin: &Origin, path: &str) -> Option<Span> {
        self.entries
            .get(&(origin.decl.clone(), path.to_string()))
            .copied()
    }

    /// Where something of a declaration was written, when that is in the declaration's own file;
    /// otherwise (unknown, or written in a template's body in another file) the declaration.
    pub fn at(&self, origin: &Origin, path: &str) -> Span {
        match self.get(origin, path) {
            Some(span) if span.file == origin.span.file => span,
            _ => origin.span,
        }
    }
}
