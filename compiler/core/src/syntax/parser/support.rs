//! What the grammar modules share: the parser's input and error types, its state, the guard that
//! bounds recursion, the depth-tracked nodes that bound the tree, and the recovery parsers that
//! skip a broken piece of input without crossing a delimiter.

use chumsky::error::{LabelError, RichPattern};
use chumsky::extra;
use chumsky::input::{InputRef, MapExtra, ValueInput};
use chumsky::inspector::SimpleState;
use chumsky::prelude::*;
use chumsky::util::MaybeRef;

use crate::source::{FileId, Span};
use crate::syntax::ast::{Expr, ExprKind};
use crate::syntax::lexer::Token;

/// How deeply the parser may recurse (brackets, `if`, `let`, types) before it gives up on the
/// innermost part with a B0001; with the parser's own stack (see [`super::parse`]) this keeps any
/// input from overflowing it.
pub const MAX_RECURSION: u32 = 256;

/// How deep an expression tree may be. Long operator chains (`a + b + c + ...`) deepen the tree
/// without recursing, so they are bounded here; later stages can then walk any tree recursively.
pub const MAX_DEPTH: u32 = 256;

/// The depth of a node that was too deep: it has become an `Error` and was reported.
pub const SATURATED: u32 = u32::MAX;

/// The message of the diagnostic for input nested beyond [`MAX_RECURSION`] or [`MAX_DEPTH`].
pub const TOO_DEEP: &str = "this is nested too deeply";

/// The message for a positional argument after a named one.
pub const POSITIONAL_AFTER_NAMED: &str = "a positional argument cannot follow a named one";

/// The message for a string record key with an interpolation.
pub const INTERPOLATED_KEY: &str = "a record key cannot contain an interpolation";

/// The message for a comprehension with several elements before `for`.
pub const COMPREHENSION_ELEMENTS: &str = "a comprehension has exactly one element before 'for'";

/// The parser's error type.
pub type PError<'t, 's> = Rich<'t, Token<'s>, SimpleSpan>;

/// The parser's extra types: rich errors and [`ParseState`].
pub type Extra<'t, 's> = extra::Full<PError<'t, 's>, SimpleState<ParseState>, ()>;

/// The state threaded through the parser.
#[derive(Debug, Default)]
pub struct ParseState {
    /// The current recursion depth, see [`guarded`].
    pub depth: u32,
    /// The recursion depth at which [`guarded`] gives up: [`MAX_RECURSION`], or lower when the
    /// parser runs on a stack of unknown size.
    pub recursion_limit: u32,
    /// The sorted start offsets of the tokens that are the first on their line; a record entry
    /// may end at a line break, so recovery inside a record stops there.
    pub line_starts: Vec<usize>,
    /// The sorted start offsets of the tokens where recovery after a broken item resumes: item
    /// keywords and name pairs first on their line, outside brackets.
    pub item_starts: Vec<usize>,
    /// The subset of `item_starts` in column 0: these always start an item, never continue an
    /// expression.
    pub hard_item_starts: Vec<usize>,
}

impl ParseState {
    /// Whether the token starting at `offset` is the first on its line.
    fn is_line_start(&self, offset: usize) -> bool {
        self.line_starts.binary_search(&offset).is_ok()
    }

    /// Whether the token starting at `offset` is where recovery after a broken item resumes.
    fn is_item_start(&self, offset: usize) -> bool {
        self.item_starts.binary_search(&offset).is_ok()
    }
}

/// A node with the depth of its tree.
#[derive(Clone, Debug)]
pub struct Deep<T> {
    /// The node.
    pub node: T,
    /// The depth of its tree, or [`SATURATED`].
    pub depth: u32,
}

impl<T> Deep<T> {
    /// A node with a depth.
    pub fn new(node: T, depth: u32) -> Deep<T> {
        Deep { node, depth }
    }
}

