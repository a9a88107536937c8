//! The references between the objects of one app, checked the way the API server and the kubelet
//! would resolve them, but at build time:
//!
//! - B3060: a Service (a raw manifest's) whose selector matches none of the app's pods;
//! - B3061: a Service port whose `targetPort` no container of the selected pods serves;
//! - B3062: an Ingress (a raw manifest's) whose backend names a Service or port the app does not
//!   have;
//! - B3063: an environment variable that reads a key from a Secret of the app that does not have
//!   that key;
//! - B3064: a ConfigMap key (a volume's item, a mount's `sub_path`, an environment variable) that
//!   the app's ConfigMap does not have;
//! - B3065: a claim bound to a PersistentVolume the project does not declare, or to one whose
//!   access modes, storage class or capacity cannot serve it;
//! - B3066: a pod running as a service account that the app does not declare;
//! - B3067: a raw manifest in another namespace than its app's;
//! - B3069: a mount of a volume the pod does not have.
//!
//! What the typed constructs write is right by construction (the app's Service selects its pods
//! and targets their named ports), so most of these find their mistakes in raw manifests and in
//! names written as strings.

use indexmap::IndexMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    App, Container, Data, EnvValue, Model, PersistentVolume, RawManifest, VolumeClaim,
    VolumeSource, WorkloadKind,
};
use crate::source::Span;

/// Runs every check of this module.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        raw_services(app, out);
        raw_ingresses(app, out);
        secret_keys(app, out);
        config_map_keys(app, out);
        claims(model, app, out);
        service_accounts(app, out);
        namespaces(app, out);
        mounts(app, out);
    }
}

/// A span in the app's own file: `span` when it is there, the app's name otherwise (a value made
/// by a function of another file, the standard library's `mount()`, points into that file).
fn at(app: &App, span: Span) -> Span {
    if span.file == app.origin.span.file && span != Span::default() {
        span
    } else {
        app.origin.span
    }
}

/// Every pod of the app: its labels, containers and volumes.
struct PodView<'a> {
    labels: IndexMap<&'a str, &'a str>,
    containers: Vec<&'a Container>,
    pod: &'a crate::model::Pod,
    claim_templates: bool,
}

fn pods(app: &App) -> Vec<PodView<'_>> {
    let mut labels: IndexMap<&str, &str> = IndexMap::new();
    labels.insert("app", &app.workload_name);
    for (k, v) in app.labels.iter().chain(&app.pod.labels) {
        labels.entry(k.as_str()).or_insert(v.as_str());
    }
    let mut views = vec![PodView {
        labels,
        containers: app.init_containers.iter().chain(&app.containers).collect(),
        pod: &app.pod,
        claim_templates: app.kind == WorkloadKind::StatefulSet,
    }];
    for job in &app.objects.jobs {
        let template = &job.pod_template;
        views.push(PodView {
            labels: template
                .pod
                .labels
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
            containers: template
                .init_containers
                .iter()
                .chain(&template.containers)
                .collect(),
            pod: &template.pod,
            claim_templates: false,
        });
    }
    views
}

/// A string at a path of raw data.
fn text<'d>(data: &'d IndexMap<String, Data>, path: &[&str]) -> Option<&'d str> {
    let (last, init) = path.split_last()?;
    let mut map = data;
    for key in init {
        match map.get(*key) {
            Some(Data::Map(inner)) => map = inner,
            _ => return None,
        }
    }
    match map.get(*last) {
        Some(Data::Str(s)) => Some(s),
        _ => None,
    }
}

/// The map at a path of raw data.
fn map_at<'d>(
    data: &'d IndexMap<String, Data>,
    path: &[&str],
) -> Option<&'d IndexMap<String, Data>> {
    let mut map = data;
    for key in path {
        match map.get(*key) {
            Some(Data::Map(inner)) => map = inner,
            _ => return None,
        }
    }
    Some(map)
}

/// The inline raw manifests of a kind.
fn raw_of<'a>(
    app: &'a App,
    kind: &'a str,
) -> impl Iterator<Item = (&'a str, &'a IndexMap<String, Data>, Span)> + 'a {
    app.objects.manifests.iter().filter_map(move |m| match m {
        RawManifest::Inline {
            kind: k,
            name,
            object,
            span,
            ..
        } if k == kind => Some((name.as_str(), object, *span)),
        _ => None,
    })
}

