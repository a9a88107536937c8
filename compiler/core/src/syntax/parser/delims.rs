//! Balancing brackets before parsing.
//!
//! The parser recovers inside a bracketed group by skipping to its closer, so it needs every
//! group to be closed. This pass makes the token list balanced and reports what it changed:
//!
//! - an opener that is never closed (B0005, pointing at the opener) gets a synthetic closer,
//!   placed before the first later line that is indented no deeper than the opener's line (the
//!   likely end of the group), or else where the mistake became visible;
//! - a closer of the wrong kind (`foo(1]`) is reported (B0001) and replaced by the right one;
//! - a closer with nothing to close is reported (B0001) and becomes a [`Token::Error`].
//!
//! An interpolation `${ ... }` is a group of its own that the lexer always closes; a closer
//! inside it never matches an opener outside it. The pass is linear in the number of tokens.

use chumsky::span::SimpleSpan;

use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};
use crate::syntax::lexer::{Spanned, Token};

/// The kinds of group: `(`, `[`, `{` and `${`.
const OPEN: [&str; 4] = ["(", "[", "{", "${"];
const CLOSE: [&str; 4] = [")", "]", "}", "}"];
const INTERP: usize = 3;

/// An open group.
struct Open {
    kind: usize,
    span: SimpleSpan,
    /// The indentation of the opener's line.
    indent: usize,
    /// Where a synthetic closer would go: the index in the output of the first later line start
    /// indented no deeper than the opener's line, seen while this group was the innermost.
    candidate: Option<usize>,
}

/// Where the synthetic closers of the groups found unclosed at one point go. The innermost goes
/// to its candidate; an enclosing group goes there too when that line is indented no deeper
/// than its own opener's line, and otherwise to its own candidate or to the point where the
/// problem became visible.
struct Closing {
    /// Where the problem became visible.
    here: usize,
    /// The last placement from a candidate, with the indentation of the line there.
    last: Option<(usize, usize)>,
}

impl Closing {
    fn place(&mut self, open: &Open, layout_at: impl Fn(usize) -> usize) -> usize {
        if let Some(at) = open.candidate {
            self.last = Some((at, layout_at(at)));
            return at;
        }
        match self.last {
            Some((at, indent)) if indent <= open.indent => at,
            _ => self.here,
        }
    }
}

/// A synthetic closer to insert before the output token at index `at`.
struct Insertion {
    at: usize,
    kind: usize,
    opener: SimpleSpan,
}

/// Where each token sits on its line: whether it is the first token of its line, and the
/// indentation of its line.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// The token is the first on its line.
    pub line_start: bool,
    /// The indentation (in bytes) of the token's line.
    pub indent: usize,
}

