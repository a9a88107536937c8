//! The checker: names, types, evaluation, and lowering to the model.
//!
//! [`check`] works in three steps over a loaded [`Project`]:
//!
//! 1. [`scope`] collects every module's items (`let`, `fn`, `type`, `enum`, imports) and every
//!    entity declaration of the project (`B1002` duplicates, `B1007` unknown kinds).
//! 2. Evaluation is lazy and memoised: a top-level `let`, a type or an entity is evaluated the
//!    first time something needs it, and a value that needs itself is `B1006`. [`eval`] evaluates
//!    expressions, [`call`] applies functions and roles, [`builtins`] holds the built-in
//!    functions, [`conform`] checks a value against a [`types::Type`] (`B2001`-`B2006`) and
//!    [`entity`] evaluates a declaration against the [`schema`] of its kind.
//! 3. [`lower`] turns every declaration into the [`Model`], in declaration order, with the domain
//!    checks that need a whole entity (an exposed port must be one of the app's ports, `B3012`)
//!    and the project-wide ones (one tailnet, `B3013`; a repository for Argo CD, `B3014`).
//!
//! Errors never cascade: a failed evaluation becomes an error value ([`value::V::Error`]) that
//! every later step passes over silently.

pub mod builtins;
pub mod call;
pub mod conform;
pub mod entity;
pub mod eval;
pub mod locality;
pub mod lower;
pub mod ops;
pub mod resolve;
pub mod schema;
pub mod scope;
pub mod suggest;
pub mod types;
pub mod value;

use std::rc::Rc;

use indexmap::IndexMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Model;
use crate::project::{ModuleId, Project};
use crate::source::{SourceMap, Span};
use crate::syntax::ast;

use call::Signature;
use schema::Kind;
use types::Type;
use value::{Record, Value};

/// Checks a project and lowers it to the model. Problems are added to `diagnostics`; the model
/// holds whatever could be checked.
///
/// Evaluation recurses (through templates, references between declarations, nested values), so
/// it runs on a scoped thread with a [`CHECKER_STACK`]-sized stack, within [`Limits::FULL`],
/// whatever the caller's stack; if no thread can be started it runs here within the much lower
/// [`Limits::FALLBACK`].
pub fn check(project: &Project, sources: &SourceMap, diagnostics: &mut Vec<Diagnostic>) -> Model {
    let on_thread = std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("bops-checker".to_string())
            .stack_size(CHECKER_STACK)
            .spawn_scoped(scope, || run(project, sources, Limits::FULL))
            .ok()?;
        Some(handle.join())
    });
    let (model, mut found) = match on_thread {
        Some(Ok(result)) => result,
        // A panic in the checker is a bug: pass it on to the caller as if it happened here.
        Some(Err(payload)) => std::panic::resume_unwind(payload),
        None => run(project, sources, Limits::FALLBACK),
    };
    diagnostics.append(&mut found);
    model
}

fn run(project: &Project, sources: &SourceMap, limits: Limits) -> (Model, Vec<Diagnostic>) {
    let mut checker = Checker::new(project, sources, limits);
    checker.collect();
    checker.evaluate_all();
    let model = checker.lower();
    (model, checker.diagnostics)
}

/// The stack reserved for the checker's thread. A debug build takes up to about 16 KiB of stack
/// per level of evaluation (a declaration reading another's field); [`Limits::FULL`] fits in it
/// with room to spare. The memory is only reserved: pages are used as deep input touches them.
pub const CHECKER_STACK: usize = 128 * 1024 * 1024;

/// How deep evaluation may go before it stops with `B2009`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Nested function calls.
    pub calls: usize,
    /// Nested evaluation of expressions, through calls and references.
    pub nesting: usize,
    /// Nested lists and records inside one value.
    pub value_depth: u32,
}

impl Limits {
    /// The limits on the checker's own thread.
    pub const FULL: Limits = Limits {
        calls: 200,
        nesting: 4_000,
        value_depth: 500,
    };

    /// The limits on a caller's stack of unknown size: they fit in 2 MiB in a debug build.
    pub const FALLBACK: Limits = Limits {
        calls: 20,
        nesting: 100,
        value_depth: 50,
    };
}

/// The state of a lazily evaluated thing.
#[derive(Clone, Debug)]
pub enum Slot<T> {
    /// Not evaluated yet.
    Todo,
    /// Being evaluated: meeting it again is a cycle.
    Busy,
    /// Evaluated.
    Done(T),
}

/// What an evaluation in progress is evaluating, for cycle reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A top-level `let`.
    Let(usize),
    /// A `type` or `enum`.
    Type(usize),
    /// An entity declaration's body.
    Entity(usize),
    /// A role's signature.
    Signature(usize),
}

