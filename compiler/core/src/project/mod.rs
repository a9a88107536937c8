//! Projects and modules: the manifest, the files, the standard library and the imports between them.
//!
//! [`load`] reads the manifest ([`manifest`]), adds every input file (sorted by path, so the order
//! the files are given in never changes the result) and every standard library file to the
//! [`SourceMap`], parses them, and resolves each `import` to a module ([`imports`]): `import
//! lib.web` is the project file `lib/web.bops`, `import std.k8s` the embedded `k8s` module. A
//! missing module is `B1003`, an import cycle `B1004`. The prelude is imported implicitly by every
//! module; the checker looks it up through [`Project::prelude`].

pub mod imports;
pub mod manifest;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Origin, SourceMap, Span};
use crate::syntax::{self, ast};
use std::collections::BTreeSet;

use crate::{stdlib, Input};

pub use manifest::Manifest;

/// The index of a module in [`Project::modules`].
pub type ModuleId = usize;

/// A loaded project: its settings and every module, parsed, with imports resolved.
#[derive(Debug, Default)]
pub struct Project {
    /// The manifest's settings.
    pub manifest: Manifest,
    /// The project's files in path order, then the standard library's modules.
    pub modules: Vec<Module>,
    /// The prelude module, implicitly imported everywhere.
    pub prelude: Option<ModuleId>,
}

/// One parsed file.
#[derive(Debug)]
pub struct Module {
    /// Its file in the source map.
    pub file: FileId,
    /// Its path: `lib/web.bops`, or `<stdlib>/k8s.bops`.
    pub path: String,
    /// Its name as an import path: `lib.web`, or `std.k8s`.
    pub name: String,
    /// Whether it is a standard library module.
    pub stdlib: bool,
    /// The syntax tree.
    pub ast: ast::File,
    /// Its imports, in source order.
    pub imports: Vec<ResolvedImport>,
}

/// An `import` with the module it names.
#[derive(Clone, Debug)]
pub struct ResolvedImport {
    /// The name the module is bound to in the importing file (the alias or the last segment).
    pub binding: ast::Ident,
    /// The module, or `None` when it does not exist (already reported).
    pub module: Option<ModuleId>,
    /// The whole `import` item.
    pub span: Span,
}

impl Project {
    /// The module with this id.
    pub fn module(&self, id: ModuleId) -> Option<&Module> {
        self.modules.get(id)
    }
}

/// Loads a project: reads the manifest, parses every file, resolves the imports.
pub fn load(input: &Input, sources: &mut SourceMap, diagnostics: &mut Vec<Diagnostic>) -> Project {
    let manifest = match &input.manifest {
        Some(text) => {
            let file = sources.add("bops.toml", text.clone(), Origin::Project);
            manifest::read(file, text, diagnostics)
        }
        None => manifest::defaults(),
    };

    let mut files: Vec<(String, &str)> = input
        .files
        .iter()
        .map(|f| (normalize_path(&f.path), f.text.as_str()))
        .collect();
    files.sort();
    files.dedup_by(|a, b| a.0 == b.0);

    let mut modules = Vec::new();
    for (path, text) in files {
        let file = sources.add(path.clone(), text, Origin::Project);
        let (ast, errors) = syntax::parse(file, text);
        diagnostics.extend(errors);
        let name = path
            .strip_suffix(".bops")
            .unwrap_or(&path)
            .replace('/', ".");
        modules.push(Module {
            file,
            path,
            name,
            stdlib: false,
            ast,
            imports: Vec::new(),
        });
    }
    // The prelude is always loaded; another standard library module only when some module
    // imports it (parsing them all would cost every compile for modules most projects never use).
    let mut wanted: BTreeSet<String> = BTreeSet::from(["prelude".to_string()]);
    let mut loaded: BTreeSet<String> = BTreeSet::new();
    for module in &modules {
        wanted.extend(std_imports(&module.ast));
    }
    let mut prelude = None;
    while let Some(name) = wanted.iter().find(|n| !loaded.contains(*n)).cloned() {
        loaded.insert(name.clone());
        let Some((name, text)) = stdlib::FILES.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let path = stdlib::path(name);
        let file = sources.add(path.clone(), *text, Origin::Stdlib);
        let (ast, errors) = syntax::parse(file, text);
        diagnostics.extend(errors);
        wanted.extend(std_imports(&ast));
        if *name == "prelude" {
            prelude = Some(modules.len());
        }
        modules.push(Module {
            file,
            path,
            name: format!("std.{name}"),
            stdlib: true,
            ast,
            imports: Vec::new(),
        });
    }

    imports::resolve(&mut modules, diagnostics);
    imports::find_cycles(&modules, diagnostics);
    Project {
        manifest,
        modules,
        prelude,
    }
}

/// The standard library modules a file imports: `import std.k8s` names `k8s`.
fn std_imports(ast: &crate::syntax::ast::File) -> Vec<String> {
    ast.items
        .iter()
        .filter_map(|item| match &item.kind {
            crate::syntax::ast::ItemKind::Import(import) => match import.path.as_slice() {
                [first, rest @ ..] if first.name == "std" && !rest.is_empty() => Some(
                    rest.iter()
                        .map(|i| i.name.as_str())
                        .collect::<Vec<_>>()
                        .join("."),
                ),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Makes a path `/`-separated and relative: `./lib\web.bops` is `lib/web.bops`.
fn normalize_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        parts.push(part);
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::normalize_path;

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize_path("./lib\\web.bops"), "lib/web.bops");
        assert_eq!(normalize_path("/main.bops"), "main.bops");
        assert_eq!(normalize_path("a//b.bops"), "a/b.bops");
    }
}
