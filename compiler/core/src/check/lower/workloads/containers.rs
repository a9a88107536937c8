//! Lowering containers: the main one (the app's own fields), sidecars, init containers and
//! jobs' containers, with their environment, mounts, probes and settings.

use indexmap::IndexMap;

use super::AppPorts;
use crate::check::lower::data;
use crate::check::value::{unit_text, Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    Container, Data, EnvFrom, EnvFromSource, EnvValue, EnvVar, Mount, Probe, ProbeCheck, SecretRef,
    Settings,
};

/// The container settings kept as data, in the order they are written out.
const CONTAINER_SETTINGS: &[&str] = &[
    "working_dir",
    "image_pull_policy",
    "restart_policy",
    "security",
];

impl Checker<'_> {
    /// The containers of a list field (`init_containers`, a job's `containers`); `None` when one
    /// failed to lower.
    pub(in crate::check::lower) fn containers(
        &mut self,
        fields: &Record,
        name: &str,
        app: &AppPorts<'_>,
    ) -> Option<Vec<Container>> {
        let mut containers = Vec::new();
        for item in data::list(fields, name) {
            let V::Record(item) = &item.kind else {
                continue;
            };
            let name = data::string(item, "name").unwrap_or_default();
            containers.push(self.container(item, name, app)?);
        }
        Some(containers)
    }

    /// A container from the fields the app and a sidecar share; the ports it lists (a sidecar's)
    /// are the app's ports by name.
    pub(in crate::check::lower) fn container(
        &mut self,
        fields: &Record,
        name: String,
        app: &AppPorts<'_>,
    ) -> Option<Container> {
        let image_value = data::get(fields, "image")?;
        let image = self.image(image_value)?;
        let mut env = Vec::new();
        if let Some(entries) = data::map(fields, "env") {
            for (key, field) in entries {
                let Some(value) = self.env_value(&field.value) else {
                    continue;
                };
                env.push(EnvVar {
                    name: key.clone(),
                    value,
                });
            }
        }
        let env_from = data::list(fields, "env_from")
            .iter()
            .filter_map(|v| self.env_from(v))
            .collect();
        let (requests, limits) = match data::map(fields, "resources") {
            Some(r) => (
                data::string_map(r, "requests"),
                data::string_map(r, "limits"),
            ),
            None => (IndexMap::new(), IndexMap::new()),
        };
        let probes = data::map(fields, "probes");
        let mut probe = |which: &str| -> Option<Probe> {
            let value = probes.and_then(|p| data::get(p, which))?;
            self.probe(value, app)
        };
        let liveness = probe("liveness");
        let readiness = probe("readiness");
        let startup = probe("startup");
        let ports = data::list(fields, "ports")
            .iter()
            .filter_map(|p| self.port_name(p, app))
            .collect();
        let mounts = data::list(fields, "mounts")
            .iter()
            .filter_map(mount)
            .collect();
        let settings = self.settings(fields, CONTAINER_SETTINGS);
        Some(Container {
            name,
            image,
            command: data::strings(fields, "command"),
            args: data::strings(fields, "args"),
            env,
            ports,
            requests,
            limits,
            liveness,
            readiness,
            startup,
            env_from,
            mounts,
            settings,
        })
    }

    /// Fields of a record kept as data (`security`, `node_selector`), in the given order. A
    /// duration becomes its seconds.
    pub(in crate::check::lower) fn settings(
        &mut self,
        fields: &Record,
        names: &[&str],
    ) -> Settings {
        let mut settings = Settings::new();
        for name in names {
            let Some(value) = data::get(fields, name) else {
                continue;
            };
            if let V::Unit { number, unit } = &value.kind {
                if let Some(seconds) = crate::check::value::duration_seconds(number, unit) {
                    settings.insert(
                        (*name).to_string(),
                        Data::Int(i64::try_from(seconds).unwrap_or(i64::MAX)),
                    );
                    continue;
                }
            }
            if let Some(data) = self.data(value) {
                settings.insert((*name).to_string(), data);
            }
        }
        settings
    }

    /// The value of an environment variable.
    fn env_value(&mut self, value: &Value) -> Option<EnvValue> {
        let value = match &value.kind {
            V::Str(s) => EnvValue::Literal(s.clone()),
            V::Int(n) => EnvValue::Literal(n.to_string()),
            V::Bool(b) => EnvValue::Literal(b.to_string()),
            V::SecretKey { secret, key } => EnvValue::Secret(SecretRef {
                secret: secret.clone(),
                key: key.clone(),
            }),
            V::SecretText(parts) => EnvValue::SecretText(parts.clone()),
            V::Record(source) => return self.env_source(source, value),
            _ => return None,
        };
        Some(value)
    }

    /// A variable Kubernetes looks up; exactly one source (`B2006`).
    fn env_source(&mut self, fields: &Record, value: &Value) -> Option<EnvValue> {
        let given = self.exactly_one(
            fields,
            &[
                "secret_key_ref",
                "config_map_key_ref",
                "field_ref",
                "resource_field_ref",
            ],
            value,
            "an environment variable's source",
            "use `secret_key_ref(name, key)`, `config_map_key(name, key)` or `field_ref(path)` from `std.k8s`",
        )?;
        let key_ref = |name: &str| {
            let r = data::map(fields, name)?;
            Some((
                data::string(r, "name")?,
                data::string(r, "key")?,
                optional_bool(r, "optional"),
            ))
        };
        match given {
            "secret_key_ref" => {
                let (name, key, optional) = key_ref(given)?;
                Some(EnvValue::SecretKeyRef {
                    name,
                    key,
                    optional,
                })
            }
            "config_map_key_ref" => {
                let (name, key, optional) = key_ref(given)?;
                Some(EnvValue::ConfigMapKey {
                    name,
                    key,
                    optional,
                })
            }
            "field_ref" => Some(EnvValue::FieldRef(data::string(fields, "field_ref")?)),
            _ => {
                let r = data::map(fields, "resource_field_ref")?;
                Some(EnvValue::ResourceFieldRef {
                    resource: data::string(r, "resource")?,
                    container: data::string(r, "container"),
                    divisor: quantity(r, "divisor"),
                })
            }
        }
    }

    /// An `env_from` entry: exactly one of `config_map` and `secret` (`B2006`).
    fn env_from(&mut self, value: &Value) -> Option<EnvFrom> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        let given = self.exactly_one(
            fields,
            &["config_map", "secret"],
            value,
            "an `env_from` entry",
            "write `{ config_map = \"name\" }` or `{ secret = \"name\" }`",
        )?;
        let name = data::string(fields, given)?;
        let source = if given == "config_map" {
            EnvFromSource::ConfigMap(name)
        } else {
            EnvFromSource::Secret(name)
        };
        Some(EnvFrom {
            source,
            prefix: data::string(fields, "prefix"),
            optional: optional_bool(fields, "optional"),
        })
    }

    /// Which one of `names` a record gives; `B2006` when it gives none or several.
    pub(in crate::check::lower) fn exactly_one(
        &mut self,
        fields: &Record,
        names: &[&'static str],
        value: &Value,
        what: &str,
        help: &str,
    ) -> Option<&'static str> {
        let given: Vec<&'static str> = names
            .iter()
            .copied()
            .filter(|k| fields.contains_key(*k))
            .collect();
        if let [only] = given.as_slice() {
            return Some(only);
        }
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        self.report(
            Diagnostic::error(
                codes::B2006,
                format!("{what} needs exactly one of {}", names.join(", ")),
                value.span,
            )
            .with_label(if given.is_empty() {
                "none is given".to_string()
            } else {
                format!("{} are given", given.join(" and "))
            })
            .with_help(help),
        );
        None
    }

    /// A probe; exactly one of `http_get`, `tcp_socket` and `exec`.
    fn probe(&mut self, value: &Value, app: &AppPorts<'_>) -> Option<Probe> {
        let V::Record(fields) = &value.kind else {
            return None;
        };
        let given: Vec<&str> = ["http_get", "tcp_socket", "exec"]
            .into_iter()
            .filter(|k| fields.contains_key(*k))
            .collect();
        if given.len() != 1 {
            self.report(
                Diagnostic::error(
                    codes::B2006,
                    "a probe needs exactly one of `http_get`, `tcp_socket` and `exec`",
                    value.span,
                )
                .with_label(if given.is_empty() {
                    "none is given".to_string()
                } else {
                    format!("{} are given", given.join(" and "))
                })
                .with_help("use `http_probe(path, port)` or `tcp_probe(port)` from the prelude"),
            );
            return None;
        }
        let check = if let Some(path) = data::string(fields, "http_get") {
            let port = match data::get(fields, "port") {
                Some(port) => self.port_name(port, app)?,
                None => match app.ports.as_slice() {
                    [only] => only.name.clone(),
                    _ => {
                        self.report(
                            Diagnostic::error(
                                codes::B2003,
                                "missing field `port` of an HTTP probe",
                                value.span,
                            )
                            .with_label("which port should the probe use?")
                            .with_help("add `port = ...`; it may only be left out when the app has exactly one port"),
                        );
                        return None;
                    }
                },
            };
            ProbeCheck::Http { path, port }
        } else if let Some(port) = data::get(fields, "tcp_socket") {
            ProbeCheck::Tcp {
                port: self.port_name(port, app)?,
            }
        } else {
            ProbeCheck::Exec {
                command: data::strings(fields, "exec"),
            }
        };
        let failure_threshold = self.threshold(fields, "failure_threshold")?;
        let success_threshold = self.threshold(fields, "success_threshold")?;
        Some(Probe {
            check,
            initial_delay: data::seconds(fields, "initial_delay"),
            period: data::seconds(fields, "period"),
            timeout: data::seconds(fields, "timeout"),
            failure_threshold,
            success_threshold,
        })
    }

    /// A probe's threshold, 1 or more (`B2005`); `Some(None)` when not given, `None` when wrong.
    fn threshold(&mut self, fields: &Record, name: &str) -> Option<Option<u32>> {
        let Some(value) = data::get(fields, name) else {
            return Some(None);
        };
        match value.kind {
            V::Int(n) if n >= 1 => Some(u32::try_from(n).ok()),
            V::Int(n) => {
                self.report(
                    Diagnostic::error(
                        codes::B2005,
                        format!("`{name}` is out of range"),
                        value.span,
                    )
                    .with_label(format!("{n} is below 1")),
                );
                None
            }
            _ => Some(None),
        }
    }
}

/// A volume mount.
fn mount(value: &Value) -> Option<Mount> {
    let V::Record(fields) = &value.kind else {
        return None;
    };
    Some(Mount {
        volume: data::string(fields, "volume")?,
        path: data::string(fields, "path")?,
        sub_path: data::string(fields, "sub_path"),
        read_only: data::boolean(fields, "read_only", false),
        span: value.span,
    })
}

/// A bool field that may be left out.
pub(super) fn optional_bool(fields: &Record, name: &str) -> Option<bool> {
    match data::get(fields, name).map(|v| &v.kind) {
        Some(V::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// A quantity field as text (`64Mi`, `2`), if given.
pub(super) fn quantity(fields: &Record, name: &str) -> Option<String> {
    match &data::get(fields, name)?.kind {
        V::Unit { number, unit } => Some(unit_text(number, unit)),
        V::Int(n) => Some(n.to_string()),
        V::Str(s) => Some(s.clone()),
        _ => None,
    }
}
