//! A path-by-path diff of two Kubernetes objects, written for people: list elements that carry a
//! unique identity (`name`, `secretKey`, `mountPath`...) are matched by it and named in the path
//! (`spec.template.spec.containers[name=web].env[name=TZ].value`), so that one missing element
//! does not shift every later one; their order is still compared, as its own line.

use serde_json::Value;

/// The fields that identify the elements of a list, tried in order: the first one that every
/// element on both sides has, with values unique on each side, keys the list.
const IDENTITY_FIELDS: [&str; 5] = ["name", "secretKey", "mountPath", "containerPort", "port"];

/// The longest value printed whole in a difference; longer ones are cut and their length given.
const SHOWN: usize = 160;

/// `parent.key`, or `parent["key"]` when the key is not a plain word (annotations, ConfigMap
/// keys with dots or slashes).
pub fn field_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{key:?}]"),
    }
}

/// The path of a list element: `parent[name=x]` when it has a string `name`, else
/// `parent[index]`.
pub fn element_path(parent: &str, element: &Value, index: usize) -> String {
    match element.get("name").and_then(Value::as_str) {
        Some(name) => format!("{parent}[name={name}]"),
        None => format!("{parent}[{index}]"),
    }
}

/// A value on one line, cut when long: strings of several lines give their first line and count.
pub fn show(value: &Value) -> String {
    let text = match value {
        Value::String(s) if s.contains('\n') => {
            let first = s.lines().next().unwrap_or_default();
            return format!(
                "{} ({} lines)",
                cut(&format!("{first:?}…")),
                s.lines().count()
            );
        }
        other => other.to_string(),
    };
    cut(&text)
}

/// Cuts a text to [`SHOWN`] characters, saying how long it was.
fn cut(text: &str) -> String {
    let count = text.chars().count();
    if count <= SHOWN {
        return text.to_string();
    }
    let head: String = text.chars().take(SHOWN).collect();
    format!("{head}… ({count} characters)")
}

/// One line per difference between two values, each starting with its path; expected is the
/// first value. Empty when they are equal.
pub fn object_diff(expected: &Value, found: &Value) -> Vec<String> {
    let mut out = Vec::new();
    diff_at("", expected, found, &mut out);
    out
}

/// The path as printed: the root is the object itself.
fn shown_path(path: &str) -> &str {
    if path.is_empty() {
        "(the whole value)"
    } else {
        path
    }
}

fn diff_at(path: &str, expected: &Value, found: &Value, out: &mut Vec<String>) {
    match (expected, found) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let at = field_path(path, key);
                match b.get(key) {
                    Some(other) => diff_at(&at, value, other, out),
                    None => out.push(format!("{at}: missing (expected {})", show(value))),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(format!(
                        "{}: unexpected {}",
                        field_path(path, key),
                        show(value)
                    ));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => match identity_field(a, b) {
            Some(field) => keyed_diff(path, field, a, b, out),
            None => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    diff_at(&format!("{path}[{i}]"), x, y, out);
                }
                for (i, x) in a.iter().enumerate().skip(b.len()) {
                    out.push(format!("{path}[{i}]: missing (expected {})", show(x)));
                }
                for (i, y) in b.iter().enumerate().skip(a.len()) {
                    out.push(format!("{path}[{i}]: unexpected {}", show(y)));
                }
            }
        },
        (Value::String(x), Value::String(y))
            if x != y && (x.contains('\n') || y.contains('\n')) =>
        {
            out.push(text_diff(shown_path(path), x, y));
        }
        _ if expected != found => out.push(format!(
            "{}: expected {}, found {}",
            shown_path(path),
            show(expected),
            show(found)
        )),
        _ => {}
    }
}

/// Where two texts of several lines part: the first line that differs, with both versions.
fn text_diff(path: &str, expected: &str, found: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = found.lines().collect();
    let first = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let line = |lines: &[&str]| match lines.get(first) {
        Some(l) => cut(&format!("{l:?}")),
        None => "(no such line)".to_string(),
    };
    let ending = if a.len() == b.len() && expected.ends_with('\n') != found.ends_with('\n') {
        " (only the final newline differs)"
    } else {
        ""
    };
    format!(
        "{path}: the text differs from line {}{ending}: expected {}, found {} (expected {} lines, \
         found {})",
        first + 1,
        line(&a),
        line(&b),
        a.len(),
        b.len()
    )
}

