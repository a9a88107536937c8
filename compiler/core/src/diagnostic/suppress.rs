//! Silencing warnings on purpose: the `@allow(CODE, ..., "reason")` attribute.
//!
//! An `@allow` before a top-level item silences the warnings of the codes it names whose primary
//! span lies inside that item (from the item's first token after its attributes to its last).
//! The primary span is the one rule: a warning that a rule reports at a declaration for a use
//! written elsewhere is silenced at the declaration, not at the use.
//!
//! [`apply`] runs once, in [`crate::compile`], after every stage has reported, so that the
//! command line, the tests and a language server all see the same diagnostics. It also reports
//! the attributes themselves: an unknown attribute, arguments of the wrong shape or a missing
//! reason (B1008), a code that is not a warning this attribute can silence (B1009), and an
//! `@allow` code that silenced nothing (B3100), so that stale silences do not pile up. The last is
//! only known when every rule ran, which is when checking found no error.

use crate::diagnostic::codes::{self, Code};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;
use crate::syntax::ast::{Attribute, Expr, ExprKind, File, Item, StrPart};

/// The codes `@allow` accepts: every code that is only ever raised as a warning, except B3100,
/// which is about `@allow` itself. A test compiles every code's explanation example and checks
/// that this list and the severities raised agree.
pub const ALLOWABLE: &[Code] = &[
    codes::B3011,
    codes::B3023,
    codes::B3024,
    codes::B3052,
    codes::B3053,
    codes::B3054,
    codes::B3055,
    codes::B3090,
    codes::B3091,
    codes::B3092,
    codes::B3093,
    codes::B3094,
    codes::B3095,
    codes::B3101,
    codes::B3102,
    codes::B3103,
    codes::B3104,
    codes::B3105,
    codes::B3106,
    codes::B3107,
    codes::B3108,
    codes::B3109,
    codes::B3110,
    codes::B3111,
    codes::B3112,
    codes::B3113,
];

/// The name of the attribute this module reads, one of [`crate::syntax::ATTRIBUTES`].
const ALLOW: &str = "allow";

/// How an `@allow` is written, for the help lines.
const SHAPE: &str = "write `@allow(B3053, \"why this warning is expected\")`: one or more warning codes, then the reason as a string";

/// One code an `@allow` names, with the item it covers.
struct Allowance {
    /// The code.
    code: Code,
    /// Where the code is written in the attribute.
    at: Span,
    /// The item the attribute precedes.
    item: Span,
    /// Whether the attribute was written correctly; only then is an unused allowance reported.
    well_formed: bool,
    /// How many warnings it silenced.
    silenced: usize,
}

/// Applies every `@allow` of `files` to `diagnostics`: removes the warnings they silence, adds the
/// diagnostics about the attributes themselves, and returns how many warnings were silenced.
/// `complete` says whether every rule ran (checking found no error); only then is an `@allow`
/// that silenced nothing reported, since the warning it names may come from a rule that did not
/// run.
pub fn apply<'a>(
    files: impl IntoIterator<Item = &'a File>,
    diagnostics: &mut Vec<Diagnostic>,
    complete: bool,
) -> usize {
    let mut allowances = Vec::new();
    let mut reports = Vec::new();
    for file in files {
        for item in &file.items {
            for attribute in &item.attributes {
                read_attribute(attribute, item, &mut allowances, &mut reports);
            }
        }
    }
    if allowances.is_empty() {
        diagnostics.extend(reports);
        return 0;
    }

    let before = diagnostics.len();
    diagnostics.retain(|diagnostic| !silence(diagnostic, &mut allowances));
    let silenced = before - diagnostics.len();

    if complete {
        for allowance in allowances
            .iter()
            .filter(|a| a.well_formed && a.silenced == 0)
        {
            reports.push(
                Diagnostic::warning(
                    codes::B3100,
                    format!("`@allow({})` silences nothing", allowance.code),
                    allowance.at,
                )
                .with_label(format!("no {} warning is reported in this item", allowance.code))
                .with_secondary(allowance.item, "the item it applies to")
                .with_note("an `@allow` silences the warnings of its codes whose primary span lies inside the item that follows it")
                .with_help(format!(
                    "remove {} from the attribute (or the attribute) now that the warning is gone",
                    allowance.code
                )),
            );
        }
    }
    diagnostics.extend(reports);
    silenced
}

/// Whether an allowance silences a diagnostic; counts it on the first allowance that does.
fn silence(diagnostic: &Diagnostic, allowances: &mut [Allowance]) -> bool {
    if diagnostic.severity != Severity::Warning {
        return false;
    }
    let at = diagnostic.primary.span;
    let covering = allowances.iter_mut().find(|allowance| {
        allowance.code == diagnostic.code
            && allowance.item.file == at.file
            && allowance.item.start <= at.start
            && at.end <= allowance.item.end
    });
    let Some(allowance) = covering else {
        return false;
    };
    allowance.silenced += 1;
    true
}

