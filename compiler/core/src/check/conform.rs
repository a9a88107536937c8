//! Checking a value against a type.
//!
//! [`Checker::conform_at`] checks a value where it meets a type (a parameter, an annotated `let`,
//! a declaration field) and returns it ready for use: schema defaults filled in, enum strings
//! turned into variants, `null` optional fields dropped. Every problem is reported once, at the
//! value: `B2001` a value of the wrong type (with the annotation as a secondary label), `B2002` an
//! unknown field, `B2003` a missing required field, `B2005` a number out of range, `B2006` a value
//! of the right type that is not valid (an unknown enum variant, a unit that is not a duration).
//! A part that fails becomes an error value, so nothing is reported twice.

use super::suggest;
use super::types::{EnumType, FieldDefault, FieldType, Type};
use super::value::{duration_seconds, is_quantity_unit, Field, Record, Value, V};
use super::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::PortRange;
use crate::source::Span;

/// Where a value is checked: for the secondary label and for schema defaults.
#[derive(Clone, Copy, Debug)]
pub struct Cx<'s> {
    /// The annotation the type came from, if it was written in the source.
    pub annotation: Option<Span>,
    /// The declaration being checked: its name (the default of `Name` fields) and the span of
    /// `kind name` (where a missing field is reported).
    pub decl: Option<(&'s str, Span)>,
    /// Whether the value is the declaration's body itself (a missing field is then reported at
    /// the declaration's name) rather than a record inside it.
    pub top: bool,
}

impl<'a> Checker<'a> {
    /// Checks a value against a type written at `annotation` (if any).
    pub fn conform_at(&mut self, value: Value, ty: &Type, annotation: Option<Span>) -> Value {
        let cx = Cx {
            annotation,
            decl: None,
            top: false,
        };
        let mut out = Vec::new();
        let value = self.conform(value, ty, cx, None, &mut out);
        self.diagnostics.append(&mut out);
        value
    }

    /// Checks a declaration's fields against its kind's schema.
    pub fn conform_decl(
        &mut self,
        value: Value,
        ty: &Type,
        name: &str,
        span: Span,
        what: &str,
    ) -> Value {
        let cx = Cx {
            annotation: None,
            decl: Some((name, span)),
            top: true,
        };
        let mut out = Vec::new();
        let value = self.conform(value, ty, cx, Some(what), &mut out);
        self.diagnostics.append(&mut out);
        value
    }

    /// Checks `value` against `ty`; `what` names the record type for messages about its fields.
    pub fn conform(
        &mut self,
        value: Value,
        ty: &Type,
        cx: Cx<'_>,
        what: Option<&str>,
        out: &mut Vec<Diagnostic>,
    ) -> Value {
        if value.is_error() {
            return value;
        }
        let span = value.span;
        match ty {
            Type::Any => value,
            Type::Named(name, inner) => {
                if !shape_matches(&value, inner) {
                    out.push(mismatch(&value, ty, cx));
                    return Value::error(span);
                }
                let what = format!("`{name}`");
                self.conform(value, inner, cx, Some(&what), out)
            }
            Type::Optional(inner) => match value.kind {
                V::Null => value,
                _ => self.conform(value, inner, cx, what, out),
            },
            Type::Union(members) => self.conform_union(value, ty, members, cx, out),
            Type::List(inner) => match value.kind {
                V::List(items) => {
                    let items = items
                        .into_iter()
                        .map(|item| self.conform(item, inner, Cx { top: false, ..cx }, None, out))
                        .collect();
                    Value::new(V::List(items), span)
                }
                _ => fail(out, mismatch(&value, ty, cx), span),
            },
            Type::Map(inner) => match value.kind {
                V::Record(fields) => {
                    let fields = fields
                        .into_iter()
                        .map(|(k, f)| {
                            let v =
                                self.conform(f.value, inner, Cx { top: false, ..cx }, None, out);
                            (
                                k,
                                Field {
                                    key: f.key,
                                    value: v,
                                },
                            )
                        })
                        .collect();
                    Value::new(V::Record(fields), span)
                }
                _ => fail(out, mismatch(&value, ty, cx), span),
            },
            Type::Record(fields) => match value.kind {
                V::Record(record) => {
                    let record = self.conform_record(record, fields, span, cx, what, out);
                    Value::new(V::Record(record), span)
                }
                _ => fail(out, mismatch(&value, ty, cx), span),
            },
            Type::Enum(def) => conform_enum(value, ty, def, cx, out),
            Type::Literal(expected) => match &value.kind {
                V::Str(s) if s == expected => value,
                V::Str(s) => {
                    let d =
                        Diagnostic::error(codes::B2006, format!("invalid value `\"{s}\"`"), span)
                            .with_label(format!("expected {ty}"));
                    fail(out, d, span)
                }
                _ => fail(out, mismatch(&value, ty, cx), span),
            },
            Type::RoleUse => match &value.kind {
                V::RoleUse { .. } => value,
                V::Entity(super::schema::Kind::Role, name) => {
                    let name = name.clone();
                    self.apply_role(&name, Vec::new(), span)
                }
                _ => fail(out, mismatch(&value, ty, cx), span),
            },
            _ => self.conform_scalar(value, ty, cx, out),
        }
    }

