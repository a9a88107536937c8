//! Types and literals from YAML values: the type a default implies and the default written as a
//! bops literal.

use serde_yaml_ng::Value;

use crate::syntax::KEYWORDS;

/// How wide a rendered type or literal may be before it is broken over lines.
const WIDTH: usize = 96;

/// The type of a default, as far as its value tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Ty {
    /// `string`.
    String,
    /// `int`.
    Int,
    /// `port`: an int from 1 to 65535 under a key that names a port.
    Port,
    /// `bool`.
    Bool,
    /// `any`: a `null`, or values that do not agree.
    Any,
    /// `list<T>`.
    List(Box<Ty>),
    /// `map<T>`: a mapping whose keys are not all names.
    Map(Box<Ty>),
    /// `{ k: T, o?: U }`: a mapping whose keys are names, in order.
    Record(Vec<Field>),
}

/// One field of a record type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Field {
    /// The key.
    pub name: String,
    /// Whether the field may be left out (some items of a list lack it).
    pub optional: bool,
    /// Its type.
    pub ty: Ty,
}

/// Whether `word` is an identifier: `[A-Za-z_][A-Za-z0-9_-]*`, with no `-` at the end.
pub(super) fn is_identifier(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !word.ends_with('-')
}

/// Whether `word` may name a parameter: an identifier that is not a keyword.
pub(super) fn is_name(word: &str) -> bool {
    is_identifier(word) && !KEYWORDS.contains(&word)
}

/// Whether `key` names a port, so an int in range under it is a `port`.
fn names_port(key: &str) -> bool {
    key == "port" || key.ends_with("_port")
}

/// The type the value under `key` implies; `path` names the value in error messages.
pub(super) fn infer(key: &str, value: &Value, path: &str) -> Result<Ty, String> {
    match value {
        Value::Null => Ok(Ty::Any),
        Value::Bool(_) => Ok(Ty::Bool),
        Value::Number(n) => {
            let Some(int) = n.as_i64() else {
                return Err(number_error(path, value));
            };
            if names_port(key) && (1..=65535).contains(&int) {
                Ok(Ty::Port)
            } else {
                Ok(Ty::Int)
            }
        }
        Value::String(_) => Ok(Ty::String),
        Value::Sequence(items) => {
            let mut element: Option<Ty> = None;
            for (i, item) in items.iter().enumerate() {
                let ty = infer("", item, &format!("{path}[{i}]"))?;
                element = Some(match element {
                    None => ty,
                    Some(before) => unify(before, ty),
                });
            }
            Ok(Ty::List(Box::new(element.unwrap_or(Ty::Any))))
        }
        Value::Mapping(map) => {
            if map.is_empty() {
                return Ok(Ty::Map(Box::new(Ty::Any)));
            }
            let mut fields = Vec::new();
            let mut all_words = true;
            for (k, v) in map {
                let name = string_key(k, path)?;
                all_words &= is_identifier(&name);
                let ty = infer(&name, v, &format!("{path}.{name}"))?;
                fields.push(Field {
                    name,
                    optional: false,
                    ty,
                });
            }
            if all_words {
                return Ok(Ty::Record(fields));
            }
            let values = fields.into_iter().map(|f| f.ty).reduce(unify);
            Ok(Ty::Map(Box::new(values.unwrap_or(Ty::Any))))
        }
        Value::Tagged(tagged) => {
            if tagged.tag == "unsafe" && matches!(tagged.value, Value::String(_)) {
                return Ok(Ty::String);
            }
            Err(format!(
                "`{path}`: the tagged value `{}` has no bops equivalent; write the parameter \
                 by hand",
                tagged.tag
            ))
        }
    }
}

/// The message for a number that is not a 64-bit integer.
fn number_error(path: &str, value: &Value) -> String {
    let shown = serde_yaml_ng::to_string(value).unwrap_or_default();
    format!(
        "`{path}`: the default {} is not a 64-bit integer, and bops has no other numbers; write \
         the parameter by hand (a string, or a unit literal like `1.5Gi`)",
        shown.trim()
    )
}

/// A mapping key as a string; a key of another type is an error.
fn string_key(key: &Value, path: &str) -> Result<String, String> {
    match key {
        Value::String(s) => Ok(s.clone()),
        other => {
            let shown = serde_yaml_ng::to_string(other).unwrap_or_default();
            Err(format!(
                "`{path}`: the key {} is not a string, and bops maps have string keys",
                shown.trim()
            ))
        }
    }
}

