//! Kubernetes objects as `kubectl kustomize` prints them, and the normalization that lets two
//! builds of one app be compared as the API server would see them.
//!
//! Only what does not change meaning is normalized, and every change is recorded as a note on
//! its object so that a failing comparison can say what was done:
//!
//! - the API defaults one side may spell out and the other leave out, listed in
//!   [`normalize`] (Service `type`, port `protocol`s, a Service port's `targetPort`);
//! - a named Service `targetPort` or probe port, resolved to the number of the container port of
//!   that name;
//! - container port names nothing refers to by name once those are resolved;
//! - the hash suffix kustomize gives a generated ConfigMap's name, dropped from the name and from
//!   every reference to it; the generated contents are compared by their keys only, by
//!   [`opaque_data`] (the file is the app's own, kept opaque).
//!
//! Everything else is compared as it is.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::ansible::parse_yaml;
use crate::object_diff::{element_path, field_path, show};

/// The length of the hash kustomize appends to a generated ConfigMap's name (after a `-`).
const HASH_LEN: usize = 10;

/// The probes of a container whose handlers may name a port.
const PROBES: [&str; 3] = ["livenessProbe", "readinessProbe", "startupProbe"];

/// The probe handlers whose `port` may be a container port's name (`grpc` takes numbers only).
const PORT_HANDLERS: [&str; 2] = ["httpGet", "tcpSocket"];

/// The lists of containers in a pod spec whose ports and probes are normalized.
const CONTAINER_LISTS: [&str; 2] = ["initContainers", "containers"];

/// What the contents of a generated ConfigMap's key are replaced with by [`opaque_data`].
pub const OPAQUE: &str = "(generated from a file; compared by key only)";

/// Parses a stream of YAML documents separated by `---` lines (as `kubectl kustomize` prints them
/// and bopsc writes them) into its documents; comment-only and empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    let mut chunk = String::new();
    let mut number = 1;
    for line in text.lines().chain(std::iter::once("---")) {
        if line.trim_end() != "---" {
            chunk.push_str(line);
            chunk.push('\n');
            continue;
        }
        let significant = chunk.lines().any(|l| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#')
        });
        if significant {
            let value = parse_yaml(&chunk).map_err(|e| format!("document {number}: {e}"))?;
            if !value.is_null() {
                out.push(value);
            }
        }
        chunk.clear();
        number += 1;
    }
    Ok(out)
}

/// An object's identity: apiVersion, kind, namespace (empty for a cluster-scoped object) and
/// name, after a generated ConfigMap's hash suffix is dropped. Sorted by kind first, for reports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectKey {
    /// The object's `kind`.
    pub kind: String,
    /// Its `metadata.namespace`, empty when it has none.
    pub namespace: String,
    /// Its `metadata.name`.
    pub name: String,
    /// Its `apiVersion`.
    pub api_version: String,
}

impl ObjectKey {
    /// The identity of a parsed object, if it has an apiVersion, a kind and a name.
    fn of(object: &Value) -> Option<ObjectKey> {
        let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
        Some(ObjectKey {
            kind: text("/kind")?.to_string(),
            namespace: text("/metadata/namespace").unwrap_or_default().to_string(),
            name: text("/metadata/name")?.to_string(),
            api_version: text("/apiVersion")?.to_string(),
        })
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{} {} ({})", self.kind, self.name, self.api_version)
        } else {
            write!(
                f,
                "{} {}/{} ({})",
                self.kind, self.namespace, self.name, self.api_version
            )
        }
    }
}

/// One side's objects, normalized.
#[derive(Debug, Default)]
pub struct Normalized {
    /// The objects by identity.
    pub objects: BTreeMap<ObjectKey, Value>,
    /// The ConfigMaps a generator made, with the name kustomize gave them (hash included).
    pub generated: BTreeMap<ObjectKey, String>,
    /// What the normalization changed, per object, one line a change.
    pub notes: BTreeMap<ObjectKey, Vec<String>>,
    /// Documents that are not objects, and identities held by two objects.
    pub problems: Vec<String>,
}

/// An object being normalized, with the notes of what was done to it.
struct Work {
    key: ObjectKey,
    value: Value,
    notes: Vec<String>,
    /// The name kustomize gave it, when it is a generated ConfigMap.
    generated: Option<String>,
}

