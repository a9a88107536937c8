//! The workloads layer of the model: clusters, repositories, secrets and apps.

use indexmap::IndexMap;

use crate::source::Span;

use super::{Data, Origin, SecretRef, Selector};

mod carried;
mod objects;
mod pod;

pub use carried::*;
pub use objects::*;
pub use pod::*;

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
    /// The Tailscale ProxyClass its Ingresses use by default, if any.
    pub proxy_class: Option<String>,
    /// The tags the cluster's Tailscale operator gives the proxies it creates when a resource
    /// names none (its `PROXY_TAGS`, the Helm value `proxyConfig.defaultTags`); `None` when not
    /// declared, and then what those proxies carry is unknown.
    pub proxy_tags: Option<Vec<Selector>>,
    /// The name Argo CD knows the cluster by; when set, Applications name their destination by
    /// it rather than by `server`.
    pub destination_name: Option<String>,
}

/// A Git repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The clone URL: as written, or derived from its forge and path.
    pub url: String,
    /// The forge it lives on, when it is declared by `forge` and `path`.
    pub forge: Option<String>,
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

/// A workload deployed by Argo CD: its main workload (a Deployment, StatefulSet or DaemonSet),
/// the Service and Ingress in front of it, and every other object of its namespace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct App {
    /// Where it was declared.
    pub origin: Origin,
    /// The app's name (its Argo CD Application and manifests directory).
    pub name: String,
    /// The name of its workload, Service and `app` label (the app's name unless set).
    pub workload_name: String,
    /// The cluster it runs on.
    pub cluster: String,
    /// Its namespace.
    pub namespace: String,
    /// What kind of workload runs the pod.
    pub kind: WorkloadKind,
    /// Replicas (not written for a DaemonSet).
    pub replicas: u32,
    /// Containers; the first is the main one, the others its sidecars.
    pub containers: Vec<Container>,
    /// Init containers, run in order before the others.
    pub init_containers: Vec<Container>,
    /// The pod's volumes, settings and template metadata.
    pub pod: Pod,
    /// Named ports of the app, served by its Service.
    pub ports: Vec<AppPort>,
    /// The tailnet exposure, a Tailscale Ingress.
    pub expose: Option<Exposure>,
    /// Extra pod labels (the `app` label is always set).
    pub labels: IndexMap<String, String>,
    /// Annotations of the workload object itself.
    pub annotations: IndexMap<String, String>,
    /// How the workload replaces its pods, when set.
    pub strategy: Option<Strategy>,
    /// The app's Service.
    pub service: ServiceSpec,
    /// Everything else the app's directory holds.
    pub objects: Objects,
    /// What its other sources create, declared for reference.
    pub produces: Produces,
    /// How Argo CD deploys it.
    pub argocd: super::ArgoApp,
}

impl App {
    /// The Kubernetes Secret and key an environment variable reading a secret key uses: an
    /// explicit ExternalSecret of the app that maps the key, else the implicit one named after
    /// the secret.
    pub fn secret_target(&self, secrets: &[Secret], secret_ref: &SecretRef) -> (String, String) {
        for external in &self.objects.external_secrets {
            if let Some((key, _)) = external.data.iter().find(|(_, r)| r == secret_ref) {
                return (external.target.clone(), key.clone());
            }
        }
        let name = match secrets.iter().find(|s| s.name == secret_ref.secret) {
            Some(secret) => secret.k8s_name(),
            None => secret_ref.secret.replace('_', "-"),
        };
        (name, secret_ref.key.clone())
    }

    /// The project files the app names: its ConfigMaps' files and included manifests, by path
    /// relative to the project root.
    pub fn project_files(&self) -> impl Iterator<Item = &str> {
        let maps = self
            .objects
            .config_maps
            .iter()
            .flat_map(|m| m.files.values().map(String::as_str));
        let manifests = self.objects.manifests.iter().filter_map(|m| match m {
            RawManifest::File { path, .. } => Some(path.as_str()),
            RawManifest::Inline { .. } => None,
        });
        maps.chain(manifests)
    }

    /// Whether the app has a workload of its own (it declares an image).
    pub fn has_workload(&self) -> bool {
        !self.containers.is_empty()
    }

