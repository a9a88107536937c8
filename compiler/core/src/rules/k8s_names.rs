//! B3016: a name that Kubernetes rejects.
//!
//! The Kubernetes emitter writes names straight from the project: an app's name is its
//! Deployment, Service, Argo CD Application and main container; its namespace, port names,
//! sidecar names, labels, Ingress annotations and resource names are written as given; a secret
//! an app reads becomes an ExternalSecret and a Secret named `Secret::k8s_name()`, holding the
//! keys the app reads. The API server validates each of these names, and a manifest with one bad
//! name fails to sync as a whole. The schema validators run offline do not check names, so bops
//! does, with the API server's rules (see [`valid`]):
//!
//! - app names, namespaces and sidecar names are DNS-1123 labels;
//! - port names are IANA service names;
//! - label keys and Ingress annotation keys are qualified names, label values label values;
//! - resource names are standard (`cpu`, `memory`, ...) or extended (`vendor.example/name`);
//! - the Kubernetes name of a secret an app reads is a DNS-1123 subdomain, and each key it reads
//!   is a valid key of a Secret's data;
//! - the Argo CD namespace and the secret store of a cluster that runs apps are a DNS-1123
//!   label and subdomain.
//!
//! - the names of the workload, its containers and volumes and of the app's other objects
//!   (claims, volumes, ConfigMaps, ExternalSecrets and their Secrets, service accounts, roles,
//!   bindings, jobs, runtime classes) are DNS-1123 labels or subdomains as Kubernetes requires,
//!   the keys of an explicit ExternalSecret valid Secret keys, and the keys of the other labels and
//!   annotations qualified names.
//!
//! A name the project only defaults (a namespace that is the app's name) is not reported again
//! when the name it comes from already is. Secrets no app reads are not checked: they never reach
//! Kubernetes.

use std::collections::BTreeSet;

use crate::check::suggest::closest;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{App, EnvValue, Model};
use crate::source::Span;

use super::valid;

/// Reports every name of the Kubernetes files that Kubernetes would reject.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        check_app(model, app, out);
    }
    check_secrets(model, out);
    check_clusters(model, out);
}

/// The app's own names.
fn check_app(model: &Model, app: &App, out: &mut Vec<Diagnostic>) {
    let spans = &model.spans;
    let origin = &app.origin;
    let name_ok = valid::dns_label(&app.name);
    if let Err(why) = &name_ok {
        out.push(
            invalid(
                format!("app name `{}` is not a valid Kubernetes name", app.name),
                origin.span,
                why,
            )
            .with_note("an app's name is the name of its Deployment, Service, main container and Argo CD Application, which must be a DNS-1123 label: lowercase letters, digits and `-`, at most 63 characters")
            .with_help(rename_help("the app", &app.name, valid::dns_label_like(&app.name))),
        );
    }
    let defaulted = app.namespace == app.name && spans.get(origin, "namespace").is_none();
    if !(defaulted && name_ok.is_err()) {
        if let Err(why) = valid::dns_label(&app.namespace) {
            out.push(
                invalid(
                    format!("namespace `{}` of app `{}` is not a valid Kubernetes name", app.namespace, app.name),
                    spans.at(origin, "namespace"),
                    &why,
                )
                .with_note("a namespace must be a DNS-1123 label: lowercase letters, digits and `-`, at most 63 characters")
                .with_help(rename_help("the namespace", &app.namespace, valid::dns_label_like(&app.namespace))),
            );
        }
    }
    for (index, container) in app.containers.iter().enumerate().skip(1) {
        if unnamed(model, app, index) {
            continue;
        }
        if let Err(why) = valid::dns_label(&container.name) {
            out.push(
                invalid(
                    format!("sidecar name `{}` of app `{}` is not a valid Kubernetes name", container.name, app.name),
                    spans.at(origin, &format!("containers.{index}.name")),
                    &why,
                )
                .with_note("a container's name must be a DNS-1123 label: lowercase letters, digits and `-`, at most 63 characters")
                .with_help(rename_help("the sidecar", &container.name, valid::dns_label_like(&container.name))),
            );
        }
    }
    for port in &app.ports {
        if let Err(why) = valid::port_name(&port.name) {
            let span = match spans.get(origin, &format!("ports.{}", port.name)) {
                Some(span) if span.file == origin.span.file => span,
                _ => port.span,
            };
            out.push(
                invalid(
                    format!("port name `{}` of app `{}` is not a valid Kubernetes port name", port.name, app.name),
                    span,
                    &why,
                )
                .with_note("Kubernetes names ports with IANA service names: at most 15 lowercase letters, digits and `-`, with at least one letter and no `--`")
                .with_help("use a short lowercase name such as `http`, `metrics` or `grpc-web`"),
            );
        }
    }
    check_metadata(model, app, out);
    check_objects(app, out);
}

