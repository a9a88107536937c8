//! Calls: user functions, built-ins and role applications.
//!
//! All three bind their arguments the same way ([`Checker::bind`]): positional arguments fill the
//! parameters in order, named ones by name; an unknown, duplicate, surplus or missing argument is
//! `B2004`, with a secondary label on the callee's declaration. A user function's body is
//! evaluated in its own module with only its parameters as locals; calls nest at most
//! [`Limits::calls`](super::Limits::calls) deep (`B2009`), which stops runaway recursion.

use std::rc::Rc;

use indexmap::IndexMap;

use super::builtins;
use super::schema::Kind;
use super::suggest;
use super::types::Type;
use super::value::{Value, V};
use super::{Checker, Item, Slot, Target};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;

/// What a callee accepts.
#[derive(Clone, Debug)]
pub struct Signature<'a> {
    /// The callee for messages: "function `web_app`", "role `caddy`".
    pub what: String,
    /// The callee's name in its declaration, when it has one.
    pub decl: Option<Span>,
    /// The parameters in order.
    pub params: Vec<ParamSig<'a>>,
    /// The declared result type and where it is written.
    pub ret: Option<(Type, Span)>,
}

/// One parameter.
#[derive(Clone, Debug)]
pub struct ParamSig<'a> {
    /// Its name.
    pub name: String,
    /// Its type and where that is written.
    pub ty: Option<(Type, Span)>,
    /// What happens when no argument is given.
    pub default: ParamDefault<'a>,
}

/// What a parameter takes when no argument is given.
#[derive(Clone, Debug)]
pub enum ParamDefault<'a> {
    /// Nothing: the argument is required.
    Required,
    /// Nothing, and that is fine (optional arguments of built-ins).
    Absent,
    /// A default expression, evaluated at each call with the earlier parameters in scope.
    Expr(&'a ast::Expr),
    /// A default value, evaluated once (a role's defaults).
    Value(Value),
}

/// An evaluated argument.
#[derive(Clone, Debug)]
pub struct ArgValue {
    /// `name =`, for a named argument.
    pub name: Option<ast::Ident>,
    /// The value.
    pub value: Value,
}

/// A function that makes a type (types are not `const`).
pub type TypeOf = fn() -> Type;

/// The play keywords a role's application takes besides the role's parameters, with their types:
/// `role.caddy(caddy_domain = "x", tags = ["proxy"], when = "ansible_os_family == 'Darwin'")`.
/// A role parameter cannot have one of these names (`B3021`): Ansible reads them as keywords.
pub const ROLE_KEYWORDS: &[(&str, TypeOf)] = &[
    ("tags", || {
        Type::Union(vec![Type::list(Type::String), Type::String])
    }),
    ("when", || Type::String),
    ("become", || Type::Bool),
];

impl<'a> Checker<'a> {
    /// Calls a value with arguments; `B2011` when it is not callable.
    pub fn call_value(&mut self, callee: Value, args: Vec<ArgValue>, span: Span) -> Value {
        match callee.kind {
            V::Error => Value::error(span),
            V::Fn(module, name) => self.call_fn(module, &name, args, span),
            V::Builtin(name) => {
                let signature = builtins::signature(name);
                let Some(bound) = self.bind(&signature, args, span) else {
                    return Value::error(span);
                };
                builtins::call(self, name, bound, span)
            }
            V::Entity(Kind::Role, name) => self.apply_role(&name, args, span),
            _ => {
                let mut d = Diagnostic::error(
                    codes::B2011,
                    format!("{} is not a function", callee.describe()),
                    callee.span,
                )
                .with_label("this cannot be called");
                if matches!(callee.kind, V::Entity(..)) {
                    d = d.with_help(
                        "only functions, built-ins and roles (`role.NAME(...)`) can be called",
                    );
                }
                self.report(d);
                Value::error(span)
            }
        }
    }

