//! Lowering clusters, repositories, secrets and apps.
//!
//! An app's ports are numbers in the source (`port = self.ports.http` is `8080`); every port a
//! probe, an exposure or a sidecar names must be one of the app's `ports` (`B3012`, pointing at
//! the number and at the app's `ports`), and is stored in the model by its name.

use super::data;
use crate::check::schema::Kind;
use crate::check::value::{Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    App, AppPort, Audience, Cluster, Exposure, Image, Origin, Repo, Secret, WorkloadKind,
};

mod containers;
mod custom;
mod objects;
mod pods;
use crate::source::Span;

/// A `cluster`.
pub fn cluster(fields: &Record, origin: Origin, name: String) -> Cluster {
    Cluster {
        host: data::get(fields, "host").and_then(|v| data::reference(v, Kind::Host)),
        server: data::string(fields, "server").unwrap_or_default(),
        argocd_namespace: data::string(fields, "argocd_namespace").unwrap_or_default(),
        secret_store: data::string(fields, "secret_store").unwrap_or_default(),
        proxy_group: data::string(fields, "proxy_group"),
        proxy_class: data::string(fields, "proxy_class"),
        // Unset and empty differ: an empty list says the operator's proxies carry no tag.
        proxy_tags: match data::get(fields, "proxy_tags").map(|v| &v.kind) {
            Some(V::List(_)) => Some(data::selectors(fields, "proxy_tags")),
            _ => None,
        },
        destination_name: data::string(fields, "destination_name"),
        origin,
        name,
    }
}

/// A `repo`.
pub fn repo(fields: &Record, origin: Origin, name: String) -> Repo {
    Repo {
        url: data::string(fields, "url").unwrap_or_default(),
        // Set by the lowering from a `forge` reference, which derives the URL.
        forge: None,
        revision: data::string(fields, "revision").unwrap_or_default(),
        origin,
        name,
    }
}

/// A `secret`.
pub fn secret(fields: &Record, origin: Origin, name: String) -> Secret {
    Secret {
        vault: data::string(fields, "vault").unwrap_or_default(),
        item: data::string(fields, "item").unwrap_or_default(),
        keys: data::strings(fields, "keys"),
        origin,
        name,
    }
}

/// The app being lowered: its name, ports and where they are declared.
pub(super) struct AppPorts<'p> {
    name: &'p str,
    ports: Vec<AppPort>,
    /// The `ports` field's value, or the app's name when it has none.
    declared_at: Span,
    has_field: bool,
}