/// The type two values of one list both have: the same type, `int` for an int and a port, records
/// merged field by field (a field some lack becomes optional), or `any` when they disagree.
fn unify(a: Ty, b: Ty) -> Ty {
    match (a, b) {
        (a, b) if a == b => a,
        (Ty::Int | Ty::Port, Ty::Int | Ty::Port) => Ty::Int,
        (Ty::List(a), Ty::List(b)) => Ty::List(Box::new(unify(*a, *b))),
        (Ty::Map(a), Ty::Map(b)) => Ty::Map(Box::new(unify(*a, *b))),
        (Ty::Record(a), Ty::Record(b)) => Ty::Record(merge(a, b)),
        _ => Ty::Any,
    }
}

/// Two record types merged: every field of either, in first-seen order.
fn merge(a: Vec<Field>, b: Vec<Field>) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    for mut field in a {
        field.optional |= !b.iter().any(|f| f.name == field.name);
        fields.push(field);
    }
    for field in b {
        match fields.iter_mut().find(|f| f.name == field.name) {
            Some(existing) => {
                existing.optional |= field.optional;
                existing.ty = unify(existing.ty.clone(), field.ty);
            }
            None => fields.push(Field {
                optional: true,
                ..field
            }),
        }
    }
    fields
}

/// The type written in bops, broken over lines indented by `indent` when it is long.
pub(super) fn render_type(ty: &Ty, indent: usize) -> String {
    match ty {
        Ty::String => "string".to_string(),
        Ty::Int => "int".to_string(),
        Ty::Port => "port".to_string(),
        Ty::Bool => "bool".to_string(),
        Ty::Any => "any".to_string(),
        Ty::List(inner) => format!("list<{}>", render_type(inner, indent)),
        Ty::Map(inner) => format!("map<{}>", render_type(inner, indent)),
        Ty::Record(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|f| {
                    let mark = if f.optional { "?" } else { "" };
                    format!("{}{mark}: {}", f.name, render_type(&f.ty, indent + 2))
                })
                .collect();
            group("{ ", " }", &parts, indent)
        }
    }
}

/// The value written as a bops literal, broken over lines indented by `indent` when it is long.
pub(super) fn render_value(value: &Value, indent: usize, path: &str) -> Result<String, String> {
    match value {
        Value::Null => Ok("null".to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => n
            .as_i64()
            .map(|i| i.to_string())
            .ok_or_else(|| number_error(path, value)),
        Value::String(s) => string_literal(s, path),
        Value::Sequence(items) => {
            let mut parts = Vec::new();
            for (i, item) in items.iter().enumerate() {
                parts.push(render_value(item, indent + 2, &format!("{path}[{i}]"))?);
            }
            Ok(group("[", "]", &parts, indent))
        }
        Value::Mapping(map) => {
            if map.is_empty() {
                return Ok("{}".to_string());
            }
            let mut parts = Vec::new();
            for (k, v) in map {
                let name = string_key(k, path)?;
                let key = if is_identifier(&name) {
                    name.clone()
                } else {
                    string_literal(&name, path)?
                };
                let value = render_value(v, indent + 2, &format!("{path}.{name}"))?;
                parts.push(format!("{key} = {value}"));
            }
            Ok(group("{ ", " }", &parts, indent))
        }
        Value::Tagged(tagged) => match &tagged.value {
            Value::String(s) if tagged.tag == "unsafe" => string_literal(s, path),
            _ => Err(format!(
                "`{path}`: the tagged value `{}` has no bops equivalent; write the parameter by \
                 hand",
                tagged.tag
            )),
        },
    }
}

/// A bops string literal: quoted, with `\n \t \r \" \\ \$` escaped. Jinja (`{{ x }}`) stays as
/// it is: it is the role's own business.
pub(super) fn string_literal(text: &str, path: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            c if c.is_control() => {
                return Err(format!(
                    "`{path}`: the string holds the control character U+{:04X}, which a bops \
                     string cannot spell",
                    u32::from(c)
                ))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// Parts between `open` and `close`: on one line when short, else one part a line, indented.
fn group(open: &str, close: &str, parts: &[String], indent: usize) -> String {
    if parts.is_empty() {
        return format!("{}{}", open.trim_end(), close.trim_start());
    }
    let inline = format!("{open}{}{close}", parts.join(", "));
    if indent + inline.len() <= WIDTH && !inline.contains('\n') {
        return inline;
    }
    let pad = " ".repeat(indent + 2);
    let mut out = open.trim_end().to_string();
    out.push('\n');
    for part in parts {
        out.push_str(&pad);
        out.push_str(part);
        out.push_str(",\n");
    }
    out.push_str(&" ".repeat(indent));
    out.push_str(close.trim_start());
    out
}
