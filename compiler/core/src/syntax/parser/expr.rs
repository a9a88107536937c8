//! The grammar of expressions and record literals.
//!
//! Precedence, loosest first: `||`; `&&`; `== !=`; `< <= > >=`; `@`; `+ -`; `* / %`; then the
//! prefix operators `! -`, the postfix `.field`, `[index]` and `(args)`, and the atoms. `if` and
//! `let ... in` are atoms whose last part extends as far as possible.
//!
//! Every expression is built with its tree depth ([`Deep`]), so a tree deeper than
//! [`super::support::MAX_DEPTH`] is never built, and every nested expression is parsed through
//! [`guarded`], so recursion is bounded too.

use chumsky::input::ValueInput;
use chumsky::prelude::*;
use chumsky::recursive::Indirect;

use super::support::{
    deeper, error_expr, guarded, node, not_item_start, settle, skip, skip_group, span, Deep, Extra,
    Stop, COMPREHENSION_ELEMENTS, INTERPOLATED_KEY, POSITIONAL_AFTER_NAMED,
};
use crate::source::FileId;
use crate::syntax::ast::{
    Arg, BinOp, Expr, ExprKind, Ident, Key, RecordEntry, RecordEntryKind, StrPart, UnOp,
};
use crate::syntax::lexer::Token;

/// A parser of `Deep<Expr>` that can be referred to before it is defined.
pub type ExprParser<'t, 's, I> = Recursive<Indirect<'t, 't, I, Deep<Expr>, Extra<'t, 's>>>;

/// A punctuation token.
pub fn punct<'t, 's: 't, I>(p: &'static str) -> impl Parser<'t, I, Token<'s>, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    just(Token::Punct(p))
}

/// A keyword token.
pub fn keyword<'t, 's: 't, I>(
    word: &'static str,
) -> impl Parser<'t, I, Token<'s>, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    just(Token::Keyword(word))
}

/// A name (an identifier that is not a keyword).
pub fn name<'t, 's: 't, I>(file: FileId) -> impl Parser<'t, I, Ident, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    select! {
        Token::Ident(n) = e => Ident { name: n.to_string(), span: span(file, e.span()) },
    }
    .labelled("a name")
}

/// A name or a keyword, where any word is unambiguous: a field after `.`, a record key, a named
/// argument (`autogroup.self`, `{ type = "ClusterIP" }`).
pub fn word<'t, 's: 't, I>(file: FileId) -> impl Parser<'t, I, Ident, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    select! {
        Token::Ident(n) = e => Ident { name: n.to_string(), span: span(file, e.span()) },
        Token::Keyword(n) = e => Ident { name: n.to_string(), span: span(file, e.span()) },
    }
    .labelled("a name")
}

/// Succeeds, consuming nothing, when the next token is one of `tokens`.
pub fn followed_by<'t, 's: 't, I, const N: usize>(
    tokens: [Token<'s>; N],
) -> impl Parser<'t, I, (), Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    one_of(tokens).ignored().rewind()
}

