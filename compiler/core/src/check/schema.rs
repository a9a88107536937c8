//! The declaration kinds and the schema of each: which fields a `host` or an `app` has, their types
//! and their defaults, as `docs/language.md` lists them.

use std::rc::Rc;

use super::types::{FieldDefault, FieldType, Type};
use crate::diagnostic::codes::{self, Code};

mod argocd;
mod policy;
mod workloads;

use policy::{capabilities, network_selector, owner, policy_fields, protocol, test_selector};
pub use workloads::{
    container, container_security, env_source, exposure, file, mount, pod, pod_security, probe,
    service, strategy, volume,
};

/// The kinds of declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// `tailnet`
    Tailnet,
    /// `user`
    User,
    /// `group`
    Group,
    /// `tag`
    Tag,
    /// `grant`
    Grant,
    /// `ssh`
    Ssh,
    /// `test`
    Test,
    /// `host`
    Host,
    /// `hostgroup`
    HostGroup,
    /// `role`
    Role,
    /// `cluster`
    Cluster,
    /// `repo`
    Repo,
    /// `forge`: a Git forge repositories live on.
    Forge,
    /// `secret`
    Secret,
    /// `app`
    App,
    // The resources beside the policy: auth keys, the tailnet's DNS settings, public DNS zones
    // and their records (see `resource_fields`).
    /// `authkey`
    AuthKey,
    /// `dns`
    Dns,
    /// `zone`
    Zone,
    /// `record`
    Record,
    // The rest of the tailnet policy (see `policy_fields`).
    /// `network`: a named address or range, the policy's `hosts` section.
    Network,
    /// `ipset`
    IpSet,
    /// `service`: a Tailscale Service (`svc:NAME`).
    Service,
    /// `posture`
    Posture,
    /// `acl`: a rule of the legacy `acls` section.
    Acl,
    /// `ssh_test`
    SshTest,
    /// `autoapprover`
    AutoApprover,
    /// `nodeattr`
    NodeAttr,
}

/// Every kind, in the order of the reference.
pub const KINDS: &[Kind] = &[
    Kind::Tailnet,
    Kind::User,
    Kind::Group,
    Kind::Tag,
    Kind::Grant,
    Kind::Ssh,
    Kind::Test,
    Kind::Network,
    Kind::IpSet,
    Kind::Service,
    Kind::Posture,
    Kind::Acl,
    Kind::SshTest,
    Kind::AutoApprover,
    Kind::NodeAttr,
    Kind::Host,
    Kind::HostGroup,
    Kind::Role,
    Kind::Cluster,
    Kind::Forge,
    Kind::Repo,
    Kind::Secret,
    Kind::App,
    Kind::AuthKey,
    Kind::Dns,
    Kind::Zone,
    Kind::Record,
];

