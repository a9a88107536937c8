//! The lexer: `.bops` text to a flat list of tokens with byte spans.
//!
//! It is written with chumsky over `&str` and never fails: whitespace is skipped, comments become
//! [`Token::Comment`], and a run of characters that cannot start any token is reported once
//! (B0003) and becomes one [`Token::Error`], which the parser reads without reporting it again.
//!
//! A string is not one token but a flat sequence, so the parser can read interpolations like any
//! other expression: `"a ${x} b"` is `StrStart StrText("a ") InterpStart Ident(x) InterpEnd
//! StrText(" b") StrEnd`. A string and its interpolations end at the end of their line; one that is
//! not closed there is reported (B0002) and gets a zero-width `StrEnd`, so lexing continues on the
//! next line. Nested strings and braces inside interpolations are limited to
//! [`MAX_STRING_NESTING`] levels, so no input can overflow the stack.

use std::borrow::Cow;

use chumsky::container::Container;
use chumsky::error::LabelError;
use chumsky::extra;
use chumsky::inspector::SimpleState;
use chumsky::prelude::*;
use chumsky::util::MaybeRef;

mod token;

use super::ast::CommentKind;
use super::KEYWORDS;
use crate::diagnostic::{codes, Code, Diagnostic};
use crate::source::{FileId, Span};

/// How deeply strings and braces may nest inside interpolations (`"${"${...}"}"`).
pub const MAX_STRING_NESTING: u32 = 32;

/// The punctuation of the language, longest first so that `...` wins over `.`.
pub const PUNCTUATION: &[&str] = &[
    "...", "->", "==", "!=", "<=", ">=", "&&", "||", "{", "}", "[", "]", "(", ")", ",", ";", ".",
    "=", "<", ">", "+", "-", "*", "/", "%", "!", "@", "?", ":",
];

pub use token::{Spanned, Token};

/// The result of lexing one file.
#[derive(Debug, Default)]
pub struct Lexed<'src> {
    /// The tokens the parser reads: no comments; each run of invalid characters is one
    /// [`Token::Error`].
    pub tokens: Vec<Spanned<Token<'src>>>,
    /// The comments in source order: kind, text after the marker, span.
    pub comments: Vec<Spanned<(CommentKind, &'src str)>>,
    /// Lexical errors (B0002, B0003, B0004, and B0001 for strings nested too deeply).
    pub diagnostics: Vec<Diagnostic>,
}

/// Lexes one file.
pub fn lex(file: FileId, text: &str) -> Lexed<'_> {
    let mut state = SimpleState(LexState::default());
    let (output, errors) = lexer()
        .parse_with_state(text, &mut state)
        .into_output_errors();
    let mut lexed = Lexed::default();
    for error in errors {
        let span = Span::new(file, error.span.into_range());
        let mut diagnostic =
            Diagnostic::error(error.code, error.message, span).with_label(error.label);
        if let Some(help) = error.help {
            diagnostic = diagnostic.with_help(help);
        }
        lexed.diagnostics.push(diagnostic);
    }
    let Some(Flat(raw)) = output else {
        // The lexer accepts every input, so this is not expected; report rather than panic.
        let span = Span::new(file, 0..text.len());
        lexed.diagnostics.push(
            Diagnostic::error(codes::B0003, "this file could not be read", span)
                .with_label("unreadable input"),
        );
        return lexed;
    };
    let mut invalid: Option<SimpleSpan> = None;
    for (token, span) in raw {
        if token == Token::Invalid {
            invalid = Some(match invalid {
                Some(run) => SimpleSpan::from(run.start..span.end),
                None => span,
            });
            continue;
        }
        if let Some(run) = invalid.take() {
            lexed.diagnostics.push(invalid_characters(file, text, run));
            lexed.tokens.push((Token::Error, run));
        }
        match token {
            Token::Comment(kind, body) => lexed.comments.push(((kind, body), span)),
            token => lexed.tokens.push((token, span)),
        }
    }
    if let Some(run) = invalid {
        lexed.diagnostics.push(invalid_characters(file, text, run));
        lexed.tokens.push((Token::Error, run));
    }
    lexed
}