/// The expression parser and the record-literal parser (a declaration body is a record).
pub fn expressions<'t, 's: 't, I>(file: FileId) -> (ExprParser<'t, 's, I>, ExprParser<'t, 's, I>)
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    let mut expr_def: ExprParser<'t, 's, I> = Recursive::declare();
    let mut record_def: ExprParser<'t, 's, I> = Recursive::declare();
    let expr = guarded(expr_def.clone());
    let record = guarded(record_def.clone());
    let error_at = move |s: SimpleSpan| Deep::new(error_expr(span(file, s)), 1);

    let literal = select! {
        Token::Int(Some(v)) => ExprKind::Int(v),
        Token::Int(None) => ExprKind::Error,
        Token::Unit { number, unit } => ExprKind::Unit { number, unit: unit.to_string() },
        Token::Keyword("true") => ExprKind::Bool(true),
        Token::Keyword("false") => ExprKind::Bool(false),
        Token::Keyword("null") => ExprKind::Null,
        Token::Keyword("self") => ExprKind::SelfRef,
        Token::Error => ExprKind::Error,
    }
    .map_with(move |kind, e| {
        Deep::new(
            Expr {
                kind,
                span: span(file, e.span()),
            },
            1,
        )
    });

    let variable = not_item_start().ignore_then(name(file)).map(|ident| {
        let at = ident.span;
        Deep::new(
            Expr {
                kind: ExprKind::Name(ident),
                span: at,
            },
            1,
        )
    });

    // A string: literal text and interpolations.
    let interpolation = expr
        .clone()
        .then_ignore(followed_by([Token::InterpEnd]))
        .recover_with(via_parser(skip(Stop::Closer).map(error_at)))
        .map(settle)
        .delimited_by(just(Token::InterpStart), just(Token::InterpEnd))
        .map(|value| Deep::new(StrPart::Interp(value.node), value.depth));
    let text = select! { Token::StrText(s) => Deep::new(StrPart::Lit(s), 0) };
    let string = text
        .or(interpolation)
        .repeated()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::StrStart), just(Token::StrEnd))
        .map_with(move |parts, e| {
            let depth = parts.iter().map(|p| p.depth).fold(0, deeper);
            let parts = parts.into_iter().map(|p| p.node).collect();
            node(ExprKind::Str(parts), span(file, e.span()), depth, e)
        })
        .labelled("a string");

    // A list or a comprehension.
    let element = expr
        .clone()
        .then_ignore(followed_by([
            Token::Punct(","),
            Token::Punct("]"),
            Token::Keyword("for"),
        ]))
        .recover_with(via_parser(skip(Stop::Element).map(error_at)))
        .map(settle);
    let comprehension = keyword("for")
        .ignore_then(name(file))
        .then(punct(",").ignore_then(name(file)).or_not())
        .then_ignore(keyword("in"))
        .then(expr.clone().map(settle))
        .then(keyword("if").ignore_then(expr.clone().map(settle)).or_not());
    let list = element
        .separated_by(punct(","))
        .allow_trailing()
        .collect::<Vec<_>>()
        .then(comprehension.or_not())
        .delimited_by(punct("["), punct("]"))
        .map_with(move |(elements, comprehension), e| {
            let at = span(file, e.span());
            let Some((((var, var2), iter), cond)) = comprehension else {
                let depth = elements.iter().map(|x| x.depth).fold(0, deeper);
                let elements = elements.into_iter().map(|x| x.node).collect();
                return node(ExprKind::List(elements), at, depth, e);
            };
            let mut elements = elements.into_iter();
            let (Some(body), None) = (elements.next(), elements.next()) else {
                e.emit(Rich::custom(
                    SimpleSpan::from(at.range()),
                    COMPREHENSION_ELEMENTS,
                ));
                return Deep::new(error_expr(at), 1);
            };
            let depth = deeper(
                deeper(body.depth, iter.depth),
                cond.as_ref().map_or(0, |c| c.depth),
            );
            let kind = ExprKind::Comprehension {
                body: Box::new(body.node),
                var,
                var2,
                iter: Box::new(iter.node),
                cond: cond.map(|c| Box::new(c.node)),
            };
            node(kind, at, depth, e)
        })
        .recover_with(via_parser(skip_group("[").map(error_at)));

    // A record literal.
    let key = word(file)
        .map(Key::Ident)
        .or(string
            .clone()
            .validate(move |value: Deep<Expr>, _, emitter| {
                let at = value.node.span;
                let ExprKind::Str(parts) = value.node.kind else {
                    return Key::Str(String::new(), at);
                };
                let mut text = String::new();
                for part in parts {
                    match part {
                        StrPart::Lit(s) => text.push_str(&s),
                        StrPart::Interp(inner) => emitter.emit(Rich::custom(
                            SimpleSpan::from(inner.span.range()),
                            INTERPOLATED_KEY,
                        )),
                    }
                }
                Key::Str(text, at)
            }))
        .labelled("a record entry");
    let spread = punct("...")
        .ignore_then(expr.clone().map(settle))
        .map(|value| (RecordEntryKind::Spread(value.node), value.depth));
    let binding = keyword("let")
        .ignore_then(name(file))
        .then_ignore(punct("="))
        .then(expr.clone().map(settle))
        .map(|(name, value)| {
            let depth = value.depth;
            (
                RecordEntryKind::Let {
                    name,
                    value: value.node,
                },
                depth,
            )
        });
    let field = key
        .then(
            punct("=")
                .ignore_then(expr.clone())
                .or(record.clone())
                .map(settle),
        )
        .map(|(key, value)| {
            let depth = value.depth;
            (
                RecordEntryKind::Field {
                    key,
                    value: value.node,
                },
                depth,
            )
        });
    let entry = choice((spread, binding, field))
        .labelled("a record entry")
        .map_with(move |(kind, depth), e| {
            Deep::new(
                RecordEntry {
                    doc: None,
                    kind,
                    span: span(file, e.span()),
                },
                depth,
            )
        })
        .recover_with(via_parser(skip(Stop::Entry).map(move |s| {
            Deep::new(
                RecordEntry {
                    doc: None,
                    kind: RecordEntryKind::Error,
                    span: span(file, s),
                },
                0,
            )
        })));
    let separator = punct(",").or(punct(";"));
    record_def.define(
        entry
            .then_ignore(separator.or_not())
            .repeated()
            .collect::<Vec<_>>()
            .delimited_by(punct("{"), punct("}"))
            .map_with(move |entries, e| {
                let depth = entries.iter().map(|x| x.depth).fold(0, deeper);
                let entries = entries.into_iter().map(|x| x.node).collect();
                node(ExprKind::Record(entries), span(file, e.span()), depth, e)
            })
            .recover_with(via_parser(skip_group("{").map(error_at))),
    );

    let parenthesized = expr
        .clone()
        .delimited_by(punct("("), punct(")"))
        .map_with(move |inner, e| {
            let mut inner = inner;
            inner.node.span = span(file, e.span());
            inner
        })
        .recover_with(via_parser(skip_group("(").map(error_at)));

    let conditional = keyword("if")
        .ignore_then(expr.clone())
        .then_ignore(keyword("then"))
        .then(expr.clone())
        .then_ignore(keyword("else"))
        .then(expr.clone())
        .map_with(move |((cond, then), otherwise), e| {
            let depth = deeper(deeper(cond.depth, then.depth), otherwise.depth);
            let kind = ExprKind::If {
                cond: Box::new(cond.node),
                then: Box::new(then.node),
                otherwise: Box::new(otherwise.node),
            };
            node(kind, span(file, e.span()), depth, e)
        });

    let let_in = not_item_start()
        .ignore_then(keyword("let"))
        .ignore_then(name(file))
        .then_ignore(punct("="))
        .then(expr.clone())
        .then_ignore(keyword("in"))
        .then(expr.clone())
        .map_with(move |((name, value), body), e| {
            let depth = deeper(value.depth, body.depth);
            let kind = ExprKind::Let {
                name,
                value: Box::new(value.node),
                body: Box::new(body.node),
            };
            node(kind, span(file, e.span()), depth, e)
        });

    let atom = choice((
        literal,
        string.clone(),
        variable,
        list,
        record.clone(),
        parenthesized,
        conditional,
        let_in,
    ))
    .labelled("an expression");

    // Postfix: `.field`, `[index]`, `(args)`.
    let argument = word(file)
        .then_ignore(punct("="))
        .or_not()
        .then(expr.clone())
        .then_ignore(followed_by([Token::Punct(","), Token::Punct(")")]))
        .map(|(name, value)| {
            let value = settle(value);
            let depth = value.depth;
            Deep::new(
                Arg {
                    name,
                    value: value.node,
                },
                depth,
            )
        })
        .recover_with(via_parser(skip(Stop::Element).map(move |s| {
            Deep::new(
                Arg {
                    name: None,
                    value: error_expr(span(file, s)),
                },
                1,
            )
        })));
    let arguments = argument
        .separated_by(punct(","))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(punct("("), punct(")"))
        .validate(|args: Vec<Deep<Arg>>, _, emitter| {
            let mut named = false;
            for arg in &args {
                if arg.node.name.is_some() {
                    named = true;
                } else if named && arg.node.value.kind != ExprKind::Error {
                    emitter.emit(Rich::custom(
                        SimpleSpan::from(arg.node.value.span.range()),
                        POSITIONAL_AFTER_NAMED,
                    ));
                }
            }
            args
        });
    let index = expr
        .clone()
        .then_ignore(followed_by([Token::Punct("]")]))
        .recover_with(via_parser(skip(Stop::Closer).map(error_at)))
        .map(settle)
        .delimited_by(punct("["), punct("]"));
    let postfix_op = choice((
        punct(".").ignore_then(word(file)).map(Postfix::Field),
        index.map(Postfix::Index),
        arguments.map(Postfix::Call),
    ))
    .labelled("an operator")
    .map_with(|op, e| (op, e.span()));
    let postfix = atom.foldl_with(postfix_op.repeated(), move |target, (op, at), e| {
        let whole = target.node.span.to(span(file, at));
        let (kind, depth) = match op {
            Postfix::Field(field) => (ExprKind::Field(Box::new(target.node), field), target.depth),
            Postfix::Index(index) => (
                ExprKind::Index(Box::new(target.node), Box::new(index.node)),
                deeper(target.depth, index.depth),
            ),
            Postfix::Call(args) => {
                let depth = args.iter().map(|a| a.depth).fold(target.depth, deeper);
                let args = args.into_iter().map(|a| a.node).collect();
                (
                    ExprKind::Call {
                        callee: Box::new(target.node),
                        args,
                    },
                    depth,
                )
            }
        };
        node(kind, whole, depth, e)
    });

    // Prefix operators, folded without recursion so `- - - ... x` cannot overflow the stack.
    let prefix = choice((punct("!").to(UnOp::Not), punct("-").to(UnOp::Neg)))
        .map_with(|op, e| (op, e.span()));
    let unary = prefix
        .repeated()
        .collect::<Vec<_>>()
        .then(postfix)
        .map_with(move |(ops, operand), e| {
            let mut result = operand;
            for (op, at) in ops.into_iter().rev() {
                let whole = span(file, at).to(result.node.span);
                let kind = ExprKind::Unary {
                    op,
                    expr: Box::new(result.node),
                };
                result = node(kind, whole, result.depth, e);
            }
            result
        })
        .labelled("an expression")
        .boxed();

    let product = binary(
        unary,
        &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
    );
    let sum = binary(product, &[("+", BinOp::Add), ("-", BinOp::Sub)]);
    let endpoint = binary(sum, &[("@", BinOp::At)]);
    let comparison = binary(
        endpoint,
        &[
            ("<", BinOp::Lt),
            ("<=", BinOp::Le),
            (">", BinOp::Gt),
            (">=", BinOp::Ge),
        ],
    );
    let equality = binary(comparison, &[("==", BinOp::Eq), ("!=", BinOp::Ne)]);
    let conjunction = binary(equality, &[("&&", BinOp::And)]);
    let disjunction = binary(conjunction, &[("||", BinOp::Or)]);
    expr_def.define(disjunction.labelled("an expression"));

    (expr_def, record_def)
}

