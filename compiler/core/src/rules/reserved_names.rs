//! B3018: a name that a generated file already uses for something else.
//!
//! - An app named like the app-of-apps root ([`ROOT_APP`], `apps`): its Application would be
//!   `argocd/apps/apps.yaml`, the root's file, and one of the two would be lost.
//! - A host named `all` or `ungrouped`: those are Ansible's implicit groups, so the host's
//!   playbook (`hosts: all`) would run on every host, and Ansible warns about a host named like a
//!   group.
//! - A host group named `ungrouped`: Ansible keeps that group itself, for the hosts in no other
//!   group, and silently drops from it every host that is also in another group, so its members
//!   and variables would not be what the project says. (A host group named `all` is fine: the
//!   Ansible emitter writes it as the inventory's root group.)

use crate::diagnostic::{codes, Diagnostic};
use crate::emit::k8s::ROOT_APP;
use crate::model::Model;

/// Ansible's implicit groups.
const ANSIBLE_GROUPS: [&str; 2] = ["all", "ungrouped"];

/// Reports apps, hosts and host groups with reserved names.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in model.apps.iter().filter(|a| a.name == ROOT_APP) {
        out.push(
            Diagnostic::error(
                codes::B3018,
                format!("an app cannot be named `{ROOT_APP}`"),
                app.origin.span,
            )
            .with_label(format!("`{ROOT_APP}` is the name of the app-of-apps root Application"))
            .with_note(format!(
                "every app gets an Argo CD Application in `argocd/apps/<app>.yaml`, and `argocd/apps/{ROOT_APP}.yaml` is the root that syncs them all"
            ))
            .with_help("rename the app"),
        );
    }
    for host in model
        .hosts
        .iter()
        .filter(|h| ANSIBLE_GROUPS.contains(&h.name.as_str()))
    {
        out.push(
            Diagnostic::error(
                codes::B3018,
                format!("a host cannot be named `{}`", host.name),
                host.origin.span,
            )
            .with_label(format!("`{}` is one of Ansible's implicit groups", host.name))
            .with_note(format!(
                "the host's playbook would say `hosts: {}` and configure every host with this host's roles",
                host.name
            ))
            .with_help("rename the host; its device name can stay what it is with `device = \"...\"`"),
        );
    }
    for group in model.host_groups.iter().filter(|g| g.name == "ungrouped") {
        out.push(
            Diagnostic::error(
                codes::B3018,
                "a host group cannot be named `ungrouped`",
                group.origin.span,
            )
            .with_label("Ansible keeps the `ungrouped` group itself")
            .with_note("Ansible puts every host that is in no other group into `ungrouped` and drops from it every host that is, so this group's members and variables would not be what the project says")
            .with_help("rename the group; hosts in no group are listed under `all` already"),
        );
    }
}
