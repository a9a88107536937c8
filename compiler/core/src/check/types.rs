//! Types: what the checker checks values against.
//!
//! A [`Type`] comes from an annotation in the source (resolved by `resolve`) or from the schema of
//! a declaration kind (`schema`). Schema record fields may carry a [`FieldDefault`]; the record types a
//! user writes have none (a field is required or `name?:` optional).

use std::fmt;
use std::rc::Rc;

use super::schema::Kind;

/// A type.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// `any`: every value that is data (not a function or a module).
    Any,
    /// `string`
    String,
    /// `int`
    Int,
    /// `bool`
    Bool,
    /// `port`: an int from 1 to 65535.
    Port,
    /// `duration`: a unit literal such as `12h`.
    Duration,
    /// `quantity`: a unit literal such as `64Mi`, or an int.
    Quantity,
    /// `list<T>`
    List(Box<Type>),
    /// `map<T>`: a record with any keys, every value a `T`.
    Map(Box<Type>),
    /// `T?`: `T` or `null`.
    Optional(Box<Type>),
    /// `{ name: T, other?: U }`: a closed record.
    Record(Rc<Vec<FieldType>>),
    /// `A | B` (in the schemas only).
    Union(Vec<Type>),
    /// A string literal type, `"accept"` (in the schemas only).
    Literal(&'static str),
    /// A user `enum`.
    Enum(Rc<EnumType>),
    /// A named type (a user `type`, or a schema type such as `Probe`): shown by its name.
    Named(Rc<str>, Rc<Type>),
    /// A reference to a declaration of a kind: `Tag`, `Host`, `App`.
    Ref(Kind),
    /// A key of a secret, `secret.db.password`.
    SecretKey,
    /// A destination at a port, `tag.feed @ 443`.
    Endpoint,
    /// A port spec of a grant, `tcp(443)`.
    PortSpec,
    /// `autogroup.NAME`.
    Autogroup,
    /// `any` as a value: every source, destination or port.
    AnyValue,
    /// An application of a role, `role.caddy(domain = "x")` or `role.caddy`.
    RoleUse,
    /// An IP address, CIDR range or address range, `ip("10.0.0.0/8")`.
    Ip,
    /// A destination at ports, `tag.web @ [80, 443]` (or at one port, an `Endpoint`).
    Destination,
    /// The tailnet IPv4 address of a host, `host.X.address`, looked up when Pulumi runs.
    HostAddress,
    /// Every user whose login is in a domain, `users_at("example.com")` (`user:*@example.com`).
    UsersAt,
    /// The local part of the source user's login in a domain, `localpart_at("example.com")`
    /// (`localpart:*@example.com`), among an SSH rule's `users`.
    LocalpartAt,
}

/// A field of a record type.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldType {
    /// The field's name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Whether it may be left out (`name?:`, or a schema field with a default).
    pub optional: bool,
    /// The value a schema fills in when the field is left out.
    pub default: Option<FieldDefault>,
}

/// A default value of a schema field.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldDefault {
    /// A bool.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A string.
    Str(&'static str),
    /// The declaration's name (a host's `device`, an app's `namespace`).
    Name,
    /// An empty list.
    EmptyList,
    /// An empty record.
    EmptyRecord,
    /// A list of one autogroup, `[autogroup.admin]`.
    Autogroups(&'static [&'static str]),
    /// `[any]`.
    AnyList,
}

/// A user `enum`.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumType {
    /// Its name.
    pub name: String,
    /// Its variants in order.
    pub variants: Vec<String>,
}