/// Reads one attribute: its allowances, or what is wrong with it.
fn read_attribute(
    attribute: &Attribute,
    item: &Item,
    allowances: &mut Vec<Allowance>,
    reports: &mut Vec<Diagnostic>,
) {
    if attribute.name.name != ALLOW {
        reports.push(
            Diagnostic::error(
                codes::B1008,
                format!("unknown attribute `@{}`", attribute.name.name),
                attribute.name.span,
            )
            .with_label("not an attribute bops knows")
            .with_help(format!("the only attribute is `@allow`; {SHAPE}")),
        );
        return;
    }
    let Some(args) = &attribute.args else {
        reports.push(
            Diagnostic::error(
                codes::B1008,
                "`@allow` needs the codes it allows and a reason",
                attribute.span,
            )
            .with_label("no arguments")
            .with_help(SHAPE),
        );
        return;
    };
    // An argument the parser could not read was reported; the attribute then silences what it
    // can and is not reported again.
    let parsed = !args.iter().any(|arg| matches!(arg.kind, ExprKind::Error));
    let Some(last) = args.last() else {
        reports.push(
            Diagnostic::error(
                codes::B1008,
                "`@allow` needs the codes it allows and a reason",
                attribute.span,
            )
            .with_label("empty argument list")
            .with_help(SHAPE),
        );
        return;
    };
    // Without a reason every argument is a code: `@allow(B3053)` misses only its reason.
    let codes_written = match (&last.kind, args.split_last()) {
        (ExprKind::Str(_), Some((_, codes_written))) => codes_written,
        _ => args.as_slice(),
    };
    let mut well_formed = parsed && reason(last, attribute, reports);
    if codes_written.is_empty() && parsed {
        well_formed = false;
        reports.push(
            Diagnostic::error(
                codes::B1008,
                "`@allow` names no code to allow",
                attribute.span,
            )
            .with_label("only a reason")
            .with_help(SHAPE),
        );
    }
    let first = allowances.len();
    for arg in codes_written {
        let Some(code) = allowable(arg, reports) else {
            well_formed = false;
            continue;
        };
        allowances.push(Allowance {
            code,
            at: arg.span,
            item: item.span,
            well_formed: true,
            silenced: 0,
        });
    }
    for allowance in allowances.iter_mut().skip(first) {
        allowance.well_formed = well_formed;
    }
}

/// Checks the reason, the last argument: a plain, non-empty string. Reports and returns `false`
/// otherwise.
fn reason(last: &Expr, attribute: &Attribute, reports: &mut Vec<Diagnostic>) -> bool {
    let ExprKind::Str(parts) = &last.kind else {
        if matches!(last.kind, ExprKind::Error) {
            return false;
        }
        reports.push(
            Diagnostic::error(codes::B1008, "`@allow` needs a reason", last.span)
                .with_label("the last argument is not a string")
                .with_secondary(attribute.span, "in this attribute")
                .with_help(format!(
                    "say why the warning is expected, as a string after the codes; {SHAPE}"
                )),
        );
        return false;
    };
    let mut text = String::new();
    for part in parts {
        match part {
            StrPart::Lit(lit) => text.push_str(lit),
            StrPart::Interp(_) => {
                reports.push(
                    Diagnostic::error(
                        codes::B1008,
                        "the reason of an `@allow` cannot contain an interpolation",
                        last.span,
                    )
                    .with_label("`${...}` in the reason")
                    .with_help("write the reason as plain text"),
                );
                return false;
            }
        }
    }
    if text.trim().is_empty() {
        reports.push(
            Diagnostic::error(codes::B1008, "the reason of an `@allow` is empty", last.span)
                .with_label("empty reason")
                .with_help("say why the warning is expected, so that a reader can judge whether the silence still holds"),
        );
        return false;
    }
    true
}