/// Converts a chumsky span to one of ours. chumsky gives a span whose start is past its end when a
/// parser consumed nothing; that becomes an empty span at the end.
pub fn span(file: FileId, s: SimpleSpan) -> Span {
    if s.start > s.end {
        return Span::new(file, s.end..s.end);
    }
    Span::new(file, s.into_range())
}

/// An expression node whose children have at most `child_depth` levels. A node that would be
/// deeper than [`MAX_DEPTH`] becomes an `Error`, reported once; its ancestors become silent
/// `Error`s up to the nearest list element, record entry or argument (see [`settle`]).
pub fn node<'t, 's: 't, I>(
    kind: ExprKind,
    at: Span,
    child_depth: u32,
    e: &mut MapExtra<'t, '_, I, Extra<'t, 's>>,
) -> Deep<Expr>
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    if child_depth == SATURATED {
        return Deep::new(error_expr(at), SATURATED);
    }
    let depth = child_depth + 1;
    if depth > MAX_DEPTH {
        e.emit(Rich::custom(SimpleSpan::from(at.range()), TOO_DEEP));
        return Deep::new(error_expr(at), SATURATED);
    }
    Deep::new(Expr { kind, span: at }, depth)
}

/// An `Error` expression.
pub fn error_expr(at: Span) -> Expr {
    Expr {
        kind: ExprKind::Error,
        span: at,
    }
}

/// Ends the propagation of a too-deep error: a saturated node becomes a plain `Error` of depth
/// one, so its siblings and ancestors are kept.
pub fn settle(expr: Deep<Expr>) -> Deep<Expr> {
    if expr.depth == SATURATED {
        let at = expr.node.span;
        return Deep::new(error_expr(at), 1);
    }
    expr
}

/// The larger of two depths.
pub fn deeper(a: u32, b: u32) -> u32 {
    a.max(b)
}

/// Runs `parser` one recursion level deeper; past the recursion limit (normally
/// [`MAX_RECURSION`]) it fails with a B0001 that the nearest recovery reports.
pub fn guarded<'t, 's: 't, I, O, P>(parser: P) -> impl Parser<'t, I, O, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
    P: Parser<'t, I, O, Extra<'t, 's>> + Clone,
{
    custom(move |inp: &mut InputRef<'t, '_, I, Extra<'t, 's>>| {
        if inp.state().depth >= inp.state().recursion_limit {
            let before = inp.cursor();
            inp.skip();
            let at = inp.span_since(&before);
            return Err(Rich::custom(at, TOO_DEEP));
        }
        inp.state().depth += 1;
        let out = inp.parse(&parser);
        inp.state().depth -= 1;
        out
    })
}

/// Whether a token opens a bracketed group.
pub fn is_open(token: &Token<'_>) -> bool {
    matches!(
        token,
        Token::Punct("(" | "[" | "{") | Token::InterpStart | Token::StrStart
    )
}

/// Whether a token closes a bracketed group.
pub fn is_close(token: &Token<'_>) -> bool {
    matches!(
        token,
        Token::Punct(")" | "]" | "}") | Token::InterpEnd | Token::StrEnd
    )
}

/// Where a skip stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// An item: stops before the next item start (see [`ParseState::item_starts`]).
    Item,
    /// A record entry: stops before `,`, `;` or the first token of a line.
    Entry,
    /// A list element, argument or parameter: stops before `,` (and `for` in a list); at a `,`
    /// it skips nothing and yields an empty error node.
    Element,
    /// Everything up to the closer of the enclosing group (an index, an interpolation); may skip
    /// nothing.
    Closer,
}

