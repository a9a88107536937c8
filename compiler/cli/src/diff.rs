//! `bopsc diff`: what a change to the sources does to each layer, summarised for a reviewer.
//!
//! The project is compiled as it is and as it was, at a git revision (`--against REV`, default
//! `HEAD`, read by [`crate::git`]) or in another directory (`--against-tree DIR`); the two models
//! go to the core's comparison, `bops_core::diff`, whose summary is printed on stdout. What was
//! compared with what is said on stderr, so that stdout is the summary alone.

use bops_core::diff as model_diff;

use crate::build::{compile_project, DEFAULT_OUT};
use crate::cli::DiffArgs;
use crate::failure::Failure;
use crate::git;
use crate::report::{self, counts_text, Counts, Style};
use crate::Exit;

/// Runs `bopsc diff`.
pub fn diff(args: &DiffArgs, style: Style) -> Result<Exit, Failure> {
    let (_, new) = compile_project(&args.dir, &args.dir.join(DEFAULT_OUT))?;
    let counts = Counts::of(&new);
    // Warnings are `bopsc check`'s business; the summary is printed alone unless it cannot be.
    if counts.errors > 0 {
        report::diagnostics(&new, style);
        report::error_summary(
            &format!(
                "{}; fix them to see what the change does",
                counts_text(counts)
            ),
            style,
        );
        return Ok(Exit::InputErrors);
    }

    let (label, old) = match &args.against_tree {
        Some(tree) => {
            let (_, old) = compile_project(tree, &tree.join(DEFAULT_OUT))?;
            (format!("`{}`", tree.display()), old)
        }
        None => {
            let rev = args.against.as_deref().unwrap_or("HEAD");
            let (commit, old) = git::compile_at(&args.dir, rev)?;
            (format!("{rev} ({commit})"), old)
        }
    };
    let old_counts = Counts::of(&old);
    if old_counts.errors > 0 {
        report::failure(
            &format!(
                "the project at {label} has {}, so there is nothing to compare with; `bopsc \
                 check` there shows them",
                counts_text(Counts {
                    errors: old_counts.errors,
                    warnings: 0,
                    silenced: 0,
                })
            ),
            style.color,
        );
        return Ok(Exit::InputErrors);
    }
    let (Some(old_model), Some(new_model)) = (&old.model, &new.model) else {
        return Err(no_model());
    };
    report::summary(
        &format!("comparing {} with {label}", args.dir.display()),
        style,
    );
    let changes = model_diff::diff(old_model, new_model);
    report::stdout(&changes.to_string());
    Ok(Exit::Clean)
}

/// A compilation without errors always has a model; this says so should it ever not.
fn no_model() -> Failure {
    Failure::new("a compilation without errors had no model; this is a bug in bopsc")
}