impl Kind {
    /// The keyword: `tag`, `hostgroup`.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::Tailnet => "tailnet",
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Tag => "tag",
            Kind::Grant => "grant",
            Kind::Ssh => "ssh",
            Kind::Test => "test",
            Kind::Host => "host",
            Kind::HostGroup => "hostgroup",
            Kind::Role => "role",
            Kind::Cluster => "cluster",
            Kind::Repo => "repo",
            Kind::Forge => "forge",
            Kind::Secret => "secret",
            Kind::App => "app",
            Kind::AuthKey => "authkey",
            Kind::Dns => "dns",
            Kind::Zone => "zone",
            Kind::Record => "record",
            Kind::Network => "network",
            Kind::IpSet => "ipset",
            Kind::Service => "service",
            Kind::Posture => "posture",
            Kind::Acl => "acl",
            Kind::SshTest => "ssh_test",
            Kind::AutoApprover => "autoapprover",
            Kind::NodeAttr => "nodeattr",
        }
    }

    /// The reference type's name: `Tag`, `HostGroup`.
    pub fn type_name(self) -> &'static str {
        match self {
            Kind::Tailnet => "Tailnet",
            Kind::User => "User",
            Kind::Group => "Group",
            Kind::Tag => "Tag",
            Kind::Grant => "Grant",
            Kind::Ssh => "Ssh",
            Kind::Test => "Test",
            Kind::Host => "Host",
            Kind::HostGroup => "HostGroup",
            Kind::Role => "Role",
            Kind::Cluster => "Cluster",
            Kind::Repo => "Repo",
            Kind::Forge => "Forge",
            Kind::Secret => "Secret",
            Kind::App => "App",
            Kind::AuthKey => "AuthKey",
            Kind::Dns => "Dns",
            Kind::Zone => "Zone",
            Kind::Record => "DnsRecord",
            Kind::Network => "Network",
            Kind::IpSet => "IpSet",
            Kind::Service => "Service",
            Kind::Posture => "Posture",
            Kind::Acl => "Acl",
            Kind::SshTest => "SshTest",
            Kind::AutoApprover => "AutoApprover",
            Kind::NodeAttr => "NodeAttr",
        }
    }

    /// The kind with this keyword.
    pub fn from_keyword(word: &str) -> Option<Kind> {
        KINDS.iter().copied().find(|k| k.keyword() == word)
    }

    /// The kind with this reference type name.
    pub fn from_type_name(name: &str) -> Option<Kind> {
        KINDS.iter().copied().find(|k| k.type_name() == name)
    }

    /// The code of a reference to an undeclared entity of this kind.
    pub fn undeclared_code(self) -> Code {
        match self {
            Kind::Tag => codes::B3001,
            Kind::Host => codes::B3002,
            Kind::Cluster => codes::B3003,
            Kind::App => codes::B3004,
            Kind::Secret => codes::B3005,
            _ => codes::B3006,
        }
    }

    /// Whether the kind takes an `on` clause (an app's cluster), and the field it sets.
    pub fn on_field(self) -> Option<&'static str> {
        match self {
            Kind::App => Some("cluster"),
            Kind::Record => Some("zone"),
            _ => None,
        }
    }

    /// Whether the kind takes parameters (a role's signature).
    pub fn takes_params(self) -> bool {
        self == Kind::Role
    }

    /// Whether declarations of this kind belong to the tailnet policy.
    pub fn is_policy(self) -> bool {
        matches!(
            self,
            Kind::User
                | Kind::Group
                | Kind::Tag
                | Kind::Grant
                | Kind::Ssh
                | Kind::Test
                | Kind::Network
                | Kind::IpSet
                | Kind::Service
                | Kind::Posture
                | Kind::Acl
                | Kind::SshTest
                | Kind::AutoApprover
                | Kind::NodeAttr
        )
    }
}

fn field(name: &str, ty: Type) -> FieldType {
    FieldType {
        name: name.to_string(),
        ty,
        optional: false,
        default: None,
    }
}

fn optional(name: &str, ty: Type) -> FieldType {
    FieldType {
        name: name.to_string(),
        ty: Type::optional(ty),
        optional: true,
        default: None,
    }
}

fn defaulted(name: &str, ty: Type, default: FieldDefault) -> FieldType {
    FieldType {
        name: name.to_string(),
        ty,
        optional: true,
        default: Some(default),
    }
}

fn record(fields: Vec<FieldType>) -> Type {
    Type::Record(Rc::new(fields))
}

fn named(name: &str, ty: Type) -> Type {
    Type::Named(Rc::from(name), Rc::new(ty))
}

fn strings() -> Type {
    Type::list(Type::String)
}

/// `any | User | UsersAt | Group | Tag | autogroup | Host | Ip | Network | IpSet | Service`: everything a
/// policy rule can name. Each field of the policy takes a part of it (see `policy_fields`).
pub fn selector() -> Type {
    named("Selector", network_selector(true))
}

/// What a task runs: a module by its fully qualified name and its arguments. The functions of
/// `std.ansible` build one per builtin module, with typed parameters; any other module is written
/// as this record, `{ module = "community.general.homebrew", args = { name = "caddy" } }`.
pub fn module() -> Type {
    named(
        "Module",
        record(vec![
            field("module", Type::String),
            defaulted("args", Type::map(Type::Any), FieldDefault::EmptyRecord),
        ]),
    )
}

