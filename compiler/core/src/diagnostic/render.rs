//! Renderings of diagnostics: human text through ariadne, and JSON lines.
//!
//! Both renderings read positions from the [`SourceMap`]; ariadne is configured for byte
//! indices because all our spans are byte offsets.

use ariadne::{Color, Config, IndexType, Label as ALabel, Report, ReportKind};

use super::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// Renders diagnostics for a terminal; `color` turns ANSI colours on.
pub fn human(diagnostics: &[Diagnostic], sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&human_one(d, sources, color));
    }
    out
}

fn human_one(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let primary_color = match d.severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
    };
    // `error[B3001]: message`, the code inside our own header, rather than ariadne's
    // `[B3001] Error: message`.
    let title = format!("{}[{}]", d.severity.as_str(), d.code);
    let kind = ReportKind::Custom(&title, primary_color);
    let id = |span: Span| sources.path(span.file).to_string();
    let mut report = Report::build(kind, (id(d.primary.span), d.primary.span.range()))
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Byte),
        )
        .with_message(&d.message);
    let mut primary =
        ALabel::new((id(d.primary.span), d.primary.span.range())).with_color(primary_color);
    if !d.primary.message.is_empty() {
        primary = primary.with_message(&d.primary.message);
    }
    report = report.with_label(primary);
    for (i, l) in d.secondary.iter().enumerate() {
        let mut label = ALabel::new((id(l.span), l.span.range()))
            .with_color(Color::Blue)
            .with_order(i32::try_from(i + 1).unwrap_or(i32::MAX));
        if !l.message.is_empty() {
            label = label.with_message(&l.message);
        }
        report = report.with_label(label);
    }
    for n in &d.notes {
        report = report.with_note(n);
    }
    if let Some(h) = &d.help {
        report = report.with_help(h);
    }
    let cache = ariadne::sources(
        sources
            .iter()
            .map(|(_, f)| (f.path.clone(), f.text.clone())),
    );
    let mut buf = Vec::new();
    if report.finish().write(cache, &mut buf).is_err() {
        return format!("{}[{}]: {}\n", d.severity.as_str(), d.code, d.message);
    }
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    if !color {
        // ariadne colours a custom report kind even with colour off.
        text = strip_ansi(&text);
    }
    // Trailing spaces are noise in snapshots and terminals alike.
    let mut trimmed: String = text
        .lines()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    trimmed.push('\n');
    trimmed
}

/// Removes ANSI escape sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        }
    }
    out
}

/// Renders diagnostics as JSON lines, one object per diagnostic.
///
/// Fields: `code`, `severity`, `message`, `file`, `line`, `column`, `end_line`, `end_column`
/// (1-based, columns in characters), `labels` (each with `file`, `line`, `column`, `end_line`,
/// `end_column`, `message`, `primary`), `notes`, `help`.
pub fn json(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&json_value(d, sources).to_string());
        out.push('\n');
    }
    out
}

fn position(span: Span, sources: &SourceMap) -> (String, usize, usize, usize, usize) {
    let Some(file) = sources.get(span.file) else {
        return ("<unknown>".to_string(), 0, 0, 0, 0);
    };
    let (line, column) = file.line_col(span.start as usize);
    let (end_line, end_column) = file.line_col(span.end as usize);
    (file.path.clone(), line, column, end_line, end_column)
}

/// One diagnostic as a JSON value (see [`json`] for the fields).
pub fn json_value(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let (file, line, column, end_line, end_column) = position(d.primary.span, sources);
    let label = |span: Span, message: &str, primary: bool| {
        let (file, line, column, end_line, end_column) = position(span, sources);
        serde_json::json!({
            "file": file,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "message": message,
            "primary": primary,
        })
    };
    let mut labels = vec![label(d.primary.span, &d.primary.message, true)];
    labels.extend(d.secondary.iter().map(|l| label(l.span, &l.message, false)));
    serde_json::json!({
        "code": d.code.as_str(),
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "labels": labels,
        "notes": d.notes,
        "help": d.help,
    })
}
