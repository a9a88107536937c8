//! The declaration kinds and the schema of each: which fields a `host` or an `app` has, their types
//! and their defaults, as `docs/language.md` lists them.

use std::rc::Rc;

use super::types::{FieldDefault, FieldType, Type};
use crate::diagnostic::codes::{self, Code};

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
    /// `secret`
    Secret,
    /// `app`
    App,
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
    Kind::Host,
    Kind::HostGroup,
    Kind::Role,
    Kind::Cluster,
    Kind::Repo,
    Kind::Secret,
    Kind::App,
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
            Kind::Secret => "secret",
            Kind::App => "app",
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
            Kind::Secret => "Secret",
            Kind::App => "App",
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
            Kind::User | Kind::Group | Kind::Tag | Kind::Grant | Kind::Ssh | Kind::Test
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

/// `any | User | Group | Tag | autogroup | Host`: what a grant or SSH rule names.
pub fn selector() -> Type {
    named(
        "Selector",
        Type::Union(vec![
            Type::AnyValue,
            Type::Ref(Kind::User),
            Type::Ref(Kind::Group),
            Type::Ref(Kind::Tag),
            Type::Autogroup,
            Type::Ref(Kind::Host),
        ]),
    )
}

/// The environment of a container.
fn env() -> Type {
    Type::map(Type::Union(vec![
        Type::String,
        Type::Int,
        Type::Bool,
        Type::SecretKey,
    ]))
}

fn resources() -> Type {
    record(vec![
        optional("requests", Type::map(Type::Quantity)),
        optional("limits", Type::map(Type::Quantity)),
    ])
}

fn probes() -> Type {
    record(vec![
        optional("liveness", probe()),
        optional("readiness", probe()),
        optional("startup", probe()),
    ])
}

/// A container probe.
pub fn probe() -> Type {
    named(
        "Probe",
        record(vec![
            optional("http_get", Type::String),
            optional("tcp_socket", Type::Port),
            optional("exec", strings()),
            optional("port", Type::Port),
            optional("initial_delay", Type::Duration),
            optional("period", Type::Duration),
            optional("timeout", Type::Duration),
            optional("failure_threshold", Type::Int),
        ]),
    )
}

/// An app's tailnet exposure.
pub fn exposure() -> Type {
    named(
        "Exposure",
        record(vec![
            defaulted("hostname", Type::String, FieldDefault::Name),
            field("port", Type::Port),
            defaulted(
                "tags",
                Type::list(Type::Ref(Kind::Tag)),
                FieldDefault::EmptyList,
            ),
            defaulted("funnel", Type::Bool, FieldDefault::Bool(false)),
            defaulted(
                "annotations",
                Type::map(Type::String),
                FieldDefault::EmptyRecord,
            ),
        ]),
    )
}

/// A sidecar container.
pub fn container() -> Type {
    named(
        "Container",
        record(vec![
            field("name", Type::String),
            field("image", Type::String),
            defaulted("command", strings(), FieldDefault::EmptyList),
            defaulted("args", strings(), FieldDefault::EmptyList),
            defaulted("env", env(), FieldDefault::EmptyRecord),
            defaulted("ports", Type::list(Type::Port), FieldDefault::EmptyList),
            defaulted("resources", resources(), FieldDefault::EmptyRecord),
            defaulted("probes", probes(), FieldDefault::EmptyRecord),
        ]),
    )
}

/// The fields of a declaration of this kind, as a record type with defaults.
pub fn schema(kind: Kind) -> Type {
    let selectors = || Type::list(selector());
    let refs = |k: Kind| Type::list(Type::Ref(k));
    let fields = match kind {
        Kind::Tailnet => vec![field("domain", Type::String)],
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
            Type::list(Type::Union(vec![
                Type::Ref(Kind::User),
                Type::Ref(Kind::Group),
                Type::Ref(Kind::Tag),
                Type::Autogroup,
            ])),
            FieldDefault::Autogroups(&["admin"]),
        )],
        Kind::Grant => vec![
            field("src", selectors()),
            field("dst", selectors()),
            defaulted(
                "ip",
                Type::list(Type::Union(vec![Type::PortSpec, Type::Port])),
                FieldDefault::AnyList,
            ),
        ],
        Kind::Ssh => vec![
            defaulted(
                "action",
                Type::Union(vec![Type::Literal("accept"), Type::Literal("check")]),
                FieldDefault::Str("check"),
            ),
            field("src", selectors()),
            field("dst", selectors()),
            defaulted(
                "users",
                Type::list(Type::Union(vec![Type::String, Type::Autogroup])),
                FieldDefault::Autogroups(&["nonroot"]),
            ),
            optional("check_period", Type::Duration),
        ],
        Kind::Test => vec![
            field(
                "src",
                Type::Union(vec![
                    Type::Ref(Kind::User),
                    Type::Ref(Kind::Group),
                    Type::Ref(Kind::Tag),
                    Type::Ref(Kind::Host),
                ]),
            ),
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
            optional("user", Type::String),
            optional("python", Type::String),
            optional("connection", Type::String),
            defaulted("vars", Type::map(Type::Any), FieldDefault::EmptyRecord),
            defaulted("roles", Type::list(Type::RoleUse), FieldDefault::EmptyList),
            defaulted("gather_facts", Type::Bool, FieldDefault::Bool(true)),
            defaulted("become", Type::Bool, FieldDefault::Bool(false)),
        ],
        Kind::HostGroup => vec![
            defaulted("hosts", refs(Kind::Host), FieldDefault::EmptyList),
            defaulted("children", refs(Kind::HostGroup), FieldDefault::EmptyList),
            defaulted("vars", Type::map(Type::Any), FieldDefault::EmptyRecord),
        ],
        Kind::Role => vec![optional("source", Type::String)],
        Kind::Cluster => vec![
            optional("host", Type::Ref(Kind::Host)),
            defaulted(
                "server",
                Type::String,
                FieldDefault::Str("https://kubernetes.default.svc"),
            ),
            defaulted(
                "argocd_namespace",
                Type::String,
                FieldDefault::Str("argocd"),
            ),
            defaulted(
                "secret_store",
                Type::String,
                FieldDefault::Str("onepassword"),
            ),
            optional("proxy_group", Type::String),
        ],
        Kind::Repo => vec![
            field("url", Type::String),
            defaulted("revision", Type::String, FieldDefault::Str("main")),
        ],
        Kind::Secret => vec![
            field("vault", Type::String),
            field("item", Type::String),
            field("keys", strings()),
        ],
        Kind::App => vec![
            field("cluster", Type::Ref(Kind::Cluster)),
            defaulted("namespace", Type::String, FieldDefault::Name),
            defaulted("replicas", Type::Int, FieldDefault::Int(1)),
            field("image", Type::String),
            defaulted("command", strings(), FieldDefault::EmptyList),
            defaulted("args", strings(), FieldDefault::EmptyList),
            defaulted("ports", Type::map(Type::Port), FieldDefault::EmptyRecord),
            defaulted("env", env(), FieldDefault::EmptyRecord),
            defaulted("resources", resources(), FieldDefault::EmptyRecord),
            defaulted("probes", probes(), FieldDefault::EmptyRecord),
            defaulted("sidecars", Type::list(container()), FieldDefault::EmptyList),
            optional("expose", exposure()),
            defaulted("labels", Type::map(Type::String), FieldDefault::EmptyRecord),
        ],
    };
    record(fields)
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
