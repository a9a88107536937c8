//! One app's directory: its workload (`deployment.yaml`, `statefulset.yaml` or
//! `daemonset.yaml`), `service.yaml` (when the app has ports), `ingress.yaml` (when it is exposed
//! on the tailnet), its other objects (see [`super::objects`]), one
//! `external-secret-<secret>.yaml` per 1Password item its environment reads without an explicit
//! ExternalSecret, `external-secret-<app>-secret-text.yaml` when its environment holds secret
//! texts (see [`super::secret_text`]), the project files its ConfigMaps are generated from, and the
//! `kustomization.yaml` that lists them, pins the image tags and generates those ConfigMaps.
//!
//! An implicit ExternalSecret is named after its item, so two apps in one namespace that read one
//! item would write the same object twice, and their Applications would fight over it. The first
//! of them in declaration order writes it, with every field any of them reads; the others' pods
//! read the Secret it creates.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::emit::yaml::{document, Map, Yaml};
use crate::emit::{header_lines, put};
use crate::model::{App, EnvValue, Model, Origin, Principal, Secret, WorkloadKind};
use crate::Outputs;

use super::containers::{pod_spec, Images, PodContext};
use super::objects;
use super::{provenance, ROOT};

/// The label every app's pods carry and its Service selects on.
pub(super) const APP_LABEL: &str = "app";

/// The files of one app's directory, in the order `kustomization.yaml` lists them.
pub(super) struct Directory<'o> {
    path: String,
    /// Files listed under `resources`.
    files: Vec<String>,
    /// `configMapGenerator` entries.
    generators: Vec<Yaml>,
    /// Every file name written, resources or not.
    taken: Vec<String>,
    out: &'o mut Outputs,
}

impl Directory<'_> {
    /// Writes one object to a file of the directory and lists it as a resource.
    pub(super) fn write(&mut self, file: &str, object: Map, origins: &[&Origin]) {
        let text = document(&header_lines(origins), &object.into());
        put(self.out, format!("{}/{file}", self.path), text, origins);
        self.files.push(file.to_string());
        self.taken.push(file.to_string());
    }

    /// Writes a file as it is (a generator's input, an included manifest); `resource` lists it
    /// in `resources`.
    pub(super) fn copy(&mut self, file: &str, text: String, origins: &[&Origin], resource: bool) {
        put(self.out, format!("{}/{file}", self.path), text, origins);
        if resource {
            self.files.push(file.to_string());
        }
        self.taken.push(file.to_string());
    }

    /// Whether a file name is already used in the directory.
    pub(super) fn is_taken(&self, file: &str) -> bool {
        self.taken.iter().any(|f| f == file)
    }

    /// Adds a `configMapGenerator` entry.
    pub(super) fn generate(&mut self, entry: Yaml) {
        self.generators.push(entry);
    }
}

/// Writes the manifests of one app; `assets` holds the project files its ConfigMaps and
/// manifests name.
pub(super) fn emit(model: &Model, app: &App, assets: &BTreeMap<String, String>, out: &mut Outputs) {
    let images = Images::of(app);
    let mut dir = Directory {
        path: format!("{ROOT}/manifests/{}", app.manifests_dir()),
        files: Vec::new(),
        generators: Vec::new(),
        taken: Vec::new(),
        out,
    };
    let cx = PodContext {
        model,
        app,
        images: &images,
    };
    if let Some(namespace) = objects::namespace(app) {
        dir.write("namespace.yaml", namespace, &[&app.origin]);
    }
    let file = match app.kind {
        WorkloadKind::Deployment => "deployment.yaml",
        WorkloadKind::StatefulSet => "statefulset.yaml",
        WorkloadKind::DaemonSet => "daemonset.yaml",
    };
    if app.has_workload() {
        dir.write(file, workload(&cx), &[&app.origin]);
    }
    if app.has_workload() && app.service.enabled && !app.ports.is_empty() {
        dir.write("service.yaml", service(app), &[&app.origin]);
    }
    if let Some(ingress) = ingress(model, app) {
        dir.write("ingress.yaml", ingress, &[&app.origin]);
    }
    objects::emit(&cx, assets, &mut dir);
    objects::custom_resources(app, &mut dir);
    implicit_external_secrets(model, app, &mut dir);
    super::secret_text::emit(model, app, &mut dir);

    let mut pins: Vec<Yaml> = images
        .pins()
        .map(|(name, tag)| Map::new().with("name", name).with("newTag", tag).into())
        .collect();
    for over in &app.objects.image_overrides {
        pins.push(
            Map::new()
                .with("name", &over.name)
                .with_opt("newName", over.new_name.as_ref())
                .with_opt("newTag", over.new_tag.as_ref())
                .with_opt("digest", over.digest.as_ref())
                .into(),
        );
    }
    let kustomization = Map::new()
        .with("apiVersion", "kustomize.config.k8s.io/v1beta1")
        .with("kind", "Kustomization")
        .with("namespace", &app.namespace)
        .with(
            "resources",
            dir.files.iter().map(Yaml::from).collect::<Vec<_>>(),
        )
        .with_nonempty("images", pins)
        .with_nonempty("configMapGenerator", std::mem::take(&mut dir.generators));
    let text = document(&header_lines(&[&app.origin]), &kustomization.into());
    put(
        dir.out,
        format!("{}/kustomization.yaml", dir.path),
        text,
        &[&app.origin],
    );
}

