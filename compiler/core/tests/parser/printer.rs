//! A compact, one-node-per-line rendering of a syntax tree, for snapshots that a person can
//! review: each line is a node kind, its details and its byte range, indented under its parent.

use bops_core::syntax::ast::{
    Arg, Doc, Expr, ExprKind, File, Ident, Item, ItemKind, Key, Param, RecordEntry,
    RecordEntryKind, StrPart, TypeExpr, TypeExprKind,
};
use bops_core::Span;

/// Renders a file.
pub fn render(file: &File) -> String {
    let mut p = Printer::default();
    if let Some(doc) = &file.doc {
        p.line(0, &format!("file doc {}", doc_text(doc)));
    }
    for comment in &file.comments {
        p.line(
            0,
            &format!(
                "comment {:?} {:?} {}",
                comment.kind,
                comment.text,
                at(comment.span)
            ),
        );
    }
    for item in &file.items {
        p.item(item);
    }
    p.out
}

#[derive(Default)]
struct Printer {
    out: String,
}

fn at(span: Span) -> String {
    format!("@{}..{}", span.start, span.end)
}

fn ident(i: &Ident) -> String {
    format!("{}{}", i.name, at(i.span))
}

fn doc_text(doc: &Doc) -> String {
    format!("{:?}{}", doc.text, at(doc.span))
}

fn with_doc(text: String, doc: &Option<Doc>) -> String {
    match doc {
        Some(doc) => format!("{text} doc={}", doc_text(doc)),
        None => text,
    }
}

