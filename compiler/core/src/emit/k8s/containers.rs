//! The containers of a Deployment: image, command, named ports, environment, resources and
//! probes, in the key order people write them.

use indexmap::IndexMap;

use crate::emit::yaml::{Map, Yaml};
use crate::model::{App, Container, EnvValue, EnvVar, Image, Model, Probe, ProbeCheck};

use super::seconds;

/// How an app's manifests refer to its images: repositories whose tag `kustomization.yaml` pins
/// are written by name only.
#[derive(Clone, Debug, Default)]
pub(super) struct Images {
    /// Repository to tag, for the repositories every container of the app uses at one tag.
    pinned: IndexMap<String, String>,
}

impl Images {
    /// Decides which of an app's images kustomize pins.
    pub(super) fn of(app: &App) -> Images {
        let mut tags: IndexMap<&str, Vec<Option<&str>>> = IndexMap::new();
        for container in &app.containers {
            tags.entry(container.image.name.as_str())
                .or_default()
                .push(container.image.tag.as_deref());
        }
        let mut pinned = IndexMap::new();
        for (name, uses) in tags {
            let Some(Some(first)) = uses.first() else {
                continue;
            };
            if uses.iter().all(|t| *t == Some(*first)) {
                pinned.insert(name.to_string(), (*first).to_string());
            }
        }
        Images { pinned }
    }

    /// The `images` entries of `kustomization.yaml`, in order of first use.
    pub(super) fn pins(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pinned.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    /// How a container's `image` field names an image.
    fn reference(&self, image: &Image) -> String {
        if self.pinned.contains_key(&image.name) {
            return image.name.clone();
        }
        match &image.tag {
            Some(tag) => format!("{}:{tag}", image.name),
            None => image.name.clone(),
        }
    }
}

/// One entry of a pod's `containers`.
pub(super) fn container(model: &Model, app: &App, container: &Container, images: &Images) -> Yaml {
    let ports: Vec<Yaml> = container
        .ports
        .iter()
        .filter_map(|name| app.ports.iter().find(|p| &p.name == name))
        .map(|p| {
            Map::new()
                .with("name", &p.name)
                .with("containerPort", p.port)
                .with("protocol", "TCP")
                .into()
        })
        .collect();
    let env: Vec<Yaml> = container
        .env
        .iter()
        .map(|var| env_var(model, var))
        .collect();
    let resources = Map::new()
        .with_nonempty("requests", quantities(&container.requests))
        .with_nonempty("limits", quantities(&container.limits));
    Map::new()
        .with("name", &container.name)
        .with("image", images.reference(&container.image))
        .with_nonempty("command", strings(&container.command))
        .with_nonempty("args", strings(&container.args))
        .with_nonempty("ports", ports)
        .with_nonempty("env", env)
        .with_nonempty("resources", resources)
        .with_opt("livenessProbe", container.liveness.as_ref().map(probe))
        .with_opt("readinessProbe", container.readiness.as_ref().map(probe))
        .with_opt("startupProbe", container.startup.as_ref().map(probe))
        .into()
}

/// The name of the Kubernetes Secret a declared secret is materialised into.
fn secret_name(model: &Model, secret: &str) -> String {
    match model.secrets.iter().find(|s| s.name == secret) {
        Some(s) => s.k8s_name(),
        None => secret.replace('_', "-"),
    }
}

/// An environment variable: a literal value, or a key of the Kubernetes Secret its
/// ExternalSecret creates.
fn env_var(model: &Model, var: &EnvVar) -> Yaml {
    let entry = Map::new().with("name", &var.name);
    match &var.value {
        EnvValue::Literal(value) => entry.with("value", value),
        EnvValue::Secret(secret_ref) => entry.with(
            "valueFrom",
            Map::new().with(
                "secretKeyRef",
                Map::new()
                    .with("name", secret_name(model, &secret_ref.secret))
                    .with("key", &secret_ref.key),
            ),
        ),
    }
    .into()
}

/// A probe: its check on a named port or a command, then its timings.
fn probe(probe: &Probe) -> Yaml {
    let check = match &probe.check {
        ProbeCheck::Http { path, port } => {
            Map::new().with("httpGet", Map::new().with("path", path).with("port", port))
        }
        ProbeCheck::Tcp { port } => Map::new().with("tcpSocket", Map::new().with("port", port)),
        ProbeCheck::Exec { command } => {
            Map::new().with("exec", Map::new().with("command", strings(command)))
        }
    };
    check
        .with_opt("initialDelaySeconds", probe.initial_delay.map(seconds))
        .with_opt("periodSeconds", probe.period.map(seconds))
        .with_opt("timeoutSeconds", probe.timeout.map(seconds))
        .with_opt("failureThreshold", probe.failure_threshold)
        .into()
}

/// Quantities as a mapping of strings (`cpu: 50m`).
fn quantities(values: &IndexMap<String, String>) -> Map {
    Map(values
        .iter()
        .map(|(k, v)| (k.clone(), Yaml::from(v)))
        .collect())
}

/// A list of strings.
fn strings(values: &[String]) -> Vec<Yaml> {
    values.iter().map(Yaml::from).collect()
}