/// An object's `metadata`: name, namespace and any labels and annotations, with a comment naming
/// the declarations it came from.
pub(super) fn metadata(
    name: &str,
    app: &App,
    labels: Map,
    annotations: Map,
    origins: &[&Origin],
) -> Yaml {
    Map::new()
        .with("name", provenance(origins, name))
        .with("namespace", &app.namespace)
        .with_nonempty("labels", labels)
        .with_nonempty("annotations", annotations)
        .into()
}

/// The metadata of a cluster-scoped object: no namespace.
pub(super) fn cluster_metadata(name: &str, labels: Map, origins: &[&Origin]) -> Yaml {
    Map::new()
        .with("name", provenance(origins, name))
        .with_nonempty("labels", labels)
        .into()
}

/// A map of strings.
pub(super) fn string_map(values: &IndexMap<String, String>) -> Map {
    Map(values
        .iter()
        .map(|(k, v)| (k.clone(), Yaml::from(v)))
        .collect())
}

/// The `app` label selecting the app's pods.
pub(super) fn selector(app: &App) -> Map {
    Map::new().with(APP_LABEL, &app.workload_name)
}

/// The workload: its kind's own fields, the `app` selector, the pod's labels and spec.
fn workload(cx: &PodContext<'_>) -> Map {
    let app = cx.app;
    let mut labels = selector(app);
    for (key, value) in app.labels.iter().chain(&app.pod.labels) {
        if key != APP_LABEL {
            labels.insert(key.clone(), value);
        }
    }
    let pod = pod_spec(cx, &app.pod, &app.init_containers, &app.containers);
    let template = Map::new()
        .with(
            "metadata",
            Map::new()
                .with("labels", labels)
                .with_nonempty("annotations", string_map(&app.pod.annotations)),
        )
        .with("spec", pod);
    let kind = match app.kind {
        WorkloadKind::Deployment => "Deployment",
        WorkloadKind::StatefulSet => "StatefulSet",
        WorkloadKind::DaemonSet => "DaemonSet",
    };
    let mut spec = Map::new();
    if app.kind == WorkloadKind::StatefulSet {
        spec.insert("serviceName", &app.workload_name);
    }
    if app.kind != WorkloadKind::DaemonSet {
        spec.insert("replicas", app.replicas);
    }
    if let Some(strategy) = &app.strategy {
        let key = if app.kind == WorkloadKind::Deployment {
            "strategy"
        } else {
            "updateStrategy"
        };
        spec.insert(key, objects::strategy(strategy));
    }
    let mut spec = spec
        .with("selector", Map::new().with("matchLabels", selector(app)))
        .with("template", template);
    if app.kind == WorkloadKind::StatefulSet {
        spec = spec.with_nonempty("volumeClaimTemplates", objects::claim_templates(app));
    }
    Map::new()
        .with("apiVersion", "apps/v1")
        .with("kind", kind)
        .with(
            "metadata",
            metadata(
                &app.workload_name,
                app,
                Map::new(),
                string_map(&app.annotations),
                &[&app.origin],
            ),
        )
        .with("spec", spec)
}

