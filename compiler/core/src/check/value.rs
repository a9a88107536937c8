//! Values: what expressions evaluate to.
//!
//! Every [`Value`] keeps the span of the expression that made it, so that a diagnostic about a
//! value points where it was written, even after it went through a template's parameters. A
//! failed evaluation yields [`V::Error`]: it was reported where it failed, and every later use
//! passes it on silently (one mistake, one diagnostic).

use indexmap::IndexMap;

use super::schema::Kind;
use crate::model::{PortRange, Proto, TextPart};
use crate::project::ModuleId;
use crate::source::Span;

/// A value with the span of the expression that made it.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// What it is.
    pub kind: V,
    /// Where it was written.
    pub span: Span,
    /// How deeply lists and records nest inside it (0 for a scalar), kept so that evaluation can
    /// refuse values too deep to walk safely.
    pub depth: u32,
}

/// A field of a record value.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Where the key was written.
    pub key: Span,
    /// The value.
    pub value: Value,
}

/// The fields of a record, in order.
pub type Record = IndexMap<String, Field>;

/// The kinds of value.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    /// A value whose evaluation failed; already reported.
    Error,
    /// `null`
    Null,
    /// `true`, `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// A number with a unit, as written (`12h`, `64Mi`); a duration or a quantity depending on
    /// the type it meets.
    Unit {
        /// The digits.
        number: String,
        /// The unit.
        unit: String,
    },
    /// A list.
    List(Vec<Value>),
    /// A record (also a `map`).
    Record(Record),
    /// A user function: the module and the `fn` item's name.
    Fn(ModuleId, String),
    /// A built-in function.
    Builtin(&'static str),
    /// A kind's namespace, `tag` in `tag.feed`.
    KindNamespace(Kind),
    /// A reference to a declaration.
    Entity(Kind, String),
    /// A key of a secret.
    SecretKey {
        /// The secret's name.
        secret: String,
        /// The key.
        key: String,
    },
    /// A string that interpolates secret keys, `"TOKEN=${secret.forgejo.runner_reg}"`: a
    /// template whose holes are secret references, accepted where a secret key is and never
    /// where plain text is needed.
    SecretText(Vec<TextPart>),
    /// A destination at a port.
    Endpoint {
        /// The destination (a selector value).
        target: Box<Value>,
        /// The port.
        port: u16,
    },
    /// A port spec, `tcp(443)`.
    PortSpec {
        /// The protocol, `None` for any.
        proto: Option<Proto>,
        /// The ports.
        ports: PortRange,
    },
    /// The `autogroup` namespace.
    AutogroupNamespace,
    /// `autogroup.NAME`.
    Autogroup(String),
    /// `any`.
    Any,
    /// An imported module.
    Module(ModuleId),
    /// A user `enum` used as a value, `Tier` in `Tier.frontend`: the module and the name.
    EnumType(ModuleId, String),
    /// A variant of a user enum.
    Variant {
        /// The enum's name.
        enum_name: String,
        /// The variant.
        variant: String,
    },
    /// The tailnet IPv4 address of a host's device (`host.X.address`), known only when Pulumi
    /// runs: the host's declaration name.
    HostAddress(String),
    /// `ip("10.0.0.0/8")`: an IP address, CIDR range or address range, checked and in canonical
    /// form.
    Ip(String),
    /// `users_at("example.com")`: every user whose login is in the domain (lowercase).
    UsersAt(String),
    /// `localpart_at("example.com")`: the local part of the source user's login in the domain
    /// (lowercase).
    LocalpartAt(String),
    /// A destination at several ports or port specs, `tag.web @ [80, 443]`, `tag.x @ any`,
    /// `tag.x @ tcp(8000, 8100)` (a legacy ACL's destination).
    Destination {
        /// The destination (a selector value).
        target: Box<Value>,
        /// The ports, each a port spec value (`V::PortSpec`) where it was written.
        ports: Vec<Value>,
    },
    /// An application of a role with its checked arguments, in the role's parameter order.
    RoleUse {
        /// The role's name.
        role: String,
        /// The arguments, defaults filled in.
        args: IndexMap<String, Value>,
        /// The play keywords given with it (`tags`, `when`, `become`), checked.
        keywords: IndexMap<String, Value>,
    },
}

