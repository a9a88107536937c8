//! The objects of an app besides its workload: its Service, storage, configuration, secrets,
//! access rights, disruption budget, jobs, and raw manifests.

use indexmap::IndexMap;

use crate::model::{Data, SecretRef, Selector};
use crate::source::Span;

use super::{Container, IntOrString, Pod, Settings};

/// An app's Service, in front of its pods' ports.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceSpec {
    /// Whether the app has one (it needs ports too).
    pub enabled: bool,
    /// `ClusterIP`, `LoadBalancer`, `NodePort`.
    pub kind: String,
    /// Whether its ports are named after the app's (a single-port Service may leave it out).
    pub named_ports: bool,
    /// `loadBalancerClass` (`tailscale` for the Tailscale operator).
    pub load_balancer_class: Option<String>,
    /// The tailnet hostname of a Tailscale LoadBalancer (`tailscale.com/hostname`).
    pub hostname: Option<String>,
    /// The tags of a Tailscale LoadBalancer's proxy (`tailscale.com/tags`).
    pub tags: Vec<Selector>,
    /// `clusterIP` (`None` for a headless Service).
    pub cluster_ip: Option<String>,
    /// Its annotations.
    pub annotations: IndexMap<String, String>,
    /// Its labels.
    pub labels: IndexMap<String, String>,
    /// Where it was written (the app, when not).
    pub span: Span,
}

impl Default for ServiceSpec {
    fn default() -> ServiceSpec {
        ServiceSpec {
            enabled: true,
            kind: "ClusterIP".to_string(),
            named_ports: true,
            load_balancer_class: None,
            hostname: None,
            tags: Vec::new(),
            cluster_ip: None,
            annotations: IndexMap::new(),
            labels: IndexMap::new(),
            span: Span::default(),
        }
    }
}

/// The objects of an app besides its workload, Service and Ingress, each list in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Objects {
    /// PersistentVolumeClaims (a StatefulSet's are its claim templates).
    pub volume_claims: Vec<VolumeClaim>,
    /// PersistentVolumes (cluster-scoped).
    pub persistent_volumes: Vec<PersistentVolume>,
    /// ConfigMaps, literal or generated from files.
    pub config_maps: Vec<ConfigMap>,
    /// ExternalSecrets declared explicitly.
    pub external_secrets: Vec<ExternalSecret>,
    /// ServiceAccounts, with the roles their `rules` give them.
    pub service_accounts: Vec<ServiceAccount>,
    /// Roles and ClusterRoles.
    pub roles: Vec<RbacRole>,
    /// RoleBindings and ClusterRoleBindings.
    pub role_bindings: Vec<RoleBinding>,
    /// The PodDisruptionBudget of the app's pods.
    pub disruption_budget: Option<DisruptionBudget>,
    /// CronJobs and Jobs.
    pub jobs: Vec<Job>,
    /// The Namespace object, when the app declares its metadata.
    pub namespace: Option<NamespaceObject>,
    /// RuntimeClasses (cluster-scoped).
    pub runtime_classes: Vec<RuntimeClass>,
    /// Raw manifests, written or included as they are.
    pub manifests: Vec<RawManifest>,
    /// Custom resources (`k8s.custom(...)`, `k8s.proxy_group(...)`, `k8s.postgres(...)`).
    pub custom_resources: Vec<CustomResource>,
    /// kustomize `images` entries for images the app's other manifests name (raw or vendored
    /// manifests): a new name, tag or digest for an image as those manifests spell it.
    pub image_overrides: Vec<ImageOverride>,
}

/// A kustomize `images` entry: `name` as the manifests spell it, replaced by `new_name`, with
/// `new_tag` or `digest`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageOverride {
    /// The image as the manifests name it (`grafana/loki`).
    pub name: String,
    /// The repository to use instead (`newName`).
    pub new_name: Option<String>,
    /// The tag to use (`newTag`).
    pub new_tag: Option<String>,
    /// The digest to pin (`digest`).
    pub digest: Option<String>,
}

