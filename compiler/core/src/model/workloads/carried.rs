//! What the Tailscale operator's proxies of an app really carry, as the operator tags them.
//!
//! The operator gives a proxy device (or the Tailscale Service of a ProxyGroup's Ingress) the tags
//! its resource names in `tailscale.com/tags`. A resource that names none and is served by a
//! ProxyGroup (`tailscale.com/proxy-group`, or the cluster's for the Ingresses bopsc writes) is
//! reached on that group's devices, which carry the group's `spec.tags`. Any other proxy carries
//! the operator's default proxy tags (`PROXY_TAGS`, the Helm value `proxyConfig.defaultTags`,
//! `tag:k8s` unless configured), which a cluster declares as `proxy_tags`; when it does not, what
//! such a proxy carries is unknown, and the rules claim nothing about it.

use std::collections::BTreeMap;

use super::{App, Cluster, CustomResource, ExposureSource, TailnetExposure};

/// The ProxyGroups the project's apps describe, by cluster and name (the first one described
/// wins, as the operator would refuse a second of the same name). Built once, so that deciding
/// what every exposure's proxy carries does not scan every app for each exposure.
pub struct ProxyGroups<'m> {
    by_name: BTreeMap<(&'m str, &'m str), &'m CustomResource>,
}

impl<'m> ProxyGroups<'m> {
    /// Indexes the ProxyGroups of these apps.
    pub fn new(apps: &'m [App]) -> ProxyGroups<'m> {
        let mut by_name = BTreeMap::new();
        for app in apps {
            for resource in &app.objects.custom_resources {
                if resource.is_proxy_group() {
                    by_name
                        .entry((app.cluster.as_str(), resource.name.as_str()))
                        .or_insert(resource);
                }
            }
        }
        ProxyGroups { by_name }
    }

    /// The ProxyGroup of this name on this cluster, if an app describes it.
    fn get(&self, cluster: &str, name: &str) -> Option<&'m CustomResource> {
        self.by_name.get(&(cluster, name)).copied()
    }
}

/// Every app's tailnet exposures with what their proxies carry, in app order: what the rules
/// about carried tags read, computed once per rule.
pub fn all_carriers<'m>(apps: &'m [App], clusters: &[Cluster]) -> Vec<(&'m App, Carrier<'m>)> {
    let groups = ProxyGroups::new(apps);
    apps.iter()
        .flat_map(|app| {
            app.tailnet_carriers(&groups, clusters)
                .into_iter()
                .map(move |carrier| (app, carrier))
        })
        .collect()
}

/// The tags a tailnet exposure's proxy carries, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Carried {
    /// The tags the exposure names itself (`tags`, `tailscale.com/tags`).
    Declared(Vec<String>),
    /// The tags of the ProxyGroup that serves it.
    ProxyGroup {
        /// The group's name.
        name: String,
        /// Its `spec.tags`, without `tag:`.
        tags: Vec<String>,
    },
    /// The default proxy tags of the cluster's operator.
    Default {
        /// The cluster.
        cluster: String,
        /// The tags, without `tag:`.
        tags: Vec<String>,
    },
    /// Not known: the cluster does not declare its operator's default proxy tags, or the
    /// ProxyGroup serving the exposure is not described.
    Unknown {
        /// The cluster.
        cluster: String,
        /// The ProxyGroup that is not described, if that is why.
        proxy_group: Option<String>,
    },
}

impl Carried {
    /// The tags, when known.
    pub fn tags(&self) -> Option<&[String]> {
        match self {
            Carried::Declared(tags)
            | Carried::ProxyGroup { tags, .. }
            | Carried::Default { tags, .. } => Some(tags),
            Carried::Unknown { .. } => None,
        }
    }

    /// Whether the tag is known to be carried.
    pub fn carries(&self, tag: &str) -> bool {
        self.tags()
            .is_some_and(|tags| tags.iter().any(|t| t == tag))
    }

    /// What is carried, for messages: `joins proxy group `ingress` and carries tag:k8s`.
    pub fn describe(&self) -> String {
        match self {
            Carried::Declared(tags) => format!("carries {}", tag_list(tags)),
            Carried::ProxyGroup { name, tags } => {
                format!("joins proxy group `{name}` and carries {}", tag_list(tags))
            }
            Carried::Default { cluster, tags } => format!(
                "carries the default proxy tags of cluster {cluster}'s operator, {}",
                tag_list(tags)
            ),
            Carried::Unknown {
                cluster,
                proxy_group: Some(group),
            } => format!(
                "joins proxy group `{group}`, which no app of cluster {cluster} describes, so its tags are unknown"
            ),
            Carried::Unknown {
                cluster,
                proxy_group: None,
            } => format!(
                "carries the default proxy tags of cluster {cluster}'s operator, which the cluster does not declare (`proxy_tags`)"
            ),
        }
    }
}