    /// Matches arguments to parameters; `None` after reporting `B2004`.
    pub fn bind(
        &mut self,
        signature: &Signature<'a>,
        args: Vec<ArgValue>,
        span: Span,
    ) -> Option<Vec<Option<Value>>> {
        let mut bound: Vec<Option<Value>> = vec![None; signature.params.len()];
        let mut ok = true;
        let mut next = 0;
        for arg in args {
            let index = match &arg.name {
                None => {
                    let index = next;
                    next += 1;
                    if index >= signature.params.len() {
                        self.wrong_args(
                            signature,
                            format!(
                                "{} takes {} argument{}, but more were given",
                                signature.what,
                                signature.params.len(),
                                if signature.params.len() == 1 { "" } else { "s" }
                            ),
                            arg.value.span,
                            "this argument is one too many",
                            None,
                        );
                        ok = false;
                        continue;
                    }
                    index
                }
                Some(name) => {
                    let Some(index) = signature.params.iter().position(|p| p.name == name.name)
                    else {
                        let near = suggest::closest(
                            &name.name,
                            signature.params.iter().map(|p| p.name.as_str()),
                        )
                        .map(|n| format!("did you mean `{n}`?"));
                        self.wrong_args(
                            signature,
                            format!("{} has no parameter `{}`", signature.what, name.name),
                            name.span,
                            "unknown parameter",
                            near,
                        );
                        ok = false;
                        continue;
                    };
                    index
                }
            };
            let Some(slot) = bound.get_mut(index) else {
                continue;
            };
            if slot.is_some() {
                let name = signature.params.get(index).map_or("", |p| p.name.as_str());
                let at = arg.name.as_ref().map_or(arg.value.span, |n| n.span);
                self.wrong_args(
                    signature,
                    format!("argument `{name}` is given twice"),
                    at,
                    "given again here",
                    None,
                );
                ok = false;
                continue;
            }
            *slot = Some(arg.value);
        }
        let missing: Vec<String> = signature
            .params
            .iter()
            .zip(&bound)
            .filter(|(p, b)| b.is_none() && matches!(p.default, ParamDefault::Required))
            .map(|(p, _)| format!("`{}`", p.name))
            .collect();
        // A misspelled or surplus argument usually explains the missing one: report it alone.
        if !missing.is_empty() && ok {
            let plural = if missing.len() == 1 { "" } else { "s" };
            self.wrong_args(
                signature,
                format!(
                    "missing argument{plural} {} of {}",
                    missing.join(", "),
                    signature.what
                ),
                span,
                format!("missing {}", missing.join(", ")),
                None,
            );
            ok = false;
        }
        ok.then_some(bound)
    }

    fn wrong_args(
        &mut self,
        signature: &Signature<'a>,
        message: String,
        span: Span,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::error(codes::B2004, message, span).with_label(label);
        if let Some(decl) = signature.decl {
            d = d.with_secondary(decl, format!("{} is declared here", signature.what));
        }
        if let Some(help) = help {
            d = d.with_help(help);
        } else {
            let params: Vec<String> = signature
                .params
                .iter()
                .map(|p| match &p.ty {
                    Some((ty, _)) => format!("{}: {ty}", p.name),
                    None => p.name.clone(),
                })
                .collect();
            d = d.with_note(format!("the parameters are ({})", params.join(", ")));
        }
        self.report(d);
    }

    /// Calls the user function `name` of `module`.
    fn call_fn(&mut self, module: usize, name: &str, args: Vec<ArgValue>, span: Span) -> Value {
        let index = match self.scopes.get(module).and_then(|s| s.items.get(name)) {
            Some((Item::Fn(index), _)) => *index,
            _ => return Value::error(span),
        };
        if self.depth >= self.limits.calls {
            self.report(
                Diagnostic::error(
                    codes::B2009,
                    format!("function calls nest more than {} deep", self.limits.calls),
                    span,
                )
                .with_label(format!("calling `{name}` here goes too deep"))
                .with_help(
                    "a function probably calls itself without end; check its stopping condition",
                ),
            );
            return Value::error(span);
        }
        let signature = self.fn_signature(index);
        let Some(bound) = self.bind(&signature, args, span) else {
            return Value::error(span);
        };
        let Some(body) = self.fns.get(index).map(|f| &f.def.body) else {
            return Value::error(span);
        };
        let home = self.fns.get(index).map_or(module, |f| f.module);
        self.depth += 1;
        let result = self.in_module(home, None, |c| {
            for (param, given) in signature.params.iter().zip(bound) {
                let value = match (given, &param.default) {
                    (Some(value), _) => value,
                    (None, ParamDefault::Expr(expr)) => c.eval(expr),
                    (None, ParamDefault::Value(value)) => value.clone(),
                    (None, _) => Value::new(V::Null, span),
                };
                let value = match &param.ty {
                    Some((ty, at)) => c.conform_at(value, ty, Some(*at)),
                    None => value,
                };
                c.locals.push((param.name.clone(), value));
            }
            let value = c.eval(body);
            match &signature.ret {
                Some((ty, at)) => c.conform_at(value, ty, Some(*at)),
                None => value,
            }
        });
        self.depth -= 1;
        result
    }