/// An object of a kind a CustomResourceDefinition adds, typed at its boundary: a `group/version`
/// API, a PascalCase kind, a DNS name and a spec written as the definition spells it.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomResource {
    /// `apiVersion`, `group/version`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// Whether the kind is cluster-scoped (no namespace).
    pub cluster_scoped: bool,
    /// `spec`, keys as the definition spells them.
    pub spec: IndexMap<String, Data>,
    /// `metadata.labels`.
    pub labels: IndexMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: IndexMap<String, String>,
    /// Where it was written.
    pub span: Span,
}

impl CustomResource {
    /// The API group, `tailscale.com` of `tailscale.com/v1alpha1`.
    pub fn group(&self) -> &str {
        self.api_version
            .split_once('/')
            .map_or("", |(group, _)| group)
    }

    /// Whether this is a Tailscale ProxyGroup.
    pub fn is_proxy_group(&self) -> bool {
        self.group() == "tailscale.com" && self.kind == "ProxyGroup"
    }

    /// Whether this is a CloudNativePG Cluster.
    pub fn is_postgres(&self) -> bool {
        self.group() == "postgresql.cnpg.io" && self.kind == "Cluster"
    }

    /// The tags a ProxyGroup's devices carry (`spec.tags`, `tag:NAME`), without `tag:`.
    pub fn proxy_group_tags(&self) -> Vec<&str> {
        if !self.is_proxy_group() {
            return Vec::new();
        }
        match self.spec.get("tags") {
            Some(Data::List(items)) => items
                .iter()
                .filter_map(|t| match t {
                    Data::Str(s) => s.strip_prefix("tag:"),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether a ProxyGroup serves Ingresses (`spec.type: ingress`), on port 443.
    pub fn is_ingress_proxy_group(&self) -> bool {
        self.is_proxy_group()
            && matches!(self.spec.get("type"), Some(Data::Str(t)) if t == "ingress")
    }

    /// The Services a CloudNativePG Cluster creates: `<name>-rw`, `-ro` and `-r`.
    pub fn generated_services(&self) -> Vec<String> {
        if !self.is_postgres() {
            return Vec::new();
        }
        ["rw", "ro", "r"]
            .iter()
            .map(|s| format!("{}-{s}", self.name))
            .collect()
    }
}

/// What an app's other sources (a Helm chart, vendored manifests) create, declared so that other
/// things can reference it; bops writes none of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Produces {
    /// Services, by name.
    pub services: Vec<ProducedService>,
    /// Tailnet exposures (a Tailscale Ingress or LoadBalancer Service).
    pub exposures: Vec<ProducedExposure>,
}

/// A Service another source of the app creates.
#[derive(Clone, Debug, PartialEq)]
pub struct ProducedService {
    /// Its name.
    pub name: String,
    /// Its named ports.
    pub ports: Vec<super::AppPort>,
    /// The labels it selects pods by.
    pub selector: IndexMap<String, String>,
    /// Where it was declared.
    pub span: Span,
}

/// A tailnet exposure another source of the app creates.
#[derive(Clone, Debug, PartialEq)]
pub struct ProducedExposure {
    /// The tailnet hostname.
    pub hostname: String,
    /// Whether it is a Tailscale LoadBalancer Service (else an Ingress, serving HTTPS on 443).
    pub load_balancer: bool,
    /// The produced Service a LoadBalancer exposure is, whose ports it serves.
    pub service: Option<String>,
    /// Tags its proxy carries.
    pub tags: Vec<Selector>,
    /// Whether it is also on the public internet through Funnel.
    pub funnel: bool,
    /// Where it was declared.
    pub span: Span,
}

/// A PersistentVolumeClaim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeClaim {
    /// Its name.
    pub name: String,
    /// `ReadWriteOnce`, `ReadOnlyMany`, ...
    pub access_modes: Vec<String>,
    /// The storage class; `Some("")` asks for none (static binding).
    pub storage_class: Option<String>,
    /// The PersistentVolume it binds to.
    pub volume_name: Option<String>,
    /// The storage requested.
    pub size: String,
    /// `Filesystem` or `Block`.
    pub volume_mode: Option<String>,
    /// Its labels.
    pub labels: IndexMap<String, String>,
    /// Its annotations.
    pub annotations: IndexMap<String, String>,
    /// Where it was written.
    pub span: Span,
}

/// A PersistentVolume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersistentVolume {
    /// Its name.
    pub name: String,
    /// Its size.
    pub capacity: String,
    /// The access modes it supports.
    pub access_modes: Vec<String>,
    /// `Retain`, `Delete` or `Recycle`.
    pub reclaim_policy: Option<String>,
    /// The storage class; `Some("")` for none.
    pub storage_class: Option<String>,
    /// `Filesystem` or `Block`.
    pub volume_mode: Option<String>,
    /// Mount options.
    pub mount_options: Vec<String>,
    /// Where the data lives.
    pub source: PersistentVolumeSource,
    /// Its labels.
    pub labels: IndexMap<String, String>,
    /// Where it was written.
    pub span: Span,
}

/// The backing of a PersistentVolume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersistentVolumeSource {
    /// An NFS export.
    Nfs {
        /// The server.
        server: String,
        /// The exported path.
        path: String,
        /// Whether it is read-only.
        read_only: bool,
    },
    /// A directory of a node.
    HostPath {
        /// The path.
        path: String,
        /// `Directory`, `DirectoryOrCreate`, ...
        kind: Option<String>,
    },
}

