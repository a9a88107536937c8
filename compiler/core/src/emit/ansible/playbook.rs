//! The playbooks: `playbooks/<host>.yml` for every host that has roles.
//!
//! One play, `Configure <host>`, applies the host's roles in order, each with its tags and the
//! arguments that differ from the defaults of the role's signature (the role's `defaults/main.yml`
//! supplies the others). When the host uses secrets, through a role argument, a host variable or
//! a variable of a group it belongs to, the play's `pre_tasks` read each secret field once on the
//! controller with `op read` and set the fact that the arguments and variables refer to, in the
//! corpus's pattern: `delegate_to: localhost`, `changed_when: false`, `no_log: true`,
//! `check_mode: false`, tagged with the roles that need it (`always` for variables, which any
//! role may read).

use std::collections::BTreeSet;

use indexmap::IndexMap;

use crate::emit::yaml::{document, Map, Yaml};
use crate::emit::{header_lines, put};
use crate::model::{Data, Host, HostGroup, Model, Origin, Play, RoleUse, SecretRef, Task};
use crate::Outputs;

use super::secrets::{collect, to_yaml, Facts};
use super::ROOT;

/// The Ansible tag that runs a task whatever `--tags` says.
const ALWAYS: &str = "always";

/// Writes a playbook for each host and each group with roles or tasks.
pub(super) fn emit(model: &Model, facts: &Facts, out: &mut Outputs) {
    for host in &model.hosts {
        if host.play.is_empty() {
            continue;
        }
        let target = Target {
            name: &host.name,
            origin: &host.origin,
            play: &host.play,
            hosts: vec![host],
        };
        playbook(model, facts, &target, out);
    }
    for group in &model.host_groups {
        if group.play.is_empty() {
            continue;
        }
        let hosts = model
            .hosts
            .iter()
            .filter(|h| {
                group.name == "all" || contains(model, group, &h.name, &mut BTreeSet::new())
            })
            .collect();
        let target = Target {
            name: &group.name,
            origin: &group.origin,
            play: &group.play,
            hosts,
        };
        playbook(model, facts, &target, out);
    }
}

/// What a playbook is written for: a host, or a group and its member hosts.
struct Target<'m> {
    /// The host's or the group's name: the play's `hosts` and the file's name.
    name: &'m str,
    /// Its declaration.
    origin: &'m Origin,
    /// The play.
    play: &'m Play,
    /// The hosts the play runs on, whose variables it may read.
    hosts: Vec<&'m Host>,
}

/// The facts one play reads from 1Password: fact name to the secret field and the tags of the
/// tasks that need it, in the order they are first needed.
type Needed = IndexMap<String, (SecretRef, Vec<String>)>;

/// Writes one playbook.
fn playbook(model: &Model, facts: &Facts, target: &Target<'_>, out: &mut Outputs) {
    let play = target.play;
    let mut origins: Vec<&Origin> = vec![target.origin];
    let mut needed: Needed = IndexMap::new();
    let always = [ALWAYS.to_string()];

    // The secrets of the variables the play's hosts see, then of its tasks.
    let mut refs = Vec::new();
    let mut groups: Vec<&HostGroup> = Vec::new();
    for host in &target.hosts {
        let before = refs.len();
        for value in host.vars.values() {
            collect(value, &mut refs);
        }
        if refs.len() > before && !origins.contains(&&host.origin) {
            origins.push(&host.origin);
        }
        for group in groups_of(model, host) {
            if !groups.iter().any(|g| g.name == group.name) {
                groups.push(group);
            }
        }
    }
    for group in groups {
        let before = refs.len();
        for value in group.vars.values() {
            collect(value, &mut refs);
        }
        if refs.len() > before && !origins.contains(&&group.origin) {
            origins.push(&group.origin);
        }
    }
    for task in play.all_tasks() {
        task_secrets(task, &mut refs);
    }
    for secret_ref in refs {
        if let Some(fact) = facts.name(&secret_ref) {
            add_tags(&mut needed, fact, secret_ref, &always);
        }
    }

    let direct = direct_facts(target);
    let mut roles = Vec::new();
    for role_use in &play.roles {
        let tags = role_tags(role_use);
        for (param, value) in &role_use.args {
            let mut refs = Vec::new();
            collect(value, &mut refs);
            for secret_ref in refs {
                let fact = if direct.contains(&(role_use.role.as_str(), param.as_str())) {
                    param.as_str()
                } else {
                    match facts.name(&secret_ref) {
                        Some(fact) => fact,
                        None => continue,
                    }
                };
                add_tags(&mut needed, fact, secret_ref, &tags);
            }
        }
        if let Some(role) = model.roles.iter().find(|r| r.name == role_use.role) {
            if !origins.contains(&&role.origin) {
                origins.push(&role.origin);
            }
        }
        roles.push(role_entry(model, facts, role_use, &direct, tags));
    }

    let mut pre_tasks = secret_tasks(model, play, &needed, &mut origins);
    pre_tasks.extend(play.pre_tasks.iter().map(|t| task_entry(t, facts)));
    let entries =
        |tasks: &[Task]| -> Vec<Yaml> { tasks.iter().map(|t| task_entry(t, facts)).collect() };

    let entry = Map::new()
        .with("name", format!("Configure {}", target.name))
        .with("hosts", target.name)
        .with("become", play.become_root)
        .with("gather_facts", play.gather_facts)
        .with_nonempty("pre_tasks", pre_tasks)
        .with_nonempty("roles", roles)
        .with_nonempty("tasks", entries(&play.tasks))
        .with_nonempty("post_tasks", entries(&play.post_tasks))
        .with_nonempty("handlers", entries(&play.handlers));
    let text = document(&header_lines(&origins), &Yaml::Seq(vec![entry.into()]));
    put(
        out,
        format!("{ROOT}/playbooks/{}.yml", target.name),
        text,
        &origins,
    );
}