/// The names of the app's workload, containers, volumes and other objects, and the keys of its
/// other labels and annotations.
fn check_objects(app: &App, out: &mut Vec<Diagnostic>) {
    let at = |span: Span| {
        if span.file == app.origin.span.file && span != Span::default() {
            span
        } else {
            app.origin.span
        }
    };
    let mut label = |what: &str, name: &str, span: Span| {
        if let Err(why) = valid::dns_label(name) {
            out.push(
                invalid(format!("{what} `{name}` of app `{}` is not a valid Kubernetes name", app.name), at(span), &why)
                    .with_note("this name must be a DNS-1123 label: lowercase letters, digits and `-`, at most 63 characters")
                    .with_help(rename_help("it", name, valid::dns_label_like(name))),
            );
        }
    };
    if app.workload_name != app.name {
        label("workload name", &app.workload_name, app.origin.span);
    }
    if let Some(main) = app.containers.first() {
        if main.name != app.workload_name {
            label("container name", &main.name, app.origin.span);
        }
    }
    for container in &app.init_containers {
        label("init container", &container.name, app.origin.span);
    }
    for volume in &app.pod.volumes {
        label("volume", &volume.name, volume.span);
    }
    for job in &app.objects.jobs {
        label(
            if job.cron.is_some() { "CronJob" } else { "Job" },
            &job.name,
            job.span,
        );
        for container in job
            .pod_template
            .init_containers
            .iter()
            .chain(&job.pod_template.containers)
        {
            label("container", &container.name, job.span);
        }
        for volume in &job.pod_template.pod.volumes {
            label("volume", &volume.name, volume.span);
        }
    }
    let objects = &app.objects;
    let names = objects
        .volume_claims
        .iter()
        .map(|o| ("claim", o.name.as_str(), o.span))
        .chain(
            objects
                .persistent_volumes
                .iter()
                .map(|o| ("PersistentVolume", o.name.as_str(), o.span)),
        )
        .chain(
            objects
                .config_maps
                .iter()
                .map(|o| ("ConfigMap", o.name.as_str(), o.span)),
        )
        .chain(
            objects
                .external_secrets
                .iter()
                .map(|o| ("ExternalSecret", o.name.as_str(), o.span)),
        )
        .chain(
            objects
                .external_secrets
                .iter()
                .map(|o| ("Secret", o.target.as_str(), o.span)),
        )
        .chain(
            objects
                .service_accounts
                .iter()
                .map(|o| ("service account", o.name.as_str(), o.span)),
        )
        .chain(
            objects
                .roles
                .iter()
                .map(|o| ("role", o.name.as_str(), o.span)),
        )
        .chain(
            objects
                .role_bindings
                .iter()
                .map(|o| ("role binding", o.name.as_str(), o.span)),
        )
        .chain(
            objects
                .runtime_classes
                .iter()
                .map(|o| ("RuntimeClass", o.name.as_str(), o.span)),
        );
    for (what, name, span) in names {
        if let Err(why) = valid::dns_subdomain(name) {
            out.push(
                invalid(format!("{what} name `{name}` of app `{}` is not a valid Kubernetes name", app.name), at(span), &why)
                    .with_note("an object's name must be a DNS-1123 subdomain: lowercase letters, digits, `-` and `.`, at most 253 characters")
                    .with_help(rename_help("it", name, valid::dns_label_like(name))),
            );
        }
    }
    for external in &objects.external_secrets {
        for (key, _) in &external.data {
            if let Err(why) = valid::secret_key(key) {
                out.push(
                    invalid(format!("key `{key}` of ExternalSecret `{}` of app `{}` cannot be a key of a Kubernetes Secret", external.name, app.name), at(external.span), &why)
                        .with_help("use letters, digits, `-`, `_` and `.`: `db-password`"),
                );
            }
        }
    }
    let keys = app
        .annotations
        .keys()
        .chain(app.pod.labels.keys())
        .chain(app.pod.annotations.keys())
        .chain(app.service.annotations.keys())
        .chain(app.service.labels.keys());
    for key in keys {
        if let Err(why) = valid::qualified_name(key) {
            out.push(
                invalid(format!("label or annotation key `{key}` of app `{}` is not a valid Kubernetes key", app.name), app.origin.span, &why)
                    .with_note("a label or annotation key is an optional DNS prefix and `/` and a name of at most 63 letters, digits, `-`, `_` and `.`")
                    .with_help("use a key like `example.com/owner`"),
            );
        }
    }
}

