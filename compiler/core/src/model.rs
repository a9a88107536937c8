//! The model: the target-neutral, fully resolved description of one project.
//!
//! The checker builds it from the syntax tree; the rules read it; the emitters turn it into files.
//! Nothing here refers to the syntax tree. References between entities are by name and every name
//! in the model is known to exist (the checker saw to that). Every entity keeps its [`Origin`] so
//! that rules can point at it and emitters can name it in provenance headers. Vectors keep the
//! order of the source (declaration order across files follows the sorted file paths), which is
//! the order the outputs use.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::source::Span;

/// The whole project.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Model {
    /// From the manifest.
    pub project: Project,
    /// The one tailnet, if declared.
    pub tailnet: Option<Tailnet>,
    /// People of the tailnet (needed to write groups and evaluate tests offline).
    pub users: Vec<User>,
    /// `group:` entries of the policy.
    pub groups: Vec<Group>,
    /// `tagOwners` of the policy.
    pub tags: Vec<Tag>,
    /// `grants` of the policy, in source order.
    pub grants: Vec<Grant>,
    /// `ssh` rules of the policy, in source order.
    pub ssh_rules: Vec<SshRule>,
    /// `tests` of the policy.
    pub acl_tests: Vec<AclTest>,
    /// Machines: tailnet devices that Ansible may configure.
    pub hosts: Vec<Host>,
    /// Ansible inventory groups.
    pub host_groups: Vec<HostGroup>,
    /// Hand-written Ansible roles with their typed signatures.
    pub roles: Vec<Role>,
    /// Kubernetes clusters that Argo CD deploys to.
    pub clusters: Vec<Cluster>,
    /// Git repositories (the one holding the generated files is `Project::repo`).
    pub repos: Vec<Repo>,
    /// 1Password items.
    pub secrets: Vec<Secret>,
    /// Workloads.
    pub apps: Vec<App>,
    /// Where the names and keys that entities keep as plain strings were written.
    pub spans: Spans,
}

/// Settings from `bops.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Project {
    /// The project's name (`[project] name`).
    pub name: String,
    /// The Pulumi project name (`[pulumi] project`, default `<name>-tailnet`).
    pub pulumi_project: String,
    /// The Pulumi stack name (`[pulumi] stack`, default `prod`).
    pub pulumi_stack: String,
    /// The name of the `repo` declaration the generated files are committed to, if any.
    pub repo: Option<String>,
    /// Where the generated tree sits inside that repository (`[output] repo_path`, default `""`,
    /// the repository root), `/`-separated, no trailing slash.
    pub repo_path: String,
}

/// Where an entity was declared, for diagnostics and provenance headers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The declaration's name span (the kind keyword through the name).
    pub span: Span,
    /// The source file's path relative to the project root.
    pub file: String,
    /// `kind name`, for example `app miniflux`.
    pub decl: String,
    /// The declaration's doc comment.
    pub doc: Option<String>,
}

/// A value of a variable or argument, as the targets see it: JSON-like data, where a secret stays
/// a reference.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// `null`
    Null,
    /// `true`/`false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string (durations and quantities are written as their strings, `12h`, `64Mi`).
    Str(String),
    /// A list.
    List(Vec<Data>),
    /// A map with keys in source order.
    Map(IndexMap<String, Data>),
    /// A reference to one field of a 1Password item; never its value.
    Secret(SecretRef),
}

/// A reference to one field of a declared secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretRef {
    /// The `secret` declaration's name.
    pub secret: String,
    /// The field (key) of the item.
    pub key: String,
}

// ------------------------------------------------------------------------------------------------
// Tailnet

/// The tailnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tailnet {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The MagicDNS domain, for example `tail1234.ts.net`.
    pub domain: String,
}

/// A person on the tailnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The login, for example `alice@example.com`.
    pub email: String,
    /// Whether the user is an admin of the tailnet (`autogroup:admin`).
    pub admin: bool,
}

/// A `group:` of the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Where it was declared.
    pub origin: Origin,
    /// The group's name, without `group:`.
    pub name: String,
    /// Its members' user declaration names, in order.
    pub members: Vec<String>,
}

/// A tag and its owners.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Where it was declared.
    pub origin: Origin,
    /// The tag's name, without `tag:`.
    pub name: String,
    /// Who may apply it.
    pub owners: Vec<Selector>,
}

/// Something a policy rule names: a source, a destination or an owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// What it names.
    pub principal: Principal,
    /// Where it was written.
    pub span: Span,
}