impl Printer {
    fn line(&mut self, depth: usize, text: &str) {
        self.out.push_str(&"  ".repeat(depth));
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn item(&mut self, item: &Item) {
        for attribute in &item.attributes {
            self.line(
                0,
                &format!(
                    "attribute @{} {}",
                    ident(&attribute.name),
                    at(attribute.span)
                ),
            );
            for arg in attribute.args.iter().flatten() {
                self.expr(1, "arg", arg);
            }
        }
        let span = at(item.span);
        match &item.kind {
            ItemKind::Import(import) => {
                let path: Vec<String> = import.path.iter().map(ident).collect();
                let alias = import.alias.as_ref().map(|a| format!(" as {}", ident(a)));
                let text = format!(
                    "import {}{} {span}",
                    path.join("."),
                    alias.unwrap_or_default()
                );
                self.line(0, &with_doc(text, &item.doc));
            }
            ItemKind::Let(def) => {
                self.line(
                    0,
                    &with_doc(format!("let {} {span}", ident(&def.name)), &item.doc),
                );
                if let Some(ty) = &def.ty {
                    self.ty(1, "type: ", ty);
                }
                self.expr(1, "value: ", &def.value);
            }
            ItemKind::Fn(def) => {
                self.line(
                    0,
                    &with_doc(format!("fn {} {span}", ident(&def.name)), &item.doc),
                );
                self.params(1, &def.params);
                if let Some(ret) = &def.ret {
                    self.ty(1, "returns: ", ret);
                }
                self.expr(1, "body: ", &def.body);
            }
            ItemKind::Type(def) => {
                self.line(
                    0,
                    &with_doc(format!("type {} {span}", ident(&def.name)), &item.doc),
                );
                self.ty(1, "", &def.ty);
            }
            ItemKind::Enum(def) => {
                let variants: Vec<String> = def.variants.iter().map(ident).collect();
                let text = format!(
                    "enum {} {{ {} }} {span}",
                    ident(&def.name),
                    variants.join(", ")
                );
                self.line(0, &with_doc(text, &item.doc));
            }
            ItemKind::Decl(decl) => {
                let text = format!("decl {} {} {span}", ident(&decl.kind), ident(&decl.name));
                self.line(0, &with_doc(text, &item.doc));
                if let Some(params) = &decl.params {
                    self.line(1, "params:");
                    self.params(2, params);
                }
                if let Some(on) = &decl.on {
                    self.expr(1, "on: ", on);
                }
                if let Some(body) = &decl.body {
                    self.expr(1, "body: ", body);
                }
            }
            ItemKind::Error => self.line(0, &with_doc(format!("error-item {span}"), &item.doc)),
        }
    }

    fn params(&mut self, depth: usize, params: &[Param]) {
        for param in params {
            let text = format!("param {} {}", ident(&param.name), at(param.span));
            self.line(depth, &with_doc(text, &param.doc));
            if let Some(ty) = &param.ty {
                self.ty(depth + 1, "type: ", ty);
            }
            if let Some(default) = &param.default {
                self.expr(depth + 1, "default: ", default);
            }
        }
    }

    fn ty(&mut self, depth: usize, role: &str, ty: &TypeExpr) {
        let span = at(ty.span);
        match &ty.kind {
            TypeExprKind::Named { name, args } => {
                self.line(depth, &format!("{role}{} {span}", ident(name)));
                for arg in args {
                    self.ty(depth + 1, "", arg);
                }
            }
            TypeExprKind::Optional(inner) => {
                self.line(depth, &format!("{role}optional {span}"));
                self.ty(depth + 1, "", inner);
            }
            TypeExprKind::Record(fields) => {
                self.line(depth, &format!("{role}record-type {span}"));
                for field in fields {
                    let mark = if field.optional { "?" } else { "" };
                    self.ty(
                        depth + 1,
                        &format!("{}{mark}: ", ident(&field.name)),
                        &field.ty,
                    );
                }
            }
            TypeExprKind::Error => self.line(depth, &format!("{role}error-type {span}")),
        }
    }

    fn expr(&mut self, depth: usize, role: &str, expr: &Expr) {
        let span = at(expr.span);
        let d = depth + 1;
        match &expr.kind {
            ExprKind::Int(v) => self.line(depth, &format!("{role}int {v} {span}")),
            ExprKind::Bool(v) => self.line(depth, &format!("{role}bool {v} {span}")),
            ExprKind::Null => self.line(depth, &format!("{role}null {span}")),
            ExprKind::Unit { number, unit } => {
                self.line(depth, &format!("{role}unit {number} {unit} {span}"))
            }
            ExprKind::Str(parts) => {
                self.line(depth, &format!("{role}str {span}"));
                for part in parts {
                    match part {
                        StrPart::Lit(text) => self.line(d, &format!("lit {text:?}")),
                        StrPart::Interp(inner) => self.expr(d, "interp: ", inner),
                    }
                }
            }
            ExprKind::Name(name) => self.line(depth, &format!("{role}name {}", ident(name))),
            ExprKind::SelfRef => self.line(depth, &format!("{role}self {span}")),
            ExprKind::Field(target, field) => {
                self.line(depth, &format!("{role}field {} {span}", ident(field)));
                self.expr(d, "", target);
            }
            ExprKind::Index(target, index) => {
                self.line(depth, &format!("{role}index {span}"));
                self.expr(d, "", target);
                self.expr(d, "at: ", index);
            }
            ExprKind::Call { callee, args } => {
                self.line(depth, &format!("{role}call {span}"));
                self.expr(d, "callee: ", callee);
                for Arg { name, value } in args {
                    let role = match name {
                        Some(name) => format!("arg {} = ", ident(name)),
                        None => "arg ".to_string(),
                    };
                    self.expr(d, &role, value);
                }
            }
            ExprKind::List(items) => {
                self.line(depth, &format!("{role}list {span}"));
                for item in items {
                    self.expr(d, "", item);
                }
            }
            ExprKind::Comprehension {
                body,
                var,
                var2,
                iter,
                cond,
            } => {
                let vars = match var2 {
                    Some(v2) => format!("{}, {}", ident(var), ident(v2)),
                    None => ident(var),
                };
                self.line(depth, &format!("{role}for {vars} {span}"));
                self.expr(d, "body: ", body);
                self.expr(d, "in: ", iter);
                if let Some(cond) = cond {
                    self.expr(d, "if: ", cond);
                }
            }
            ExprKind::Record(entries) => {
                self.line(depth, &format!("{role}record {span}"));
                for entry in entries {
                    self.entry(d, entry);
                }
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.line(depth, &format!("{role}if {span}"));
                self.expr(d, "cond: ", cond);
                self.expr(d, "then: ", then);
                self.expr(d, "else: ", otherwise);
            }
            ExprKind::Let { name, value, body } => {
                self.line(depth, &format!("{role}let {} {span}", ident(name)));
                self.expr(d, "= ", value);
                self.expr(d, "in: ", body);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.line(depth, &format!("{role}binary {op:?} {span}"));
                self.expr(d, "", lhs);
                self.expr(d, "", rhs);
            }
            ExprKind::Unary { op, expr } => {
                self.line(depth, &format!("{role}unary {op:?} {span}"));
                self.expr(d, "", expr);
            }
            ExprKind::Error => self.line(depth, &format!("{role}error {span}")),
        }
    }

    fn entry(&mut self, depth: usize, entry: &RecordEntry) {
        let span = at(entry.span);
        match &entry.kind {
            RecordEntryKind::Field { key, value } => {
                let key = match key {
                    Key::Ident(i) => ident(i),
                    Key::Str(text, s) => format!("{text:?}{}", at(*s)),
                };
                self.line(depth, &with_doc(format!("entry {key} {span}"), &entry.doc));
                self.expr(depth + 1, "", value);
            }
            RecordEntryKind::Spread(value) => {
                self.line(depth, &with_doc(format!("spread {span}"), &entry.doc));
                self.expr(depth + 1, "", value);
            }
            RecordEntryKind::Let { name, value } => {
                let text = format!("let-entry {} {span}", ident(name));
                self.line(depth, &with_doc(text, &entry.doc));
                self.expr(depth + 1, "", value);
            }
            RecordEntryKind::Error => {
                self.line(depth, &with_doc(format!("error-entry {span}"), &entry.doc))
            }
        }
    }
}
