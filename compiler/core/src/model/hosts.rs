//! The hosts layer of the model: machines, inventory groups and role signatures.

use std::collections::BTreeMap;

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
    /// What the host's own playbook does.
    pub play: Play,
    /// Named ports of services the host runs itself (`node_exporter = 9100`), for the other layers
    /// and for variables to refer to (`host.nas.ports.node_exporter`).
    pub ports: IndexMap<String, u16>,
    /// Whether the connection settings (`ansible_user`, ...) go to `host_vars/<host>.yml` rather
    /// than into the host's entry in `hosts.yml`.
    pub host_vars_file: bool,
    /// How Ansible reaches the host and which of its ports only the host itself may use.
    pub access: HostAccess,
}

/// How the host is reached over SSH, whether Ansible runs from it, and which of its ports are
/// bound to localhost; the rules in `rules::host_access` and the checker's locality check read it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HostAccess {
    /// Where `controller = true` was written, when the host is the machine Ansible runs from.
    pub controller: Option<Span>,
    /// The SSH server the host runs.
    pub ssh: SshServer,
    /// Where `ssh` was written, if it was.
    pub ssh_span: Option<Span>,
    /// The ports of `ports` bound to localhost, which only the host itself may use.
    pub local_ports: Vec<LocalPort>,
}

/// The SSH server a host runs, which decides whether the policy's SSH rules apply to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SshServer {
    /// Tailscale SSH: the tailnet's SSH rules decide who logs in as whom, and the network must
    /// let the client reach TCP port 22.
    #[default]
    Tailscale,
    /// The host's own SSH daemon (macOS, where the Tailscale app cannot serve SSH, or a NAS):
    /// only the network grant on TCP port 22 matters to the tailnet; the daemon checks the keys.
    OpenSsh,
}

/// A port of a host that is bound to localhost.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalPort {
    /// The port's name in `ports`.
    pub name: String,
    /// Where the name was written in `local_ports`.
    pub span: Span,
}

/// The play of a host's or a group's playbook, `playbooks/<name>.yml`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Play {
    /// Roles to apply, in order.
    pub roles: Vec<RoleUse>,
    /// Tasks that run before the roles, after the secrets are read.
    pub pre_tasks: Vec<Task>,
    /// Tasks that run after the roles.
    pub tasks: Vec<Task>,
    /// Tasks that run after the handlers the roles and tasks notified.
    pub post_tasks: Vec<Task>,
    /// The play's handlers.
    pub handlers: Vec<Task>,
    /// Whether the play gathers facts.
    pub gather_facts: bool,
    /// Whether the play becomes root.
    pub become_root: bool,
}

impl Play {
    /// Whether there is a play to write: roles to apply or tasks to run.
    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
            && self.pre_tasks.is_empty()
            && self.tasks.is_empty()
            && self.post_tasks.is_empty()
    }

    /// Every task and handler, in play order.
    pub fn all_tasks(&self) -> impl Iterator<Item = &Task> {
        self.pre_tasks
            .iter()
            .chain(&self.tasks)
            .chain(&self.post_tasks)
            .chain(&self.handlers)
    }
}

/// A task (or a handler) of a play, written with a module.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// The task's name.
    pub name: String,
    /// The module's fully qualified name, `ansible.builtin.file`.
    pub module: String,
    /// The module's arguments, `null` ones left out.
    pub args: IndexMap<String, Data>,
    /// The other task keywords that were given (`register`, `when`, `loop_control`...), in the
    /// order they are written to the playbook, `null` ones left out; `notify` and `listen` are
    /// kept apart.
    pub keywords: IndexMap<String, Data>,
    /// The handlers (names or `listen` topics) the task notifies when it changes something.
    pub notify: Vec<String>,
    /// For a handler, the topics it listens to besides its name.
    pub listen: Vec<String>,
    /// Where the task was written.
    pub span: Span,
}

/// A role applied to a host, with checked arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleUse {
    /// The role's declaration name.
    pub role: String,
    /// Arguments, in the role's parameter order.
    pub args: IndexMap<String, Data>,
    /// Ansible tags for the role, as given (`tags = [...]` in the call); the playbook tags a role
    /// with its name when none are given.
    pub tags: Vec<String>,
    /// A condition for the whole role (`when`), a Jinja expression.
    pub when: Option<String>,
    /// `become` for the role's tasks, when it differs from the play's.
    pub become_root: Option<bool>,
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
    /// What the group's playbook does, run on every member.
    pub play: Play,
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

