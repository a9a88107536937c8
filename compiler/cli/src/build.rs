//! `bopsc build` and `bopsc check`: read a project, compile it, report, and (build) write.
//!
//! `bopsc build --check` writes nothing and instead compares the tree on disk with what it would
//! write, so CI can refuse a commit whose generated files are stale.
//!
//! Role assets are found in two passes: a first compile says which directories the `role`
//! declarations name as their `source`; when there are any, the CLI reads every file under them
//! and compiles again with those files as assets. A compile is a few milliseconds, so this is
//! simpler and more robust than guessing the directories from the source text.

use std::path::Path;

use bops_core::{compile, Compilation, Input, Outputs};

use crate::cli::{BuildArgs, CheckArgs};
use crate::failure::Failure;
use crate::read::{read_assets, read_project, RoleSource};
use crate::report::{self, counts_text, plural, Counts, Style};
use crate::write::{differences, write_outputs};
use crate::Exit;

/// The output directory's name under the project directory when `--out` is not given.
pub const DEFAULT_OUT: &str = "generated";

/// Runs `bopsc build`.
pub fn build(args: &BuildArgs, style: Style) -> Result<Exit, Failure> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.dir.join(DEFAULT_OUT));
    let (_, compilation) = compile_project(&args.dir, &out)?;
    report::diagnostics(&compilation, style);
    let counts = Counts::of(&compilation);
    let outputs = match (&compilation.outputs, counts.errors) {
        (Some(outputs), 0) => outputs,
        _ => {
            report::error_summary(&format!("{}; nothing written", counts_text(counts)), style);
            return Ok(Exit::InputErrors);
        }
    };
    if args.check {
        return check_tree(&out, outputs, counts, style);
    }
    let written = write_outputs(&out, outputs)?;
    let mut line = format!(
        "wrote {} to {}",
        plural(written.written, "file"),
        out.display()
    );
    if written.removed > 0 {
        line.push_str(&format!(
            ", removed {}",
            plural(written.removed, "stale file")
        ));
    }
    if counts.warnings > 0 {
        line.push_str(&format!(" ({})", counts_text(counts)));
    }
    report::summary(&line, style);
    Ok(Exit::Clean)
}

/// `bopsc build --check`: compares the tree on disk with what a build would write.
fn check_tree(
    out: &Path,
    outputs: &Outputs,
    counts: Counts,
    style: Style,
) -> Result<Exit, Failure> {
    let differences = differences(out, outputs)?;
    if differences.is_empty() {
        let mut line = format!("{} is up to date", out.display());
        if counts.warnings > 0 {
            line.push_str(&format!(" ({})", counts_text(counts)));
        }
        report::summary(&line, style);
        return Ok(Exit::Clean);
    }
    let mut line = format!(
        "{} is out of date; run `bopsc build` to update it:",
        out.display()
    );
    for difference in &differences {
        line.push_str(&format!("\n  {difference}"));
    }
    // Printed in every format: in JSON, the diagnostics alone would not say why the exit is 1.
    report::failure(&line, style.color);
    Ok(Exit::InputErrors)
}

/// Runs `bopsc check`.
pub fn check(args: &CheckArgs, style: Style) -> Result<Exit, Failure> {
    let out = args.dir.join(DEFAULT_OUT);
    let (input, compilation) = compile_project(&args.dir, &out)?;
    report::diagnostics(&compilation, style);
    let counts = Counts::of(&compilation);
    if counts.errors > 0 {
        report::error_summary(&counts_text(counts), style);
        return Ok(Exit::InputErrors);
    }
    report::summary(
        &format!(
            "checked {}: {}",
            plural(input.files.len(), "file"),
            counts_text(counts)
        ),
        style,
    );
    Ok(Exit::Clean)
}

/// Reads and compiles the project in `dir`, with its role assets; `out` is not read.
pub fn compile_project(dir: &Path, out: &Path) -> Result<(Input, Compilation), Failure> {
    let mut input = read_project(dir, out)?;
    let first = compile(&input);
    let roles: Vec<RoleSource<'_>> = first
        .model
        .iter()
        .flat_map(|m| m.roles.iter())
        .filter_map(|r| {
            r.source.as_deref().map(|source| RoleSource {
                role: &r.name,
                source,
            })
        })
        .collect();
    if roles.is_empty() {
        return Ok((input, first));
    }
    input.assets = read_assets(dir, &roles)?;
    let second = compile(&input);
    Ok((input, second))
}
