//! Lowering what an app declares beyond its workload: the custom resources it writes
//! (`custom_resources`), what its other sources produce (`produces`), and the check that an app without
//! an image sets none of the fields that describe a workload.
//!
//! A custom resource is typed at its boundary: its `apiVersion` is `group/version`, its kind a
//! PascalCase name and its name a DNS subdomain (B2006 otherwise), its spec holds no secret
//! (B2007), and a namespace it names is its app's (B3067): kustomize sets the app's namespace on
//! every namespaced object, so another one would be silently overridden.

use indexmap::IndexMap;

use crate::check::lower::data;
use crate::check::value::{Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{AppPort, CustomResource, Data, ProducedExposure, ProducedService, Produces};
use crate::rules::valid;

/// The fields of an app that describe its own workload, meaningless without an image.
const WORKLOAD_FIELDS: &[&str] = &[
    "ports",
    "expose",
    "sidecars",
    "init_containers",
    "command",
    "args",
    "env",
    "env_from",
    "probes",
    "mounts",
];

impl Checker<'_> {
    /// B3081: an app without an image (its workload comes from elsewhere, or it has none) that
    /// sets a field describing its workload.
    pub(super) fn no_workload(&mut self, fields: &Record, app: &str) {
        for name in WORKLOAD_FIELDS {
            let Some(field) = fields.get(*name) else {
                continue;
            };
            let empty = match &field.value.kind {
                V::Record(r) => r.is_empty(),
                V::List(l) => l.is_empty(),
                V::Null => true,
                _ => false,
            };
            if empty {
                continue;
            }
            self.report(
                Diagnostic::error(
                    codes::B3081,
                    format!("`app {app}` has no image, so its `{name}` describes nothing"),
                    field.key,
                )
                .with_label("this describes the app's own workload")
                .with_note("an app without `image` has no workload of its own: a Helm chart or vendored manifests deploy it, or its directory holds only other objects")
                .with_help(if *name == "ports" || *name == "expose" {
                    "declare what the chart creates instead: `produces = { services = { NAME = { ports = { http = 80 } } }, exposures = { HOSTNAME = { tags = [...] } } }`"
                } else {
                    "give the app its `image`, or remove the field"
                }),
            );
        }
    }

    /// The app's custom resources (`custom_resources`).
    pub(super) fn custom_resources(
        &mut self,
        fields: &Record,
        app: &str,
        namespace: &str,
    ) -> Vec<CustomResource> {
        data::list(fields, "custom_resources")
            .iter()
            .filter_map(|v| self.custom_resource(v, app, namespace))
            .collect()
    }

    fn custom_resource(
        &mut self,
        value: &Value,
        app: &str,
        namespace: &str,
    ) -> Option<CustomResource> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        let api_version = self.checked(fields, "api_version", api_version)?;
        let kind = self.checked(fields, "kind", kind)?;
        let name = self.checked(fields, "name", valid::dns_subdomain)?;
        let cluster_scoped = data::boolean(fields, "cluster_scoped", false);
        if let Some(field) = fields.get("namespace") {
            if let V::Str(given) = &field.value.kind {
                if cluster_scoped || given != namespace {
                    let label = if cluster_scoped {
                        "a cluster-scoped object has no namespace".to_string()
                    } else {
                        format!("`app {app}`'s namespace is `{namespace}`")
                    };
                    self.report(
                        Diagnostic::error(
                            codes::B3067,
                            format!("custom resource `{kind} {name}` of `app {app}` names namespace `{given}`"),
                            field.value.span,
                        )
                        .with_label(label)
                        .with_help("leave `namespace` out (kustomize sets the app's), or declare the object in an app of that namespace"),
                    );
                    return None;
                }
            }
        }
        let spec = match data::get(fields, "spec") {
            Some(
                v @ Value {
                    kind: V::Record(r), ..
                },
            ) => {
                let spec = self.data_map(r)?;
                if spec.values().any(holds_secret) {
                    self.report(
                        Diagnostic::error(codes::B2007, "a secret key in a custom resource", v.span)
                            .with_label("the object would carry the secret into the repository")
                            .with_help("keep the secret in a Kubernetes Secret (an `external_secrets` entry) and name that Secret in the spec"),
                    );
                    return None;
                }
                spec
            }
            _ => IndexMap::new(),
        };
        Some(CustomResource {
            api_version,
            kind,
            name,
            cluster_scoped,
            spec,
            labels: data::string_map(fields, "labels"),
            annotations: data::string_map(fields, "annotations"),
            // The name: a helper's record is made in the standard library, its arguments where
            // the helper is called.
            span: data::get(fields, "name").map_or(value.span, |v| v.span),
        })
    }

    /// A string field checked by `rule`; B2006 when it fails.
    fn checked(
        &mut self,
        fields: &Record,
        name: &str,
        rule: fn(&str) -> valid::Verdict,
    ) -> Option<String> {
        let value = data::get(fields, name)?;
        let V::Str(text) = &value.kind else {
            return None;
        };
        if let Err(why) = rule(text) {
            self.report(
                Diagnostic::error(
                    codes::B2006,
                    format!("invalid custom resource `{name}` `{text}`"),
                    value.span,
                )
                .with_label(why)
                .with_help(
                    "a custom resource has `api_version = \"group/version\"`, a PascalCase `kind` and a DNS name: `k8s.custom(\"tailscale.com/v1alpha1\", \"ProxyGroup\", \"ingress\")`",
                ),
            );
            return None;
        }
        Some(text.clone())
    }

    /// What the app's other sources create (`produces`).
    pub(super) fn produces(&mut self, fields: &Record) -> Produces {
        let Some(produces) = data::map(fields, "produces") else {
            return Produces::default();
        };
        let mut out = Produces::default();
        for (name, field) in data::map(produces, "services").into_iter().flatten() {
            let V::Record(service) = &field.value.kind else {
                continue;
            };
            let ports = data::map(service, "ports")
                .into_iter()
                .flatten()
                .filter_map(|(port, f)| match f.value.kind {
                    V::Int(n) => Some(AppPort {
                        name: port.clone(),
                        port: u16::try_from(n).ok()?,
                        span: f.value.span,
                    }),
                    _ => None,
                })
                .collect();
            out.services.push(ProducedService {
                name: name.clone(),
                ports,
                selector: data::string_map(service, "selector"),
                span: field.key,
            });
        }
        for (key, field) in data::map(produces, "exposures").into_iter().flatten() {
            let V::Record(exposure) = &field.value.kind else {
                continue;
            };
            let load_balancer = data::string(exposure, "kind").as_deref() == Some("load_balancer");
            let service = data::string(exposure, "service");
            if let Some(service) = &service {
                if !out.services.iter().any(|s| &s.name == service) {
                    let span = data::get(exposure, "service").map_or(field.key, |v| v.span);
                    self.report(
                        Diagnostic::error(
                            codes::B3062,
                            format!("exposure `{key}` names Service `{service}`, which the app does not produce"),
                            span,
                        )
                        .with_label("no such produced Service")
                        .with_help("declare it under `produces.services`"),
                    );
                }
            } else if load_balancer {
                self.report(
                    Diagnostic::error(
                        codes::B2003,
                        format!("exposure `{key}` is a LoadBalancer but names no Service"),
                        field.key,
                    )
                    .with_label("a Tailscale LoadBalancer is a Service")
                    .with_help("name the produced Service it is: `service = \"NAME\"`"),
                );
            }
            out.exposures.push(ProducedExposure {
                hostname: data::string(exposure, "hostname").unwrap_or_else(|| key.clone()),
                load_balancer,
                service,
                tags: data::selectors(exposure, "tags"),
                funnel: data::boolean(exposure, "funnel", false),
                span: field.key,
            });
        }
        out
    }
}