/// Skips a broken piece of input: tokens up to the next stopping point at this nesting level,
/// whole bracketed groups at a time, never past the closer of the enclosing group. Fails when
/// there is nothing to skip, so a repetition around it always makes progress.
pub fn skip<'t, 's: 't, I>(stop: Stop) -> impl Parser<'t, I, SimpleSpan, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    custom(move |inp: &mut InputRef<'t, '_, I, Extra<'t, 's>>| {
        let before = inp.cursor();
        let mut depth = 0usize;
        let mut consumed = 0usize;
        let mut empty_at: Option<usize> = None;
        loop {
            let checkpoint = inp.save();
            let token_start = inp.cursor();
            let Some(token) = inp.next() else {
                inp.rewind(checkpoint);
                break;
            };
            let at = inp.span_since(&token_start);
            if depth == 0 {
                if is_close(&token) {
                    inp.rewind(checkpoint);
                    if consumed == 0 && stop == Stop::Closer {
                        empty_at = Some(at.start);
                    }
                    break;
                }
                let stops_here = match stop {
                    Stop::Item => consumed > 0 && inp.state().is_item_start(at.start),
                    Stop::Entry => {
                        consumed > 0
                            && (matches!(token, Token::Punct("," | ";"))
                                || inp.state().is_line_start(at.start))
                    }
                    Stop::Element => matches!(token, Token::Punct(",") | Token::Keyword("for")),
                    Stop::Closer => false,
                };
                if stops_here {
                    inp.rewind(checkpoint);
                    if consumed == 0 {
                        empty_at = Some(at.start);
                    }
                    break;
                }
            }
            if is_open(&token) {
                depth += 1;
            } else if is_close(&token) {
                depth = depth.saturating_sub(1);
            }
            consumed += 1;
            // A stray separator in a record is an entry of its own.
            if stop == Stop::Entry && consumed == 1 && matches!(token, Token::Punct("," | ";")) {
                break;
            }
        }
        if consumed > 0 {
            return Ok(inp.span_since(&before));
        }
        match empty_at {
            Some(at) => Ok(SimpleSpan::from(at..at)),
            None => {
                let at = inp.span_since(&before);
                Err(Rich::custom(at, "nothing to skip"))
            }
        }
    })
}

/// Skips one whole bracketed group starting with `open`, for a group whose contents could not be
/// read at all.
pub fn skip_group<'t, 's: 't, I>(
    open: &'static str,
) -> impl Parser<'t, I, SimpleSpan, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    custom(move |inp: &mut InputRef<'t, '_, I, Extra<'t, 's>>| {
        let before = inp.cursor();
        match inp.next() {
            Some(Token::Punct(p)) if p == open => {}
            found => {
                let at = inp.span_since(&before);
                let found = found.map(|t| t.describe()).unwrap_or_default();
                return Err(Rich::custom(
                    at,
                    format!("expected '{open}', found {found}"),
                ));
            }
        }
        let mut depth = 1usize;
        while depth > 0 {
            let Some(token) = inp.next() else {
                break;
            };
            if is_open(&token) {
                depth += 1;
            } else if is_close(&token) {
                depth -= 1;
            }
        }
        Ok(inp.span_since(&before))
    })
}

/// Fails, consuming nothing, when the next token starts a line in column 0 with an item keyword
/// or a declaration: such a token always begins a new item (see [`ParseState::hard_item_starts`]).
pub fn not_item_start<'t, 's: 't, I>() -> impl Parser<'t, I, (), Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    custom(move |inp: &mut InputRef<'t, '_, I, Extra<'t, 's>>| {
        let checkpoint = inp.save();
        let before = inp.cursor();
        let token = inp.next();
        let at = inp.span_since(&before);
        inp.rewind(checkpoint);
        let hard = token.is_some()
            && inp
                .state()
                .hard_item_starts
                .binary_search(&at.start)
                .is_ok();
        if !hard {
            return Ok(());
        }
        Err(<PError<'t, 's> as LabelError<
            't,
            I,
            RichPattern<'t, Token<'s>>,
        >>::expected_found(
            std::iter::empty(),
            token.map(MaybeRef::Val),
            at,
        ))
    })
}