impl Role {
    /// The `source` directory as the compilation's asset keys spell it: `/`-separated, without
    /// `.` or empty segments. `None` without a source, or for one that leaves the project (the CLI
    /// refuses those before compiling).
    pub fn source_dir(&self) -> Option<String> {
        let mut parts = Vec::new();
        for part in self.source.as_deref()?.split('/') {
            match part {
                "" | "." => continue,
                ".." => return None,
                _ => parts.push(part),
            }
        }
        if parts.is_empty() {
            return None;
        }
        Some(parts.join("/"))
    }

    /// The files the project keeps for the role, the assets under its `source`, in path order.
    pub fn kept_files<'a>(&self, assets: &'a BTreeMap<String, String>) -> Vec<KeptFile<'a>> {
        let Some(source) = self.source_dir() else {
            return Vec::new();
        };
        let prefix = format!("{source}/");
        let mut out = Vec::new();
        for (path, text) in assets.range(prefix.clone()..) {
            let Some(rest) = path.strip_prefix(&prefix) else {
                break;
            };
            if rest.is_empty() {
                continue;
            }
            out.push(KeptFile { rest, path, text });
        }
        out
    }
}

/// A file of a role that the project keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeptFile<'a> {
    /// Its path inside the role (`defaults/main.yml`).
    pub rest: &'a str,
    /// Its path in the project (`roles/caddy/defaults/main.yml`).
    pub path: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// The files Ansible reads a role's defaults from, in its order; it reads the first that exists,
/// after `defaults/main` itself (a file, or a directory of files), which comes before them all.
pub const DEFAULTS_FILES: &[&str] = &[
    "defaults/main.yml",
    "defaults/main.yaml",
    "defaults/main.json",
];

/// Where a role's kept files hold its defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeptDefaults<'a> {
    /// Nowhere: the role has no defaults file.
    None,
    /// In this one file.
    File(KeptFile<'a>),
    /// In `defaults/main`, a file without extension or a directory of files.
    Main,
}

/// Where among a role's kept files Ansible finds its defaults.
pub fn kept_defaults<'a>(files: &[KeptFile<'a>]) -> KeptDefaults<'a> {
    if files
        .iter()
        .any(|f| f.rest == "defaults/main" || f.rest.starts_with("defaults/main/"))
    {
        return KeptDefaults::Main;
    }
    for candidate in DEFAULTS_FILES {
        if let Some(file) = files.iter().find(|f| f.rest == *candidate) {
            return KeptDefaults::File(*file);
        }
    }
    KeptDefaults::None
}

/// A parameter of a role.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleParam {
    /// The variable name.
    pub name: String,
    /// The type as written, for messages.
    pub ty: String,
    /// The type as the role's argument specification states it.
    pub kind: ParamType,
    /// The default, if the parameter is optional.
    pub default: Option<Data>,
    /// The parameter's doc comment.
    pub doc: Option<String>,
}

/// The type of a role parameter, in the terms of Ansible's role argument specification: what
/// the checker's type becomes once lowered to data.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamType {
    /// A string; also everything that lowers to one (durations, references, addresses).
    Str,
    /// An integer.
    Int,
    /// A port: an integer from 1 to 65535.
    Port,
    /// `true` or `false`.
    Bool,
    /// A reference to a field of a secret: a string that must never be logged.
    Secret,
    /// Any data (`any`, quantities, unions of unlike types).
    Any,
    /// One of a fixed set of strings (an `enum`, a literal, a union of literals).
    Choice(Vec<String>),
    /// A list whose items are all of one type.
    List(Box<ParamType>),
    /// A mapping with any keys, whose values are all of one type.
    Map(Box<ParamType>),
    /// A closed record: these fields and no others.
    Record(Vec<ParamField>),
    /// `T?`: a `T` or `null`.
    Optional(Box<ParamType>),
}

/// A field of a record parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamField {
    /// The field's name.
    pub name: String,
    /// Its type.
    pub kind: ParamType,
    /// Whether it may be left out.
    pub optional: bool,
}
