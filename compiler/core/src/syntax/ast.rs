//! The syntax tree of one `.bops` file.
//!
//! The tree is kind-agnostic: a declaration is `KIND NAME [(params)] [on EXPR] (BODY | = EXPR)`,
//! and what a `host` or an `app` may contain is the checker's business, not the parser's. Every
//! node carries a [`Span`]. A piece of input the parser could not make sense of becomes an `Error`
//! node (`ItemKind::Error`, `ExprKind::Error`, `TypeExprKind::Error`), which later stages skip
//! without reporting anything more about it. Doc comments (`///`, `//!`) are attached to the item
//! or record entry that follows them; every comment is also kept as trivia for the formatter.

use crate::source::Span;

/// An identifier with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    /// The text of the identifier.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A doc comment: the text of consecutive `///` lines, without the slashes and one leading space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    /// The lines joined with `\n`.
    pub text: String,
    /// From the first `///` to the end of the last line.
    pub span: Span,
}

/// A comment kept as trivia.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The kind of comment.
    pub kind: CommentKind,
    /// The text after the comment marker.
    pub text: String,
    /// The whole comment, marker included.
    pub span: Span,
}

/// The kinds of comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentKind {
    /// `// ...`
    Line,
    /// `/// ...`, documents the next item or entry.
    Doc,
    /// `//! ...`, documents the enclosing file.
    ModuleDoc,
}

/// One parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// The `//!` lines at the top of the file.
    pub doc: Option<Doc>,
    /// The items in source order.
    pub items: Vec<Item>,
    /// Every comment of the file, in source order.
    pub comments: Vec<Comment>,
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The `///` comment before it.
    pub doc: Option<Doc>,
    /// The `@name(...)` attributes before it, in source order.
    pub attributes: Vec<Attribute>,
    /// What it is.
    pub kind: ItemKind,
    /// From the first token after the doc comment and the attributes to the last.
    pub span: Span,
}

impl Item {
    /// Where the item's text starts: its first attribute, or the item itself.
    pub fn start(&self) -> u32 {
        self.attributes
            .first()
            .map_or(self.span.start, |attribute| attribute.span.start)
    }
}

/// An attribute before an item: `@allow(B3053, "reason")`. The parser reads any name and any
/// arguments; which attributes exist and what their arguments mean is decided later
/// (`diagnostic::suppress` reads `@allow`).
#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    /// The name after `@`.
    pub name: Ident,
    /// The arguments in `(...)`; `None` when the attribute has no parentheses. An argument the
    /// parser could not read is an `Error` expression, already reported.
    pub args: Option<Vec<Expr>>,
    /// From `@` to the closing parenthesis (or the name).
    pub span: Span,
}

/// The kinds of top-level item.
#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    /// `import a.b.c [as x]`
    Import(Import),
    /// `let name [: Type] = expr`
    Let(Let),
    /// `fn name(params) [-> Type] = expr`
    Fn(Fn),
    /// `type Name = Type`
    Type(TypeAlias),
    /// `enum Name { a, b, c }`
    Enum(Enum),
    /// `KIND NAME [(params)] [on expr] [{ ... } | = expr]`
    Decl(Decl),
    /// Input the parser could not read; already reported.
    Error,
}

/// `import std.k8s` or `import lib.web as web`: loads `lib/web.bops` from the project root or
/// `std/...` from the embedded standard library, and binds the module under its last segment (or
/// the alias).
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The dotted path, at least one segment.
    pub path: Vec<Ident>,
    /// The `as` name.
    pub alias: Option<Ident>,
}

/// `let name [: Type] = expr`, at the top level of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    /// The bound name.
    pub name: Ident,
    /// The declared type.
    pub ty: Option<TypeExpr>,
    /// The value.
    pub value: Expr,
}

/// `fn name(a: T, b: U = default) [-> R] = expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fn {
    /// The function's name.
    pub name: Ident,
    /// The parameters in order.
    pub params: Vec<Param>,
    /// The declared result type.
    pub ret: Option<TypeExpr>,
    /// The body.
    pub body: Expr,
}

/// A parameter of a function or of a parameterised declaration (`role caddy(domain: string)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The `///` comment before it.
    pub doc: Option<Doc>,
    /// The parameter's name.
    pub name: Ident,
    /// Its type.
    pub ty: Option<TypeExpr>,
    /// Its default; a parameter without one is required.
    pub default: Option<Expr>,
    /// The whole parameter.
    pub span: Span,
}

/// `type Name = Type`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeAlias {
    /// The new type's name.
    pub name: Ident,
    /// What it stands for.
    pub ty: TypeExpr,
}

/// `enum Name { a, b, c }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    /// The enum's name.
    pub name: Ident,
    /// Its variants in order.
    pub variants: Vec<Ident>,
}

/// A declaration of an entity: `tag feed { owners = [...] }`, `app miniflux on cluster.home { ... }`,
/// `role caddy(domain: string) { source = "roles/caddy" }`, `app feed = web_app(...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    /// The kind keyword (`tag`, `host`, `app`, ...); an identifier, checked by the checker.
    pub kind: Ident,
    /// The entity's name.
    pub name: Ident,
    /// `(params)` after the name, for kinds that have a signature (roles).
    pub params: Option<Vec<Param>>,
    /// `on EXPR` after the name (an app's cluster).
    pub on: Option<Expr>,
    /// The body: a record literal for `{ ... }`, or any expression after `=`. `None` when the
    /// declaration has neither (`tag feed`).
    pub body: Option<Expr>,
}

