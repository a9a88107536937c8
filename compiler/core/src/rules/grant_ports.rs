//! B3011: a grant opens a port of a tag that nothing carrying the tag serves.
//!
//! A grant to `tag:X` on a TCP port (or a port of any protocol) is meant for something that
//! listens there. What the project knows to listen, per tag:
//!
//! - an app's tailnet exposure whose proxy carries X, as the Tailscale operator tags it
//!   ([`crate::model::Carried`]: the tags the exposure names, else those of the ProxyGroup
//!   serving it, else the operator's default proxy tags its cluster declares): an Ingress serves
//!   HTTPS on 443 only, a LoadBalancer Service its ports; an ingress ProxyGroup tagged X serves
//!   443;
//! - a host carrying X may listen on any port (its services are not modelled yet), so a grant to
//!   a tag any host carries is never reported; nor is a grant to a tag an auth key gives the
//!   devices that join with it, which are as unknown.
//!
//! An exposure whose tags are unknown (its cluster does not declare `proxy_tags`, or it joins a
//! ProxyGroup no app describes) might carry any tag: the ports it serves are never reported.
//!
//! A grant whose ports are `*` (an empty `ip`, `any`, `tcp(any)`) opens everything on purpose and
//! is not reported; neither are UDP and ICMP specs, which no exposure serves. Each port spec that
//! no exposure of the tag serves is reported once per destination tag, at the port spec, with the
//! tag's declaration as the other end and a note naming the ports that are served. A grant to a
//! tag that nothing in the project carries at all is reported the same way: it is the drift of a
//! grant left behind when a service moved or was removed, or of a service whose proxy the
//! operator tags otherwise; an exposure named like the tag (its hostname or app) is then shown
//! with the tags it really carries.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    all_carriers, App, Carrier, Grant, Model, PortRange, PortSpec, Principal, Proto,
};
use crate::source::Span;

/// The port a Tailscale Ingress serves.
const INGRESS_PORT: u16 = 443;

/// Reports grant ports that nothing carrying the destination tag serves.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let carriers = all_carriers(&model.apps, &model.clusters);
    for grant in &model.grants {
        for dst in &grant.dst {
            let Principal::Tag(tag) = &dst.principal else {
                continue;
            };
            check_tag(model, &carriers, grant, tag, out);
        }
    }
}

/// What serves a tag: the apps whose exposures carry it and their ports, and the ports of
/// exposures whose tags are unknown.
#[derive(Default)]
struct Serving<'m> {
    apps: Vec<&'m str>,
    ports: Vec<u16>,
    unknown_ports: Vec<u16>,
    /// How many exposures' tags are unknown.
    unknown: usize,
}

fn check_tag(
    model: &Model,
    carriers: &[(&App, Carrier<'_>)],
    grant: &Grant,
    tag: &str,
    out: &mut Vec<Diagnostic>,
) {
    if model.hosts.iter().any(|h| carries(&h.tags, tag))
        || model.auth_keys.iter().any(|k| carries(&k.tags, tag))
    {
        return;
    }
    let mut serving = Serving::default();
    // The apps some of whose exposures carry the tag (carriers come in app order).
    let mut carrying: Vec<&str> = Vec::new();
    for (app, carrier) in carriers {
        if carrier.carried.carries(tag) {
            if carrying.last() != Some(&app.name.as_str()) {
                carrying.push(app.name.as_str());
            }
            serving.ports.extend(&carrier.exposure.ports);
        } else if carrier.carried.tags().is_none() {
            serving.unknown += 1;
            serving.unknown_ports.extend(&carrier.exposure.ports);
        }
    }
    for app in &model.apps {
        let mut serves = carrying.contains(&app.name.as_str());
        for resource in &app.objects.custom_resources {
            if resource.is_ingress_proxy_group() && resource.proxy_group_tags().contains(&tag) {
                serves = true;
                serving.ports.push(INGRESS_PORT);
            }
        }
        if serves {
            serving.apps.push(app.name.as_str());
        }
    }
    for spec in &grant.ip {
        let served = |ports: &[u16]| ports.iter().any(|p| spec.ports.contains(*p));
        if !checkable(spec) || served(&serving.ports) || served(&serving.unknown_ports) {
            continue;
        }
        out.push(diagnostic(model, carriers, grant, tag, spec, &serving));
    }
}

/// The first exposure named like the tag (by its hostname, its app or its app's workload) whose
/// proxy is known not to carry it: what the tag was probably meant for, and what it carries
/// instead. `None` when none is.
pub(crate) fn like_named(carriers: &[(&App, Carrier<'_>)], tag: &str) -> Option<(Span, String)> {
    carriers
        .iter()
        .find(|(app, c)| {
            (c.exposure.hostname == tag || app.name == tag || app.workload_name == tag)
                && c.carried.tags().is_some()
                && !c.carried.carries(tag)
        })
        .map(|(app, c)| {
            (
                c.exposure.span,
                format!(
                    "{} {}, not tag:{tag}",
                    c.describe(app),
                    c.carried.describe()
                ),
            )
        })
}

/// Whether a list of selectors includes the tag.
pub(crate) fn carries(tags: &[crate::model::Selector], tag: &str) -> bool {
    tags.iter().any(|s| s.tag() == Some(tag))
}

/// Whether the spec names particular TCP ports (TCP or any protocol, not every port).
pub(crate) fn checkable(spec: &PortSpec) -> bool {
    matches!(spec.proto, None | Some(Proto::Tcp)) && spec.ports != PortRange::Any
}

fn diagnostic(
    model: &Model,
    carriers: &[(&App, Carrier<'_>)],
    grant: &Grant,
    tag: &str,
    spec: &PortSpec,
    serving: &Serving<'_>,
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
    if serving.apps.is_empty() {
        if let Some((span, label)) = like_named(carriers, tag) {
            return d
                .with_secondary(span, label)
                .with_note(format!(
                    "nothing in the project carries tag:{tag}: no host or auth key has it, and the Tailscale operator tags no app exposure with it"
                ))
                .with_help(format!(
                    "name tag.{tag} in that exposure's `tags` (its `tailscale.com/tags`), or grant the tags it carries"
                ));
        }
        if serving.unknown > 0 {
            // Those exposures might carry the tag, but none of them serves these ports either.
            return d
                .with_note(format!(
                    "no host or auth key carries tag:{tag}, and no app exposure is known to; the {} whose tags are unknown (their cluster does not declare the operator's `proxy_tags`, or their proxy group is not described) might, but none serves {ports}",
                    if serving.unknown == 1 { "one".to_string() } else { format!("{} exposures", serving.unknown) }
                ))
                .with_help(format!(
                    "tag the host that serves {ports} with tag.{tag}, or remove the port from the grant"
                ));
        }
        d = d.with_note(format!(
            "nothing in the project carries tag:{tag}: no host or auth key has it, and the Tailscale operator tags no app exposure with it"
        ));
        return d.with_help(format!(
            "tag a host, an auth key or an app's exposure with tag.{tag}, or remove the grant if the service is gone"
        ));
    }
    let apps: Vec<String> = serving.apps.iter().map(|a| format!("app {a}")).collect();
    let mut served_ports: Vec<u16> = serving.ports.clone();
    served_ports.sort_unstable();
    served_ports.dedup();
    if served_ports != [INGRESS_PORT] {
        // A LoadBalancer serves its Service's ports besides any Ingress's 443.
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
