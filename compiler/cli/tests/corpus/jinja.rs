//! Simple Jinja references in Ansible variables (`{{ NAME }}`), resolved the way Ansible would
//! from layers of variables, so that a role's variables written with references and written out
//! compare equal.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::ansible::is_identifier;
#[cfg(test)]
use crate::ansible::parse_yaml;

/// How deep variables may refer to variables before a reference counts as circular.
const MAX_DEPTH: usize = 32;

/// Resolves the simple Jinja references (`{{ NAME }}`, spaces optional) in a value from layers
/// of variables, the first layer that defines a name winning (so layers go from the highest
/// Ansible precedence to the lowest). A referenced value is resolved in turn. A string that is
/// one reference takes the referenced value itself, as Ansible's templating does; a reference
/// inside a longer string is replaced by the value's text. Other Jinja (filters, expressions)
/// is left as written. Then strings of digits become ints (see `digits_as_ints`). Returns the
/// names that no layer defines, or that refer to themselves, as errors.
pub fn resolve(value: &Value, layers: &[&Map<String, Value>]) -> Result<Value, Vec<String>> {
    let mut unresolved = BTreeSet::new();
    let resolved = resolve_at(value, layers, 0, &mut unresolved);
    if unresolved.is_empty() {
        Ok(digits_as_ints(&resolved))
    } else {
        Err(unresolved.into_iter().collect())
    }
}

/// A value with its references resolved, `depth` references deep.
fn resolve_at(
    value: &Value,
    layers: &[&Map<String, Value>],
    depth: usize,
    unresolved: &mut BTreeSet<String>,
) -> Value {
    match value {
        Value::String(text) => resolve_text(text, layers, depth, unresolved),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| resolve_at(item, layers, depth, unresolved))
                .collect(),
        ),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), resolve_at(v, layers, depth, unresolved)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The value a name refers to, resolved, or `None` (noted in `unresolved`).
fn lookup(
    name: &str,
    layers: &[&Map<String, Value>],
    depth: usize,
    unresolved: &mut BTreeSet<String>,
) -> Option<Value> {
    if depth >= MAX_DEPTH {
        unresolved.insert(format!("{name} (refers to itself)"));
        return None;
    }
    let Some(value) = layers.iter().find_map(|layer| layer.get(name)) else {
        unresolved.insert(format!("{name} (not defined)"));
        return None;
    };
    Some(resolve_at(value, layers, depth + 1, unresolved))
}

/// A string with its references resolved, `depth` references deep.
fn resolve_text(
    text: &str,
    layers: &[&Map<String, Value>],
    depth: usize,
    unresolved: &mut BTreeSet<String>,
) -> Value {
    let sole = text
        .trim()
        .strip_prefix("{{")
        .and_then(|t| t.strip_suffix("}}"))
        .map(str::trim)
        .filter(|name| is_identifier(name));
    if let Some(name) = sole {
        return lookup(name, layers, depth, unresolved).unwrap_or_else(|| text.into());
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some((before, open)) = rest.split_once("{{") {
        let Some((inner, after)) = open.split_once("}}") else {
            break;
        };
        out.push_str(before);
        let name = inner.trim();
        let value = if is_identifier(name) {
            lookup(name, layers, depth, unresolved)
        } else {
            None
        };
        match value {
            Some(Value::String(s)) => out.push_str(&s),
            Some(Value::Number(n)) => out.push_str(&n.to_string()),
            // Jinja writes Python's booleans and None.
            Some(Value::Bool(b)) => out.push_str(if b { "True" } else { "False" }),
            Some(Value::Null) => out.push_str("None"),
            Some(structured) => {
                unresolved.insert(format!("{name} (a list or mapping inside a string)"));
                out.push_str(&structured.to_string());
            }
            None => {
                out.push_str("{{");
                out.push_str(inner);
                out.push_str("}}");
            }
        }
        rest = after;
    }
    out.push_str(rest);
    Value::String(out)
}

/// A value with every string of digits written as the int it spells, as Ansible reads back a
/// templated `"9100"`. A string with a leading zero (`"0644"`) is not a Python int literal and
/// stays a string.
pub fn digits_as_ints(value: &Value) -> Value {
    match value {
        Value::String(s)
            if !s.is_empty()
                && s.chars().all(|c| c.is_ascii_digit())
                && (s.len() == 1 || !s.starts_with('0')) =>
        {
            s.parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| value.clone())
        }
        Value::Array(items) => Value::Array(items.iter().map(digits_as_ints).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), digits_as_ints(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[test]
fn jinja_references_resolve_through_layers() {
    let defaults = parse_yaml(
        "caddy_domain: example.com\nhost: \"forge.{{ caddy_domain }}\"\nport: \"{{port_var}}\"\n\
         url: \"https://{{ host }}:{{ port_var }}/\"\nfilter: \"{{ caddy_domain | upper }}\"\n\
         list: [\"{{ caddy_domain }}\"]\nloop: \"{{ loop }}\"\nflag: \"x{{ on }}\"\non: true\n\
         mode: \"0644\"\n",
    )
    .unwrap();
    let all = parse_yaml("port_var: 9100\ncaddy_domain: ignored.example\n").unwrap();
    let play = parse_yaml("caddy_domain: ops.eblu.me\n").unwrap();
    let (defaults, all, play) = (
        defaults.as_object().unwrap(),
        all.as_object().unwrap(),
        play.as_object().unwrap(),
    );
    let get = |key: &str, layers: &[&Map<String, Value>]| resolve(&defaults[key], layers);

    // The highest layer defining a name wins.
    assert_eq!(
        get("host", &[play, all, defaults]),
        Ok(Value::from("forge.ops.eblu.me"))
    );
    assert_eq!(
        get("host", &[all, defaults]),
        Ok(Value::from("forge.ignored.example"))
    );
    assert_eq!(
        get("host", &[defaults]),
        Ok(Value::from("forge.example.com"))
    );
    // A sole reference keeps the int; digits written in a string become an int too.
    assert_eq!(get("port", &[all, defaults]), Ok(Value::from(9100)));
    assert_eq!(
        resolve(&Value::from("sifaka:{{ port_var }}"), &[all]),
        Ok(Value::from("sifaka:9100"))
    );
    assert_eq!(resolve(&Value::from("5432"), &[]), Ok(Value::from(5432)));
    assert_eq!(get("mode", &[defaults]), Ok(Value::from("0644")));
    // References through references, in lists, and Jinja that is not a reference.
    assert_eq!(
        get("url", &[play, all, defaults]),
        Ok(Value::from("https://forge.ops.eblu.me:9100/"))
    );
    assert_eq!(
        get("list", &[play, defaults]),
        Ok(serde_json::json!(["ops.eblu.me"]))
    );
    assert_eq!(
        get("filter", &[defaults]),
        Ok(Value::from("{{ caddy_domain | upper }}"))
    );
    assert_eq!(get("flag", &[defaults]), Ok(Value::from("xTrue")));
    // Names nothing defines, and a circle, are reported.
    assert_eq!(
        get("port", &[defaults]),
        Err(vec!["port_var (not defined)".to_string()])
    );
    assert_eq!(
        get("loop", &[defaults]),
        Err(vec!["loop (refers to itself)".to_string()])
    );
}
