//! How Argo CD deploys an app: the settings of its Application.

use indexmap::IndexMap;

use crate::source::Span;

use super::{App, Data};

impl App {
    /// The name of the app's Application (and of its file, `argocd/apps/<name>.yaml`):
    /// `argocd.name`, or the app's name.
    pub fn application_name(&self) -> &str {
        match &self.argocd.name {
            Some((name, _)) => name,
            None => &self.name,
        }
    }

    /// The directory under `argocd/manifests/` that the app's generated manifests are written to
    /// and that its Application reads: `argocd.manifests_dir`, or the app's name.
    pub fn manifests_dir(&self) -> &str {
        match &self.argocd.manifests_dir {
            Some((dir, _)) => dir,
            None => &self.name,
        }
    }
}

/// The settings of an app's Argo CD Application. Its destination is derived from the app's
/// cluster and namespace; its sources default to the app's generated manifests in the project's
/// repository.
#[derive(Clone, Debug, PartialEq)]
pub struct ArgoApp {
    /// The Application's name when it is not the app's name (see [`App::application_name`]),
    /// and where it was written: a name the language cannot spell (`1password-connect`).
    pub name: Option<(String, Span)>,
    /// The Argo CD project (`spec.project`).
    pub project: String,
    /// The directory under `argocd/manifests/` that the app's generated manifests are written
    /// to, when it is not the app's name (see [`App::manifests_dir`]), and where it was written.
    pub manifests_dir: Option<(String, Span)>,
    /// Whether the app deploys only cluster-scoped objects (CRDs, say): its Application then
    /// names no destination namespace.
    pub cluster_scoped: bool,
    /// Where the Application reads its manifests from, in order; never empty.
    pub sources: Vec<ArgoSource>,
    /// `syncPolicy.automated`, or `None` for manual sync.
    pub automated: Option<Automated>,
    /// `syncPolicy.syncOptions`, as Argo CD spells them (`CreateNamespace=true`).
    pub sync_options: Vec<String>,
    /// `syncPolicy.retry`.
    pub retry: Option<Retry>,
    /// `syncPolicy.managedNamespaceMetadata`: labels and annotations of the namespace Argo CD
    /// creates.
    pub namespace_metadata: Option<NamespaceMetadata>,
    /// `spec.ignoreDifferences`.
    pub ignore_differences: Vec<IgnoreDifference>,
    /// `spec.revisionHistoryLimit`.
    pub revision_history_limit: Option<u32>,
    /// Labels of the Application object.
    pub labels: IndexMap<String, String>,
    /// Annotations of the Application object (the sync wave among them).
    pub annotations: IndexMap<String, String>,
    /// Finalizers of the Application object (`resources-finalizer.argocd.argoproj.io`).
    pub finalizers: Vec<String>,
}

impl Default for ArgoApp {
    /// The settings of an app that sets none: the project `default`, manual sync creating the
    /// namespace, and the app's generated manifests as the only source.
    fn default() -> ArgoApp {
        ArgoApp {
            name: None,
            project: DEFAULT_PROJECT.to_string(),
            manifests_dir: None,
            cluster_scoped: false,
            sources: vec![ArgoSource::manifests(None)],
            automated: None,
            sync_options: DEFAULT_SYNC_OPTIONS.iter().map(|s| s.to_string()).collect(),
            retry: None,
            namespace_metadata: None,
            ignore_differences: Vec::new(),
            revision_history_limit: None,
            labels: IndexMap::new(),
            annotations: IndexMap::new(),
            finalizers: Vec::new(),
        }
    }
}

impl ArgoApp {
    /// Whether one of the sources is the app's generated manifests directory; an app whose
    /// Application does not deploy them has none written.
    pub fn deploys_manifests(&self) -> bool {
        self.sources
            .iter()
            .any(|s| s.content == SourceContent::Manifests)
    }
}

/// The Argo CD project of an app that names none.
pub const DEFAULT_PROJECT: &str = "default";

/// The sync options of an app that names none: Argo CD creates the app's namespace.
pub const DEFAULT_SYNC_OPTIONS: &[&str] = &["CreateNamespace=true"];