/// What the Services of a namespace select and its pods offer: the pod templates' labels and
/// named container ports.
struct Pod {
    /// The object that holds the template, for notes.
    owner: String,
    namespace: String,
    labels: Map<String, Value>,
    /// Every named port of every container (init containers included), as `(name, number)`.
    ports: Vec<(String, Value)>,
}

/// Where an object of a kind keeps its pod template (an object with `metadata` and `spec`), as a
/// JSON pointer; a Pod is its own template.
fn template_pointer(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => Some("/spec/template"),
        "CronJob" => Some("/spec/jobTemplate/spec/template"),
        "Pod" => Some(""),
        _ => None,
    }
}

/// The generator a ConfigMap's name comes from: `<generator>-<hash>`, the hash
/// [`HASH_LEN`] lowercase letters and digits. The longest matching generator wins.
pub fn generator_of<'a>(name: &str, generators: &'a BTreeSet<String>) -> Option<&'a str> {
    generators
        .iter()
        .filter(|g| {
            name.strip_prefix(g.as_str())
                .and_then(|rest| rest.strip_prefix('-'))
                .is_some_and(|hash| {
                    hash.len() == HASH_LEN
                        && hash
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
        })
        .max_by_key(|g| g.len())
        .map(String::as_str)
}

/// Normalizes the objects of one side. `generators` are the names of the side's
/// `configMapGenerator`s that add a hash suffix (see [`generator_of`]).
///
/// The API defaults filled where absent, each what the API server stores in its place:
/// - a Service's `spec.type`: `ClusterIP`;
/// - a Service port's `protocol`: `TCP`;
/// - a Service port's `targetPort`: the port's own `port`;
/// - a container port's `protocol`: `TCP`.
pub fn normalize(documents: &[Value], generators: &BTreeSet<String>) -> Normalized {
    let mut result = Normalized::default();
    let mut work = Vec::new();
    for (i, document) in documents.iter().enumerate() {
        let Some(mut key) = ObjectKey::of(document) else {
            result.problems.push(format!(
                "document {} is not a Kubernetes object (no apiVersion, kind or metadata.name): \
                 {}",
                i + 1,
                show(document)
            ));
            continue;
        };
        let mut value = document.clone();
        let mut notes = Vec::new();
        let mut generated = None;
        if key.kind == "ConfigMap" {
            if let Some(base) = generator_of(&key.name, generators) {
                notes.push(format!(
                    "metadata.name: {:?} is {base:?} (the configMapGenerator's hash suffix \
                     dropped)",
                    key.name
                ));
                if let Some(name) = value.pointer_mut("/metadata/name") {
                    *name = Value::from(base);
                }
                generated = Some(std::mem::replace(&mut key.name, base.to_string()));
            }
        }
        work.push(Work {
            key,
            value,
            notes,
            generated,
        });
    }

    // References to a generated ConfigMap, in its namespace, use the name without the hash.
    let renames: BTreeMap<(String, String), String> = work
        .iter()
        .filter_map(|w| {
            let full = w.generated.clone()?;
            Some(((w.key.namespace.clone(), full), w.key.name.clone()))
        })
        .collect();
    for w in &mut work {
        rename_references(&mut w.value, "", &w.key.namespace, &renames, &mut w.notes);
    }

    let pods: Vec<Pod> = work.iter().filter_map(pod_of).collect();
    // Container port names still referred to by name, per namespace: Service targetPorts no pod
    // resolves, and the ports of PodMonitors (which name container ports).
    let mut still_named: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for w in &mut work {
        if w.key.kind == "Service" && w.key.api_version == "v1" {
            normalize_service(w, &pods, &mut still_named);
        }
        if w.key.kind == "PodMonitor" {
            let ports = w
                .value
                .pointer("/spec/podMetricsEndpoints")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|e| e.get("port").and_then(Value::as_str));
            still_named
                .entry(w.key.namespace.clone())
                .or_default()
                .extend(ports.map(str::to_string));
        }
    }
    for w in &mut work {
        let Some(pointer) = template_pointer(&w.key.kind) else {
            continue;
        };
        let named = still_named
            .get(&w.key.namespace)
            .cloned()
            .unwrap_or_default();
        let path = pointer.trim_start_matches('/').replace('/', ".");
        let spec_path = field_path(&path, "spec");
        let Some(spec) = w
            .value
            .pointer_mut(&format!("{pointer}/spec"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for list in CONTAINER_LISTS {
            let list_path = field_path(&spec_path, list);
            let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) else {
                continue;
            };
            for (i, container) in containers.iter_mut().enumerate() {
                let at = element_path(&list_path, container, i);
                normalize_container(container, &at, &named, &mut w.notes);
            }
        }
    }

    for w in work {
        if !w.notes.is_empty() {
            result.notes.insert(w.key.clone(), w.notes);
        }
        if let Some(full) = w.generated {
            result.generated.insert(w.key.clone(), full);
        }
        if result.objects.contains_key(&w.key) {
            result.problems.push(format!("two objects are {}", w.key));
            continue;
        }
        result.objects.insert(w.key, w.value);
    }
    result
}

/// Replaces, anywhere in an object, a string that is the full name of a generated ConfigMap of
/// the object's namespace with the name without its hash.
fn rename_references(
    value: &mut Value,
    path: &str,
    namespace: &str,
    renames: &BTreeMap<(String, String), String>,
    notes: &mut Vec<String>,
) {
    match value {
        Value::String(s) => {
            if let Some(base) = renames.get(&(namespace.to_string(), s.clone())) {
                notes.push(format!(
                    "{path}: {s:?} is {base:?} (a reference to a generated ConfigMap, its hash \
                     suffix dropped)"
                ));
                *s = base.clone();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let at = element_path(path, item, i);
                rename_references(item, &at, namespace, renames, notes);
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                rename_references(item, &field_path(path, key), namespace, renames, notes);
            }
        }
        _ => {}
    }
}

/// The pod template of an object that has one: its labels and named container ports.
fn pod_of(w: &Work) -> Option<Pod> {
    let template = w.value.pointer(template_pointer(&w.key.kind)?)?;
    let labels = template
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut ports = Vec::new();
    for list in CONTAINER_LISTS {
        for container in template
            .pointer(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            ports.extend(named_ports(container));
        }
    }
    Some(Pod {
        owner: w.key.to_string(),
        namespace: w.key.namespace.clone(),
        labels,
        ports,
    })
}

/// A container's named ports, as `(name, containerPort)`.
fn named_ports(container: &Value) -> Vec<(String, Value)> {
    container
        .get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some((
                p.get("name")?.as_str()?.to_string(),
                p.get("containerPort")?.clone(),
            ))
        })
        .collect()
}

