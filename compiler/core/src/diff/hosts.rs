//! The hosts layer of the summary: machines, inventory groups, role declarations, and what each
//! playbook does (roles applied and their arguments, tasks and handlers).

use crate::model::{Host, HostGroup, Model, ParamType, Play, Role, RoleUse, Task};

use super::text::{self, list, push_change, push_data_change, push_list_change, push_map_change};
use super::{compare, Change, Kind, Noun};

/// The changes to the hosts layer.
pub fn diff(old: &Model, new: &Model) -> Vec<Change> {
    let mut out = Vec::new();
    compare(&mut out, &HOST, &old.hosts, &new.hosts);
    compare(&mut out, &HOSTGROUP, &old.host_groups, &new.host_groups);
    compare(&mut out, &ROLE, &old.roles, &new.roles);
    out
}

const HOST: Kind<Host> = Kind {
    noun: Noun {
        keyword: "host",
        one: "host",
        many: "hosts",
    },
    name: |h| &h.name,
    origin: |h| Some(&h.origin),
    gist: |h| play_gist(&h.play),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "device", &a.device, &b.device);
        let opt = |v: &Option<String>| text::optional(v.as_deref());
        push_change(&mut out, "user", &opt(&a.user), &opt(&b.user));
        push_change(&mut out, "python", &opt(&a.python), &opt(&b.python));
        push_change(
            &mut out,
            "connection",
            &opt(&a.connection),
            &opt(&b.connection),
        );
        push_change(&mut out, "owner", &opt(&a.owner), &opt(&b.owner));
        push_map_change(&mut out, "vars", &a.vars, &b.vars);
        if a.ports != b.ports {
            out.push(format!("ports {}", text::map_keys(&a.ports, &b.ports)));
        }
        play(&mut out, &a.play, &b.play);
        // The tags and whether Pulumi manages them are the tailnet layer's.
        out
    },
    elsewhere: Some(|h| {
        vec![
            format!("tags: {:?}", h.tags),
            format!("manage_tags: {:?}", h.manage_tags),
        ]
    }),
};

const HOSTGROUP: Kind<HostGroup> = Kind {
    noun: Noun {
        keyword: "hostgroup",
        one: "host group",
        many: "host groups",
    },
    name: |g| &g.name,
    origin: |g| Some(&g.origin),
    gist: |g| {
        let gist = format!("hosts {}", list(&g.hosts));
        let play = play_gist(&g.play);
        if play.is_empty() {
            gist
        } else {
            format!("{gist}; {play}")
        }
    },
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(&mut out, "hosts", &a.hosts, &b.hosts);
        push_list_change(&mut out, "children", &a.children, &b.children);
        push_map_change(&mut out, "vars", &a.vars, &b.vars);
        play(&mut out, &a.play, &b.play);
        out
    },
    elsewhere: None,
};

const ROLE: Kind<Role> = Kind {
    noun: Noun {
        keyword: "role",
        one: "role",
        many: "roles",
    },
    name: |r| &r.name,
    origin: |r| Some(&r.origin),
    gist: |r| {
        let params: Vec<String> = r.params.iter().map(|p| p.name.clone()).collect();
        format!("parameters {}", list(&params))
    },
    details: |a, b| {
        let mut out = Vec::new();
        let names = |r: &Role| r.params.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        push_list_change(&mut out, "parameters", &names(a), &names(b));
        for param in &b.params {
            let Some(before) = a.params.iter().find(|p| p.name == param.name) else {
                continue;
            };
            if before.kind != param.kind {
                let ty = |kind: &ParamType, written: &str| {
                    if written.is_empty() {
                        format!("{kind:?}")
                    } else {
                        written.to_string()
                    }
                };
                push_change(
                    &mut out,
                    &format!("{} type", param.name),
                    &ty(&before.kind, &before.ty),
                    &ty(&param.kind, &param.ty),
                );
            }
            match (&before.default, &param.default) {
                (Some(x), Some(y)) => {
                    push_data_change(&mut out, &format!("{} default", param.name), x, y)
                }
                (None, Some(_)) => out.push(format!("{} optional", param.name)),
                (Some(_), None) => out.push(format!("{} required", param.name)),
                (None, None) => {}
            }
        }
        let source = |r: &Role| text::optional(r.source.as_deref());
        push_change(&mut out, "source", &source(a), &source(b));
        out
    },
    elsewhere: None,
};