impl Type {
    /// `list<T>`.
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }

    /// `map<T>`.
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }

    /// `T?`.
    pub fn optional(t: Type) -> Type {
        Type::Optional(Box::new(t))
    }

    /// The type behind any names.
    pub fn unnamed(&self) -> &Type {
        match self {
            Type::Named(_, t) => t.unnamed(),
            t => t,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Int => f.write_str("int"),
            Type::Bool => f.write_str("bool"),
            Type::Port => f.write_str("port"),
            Type::Duration => f.write_str("duration"),
            Type::Quantity => f.write_str("quantity"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Map(t) => write!(f, "map<{t}>"),
            Type::Optional(t) => write!(f, "{t}?"),
            Type::Record(fields) => {
                f.write_str("{ ")?;
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    let mark = if field.optional { "?" } else { "" };
                    write!(f, "{}{mark}: {}", field.name, field.ty)?;
                }
                f.write_str(" }")
            }
            Type::Union(ts) => {
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{t}")?;
                }
                Ok(())
            }
            Type::Literal(s) => write!(f, "\"{s}\""),
            Type::Enum(e) => f.write_str(&e.name),
            Type::Named(name, _) => f.write_str(name),
            Type::Ref(kind) => f.write_str(kind.type_name()),
            Type::SecretKey => f.write_str("SecretKey"),
            Type::Endpoint => f.write_str("Endpoint"),
            Type::PortSpec => f.write_str("PortSpec"),
            Type::Autogroup => f.write_str("autogroup"),
            Type::AnyValue => f.write_str("any"),
            Type::RoleUse => f.write_str("RoleUse"),
            Type::Ip => f.write_str("Ip"),
            Type::Destination => f.write_str("Destination"),
            Type::HostAddress => f.write_str("HostAddress"),
            Type::UsersAt => f.write_str("UsersAt"),
            Type::LocalpartAt => f.write_str("LocalpartAt"),
        }
    }
}

/// The names of the built-in types that take no argument, with the type each stands for.
pub fn builtin(name: &str) -> Option<Type> {
    let t = match name {
        "string" => Type::String,
        "int" => Type::Int,
        "bool" => Type::Bool,
        "port" => Type::Port,
        "duration" => Type::Duration,
        "quantity" => Type::Quantity,
        "any" => Type::Any,
        "SecretKey" => Type::SecretKey,
        "Endpoint" => Type::Endpoint,
        "PortSpec" => Type::PortSpec,
        "RoleUse" => Type::RoleUse,
        "Ip" => Type::Ip,
        "Destination" => Type::Destination,
        "UsersAt" => Type::UsersAt,
        "LocalpartAt" => Type::LocalpartAt,
        "HostAddress" => Type::HostAddress,
        "Selector" => super::schema::selector(),
        "Probe" => super::schema::probe(),
        "Exposure" => super::schema::exposure(),
        "Container" => super::schema::container(),
        "File" => super::schema::file(),
        "EnvSource" => super::schema::env_source(),
        "Mount" => super::schema::mount(),
        "Volume" => super::schema::volume(),
        "Strategy" => super::schema::strategy(),
        "ServiceSettings" => super::schema::service(),
        "PodSettings" => super::schema::pod(),
        "SecurityContext" => super::schema::container_security(),
        "PodSecurityContext" => super::schema::pod_security(),
        "Module" => super::schema::module(),
        "Task" => super::schema::task(),
        "Handler" => super::schema::handler(),
        _ => Type::Ref(Kind::from_type_name(name)?),
    };
    Some(t)
}

/// Every built-in type name, for suggestions.
pub fn builtin_names() -> Vec<&'static str> {
    let mut names = vec![
        "string",
        "int",
        "bool",
        "port",
        "duration",
        "quantity",
        "any",
        "list",
        "map",
        "SecretKey",
        "Endpoint",
        "PortSpec",
        "RoleUse",
        "Ip",
        "Destination",
        "HostAddress",
        "Selector",
        "Probe",
        "Exposure",
        "Container",
        "File",
        "EnvSource",
        "Mount",
        "Volume",
        "Strategy",
        "ServiceSettings",
        "PodSettings",
        "SecurityContext",
        "PodSecurityContext",
        "Module",
        "Task",
        "Handler",
    ];
    names.extend(super::schema::KINDS.iter().map(|k| k.type_name()));
    names
}