/// The things a policy can name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Principal {
    /// `*`
    Any,
    /// A user, by declaration name.
    User(String),
    /// `group:NAME`
    Group(String),
    /// `tag:NAME`
    Tag(String),
    /// `autogroup:NAME` (`member`, `admin`, `self`, `tagged`, `nonroot`, `internet`, ...).
    Autogroup(String),
    /// A host declaration, written in the policy's `hosts` section under its name.
    Host(String),
}

/// A protocol and port range of a grant's `ip` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSpec {
    /// `None` for any protocol.
    pub proto: Option<Proto>,
    /// The ports.
    pub ports: PortRange,
    /// Where it was written.
    pub span: Span,
}

/// IP protocols.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    /// `tcp`
    Tcp,
    /// `udp`
    Udp,
    /// `icmp`
    Icmp,
}

/// Ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortRange {
    /// `*`
    Any,
    /// One port.
    One(u16),
    /// An inclusive range.
    Range(u16, u16),
}

impl PortRange {
    /// Whether the range includes a port.
    pub fn contains(self, port: u16) -> bool {
        match self {
            PortRange::Any => true,
            PortRange::One(p) => p == port,
            PortRange::Range(a, b) => a <= port && port <= b,
        }
    }
}

/// A grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name (kept as a comment in the policy).
    pub name: String,
    /// Sources.
    pub src: Vec<Selector>,
    /// Destinations.
    pub dst: Vec<Selector>,
    /// Protocols and ports; empty means `*`.
    pub ip: Vec<PortSpec>,
}

/// `accept` or `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SshAction {
    /// Allow without re-authentication.
    Accept,
    /// Require a recent login.
    Check,
}

/// An SSH rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshRule {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// Accept or check.
    pub action: SshAction,
    /// Sources.
    pub src: Vec<Selector>,
    /// Destinations.
    pub dst: Vec<Selector>,
    /// Unix users: `autogroup:nonroot`, `root`, a name.
    pub users: Vec<String>,
    /// `checkPeriod` in seconds, for `check`.
    pub check_period: Option<u64>,
}

/// A destination at a port, in an ACL test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The destination.
    pub target: Principal,
    /// The port.
    pub port: u16,
    /// Where it was written.
    pub span: Span,
}

/// An ACL test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AclTest {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// Who the test is about.
    pub src: Selector,
    /// What it must reach.
    pub accept: Vec<Endpoint>,
    /// What it must not reach.
    pub deny: Vec<Endpoint>,
}

// ------------------------------------------------------------------------------------------------
// Hosts

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

// ------------------------------------------------------------------------------------------------
// Workloads

/// A Kubernetes cluster managed by Argo CD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The host the cluster runs on, if declared.
    pub host: Option<String>,
    /// Argo CD's destination server URL.
    pub server: String,
    /// Where Argo CD's Applications live.
    pub argocd_namespace: String,
    /// The ClusterSecretStore that serves 1Password items.
    pub secret_store: String,
    /// The Tailscale operator's ingress proxy group, if any.
    pub proxy_group: Option<String>,
}

/// A Git repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repo {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name.
    pub name: String,
    /// The clone URL.
    pub url: String,
    /// The branch or tag Argo CD follows.
    pub revision: String,
}

/// A 1Password item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Secret {
    /// Where it was declared.
    pub origin: Origin,
    /// The declaration's name; also the Kubernetes Secret's name with `_` as `-`.
    pub name: String,
    /// The vault (name or id).
    pub vault: String,
    /// The item (name or id).
    pub item: String,
    /// The fields that may be referenced.
    pub keys: Vec<String>,
}

impl Secret {
    /// The name of the Kubernetes Secret an ExternalSecret materialises this item into.
    pub fn k8s_name(&self) -> String {
        self.name.replace('_', "-")
    }
}

/// A workload deployed by Argo CD.
#[derive(Clone, Debug, PartialEq)]
pub struct App {
    /// Where it was declared.
    pub origin: Origin,
    /// The app's name (Application, Deployment and Service name, `app` label).
    pub name: String,
    /// The cluster it runs on.
    pub cluster: String,
    /// Its namespace.
    pub namespace: String,
    /// Replicas.
    pub replicas: u32,
    /// Containers; the first is the main one.
    pub containers: Vec<Container>,
    /// Named ports of the app, served by its Service.
    pub ports: Vec<AppPort>,
    /// The tailnet exposure, a Tailscale Ingress.
    pub expose: Option<Exposure>,
    /// Extra pod labels (the `app` label is always set).
    pub labels: IndexMap<String, String>,
}

/// A named port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppPort {
    /// The port's name (`http`).
    pub name: String,
    /// The number.
    pub port: u16,
    /// Where it was declared.
    pub span: Span,
}

/// A container image split for kustomize's `images` (`name`, `newTag`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Registry and repository, `registry.example/team/app`.
    pub name: String,
    /// The tag, if any.
    pub tag: Option<String>,
}