/// The fields of a host's or a group's play.
fn play_fields() -> Vec<FieldType> {
    vec![
        defaulted("roles", Type::list(Type::RoleUse), FieldDefault::EmptyList),
        defaulted("pre_tasks", Type::list(task()), FieldDefault::EmptyList),
        defaulted("tasks", Type::list(task()), FieldDefault::EmptyList),
        defaulted("post_tasks", Type::list(task()), FieldDefault::EmptyList),
        defaulted("handlers", Type::list(handler()), FieldDefault::EmptyList),
        defaulted("gather_facts", Type::Bool, FieldDefault::Bool(true)),
        defaulted("become", Type::Bool, FieldDefault::Bool(false)),
    ]
}

/// `string | bool`: a task's `changed_when` and `failed_when`.
fn condition() -> Type {
    Type::Union(vec![Type::String, Type::Bool])
}

/// A task of a play (`pre_tasks`, `tasks`, `post_tasks`), written with a module.
pub fn task() -> Type {
    named("Task", record(task_fields(false)))
}

/// A handler: a task that runs once at the end of the play when a task notifies it by name or by
/// one of its `listen` topics.
pub fn handler() -> Type {
    named("Handler", record(task_fields(true)))
}

/// The fields of a task or a handler, the task keywords of Ansible.
fn task_fields(handler: bool) -> Vec<FieldType> {
    let mut fields = vec![
        field("name", Type::String),
        field("action", module()),
        optional("register", Type::String),
        optional("when", Type::String),
        optional("changed_when", condition()),
        optional("failed_when", condition()),
        optional(
            "delegate_to",
            Type::Union(vec![Type::String, Type::Ref(Kind::Host)]),
        ),
        optional("run_once", Type::Bool),
        optional("become", Type::Bool),
        optional("become_user", Type::String),
        optional("no_log", Type::Bool),
        optional("check_mode", Type::Bool),
        optional("ignore_errors", Type::Bool),
        defaulted("tags", strings(), FieldDefault::EmptyList),
        defaulted("notify", strings(), FieldDefault::EmptyList),
        optional("loop", Type::list(Type::Any)),
        optional("loop_var", Type::String),
        optional("retries", Type::Int),
        optional("delay", Type::Int),
        optional("until", Type::String),
        defaulted(
            "environment",
            Type::map(Type::Union(vec![Type::String, Type::Int, Type::Bool])),
            FieldDefault::EmptyRecord,
        ),
        defaulted("vars", Type::map(Type::Any), FieldDefault::EmptyRecord),
    ];
    if handler {
        fields.push(defaulted("listen", strings(), FieldDefault::EmptyList));
    }
    fields
}

/// The fields of a declaration of this kind, as a record type with defaults. Built once per
/// kind and thread: the app's schema alone is hundreds of nested fields, and every declaration
/// is checked against its kind's (the types share their parts through `Rc`, so a copy is cheap).
pub fn schema(kind: Kind) -> Type {
    thread_local! {
        static SCHEMAS: std::cell::RefCell<std::collections::BTreeMap<Kind, Type>> =
            const { std::cell::RefCell::new(std::collections::BTreeMap::new()) };
    }
    SCHEMAS.with(|cache| {
        cache
            .borrow_mut()
            .entry(kind)
            .or_insert_with(|| build_schema(kind))
            .clone()
    })
}

