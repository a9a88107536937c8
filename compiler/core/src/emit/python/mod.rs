//! A Python source document builder and printer.
//!
//! The Pulumi program is Python. Emitters build a [`Module`] of [`Stmt`]s and [`Expr`]s and print
//! it once with [`print`]; nothing assembles Python text by hand. The printer writes what
//! `ruff format` writes (its defaults: line length 88, four-space indentation, double quotes), so
//! that `ruff format --check` passes on the output:
//!
//! - an expression that fits on its line is written flat;
//! - otherwise its last bracket pair (a call's arguments, a list, a dict) is split one element per
//!   line with a trailing comma, each element laid out the same way one level deeper (the trailing
//!   comma is "magic": it keeps `ruff format` from joining the lines again); a chain of two or more
//!   method calls (`a().b().c`), which ruff lays out in its fluent style, is not split;
//! - strings use double quotes unless the text holds more double than single quotes;
//! - the module docstring is written the way ruff normalises docstrings (indentation removed,
//!   trailing spaces trimmed, closing quotes on their own line when it has several lines);
//! - empty lines: one after the docstring, one after the imports, at most two anywhere, none at the
//!   start or the end.

mod print;

pub use print::{print, LINE_LENGTH};

/// A Python module.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    /// `#` comment lines at the very top (the provenance header).
    pub header: Vec<String>,
    /// The module docstring.
    pub docstring: Option<String>,
    /// The statements.
    pub body: Vec<Stmt>,
}

impl Module {
    /// An empty module.
    pub fn new() -> Module {
        Module::default()
    }

    /// Adds a statement.
    pub fn push(&mut self, stmt: Stmt) {
        self.body.push(stmt);
    }

    /// Adds a comment line for each line of `text`.
    pub fn comment(&mut self, text: &str) {
        for line in text.split(['\n', '\r']) {
            self.body.push(Stmt::Comment(line.to_string()));
        }
    }

    /// Adds an empty line.
    pub fn blank(&mut self) {
        self.body.push(Stmt::Blank);
    }
}

/// A statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    /// `import module` or `import module as alias`.
    Import {
        /// The dotted module name.
        module: String,
        /// The alias.
        alias: Option<String>,
    },
    /// `from module import a, b`.
    ImportFrom {
        /// The dotted module name.
        module: String,
        /// The imported names.
        names: Vec<String>,
    },
    /// `target = value`.
    Assign {
        /// The assigned name.
        target: String,
        /// The value.
        value: Expr,
    },
    /// An expression statement, usually a call.
    Expr(Expr),
    /// A `#` comment line.
    Comment(String),
    /// An empty line.
    Blank,
}

impl Stmt {
    /// `import module`.
    pub fn import(module: &str) -> Stmt {
        Stmt::Import {
            module: module.to_string(),
            alias: None,
        }
    }

    /// `import module as alias`.
    pub fn import_as(module: &str, alias: &str) -> Stmt {
        Stmt::Import {
            module: module.to_string(),
            alias: Some(alias.to_string()),
        }
    }

    /// `from module import names`.
    pub fn import_from(module: &str, names: &[&str]) -> Stmt {
        Stmt::ImportFrom {
            module: module.to_string(),
            names: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    /// `target = value`.
    pub fn assign(target: impl Into<String>, value: Expr) -> Stmt {
        Stmt::Assign {
            target: target.into(),
            value,
        }
    }

    pub(super) fn is_import(&self) -> bool {
        matches!(self, Stmt::Import { .. } | Stmt::ImportFrom { .. })
    }
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `/` (also `Path` joining).
    Div,
    /// `+`
    Add,
    /// `or`
    Or,
    /// `in`
    In,
}

impl BinOp {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            BinOp::Div => "/",
            BinOp::Add => "+",
            BinOp::Or => "or",
            BinOp::In => "in",
        }
    }
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A name.
    Name(String),
    /// A string literal.
    Str(String),
    /// An integer literal.
    Int(i64),
    /// `True`/`False`
    Bool(bool),
    /// `None`
    None,
    /// `value.attr`
    Attr(Box<Expr>, String),
    /// `func(args)`
    Call(Box<Expr>, Vec<Arg>),
    /// `[items]`
    List(Vec<Expr>),
    /// `{key: value}`
    Dict(Vec<(Expr, Expr)>),
    /// `left op right`
    BinOp(Box<Expr>, BinOp, Box<Expr>),
    /// `*value`, unpacked into a list.
    Starred(Box<Expr>),
    /// `value[:end]`, the first `end` items of a sequence.
    SliceTo(Box<Expr>, i64),
    /// `[element for var in iter if cond]`
    ListComp {
        /// The element of the new list.
        element: Box<Expr>,
        /// The loop variable.
        var: String,
        /// What it iterates over.
        iter: Box<Expr>,
        /// The filter, if any.
        cond: Option<Box<Expr>>,
    },
}

/// A call argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// A positional argument.
    Pos(Expr),
    /// `name=value`
    Kw(String, Expr),
}

impl Arg {
    /// `name=value`.
    pub fn kw(name: &str, value: Expr) -> Arg {
        Arg::Kw(name.to_string(), value)
    }
}

/// A name.
pub fn name(n: &str) -> Expr {
    Expr::Name(n.to_string())
}

/// A string literal.
pub fn string(s: impl Into<String>) -> Expr {
    Expr::Str(s.into())
}

impl Expr {
    /// `self.attr`.
    pub fn attr(self, attr: &str) -> Expr {
        Expr::Attr(Box::new(self), attr.to_string())
    }

    /// `self(args)`.
    pub fn call(self, args: Vec<Arg>) -> Expr {
        Expr::Call(Box::new(self), args)
    }

    /// `self op right`.
    pub fn binop(self, op: BinOp, right: Expr) -> Expr {
        Expr::BinOp(Box::new(self), op, Box::new(right))
    }

    /// `[element for var in iter if cond]`.
    pub fn list_comp(element: Expr, var: &str, iter: Expr, cond: Option<Expr>) -> Expr {
        Expr::ListComp {
            element: Box::new(element),
            var: var.to_string(),
            iter: Box::new(iter),
            cond: cond.map(Box::new),
        }
    }
}