/// A name a module defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// A top-level `let`, by index into [`Checker::lets`].
    Let(usize),
    /// A `fn`, by index into [`Checker::fns`].
    Fn(usize),
    /// A `type` or `enum`, by index into [`Checker::types`].
    Type(usize),
    /// An imported module; `None` when it does not exist (already reported).
    Import(Option<ModuleId>),
}

/// The names one module defines, with the span of each name.
#[derive(Clone, Debug, Default)]
pub struct ModuleScope {
    /// Name to item.
    pub items: IndexMap<String, (Item, Span)>,
}

/// A top-level `let`.
#[derive(Debug)]
pub struct LetSlot<'a> {
    /// Its module.
    pub module: ModuleId,
    /// Its syntax.
    pub def: &'a ast::Let,
    /// Its value.
    pub state: Slot<Value>,
}

/// A `fn`.
#[derive(Debug)]
pub struct FnSlot<'a> {
    /// Its module.
    pub module: ModuleId,
    /// Its syntax.
    pub def: &'a ast::Fn,
    /// Its signature, once resolved.
    pub signature: Option<Rc<Signature<'a>>>,
}

/// A `type` or an `enum`.
#[derive(Debug)]
pub struct TypeSlot<'a> {
    /// Its module.
    pub module: ModuleId,
    /// Its name.
    pub name: &'a ast::Ident,
    /// Its definition.
    pub def: TypeDef<'a>,
    /// The resolved type.
    pub state: Slot<Type>,
}

/// The syntax of a user type.
#[derive(Clone, Copy, Debug)]
pub enum TypeDef<'a> {
    /// `type Name = T`
    Alias(&'a ast::TypeAlias),
    /// `enum Name { ... }`
    Enum(&'a ast::Enum),
}

/// An entity declaration.
#[derive(Debug)]
pub struct EntitySlot<'a> {
    /// Its kind.
    pub kind: Kind,
    /// Its module.
    pub module: ModuleId,
    /// The item (for its doc comment and span).
    pub item: &'a ast::Item,
    /// The declaration.
    pub decl: &'a ast::Decl,
    /// Its fields, checked against the kind's schema, defaults filled in.
    pub state: Slot<entity::Entity>,
    /// A role's signature.
    pub signature: Slot<Rc<Signature<'a>>>,
}

impl EntitySlot<'_> {
    /// The span of `kind name`.
    pub fn name_span(&self) -> Span {
        self.decl.kind.span.to(self.decl.name.span)
    }
}

/// The checker's state: the project, the tables of items, and the evaluation context.
pub struct Checker<'a> {
    /// The project being checked.
    pub project: &'a Project,
    /// Its sources.
    pub sources: &'a SourceMap,
    /// Everything reported so far.
    pub diagnostics: Vec<Diagnostic>,
    /// Per module, the names it defines.
    pub scopes: Vec<ModuleScope>,
    /// Every top-level `let`.
    pub lets: Vec<LetSlot<'a>>,
    /// Every `fn`.
    pub fns: Vec<FnSlot<'a>>,
    /// Every `type` and `enum`.
    pub types: Vec<TypeSlot<'a>>,
    /// Every entity declaration, in declaration order (sorted file path, then source order).
    pub entities: Vec<EntitySlot<'a>>,
    /// Entities by kind and name.
    pub entity_index: IndexMap<(Kind, String), usize>,
    /// The module whose names are in scope.
    pub module: ModuleId,
    /// Local bindings, innermost last.
    pub locals: Vec<(String, Value)>,
    /// The declarations being defined, innermost last: the fields written so far, or `None`
    /// inside a function body or a top-level `let` (where `self` means nothing).
    pub selves: Vec<Option<Record>>,
    /// How deep function calls are nested.
    pub depth: usize,
    /// How deep expression evaluation is nested.
    pub nesting: usize,
    /// Whether the nesting limit was already reported (it is reported once).
    pub nesting_reported: bool,
    /// What is being evaluated, with the span of the reference that asked for it.
    pub active: Vec<(Target, Span)>,
    /// How deep evaluation may go.
    pub limits: Limits,
    /// Reads of host ports and uses of `let`s, for the locality check ([`locality`]).
    pub reads: locality::Reads,
}

