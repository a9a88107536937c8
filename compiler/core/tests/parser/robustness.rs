//! No input crashes the parser: deep nesting, fuzzed files, random bytes, a large file.

use super::*;
/// Parses on a thread with a 2 MiB stack, as test threads and many runtimes have.
fn parse_on_small_stack(text: String) -> (File, Vec<Diagnostic>) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || syntax::parse(FileId(0), &text))
        .and_then(|h| {
            h.join()
                .map_err(|_| std::io::Error::other("the parser panicked"))
        })
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn ten_thousand_open_brackets_give_a_nesting_error_not_a_crash() {
    let text = format!("let x = {}\nlet y = 1\n", "[".repeat(10_000));
    let (file, diagnostics) = parse_on_small_stack(text.clone());
    assert_eq!(codes(&diagnostics), ["B0001", "B0005"], "{:?}", diagnostics);
    assert_eq!(diagnostics[0].message, "this is nested too deeply");
    assert!(spans::check(&text, &file, &diagnostics).is_ok());
}

#[test]
fn every_kind_of_deep_nesting_is_bounded() {
    let n = 10_000;
    let cases = [
        format!("let x = {}1{}", "[".repeat(n), "]".repeat(n)),
        format!("let x = {}1{}", "(".repeat(n), ")".repeat(n)),
        format!("tag x {} {}", "{ a = ".repeat(n), "}".repeat(n)),
        format!("tag x {{ {} }}", "a { ".repeat(n) + &"}".repeat(n)),
        format!("let x = {}1", "if a then b else ".repeat(n)),
        format!("let x = {}1", "let a = 1 in ".repeat(n)),
        format!("let x = {}1", "- ".repeat(n * 5)),
        format!("let x = {}1", "!".repeat(n * 5)),
        format!("let x = 1{}", " + 1".repeat(n * 5)),
        format!("let x = a{}", ".b".repeat(n * 5)),
        format!("let x = a{}", "()".repeat(n)),
        format!("let x = a{}", "[0]".repeat(n)),
        format!("let x: {}int{} = 1", "list<".repeat(n), ">".repeat(n)),
        format!("let x: {} = 1", "{ a: ".repeat(n)),
        format!("let x = {}", "[a for a in ".repeat(n)),
        format!("let x = {}", "\"${".repeat(n)),
        format!("let x = \"${{{}", "{".repeat(n)),
        format!(
            "let x = {}1{}",
            "(1 + 1 + 1 + 1 + 1 + ".repeat(1000),
            ")".repeat(1000)
        ),
    ];
    for text in cases {
        let (file, diagnostics) = parse_on_small_stack(text.clone());
        let head: String = text.chars().take(40).collect();
        assert!(
            diagnostics.iter().any(|d| d.code.as_str() == "B0001"),
            "{head}: {diagnostics:?}"
        );
        assert!(
            diagnostics
                .iter()
                .filter(|d| d.message == "this is nested too deeply")
                .count()
                <= 1,
            "{head}: reported more than once"
        );
        if let Err(problem) = spans::check(&text, &file, &diagnostics) {
            panic!("{head}: {problem}");
        }
    }
}

#[test]
fn the_tree_is_never_deeper_than_the_limit() {
    fn depth(e: &Expr) -> usize {
        1 + match &e.kind {
            ExprKind::Binary { lhs, rhs, .. } => depth(lhs).max(depth(rhs)),
            ExprKind::Unary { expr, .. } => depth(expr),
            ExprKind::Field(t, _) => depth(t),
            ExprKind::List(items) => items.iter().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    let limit = syntax::parser::MAX_DEPTH as usize;
    for text in [
        format!("let x = 1{}", " + 1".repeat(1000)),
        format!("let x = {}1", "-".repeat(1000)),
        format!("let x = [{}1{}]", "[1 + ".repeat(200), "]".repeat(200)),
    ] {
        let (file, diagnostics) = parse_on_small_stack(text);
        assert_eq!(codes(&diagnostics), ["B0001"]);
        assert!(depth(let_value(&file)) <= limit);
    }
    // Just below the limit is fine.
    let text = format!("let x = 1{}", " + 1".repeat(limit - 2));
    parse_ok(&text);
}

/// A small deterministic generator, so the fuzz test needs no dependency and always runs the
/// same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every variant of one source: cut short at many offsets, and with single tokens deleted.
fn mutations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let step = (text.len() / 40).max(1);
    let mut cut = 0;
    while cut < text.len() {
        if text.is_char_boundary(cut) {
            out.push(text[..cut].to_string());
        }
        cut += step;
    }
    let tokens = lexer::lex(FileId(0), text).tokens;
    let step = (tokens.len() / 40).max(1);
    for (token, at) in tokens.iter().step_by(step) {
        let _ = token;
        let mut mutated = String::with_capacity(text.len());
        mutated.push_str(&text[..at.start]);
        mutated.push_str(&text[at.end..]);
        out.push(mutated);
    }
    out
}

fn check_robust(origin: &str, text: &str) {
    let (file, diagnostics) = parse(text);
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.message.starts_with("internal error")),
        "{origin}: the parser panicked on:\n{text}"
    );
    if let Err(problem) = spans::check(text, &file, &diagnostics) {
        panic!("{origin}: {problem} in:\n{text}");
    }
}

