//! Lowering the objects of an app besides its workload: storage, configuration, secrets, access
//! rights, its disruption budget, jobs, its namespace, runtime classes and raw manifests.

use indexmap::IndexMap;

use super::containers::optional_bool;
use super::pods::int_or_string;
use super::AppPorts;
use crate::check::lower::data;
use crate::check::value::{unit_text, Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    ConfigMap, CronSchedule, Data, DisruptionBudget, ExternalSecret, Job, NamespaceObject, Objects,
    PersistentVolume, PersistentVolumeSource, PodTemplate, PolicyRule, RawManifest, RbacRole,
    RoleBinding, RuntimeClass, SecretRef, ServiceAccount, Subject, VolumeClaim,
};

impl Checker<'_> {
    /// Every object of an app besides its workload, Service and Ingress.
    pub(in crate::check::lower) fn objects(
        &mut self,
        fields: &Record,
        app: &AppPorts<'_>,
        namespace: &str,
    ) -> Objects {
        let mut objects = Objects {
            volume_claims: entries(fields, "volume_claims")
                .filter_map(|(name, r, span)| volume_claim(name, r, span))
                .collect(),
            persistent_volumes: entries(fields, "persistent_volumes")
                .filter_map(|(name, r, span)| persistent_volume(name, r, span))
                .collect(),
            ..Objects::default()
        };
        for (name, r, span) in entries(fields, "config_maps") {
            if let Some(map) = self.config_map(name, r, span) {
                objects.config_maps.push(map);
            }
        }
        for (name, r, span) in entries(fields, "external_secrets") {
            self.secret_text_in_external_secret(r);
            objects
                .external_secrets
                .push(external_secret(name, r, span));
        }
        for (name, r, span) in entries(fields, "service_accounts") {
            objects.service_accounts.push(ServiceAccount {
                name: name.to_string(),
                annotations: data::string_map(r, "annotations"),
                automount_token: optional_bool(r, "automount_token"),
                span,
            });
            let subject = || Subject {
                kind: "ServiceAccount".to_string(),
                name: name.to_string(),
                namespace: Some(namespace.to_string()),
            };
            for (rules_field, cluster) in [("rules", false), ("cluster_rules", true)] {
                let rules = policy_rules(r, rules_field);
                if rules.is_empty() {
                    continue;
                }
                objects.roles.push(RbacRole {
                    name: name.to_string(),
                    cluster,
                    rules,
                    span,
                });
                objects.role_bindings.push(RoleBinding {
                    name: name.to_string(),
                    cluster,
                    role: name.to_string(),
                    cluster_role: cluster,
                    subjects: vec![subject()],
                    span,
                });
            }
        }
        for (field, cluster) in [("roles", false), ("cluster_roles", true)] {
            for (name, r, span) in entries(fields, field) {
                objects.roles.push(RbacRole {
                    name: name.to_string(),
                    cluster,
                    rules: policy_rules(r, "rules"),
                    span,
                });
            }
        }
        for (field, cluster) in [("role_bindings", false), ("cluster_role_bindings", true)] {
            for (name, r, span) in entries(fields, field) {
                let subjects = data::list(r, "subjects")
                    .iter()
                    .filter_map(|s| match &s.kind {
                        V::Record(s) => Some(Subject {
                            kind: data::string(s, "kind")
                                .unwrap_or_else(|| "ServiceAccount".to_string()),
                            name: data::string(s, "name")?,
                            namespace: data::string(s, "namespace").or_else(|| {
                                (data::string(s, "kind").as_deref() != Some("User")
                                    && data::string(s, "kind").as_deref() != Some("Group"))
                                .then(|| namespace.to_string())
                            }),
                        }),
                        _ => None,
                    })
                    .collect();
                objects.role_bindings.push(RoleBinding {
                    name: name.to_string(),
                    cluster,
                    role: data::string(r, "role").unwrap_or_default(),
                    cluster_role: cluster || data::boolean(r, "cluster_role", false),
                    subjects,
                    span,
                });
            }
        }
        if let Some(value) = data::get(fields, "disruption_budget") {
            objects.disruption_budget = self.disruption_budget(value);
        }
        for (field, cron) in [("cronjobs", true), ("jobs", false)] {
            for (name, r, span) in entries(fields, field) {
                if let Some(job) = self.job(name, r, span, cron, app) {
                    objects.jobs.push(job);
                }
            }
        }
        if let Some(meta) = data::map(fields, "namespace_metadata") {
            objects.namespace = Some(NamespaceObject {
                labels: data::string_map(meta, "labels"),
                annotations: data::string_map(meta, "annotations"),
            });
        }
        for (name, r, span) in entries(fields, "runtime_classes") {
            let settings = self.settings(r, &["scheduling", "overhead"]);
            objects.runtime_classes.push(RuntimeClass {
                name: name.to_string(),
                handler: data::string(r, "handler").unwrap_or_default(),
                settings,
                span,
            });
        }
        for value in data::list(fields, "manifests") {
            if let Some(manifest) = self.raw_manifest(value) {
                objects.manifests.push(manifest);
            }
        }
        objects
    }

    /// A ConfigMap; a file it names must be a relative path inside the project (`B2006`).
    fn config_map(
        &mut self,
        name: &str,
        fields: &Record,
        span: crate::source::Span,
    ) -> Option<ConfigMap> {
        let mut files = IndexMap::new();
        if let Some(entries) = data::map(fields, "files") {
            for (key, field) in entries {
                let path = self.project_file(&field.value)?;
                files.insert(key.clone(), path);
            }
        }
        let generated = optional_bool(fields, "generated").unwrap_or(!files.is_empty());
        Some(ConfigMap {
            name: name.to_string(),
            data: data::string_map(fields, "data"),
            generated: generated || !files.is_empty(),
            files,
            labels: data::string_map(fields, "labels"),
            span,
        })
    }

    /// The path of a `file(...)` record, checked to stay inside the project (`B2006`).
    fn project_file(&mut self, value: &Value) -> Option<String> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        let path = data::string(fields, "file")?;
        if let Some(clean) = clean_path(&path) {
            return Some(clean);
        }
        self.report(
            Diagnostic::error(
                codes::B2006,
                format!("invalid project file `{path}`"),
                data::get(fields, "file").map_or(value.span, |v| v.span),
            )
            .with_label("not a relative path inside the project")
            .with_help(
                "name the file relative to the project root, without `..`: `config/server.yml`",
            ),
        );
        None
    }

    /// The PodDisruptionBudget: exactly one of `min_available` and `max_unavailable`.
    fn disruption_budget(&mut self, value: &Value) -> Option<DisruptionBudget> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        self.exactly_one(
            fields,
            &["min_available", "max_unavailable"],
            value,
            "a disruption budget",
            "write `{ min_available = 1 }` or `{ max_unavailable = 1 }`",
        )?;
        Some(DisruptionBudget {
            min_available: int_or_string(fields, "min_available"),
            max_unavailable: int_or_string(fields, "max_unavailable"),
            span: value.span,
        })
    }

    /// A CronJob (`cron`) or a Job.
    fn job(
        &mut self,
        name: &str,
        fields: &Record,
        span: crate::source::Span,
        cron: bool,
        app: &AppPorts<'_>,
    ) -> Option<Job> {
        let containers = self.containers(fields, "containers", app)?;
        let init_containers = self.containers(fields, "init_containers", app)?;
        let pod = self.pod(fields);
        let schedule = cron.then(|| CronSchedule {
            schedule: data::string(fields, "schedule").unwrap_or_default(),
            concurrency_policy: data::string(fields, "concurrency_policy"),
            time_zone: data::string(fields, "time_zone"),
            suspend: optional_bool(fields, "suspend"),
            starting_deadline: data::seconds(fields, "starting_deadline"),
            successful_history: None,
            failed_history: None,
        });
        let schedule = match schedule {
            Some(mut schedule) => {
                schedule.successful_history = self.count_field(fields, "successful_history");
                schedule.failed_history = self.count_field(fields, "failed_history");
                Some(schedule)
            }
            None => None,
        };
        Some(Job {
            name: name.to_string(),
            cron: schedule,
            ttl_after_finished: data::seconds(fields, "ttl_after_finished"),
            backoff_limit: self.count_field(fields, "backoff_limit"),
            active_deadline: data::seconds(fields, "active_deadline"),
            parallelism: self.count_field(fields, "parallelism"),
            completions: self.count_field(fields, "completions"),
            pod_template: PodTemplate {
                containers,
                init_containers,
                pod,
            },
            labels: data::string_map(fields, "labels"),
            annotations: data::string_map(fields, "annotations"),
            span,
        })
    }

    /// A raw manifest: `file("path.yaml")`, or an object with `apiVersion`, `kind` and
    /// `metadata.name` strings (`B2003` when one is missing).
    fn raw_manifest(&mut self, value: &Value) -> Option<RawManifest> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        if fields.len() == 1 && fields.contains_key("file") {
            let path = self.project_file(value)?;
            return Some(RawManifest::File {
                path,
                span: value.span,
            });
        }
        let api_version = data::string(fields, "apiVersion");
        let kind = data::string(fields, "kind");
        let name = data::map(fields, "metadata").and_then(|m| data::string(m, "name"));
        let (Some(api_version), Some(kind), Some(name)) = (api_version, kind, name) else {
            self.report(
                Diagnostic::error(
                    codes::B2003,
                    "a raw manifest needs `apiVersion`, `kind` and `metadata.name`",
                    value.span,
                )
                .with_label("Kubernetes cannot tell what this object is")
                .with_help("write them as strings: `{ apiVersion = \"v1\", kind = \"ConfigMap\", metadata = { name = \"x\" } }`, or include a file with `k8s.file(\"path.yaml\")`"),
            );
            return None;
        };
        let object = self.data_map(fields)?;
        if object.values().any(holds_secret) {
            self.report(
                Diagnostic::error(
                    codes::B2007,
                    "a secret key in a raw manifest",
                    value.span,
                )
                .with_label("the manifest would carry the secret into the repository")
                .with_help("read the secret from an environment variable (`env = { X = secret.NAME.KEY }`) or an `external_secrets` entry, and refer to its Secret by name"),
            );
            return None;
        }
        Some(RawManifest::Inline {
            api_version,
            kind,
            name,
            object,
            span: value.span,
        })
    }
}

