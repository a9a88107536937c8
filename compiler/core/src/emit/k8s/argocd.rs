//! The Argo CD Applications: `argocd/apps/<app>.yaml` for every app and the app-of-apps root
//! `argocd/apps/apps.yaml`, which syncs that directory (itself included, as in the corpus).
//!
//! Every Application lives in the Argo CD namespace of the first cluster, where the root syncs
//! them, and deploys to its app's cluster (by server URL, or by the name Argo CD knows it by) and
//! namespace. An app's sources default to its generated manifests in the repository the
//! generated tree is committed to (the project's `repo`, or the only one declared), at the
//! generated tree's place in it; a Helm chart, a directory of another repository, or a repository
//! named for value files (`ref`) may be listed instead or beside. One source is written as
//! `source`, several as `sources`, as Argo CD reads them.
//!
//! Keys are written in the order the corpus writes them: `apiVersion`, `kind`, `metadata`,
//! `spec`; in `spec`: `project`, the sources, `destination`, `syncPolicy`, `ignoreDifferences`,
//! `revisionHistoryLimit`.

use crate::emit::yaml::{document, Map, Yaml};
use crate::emit::{header_lines, put};
use crate::model::{
    App, ArgoApp, ArgoSource, Cluster, Data, Helm, IgnoreDifference, Model, Origin, Repo, Retry,
    SourceContent, SourceRepo,
};
use crate::Outputs;

use super::{provenance, seconds, ROOT, ROOT_APP};

