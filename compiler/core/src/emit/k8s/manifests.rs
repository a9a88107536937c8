//! One app's manifests: `deployment.yaml`, `service.yaml` (when the app has ports),
//! `ingress.yaml` (when it is exposed on the tailnet), one `external-secret-<secret>.yaml` per
//! 1Password item its environment reads, and the `kustomization.yaml` that lists them and pins
//! the image tags.
//!
//! An ExternalSecret is named after its item, so two apps in one namespace that read one item
//! would write the same object twice, and their Applications would fight over it. The first of
//! them in declaration order writes it, with every field any of them reads; the others' pods
//! read the Secret it creates.

use indexmap::IndexMap;

use crate::emit::yaml::{document, Map, Yaml};
use crate::emit::{header_lines, put};
use crate::model::{App, EnvValue, Model, Origin, Principal, Secret};
use crate::Outputs;

use super::containers::{container, Images};
use super::{provenance, ROOT};

/// The label every app's pods carry and its Service selects on.
const APP_LABEL: &str = "app";

/// The files of one app's directory, in the order `kustomization.yaml` lists them.
struct Directory<'o> {
    path: String,
    files: Vec<String>,
    out: &'o mut Outputs,
}

impl Directory<'_> {
    /// Writes one object to a file of the directory.
    fn write(&mut self, file: &str, object: Map, origins: &[&Origin]) {
        let text = document(&header_lines(origins), &object.into());
        put(self.out, format!("{}/{file}", self.path), text, origins);
        self.files.push(file.to_string());
    }
}

/// Writes the manifests of one app.
pub(super) fn emit(model: &Model, app: &App, out: &mut Outputs) {
    let images = Images::of(app);
    let mut dir = Directory {
        path: format!("{ROOT}/manifests/{}", app.name),
        files: Vec::new(),
        out,
    };
    dir.write(
        "deployment.yaml",
        deployment(model, app, &images),
        &[&app.origin],
    );
    if !app.ports.is_empty() {
        dir.write("service.yaml", service(app), &[&app.origin]);
    }
    if let Some(ingress) = ingress(model, app) {
        dir.write("ingress.yaml", ingress, &[&app.origin]);
    }
    let cluster = model.clusters.iter().find(|c| c.name == app.cluster);
    for secret in used_secrets(model, app).into_keys() {
        let Some(declared) = model.secrets.iter().find(|s| s.name == secret) else {
            continue;
        };
        let Some(cluster) = cluster else {
            continue;
        };
        // One ExternalSecret per item and namespace: the first app that reads the item writes
        // it, with every field that any of the apps reads.
        let readers = readers(model, app, secret);
        if readers.first().is_some_and(|first| first.name != app.name) {
            continue;
        }
        let keys = shared_keys(model, &readers, declared);
        let mut origins: Vec<&Origin> = readers.iter().map(|a| &a.origin).collect();
        if origins.is_empty() {
            origins.push(&app.origin);
        }
        origins.push(&declared.origin);
        let data: Vec<Yaml> = keys
            .iter()
            .map(|key| {
                Map::new()
                    .with("secretKey", *key)
                    .with(
                        "remoteRef",
                        Map::new()
                            .with("key", &declared.item)
                            .with("property", *key),
                    )
                    .into()
            })
            .collect();
        let name = declared.k8s_name();
        let object = Map::new()
            .with("apiVersion", "external-secrets.io/v1")
            .with("kind", "ExternalSecret")
            .with("metadata", metadata(&name, app, Map::new(), &origins))
            .with(
                "spec",
                Map::new()
                    .with("refreshInterval", "1h")
                    .with(
                        "secretStoreRef",
                        Map::new()
                            .with("kind", "ClusterSecretStore")
                            .with("name", &cluster.secret_store),
                    )
                    .with(
                        "target",
                        Map::new()
                            .with("name", name.as_str())
                            .with("creationPolicy", "Owner"),
                    )
                    .with("data", data),
            );
        dir.write(&format!("external-secret-{name}.yaml"), object, &origins);
    }

    let pins: Vec<Yaml> = images
        .pins()
        .map(|(name, tag)| Map::new().with("name", name).with("newTag", tag).into())
        .collect();
    let kustomization = Map::new()
        .with("apiVersion", "kustomize.config.k8s.io/v1beta1")
        .with("kind", "Kustomization")
        .with("namespace", &app.namespace)
        .with(
            "resources",
            dir.files.iter().map(Yaml::from).collect::<Vec<_>>(),
        )
        .with_nonempty("images", pins);
    let text = document(&header_lines(&[&app.origin]), &kustomization.into());
    put(
        dir.out,
        format!("{}/kustomization.yaml", dir.path),
        text,
        &[&app.origin],
    );
}

/// An object's `metadata`: name, namespace and any annotations, with a comment naming the
/// declarations it came from.
fn metadata(name: &str, app: &App, annotations: Map, origins: &[&Origin]) -> Yaml {
    Map::new()
        .with("name", provenance(origins, name))
        .with("namespace", &app.namespace)
        .with_nonempty("annotations", annotations)
        .into()
}