/// A ConfigMap: literal data, files of the project, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigMap {
    /// Its name (a generated one gets kustomize's hash suffix).
    pub name: String,
    /// Literal keys.
    pub data: IndexMap<String, String>,
    /// Keys whose values are project files, by path relative to the project root.
    pub files: IndexMap<String, String>,
    /// Whether kustomize generates it (with a content hash in its name) rather than it being
    /// written as an object; always for one with files.
    pub generated: bool,
    /// Its labels.
    pub labels: IndexMap<String, String>,
    /// Where it was written.
    pub span: Span,
}

/// An ExternalSecret written explicitly: a Kubernetes Secret's keys from 1Password fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalSecret {
    /// Its name.
    pub name: String,
    /// The Secret it creates.
    pub target: String,
    /// The secret store; the cluster's when `None`.
    pub store: Option<String>,
    /// `ClusterSecretStore` or `SecretStore`.
    pub store_kind: String,
    /// How often it is refreshed, as written for the operator (`1h`).
    pub refresh_interval: String,
    /// `Owner`, `Orphan`, `Merge`, `None`.
    pub creation_policy: String,
    /// The Secret's keys, each from one field of an item.
    pub data: Vec<(String, SecretRef)>,
    /// Keys of the Secret rendered from templates over `data`'s keys.
    pub template: IndexMap<String, String>,
    /// The Secret's type, when templated (`kubernetes.io/dockerconfigjson`).
    pub template_type: Option<String>,
    /// Where it was written.
    pub span: Span,
}

/// A ServiceAccount.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceAccount {
    /// Its name.
    pub name: String,
    /// Its annotations.
    pub annotations: IndexMap<String, String>,
    /// `automountServiceAccountToken`.
    pub automount_token: Option<bool>,
    /// Where it was written.
    pub span: Span,
}

/// A Role or ClusterRole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RbacRole {
    /// Its name.
    pub name: String,
    /// Whether it is a ClusterRole.
    pub cluster: bool,
    /// Its rules.
    pub rules: Vec<PolicyRule>,
    /// Where it was written.
    pub span: Span,
}

