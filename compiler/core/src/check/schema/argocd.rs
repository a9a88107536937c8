//! The type of an app's `argocd` field: the settings of its Argo CD Application, its sources
//! (the app's generated manifests, Helm charts, directories of other repositories) and its sync
//! policy.
//!
//! Fields whose default is not expressible as a [`FieldDefault`] (`sources`, `sync_options`) are
//! optional here and defaulted when lowered; `docs/language.md` states those defaults.

use super::{defaulted, named, optional, record, strings};
use crate::check::schema::Kind;
use crate::check::types::{FieldDefault, Type};

/// The sync options an Application may set (`syncPolicy.syncOptions`), as Argo CD spells them.
/// Options that only make sense on one object (`Force=true`) are not among them.
pub const SYNC_OPTIONS: &[&str] = &[
    "CreateNamespace=true",
    "CreateNamespace=false",
    "ServerSideApply=true",
    "ServerSideApply=false",
    "ClientSideApplyMigration=false",
    "Validate=false",
    "SkipDryRunOnMissingResource=true",
    "ApplyOutOfSyncOnly=true",
    "PruneLast=true",
    "Prune=false",
    "Prune=confirm",
    "Delete=false",
    "Delete=confirm",
    "PrunePropagationPolicy=foreground",
    "PrunePropagationPolicy=background",
    "PrunePropagationPolicy=orphan",
    "Replace=true",
    "FailOnSharedResource=true",
    "RespectIgnoreDifferences=true",
];

/// The finalizers Argo CD acts on when an Application is deleted: delete its objects (in the
/// foreground or the background), run its post-delete hooks.
pub const FINALIZERS: &[&str] = &[
    "resources-finalizer.argocd.argoproj.io",
    "resources-finalizer.argocd.argoproj.io/foreground",
    "resources-finalizer.argocd.argoproj.io/background",
    "post-delete-finalizer.argocd.argoproj.io",
    "post-delete-finalizer.argocd.argoproj.io/cleanup",
];

/// `argocd = { project = "default", ... }` on an app.
pub fn app_settings() -> Type {
    named(
        "ArgoApp",
        record(vec![
            optional("name", Type::String),
            defaulted("project", Type::String, FieldDefault::Str("default")),
            optional("manifests_dir", Type::String),
            defaulted("cluster_scoped", Type::Bool, FieldDefault::Bool(false)),
            optional("sources", Type::list(source())),
            optional("automated", automated()),
            optional(
                "sync_options",
                Type::list(literals("SyncOption", SYNC_OPTIONS)),
            ),
            optional("retry", retry()),
            optional("namespace_metadata", namespace_metadata()),
            defaulted(
                "ignore_differences",
                Type::list(ignore_difference()),
                FieldDefault::EmptyList,
            ),
            optional("revision_history_limit", Type::Int),
            optional("sync_wave", Type::Int),
            defaulted("labels", Type::map(Type::String), FieldDefault::EmptyRecord),
            defaulted(
                "annotations",
                Type::map(Type::String),
                FieldDefault::EmptyRecord,
            ),
            defaulted(
                "finalizers",
                Type::list(literals("Finalizer", FINALIZERS)),
                FieldDefault::EmptyList,
            ),
        ]),
    )
}

/// One source of an Application. `{}` is the app's generated manifests in the project's
/// repository.
pub fn source() -> Type {
    named(
        "ArgoSource",
        record(vec![
            optional(
                "repo",
                Type::Union(vec![Type::Ref(Kind::Repo), Type::String]),
            ),
            optional("revision", Type::String),
            optional("path", Type::String),
            optional("chart", Type::String),
            optional("ref", Type::String),
            optional("helm", helm()),
            optional("directory", directory()),
        ]),
    )
}

/// Helm settings of a source.
fn helm() -> Type {
    named(
        "Helm",
        record(vec![
            optional("release_name", Type::String),
            defaulted("value_files", strings(), FieldDefault::EmptyList),
            defaulted("values", Type::map(Type::Any), FieldDefault::EmptyRecord),
            defaulted(
                "parameters",
                Type::map(Type::Union(vec![Type::String, Type::Int, Type::Bool])),
                FieldDefault::EmptyRecord,
            ),
            optional("namespace", Type::String),
            optional("skip_crds", Type::Bool),
            optional("skip_tests", Type::Bool),
            optional("ignore_missing_value_files", Type::Bool),
            optional("pass_credentials", Type::Bool),
            optional("kube_version", Type::String),
            defaulted("api_versions", strings(), FieldDefault::EmptyList),
        ]),
    )
}

/// `directory` settings of a source of plain manifests.
fn directory() -> Type {
    named(
        "ArgoDirectory",
        record(vec![
            optional("recurse", Type::Bool),
            optional("include", Type::String),
            optional("exclude", Type::String),
        ]),
    )
}

/// Automated sync.
fn automated() -> Type {
    named(
        "Automated",
        record(vec![
            defaulted("prune", Type::Bool, FieldDefault::Bool(false)),
            defaulted("self_heal", Type::Bool, FieldDefault::Bool(false)),
            defaulted("allow_empty", Type::Bool, FieldDefault::Bool(false)),
        ]),
    )
}

/// Retrying a failed sync.
fn retry() -> Type {
    named(
        "Retry",
        record(vec![
            optional("limit", Type::Int),
            optional("backoff", Type::Duration),
            optional("factor", Type::Int),
            optional("max_backoff", Type::Duration),
        ]),
    )
}

/// Labels and annotations of the namespace Argo CD creates.
fn namespace_metadata() -> Type {
    named(
        "NamespaceMetadata",
        record(vec![
            defaulted("labels", Type::map(Type::String), FieldDefault::EmptyRecord),
            defaulted(
                "annotations",
                Type::map(Type::String),
                FieldDefault::EmptyRecord,
            ),
        ]),
    )
}

/// A part of the live objects that Argo CD does not compare.
fn ignore_difference() -> Type {
    named(
        "IgnoreDifference",
        record(vec![
            defaulted("group", Type::String, FieldDefault::Str("")),
            super::field("kind", Type::String),
            optional("name", Type::String),
            optional("namespace", Type::String),
            defaulted("json_pointers", strings(), FieldDefault::EmptyList),
            defaulted("jq_path_expressions", strings(), FieldDefault::EmptyList),
            defaulted(
                "managed_fields_managers",
                strings(),
                FieldDefault::EmptyList,
            ),
        ]),
    )
}

/// A named union of string literals.
fn literals(name: &str, values: &'static [&'static str]) -> Type {
    named(
        name,
        Type::Union(values.iter().map(|v| Type::Literal(v)).collect()),
    )
}
