//! Secrets in the Ansible tree: the facts that carry them and the conversion of variable values.
//!
//! A secret's value never enters a generated file. Every distinct field of a 1Password item that
//! a host variable, a group variable or a role argument refers to gets one fact name for the
//! whole project (`secret_<secret>_<key>`, made a valid variable name, with a number appended when
//! it would collide with a variable, a role parameter or another fact: role arguments take
//! precedence over facts, so `x: "{{ x }}"` would loop), so that a group variable
//! written once in `group_vars/` means the same thing in every playbook. The fact's value is read
//! on the controller by the playbook's `pre_tasks` and registered as `_<fact>`.
//!
//! A secret text (`"TOKEN=${secret.forgejo.runner_reg}"`) becomes a Jinja string whose holes read
//! those facts (`"TOKEN={{ secret_forgejo_runner_reg }}"`); its literal pieces are escaped, so
//! that a `{{` written in the text stays text rather than becoming a template.

use std::collections::{BTreeMap, BTreeSet};

use crate::emit::yaml::Yaml;
use crate::model::{Data, Model, SecretRef, TextPart};

/// The fact names of every secret field the Ansible tree uses.
#[derive(Clone, Debug, Default)]
pub(super) struct Facts {
    names: BTreeMap<SecretRef, String>,
}

impl Facts {
    /// Names a fact for every secret field used by a host variable, a group variable, a task or a
    /// role argument, in model order.
    pub(super) fn new(model: &Model) -> Facts {
        let mut taken = BTreeSet::new();
        let mut refs = Vec::new();
        for host in &model.hosts {
            for (name, value) in &host.vars {
                taken.insert(name.clone());
                collect(value, &mut refs);
            }
        }
        for group in &model.host_groups {
            for (name, value) in &group.vars {
                taken.insert(name.clone());
                collect(value, &mut refs);
            }
        }
        for role in &model.roles {
            for param in &role.params {
                taken.insert(param.name.clone());
            }
        }
        for host in &model.hosts {
            for task in host.play.all_tasks() {
                for value in task.args.values().chain(task.keywords.values()) {
                    collect(value, &mut refs);
                }
            }
            for role_use in &host.play.roles {
                for (name, value) in &role_use.args {
                    taken.insert(name.clone());
                    collect(value, &mut refs);
                }
            }
        }
        let mut names = BTreeMap::new();
        for secret_ref in refs {
            if names.contains_key(&secret_ref) {
                continue;
            }
            let base = variable_name(&format!("secret_{}_{}", secret_ref.secret, secret_ref.key));
            let mut name = base.clone();
            let mut n = 2;
            while taken.contains(&name) || taken.contains(&format!("_{name}")) {
                name = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(name.clone());
            taken.insert(format!("_{name}"));
            names.insert(secret_ref, name);
        }
        Facts { names }
    }

    /// The fact that holds a secret field, once the playbook has read it.
    pub(super) fn name(&self, secret_ref: &SecretRef) -> Option<&str> {
        self.names.get(secret_ref).map(String::as_str)
    }
}

/// Every secret field a value refers to, in order, with repeats.
pub(super) fn collect(value: &Data, out: &mut Vec<SecretRef>) {
    match value {
        Data::Secret(secret_ref) => out.push(secret_ref.clone()),
        Data::SecretText(parts) => out.extend(TextPart::secrets(parts).cloned()),
        Data::List(items) => {
            for item in items {
                collect(item, out);
            }
        }
        Data::Map(entries) => {
            for item in entries.values() {
                collect(item, out);
            }
        }
        Data::Null | Data::Bool(_) | Data::Int(_) | Data::Str(_) => {}
    }
}

/// A variable's value as YAML; a secret becomes a Jinja reference to its fact.
pub(super) fn to_yaml(value: &Data, facts: &Facts) -> Yaml {
    match value {
        Data::Null => Yaml::Null,
        Data::Bool(b) => Yaml::Bool(*b),
        Data::Int(i) => Yaml::Int(*i),
        Data::Str(s) => Yaml::Str(s.clone()),
        Data::List(items) => Yaml::Seq(items.iter().map(|item| to_yaml(item, facts)).collect()),
        Data::Map(entries) => Yaml::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_yaml(v, facts)))
                .collect(),
        ),
        Data::Secret(secret_ref) => match facts.name(secret_ref) {
            Some(name) => Yaml::Str(format!("{{{{ {name} }}}}")),
            None => Yaml::Null,
        },
        Data::SecretText(parts) => {
            let mut text = String::new();
            for part in parts {
                match part {
                    TextPart::Text(literal) => text.push_str(&jinja_literal(literal)),
                    TextPart::Secret(secret_ref) => match facts.name(secret_ref) {
                        Some(name) => text.push_str(&format!("{{{{ {name} }}}}")),
                        None => return Yaml::Null,
                    },
                }
            }
            Yaml::Str(text)
        }
    }
}

/// Literal text inside a Jinja template: every `{` that could open a tag (`{{`, `{%`, `{#`, or
/// a `{` just before a hole, which the hole's own braces would complete) is written as the
/// expression `{{ '{' }}`, so that the text renders exactly as written.
pub(super) fn jinja_literal(text: &str) -> String {
    crate::emit::escape_braces(text, "{{ '{' }}")
}

/// A string made into a valid Ansible variable name: lower case ASCII letters, digits and `_`,
/// not starting with a digit.
pub(super) fn variable_name(s: &str) -> String {
    let mut name: String = s
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_are_lower_case_identifiers() {
        assert_eq!(variable_name("caddy_gandi_pat"), "caddy_gandi_pat");
        assert_eq!(
            variable_name("Miniflux-DB_db password"),
            "miniflux_db_db_password"
        );
        assert_eq!(variable_name("1x"), "_1x");
        assert_eq!(variable_name(""), "_");
    }

    #[test]
    fn jinja_literals_cannot_open_a_tag() {
        assert_eq!(jinja_literal("TOKEN="), "TOKEN=");
        assert_eq!(jinja_literal("{{x}}"), "{{ '{' }}{x}}");
        assert_eq!(jinja_literal("a{%b{#c"), "a{{ '{' }}%b{{ '{' }}#c");
        assert_eq!(jinja_literal("x{"), "x{{ '{' }}");
        assert_eq!(jinja_literal("{a}"), "{a}");
    }
}