impl Value {
    /// A value at a span.
    pub fn new(kind: V, span: Span) -> Value {
        let inner = match &kind {
            V::List(items) => items.iter().map(|v| v.depth).max(),
            V::Record(fields) => fields.values().map(|f| f.value.depth).max(),
            V::RoleUse { args, .. } => args.values().map(|v| v.depth).max(),
            V::Endpoint { target, .. } => Some(target.depth),
            V::Destination { target, ports } => {
                ports.iter().map(|v| v.depth).chain([target.depth]).max()
            }
            _ => {
                return Value {
                    kind,
                    span,
                    depth: 0,
                }
            }
        };
        let depth = inner.unwrap_or(0).saturating_add(1);
        Value { kind, span, depth }
    }

    /// The failed value at a span.
    pub fn error(span: Span) -> Value {
        Value::new(V::Error, span)
    }

    /// Whether this value failed.
    pub fn is_error(&self) -> bool {
        matches!(self.kind, V::Error)
    }

    /// What kind of value this is, for messages: `string`, `list`, `Tag reference`.
    pub fn describe(&self) -> String {
        match &self.kind {
            V::Error => "an invalid value".to_string(),
            V::Null => "null".to_string(),
            V::Bool(_) => "bool".to_string(),
            V::Int(_) => "int".to_string(),
            V::Str(_) => "string".to_string(),
            V::Unit { number, unit } => format!("unit literal `{number}{unit}`"),
            V::List(_) => "list".to_string(),
            V::Record(_) => "record".to_string(),
            V::Fn(_, name) => format!("function `{name}`"),
            V::Builtin(name) => format!("built-in function `{name}`"),
            V::KindNamespace(kind) => format!("the `{}` namespace", kind.keyword()),
            V::Entity(kind, name) => format!("{} `{}.{name}`", kind.type_name(), kind.keyword()),
            V::SecretKey { secret, key } => format!("SecretKey `secret.{secret}.{key}`"),
            V::SecretText(parts) => format!("secret text `{}`", TextPart::describe(parts)),
            V::Endpoint { .. } => "Endpoint".to_string(),
            V::PortSpec { .. } => "PortSpec".to_string(),
            V::AutogroupNamespace => "the `autogroup` namespace".to_string(),
            V::Autogroup(name) => format!("autogroup `autogroup.{name}`"),
            V::Any => "`any`".to_string(),
            V::Module(_) => "a module".to_string(),
            V::EnumType(_, name) => format!("enum `{name}`"),
            V::Variant { enum_name, .. } => format!("`{enum_name}` variant"),
            V::HostAddress(host) => format!("the tailnet address of `host.{host}`"),
            V::Ip(text) => format!("address `ip(\"{text}\")`"),
            V::UsersAt(domain) => format!("users `users_at(\"{domain}\")`"),
            V::LocalpartAt(domain) => format!("login users `localpart_at(\"{domain}\")`"),
            V::Destination { .. } => "Destination".to_string(),
            V::RoleUse { role, .. } => format!("application of `role.{role}`"),
        }
    }
}

/// The text of a unit literal.
pub fn unit_text(number: &str, unit: &str) -> String {
    format!("{number}{unit}")
}

/// The seconds in a duration literal, if it is one (`s m h d w`, a whole number of seconds).
pub fn duration_seconds(number: &str, unit: &str) -> Option<u64> {
    let factor: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    match number.split_once('.') {
        None => number.parse::<u64>().ok()?.checked_mul(factor),
        Some((whole, fraction)) => {
            // `1.5h`: exact as long as the result is a whole number of seconds.
            let digits = format!("{whole}{fraction}");
            let scale = 10u64.checked_pow(u32::try_from(fraction.len()).ok()?)?;
            let scaled = digits.parse::<u64>().ok()?.checked_mul(factor)?;
            if scaled % scale != 0 {
                return None;
            }
            Some(scaled / scale)
        }
    }
}

/// Whether a unit is a quantity suffix (`m k M G T P Ki Mi Gi Ti Pi`, and `E`, `Ei`).
pub fn is_quantity_unit(unit: &str) -> bool {
    matches!(
        unit,
        "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei"
    )
}

#[cfg(test)]
mod tests {
    use super::{duration_seconds, is_quantity_unit};

    #[test]
    fn durations() {
        assert_eq!(duration_seconds("12", "h"), Some(43_200));
        assert_eq!(duration_seconds("90", "d"), Some(7_776_000));
        assert_eq!(duration_seconds("1.5", "m"), Some(90));
        assert_eq!(duration_seconds("1.25", "s"), None);
        assert_eq!(duration_seconds("64", "Mi"), None);
    }

    #[test]
    fn quantities() {
        assert!(is_quantity_unit("Mi"));
        assert!(is_quantity_unit("m"));
        assert!(!is_quantity_unit("h"));
    }
}
