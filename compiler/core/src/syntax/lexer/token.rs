//! The tokens of the language.

use chumsky::span::SimpleSpan;

use crate::syntax::ast::CommentKind;

/// A token with its byte range.
pub type Spanned<T> = (T, SimpleSpan);

/// One token.
#[derive(Clone, Debug)]
pub enum Token<'src> {
    /// A name: `feed`, `k8s-api`, `tag`.
    Ident(&'src str),
    /// One of [`KEYWORDS`](crate::syntax::KEYWORDS).
    Keyword(&'static str),
    /// An integer; `None` when it was malformed (too large), which is already reported.
    Int(Option<i64>),
    /// A number with a unit: `12h`, `1.5Gi`. The number has its `_` separators removed.
    Unit {
        /// The digits, possibly with one `.`.
        number: String,
        /// The letters after them.
        unit: &'src str,
    },
    /// The opening `"` of a string.
    StrStart,
    /// Literal text inside a string, escapes decoded.
    StrText(String),
    /// The closing `"` of a string (zero-width when the string was not closed).
    StrEnd,
    /// `${` inside a string.
    InterpStart,
    /// The `}` that closes an interpolation (zero-width when it was not closed).
    InterpEnd,
    /// One of [`PUNCTUATION`](super::PUNCTUATION).
    Punct(&'static str),
    /// A comment, with the text after its marker (`//`, `///` or `//!`).
    Comment(CommentKind, &'src str),
    /// A character that cannot start a token; [`lex`](super::lex) turns each run into one
    /// [`Token::Error`].
    Invalid,
    /// Input already reported (invalid characters, a string nested too deeply, a stray closing
    /// bracket); the parser reads it as an erroneous expression or type and reports nothing
    /// more about it.
    Error,
}

impl PartialEq for Token<'_> {
    /// Punctuation and keywords are compared without a `memcmp` call: the parser compares tokens
    /// with them at every step.
    fn eq(&self, other: &Self) -> bool {
        fn same(a: &str, b: &str) -> bool {
            a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
        }
        match (self, other) {
            (Token::Punct(a), Token::Punct(b)) | (Token::Keyword(a), Token::Keyword(b)) => {
                same(a, b)
            }
            (Token::Ident(a), Token::Ident(b)) => a == b,
            (Token::Int(a), Token::Int(b)) => a == b,
            (
                Token::Unit { number, unit },
                Token::Unit {
                    number: other_number,
                    unit: other_unit,
                },
            ) => number == other_number && unit == other_unit,
            (Token::StrText(a), Token::StrText(b)) => a == b,
            (Token::Comment(kind, a), Token::Comment(other_kind, b)) => {
                kind == other_kind && a == b
            }
            (Token::StrStart, Token::StrStart)
            | (Token::StrEnd, Token::StrEnd)
            | (Token::InterpStart, Token::InterpStart)
            | (Token::InterpEnd, Token::InterpEnd)
            | (Token::Invalid, Token::Invalid)
            | (Token::Error, Token::Error) => true,
            _ => false,
        }
    }
}

impl Token<'_> {
    /// How the token is shown in an error message: `'}'`, `'let'`, `a string`.
    pub fn describe(&self) -> String {
        match self {
            Token::Ident(name) => format!("'{name}'"),
            Token::Keyword(word) => format!("keyword '{word}'"),
            Token::Int(Some(value)) => format!("'{value}'"),
            Token::Int(None) => "a number".to_string(),
            Token::Unit { number, unit } => format!("'{number}{unit}'"),
            Token::StrStart | Token::StrText(_) | Token::StrEnd => "a string".to_string(),
            Token::InterpStart => "'${'".to_string(),
            Token::InterpEnd => "the end of the interpolation".to_string(),
            Token::Punct(p) => format!("'{p}'"),
            Token::Comment(..) => "a comment".to_string(),
            Token::Invalid | Token::Error => "invalid input".to_string(),
        }
    }
}
