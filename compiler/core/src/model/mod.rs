//! The model: the target-neutral, fully resolved description of one project.
//!
//! The checker builds it from the syntax tree; the rules read it; the emitters turn it into files.
//! Nothing here refers to the syntax tree. References between entities are by name and every name
//! in the model is known to exist (the checker saw to that). Every entity keeps its [`Origin`] so
//! that rules can point at it and emitters can name it in provenance headers. Vectors keep the
//! order of the source (declaration order across files follows the sorted file paths), which is
//! the order the outputs use.

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
    /// `sshTests` of the policy.
    pub ssh_tests: Vec<SshTest>,
    /// The legacy `acls` section, in source order.
    pub acls: Vec<LegacyAcl>,
    /// Named addresses and ranges (the policy's `hosts` section).
    pub networks: Vec<Network>,
    /// `ipsets`.
    pub ip_sets: Vec<IpSet>,
    /// Tailscale Services (`svc:NAME`), each a tailnet hostname of its own.
    pub services: Vec<VipService>,
    /// `autoApprovers`.
    pub auto_approvers: Vec<AutoApprover>,
    /// `nodeAttrs`.
    pub node_attrs: Vec<NodeAttr>,
    /// `postures`.
    pub postures: Vec<Posture>,
    /// Pre-authentication keys.
    pub auth_keys: Vec<AuthKey>,
    /// The tailnet's DNS settings, if declared.
    pub dns: Option<TailnetDns>,
    /// Public DNS zones managed in their own Pulumi project.
    pub dns_zones: Vec<DnsZone>,
    /// Records of those zones.
    pub dns_records: Vec<DnsRecord>,
    /// Machines: tailnet devices that Ansible may configure.
    pub hosts: Vec<Host>,
    /// Ansible inventory groups.
    pub host_groups: Vec<HostGroup>,
    /// Hand-written Ansible roles with their typed signatures.
    pub roles: Vec<Role>,
    /// Kubernetes clusters that Argo CD deploys to.
    pub clusters: Vec<Cluster>,
    /// Git forges the repositories live on.
    pub forges: Vec<Forge>,
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
    /// A text built around secrets (`"TOKEN=${secret.forgejo.runner_reg}"`): literal pieces and
    /// references, which the targets put together where the secrets are read, never here.
    SecretText(Vec<TextPart>),
}

/// One piece of a secret text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TextPart {
    /// Literal text, written as it is (a target's template syntax in it is escaped).
    Text(String),
    /// A hole filled with the value of a secret field.
    Secret(SecretRef),
}

impl TextPart {
    /// The secret fields a secret text refers to, in order, with repeats.
    pub fn secrets(parts: &[TextPart]) -> impl Iterator<Item = &SecretRef> {
        parts.iter().filter_map(|part| match part {
            TextPart::Secret(secret_ref) => Some(secret_ref),
            TextPart::Text(_) => None,
        })
    }

    /// How a secret text reads in a message or a summary: `"TOKEN=${secret.forgejo.runner_reg}"`.
    pub fn describe(parts: &[TextPart]) -> String {
        let mut text = String::from("\"");
        for part in parts {
            match part {
                TextPart::Text(literal) => text.push_str(literal),
                TextPart::Secret(secret_ref) => text.push_str(&format!(
                    "${{secret.{}.{}}}",
                    secret_ref.secret, secret_ref.key
                )),
            }
        }
        text.push('"');
        text
    }
}

/// A reference to one field of a declared secret.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretRef {
    /// The `secret` declaration's name.
    pub secret: String,
    /// The field (key) of the item.
    pub key: String,
}

mod argocd;
pub mod forge;
mod hosts;
mod spans;
mod tailnet;
mod workloads;

pub use argocd::*;
pub use forge::Forge;
pub use hosts::*;
pub use spans::*;
pub use tailnet::*;
pub use workloads::*;
