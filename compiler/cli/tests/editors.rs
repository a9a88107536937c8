//! The editor support in `editors/` agrees with the compiler: one source of truth for the words
//! the grammars know.
//!
//! - the reserved words of the lexer (`syntax::KEYWORDS`) are exactly the keywords of the
//!   tree-sitter grammar (`grammar.js` and the generated `src/grammar.json`) and of the TextMate
//!   grammar (its `keywords` rules), and every highlight query highlights each of them;
//! - the declaration kinds, builtin functions and builtin type names the grammars highlight are
//!   the checker's (`check::schema::KINDS`, `check::builtins::NAMES`, `check::types`);
//! - the item attributes (`syntax::ATTRIBUTES`) are read and highlighted by both grammars;
//! - every VS Code snippet, its placeholders filled with their defaults, parses without a
//!   diagnostic.
//!
//! These tests only read files; editors/test.sh runs the grammars' own tools.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bops_core::check::{builtins, schema, types};
use bops_core::source::FileId;
use bops_core::syntax;
use serde_json::Value;

/// The `editors/` folder.
fn editors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../editors")
}

/// The text of a file under `editors/`.
fn read(relative: &str) -> String {
    let path = editors().join(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8(bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A JSON file under `editors/`.
fn json(relative: &str) -> Value {
    serde_json::from_str(&read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// A set of owned words.
fn set<'a>(words: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    words.into_iter().map(str::to_string).collect()
}

/// The lexer's reserved words.
fn keywords() -> BTreeSet<String> {
    set(syntax::KEYWORDS.iter().copied())
}

/// The declaration kinds: `tag`, `hostgroup`, ...
fn kinds() -> BTreeSet<String> {
    set(schema::KINDS.iter().map(|kind| kind.keyword()))
}

/// Asserts that a grammar's words are `expected`, naming what is missing and what is unknown.
fn assert_same(what: &str, found: &BTreeSet<String>, expected: &BTreeSet<String>) {
    let missing: Vec<&String> = expected.difference(found).collect();
    let unknown: Vec<&String> = found.difference(expected).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "{what} disagrees with the compiler:\n  missing: {missing:?}\n  unknown to the compiler: \
         {unknown:?}"
    );
}

/// Every `STRING` of tree-sitter's `grammar.json` that is a word: the keywords the generated
/// parser knows.
fn grammar_json_words(value: &Value, words: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("STRING") {
                if let Some(text) = map.get("value").and_then(Value::as_str) {
                    if !text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    {
                        words.insert(text.to_string());
                    }
                }
            }
            map.values().for_each(|v| grammar_json_words(v, words));
        }
        Value::Array(items) => items.iter().for_each(|v| grammar_json_words(v, words)),
        _ => {}
    }
}

/// The words of every `(?:a|b|c)` group in a regular expression.
fn regex_groups(pattern: &str) -> Vec<BTreeSet<String>> {
    let mut groups = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("(?:") {
        rest = &rest[start + 3..];
        let Some(end) = rest.find(')') else { break };
        let body = &rest[..end];
        if !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '|')
        {
            groups.push(set(body.split('|')));
        }
    }
    groups
}

/// The word groups of every `match` and `begin` in the TextMate grammar's repository rule `rule`.
fn textmate_groups(rule: &str) -> Vec<BTreeSet<String>> {
    let grammar = json("vscode/syntaxes/bops.tmLanguage.json");
    let patterns = grammar["repository"][rule]["patterns"]
        .as_array()
        .unwrap_or_else(|| panic!("the TextMate grammar has no repository rule `{rule}`"));
    patterns
        .iter()
        .flat_map(|pattern| [pattern["match"].as_str(), pattern["begin"].as_str()])
        .flatten()
        .flat_map(regex_groups)
        .collect()
}

/// The word lists of every `(#any-of? @capture "a" "b" ...)` predicate of a query.
fn any_of_lists(query: &str) -> Vec<BTreeSet<String>> {
    let mut lists = Vec::new();
    let mut rest = query;
    while let Some(start) = rest.find("(#any-of?") {
        rest = &rest[start..];
        let end = rest.find(')').expect("a closed predicate");
        let words = rest[..end]
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        lists.push(words);
        rest = &rest[end..];
    }
    lists
}

/// The item attributes (`@allow`) are highlighted by both grammars, and each one is exercised by
/// their assertion tests: tree-sitter's highlight test and the TextMate scope test write it with
/// its arguments, and both highlight queries capture the attribute's name.
#[test]
fn attributes_are_highlighted() {
    assert!(!syntax::ATTRIBUTES.is_empty());
    let grammar = json("tree-sitter-bops/src/grammar.json");
    assert!(
        grammar["rules"]["attribute"].is_object() && grammar["rules"]["attribute_name"].is_object(),
        "the tree-sitter grammar has no `attribute` rule"
    );
    let textmate = json("vscode/syntaxes/bops.tmLanguage.json");
    let top: Vec<&str> = textmate["patterns"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|pattern| pattern["include"].as_str())
        .collect();
    assert!(
        top.contains(&"#attribute") && textmate["repository"]["attribute"].is_object(),
        "the TextMate grammar does not read attributes at the top level"
    );
    for query in HIGHLIGHT_QUERIES {
        assert!(
            read(query).contains("name: (attribute_name) @attribute)"),
            "{query} does not highlight attribute names"
        );
    }
    let tree_sitter_test = read("tree-sitter-bops/test/highlight/items.bops");
    let textmate_test = read("vscode/test/items.test.bops");
    for name in syntax::ATTRIBUTES {
        // Both grammars read an attribute name as `[A-Za-z_][A-Za-z0-9_]*`.
        assert!(
            name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "`@{name}` is not a name the grammars read"
        );
        let written = format!("\n@{name}(");
        for (what, text) in [
            ("tree-sitter's highlight test", &tree_sitter_test),
            ("the TextMate scope test", &textmate_test),
        ] {
            assert!(
                text.contains(&written),
                "{what} does not exercise `@{name}(...)`"
            );
        }
    }
}