    fn conform_scalar(
        &mut self,
        value: Value,
        ty: &Type,
        cx: Cx<'_>,
        out: &mut Vec<Diagnostic>,
    ) -> Value {
        let span = value.span;
        let ok = match (ty, &value.kind) {
            (Type::String, V::Str(_))
            | (Type::Int, V::Int(_))
            | (Type::Bool, V::Bool(_))
            | (Type::SecretKey, V::SecretKey { .. } | V::SecretText(_))
            | (Type::Endpoint, V::Endpoint { .. })
            | (Type::PortSpec, V::PortSpec { .. })
            | (Type::Autogroup, V::Autogroup(_))
            | (Type::AnyValue, V::Any)
            | (Type::HostAddress, V::HostAddress(_))
            | (Type::Ip, V::Ip(_))
            | (Type::UsersAt, V::UsersAt(_))
            | (Type::LocalpartAt, V::LocalpartAt(_))
            | (Type::Destination, V::Destination { .. } | V::Endpoint { .. })
            | (Type::Quantity, V::Int(_)) => true,
            (Type::Ref(kind), V::Entity(k, _)) => kind == k,
            (Type::PortSpec, V::Any) => {
                return Value::new(
                    V::PortSpec {
                        proto: None,
                        ports: PortRange::Any,
                    },
                    span,
                );
            }
            (Type::Port, V::Int(n)) => {
                if (1..=65535).contains(n) {
                    return value;
                }
                let d = Diagnostic::error(codes::B2005, format!("port {n} is out of range"), span)
                    .with_label("a port is from 1 to 65535");
                return fail(out, d, span);
            }
            (Type::Duration, V::Unit { number, unit }) => {
                if duration_seconds(number, unit).is_some() {
                    return value;
                }
                let d = Diagnostic::error(
                    codes::B2006,
                    format!("`{number}{unit}` is not a duration"),
                    span,
                )
                .with_label("expected a duration")
                .with_help("a duration is a whole number of seconds with a unit: `30s`, `5m`, `12h`, `90d`, `2w`");
                return fail(out, d, span);
            }
            (Type::Quantity, V::Unit { number, unit }) => {
                if is_quantity_unit(unit) {
                    return value;
                }
                let d = Diagnostic::error(
                    codes::B2006,
                    format!("`{number}{unit}` is not a quantity"),
                    span,
                )
                .with_label("expected a quantity")
                .with_help(
                    "a quantity has a suffix `m k M G T P` or `Ki Mi Gi Ti Pi`: `250m`, `64Mi`",
                );
                return fail(out, d, span);
            }
            _ => false,
        };
        if ok {
            return value;
        }
        fail(out, mismatch(&value, ty, cx), span)
    }

    fn conform_union(
        &mut self,
        value: Value,
        ty: &Type,
        members: &[Type],
        cx: Cx<'_>,
        out: &mut Vec<Diagnostic>,
    ) -> Value {
        let mut shaped: Vec<(Value, Vec<Diagnostic>)> = Vec::new();
        for member in members {
            if !shape_matches(&value, member) {
                continue;
            }
            let mut trial = Vec::new();
            let result = self.conform(value.clone(), member, cx, None, &mut trial);
            if trial.is_empty() {
                return result;
            }
            shaped.push((result, trial));
        }
        if shaped.len() == 1 {
            if let Some((result, mut diagnostics)) = shaped.pop() {
                out.append(&mut diagnostics);
                return result;
            }
        }
        let span = value.span;
        let literals: Vec<String> = members
            .iter()
            .filter_map(|m| match m {
                Type::Literal(s) => Some(format!("\"{s}\"")),
                _ => None,
            })
            .collect();
        if let (V::Str(s), false) = (&value.kind, literals.is_empty()) {
            let d = Diagnostic::error(codes::B2006, format!("invalid value `\"{s}\"`"), span)
                .with_label(format!("expected one of {}", literals.join(", ")));
            return fail(out, d, span);
        }
        fail(out, mismatch(&value, ty, cx), span)
    }