/// The role parameters whose argument is one secret field, as (role, parameter): the play reads
/// that field straight into a fact named like the parameter, which the role then finds without
/// an argument (the corpus's pattern, which lets a role also be run alone with `--tags`). A
/// parameter name that two roles of the play use for different secrets, or that a host of the
/// play has as a variable, keeps the project-wide fact and an explicit argument instead.
fn direct_facts<'m>(target: &Target<'m>) -> BTreeSet<(&'m str, &'m str)> {
    let mut seen: IndexMap<&str, Option<&SecretRef>> = IndexMap::new();
    let mut direct = BTreeSet::new();
    for role_use in &target.play.roles {
        for (param, value) in &role_use.args {
            let secret = match value {
                Data::Secret(r) => Some(r),
                _ => None,
            };
            match seen.get(param.as_str()) {
                Some(before) if *before != secret => {
                    seen.insert(param, None);
                }
                Some(_) => {}
                None => {
                    seen.insert(param, secret);
                }
            }
        }
    }
    for role_use in &target.play.roles {
        for (param, value) in &role_use.args {
            if let (Data::Secret(r), Some(Some(same))) = (value, seen.get(param.as_str())) {
                let shadowed = target.hosts.iter().any(|h| h.vars.contains_key(param));
                if r == *same && !shadowed {
                    direct.insert((role_use.role.as_str(), param.as_str()));
                }
            }
        }
    }
    direct
}

/// The `pre_tasks` that read the needed secret fields on the controller and set their facts.
fn secret_tasks<'m>(
    model: &'m Model,
    play: &Play,
    needed: &Needed,
    origins: &mut Vec<&'m Origin>,
) -> Vec<Yaml> {
    let mut out = Vec::new();
    let mut names = BTreeSet::new();
    for (fact, (secret_ref, tags)) in needed {
        let Some(secret) = model.secrets.iter().find(|s| s.name == secret_ref.secret) else {
            continue;
        };
        if !origins.contains(&&secret.origin) {
            origins.push(&secret.origin);
        }
        let tags = if tags.iter().any(|t| t == ALWAYS) {
            vec![Yaml::from(ALWAYS)]
        } else {
            tags.iter().map(Yaml::from).collect()
        };
        let register = format!("_{fact}");
        let url = format!("op://{}/{}/{}", secret.vault, secret.item, secret_ref.key);
        let mut name = format!("Fetch {} {} from 1Password", secret.name, secret_ref.key);
        if !names.insert(name.clone()) {
            name = format!("{name} for {fact}");
        }
        let fetch = Map::new()
            .with("name", name)
            .with(
                "ansible.builtin.command",
                Map::new().with("cmd", op_read_command(&url)),
            )
            .with("delegate_to", "localhost")
            .with_opt("become", play.become_root.then_some(false))
            .with("register", register.as_str())
            .with("changed_when", false)
            .with("no_log", true)
            .with("check_mode", false)
            .with("tags", tags.clone());
        let set = Map::new()
            .with("name", format!("Set {fact} fact"))
            .with(
                "ansible.builtin.set_fact",
                Map::new().with(fact.as_str(), format!("{{{{ {register}.stdout }}}}")),
            )
            .with("no_log", true)
            .with("tags", tags);
        out.push(Yaml::from(fetch));
        out.push(Yaml::from(set));
    }
    out
}

/// Every secret field a task's arguments and keywords use.
fn task_secrets(task: &Task, out: &mut Vec<SecretRef>) {
    for value in task.args.values().chain(task.keywords.values()) {
        collect(value, out);
    }
}