/// Whether a sidecar has no name because its `name` failed to check (the checker reported it);
/// such a sidecar is left alone.
pub(super) fn unnamed(model: &Model, app: &App, index: usize) -> bool {
    let Some(container) = app.containers.get(index) else {
        return true;
    };
    index > 0
        && container.name.is_empty()
        && model
            .spans
            .get(&app.origin, &format!("containers.{index}.name"))
            .is_none()
}

/// The app's labels, annotations and resource names.
fn check_metadata(model: &Model, app: &App, out: &mut Vec<Diagnostic>) {
    let spans = &model.spans;
    let origin = &app.origin;
    for (key, value) in &app.labels {
        let span = spans.at(origin, &format!("labels.{key}"));
        let verdict = valid::qualified_name(key)
            .map_err(|why| format!("the key {}", after_it(&why)))
            .and_then(|()| {
                valid::label_value(value).map_err(|why| format!("the value {}", after_it(&why)))
            });
        if let Err(why) = verdict {
            out.push(
                invalid(
                    format!("label `{key}: {value}` of app `{}` is not a valid Kubernetes label", app.name),
                    span,
                    &why,
                )
                .with_note("a label key is an optional DNS prefix and `/` and a name of at most 63 letters, digits, `-`, `_` and `.`; a value is empty or such a name")
                .with_help("use a key like `tier` or `example.com/tier` and a value like `backend`"),
            );
        }
    }
    if let Some(expose) = &app.expose {
        for key in expose.annotations.keys() {
            if let Err(why) = valid::qualified_name(key) {
                out.push(
                    invalid(
                        format!("annotation key `{key}` of app `{}` is not a valid Kubernetes annotation key", app.name),
                        spans.at(origin, &format!("expose.annotations.{key}")),
                        &why,
                    )
                    .with_note("an annotation key is an optional DNS prefix and `/` and a name of at most 63 letters, digits, `-`, `_` and `.`")
                    .with_help("use a key like `example.com/owner`"),
                );
            }
        }
    }
    for (index, container) in app.containers.iter().enumerate() {
        for (which, quantities) in [
            ("requests", &container.requests),
            ("limits", &container.limits),
        ] {
            for name in quantities.keys() {
                if let Err(why) = valid::resource_name(name) {
                    out.push(
                        invalid(
                            format!("`{name}` in the resource {which} of app `{}` is not a Kubernetes resource", app.name),
                            spans.at(origin, &format!("containers.{index}.{which}.{name}")),
                            &why,
                        )
                        .with_help(match closest(name, ["cpu", "memory", "ephemeral-storage"]) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => "the usual resources are `cpu`, `memory` and `ephemeral-storage`".to_string(),
                        }),
                    );
                }
            }
        }
    }
}

