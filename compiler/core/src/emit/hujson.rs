//! A HuJSON (JSON with comments and trailing commas) document builder and printer.
//!
//! The Tailscale policy file is HuJSON. Emitters build a [`Value`] tree (objects keep insertion
//! order) and print it once with [`document`]. The printer writes the style of hand-written policy
//! files: tabs for indentation, one member per line, a trailing comma after every member and
//! element of a multi-line object or array, `//` comment lines before entries, short arrays of
//! scalars on one line (`["tcp:443"]`), and optionally the values of an object's one-line members
//! aligned in a column (`"ip":  ["*"]`). The output parses with a strict HuJSON (JWCC) parser:
//! comments are whole lines, strings are escaped the JSON way.

/// A HuJSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true`/`false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// An array.
    Array(Array),
    /// An object.
    Object(Object),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Array> for Value {
    fn from(a: Array) -> Value {
        Value::Array(a)
    }
}

impl From<Object> for Value {
    fn from(o: Object) -> Value {
        Value::Object(o)
    }
}

/// How an array is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// On one line, `["a", "b"]`, when every element is a scalar and none has comments.
    Inline,
    /// One element per line.
    Block,
}

/// An array element with the comment lines printed before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Comment lines, without `//`.
    pub comments: Vec<String>,
    /// The element.
    pub value: Value,
}

/// An array.
#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    /// The elements, in order.
    pub items: Vec<Item>,
    /// The preferred layout; a block is used anyway when an element is not a scalar or has
    /// comments.
    pub layout: Layout,
}

impl Array {
    /// An array printed on one line when it can be.
    pub fn inline<V: Into<Value>>(values: impl IntoIterator<Item = V>) -> Array {
        Array::with_layout(values, Layout::Inline)
    }

    /// An array printed one element per line.
    pub fn block<V: Into<Value>>(values: impl IntoIterator<Item = V>) -> Array {
        Array::with_layout(values, Layout::Block)
    }

    fn with_layout<V: Into<Value>>(values: impl IntoIterator<Item = V>, layout: Layout) -> Array {
        Array {
            items: values
                .into_iter()
                .map(|v| Item {
                    comments: Vec::new(),
                    value: v.into(),
                })
                .collect(),
            layout,
        }
    }