/// Builds the schema of a kind; see [`schema`].
fn build_schema(kind: Kind) -> Type {
    let selectors = || Type::list(selector());
    let refs = |k: Kind| Type::list(Type::Ref(k));
    let fields = match kind {
        Kind::Tailnet => vec![
            field("domain", Type::String),
            defaulted(
                "replace_existing_policy",
                Type::Bool,
                FieldDefault::Bool(true),
            ),
            optional("disable_ipv4", Type::Bool),
            optional("randomize_client_port", Type::Bool),
            optional(
                "one_cgnat_route",
                Type::Union(vec![
                    Type::Literal(""),
                    Type::Literal("mac-always"),
                    Type::Literal("mac-never"),
                ]),
            ),
            defaulted(
                "default_src_posture",
                refs(Kind::Posture),
                FieldDefault::EmptyList,
            ),
        ],
        Kind::User => vec![
            field("email", Type::String),
            defaulted("admin", Type::Bool, FieldDefault::Bool(false)),
        ],
        Kind::Group => vec![defaulted(
            "members",
            refs(Kind::User),
            FieldDefault::EmptyList,
        )],
        Kind::Tag => vec![defaulted(
            "owners",
            Type::list(owner()),
            FieldDefault::Autogroups(&["admin"]),
        )],
        Kind::Grant => vec![
            field("src", Type::list(network_selector(false))),
            field("dst", selectors()),
            // Without `ip`, every port; or none, when the grant gives `app` capabilities.
            optional(
                "ip",
                Type::list(Type::Union(vec![Type::PortSpec, Type::Port])),
            ),
            defaulted("app", capabilities(), FieldDefault::EmptyRecord),
            defaulted("src_posture", refs(Kind::Posture), FieldDefault::EmptyList),
            defaulted("via", refs(Kind::Tag), FieldDefault::EmptyList),
        ],
        Kind::Ssh => vec![
            defaulted(
                "action",
                Type::Union(vec![Type::Literal("accept"), Type::Literal("check")]),
                FieldDefault::Str("check"),
            ),
            field(
                "src",
                Type::list(Type::Union(vec![
                    Type::Ref(Kind::User),
                    Type::UsersAt,
                    Type::Ref(Kind::Group),
                    Type::Ref(Kind::Tag),
                    Type::Autogroup,
                    Type::Ref(Kind::Host),
                ])),
            ),
            field(
                "dst",
                Type::list(Type::Union(vec![
                    Type::Ref(Kind::User),
                    Type::Ref(Kind::Tag),
                    Type::Autogroup,
                    Type::Ref(Kind::Host),
                ])),
            ),
            defaulted(
                "users",
                Type::list(Type::Union(vec![
                    Type::String,
                    Type::Autogroup,
                    Type::LocalpartAt,
                ])),
                FieldDefault::Autogroups(&["nonroot"]),
            ),
            // A duration, or `always` (a prelude constant for "always").
            optional(
                "check_period",
                Type::Union(vec![Type::Duration, Type::Literal("always")]),
            ),
            defaulted("accept_env", strings(), FieldDefault::EmptyList),
            defaulted("src_posture", refs(Kind::Posture), FieldDefault::EmptyList),
        ],
        Kind::Test => vec![
            field("src", test_selector()),
            optional("proto", protocol()),
            defaulted(
                "accept",
                Type::list(Type::Endpoint),
                FieldDefault::EmptyList,
            ),
            defaulted("deny", Type::list(Type::Endpoint), FieldDefault::EmptyList),
        ],
        Kind::Host => vec![
            defaulted("device", Type::String, FieldDefault::Name),
            defaulted("tags", refs(Kind::Tag), FieldDefault::EmptyList),
            defaulted("manage_tags", Type::Bool, FieldDefault::Bool(true)),
            optional("owner", Type::Ref(Kind::User)),
            optional("user", Type::String),
            optional("python", Type::String),
            optional("connection", Type::String),
            defaulted("vars", Type::map(Type::Any), FieldDefault::EmptyRecord),
            defaulted("ports", Type::map(Type::Port), FieldDefault::EmptyRecord),
            defaulted("host_vars_file", Type::Bool, FieldDefault::Bool(false)),
            // Where Ansible runs from, how it logs in, and the ports only the host may use
            // (`rules::host_access`, `check::locality`).
            defaulted("controller", Type::Bool, FieldDefault::Bool(false)),
            defaulted(
                "ssh",
                Type::Union(vec![Type::Literal("tailscale"), Type::Literal("openssh")]),
                FieldDefault::Str("tailscale"),
            ),
            defaulted("local_ports", strings(), FieldDefault::EmptyList),
        ]
        .into_iter()
        .chain(play_fields())
        .collect(),
        Kind::HostGroup => vec![
            defaulted("hosts", refs(Kind::Host), FieldDefault::EmptyList),
            defaulted("children", refs(Kind::HostGroup), FieldDefault::EmptyList),
            defaulted("vars", Type::map(Type::Any), FieldDefault::EmptyRecord),
        ]
        .into_iter()
        .chain(play_fields())
        .collect(),
        Kind::Role => vec![optional("source", Type::String)],
        Kind::Cluster => workloads::cluster_fields(),
        // A repository is a clone URL, or a path on a declared forge that derives it.
        Kind::Repo => vec![
            optional("url", Type::String),
            optional("forge", Type::Ref(Kind::Forge)),
            optional("path", Type::String),
            defaulted("revision", Type::String, FieldDefault::Str("main")),
        ],
        Kind::Forge => vec![field("web", Type::String), optional("ssh", Type::String)],
        Kind::Secret => vec![
            field("vault", Type::String),
            field("item", Type::String),
            field("keys", strings()),
        ],
        Kind::App => {
            let mut fields = workloads::app_fields();
            fields.push(defaulted(
                "argocd",
                argocd::app_settings(),
                FieldDefault::EmptyRecord,
            ));
            fields
        }
        Kind::AuthKey | Kind::Dns | Kind::Zone | Kind::Record => resource_fields(kind),
        Kind::Network
        | Kind::IpSet
        | Kind::Service
        | Kind::Posture
        | Kind::Acl
        | Kind::SshTest
        | Kind::AutoApprover
        | Kind::NodeAttr => policy_fields(kind),
    };
    record(fields)
}

