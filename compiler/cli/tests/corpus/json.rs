//! Strict HuJSON parsing and a readable JSON diff, for comparing policies.

use std::path::Path;

use serde_json::Value;

use crate::common::read;

/// Parses HuJSON strictly: JSON plus `//` and `/* */` comments and trailing commas before `]` or
/// `}`. Anything else JSON does not allow (single quotes, bare keys, a comma with nothing after
/// it in the document, an unterminated comment) is an error.
pub fn parse_hujson(text: &str) -> Result<Value, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    // A comma seen outside a string, held back until the next significant character says
    // whether it trails (before `]` or `}`, dropped) or separates (kept).
    let mut pending_comma = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let start = i;
            i += 2;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('*'), Some('/')) => break,
                    (Some(_), _) => i += 1,
                    (None, _) => return Err(format!("unterminated /* comment at char {start}")),
                }
            }
            i += 2;
            out.push(' ');
            continue;
        }
        if c.is_whitespace() {
            out.push(c);
            i += 1;
            continue;
        }
        if c == ',' {
            if pending_comma {
                return Err(format!("two commas in a row at char {i}"));
            }
            pending_comma = true;
            i += 1;
            continue;
        }
        if pending_comma {
            if c != ']' && c != '}' {
                out.push(',');
            }
            pending_comma = false;
        }
        if c == '"' {
            out.push(c);
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(chars[i]);
                    i += 1;
                }
                if let Some(&ch) = chars.get(i) {
                    out.push(ch);
                }
                i += 1;
            }
            if i >= chars.len() {
                return Err("unterminated string".to_string());
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    if pending_comma {
        out.push(',');
    }
    serde_json::from_str(&out).map_err(|e| format!("not HuJSON: {e}"))
}

/// Parses a HuJSON file, failing the test when it is not HuJSON.
pub fn parse_hujson_file(path: &Path) -> Value {
    parse_hujson(&read(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_hujson_parser_is_strict() {
    let parsed = parse_hujson(
        "// header\n{\n  /* block */ \"a\": [1, 2,], // end\n  \"b\": \"x // y, ]\",\n}\n",
    );
    assert_eq!(
        parsed,
        Ok(serde_json::json!({ "a": [1, 2], "b": "x // y, ]" }))
    );
    assert_eq!(
        parse_hujson(r#"{"a": "q\"uote,]", "b": [1,/* c */]}"#),
        Ok(serde_json::json!({ "a": "q\"uote,]", "b": [1] }))
    );
    for bad in [
        "{'a': 1}",
        "{a: 1}",
        "[1,,]",
        "[1] ,",
        "{\"a\": 1 /* open",
        "[0x10]",
        "{\"a\": \"open}",
    ] {
        assert!(parse_hujson(bad).is_err(), "{bad:?} parsed");
    }
}

/// One line per difference between two JSON values, each starting with its path (`$.grants[3].ip`).
pub fn json_diff(expected: &Value, found: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("$", expected, found, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, found: &Value, out: &mut Vec<String>) {
    match (expected, found) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let at = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => diff_at(&at, value, other, out),
                    None => out.push(format!("{at}: missing (expected {value})")),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(format!("{path}.{key}: unexpected {value}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff_at(&format!("{path}[{i}]"), x, y, out);
            }
            for (i, x) in a.iter().enumerate().skip(b.len()) {
                out.push(format!("{path}[{i}]: missing (expected {x})"));
            }
            for (i, y) in b.iter().enumerate().skip(a.len()) {
                out.push(format!("{path}[{i}]: unexpected {y}"));
            }
        }
        _ if expected != found => out.push(format!("{path}: expected {expected}, found {found}")),
        _ => {}
    }
}

#[test]
fn the_json_diff_names_every_difference() {
    let a = serde_json::json!({ "g": [{ "ip": ["tcp:443"] }, 1], "k": true, "gone": 1 });
    let b = serde_json::json!({ "g": [{ "ip": ["tcp:80"] }], "k": true, "new": 2 });
    assert_eq!(
        json_diff(&a, &b),
        vec![
            "$.g[0].ip[0]: expected \"tcp:443\", found \"tcp:80\"",
            "$.g[1]: missing (expected 1)",
            "$.gone: missing (expected 1)",
            "$.new: unexpected 2",
        ]
    );
    assert!(json_diff(&a, &a).is_empty());
}
