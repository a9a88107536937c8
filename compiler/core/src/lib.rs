//! The bops compiler core.
//!
//! One pure library: sources and options in, output files and diagnostics out. It does no IO (no
//! filesystem, environment or clock); the `bopsc` CLI and, later, the language server wrap it.
//!
//! The pipeline, one module per stage, each data in and data out:
//!
//! 1. [`syntax`]: lex and parse each file into a syntax tree; never fails, recovers from errors.
//! 2. [`project`]: read the manifest, load the modules a project imports, the embedded [`stdlib`].
//! 3. [`check`]: resolve names, check types, evaluate expressions and templates, and lower the
//!    declarations into the [`model`].
//! 4. [`rules`]: the consistency checks over the model, within and across the tailnet, hosts and
//!    workloads; when checking found no error, also the policy's tests, evaluated with
//!    [`policy`]. Then the `@allow` attributes silence the warnings they name
//!    ([`diagnostic::suppress`]).
//! 5. [`emit`]: the Pulumi, Ansible and Kubernetes/Argo CD files, each a pure function of the model.
//!
//! [`compile`] runs them all. A stage that finds errors still returns what it could build, so that
//! one compile reports as many independent problems as it can; [`Compilation::outputs`] is only
//! filled when there is no error at all.

pub mod check;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod graph;
pub mod import;
pub mod model;
pub mod policy;
pub mod project;
pub mod rules;
pub mod source;
pub mod stdlib;
pub mod syntax;

use std::collections::BTreeMap;

pub use diagnostic::{Diagnostic, Severity};
pub use source::{FileId, SourceMap, Span};

/// One input file of a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// The path relative to the project root, `/`-separated (`apps/feed.bops`).
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// Everything a compilation reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    /// The text of `bops.toml`; `None` compiles with default settings.
    pub manifest: Option<String>,
    /// The project's `.bops` files, in any order.
    pub files: Vec<InputFile>,
    /// Other project files the sources refer to (a role's directory), by path relative to the
    /// project root. The CLI reads those the project's declarations name.
    pub assets: BTreeMap<String, String>,
}

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// The file's contents.
    pub contents: String,
    /// The source files it came from, relative to the project root.
    pub sources: Vec<String>,
}

/// The generated tree: path relative to the output root (`argocd/apps/feed.yaml`) to file.
pub type Outputs = BTreeMap<String, OutputFile>;

/// What a compilation produced.
#[derive(Debug, Default)]
pub struct Compilation {
    /// Every file read, user and standard library, for rendering diagnostics.
    pub sources: SourceMap,
    /// Every diagnostic, in a stable order (by file, then position, then code).
    pub diagnostics: Vec<Diagnostic>,
    /// The model, when checking got that far (it may be partial when there are errors).
    pub model: Option<model::Model>,
    /// The generated files; `None` when there is any error.
    pub outputs: Option<Outputs>,
    /// How many warnings an `@allow` silenced; they are not in [`Compilation::diagnostics`].
    pub silenced: usize,
}

impl Compilation {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        diagnostic::has_errors(&self.diagnostics)
    }
}

/// Compiles a project: parse, load, check, run the rules, emit.
pub fn compile(input: &Input) -> Compilation {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();

    let project = project::load(input, &mut sources, &mut diagnostics);
    let model = check::check(&project, &sources, &mut diagnostics);
    let checked_cleanly = !diagnostic::has_errors(&diagnostics);
    diagnostics.extend(rules::check(&model));
    diagnostics.extend(rules::check_role_files(&model, &input.assets));
    diagnostics.extend(rules::check_sources(&model, &project));
    if checked_cleanly {
        diagnostics.extend(rules::check_policy(&model));
    }
    // Every stage has reported: `@allow` attributes silence what they name, in one place for
    // every consumer. Duplicates are dropped first so that each silenced warning counts once.
    sort_diagnostics(&mut diagnostics, &sources);
    let files = project.modules.iter().map(|module| &module.ast);
    let silenced = diagnostic::suppress::apply(files, &mut diagnostics, checked_cleanly);

    let outputs = if diagnostic::has_errors(&diagnostics) {
        None
    } else {
        Some(emit::emit(&model, &input.assets))
    };
    sort_diagnostics(&mut diagnostics, &sources);
    Compilation {
        sources,
        diagnostics,
        model: Some(model),
        outputs,
        silenced,
    }
}

/// Orders diagnostics by file path, position and code, and drops exact duplicates.
fn sort_diagnostics(diagnostics: &mut Vec<Diagnostic>, sources: &SourceMap) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                sources.path(d.primary.span.file).to_string(),
                d.primary.span.start,
                d.primary.span.end,
                d.code,
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
    });
    diagnostics.dedup();
}
