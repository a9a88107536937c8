//! The grammar of items, parameters and types, and of a whole file.
//!
//! An item may be preceded by attributes, `@name` with optional arguments in parentheses
//! (`@allow(B3053, "reason")`); they belong to the item, whose span starts after them.

use chumsky::input::ValueInput;
use chumsky::prelude::*;

use super::expr::{expressions, followed_by, keyword, name, punct, word};
use super::support::{
    error_expr, guarded, not_item_start, settle, skip, skip_group, span, Extra, Stop,
};
use crate::source::FileId;
use crate::syntax::ast::{
    Attribute, Decl, Enum, Fn, Import, Item, ItemKind, Let, Param, RecordTypeField, TypeAlias,
    TypeExpr, TypeExprKind,
};
use crate::syntax::lexer::Token;

/// How many `?` may follow a type (`T?`); more are reported rather than nested without bound.
const MAX_OPTIONAL_MARKS: usize = 4;

/// The parser of a whole file: its items, up to the end of the input.
pub fn file<'t, 's: 't, I>(file: FileId) -> impl Parser<'t, I, Vec<Item>, Extra<'t, 's>>
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    let (expr, record) = expressions::<I>(file);
    let expr = expr.map(settle);
    let record = record.map(settle);
    let ty = types::<I>(file);

    let param = name(file)
        .then(punct(":").ignore_then(ty.clone()).or_not())
        .then(punct("=").ignore_then(expr.clone()).or_not())
        .map_with(move |((name, ty), default), e| Param {
            doc: None,
            name,
            ty,
            default: default.map(|d| d.node),
            span: span(file, e.span()),
        })
        .then_ignore(followed_by([Token::Punct(","), Token::Punct(")")]))
        .map(Some)
        .recover_with(via_parser(skip(Stop::Element).to(None)))
        .labelled("a parameter");
    let params = param
        .separated_by(punct(","))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(punct("("), punct(")"))
        .map(|params| params.into_iter().flatten().collect::<Vec<Param>>())
        .recover_with(via_parser(skip_group("(").to(Vec::new())));

    let import = keyword("import")
        .ignore_then(
            name(file)
                .separated_by(punct("."))
                .at_least(1)
                .collect::<Vec<_>>(),
        )
        .then(keyword("as").ignore_then(name(file)).or_not())
        .map(|(path, alias)| ItemKind::Import(Import { path, alias }));

    let let_item = keyword("let")
        .ignore_then(name(file))
        .then(punct(":").ignore_then(ty.clone()).or_not())
        .then_ignore(punct("="))
        .then(expr.clone())
        .map(|((name, ty), value)| {
            ItemKind::Let(Let {
                name,
                ty,
                value: value.node,
            })
        });

    let fn_item = keyword("fn")
        .ignore_then(name(file))
        .then(params.clone())
        .then(punct("->").ignore_then(ty.clone()).or_not())
        .then_ignore(punct("="))
        .then(expr.clone())
        .map(|(((name, params), ret), body)| {
            ItemKind::Fn(Fn {
                name,
                params,
                ret,
                body: body.node,
            })
        });

    let type_item = keyword("type")
        .ignore_then(name(file))
        .then_ignore(punct("="))
        .then(ty.clone())
        .map(|(name, ty)| ItemKind::Type(TypeAlias { name, ty }));

    let separator = punct(",").or(punct(";"));
    let variant = name(file)
        .map(Some)
        .recover_with(via_parser(skip(Stop::Entry).to(None)));
    let enum_item = keyword("enum")
        .ignore_then(name(file))
        .then(
            variant
                .then_ignore(separator.clone().or_not())
                .repeated()
                .collect::<Vec<_>>()
                .delimited_by(punct("{"), punct("}"))
                .map(|variants| variants.into_iter().flatten().collect::<Vec<_>>()),
        )
        .map(|(name, variants)| ItemKind::Enum(Enum { name, variants }));

    let decl = name(file)
        .then(not_item_start().ignore_then(name(file)))
        .then(params.or_not())
        .then(keyword("on").ignore_then(expr.clone()).or_not())
        .then(record.or(punct("=").ignore_then(expr.clone())).or_not())
        .map(|((((kind, name), params), on), body)| {
            ItemKind::Decl(Decl {
                kind,
                name,
                params,
                on: on.map(|d| d.node),
                body: body.map(|d| d.node),
            })
        });

    // An argument that cannot be read becomes an `Error` expression and its siblings are kept,
    // so a broken attribute is one diagnostic and still belongs to its item.
    let attribute_arg = expr
        .clone()
        .map(|arg| arg.node)
        .then_ignore(followed_by([Token::Punct(","), Token::Punct(")")]))
        .recover_with(via_parser(
            skip(Stop::Element).map(move |s| error_expr(span(file, s))),
        ))
        .labelled("an attribute argument");
    let attribute_args = attribute_arg
        .separated_by(punct(","))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(punct("("), punct(")"))
        .recover_with(via_parser(
            skip_group("(").map(move |s| vec![error_expr(span(file, s))]),
        ));
    let attribute = punct("@")
        .ignore_then(name(file))
        .then(attribute_args.or_not())
        .map_with(move |(name, args), e| Attribute {
            name,
            args,
            span: span(file, e.span()),
        })
        .labelled("an attribute");

    let body = choice((import, let_item, fn_item, type_item, enum_item, decl))
        .labelled("an item")
        .map_with(move |kind, e| (kind, span(file, e.span())));
    let item = attribute
        .repeated()
        .collect::<Vec<_>>()
        .then(body)
        .map(|(attributes, (kind, at))| Item {
            doc: None,
            attributes,
            kind,
            span: at,
        })
        .recover_with(via_parser(skip(Stop::Item).map(move |s| Item {
            doc: None,
            attributes: Vec::new(),
            kind: ItemKind::Error,
            span: span(file, s),
        })));

    item.repeated().collect::<Vec<_>>().then_ignore(end())
}

