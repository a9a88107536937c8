//! The workloads layer of the model: clusters, repositories, secrets and apps.

use indexmap::IndexMap;

use crate::source::Span;

use super::{Origin, SecretRef, Selector};

/// A Kubernetes cluster managed by Argo CD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The host the cluster runs on, if declared.
    pub host: Option<String>,
    /// Argo CD's destination server URL.
    pub server: String,
    /// Where Argo CD's Applications live.
    pub argocd_namespace: String,
    /// The ClusterSecretStore that serves 1Password items.
    pub secret_store: String,
    /// The Tailscale operator's ingress proxy group, if any.
    pub proxy_group: Option<String>,
}

/// A Git repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The clone URL.
    pub url: String,
    /// The branch or tag Argo CD follows.
    pub revision: String,
}

/// A 1Password item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name; also the Kubernetes Secret's name with `_` as `-`.
    pub name: String,
    /// The vault (name or id).
    pub vault: String,
    /// The item (name or id).
    pub item: String,
    /// The fields that may be referenced.
    pub keys: Vec<String>,
}

impl Secret {
    /// The name of the Kubernetes Secret an ExternalSecret materialises this item into.
    pub fn k8s_name(&self) -> String {
        self.name.replace('_', "-")
    }
}

/// A workload deployed by Argo CD.
#[derive(Clone, Debug, PartialEq)]
pub struct App {
    /// Where it was declared.
    pub origin: Origin,
    /// The app's name (Application, Deployment and Service name, `app` label).
    pub name: String,
    /// The cluster it runs on.
    pub cluster: String,
    /// Its namespace.
    pub namespace: String,
    /// Replicas.
    pub replicas: u32,
    /// Containers; the first is the main one.
    pub containers: Vec<Container>,
    /// Named ports of the app, served by its Service.
    pub ports: Vec<AppPort>,
    /// The tailnet exposure, a Tailscale Ingress.
    pub expose: Option<Exposure>,
    /// Extra pod labels (the `app` label is always set).
    pub labels: IndexMap<String, String>,
}

/// A named port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppPort {
    /// The port's name (`http`).
    pub name: String,
    /// The number.
    pub port: u16,
    /// Where it was declared.
    pub span: Span,
}

/// A container image split for kustomize's `images` (`name`, `newTag`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Registry and repository, `registry.example/team/app`.
    pub name: String,
    /// The tag, if any.
    pub tag: Option<String>,
}

/// A container.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    /// Its name.
    pub name: String,
    /// Its image.
    pub image: Image,
    /// `command`.
    pub command: Vec<String>,
    /// `args`.
    pub args: Vec<String>,
    /// Environment, in order.
    pub env: Vec<EnvVar>,
    /// Names of the app ports this container serves.
    pub ports: Vec<String>,
    /// `resources.requests` (`cpu`, `memory`, ...), quantities as written.
    pub requests: IndexMap<String, String>,
    /// `resources.limits`.
    pub limits: IndexMap<String, String>,
    /// `livenessProbe`.
    pub liveness: Option<Probe>,
    /// `readinessProbe`.
    pub readiness: Option<Probe>,
    /// `startupProbe`.
    pub startup: Option<Probe>,
}

/// An environment variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// Its value.
    pub value: EnvValue,
}

/// Where an environment variable's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    /// A literal string.
    Literal(String),
    /// A key of a secret, through the Kubernetes Secret its ExternalSecret creates.
    Secret(SecretRef),
}

/// A probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// What it checks.
    pub check: ProbeCheck,
    /// `initialDelaySeconds`.
    pub initial_delay: Option<u64>,
    /// `periodSeconds`.
    pub period: Option<u64>,
    /// `timeoutSeconds`.
    pub timeout: Option<u64>,
    /// `failureThreshold`.
    pub failure_threshold: Option<u32>,
}

/// The kinds of probe check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeCheck {
    /// `httpGet` on a path and a named port of the app.
    Http {
        /// The path.
        path: String,
        /// The port's name.
        port: String,
    },
    /// `tcpSocket` on a named port of the app.
    Tcp {
        /// The port's name.
        port: String,
    },
    /// `exec` of a command.
    Exec {
        /// The command.
        command: Vec<String>,
    },
}

/// A Tailscale Ingress exposing an app on the tailnet at `https://<hostname>.<tailnet domain>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// The tailnet hostname (the device or VIP service name).
    pub hostname: String,
    /// The app port behind it, by name.
    pub port: String,
    /// Tags the Ingress proxy carries (`tailscale.com/tags`); empty means the operator's default.
    pub tags: Vec<Selector>,
    /// Whether the Ingress is also exposed on the public internet through Funnel.
    pub funnel: bool,
    /// Extra annotations on the Ingress.
    pub annotations: IndexMap<String, String>,
    /// Where the exposure was written.
    pub span: Span,
}
