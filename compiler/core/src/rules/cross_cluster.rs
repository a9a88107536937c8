//! B3068: an app that reaches another app by its cluster-local DNS name from another cluster.
//!
//! `NAME.NAMESPACE.svc.cluster.local` (what `app.X.service` gives) resolves only inside the
//! cluster that runs the Service: from a pod of another cluster the name does not resolve, and the
//! app fails at run time. Environment values, commands and arguments of every container and the
//! literal data of ConfigMaps are searched for the names of the apps of the other clusters. The
//! fix is the other app's exposure on the tailnet (`app.X.url`, `app.X.fqdn`).

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{App, EnvValue, Model};

/// Reports every app that names another cluster's Service by its cluster-local name.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        let texts = texts(app);
        for other in &model.apps {
            if other.cluster == app.cluster {
                continue;
            }
            let names: Vec<String> = other
                .service_names()
                .iter()
                .map(|s| format!("{s}.{}.svc", other.namespace))
                .collect();
            let Some((place, name)) = texts.iter().find_map(|(place, text)| {
                names.iter().find(|n| mentions(text, n)).map(|n| (place, n))
            }) else {
                continue;
            };
            let help = match other.tailnet_exposures().first() {
                Some(_) => format!(
                    "reach it through its exposure on the tailnet: `app.{}.url` or `app.{}.fqdn`",
                    other.name, other.name
                ),
                None if !other.has_workload() => format!(
                    "give what `app {}` runs a tailnet exposure (a Tailscale LoadBalancer Service; `produces.exposures` when another source creates it) and use its tailnet name",
                    other.name
                ),
                None => format!(
                    "expose `app {}` on the tailnet (`expose = {{ port = ... }}`) and use `app.{}.url`",
                    other.name, other.name
                ),
            };
            out.push(
                Diagnostic::error(
                    codes::B3068,
                    format!(
                        "{place} of app `{}` names `{name}.cluster.local`, a Service of cluster `{}`, from cluster `{}`",
                        app.name, other.cluster, app.cluster
                    ),
                    app.origin.span,
                )
                .with_label(format!("runs on cluster `{}`", app.cluster))
                .with_secondary(other.origin.span, format!("runs on cluster `{}`", other.cluster))
                .with_note("a cluster-local DNS name resolves only inside its own cluster")
                .with_help(help),
            );
        }
    }
}

/// Whether `text` contains `name` as a whole DNS name (`name`, `name.cluster.local`, `name:80`).
fn mentions(text: &str, name: &str) -> bool {
    let mut start = 0;
    while let Some(found) = text.get(start..).and_then(|rest| rest.find(name)) {
        let begin = start + found;
        let end = begin + name.len();
        let before = text.get(..begin).and_then(|s| s.chars().next_back());
        let after = text.get(end..).and_then(|s| s.chars().next());
        let boundary = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-');
        if boundary(before) && boundary(after) {
            return true;
        }
        start = end;
    }
    false
}

/// The texts of an app a person may have written another app's address into, each with where
/// it is.
fn texts(app: &App) -> Vec<(String, &str)> {
    let mut texts = Vec::new();
    for container in app.all_containers() {
        for var in &container.env {
            if let EnvValue::Literal(value) = &var.value {
                texts.push((
                    format!("`{}` of container `{}`", var.name, container.name),
                    value.as_str(),
                ));
            }
        }
        for arg in container.command.iter().chain(&container.args) {
            texts.push((
                format!("the command of container `{}`", container.name),
                arg.as_str(),
            ));
        }
    }
    for map in &app.objects.config_maps {
        for (key, value) in &map.data {
            texts.push((
                format!("key `{key}` of ConfigMap `{}`", map.name),
                value.as_str(),
            ));
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn names_are_found_whole() {
        assert!(mentions(
            "http://db.data.svc.cluster.local:5432",
            "db.data.svc"
        ));
        assert!(mentions("db.data.svc", "db.data.svc"));
        assert!(!mentions("mydb.data.svc.cluster.local", "db.data.svc"));
        assert!(!mentions("db.data.svcx", "db.data.svc"));
    }
}