#[test]
fn fuzz_cut_and_deleted_tokens_never_panic_and_keep_spans_valid() {
    let root = manifest_dir().join("../..");
    let mut files = bops_files(&manifest_dir().join("tests/parser"));
    files.extend(bops_files(&root.join("examples")));
    files.extend(bops_files(&root.join("stdlib")));
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|p| (p.display().to_string(), read(p)))
        .collect();
    // Two workers: the parses are independent.
    std::thread::scope(|scope| {
        for half in [0, 1] {
            let sources = &sources;
            scope.spawn(move || {
                for (index, (origin, text)) in sources.iter().enumerate() {
                    if index % 2 != half {
                        continue;
                    }
                    for mutated in mutations(text) {
                        check_robust(origin, &mutated);
                    }
                }
            });
        }
    });
}

#[test]
fn fuzz_random_input_never_panics_and_keeps_spans_valid() {
    const PIECES: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "\"",
        "${",
        "\\",
        ",",
        ";",
        ".",
        "...",
        "=",
        "==",
        "->",
        "+",
        "-",
        "*",
        "!",
        "@",
        "?",
        ":",
        "<",
        ">",
        "&&",
        "||",
        "\n",
        " ",
        "//",
        "///",
        "//!",
        "let",
        "fn",
        "type",
        "enum",
        "import",
        "if",
        "then",
        "else",
        "for",
        "in",
        "as",
        "on",
        "self",
        "null",
        "true",
        "tag",
        "host",
        "a",
        "b-c",
        "42",
        "1.5Gi",
        "12h",
        "é",
        "#",
        "&",
        "\t",
        "99999999999999999999",
        "\"x\"",
        "\"${a}\"",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..400 {
        let mut text = String::new();
        let length = rng.below(60);
        for _ in 0..length {
            if rng.below(20) == 0 {
                // Arbitrary bytes, made valid UTF-8 as the CLI would read them.
                let bytes: Vec<u8> = (0..rng.below(6)).map(|_| rng.next() as u8).collect();
                text.push_str(&String::from_utf8_lossy(&bytes));
            } else {
                text.push_str(PIECES[rng.below(PIECES.len())]);
            }
        }
        check_robust(&format!("random input {round}"), &text);
    }
}

/// Not a timed test: builds a 1 MB file from the example project and checks that it parses
/// cleanly. Run it in release mode to see how long parsing takes:
/// `cargo test --release -p bops_core --test parser -- --ignored --nocapture one_megabyte`.
#[test]
#[ignore]
#[allow(clippy::disallowed_methods)] // Only reports the time; nothing depends on it.
fn one_megabyte_file() {
    let root = manifest_dir().join("../..");
    let mut files = bops_files(&root.join("examples"));
    files.extend(bops_files(&manifest_dir().join("tests/parser/ok")));
    let mut unit = String::new();
    for path in files {
        let text = read(&path);
        // Module docs are only allowed before the first item; keep them plain comments.
        unit.push_str(&text.replace("//!", "//"));
        unit.push('\n');
    }
    let mut text = String::new();
    while text.len() < 1_000_000 {
        text.push_str(&unit);
    }
    let start = std::time::Instant::now();
    let (file, diagnostics) = parse(&text);
    let elapsed = start.elapsed();
    assert!(diagnostics.is_empty(), "{}", render(&text, &diagnostics));
    println!(
        "parsed {} bytes ({} items) in {elapsed:?}",
        text.len(),
        file.items.len()
    );
}