    /// The Services of the app's namespace that others may name: its own, those its other
    /// sources produce and those its custom resources make the operator create.
    pub fn service_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.has_workload() {
            out.push(self.workload_name.clone());
        }
        out.extend(self.produces.services.iter().map(|s| s.name.clone()));
        for resource in &self.objects.custom_resources {
            out.extend(resource.generated_services());
        }
        out
    }

    /// The app's tailnet exposures: its own Ingress, those its other sources produce and the
    /// Tailscale Ingresses and LoadBalancer Services among its raw manifests (those that name
    /// their tailnet hostname), with the tags declared on them and the ports they serve. What
    /// their proxies really carry depends on the cluster too: see [`TailnetExposure::carried`].
    pub fn tailnet_exposures(&self) -> Vec<TailnetExposure<'_>> {
        let mut out = Vec::new();
        if let Some(e) = &self.expose {
            out.push(TailnetExposure {
                hostname: &e.hostname,
                tags: &e.tags,
                ports: vec![443],
                span: e.span,
                source: ExposureSource::Expose,
                annotated_tags: Vec::new(),
                proxy_group: e.proxy_group.as_deref(),
                cluster_proxy_group: true,
            });
        }
        for e in &self.produces.exposures {
            let ports = if e.load_balancer {
                self.produces
                    .services
                    .iter()
                    .filter(|s| e.service.as_deref() == Some(s.name.as_str()))
                    .flat_map(|s| s.ports.iter().map(|p| p.port))
                    .collect()
            } else {
                vec![443]
            };
            out.push(TailnetExposure {
                hostname: &e.hostname,
                tags: &e.tags,
                ports,
                span: e.span,
                source: ExposureSource::Produced {
                    load_balancer: e.load_balancer,
                },
                annotated_tags: Vec::new(),
                proxy_group: None,
                cluster_proxy_group: false,
            });
        }
        out.extend(self.objects.manifests.iter().filter_map(raw_exposure));
        out
    }

    /// Every container of the app's pods: the workload's init containers and containers, then
    /// those of its jobs.
    pub fn all_containers(&self) -> impl Iterator<Item = &Container> {
        self.init_containers.iter().chain(&self.containers).chain(
            self.objects.jobs.iter().flat_map(|job| {
                job.pod_template
                    .init_containers
                    .iter()
                    .chain(&job.pod_template.containers)
            }),
        )
    }
}

/// A tailnet exposure of an app: its own Ingress, one produced by another of its sources, or a
/// raw manifest the Tailscale operator serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TailnetExposure<'a> {
    /// The tailnet hostname.
    pub hostname: &'a str,
    /// Tags declared on it in bops (`tags = [...]`); see [`TailnetExposure::carried`] for the
    /// tags its proxy really carries.
    pub tags: &'a [Selector],
    /// The ports it serves (443 for an Ingress).
    pub ports: Vec<u16>,
    /// Where it was declared.
    pub span: Span,
    /// What kind of object it is, and where it comes from.
    pub source: ExposureSource<'a>,
    /// Tags a raw manifest declares in its `tailscale.com/tags` annotation, without `tag:`.
    pub annotated_tags: Vec<&'a str>,
    /// The ProxyGroup it names (`tailscale.com/proxy-group`).
    pub proxy_group: Option<&'a str>,
    /// Whether it joins the cluster's proxy group when it names none (the app's own Ingress,
    /// which bopsc writes with the cluster's).
    pub cluster_proxy_group: bool,
}

