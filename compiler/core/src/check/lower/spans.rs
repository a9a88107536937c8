//! Recording where the names and keys that the model keeps as plain strings were written (see
//! [`Spans`]), so that the rules checking those names can point at them.
//!
//! Every entity's checked fields are walked the way the lowering reads them: a sidecar that is
//! not a record is skipped both here and there, so `containers.I` names the same container in
//! the model.

use super::data;
use crate::check::schema::Kind;
use crate::check::value::{Record, V};
use crate::check::Checker;
use crate::model::{Origin, Spans};

impl Checker<'_> {
    /// Records the spans of one entity's names and keys.
    pub fn record_spans(
        &self,
        index: usize,
        kind: Kind,
        fields: &Record,
        origin: &Origin,
        spans: &mut Spans,
    ) {
        match kind {
            Kind::App => app(fields, origin, spans),
            Kind::Host => {
                value(fields, "device", "device", origin, spans);
                keys(fields, "vars", "vars", origin, spans);
            }
            Kind::HostGroup => {
                keys(fields, "vars", "vars", origin, spans);
                for child in data::list(fields, "children") {
                    if let Some(name) = data::reference(child, Kind::HostGroup) {
                        spans.insert(origin, format!("children.{name}"), child.span);
                    }
                }
            }
            Kind::Role => {
                let Some(slot) = self.entities.get(index) else {
                    return;
                };
                for param in slot.decl.params.iter().flatten() {
                    spans.insert(
                        origin,
                        format!("params.{}", param.name.name),
                        param.name.span,
                    );
                }
            }
            Kind::Cluster => {
                own(
                    fields,
                    &["argocd_namespace", "secret_store", "server"],
                    origin,
                    spans,
                );
            }
            Kind::Repo => own(fields, &["url", "revision"], origin, spans),
            Kind::Secret => {
                own(fields, &["vault", "item"], origin, spans);
                items(fields, "keys", origin, spans);
            }
            Kind::Tailnet => own(fields, &["domain"], origin, spans),
            Kind::User => own(fields, &["email"], origin, spans),
            Kind::Ssh => items(fields, "users", origin, spans),
            _ => {}
        }
    }
}

/// The names and keys of an app, its containers and its exposure.
fn app(fields: &Record, origin: &Origin, spans: &mut Spans) {
    value(fields, "namespace", "namespace", origin, spans);
    keys(fields, "ports", "ports", origin, spans);
    keys(fields, "labels", "labels", origin, spans);
    container(fields, 0, origin, spans);
    let sidecars = data::list(fields, "sidecars")
        .iter()
        .filter_map(|v| match &v.kind {
            V::Record(r) => Some(r),
            _ => None,
        });
    for (i, sidecar) in sidecars.enumerate() {
        let index = i + 1;
        if let Some(name) = data::get(sidecar, "name") {
            if name.span != origin.span {
                spans.insert(origin, format!("containers.{index}.name"), name.span);
            }
        }
        container(sidecar, index, origin, spans);
    }
    if let Some(expose) = data::map(fields, "expose") {
        value(expose, "hostname", "expose.hostname", origin, spans);
        keys(expose, "annotations", "expose.annotations", origin, spans);
    }
}

/// The keys of a container's environment and resources, and its probes.
fn container(fields: &Record, index: usize, origin: &Origin, spans: &mut Spans) {
    keys(
        fields,
        "env",
        &format!("containers.{index}.env"),
        origin,
        spans,
    );
    // A probe is usually made by a prelude function, so its value's span is in the prelude: the
    // key (`liveness = ...`) is where it is written.
    keys(
        fields,
        "probes",
        &format!("containers.{index}.probes"),
        origin,
        spans,
    );
    if let Some(resources) = data::map(fields, "resources") {
        for which in ["requests", "limits"] {
            keys(
                resources,
                which,
                &format!("containers.{index}.{which}"),
                origin,
                spans,
            );
        }
    }
}

/// The spans of fields' values, each under its field's name.
fn own(fields: &Record, names: &[&str], origin: &Origin, spans: &mut Spans) {
    for name in names {
        value(fields, name, name, origin, spans);
    }
}

/// The span of a field's value, under `path`, when it was written (a default the checker filled
/// in has the declaration's span and is not recorded).
fn value(fields: &Record, name: &str, path: &str, origin: &Origin, spans: &mut Spans) {
    if let Some(v) = data::get(fields, name) {
        if v.span != origin.span {
            spans.insert(origin, path, v.span);
        }
    }
}

/// The span of each key of a map field, under `prefix.KEY`.
fn keys(fields: &Record, name: &str, prefix: &str, origin: &Origin, spans: &mut Spans) {
    let Some(entries) = data::map(fields, name) else {
        return;
    };
    for (key, field) in entries {
        spans.insert(origin, format!("{prefix}.{key}"), field.key);
    }
}

/// The span of each string item of a list field, under `name.TEXT` (the first, when the text is
/// repeated).
fn items(fields: &Record, name: &str, origin: &Origin, spans: &mut Spans) {
    for item in data::list(fields, name) {
        let V::Str(text) = &item.kind else {
            continue;
        };
        let path = format!("{name}.{text}");
        if spans.get(origin, &path).is_none() {
            spans.insert(origin, path, item.span);
        }
    }
}