/// `tag:a, tag:b`, or `no tag`.
fn tag_list(tags: &[String]) -> String {
    if tags.is_empty() {
        return "no tag".to_string();
    }
    tags.iter()
        .map(|t| format!("tag:{t}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A tailnet exposure with what its proxy carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Carrier<'a> {
    /// The exposure.
    pub exposure: TailnetExposure<'a>,
    /// What its proxy carries.
    pub carried: Carried,
}

impl Carrier<'_> {
    /// The exposure for messages: `the Ingress of app miniflux (`feed`)`.
    pub fn describe(&self, app: &App) -> String {
        let host = self.exposure.hostname;
        match self.exposure.source {
            ExposureSource::Expose => format!("the Ingress of app {} (`{host}`)", app.name),
            ExposureSource::Service => {
                format!("the LoadBalancer Service of app {} (`{host}`)", app.name)
            }
            ExposureSource::Produced {
                load_balancer: true,
            } => format!(
                "the LoadBalancer Service `{host}` that app {}'s sources produce",
                app.name
            ),
            ExposureSource::Produced {
                load_balancer: false,
            } => format!(
                "the Ingress `{host}` that app {}'s sources produce",
                app.name
            ),
            ExposureSource::RawIngress(name) => {
                format!("the Ingress `{name}` of app {} (`{host}`)", app.name)
            }
            ExposureSource::RawService(name) => format!(
                "the LoadBalancer Service `{name}` of app {} (`{host}`)",
                app.name
            ),
        }
    }
}

impl App {
    /// The app's tailnet exposures ([`App::tailnet_exposures`] and its own Service when it is a
    /// Tailscale LoadBalancer), each with the tags its proxy carries given its cluster and the
    /// ProxyGroups the project's apps describe on that cluster.
    pub fn tailnet_carriers<'a>(
        &'a self,
        groups: &ProxyGroups<'_>,
        clusters: &[Cluster],
    ) -> Vec<Carrier<'a>> {
        let mut exposures = self.tailnet_exposures();
        if let Some(service) = self.tailscale_service() {
            exposures.push(service);
        }
        exposures
            .into_iter()
            .map(|exposure| Carrier {
                carried: exposure.carried(self, groups, clusters),
                exposure,
            })
            .collect()
    }

    /// The app's own Service as a tailnet exposure, when it is a Tailscale LoadBalancer with a
    /// hostname.
    fn tailscale_service(&self) -> Option<TailnetExposure<'_>> {
        let service = &self.service;
        let tailscale = service.kind == "LoadBalancer"
            && service.load_balancer_class.as_deref() == Some("tailscale");
        if !tailscale || !service.enabled || !self.has_workload() || self.ports.is_empty() {
            return None;
        }
        Some(TailnetExposure {
            hostname: service.hostname.as_deref()?,
            tags: &service.tags,
            ports: self.ports.iter().map(|p| p.port).collect(),
            span: service.span,
            source: ExposureSource::Service,
            annotated_tags: Vec::new(),
            proxy_group: None,
            cluster_proxy_group: false,
        })
    }
}

impl TailnetExposure<'_> {
    /// The tags its proxy carries: those it names, else those of the ProxyGroup serving it,
    /// else the operator's default proxy tags of its app's cluster.
    pub fn carried(&self, app: &App, groups: &ProxyGroups<'_>, clusters: &[Cluster]) -> Carried {
        let declared: Vec<String> = self
            .tags
            .iter()
            .filter_map(|s| s.tag().map(str::to_string))
            .chain(self.annotated_tags.iter().map(|t| (*t).to_string()))
            .collect();
        if !declared.is_empty() {
            return Carried::Declared(declared);
        }
        let cluster = clusters.iter().find(|c| c.name == app.cluster);
        let group = self.proxy_group.or_else(|| {
            if self.cluster_proxy_group {
                cluster.and_then(|c| c.proxy_group.as_deref())
            } else {
                None
            }
        });
        let default = || match cluster.and_then(|c| c.proxy_tags.as_ref()) {
            Some(tags) => Carried::Default {
                cluster: app.cluster.clone(),
                tags: tags
                    .iter()
                    .filter_map(|s| s.tag().map(str::to_string))
                    .collect(),
            },
            None => Carried::Unknown {
                cluster: app.cluster.clone(),
                proxy_group: None,
            },
        };
        let Some(group) = group else {
            return default();
        };
        let described = groups.get(&app.cluster, group);
        match described {
            // A ProxyGroup that names no tags gets the operator's default ones.
            Some(resource) if resource.proxy_group_tags().is_empty() => default(),
            Some(resource) => Carried::ProxyGroup {
                name: group.to_string(),
                tags: resource
                    .proxy_group_tags()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            },
            None => Carried::Unknown {
                cluster: app.cluster.clone(),
                proxy_group: Some(group.to_string()),
            },
        }
    }
}