/// A container.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    /// Its name.
    pub name: String,
    /// Its image.
    pub image: Image,
    /// `command`.
    pub command: Vec<String>,
    /// `args`.
    pub args: Vec<String>,
    /// Environment, in order.
    pub env: Vec<EnvVar>,
    /// Names of the app ports this container serves.
    pub ports: Vec<String>,
    /// `resources.requests` (`cpu`, `memory`, ...), quantities as written.
    pub requests: IndexMap<String, String>,
    /// `resources.limits`.
    pub limits: IndexMap<String, String>,
    /// `livenessProbe`.
    pub liveness: Option<Probe>,
    /// `readinessProbe`.
    pub readiness: Option<Probe>,
    /// `startupProbe`.
    pub startup: Option<Probe>,
}

/// An environment variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    /// The variable's name.
    pub name: String,
    /// Its value.
    pub value: EnvValue,
}

/// Where an environment variable's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    /// A literal string.
    Literal(String),
    /// A key of a secret, through the Kubernetes Secret its ExternalSecret creates.
    Secret(SecretRef),
}

/// A probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// What it checks.
    pub check: ProbeCheck,
    /// `initialDelaySeconds`.
    pub initial_delay: Option<u64>,
    /// `periodSeconds`.
    pub period: Option<u64>,
    /// `timeoutSeconds`.
    pub timeout: Option<u64>,
    /// `failureThreshold`.
    pub failure_threshold: Option<u32>,
}

/// The kinds of probe check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeCheck {
    /// `httpGet` on a path and a named port of the app.
    Http {
        /// The path.
        path: String,
        /// The port's name.
        port: String,
    },
    /// `tcpSocket` on a named port of the app.
    Tcp {
        /// The port's name.
        port: String,
    },
    /// `exec` of a command.
    Exec {
        /// The command.
        command: Vec<String>,
    },
}

/// A Tailscale Ingress exposing an app on the tailnet at `https://<hostname>.<tailnet domain>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// The tailnet hostname (the device or VIP service name).
    pub hostname: String,
    /// The app port behind it, by name.
    pub port: String,
    /// Tags the Ingress proxy carries (`tailscale.com/tags`); empty means the operator's default.
    pub tags: Vec<Selector>,
    /// Whether the Ingress is also exposed on the public internet through Funnel.
    pub funnel: bool,
    /// Extra annotations on the Ingress.
    pub annotations: IndexMap<String, String>,
    /// Where the exposure was written.
    pub span: Span,
}

// ------------------------------------------------------------------------------------------------
// Spans of names

/// Where the names and keys that entities keep as plain strings were written: an app's
/// `namespace`, a sidecar's `name`, a variable's key, a role parameter. Rules that check those
/// names point here. Each span is filed under its declaration (`Origin::decl`, `app miniflux`) and
/// a path inside it:
///
/// - `namespace`, `device`, `expose.hostname`, `argocd_namespace`, `secret_store`, `server`,
///   `url`, `revision`, `vault`, `item`, `domain`, `email`: the value, when it was written;
/// - `ports.NAME`, `labels.KEY`, `expose.annotations.KEY`, `vars.KEY`, `params.NAME`: the key or
///   parameter name;
/// - `containers.I.name` (`I` the container's index in `App::containers`, so sidecars start at
///   1), `containers.I.env.NAME`, `containers.I.requests.NAME`, `containers.I.limits.NAME`,
///   `containers.I.probes.liveness` (and `readiness`, `startup`): the sidecar's `name` value and
///   the keys;
/// - `keys.KEY` (a secret's keys), `users.USER` (an SSH rule's users), `children.NAME` (a host
///   group's child reference): the list item.
///
/// The checker fills it; a model built by hand may leave it empty, and rules then point at the
/// declaration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spans {
    entries: BTreeMap<(String, String), Span>,
}

impl Spans {
    /// Files where something of a declaration was written.
    pub fn insert(&mut self, origin: &Origin, path: impl Into<String>, span: Span) {
        self.entries
            .insert((origin.decl.clone(), path.into()), span);
    }

    /// Where something of a declaration was written, if known.
    pub fn get(&self, origin: &Origin, path: &str) -> Option<Span> {
        self.entries
            .get(&(origin.decl.clone(), path.to_string()))
            .copied()
    }

    /// Where something of a declaration was written, when that is in the declaration's own file;
    /// otherwise (unknown, or written in a template's body in another file) the declaration.
    pub fn at(&self, origin: &Origin, path: &str) -> Span {
        match self.get(origin, path) {
            Some(span) if span.file == origin.span.file => span,
            _ => origin.span,
        }
    }
}
