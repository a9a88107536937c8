//! Scopes: collecting the items and declarations, and looking names up.
//!
//! Names in scope, innermost first: locals (`let ... in`, record `let`, parameters, comprehension
//! variables), the file's items and imported modules, the prelude's items, then the kind
//! namespaces (`tag`, `host`, ...) and the built-ins (`any`, `autogroup`, `tcp`, `len`, ...).
//! Entities are global and found through their kind: `tag.feed`.

use super::builtins;
use super::schema::{Kind, KINDS};
use super::suggest;
use super::value::{Value, V};
use super::TypeSlot;
use super::{Checker, EntitySlot, FnSlot, Item, LetSlot, ModuleScope, Slot, Target, TypeDef};
use crate::diagnostic::{codes, Diagnostic};
use crate::project::ModuleId;
use crate::source::Span;
use crate::syntax::ast;

impl<'a> Checker<'a> {
    /// Collects every module's items and every declaration.
    pub fn collect(&mut self) {
        let project = self.project;
        for (id, module) in project.modules.iter().enumerate() {
            let mut scope = ModuleScope::default();
            for import in &module.imports {
                self.define(&mut scope, &import.binding, Item::Import(import.module));
            }
            for item in &module.ast.items {
                match &item.kind {
                    ast::ItemKind::Let(def) => {
                        let index = self.lets.len();
                        self.lets.push(LetSlot {
                            module: id,
                            def,
                            state: Slot::Todo,
                        });
                        self.define(&mut scope, &def.name, Item::Let(index));
                    }
                    ast::ItemKind::Fn(def) => {
                        let index = self.fns.len();
                        self.fns.push(FnSlot {
                            module: id,
                            def,
                            signature: None,
                        });
                        self.define(&mut scope, &def.name, Item::Fn(index));
                    }
                    ast::ItemKind::Type(def) => {
                        self.define_type(&mut scope, id, &def.name, TypeDef::Alias(def));
                    }
                    ast::ItemKind::Enum(def) => {
                        self.define_type(&mut scope, id, &def.name, TypeDef::Enum(def));
                    }
                    ast::ItemKind::Decl(decl) => self.declare(id, item, decl),
                    ast::ItemKind::Import(_) | ast::ItemKind::Error => {}
                }
            }
            self.scopes.push(scope);
        }
    }

    fn define_type(
        &mut self,
        scope: &mut ModuleScope,
        module: ModuleId,
        name: &'a ast::Ident,
        def: TypeDef<'a>,
    ) {
        let index = self.types.len();
        self.types.push(TypeSlot {
            module,
            name,
            def,
            state: Slot::Todo,
        });
        self.define(scope, name, Item::Type(index));
    }

    fn define(&mut self, scope: &mut ModuleScope, name: &ast::Ident, item: Item) {
        if let Some((_, first)) = scope.items.get(&name.name) {
            let first = *first;
            self.report(
                Diagnostic::error(
                    codes::B1002,
                    format!("`{}` is defined twice in this file", name.name),
                    name.span,
                )
                .with_label("defined again here")
                .with_secondary(first, "first defined here")
                .with_help("rename one of them, or remove one"),
            );
            return;
        }
        scope.items.insert(name.name.clone(), (item, name.span));
    }

