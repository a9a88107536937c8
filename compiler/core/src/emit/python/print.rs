//! The printer of [`Module`]s: layout, string quoting, docstrings and empty lines the way
//! `ruff format` writes them.

use super::{Arg, Expr, Module, Stmt};

/// The line length `ruff format` uses by default.
pub const LINE_LENGTH: usize = 88;

const INDENT: &str = "    ";

/// Prints a module.
pub fn print(module: &Module) -> String {
    let mut lines: Vec<String> = Vec::new();
    for h in &module.header {
        push_comment_lines(&mut lines, 0, h);
    }
    if let Some(doc) = &module.docstring {
        lines.extend(docstring(doc));
    }
    let mut blanks = 0usize;
    let mut wrote_statement = false;
    let mut after_import = false;
    for stmt in &module.body {
        if *stmt == Stmt::Blank {
            blanks += 1;
            continue;
        }
        let mut wanted = if wrote_statement { blanks.min(2) } else { 0 };
        if !wrote_statement && module.docstring.is_some() {
            wanted = 1;
        }
        if after_import && !stmt.is_import() {
            wanted = wanted.max(1);
        }
        lines.extend(std::iter::repeat_n(String::new(), wanted));
        blanks = 0;
        write_stmt(&mut lines, stmt);
        wrote_statement = true;
        after_import = stmt.is_import();
    }
    let mut out = String::new();
    for line in lines {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn push_comment_lines(lines: &mut Vec<String>, indent: usize, text: &str) {
    for line in text.split(['\n', '\r']) {
        let line = line.trim_end();
        if line.is_empty() {
            lines.push(format!("{}#", INDENT.repeat(indent)));
        } else {
            lines.push(format!("{}# {line}", INDENT.repeat(indent)));
        }
    }
}

fn write_stmt(lines: &mut Vec<String>, stmt: &Stmt) {
    match stmt {
        Stmt::Import { module, alias } => match alias {
            Some(a) => lines.push(format!("import {module} as {a}")),
            None => lines.push(format!("import {module}")),
        },
        Stmt::ImportFrom { module, names } => {
            lines.push(format!("from {module} import {}", names.join(", ")));
        }
        Stmt::Assign { target, value } => assignment(lines, &format!("{target} = "), value),
        Stmt::Expr(e) => layout(lines, 0, "", e, ""),
        Stmt::Comment(c) => push_comment_lines(lines, 0, c),
        Stmt::Blank => lines.push(String::new()),
    }
}

/// Writes an assignment's value after `head` (`name = `) at the top level, choosing like
/// `ruff format`: the value on one line if it fits; else split at its last bracket pair if every
/// line then fits; else wrapped in parentheses on lines of its own if every line then fits; else
/// split at its last bracket pair anyway (or left on one line when it has none).
fn assignment(lines: &mut Vec<String>, head: &str, value: &Expr) {
    let fits = |text: &String| text.chars().count() <= LINE_LENGTH;
    let one_line = format!("{head}{}", flat(value));
    if fits(&one_line) {
        lines.push(one_line);
        return;
    }
    let mut split = Vec::new();
    layout(&mut split, 0, head, value, "");
    if opening(head, value).is_some() && split.iter().all(fits) {
        lines.extend(split);
        return;
    }
    let mut wrapped = vec![format!("{head}(")];
    layout(&mut wrapped, 1, "", value, "");
    wrapped.push(")".to_string());
    if wrapped.iter().all(fits) {
        lines.extend(wrapped);
    } else {
        lines.extend(split);
    }
}

/// The line that opens the bracket pair [`layout`] splits the expression at, if it has one.
fn opening(head: &str, expr: &Expr) -> Option<String> {
    match expr {
        Expr::Call(func, args) if !args.is_empty() => Some(format!("{head}{}(", flat(func))),
        Expr::List(items) if !items.is_empty() => Some(format!("{head}[")),
        Expr::Dict(entries) if !entries.is_empty() => Some(format!("{head}{{")),
        Expr::ListComp { .. } => Some(format!("{head}[")),
        Expr::Attr(inner, _) if ends_in_brackets(inner) && chain_calls(expr) < 2 => {
            opening(head, inner)
        }
        Expr::BinOp(left, op, right) if ends_in_brackets(right) => {
            opening(&format!("{head}{} {} ", flat(left), op.as_str()), right)
        }
        _ => None,
    }
}

/// Writes `head`, the expression and `tail` at an indentation level: on one line when it fits,
/// else split at the expression's last bracket pair.
fn layout(lines: &mut Vec<String>, indent: usize, head: &str, expr: &Expr, tail: &str) {
    let pad = INDENT.repeat(indent);
    let one_line = format!("{pad}{head}{}{tail}", flat(expr));
    if one_line.chars().count() <= LINE_LENGTH {
        lines.push(one_line);
        return;
    }
    match expr {
        Expr::Call(func, args) if !args.is_empty() => {
            lines.push(format!("{pad}{head}{}(", flat(func)));
            for a in args {
                match a {
                    Arg::Pos(e) => layout(lines, indent + 1, "", e, ","),
                    Arg::Kw(k, e) => layout(lines, indent + 1, &format!("{k}="), e, ","),
                }
            }
            lines.push(format!("{pad}){tail}"));
        }
        Expr::List(items) if !items.is_empty() => {
            lines.push(format!("{pad}{head}["));
            for e in items {
                layout(lines, indent + 1, "", e, ",");
            }
            lines.push(format!("{pad}]{tail}"));
        }
        Expr::Dict(entries) if !entries.is_empty() => {
            lines.push(format!("{pad}{head}{{"));
            for (k, v) in entries {
                layout(lines, indent + 1, &format!("{}: ", flat(k)), v, ",");
            }
            lines.push(format!("{pad}}}{tail}"));
        }
        Expr::ListComp {
            element,
            var,
            iter,
            cond,
        } => {
            // Like `ruff format`: the clauses on one line inside the brackets if they fit there,
            // else one clause per line.
            lines.push(format!("{pad}{head}["));
            let inner = INDENT.repeat(indent + 1);
            let content = comprehension(element, var, iter, cond.as_deref());
            let one = format!("{inner}{content}");
            if one.chars().count() <= LINE_LENGTH {
                lines.push(one);
            } else {
                lines.push(format!("{inner}{}", flat(element)));
                lines.push(format!("{inner}for {var} in {}", flat(iter)));
                if let Some(cond) = cond {
                    lines.push(format!("{inner}if {}", flat(cond)));
                }
            }
            lines.push(format!("{pad}]{tail}"));
        }
        Expr::Attr(inner, attr) if ends_in_brackets(inner) && chain_calls(expr) < 2 => {
            layout(lines, indent, head, inner, &format!(".{attr}{tail}"));
        }
        Expr::BinOp(left, op, right) if ends_in_brackets(right) => {
            let head = format!("{head}{} {} ", flat(left), op.as_str());
            layout(lines, indent, &head, right, tail);
        }
        _ => lines.push(one_line),
    }
}

/// How many attribute accesses of a chain follow a call (`a().b().c` has two). `ruff format` lays
/// out chains with two or more in its "fluent" style, one `.b()` per line inside parentheses; this
/// printer does not, and writes such a chain on one line.
fn chain_calls(e: &Expr) -> usize {
    match e {
        Expr::Attr(inner, _) => usize::from(matches!(**inner, Expr::Call(..))) + chain_calls(inner),
        Expr::Call(func, _) => chain_calls(func),
        _ => 0,
    }
}

/// Whether the expression's text ends with a bracket pair that can be split.
fn ends_in_brackets(e: &Expr) -> bool {
    match e {
        Expr::Call(_, args) => !args.is_empty(),
        Expr::List(items) => !items.is_empty(),
        Expr::Dict(entries) => !entries.is_empty(),
        Expr::ListComp { .. } => true,
        Expr::Attr(inner, _) => ends_in_brackets(inner),
        _ => false,
    }
}

/// The expression on one line.
fn flat(e: &Expr) -> String {
    match e {
        Expr::Name(n) => n.clone(),
        Expr::Str(s) => quote(s),
        Expr::Int(i) => i.to_string(),
        Expr::Bool(true) => "True".to_string(),
        Expr::Bool(false) => "False".to_string(),
        Expr::None => "None".to_string(),
        Expr::Attr(inner, attr) => match **inner {
            Expr::Int(_) | Expr::BinOp(..) => format!("({}).{attr}", flat(inner)),
            _ => format!("{}.{attr}", flat(inner)),
        },
        Expr::SliceTo(inner, end) => match **inner {
            Expr::Int(_) | Expr::BinOp(..) => format!("({})[:{end}]", flat(inner)),
            _ => format!("{}[:{end}]", flat(inner)),
        },
        Expr::Call(func, args) => {
            let args: Vec<String> = args
                .iter()
                .map(|a| match a {
                    Arg::Pos(e) => flat(e),
                    Arg::Kw(k, e) => format!("{k}={}", flat(e)),
                })
                .collect();
            format!("{}({})", flat(func), args.join(", "))
        }
        Expr::List(items) => {
            let items: Vec<String> = items.iter().map(flat).collect();
            format!("[{}]", items.join(", "))
        }
        Expr::Dict(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", flat(k), flat(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        Expr::BinOp(left, op, right) => {
            let right = match **right {
                Expr::BinOp(..) => format!("({})", flat(right)),
                _ => flat(right),
            };
            format!("{} {} {right}", flat(left), op.as_str())
        }
        Expr::Starred(inner) => format!("*{}", flat(inner)),
        Expr::ListComp {
            element,
            var,
            iter,
            cond,
        } => format!("[{}]", comprehension(element, var, iter, cond.as_deref())),
    }
}

/// The clauses of a list comprehension on one line: `element for var in iter if cond`.
fn comprehension(element: &Expr, var: &str, iter: &Expr, cond: Option<&Expr>) -> String {
    let mut text = format!("{} for {var} in {}", flat(element), flat(iter));
    if let Some(cond) = cond {
        text.push_str(&format!(" if {}", flat(cond)));
    }
    text
}

/// A string literal: double quotes unless the text holds more double quotes than single ones.
fn quote(s: &str) -> String {
    let doubles = s.matches('"').count();
    let singles = s.matches('\'').count();
    let q = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c => push_char_escaped(&mut out, c),
        }
    }
    out.push(q);
    out
}

