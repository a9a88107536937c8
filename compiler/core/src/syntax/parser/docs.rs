//! Comments: kept as trivia, and doc comments attached to what they document.
//!
//! A run of `///` lines (only blank space between them) documents the item, parameter or record
//! entry whose first token comes next. The `//!` lines before the first item document the file.
//! Attachment happens after parsing, by matching the start offset of the token that follows a
//! doc comment with the start of a node.

use std::collections::BTreeMap;

use chumsky::span::SimpleSpan;

use crate::source::{FileId, Span};
use crate::syntax::ast::{
    Comment, CommentKind, Doc, Expr, ExprKind, File, ItemKind, Param, RecordEntryKind, StrPart,
};
use crate::syntax::lexer::{Spanned, Token};

/// Builds the file's comment list and doc comment, and attaches every `///` run to the node that
/// follows it.
pub fn attach(
    file_id: FileId,
    file: &mut File,
    comments: &[Spanned<(CommentKind, &str)>],
    tokens: &[Spanned<Token<'_>>],
) {
    file.comments = comments
        .iter()
        .map(|((kind, text), at)| Comment {
            kind: *kind,
            text: (*text).to_string(),
            span: Span::new(file_id, at.into_range()),
        })
        .collect();

    let first_item = file
        .items
        .first()
        .map_or(usize::MAX, |i| i.start() as usize);
    let module: Vec<&Spanned<(CommentKind, &str)>> = comments
        .iter()
        .filter(|((kind, _), at)| *kind == CommentKind::ModuleDoc && at.start < first_item)
        .collect();
    file.doc = join(file_id, &module);

    let mut docs = doc_runs(file_id, comments, tokens);
    if docs.is_empty() {
        return;
    }
    for item in &mut file.items {
        // A doc comment comes before the attributes; one written between them and the item
        // documents it too.
        item.doc = docs
            .remove(&item.start())
            .or_else(|| docs.remove(&item.span.start));
        match &mut item.kind {
            ItemKind::Let(def) => walk(&mut def.value, &mut docs),
            ItemKind::Fn(def) => {
                params(&mut def.params, &mut docs);
                walk(&mut def.body, &mut docs);
            }
            ItemKind::Decl(decl) => {
                if let Some(list) = &mut decl.params {
                    params(list, &mut docs);
                }
                if let Some(on) = &mut decl.on {
                    walk(on, &mut docs);
                }
                if let Some(body) = &mut decl.body {
                    walk(body, &mut docs);
                }
            }
            ItemKind::Import(_) | ItemKind::Type(_) | ItemKind::Enum(_) | ItemKind::Error => {}
        }
    }
}

/// The doc comment runs, keyed by the start of the token that follows each.
fn doc_runs(
    file_id: FileId,
    comments: &[Spanned<(CommentKind, &str)>],
    tokens: &[Spanned<Token<'_>>],
) -> BTreeMap<u32, Doc> {
    let mut runs = BTreeMap::new();
    let mut run: Vec<&Spanned<(CommentKind, &str)>> = Vec::new();
    let mut next_token = 0usize;
    let mut index = 0usize;
    while let Some(comment) = comments.get(index) {
        index += 1;
        if comment.0 .0 != CommentKind::Doc {
            continue;
        }
        run.push(comment);
        // The run goes on while the next comment is a doc comment with no token in between.
        let end = comment.1.end;
        while tokens.get(next_token).is_some_and(|(_, at)| at.start < end) {
            next_token += 1;
        }
        let following = tokens.get(next_token).map(|(_, at)| at.start);
        let continues = comments.get(index).is_some_and(|((kind, _), at)| {
            *kind == CommentKind::Doc && following.is_none_or(|start| at.start < start)
        });
        if continues {
            continue;
        }
        if let (Some(start), Some(doc)) = (following, join(file_id, &run)) {
            runs.insert(u32::try_from(start).unwrap_or(u32::MAX), doc);
        }
        run.clear();
    }
    runs
}

/// Joins comment lines into a doc: one leading space of each line removed.
fn join(file_id: FileId, lines: &[&Spanned<(CommentKind, &str)>]) -> Option<Doc> {
    let (first, last) = (lines.first()?, lines.last()?);
    let text = lines
        .iter()
        .map(|((_, text), _)| text.strip_prefix(' ').unwrap_or(text))
        .collect::<Vec<_>>()
        .join("\n");
    Some(Doc {
        text,
        span: Span::new(
            file_id,
            SimpleSpan::from(first.1.start..last.1.end).into_range(),
        ),
    })
}

fn params(params: &mut [Param], docs: &mut BTreeMap<u32, Doc>) {
    for param in params {
        param.doc = docs.remove(&param.span.start);
        if let Some(default) = &mut param.default {
            walk(default, docs);
        }
    }
}

/// Attaches docs to the record entries inside an expression. Trees are at most
/// `MAX_DEPTH` deep, so recursion is safe.
fn walk(expr: &mut Expr, docs: &mut BTreeMap<u32, Doc>) {
    if docs.is_empty() {
        return;
    }
    match &mut expr.kind {
        ExprKind::Record(entries) => {
            for entry in entries {
                entry.doc = docs.remove(&entry.span.start);
                match &mut entry.kind {
                    RecordEntryKind::Field { value, .. } => walk(value, docs),
                    RecordEntryKind::Spread(value) => walk(value, docs),
                    RecordEntryKind::Let { value, .. } => walk(value, docs),
                    RecordEntryKind::Error => {}
                }
            }
        }
        ExprKind::Str(parts) => {
            for part in parts {
                if let StrPart::Interp(inner) = part {
                    walk(inner, docs);
                }
            }
        }
        ExprKind::Field(target, _) => walk(target, docs),
        ExprKind::Index(target, index) => {
            walk(target, docs);
            walk(index, docs);
        }
        ExprKind::Call { callee, args } => {
            walk(callee, docs);
            for arg in args {
                walk(&mut arg.value, docs);
            }
        }
        ExprKind::List(items) => {
            for item in items {
                walk(item, docs);
            }
        }
        ExprKind::Comprehension {
            body, iter, cond, ..
        } => {
            walk(body, docs);
            walk(iter, docs);
            if let Some(cond) = cond {
                walk(cond, docs);
            }
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            walk(cond, docs);
            walk(then, docs);
            walk(otherwise, docs);
        }
        ExprKind::Let { value, body, .. } => {
            walk(value, docs);
            walk(body, docs);
        }
        ExprKind::Binary { lhs, rhs, .. } => {
            walk(lhs, docs);
            walk(rhs, docs);
        }
        ExprKind::Unary { expr, .. } => walk(expr, docs),
        ExprKind::Int(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Unit { .. }
        | ExprKind::Name(_)
        | ExprKind::SelfRef
        | ExprKind::Error => {}
    }
}