/// The B0003 diagnostic for a run of invalid characters.
fn invalid_characters(file: FileId, text: &str, run: SimpleSpan) -> Diagnostic {
    let chars = text.get(run.into_range()).unwrap_or("");
    let count = chars.chars().filter(|c| !c.is_ascii_whitespace()).count();
    let shown: String = chars.chars().take(16).collect();
    let message = if chars.starts_with('#') {
        "invalid character '#'".to_string()
    } else if count == 1 {
        format!("invalid character '{}'", shown.trim())
    } else {
        format!("invalid characters '{}'", shown.trim())
    };
    let diagnostic = Diagnostic::error(codes::B0003, message, Span::new(file, run.into_range()))
        .with_label("not part of the language");
    match chars.chars().next() {
        Some('&') => diagnostic.with_help("the logical and operator is written '&&'"),
        Some('|') => diagnostic.with_help(
            "the logical or operator is written '||'; a union of types is not written in source",
        ),
        Some('\'') => diagnostic.with_help("strings are written with double quotes: \"text\""),
        Some('#') => diagnostic.with_help("comments start with '//'"),
        Some(c) if !c.is_ascii() => diagnostic.with_help(
            "names and operators use ASCII characters only; non-ASCII text belongs in a string",
        ),
        _ => diagnostic,
    }
}

/// The lexer's state: how deeply strings and interpolation braces are nested right now.
#[derive(Debug, Default)]
struct LexState {
    depth: u32,
}

/// A lexical error: a chumsky error type that carries its diagnostic code.
#[derive(Debug)]
struct LexError {
    code: Code,
    message: Cow<'static, str>,
    label: &'static str,
    help: Option<&'static str>,
    span: SimpleSpan,
}

impl LexError {
    /// A lexical error; building one does not allocate unless the message does.
    fn new(
        code: Code,
        span: SimpleSpan,
        message: impl Into<Cow<'static, str>>,
        label: &'static str,
    ) -> LexError {
        LexError {
            code,
            message: message.into(),
            label,
            help: None,
            span,
        }
    }

    fn with_help(mut self, help: &'static str) -> LexError {
        self.help = Some(help);
        self
    }
}

impl<'src> chumsky::error::Error<'src, &'src str> for LexError {}

impl<'src, L> LabelError<'src, &'src str, L> for LexError {
    fn expected_found<E: IntoIterator<Item = L>>(
        _expected: E,
        _found: Option<MaybeRef<'src, char>>,
        span: SimpleSpan,
    ) -> Self {
        LexError::new(
            codes::B0003,
            span,
            "unexpected character",
            "not part of the language",
        )
    }
}

type LexExtra = extra::Full<LexError, SimpleState<LexState>, ()>;

/// What one lexer step produces: one token, or the several tokens of a string.
#[derive(Clone)]
enum Piece<'src> {
    One(Spanned<Token<'src>>),
    Many(Vec<Spanned<Token<'src>>>),
    Nothing,
}

/// A token list that flattens [`Piece`]s as they are collected.
#[derive(Default)]
struct Flat<'src>(Vec<Spanned<Token<'src>>>);

impl<'src> Container<Piece<'src>> for Flat<'src> {
    fn push(&mut self, item: Piece<'src>) {
        match item {
            Piece::One(token) => self.0.push(token),
            Piece::Many(tokens) => self.0.extend(tokens),
            Piece::Nothing => {}
        }
    }
}

/// Runs `parser` one nesting level deeper, or fails when the limit is reached.
fn nested<'src, O, P>(parser: P) -> impl Parser<'src, &'src str, O, LexExtra> + Clone
where
    P: Parser<'src, &'src str, O, LexExtra> + Clone,
{
    custom(
        move |inp: &mut chumsky::input::InputRef<'src, '_, &'src str, LexExtra>| {
            let before = inp.cursor();
            if inp.state().depth >= MAX_STRING_NESTING {
                let span = inp.span_since(&before);
                return Err(LexError::new(
                    codes::B0001,
                    span,
                    "nested too deeply",
                    "too deep",
                ));
            }
            inp.state().depth += 1;
            let out = inp.parse(&parser);
            inp.state().depth -= 1;
            out
        },
    )
}