impl Checker<'_> {
    /// Reports a secret text among an explicit ExternalSecret's `data` (`B2007`): each of its keys
    /// maps one field of an item, and a text built around secrets belongs in an app's `env`,
    /// which templates it.
    fn secret_text_in_external_secret(&mut self, fields: &Record) {
        let texts = data::map(fields, "data")
            .into_iter()
            .flat_map(|m| m.values())
            .filter(|field| matches!(field.value.kind, V::SecretText(_)));
        let spans: Vec<_> = texts
            .map(|field| (field.value.span, field.value.describe()))
            .collect();
        for (span, described) in spans {
            self.report(
                Diagnostic::error(
                    codes::B2007,
                    "a secret text where one field of an item is needed",
                    span,
                )
                .with_label(format!("{described} is not one field"))
                .with_help(
                    "an ExternalSecret's `data` maps each key to one `secret.NAME.KEY`; put the \
                     text in an app's `env`, which builds it with an ExternalSecret template",
                ),
            );
        }
    }
}

/// Whether data holds a secret reference anywhere.
fn holds_secret(data: &Data) -> bool {
    match data {
        Data::Secret(_) | Data::SecretText(_) => true,
        Data::List(items) => items.iter().any(holds_secret),
        Data::Map(entries) => entries.values().any(holds_secret),
        _ => false,
    }
}

