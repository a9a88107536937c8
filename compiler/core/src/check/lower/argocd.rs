//! Lowering an app's `argocd` settings into its Application's model.
//!
//! What Argo CD would refuse, or silently ignore, is reported here, where the value's span is at
//! hand:
//!
//! - `B3070`: a source Argo CD cannot read: a `path` and a `chart` at once, a chart without its
//!   version, a source of another repository that names neither a path, a chart nor a `ref`,
//!   Helm or `directory` settings on a source they do not apply to, two sources with one `ref`,
//!   an empty `sources` list or one of `ref` sources only;
//! - `B3071`: a Helm value file `$NAME/...` where no other source of the app has `ref = NAME`;
//! - `B3072`: an `ignore_differences` entry that ignores nothing (no JSON pointer, jq expression
//!   or field manager), or a JSON pointer that does not start with `/`;
//! - `B3073`: a `manifests_dir` that is not one directory name;
//! - `B2007`: a secret key among Helm `values`, which would put the secret into the repository;
//! - `B2005`: a negative count (`revision_history_limit`, `retry.limit`), a factor below 1;
//! - `B3025`: an empty `project`.

use indexmap::IndexMap;

use super::data;
use crate::check::schema::Kind;
use crate::check::value::{Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    ArgoApp, ArgoSource, Automated, Data, Directory, Helm, IgnoreDifference, NamespaceMetadata,
    Retry, SourceContent, SourceRepo, ValueFile, DEFAULT_PROJECT, DEFAULT_SYNC_OPTIONS,
};
use crate::source::Span;