/// The field that identifies every element of both lists, if one does.
fn identity_field(a: &[Value], b: &[Value]) -> Option<&'static str> {
    if a.is_empty() && b.is_empty() {
        return None;
    }
    IDENTITY_FIELDS.into_iter().find(|field| {
        [a, b].iter().all(|list| {
            let labels: Option<Vec<String>> = list.iter().map(|e| label(e, field)).collect();
            labels.is_some_and(|mut l| {
                let len = l.len();
                l.sort();
                l.dedup();
                l.len() == len
            })
        })
    })
}

/// An element's identity under a field: its string or number value.
fn label(element: &Value, field: &str) -> Option<String> {
    match element.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Compares two lists element by element under an identity field, then their order.
fn keyed_diff(path: &str, field: &str, a: &[Value], b: &[Value], out: &mut Vec<String>) {
    let labelled = |list: &[Value]| -> Vec<(String, Value)> {
        list.iter()
            .filter_map(|e| Some((label(e, field)?, e.clone())))
            .collect()
    };
    let a = labelled(a);
    let b = labelled(b);
    for (name, value) in &a {
        let at = format!("{path}[{field}={name}]");
        match b.iter().find(|(n, _)| n == name) {
            Some((_, other)) => diff_at(&at, value, other, out),
            None => out.push(format!("{at}: missing (expected {})", show(value))),
        }
    }
    for (name, value) in &b {
        if !a.iter().any(|(n, _)| n == name) {
            out.push(format!(
                "{path}[{field}={name}]: unexpected {}",
                show(value)
            ));
        }
    }
    let common = |x: &[(String, Value)], y: &[(String, Value)]| -> Vec<String> {
        x.iter()
            .filter(|(n, _)| y.iter().any(|(m, _)| m == n))
            .map(|(n, _)| n.clone())
            .collect()
    };
    let (order_a, order_b) = (common(&a, &b), common(&b, &a));
    if order_a != order_b {
        out.push(format!(
            "{}: the order differs: expected {order_a:?}, found {order_b:?}",
            shown_path(path)
        ));
    }
}

#[test]
fn the_object_diff_matches_list_elements_by_name() {
    let expected = serde_json::json!({
        "metadata": { "annotations": { "gethomepage.dev/name": "DJ" } },
        "env": [{ "name": "A", "value": "1" }, { "name": "B", "value": "2" }, { "name": "C" }],
        "args": ["serve", "--config"],
        "script": "one\ntwo\nthree\n",
    });
    let found = serde_json::json!({
        "metadata": { "annotations": { "gethomepage.dev/name": "Dj" } },
        "env": [{ "name": "B", "value": "2" }, { "name": "A", "value": "9" }, { "name": "D" }],
        "args": ["serve"],
        "script": "one\n2\nthree\n",
    });
    assert_eq!(
        object_diff(&expected, &found),
        vec![
            "metadata.annotations[\"gethomepage.dev/name\"]: expected \"DJ\", found \"Dj\"",
            "env[name=A].value: expected \"1\", found \"9\"",
            "env[name=C]: missing (expected {\"name\":\"C\"})",
            "env[name=D]: unexpected {\"name\":\"D\"}",
            "env: the order differs: expected [\"A\", \"B\"], found [\"B\", \"A\"]",
            "args[1]: missing (expected \"--config\")",
            "script: the text differs from line 2: expected \"two\", found \"2\" (expected 3 \
             lines, found 3)",
        ]
    );
    assert!(object_diff(&expected, &expected).is_empty());
    // Two mounts of one volume are told apart by their paths, not their shared name.
    let mounts = |p: &str| serde_json::json!([{ "name": "c", "mountPath": "/a" }, { "name": "c", "mountPath": p }]);
    assert_eq!(
        object_diff(&mounts("/b"), &mounts("/x")),
        vec![
            "[mountPath=/b]: missing (expected {\"name\":\"c\",\"mountPath\":\"/b\"})",
            "[mountPath=/x]: unexpected {\"name\":\"c\",\"mountPath\":\"/x\"}",
        ]
    );
}