    /// The signature of a user function, resolved once.
    pub fn fn_signature(&mut self, index: usize) -> Rc<Signature<'a>> {
        if let Some(signature) = self.fns.get(index).and_then(|f| f.signature.clone()) {
            return signature;
        }
        let Some((module, def)) = self.fns.get(index).map(|f| (f.module, f.def)) else {
            return Rc::new(Signature {
                what: String::new(),
                decl: None,
                params: Vec::new(),
                ret: None,
            });
        };
        let signature = self.in_module(module, None, |c| Signature {
            what: format!("function `{}`", def.name.name),
            decl: Some(def.name.span),
            params: c.param_sigs(&def.params, false),
            ret: def.ret.as_ref().map(|t| (c.resolve_type(t), t.span)),
        });
        let signature = Rc::new(signature);
        if let Some(slot) = self.fns.get_mut(index) {
            slot.signature = Some(signature.clone());
        }
        signature
    }

    /// Resolves parameters; with `evaluate`, defaults are evaluated now (in the current module).
    fn param_sigs(&mut self, params: &'a [ast::Param], evaluate: bool) -> Vec<ParamSig<'a>> {
        let mut out: Vec<ParamSig<'a>> = Vec::new();
        for param in params {
            if out.iter().any(|p| p.name == param.name.name) {
                let first = params
                    .iter()
                    .find(|p| p.name.name == param.name.name)
                    .map_or(param.name.span, |p| p.name.span);
                self.report(
                    Diagnostic::error(
                        codes::B1002,
                        format!("parameter `{}` is declared twice", param.name.name),
                        param.name.span,
                    )
                    .with_label("declared again here")
                    .with_secondary(first, "first declared here"),
                );
                continue;
            }
            let ty = param.ty.as_ref().map(|t| (self.resolve_type(t), t.span));
            let default = match &param.default {
                None => ParamDefault::Required,
                Some(expr) if evaluate => {
                    let value = self.eval(expr);
                    let value = match &ty {
                        Some((ty, at)) => self.conform_at(value, ty, Some(*at)),
                        None => value,
                    };
                    ParamDefault::Value(value)
                }
                Some(expr) => ParamDefault::Expr(expr),
            };
            out.push(ParamSig {
                name: param.name.name.clone(),
                ty,
                default,
            });
        }
        out
    }

    /// The signature of a role, resolved once; `at` is the reference that needs it.
    pub fn role_signature(&mut self, index: usize, at: Span) -> Option<Rc<Signature<'a>>> {
        let slot = self.entities.get(index)?;
        let busy = match &slot.signature {
            Slot::Done(signature) => return Some(signature.clone()),
            Slot::Busy => true,
            Slot::Todo => false,
        };
        let (module, decl) = (slot.module, slot.decl);
        let decl_span = slot.name_span();
        if !self.enter(Target::Signature(index), busy, at) {
            return None;
        }
        if let Some(slot) = self.entities.get_mut(index) {
            slot.signature = Slot::Busy;
        }
        let params = match &decl.params {
            Some(params) => self.in_module(module, None, |c| c.param_sigs(params, true)),
            None => Vec::new(),
        };
        let signature = Rc::new(Signature {
            what: format!("role `{}`", decl.name.name),
            decl: Some(decl_span),
            params,
            ret: None,
        });
        self.leave();
        if let Some(slot) = self.entities.get_mut(index) {
            slot.signature = Slot::Done(signature.clone());
        }
        Some(signature)
    }

    /// Applies a role to arguments: `role.caddy(caddy_domain = "x")`, checked against its
    /// signature, defaults filled in.
    pub fn apply_role(&mut self, name: &str, args: Vec<ArgValue>, span: Span) -> Value {
        let Some(index) = self
            .entity_index
            .get(&(Kind::Role, name.to_string()))
            .copied()
        else {
            return Value::error(span);
        };
        let Some(signature) = self.role_signature(index, span) else {
            return Value::error(span);
        };
        let mut keywords = IndexMap::new();
        let mut params = Vec::with_capacity(args.len());
        for arg in args {
            let keyword = arg
                .name
                .as_ref()
                .and_then(|n| ROLE_KEYWORDS.iter().find(|(k, _)| *k == n.name.as_str()));
            match keyword {
                Some((name, ty)) => {
                    let value = self.conform_at(arg.value, &ty(), None);
                    keywords.insert((*name).to_string(), value);
                }
                None => params.push(arg),
            }
        }
        let args = params;
        let Some(bound) = self.bind(&signature, args, span) else {
            return Value::error(span);
        };
        let mut out = IndexMap::new();
        let mut failed = false;
        for (param, given) in signature.params.iter().zip(bound) {
            let value = match (given, &param.default) {
                (Some(value), _) => match &param.ty {
                    Some((ty, at)) => self.conform_at(value, ty, Some(*at)),
                    None => value,
                },
                (None, ParamDefault::Value(value)) => value.clone(),
                (None, _) => continue,
            };
            failed |= value.is_error();
            out.insert(param.name.clone(), value);
        }
        if failed {
            return Value::error(span);
        }
        Value::new(
            V::RoleUse {
                role: name.to_string(),
                args: out,
                keywords,
            },
            span,
        )
    }
}
