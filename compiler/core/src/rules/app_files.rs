//! B3080: a project file that an app names and the project does not have.
//!
//! A ConfigMap generated from files (`files = { "server.yml" = k8s.file("config/server.yml") }`)
//! and an included manifest (`manifests = [k8s.file("extra.yaml")]`) are copied from the project
//! into the app's directory. The CLI reads the files the apps name; one that does not exist would
//! leave kustomize without its input, so it is an error at the place that names it.

use std::collections::BTreeMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Model, RawManifest};

/// Reports every file an app names that `assets` does not hold.
pub fn check(model: &Model, assets: &BTreeMap<String, String>, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        for map in &app.objects.config_maps {
            for (key, path) in &map.files {
                if assets.contains_key(path) {
                    continue;
                }
                let span = if map.span.file == app.origin.span.file {
                    map.span
                } else {
                    app.origin.span
                };
                out.push(missing(path, span).with_label(format!(
                    "key `{key}` of ConfigMap `{}` of app `{}` is read from it",
                    map.name, app.name
                )));
            }
        }
        for manifest in &app.objects.manifests {
            let RawManifest::File { path, span } = manifest else {
                continue;
            };
            if assets.contains_key(path) {
                continue;
            }
            let span = if span.file == app.origin.span.file {
                *span
            } else {
                app.origin.span
            };
            out.push(missing(path, span).with_label(format!("app `{}` includes it", app.name)));
        }
    }
}

/// The diagnostic about one missing file.
fn missing(path: &str, span: crate::source::Span) -> Diagnostic {
    Diagnostic::error(
        codes::B3080,
        format!("the project has no file `{path}`"),
        span,
    )
    .with_help("create the file, or correct the path: it is relative to the project root (the directory of `bops.toml`)")
}
