//! Invariants every parse must keep, checked on every fixture and every fuzzed input: each span
//! lies within the text, on character boundaries, with `start <= end`; a node's children lie
//! within the node; diagnostics point into the text.

use bops_core::syntax::ast::{
    Expr, ExprKind, File, ItemKind, Key, Param, RecordEntryKind, StrPart, TypeExpr, TypeExprKind,
};
use bops_core::{Diagnostic, Span};

/// Checks the invariants; returns the first violation.
pub fn check(text: &str, file: &File, diagnostics: &[Diagnostic]) -> Result<(), String> {
    let mut c = Checker { text, error: None };
    if let Some(doc) = &file.doc {
        c.span(doc.span, "file doc");
    }
    for comment in &file.comments {
        c.span(comment.span, "comment");
    }
    for item in &file.items {
        c.span(item.span, "item");
        if let Some(doc) = &item.doc {
            c.span(doc.span, "item doc");
        }
        let within = item.span;
        match &item.kind {
            ItemKind::Import(import) => {
                for segment in &import.path {
                    c.inside(segment.span, within, "import segment");
                }
                if let Some(alias) = &import.alias {
                    c.inside(alias.span, within, "import alias");
                }
            }
            ItemKind::Let(def) => {
                c.inside(def.name.span, within, "let name");
                if let Some(ty) = &def.ty {
                    c.ty(ty, within);
                }
                c.expr(&def.value, within);
            }
            ItemKind::Fn(def) => {
                c.inside(def.name.span, within, "fn name");
                c.params(&def.params, within);
                if let Some(ret) = &def.ret {
                    c.ty(ret, within);
                }
                c.expr(&def.body, within);
            }
            ItemKind::Type(def) => {
                c.inside(def.name.span, within, "type name");
                c.ty(&def.ty, within);
            }
            ItemKind::Enum(def) => {
                c.inside(def.name.span, within, "enum name");
                for variant in &def.variants {
                    c.inside(variant.span, within, "enum variant");
                }
            }
            ItemKind::Decl(decl) => {
                c.inside(decl.kind.span, within, "decl kind");
                c.inside(decl.name.span, within, "decl name");
                if let Some(params) = &decl.params {
                    c.params(params, within);
                }
                if let Some(on) = &decl.on {
                    c.expr(on, within);
                }
                if let Some(body) = &decl.body {
                    c.expr(body, within);
                }
            }
            ItemKind::Error => {}
        }
    }
    for d in diagnostics {
        c.span(d.primary.span, "diagnostic");
        for label in &d.secondary {
            c.span(label.span, "diagnostic label");
        }
    }
    match c.error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

struct Checker<'a> {
    text: &'a str,
    error: Option<String>,
}

impl Checker<'_> {
    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    fn span(&mut self, span: Span, what: &str) {
        let (start, end) = (span.start as usize, span.end as usize);
        if start > end || end > self.text.len() {
            self.fail(format!(
                "{what} span {start}..{end} is outside 0..{}",
                self.text.len()
            ));
        } else if !self.text.is_char_boundary(start) || !self.text.is_char_boundary(end) {
            self.fail(format!(
                "{what} span {start}..{end} is not on character boundaries"
            ));
        }
    }

    fn inside(&mut self, span: Span, parent: Span, what: &str) {
        self.span(span, what);
        if span.start < parent.start || span.end > parent.end {
            self.fail(format!(
                "{what} span {}..{} is not inside its parent {}..{}",
                span.start, span.end, parent.start, parent.end
            ));
        }
    }

    fn params(&mut self, params: &[Param], parent: Span) {
        for param in params {
            self.inside(param.span, parent, "param");
            self.inside(param.name.span, param.span, "param name");
            if let Some(ty) = &param.ty {
                self.ty(ty, param.span);
            }
            if let Some(default) = &param.default {
                self.expr(default, param.span);
            }
        }
    }

    fn ty(&mut self, ty: &TypeExpr, parent: Span) {
        self.inside(ty.span, parent, "type");
        match &ty.kind {
            TypeExprKind::Named { name, args } => {
                self.inside(name.span, ty.span, "type name");
                for arg in args {
                    self.ty(arg, ty.span);
                }
            }
            TypeExprKind::Optional(inner) => self.ty(inner, ty.span),
            TypeExprKind::Record(fields) => {
                for field in fields {
                    self.inside(field.name.span, ty.span, "record type field");
                    self.ty(&field.ty, ty.span);
                }
            }
            TypeExprKind::Error => {}
        }
    }

    fn expr(&mut self, expr: &Expr, parent: Span) {
        self.inside(expr.span, parent, "expression");
        let here = expr.span;
        match &expr.kind {
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interp(inner) = part {
                        self.expr(inner, here);
                    }
                }
            }
            ExprKind::Name(name) => self.inside(name.span, here, "name"),
            ExprKind::Field(target, field) => {
                self.expr(target, here);
                self.inside(field.span, here, "field name");
            }
            ExprKind::Index(target, index) => {
                self.expr(target, here);
                self.expr(index, here);
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee, here);
                for arg in args {
                    if let Some(name) = &arg.name {
                        self.inside(name.span, here, "argument name");
                    }
                    self.expr(&arg.value, here);
                }
            }
            ExprKind::List(items) => {
                for item in items {
                    self.expr(item, here);
                }
            }
            ExprKind::Comprehension {
                body,
                var,
                var2,
                iter,
                cond,
            } => {
                self.expr(body, here);
                self.inside(var.span, here, "loop variable");
                if let Some(var2) = var2 {
                    self.inside(var2.span, here, "loop variable");
                }
                self.expr(iter, here);
                if let Some(cond) = cond {
                    self.expr(cond, here);
                }
            }
            ExprKind::Record(entries) => {
                for entry in entries {
                    self.inside(entry.span, here, "record entry");
                    if let Some(doc) = &entry.doc {
                        self.span(doc.span, "entry doc");
                    }
                    match &entry.kind {
                        RecordEntryKind::Field { key, value } => {
                            let key_span = match key {
                                Key::Ident(i) => i.span,
                                Key::Str(_, s) => *s,
                            };
                            self.inside(key_span, entry.span, "record key");
                            self.expr(value, entry.span);
                        }
                        RecordEntryKind::Spread(value) => self.expr(value, entry.span),
                        RecordEntryKind::Let { name, value } => {
                            self.inside(name.span, entry.span, "record let name");
                            self.expr(value, entry.span);
                        }
                        RecordEntryKind::Error => {}
                    }
                }
            }
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => {
                self.expr(cond, here);
                self.expr(then, here);
                self.expr(otherwise, here);
            }
            ExprKind::Let { name, value, body } => {
                self.inside(name.span, here, "let name");
                self.expr(value, here);
                self.expr(body, here);
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs, here);
                self.expr(rhs, here);
            }
            ExprKind::Unary { expr, .. } => self.expr(expr, here),
            ExprKind::Int(_)
            | ExprKind::Bool(_)
            | ExprKind::Null
            | ExprKind::Unit { .. }
            | ExprKind::SelfRef
            | ExprKind::Error => {}
        }
    }
}