/// Fills a Service's defaults and resolves its named targetPorts through the pods its selector
/// matches; a name no pod resolves (or that pods resolve to different numbers) stays, and is
/// recorded in `still_named`.
fn normalize_service(
    w: &mut Work,
    pods: &[Pod],
    still_named: &mut BTreeMap<String, BTreeSet<String>>,
) {
    let namespace = w.key.namespace.clone();
    let Some(spec) = w.value.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    // A Service without a type is a ClusterIP Service.
    if !spec.contains_key("type") {
        spec.insert("type".into(), Value::from("ClusterIP"));
        w.notes
            .push("spec.type: \"ClusterIP\" filled in (the API default)".into());
    }
    let selector = spec
        .get("selector")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let selected: Vec<&Pod> = pods
        .iter()
        .filter(|p| {
            p.namespace == namespace
                && !selector.is_empty()
                && selector.iter().all(|(k, v)| p.labels.get(k) == Some(v))
        })
        .collect();
    let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) else {
        return;
    };
    for (i, port) in ports.iter_mut().enumerate() {
        let at = element_path("spec.ports", port, i);
        let Some(port) = port.as_object_mut() else {
            continue;
        };
        // A port without a protocol is a TCP port.
        if !port.contains_key("protocol") {
            port.insert("protocol".into(), Value::from("TCP"));
            w.notes.push(format!(
                "{at}.protocol: \"TCP\" filled in (the API default)"
            ));
        }
        match port.get("targetPort").cloned() {
            // Without a targetPort, the Service forwards to the port's own number.
            None => {
                if let Some(number) = port.get("port").cloned() {
                    w.notes.push(format!(
                        "{at}.targetPort: {number} filled in (the API default: the port itself)"
                    ));
                    port.insert("targetPort".into(), number);
                }
            }
            Some(Value::String(name)) => {
                let numbers: BTreeSet<String> = selected
                    .iter()
                    .flat_map(|p| &p.ports)
                    .filter(|(n, _)| *n == name)
                    .map(|(_, number)| number.to_string())
                    .collect();
                let owners: Vec<&str> = selected
                    .iter()
                    .filter(|p| p.ports.iter().any(|(n, _)| *n == name))
                    .map(|p| p.owner.as_str())
                    .collect();
                let number = selected
                    .iter()
                    .flat_map(|p| &p.ports)
                    .find(|(n, _)| *n == name)
                    .map(|(_, number)| number.clone());
                match number {
                    Some(number) if numbers.len() == 1 => {
                        w.notes.push(format!(
                            "{at}.targetPort: {name:?} is {number} (the container port of that \
                             name in {})",
                            owners.join(", ")
                        ));
                        port.insert("targetPort".into(), number);
                    }
                    _ => {
                        still_named
                            .entry(namespace.clone())
                            .or_default()
                            .insert(name);
                    }
                }
            }
            Some(_) => {}
        }
    }
}

