//! Importing what exists: a typed `role` declaration derived from an Ansible role's
//! `defaults/main.yml`.
//!
//! Each top-level key of the defaults becomes a parameter, in file order, documented by the `#`
//! lines right above it. Its type is what the default implies (see [`infer`]): `string`, `int`
//! (`port` under a key ending in `_port`), `bool`, `list<T>`, a record type for a mapping, `any`
//! for `null`; the default is written as a bops literal. Jinja strings (`"{{ x }}/bin"`) stay
//! strings: templating them is the role's business. Pure: the caller reads the files.

mod infer;

use serde_yaml_ng::Value;

use infer::{infer, is_name, render_type, render_value, string_literal};

/// The `role` declaration for the role `name` whose `defaults/main.yml` is `defaults_yaml`,
/// documented by `description` (its `meta/main.yml` `galaxy_info.description`), with
/// `source = "roles/NAME"`. An error names the key it is about.
pub fn role(name: &str, defaults_yaml: &str, description: Option<&str>) -> Result<String, String> {
    role_with_source(name, defaults_yaml, description, &format!("roles/{name}"))
}

/// [`role`], with the role's directory in the project given as `source`.
pub fn role_with_source(
    name: &str,
    defaults_yaml: &str,
    description: Option<&str>,
    source: &str,
) -> Result<String, String> {
    if !is_name(name) {
        return Err(format!(
            "the role name `{name}` is not a bops name (letters, digits, `_` and `-`, not a \
             keyword); pass another with `--name`"
        ));
    }
    let defaults: Value = serde_yaml_ng::from_str(defaults_yaml)
        .map_err(|e| format!("defaults/main.yml is not valid YAML: {e}"))?;
    let entries = match defaults {
        Value::Null => serde_yaml_ng::Mapping::new(),
        Value::Mapping(map) => map,
        _ => return Err("defaults/main.yml is not a mapping of variables to defaults".to_string()),
    };
    let mut out = String::new();
    for line in description.map(str::trim).unwrap_or_default().lines() {
        push_doc(&mut out, "", line.trim());
    }
    out.push_str(&format!("role {name}("));
    if !entries.is_empty() {
        out.push('\n');
    }
    for (key, value) in &entries {
        let Value::String(key) = key else {
            let shown = serde_yaml_ng::to_string(key).unwrap_or_default();
            return Err(format!(
                "the variable {} is not a string, so it cannot be a parameter",
                shown.trim()
            ));
        };
        if !is_name(key) {
            return Err(format!(
                "the variable `{key}` is not a bops name (letters, digits, `_` and `-`, not a \
                 keyword), so it cannot be a parameter; rename it in the role"
            ));
        }
        for line in comments_above(defaults_yaml, key) {
            push_doc(&mut out, "  ", &line);
        }
        let ty = infer(key, value, key)?;
        let default = render_value(value, 2, key)?;
        out.push_str(&format!("  {key}: {} = {default},\n", render_type(&ty, 2)));
    }
    out.push_str(&format!(
        ") {{\n  source = {}\n}}\n",
        string_literal(source, "--source")?
    ));
    Ok(out)
}

/// The `galaxy_info.description` of a role's `meta/main.yml`, when it has one.
pub fn description(meta_yaml: &str) -> Option<String> {
    let meta: Value = serde_yaml_ng::from_str(meta_yaml).ok()?;
    let text = meta
        .get("galaxy_info")?
        .get("description")?
        .as_str()?
        .trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Appends one `///` doc line.
fn push_doc(out: &mut String, indent: &str, line: &str) {
    if line.is_empty() {
        out.push_str(&format!("{indent}///\n"));
    } else {
        out.push_str(&format!("{indent}/// {line}\n"));
    }
}

/// The `#` lines right above the top-level `key` (no blank line between), without the `#`, then
/// the comment at the end of its line.
fn comments_above(text: &str, key: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines
        .iter()
        .position(|line| top_level_key(line) == Some(key))
    else {
        return Vec::new();
    };
    let mut comments = Vec::new();
    for line in lines.iter().take(at).rev() {
        let Some(comment) = line.strip_prefix('#') else {
            break;
        };
        let comment = comment.strip_prefix(' ').unwrap_or(comment);
        comments.push(comment.trim_end().to_string());
    }
    comments.reverse();
    if let Some(trailing) = lines.get(at).and_then(|line| trailing_comment(line)) {
        comments.push(trailing);
    }
    comments
}

/// The comment at the end of a key's line (`key: 30  # seconds`), outside any quotes.
fn trailing_comment(line: &str) -> Option<String> {
    let mut quote: Option<char> = None;
    let mut after_space = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && after_space => {
                let text = line.get(i + 1..)?.trim();
                return (!text.is_empty()).then(|| text.to_string());
            }
            None => {}
        }
        after_space = c == ' ' || c == '\t';
    }
    None
}

/// The key a line at column 0 defines (`key:`, `"key":` or `'key':`), if it defines one.
fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if first == '"' || first == '\'' {
        let rest = line.get(1..)?;
        let end = rest.find(first)?;
        let key = rest.get(..end)?;
        return rest.get(end + 1..)?.starts_with(':').then_some(key);
    }
    if first.is_whitespace() || matches!(first, '#' | '-' | '?' | '.') {
        return None;
    }
    let end = line.find(':')?;
    let key = line.get(..end)?.trim_end();
    let after = line.get(end + 1..)?;
    (after.is_empty() || after.starts_with([' ', '\t'])).then_some(key)
}

#[cfg(test)]
mod tests;