/// The highlight queries: tree-sitter's (also Neovim's) and Helix's.
const HIGHLIGHT_QUERIES: &[&str] = &[
    "tree-sitter-bops/queries/highlights.scm",
    "helix/queries/bops/highlights.scm",
];

#[test]
fn tree_sitter_keywords_are_the_lexers() {
    let grammar = read("tree-sitter-bops/grammar.js");
    let start = grammar
        .find("const KEYWORDS = [")
        .expect("grammar.js lists its KEYWORDS");
    let end = start + grammar[start..].find("];").expect("a closed KEYWORDS list");
    let listed = set(grammar[start..end].split('\'').skip(1).step_by(2));
    assert_same("grammar.js KEYWORDS", &listed, &keywords());

    let mut generated = BTreeSet::new();
    grammar_json_words(&json("tree-sitter-bops/src/grammar.json"), &mut generated);
    assert_same(
        "the words of the generated src/grammar.json (run `tree-sitter generate`)",
        &generated,
        &keywords(),
    );
}

#[test]
fn textmate_keywords_are_the_lexers() {
    let found = textmate_groups("keywords")
        .into_iter()
        .flatten()
        .collect::<BTreeSet<_>>();
    assert_same("the TextMate grammar's `keywords`", &found, &keywords());
}

#[test]
fn highlight_queries_highlight_every_keyword() {
    for path in HIGHLIGHT_QUERIES {
        let query = read(path);
        for keyword in syntax::KEYWORDS {
            // An anonymous token (`"if"`), or a named node that is the keyword (`(null)`).
            assert!(
                query.contains(&format!("\"{keyword}\""))
                    || query.contains(&format!("({keyword})")),
                "{path} does not highlight the keyword `{keyword}`"
            );
        }
    }
}

#[test]
fn declaration_kinds_are_the_checkers() {
    assert!(
        textmate_groups("references").contains(&kinds()),
        "the TextMate grammar's `references` rule should list exactly the kinds {:?}",
        kinds()
    );
    for path in HIGHLIGHT_QUERIES {
        assert!(
            any_of_lists(&read(path)).contains(&kinds()),
            "{path} should have an `#any-of?` listing exactly the kinds {:?}",
            kinds()
        );
    }
}

#[test]
fn builtin_functions_are_the_checkers() {
    let names = set(builtins::NAMES.iter().copied());
    assert!(
        textmate_groups("calls").contains(&names),
        "the TextMate grammar's `calls` rule should list exactly the builtins {names:?}"
    );
    for path in HIGHLIGHT_QUERIES {
        assert!(
            any_of_lists(&read(path)).contains(&names),
            "{path} should have an `#any-of?` listing exactly the builtins {names:?}"
        );
    }
}

#[test]
fn builtin_types_are_the_checkers() {
    let names = set(types::builtin_names());
    let found = textmate_groups("builtin-types")
        .into_iter()
        .flatten()
        .collect::<BTreeSet<_>>();
    assert_same("the TextMate grammar's `builtin-types`", &found, &names);
    for path in HIGHLIGHT_QUERIES {
        assert!(
            any_of_lists(&read(path)).contains(&names),
            "{path} should have an `#any-of?` listing exactly the builtin types {names:?}"
        );
    }
}

/// A snippet body with its tab stops replaced by their defaults: `${1:name}` is `name`, `$0` is
/// nothing.
fn expand(body: &str) -> String {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            let mut depth = 1;
            let mut inner = String::new();
            for c in chars.by_ref() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                inner.push(c);
            }
            let default = inner.split_once(':').map_or("", |(_, text)| text);
            out.push_str(&expand(default));
        } else {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        }
    }
    out
}

#[test]
fn snippets_expand_to_valid_bops() {
    let snippets = json("vscode/snippets/bops.code-snippets");
    let snippets = snippets.as_object().expect("an object of snippets");
    assert!(!snippets.is_empty());
    for (name, snippet) in snippets {
        let lines: Vec<&str> = snippet["body"]
            .as_array()
            .unwrap_or_else(|| panic!("snippet {name} has no body"))
            .iter()
            .map(|line| line.as_str().expect("a line of text"))
            .collect();
        let text = expand(&lines.join("\n"));
        // A snippet of an expression (a task) is checked as the value of a `let`.
        let source = if text.starts_with('{') {
            format!("let snippet = {text}\n")
        } else {
            format!("{text}\n")
        };
        let (_, diagnostics) = syntax::parse(FileId::default(), &source);
        assert!(
            diagnostics.is_empty(),
            "snippet `{name}` does not parse:\n{source}\n{diagnostics:#?}"
        );
    }
}

#[test]
fn snippet_expansion_fills_defaults() {
    assert_eq!(
        expand("tag ${1:feed} { owners = [${2:autogroup.admin}] }$0"),
        "tag feed { owners = [autogroup.admin] }"
    );
    assert_eq!(expand("let ${1:x} = ${2:f(${3:1})}$0"), "let x = f(1)");
}
