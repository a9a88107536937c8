//! The hosts layer of the model: machines, inventory groups and role signatures.

use indexmap::IndexMap;

use crate::source::Span;

use super::{Data, Origin, Selector};

/// A machine on the tailnet, configured by Ansible.
#[derive(Clone, Debug, PartialEq)]
pub struct Host {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name, also its inventory name.
    pub name: String,
    /// The tailnet device name (`ansible_host`; `<device>.<tailnet domain>` is its FQDN).
    pub device: String,
    /// Tags the device carries, applied with `DeviceTags` when `manage_tags` is set.
    pub tags: Vec<Selector>,
    /// The user who owns the device, for a device that carries no tags (a workstation); tagged
    /// devices are owned by their tags and lose any user identity.
    pub owner: Option<String>,
    /// Whether Pulumi manages the device's tags (a user-owned device loses its user identity when
    /// tagged, so this is off for workstations).
    pub manage_tags: bool,
    /// `ansible_user`.
    pub user: Option<String>,
    /// `ansible_python_interpreter`.
    pub python: Option<String>,
    /// `ansible_connection`.
    pub connection: Option<String>,
    /// Host variables.
    pub vars: IndexMap<String, Data>,
    /// Roles to apply, in order; a playbook is written when this is not empty.
    pub roles: Vec<RoleUse>,
    /// Whether the playbook gathers facts.
    pub gather_facts: bool,
    /// Whether the playbook becomes root.
    pub become_root: bool,
}

/// A role applied to a host, with checked arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleUse {
    /// The role's declaration name.
    pub role: String,
    /// Arguments, in the role's parameter order.
    pub args: IndexMap<String, Data>,
    /// Ansible tags for the role (defaults to the role name).
    pub tags: Vec<String>,
    /// Where the role was applied.
    pub span: Span,
}

/// An inventory group.
#[derive(Clone, Debug, PartialEq)]
pub struct HostGroup {
    /// Where it was declared.
    pub origin: Origin,
    /// The group's name.
    pub name: String,
    /// Member hosts, in order.
    pub hosts: Vec<String>,
    /// Child groups, in order.
    pub children: Vec<String>,
    /// Group variables.
    pub vars: IndexMap<String, Data>,
}

/// The typed signature of a hand-written Ansible role.
#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    /// Where it was declared.
    pub origin: Origin,
    /// The role's name.
    pub name: String,
    /// Its parameters, in order.
    pub params: Vec<RoleParam>,
    /// The role's directory relative to the project root, when the project keeps its files; they
    /// are then copied into `ansible/roles/<name>/`.
    pub source: Option<String>,
}

/// A parameter of a role.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleParam {
    /// The variable name.
    pub name: String,
    /// The type as written, for messages.
    pub ty: String,
    /// The default, if the parameter is optional.
    pub default: Option<Data>,
}