/// A task (or handler) as the playbook writes it: `name`, the module with its arguments, then
/// its keywords. A task that handles a secret gets `no_log: true` unless it says otherwise, so
/// that the value stays out of the output and the logs.
fn task_entry(task: &Task, facts: &Facts) -> Yaml {
    let mut refs = Vec::new();
    task_secrets(task, &mut refs);
    let args = Map(task
        .args
        .iter()
        .map(|(k, v)| (k.clone(), to_yaml(v, facts)))
        .collect());
    let mut entry = Map::new().with("name", &task.name).with(&task.module, args);
    for (key, value) in &task.keywords {
        entry.insert(key.clone(), to_yaml(value, facts));
    }
    if !refs.is_empty() && !task.keywords.contains_key("no_log") {
        entry.insert("no_log", true);
    }
    if !task.notify.is_empty() {
        entry.insert(
            "notify",
            task.notify.iter().map(Yaml::from).collect::<Vec<_>>(),
        );
    }
    if !task.listen.is_empty() {
        entry.insert(
            "listen",
            task.listen.iter().map(Yaml::from).collect::<Vec<_>>(),
        );
    }
    entry.into()
}

/// A role's entry in the play: its name, tags and conditions, and the arguments that differ from
/// its defaults; an argument read into a fact of its own name (`direct`) is left to the fact.
fn role_entry(
    model: &Model,
    facts: &Facts,
    role_use: &RoleUse,
    direct: &BTreeSet<(&str, &str)>,
    tags: Vec<String>,
) -> Yaml {
    let role = model.roles.iter().find(|r| r.name == role_use.role);
    let mut vars = Map::new();
    for (name, value) in &role_use.args {
        let default = role
            .and_then(|r| r.params.iter().find(|p| &p.name == name))
            .and_then(|p| p.default.as_ref());
        if default == Some(value) || direct.contains(&(role_use.role.as_str(), name.as_str())) {
            continue;
        }
        vars.insert(name.clone(), to_yaml(value, facts));
    }
    let tags: Yaml = match tags.as_slice() {
        [one] => Yaml::from(one),
        _ => tags.into_iter().map(Yaml::from).collect::<Vec<_>>().into(),
    };
    Map::new()
        .with("role", &role_use.role)
        .with("tags", tags)
        .with_opt("when", role_use.when.as_ref())
        .with_opt("become", role_use.become_root)
        .with_nonempty("vars", vars)
        .into()
}

/// The tags of a role's application: as declared, or the role's name.
fn role_tags(role_use: &RoleUse) -> Vec<String> {
    if role_use.tags.is_empty() {
        vec![role_use.role.clone()]
    } else {
        role_use.tags.clone()
    }
}

/// Records that a fact holding a secret field is needed by tasks with these tags.
fn add_tags(needed: &mut Needed, fact: &str, secret_ref: SecretRef, tags: &[String]) {
    let entry = needed
        .entry(fact.to_string())
        .or_insert_with(|| (secret_ref, Vec::new()));
    for tag in tags {
        if !entry.1.contains(tag) {
            entry.1.push(tag.clone());
        }
    }
}

/// The groups a host belongs to, directly or through child groups, in declaration order; a group
/// named `all` holds every host.
fn groups_of<'m>(model: &'m Model, host: &Host) -> Vec<&'m HostGroup> {
    model
        .host_groups
        .iter()
        .filter(|g| g.name == "all" || contains(model, g, &host.name, &mut BTreeSet::new()))
        .collect()
}

/// Whether a group holds a host, directly or through its children; `visiting` guards against
/// cycles.
fn contains<'m>(
    model: &'m Model,
    group: &'m HostGroup,
    host: &str,
    visiting: &mut BTreeSet<&'m str>,
) -> bool {
    if !visiting.insert(group.name.as_str()) {
        return false;
    }
    if group.hosts.iter().any(|h| h == host) {
        return true;
    }
    group.children.iter().any(|child| {
        model
            .host_groups
            .iter()
            .find(|g| &g.name == child)
            .is_some_and(|g| contains(model, g, host, visiting))
    })
}

/// The `op read` command line for a secret reference. The reference is double-quoted as the
/// command module's shell-like splitting expects (so names with spaces work), and wrapped in a
/// Jinja `raw` block when it contains something Ansible would template.
fn op_read_command(url: &str) -> String {
    let mut quoted = String::with_capacity(url.len() + 2);
    quoted.push('"');
    for c in url.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    let cmd = format!("op read {quoted}");
    if ["{{", "{%", "{#"].iter().any(|m| cmd.contains(m)) {
        return format!("{{% raw %}}{cmd}{{% endraw %}}");
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_read_quotes_the_reference() {
        assert_eq!(
            op_read_command("op://vault/1Password Connect/token"),
            "op read \"op://vault/1Password Connect/token\""
        );
        assert_eq!(
            op_read_command("op://v/a\"b/c"),
            "op read \"op://v/a\\\"b/c\""
        );
        assert_eq!(
            op_read_command("op://v/{{x}}/c"),
            "{% raw %}op read \"op://v/{{x}}/c\"{% endraw %}"
        );
    }
}
