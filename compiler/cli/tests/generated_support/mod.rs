//! Helpers shared by the tests of generated trees: the example projects, read into the core's
//! input.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::panic,
    clippy::disallowed_methods
)]

use std::fs;
use std::path::{Path, PathBuf};

use bops_core::{Input, InputFile};

/// Every example project (a directory of `examples/` with a `bops.toml`).
pub fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("bops.toml").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no examples under {}", root.display());
    dirs
}

/// A project read as the CLI reads it, except that every other file of the project (outside
/// `generated/` and hidden directories) is an asset: a superset of the role and app files the
/// CLI would read, which the compile looks up by path.
pub fn input_of(dir: &Path) -> Input {
    fn walk(root: &Path, dir: &Path, input: &mut Input) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with('.') || (dir == root && (name == "generated" || name == "target")) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, input);
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            if rel == "bops.toml" {
                input.manifest = Some(text);
            } else if rel.ends_with(".bops") {
                input.files.push(InputFile { path: rel, text });
            } else {
                input.assets.insert(rel, text);
            }
        }
    }
    let mut input = Input::default();
    walk(dir, dir, &mut input);
    input
}

/// The model and the generated tree of a project, which must compile without errors.
pub fn compiled(dir: &Path) -> (bops_core::model::Model, bops_core::Outputs) {
    let compilation = bops_core::compile(&input_of(dir));
    let errors: Vec<String> = compilation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{:?} {}", d.code, d.message))
        .collect();
    match (compilation.model, compilation.outputs) {
        (Some(model), Some(outputs)) => (model, outputs),
        _ => panic!("{} does not compile: {errors:?}", dir.display()),
    }
}