/// Fills a container's port protocols, resolves its probes' named ports against its own ports,
/// and drops the names of its ports that nothing refers to by name any more.
fn normalize_container(
    container: &mut Value,
    path: &str,
    still_named: &BTreeSet<String>,
    notes: &mut Vec<String>,
) {
    let own = named_ports(container);
    let mut named = still_named.clone();
    for probe in PROBES {
        for handler in PORT_HANDLERS {
            let Some(port) = container
                .get_mut(probe)
                .and_then(|p| p.get_mut(handler))
                .and_then(|h| h.get_mut("port"))
            else {
                continue;
            };
            let Value::String(name) = port else {
                continue;
            };
            match own.iter().find(|(n, _)| n == name) {
                Some((_, number)) => {
                    notes.push(format!(
                        "{path}.{probe}.{handler}.port: {name:?} is {number} (the container port \
                         of that name)"
                    ));
                    *port = number.clone();
                }
                None => {
                    named.insert(name.clone());
                }
            }
        }
    }
    let Some(ports) = container.get_mut("ports").and_then(Value::as_array_mut) else {
        return;
    };
    for (i, port) in ports.iter_mut().enumerate() {
        let at = element_path(&format!("{path}.ports"), port, i);
        let Some(port) = port.as_object_mut() else {
            continue;
        };
        // A container port without a protocol is a TCP port.
        if !port.contains_key("protocol") {
            port.insert("protocol".into(), Value::from("TCP"));
            notes.push(format!(
                "{at}.protocol: \"TCP\" filled in (the API default)"
            ));
        }
        let unreferenced = port
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| !named.contains(n));
        if unreferenced {
            if let Some(name) = port.remove("name") {
                notes.push(format!(
                    "{at}.name: {name} dropped (nothing refers to the port by name once \
                     targetPorts and probe ports are numbers)"
                ));
            }
        }
    }
}

/// A ConfigMap whose `data` and `binaryData` values are replaced by [`OPAQUE`]: generated from
/// the app's own files, its contents are compared by their keys only.
pub fn opaque_data(config_map: &Value) -> Value {
    let mut out = config_map.clone();
    for field in ["data", "binaryData"] {
        if let Some(Value::Object(data)) = out.get_mut(field) {
            for value in data.values_mut() {
                *value = Value::from(OPAQUE);
            }
        }
    }
    out
}