/// The entries of a map field whose values are records: name, fields, where the key is.
fn entries<'r>(
    fields: &'r Record,
    name: &str,
) -> impl Iterator<Item = (&'r str, &'r Record, crate::source::Span)> {
    data::map(fields, name)
        .into_iter()
        .flat_map(|m| m.iter())
        .filter_map(|(key, field)| match &field.value.kind {
            V::Record(r) => Some((key.as_str(), r, field.key)),
            _ => None,
        })
}

/// A PersistentVolumeClaim.
fn volume_claim(name: &str, fields: &Record, span: crate::source::Span) -> Option<VolumeClaim> {
    Some(VolumeClaim {
        name: name.to_string(),
        access_modes: data::strings(fields, "access_modes"),
        storage_class: data::string(fields, "storage_class"),
        volume_name: data::string(fields, "volume_name"),
        size: quantity_text(data::get(fields, "size")?)?,
        volume_mode: data::string(fields, "volume_mode"),
        labels: data::string_map(fields, "labels"),
        annotations: data::string_map(fields, "annotations"),
        span,
    })
}

/// A PersistentVolume; without a source it is left out (the schema allows none, and Kubernetes
/// needs one: the rule on volume bindings reports it).
fn persistent_volume(
    name: &str,
    fields: &Record,
    span: crate::source::Span,
) -> Option<PersistentVolume> {
    let source = if let Some(nfs) = data::map(fields, "nfs") {
        PersistentVolumeSource::Nfs {
            server: data::string(nfs, "server")?,
            path: data::string(nfs, "path")?,
            read_only: data::boolean(nfs, "read_only", false),
        }
    } else {
        let host = data::map(fields, "host_path")?;
        PersistentVolumeSource::HostPath {
            path: data::string(host, "path")?,
            kind: data::string(host, "type"),
        }
    };
    Some(PersistentVolume {
        name: name.to_string(),
        capacity: quantity_text(data::get(fields, "capacity")?)?,
        access_modes: data::strings(fields, "access_modes"),
        reclaim_policy: data::string(fields, "reclaim_policy"),
        storage_class: data::string(fields, "storage_class"),
        volume_mode: data::string(fields, "volume_mode"),
        mount_options: data::strings(fields, "mount_options"),
        source,
        labels: data::string_map(fields, "labels"),
        span,
    })
}

