//! Lowering a pod's volumes and settings, the workload's update strategy and the app's Service.

use super::containers::{optional_bool, quantity};
use crate::check::lower::data;
use crate::check::value::{Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    IntOrString, KeyFile, KeyFiles, Pod, ServiceSpec, Strategy, Volume, VolumeSource,
};
use crate::source::Span;

/// The pod settings kept as data, in the order they are written out.
const POD_SETTINGS: &[&str] = &[
    "service_account",
    "automount_service_account_token",
    "runtime_class",
    "priority_class",
    "host_network",
    "host_pid",
    "dns_policy",
    "hostname",
    "share_process_namespace",
    "enable_service_links",
    "restart_policy",
    "termination_grace_period",
    "security",
    "node_selector",
    "tolerations",
    "affinity",
    "image_pull_secrets",
];

impl Checker<'_> {
    /// The pod of a record with `volumes` and `pod` fields (an app, a job).
    pub(in crate::check::lower) fn pod(&mut self, fields: &Record) -> Pod {
        let mut volumes = Vec::new();
        if let Some(entries) = data::map(fields, "volumes") {
            for (name, field) in entries {
                if let Some(source) = self.volume(&field.value) {
                    volumes.push(Volume {
                        name: name.clone(),
                        source,
                        span: field.key,
                    });
                }
            }
        }
        let Some(settings) = data::map(fields, "pod") else {
            return Pod {
                volumes,
                ..Pod::default()
            };
        };
        Pod {
            volumes,
            settings: self.settings(settings, POD_SETTINGS),
            labels: data::string_map(settings, "labels"),
            annotations: data::string_map(settings, "annotations"),
        }
    }

    /// A volume's source: exactly one of them (`B2006`).
    fn volume(&mut self, value: &Value) -> Option<VolumeSource> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        let given = self.exactly_one(
            fields,
            &[
                "claim",
                "nfs",
                "host_path",
                "config_map",
                "secret",
                "empty_dir",
            ],
            value,
            "a volume",
            "use `claim(name)`, `nfs(server, path)`, `host_path(path)`, `config_map_volume(name)`, `secret_volume(name)` or `empty_dir()` from `std.k8s`",
        )?;
        let read_only = data::boolean(fields, "read_only", false);
        let source = match given {
            "claim" => VolumeSource::Claim {
                claim: data::string(fields, "claim")?,
                read_only,
            },
            "nfs" => {
                let nfs = data::map(fields, "nfs")?;
                VolumeSource::Nfs {
                    server: data::string(nfs, "server")?,
                    path: data::string(nfs, "path")?,
                    read_only,
                }
            }
            "host_path" => {
                let host = data::map(fields, "host_path")?;
                VolumeSource::HostPath {
                    path: data::string(host, "path")?,
                    kind: data::string(host, "type"),
                }
            }
            "config_map" => VolumeSource::ConfigMap(self.key_files(data::map(fields, given)?)?),
            "secret" => VolumeSource::Secret(self.key_files(data::map(fields, given)?)?),
            _ => {
                let dir = data::map(fields, "empty_dir")?;
                VolumeSource::EmptyDir {
                    medium: data::string(dir, "medium").filter(|m| !m.is_empty()),
                    size_limit: quantity(dir, "size_limit"),
                }
            }
        };
        Some(source)
    }

    /// The keys of a ConfigMap or Secret volume.
    fn key_files(&mut self, fields: &Record) -> Option<KeyFiles> {
        let default_mode = match data::get(fields, "default_mode") {
            Some(value) => Some(self.file_mode(value)?),
            None => None,
        };
        let mut items = Vec::new();
        for item in data::list(fields, "items") {
            let V::Record(item) = &item.kind else {
                continue;
            };
            let mode = match data::get(item, "mode") {
                Some(value) => Some(self.file_mode(value)?),
                None => None,
            };
            items.push(KeyFile {
                key: data::string(item, "key")?,
                path: data::string(item, "path")?,
                mode,
            });
        }
        Some(KeyFiles {
            name: data::string(fields, "name")?,
            default_mode,
            items,
            optional: optional_bool(fields, "optional"),
        })
    }

    /// A file mode: octal text (`"0755"`) or its number (`493`), at most `0777`.
    fn file_mode(&mut self, value: &Value) -> Option<u32> {
        let mode = match &value.kind {
            V::Str(text) => {
                let digits = text.strip_prefix("0o").unwrap_or(text);
                u32::from_str_radix(digits, 8)
                    .ok()
                    .filter(|_| !digits.is_empty())
            }
            V::Int(n) => u32::try_from(*n).ok(),
            _ => return None,
        };
        match mode {
            Some(mode) if mode <= 0o777 => Some(mode),
            _ => {
                self.report(
                    Diagnostic::error(codes::B2006, "invalid file mode", value.span)
                        .with_label("not a file mode from 0 to 0777")
                        .with_help("write the mode in octal as text, `\"0644\"` or `\"0755\"`"),
                );
                None
            }
        }
    }

    /// A workload's update strategy.
    pub(in crate::check::lower) fn strategy(&mut self, value: &Value) -> Option<Strategy> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        Some(Strategy {
            kind: data::string(fields, "type").unwrap_or_else(|| "RollingUpdate".to_string()),
            max_surge: int_or_string(fields, "max_surge"),
            max_unavailable: int_or_string(fields, "max_unavailable"),
            partition: self.count_field(fields, "partition"),
        })
    }

    /// The app's Service settings.
    pub(in crate::check::lower) fn service(
        &mut self,
        fields: &Record,
        app_span: Span,
    ) -> ServiceSpec {
        let Some(value) = data::get(fields, "service") else {
            return ServiceSpec {
                span: app_span,
                ..ServiceSpec::default()
            };
        };
        let V::Record(service) = &value.kind else {
            return ServiceSpec {
                span: app_span,
                ..ServiceSpec::default()
            };
        };
        let kind = data::string(service, "type").unwrap_or_else(|| "ClusterIP".to_string());
        let hostname = data::string(service, "hostname");
        // The Tailscale operator serves a LoadBalancer of its class; one with a tailnet
        // hostname is meant for it.
        let load_balancer_class = data::string(service, "load_balancer_class").or_else(|| {
            (kind == "LoadBalancer" && hostname.is_some()).then(|| "tailscale".to_string())
        });
        ServiceSpec {
            enabled: data::boolean(service, "enabled", true),
            kind,
            named_ports: data::boolean(service, "named_ports", true),
            load_balancer_class,
            hostname,
            tags: data::selectors(service, "tags"),
            cluster_ip: data::string(service, "cluster_ip"),
            annotations: data::string_map(service, "annotations"),
            labels: data::string_map(service, "labels"),
            span: if value.span == app_span {
                app_span
            } else {
                value.span
            },
        }
    }
}

/// A count or percentage field, if given.
pub(super) fn int_or_string(fields: &Record, name: &str) -> Option<IntOrString> {
    match &data::get(fields, name)?.kind {
        V::Int(n) => Some(IntOrString::Int(*n)),
        V::Str(s) => Some(IntOrString::Str(s.clone())),
        _ => None,
    }
}