/// The container ports of a pod: names and numbers.
fn pod_ports<'a>(app: &'a App, view: &PodView<'a>) -> Vec<(&'a str, u16)> {
    view.containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .filter_map(|name| app.ports.iter().find(|p| &p.name == name))
        .map(|p| (p.name.as_str(), p.port))
        .collect()
}

/// B3060 and B3061: raw Services select the app's pods and target ports they serve.
fn raw_services(app: &App, out: &mut Vec<Diagnostic>) {
    let views = pods(app);
    for (name, object, span) in raw_of(app, "Service") {
        let Some(selector) = map_at(object, &["spec", "selector"]) else {
            continue;
        };
        let wanted: Vec<(&str, &str)> = selector
            .iter()
            .filter_map(|(k, v)| match v {
                Data::Str(v) => Some((k.as_str(), v.as_str())),
                _ => None,
            })
            .collect();
        // The pods of a CloudNativePG Cluster of the app are the operator's: their labels and
        // ports are not described, so a Service selecting them is not checked.
        let postgres = app
            .objects
            .custom_resources
            .iter()
            .filter(|r| r.is_postgres());
        if postgres
            .map(|r| r.name.as_str())
            .any(|name| wanted.contains(&("cnpg.io/cluster", name)))
        {
            continue;
        }
        let selected: Vec<&PodView<'_>> = views
            .iter()
            .filter(|view| {
                wanted
                    .iter()
                    .all(|(k, v)| view.labels.get(k).is_some_and(|l| l == v))
            })
            .collect();
        if selected.is_empty() {
            let shown: Vec<String> = wanted.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push(
                Diagnostic::error(
                    codes::B3060,
                    format!(
                        "Service `{name}` of app `{}` selects `{}`, which none of the app's pods carries",
                        app.name,
                        shown.join(",")
                    ),
                    at(app, span),
                )
                .with_label("this Service would have no endpoints")
                .with_secondary(app.origin.span, format!("the pods of `app {}` carry `app={}`", app.name, app.workload_name))
                .with_help(format!("select the pods with `selector = {{ app = \"{}\" }}`", app.workload_name)),
            );
            continue;
        }
        let served: Vec<(&str, u16)> = selected.iter().flat_map(|v| pod_ports(app, v)).collect();
        let ports = match object.get("spec") {
            Some(Data::Map(spec)) => match spec.get("ports") {
                Some(Data::List(ports)) => ports.as_slice(),
                _ => &[],
            },
            _ => &[],
        };
        for port in ports {
            let Data::Map(port) = port else {
                continue;
            };
            let target = port.get("targetPort").or_else(|| port.get("port"));
            let ok = match target {
                Some(Data::Int(n)) => served.iter().any(|(_, p)| i64::from(*p) == *n),
                Some(Data::Str(s)) => served.iter().any(|(n, _)| n == s),
                _ => true,
            };
            if ok {
                continue;
            }
            let target = match target {
                Some(Data::Int(n)) => n.to_string(),
                Some(Data::Str(s)) => s.clone(),
                _ => String::new(),
            };
            let known: Vec<String> = served.iter().map(|(n, p)| format!("`{n}` ({p})")).collect();
            out.push(
                Diagnostic::error(
                    codes::B3061,
                    format!(
                        "Service `{name}` of app `{}` targets port `{target}`, which no container of its pods serves",
                        app.name
                    ),
                    at(app, span),
                )
                .with_label("the Service would forward to a closed port")
                .with_help(if known.is_empty() {
                    "declare the port in the app's `ports`".to_string()
                } else {
                    format!("target one of {}", known.join(", "))
                }),
            );
        }
    }
}

