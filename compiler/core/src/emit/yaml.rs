//! A YAML document builder and printer.
//!
//! Emitters build [`Yaml`] values (maps keep insertion order) and print them once. The printer
//! writes the style the targets' linters want (yamllint's defaults and the corpus's conventions):
//! two-space indentation, sequences indented under their key, `---` at the top, a `#` header
//! before it, strings quoted only when plain YAML would read them as something else, multi-line
//! strings as literal blocks.

use indexmap::IndexMap;

/// A YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    /// `null`
    Null,
    /// `true`/`false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string, quoted when needed.
    Str(String),
    /// A sequence.
    Seq(Vec<Yaml>),
    /// A mapping in insertion order.
    Map(IndexMap<String, Yaml>),
    /// A value with comment lines printed before it (before its key in a map, before its `-` in a
    /// sequence).
    Commented(Vec<String>, Box<Yaml>),
}

impl From<&str> for Yaml {
    fn from(s: &str) -> Yaml {
        Yaml::Str(s.to_string())
    }
}

impl From<String> for Yaml {
    fn from(s: String) -> Yaml {
        Yaml::Str(s)
    }
}

impl From<&String> for Yaml {
    fn from(s: &String) -> Yaml {
        Yaml::Str(s.clone())
    }
}

impl From<i64> for Yaml {
    fn from(i: i64) -> Yaml {
        Yaml::Int(i)
    }
}

impl From<u16> for Yaml {
    fn from(i: u16) -> Yaml {
        Yaml::Int(i64::from(i))
    }
}

impl From<u32> for Yaml {
    fn from(i: u32) -> Yaml {
        Yaml::Int(i64::from(i))
    }
}

impl From<bool> for Yaml {
    fn from(b: bool) -> Yaml {
        Yaml::Bool(b)
    }
}

impl From<Vec<Yaml>> for Yaml {
    fn from(v: Vec<Yaml>) -> Yaml {
        Yaml::Seq(v)
    }
}

impl From<Map> for Yaml {
    fn from(m: Map) -> Yaml {
        Yaml::Map(m.0)
    }
}

/// A builder for mappings: `Map::new().with("apiVersion", "v1").with("kind", "Service")`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(pub IndexMap<String, Yaml>);

impl Map {
    /// An empty map.
    pub fn new() -> Map {
        Map::default()
    }