    /// Adds an element with comment lines before it.
    pub fn push_commented(&mut self, comments: Vec<String>, value: impl Into<Value>) {
        self.items.push(Item {
            comments,
            value: value.into(),
        });
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// An object member with the comment lines printed before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Comment lines, without `//`.
    pub comments: Vec<String>,
    /// Whether an empty line separates it from the member before.
    pub blank_before: bool,
    /// The key.
    pub key: String,
    /// The value.
    pub value: Value,
}

/// An object: members in insertion order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object {
    /// The members, in order.
    pub members: Vec<Member>,
    /// Whether the values of consecutive one-line members start in one column.
    pub align: bool,
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }

    /// An empty object whose one-line values are aligned in a column.
    pub fn aligned() -> Object {
        Object {
            members: Vec::new(),
            align: true,
        }
    }

    /// Adds a member.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Object {
        self.insert(key, value);
        self
    }

    /// Adds a member in place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) {
        self.push(Vec::new(), false, key, value);
    }

    /// Adds a member with comment lines before it, after an empty line when `blank_before`.
    pub fn push(
        &mut self,
        comments: Vec<String>,
        blank_before: bool,
        key: impl Into<String>,
        value: impl Into<Value>,
    ) {
        self.members.push(Member {
            comments,
            blank_before,
            key: key.into(),
            value: value.into(),
        });
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

/// Prints a document: `//` header lines, the root object, a final newline.
pub fn document(header: &[String], root: &Object) -> String {
    let mut out = String::new();
    for line in header {
        push_comment(&mut out, 0, line);
    }
    write_object(&mut out, 0, root);
    out.push('\n');
    out
}

/// Writes comment lines at an indentation; a line with a line break becomes several lines.
fn push_comment(out: &mut String, indent: usize, text: &str) {
    for line in text.split(['\n', '\r']) {
        push_tabs(out, indent);
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str("//\n");
        } else {
            out.push_str("// ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

fn push_tabs(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push('\t');
    }
}

fn is_scalar(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Str(_) => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// Whether a value prints on one line.
fn is_one_line(v: &Value) -> bool {
    match v {
        Value::Array(a) => prints_inline(a),
        other => is_scalar(other),
    }
}

fn prints_inline(a: &Array) -> bool {
    a.is_empty()
        || (a.layout == Layout::Inline
            && a.items
                .iter()
                .all(|i| i.comments.is_empty() && is_scalar(&i.value)))
}

fn write_value(out: &mut String, indent: usize, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Str(s) => push_string(out, s),
        Value::Array(a) => write_array(out, indent, a),
        Value::Object(o) => write_object(out, indent, o),
    }
}

fn write_array(out: &mut String, indent: usize, a: &Array) {
    if a.is_empty() {
        out.push_str("[]");
        return;
    }
    if prints_inline(a) {
        out.push('[');
        for (n, item) in a.items.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            write_value(out, indent, &item.value);
        }
        out.push(']');
        return;
    }
    out.push_str("[\n");
    for item in &a.items {
        for c in &item.comments {
            push_comment(out, indent + 1, c);
        }
        push_tabs(out, indent + 1);
        write_value(out, indent + 1, &item.value);
        out.push_str(",\n");
    }
    push_tabs(out, indent);
    out.push(']');
}

fn write_object(out: &mut String, indent: usize, o: &Object) {
    if o.is_empty() {
        out.push_str("{}");
        return;
    }
    let widths = if o.align {
        key_columns(o)
    } else {
        vec![0; o.members.len()]
    };
    out.push_str("{\n");
    for (n, (m, width)) in o.members.iter().zip(widths).enumerate() {
        if m.blank_before && n > 0 {
            out.push('\n');
        }
        for c in &m.comments {
            push_comment(out, indent + 1, c);
        }
        push_tabs(out, indent + 1);
        let key_start = out.len();
        push_string(out, &m.key);
        out.push(':');
        let key_width = out.get(key_start..).map_or(0, |k| k.chars().count());
        let pad = width.saturating_sub(key_width).max(1);
        out.push_str(&" ".repeat(pad));
        write_value(out, indent + 1, &m.value);
        out.push_str(",\n");
    }
    push_tabs(out, indent);
    out.push('}');
}

/// For each member, the column (in characters after the indentation) where its value starts:
/// one past the widest `"key":` of its run of consecutive one-line members. A member whose value
/// spans several lines, or that follows an empty line, ends a run.
fn key_columns(o: &Object) -> Vec<usize> {
    let mut columns = vec![0; o.members.len()];
    let mut run_start = 0;
    let mut widest = 0;
    for (n, m) in o.members.iter().enumerate() {
        let one_line = is_one_line(&m.value);
        if m.blank_before || !one_line {
            fill(&mut columns, run_start, n, widest);
            run_start = n;
            widest = 0;
        }
        if one_line {
            widest = widest.max(quoted_width(&m.key) + 2);
        } else {
            run_start = n + 1;
        }
    }
    fill(&mut columns, run_start, o.members.len(), widest);
    columns
}

fn fill(columns: &mut [usize], from: usize, to: usize, width: usize) {
    for c in columns.iter_mut().take(to).skip(from) {
        *c = width;
    }
}

fn quoted_width(s: &str) -> usize {
    let mut q = String::new();
    push_string(&mut q, s);
    q.chars().count()
}

/// Writes a JSON string literal.
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_tabs_trailing_commas_and_comments() {
        let mut grants = Array::block(Vec::<Value>::new());
        grants.push_commented(
            vec!["grant web".to_string(), "Members read the web.".to_string()],
            Object::aligned()
                .with("src", Array::inline(["autogroup:member"]))
                .with("dst", Array::inline(["tag:web"]))
                .with("ip", Array::inline(["tcp:443"])),
        );
        let mut root = Object::new();
        root.push(vec!["Grants".to_string()], false, "grants", grants);
        root.push(
            Vec::new(),
            true,
            "groups",
            Object::new().with("group:x", Array::block(["a@example.com"])),
        );
        let text = document(&["Generated.".to_string()], &root);
        assert_eq!(
            text,
            "// Generated.\n{\n\t// Grants\n\t\"grants\": [\n\t\t// grant web\n\t\t// Members read the web.\n\t\t{\n\t\t\t\"src\": [\"autogroup:member\"],\n\t\t\t\"dst\": [\"tag:web\"],\n\t\t\t\"ip\":  [\"tcp:443\"],\n\t\t},\n\t],\n\n\t\"groups\": {\n\t\t\"group:x\": [\n\t\t\t\"a@example.com\",\n\t\t],\n\t},\n}\n"
        );
    }

    #[test]
    fn escapes_strings_the_json_way() {
        let root = Object::new().with("k\"ey", "a\\b\n\u{1}\u{2028}é");
        assert_eq!(
            document(&[], &root),
            "{\n\t\"k\\\"ey\": \"a\\\\b\\n\\u0001\\u2028é\",\n}\n"
        );
    }

    #[test]
    fn comments_with_line_breaks_become_several_lines() {
        let mut root = Object::new();
        root.push(vec!["one\ntwo  \n\nthree".to_string()], false, "k", 1i64);
        assert_eq!(
            document(&[], &root),
            "{\n\t// one\n\t// two\n\t//\n\t// three\n\t\"k\": 1,\n}\n"
        );
    }

    #[test]
    fn alignment_runs_end_at_multi_line_values() {
        let o = Object::aligned()
            .with("a", 1i64)
            .with("long_key", Array::block(["x"]))
            .with("b", 2i64)
            .with("ccc", 3i64);
        assert_eq!(
            document(&[], &o),
            "{\n\t\"a\": 1,\n\t\"long_key\": [\n\t\t\"x\",\n\t],\n\t\"b\":   2,\n\t\"ccc\": 3,\n}\n"
        );
    }

    #[test]
    fn empty_containers_print_inline() {
        let o = Object::new()
            .with("a", Array::block(Vec::<Value>::new()))
            .with("o", Object::new())
            .with("n", Value::Null)
            .with("t", true);
        assert_eq!(
            document(&[], &o),
            "{\n\t\"a\": [],\n\t\"o\": {},\n\t\"n\": null,\n\t\"t\": true,\n}\n"
        );
    }
}
