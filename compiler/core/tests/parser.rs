//! Tests of the lexer and parser.
//!
//! - `tests/parser/ok/*.bops` must parse without any diagnostic;
//! - `tests/parser/err/*.bops` start with `// expect: B0001 B0005`, the codes the file must
//!   raise, in order of position, exactly;
//! - every fixture, example and standard library file keeps the span invariants of
//!   `parser/spans.rs`, also when cut short or with a token deleted (the fuzz test);
//! - the trees of two fixtures are snapshotted in a compact form (`parser/printer.rs`);
//! - the rest are focused tests of one behaviour each.
//!
//! To add a case, drop a `.bops` file in `ok/` or `err/`.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "parser/grammar.rs"]
mod grammar;
#[path = "parser/lexical.rs"]
mod lexical;
#[path = "parser/printer.rs"]
mod printer;
#[path = "parser/recovery.rs"]
mod recovery;
#[path = "parser/robustness.rs"]
mod robustness;
#[path = "parser/spans.rs"]
mod spans;

use std::path::{Path, PathBuf};

use bops_core::syntax::ast::{
    BinOp, CommentKind, Expr, ExprKind, File, ItemKind, Key, RecordEntryKind, StrPart,
    TypeExprKind, UnOp,
};
use bops_core::syntax::lexer::{self, Token};
use bops_core::syntax::{self, KEYWORDS};
use bops_core::{Diagnostic, FileId, SourceMap};

fn parse(text: &str) -> (File, Vec<Diagnostic>) {
    syntax::parse(FileId(0), text)
}

/// Parses text that must be free of errors.
fn parse_ok(text: &str) -> File {
    let (file, diagnostics) = parse(text);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics:\n{}",
        render(text, &diagnostics)
    );
    file
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn render(text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut sources = SourceMap::new();
    sources.add("test.bops", text, bops_core::source::Origin::Project);
    bops_core::diagnostic::render::human(diagnostics, &sources, false)
}

fn slice(text: &str, span: bops_core::Span) -> &str {
    text.get(span.range()).unwrap_or("<out of bounds>")
}

/// The value of the only item, a `let`.
fn let_value(file: &File) -> &Expr {
    match file.items.as_slice() {
        [item] => match &item.kind {
            ItemKind::Let(def) => &def.value,
            other => panic!("expected a let, found {other:?}"),
        },
        items => panic!("expected one item, found {}", items.len()),
    }
}

fn expr(text: &str) -> Expr {
    let source = format!("let x = {text}");
    let_value(&parse_ok(&source)).clone()
}

fn bops_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(bops_files(&path));
        } else if path.extension().is_some_and(|e| e == "bops") {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[allow(clippy::disallowed_methods)] // Tests may touch the filesystem; the library may not.
fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures(kind: &str) -> Vec<(PathBuf, String)> {
    let files = bops_files(&manifest_dir().join("tests/parser").join(kind));
    assert!(!files.is_empty(), "no fixtures in tests/parser/{kind}");
    files
        .into_iter()
        .map(|path| {
            let text = read(&path);
            (path, text)
        })
        .collect()
}

#[test]
fn ok_fixtures_parse_without_diagnostics() {
    for (path, text) in fixtures("ok") {
        let (file, diagnostics) = parse(&text);
        assert!(
            diagnostics.is_empty(),
            "{}:\n{}",
            path.display(),
            render(&text, &diagnostics)
        );
        assert!(
            !file.items.iter().any(|i| i.kind == ItemKind::Error),
            "{}: an error item without a diagnostic",
            path.display()
        );
        if let Err(problem) = spans::check(&text, &file, &diagnostics) {
            panic!("{}: {problem}", path.display());
        }
    }
}

#[test]
fn err_fixtures_raise_exactly_the_expected_codes() {
    for (path, text) in fixtures("err") {
        let expected: Vec<&str> = text
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("// expect:"))
            .map(|codes| codes.split_whitespace().collect())
            .unwrap_or_else(|| panic!("{}: no `// expect:` first line", path.display()));
        let (file, diagnostics) = parse(&text);
        assert_eq!(
            codes(&diagnostics),
            expected,
            "{}:\n{}",
            path.display(),
            render(&text, &diagnostics)
        );
        if let Err(problem) = spans::check(&text, &file, &diagnostics) {
            panic!("{}: {problem}", path.display());
        }
    }
}

#[test]
fn examples_and_stdlib_parse_without_diagnostics() {
    let root = manifest_dir().join("../..");
    let mut files = bops_files(&root.join("examples"));
    files.extend(bops_files(&root.join("stdlib")));
    assert!(!files.is_empty());
    for path in files {
        let text = read(&path);
        let (file, diagnostics) = parse(&text);
        assert!(
            diagnostics.is_empty(),
            "{}:\n{}",
            path.display(),
            render(&text, &diagnostics)
        );
        if let Err(problem) = spans::check(&text, &file, &diagnostics) {
            panic!("{}: {problem}", path.display());
        }
    }
}

#[test]
fn snapshots_of_two_fixtures() {
    for name in ["homelab", "expressions"] {
        let path = manifest_dir().join(format!("tests/parser/ok/{name}.bops"));
        let text = read(&path);
        let file = parse_ok(&text);
        insta::with_settings!({
            snapshot_path => "parser/snapshots",
            prepend_module_to_snapshot => false,
            description => format!("The syntax tree of tests/parser/ok/{name}.bops."),
        }, {
            insta::assert_snapshot!(name, printer::render(&file));
        });
    }
}
