//! The parser: tokens to a syntax tree, recovering from every error.
//!
//! [`parse`] runs the steps in order (one private module each):
//!
//! 1. [`lexer::lex`]: text to tokens, comments set aside, lexical errors reported (B0002, B0003,
//!    B0004);
//! 2. `delims`: every bracket closed (B0005 for an unclosed one, B0001 for a stray or mismatched
//!    closer), so recovery can always skip a whole group;
//! 3. the chumsky grammar (`items`, `expr`): a broken item becomes `ItemKind::Error` and parsing
//!    resumes at the next item; a broken list element, argument, parameter or record entry
//!    becomes an `Error` node and its siblings are kept (B0001);
//! 4. `docs`: comments kept as trivia, doc comments attached.
//!
//! Recursion and tree depth are bounded ([`MAX_RECURSION`], [`MAX_DEPTH`]) and the parser runs on
//! a thread with a stack large enough for the bound, so no input can overflow the stack; parsing
//! never fails: there is always a tree.
//!
//! One rule goes beyond "newlines are not significant": a line that starts in column 0, outside
//! any bracket, with an item keyword (`import let fn type enum`), two names (`tag feed`) or an
//! attribute (`@allow`, no space after `@`) always starts a new item, so `let a = 1 +` followed by such a line reports the missing operand there
//! instead of reading the next item as the operand.

mod delims;
mod docs;
mod errors;
mod expr;
mod items;
mod support;

use chumsky::inspector::SimpleState;
use chumsky::prelude::*;

use super::ast;
use super::lexer;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};

pub use support::{MAX_DEPTH, MAX_RECURSION};

/// The stack reserved for the parser's thread. chumsky's combinators take a lot of stack per
/// nesting level (about 15 KiB in release builds and 100 KiB in debug builds), so
/// [`MAX_RECURSION`] levels need more than the 2 MiB a spawned thread gets by default. The
/// memory is only reserved: pages are used as deep input touches them.
const PARSER_STACK: usize = 64 * 1024 * 1024;

/// The recursion limit when no thread could be started and the parser runs on the caller's
/// stack, of unknown size: low enough to fit in 2 MiB even in a debug build.
const FALLBACK_RECURSION: u32 = 16;

/// Parses one file: the tree, and the syntax diagnostics ordered by position.
///
/// The work happens on a scoped thread with a 64 MiB stack (reserved; only deep input uses much of
/// it), so that nesting up to [`MAX_RECURSION`] levels is safe whatever the caller's stack; if no
/// thread can be started, it happens here with a lower limit.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    let on_thread = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("bops-parser".to_string())
            .stack_size(PARSER_STACK)
            .spawn_scoped(scope, || parse_here(file, text, MAX_RECURSION))
            .ok()?;
        Some(handle.join())
    });
    match on_thread {
        Some(Ok(result)) => result,
        None => parse_here(file, text, FALLBACK_RECURSION),
        Some(Err(_)) => {
            // The parser panicked (a bug; the panic hook has reported it). Running it again here
            // would panic again, so return an empty tree with a diagnostic instead.
            let whole = Span::new(file, 0..text.len());
            let diagnostic = Diagnostic::error(
                codes::B0001,
                "internal error: the parser failed on this file",
                whole,
            )
            .with_label("this file could not be parsed")
            .with_note("this is a bug in bopsc; please report it with this file");
            (
                ast::File {
                    doc: None,
                    items: vec![ast::Item {
                        doc: None,
                        attributes: Vec::new(),
                        kind: ast::ItemKind::Error,
                        span: whole,
                    }],
                    comments: Vec::new(),
                },
                vec![diagnostic],
            )
        }
    }
}

/// Parses one file on the current thread, recursing at most `recursion_limit` levels.
fn parse_here(file: FileId, text: &str, recursion_limit: u32) -> (ast::File, Vec<Diagnostic>) {
    let lexed = lexer::lex(file, text);
    let mut diagnostics = lexed.diagnostics;
    let doc_targets = lexed.tokens.clone();
    let tokens = delims::balance(file, text, lexed.tokens, &mut diagnostics);

    let starts = delims::starts(text, &tokens);
    let mut state = SimpleState(support::ParseState {
        depth: 0,
        recursion_limit,
        line_starts: starts.lines,
        item_starts: starts.items,
        hard_item_starts: starts.hard_items,
    });
    let end = SimpleSpan::from(text.len()..text.len());
    let input = tokens.as_slice().map(end, |(token, at)| (token, at));
    let (items, errors) = items::file(file)
        .parse_with_state(input, &mut state)
        .into_output_errors();
    let mut too_deep_reported = false;
    for error in &errors {
        let Some(diagnostic) = errors::convert(file, error) else {
            continue;
        };
        // A nesting problem is reported once per file: the rest are the same problem again.
        if diagnostic.message == support::TOO_DEEP {
            if too_deep_reported {
                continue;
            }
            too_deep_reported = true;
        }
        diagnostics.push(diagnostic);
    }
    let items = items.unwrap_or_else(|| {
        // The grammar recovers from every error, so this is not expected; keep a tree anyway.
        let whole = Span::new(file, 0..text.len());
        if !diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.push(
                Diagnostic::error(codes::B0001, "this file could not be parsed", whole)
                    .with_label("unreadable"),
            );
        }
        vec![ast::Item {
            doc: None,
            attributes: Vec::new(),
            kind: ast::ItemKind::Error,
            span: whole,
        }]
    });

    let mut tree = ast::File {
        doc: None,
        items,
        comments: Vec::new(),
    };
    docs::attach(file, &mut tree, &lexed.comments, &doc_targets);
    diagnostics.sort_by_key(|d| (d.primary.span.start, d.primary.span.end, d.code));
    (tree, diagnostics)
}