/// An `apiVersion` of a custom resource: `group/version`, the group a DNS subdomain with a dot.
fn api_version(text: &str) -> valid::Verdict {
    let Some((group, version)) = text.split_once('/') else {
        return Err(
            "a custom resource's API is `group/version`, `tailscale.com/v1alpha1`".to_string(),
        );
    };
    if !group.contains('.') {
        return Err(format!(
            "`{group}` is not an API group (a DNS name such as `example.com`)"
        ));
    }
    valid::dns_subdomain(group)?;
    valid::dns_label(version).map_err(|why| format!("the version `{version}`: {why}"))
}

/// A kind: PascalCase, an uppercase letter then letters and digits.
fn kind(text: &str) -> valid::Verdict {
    let mut chars = text.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_uppercase()) {
        return Err("a kind starts with an uppercase letter (`ProxyGroup`)".to_string());
    }
    if !chars.all(|c| c.is_ascii_alphanumeric()) {
        return Err("a kind has only letters and digits (`ProxyGroup`)".to_string());
    }
    Ok(())
}

/// Whether data holds a secret reference anywhere.
fn holds_secret(data: &Data) -> bool {
    match data {
        Data::Secret(_) | Data::SecretText(_) => true,
        Data::List(items) => items.iter().any(holds_secret),
        Data::Map(entries) => entries.values().any(holds_secret),
        _ => false,
    }
}
