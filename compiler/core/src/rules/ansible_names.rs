//! B3021: a name that Ansible or ansible-lint rejects.
//!
//! - A host group's name is an identifier: a letter or `_`, then letters, digits and `_`.
//!   Ansible warns about any other character in a group name (`web-servers`), and the strict
//!   inventory check fails on the warning.
//! - A role's name is a lowercase letter, then lowercase letters, digits and `_`, as
//!   ansible-lint's `role-name` rule wants it.
//! - A variable, a host's or a group's `vars` key or a role's parameter, is lowercase letters,
//!   digits and `_`, not starting with a digit: Jinja cannot refer to `bad-var`, and ansible-lint's
//!   `var-naming` rule rejects capitals. It is not a Python keyword, not a name Ansible reserves
//!   for play and task keywords (`name`, `port`, `environment`, ...), which the inventory schema
//!   rejects, and not a read-only special variable (`hostvars`, `inventory_hostname`, ...),
//!   which Ansible silently ignores.
//!
//! Host names are only checked for length (their files are `host_vars/<host>.yml` and
//! `playbooks/<host>.yml`; groups and roles have the same limit): every name the language accepts
//! (letters, digits, `_` and `-`) is a valid inventory host name, which Ansible and ansible-lint
//! accept as it is.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Data, Model, Origin};

use super::valid::{self, identifier_like};

/// Reports host group, role, parameter and variable names that Ansible rejects.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for group in &model.host_groups {
        if let Err(why) = valid::ansible_group(&group.name) {
            out.push(
                Diagnostic::error(
                    codes::B3021,
                    format!("host group name `{}` is not a valid Ansible group name", group.name),
                    group.origin.span,
                )
                .with_label(why)
                .with_note("an Ansible group name is a letter or `_`, then letters, digits and `_`; Ansible warns about any other character")
                .with_help(rename("the group", &group.name, identifier_like(&group.name, false))),
            );
        }
        variables(model, &group.origin, &group.vars, out);
    }
    for host in &model.hosts {
        if let Err(why) = valid::file_name(&host.name) {
            out.push(
                Diagnostic::error(
                    codes::B3021,
                    format!("host name `{}…` is too long for Ansible's files", host.name.chars().take(20).collect::<String>()),
                    host.origin.span,
                )
                .with_label(why)
                .with_note("a host's variables and playbook are written to `host_vars/<host>.yml` and `playbooks/<host>.yml`")
                .with_help("use a shorter name; the device name can stay what it is with `device = \"...\"`"),
            );
        }
        variables(model, &host.origin, &host.vars, out);
    }
    for role in &model.roles {
        if let Err(why) = valid::ansible_role(&role.name) {
            out.push(
                Diagnostic::error(
                    codes::B3021,
                    format!("role name `{}` is not a valid Ansible role name", role.name),
                    role.origin.span,
                )
                .with_label(why)
                .with_note("ansible-lint's `role-name` rule wants a lowercase letter, then lowercase letters, digits and `_`")
                .with_help(rename("the role and its directory", &role.name, identifier_like(&role.name, true))),
            );
        }
        for param in &role.params {
            if let Err(why) = valid::ansible_variable(&param.name) {
                out.push(
                    Diagnostic::error(
                        codes::B3021,
                        format!(
                            "parameter `{}` of role `{}` is not a valid Ansible variable name",
                            param.name, role.name
                        ),
                        model
                            .spans
                            .at(&role.origin, &format!("params.{}", param.name)),
                    )
                    .with_label(why)
                    .with_note(VARIABLE_RULE)
                    .with_help(rename(
                        "the parameter (and the role's variable)",
                        &param.name,
                        suggestion(&role.name, &param.name),
                    )),
                );
            }
        }
    }
}

/// The rule for variable names, for notes.
const VARIABLE_RULE: &str = "an Ansible variable name is lowercase letters, digits and `_`, not starting with a digit, and not a Python keyword or a name Ansible reserves";

/// Reports the invalid names of a host's or a group's variables.
fn variables(
    model: &Model,
    origin: &Origin,
    vars: &indexmap::IndexMap<String, Data>,
    out: &mut Vec<Diagnostic>,
) {
    for key in vars.keys() {
        let Err(why) = valid::ansible_variable(key) else {
            continue;
        };
        let (kind, owner) = origin.decl.split_once(' ').unwrap_or(("", ""));
        out.push(
            Diagnostic::error(
                codes::B3021,
                format!(
                    "variable `{key}` of {kind} `{owner}` is not a valid Ansible variable name"
                ),
                model.spans.at(origin, &format!("vars.{key}")),
            )
            .with_label(why)
            .with_note(VARIABLE_RULE)
            .with_help(rename("the variable", key, suggestion(owner, key))),
        );
    }
}

/// A valid variable name close to a name: lowercase, `-` as `_`, prefixed with the owner's name
/// when it is reserved as it stands.
fn suggestion(owner: &str, name: &str) -> Option<String> {
    let near = identifier_like(name, true).unwrap_or_else(|| name.to_string());
    if valid::ansible_variable(&near).is_ok() && near != name {
        return Some(near);
    }
    let prefixed = format!("{}_{near}", owner.replace('-', "_").to_ascii_lowercase());
    valid::ansible_variable(&prefixed).ok().map(|()| prefixed)
}

/// How to fix a name: rename it, with a suggestion when there is one.
fn rename(what: &str, name: &str, suggestion: Option<String>) -> String {
    match suggestion {
        Some(s) => format!("rename {what}, for example `{name}` to `{s}`"),
        None => format!("rename {what}"),
    }
}