    fn conform_record(
        &mut self,
        mut record: Record,
        fields: &[FieldType],
        span: Span,
        cx: Cx<'_>,
        what: Option<&str>,
        out: &mut Vec<Diagnostic>,
    ) -> Record {
        let mut result = Record::new();
        for (key, field) in std::mem::take(&mut record) {
            let Some(def) = fields.iter().find(|f| f.name == key) else {
                out.push(unknown_field(&key, field.key, fields, what));
                continue;
            };
            if def.optional && matches!(field.value.kind, V::Null) && def.default.is_none() {
                continue;
            }
            let nested = Cx { top: false, ..cx };
            let value = self.conform(field.value, &def.ty, nested, None, out);
            result.insert(
                key,
                Field {
                    key: field.key,
                    value,
                },
            );
        }
        for def in fields {
            if result.contains_key(&def.name) {
                continue;
            }
            if let Some(default) = &def.default {
                let at = match cx.decl {
                    Some((_, s)) if cx.top => s,
                    _ => span,
                };
                let name = cx.decl.map_or("", |(n, _)| n);
                let value = default_value(default, name, at);
                result.insert(def.name.clone(), Field { key: at, value });
                continue;
            }
            if def.optional {
                continue;
            }
            let at = match cx.decl {
                Some((_, s)) if cx.top => s,
                _ => span,
            };
            let whose = what.map_or_else(String::new, |w| format!(" of {w}"));
            let d = Diagnostic::error(
                codes::B2003,
                format!("missing field `{}`{whose}", def.name),
                at,
            )
            .with_label(format!("`{}` is required", def.name))
            .with_help(format!("add `{} = ...` ({})", def.name, def.ty));
            out.push(d);
        }
        result
    }
}