/// The Deployment: replicas, the `app` selector, the pod's labels and containers.
fn deployment(model: &Model, app: &App, images: &Images) -> Map {
    let mut labels = Map::new().with(APP_LABEL, &app.name);
    for (key, value) in &app.labels {
        if key != APP_LABEL {
            labels.insert(key.clone(), value);
        }
    }
    let containers: Vec<Yaml> = app
        .containers
        .iter()
        .map(|c| container(model, app, c, images))
        .collect();
    Map::new()
        .with("apiVersion", "apps/v1")
        .with("kind", "Deployment")
        .with(
            "metadata",
            metadata(&app.name, app, Map::new(), &[&app.origin]),
        )
        .with(
            "spec",
            Map::new()
                .with("replicas", app.replicas)
                .with(
                    "selector",
                    Map::new().with("matchLabels", Map::new().with(APP_LABEL, &app.name)),
                )
                .with(
                    "template",
                    Map::new()
                        .with("metadata", Map::new().with("labels", labels))
                        .with("spec", Map::new().with("containers", containers)),
                ),
        )
}

/// The Service: a ClusterIP port for each of the app's named ports, targeting the container
/// port of the same name.
fn service(app: &App) -> Map {
    let ports: Vec<Yaml> = app
        .ports
        .iter()
        .map(|p| {
            Map::new()
                .with("name", &p.name)
                .with("port", p.port)
                .with("targetPort", &p.name)
                .with("protocol", "TCP")
                .into()
        })
        .collect();
    Map::new()
        .with("apiVersion", "v1")
        .with("kind", "Service")
        .with(
            "metadata",
            metadata(&app.name, app, Map::new(), &[&app.origin]),
        )
        .with(
            "spec",
            Map::new()
                .with("type", "ClusterIP")
                .with("selector", Map::new().with(APP_LABEL, &app.name))
                .with("ports", ports),
        )
}

/// The Tailscale Ingress of an exposed app, like the corpus's: the `tailscale` class, the
/// hostname as its only TLS host, the Service's port as its default backend.
fn ingress(model: &Model, app: &App) -> Option<Map> {
    let expose = app.expose.as_ref()?;
    let port = app.ports.iter().find(|p| p.name == expose.port)?;
    let cluster = model.clusters.iter().find(|c| c.name == app.cluster);

    let mut annotations = Map::new();
    let tags: Vec<String> = expose
        .tags
        .iter()
        .filter_map(|s| match &s.principal {
            Principal::Tag(name) => Some(format!("tag:{name}")),
            _ => None,
        })
        .collect();
    if !tags.is_empty() {
        annotations.insert("tailscale.com/tags", tags.join(","));
    }
    if expose.funnel {
        annotations.insert("tailscale.com/funnel", "true");
    }
    if let Some(group) = cluster.and_then(|c| c.proxy_group.as_ref()) {
        annotations.insert("tailscale.com/proxy-group", group);
    }
    for (key, value) in &expose.annotations {
        annotations.insert(key.clone(), value);
    }

    let object = Map::new()
        .with("apiVersion", "networking.k8s.io/v1")
        .with("kind", "Ingress")
        .with(
            "metadata",
            metadata(
                &format!("{}-tailscale", app.name),
                app,
                annotations,
                &[&app.origin],
            ),
        )
        .with(
            "spec",
            Map::new()
                .with("ingressClassName", "tailscale")
                .with(
                    "defaultBackend",
                    Map::new().with(
                        "service",
                        Map::new()
                            .with("name", &app.name)
                            .with("port", Map::new().with("number", port.port)),
                    ),
                )
                .with(
                    "tls",
                    vec![Yaml::from(
                        Map::new().with("hosts", vec![Yaml::from(&expose.hostname)]),
                    )],
                ),
        );
    Some(object)
}

/// The apps in the app's cluster and namespace that read a secret, in declaration order: they
/// share the one ExternalSecret of that secret in the namespace.
fn readers<'m>(model: &'m Model, app: &App, secret: &str) -> Vec<&'m App> {
    model
        .apps
        .iter()
        .filter(|a| a.cluster == app.cluster && a.namespace == app.namespace)
        .filter(|a| used_secrets(model, a).contains_key(secret))
        .collect()
}

/// Every key of a secret that any of the apps reads, in the order the secret declares them.
fn shared_keys<'m>(model: &'m Model, apps: &[&'m App], secret: &'m Secret) -> Vec<&'m str> {
    let mut keys: Vec<&str> = Vec::new();
    for app in apps {
        let used = used_secrets(model, app);
        for key in used.get(secret.name.as_str()).into_iter().flatten() {
            if !keys.contains(key) {
                keys.push(key);
            }
        }
    }
    keys.sort_by_key(|key| {
        secret
            .keys
            .iter()
            .position(|k| k == key)
            .unwrap_or(usize::MAX)
    });
    keys
}

/// The secrets an app's environment reads, in order of first use, each with the keys it reads in
/// the order the secret declares them.
fn used_secrets<'m>(model: &'m Model, app: &'m App) -> IndexMap<&'m str, Vec<&'m str>> {
    let mut used: IndexMap<&str, Vec<&str>> = IndexMap::new();
    for container in &app.containers {
        for var in &container.env {
            if let EnvValue::Secret(secret_ref) = &var.value {
                let keys = used.entry(secret_ref.secret.as_str()).or_default();
                if !keys.contains(&secret_ref.key.as_str()) {
                    keys.push(secret_ref.key.as_str());
                }
            }
        }
    }
    for (secret, keys) in used.iter_mut() {
        let Some(declared) = model.secrets.iter().find(|s| s.name == *secret) else {
            continue;
        };
        keys.sort_by_key(|key| {
            declared
                .keys
                .iter()
                .position(|k| k == key)
                .unwrap_or(usize::MAX)
        });
    }
    used
}
