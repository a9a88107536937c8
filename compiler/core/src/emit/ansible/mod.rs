//! The Ansible emitter: `ansible/` with its inventory, host and group variables, one playbook per
//! host that has roles, an `ansible.cfg` that makes the tree self-contained, and the files of the
//! roles the project keeps.
//!
//! Decisions, so that readers of the generated tree know what to expect:
//!
//! - The inventory (`inventory`) lists every group under `all.children` with its member hosts
//!   and, by name only, its child groups; hosts that no group lists sit under `all.hosts`. A host's
//!   connection variables (`ansible_host` and friends) are written where the host first appears;
//!   its other variables go to `inventory/host_vars/<host>.yml`, a group's to
//!   `inventory/group_vars/<group>.yml`. A host group named `all` is the inventory's root group.
//! - Secrets (`secrets`) never become values. Each distinct field of a 1Password item used by a
//!   host gets a fact with a project-wide name; the host's playbook reads it with `op read` on the
//!   controller in `pre_tasks` (the corpus's pattern) and every place that uses the secret, a role
//!   argument or a host or group variable, says `"{{ fact }}"`.
//! - Playbooks (`playbook`) pass a role argument explicitly unless it equals the default of the
//!   role's signature, which the role's own `defaults/main.yml` then supplies.
//! - Every role gets `ansible/roles/<role>/` (`roles`): the files of its `source` directory,
//!   copied (YAML files with the provenance header, other files byte for byte), and the interface
//!   its declaration states, `meta/argument_specs.yml` and, when the kept files have none,
//!   `defaults/main.yml`.

mod inventory;
mod playbook;
mod roles;
mod secrets;

use std::collections::BTreeMap;

use crate::emit::{header_lines, put};
use crate::model::{Model, Origin};
use crate::Outputs;

use secrets::Facts;

/// The directory every Ansible file is written under.
const ROOT: &str = "ansible";

/// Emits the Ansible tree. Nothing is written for a project with no hosts, groups or roles.
pub fn emit(model: &Model, assets: &BTreeMap<String, String>, out: &mut Outputs) {
    if model.hosts.is_empty() && model.host_groups.is_empty() && model.roles.is_empty() {
        return;
    }
    let facts = Facts::new(model);
    inventory::emit(model, &facts, out);
    playbook::emit(model, &facts, out);
    roles::emit(model, &facts, assets, out);
    config(model, out);
}

/// Writes `ansible.cfg`, which points Ansible at the generated inventory and roles so that
/// `ansible-playbook playbooks/<host>.yml` works from the `ansible/` directory.
fn config(model: &Model, out: &mut Outputs) {
    let origins = inventory_origins(model);
    let mut text = String::new();
    for line in header_lines(&origins) {
        text.push_str("# ");
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str("[defaults]\n");
    text.push_str("inventory = inventory/hosts.yml\n");
    text.push_str("roles_path = roles\n");
    put(out, format!("{ROOT}/ansible.cfg"), text, &origins);
}

/// The declarations the inventory is made of: every host and host group.
fn inventory_origins(model: &Model) -> Vec<&Origin> {
    model
        .hosts
        .iter()
        .map(|h| &h.origin)
        .chain(model.host_groups.iter().map(|g| &g.origin))
        .collect()
}