/// The code an argument names, when `@allow` may name it; otherwise `None`, with a report unless
/// the parser already reported the argument.
fn allowable(arg: &Expr, reports: &mut Vec<Diagnostic>) -> Option<Code> {
    let name = match &arg.kind {
        ExprKind::Name(ident) => ident.name.as_str(),
        ExprKind::Error => return None,
        _ => {
            reports.push(
                Diagnostic::error(codes::B1009, "this is not a diagnostic code", arg.span)
                    .with_label("expected a code such as B3053")
                    .with_help("write each code as a bare name, `B3053`, before the reason"),
            );
            return None;
        }
    };
    let well_shaped = name.len() == 5
        && name.starts_with(['B', 'b'])
        && name.bytes().skip(1).all(|b| b.is_ascii_digit());
    if !well_shaped {
        reports.push(
            Diagnostic::error(
                codes::B1009,
                format!("`{name}` is not a diagnostic code"),
                arg.span,
            )
            .with_label("expected `B` and four digits")
            .with_help("copy the code from the warning to silence: `warning[B3053]` is allowed with `@allow(B3053, \"...\")`"),
        );
        return None;
    }
    let Some(info) = codes::lookup(name) else {
        reports.push(
            Diagnostic::error(
                codes::B1009,
                format!("there is no diagnostic {}", name.to_ascii_uppercase()),
                arg.span,
            )
            .with_label("unknown code")
            .with_help(
                "copy the code from the warning to silence; `bopsc explain` lists every code",
            ),
        );
        return None;
    };
    let code = info.code;
    if ALLOWABLE.contains(&code) {
        return Some(code);
    }
    let (message, label) = if code == codes::B3100 {
        (
            format!("{code} is about `@allow` itself and cannot be allowed"),
            "reported after silencing",
        )
    } else {
        (
            format!(
                "{code} ({}) is an error, and only warnings can be allowed",
                info.title
            ),
            "an error",
        )
    };
    reports.push(
        Diagnostic::error(codes::B1009, message, arg.span)
            .with_label(label)
            .with_help(format!(
                "fix what {code} reports; `bopsc explain {code}` says how"
            )),
    );
    None
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]

    use super::ALLOWABLE;
    use crate::diagnostic::codes;
    use crate::diagnostic::Severity;
    use crate::{compile, Input, InputFile};

    /// The first block of a language under `## Example` of an explanation.
    fn example_block(explanation: &str, lang: &str) -> Option<String> {
        let after = explanation.split_once("\n## Example\n")?.1;
        let section = after.split("\n## ").next()?;
        let fence = format!("```{lang}\n");
        let start = section.find(&fence)? + fence.len();
        let body = section.get(start..)?;
        let end = body.find("\n```")?;
        Some(format!("{}\n", body.get(..end)?))
    }

    fn compile_text(text: &str, manifest: Option<String>) -> crate::Compilation {
        compile(&Input {
            manifest,
            files: vec![InputFile {
                path: "main.bops".to_string(),
                text: text.to_string(),
            }],
            assets: Default::default(),
        })
    }

    /// `ALLOWABLE` is exactly the codes raised as warnings: every code's explanation example is
    /// compiled, and the severity it raises its own code with decides. A new warning code must
    /// be added to the list, or `@allow` would call it an error.
    #[test]
    fn allowable_codes_are_the_warnings() {
        let mut problems = Vec::new();
        for info in codes::ALL {
            let Some(example) = example_block(info.explanation, "bops") else {
                continue;
            };
            let compilation = compile_text(&example, example_block(info.explanation, "toml"));
            let severities: Vec<Severity> = compilation
                .diagnostics
                .iter()
                .filter(|d| d.code == info.code)
                .map(|d| d.severity)
                .collect();
            let allowable = ALLOWABLE.contains(&info.code);
            let warning = severities.contains(&Severity::Warning);
            let error = severities.contains(&Severity::Error);
            if warning && !allowable && info.code != codes::B3100 {
                problems.push(format!(
                    "{} is raised as a warning but not in ALLOWABLE",
                    info.code
                ));
            }
            if error && allowable {
                problems.push(format!(
                    "{} is raised as an error but in ALLOWABLE",
                    info.code
                ));
            }
            if allowable && !warning {
                problems.push(format!(
                    "{} is in ALLOWABLE but its example does not raise it as a warning",
                    info.code
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Silenced warnings are counted and left out; the rest stay.
    #[test]
    fn silenced_warnings_are_counted() {
        let text = "tailnet home { domain = \"tail1234.ts.net\" }\n\
                    user erich { email = \"erich@example.com\" }\n\
                    @allow(B3053, \"kept\")\n\
                    group a { members = [user.erich] }\n\
                    group b { members = [user.erich] }\n";
        let compilation = compile_text(text, None);
        assert_eq!(compilation.silenced, 1);
        let codes: Vec<&str> = compilation
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, ["B3053"]);
        assert!(compilation.diagnostics[0].message.contains("`b`"));
    }

    /// An `@allow` whose warning comes from a rule that did not run (checking found an error) is
    /// not reported as silencing nothing.
    #[test]
    fn unfulfilled_allow_waits_for_a_complete_check() {
        let text = "@allow(B3053, \"kept\")\ngroup a { members = [user.nobody] }\n";
        let compilation = compile_text(text, None);
        assert!(compilation.has_errors());
        assert!(compilation
            .diagnostics
            .iter()
            .all(|d| d.code != codes::B3100));
    }
}
