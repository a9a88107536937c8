//! B3011: a grant opens a port of a tag that nothing carrying the tag serves.
//!
//! A grant to `tag:X` on a TCP port (or a port of any protocol) is meant for something that
//! listens there. What the project knows to listen, per tag:
//!
//! - an app exposure tagged X is a Tailscale Ingress, which serves HTTPS on 443 only, or one its
//!   chart produces (`produces.exposures`): an Ingress (443) or a LoadBalancer serving its
//!   Service's ports; an ingress ProxyGroup tagged X serves 443;
//! - a host carrying X may listen on any port (its services are not modelled yet), so a grant to
//!   a tag any host carries is never reported; nor is a grant to a tag an auth key gives the
//!   devices that join with it, which are as unknown.
//!
//! A grant whose ports are `*` (an empty `ip`, `any`, `tcp(any)`) opens everything on purpose and
//! is not reported; neither are UDP and ICMP specs, which no exposure serves. Each port spec that
//! no exposure of the tag serves is reported once per destination tag, at the port spec, with the
//! tag's declaration as the other end and a note naming the ports that are served. A grant to a
//! tag that nothing in the project carries at all is reported the same way: it is the drift of a
//! grant left behind when a service moved or was removed.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Grant, Model, PortRange, PortSpec, Principal, Proto};

/// The port a Tailscale Ingress serves.
const INGRESS_PORT: u16 = 443;

/// Reports grant ports that nothing carrying the destination tag serves.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for grant in &model.grants {
        for dst in &grant.dst {
            let Principal::Tag(tag) = &dst.principal else {
                continue;
            };
            check_tag(model, grant, tag, out);
        }
    }
}

fn check_tag(model: &Model, grant: &Grant, tag: &str, out: &mut Vec<Diagnostic>) {
    if model.hosts.iter().any(|h| carries(&h.tags, tag))
        || model.auth_keys.iter().any(|k| carries(&k.tags, tag))
    {
        return;
    }
    // What serves the tag: app exposures (an Ingress serves 443, a produced LoadBalancer its
    // Service's ports) and ingress ProxyGroups (443).
    let mut exposing: Vec<&str> = Vec::new();
    let mut served: Vec<u16> = Vec::new();
    for app in &model.apps {
        let mut serves = false;
        for e in app.tailnet_exposures() {
            if carries(e.tags, tag) {
                serves = true;
                served.extend(e.ports);
            }
        }
        for resource in &app.objects.custom_resources {
            if resource.is_ingress_proxy_group() && resource.proxy_group_tags().contains(&tag) {
                serves = true;
                served.push(INGRESS_PORT);
            }
        }
        if serves {
            exposing.push(app.name.as_str());
        }
    }
    for spec in &grant.ip {
        if !checkable(spec) || served.iter().any(|p| spec.ports.contains(*p)) {
            continue;
        }
        out.push(diagnostic(model, grant, tag, spec, &exposing, &served));
    }
}

/// Whether a list of selectors includes the tag.
fn carries(tags: &[crate::model::Selector], tag: &str) -> bool {
    tags.iter()
        .any(|s| matches!(&s.principal, Principal::Tag(t) if t == tag))
}

/// Whether the spec names particular TCP ports (TCP or any protocol, not every port).
pub(crate) fn checkable(spec: &PortSpec) -> bool {
    matches!(spec.proto, None | Some(Proto::Tcp)) && spec.ports != PortRange::Any
}

fn diagnostic(
    model: &Model,
    grant: &Grant,
    tag: &str,
    spec: &PortSpec,
    exposing: &[&str],
    served: &[u16],
) -> Diagnostic {
    let ports = describe(spec);
    let mut d = Diagnostic::warning(
        codes::B3011,
        format!(
            "grant `{}` opens {ports} on tag:{tag}, but nothing carrying tag:{tag} serves it",
            grant.name
        ),
        spec.span,
    )
    .with_label(format!("nothing tagged tag:{tag} listens on {ports}"));
    if let Some(decl) = model.tags.iter().find(|t| t.name == tag) {
        d = d.with_secondary(decl.origin.span, format!("tag:{tag} is declared here"));
    }
    if exposing.is_empty() {
        d = d.with_note(format!(
            "nothing in the project carries tag:{tag}: no host or auth key has it and no app exposure is tagged with it"
        ));
        return d.with_help(format!(
            "tag a host, an auth key or an app's exposure with tag.{tag}, or remove the grant if the service is gone"
        ));
    }
    let apps: Vec<String> = exposing.iter().map(|a| format!("app {a}")).collect();
    let mut served_ports: Vec<u16> = served.to_vec();
    served_ports.sort_unstable();
    served_ports.dedup();
    if served_ports != [INGRESS_PORT] {
        // A produced LoadBalancer serves its Service's ports besides any Ingress's 443.
        let list: Vec<String> = served_ports.iter().map(u16::to_string).collect();
        let first = list.first().cloned().unwrap_or_default();
        return d
            .with_note(format!(
                "tag:{tag} is served only on {} {}, by the tailnet exposures of {}",
                if list.len() == 1 { "port" } else { "ports" },
                list.join(", "),
                apps.join(", ")
            ))
            .with_help(format!(
                "grant one of those ports (tcp({first})), or tag the host that serves {ports} with tag.{tag}"
            ));
    }
    d.with_note(format!(
        "tag:{tag} is served only on port {INGRESS_PORT}, by the Tailscale Ingress (HTTPS) of {}",
        apps.join(", ")
    ))
    .with_help(format!(
        "grant tcp({INGRESS_PORT}), or tag the host that serves {ports} with tag.{tag}"
    ))
}

/// The spec for messages: `tcp port 80`, `ports 8000-8100 (any protocol)`.
fn describe(spec: &PortSpec) -> String {
    let ports = match spec.ports {
        PortRange::Any => "every port".to_string(),
        PortRange::One(p) => format!("port {p}"),
        PortRange::Range(a, b) => format!("ports {a}-{b}"),
    };
    match spec.proto {
        Some(p) if p.has_ports() => format!("{} {ports}", p.name()),
        Some(Proto::Icmp) => "icmp".to_string(),
        Some(p) => format!("protocol {}", p.name()),
        None => ports,
    }
}