/// The [`Layout`] of every token, in one pass over the text between tokens.
pub fn layout(text: &str, tokens: &[Spanned<Token<'_>>]) -> Vec<Layout> {
    let mut result = Vec::with_capacity(tokens.len());
    let mut previous_end = 0usize;
    let mut indent = 0usize;
    for (index, (_, at)) in tokens.iter().enumerate() {
        let gap = text.get(previous_end..at.start).unwrap_or("");
        let line_start = match gap.rfind('\n') {
            Some(newline) => {
                indent = gap.len() - newline - 1;
                true
            }
            None if index == 0 => {
                // The first token: the first on its line when only blanks come before it there.
                let before = text.get(..at.start).unwrap_or("");
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                let prefix = before.get(start..).unwrap_or("");
                indent = prefix.len();
                prefix.chars().all(|c| c == ' ' || c == '\t' || c == '\r')
            }
            None => false,
        };
        // An empty synthetic token does not start a line of its own.
        let line_start = line_start && at.start < at.end;
        result.push(Layout { line_start, indent });
        previous_end = previous_end.max(at.end);
    }
    result
}

/// Balances the brackets of `tokens`, reporting every change.
pub fn balance<'s>(
    file: FileId,
    text: &str,
    tokens: Vec<Spanned<Token<'s>>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Spanned<Token<'s>>> {
    let layout = layout(text, &tokens);
    // For each token, whether the next bracket after it is a closer, and of which kind.
    let mut next_closer: Vec<Option<usize>> = vec![None; tokens.len()];
    let mut upcoming: Option<usize> = None;
    for (index, (token, _)) in tokens.iter().enumerate().rev() {
        if let Some(slot) = next_closer.get_mut(index) {
            *slot = upcoming;
        }
        if opener(token).is_some() {
            upcoming = None;
        } else if let Some(kind) = closer(token) {
            upcoming = Some(kind);
        }
    }

    let mut out: Vec<Spanned<Token<'s>>> = Vec::with_capacity(tokens.len());
    // The indentation of the line of each output token.
    let mut out_indent: Vec<usize> = Vec::with_capacity(tokens.len());
    let mut stack: Vec<Open> = Vec::new();
    // How many groups of each kind are open since the innermost interpolation.
    let mut segments: Vec<[usize; 3]> = vec![[0; 3]];
    let mut insertions: Vec<Insertion> = Vec::new();
    let mut stray_run: Option<usize> = None;
    for (index, (token, at)) in tokens.into_iter().enumerate() {
        let stray_before = stray_run.take();
        let here = layout.get(index).copied().unwrap_or(Layout {
            line_start: false,
            indent: 0,
        });
        let closing = closer(&token);
        if let Some(top) = stack.last_mut() {
            if top.candidate.is_none()
                && top.kind != INTERP
                && closing.is_none()
                && here.line_start
                && here.indent <= top.indent
            {
                top.candidate = Some(out.len());
            }
        }
        if let Some(kind) = opener(&token) {
            stack.push(Open {
                kind,
                span: at,
                indent: here.indent,
                candidate: None,
            });
            if kind == INTERP {
                segments.push([0; 3]);
            } else if let Some(count) = segments.last_mut().and_then(|s| s.get_mut(kind)) {
                *count += 1;
            }
            out.push((token, at));
            out_indent.push(here.indent);
            continue;
        }
        let Some(kind) = closing else {
            out.push((token, at));
            out_indent.push(here.indent);
            continue;
        };
        let open_here = if kind == INTERP {
            segments.len() > 1
        } else {
            segments
                .last()
                .and_then(|s| s.get(kind))
                .is_some_and(|count| *count > 0)
        };
        if open_here {
            // Everything opened after the matching opener is unclosed.
            let mut closing = Closing {
                here: out.len(),
                last: None,
            };
            while let Some(open) = pop(&mut stack, &mut segments) {
                if open.kind == kind {
                    break;
                }
                let at = closing.place(&open, |i| out_indent.get(i).copied().unwrap_or(0));
                insertions.push(Insertion {
                    at,
                    kind: open.kind,
                    opener: open.span,
                });
            }
            out.push((token, at));
            out_indent.push(here.indent);
            continue;
        }
        let top = stack.last().filter(|open| open.kind != INTERP);
        let next_closes_top = top.is_some_and(|open| {
            next_closer
                .get(index)
                .copied()
                .flatten()
                .is_some_and(|next| next == open.kind)
        });
        match top {
            Some(open) if !next_closes_top => {
                let expected = close_token(open.kind);
                diagnostics.push(
                    Diagnostic::error(
                        codes::B0001,
                        format!(
                            "expected '{}', found '{}'",
                            close_text(open.kind),
                            close_text(kind)
                        ),
                        Span::new(file, at.into_range()),
                    )
                    .with_label(format!(
                        "this does not close the '{}'",
                        open_text(open.kind)
                    ))
                    .with_secondary(Span::new(file, open.span.into_range()), "opened here"),
                );
                pop(&mut stack, &mut segments);
                out.push((expected, at));
                out_indent.push(here.indent);
            }
            _ => {
                // Kept as an already-reported token, so the parser reports nothing more here. A
                // run of stray closers is one mistake, reported once.
                if let (Some(run), Some((Token::Error, previous))) = (stray_before, out.last_mut())
                {
                    if let Some(diagnostic) = diagnostics.get_mut(run) {
                        *previous = SimpleSpan::from(previous.start..at.end);
                        diagnostic.primary.span = Span::new(file, previous.into_range());
                        diagnostic.message = "unexpected closing brackets".to_string();
                        diagnostic.primary.message = "nothing is open here".to_string();
                        stray_run = Some(run);
                        continue;
                    }
                }
                stray_run = Some(diagnostics.len());
                diagnostics.push(
                    Diagnostic::error(
                        codes::B0001,
                        format!("unexpected '{}'", close_text(kind)),
                        Span::new(file, at.into_range()),
                    )
                    .with_label(format!(
                        "there is no '{}' for this to close",
                        open_text(kind)
                    )),
                );
                out.push((Token::Error, at));
                out_indent.push(here.indent);
            }
        }
    }
    let mut closing = Closing {
        here: out.len(),
        last: None,
    };
    while let Some(open) = pop(&mut stack, &mut segments) {
        let at = closing.place(&open, |i| out_indent.get(i).copied().unwrap_or(0));
        insertions.push(Insertion {
            at,
            kind: open.kind,
            opener: open.span,
        });
    }
    report_unclosed(file, &insertions, diagnostics);
    insert(out, insertions)
}

fn open_text(kind: usize) -> &'static str {
    OPEN.get(kind).copied().unwrap_or("(")
}

fn close_text(kind: usize) -> &'static str {
    CLOSE.get(kind).copied().unwrap_or(")")
}

/// Pops the innermost group, keeping the per-kind counts right.
fn pop(stack: &mut Vec<Open>, segments: &mut Vec<[usize; 3]>) -> Option<Open> {
    let open = stack.pop()?;
    if open.kind == INTERP {
        if segments.len() > 1 {
            segments.pop();
        }
    } else if let Some(count) = segments.last_mut().and_then(|s| s.get_mut(open.kind)) {
        *count = count.saturating_sub(1);
    }
    Some(open)
}