impl Checker<'_> {
    /// An `app`; `None` when its cluster failed to check.
    pub fn lower_app(&mut self, fields: &Record, origin: Origin, name: String) -> Option<App> {
        let cluster = data::reference(data::get(fields, "cluster")?, Kind::Cluster)?;
        let replicas = match data::get(fields, "replicas") {
            Some(value) => self.count(value, "replicas")?,
            None => 1,
        };
        let ports_value = data::get(fields, "ports");
        let ports: Vec<AppPort> = data::map(fields, "ports")
            .map(|m| {
                m.iter()
                    .filter_map(|(k, f)| match f.value.kind {
                        V::Int(n) => Some(AppPort {
                            name: k.clone(),
                            port: u16::try_from(n).ok()?,
                            span: f.value.span,
                        }),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let app = AppPorts {
            name: &name,
            ports,
            declared_at: ports_value.map_or(origin.span, |v| v.span),
            has_field: ports_value.is_some_and(|v| v.span != origin.span),
        };
        let workload_name = data::string(fields, "workload_name").unwrap_or_else(|| name.clone());
        let has_image = data::get(fields, "image").is_some_and(|v| !matches!(v.kind, V::Null));
        if !has_image {
            self.no_workload(fields, &name);
        }
        let mut containers = Vec::new();
        let mut sidecar_ports: Vec<String> = Vec::new();
        for sidecar in data::list(fields, "sidecars") {
            let V::Record(sidecar) = &sidecar.kind else {
                continue;
            };
            let name = data::string(sidecar, "name").unwrap_or_default();
            let container = self.container(sidecar, name, &app)?;
            sidecar_ports.extend(container.ports.iter().cloned());
            containers.push(container);
        }
        let main_name =
            data::string(fields, "container_name").unwrap_or_else(|| workload_name.clone());
        if has_image {
            let mut main = self.container(fields, main_name, &app)?;
            main.ports = app
                .ports
                .iter()
                .filter(|p| !sidecar_ports.contains(&p.name))
                .map(|p| p.name.clone())
                .collect();
            containers.insert(0, main);
        }
        let init_containers = self.containers(fields, "init_containers", &app)?;
        let expose = match data::get(fields, "expose") {
            Some(value) => match &value.kind {
                V::Record(r) => Some(self.exposure(r, value.span, &app)?),
                _ => None,
            },
            None => None,
        };
        let kind = match data::string(fields, "kind").as_deref() {
            Some("statefulset") => WorkloadKind::StatefulSet,
            Some("daemonset") => WorkloadKind::DaemonSet,
            _ => WorkloadKind::Deployment,
        };
        let pod = self.pod(fields);
        let strategy = data::get(fields, "strategy").and_then(|v| self.strategy(v));
        let service = self.service(fields, origin.span);
        let namespace = data::string(fields, "namespace").unwrap_or_else(|| name.clone());
        let mut objects = self.objects(fields, &app, &namespace);
        objects.custom_resources = self.custom_resources(fields, &name, &namespace);
        objects.image_overrides = self.image_overrides(fields, &containers);
        let produces = self.produces(fields);
        Some(App {
            namespace,
            workload_name,
            kind,
            replicas,
            containers,
            init_containers,
            pod,
            ports: app.ports,
            expose,
            labels: data::string_map(fields, "labels"),
            annotations: data::string_map(fields, "annotations"),
            strategy,
            service,
            objects,
            produces,
            argocd: self.lower_argocd(fields),
            cluster,
            origin,
            name,
        })
    }

    /// The app's `image_overrides`. An override of an image the app's own containers use is
    /// `B2006`: bopsc pins those itself from the container's `image`, and kustomize would apply
    /// one of the two; an override that changes nothing is `B2006` too.
    fn image_overrides(
        &mut self,
        fields: &Record,
        containers: &[crate::model::Container],
    ) -> Vec<crate::model::ImageOverride> {
        let mut out = Vec::new();
        for value in data::list(fields, "image_overrides") {
            let V::Record(entry) = &value.kind else {
                continue;
            };
            let Some(name) = data::string(entry, "name") else {
                continue;
            };
            let over = crate::model::ImageOverride {
                new_name: data::string(entry, "new_name"),
                new_tag: data::string(entry, "new_tag"),
                digest: data::string(entry, "digest"),
                name,
            };
            let own = containers.iter().any(|c| c.image.name == over.name);
            let empty = over.new_name.is_none() && over.new_tag.is_none() && over.digest.is_none();
            if own || empty {
                let (label, help) = if own {
                    (
                        "an image of the app's own containers",
                        "bopsc pins the tag of the app's own images from their `image`; change it there",
                    )
                } else {
                    ("changes nothing", "give `new_name`, `new_tag` or `digest`")
                };
                self.report(
                    Diagnostic::error(
                        codes::B2006,
                        format!("invalid value: image override of `{}`", over.name),
                        value.span,
                    )
                    .with_label(label)
                    .with_help(help),
                );
                continue;
            }
            out.push(over);
        }
        out
    }

    /// A non-negative count (`replicas`), `B2005` when negative.
    pub(super) fn count(&mut self, value: &Value, what: &str) -> Option<u32> {
        let V::Int(n) = value.kind else {
            return None;
        };
        if let Ok(n) = u32::try_from(n) {
            return Some(n);
        }
        self.report(
            Diagnostic::error(
                codes::B2005,
                format!("`{what}` is out of range"),
                value.span,
            )
            .with_label(if n < 0 {
                format!("{n} is negative; a count is 0 or more")
            } else {
                format!("{n} is more than {}", u32::MAX)
            }),
        );
        None
    }

    /// A count field of a record, if given.
    pub(super) fn count_field(&mut self, fields: &Record, name: &str) -> Option<u32> {
        let value = data::get(fields, name)?;
        self.count(value, name)
    }

    /// A container image, `registry/repository[:tag]`; `B2006` when malformed.
    pub(super) fn image(&mut self, value: &Value) -> Option<Image> {
        let V::Str(text) = &value.kind else {
            return None;
        };
        match parse_image(text) {
            Ok(image) => Some(image),
            Err(why) => {
                self.report(
                    Diagnostic::error(codes::B2006, format!("invalid image `{text}`"), value.span)
                        .with_label(why)
                        .with_help("write `registry/repository:tag`, for example `ghcr.io/miniflux/miniflux:2.2.17`"),
                );
                None
            }
        }
    }

    /// The name of the app port a number refers to; `B3012` when the app does not declare it.
    pub(super) fn port_name(&mut self, value: &Value, app: &AppPorts<'_>) -> Option<String> {
        let V::Int(n) = value.kind else {
            return None;
        };
        if let Some(port) = app.ports.iter().find(|p| i64::from(p.port) == n) {
            return Some(port.name.clone());
        }
        let (secondary, label) = if app.has_field {
            (app.declared_at, format!("the ports of `app {}`", app.name))
        } else {
            (
                app.declared_at,
                format!("`app {}` declares no ports", app.name),
            )
        };
        let help = if app.ports.is_empty() {
            format!("declare it: `ports = {{ http = {n} }}`")
        } else {
            let known: Vec<String> = app
                .ports
                .iter()
                .map(|p| format!("`{}` ({})", p.name, p.port))
                .collect();
            let which = if known.len() == 1 { "" } else { "one of " };
            format!(
                "use {which}{}, or add {n} to the app's `ports`",
                known.join(", ")
            )
        };
        self.report(
            Diagnostic::error(
                codes::B3012,
                format!("port {n} is not a port of `app {}`", app.name),
                value.span,
            )
            .with_label("no such port on the app")
            .with_secondary(secondary, label)
            .with_help(help),
        );
        None
    }

    /// An app's tailnet exposure.
    fn exposure(&mut self, fields: &Record, span: Span, app: &AppPorts<'_>) -> Option<Exposure> {
        let port = self.port_name(data::get(fields, "port")?, app)?;
        Some(Exposure {
            hostname: data::string(fields, "hostname").unwrap_or_else(|| app.name.to_string()),
            port,
            tags: data::selectors(fields, "tags"),
            funnel: data::boolean(fields, "funnel", false),
            annotations: data::string_map(fields, "annotations"),
            proxy_group: data::string(fields, "proxy_group"),
            proxy_class: data::string(fields, "proxy_class"),
            audience: data::get(fields, "audience")
                .filter(|v| !matches!(v.kind, V::Null))
                .map(|v| Audience {
                    principals: data::selectors(fields, "audience"),
                    span: v.span,
                }),
            span,
        })
    }
}

/// Splits `registry/repository[:tag]`; the error says what is wrong.
pub fn parse_image(text: &str) -> Result<Image, String> {
    if text.is_empty() {
        return Err("the image is empty".to_string());
    }
    if text.chars().any(char::is_whitespace) {
        return Err("an image contains no spaces".to_string());
    }
    if text.contains('@') {
        return Err("digests (`@sha256:...`) are not supported; use a tag".to_string());
    }
    let (name, tag) = match text.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag)),
        _ => (text, None),
    };
    if name.is_empty() || name.starts_with('/') || name.ends_with('/') || name.contains("//") {
        return Err("the repository name is malformed".to_string());
    }
    let path = name.split_once('/').map_or(name, |(registry, rest)| {
        if registry.contains('.') || registry.contains(':') || registry == "localhost" {
            rest
        } else {
            name
        }
    });
    let valid_path = path
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c));
    if !valid_path {
        return Err("a repository name has only lowercase letters, digits and `._-/`".to_string());
    }
    if let Some(tag) = tag {
        let valid_tag = !tag.is_empty()
            && tag.len() <= 128
            && !tag.starts_with(['.', '-'])
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !valid_tag {
            return Err(format!("`{tag}` is not a valid tag"));
        }
    }
    Ok(Image {
        name: name.to_string(),
        tag: tag.map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_image;

    #[test]
    fn images() {
        let image = parse_image("ghcr.io/miniflux/miniflux:2.2.17").ok();
        assert_eq!(
            image.map(|i| (i.name, i.tag)),
            Some((
                "ghcr.io/miniflux/miniflux".to_string(),
                Some("2.2.17".to_string())
            ))
        );
        let image = parse_image("localhost:5000/app").ok();
        assert_eq!(
            image.map(|i| (i.name, i.tag)),
            Some(("localhost:5000/app".to_string(), None))
        );
        assert!(parse_image("Nginx:latest").is_err());
        assert!(parse_image("nginx:").is_err());
        assert!(parse_image("nginx@sha256:abc").is_err());
        assert!(parse_image("a b").is_err());
        assert!(parse_image("").is_err());
    }
}
