//! Resolving the types written in the source: `list<port>`, `Route`, `{ host: string }`.
//!
//! A type name is looked up in the file's `type` and `enum` items, then the prelude's, then the
//! built-in types; an unknown name is `B2012`. A user type is resolved once; a type that refers to
//! itself is `B1006`.

use std::rc::Rc;

use super::suggest;
use super::types::{self, EnumType, FieldType, Type};
use super::{Checker, Item, Slot, Target, TypeDef};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;

impl<'a> Checker<'a> {
    /// The type a type expression stands for; `Any` (silently accepting) where it is wrong.
    pub fn resolve_type(&mut self, expr: &'a ast::TypeExpr) -> Type {
        match &expr.kind {
            ast::TypeExprKind::Error => Type::Any,
            ast::TypeExprKind::Optional(inner) => Type::optional(self.resolve_type(inner)),
            ast::TypeExprKind::Record(fields) => {
                let mut out: Vec<FieldType> = Vec::new();
                for field in fields {
                    if out.iter().any(|f| f.name == field.name.name) {
                        let first = fields
                            .iter()
                            .find(|f| f.name.name == field.name.name)
                            .map_or(field.name.span, |f| f.name.span);
                        self.report(
                            Diagnostic::error(
                                codes::B1002,
                                format!("field `{}` is declared twice", field.name.name),
                                field.name.span,
                            )
                            .with_label("declared again here")
                            .with_secondary(first, "first declared here"),
                        );
                        continue;
                    }
                    let ty = self.resolve_type(&field.ty);
                    out.push(FieldType {
                        name: field.name.name.clone(),
                        ty: if field.optional {
                            Type::optional(ty)
                        } else {
                            ty
                        },
                        optional: field.optional,
                        default: None,
                    });
                }
                Type::Record(Rc::new(out))
            }
            ast::TypeExprKind::Named { name, args } => self.resolve_named(name, args, expr.span),
        }
    }

    fn resolve_named(
        &mut self,
        name: &'a ast::Ident,
        args: &'a [ast::TypeExpr],
        span: Span,
    ) -> Type {
        if name.name == "list" || name.name == "map" {
            let [arg] = args else {
                self.report(
                    Diagnostic::error(
                        codes::B2012,
                        format!("`{}` takes one type argument", name.name),
                        span,
                    )
                    .with_label(format!("{} type arguments given", args.len()))
                    .with_help(format!("write `{}<string>`", name.name)),
                );
                return Type::Any;
            };
            let inner = self.resolve_type(arg);
            return if name.name == "list" {
                Type::list(inner)
            } else {
                Type::map(inner)
            };
        }
        let ty = self.named_type(name);
        if !args.is_empty() && ty.is_some() {
            self.report(
                Diagnostic::error(
                    codes::B2012,
                    format!("`{}` takes no type arguments", name.name),
                    span,
                )
                .with_label("only `list` and `map` take type arguments"),
            );
            return Type::Any;
        }
        match ty {
            Some(ty) => ty,
            None => {
                self.report_unknown_type(name);
                Type::Any
            }
        }
    }

    /// A type by name: the file's, the prelude's, or a built-in one.
    fn named_type(&mut self, name: &ast::Ident) -> Option<Type> {
        let mut modules = vec![self.module];
        if let Some(prelude) = self.project.prelude {
            modules.push(prelude);
        }
        for module in modules {
            let item = self
                .scopes
                .get(module)
                .and_then(|s| s.items.get(&name.name))
                .map(|(item, _)| *item);
            if let Some(Item::Type(index)) = item {
                return Some(self.type_value(index, name.span));
            }
        }
        types::builtin(&name.name)
    }

    fn report_unknown_type(&mut self, name: &ast::Ident) {
        let mut candidates: Vec<String> = types::builtin_names()
            .into_iter()
            .map(str::to_string)
            .collect();
        for module in [Some(self.module), self.project.prelude]
            .into_iter()
            .flatten()
        {
            if let Some(scope) = self.scopes.get(module) {
                candidates.extend(
                    scope
                        .items
                        .iter()
                        .filter(|(_, (item, _))| matches!(item, Item::Type(_)))
                        .map(|(n, _)| n.clone()),
                );
            }
        }
        let mut d = Diagnostic::error(
            codes::B2012,
            format!("unknown type `{}`", name.name),
            name.span,
        )
        .with_label("no such type");
        if let Some(near) = suggest::closest(&name.name, candidates.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{near}`?"));
        }
        self.report(d);
    }

    /// The resolved type of a `type` or `enum` item, resolved once.
    pub fn type_value(&mut self, index: usize, at: Span) -> Type {
        let Some(slot) = self.types.get(index) else {
            return Type::Any;
        };
        let busy = match &slot.state {
            Slot::Done(ty) => return ty.clone(),
            Slot::Busy => true,
            Slot::Todo => false,
        };
        let (module, def, name) = (slot.module, slot.def, slot.name.name.clone());
        if !self.enter(Target::Type(index), busy, at) {
            return Type::Any;
        }
        if let Some(slot) = self.types.get_mut(index) {
            slot.state = Slot::Busy;
        }
        let ty = match def {
            TypeDef::Alias(alias) => {
                let inner = self.in_module(module, None, |c| c.resolve_type(&alias.ty));
                Type::Named(Rc::from(name.as_str()), Rc::new(inner))
            }
            TypeDef::Enum(def) => {
                let mut variants: Vec<String> = Vec::new();
                for v in &def.variants {
                    if variants.contains(&v.name) {
                        let first = def
                            .variants
                            .iter()
                            .find(|w| w.name == v.name)
                            .map_or(v.span, |w| w.span);
                        self.report(
                            Diagnostic::error(
                                codes::B1002,
                                format!("variant `{}` is declared twice", v.name),
                                v.span,
                            )
                            .with_label("declared again here")
                            .with_secondary(first, "first declared here"),
                        );
                        continue;
                    }
                    variants.push(v.name.clone());
                }
                Type::Enum(Rc::new(EnumType { name, variants }))
            }
        };
        self.leave();
        if let Some(slot) = self.types.get_mut(index) {
            slot.state = Slot::Done(ty.clone());
        }
        ty
    }
}