fn close_token<'s>(kind: usize) -> Token<'s> {
    if kind == INTERP {
        return Token::InterpEnd;
    }
    Token::Punct(close_text(kind))
}

/// One B0005 per insertion point, at the innermost unclosed opener, naming the others.
fn report_unclosed(file: FileId, insertions: &[Insertion], diagnostics: &mut Vec<Diagnostic>) {
    let mut index = 0;
    while let Some(first) = insertions.get(index) {
        let group: Vec<&Insertion> = insertions
            .iter()
            .skip(index)
            .take_while(|i| i.at == first.at)
            .collect();
        index += group.len().max(1);
        let mut diagnostic = Diagnostic::error(
            codes::B0005,
            format!("unclosed '{}'", open_text(first.kind)),
            Span::new(file, first.opener.into_range()),
        )
        .with_label("this is never closed")
        .with_help(format!("add the matching '{}'", close_text(first.kind)));
        for other in group.iter().skip(1).take(3) {
            diagnostic = diagnostic.with_secondary(
                Span::new(file, other.opener.into_range()),
                "this is not closed either",
            );
        }
        if group.len() > 4 {
            diagnostic =
                diagnostic.with_note(format!("{} more groups are not closed", group.len() - 4));
        }
        diagnostics.push(diagnostic);
    }
}

/// Inserts the synthetic closers, each as an empty span right after the token before it.
fn insert<'s>(
    tokens: Vec<Spanned<Token<'s>>>,
    mut insertions: Vec<Insertion>,
) -> Vec<Spanned<Token<'s>>> {
    if insertions.is_empty() {
        return tokens;
    }
    // Stable: closers for the same point keep their order (innermost first).
    insertions.sort_by_key(|i| i.at);
    let end = tokens.last().map_or(0, |(_, s)| s.end);
    let mut out: Vec<Spanned<Token<'s>>> = Vec::with_capacity(tokens.len() + insertions.len());
    let mut pending = insertions.into_iter().peekable();
    for (index, token) in tokens.into_iter().enumerate() {
        while let Some(insertion) = pending.next_if(|i| i.at == index) {
            let offset = out.last().map_or(token.1.start, |(_, s)| s.end);
            out.push((
                close_token(insertion.kind),
                SimpleSpan::from(offset..offset),
            ));
        }
        out.push(token);
    }
    for insertion in pending {
        out.push((close_token(insertion.kind), SimpleSpan::from(end..end)));
    }
    out
}

fn opener(token: &Token<'_>) -> Option<usize> {
    match token {
        Token::Punct("(") => Some(0),
        Token::Punct("[") => Some(1),
        Token::Punct("{") => Some(2),
        Token::InterpStart => Some(INTERP),
        _ => None,
    }
}

fn closer(token: &Token<'_>) -> Option<usize> {
    match token {
        Token::Punct(")") => Some(0),
        Token::Punct("]") => Some(1),
        Token::Punct("}") => Some(2),
        Token::InterpEnd => Some(INTERP),
        _ => None,
    }
}

/// Where lines and items start in the balanced token list, for the parser's recovery.
#[derive(Debug, Default)]
pub struct Starts {
    /// The start offsets of the tokens that are first on their line.
    pub lines: Vec<usize>,
    /// The start offsets of the tokens outside any bracket that are first on their line and are
    /// an item keyword, a name followed by a name or an attribute (`@allow`): where recovery resumes
    /// after a broken item.
    pub items: Vec<usize>,
    /// Those of `items` in column 0, which no expression may swallow, so that `let x = 1 +`
    /// followed by a `let` line reports the missing operand.
    pub hard_items: Vec<usize>,
}

/// Finds where lines and items start, in one pass.
pub fn starts(text: &str, tokens: &[Spanned<Token<'_>>]) -> Starts {
    let layout = layout(text, tokens);
    let mut starts = Starts::default();
    let mut depth = 0usize;
    for (index, (token, at)) in tokens.iter().enumerate() {
        let Some(here) = layout.get(index) else {
            continue;
        };
        if here.line_start {
            starts.lines.push(at.start);
        }
        if opener(token).is_some() {
            depth += 1;
            continue;
        }
        if closer(token).is_some() {
            depth = depth.saturating_sub(1);
            continue;
        }
        if depth > 0 || !here.line_start {
            continue;
        }
        let item = match token {
            Token::Keyword("import" | "let" | "fn" | "type" | "enum") => true,
            Token::Ident(_) => matches!(tokens.get(index + 1), Some((Token::Ident(_), _))),
            // An attribute, `@allow(...)`: the name follows `@` with no space, which tells it
            // apart from the endpoint operator continuing an expression on a new line.
            Token::Punct("@") => matches!(
                tokens.get(index + 1),
                Some((Token::Ident(_), next)) if next.start == at.end
            ),
            _ => false,
        };
        if item {
            starts.items.push(at.start);
            if here.indent == 0 {
                starts.hard_items.push(at.start);
            }
        }
    }
    starts
}