/// The parser of a type.
fn types<'t, 's: 't, I>(file: FileId) -> impl Parser<'t, I, TypeExpr, Extra<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>,
{
    recursive(move |ty| {
        let ty = guarded(ty);
        let named = name(file)
            .then(
                ty.clone()
                    .separated_by(punct(","))
                    .at_least(1)
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(punct("<"), punct(">"))
                    .or_not(),
            )
            .map_with(move |(name, args), e| TypeExpr {
                kind: TypeExprKind::Named {
                    name,
                    args: args.unwrap_or_default(),
                },
                span: span(file, e.span()),
            });
        let field = word(file)
            .then(punct("?").or_not())
            .then_ignore(punct(":"))
            .then(ty.clone())
            .map(|((name, optional), ty)| {
                Some(RecordTypeField {
                    name,
                    optional: optional.is_some(),
                    ty,
                })
            })
            .recover_with(via_parser(skip(Stop::Entry).to(None)));
        let record = field
            .then_ignore(punct(",").or(punct(";")).or_not())
            .repeated()
            .collect::<Vec<_>>()
            .delimited_by(punct("{"), punct("}"))
            .map_with(move |fields, e| TypeExpr {
                kind: TypeExprKind::Record(fields.into_iter().flatten().collect()),
                span: span(file, e.span()),
            })
            .recover_with(via_parser(skip_group("{").map(move |s| TypeExpr {
                kind: TypeExprKind::Error,
                span: span(file, s),
            })));
        let error = just(Token::Error).map_with(move |_, e| TypeExpr {
            kind: TypeExprKind::Error,
            span: span(file, e.span()),
        });
        choice((named, record, error))
            .labelled("a type")
            .foldl_with(
                punct("?")
                    .map_with(|_, e| e.span())
                    .repeated()
                    .at_most(MAX_OPTIONAL_MARKS),
                move |inner: TypeExpr, mark: SimpleSpan, _| {
                    let at = inner.span.to(span(file, mark));
                    TypeExpr {
                        kind: TypeExprKind::Optional(Box::new(inner)),
                        span: at,
                    }
                },
            )
    })
}
