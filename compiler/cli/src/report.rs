//! Printing diagnostics and one-line summaries on stderr.
//!
//! Diagnostics are rendered by the core (`diagnostic::render`), as text or JSON lines. Summaries
//! (`wrote 12 files to generated`, `error: 3 errors; nothing written`) are for people: they are
//! printed only in the human format, so that in the JSON format every line on stderr is one
//! diagnostic.

use std::io::Write;

use bops_core::diagnostic::render;
use bops_core::Compilation;

use crate::cli::MessageFormat;

/// How to print.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Text or JSON lines.
    pub format: MessageFormat,
    /// Whether to use ANSI colours (human format only).
    pub color: bool,
}

/// Counts of errors and warnings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Warnings an `@allow` silenced, counted apart.
    pub silenced: usize,
}

impl Counts {
    /// The counts of a compilation's diagnostics.
    pub fn of(compilation: &Compilation) -> Counts {
        let errors = compilation
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .count();
        Counts {
            errors,
            warnings: compilation.diagnostics.len() - errors,
            silenced: compilation.silenced,
        }
    }
}

/// Prints every diagnostic of a compilation.
pub fn diagnostics(compilation: &Compilation, style: Style) {
    let text = match style.format {
        MessageFormat::Human => {
            render::human(&compilation.diagnostics, &compilation.sources, style.color)
        }
        MessageFormat::Json => render::json(&compilation.diagnostics, &compilation.sources),
    };
    eprint_text(&text);
}

/// Prints a summary line for people; nothing in the JSON format.
pub fn summary(line: &str, style: Style) {
    if style.format == MessageFormat::Json {
        return;
    }
    eprint_text(&format!("{line}\n"));
}

/// Prints an `error: ...` summary line for people; nothing in the JSON format.
pub fn error_summary(line: &str, style: Style) {
    if style.format == MessageFormat::Json {
        return;
    }
    eprint_text(&format!("{}: {line}\n", paint("error", style.color)));
}

/// Prints a usage or IO error; in every format, since it is not a diagnostic.
pub fn failure(message: &str, color: bool) {
    eprint_text(&format!("{}: {message}\n", paint("error", color)));
}

/// Prints text on stdout, as it is: the output a command exists for (a diff, a summary), which a
/// pipe or a file may take; a closed stdout is not worth a crash.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).ok();
    out.flush().ok();
}

/// `error` in bold red when colour is on.
fn paint(word: &str, color: bool) -> String {
    if color {
        format!("\u{1b}[1;31m{word}\u{1b}[0m")
    } else {
        word.to_string()
    }
}

/// `1 file`, `2 files`: a count and a noun that takes an `s` in the plural.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `3 errors, 1 warning`, or `1 warning`, or `no errors`; then `, 2 warnings silenced` when an
/// `@allow` silenced some.
pub fn counts_text(counts: Counts) -> String {
    let text = match (counts.errors, counts.warnings) {
        (0, 0) => "no errors".to_string(),
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    };
    if counts.silenced == 0 {
        return text;
    }
    format!("{text}, {} silenced", plural(counts.silenced, "warning"))
}

/// Writes to stderr; a closed stderr is not worth a crash.
fn eprint_text(text: &str) {
    let mut err = std::io::stderr().lock();
    err.write_all(text.as_bytes()).ok();
    err.flush().ok();
}

#[cfg(test)]
mod tests {
    use super::{counts_text, Counts};

    #[test]
    fn counts_read_as_english() {
        let c = |errors, warnings| {
            counts_text(Counts {
                errors,
                warnings,
                silenced: 0,
            })
        };
        assert_eq!(c(0, 0), "no errors");
        assert_eq!(c(0, 1), "1 warning");
        assert_eq!(c(2, 0), "2 errors");
        assert_eq!(c(1, 3), "1 error, 3 warnings");
        let silenced = |warnings, silenced| {
            counts_text(Counts {
                errors: 0,
                warnings,
                silenced,
            })
        };
        assert_eq!(silenced(0, 1), "no errors, 1 warning silenced");
        assert_eq!(silenced(2, 3), "2 warnings, 3 warnings silenced");
    }
}