    /// Adds an entry.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Yaml>) -> Map {
        self.0.insert(key.into(), value.into());
        self
    }

    /// Adds an entry when the value is `Some`.
    pub fn with_opt<V: Into<Yaml>>(self, key: impl Into<String>, value: Option<V>) -> Map {
        match value {
            Some(v) => self.with(key, v),
            None => self,
        }
    }

    /// Adds an entry unless the value is an empty sequence or map.
    pub fn with_nonempty(self, key: impl Into<String>, value: impl Into<Yaml>) -> Map {
        let value = value.into();
        match &value {
            Yaml::Seq(v) if v.is_empty() => self,
            Yaml::Map(m) if m.is_empty() => self,
            _ => self.with(key, value),
        }
    }

    /// Adds an entry in place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Yaml>) {
        self.0.insert(key.into(), value.into());
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Prints a document: `#` header lines, `---`, the value, a final newline.
pub fn document(header: &[String], value: &Yaml) -> String {
    let mut out = String::new();
    for line in header {
        push_comment(&mut out, 0, line);
    }
    out.push_str("---\n");
    match value {
        Yaml::Map(m) if !m.is_empty() => write_map(&mut out, 0, m),
        Yaml::Seq(s) if !s.is_empty() => write_seq(&mut out, 0, s),
        Yaml::Commented(lines, inner) => {
            for l in lines {
                push_comment(&mut out, 0, l);
            }
            return format!("{out}{}", document(&[], inner).trim_start_matches("---\n"));
        }
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn push_comment(out: &mut String, indent: usize, line: &str) {
    out.push_str(&" ".repeat(indent));
    if line.is_empty() {
        out.push_str("#\n");
    } else {
        out.push_str("# ");
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

fn strip_comments(v: &Yaml) -> (Vec<&String>, &Yaml) {
    let mut lines = Vec::new();
    let mut cur = v;
    while let Yaml::Commented(ls, inner) = cur {
        lines.extend(ls.iter());
        cur = inner;
    }
    (lines, cur)
}

fn is_block(v: &Yaml) -> bool {
    match v {
        Yaml::Map(m) => !m.is_empty(),
        Yaml::Seq(s) => !s.is_empty(),
        Yaml::Str(s) => block_literal(s).is_some(),
        _ => false,
    }
}

fn write_map(out: &mut String, indent: usize, m: &IndexMap<String, Yaml>) {
    for (k, v) in m {
        let (comments, v) = strip_comments(v);
        for c in comments {
            push_comment(out, indent, c);
        }
        out.push_str(&" ".repeat(indent));
        out.push_str(&key(k));
        out.push(':');
        write_value_after_key(out, indent, v);
    }
}

fn write_value_after_key(out: &mut String, indent: usize, v: &Yaml) {
    match v {
        Yaml::Map(m) if !m.is_empty() => {
            out.push('\n');
            write_map(out, indent + 2, m);
        }
        Yaml::Seq(s) if !s.is_empty() => {
            out.push('\n');
            write_seq(out, indent + 2, s);
        }
        Yaml::Str(s) => {
            if let Some((indicator, lines)) = block_literal(s) {
                out.push(' ');
                out.push_str(&indicator);
                out.push('\n');
                for l in lines {
                    if !l.is_empty() {
                        out.push_str(&" ".repeat(indent + 2));
                        out.push_str(l);
                    }
                    out.push('\n');
                }
            } else {
                out.push(' ');
                out.push_str(&scalar(v));
                out.push('\n');
            }
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, indent: usize, s: &[Yaml]) {
    for item in s {
        let (comments, item) = strip_comments(item);
        for c in comments {
            push_comment(out, indent, c);
        }
        // The comments of a map's first entry go above the dash, since that entry shares its line.
        if let Yaml::Map(m) = item {
            if let Some((_, first)) = m.first() {
                for c in strip_comments(first).0 {
                    push_comment(out, indent, c);
                }
            }
        }
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Yaml::Map(m) if !m.is_empty() => {
                // The first entry goes on the dash's line; the rest line up under it.
                let mut first = true;
                for (k, v) in m {
                    let (comments, v) = strip_comments(v);
                    if first {
                        out.push(' ');
                    } else {
                        for c in comments.iter() {
                            push_comment(out, indent + 2, c);
                        }
                        out.push_str(&" ".repeat(indent + 2));
                    }
                    first = false;
                    out.push_str(&key(k));
                    out.push(':');
                    write_value_after_key(out, indent + 2, v);
                }
            }
            Yaml::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, indent + 2, inner);
            }
            other if is_block(other) => {
                write_value_after_key(out, indent, other);
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn key(k: &str) -> String {
    if needs_quotes(k) {
        quote(k)
    } else {
        k.to_string()
    }
}

fn scalar(v: &Yaml) -> String {
    match v {
        Yaml::Null => "null".to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Int(i) => i.to_string(),
        Yaml::Str(s) => {
            if needs_quotes(s) {
                quote(s)
            } else {
                s.clone()
            }
        }
        Yaml::Seq(_) => "[]".to_string(),
        Yaml::Map(_) => "{}".to_string(),
        Yaml::Commented(_, inner) => scalar(inner),
    }
}

/// The literal block form of a multi-line string: its indicator (`|`, `|-`, `|+`, with an
/// indentation digit when the first line starts with a space) and its lines. `None` when the
/// string is one line or cannot be a literal block (trailing spaces, tabs, control characters).
fn block_literal(s: &str) -> Option<(String, Vec<&str>)> {
    if !s.contains('\n') || s.trim().is_empty() {
        return None;
    }
    if s.chars()
        .any(|c| (c.is_control() && c != '\n') || c == '\u{feff}')
    {
        return None;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let lines: Vec<&str> = body.split('\n').collect();
    if lines.iter().any(|l| l.ends_with(' ')) {
        return None;
    }
    let mut indicator = "|".to_string();
    if lines.first().is_some_and(|l| l.starts_with(' ')) {
        indicator.push('2');
    }
    match trailing {
        0 => indicator.push('-'),
        1 => {}
        _ => indicator.push('+'),
    }
    let mut lines = lines;
    if trailing > 1 {
        lines.extend(std::iter::repeat_n("", trailing - 1));
    }
    Some((indicator, lines))
}

/// Whether a plain scalar would be read as something other than this string.
fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | "null"
            | "~"
            | ".nan"
            | ".inf"
            | "-.inf"
            | "+.inf"
    ) {
        return true;
    }
    if looks_numeric(s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return true;
    }
    if s.contains("{{") {
        // Jinja expressions are always quoted in Ansible files.
        return true;
    }
    s.chars().any(|c| c.is_control() || c == '\u{feff}')
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    if t.is_empty() {
        return false;
    }
    let t2 = t.replace('_', "");
    if t2.parse::<f64>().is_ok() {
        return true;
    }
    if let Some(rest) = t2
        .strip_prefix("0x")
        .or_else(|| t2.strip_prefix("0o"))
        .or_else(|| t2.strip_prefix("0b"))
    {
        return !rest.is_empty() && rest.chars().all(|c| c.is_ascii_hexdigit());
    }
    // Sexagesimal numbers and times (YAML 1.1): 1:30, 12:00:00.
    t.contains(':')
        && t.split(':')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_nested_maps_and_sequences_indented() {
        let doc = Map::new()
            .with("apiVersion", "v1")
            .with("kind", "Service")
            .with(
                "spec",
                Map::new().with(
                    "ports",
                    vec![Yaml::from(
                        Map::new().with("name", "http").with("port", 8080i64),
                    )],
                ),
            );
        let text = document(&["Generated.".to_string()], &doc.into());
        assert_eq!(
            text,
            "# Generated.\n---\napiVersion: v1\nkind: Service\nspec:\n  ports:\n    - name: http\n      port: 8080\n"
        );
    }

    #[test]
    fn quotes_what_plain_yaml_would_misread() {
        for s in [
            "true", "1", "0x1f", "12:30", "", " x", "a: b", "- x", "{{ x }}", "on", "1e3",
        ] {
            assert!(needs_quotes(s), "{s:?} should be quoted");
        }
        for s in [
            "miniflux",
            "https://feed.example/",
            "v2.2.17",
            "64Mi",
            "tag:feed",
            "a-b",
        ] {
            assert!(!needs_quotes(s), "{s:?} should be plain");
        }
    }

    #[test]
    fn comments_on_the_first_entry_of_a_map_in_a_sequence_go_above_the_dash() {
        let item = Map::new()
            .with(
                "name",
                Yaml::Commented(vec!["First.".to_string()], Box::new("a".into())),
            )
            .with(
                "value",
                Yaml::Commented(vec!["Second.".to_string()], Box::new("b".into())),
            );
        let doc = Map::new().with("items", vec![Yaml::from(item)]);
        assert_eq!(
            document(&[], &doc.into()),
            "---\nitems:\n  # First.\n  - name: a\n    # Second.\n    value: b\n"
        );
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        let doc = Map::new().with("script", "echo a\necho b\n");
        assert_eq!(
            document(&[], &doc.into()),
            "---\nscript: |\n  echo a\n  echo b\n"
        );
    }
}
