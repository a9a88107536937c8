//! The Argo CD Applications: `argocd/apps/<app>.yaml` for every app and the app-of-apps root
//! `argocd/apps/apps.yaml`, which syncs that directory (itself included, as in the corpus).
//!
//! Every Application lives in the Argo CD namespace of the first cluster, where the root syncs
//! them, and deploys to its app's cluster and namespace. The source is the repository the
//! generated tree is committed to (the project's `repo`, or the only one declared), at the
//! generated tree's place in it.

use crate::emit::yaml::{document, Map, Yaml};
use crate::emit::{header_lines, put};
use crate::model::{Cluster, Model, Origin, Repo};
use crate::Outputs;

use super::{provenance, ROOT, ROOT_APP};

/// Where an Application deploys to.
struct Destination<'m> {
    server: &'m str,
    namespace: &'m str,
}

/// Writes every app's Application and the root. Nothing is written when there is no cluster or
/// when the repository to point at is unknown.
pub(super) fn emit(model: &Model, out: &mut Outputs) {
    let Some(repo) = project_repo(model) else {
        return;
    };
    let Some(home) = model.clusters.first() else {
        return;
    };
    for app in &model.apps {
        let Some(cluster) = model.clusters.iter().find(|c| c.name == app.cluster) else {
            continue;
        };
        let origins = [&app.origin, &cluster.origin, &repo.origin];
        let object = application(
            &app.name,
            home,
            repo,
            &repo_path(model, &[ROOT, "manifests", &app.name]),
            &Destination {
                server: &cluster.server,
                namespace: &app.namespace,
            },
            &origins,
        );
        let mut header = header_lines(&origins);
        if let Some(doc) = &app.origin.doc {
            header.push(String::new());
            header.extend(doc.lines().map(str::to_string));
        }
        let text = document(&header, &object.into());
        put(
            out,
            format!("{ROOT}/apps/{}.yaml", app.name),
            text,
            &origins,
        );
    }

    let origins = [&repo.origin, &home.origin];
    let object = application(
        ROOT_APP,
        home,
        repo,
        &repo_path(model, &[ROOT, "apps"]),
        &Destination {
            server: &home.server,
            namespace: &home.argocd_namespace,
        },
        &origins,
    );
    let mut header = header_lines(&origins);
    header.push(String::new());
    header.push("The app-of-apps root: syncs every Application in this directory.".to_string());
    let text = document(&header, &object.into());
    put(out, format!("{ROOT}/apps/{ROOT_APP}.yaml"), text, &origins);
}

/// The repository the generated tree is committed to: the project's `repo`, or the only one.
fn project_repo(model: &Model) -> Option<&Repo> {
    match &model.project.repo {
        Some(name) => model.repos.iter().find(|r| &r.name == name),
        None if model.repos.len() == 1 => model.repos.first(),
        None => None,
    }
}

/// A path inside the repository: the project's `repo_path` and these segments, joined with `/`
/// without empty segments.
fn repo_path(model: &Model, segments: &[&str]) -> String {
    model
        .project
        .repo_path
        .split('/')
        .chain(segments.iter().flat_map(|s| s.split('/')))
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// An Application syncing a path of the repository to a destination, automatically, pruning and
/// healing, creating the namespace.
fn application(
    name: &str,
    home: &Cluster,
    repo: &Repo,
    path: &str,
    destination: &Destination<'_>,
    origins: &[&Origin],
) -> Map {
    let metadata = Map::new()
        .with("name", provenance(origins, name))
        .with("namespace", &home.argocd_namespace);
    Map::new()
        .with("apiVersion", "argoproj.io/v1alpha1")
        .with("kind", "Application")
        .with("metadata", metadata)
        .with(
            "spec",
            Map::new()
                .with("project", "default")
                .with(
                    "source",
                    Map::new()
                        .with("repoURL", &repo.url)
                        .with("targetRevision", &repo.revision)
                        .with("path", path),
                )
                .with(
                    "destination",
                    Map::new()
                        .with("server", destination.server)
                        .with("namespace", destination.namespace),
                )
                .with(
                    "syncPolicy",
                    Map::new()
                        .with(
                            "automated",
                            Map::new().with("prune", true).with("selfHeal", true),
                        )
                        .with("syncOptions", vec![Yaml::from("CreateNamespace=true")]),
                ),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_paths_have_no_empty_segments() {
        let mut model = Model::default();
        assert_eq!(repo_path(&model, &["argocd", "apps"]), "argocd/apps");
        model.project.repo_path = "/generated//tree/".to_string();
        assert_eq!(
            repo_path(&model, &["argocd", "manifests", "feed"]),
            "generated/tree/argocd/manifests/feed"
        );
    }
}
