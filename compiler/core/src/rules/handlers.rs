//! B3057: a task notifies a handler the play does not have.
//!
//! Ansible looks a notified name up among the play's handlers, by name and by `listen` topic,
//! when the task changes something, and fails the run then: `The requested handler 'Restart
//! caddy' was not found`. A task that seldom changes anything hides the mistake for months. The
//! handlers of the play's roles answer too, and a role whose files the project keeps (with a
//! `source`) may define handlers bopsc does not read: a host that applies such a role is not
//! checked.

use std::collections::BTreeSet;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Model, Play};

use crate::check::suggest::closest;

/// Reports notified names that no handler of the play answers to.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let plays = model
        .hosts
        .iter()
        .map(|h| (format!("host `{}`", h.name), &h.play))
        .chain(
            model
                .host_groups
                .iter()
                .map(|g| (format!("group `{}`", g.name), &g.play)),
        );
    for (owner, play) in plays {
        if applies_kept_role(model, play) {
            continue;
        }
        let known: BTreeSet<&str> = play
            .handlers
            .iter()
            .flat_map(|h| {
                std::iter::once(h.name.as_str()).chain(h.listen.iter().map(String::as_str))
            })
            .collect();
        for task in play.all_tasks() {
            for name in &task.notify {
                if known.contains(name.as_str()) {
                    continue;
                }
                let mut diagnostic = Diagnostic::error(
                    codes::B3057,
                    format!("task `{}` notifies `{name}`, which no handler of {owner} answers to", task.name),
                    task.span,
                )
                .with_label(format!("notifies `{name}`"))
                .with_note("Ansible fails the play when a task that changed something notifies a handler it cannot find");
                diagnostic = match closest(name, known.iter().copied()) {
                    Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
                    None if known.is_empty() => diagnostic.with_help(format!(
                        "add the handler to the play: `handlers = [{{ name = \"{name}\", action = ... }}]`"
                    )),
                    None => diagnostic.with_help(format!(
                        "the play's handlers answer to: {}",
                        known.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    )),
                };
                out.push(diagnostic);
            }
        }
    }
}

/// Whether the play applies a role whose files the project keeps, which may define handlers.
fn applies_kept_role(model: &Model, play: &Play) -> bool {
    play.roles.iter().any(|r| {
        model
            .roles
            .iter()
            .any(|role| role.name == r.role && role.source.is_some())
    })
}