impl<'a> Checker<'a> {
    /// A checker with empty tables.
    pub fn new(project: &'a Project, sources: &'a SourceMap, limits: Limits) -> Checker<'a> {
        Checker {
            project,
            sources,
            diagnostics: Vec::new(),
            scopes: Vec::new(),
            lets: Vec::new(),
            fns: Vec::new(),
            types: Vec::new(),
            entities: Vec::new(),
            entity_index: IndexMap::new(),
            module: 0,
            locals: Vec::new(),
            selves: Vec::new(),
            depth: 0,
            nesting: 0,
            nesting_reported: false,
            active: Vec::new(),
            limits,
            reads: locality::Reads::default(),
        }
    }

    /// Reports a diagnostic.
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Runs `f` with the names of `module` in scope, no locals, and `this` as the declaration
    /// being defined; restores the context afterwards.
    pub fn in_module<T>(
        &mut self,
        module: ModuleId,
        this: Option<Record>,
        f: impl FnOnce(&mut Checker<'a>) -> T,
    ) -> T {
        let saved_module = std::mem::replace(&mut self.module, module);
        let saved_locals = std::mem::take(&mut self.locals);
        self.selves.push(this);
        let result = f(self);
        self.selves.pop();
        self.locals = saved_locals;
        self.module = saved_module;
        result
    }

    /// Marks `target` as being evaluated, or reports `B1006` when it already is: `at` is the
    /// reference that asked for it. Returns whether evaluation may go on.
    pub fn enter(&mut self, target: Target, busy: bool, at: Span) -> bool {
        if !busy {
            self.active.push((target, at));
            return true;
        }
        let from = self
            .active
            .iter()
            .position(|(t, _)| *t == target)
            .unwrap_or(0);
        let chain: Vec<(Target, Span)> = self.active.iter().skip(from).copied().collect();
        let name = self.describe_target(target);
        let mut d = Diagnostic::error(codes::B1006, format!("{name} depends on itself"), at)
            .with_label(format!("this needs {name} while it is being evaluated"));
        for (i, (t, span)) in chain.iter().enumerate().skip(1) {
            let user = chain
                .get(i - 1)
                .map(|(u, _)| self.describe_target(*u))
                .unwrap_or_default();
            d = d.with_secondary(*span, format!("{user} needs {}", self.describe_target(*t)));
        }
        let help = match target {
            Target::Type(_) => "a type cannot contain itself; spell the inner type out",
            _ => "break the cycle: compute the shared part once, in a `let` both can use",
        };
        d = d.with_help(help);
        self.report(d);
        false
    }

    /// Ends the evaluation of the innermost target.
    pub fn leave(&mut self) {
        self.active.pop();
    }

    /// `let name`, `type Name`, `app name`, for messages.
    pub fn describe_target(&self, target: Target) -> String {
        match target {
            Target::Let(i) => self
                .lets
                .get(i)
                .map_or_else(String::new, |l| format!("`let {}`", l.def.name.name)),
            Target::Type(i) => self
                .types
                .get(i)
                .map_or_else(String::new, |t| format!("type `{}`", t.name.name)),
            Target::Entity(i) | Target::Signature(i) => {
                self.entities.get(i).map_or_else(String::new, |e| {
                    format!("`{} {}`", e.kind.keyword(), e.decl.name.name)
                })
            }
        }
    }

    /// Evaluates every top-level `let`, type and entity, so that their errors are reported even
    /// when nothing uses them.
    fn evaluate_all(&mut self) {
        for i in 0..self.lets.len() {
            let span = self.lets.get(i).map(|l| l.def.name.span);
            if let Some(span) = span {
                self.let_value(i, span);
            }
        }
        for i in 0..self.fns.len() {
            self.fn_signature(i);
        }
        for i in 0..self.types.len() {
            let span = self.types.get(i).map(|t| t.name.span);
            if let Some(span) = span {
                self.type_value(i, span);
            }
        }
        for i in 0..self.entities.len() {
            let span = self.entities.get(i).map(|e| e.decl.name.span);
            if let Some(span) = span {
                self.entity_fields(i, span);
                if self.entities.get(i).is_some_and(|e| e.kind == Kind::Role) {
                    self.role_signature(i, span);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{run, Limits};
    use crate::source::SourceMap;
    use crate::{project, Input, InputFile};

    fn codes(text: &str, limits: Limits) -> Vec<&'static str> {
        let input = Input {
            manifest: None,
            files: vec![InputFile {
                path: "main.bops".to_string(),
                text: text.to_string(),
            }],
            assets: Default::default(),
        };
        let mut sources = SourceMap::new();
        let mut diagnostics = Vec::new();
        let project = project::load(&input, &mut sources, &mut diagnostics);
        let (_, found) = run(&project, &sources, limits);
        found.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn the_fallback_limits_fit_on_a_test_thread() {
        // A test thread has a 2 MiB stack: the fallback limits must stop deep evaluation there.
        let recursion =
            "fn f(n: int) -> int = if n <= 0 then 0 else 1 + f(n - 1)\nlet x = f(5000)\n";
        assert_eq!(codes(recursion, Limits::FALLBACK), vec!["B2009"]);
        let mut chain = String::from("tailnet t { domain = \"x.ts.net\" }\n");
        for i in 0..400 {
            chain.push_str(&format!(
                "host h{i} {{ device = \"d${{host.h{}.device}}\" }}\n",
                i + 1
            ));
        }
        chain.push_str("host h400 {}\n");
        assert_eq!(codes(&chain, Limits::FALLBACK), vec!["B2009"]);
    }
}