/// A type written in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    /// What it is.
    pub kind: TypeExprKind,
    /// Where.
    pub span: Span,
}

/// The kinds of type expression.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    /// `string`, `port`, `Tag`, `list<T>`, `map<T>`, `Route` (a user type).
    Named {
        /// The type's name.
        name: Ident,
        /// Type arguments in `<...>`.
        args: Vec<TypeExpr>,
    },
    /// `T?`
    Optional(Box<TypeExpr>),
    /// `{ name: T, other?: U }`; a `?` after the field name makes the field optional.
    Record(Vec<RecordTypeField>),
    /// A type the parser could not read; already reported.
    Error,
}

/// One field of a record type.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordTypeField {
    /// The field's name.
    pub name: Ident,
    /// Whether `name?:` was written.
    pub optional: bool,
    /// The field's type.
    pub ty: TypeExpr,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `42`
    Int(i64),
    /// `true` or `false`
    Bool(bool),
    /// `null`
    Null,
    /// A number with a unit: `12h`, `90d`, `64Mi`, `250m`, `1.5Gi`. What the unit means (a
    /// duration or a quantity) is decided by the type the value is checked against.
    Unit {
        /// The digits as written, possibly with one `.`: `64`, `1.5`.
        number: String,
        /// The unit as written: `h`, `Mi`, `m`.
        unit: String,
    },
    /// A string, possibly with `${...}` interpolations.
    Str(Vec<StrPart>),
    /// A name: a local, a parameter, a top-level `let` or `fn`, a module, an entity kind.
    Name(Ident),
    /// `self`: the declaration being defined.
    SelfRef,
    /// `expr.field`; `tag.feed` is `Field(Name(tag), feed)`.
    Field(Box<Expr>, Ident),
    /// `expr[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `callee(args)`
    Call {
        /// What is called.
        callee: Box<Expr>,
        /// The arguments, positional then named.
        args: Vec<Arg>,
    },
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `[body for var in iter if cond]`, or `[body for key, value in map]`.
    Comprehension {
        /// The element expression.
        body: Box<Expr>,
        /// The loop variable (the key, for two variables over a map).
        var: Ident,
        /// The second loop variable (the value, over a map).
        var2: Option<Ident>,
        /// What is iterated.
        iter: Box<Expr>,
        /// The filter.
        cond: Option<Box<Expr>>,
    },
    /// `{ a = 1, b { c = 2 }, ...base, let x = 3 }`
    Record(Vec<RecordEntry>),
    /// `if cond then a else b`
    If {
        /// The condition.
        cond: Box<Expr>,
        /// The value when true.
        then: Box<Expr>,
        /// The value when false.
        otherwise: Box<Expr>,
    },
    /// `let name = value in body`
    Let {
        /// The bound name.
        name: Ident,
        /// Its value.
        value: Box<Expr>,
        /// Where it is visible.
        body: Box<Expr>,
    },
    /// `a + b`
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `!a`, `-a`
    Unary {
        /// The operator.
        op: UnOp,
        /// The operand.
        expr: Box<Expr>,
    },
    /// An expression the parser could not read; already reported.
    Error,
}

/// A part of a string literal.
#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    /// Literal text, escapes already decoded.
    Lit(String),
    /// `${expr}`
    Interp(Expr),
}

/// An argument in a call.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// `name =` for a named argument.
    pub name: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// An entry of a record literal or declaration body.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordEntry {
    /// The `///` comment before it.
    pub doc: Option<Doc>,
    /// What it is.
    pub kind: RecordEntryKind,
    /// The whole entry.
    pub span: Span,
}

/// The kinds of record entry.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordEntryKind {
    /// `key = value`, or `key { ... }` (sugar for `key = { ... }`).
    Field {
        /// The key.
        key: Key,
        /// The value.
        value: Expr,
    },
    /// `...expr`: the fields of another record, overridden by the fields written after it.
    Spread(Expr),
    /// `let name = value`: a binding visible in the entries after it.
    Let {
        /// The bound name.
        name: Ident,
        /// Its value.
        value: Expr,
    },
    /// An entry the parser could not read; already reported.
    Error,
}

/// A record key: an identifier or a string (`"gethomepage.dev/name" = "Feed"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// `name`
    Ident(Ident),
    /// `"any text"` (no interpolation).
    Str(String, Span),
}

impl Key {
    /// The key's text.
    pub fn name(&self) -> &str {
        match self {
            Key::Ident(i) => &i.name,
            Key::Str(s, _) => s,
        }
    }

    /// Where the key is.
    pub fn span(&self) -> Span {
        match self {
            Key::Ident(i) => i.span,
            Key::Str(_, s) => *s,
        }
    }
}

/// Binary operators, loosest first: `||`; `&&`; `== !=`; `< <= > >=`; `@`; `+ -`; `* / %`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `||`
    Or,
    /// `&&`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `@`: an endpoint, a destination at a port (`tag.feed @ 443`).
    At,
    /// `+`: numbers, strings, lists; records merge with the right side winning.
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

/// Unary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}