impl Checker<'_> {
    /// The `argocd` field of an app; the defaults of [`ArgoApp::default`] where it sets nothing.
    pub fn lower_argocd(&mut self, fields: &Record) -> ArgoApp {
        let Some(settings) = data::map(fields, "argocd") else {
            return ArgoApp::default();
        };
        let project = self.project(settings);
        let manifests_dir = self.manifests_dir(settings);
        let sources = match data::get(settings, "sources") {
            Some(value) => self.sources(value),
            None => vec![ArgoSource::manifests(None)],
        };
        let sync_options = match data::get(settings, "sync_options") {
            Some(_) => data::strings(settings, "sync_options"),
            None => DEFAULT_SYNC_OPTIONS.iter().map(|s| s.to_string()).collect(),
        };
        let ignore_differences = data::list(settings, "ignore_differences")
            .iter()
            .filter_map(|entry| self.ignore_difference(entry))
            .collect();
        let revision_history_limit = data::get(settings, "revision_history_limit")
            .and_then(|v| self.non_negative(v, "revision_history_limit"));
        ArgoApp {
            name: data::get(settings, "name").and_then(|v| Some((text(v)?, v.span))),
            project,
            manifests_dir,
            cluster_scoped: data::boolean(settings, "cluster_scoped", false),
            sources,
            automated: data::map(settings, "automated").map(|a| Automated {
                prune: data::boolean(a, "prune", false),
                self_heal: data::boolean(a, "self_heal", false),
                allow_empty: data::boolean(a, "allow_empty", false),
            }),
            sync_options,
            retry: data::map(settings, "retry").map(|r| self.retry(r)),
            namespace_metadata: data::map(settings, "namespace_metadata").map(|m| {
                NamespaceMetadata {
                    labels: data::string_map(m, "labels"),
                    annotations: data::string_map(m, "annotations"),
                }
            }),
            ignore_differences,
            revision_history_limit,
            labels: data::string_map(settings, "labels"),
            annotations: data::string_map(settings, "annotations"),
            finalizers: data::strings(settings, "finalizers"),
        }
    }

    /// The project, `B3025` when empty.
    fn project(&mut self, settings: &Record) -> String {
        let Some(value) = data::get(settings, "project") else {
            return DEFAULT_PROJECT.to_string();
        };
        let V::Str(project) = &value.kind else {
            return DEFAULT_PROJECT.to_string();
        };
        if project.trim().is_empty() {
            self.report(
                Diagnostic::error(codes::B3025, "empty Argo CD project", value.span)
                    .with_label("an Application needs a project")
                    .with_help("leave `project` out for Argo CD's `default` project"),
            );
        }
        project.clone()
    }

    /// `manifests_dir`, `B3073` unless it is one directory name.
    fn manifests_dir(&mut self, settings: &Record) -> Option<(String, Span)> {
        let value = data::get(settings, "manifests_dir")?;
        let V::Str(dir) = &value.kind else {
            return None;
        };
        let valid = !dir.is_empty()
            && dir != "."
            && dir != ".."
            && dir
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid {
            self.report(
                Diagnostic::error(
                    codes::B3073,
                    format!("`{dir}` is not a directory name"),
                    value.span,
                )
                .with_label("the app's manifests are written to `argocd/manifests/<this>/`")
                .with_help(
                    "use one directory name of letters, digits, `-`, `_` and `.`, such as \
                     `mosquitto`",
                ),
            );
            return None;
        }
        Some((dir.clone(), value.span))
    }

    /// The `sources` list: each source, then the checks across them (refs, value files).
    fn sources(&mut self, value: &Value) -> Vec<ArgoSource> {
        let V::List(items) = &value.kind else {
            return vec![ArgoSource::manifests(None)];
        };
        if items.is_empty() {
            self.report(
                Diagnostic::error(codes::B3070, "an Application without a source", value.span)
                    .with_label("no source")
                    .with_help(
                        "leave `sources` out to deploy the app's generated manifests, or list \
                         what the app is made of",
                    ),
            );
            return Vec::new();
        }
        let sources: Vec<ArgoSource> = items.iter().filter_map(|s| self.source(s)).collect();
        if sources.len() != items.len() {
            // A source failed and was reported: the checks across sources would guess.
            return sources;
        }
        if sources.iter().all(|s| s.content == SourceContent::RefOnly) {
            self.report(
                Diagnostic::error(
                    codes::B3070,
                    "an Application whose sources deploy nothing",
                    value.span,
                )
                .with_label("every source only names a repository for value files (`ref`)")
                .with_help("add the source that deploys something: a chart, a path, or `{}` for the app's generated manifests"),
            );
        }
        self.check_refs(&sources);
        sources
    }

    /// Two sources with one `ref` (`B3070`) and value files naming an unknown `ref` (`B3071`).
    fn check_refs(&mut self, sources: &[ArgoSource]) {
        let mut refs: IndexMap<&str, Span> = IndexMap::new();
        for source in sources {
            let (Some(name), Some(span)) = (&source.ref_name, source.span) else {
                continue;
            };
            if let Some(first) = refs.get(name.as_str()) {
                self.report(
                    Diagnostic::error(
                        codes::B3070,
                        format!("two sources are named `{name}`"),
                        span,
                    )
                    .with_label(format!("`ref = \"{name}\"` again"))
                    .with_secondary(*first, "the first source with this `ref`")
                    .with_help("give each source its own `ref`"),
                );
                continue;
            }
            refs.insert(name, span);
        }
        for source in sources {
            let Some(helm) = &source.helm else {
                continue;
            };
            for file in &helm.value_files {
                let Some(rest) = file.path.strip_prefix('$') else {
                    continue;
                };
                let name = rest.split('/').next().unwrap_or_default();
                let own = source.ref_name.as_deref() == Some(name);
                if refs.contains_key(name) && !own {
                    continue;
                }
                let mut d = Diagnostic::error(
                    codes::B3071,
                    format!("no other source of the app is named `{name}`"),
                    file.span,
                )
                .with_label(format!("reads `${name}` from another source's repository"));
                d = if own {
                    d.with_note("a source cannot read value files through its own `ref`; a path in its own repository is written without `$`")
                } else {
                    d.with_help(format!(
                        "add the repository that holds the file as a source with `ref = \"{name}\"`: `{{ ref = \"{name}\" }}` for the project's repository, `{{ repo = repo.NAME, ref = \"{name}\" }}` for another"
                    ))
                };
                self.report(d);
            }
        }
    }

    /// One source; `None` when it is not one Argo CD can read (`B3070`, reported).
    fn source(&mut self, value: &Value) -> Option<ArgoSource> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        let repo = match data::get(fields, "repo") {
            None => SourceRepo::Project,
            Some(v) => match &v.kind {
                V::Str(url) => SourceRepo::Url(url.clone()),
                _ => SourceRepo::Declared(data::reference(v, Kind::Repo)?),
            },
        };
        let revision = data::string(fields, "revision");
        let ref_name = data::string(fields, "ref");
        let path = data::get(fields, "path");
        let chart = data::get(fields, "chart");
        let content = match (path, chart) {
            (Some(path), Some(chart)) => {
                self.report(
                    Diagnostic::error(
                        codes::B3070,
                        "a source with both a `path` and a `chart`",
                        chart.span,
                    )
                    .with_label("a chart of a Helm repository")
                    .with_secondary(path.span, "and a directory of a Git repository")
                    .with_help("a chart kept in Git is read by its `path`; `chart` names a chart of a Helm repository"),
                );
                return None;
            }
            (Some(path), None) => SourceContent::Path(text(path)?),
            (None, Some(chart)) => {
                if revision.is_none() {
                    self.report(
                        Diagnostic::error(
                            codes::B3070,
                            "a Helm chart without its version",
                            chart.span,
                        )
                        .with_label("which version of this chart?")
                        .with_help("add `revision = \"1.2.3\"`, the chart's version"),
                    );
                    return None;
                }
                SourceContent::Chart(text(chart)?)
            }
            (None, None) if ref_name.is_some() => SourceContent::RefOnly,
            (None, None) if repo == SourceRepo::Project => SourceContent::Manifests,
            (None, None) => {
                self.report(
                    Diagnostic::error(
                        codes::B3070,
                        "a source that names nothing in its repository",
                        value.span,
                    )
                    .with_label("no `path`, `chart` or `ref`")
                    .with_help("add the `path` of the manifests or the `chart`; leave `repo` out for the app's generated manifests"),
                );
                return None;
            }
        };
        let helm = match data::get(fields, "helm") {
            Some(v) => Some(self.helm(v)?),
            None => None,
        };
        let directory = data::map(fields, "directory").map(|d| Directory {
            recurse: data::get(d, "recurse").and_then(boolean),
            include: data::string(d, "include"),
            exclude: data::string(d, "exclude"),
        });
        let directory = directory.filter(|d| *d != Directory::default());
        let misplaced = |name: &str| data::get(fields, name).map(|v| v.span);
        let problem = match (&content, &helm, &directory) {
            (_, Some(_), Some(_)) => Some((
                misplaced("directory"),
                "a source with both Helm and `directory` settings",
                "a directory of plain manifests is not a Helm chart",
            )),
            (SourceContent::Manifests, Some(_), _) => Some((
                misplaced("helm"),
                "Helm settings on the app's generated manifests",
                "the generated manifests are a kustomization, not a chart",
            )),
            (SourceContent::Manifests, _, Some(_)) => Some((
                misplaced("directory"),
                "`directory` settings on the app's generated manifests",
                "the generated manifests are a kustomization: Argo CD reads all of it",
            )),
            (SourceContent::RefOnly, Some(_), _) | (SourceContent::RefOnly, _, Some(_)) => Some((
                misplaced("helm").or(misplaced("directory")),
                "settings on a source that only names a repository",
                "a `ref` source deploys nothing; its settings would be ignored",
            )),
            (SourceContent::Chart(_), _, Some(_)) => Some((
                misplaced("directory"),
                "`directory` settings on a Helm chart",
                "a chart is rendered by Helm, not read as a directory",
            )),
            _ => None,
        };
        if let Some((span, message, label)) = problem {
            self.report(
                Diagnostic::error(codes::B3070, message, span.unwrap_or(value.span))
                    .with_label(label),
            );
            return None;
        }
        Some(ArgoSource {
            repo,
            revision,
            content,
            ref_name,
            helm,
            directory,
            span: Some(value.span),
        })
    }

    /// Helm settings; `None` when a value holds a secret (`B2007`, reported).
    fn helm(&mut self, value: &Value) -> Option<Helm> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        let values = match data::map(fields, "values") {
            Some(record) => {
                if self.secret_in_values(record) {
                    return None;
                }
                self.data_map(record)?
            }
            None => IndexMap::new(),
        };
        let values = values
            .into_iter()
            .filter(|(_, v)| !matches!(v, Data::Secret(_) | Data::SecretText(_)))
            .collect();
        let parameters = data::map(fields, "parameters")
            .map(|record| {
                record
                    .iter()
                    .filter_map(|(name, field)| {
                        let text = match &field.value.kind {
                            V::Str(s) => s.clone(),
                            V::Int(n) => n.to_string(),
                            V::Bool(b) => b.to_string(),
                            _ => return None,
                        };
                        Some((name.clone(), text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Helm {
            release_name: data::string(fields, "release_name"),
            value_files: data::list(fields, "value_files")
                .iter()
                .filter_map(|v| match &v.kind {
                    V::Str(path) => Some(ValueFile {
                        path: path.clone(),
                        span: v.span,
                    }),
                    _ => None,
                })
                .collect(),
            values,
            parameters,
            namespace: data::string(fields, "namespace"),
            skip_crds: data::get(fields, "skip_crds").and_then(boolean),
            skip_tests: data::get(fields, "skip_tests").and_then(boolean),
            ignore_missing_value_files: data::get(fields, "ignore_missing_value_files")
                .and_then(boolean),
            pass_credentials: data::get(fields, "pass_credentials").and_then(boolean),
            kube_version: data::string(fields, "kube_version"),
            api_versions: data::strings(fields, "api_versions"),
        })
    }

    /// Reports every secret key among Helm values (`B2007`); whether there was one.
    fn secret_in_values(&mut self, record: &Record) -> bool {
        let mut found = Vec::new();
        for field in record.values() {
            secret_spans(&field.value, &mut found);
        }
        for span in &found {
            self.report(
                Diagnostic::error(
                    codes::B2007,
                    "secret used in Helm values, which Argo CD reads from the repository",
                    *span,
                )
                .with_label("its value would be written into the Application")
                .with_help(
                    "let the chart read a Kubernetes Secret (an ExternalSecret of the app, or \
                     the chart's `existingSecret` setting) instead of the value",
                ),
            );
        }
        !found.is_empty()
    }

    /// `retry`: limit, backoff and factor.
    fn retry(&mut self, fields: &Record) -> Retry {
        let factor = data::get(fields, "factor").and_then(|v| {
            let n = self.non_negative(v, "retry.factor")?;
            if n == 0 {
                self.report(
                    Diagnostic::error(codes::B2005, "`retry.factor` is out of range", v.span)
                        .with_label("0 would make every retry wait no time")
                        .with_help("the backoff is multiplied by the factor after each retry: use 1 or more"),
                );
                return None;
            }
            Some(n)
        });
        Retry {
            limit: data::get(fields, "limit").and_then(|v| self.non_negative(v, "retry.limit")),
            backoff: data::seconds(fields, "backoff"),
            factor,
            max_backoff: data::seconds(fields, "max_backoff"),
        }
    }

    /// One `ignore_differences` entry; `B3072` when it ignores nothing.
    fn ignore_difference(&mut self, value: &Value) -> Option<IgnoreDifference> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        let entry = IgnoreDifference {
            group: data::string(fields, "group").unwrap_or_default(),
            kind: data::string(fields, "kind")?,
            name: data::string(fields, "name"),
            namespace: data::string(fields, "namespace"),
            json_pointers: data::strings(fields, "json_pointers"),
            jq_path_expressions: data::strings(fields, "jq_path_expressions"),
            managed_fields_managers: data::strings(fields, "managed_fields_managers"),
        };
        if entry.json_pointers.is_empty()
            && entry.jq_path_expressions.is_empty()
            && entry.managed_fields_managers.is_empty()
        {
            self.report(
                Diagnostic::error(
                    codes::B3072,
                    format!(
                        "`ignore_differences` entry for `{}` ignores nothing",
                        entry.kind
                    ),
                    value.span,
                )
                .with_label(
                    "no `json_pointers`, `jq_path_expressions` or `managed_fields_managers`",
                )
                .with_help("name the fields to ignore: `json_pointers = [\"/spec/replicas\"]`"),
            );
            return None;
        }
        let mut ok = true;
        for pointer in data::list(fields, "json_pointers") {
            let V::Str(text) = &pointer.kind else {
                continue;
            };
            if text.starts_with('/') {
                continue;
            }
            ok = false;
            self.report(
                Diagnostic::error(
                    codes::B3072,
                    format!("`{text}` is not a JSON pointer"),
                    pointer.span,
                )
                .with_label("a JSON pointer starts with `/`")
                .with_help(format!(
                    "write `/{}`; a `/` inside a key is written `~1`, a `~` is written `~0`",
                    text.trim_start_matches('.').replace('.', "/")
                )),
            );
        }
        ok.then_some(entry)
    }

    /// A count of 0 or more; `B2005` when negative (the same rule as an app's `replicas`).
    fn non_negative(&mut self, value: &Value, what: &str) -> Option<u32> {
        self.count(value, what)
    }
}

/// A string value.
fn text(value: &Value) -> Option<String> {
    match &value.kind {
        V::Str(s) => Some(s.clone()),
        _ => None,
    }
}

/// A bool value.
fn boolean(value: &Value) -> Option<bool> {
    match value.kind {
        V::Bool(b) => Some(b),
        _ => None,
    }
}

/// The spans of every secret key inside a value.
fn secret_spans(value: &Value, out: &mut Vec<Span>) {
    match &value.kind {
        V::SecretKey { .. } | V::SecretText(_) => out.push(value.span),
        V::List(items) => items.iter().for_each(|item| secret_spans(item, out)),
        V::Record(fields) => fields.values().for_each(|f| secret_spans(&f.value, out)),
        _ => {}
    }
}