fn conform_enum(
    value: Value,
    ty: &Type,
    def: &EnumType,
    cx: Cx<'_>,
    out: &mut Vec<Diagnostic>,
) -> Value {
    let span = value.span;
    match &value.kind {
        V::Variant { enum_name, .. } if *enum_name == def.name => value,
        V::Str(s) if def.variants.contains(s) => Value::new(
            V::Variant {
                enum_name: def.name.clone(),
                variant: s.clone(),
            },
            span,
        ),
        V::Str(s) => {
            let mut d = Diagnostic::error(
                codes::B2006,
                format!("`{s}` is not a variant of `{}`", def.name),
                span,
            )
            .with_label(format!("expected one of {}", variants(def)));
            if let Some(near) = suggest::closest(s, def.variants.iter().map(String::as_str)) {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            fail(out, d, span)
        }
        _ => fail(out, mismatch(&value, ty, cx), span),
    }
}

fn variants(def: &EnumType) -> String {
    def.variants
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fail(out: &mut Vec<Diagnostic>, diagnostic: Diagnostic, span: Span) -> Value {
    out.push(diagnostic);
    Value::error(span)
}

/// The `B2001` for a value of the wrong type; `B2007` when the value is a secret key, whose
/// value never enters a plain field.
pub fn mismatch(value: &Value, ty: &Type, cx: Cx<'_>) -> Diagnostic {
    let (code, message) = match &value.kind {
        V::SecretKey { .. } | V::SecretText(_) => (
            codes::B2007,
            format!(
                "secret used where a plain value is needed: expected `{ty}`, found {}",
                value.describe()
            ),
        ),
        _ => (
            codes::B2001,
            format!("type mismatch: expected `{ty}`, found {}", value.describe()),
        ),
    };
    let mut d = Diagnostic::error(code, message, value.span).with_label(format!("expected `{ty}`"));
    if let Some(annotation) = cx.annotation {
        d = d.with_secondary(annotation, "expected because of this type");
    }
    if let V::Str(s) = &value.kind {
        if let Some(help) = reference_help(s, ty) {
            return d.with_help(help);
        }
    }
    match (&value.kind, ty.unnamed()) {
        (V::Str(_), Type::Port | Type::Int) => d.with_help("write the number without quotes"),
        (V::SecretKey { .. } | V::SecretText(_), _) => d.with_help(super::ops::SECRET_TEXT_PLACES),
        _ => d,
    }
}

/// For a string where a reference is expected (`"tag:feed"` for `tag.feed`), how to write the
/// reference.
fn reference_help(text: &str, ty: &Type) -> Option<String> {
    let kinds = referenced_kinds(ty);
    if kinds.is_empty() {
        return None;
    }
    let (prefix, name) = text.split_once(':').unwrap_or(("", text));
    let kind = kinds
        .iter()
        .find(|k| k.keyword() == prefix)
        .or_else(|| kinds.first())?;
    let written = if prefix == "autogroup" {
        format!("autogroup.{name}")
    } else {
        format!("{}.{name}", kind.keyword())
    };
    Some(format!(
        "refer to the declaration itself (`{written}`), not to its name as a string"
    ))
}

/// The kinds of reference a type accepts.
fn referenced_kinds(ty: &Type) -> Vec<super::schema::Kind> {
    match ty {
        Type::Ref(kind) => vec![*kind],
        Type::Named(_, inner) => referenced_kinds(inner),
        Type::Optional(inner) | Type::List(inner) => referenced_kinds(inner),
        Type::Union(members) => members.iter().flat_map(referenced_kinds).collect(),
        _ => Vec::new(),
    }
}

fn unknown_field(key: &str, span: Span, fields: &[FieldType], what: Option<&str>) -> Diagnostic {
    let whose = what.map_or_else(|| "this record".to_string(), str::to_string);
    let mut d = Diagnostic::error(codes::B2002, format!("unknown field `{key}`"), span)
        .with_label(format!("not a field of {whose}"));
    let names = fields.iter().map(|f| f.name.as_str());
    d = match suggest::closest(key, names) {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None => d.with_help(format!(
            "the fields are {}",
            fields
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    d
}

/// The value of a schema default.
fn default_value(default: &FieldDefault, name: &str, span: Span) -> Value {
    let kind = match default {
        FieldDefault::Bool(b) => V::Bool(*b),
        FieldDefault::Int(n) => V::Int(*n),
        FieldDefault::Str(s) => V::Str((*s).to_string()),
        FieldDefault::Name => V::Str(name.to_string()),
        FieldDefault::EmptyList => V::List(Vec::new()),
        FieldDefault::EmptyRecord => V::Record(Record::new()),
        FieldDefault::Autogroups(names) => V::List(
            names
                .iter()
                .map(|n| Value::new(V::Autogroup((*n).to_string()), span))
                .collect(),
        ),
        FieldDefault::AnyList => V::List(vec![Value::new(
            V::PortSpec {
                proto: None,
                ports: PortRange::Any,
            },
            span,
        )]),
    };
    Value::new(kind, span)
}

/// Whether a value is of the right sort for a type, before looking inside: a record for a record
/// type, a string for a string or an enum. Picks the member of a union to report about.
pub fn shape_matches(value: &Value, ty: &Type) -> bool {
    match (ty, &value.kind) {
        (_, V::Error) | (Type::Any, _) => true,
        (Type::Named(_, inner), _) => shape_matches(value, inner),
        (Type::Optional(inner), _) => matches!(value.kind, V::Null) || shape_matches(value, inner),
        (Type::Union(members), _) => members.iter().any(|m| shape_matches(value, m)),
        (Type::List(_), V::List(_))
        | (Type::Map(_) | Type::Record(_), V::Record(_))
        | (Type::String | Type::Literal(_) | Type::Enum(_), V::Str(_))
        | (Type::Enum(_), V::Variant { .. })
        | (Type::Int | Type::Port | Type::Quantity, V::Int(_))
        | (Type::Duration | Type::Quantity, V::Unit { .. })
        | (Type::Bool, V::Bool(_))
        | (Type::SecretKey, V::SecretKey { .. } | V::SecretText(_))
        | (Type::Endpoint, V::Endpoint { .. })
        | (Type::PortSpec, V::PortSpec { .. } | V::Any)
        | (Type::Autogroup, V::Autogroup(_))
        | (Type::AnyValue, V::Any)
        | (Type::HostAddress, V::HostAddress(_))
        | (Type::Ip, V::Ip(_))
        | (Type::UsersAt, V::UsersAt(_))
        | (Type::LocalpartAt, V::LocalpartAt(_))
        | (Type::Destination, V::Destination { .. } | V::Endpoint { .. })
        | (Type::RoleUse, V::RoleUse { .. })
        | (Type::RoleUse, V::Entity(super::schema::Kind::Role, _)) => true,
        (Type::Ref(kind), V::Entity(k, _)) => kind == k,
        _ => false,
    }
}
