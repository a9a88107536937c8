//! B3026: a probe on a port that its container does not serve.
//!
//! A probe names its port (`tcpSocket: {port: metrics}`), and the kubelet looks that name up
//! among the ports of the probe's own container. The app's main container serves every port of
//! the app that no sidecar lists, and a sidecar the ports it lists; a probe of one container on a
//! port another container serves cannot be resolved, so the probe fails and Kubernetes restarts
//! the container forever. Each such probe is an error, pointing at the probe and at the container
//! that serves the port. Init containers and the containers of an app's jobs serve only the
//! ports they list, and are checked the same way.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{App, Model, Probe, ProbeCheck};

/// Reports probes on ports their container does not serve.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        for (index, container) in app.containers.iter().enumerate() {
            let probes = [
                ("liveness", &container.liveness),
                ("readiness", &container.readiness),
                ("startup", &container.startup),
            ];
            for (which, probe) in probes {
                let Some(port) = probe.as_ref().and_then(probe_port) else {
                    continue;
                };
                if container.ports.iter().any(|p| p == port) {
                    continue;
                }
                out.push(diagnostic(model, app, index, which, port));
            }
        }
        // Init containers (native sidecars may be probed) and the containers of jobs serve only
        // the ports they list.
        let others = app
            .init_containers
            .iter()
            .chain(app.objects.jobs.iter().flat_map(|job| {
                job.pod_template
                    .init_containers
                    .iter()
                    .chain(&job.pod_template.containers)
            }));
        for container in others {
            let probes = [
                ("liveness", &container.liveness),
                ("readiness", &container.readiness),
                ("startup", &container.startup),
            ];
            for (which, probe) in probes {
                let Some(port) = probe.as_ref().and_then(probe_port) else {
                    continue;
                };
                if container.ports.iter().any(|p| p == port) {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        codes::B3026,
                        format!(
                            "the {which} probe of container `{}` of app `{}` checks port `{port}`, which that container does not serve",
                            container.name, app.name
                        ),
                        app.origin.span,
                    )
                    .with_label(format!("`{port}` is not a port of container `{}`", container.name))
                    .with_help("list the port in the container's `ports`, or probe one it serves"),
                );
            }
        }
    }
}

/// The named port a probe checks, if it checks one.
fn probe_port(probe: &Probe) -> Option<&str> {
    match &probe.check {
        ProbeCheck::Http { port, .. } | ProbeCheck::Tcp { port } => Some(port),
        ProbeCheck::Exec { .. } => None,
    }
}

fn diagnostic(model: &Model, app: &App, index: usize, which: &str, port: &str) -> Diagnostic {
    let whose = |i: usize| match app.containers.get(i) {
        Some(c) if i > 0 => format!("sidecar `{}`", c.name),
        _ => format!("the main container of app `{}`", app.name),
    };
    let number = app
        .ports
        .iter()
        .find(|p| p.name == port)
        .map_or(String::new(), |p| format!(" ({})", p.port));
    let span = model
        .spans
        .at(&app.origin, &format!("containers.{index}.probes.{which}"));
    let mut d = Diagnostic::error(
        codes::B3026,
        format!(
            "the {which} probe of {} checks port `{port}`{number}, which that container does not serve",
            whose(index)
        ),
        span,
    )
    .with_label(format!("`{port}` is not a port of this container"));
    let server = app
        .containers
        .iter()
        .position(|c| c.ports.iter().any(|p| p == port));
    if let Some(server) = server {
        let at = if server == 0 {
            app.origin.span
        } else {
            model
                .spans
                .at(&app.origin, &format!("containers.{server}.name"))
        };
        d = d.with_secondary(at, format!("{} serves `{port}`", whose(server)));
    }
    d.with_note("the kubelet looks a probe's port up among the ports of the probe's own container; the main container serves the app's ports that no sidecar lists")
        .with_help("probe a port of the same container, or move the probe to the container that serves the port")
}
