//! B3020: a port declared twice in an app.
//!
//! - One number under two names: an app's Service has one port per named port of the app, and
//!   Kubernetes rejects a Service with two ports of one number and protocol. The project also
//!   refers to a port by its number (`port = self.ports.http` is `8080`), so a number with two
//!   names would make every probe and exposure on it ambiguous. Every later name of a number is
//!   reported, pointing at it and at the first.
//! - One port served by two sidecars, or listed twice by one: the containers of a pod share one
//!   network, so only one of them can listen on a port, and Kubernetes rejects a container with
//!   two ports of one name. Every later sidecar is reported, pointing at it and at the first.

use indexmap::IndexMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{App, AppPort, Model};
use crate::source::Span;

/// Reports every port number an app declares twice and every port two sidecars serve.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        let mut first: IndexMap<u16, &AppPort> = IndexMap::new();
        for port in &app.ports {
            let Some(earlier) = first.get(&port.port) else {
                first.insert(port.port, port);
                continue;
            };
            out.push(
                Diagnostic::error(
                    codes::B3020,
                    format!(
                        "app `{}` declares port {} twice, as `{}` and `{}`",
                        app.name, port.port, earlier.name, port.name
                    ),
                    span(port, &app.origin.span),
                )
                .with_label(format!("`{}` is port {} again", port.name, port.port))
                .with_secondary(
                    span(earlier, &app.origin.span),
                    format!("`{}` is port {} already", earlier.name, earlier.port),
                )
                .with_note("the app's Service gets one port per name, and Kubernetes rejects a Service with two ports of one number")
                .with_help(format!("keep one name for port {}", port.port)),
            );
        }
        served_twice(model, app, out);
    }
}

/// Reports the ports that two sidecars serve or one sidecar lists twice.
fn served_twice(model: &Model, app: &App, out: &mut Vec<Diagnostic>) {
    let mut first: IndexMap<&str, usize> = IndexMap::new();
    for (index, container) in app.containers.iter().enumerate().skip(1) {
        let span = model
            .spans
            .at(&app.origin, &format!("containers.{index}.name"));
        let mut listed: Vec<&str> = Vec::new();
        for port in &container.ports {
            let number = app
                .ports
                .iter()
                .find(|p| &p.name == port)
                .map_or(String::new(), |p| format!(" ({})", p.port));
            if listed.contains(&port.as_str()) {
                out.push(
                    Diagnostic::error(
                        codes::B3020,
                        format!(
                            "sidecar `{}` of app `{}` lists port `{port}`{number} twice",
                            container.name, app.name
                        ),
                        span,
                    )
                    .with_label(format!("`{port}` is in this sidecar's `ports` twice"))
                    .with_note("Kubernetes rejects a container with two ports of one name")
                    .with_help("list the port once"),
                );
                continue;
            }
            listed.push(port);
            let Some(earlier) = first.get(port.as_str()) else {
                first.insert(port, index);
                continue;
            };
            let Some(other) = app.containers.get(*earlier) else {
                continue;
            };
            out.push(
                Diagnostic::error(
                    codes::B3020,
                    format!(
                        "sidecars `{}` and `{}` of app `{}` both serve port `{port}`{number}",
                        other.name, container.name, app.name
                    ),
                    span,
                )
                .with_label(format!("this sidecar serves `{port}` too"))
                .with_secondary(
                    model
                        .spans
                        .at(&app.origin, &format!("containers.{earlier}.name")),
                    format!("`{}` serves `{port}` already", other.name),
                )
                .with_note("the containers of a pod share one network, so only one of them can listen on a port")
                .with_help("list the port in the `ports` of the sidecar that listens on it only"),
            );
        }
    }
}

/// Where a port is declared, or the app when that is in another file (a template's body).
fn span(port: &AppPort, app: &Span) -> Span {
    if port.span.file == app.file {
        port.span
    } else {
        *app
    }
}