/// B3062: raw Ingresses name a Service of the app and one of its ports.
fn raw_ingresses(app: &App, out: &mut Vec<Diagnostic>) {
    // The Services of the app: its own (name, ports by name and number) and raw ones.
    let mut services: Vec<(String, Vec<(String, i64)>)> = Vec::new();
    if app.service.enabled && !app.ports.is_empty() {
        services.push((
            app.workload_name.clone(),
            app.ports
                .iter()
                .map(|p| (p.name.clone(), i64::from(p.port)))
                .collect(),
        ));
    }
    for (name, object, _) in raw_of(app, "Service") {
        let ports = match map_at(object, &["spec"]).and_then(|s| s.get("ports")) {
            Some(Data::List(ports)) => ports
                .iter()
                .filter_map(|p| match p {
                    Data::Map(p) => Some((
                        text(p, &["name"]).unwrap_or_default().to_string(),
                        match p.get("port") {
                            Some(Data::Int(n)) => *n,
                            _ => 0,
                        },
                    )),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        services.push((name.to_string(), ports));
    }
    for (name, object, span) in raw_of(app, "Ingress") {
        let mut backends = Vec::new();
        collect_backends(&Data::Map(object.clone()), &mut backends);
        for (service, port) in backends {
            let Some((_, ports)) = services.iter().find(|(n, _)| *n == service) else {
                let known: Vec<String> = services.iter().map(|(n, _)| format!("`{n}`")).collect();
                out.push(
                    Diagnostic::error(
                        codes::B3062,
                        format!("Ingress `{name}` of app `{}` sends traffic to Service `{service}`, which the app does not have", app.name),
                        at(app, span),
                    )
                    .with_label("no such Service in the app's namespace")
                    .with_help(if known.is_empty() {
                        "give the app ports, so that it has a Service".to_string()
                    } else {
                        format!("use {}", known.join(", "))
                    }),
                );
                continue;
            };
            let ok = match &port {
                Some(Data::Int(n)) => ports.iter().any(|(_, p)| p == n),
                Some(Data::Str(s)) => ports.iter().any(|(n, _)| n == s),
                _ => true,
            };
            if !ok {
                let shown = match &port {
                    Some(Data::Int(n)) => n.to_string(),
                    Some(Data::Str(s)) => s.clone(),
                    _ => String::new(),
                };
                out.push(
                    Diagnostic::error(
                        codes::B3062,
                        format!("Ingress `{name}` of app `{}` sends traffic to port `{shown}` of Service `{service}`, which it does not have", app.name),
                        at(app, span),
                    )
                    .with_label("no such port on the Service")
                    .with_help(format!(
                        "use one of {}",
                        ports.iter().map(|(n, p)| if n.is_empty() { format!("{p}") } else { format!("`{n}` ({p})") }).collect::<Vec<_>>().join(", ")
                    )),
                );
            }
        }
    }
}

/// Every `service: {name, port: {number|name}}` backend under an Ingress.
fn collect_backends(data: &Data, out: &mut Vec<(String, Option<Data>)>) {
    match data {
        Data::Map(map) => {
            if let Some(Data::Map(service)) = map.get("service") {
                if let Some(Data::Str(name)) = service.get("name") {
                    let port = match service.get("port") {
                        Some(Data::Map(port)) => {
                            port.get("number").or_else(|| port.get("name")).cloned()
                        }
                        _ => None,
                    };
                    out.push((name.clone(), port));
                }
            }
            for value in map.values() {
                collect_backends(value, out);
            }
        }
        Data::List(items) => {
            for item in items {
                collect_backends(item, out);
            }
        }
        _ => {}
    }
}

/// B3063: an environment variable reading a key of one of the app's own Secrets (an explicit
/// ExternalSecret's target) reads a key that Secret has.
fn secret_keys(app: &App, out: &mut Vec<Diagnostic>) {
    for container in app.all_containers() {
        for var in &container.env {
            let EnvValue::SecretKeyRef { name, key, .. } = &var.value else {
                continue;
            };
            let Some(external) = app
                .objects
                .external_secrets
                .iter()
                .find(|e| &e.target == name)
            else {
                continue;
            };
            let mut keys: Vec<&str> = external.data.iter().map(|(k, _)| k.as_str()).collect();
            keys.extend(external.template.keys().map(String::as_str));
            if keys.contains(&key.as_str()) {
                continue;
            }
            out.push(
                Diagnostic::error(
                    codes::B3063,
                    format!(
                        "`{}` of container `{}` reads key `{key}` of Secret `{name}`, which does not have it",
                        var.name, container.name
                    ),
                    app.origin.span,
                )
                .with_label(format!("in `app {}`", app.name))
                .with_secondary(at(app, external.span), format!("ExternalSecret `{}` writes Secret `{name}`", external.name))
                .with_help(format!("read one of its keys: {}", keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))),
            );
        }
    }
}

/// B3064: keys of the app's ConfigMaps named by volumes, mounts and the environment.
fn config_map_keys(app: &App, out: &mut Vec<Diagnostic>) {
    let keys_of = |name: &str| -> Option<Vec<&str>> {
        let map = app.objects.config_maps.iter().find(|m| m.name == name)?;
        Some(
            map.data
                .keys()
                .chain(map.files.keys())
                .map(String::as_str)
                .collect(),
        )
    };
    let mut report = |map: &str, key: &str, what: String, known: &[&str]| {
        out.push(
            Diagnostic::error(
                codes::B3064,
                format!("{what} names key `{key}` of ConfigMap `{map}`, which does not have it"),
                app.origin.span,
            )
            .with_label(format!("in `app {}`", app.name))
            .with_help(format!(
                "use one of its keys: {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    };
    for view in pods(app) {
        for volume in &view.pod.volumes {
            let VolumeSource::ConfigMap(files) = &volume.source else {
                continue;
            };
            let Some(known) = keys_of(&files.name) else {
                continue;
            };
            for item in &files.items {
                if !known.contains(&item.key.as_str()) {
                    report(
                        &files.name,
                        &item.key,
                        format!("volume `{}`", volume.name),
                        &known,
                    );
                }
            }
            // A sub path of a volume of every key is one of the keys.
            if !files.items.is_empty() {
                continue;
            }
            for container in &view.containers {
                for mount in container.mounts.iter().filter(|m| m.volume == volume.name) {
                    let Some(sub) = &mount.sub_path else {
                        continue;
                    };
                    let first = sub.split('/').next().unwrap_or(sub);
                    if !known.contains(&first) {
                        report(
                            &files.name,
                            first,
                            format!(
                                "the mount of `{}` in container `{}`",
                                volume.name, container.name
                            ),
                            &known,
                        );
                    }
                }
            }
        }
        for container in &view.containers {
            for var in &container.env {
                let EnvValue::ConfigMapKey { name, key, .. } = &var.value else {
                    continue;
                };
                let Some(known) = keys_of(name) else {
                    continue;
                };
                if !known.contains(&key.as_str()) {
                    report(
                        name,
                        key,
                        format!("`{}` of container `{}`", var.name, container.name),
                        &known,
                    );
                }
            }
        }
    }
}

/// B3065: a claim's `volume_name` names a PersistentVolume of the project that can serve it.
fn claims(model: &Model, app: &App, out: &mut Vec<Diagnostic>) {
    let volumes: Vec<(&App, &PersistentVolume)> = model
        .apps
        .iter()
        .flat_map(|a| a.objects.persistent_volumes.iter().map(move |v| (a, v)))
        .collect();
    for claim in &app.objects.volume_claims {
        let Some(volume_name) = &claim.volume_name else {
            continue;
        };
        let Some((owner, volume)) = volumes.iter().find(|(_, v)| &v.name == volume_name) else {
            let known: Vec<String> = volumes
                .iter()
                .map(|(_, v)| format!("`{}`", v.name))
                .collect();
            out.push(
                Diagnostic::error(
                    codes::B3065,
                    format!("claim `{}` of app `{}` binds to PersistentVolume `{volume_name}`, which the project does not declare", claim.name, app.name),
                    at(app, claim.span),
                )
                .with_label("no such PersistentVolume")
                .with_help(if known.is_empty() {
                    "declare it in the app's `persistent_volumes`".to_string()
                } else {
                    format!("bind to one of {}, or declare it in the app's `persistent_volumes`", known.join(", "))
                }),
            );
            continue;
        };
        if let Some(why) = incompatible(claim, volume) {
            out.push(
                Diagnostic::error(
                    codes::B3065,
                    format!("claim `{}` of app `{}` cannot bind to PersistentVolume `{volume_name}`", claim.name, app.name),
                    at(app, claim.span),
                )
                .with_label(why)
                .with_secondary(at(owner, volume.span), "the PersistentVolume is declared here")
                .with_note("a claim binds to a volume that offers every access mode it asks for, has the same storage class and at least the storage it requests; otherwise it stays Pending")
                .with_help("make the claim ask for what the volume offers"),
            );
        }
    }
}

/// Why a claim cannot bind to a volume, if it cannot.
fn incompatible(claim: &VolumeClaim, volume: &PersistentVolume) -> Option<String> {
    if let Some(mode) = claim
        .access_modes
        .iter()
        .find(|m| !volume.access_modes.contains(m))
    {
        return Some(format!(
            "it asks for {mode}, which the volume does not offer"
        ));
    }
    let class = |c: &Option<String>| c.clone().unwrap_or_default();
    if claim.storage_class.is_some() && class(&claim.storage_class) != class(&volume.storage_class)
    {
        return Some(format!(
            "its storage class \"{}\" is not the volume's \"{}\"",
            class(&claim.storage_class),
            class(&volume.storage_class)
        ));
    }
    match (bytes(&claim.size), bytes(&volume.capacity)) {
        (Some(wanted), Some(offered)) if wanted > offered => Some(format!(
            "it requests {}, more than the volume's {}",
            claim.size, volume.capacity
        )),
        _ => None,
    }
}

/// A storage quantity in bytes (`10Gi`, `1Ti`, `500M`, `1024`), if it is one.
fn bytes(quantity: &str) -> Option<u128> {
    let digits_end = quantity
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(quantity.len());
    let (number, unit) = quantity.split_at(digits_end);
    let number: u128 = number.parse().ok()?;
    let factor: u128 = match unit {
        "" => 1,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "P" => 1_000_000_000_000_000,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "Pi" => 1 << 50,
        _ => return None,
    };
    number.checked_mul(factor)
}

/// B3066: a pod's service account is `default` or one the app declares.
fn service_accounts(app: &App, out: &mut Vec<Diagnostic>) {
    for view in pods(app) {
        let Some(account) = view.pod.service_account() else {
            continue;
        };
        if account == "default"
            || app
                .objects
                .service_accounts
                .iter()
                .any(|s| s.name == account)
        {
            continue;
        }
        let declared: Vec<String> = app
            .objects
            .service_accounts
            .iter()
            .map(|s| format!("`{}`", s.name))
            .collect();
        out.push(
            Diagnostic::error(
                codes::B3066,
                format!("a pod of app `{}` runs as service account `{account}`, which the app does not declare", app.name),
                app.origin.span,
            )
            .with_label("the pod would not be created")
            .with_help(if declared.is_empty() {
                format!("declare it: `service_accounts = {{ \"{account}\" = {{}} }}`")
            } else {
                format!("use one of {}, or declare it in `service_accounts`", declared.join(", "))
            }),
        );
    }
}

/// B3067: raw manifests stay in the app's namespace.
fn namespaces(app: &App, out: &mut Vec<Diagnostic>) {
    for manifest in &app.objects.manifests {
        let RawManifest::Inline {
            kind,
            name,
            object,
            span,
            ..
        } = manifest
        else {
            continue;
        };
        let Some(namespace) = text(object, &["metadata", "namespace"]) else {
            continue;
        };
        if namespace == app.namespace {
            continue;
        }
        out.push(
            Diagnostic::error(
                codes::B3067,
                format!("{kind} `{name}` of app `{}` is in namespace `{namespace}`, not the app's `{}`", app.name, app.namespace),
                at(app, *span),
            )
            .with_label("kustomize moves every object of the app into its namespace")
            .with_note("an app's objects live in its one namespace: its kustomization sets it on every object, so another namespace here is silently replaced")
            .with_help("leave `metadata.namespace` out, or move the object to an app of that namespace"),
        );
    }
}

/// B3069: every mount names a volume of its pod (or a claim template of a StatefulSet).
fn mounts(app: &App, out: &mut Vec<Diagnostic>) {
    for view in pods(app) {
        let mut known: Vec<&str> = view.pod.volumes.iter().map(|v| v.name.as_str()).collect();
        if view.claim_templates {
            known.extend(app.objects.volume_claims.iter().map(|c| c.name.as_str()));
        }
        for container in &view.containers {
            for mount in &container.mounts {
                if known.contains(&mount.volume.as_str()) {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        codes::B3069,
                        format!(
                            "container `{}` of app `{}` mounts volume `{}`, which its pod does not have",
                            container.name, app.name, mount.volume
                        ),
                        at(app, mount.span),
                    )
                    .with_label("no such volume")
                    .with_help(if known.is_empty() {
                        format!("declare it in the pod's `volumes`: `volumes = {{ {} = k8s.empty_dir() }}`", mount.volume)
                    } else {
                        format!("mount one of {}, or declare it in `volumes`", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
                    }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn storage_quantities_in_bytes() {
        assert_eq!(bytes("1Ti"), Some(1 << 40));
        assert_eq!(bytes("10Gi"), Some(10 << 30));
        assert_eq!(bytes("500M"), Some(500_000_000));
        assert_eq!(bytes("1.5Gi"), None);
    }
}