/// Pushes a character, escaping control and invisible line-breaking characters.
fn push_char_escaped(out: &mut String, c: char) {
    let code = u32::from(c);
    if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' {
        if code <= 0xff {
            out.push_str(&format!("\\x{code:02x}"));
        } else {
            out.push_str(&format!("\\u{code:04x}"));
        }
    } else {
        out.push(c);
    }
}

/// The lines of a module docstring, normalised the way `ruff format` normalises docstrings.
fn docstring(text: &str) -> Vec<String> {
    let raw: Vec<String> = text
        .split(['\n', '\r'])
        .map(|l| expand_tabs(l).trim_end().to_string())
        .collect();
    let first_content = raw.iter().position(|l| !l.is_empty()).unwrap_or(raw.len());
    let last_content = raw.iter().rposition(|l| !l.is_empty()).map_or(0, |i| i + 1);
    let body: Vec<&String> = raw
        .iter()
        .skip(first_content)
        .take(last_content.saturating_sub(first_content))
        .collect();
    let Some((first, rest)) = body.split_first() else {
        return vec!["\"\"\"\"\"\"".to_string()];
    };
    let common = rest
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut lines: Vec<String> = vec![escape_docstring(first.trim_start())];
    for l in rest {
        lines.push(escape_docstring(l.get(common..).unwrap_or("")));
    }
    if lines.len() == 1 {
        let only = lines.concat();
        let sep = if ends_with_raw_quote(&only) { " " } else { "" };
        return vec![format!("\"\"\"{only}{sep}\"\"\"")];
    }
    let mut out = Vec::with_capacity(lines.len() + 1);
    for (n, l) in lines.into_iter().enumerate() {
        if n == 0 {
            out.push(format!("\"\"\"{l}"));
        } else {
            out.push(l);
        }
    }
    out.push("\"\"\"".to_string());
    out
}

