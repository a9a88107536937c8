//! Every host Ansible manages is a tailnet device, and the Ansible controller can log in to it.
//!
//! [`check`] runs with the other rules:
//!
//! - B3120: a host or host group variable `ansible_host` (or `ansible_ssh_host`) gives a host an
//!   address other than its tailnet device name, so Ansible would connect around the tailnet;
//! - B3123: more than one host is marked `controller = true`.
//!
//! [`check_policy`] runs with the policy rules, on a model that checked without errors. The host
//! marked `controller = true` is where Ansible runs; for every other host that Ansible logs in to
//! (all but those with `connection = "local"`), the offline policy evaluator must say that:
//!
//! - B3121: a grant or ACL lets the controller's device reach the host on TCP port 22;
//! - B3122: for a host that runs Tailscale SSH (`ssh = "tailscale"`, the default), an SSH rule
//!   lets the controller log in as the host's `user`. Without a `user`, Ansible logs in with the
//!   controller's own login name, taken as an unknown user other than `root`
//!   ([`Policy::ssh_as_unnamed_user`]). A `check` rule counts: the session starts after the user
//!   authenticates again. A host with `ssh = "openssh"` runs its own daemon, which the tailnet's
//!   SSH rules do not govern.
//!
//! Answers that hang on facts not known offline are not reported, nor are hosts (controller or
//! managed) with neither tags nor an owner, whose identity on the tailnet is unknown. Without a
//! controller there is nothing to check.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Host, Model, Origin, Principal, SshServer};
use crate::policy::ssh::{SshOutcome, SSH_PORT};
use crate::policy::{Node, Policy, Traffic, Verdict};
use crate::source::Span;

/// The variables that set the address Ansible connects to.
const ADDRESS_VARS: &[&str] = &["ansible_host", "ansible_ssh_host"];

/// B3120 and B3123.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for host in &model.hosts {
        address_vars(model, &host.origin, &host.vars, &host.device, out);
    }
    for group in &model.host_groups {
        if group.hosts.is_empty() && group.children.is_empty() {
            continue;
        }
        address_vars(model, &group.origin, &group.vars, "", out);
    }
    let mut controllers = model
        .hosts
        .iter()
        .filter_map(|h| h.access.controller.map(|span| (h, span)));
    let Some((first, first_span)) = controllers.next() else {
        return;
    };
    for (host, span) in controllers {
        out.push(
            Diagnostic::error(
                codes::B3123,
                format!(
                    "host `{}` is marked as the Ansible controller, and so is host `{}`",
                    host.name, first.name
                ),
                span,
            )
            .with_label("a second controller")
            .with_secondary(
                first_span,
                format!("`host {}` is the controller", first.name),
            )
            .with_help("keep `controller = true` only on the machine Ansible runs from"),
        );
    }
}

/// B3120 for the address variables of a host (`device` its tailnet name) or a group (`""`).
fn address_vars(
    model: &Model,
    origin: &Origin,
    vars: &indexmap::IndexMap<String, crate::model::Data>,
    device: &str,
    out: &mut Vec<Diagnostic>,
) {
    for key in vars.keys() {
        if !ADDRESS_VARS.contains(&key.as_str()) {
            continue;
        }
        let at = model.spans.at(origin, &format!("vars.{key}"));
        let (kind, name) = origin.decl.split_once(' ').unwrap_or(("", ""));
        let whose = if kind == "host" {
            format!("host `{name}`")
        } else {
            format!("the hosts of group `{name}`")
        };
        let mut d = Diagnostic::error(
            codes::B3120,
            format!("`{key}` gives {whose} an address other than its tailnet device"),
            at,
        )
        .with_label("Ansible would connect here, around the tailnet")
        .with_note("every host Ansible manages is a tailnet device, reached at its device name so that the policy's grants and SSH rules govern the connection");
        if at != origin.span {
            let secondary = if device.is_empty() {
                format!("`{}` is declared here", origin.decl)
            } else {
                format!("the inventory reaches it at its device name `{device}`")
            };
            d = d.with_secondary(origin.span, secondary);
        }
        out.push(d.with_help(format!(
            "remove `{key}`; when the device's tailnet name differs from the host's, set `device = \"...\"` on the host"
        )));
    }
}

/// B3121 and B3122: the controller against every host Ansible logs in to.
pub fn check_policy(model: &Model, out: &mut Vec<Diagnostic>) {
    let Some((controller, controller_span)) = model
        .hosts
        .iter()
        .find_map(|h| h.access.controller.map(|span| (h, span)))
    else {
        return;
    };
    let policy = Policy::new(model);
    let Some(src) = known_device(&policy, controller) else {
        return;
    };
    for host in &model.hosts {
        // A second controller is B3123's; a local connection does not log in.
        if host.access.controller.is_some() || host.connection.as_deref() == Some("local") {
            continue;
        }
        let Some(dst) = known_device(&policy, host) else {
            continue;
        };
        let ends = Ends {
            controller,
            controller_span,
            host,
            src: &src,
            dst: &dst,
        };
        let network = policy.reach(&src, &dst, Traffic::tcp(SSH_PORT));
        match network.verdict {
            Verdict::Denied => out.push(unreachable(&policy, &ends)),
            Verdict::Unknown => continue,
            Verdict::Allowed => {
                if host.access.ssh == SshServer::Tailscale {
                    login(&policy, &ends, out);
                }
            }
        }
    }
}