/// The keys of two ConfigMaps' `data` (and `binaryData`) held by both whose contents differ.
pub fn differing_contents(expected: &Value, found: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for field in ["data", "binaryData"] {
        let (Some(a), Some(b)) = (
            expected.get(field).and_then(Value::as_object),
            found.get(field).and_then(Value::as_object),
        ) else {
            continue;
        };
        for (key, value) in a {
            if b.get(key).is_some_and(|other| other != value) {
                out.push(field_path(field, key));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object_diff::object_diff;

    /// Normalizes inline YAML with the given generators.
    fn normalized(yaml: &str, generators: &[&str]) -> Normalized {
        let documents = parse_documents(yaml).unwrap();
        normalize(
            &documents,
            &generators.iter().map(|g| g.to_string()).collect(),
        )
    }

    /// The one object of a kind.
    fn only<'a>(n: &'a Normalized, kind: &str) -> (&'a ObjectKey, &'a Value) {
        let found: Vec<_> = n.objects.iter().filter(|(k, _)| k.kind == kind).collect();
        assert_eq!(found.len(), 1, "{kind}: {:?}", n.objects.keys());
        found[0]
    }

    /// The differences of every object two sides share, and the identities only one has.
    fn differences(a: &Normalized, b: &Normalized) -> Vec<String> {
        let mut out = Vec::new();
        for (key, value) in &a.objects {
            match b.objects.get(key) {
                Some(other) => out.extend(
                    object_diff(value, other)
                        .into_iter()
                        .map(|d| format!("{key}: {d}")),
                ),
                None => out.push(format!("missing {key}")),
            }
        }
        out.extend(
            b.objects
                .keys()
                .filter(|k| !a.objects.contains_key(k))
                .map(|k| format!("unexpected {k}")),
        );
        out
    }

    const DEPLOYMENT: &str = "
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ns }
spec:
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: web:1
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: PROBE } }
";

    #[test]
    fn a_named_target_port_and_probe_port_are_resolved() {
        let named = normalized(
            &format!(
                "{}---\napiVersion: v1\nkind: Service\nmetadata: {{ name: web, namespace: ns }}\n\
                 spec: {{ selector: {{ app: web }}, ports: [{{ name: web, port: 80, targetPort: \
                 http, protocol: TCP }}] }}\n",
                DEPLOYMENT.replace("PROBE", "http")
            ),
            &[],
        );
        let (_, service) = only(&named, "Service");
        assert_eq!(service["spec"]["ports"][0]["targetPort"], 8080);
        let (key, deployment) = only(&named, "Deployment");
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["readinessProbe"]["httpGet"]["port"], 8080);
        // Once resolved, nothing names the port: its name goes.
        assert_eq!(
            container["ports"][0],
            serde_json::json!({ "containerPort": 8080, "protocol": "TCP" })
        );
        assert!(
            named.notes[key].iter().any(|n| n.contains("dropped")),
            "{:?}",
            named.notes
        );

        let numbered = normalized(
            &format!(
                "{}---\napiVersion: v1\nkind: Service\nmetadata: {{ name: web, namespace: ns }}\n\
                 spec: {{ selector: {{ app: web }}, ports: [{{ name: web, port: 80, targetPort: \
                 8080 }}] }}\n",
                DEPLOYMENT
                    .replace("PROBE", "8080")
                    .replace("name: http, ", "")
            ),
            &[],
        );
        assert_eq!(differences(&named, &numbered), Vec::<String>::new());
    }

    #[test]
    fn a_name_nothing_resolves_stays_and_keeps_the_port_name() {
        // The selector matches no pod: the name cannot be resolved, so it is compared as written
        // and the container port keeps the name it refers to.
        let n = normalized(
            &format!(
                "{}---\napiVersion: v1\nkind: Service\nmetadata: {{ name: web, namespace: ns }}\n\
                 spec: {{ selector: {{ app: other }}, ports: [{{ port: 80, targetPort: http }}] \
                 }}\n",
                DEPLOYMENT.replace("PROBE", "http")
            ),
            &[],
        );
        let (_, service) = only(&n, "Service");
        assert_eq!(service["spec"]["ports"][0]["targetPort"], "http");
        let (_, deployment) = only(&n, "Deployment");
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["ports"][0]["name"], "http");
        assert_eq!(container["readinessProbe"]["httpGet"]["port"], 8080);
    }

    #[test]
    fn the_api_defaults_are_filled_in() {
        let spelled = normalized(
            "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: ns }\n\
             spec: { type: ClusterIP, ports: [{ port: 1883, targetPort: 1883, protocol: TCP }] }\n",
            &[],
        );
        let omitted = normalized(
            "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: ns }\n\
             spec: { ports: [{ port: 1883 }] }\n",
            &[],
        );
        assert_eq!(differences(&spelled, &omitted), Vec::<String>::new());
        let (key, _) = only(&omitted, "Service");
        assert_eq!(omitted.notes[key].len(), 3, "{:?}", omitted.notes[key]);
        // A default the other side spells differently is a difference.
        let node_port = normalized(
            "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: ns }\n\
             spec: { type: NodePort, ports: [{ port: 1883, protocol: UDP }] }\n",
            &[],
        );
        assert_eq!(
            differences(&spelled, &node_port),
            vec![
                "Service ns/web (v1): spec.type: expected \"ClusterIP\", found \"NodePort\"",
                "Service ns/web (v1): spec.ports[port=1883].protocol: expected \"TCP\", found \
                 \"UDP\"",
            ]
        );
    }

    #[test]
    fn a_generated_config_map_loses_its_hash_suffix_everywhere() {
        let yaml = |hash: &str, text: &str| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {{ name: app-config-{hash}, \
                 namespace: ns }}\ndata: {{ app.conf: {text:?} }}\n---\n{}      volumes: [{{ \
                 name: config, configMap: {{ name: app-config-{hash} }} }}]\n",
                DEPLOYMENT.replace("PROBE", "8080")
            )
        };
        let corpus = normalized(&yaml("5tm65954bc", "listen 1\n"), &["app-config"]);
        let example = normalized(
            &yaml("bkkctg62bt", "# a header\nlisten 1\n"),
            &["app-config"],
        );
        let (key, config) = only(&corpus, "ConfigMap");
        assert_eq!(key.name, "app-config");
        assert_eq!(corpus.generated[key], "app-config-5tm65954bc");
        let (_, deployment) = only(&corpus, "Deployment");
        assert_eq!(
            deployment["spec"]["template"]["spec"]["volumes"][0]["configMap"]["name"],
            "app-config"
        );
        // The contents differ, and are opaque: the key sets are what is compared.
        assert_eq!(
            differing_contents(config, &example.objects[key]),
            vec!["data[\"app.conf\"]"]
        );
        assert_eq!(
            object_diff(&opaque_data(config), &opaque_data(&example.objects[key])),
            Vec::<String>::new()
        );
        // Only the ConfigMaps a generator names lose a suffix.
        let plain = normalized(&yaml("5tm65954bc", "x"), &["other"]);
        let (key, _) = only(&plain, "ConfigMap");
        assert_eq!(key.name, "app-config-5tm65954bc");
        assert!(plain.generated.is_empty());
        assert_eq!(
            generator_of("app-postgresql", &["app".to_string()].into()),
            Some("app")
        );
        assert_eq!(
            generator_of("app-postgres", &["app".to_string()].into()),
            None
        );
    }

    #[test]
    fn a_real_difference_is_still_reported() {
        let base = DEPLOYMENT.replace("PROBE", "http");
        let corpus = normalized(&base, &[]);
        let example = normalized(
            &base
                .replace("image: web:1", "image: web:2")
                .replace("path: /,", "path: /healthz,"),
            &[],
        );
        assert_eq!(
            differences(&corpus, &example),
            vec![
                "Deployment ns/web (apps/v1): spec.template.spec.containers[name=web].image: \
                 expected \"web:1\", found \"web:2\"",
                "Deployment ns/web (apps/v1): spec.template.spec.containers[name=web].\
                 readinessProbe.httpGet.path: expected \"/\", found \"/healthz\"",
            ]
        );
        let elsewhere = normalized(&base.replace("namespace: ns", "namespace: other"), &[]);
        assert_eq!(
            differences(&corpus, &elsewhere),
            vec![
                "missing Deployment ns/web (apps/v1)",
                "unexpected Deployment other/web (apps/v1)",
            ]
        );
    }

    #[test]
    fn documents_are_split_and_comments_skipped() {
        let docs = parse_documents(
            "# Generated.\n# Source: apps.bops\n---\na: 1 # note\n---\n# only a comment\n---\n\
             b: |\n  ---\n  text\n",
        )
        .unwrap();
        assert_eq!(
            docs,
            vec![
                serde_json::json!({ "a": 1 }),
                serde_json::json!({ "b": "---\ntext\n" })
            ]
        );
        assert!(parse_documents("a: 1\n---\nb: [\n").is_err());
        let bad = normalize(
            &[serde_json::json!({ "kind": "Service" })],
            &BTreeSet::new(),
        );
        assert_eq!(bad.problems.len(), 1);
    }
}