/// Whether the text ends with a `"` that is not escaped (it would merge with the closing quotes).
fn ends_with_raw_quote(text: &str) -> bool {
    let Some(rest) = text.strip_suffix('"') else {
        return false;
    };
    let backslashes = rest.len() - rest.trim_end_matches('\\').len();
    backslashes % 2 == 0
}

fn expand_tabs(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if c == '\t' {
            let n = 8 - out.chars().count() % 8;
            out.push_str(&" ".repeat(n));
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes a docstring line: backslashes, quotes next to other quotes (so that no `"""` appears
/// inside), and control characters.
fn escape_docstring(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (n, c) in chars.iter().enumerate() {
        let prev_quote = n > 0 && chars.get(n - 1) == Some(&'"');
        let next_quote = chars.get(n + 1) == Some(&'"');
        match c {
            '\\' => out.push_str("\\\\"),
            '"' if prev_quote || next_quote => out.push_str("\\\""),
            c => push_char_escaped(&mut out, *c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::python::{name, string};

    fn module(body: Vec<Stmt>) -> Module {
        Module {
            header: Vec::new(),
            docstring: None,
            body,
        }
    }

    #[test]
    fn short_calls_stay_on_one_line() {
        let m = module(vec![Stmt::assign(
            "acl",
            name("tailscale").attr("Acl").call(vec![
                Arg::Pos(string("tailnet-acl")),
                Arg::kw("acl", name("policy")),
            ]),
        )]);
        assert_eq!(
            print(&m),
            "acl = tailscale.Acl(\"tailnet-acl\", acl=policy)\n"
        );
    }

    #[test]
    fn long_calls_split_one_argument_per_line_with_trailing_commas() {
        let tags: Vec<Expr> = ["tag:homelab", "tag:blumeops", "tag:forge", "tag:registry"]
            .into_iter()
            .map(string)
            .collect();
        let m = module(vec![Stmt::assign(
            "indri_tags",
            name("tailscale").attr("DeviceTags").call(vec![
                Arg::Pos(string("indri-tags")),
                Arg::kw("device_id", name("indri_device").attr("node_id")),
                Arg::kw("tags", Expr::List(tags)),
            ]),
        )]);
        assert_eq!(
            print(&m),
            "indri_tags = tailscale.DeviceTags(\n    \"indri-tags\",\n    device_id=indri_device.node_id,\n    tags=[\"tag:homelab\", \"tag:blumeops\", \"tag:forge\", \"tag:registry\"],\n)\n"
        );
    }

    #[test]
    fn nested_brackets_split_recursively() {
        let long: Vec<Expr> = (0..12)
            .map(|i| string(format!("tag:service-{i}")))
            .collect();
        let m = module(vec![Stmt::Expr(
            name("f").call(vec![Arg::kw("tags", Expr::List(long))]),
        )]);
        let text = print(&m);
        assert!(text.starts_with("f(\n    tags=[\n        \"tag:service-0\",\n"));
        assert!(text.ends_with("        \"tag:service-11\",\n    ],\n)\n"));
        assert!(text.lines().all(|l| l.len() <= LINE_LENGTH));
    }

    #[test]
    fn assignments_wrap_in_parentheses_when_the_opening_line_is_too_long() {
        let target = "v".repeat(65);
        let value = name("tailscale")
            .attr("get_device")
            .call(vec![Arg::kw("name", string("s".repeat(65)))]);
        let text = print(&module(vec![Stmt::assign(target.as_str(), value)]));
        assert_eq!(
            text,
            format!(
                "{target} = (\n    tailscale.get_device(\n        name=\"{}\",\n    )\n)\n",
                "s".repeat(65)
            )
        );
        // When the parentheses do not help, the value is split at its brackets anyway.
        let target = "v".repeat(85);
        let value = name("f").call(vec![Arg::kw("name", string("x"))]);
        let text = print(&module(vec![Stmt::assign(target.as_str(), value)]));
        assert_eq!(text, format!("{target} = f(\n    name=\"x\",\n)\n"));
        // A long string fits once wrapped.
        let target = "v".repeat(40);
        let text = print(&module(vec![Stmt::assign(
            target.as_str(),
            string("s".repeat(60)),
        )]));
        assert_eq!(
            text,
            format!("{target} = (\n    \"{}\"\n)\n", "s".repeat(60))
        );
    }

    #[test]
    fn comprehensions_split_like_ruff() {
        let comp = |iter: &str| {
            Expr::list_comp(
                name("a"),
                "a",
                name(iter),
                Some(string(".").binop(crate::emit::python::BinOp::In, name("a"))),
            )
        };
        let short = print(&module(vec![Stmt::assign("ipv4", comp("addresses"))]));
        assert_eq!(short, "ipv4 = [a for a in addresses if \".\" in a]\n");
        let long = "x".repeat(50);
        let text = print(&module(vec![Stmt::assign(long.as_str(), comp(&long))]));
        assert_eq!(
            text,
            format!("{long} = [\n    a for a in {long} if \".\" in a\n]\n")
        );
        let longer = "y".repeat(80);
        let text = print(&module(vec![Stmt::assign("v", comp(&longer))]));
        assert_eq!(
            text,
            format!("v = [\n    a\n    for a in {longer}\n    if \".\" in a\n]\n")
        );
        let or = print(&module(vec![Stmt::assign(
            "addresses",
            name("atlas_device")
                .attr("addresses")
                .binop(crate::emit::python::BinOp::Or, Expr::List(Vec::new())),
        )]));
        assert_eq!(or, "addresses = atlas_device.addresses or []\n");
        let starred = print(&module(vec![Stmt::assign(
            "values",
            Expr::List(vec![
                Expr::Starred(Box::new(name("atlas_ipv4"))),
                string("203.0.113.7"),
            ]),
        )]));
        assert_eq!(starred, "values = [*atlas_ipv4, \"203.0.113.7\"]\n");
    }

    #[test]
    fn strings_pick_quotes_like_ruff() {
        assert_eq!(quote("plain"), "\"plain\"");
        assert_eq!(quote("it's"), "\"it's\"");
        assert_eq!(quote("say \"hi\""), "'say \"hi\"'");
        assert_eq!(quote("a\\b\n\u{1}"), "\"a\\\\b\\n\\x01\"");
        assert_eq!(quote("\"'\""), "'\"\\'\"'");
    }

    #[test]
    fn blank_lines_follow_ruff_rules() {
        let m = Module {
            header: vec!["Generated.".to_string()],
            docstring: Some("  Summary.\n\n    indented\n      more\n".to_string()),
            body: vec![
                Stmt::Blank,
                Stmt::import("pulumi"),
                Stmt::Comment("After imports.".to_string()),
                Stmt::Blank,
                Stmt::Blank,
                Stmt::Blank,
                Stmt::Expr(name("f").call(Vec::new())),
                Stmt::Blank,
            ],
        };
        assert_eq!(
            print(&m),
            "# Generated.\n\"\"\"Summary.\n\nindented\n  more\n\"\"\"\n\nimport pulumi\n\n# After imports.\n\n\nf()\n"
        );
    }

    #[test]
    fn docstrings_never_close_early() {
        assert_eq!(
            docstring("Say \"\"\"hi\"\"\""),
            vec!["\"\"\"Say \\\"\\\"\\\"hi\\\"\\\"\\\"\"\"\"".to_string()]
        );
        assert_eq!(
            docstring("Ends with \"x\""),
            vec!["\"\"\"Ends with \"x\" \"\"\"".to_string()]
        );
        assert_eq!(docstring(""), vec!["\"\"\"\"\"\"".to_string()]);
    }
}
