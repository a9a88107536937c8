//! The front end: lexing and parsing `.bops` text into a [`ast::File`].
//!
//! Parsing never fails: [`parse`] always returns a tree, with `Error` nodes where the input could
//! not be read, and the syntax diagnostics (`B0xxx`). Recovery works at the level of items and of
//! bracketed groups, so three unrelated mistakes give three diagnostics and the rest of the file is
//! still checked.

pub mod ast;
pub mod lexer;
pub mod parser;

use crate::diagnostic::Diagnostic;
use crate::source::FileId;

/// The reserved words of the language. Declaration kinds (`tag`, `host`, `app`, ...) are not
/// reserved: they are identifiers that the checker gives meaning to (see `check::schema::KINDS`).
pub const KEYWORDS: &[&str] = &[
    "import", "as", "let", "in", "fn", "type", "enum", "if", "then", "else", "for", "true",
    "false", "null", "on", "self",
];

/// The attributes an item may have (`@allow(B3053, "reason")`). The parser reads any `@name`;
/// `diagnostic::suppress` reports one not listed here. Editors highlight them.
pub const ATTRIBUTES: &[&str] = &["allow"];

/// Parses one file.
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    parser::parse(file, text)
}