/// One source of an Application.
#[derive(Clone, Debug, PartialEq)]
pub struct ArgoSource {
    /// The repository.
    pub repo: SourceRepo,
    /// `targetRevision`: a branch, tag or commit, or a chart's version; `None` for the
    /// repository's own revision (a declared repository) or Argo CD's default (a URL).
    pub revision: Option<String>,
    /// What in the repository.
    pub content: SourceContent,
    /// `ref`: the name other sources' Helm value files use for this repository (`$values/...`).
    pub ref_name: Option<String>,
    /// Helm settings.
    pub helm: Option<Helm>,
    /// `directory` settings of a plain directory of manifests.
    pub directory: Option<Directory>,
    /// Where the source was written; `None` for the default source of an app that names none.
    pub span: Option<Span>,
}

impl ArgoSource {
    /// The app's generated manifests in the project's repository.
    pub fn manifests(span: Option<Span>) -> ArgoSource {
        ArgoSource {
            repo: SourceRepo::Project,
            revision: None,
            content: SourceContent::Manifests,
            ref_name: None,
            helm: None,
            directory: None,
            span,
        }
    }
}

/// The repository of a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceRepo {
    /// The repository the generated tree is committed to.
    Project,
    /// A declared `repo`, by name.
    Declared(String),
    /// A URL: a Helm chart repository, or a Git repository that is not declared.
    Url(String),
}

/// What a source reads from its repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceContent {
    /// The app's generated manifests directory (the project's repository only).
    Manifests,
    /// A directory: plain manifests, a kustomization or a Helm chart kept in Git.
    Path(String),
    /// A chart of a Helm repository.
    Chart(String),
    /// Nothing: the source only names the repository for other sources' value files (`ref`).
    RefOnly,
}

/// Helm settings of a source (`helm`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Helm {
    /// `releaseName`.
    pub release_name: Option<String>,
    /// `valueFiles`: paths in the chart's repository, or `$REF/...` in another source's.
    pub value_files: Vec<ValueFile>,
    /// `valuesObject`: values written in the project.
    pub values: IndexMap<String, Data>,
    /// `parameters`: `--set` values, as strings.
    pub parameters: IndexMap<String, String>,
    /// `namespace` the chart is templated with.
    pub namespace: Option<String>,
    /// `skipCrds`.
    pub skip_crds: Option<bool>,
    /// `skipTests`.
    pub skip_tests: Option<bool>,
    /// `ignoreMissingValueFiles`.
    pub ignore_missing_value_files: Option<bool>,
    /// `passCredentials`.
    pub pass_credentials: Option<bool>,
    /// `kubeVersion`.
    pub kube_version: Option<String>,
    /// `apiVersions`.
    pub api_versions: Vec<String>,
}

/// A Helm value file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueFile {
    /// The path as Argo CD reads it.
    pub path: String,
    /// Where it was written.
    pub span: Span,
}

/// `directory` settings of a source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Directory {
    /// `recurse`.
    pub recurse: Option<bool>,
    /// `include`: a glob of the files to read.
    pub include: Option<String>,
    /// `exclude`: a glob of the files to skip.
    pub exclude: Option<String>,
}

/// Automated sync (`syncPolicy.automated`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Automated {
    /// `prune`: delete what the sources no longer describe.
    pub prune: bool,
    /// `selfHeal`: revert changes made in the cluster.
    pub self_heal: bool,
    /// `allowEmpty`: allow a sync that leaves no object.
    pub allow_empty: bool,
}

/// Retrying a failed sync (`syncPolicy.retry`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Retry {
    /// `limit`: the number of attempts.
    pub limit: Option<u32>,
    /// `backoff.duration`, in seconds.
    pub backoff: Option<u64>,
    /// `backoff.factor`.
    pub factor: Option<u32>,
    /// `backoff.maxDuration`, in seconds.
    pub max_backoff: Option<u64>,
}

/// `syncPolicy.managedNamespaceMetadata`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamespaceMetadata {
    /// Labels of the namespace.
    pub labels: IndexMap<String, String>,
    /// Annotations of the namespace.
    pub annotations: IndexMap<String, String>,
}

/// A part of the live objects that Argo CD does not compare (`spec.ignoreDifferences`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreDifference {
    /// The API group (`apps`; empty for the core group).
    pub group: String,
    /// The kind (`Deployment`).
    pub kind: String,
    /// Only the object of this name.
    pub name: Option<String>,
    /// Only objects in this namespace.
    pub namespace: Option<String>,
    /// `jsonPointers`.
    pub json_pointers: Vec<String>,
    /// `jqPathExpressions`.
    pub jq_path_expressions: Vec<String>,
    /// `managedFieldsManagers`.
    pub managed_fields_managers: Vec<String>,
}
