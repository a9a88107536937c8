//! Reading a project from disk into the core's [`Input`].
//!
//! A project is every `*.bops` file under its directory, found recursively, plus `bops.toml` when
//! present. The walk skips hidden entries (a name starting with `.`), `target/` directories and the
//! output directory, so generated files never feed back into a compile. Paths are relative to the
//! project directory and `/`-separated on every platform, and files are sorted by that path, so
//! the same tree gives the same input everywhere.
//!
//! Role assets (the hand-written files of a role whose declaration says `source = "..."`) are read
//! by [`read_assets`] once a first compile has said which directories the roles name.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use bops_core::{Input, InputFile};

use crate::failure::Failure;

/// The manifest's file name.
pub const MANIFEST: &str = "bops.toml";

/// Reads the `.bops` files and the manifest of the project in `dir`; `skip` is a directory not to
/// descend into (the output directory), which need not exist.
pub fn read_project(dir: &Path, skip: &Path) -> Result<Input, Failure> {
    let meta = fs::metadata(dir).map_err(|e| Failure::io("read project directory", dir, &e))?;
    if !meta.is_dir() {
        return Err(Failure::new(format!(
            "the project directory `{}` is not a directory",
            dir.display()
        )));
    }
    let skip = fs::canonicalize(skip).ok();
    let mut paths = Vec::new();
    walk(dir, &mut |path, is_dir| {
        if is_dir {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let skipped = name == "target" || skip.as_deref().is_some_and(|s| same_dir(path, s));
            return Ok(!skipped);
        }
        if path.extension().is_some_and(|e| e == "bops") {
            paths.push(path.to_path_buf());
        }
        Ok(true)
    })?;

    let mut files = Vec::new();
    for path in paths {
        let text = read_text(&path)?;
        files.push(InputFile {
            path: relative(dir, &path)?,
            text,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if files.is_empty() {
        return Err(Failure::new(format!(
            "no `.bops` files in `{}`; a project is a directory with `{MANIFEST}` and `.bops` files",
            dir.display()
        )));
    }

    let manifest_path = dir.join(MANIFEST);
    let manifest = if manifest_path.is_file() {
        Some(read_text(&manifest_path)?)
    } else {
        None
    };
    Ok(Input {
        manifest,
        files,
        assets: BTreeMap::new(),
    })
}

/// A role whose files live in the project: its name and its `source` directory as written.
pub struct RoleSource<'a> {
    /// The role's declaration name.
    pub role: &'a str,
    /// The directory relative to the project root.
    pub source: &'a str,
}

/// Reads every file under each role's source directory, keyed by its path relative to the project
/// root (`roles/caddy/tasks/main.yml`). Hidden files are skipped.
pub fn read_assets(
    dir: &Path,
    roles: &[RoleSource<'_>],
) -> Result<BTreeMap<String, String>, Failure> {
    let mut assets = BTreeMap::new();
    for role in roles {
        let Some(rel) = safe_relative(role.source) else {
            return Err(Failure::new(format!(
                "role `{}` has source `{}`, which is not a relative path inside the project",
                role.role, role.source
            )));
        };
        let root = dir.join(&rel);
        if !root.is_dir() {
            return Err(Failure::new(format!(
                "role `{}` has source `{}`, but `{}` is not a directory",
                role.role,
                role.source,
                root.display()
            )));
        }
        let mut paths = Vec::new();
        walk(&root, &mut |path, is_dir| {
            if !is_dir {
                paths.push(path.to_path_buf());
            }
            Ok(true)
        })?;
        for path in paths {
            let text = read_text(&path)?;
            assets.insert(relative(dir, &path)?, text);
        }
    }
    Ok(assets)
}

/// Reads the project files that apps name, keyed by their path relative to the project root. A
/// file that does not exist, or a path that leaves the project, is left out: the compiler reports
/// it with the place it was named.
pub fn read_files(dir: &Path, paths: &[&str]) -> Result<BTreeMap<String, String>, Failure> {
    let mut files = BTreeMap::new();
    for path in paths {
        let Some(rel) = safe_relative(path) else {
            continue;
        };
        let full = dir.join(rel);
        if !full.is_file() {
            continue;
        }
        files.insert((*path).to_string(), read_text(&full)?);
    }
    Ok(files)
}

/// Visits the entries under `dir` in name order, skipping hidden ones. `visit(path, is_dir)`
/// returns whether to descend into a directory. Symbolic links to files count as files; links to
/// directories are not followed, so a link cycle cannot trap the walk.
fn walk(
    dir: &Path,
    visit: &mut dyn FnMut(&Path, bool) -> Result<bool, Failure>,
) -> Result<(), Failure> {
    let entries = fs::read_dir(dir).map_err(|e| Failure::io("read directory", dir, &e))?;
    let mut children = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Failure::io("read directory", dir, &e))?;
        children.push(entry.path());
    }
    children.sort();
    for path in children {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let link = fs::symlink_metadata(&path).map_err(|e| Failure::io("read", &path, &e))?;
        if link.is_dir() {
            if visit(&path, true)? {
                walk(&path, visit)?;
            }
            continue;
        }
        // A symbolic link is followed only to a file; a dangling one is reported.
        let meta = fs::metadata(&path).map_err(|e| Failure::io("read", &path, &e))?;
        if meta.is_file() {
            visit(&path, false)?;
        }
    }
    Ok(())
}

/// Reads a file as UTF-8 text.
fn read_text(path: &Path) -> Result<String, Failure> {
    let bytes = fs::read(path).map_err(|e| Failure::io("read", path, &e))?;
    String::from_utf8(bytes).map_err(|_| {
        Failure::new(format!(
            "cannot read `{}`: it is not UTF-8 text",
            path.display()
        ))
    })
}

/// The path of `path` relative to `root`, `/`-separated.
fn relative(root: &Path, path: &Path) -> Result<String, Failure> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts = Vec::new();
    for component in rel.components() {
        let Component::Normal(part) = component else {
            continue;
        };
        let Some(part) = part.to_str() else {
            return Err(Failure::new(format!(
                "cannot read `{}`: its name is not UTF-8",
                path.display()
            )));
        };
        parts.push(part);
    }
    Ok(parts.join("/"))
}

/// Whether two paths name the same directory (`other` is already canonical).
fn same_dir(path: &Path, other: &Path) -> bool {
    fs::canonicalize(path).is_ok_and(|p| p == other)
}

/// A `/`-separated relative path that stays inside its root (no `..`, not absolute), or `None`.
pub fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.is_empty() || path.starts_with('/') || path.contains('\\') {
        return None;
    }
    let mut out = PathBuf::new();
    for part in path.split('/') {
        match part {
            "" | "." => continue,
            ".." => return None,
            _ => out.push(part),
        }
    }
    if out.as_os_str().is_empty() {
        return None;
    }
    // A drive prefix or root on the current platform is not relative either.
    if out.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::safe_relative;

    #[test]
    fn relative_paths_inside_the_root_are_accepted() {
        assert_eq!(
            safe_relative("roles/caddy"),
            Some(PathBuf::from("roles").join("caddy"))
        );
        assert_eq!(safe_relative("./roles//x/"), Some(PathBuf::from("roles/x")));
    }

    #[test]
    fn paths_leaving_the_root_are_refused() {
        for bad in ["", ".", "/etc", "../x", "roles/../../x", "a\\b"] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }
}
