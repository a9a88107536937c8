//! B3056: a kept role's defaults file disagrees with the role's declaration.
//!
//! A role with a `source` keeps its own `defaults/main.yml`, which bopsc copies; the generated
//! playbooks leave out every argument equal to the declared default, trusting the role to supply
//! it, and the generated argument specification states the declared defaults. So the file and the
//! declaration must say the same thing:
//!
//! - every key of the file is a declared parameter (a variable only the file knows is an argument
//!   the declaration cannot check, and hides a misspelt parameter);
//! - every declared default is in the file, with the same value, compared as data: `443` and
//!   `"443"` differ, a Jinja string is a string like any other, maps compare without regard to
//!   key order. A secret's default agrees with any string, as no file may hold a secret's value.
//!
//! A file that is not YAML, or not a mapping, is reported too, with the parser's message. A key
//! of the file that is a declared parameter without a default agrees: a role's defaults often hold
//! a placeholder for what every application must pass. The defaults are read from the file
//! Ansible reads, the first of `defaults/main.yml`, `.yaml` and `.json`; a role whose defaults are
//! a `defaults/main` file or directory is not checked.
//!
//! The rule needs the role's files, which the CLI reads for the roles that name a `source`, so it
//! runs with the assets ([`crate::rules::check_role_files`]); a role whose files were not read
//! has nothing to disagree with.

use std::collections::BTreeMap;

use serde_yaml_ng::{Mapping, Value};

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{kept_defaults, Data, KeptDefaults, KeptFile, Model, Role};

/// Reports every disagreement between a kept role's defaults file and its declaration.
pub fn check(model: &Model, assets: &BTreeMap<String, String>, out: &mut Vec<Diagnostic>) {
    for role in &model.roles {
        let kept = role.kept_files(assets);
        let KeptDefaults::File(file) = kept_defaults(&kept) else {
            continue;
        };
        match parse(file.text) {
            Ok(entries) => compare(model, role, &file, &entries, out),
            Err(why) => out.push(
                Diagnostic::error(
                    codes::B3056,
                    format!("`{}` {why}", file.path),
                    role.origin.span,
                )
                .with_label(format!("role `{}` keeps its defaults there", role.name))
                .with_note("bopsc checks a kept role's defaults against its declaration, and Ansible would fail to load the role")
                .with_help(format!("fix the file, then `bopsc import role {}` prints the declaration it implies", source(role))),
            ),
        }
    }
}

/// The entries of a defaults file, or why it has none to compare.
fn parse(text: &str) -> Result<Mapping, String> {
    let mut value: Value =
        serde_yaml_ng::from_str(text).map_err(|e| format!("is not valid YAML: {e}"))?;
    value
        .apply_merge()
        .map_err(|e| format!("is not valid YAML: {e}"))?;
    match value {
        Value::Null => Ok(Mapping::new()),
        Value::Mapping(entries) => Ok(entries),
        _ => Err("is not a mapping of variables to their defaults".to_string()),
    }
}

/// Compares one role's declared defaults with its file's entries.
fn compare(
    model: &Model,
    role: &Role,
    file: &KeptFile<'_>,
    entries: &Mapping,
    out: &mut Vec<Diagnostic>,
) {
    let import = format!(
        "`bopsc import role {}` prints the declaration the file implies",
        source(role)
    );
    for (key, value) in entries {
        let declared = key
            .as_str()
            .is_some_and(|key| role.params.iter().any(|p| p.name == key));
        if declared {
            continue;
        }
        let key = key.as_str().map_or_else(|| show_yaml(key), str::to_string);
        out.push(
            Diagnostic::error(
                codes::B3056,
                format!(
                    "`{}` sets `{key}` to {}, which role `{}` does not declare",
                    file.path,
                    show_yaml(value),
                    role.name
                ),
                role.origin.span,
            )
            .with_label(format!("declared without a parameter `{key}`"))
            .with_help(format!(
                "declare a parameter `{key}` with the file's value as its default, or remove it from the file; {import}"
            )),
        );
    }
    for param in &role.params {
        let Some(default) = &param.default else {
            continue;
        };
        let at = model
            .spans
            .at(&role.origin, &format!("params.{}", param.name));
        match entries.get(param.name.as_str()) {
            None => out.push(
                Diagnostic::error(
                    codes::B3056,
                    format!(
                        "`{}` has no `{}`, whose declared default is {}",
                        file.path,
                        param.name,
                        show_data(default)
                    ),
                    at,
                )
                .with_label("declared with a default the role's file lacks")
                .with_note("the playbooks leave out an argument equal to its default, so the role must supply it")
                .with_help(format!(
                    "add `{}: {}` to the file, or declare the parameter without a default; {import}",
                    param.name,
                    show_data(default)
                )),
            ),
            Some(value) if !agrees(default, value) => out.push(
                Diagnostic::error(
                    codes::B3056,
                    format!(
                        "the default of `{}` is {} in the declaration but {} in `{}`",
                        param.name,
                        show_data(default),
                        show_yaml(value),
                        file.path
                    ),
                    at,
                )
                .with_label(format!("the role's file says {}", show_yaml(value)))
                .with_help(format!(
                    "make the declared default and the file's value the same; {import}"
                )),
            ),
            Some(_) => {}
        }
    }
}

