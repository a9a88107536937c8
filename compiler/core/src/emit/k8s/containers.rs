//! Containers and pods: image, command, named ports, environment, mounts, resources, probes and
//! security context of each container; the volumes and settings of a pod; in the key order
//! people write them.

use indexmap::IndexMap;

use crate::emit::yaml::{Map, Yaml};
use crate::model::{
    App, Container, Data, EnvFromSource, EnvValue, EnvVar, Image, KeyFiles, Model, Pod, Probe,
    ProbeCheck, Volume, VolumeSource,
};

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
        for container in app.all_containers() {
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

/// What writing a pod needs besides the pod itself.
pub(super) struct PodContext<'a> {
    /// The model, for secrets.
    pub model: &'a Model,
    /// The app the pod belongs to.
    pub app: &'a App,
    /// How images are named.
    pub images: &'a Images,
}

/// A pod's `spec`: its settings, init containers, containers and volumes.
pub(super) fn pod_spec(
    cx: &PodContext<'_>,
    pod: &Pod,
    init_containers: &[Container],
    containers: &[Container],
) -> Map {
    let mut spec = Map::new();
    for (key, value) in &pod.settings {
        if key == "restart_policy" {
            continue;
        }
        spec.insert(pod_key(key), pod_setting(key, value));
    }
    let init: Vec<Yaml> = init_containers.iter().map(|c| container(cx, c)).collect();
    let main: Vec<Yaml> = containers.iter().map(|c| container(cx, c)).collect();
    let volumes: Vec<Yaml> = pod.volumes.iter().map(volume).collect();
    spec.with_nonempty("initContainers", init)
        .with("containers", main)
        .with_opt(
            "restartPolicy",
            pod.settings.get("restart_policy").map(data_yaml),
        )
        .with_nonempty("volumes", volumes)
}

/// The Kubernetes name of a pod setting.
fn pod_key(key: &str) -> String {
    match key {
        "service_account" => "serviceAccountName".to_string(),
        "runtime_class" => "runtimeClassName".to_string(),
        "priority_class" => "priorityClassName".to_string(),
        "security" => "securityContext".to_string(),
        "termination_grace_period" => "terminationGracePeriodSeconds".to_string(),
        other => camel(other),
    }
}

/// A pod setting's value: schema records in camelCase; maps of labels and affinity as written.
fn pod_setting(key: &str, value: &Data) -> Yaml {
    match key {
        "node_selector" | "affinity" => data_yaml(value),
        "image_pull_secrets" => match value {
            Data::List(names) => Yaml::Seq(
                names
                    .iter()
                    .map(|n| Map::new().with("name", data_yaml(n)).into())
                    .collect(),
            ),
            other => data_yaml(other),
        },
        _ => camel_yaml(value),
    }
}

/// One entry of a pod's `containers` or `initContainers`.
fn container(cx: &PodContext<'_>, container: &Container) -> Yaml {
    let app = cx.app;
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
        .map(|var| env_var(cx.model, app, var))
        .collect();
    let env_from: Vec<Yaml> = container
        .env_from
        .iter()
        .map(|entry| {
            let (key, name) = match &entry.source {
                EnvFromSource::ConfigMap(name) => ("configMapRef", name),
                EnvFromSource::Secret(name) => ("secretRef", name),
            };
            Map::new()
                .with_opt("prefix", entry.prefix.as_ref())
                .with(
                    key,
                    Map::new()
                        .with("name", name)
                        .with_opt("optional", entry.optional),
                )
                .into()
        })
        .collect();
    let mounts: Vec<Yaml> = container
        .mounts
        .iter()
        .map(|m| {
            Map::new()
                .with("name", &m.volume)
                .with("mountPath", &m.path)
                .with_opt("subPath", m.sub_path.as_ref())
                .with_opt("readOnly", m.read_only.then_some(true))
                .into()
        })
        .collect();
    let resources = Map::new()
        .with_nonempty("requests", quantities(&container.requests))
        .with_nonempty("limits", quantities(&container.limits));
    let setting = |key: &str| container.settings.get(key).map(camel_yaml);
    Map::new()
        .with("name", &container.name)
        .with("image", cx.images.reference(&container.image))
        .with_nonempty("command", strings(&container.command))
        .with_nonempty("args", strings(&container.args))
        .with_opt("workingDir", setting("working_dir"))
        .with_nonempty("ports", ports)
        .with_nonempty("env", env)
        .with_nonempty("envFrom", env_from)
        .with_nonempty("resources", resources)
        .with_nonempty("volumeMounts", mounts)
        .with_opt("livenessProbe", container.liveness.as_ref().map(probe))
        .with_opt("readinessProbe", container.readiness.as_ref().map(probe))
        .with_opt("startupProbe", container.startup.as_ref().map(probe))
        .with_opt("securityContext", setting("security"))
        .with_opt("imagePullPolicy", setting("image_pull_policy"))
        .with_opt("restartPolicy", setting("restart_policy"))
        .into()
}

