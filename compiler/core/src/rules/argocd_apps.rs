//! The names an app's Argo CD settings give to generated files:
//!
//! - B3016: an Application name (`argocd.name`) that Kubernetes rejects; Argo CD also writes it
//!   into a label of every object it deploys, so it must be a DNS-1123 label, like app names;
//! - B3018: an Application named like the app-of-apps root ([`ROOT_APP`]), whose file it would
//!   overwrite;
//! - B3019: two apps whose Applications would have one name (and one file), or whose generated
//!   manifests would be written to one directory: one would overwrite the other. An app whose
//!   Application does not deploy its generated manifests (a Helm chart and its values only) has
//!   none written, so it may name a directory another app names, as the corpus's Applications
//!   of one chart on two clusters name the directory of their values file.
//!
//! An app's own name is checked by `k8s_names` and `reserved_names`; only a name set in
//! `argocd` is checked here. Every later app is reported, pointing at the setting (or the app)
//! and at the first app's.

use indexmap::IndexMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::emit::k8s::ROOT_APP;
use crate::model::{App, Model};
use crate::source::Span;

use super::valid;

/// Reports invalid, reserved and shared Application names and shared manifests directories.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        let Some((name, span)) = &app.argocd.name else {
            continue;
        };
        if let Err(why) = valid::dns_label(name) {
            out.push(
                Diagnostic::error(
                    codes::B3016,
                    format!("Application name `{name}` is not a valid Kubernetes name"),
                    *span,
                )
                .with_label(why)
                .with_note("an Application's name is a DNS-1123 label: lowercase letters, digits and `-`, at most 63 characters")
                .with_help(match valid::dns_label_like(name) {
                    Some(near) => format!("name it `{near}`"),
                    None => "rename the Application".to_string(),
                }),
            );
        } else if name == ROOT_APP {
            out.push(
                Diagnostic::error(
                    codes::B3018,
                    format!("an Application cannot be named `{ROOT_APP}`"),
                    *span,
                )
                .with_label(format!(
                    "`{ROOT_APP}` is the name of the app-of-apps root Application"
                ))
                .with_note(format!(
                    "`argocd/apps/{ROOT_APP}.yaml` is the root that syncs every Application"
                ))
                .with_help("rename the Application"),
            );
        }
    }
    shared(
        model,
        out,
        |app| Some(app.application_name()),
        |app| app.argocd.name.as_ref().map(|(_, span)| *span),
        |first, second, name| {
            (
                format!("apps `{first}` and `{second}` would both be the Application `{name}`"),
                format!("`argocd/apps/{name}.yaml` would hold only one of them"),
                "an app's Application is named by its `argocd.name`, or by the app's name",
                "give one of them its own `argocd = { name = \"...\" }`",
            )
        },
    );
    shared(
        model,
        out,
        |app| app.argocd.deploys_manifests().then(|| app.manifests_dir()),
        |app| app.argocd.manifests_dir.as_ref().map(|(_, span)| *span),
        |first, second, dir| {
            (
                format!(
                    "apps `{first}` and `{second}` would both write their manifests to `argocd/manifests/{dir}/`"
                ),
                format!("each would overwrite the other's `kustomization.yaml` in `{dir}/`"),
                "an app's manifests directory is its `argocd.manifests_dir`, or its name",
                "give one of them its own `argocd = { manifests_dir = \"...\" }`",
            )
        },
    );
}

/// What a B3019 about a shared name says: message, note on the later app, note, help.
type Words = (String, String, &'static str, &'static str);

/// Reports every app that takes a name (`key`, `None` for an app the check is not about) an
/// earlier app already has. `set_at` is where an app set the name, if it did rather than
/// inheriting its own name.
fn shared(
    model: &Model,
    out: &mut Vec<Diagnostic>,
    key: fn(&App) -> Option<&str>,
    set_at: fn(&App) -> Option<Span>,
    words: fn(&str, &str, &str) -> Words,
) {
    let mut first: IndexMap<&str, &App> = IndexMap::new();
    for app in &model.apps {
        let Some(name) = key(app) else {
            continue;
        };
        let Some(earlier) = first.get(name) else {
            first.insert(name, app);
            continue;
        };
        let (message, label, note, help) = words(&earlier.name, &app.name, name);
        out.push(
            Diagnostic::error(
                codes::B3019,
                message,
                set_at(app).unwrap_or(app.origin.span),
            )
            .with_label(label)
            .with_secondary(
                set_at(earlier).unwrap_or(earlier.origin.span),
                format!("`{}`, declared first, takes it", earlier.name),
            )
            .with_note(note)
            .with_help(help),
        );
    }
}
