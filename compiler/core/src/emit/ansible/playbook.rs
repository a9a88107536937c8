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
use crate::model::{Host, HostGroup, Model, Origin, RoleUse, SecretRef};
use crate::Outputs;

use super::secrets::{collect, to_yaml, Facts};
use super::ROOT;

/// The Ansible tag that runs a task whatever `--tags` says.
const ALWAYS: &str = "always";

/// Writes a playbook for each host with roles.
pub(super) fn emit(model: &Model, facts: &Facts, out: &mut Outputs) {
    for host in &model.hosts {
        if host.roles.is_empty() {
            continue;
        }
        playbook(model, facts, host, out);
    }
}

/// Writes one host's playbook.
fn playbook(model: &Model, facts: &Facts, host: &Host, out: &mut Outputs) {
    let mut origins: Vec<&Origin> = vec![&host.origin];
    let mut needed: IndexMap<SecretRef, Vec<String>> = IndexMap::new();

    let mut refs = Vec::new();
    for value in host.vars.values() {
        collect(value, &mut refs);
    }
    for group in groups_of(model, host) {
        let before = refs.len();
        for value in group.vars.values() {
            collect(value, &mut refs);
        }
        if refs.len() > before {
            origins.push(&group.origin);
        }
    }
    for secret_ref in refs {
        add_tags(&mut needed, secret_ref, &[ALWAYS.to_string()]);
    }

    let mut roles = Vec::new();
    for role_use in &host.roles {
        let tags = role_tags(role_use);
        let mut refs = Vec::new();
        for value in role_use.args.values() {
            collect(value, &mut refs);
        }
        for secret_ref in refs {
            add_tags(&mut needed, secret_ref, &tags);
        }
        if let Some(role) = model.roles.iter().find(|r| r.name == role_use.role) {
            origins.push(&role.origin);
        }
        roles.push(role_entry(model, facts, role_use, tags));
    }

    let mut pre_tasks = Vec::new();
    for (secret_ref, tags) in &needed {
        let Some(secret) = model.secrets.iter().find(|s| s.name == secret_ref.secret) else {
            continue;
        };
        let Some(fact) = facts.name(secret_ref) else {
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
        let fetch = Map::new()
            .with(
                "name",
                format!("Fetch {} {} from 1Password", secret.name, secret_ref.key),
            )
            .with(
                "ansible.builtin.command",
                Map::new().with("cmd", op_read_command(&url)),
            )
            .with("delegate_to", "localhost")
            .with_opt("become", host.become_root.then_some(false))
            .with("register", register.as_str())
            .with("changed_when", false)
            .with("no_log", true)
            .with("check_mode", false)
            .with("tags", tags.clone());
        let set = Map::new()
            .with("name", format!("Set {fact} fact"))
            .with(
                "ansible.builtin.set_fact",
                Map::new().with(fact, format!("{{{{ {register}.stdout }}}}")),
            )
            .with("no_log", true)
            .with("tags", tags);
        pre_tasks.push(Yaml::from(fetch));
        pre_tasks.push(Yaml::from(set));
    }

    let play = Map::new()
        .with("name", format!("Configure {}", host.name))
        .with("hosts", &host.name)
        .with("become", host.become_root)
        .with("gather_facts", host.gather_facts)
        .with_nonempty("pre_tasks", pre_tasks)
        .with("roles", roles);
    let text = document(&header_lines(&origins), &Yaml::Seq(vec![play.into()]));
    put(
        out,
        format!("{ROOT}/playbooks/{}.yml", host.name),
        text,
        &origins,
    );
}

/// A role's entry in the play: its name, tags and the arguments that differ from its defaults.
fn role_entry(model: &Model, facts: &Facts, role_use: &RoleUse, tags: Vec<String>) -> Yaml {
    let role = model.roles.iter().find(|r| r.name == role_use.role);
    let mut vars = Map::new();
    for (name, value) in &role_use.args {
        let default = role
            .and_then(|r| r.params.iter().find(|p| &p.name == name))
            .and_then(|p| p.default.as_ref());
        if default == Some(value) {
            continue;
        }
        vars.insert(name.clone(), to_yaml(value, facts));
    }
    Map::new()
        .with("role", &role_use.role)
        .with("tags", tags.into_iter().map(Yaml::from).collect::<Vec<_>>())
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

/// Records that a secret field is needed by tasks with these tags.
fn add_tags(needed: &mut IndexMap<SecretRef, Vec<String>>, secret_ref: SecretRef, tags: &[String]) {
    let entry = needed.entry(secret_ref).or_default();
    for tag in tags {
        if !entry.contains(tag) {
            entry.push(tag.clone());
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