/// The role's directory as its declaration names it.
fn source(role: &Role) -> String {
    role.source_dir().unwrap_or_else(|| role.name.clone())
}

/// Whether a file's value is the declared default, as data.
fn agrees(declared: &Data, file: &Value) -> bool {
    match (declared, file) {
        (_, Value::Tagged(tagged)) => agrees(declared, &tagged.value),
        (Data::Null, Value::Null) => true,
        (Data::Bool(a), Value::Bool(b)) => a == b,
        (Data::Int(a), Value::Number(b)) => b.as_i64() == Some(*a),
        (Data::Str(a), Value::String(b)) => a == b,
        (Data::Secret(_) | Data::SecretText(_), Value::String(_)) => true,
        (Data::List(a), Value::Sequence(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| agrees(a, b))
        }
        (Data::Map(a), Value::Mapping(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k.as_str()).is_some_and(|w| agrees(v, w)))
        }
        _ => false,
    }
}

/// A declared value as a message shows it: JSON, with a secret as its reference.
fn show_data(value: &Data) -> String {
    match value {
        Data::Null => "null".to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Str(s) => json_string(s),
        Data::List(items) => {
            let items: Vec<String> = items.iter().map(show_data).collect();
            format!("[{}]", items.join(", "))
        }
        Data::Map(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", json_string(k), show_data(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Data::Secret(secret) => format!("secret.{}.{}", secret.secret, secret.key),
        Data::SecretText(parts) => crate::model::TextPart::describe(parts),
    }
}

/// A file's value as a message shows it, in the notation of [`show_data`].
fn show_yaml(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => json_string(s),
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().map(show_yaml).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Mapping(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", show_yaml(k), show_yaml(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Value::Tagged(tagged) => format!("{} {}", tagged.tag, show_yaml(&tagged.value)),
    }
}

/// A string in double quotes, escaped as JSON escapes it.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use super::*;
    use crate::model::SecretRef;

    fn yaml(text: &str) -> Value {
        serde_yaml_ng::from_str(text).unwrap_or(Value::Null)
    }

    #[test]
    fn values_compare_as_data() {
        assert!(agrees(&Data::Int(443), &yaml("443")));
        assert!(!agrees(&Data::Int(443), &yaml("'443'")));
        assert!(!agrees(&Data::Str("443".into()), &yaml("443")));
        assert!(!agrees(&Data::Int(443), &yaml("443.0")));
        assert!(agrees(&Data::Str("{{ x }}".into()), &yaml("'{{ x }}'")));
        assert!(!agrees(&Data::Bool(true), &yaml("'true'")));
        assert!(agrees(&Data::List(Vec::new()), &yaml("[]")));
        assert!(!agrees(&Data::List(Vec::new()), &yaml("{}")));
        let mut map = IndexMap::new();
        map.insert("a".to_string(), Data::Int(1));
        map.insert("b".to_string(), Data::Null);
        assert!(agrees(&Data::Map(map.clone()), &yaml("{b: null, a: 1}")));
        assert!(!agrees(&Data::Map(map.clone()), &yaml("{a: 1}")));
        assert!(!agrees(&Data::Map(map), &yaml("{a: 1, b: null, c: 2}")));
        let secret = Data::Secret(SecretRef {
            secret: "db".into(),
            key: "password".into(),
        });
        assert!(agrees(&secret, &yaml("'{{ secret_db_password }}'")));
        assert!(!agrees(&secret, &yaml("1")));
    }

    #[test]
    fn both_sides_show_in_one_notation() {
        let declared = Data::List(vec![Data::Str("a".into()), Data::Int(1), Data::Null]);
        assert_eq!(show_data(&declared), "[\"a\", 1, null]");
        assert_eq!(show_yaml(&yaml("[a, 1, null]")), "[\"a\", 1, null]");
        assert_eq!(show_yaml(&yaml("{x: '1'}")), "{\"x\": \"1\"}");
    }

    #[test]
    fn a_file_is_a_mapping_or_empty() {
        assert_eq!(parse("").map(|m| m.len()), Ok(0));
        assert_eq!(parse("---\n").map(|m| m.len()), Ok(0));
        assert_eq!(
            parse("---\nbase: &b {x: 1}\nother:\n  <<: *b\n").map(|m| m.len()),
            Ok(2)
        );
        let error = |text: &str| parse(text).err().unwrap_or_default();
        assert!(error("- a\n").contains("not a mapping of variables"));
        assert!(error("a: [\n").starts_with("is not valid YAML"));
        assert!(error("a: 1\na: 2\n").starts_with("is not valid YAML"));
    }
}