/// Writes every app's Application and the root. Nothing is written when there is no cluster or
/// when the repository to point at is unknown.
pub(super) fn emit(model: &Model, out: &mut Outputs) {
    let Some(project_repo) = project_repo(model) else {
        return;
    };
    let Some(home) = model.clusters.first() else {
        return;
    };
    for app in &model.apps {
        let Some(cluster) = model.clusters.iter().find(|c| c.name == app.cluster) else {
            continue;
        };
        let mut origins = vec![&app.origin, &cluster.origin, &project_repo.origin];
        for source in &app.argocd.sources {
            if let Some(repo) = declared_repo(model, &source.repo) {
                if !origins.contains(&&repo.origin) {
                    origins.push(&repo.origin);
                }
            }
        }
        let sources: Vec<Map> = app
            .argocd
            .sources
            .iter()
            .filter_map(|s| source(model, project_repo, app, s))
            .collect();
        let object = application(
            app.application_name(),
            home,
            &app.argocd,
            sources,
            destination(
                cluster,
                (!app.argocd.cluster_scoped).then_some(&app.namespace),
            ),
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
            format!("{ROOT}/apps/{}.yaml", app.application_name()),
            text,
            &origins,
        );
    }

    let origins = [&project_repo.origin, &home.origin];
    let root_source = Map::new()
        .with("repoURL", &project_repo.url)
        .with("targetRevision", &project_repo.revision)
        .with("path", repo_path(model, &[ROOT, "apps"]));
    let object = application(
        ROOT_APP,
        home,
        &ArgoApp::default(),
        vec![root_source],
        destination(home, Some(&home.argocd_namespace)),
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

/// The declared repository a source names, if it names one.
fn declared_repo<'m>(model: &'m Model, repo: &SourceRepo) -> Option<&'m Repo> {
    match repo {
        SourceRepo::Declared(name) => model.repos.iter().find(|r| &r.name == name),
        SourceRepo::Project | SourceRepo::Url(_) => None,
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

/// Where an Application deploys to: the cluster by the name Argo CD knows it by, or by its
/// server URL, and the namespace.
fn destination(cluster: &Cluster, namespace: Option<&str>) -> Map {
    let target = match &cluster.destination_name {
        Some(name) => Map::new().with("name", name),
        None => Map::new().with("server", &cluster.server),
    };
    target.with_opt("namespace", namespace)
}

/// One source of an app's Application; `None` when its repository is not declared (which the
/// checker reports).
fn source(model: &Model, project_repo: &Repo, app: &App, source: &ArgoSource) -> Option<Map> {
    let (url, revision) = match &source.repo {
        SourceRepo::Project => (
            project_repo.url.as_str(),
            source.revision.as_deref().or(Some(&project_repo.revision)),
        ),
        SourceRepo::Declared(_) => {
            let repo = declared_repo(model, &source.repo)?;
            (
                repo.url.as_str(),
                source.revision.as_deref().or(Some(&repo.revision)),
            )
        }
        SourceRepo::Url(url) => (url.as_str(), source.revision.as_deref()),
    };
    let mut map = Map::new()
        .with("repoURL", url)
        .with_opt("targetRevision", revision);
    match &source.content {
        SourceContent::Manifests => {
            map.insert(
                "path",
                repo_path(model, &[ROOT, "manifests", app.manifests_dir()]),
            );
        }
        SourceContent::Path(path) => map.insert("path", path),
        SourceContent::Chart(chart) => map.insert("chart", chart),
        SourceContent::RefOnly => {}
    }
    let map = map.with_opt("ref", source.ref_name.as_deref());
    let map = match &source.helm {
        Some(helm) => map.with("helm", helm_settings(helm)),
        None => map,
    };
    let map = match &source.directory {
        Some(directory) => map.with(
            "directory",
            Map::new()
                .with_opt("recurse", directory.recurse)
                .with_opt("include", directory.include.as_deref())
                .with_opt("exclude", directory.exclude.as_deref()),
        ),
        None => map,
    };
    Some(map)
}

/// A source's `helm` settings, in the order the corpus writes the ones it uses.
fn helm_settings(helm: &Helm) -> Map {
    let values: Map = Map(helm
        .values
        .iter()
        .map(|(k, v)| (k.clone(), data(v)))
        .collect());
    let parameters: Vec<Yaml> = helm
        .parameters
        .iter()
        .map(|(name, value)| Map::new().with("name", name).with("value", value).into())
        .collect();
    let value_files: Vec<Yaml> = helm
        .value_files
        .iter()
        .map(|f| Yaml::from(&f.path))
        .collect();
    let api_versions: Vec<Yaml> = helm.api_versions.iter().map(Yaml::from).collect();
    Map::new()
        .with_opt("releaseName", helm.release_name.as_deref())
        .with_nonempty("valueFiles", value_files)
        .with_nonempty("valuesObject", values)
        .with_nonempty("parameters", parameters)
        .with_opt("namespace", helm.namespace.as_deref())
        .with_opt("skipCrds", helm.skip_crds)
        .with_opt("skipTests", helm.skip_tests)
        .with_opt("ignoreMissingValueFiles", helm.ignore_missing_value_files)
        .with_opt("passCredentials", helm.pass_credentials)
        .with_opt("kubeVersion", helm.kube_version.as_deref())
        .with_nonempty("apiVersions", api_versions)
}

/// Plain data as YAML. Secret references never get here: the checker refuses them in Helm
/// values (`B2007`), so one is written as `null` rather than as anything readable.
fn data(value: &Data) -> Yaml {
    match value {
        Data::Null | Data::Secret(_) | Data::SecretText(_) => Yaml::Null,
        Data::Bool(b) => Yaml::Bool(*b),
        Data::Int(i) => Yaml::Int(*i),
        Data::Str(s) => Yaml::Str(s.clone()),
        Data::List(items) => Yaml::Seq(items.iter().map(data).collect()),
        Data::Map(entries) => {
            Yaml::Map(entries.iter().map(|(k, v)| (k.clone(), data(v))).collect())
        }
    }
}

/// An Application: its metadata, sources, destination and sync policy.
fn application(
    name: &str,
    home: &Cluster,
    settings: &ArgoApp,
    sources: Vec<Map>,
    destination: Map,
    origins: &[&Origin],
) -> Map {
    let metadata = Map::new()
        .with("name", provenance(origins, name))
        .with("namespace", &home.argocd_namespace)
        .with_nonempty("labels", strings(&settings.labels))
        .with_nonempty("annotations", strings(&settings.annotations))
        .with_nonempty(
            "finalizers",
            settings
                .finalizers
                .iter()
                .map(Yaml::from)
                .collect::<Vec<_>>(),
        );
    let spec = Map::new().with("project", &settings.project);
    let mut sources = sources;
    let spec = match (sources.pop(), sources.is_empty()) {
        (None, _) => spec,
        (Some(only), true) => spec.with("source", only),
        (Some(last), false) => {
            sources.push(last);
            spec.with(
                "sources",
                sources.into_iter().map(Yaml::from).collect::<Vec<_>>(),
            )
        }
    };
    let spec = spec
        .with("destination", destination)
        .with_nonempty("syncPolicy", sync_policy(settings))
        .with_nonempty(
            "ignoreDifferences",
            settings
                .ignore_differences
                .iter()
                .map(ignore_difference)
                .collect::<Vec<_>>(),
        )
        .with_opt("revisionHistoryLimit", settings.revision_history_limit);
    Map::new()
        .with("apiVersion", "argoproj.io/v1alpha1")
        .with("kind", "Application")
        .with("metadata", metadata)
        .with("spec", spec)
}

/// `syncPolicy`: automated or not, the options, retries and the namespace's metadata.
fn sync_policy(settings: &ArgoApp) -> Map {
    let automated = settings.automated.as_ref().map(|a| {
        Map::new()
            .with("prune", a.prune)
            .with("selfHeal", a.self_heal)
            .with_opt("allowEmpty", a.allow_empty.then_some(true))
    });
    let options: Vec<Yaml> = settings.sync_options.iter().map(Yaml::from).collect();
    let namespace = settings.namespace_metadata.as_ref().map(|m| {
        Map::new()
            .with_nonempty("labels", strings(&m.labels))
            .with_nonempty("annotations", strings(&m.annotations))
    });
    Map::new()
        .with_opt("automated", automated)
        .with_nonempty("syncOptions", options)
        .with_opt("retry", settings.retry.as_ref().map(retry))
        .with_opt("managedNamespaceMetadata", namespace)
}

/// `syncPolicy.retry`.
fn retry(retry: &Retry) -> Map {
    let backoff = Map::new()
        .with_opt("duration", retry.backoff.map(duration))
        .with_opt("factor", retry.factor)
        .with_opt("maxDuration", retry.max_backoff.map(duration));
    Map::new()
        .with_opt("limit", retry.limit)
        .with_nonempty("backoff", backoff)
}

/// A duration as Argo CD parses it (Go's `time.ParseDuration`, which has no days): in the
/// largest of hours, minutes and seconds that is exact.
fn duration(total: u64) -> String {
    let value = seconds(total);
    if value != 0 && value % 3600 == 0 {
        format!("{}h", value / 3600)
    } else if value != 0 && value % 60 == 0 {
        format!("{}m", value / 60)
    } else {
        format!("{value}s")
    }
}

/// One `ignoreDifferences` entry. `group` is always written, empty for the core group, as the
/// corpus writes it.
fn ignore_difference(entry: &IgnoreDifference) -> Yaml {
    let list = |items: &[String]| items.iter().map(Yaml::from).collect::<Vec<_>>();
    Map::new()
        .with("group", &entry.group)
        .with("kind", &entry.kind)
        .with_opt("name", entry.name.as_deref())
        .with_opt("namespace", entry.namespace.as_deref())
        .with_nonempty("jsonPointers", list(&entry.json_pointers))
        .with_nonempty("jqPathExpressions", list(&entry.jq_path_expressions))
        .with_nonempty(
            "managedFieldsManagers",
            list(&entry.managed_fields_managers),
        )
        .into()
}

/// A map of strings as a YAML map.
fn strings(map: &indexmap::IndexMap<String, String>) -> Map {
    Map(map
        .iter()
        .map(|(k, v)| (k.clone(), Yaml::from(v)))
        .collect())
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

    #[test]
    fn durations_use_the_largest_exact_unit() {
        assert_eq!(duration(5), "5s");
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(90), "90s");
        assert_eq!(duration(180), "3m");
        assert_eq!(duration(7200), "2h");
        assert_eq!(duration(86_400), "24h");
    }
}