/// What a play does, in a line: `roles caddy, borgmatic; 2 tasks`.
fn play_gist(play: &Play) -> String {
    let mut parts = Vec::new();
    if !play.roles.is_empty() {
        let roles: Vec<String> = play.roles.iter().map(|r| r.role.clone()).collect();
        parts.push(format!("roles {}", roles.join(", ")));
    }
    let tasks = play.pre_tasks.len() + play.tasks.len() + play.post_tasks.len();
    match tasks {
        0 => {}
        1 => parts.push("1 task".to_string()),
        n => parts.push(format!("{n} tasks")),
    }
    parts.join("; ")
}

/// The differences between two plays: roles applied, their arguments and settings, tasks and
/// handlers, and the play's own settings.
fn play(out: &mut Vec<String>, old: &Play, new: &Play) {
    let roles = |p: &Play| p.roles.iter().map(|r| r.role.clone()).collect::<Vec<_>>();
    push_list_change(out, "roles", &roles(old), &roles(new));
    for applied in &new.roles {
        let Some(before) = old.roles.iter().find(|r| r.role == applied.role) else {
            continue;
        };
        role_use(out, before, applied);
    }
    tasks(out, "pre_tasks", &old.pre_tasks, &new.pre_tasks);
    tasks(out, "tasks", &old.tasks, &new.tasks);
    tasks(out, "post_tasks", &old.post_tasks, &new.post_tasks);
    tasks(out, "handlers", &old.handlers, &new.handlers);
    if old.gather_facts != new.gather_facts {
        out.push(format!(
            "gather_facts {} → {}",
            old.gather_facts, new.gather_facts
        ));
    }
    if old.become_root != new.become_root {
        out.push(format!("become {} → {}", old.become_root, new.become_root));
    }
}

/// The differences in how one role is applied: `role caddy caddy_routes +1 item`.
fn role_use(out: &mut Vec<String>, old: &RoleUse, new: &RoleUse) {
    let label = format!("role {}", new.role);
    for (name, value) in &new.args {
        match old.args.get(name) {
            None => out.push(format!("{label} {name} = {}", short(value))),
            Some(before) => push_data_change(out, &format!("{label} {name}"), before, value),
        }
    }
    for name in old.args.keys() {
        if !new.args.contains_key(name) {
            out.push(format!("{label} {name} no longer given"));
        }
    }
    push_list_change(out, &format!("{label} tags"), &old.tags, &new.tags);
    let when = |r: &RoleUse| text::optional(r.when.as_deref());
    push_change(out, &format!("{label} when"), &when(old), &when(new));
    let become_root = |r: &RoleUse| text::optional(r.become_root);
    push_change(
        out,
        &format!("{label} become"),
        &become_root(old),
        &become_root(new),
    );
}

/// A value in a few words: whole when short, else its kind.
fn short(value: &crate::model::Data) -> String {
    let whole = text::data(value);
    if whole.chars().count() <= 48 {
        return whole;
    }
    match value {
        crate::model::Data::List(items) => format!("a list of {}", items.len()),
        crate::model::Data::Map(map) => format!("a map of {} keys", map.len()),
        _ => "a long value".to_string(),
    }
}

/// Tasks added and removed by name, and those whose module, arguments or keywords changed.
fn tasks(out: &mut Vec<String>, label: &str, old: &[Task], new: &[Task]) {
    let names = |tasks: &[Task]| {
        tasks
            .iter()
            .map(|t| text::quoted(&t.name))
            .collect::<Vec<_>>()
    };
    push_list_change(out, label, &names(old), &names(new));
    for task in new {
        let Some(before) = old.iter().find(|t| t.name == task.name) else {
            continue;
        };
        let mut parts = Vec::new();
        push_change(&mut parts, "module", &before.module, &task.module);
        if before.args != task.args {
            parts.push(format!(
                "arguments {}",
                text::map_keys(&before.args, &task.args)
            ));
        }
        if before.keywords != task.keywords {
            parts.push(format!(
                "keywords {}",
                text::map_keys(&before.keywords, &task.keywords)
            ));
        }
        push_list_change(&mut parts, "notify", &before.notify, &task.notify);
        push_list_change(&mut parts, "listen", &before.listen, &task.listen);
        if !parts.is_empty() {
            out.push(format!(
                "{} {}: {}",
                singular(label),
                text::quoted(&task.name),
                parts.join(", ")
            ));
        }
    }
}

/// `task` for `tasks`, `handler` for `handlers`, `pre_task` for `pre_tasks`.
fn singular(label: &str) -> &str {
    label.strip_suffix('s').unwrap_or(label)
}
