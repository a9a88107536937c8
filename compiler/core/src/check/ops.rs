//! Operators, field access, indexing, equality and interpolation text.

use super::schema::Kind;
use super::suggest;
use super::types::Type;
use super::value::{unit_text, Record, Value, V};
use super::{Checker, Item};
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{SecretRef, TextPart};
use crate::source::Span;
use crate::syntax::ast::{self, BinOp, Expr, UnOp};

/// The autogroups of the Tailscale policy.
pub const AUTOGROUPS: &[&str] = &[
    "admin",
    "member",
    "self",
    "tagged",
    "nonroot",
    "internet",
    "owner",
    "danger-all",
    "shared",
    "auditor",
    "billing-admin",
    "it-admin",
    "network-admin",
];

impl<'a> Checker<'a> {
    /// Evaluates a binary operation.
    pub fn binary(&mut self, op: BinOp, lhs: &'a Expr, rhs: &'a Expr, span: Span) -> Value {
        if matches!(op, BinOp::Or | BinOp::And) {
            let Some(left) = self.condition(lhs) else {
                return Value::error(span);
            };
            if (op == BinOp::Or) == left {
                return Value::new(V::Bool(left), span);
            }
            return match self.condition(rhs) {
                Some(right) => Value::new(V::Bool(right), span),
                None => Value::error(span),
            };
        }
        let left = self.eval(lhs);
        let right = self.eval(rhs);
        if left.is_error() || right.is_error() {
            return Value::error(span);
        }
        let result = match op {
            BinOp::Eq => Ok(V::Bool(equal(&left, &right))),
            BinOp::Ne => Ok(V::Bool(!equal(&left, &right))),
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => compare(op, &left, &right, span),
            BinOp::At => endpoint(left.clone(), &right),
            BinOp::Add => add(left.clone(), right.clone(), span),
            BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                arithmetic(op, &left, &right, span)
            }
            BinOp::Or | BinOp::And => Ok(V::Null),
        };
        match result {
            Ok(kind) => Value::new(kind, span),
            Err(d) => {
                self.report(*d);
                Value::error(span)
            }
        }
    }

    /// Evaluates a unary operation.
    pub fn unary(&mut self, op: UnOp, value: Value, span: Span) -> Value {
        let result = match (op, &value.kind) {
            (_, V::Error) => return Value::error(span),
            (UnOp::Not, V::Bool(b)) => Ok(V::Bool(!b)),
            (UnOp::Neg, V::Int(n)) => n.checked_neg().map(V::Int).ok_or_else(|| overflow(span)),
            (UnOp::Not, _) => Err(operand(&value, "`!`", "`bool`")),
            (UnOp::Neg, _) => Err(operand(&value, "`-`", "`int`")),
        };
        match result {
            Ok(kind) => Value::new(kind, span),
            Err(d) => {
                self.report(*d);
                Value::error(span)
            }
        }
    }

    /// `object.name`.
    pub fn field(&mut self, object: Value, name: &ast::Ident, span: Span) -> Value {
        match object.kind {
            V::Error => Value::error(span),
            V::KindNamespace(kind) => self.entity_ref(kind, name, span),
            V::AutogroupNamespace => self.autogroup(name, span),
            V::Module(module) => self.module_member(module, name),
            V::EnumType(module, enum_name) => self.variant(module, &enum_name, name, span),
            V::Entity(Kind::Secret, secret) => {
                self.secret_key(&secret, &name.name, name.span, span)
            }
            V::Entity(kind, entity) => {
                self.entity_field(kind, &entity, &name.name, name.span, span)
            }
            V::Record(record) => {
                if let Some(field) = record.get(&name.name) {
                    return field.value.clone();
                }
                self.no_field(&record, &name.name, name.span, "this record");
                Value::error(span)
            }
            _ => {
                self.report(
                    Diagnostic::error(
                        codes::B2008,
                        format!("{} has no field `{}`", object.describe(), name.name),
                        name.span,
                    )
                    .with_label("no such field")
                    .with_secondary(object.span, format!("this is {}", object.describe())),
                );
                Value::error(span)
            }
        }
    }

    /// `B2008` for a record without the field, suggesting the closest one.
    pub fn no_field(&mut self, record: &Record, name: &str, at: Span, what: &str) {
        let mut d = Diagnostic::error(codes::B2008, format!("no field `{name}` on {what}"), at)
            .with_label("no such field");
        match suggest::closest(name, record.keys().map(String::as_str)) {
            Some(near) => d = d.with_help(format!("did you mean `{near}`?")),
            None if !record.is_empty() => {
                let fields: Vec<String> = record.keys().map(|k| format!("`{k}`")).collect();
                d = d.with_note(format!("the fields are {}", fields.join(", ")));
            }
            None => {}
        }
        self.report(d);
    }

    /// `object[index]`.
    pub fn index(&mut self, object: Value, index: Value, span: Span) -> Value {
        if object.is_error() || index.is_error() {
            return Value::error(span);
        }
        match (&object.kind, &index.kind) {
            (V::List(items), V::Int(i)) => {
                let item = usize::try_from(*i).ok().and_then(|i| items.get(i));
                if let Some(item) = item {
                    return item.clone();
                }
                self.report(
                    Diagnostic::error(
                        codes::B2005,
                        format!("index {i} is out of range"),
                        index.span,
                    )
                    .with_label(format!("the list has {} items", items.len())),
                );
                Value::error(span)
            }
            (V::Record(record), V::Str(key)) => {
                if let Some(field) = record.get(key) {
                    return field.value.clone();
                }
                self.no_field(record, key, index.span, "this record");
                Value::error(span)
            }
            (V::Entity(Kind::Secret, secret), V::Str(key)) => {
                let secret = secret.clone();
                self.secret_key(&secret, key, index.span, span)
            }
            (V::Entity(kind, entity), V::Str(key)) => {
                let (kind, entity) = (*kind, entity.clone());
                self.entity_field(kind, &entity, key, index.span, span)
            }
            _ => {
                let expected = match object.kind {
                    V::List(_) => "an `int` index",
                    _ => "a `string` key",
                };
                let (at, found) = match object.kind {
                    V::List(_) | V::Record(_) | V::Entity(..) => (index.span, index.describe()),
                    _ => (object.span, object.describe()),
                };
                self.report(
                    Diagnostic::error(
                        codes::B2001,
                        format!("type mismatch: cannot index {} with {}", object.describe(), index.describe()),
                        at,
                    )
                    .with_label(format!("found {found}"))
                    .with_help(format!("lists take an `int` index, maps and records a `string` key; expected {expected}")),
                );
                Value::error(span)
            }
        }
    }

    fn autogroup(&mut self, name: &ast::Ident, span: Span) -> Value {
        if AUTOGROUPS.contains(&name.name.as_str()) {
            return Value::new(V::Autogroup(name.name.clone()), span);
        }
        let mut d = Diagnostic::error(
            codes::B2006,
            format!("unknown autogroup `{}`", name.name),
            name.span,
        )
        .with_label("not an autogroup of the Tailscale policy");
        d = match suggest::closest(&name.name, AUTOGROUPS.iter().copied()) {
            Some(near) => d.with_help(format!("did you mean `autogroup.{near}`?")),
            None => d.with_help(format!(
                "the autogroups are {}",
                AUTOGROUPS
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        self.report(d);
        Value::error(span)
    }

    fn variant(&mut self, module: usize, enum_name: &str, name: &ast::Ident, span: Span) -> Value {
        let index = match self.scopes.get(module).and_then(|s| s.items.get(enum_name)) {
            Some((Item::Type(i), _)) => *i,
            _ => return Value::error(span),
        };
        let ty = self.type_value(index, span);
        let Type::Enum(def) = ty else {
            return Value::error(span);
        };
        if def.variants.contains(&name.name) {
            return Value::new(
                V::Variant {
                    enum_name: def.name.clone(),
                    variant: name.name.clone(),
                },
                span,
            );
        }
        let mut d = Diagnostic::error(
            codes::B2008,
            format!("`{}` has no variant `{}`", def.name, name.name),
            name.span,
        )
        .with_label("no such variant");
        if let Some(near) = suggest::closest(&name.name, def.variants.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{}.{near}`?", def.name));
        }
        self.report(d);
        Value::error(span)
    }
}

/// Whether two values are equal. Values of different kinds are unequal, except an enum variant
/// and the string of its name.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (V::List(x), V::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q)),
        (V::Record(x), V::Record(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, f)| y.get(k).is_some_and(|g| equal(&f.value, &g.value)))
        }
        (V::Variant { variant, .. }, V::Str(s)) | (V::Str(s), V::Variant { variant, .. }) => {
            variant == s
        }
        (V::Endpoint { target: t, port: p }, V::Endpoint { target: u, port: q }) => {
            p == q && equal(t, u)
        }
        (V::Unit { number, unit }, V::Unit { number: n, unit: u }) => number == n && unit == u,
        (V::Fn(..) | V::Builtin(_) | V::Module(_), _) => false,
        (x, y) => x == y,
    }
}

/// An interpolated string as its pieces are evaluated. It stays plain text until a secret key (or
/// a secret text) is interpolated; from then on it is a secret text, a template whose holes are
/// the secret references, so that no secret value ever becomes a plain string.
#[derive(Debug, Default)]
pub struct Interpolation {
    /// The pieces so far, adjacent literal pieces merged.
    parts: Vec<TextPart>,
}

impl Interpolation {
    /// Adds literal text.
    pub fn literal(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(TextPart::Text(last)) = self.parts.last_mut() {
            last.push_str(text);
            return;
        }
        self.parts.push(TextPart::Text(text.to_string()));
    }

    /// Adds an interpolated value: a secret key becomes a hole, the pieces of a secret text are
    /// taken over, anything else adds its text (or fails as [`text`] does).
    pub fn value(&mut self, value: &Value) -> Result<(), Box<Diagnostic>> {
        match &value.kind {
            V::SecretKey { secret, key } => {
                self.parts.push(TextPart::Secret(SecretRef {
                    secret: secret.clone(),
                    key: key.clone(),
                }));
            }
            V::SecretText(parts) => {
                for part in parts {
                    match part {
                        TextPart::Text(literal) => self.literal(literal),
                        TextPart::Secret(_) => self.parts.push(part.clone()),
                    }
                }
            }
            _ => self.literal(&text(value)?),
        }
        Ok(())
    }

    /// The value of the whole string: a plain string when no secret was interpolated, the secret
    /// key itself when the string is nothing but one (`"${secret.x.y}"`), a secret text otherwise.
    pub fn finish(self, span: Span) -> Value {
        let holes = TextPart::secrets(&self.parts).count();
        if holes == 0 {
            let mut text = String::new();
            for part in &self.parts {
                if let TextPart::Text(literal) = part {
                    text.push_str(literal);
                }
            }
            return Value::new(V::Str(text), span);
        }
        if let [TextPart::Secret(secret_ref)] = self.parts.as_slice() {
            let kind = V::SecretKey {
                secret: secret_ref.secret.clone(),
                key: secret_ref.key.clone(),
            };
            return Value::new(kind, span);
        }
        Value::new(V::SecretText(self.parts), span)
    }
}

/// Where a secret or a secret text is accepted, for the help of a `B2007`.
pub const SECRET_TEXT_PLACES: &str = "a secret key, or a string that interpolates one (a secret \
    text), is accepted only where a `SecretKey` is: an app's `env`, role and module arguments, \
    host, group and task `vars`";

/// The text of a value inside a string: strings, numbers, bools, units, enum variants, and
/// references (`tag:x` for a tag, the name for a host or an app). A secret key or a secret text
/// is `B2007`: this is for places that need plain text (`str`, `join`).
pub fn text(value: &Value) -> Result<String, Box<Diagnostic>> {
    let text = match &value.kind {
        V::Str(s) => s.clone(),
        V::Int(n) => n.to_string(),
        V::Bool(b) => b.to_string(),
        V::Unit { number, unit } => unit_text(number, unit),
        V::Variant { variant, .. } => variant.clone(),
        V::Entity(Kind::Tag, name) => format!("tag:{name}"),
        V::Entity(Kind::Group, name) => format!("group:{name}"),
        V::Entity(Kind::IpSet, name) => format!("ipset:{name}"),
        V::Entity(Kind::Posture, name) => format!("posture:{name}"),
        V::Entity(Kind::Service, name) => format!("svc:{name}"),
        V::Ip(address) => address.clone(),
        V::UsersAt(domain) => format!("user:*@{domain}"),
        V::LocalpartAt(domain) => format!("localpart:*@{domain}"),
        V::Entity(_, name) => name.clone(),
        V::Autogroup(name) => format!("autogroup:{name}"),
        V::SecretKey { .. } | V::SecretText(_) => {
            return Err(Box::new(
                Diagnostic::error(
                    codes::B2007,
                    "secret used where plain text is needed",
                    value.span,
                )
                .with_label(format!("{} would be written out as text", value.describe()))
                .with_help(SECRET_TEXT_PLACES),
            ));
        }
        _ => {
            return Err(Box::new(
                Diagnostic::error(
                    codes::B2001,
                    format!("type mismatch: cannot turn {} into text", value.describe()),
                    value.span,
                )
                .with_label(
                    "only strings, numbers, bools, units and references can be interpolated",
                ),
            ));
        }
    };
    Ok(text)
}

fn operand(value: &Value, op: &str, expected: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::B2001,
            format!(
                "type mismatch: {op} expects {expected}, found {}",
                value.describe()
            ),
            value.span,
        )
        .with_label(format!("expected {expected}")),
    )
}

fn overflow(span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(codes::B2005, "integer overflow", span)
            .with_label("the result does not fit in a 64-bit integer"),
    )
}

fn mixed(op: &str, a: &Value, b: &Value, span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            codes::B2001,
            format!(
                "type mismatch: `{op}` cannot combine {} and {}",
                a.describe(),
                b.describe()
            ),
            span,
        )
        .with_label(format!("{} {op} {}", a.describe(), b.describe())),
    )
}

fn compare(op: BinOp, a: &Value, b: &Value, span: Span) -> Result<V, Box<Diagnostic>> {
    let ordering = match (&a.kind, &b.kind) {
        (V::Int(x), V::Int(y)) => x.cmp(y),
        (V::Str(x), V::Str(y)) => x.cmp(y),
        _ => {
            let symbol = match op {
                BinOp::Lt => "<",
                BinOp::Le => "<=",
                BinOp::Gt => ">",
                _ => ">=",
            };
            return Err(mixed(symbol, a, b, span));
        }
    };
    let result = match op {
        BinOp::Lt => ordering.is_lt(),
        BinOp::Le => ordering.is_le(),
        BinOp::Gt => ordering.is_gt(),
        _ => ordering.is_ge(),
    };
    Ok(V::Bool(result))
}

fn add(a: Value, b: Value, span: Span) -> Result<V, Box<Diagnostic>> {
    match (a.kind, b.kind) {
        (V::Int(x), V::Int(y)) => x.checked_add(y).map(V::Int).ok_or_else(|| overflow(span)),
        (V::Str(x), V::Str(y)) => Ok(V::Str(x + &y)),
        (V::List(mut x), V::List(y)) => {
            x.extend(y);
            Ok(V::List(x))
        }
        (V::Record(mut x), V::Record(y)) => {
            for (k, f) in y {
                x.insert(k, f);
            }
            Ok(V::Record(x))
        }
        (x, y) => Err(mixed(
            "+",
            &Value::new(x, a.span),
            &Value::new(y, b.span),
            span,
        )),
    }
}

fn arithmetic(op: BinOp, a: &Value, b: &Value, span: Span) -> Result<V, Box<Diagnostic>> {
    let symbol = match op {
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        _ => "%",
    };
    let (V::Int(x), V::Int(y)) = (&a.kind, &b.kind) else {
        return Err(mixed(symbol, a, b, span));
    };
    if matches!(op, BinOp::Div | BinOp::Rem) && *y == 0 {
        return Err(Box::new(
            Diagnostic::error(codes::B2006, "division by zero", b.span).with_label("this is zero"),
        ));
    }
    let result = match op {
        BinOp::Sub => x.checked_sub(*y),
        BinOp::Mul => x.checked_mul(*y),
        BinOp::Div => x.checked_div(*y),
        _ => x.checked_rem(*y),
    };
    result.map(V::Int).ok_or_else(|| overflow(span))
}

/// `target @ port`: an ACL test's destination; `target @ icmp()` the same for ICMP (port 0, as
/// Tailscale's tests write it); `target @ any`, `target @ tcp(8000, 8100)` or a list of ports and
/// port specs, a legacy ACL's destination.
fn endpoint(target: Value, port: &Value) -> Result<V, Box<Diagnostic>> {
    let valid_target = matches!(
        target.kind,
        V::Any
            | V::Autogroup(_)
            | V::Ip(_)
            | V::Entity(
                Kind::User
                    | Kind::Group
                    | Kind::Tag
                    | Kind::Host
                    | Kind::Network
                    | Kind::IpSet
                    | Kind::Service,
                _
            )
    );
    if !valid_target {
        return Err(Box::new(
            Diagnostic::error(
                codes::B2001,
                format!(
                    "type mismatch: expected a destination before `@`, found {}",
                    target.describe()
                ),
                target.span,
            )
            .with_label(
                "expected a tag, host, user, group, autogroup, address, network, IP set or service",
            ),
        ));
    }
    match &port.kind {
        V::Int(_) => {}
        V::PortSpec {
            proto: Some(crate::model::Proto::Icmp),
            ..
        } => {
            return Ok(V::Endpoint {
                target: Box::new(target),
                port: 0,
            })
        }
        V::Any | V::PortSpec { .. } | V::List(_) => {
            return Ok(V::Destination {
                target: Box::new(target),
                ports: destination_ports(port)?,
            })
        }
        _ => {
            return Err(Box::new(
                Diagnostic::error(
                    codes::B2001,
                    format!(
                        "type mismatch: expected `port` after `@`, found {}",
                        port.describe()
                    ),
                    port.span,
                )
                .with_label("expected a port number")
                .with_help("after `@` comes a port (`443`), `icmp()`, or for an ACL `any`, a port spec (`tcp(8000, 8100)`) or a list of them"),
            ))
        }
    }
    Ok(V::Endpoint {
        target: Box::new(target),
        port: port_number(port)?,
    })
}

/// A port after `@`.
fn port_number(port: &Value) -> Result<u16, Box<Diagnostic>> {
    let V::Int(n) = port.kind else {
        return Err(Box::new(
            Diagnostic::error(
                codes::B2001,
                format!(
                    "type mismatch: expected `port` after `@`, found {}",
                    port.describe()
                ),
                port.span,
            )
            .with_label("expected a port number"),
        ));
    };
    u16::try_from(n).ok().filter(|p| *p >= 1).ok_or_else(|| {
        Box::new(
            Diagnostic::error(codes::B2005, format!("port {n} is out of range"), port.span)
                .with_label("a port is from 1 to 65535"),
        )
    })
}

/// The ports of a legacy ACL's destination, each a port spec value: `any`, a port spec, a port,
/// or a list of those.
fn destination_ports(value: &Value) -> Result<Vec<Value>, Box<Diagnostic>> {
    let spec = |item: &Value| -> Result<Value, Box<Diagnostic>> {
        let kind = match &item.kind {
            V::PortSpec { .. } => item.kind.clone(),
            V::Any => V::PortSpec {
                proto: None,
                ports: crate::model::PortRange::Any,
            },
            V::Int(_) => V::PortSpec {
                proto: None,
                ports: crate::model::PortRange::One(port_number(item)?),
            },
            _ => {
                return Err(Box::new(
                    Diagnostic::error(
                        codes::B2001,
                        format!(
                            "type mismatch: expected a port or a port spec, found {}",
                            item.describe()
                        ),
                        item.span,
                    )
                    .with_label("expected `443`, `any` or `tcp(8000, 8100)`"),
                ))
            }
        };
        Ok(Value::new(kind, item.span))
    };
    match &value.kind {
        V::List(items) if items.is_empty() => Err(Box::new(
            Diagnostic::error(codes::B2006, "no ports after `@`", value.span)
                .with_label("an empty list of ports")
                .with_help("list the ports (`[80, 443]`), or write `any`"),
        )),
        V::List(items) => items.iter().map(spec).collect(),
        _ => Ok(vec![spec(value)?]),
    }
}