/// An explicit ExternalSecret.
fn external_secret(name: &str, fields: &Record, span: crate::source::Span) -> ExternalSecret {
    let data = data::map(fields, "data")
        .into_iter()
        .flat_map(|m| m.iter())
        .filter_map(|(key, field)| match &field.value.kind {
            V::SecretKey {
                secret,
                key: property,
            } => Some((
                key.clone(),
                SecretRef {
                    secret: secret.clone(),
                    key: property.clone(),
                },
            )),
            _ => None,
        })
        .collect();
    let refresh_interval = match data::get(fields, "refresh_interval").map(|v| &v.kind) {
        Some(V::Unit { number, unit }) => unit_text(number, unit),
        _ => "1h".to_string(),
    };
    ExternalSecret {
        name: name.to_string(),
        target: data::string(fields, "target").unwrap_or_else(|| name.to_string()),
        store: data::string(fields, "store"),
        store_kind: data::string(fields, "store_kind")
            .unwrap_or_else(|| "ClusterSecretStore".to_string()),
        refresh_interval,
        creation_policy: data::string(fields, "creation_policy")
            .unwrap_or_else(|| "Owner".to_string()),
        data,
        template: data::string_map(fields, "template"),
        template_type: data::string(fields, "template_type"),
        span,
    }
}

/// The rules of a role field.
fn policy_rules(fields: &Record, name: &str) -> Vec<PolicyRule> {
    data::list(fields, name)
        .iter()
        .filter_map(|v| match &v.kind {
            V::Record(r) => Some(PolicyRule {
                api_groups: data::strings(r, "api_groups"),
                resources: data::strings(r, "resources"),
                resource_names: data::strings(r, "resource_names"),
                verbs: data::strings(r, "verbs"),
                non_resource_urls: data::strings(r, "non_resource_urls"),
            }),
            _ => None,
        })
        .collect()
}

/// A quantity as text.
fn quantity_text(value: &Value) -> Option<String> {
    match &value.kind {
        V::Unit { number, unit } => Some(unit_text(number, unit)),
        V::Int(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A project file's path, `/`-separated without `.` segments, or `None` when it is absolute,
/// leaves the project (`..`) or is empty.
pub fn clean_path(path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return None;
    }
    let mut parts = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => continue,
            ".." => return None,
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::clean_path;

    #[test]
    fn project_files_stay_inside_the_project() {
        assert_eq!(
            clean_path("./config//a.yml").as_deref(),
            Some("config/a.yml")
        );
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "c:\\x", "."] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }
}
