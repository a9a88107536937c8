//! Turning chumsky's errors into diagnostics a user can read.
//!
//! Every parse error is a B0001 "expected X, found Y". The expected set that chumsky collects is
//! summarised: labels ("an expression", "a name") are kept, binary and postfix operators are
//! folded into "an operator", and an error about a token already reported by the lexer
//! ([`Token::Error`]) is dropped.

use chumsky::error::{Rich, RichPattern, RichReason};
use chumsky::span::SimpleSpan;

use super::support::{COMPREHENSION_ELEMENTS, INTERPOLATED_KEY, POSITIONAL_AFTER_NAMED, TOO_DEEP};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::lexer::Token;

/// Converts one parse error, or drops it when it is about input already reported.
pub fn convert(file: FileId, error: &Rich<'_, Token<'_>, SimpleSpan>) -> Option<Diagnostic> {
    let at = *error.span();
    let at = if at.start > at.end {
        SimpleSpan::from(at.end..at.end)
    } else {
        at
    };
    let at = Span::new(file, at.into_range());
    match error.reason() {
        RichReason::Custom(message) if message == TOO_DEEP => Some(
            Diagnostic::error(codes::B0001, TOO_DEEP, at)
                .with_label("too many levels of nesting here")
                .with_help("split the expression with `let` bindings"),
        ),
        RichReason::Custom(message) => {
            let label = match message.as_str() {
                POSITIONAL_AFTER_NAMED => "positional argument after a named one",
                INTERPOLATED_KEY => "interpolation in a key",
                COMPREHENSION_ELEMENTS => "only one element may come before 'for'",
                _ => "here",
            };
            Some(Diagnostic::error(codes::B0001, message.clone(), at).with_label(label))
        }
        RichReason::ExpectedFound { expected, found } => {
            let found = found.as_deref();
            // About input already reported, or about a closer that balancing inserted (empty,
            // unlike the end of the file, which has no token): the earlier report covers it.
            if matches!(found, Some(Token::Error)) || (found.is_some() && at.start == at.end) {
                return None;
            }
            let found_text = found.map_or("the end of the file".to_string(), Token::describe);
            let expected_text = summarise(expected);
            let message = match &expected_text {
                Some(expected) => format!("expected {expected}, found {found_text}"),
                None => format!("unexpected {found_text}"),
            };
            let label = match &expected_text {
                Some(expected) => format!("expected {expected}"),
                None => "unexpected".to_string(),
            };
            Some(Diagnostic::error(codes::B0001, message, at).with_label(label))
        }
    }
}

/// Operators that may continue an expression; listed once as "an operator".
const OPERATORS: &[&str] = &[
    "||", "&&", "==", "!=", "<", "<=", ">", ">=", "@", "+", "-", "*", "/", "%", ".", "[", "(",
];

/// "A, B or C": tokens, then labels, then "an operator"; `None` when nothing useful is expected.
fn summarise(expected: &[RichPattern<'_, Token<'_>>]) -> Option<String> {
    let mut items: Vec<(u8, String)> = Vec::new();
    let mut operator = false;
    for pattern in expected {
        let item = match pattern {
            RichPattern::Label(label) => (2, label.to_string()),
            RichPattern::Token(token) => match &**token {
                Token::Punct(p) if OPERATORS.contains(p) => {
                    operator = true;
                    continue;
                }
                Token::Punct(p) => (1, format!("'{p}'")),
                Token::Keyword(k) => (1, format!("'{k}'")),
                Token::InterpEnd => (1, "'}'".to_string()),
                Token::StrEnd => (1, "'\"'".to_string()),
                other => (2, other.describe()),
            },
            RichPattern::Identifier(name) => (1, format!("'{name}'")),
            RichPattern::EndOfInput => (4, "the end of the file".to_string()),
            RichPattern::Any => (4, "more input".to_string()),
            RichPattern::SomethingElse => continue,
        };
        // "An operator" is the least interesting option: it only says the expression could
        // have gone on.
        let item = if item.1 == "an operator" {
            operator = true;
            continue;
        } else {
            item
        };
        if !items.contains(&item) {
            items.push(item);
        }
    }
    if operator {
        items.push((3, "an operator".to_string()));
    }
    items.sort_by_key(|(rank, _)| *rank);
    let mut words: Vec<String> = items.into_iter().map(|(_, text)| text).collect();
    let last = words.pop()?;
    if words.is_empty() {
        return Some(last);
    }
    Some(format!("{} or {last}", words.join(", ")))
}