/// The fields of the resources beside the policy: an `authkey`, the tailnet's `dns` settings, a
/// public DNS `zone` and a `record` of one. The checks Tailscale and the DNS provider would make
/// at apply time (addresses, expiry, record values) are made when they are lowered.
fn resource_fields(kind: Kind) -> Vec<FieldType> {
    match kind {
        Kind::AuthKey => vec![
            defaulted("reusable", Type::Bool, FieldDefault::Bool(false)),
            defaulted("ephemeral", Type::Bool, FieldDefault::Bool(false)),
            defaulted("preauthorized", Type::Bool, FieldDefault::Bool(false)),
            defaulted(
                "tags",
                Type::list(Type::Ref(Kind::Tag)),
                FieldDefault::EmptyList,
            ),
            optional("expiry", Type::Duration),
            optional("description", Type::String),
            optional("export", Type::String),
        ],
        Kind::Dns => vec![
            defaulted("nameservers", strings(), FieldDefault::EmptyList),
            defaulted("search_paths", strings(), FieldDefault::EmptyList),
            defaulted("magic_dns", Type::Bool, FieldDefault::Bool(true)),
            defaulted("override_local_dns", Type::Bool, FieldDefault::Bool(false)),
            defaulted("split", Type::map(strings()), FieldDefault::EmptyRecord),
        ],
        Kind::Zone => vec![
            field("domain", Type::String),
            defaulted(
                "provider",
                Type::Literal("gandi"),
                FieldDefault::Str("gandi"),
            ),
            optional("project", Type::String),
            optional("stack", Type::String),
        ],
        Kind::Record => vec![
            field("zone", Type::Ref(Kind::Zone)),
            defaulted("name", Type::String, FieldDefault::Name),
            field("type", Type::String),
            defaulted(
                "ttl",
                Type::Union(vec![Type::Int, Type::Duration]),
                FieldDefault::Int(10_800),
            ),
            field(
                "values",
                Type::list(Type::Union(vec![Type::String, Type::HostAddress])),
            ),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{schema, Kind, KINDS};

    #[test]
    fn keywords_round_trip() {
        for kind in KINDS {
            assert_eq!(Kind::from_keyword(kind.keyword()), Some(*kind));
            assert_eq!(Kind::from_type_name(kind.type_name()), Some(*kind));
        }
    }

    #[test]
    fn every_kind_has_a_record_schema() {
        for kind in KINDS {
            assert!(matches!(schema(*kind), super::Type::Record(_)));
        }
    }
}