/// A postfix operation.
enum Postfix {
    Field(Ident),
    Index(Deep<Expr>),
    Call(Vec<Deep<Arg>>),
}

/// One precedence level of left-associative binary operators over `operand`.
fn binary<'t, 's: 't, I, P>(
    operand: P,
    operators: &'static [(&'static str, BinOp)],
) -> Boxed<'t, 't, I, Deep<Expr>, Extra<'t, 's>>
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
    P: Parser<'t, I, Deep<Expr>, Extra<'t, 's>> + Clone + 't,
{
    // An operator never starts an item: `@allow` in column 0 after `let x = tag.feed` begins an
    // attribute of the next item instead of continuing the expression as an endpoint.
    let operator = not_item_start()
        .ignore_then(choice(
            operators
                .iter()
                .map(|(p, op)| just(Token::Punct(p)).to(*op))
                .collect::<Vec<_>>(),
        ))
        .labelled("an operator");
    operand
        .clone()
        .foldl_with(
            operator.then(operand).repeated(),
            move |lhs, (op, rhs), e| {
                let at = lhs.node.span.to(rhs.node.span);
                let depth = deeper(lhs.depth, rhs.depth);
                let kind = ExprKind::Binary {
                    op,
                    lhs: Box::new(lhs.node),
                    rhs: Box::new(rhs.node),
                };
                node(kind, at, depth, e)
            },
        )
        .boxed()
}