/// What a tailnet exposure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExposureSource<'a> {
    /// The app's own Ingress (`expose`).
    Expose,
    /// The app's own Service, a Tailscale LoadBalancer (`service = k8s.tailscale_service(..)`).
    Service,
    /// One the app's other sources produce (`produces.exposures`).
    Produced {
        /// Whether it is a LoadBalancer Service (else an Ingress).
        load_balancer: bool,
    },
    /// A raw Ingress of class `tailscale`, by name.
    RawIngress(&'a str),
    /// A raw LoadBalancer Service of class `tailscale`, by name.
    RawService(&'a str),
}

/// A raw manifest's tailnet exposure: an Ingress of class `tailscale` with a TLS host, or a
/// LoadBalancer Service of class `tailscale` (or annotated `tailscale.com/expose`) with a
/// `tailscale.com/hostname`. One that leaves its hostname to the operator is not counted: its
/// name is the operator's choice.
fn raw_exposure(manifest: &RawManifest) -> Option<TailnetExposure<'_>> {
    let RawManifest::Inline {
        kind,
        name,
        object,
        span,
        ..
    } = manifest
    else {
        return None;
    };
    let spec = match object.get("spec") {
        Some(Data::Map(spec)) => spec,
        _ => return None,
    };
    let annotations = match object.get("metadata") {
        Some(Data::Map(metadata)) => match metadata.get("annotations") {
            Some(Data::Map(annotations)) => Some(annotations),
            _ => None,
        },
        _ => None,
    };
    let annotation = |key: &str| match annotations.and_then(|a| a.get(key)) {
        Some(Data::Str(value)) => Some(value.as_str()),
        _ => None,
    };
    let text = |key: &str| match spec.get(key) {
        Some(Data::Str(value)) => Some(value.as_str()),
        _ => None,
    };
    let (hostname, ports, source) = match kind.as_str() {
        "Ingress" if text("ingressClassName") == Some("tailscale") => {
            let tls_host = match spec.get("tls") {
                Some(Data::List(entries)) => entries.iter().find_map(|entry| match entry {
                    Data::Map(entry) => match entry.get("hosts") {
                        Some(Data::List(hosts)) => hosts.iter().find_map(|h| match h {
                            Data::Str(h) => Some(h.as_str()),
                            _ => None,
                        }),
                        _ => None,
                    },
                    _ => None,
                }),
                _ => None,
            };
            (
                tls_host?,
                vec![443],
                ExposureSource::RawIngress(name.as_str()),
            )
        }
        "Service"
            if (text("type") == Some("LoadBalancer")
                && text("loadBalancerClass") == Some("tailscale"))
                || annotation("tailscale.com/expose") == Some("true") =>
        {
            let ports = match spec.get("ports") {
                Some(Data::List(ports)) => ports
                    .iter()
                    .filter_map(|p| match p {
                        Data::Map(p) => match p.get("port") {
                            Some(Data::Int(n)) => u16::try_from(*n).ok(),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            (
                annotation("tailscale.com/hostname")?,
                ports,
                ExposureSource::RawService(name.as_str()),
            )
        }
        _ => return None,
    };
    let annotated_tags = annotation("tailscale.com/tags")
        .map(|tags| {
            tags.split(',')
                .map(str::trim)
                .filter_map(|t| t.strip_prefix("tag:"))
                .collect()
        })
        .unwrap_or_default();
    Some(TailnetExposure {
        hostname,
        tags: &[],
        ports,
        span: *span,
        source,
        annotated_tags,
        proxy_group: annotation("tailscale.com/proxy-group"),
        cluster_proxy_group: false,
    })
}

/// The kinds of an app's main workload.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorkloadKind {
    /// A Deployment (the default).
    #[default]
    Deployment,
    /// A StatefulSet, whose volume claims are templates.
    StatefulSet,
    /// A DaemonSet: one pod per node.
    DaemonSet,
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Image {
    /// Registry and repository, `registry.example/team/app`.
    pub name: String,
    /// The tag, if any.
    pub tag: Option<String>,
}

/// A container.
#[derive(Clone, Debug, Default, PartialEq)]
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
    /// `envFrom`.
    pub env_from: Vec<EnvFrom>,
    /// `volumeMounts`.
    pub mounts: Vec<Mount>,
    /// The rest of the container's settings (`security`, `working_dir`, `image_pull_policy`,
    /// `restart_policy`, ...), snake_case keys as written.
    pub settings: Settings,
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
    /// A text built around secrets, through the key of the app's templated ExternalSecret.
    SecretText(Vec<super::TextPart>),
    /// A key of a Kubernetes Secret managed outside the project (`secret_key_ref(name, key)`).
    SecretKeyRef {
        /// The Secret's name.
        name: String,
        /// The key.
        key: String,
        /// Whether the pod starts without it.
        optional: Option<bool>,
    },
    /// A key of a ConfigMap (`config_map_key(name, key)`).
    ConfigMapKey {
        /// The ConfigMap's name.
        name: String,
        /// The key.
        key: String,
        /// Whether the pod starts without it.
        optional: Option<bool>,
    },
    /// A field of the pod (`field_ref("status.podIP")`).
    FieldRef(String),
    /// A resource of a container (`resource_field_ref("limits.memory")`).
    ResourceFieldRef {
        /// `limits.memory`, `requests.cpu`.
        resource: String,
        /// The container, when not this one.
        container: Option<String>,
        /// The unit the value is divided by.
        divisor: Option<String>,
    },
}

/// An `envFrom` entry: every key of a ConfigMap or Secret as variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvFrom {
    /// Where the keys come from.
    pub source: EnvFromSource,
    /// A prefix for every variable's name.
    pub prefix: Option<String>,
    /// Whether the pod starts without it.
    pub optional: Option<bool>,
}

/// The object an `envFrom` entry reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvFromSource {
    /// A ConfigMap by name.
    ConfigMap(String),
    /// A Secret by name.
    Secret(String),
}

/// A volume mount of a container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The pod volume (or StatefulSet claim template) it mounts.
    pub volume: String,
    /// Where in the container.
    pub path: String,
    /// A file or directory inside the volume.
    pub sub_path: Option<String>,
    /// Whether it is mounted read-only.
    pub read_only: bool,
    /// Where it was written.
    pub span: Span,
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
    /// `successThreshold`.
    pub success_threshold: Option<u32>,
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
    /// The Tailscale ProxyGroup serving it (`tailscale.com/proxy-group`); the cluster's by
    /// default.
    pub proxy_group: Option<String>,
    /// The Tailscale ProxyClass of its proxy (`tailscale.com/proxy-class`); the cluster's by
    /// default.
    pub proxy_class: Option<String>,
    /// Who the exposure is for, when declared (`audience = [group.family]`).
    pub audience: Option<Audience>,
    /// Where the exposure was written.
    pub span: Span,
}

/// Who an exposure is for: the principals the policy must let reach it, and no others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Audience {
    /// Users, groups, tags and autogroups, as written.
    pub principals: Vec<Selector>,
    /// Where the list was written.
    pub span: Span,
}
