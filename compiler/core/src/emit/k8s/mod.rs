//! The Kubernetes and Argo CD emitter: per app `argocd/manifests/<app>/` (one file per object and
//! a `kustomization.yaml`) and an Argo CD Application in `argocd/apps/<app>.yaml`, plus the
//! app-of-apps root `argocd/apps/apps.yaml` that syncs that directory.
//!
//! Decisions, so that readers of the generated tree know what to expect:
//!
//! - Manifests (`manifests`, `containers`) name images by repository only and
//!   `kustomization.yaml` pins the tag in `images`, like the corpus, so a version bump is a
//!   one-line diff. When an app's containers use one repository at different tags, that
//!   repository is written with its tags in the manifests instead (kustomize cannot pin two).
//! - Ports are referred to by name: container ports are named, the Service's `targetPort` and the
//!   probes' ports use those names, the Ingress's backend uses the Service's port number.
//! - The Tailscale Ingress is named `<app>-tailscale`, the corpus's convention, and written to
//!   `ingress.yaml`.
//! - Each ExternalSecret materialises the fields of one 1Password item that the app's environment
//!   uses, under their own names, into the Kubernetes Secret `Secret::k8s_name()`. When several
//!   apps in one namespace of a cluster read one item, the first of them in declaration order
//!   writes the one ExternalSecret, with every field any of them reads, and the others' pods
//!   read the Secret it creates.
//! - Every object's `metadata` carries a comment naming the declaration it came from, rather than
//!   an annotation: provenance has no business changing what the cluster stores.
//! - Applications (`argocd`) live in the Argo CD namespace of the first cluster, the one the
//!   app-of-apps root is synced into, and point at the app's own cluster as their destination.
//!   They are written only when the project names the repository it is committed to (or has
//!   exactly one).

mod argocd;
mod containers;
mod manifests;
mod objects;
mod secret_text;

use std::collections::BTreeMap;

use crate::emit::yaml::Yaml;
use crate::model::{Model, Origin};
use crate::Outputs;

/// The directory every Argo CD and Kubernetes file is written under.
const ROOT: &str = "argocd";

/// The name of the app-of-apps root Application, `argocd/apps/apps.yaml`; no app may take it.
pub const ROOT_APP: &str = "apps";

/// Emits the manifests of every app, their Applications and the app-of-apps root. Nothing is
/// written for a project with no apps.
pub fn emit(model: &Model, out: &mut Outputs) {
    emit_with_assets(model, &BTreeMap::new(), out);
}

/// [`emit`], with the project files that apps' ConfigMaps and manifests name (`assets`, by path
/// relative to the project root).
pub fn emit_with_assets(model: &Model, assets: &BTreeMap<String, String>, out: &mut Outputs) {
    if model.apps.is_empty() {
        return;
    }
    for app in &model.apps {
        if app.argocd.deploys_manifests() {
            manifests::emit(model, app, assets, out);
        }
    }
    argocd::emit(model, out);
}

/// An object's name with a comment naming the declarations it came from and their files, so
/// that the comment opens the object's `metadata`.
fn provenance(origins: &[&Origin], name: &str) -> Yaml {
    let named: Vec<String> = origins
        .iter()
        .map(|o| format!("{} ({})", o.decl, o.file))
        .collect();
    Yaml::Commented(
        vec![format!("From {}.", named.join(", "))],
        Box::new(Yaml::from(name)),
    )
}

/// A count of seconds as a YAML integer.
fn seconds(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