/// The Service: a port for each of the app's ports, targeting the container port of the same
/// name; a Tailscale LoadBalancer carries its hostname and tags as annotations.
fn service(app: &App) -> Map {
    let settings = &app.service;
    let ports: Vec<Yaml> = app
        .ports
        .iter()
        .map(|p| {
            let entry = if settings.named_ports {
                Map::new()
                    .with("name", &p.name)
                    .with("port", p.port)
                    .with("targetPort", &p.name)
            } else {
                Map::new().with("port", p.port).with("targetPort", p.port)
            };
            entry.with("protocol", "TCP").into()
        })
        .collect();
    let mut annotations = Map::new();
    if let Some(hostname) = &settings.hostname {
        annotations.insert("tailscale.com/hostname", hostname);
    }
    let tags = tag_list(&settings.tags);
    if !tags.is_empty() {
        annotations.insert("tailscale.com/tags", tags);
    }
    for (key, value) in &settings.annotations {
        annotations.insert(key.clone(), value);
    }
    Map::new()
        .with("apiVersion", "v1")
        .with("kind", "Service")
        .with(
            "metadata",
            metadata(
                &app.workload_name,
                app,
                string_map(&settings.labels),
                annotations,
                &[&app.origin],
            ),
        )
        .with(
            "spec",
            Map::new()
                .with("type", &settings.kind)
                .with_opt("loadBalancerClass", settings.load_balancer_class.as_ref())
                .with_opt("clusterIP", settings.cluster_ip.as_ref())
                .with("selector", selector(app))
                .with("ports", ports),
        )
}

/// Tags as the Tailscale operator's annotations write them, `tag:a,tag:b`.
fn tag_list(selectors: &[crate::model::Selector]) -> String {
    selectors
        .iter()
        .filter_map(|s| match &s.principal {
            Principal::Tag(name) => Some(format!("tag:{name}")),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The Tailscale Ingress of an exposed app, like the corpus's: the `tailscale` class, the
/// hostname as its only TLS host, the Service's port as its default backend.
fn ingress(model: &Model, app: &App) -> Option<Map> {
    let expose = app.expose.as_ref()?;
    let port = app.ports.iter().find(|p| p.name == expose.port)?;
    let cluster = model.clusters.iter().find(|c| c.name == app.cluster);

    let mut annotations = Map::new();
    let tags = tag_list(&expose.tags);
    if !tags.is_empty() {
        annotations.insert("tailscale.com/tags", tags);
    }
    if expose.funnel {
        annotations.insert("tailscale.com/funnel", "true");
    }
    let group = expose
        .proxy_group
        .as_ref()
        .or_else(|| cluster.and_then(|c| c.proxy_group.as_ref()));
    if let Some(group) = group {
        annotations.insert("tailscale.com/proxy-group", group);
    }
    let class = expose
        .proxy_class
        .as_ref()
        .or_else(|| cluster.and_then(|c| c.proxy_class.as_ref()));
    if let Some(class) = class {
        annotations.insert("tailscale.com/proxy-class", class);
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
                &format!("{}-tailscale", app.workload_name),
                app,
                Map::new(),
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
                            .with("name", &app.workload_name)
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

/// The ExternalSecrets of the 1Password items the app's containers read that no explicit
/// ExternalSecret of the app covers.
fn implicit_external_secrets(model: &Model, app: &App, dir: &mut Directory<'_>) {
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
            .with(
                "metadata",
                metadata(&name, app, Map::new(), Map::new(), &origins),
            )
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

/// The secrets an app's containers read through an implicit ExternalSecret, in order of first
/// use, each with the keys it reads in the order the secret declares them. A key an explicit
/// ExternalSecret of the app maps is read through that one instead.
pub(super) fn used_secrets<'m>(model: &'m Model, app: &'m App) -> IndexMap<&'m str, Vec<&'m str>> {
    let mut used: IndexMap<&str, Vec<&str>> = IndexMap::new();
    for container in app.all_containers() {
        for var in &container.env {
            let EnvValue::Secret(secret_ref) = &var.value else {
                continue;
            };
            let explicit = app
                .objects
                .external_secrets
                .iter()
                .any(|e| e.data.iter().any(|(_, r)| r == secret_ref));
            if explicit {
                continue;
            }
            let keys = used.entry(secret_ref.secret.as_str()).or_default();
            if !keys.contains(&secret_ref.key.as_str()) {
                keys.push(secret_ref.key.as_str());
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
