//! Evaluating expressions.
//!
//! [`Checker::eval`] turns an expression into a [`Value`] in the current scope. Operators, field
//! access and indexing are in [`super::ops`], calls in [`super::call`]. A sub-expression that fails
//! is reported where it fails and makes its enclosing expression fail silently.

use super::call::ArgValue;
use super::ops;
use super::value::{Field, Record, Value, V};
use super::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::{self, Expr, ExprKind};

impl<'a> Checker<'a> {
    /// Evaluates an expression.
    pub fn eval(&mut self, expr: &'a Expr) -> Value {
        if self.nesting >= self.limits.nesting {
            self.too_deep(expr.span, "evaluation nests too deep");
            return Value::error(expr.span);
        }
        self.nesting += 1;
        let value = self.eval_inner(expr);
        self.nesting -= 1;
        if value.depth > self.limits.value_depth {
            self.too_deep(expr.span, "this value nests too deep");
            return Value::error(expr.span);
        }
        value
    }

    // Every compound form is evaluated in its own function: evaluation recurses through here, and
    // a small frame per level keeps deep (but legal) nesting well inside the stack.
    fn eval_inner(&mut self, expr: &'a Expr) -> Value {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Error => Value::error(span),
            ExprKind::Int(n) => Value::new(V::Int(*n), span),
            ExprKind::Bool(b) => Value::new(V::Bool(*b), span),
            ExprKind::Null => Value::new(V::Null, span),
            ExprKind::Unit { number, unit } => unit_value(number, unit, span),
            ExprKind::Str(parts) => self.eval_string(parts, span),
            ExprKind::Name(name) => self.lookup(name),
            ExprKind::SelfRef => self.self_value(span),
            ExprKind::Field(object, name) => self.eval_field(object, name, span),
            ExprKind::Index(object, index) => self.eval_index(object, index, span),
            ExprKind::Call { callee, args } => self.eval_call(callee, args, span),
            ExprKind::List(items) => self.eval_list(items, span),
            ExprKind::Comprehension {
                body,
                var,
                var2,
                iter,
                cond,
            } => self.eval_comprehension(body, var, var2.as_ref(), iter, cond.as_deref(), span),
            ExprKind::Record(entries) => self.eval_record(entries, span, false),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => self.eval_if(cond, then, otherwise, span),
            ExprKind::Let { name, value, body } => self.eval_let(name, value, body),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span),
            ExprKind::Unary { op, expr } => self.eval_unary(*op, expr, span),
        }
    }

    fn eval_field(&mut self, object: &'a Expr, name: &'a ast::Ident, span: Span) -> Value {
        if matches!(object.kind, ExprKind::SelfRef) {
            return self.self_field(object.span, name, span);
        }
        // `host.X.ports.NAME` is noted for the locality check (B3124).
        if let ExprKind::Field(host, ports) = &object.kind {
            if ports.name == "ports" && !matches!(host.kind, ExprKind::SelfRef) {
                return self.host_port_field(host, ports, object.span, name, span);
            }
        }
        let object = self.eval(object);
        self.field(object, name, span)
    }

    fn eval_index(&mut self, object: &'a Expr, index: &'a Expr, span: Span) -> Value {
        let object = self.eval(object);
        let index = self.eval(index);
        self.index(object, index, span)
    }

    fn eval_call(&mut self, callee: &'a Expr, args: &'a [ast::Arg], span: Span) -> Value {
        let mut callee_value = self.eval(callee);
        if !matches!(callee_value.kind, V::Fn(..) | V::Builtin(_)) {
            // A value that cannot be called is reported where it is called.
            callee_value.span = callee.span;
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            let value = self.eval(&arg.value);
            values.push(ArgValue {
                name: arg.name.clone(),
                value,
            });
        }
        self.call_value(callee_value, values, span)
    }

    fn eval_list(&mut self, items: &'a [Expr], span: Span) -> Value {
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            let value = self.eval(item);
            values.push(value);
        }
        Value::new(V::List(values), span)
    }

    fn eval_if(
        &mut self,
        cond: &'a Expr,
        then: &'a Expr,
        otherwise: &'a Expr,
        span: Span,
    ) -> Value {
        match self.condition(cond) {
            Some(true) => self.eval(then),
            Some(false) => self.eval(otherwise),
            None => Value::error(span),
        }
    }

    fn eval_let(&mut self, name: &'a ast::Ident, value: &'a Expr, body: &'a Expr) -> Value {
        let value = self.eval(value);
        self.locals.push((name.name.clone(), value));
        let result = self.eval(body);
        self.locals.pop();
        result
    }

    fn eval_unary(&mut self, op: ast::UnOp, expr: &'a Expr, span: Span) -> Value {
        let value = self.eval(expr);
        self.unary(op, value, span)
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&mut self, span: Span, message: &str) {
        if self.nesting_reported {
            return;
        }
        self.nesting_reported = true;
        self.report(
            Diagnostic::error(codes::B2009, message, span)
                .with_label("the evaluation limit is reached here")
                .with_help(
                    "values that depend on each other in a very long chain, or a function that \
                     calls itself without end, nest too deep to evaluate; so do lists and \
                     records nested hundreds of levels deep",
                ),
        );
    }

    /// Evaluates a condition: a bool, or `None` after reporting `B2001`.
    pub fn condition(&mut self, expr: &'a Expr) -> Option<bool> {
        let value = self.eval(expr);
        match value.kind {
            V::Bool(b) => Some(b),
            V::Error => None,
            _ => {
                self.report(
                    Diagnostic::error(
                        codes::B2001,
                        format!("type mismatch: expected `bool`, found {}", value.describe()),
                        value.span,
                    )
                    .with_label("a condition must be `true` or `false`"),
                );
                None
            }
        }
    }

    fn eval_string(&mut self, parts: &'a [ast::StrPart], span: Span) -> Value {
        let mut text = ops::Interpolation::default();
        let mut failed = false;
        for part in parts {
            match part {
                ast::StrPart::Lit(s) => text.literal(s),
                ast::StrPart::Interp(expr) => {
                    let mut value = self.eval(expr);
                    if value.is_error() {
                        failed = true;
                        continue;
                    }
                    value.span = expr.span;
                    if let Err(d) = text.value(&value) {
                        self.report(*d);
                        failed = true;
                    }
                }
            }
        }
        if failed {
            return Value::error(span);
        }
        text.finish(span)
    }

    /// Evaluates a record literal; for a declaration's body (`this`), every field is also made
    /// visible through `self` as soon as it is written.
    pub fn eval_record(
        &mut self,
        entries: &'a [ast::RecordEntry],
        span: Span,
        this: bool,
    ) -> Value {
        let mut record = Record::new();
        let mark = self.locals.len();
        for entry in entries {
            match &entry.kind {
                ast::RecordEntryKind::Error => {}
                ast::RecordEntryKind::Field { key, value } => {
                    let value = self.eval(value);
                    let field = Field {
                        key: key.span(),
                        value,
                    };
                    if this {
                        self.set_self(key.name(), field.clone());
                    }
                    record.insert(key.name().to_string(), field);
                }
                ast::RecordEntryKind::Spread(expr) => {
                    let value = self.eval(expr);
                    match value.kind {
                        V::Record(fields) => {
                            for (k, field) in fields {
                                if this {
                                    self.set_self(&k, field.clone());
                                }
                                record.insert(k, field);
                            }
                        }
                        V::Error => {}
                        _ => self.report(
                            Diagnostic::error(
                                codes::B2001,
                                format!(
                                    "type mismatch: expected a record to spread, found {}",
                                    value.describe()
                                ),
                                value.span,
                            )
                            .with_label("only a record's fields can be spread into a record"),
                        ),
                    }
                }
                ast::RecordEntryKind::Let { name, value } => {
                    let value = self.eval(value);
                    self.locals.push((name.name.clone(), value));
                }
            }
        }
        self.locals.truncate(mark);
        Value::new(V::Record(record), span)
    }

    fn set_self(&mut self, key: &str, field: Field) {
        if let Some(Some(this)) = self.selves.last_mut() {
            this.insert(key.to_string(), field);
        }
    }

    fn self_value(&mut self, span: Span) -> Value {
        match self.selves.last() {
            Some(Some(this)) => Value::new(V::Record(this.clone()), span),
            _ => {
                self.report_no_self(span);
                Value::error(span)
            }
        }
    }

    fn report_no_self(&mut self, span: Span) {
        self.report(
            Diagnostic::error(codes::B1001, "cannot find `self` in this scope", span)
                .with_label("`self` is only defined in a declaration's body")
                .with_help("pass the value to the function as a parameter instead"),
        );
    }

    fn self_field(&mut self, self_span: Span, name: &ast::Ident, span: Span) -> Value {
        let Some(Some(this)) = self.selves.last() else {
            self.report_no_self(self_span);
            return Value::error(span);
        };
        if let Some(field) = this.get(&name.name) {
            return field.value.clone();
        }
        let written: Vec<String> = this.keys().cloned().collect();
        let mut d = Diagnostic::error(
            codes::B2008,
            format!("`self` has no field `{}` yet", name.name),
            name.span,
        )
        .with_label("not written above this point")
        .with_note("`self` holds the fields written above, in the same declaration");
        if let Some(near) = super::suggest::closest(&name.name, written.iter().map(String::as_str))
        {
            d = d.with_help(format!("did you mean `self.{near}`?"));
        }
        self.report(d);
        Value::error(span)
    }

    fn eval_comprehension(
        &mut self,
        body: &'a Expr,
        var: &'a ast::Ident,
        var2: Option<&'a ast::Ident>,
        iter: &'a Expr,
        cond: Option<&'a Expr>,
        span: Span,
    ) -> Value {
        let source = self.eval(iter);
        let bindings: Vec<(Value, Option<Value>)> = match source.kind {
            V::Error => return Value::error(span),
            V::List(items) => match var2 {
                None => items.into_iter().map(|v| (v, None)).collect(),
                Some(_) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let index = i64::try_from(i).unwrap_or(i64::MAX);
                        (Value::new(V::Int(index), v.span), Some(v))
                    })
                    .collect(),
            },
            V::Record(fields) => fields
                .into_iter()
                .map(|(k, f)| {
                    let key = Value::new(V::Str(k), f.key);
                    match var2 {
                        None => (key, None),
                        Some(_) => (key, Some(f.value)),
                    }
                })
                .collect(),
            _ => {
                self.report(
                    Diagnostic::error(
                        codes::B2001,
                        format!(
                            "type mismatch: expected a list or a map to iterate over, found {}",
                            source.describe()
                        ),
                        source.span,
                    )
                    .with_label("cannot iterate over this"),
                );
                return Value::error(span);
            }
        };
        let mut out = Vec::new();
        let mut failed = false;
        for (first, second) in bindings {
            let mark = self.locals.len();
            self.locals.push((var.name.clone(), first));
            if let (Some(name), Some(value)) = (var2, second) {
                self.locals.push((name.name.clone(), value));
            }
            let keep = match cond {
                Some(cond) => self.condition(cond),
                None => Some(true),
            };
            match keep {
                Some(true) => out.push(self.eval(body)),
                Some(false) => {}
                None => failed = true,
            }
            self.locals.truncate(mark);
            if failed {
                break;
            }
        }
        if failed {
            return Value::error(span);
        }
        Value::new(V::List(out), span)
    }
}

fn unit_value(number: &str, unit: &str, span: Span) -> Value {
    Value::new(
        V::Unit {
            number: number.to_string(),
            unit: unit.to_string(),
        },
        span,
    )
}