    fn declare(&mut self, module: ModuleId, item: &'a ast::Item, decl: &'a ast::Decl) {
        let Some(kind) = Kind::from_keyword(&decl.kind.name) else {
            let mut d = Diagnostic::error(
                codes::B1007,
                format!("unknown declaration kind `{}`", decl.kind.name),
                decl.kind.span,
            )
            .with_label("not a kind of declaration");
            let keywords = KINDS.iter().map(|k| k.keyword());
            d = match suggest::closest(&decl.kind.name, keywords) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d.with_help(format!(
                    "the kinds are {}",
                    KINDS
                        .iter()
                        .map(|k| format!("`{}`", k.keyword()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.report(d);
            return;
        };
        let key = (kind, decl.name.name.clone());
        if let Some(first) = self.entity_index.get(&key).copied() {
            let first_span = self.entities.get(first).map(EntitySlot::name_span);
            let mut d = Diagnostic::error(
                codes::B1002,
                format!("`{} {}` is declared twice", kind.keyword(), decl.name.name),
                decl.kind.span.to(decl.name.span),
            )
            .with_label("declared again here")
            .with_help(format!(
                "names are unique per kind across the whole project; rename one of the {}s",
                kind.keyword()
            ));
            if let Some(span) = first_span {
                d = d.with_secondary(span, "first declared here");
            }
            self.report(d);
            return;
        }
        self.entity_index.insert(key, self.entities.len());
        self.entities.push(EntitySlot {
            kind,
            module,
            item,
            decl,
            state: Slot::Todo,
            signature: Slot::Todo,
        });
    }

    /// The value of a name in the current scope, or `B1001`.
    pub fn lookup(&mut self, name: &ast::Ident) -> Value {
        let span = name.span;
        if let Some((_, value)) = self.locals.iter().rev().find(|(n, _)| *n == name.name) {
            return value.clone();
        }
        if let Some(value) = self.module_item(self.module, &name.name, span, true) {
            return value;
        }
        if let Some(prelude) = self.project.prelude {
            if prelude != self.module {
                if let Some(value) = self.module_item(prelude, &name.name, span, false) {
                    return value;
                }
            }
        }
        if let Some(kind) = Kind::from_keyword(&name.name) {
            return Value::new(V::KindNamespace(kind), span);
        }
        match name.name.as_str() {
            "any" => return Value::new(V::Any, span),
            "autogroup" => return Value::new(V::AutogroupNamespace, span),
            _ => {}
        }
        if let Some(builtin) = builtins::find(&name.name) {
            return Value::new(V::Builtin(builtin), span);
        }
        self.report_unknown_name(name);
        Value::error(span)
    }

    fn report_unknown_name(&mut self, name: &ast::Ident) {
        let mut candidates: Vec<String> = self.locals.iter().map(|(n, _)| n.clone()).collect();
        if let Some(scope) = self.scopes.get(self.module) {
            candidates.extend(scope.items.keys().cloned());
        }
        if let Some(scope) = self.project.prelude.and_then(|p| self.scopes.get(p)) {
            candidates.extend(scope.items.keys().cloned());
        }
        candidates.extend(KINDS.iter().map(|k| k.keyword().to_string()));
        candidates.push("any".to_string());
        candidates.push("autogroup".to_string());
        candidates.extend(builtins::NAMES.iter().map(|n| n.to_string()));
        let mut d = Diagnostic::error(
            codes::B1001,
            format!("cannot find `{}` in this scope", name.name),
            name.span,
        )
        .with_label("not found");
        if let Some(near) = suggest::closest(&name.name, candidates.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{near}`?"));
        }
        self.report(d);
    }

    /// The value of an item of a module; imports count only in the module that wrote them.
    pub fn module_item(
        &mut self,
        module: ModuleId,
        name: &str,
        span: Span,
        with_imports: bool,
    ) -> Option<Value> {
        let (item, _) = *self.scopes.get(module)?.items.get(name)?;
        let value = match item {
            Item::Let(i) => self.let_value(i, span),
            Item::Fn(i) => {
                let module = self.fns.get(i).map_or(module, |f| f.module);
                Value::new(V::Fn(module, name.to_string()), span)
            }
            Item::Type(i) => match self.types.get(i).map(|t| t.def) {
                Some(TypeDef::Enum(_)) => Value::new(V::EnumType(module, name.to_string()), span),
                _ => {
                    self.report(
                        Diagnostic::error(
                            codes::B2001,
                            format!("`{name}` is a type, not a value"),
                            span,
                        )
                        .with_label("a type cannot be used as a value"),
                    );
                    Value::error(span)
                }
            },
            Item::Import(target) => {
                if !with_imports {
                    return None;
                }
                match target {
                    Some(m) => Value::new(V::Module(m), span),
                    None => Value::error(span),
                }
            }
        };
        Some(value)
    }

    /// The value of a module's exported item, `web.web_app`: its `let`, `fn`, `type` and `enum`
    /// items (not what it imports); `B1001` when there is no such item.
    pub fn module_member(&mut self, module: ModuleId, name: &ast::Ident) -> Value {
        if let Some(value) = self.module_item(module, &name.name, name.span, false) {
            return value;
        }
        let module_name = self
            .project
            .module(module)
            .map_or("?", |m| m.name.as_str())
            .to_string();
        let candidates: Vec<String> = self.scopes.get(module).map_or_else(Vec::new, |s| {
            s.items
                .iter()
                .filter(|(_, (item, _))| !matches!(item, Item::Import(_)))
                .map(|(n, _)| n.clone())
                .collect()
        });
        let mut d = Diagnostic::error(
            codes::B1001,
            format!("cannot find `{}` in module `{module_name}`", name.name),
            name.span,
        )
        .with_label(format!("`{module_name}` has no `{}`", name.name));
        if let Some(near) = suggest::closest(&name.name, candidates.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{near}`?"));
        }
        self.report(d);
        Value::error(name.span)
    }

    /// The value of a top-level `let`, evaluated once; `at` is the reference that needs it.
    pub fn let_value(&mut self, index: usize, at: Span) -> Value {
        self.note_let_use(index);
        let Some(slot) = self.lets.get(index) else {
            return Value::error(at);
        };
        let busy = match &slot.state {
            Slot::Done(value) => return value.clone(),
            Slot::Busy => true,
            Slot::Todo => false,
        };
        let (module, def) = (slot.module, slot.def);
        if !self.enter(Target::Let(index), busy, at) {
            return Value::error(at);
        }
        if let Some(slot) = self.lets.get_mut(index) {
            slot.state = Slot::Busy;
        }
        let value = self.in_module(module, None, |c| {
            let value = c.eval(&def.value);
            match &def.ty {
                Some(annotation) => {
                    let ty = c.resolve_type(annotation);
                    c.conform_at(value, &ty, Some(annotation.span))
                }
                None => value,
            }
        });
        self.leave();
        if let Some(slot) = self.lets.get_mut(index) {
            slot.state = Slot::Done(value.clone());
        }
        value
    }

    /// A reference to a declared entity, `tag.feed`, or the undeclared-entity error of its kind
    /// (`B3001`-`B3006`) with the closest declared name.
    pub fn entity_ref(&mut self, kind: Kind, name: &ast::Ident, span: Span) -> Value {
        if self.entity_index.contains_key(&(kind, name.name.clone())) {
            return Value::new(V::Entity(kind, name.name.clone()), span);
        }
        let declared: Vec<(String, Span)> = self
            .entities
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| (e.decl.name.name.clone(), e.name_span()))
            .collect();
        let word = kind.keyword();
        let mut d = Diagnostic::error(
            kind.undeclared_code(),
            format!("undeclared {word} `{}`", name.name),
            span,
        )
        .with_label(format!("no `{word} {}` is declared", name.name));
        let near = suggest::closest(&name.name, declared.iter().map(|(n, _)| n.as_str()));
        match near.and_then(|n| declared.iter().find(|(d, _)| d == n)) {
            Some((near, near_span)) => {
                d = d
                    .with_secondary(*near_span, format!("`{word} {near}` is declared here"))
                    .with_help(format!("did you mean `{word}.{near}`?"));
            }
            None => {
                d = d.with_help(format!(
                    "declare it (`{word} {} {{ ... }}`), or refer to a declared {word}",
                    name.name
                ));
            }
        }
        self.report(d);
        Value::error(span)
    }
}