/// A rule of a Role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRule {
    /// API groups (`""` is the core group).
    pub api_groups: Vec<String>,
    /// Resources.
    pub resources: Vec<String>,
    /// Names of the resources it is limited to.
    pub resource_names: Vec<String>,
    /// Verbs.
    pub verbs: Vec<String>,
    /// Non-resource URLs (ClusterRoles only).
    pub non_resource_urls: Vec<String>,
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleBinding {
    /// Its name.
    pub name: String,
    /// Whether it is a ClusterRoleBinding.
    pub cluster: bool,
    /// The role it grants.
    pub role: String,
    /// Whether that role is a ClusterRole.
    pub cluster_role: bool,
    /// Who it grants it to.
    pub subjects: Vec<Subject>,
    /// Where it was written.
    pub span: Span,
}

/// A subject of a binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// `ServiceAccount`, `User` or `Group`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// A ServiceAccount's namespace.
    pub namespace: Option<String>,
}

/// A PodDisruptionBudget of the app's pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisruptionBudget {
    /// How many pods must stay up.
    pub min_available: Option<IntOrString>,
    /// How many may be down.
    pub max_unavailable: Option<IntOrString>,
    /// Where it was written.
    pub span: Span,
}

/// A CronJob or a Job of the app.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// Its name.
    pub name: String,
    /// The CronJob's schedule; `None` for a Job.
    pub cron: Option<CronSchedule>,
    /// `ttlSecondsAfterFinished`.
    pub ttl_after_finished: Option<u64>,
    /// `backoffLimit`.
    pub backoff_limit: Option<u32>,
    /// `activeDeadlineSeconds`.
    pub active_deadline: Option<u64>,
    /// `parallelism`.
    pub parallelism: Option<u32>,
    /// `completions`.
    pub completions: Option<u32>,
    /// The pod it runs.
    pub pod_template: PodTemplate,
    /// Labels of the Job (and its pods).
    pub labels: IndexMap<String, String>,
    /// Annotations of the object.
    pub annotations: IndexMap<String, String>,
    /// Where it was written.
    pub span: Span,
}

/// The schedule and policies of a CronJob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronSchedule {
    /// The cron expression.
    pub schedule: String,
    /// `Allow`, `Forbid` or `Replace`.
    pub concurrency_policy: Option<String>,
    /// The time zone of the schedule.
    pub time_zone: Option<String>,
    /// Whether it is suspended.
    pub suspend: Option<bool>,
    /// `startingDeadlineSeconds`.
    pub starting_deadline: Option<u64>,
    /// `successfulJobsHistoryLimit`.
    pub successful_history: Option<u32>,
    /// `failedJobsHistoryLimit`.
    pub failed_history: Option<u32>,
}

/// A pod of a job: its containers and the rest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodTemplate {
    /// Containers.
    pub containers: Vec<Container>,
    /// Init containers.
    pub init_containers: Vec<Container>,
    /// Volumes and settings.
    pub pod: Pod,
}

/// The app's Namespace object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceObject {
    /// Its labels (Pod Security admission levels, ...).
    pub labels: IndexMap<String, String>,
    /// Its annotations.
    pub annotations: IndexMap<String, String>,
}

/// A RuntimeClass.
#[derive(Clone, Debug, PartialEq)]
pub struct RuntimeClass {
    /// Its name.
    pub name: String,
    /// The container runtime handler.
    pub handler: String,
    /// Settings beyond the handler (`scheduling`, `overhead`), snake_case keys.
    pub settings: Settings,
    /// Where it was written.
    pub span: Span,
}

/// A raw manifest, the escape hatch for objects bops has no type for.
#[derive(Clone, Debug, PartialEq)]
pub enum RawManifest {
    /// An object written in the source: its fields as given (keys as Kubernetes spells them).
    Inline {
        /// `apiVersion`.
        api_version: String,
        /// `kind`.
        kind: String,
        /// `metadata.name`.
        name: String,
        /// The whole object.
        object: IndexMap<String, Data>,
        /// Where it was written.
        span: Span,
    },
    /// A YAML file of the project, included as it is.
    File {
        /// Its path relative to the project root.
        path: String,
        /// Where it was named.
        span: Span,
    },
}
