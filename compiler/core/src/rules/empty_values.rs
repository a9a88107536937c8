//! B3025: an empty value where a target needs one.
//!
//! Some settings are plain strings to the language but are required by the tool that reads them:
//!
//! - a repository's `url` and `revision` are an Argo CD Application's `repoURL` and
//!   `targetRevision`, and a cluster's `server` its destination; Argo CD refuses an Application
//!   without them;
//! - a secret's `vault` and `item` name the 1Password item (`op://<vault>/<item>/<key>` for
//!   Ansible, the ExternalSecret's `remoteRef.key`), and each of its `keys` a field of it: an
//!   empty one reads nothing.
//!
//! A value that is only blank (spaces) counts as empty. A required value that is missing is the
//! checker's B2003, so only values that were written are reported.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Model, Origin};

/// Reports the empty values that the targets need.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for repo in &model.repos {
        let uses = "Argo CD's Applications need it";
        empty(model, &repo.origin, "url", &repo.url, uses, out);
        empty(model, &repo.origin, "revision", &repo.revision, uses, out);
    }
    for cluster in &model.clusters {
        let uses = "the Argo CD Applications of its apps deploy to it";
        empty(model, &cluster.origin, "server", &cluster.server, uses, out);
    }
    for secret in &model.secrets {
        let uses = "the 1Password reference needs it";
        empty(model, &secret.origin, "vault", &secret.vault, uses, out);
        empty(model, &secret.origin, "item", &secret.item, uses, out);
        for key in secret.keys.iter().filter(|k| k.trim().is_empty()) {
            out.push(
                Diagnostic::error(
                    codes::B3025,
                    format!("secret `{}` has an empty key", secret.name),
                    model.spans.at(&secret.origin, &format!("keys.{key}")),
                )
                .with_label("an empty field name")
                .with_note("each key is a field of the 1Password item that Ansible reads with `op read` and an ExternalSecret copies into a Kubernetes Secret")
                .with_help("write the field's name as 1Password shows it, or remove the entry"),
            );
        }
    }
}

/// Reports one empty field of a declaration.
fn empty(
    model: &Model,
    origin: &Origin,
    field: &str,
    value: &str,
    uses: &str,
    out: &mut Vec<Diagnostic>,
) {
    // A value that was not written is missing, which the checker reported (B2003).
    if !value.trim().is_empty() || model.spans.get(origin, field).is_none() {
        return;
    }
    out.push(
        Diagnostic::error(
            codes::B3025,
            format!("`{field}` of {} is empty", quoted(&origin.decl)),
            model.spans.at(origin, field),
        )
        .with_label(uses)
        .with_help(format!("give `{field}` a value")),
    );
}

/// `repo ops` as `` repo `ops` ``.
fn quoted(decl: &str) -> String {
    match decl.split_once(' ') {
        Some((kind, name)) => format!("{kind} `{name}`"),
        None => format!("`{decl}`"),
    }
}