/// The secrets apps read: their Kubernetes names and the keys read.
fn check_secrets(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut reported_keys: BTreeSet<(&str, &str)> = BTreeSet::new();
    for secret in &model.secrets {
        let uses = uses_of(model, &secret.name);
        let Some((first_app, first_span, _)) = uses.first() else {
            continue;
        };
        let k8s_name = secret.k8s_name();
        if let Err(why) = valid::dns_subdomain(&k8s_name).and_then(|()| valid::file_name(&k8s_name))
        {
            let suggestion = valid::dns_label_like(&k8s_name)
                .map(|s| s.replace('-', "_"))
                .filter(|s| s != &secret.name);
            out.push(
                invalid(
                    format!("secret `{}` would be written to Kubernetes as `{k8s_name}`, which is not a valid name", secret.name),
                    secret.origin.span,
                    &why,
                )
                .with_secondary(*first_span, format!("app `{first_app}` reads it, so it becomes an ExternalSecret and a Secret"))
                .with_note("a secret's Kubernetes name is its name with `_` as `-`, and must be a DNS-1123 subdomain: lowercase letters, digits, `-` and `.`")
                .with_help(rename_help("the secret", &secret.name, suggestion)),
            );
        }
        for (app, span, key) in &uses {
            // An empty key is B3025, at the secret.
            if key.is_empty() || !reported_keys.insert((secret.name.as_str(), key)) {
                continue;
            }
            let Err(why) = valid::secret_key(key) else {
                continue;
            };
            out.push(
                invalid(
                    format!("app `{app}` reads key `{key}` of secret `{}`, which cannot be a key of a Kubernetes Secret", secret.name),
                    *span,
                    &why,
                )
                .with_secondary(model.spans.at(&secret.origin, &format!("keys.{key}")), "the key is declared here")
                .with_note("the ExternalSecret copies each field an app reads into a Secret under the field's name, and a Secret's keys are letters, digits, `-`, `_` and `.`")
                .with_help("rename the field in 1Password (for example `admin-password`) and in `keys`"),
            );
        }
    }
}

/// Where apps read a secret through its implicit ExternalSecret: the app, the environment
/// variable's span and the key, in order.
fn uses_of<'m>(model: &'m Model, secret: &str) -> Vec<(&'m str, Span, &'m str)> {
    let mut uses = Vec::new();
    for app in &model.apps {
        for (index, container) in app.containers.iter().enumerate() {
            for var in &container.env {
                let EnvValue::Secret(secret_ref) = &var.value else {
                    continue;
                };
                if secret_ref.secret != secret {
                    continue;
                }
                // An explicit ExternalSecret of the app maps the key under a name of its own.
                let explicit = app
                    .objects
                    .external_secrets
                    .iter()
                    .any(|e| e.data.iter().any(|(_, r)| r == secret_ref));
                if explicit {
                    continue;
                }
                let span = model
                    .spans
                    .at(&app.origin, &format!("containers.{index}.env.{}", var.name));
                uses.push((app.name.as_str(), span, secret_ref.key.as_str()));
            }
        }
    }
    uses
}

/// The Argo CD namespace of the cluster Applications live on, and the secret store of every
/// cluster that runs apps.
fn check_clusters(model: &Model, out: &mut Vec<Diagnostic>) {
    if model.apps.is_empty() {
        return;
    }
    if let Some(home) = model.clusters.first() {
        if let Err(why) = valid::dns_label(&home.argocd_namespace) {
            out.push(
                invalid(
                    format!("Argo CD namespace `{}` of cluster `{}` is not a valid Kubernetes name", home.argocd_namespace, home.name),
                    model.spans.at(&home.origin, "argocd_namespace"),
                    &why,
                )
                .with_note("every Argo CD Application is written to the Argo CD namespace of the first cluster, which must be a DNS-1123 label")
                .with_help("use the namespace Argo CD is installed in, usually `argocd`"),
            );
        }
    }
    for cluster in &model.clusters {
        if !model.apps.iter().any(|a| a.cluster == cluster.name) {
            continue;
        }
        if let Err(why) = valid::dns_subdomain(&cluster.secret_store) {
            out.push(
                invalid(
                    format!("secret store `{}` of cluster `{}` is not a valid Kubernetes name", cluster.secret_store, cluster.name),
                    model.spans.at(&cluster.origin, "secret_store"),
                    &why,
                )
                .with_note("every ExternalSecret names the cluster's ClusterSecretStore, whose name is a DNS-1123 subdomain")
                .with_help("use the name of the ClusterSecretStore that serves 1Password items"),
            );
        }
    }
}

/// The diagnostic with its message, span and reason.
fn invalid(message: String, span: Span, why: &str) -> Diagnostic {
    Diagnostic::error(codes::B3016, message, span).with_label(why.to_string())
}

/// A reason that reads after "it", made to read after "the key" or "the value".
fn after_it(why: &str) -> String {
    why.strip_prefix("it ")
        .or_else(|| why.strip_prefix("its "))
        .unwrap_or(why)
        .to_string()
}

/// How to fix a name: rename it, with a suggestion when there is one.
fn rename_help(what: &str, name: &str, suggestion: Option<String>) -> String {
    match suggestion {
        Some(s) => format!("rename {what}, for example `{name}` to `{s}`"),
        None => format!("rename {what}"),
    }
}