/// The controller and one host it manages, with the devices they stand for.
struct Ends<'m> {
    controller: &'m Host,
    controller_span: Span,
    host: &'m Host,
    src: &'m Node,
    dst: &'m Node,
}

/// The device a host stands for, when the policy knows who it is: it carries tags or has an
/// owner.
fn known_device(policy: &Policy<'_>, host: &Host) -> Option<Node> {
    let nodes = policy.resolve(&Principal::Host(host.name.clone())).ok()?;
    let node = nodes.into_iter().next()?;
    let device = node.device()?;
    if device.tags.is_empty() && device.owner.is_none() {
        return None;
    }
    Some(node)
}

/// B3121: no grant lets the controller reach the host on TCP port 22.
fn unreachable(policy: &Policy<'_>, ends: &Ends<'_>) -> Diagnostic {
    let Ends {
        controller,
        controller_span,
        host,
        src,
        dst,
    } = ends;
    let mut d = Diagnostic::error(
        codes::B3121,
        format!(
            "the Ansible controller `{}` cannot reach host `{}` on tcp {SSH_PORT}",
            controller.name, host.name
        ),
        host.origin.span,
    )
    .with_label(format!(
        "no grant lets {} reach {} on tcp {SSH_PORT}",
        src.label, dst.label
    ))
    .with_secondary(
        *controller_span,
        format!("Ansible runs from `host {}`", controller.name),
    );
    if let Some(closest) = policy.closest(src, dst, Traffic::tcp(SSH_PORT)) {
        d = d.with_note(format!(
            "the closest rule is {}: {}",
            closest.rule.describe(),
            closest.reason
        ));
    }
    d.with_help(format!(
        "add a grant, for example `grant ansible-{} {{ src = [{}], dst = [{}], ip = [tcp({SSH_PORT})] }}`",
        host.name,
        principal_of(controller),
        principal_of(host)
    ))
}

/// B3122: no SSH rule lets the controller log in to a Tailscale SSH host as its user.
fn login(policy: &Policy<'_>, ends: &Ends<'_>, out: &mut Vec<Diagnostic>) {
    let Ends {
        controller,
        controller_span,
        host,
        src,
        dst,
    } = ends;
    let decision = match &host.user {
        Some(user) => policy.ssh(src, dst, user),
        None => policy.ssh_as_unnamed_user(src, dst),
    };
    if decision.outcome != SshOutcome::Denied {
        return;
    }
    let user = match &host.user {
        Some(user) => format!("`{user}`"),
        None => "the controller's own login name (the host sets no `user`)".to_string(),
    };
    let mut d = Diagnostic::error(
        codes::B3122,
        format!(
            "the Ansible controller `{}` cannot log in to host `{}` with Tailscale SSH",
            controller.name, host.name
        ),
        host.origin.span,
    )
    .with_label(match &decision.refusal {
        Some(_) => {
            "Tailscale refuses SSH sessions into this device from the controller".to_string()
        }
        None => format!(
            "no SSH rule lets {} log in to {} as {user}",
            src.label, dst.label
        ),
    })
    .with_secondary(
        *controller_span,
        format!("Ansible runs from `host {}`", controller.name),
    );
    if let Some(refusal) = &decision.refusal {
        d = d.with_note(refusal.clone());
    } else if let Some(rule) = policy.ssh_rules_between(src, dst).first() {
        d = d.with_note(format!(
            "ssh {} lets {} log in to {} only as {}",
            rule.name,
            src.label,
            dst.label,
            rule.users
                .iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(span) = host
        .access
        .ssh_span
        .filter(|s| s.file == host.origin.span.file)
    {
        if span != host.origin.span {
            d = d.with_secondary(span, "the host runs Tailscale SSH");
        }
    }
    let users = match &host.user {
        Some(user) => format!("\"{user}\""),
        None => "autogroup.nonroot".to_string(),
    };
    out.push(d.with_help(format!(
        "add an SSH rule, for example `ssh ansible-{} {{ src = [{}], dst = [{}], users = [{users}] }}`, or set `ssh = \"openssh\"` on the host if it runs its own SSH daemon",
        host.name,
        principal_of(controller),
        principal_of(host)
    )));
}

/// How a rule names a host's device: its first tag, else its owner, else the host.
fn principal_of(host: &Host) -> String {
    let tag = host.tags.iter().find_map(|s| match &s.principal {
        Principal::Tag(t) => Some(format!("tag.{t}")),
        _ => None,
    });
    if let Some(tag) = tag {
        return tag;
    }
    match &host.owner {
        Some(owner) if !owner.contains('@') => format!("user.{owner}"),
        _ => format!("host.{}", host.name),
    }
}