/// The whole lexer: every input is accepted.
fn lexer<'src>() -> impl Parser<'src, &'src str, Flat<'src>, LexExtra> {
    let comment = just("//")
        .ignore_then(none_of('\n').repeated().to_slice())
        .map_with(|body: &'src str, e| {
            let body = body.strip_suffix('\r').unwrap_or(body);
            let span: SimpleSpan = e.span();
            let end = span.start + 2 + body.len();
            let (kind, body) = if body.starts_with('/') && !body.starts_with("//") {
                (CommentKind::Doc, body.get(1..).unwrap_or(""))
            } else if body.starts_with('!') {
                (CommentKind::ModuleDoc, body.get(1..).unwrap_or(""))
            } else {
                (CommentKind::Line, body)
            };
            Piece::One((
                Token::Comment(kind, body),
                SimpleSpan::from(span.start..end),
            ))
        });

    let word_char = any().filter(|c: &char| c.is_ascii_alphanumeric() || *c == '_');
    let ident = any()
        .filter(|c: &char| c.is_ascii_alphabetic() || *c == '_')
        .then(word_char.repeated())
        .then(
            just('-')
                .repeated()
                .at_least(1)
                .then(word_char.repeated().at_least(1))
                .repeated(),
        )
        .to_slice()
        .map_with(|word: &'src str, e| {
            let token = match KEYWORDS.iter().find(|k| **k == word) {
                Some(keyword) => Token::Keyword(keyword),
                None => Token::Ident(word),
            };
            Piece::One((token, e.span()))
        });

    let digit = any().filter(char::is_ascii_digit);
    let digits = digit
        .then(
            any()
                .filter(|c: &char| c.is_ascii_digit() || *c == '_')
                .repeated(),
        )
        .to_slice();
    let number = digits
        .then(just('.').ignore_then(digits).or_not())
        .then(
            any()
                .filter(char::is_ascii_alphabetic)
                .repeated()
                .at_least(1)
                .to_slice()
                .or_not(),
        )
        .validate(
            |((whole, fraction), unit): ((&'src str, Option<&'src str>), Option<&'src str>),
             e,
             emitter| {
                let span: SimpleSpan = e.span();
                let mut number: String = whole.chars().filter(|c| *c != '_').collect();
                if let Some(fraction) = fraction {
                    number.push('.');
                    number.extend(fraction.chars().filter(|c| *c != '_'));
                }
                let token = match (fraction, unit) {
                    (_, Some(unit)) => Token::Unit { number, unit },
                    (Some(_), None) => {
                        emitter.emit(
                            LexError::new(
                                codes::B0004,
                                span,
                                "a number with a fraction needs a unit",
                                "no unit",
                            )
                            .with_help(
                                "write a unit right after the number (`1.5Gi`, `0.5h`); plain numbers are integers",
                            ),
                        );
                        Token::Int(None)
                    }
                    (None, None) => match number.parse::<i64>() {
                        Ok(value) => Token::Int(Some(value)),
                        Err(_) => {
                            emitter.emit(
                                LexError::new(
                                    codes::B0004,
                                    span,
                                    "integer too large",
                                    "does not fit in a 64-bit integer",
                                )
                                .with_help("integers range from -9223372036854775808 to 9223372036854775807"),
                            );
                            Token::Int(None)
                        }
                    },
                };
                Piece::One((token, span))
            },
        );

    let long_punct = choice((
        just("..."),
        just("->"),
        just("=="),
        just("!="),
        just("<="),
        just(">="),
        just("&&"),
        just("||"),
    ));
    let punct_token = |p: &str, span: SimpleSpan| {
        let p = PUNCTUATION
            .iter()
            .find(|q| **q == p)
            .copied()
            .unwrap_or("?");
        Piece::One((Token::Punct(p), span))
    };
    let other_punct = long_punct
        .or(one_of("[](),;.=<>+-*/%!@?:").to_slice())
        .map_with(move |p: &'src str, e| punct_token(p, e.span()));
    let brace = one_of("{}")
        .to_slice()
        .map_with(move |p: &'src str, e| punct_token(p, e.span()));

    let inline_space = one_of(" \t\r").repeated().at_least(1).to(Piece::Nothing);

    let mut string = Recursive::declare();
    let mut brace_group = Recursive::declare();

    // The tokens of an interpolation: up to its closing `}`, the end of the line or the input.
    let code = choice((
        inline_space,
        comment,
        nested(string.clone()).or(too_deep('"')),
        nested(brace_group.clone()).or(too_deep('{')),
        number,
        ident,
        other_punct,
        none_of("}\n").map_with(|_, e| Piece::One((Token::Invalid, e.span()))),
    ))
    .repeated()
    .collect::<Flat>();

    brace_group.define(
        just('{')
            .map_with(|_, e| (Token::Punct("{"), e.span()))
            .then(code.clone())
            .then(
                just('}')
                    .map_with(|_, e| (Token::Punct("}"), e.span()))
                    .or_not(),
            )
            .map(|((open, Flat(mut inner)), close)| {
                inner.insert(0, open);
                inner.extend(close);
                Piece::Many(inner)
            }),
    );

    let interpolation = just("${")
        .map_with(|_, e| (Token::InterpStart, e.span()))
        .then(code)
        .then(
            just('}')
                .map_with(|_, e| (Token::InterpEnd, e.span()))
                .or_not(),
        )
        .map_with(|((open, Flat(inner)), close), e| {
            let end: SimpleSpan = e.span();
            let close = close.unwrap_or((Token::InterpEnd, SimpleSpan::from(end.end..end.end)));
            let mut tokens = Vec::with_capacity(inner.len() + 2);
            tokens.push(open);
            tokens.extend(inner);
            tokens.push(close);
            tokens
        });

    let escape =
        just('\\')
            .ignore_then(none_of('\n').or_not())
            .validate(|c: Option<char>, e, emitter| match c {
                Some('n') => "\n".to_string(),
                Some('t') => "\t".to_string(),
                Some('r') => "\r".to_string(),
                Some('"') => "\"".to_string(),
                Some('\\') => "\\".to_string(),
                Some('$') => "$".to_string(),
                Some(other) => {
                    emitter.emit(
                        LexError::new(
                            codes::B0004,
                            e.span(),
                            format!("unknown escape '\\{other}'"),
                            "not an escape",
                        )
                        .with_help("the escapes are \\n \\t \\r \\\" \\\\ and \\$"),
                    );
                    other.to_string()
                }
                // A backslash at the end of the line: the string is unterminated, reported below.
                None => "\\".to_string(),
            });
    let text_run = choice((
        none_of("\\\"$\n")
            .repeated()
            .at_least(1)
            .to_slice()
            .map(str::to_string),
        escape,
        just('$')
            .and_is(just("${").not())
            .to_slice()
            .map(str::to_string),
    ))
    .repeated()
    .at_least(1)
    .collect::<Vec<String>>()
    .map_with(|parts, e| vec![(Token::StrText(parts.concat()), e.span())]);

    string.define(
        just('"')
            .map_with(|_, e| (Token::StrStart, e.span()))
            .then(
                interpolation
                    .or(text_run)
                    .repeated()
                    .collect::<Vec<Vec<Spanned<Token<'src>>>>>(),
            )
            .then(
                just('"')
                    .map_with(|_, e| (Token::StrEnd, e.span()))
                    .or_not(),
            )
            .validate(|((open, parts), close), e, emitter| {
                let span: SimpleSpan = e.span();
                let close = match close {
                    Some(close) => close,
                    None => {
                        // Only the outermost unclosed string is reported: inner ones end with it.
                        if e.state().depth <= 1 {
                            emitter.emit(
                                LexError::new(
                                    codes::B0002,
                                    span,
                                    "unterminated string",
                                    "this string is not closed on its line",
                                )
                                .with_help("add the closing '\"'; a string cannot span lines"),
                            );
                        }
                        (Token::StrEnd, SimpleSpan::from(span.end..span.end))
                    }
                };
                let mut tokens = vec![open];
                tokens.extend(parts.into_iter().flatten());
                tokens.push(close);
                Piece::Many(tokens)
            }),
    );

    // `#` is not part of the language; it almost always starts a comment from another
    // language, so the rest of its line is one invalid run (reported once).
    let hash_comment = just('#')
        .then(none_of('\n').repeated())
        .map_with(|_, e| Piece::One((Token::Invalid, e.span())));

    // The most common tokens first; a comment before `/`.
    let token = choice((
        ident,
        comment,
        other_punct,
        brace,
        nested(string).or(too_deep('"')),
        number,
        hash_comment,
        any().map_with(|_, e| Piece::One((Token::Invalid, e.span()))),
    ));

    let space = any().filter(char::is_ascii_whitespace).repeated();
    space
        .ignore_then(token.then_ignore(space).repeated().collect::<Flat>())
        .then_ignore(end())
}

/// What a string or brace nested beyond [`MAX_STRING_NESTING`] becomes: the rest of its line as
/// one [`Token::Error`], reported once.
fn too_deep<'src>(open: char) -> impl Parser<'src, &'src str, Piece<'src>, LexExtra> + Clone {
    just(open)
        .then(none_of('\n').repeated())
        .validate(|_, e, emitter| {
            let span: SimpleSpan = e.span();
            emitter.emit(
                LexError::new(
                    codes::B0001,
                    span,
                    "strings and interpolations are nested too deeply",
                    "nested too deeply",
                )
                .with_help("move the inner parts into `let` bindings"),
            );
            Piece::One((Token::Error, span))
        })
}
