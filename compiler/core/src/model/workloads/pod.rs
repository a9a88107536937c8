//! The parts of a pod beyond its containers: volumes, the pod's settings and the workload's
//! update strategy.

use indexmap::IndexMap;

use crate::model::Data;
use crate::source::Span;

/// Settings kept as typed data in the source's snake_case (`run_as_user`, `node_selector`): the
/// schema typed each field, and the emitter writes them in camelCase.
pub type Settings = IndexMap<String, Data>;

/// What a pod has besides its containers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pod {
    /// Its volumes, in order.
    pub volumes: Vec<Volume>,
    /// `securityContext`, `nodeSelector`, `tolerations`, `runtimeClassName`,
    /// `serviceAccountName`, `hostNetwork`, `restartPolicy`, ...: snake_case keys as written.
    pub settings: Settings,
    /// Labels of the pod template besides the app's.
    pub labels: IndexMap<String, String>,
    /// Annotations of the pod template.
    pub annotations: IndexMap<String, String>,
}

impl Pod {
    /// The service account the pod runs as, when set.
    pub fn service_account(&self) -> Option<&str> {
        match self.settings.get("service_account") {
            Some(Data::Str(name)) => Some(name),
            _ => None,
        }
    }
}

/// A volume of a pod.
#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    /// Its name, which mounts refer to.
    pub name: String,
    /// Where its files come from.
    pub source: VolumeSource,
    /// Where it was written.
    pub span: Span,
}

/// The sources of a pod volume.
#[derive(Clone, Debug, PartialEq)]
pub enum VolumeSource {
    /// A PersistentVolumeClaim by name.
    Claim {
        /// The claim's name.
        claim: String,
        /// Whether it is mounted read-only.
        read_only: bool,
    },
    /// An NFS export.
    Nfs {
        /// The server.
        server: String,
        /// The exported path.
        path: String,
        /// Whether it is mounted read-only.
        read_only: bool,
    },
    /// A directory of the node.
    HostPath {
        /// The path on the node.
        path: String,
        /// `Directory`, `DirectoryOrCreate`, `File`, ...
        kind: Option<String>,
    },
    /// The keys of a ConfigMap as files.
    ConfigMap(KeyFiles),
    /// The keys of a Secret as files.
    Secret(KeyFiles),
    /// An empty directory that lives as long as the pod.
    EmptyDir {
        /// `Memory` for a tmpfs.
        medium: Option<String>,
        /// The most it may hold.
        size_limit: Option<String>,
    },
}

/// A ConfigMap or Secret volume: the object, and which of its keys become which files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFiles {
    /// The object's name.
    pub name: String,
    /// The files' mode, as a number (`0o755` is 493).
    pub default_mode: Option<u32>,
    /// Keys to project, with their paths and modes; every key when empty.
    pub items: Vec<KeyFile>,
    /// Whether the pod starts without the object.
    pub optional: Option<bool>,
}

/// One key of a ConfigMap or Secret volume as a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFile {
    /// The key.
    pub key: String,
    /// The file's path inside the volume.
    pub path: String,
    /// Its mode.
    pub mode: Option<u32>,
}

/// How a workload replaces its pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Strategy {
    /// `RollingUpdate`, `Recreate` (Deployment) or `OnDelete` (StatefulSet, DaemonSet).
    pub kind: String,
    /// How many pods above the desired count a rolling update may create.
    pub max_surge: Option<IntOrString>,
    /// How many pods may be unavailable during a rolling update.
    pub max_unavailable: Option<IntOrString>,
    /// A StatefulSet's partition: pods below this ordinal keep the old version.
    pub partition: Option<u32>,
}

/// A count or a percentage, `1` or `"25%"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IntOrString {
    /// A count.
    Int(i64),
    /// A percentage or other text.
    Str(String),
}