/// An environment variable: a literal value, or a reference Kubernetes resolves.
fn env_var(model: &Model, app: &App, var: &EnvVar) -> Yaml {
    let entry = Map::new().with("name", &var.name);
    let key_ref = |name: &str, key: &str, optional: Option<bool>| {
        Map::new()
            .with("name", name)
            .with("key", key)
            .with_opt("optional", optional)
    };
    let from = match &var.value {
        EnvValue::Literal(value) => return entry.with("value", value).into(),
        EnvValue::Secret(secret_ref) => {
            let (name, key) = app.secret_target(&model.secrets, secret_ref);
            Map::new().with("secretKeyRef", key_ref(&name, &key, None))
        }
        EnvValue::SecretText(parts) => {
            let key = super::secret_text::key(app, parts);
            Map::new().with(
                "secretKeyRef",
                key_ref(&super::secret_text::name(app), &key, None),
            )
        }
        EnvValue::SecretKeyRef {
            name,
            key,
            optional,
        } => Map::new().with("secretKeyRef", key_ref(name, key, *optional)),
        EnvValue::ConfigMapKey {
            name,
            key,
            optional,
        } => Map::new().with("configMapKeyRef", key_ref(name, key, *optional)),
        EnvValue::FieldRef(path) => Map::new().with("fieldRef", Map::new().with("fieldPath", path)),
        EnvValue::ResourceFieldRef {
            resource,
            container,
            divisor,
        } => Map::new().with(
            "resourceFieldRef",
            Map::new()
                .with_opt("containerName", container.as_ref())
                .with("resource", resource)
                .with_opt("divisor", divisor.as_ref()),
        ),
    };
    entry.with("valueFrom", from).into()
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
        .with_opt("successThreshold", probe.success_threshold)
        .into()
}

/// A pod volume.
fn volume(volume: &Volume) -> Yaml {
    let source = match &volume.source {
        VolumeSource::Claim { claim, read_only } => Map::new().with(
            "persistentVolumeClaim",
            Map::new()
                .with("claimName", claim)
                .with_opt("readOnly", read_only.then_some(true)),
        ),
        VolumeSource::Nfs {
            server,
            path,
            read_only,
        } => Map::new().with(
            "nfs",
            Map::new()
                .with("server", server)
                .with("path", path)
                .with_opt("readOnly", read_only.then_some(true)),
        ),
        VolumeSource::HostPath { path, kind } => Map::new().with(
            "hostPath",
            Map::new()
                .with("path", path)
                .with_opt("type", kind.as_ref()),
        ),
        VolumeSource::ConfigMap(files) => Map::new().with("configMap", key_files(files, "name")),
        VolumeSource::Secret(files) => Map::new().with("secret", key_files(files, "secretName")),
        VolumeSource::EmptyDir { medium, size_limit } => Map::new().with(
            "emptyDir",
            Map::new()
                .with_opt("medium", medium.as_ref())
                .with_opt("sizeLimit", size_limit.as_ref()),
        ),
    };
    let mut entry = Map::new().with("name", &volume.name);
    for (key, value) in source.0 {
        entry.insert(key, value);
    }
    entry.into()
}

/// A ConfigMap or Secret volume's keys; `name_key` is `name` or `secretName`.
fn key_files(files: &KeyFiles, name_key: &str) -> Map {
    let items: Vec<Yaml> = files
        .items
        .iter()
        .map(|item| {
            Map::new()
                .with("key", &item.key)
                .with("path", &item.path)
                .with_opt("mode", item.mode)
                .into()
        })
        .collect();
    Map::new()
        .with(name_key, &files.name)
        .with_nonempty("items", items)
        .with_opt("defaultMode", files.default_mode)
        .with_opt("optional", files.optional)
}

/// Quantities as a mapping of strings (`cpu: 50m`).
fn quantities(values: &IndexMap<String, String>) -> Map {
    Map(values
        .iter()
        .map(|(k, v)| (k.clone(), Yaml::from(v)))
        .collect())
}

/// A list of strings.
pub(super) fn strings(values: &[String]) -> Vec<Yaml> {
    values.iter().map(Yaml::from).collect()
}

/// `snake_case` as `camelCase`.
pub(super) fn camel(key: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Data whose record keys are schema fields, written with camelCase keys.
fn camel_yaml(data: &Data) -> Yaml {
    match data {
        Data::Map(entries) => Yaml::Map(
            entries
                .iter()
                .map(|(k, v)| (camel(k), camel_yaml(v)))
                .collect(),
        ),
        Data::List(items) => Yaml::Seq(items.iter().map(camel_yaml).collect()),
        other => data_yaml(other),
    }
}

/// Data as written. A secret reference cannot reach here (the checker refuses secrets in raw
/// data); it would be written as `null`.
pub(super) fn data_yaml(data: &Data) -> Yaml {
    match data {
        Data::Null | Data::Secret(_) | Data::SecretText(_) => Yaml::Null,
        Data::Bool(b) => Yaml::Bool(*b),
        Data::Int(n) => Yaml::Int(*n),
        Data::Str(s) => Yaml::from(s),
        Data::List(items) => Yaml::Seq(items.iter().map(data_yaml).collect()),
        Data::Map(entries) => Yaml::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), data_yaml(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn snake_case_becomes_camel_case() {
        assert_eq!(camel("run_as_non_root"), "runAsNonRoot");
        assert_eq!(camel("add"), "add");
        assert_eq!(camel("localhost_profile"), "localhostProfile");
    }
}
