//! Reading a project as it was at a git revision, for `bopsc diff --against REV`.
//!
//! The files come from git's object store, never from the working tree: `git ls-tree` lists the
//! revision's files under the project's directory and `git cat-file` reads each one. The same
//! files are taken as from a directory on disk ([`crate::read`]): every `.bops` file outside
//! hidden directories, `target/` directories and the output directory, plus `bops.toml`, then the
//! files under each role's `source` directory. Git is run as a program, so bopsc needs no git
//! library and reads exactly what `git show REV:PATH` shows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bops_core::{Compilation, Input, InputFile};

use crate::build::{compile_with_assets, Needs, DEFAULT_OUT};
use crate::failure::Failure;
use crate::read::{safe_relative, MANIFEST};

/// A project's files at one revision.
struct Revision {
    /// The repository's top directory.
    root: PathBuf,
    /// The commit the revision names.
    commit: String,
    /// The project directory relative to the repository's top, with a trailing `/`, or empty.
    prefix: String,
    /// Every file under the project directory at that commit, relative to it, sorted.
    files: Vec<String>,
}

/// Reads and compiles the project in `dir` as it was at `rev`; returns the commit's short id
/// with the compilation.
pub fn compile_at(dir: &Path, rev: &str) -> Result<(String, Compilation), Failure> {
    let revision = Revision::open(dir, rev)?;
    let mut files = Vec::new();
    for path in revision.files.iter().filter(|p| is_source(p)) {
        files.push(InputFile {
            path: path.clone(),
            text: revision.read(path)?,
        });
    }
    if files.is_empty() {
        return Err(Failure::new(format!(
            "no `.bops` files in `{}` at {rev}; was the project there then?",
            dir.display()
        )));
    }
    let manifest = match revision.files.iter().any(|p| p == MANIFEST) {
        true => Some(revision.read(MANIFEST)?),
        false => None,
    };
    let input = Input {
        manifest,
        files,
        assets: BTreeMap::new(),
    };
    let (_, compilation) = compile_with_assets(input, |needs| revision.assets(needs))?;
    let short = revision.commit.chars().take(12).collect();
    Ok((short, compilation))
}

/// Whether a path of the revision is a source file of the project: a `.bops` file in no hidden
/// directory, no `target/` directory and not the output directory, itself not hidden.
fn is_source(path: &str) -> bool {
    if !path.ends_with(".bops") || path.starts_with(&format!("{DEFAULT_OUT}/")) {
        return false;
    }
    let mut parts: Vec<&str> = path.split('/').collect();
    let Some(name) = parts.pop() else {
        return false;
    };
    !name.starts_with('.') && parts.iter().all(|d| !d.starts_with('.') && *d != "target")
}

impl Revision {
    /// Finds the repository around `dir` and the commit `rev` names, and lists its files.
    fn open(dir: &Path, rev: &str) -> Result<Revision, Failure> {
        let not_a_repo = |_| {
            Failure::new(format!(
                "`{}` is not in a git repository, so there is no revision to compare with; \
                 use `--against-tree DIR` to compare with another copy of the project",
                dir.display()
            ))
        };
        let root = git(dir, &["rev-parse", "--show-toplevel"]).map_err(not_a_repo)?;
        let prefix = git(dir, &["rev-parse", "--show-prefix"]).map_err(not_a_repo)?;
        let spec = format!("{rev}^{{commit}}");
        let commit = git(dir, &["rev-parse", "--verify", "--quiet", &spec]).map_err(|_| {
            Failure::new(format!(
                "`{rev}` is not a commit of the git repository at `{}`",
                dir.display()
            ))
        })?;
        let root = PathBuf::from(root.trim_end_matches(['\n', '\r']));
        let prefix = prefix.trim_end_matches(['\n', '\r']).to_string();
        let commit = commit.trim().to_string();
        let mut args = vec!["ls-tree", "-r", "-z", "--name-only", "--full-tree", &commit];
        if !prefix.is_empty() {
            args.extend(["--", prefix.as_str()]);
        }
        let listing = git(&root, &args)?;
        let mut files: Vec<String> = listing
            .split('\0')
            .filter_map(|p| p.strip_prefix(prefix.as_str()))
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        files.sort();
        Ok(Revision {
            root,
            commit,
            prefix,
            files,
        })
    }

    /// The text of a file of the project at the revision.
    fn read(&self, path: &str) -> Result<String, Failure> {
        let object = format!("{}:{}{path}", self.commit, self.prefix);
        let bytes = git_bytes(&self.root, &["cat-file", "blob", &object])?;
        String::from_utf8(bytes).map_err(|_| {
            Failure::new(format!(
                "cannot read `{path}` at {}: it is not UTF-8 text",
                self.commit
            ))
        })
    }

    /// The files under each role's source directory at the revision, hidden ones left out, and
    /// the files the apps name that exist at the revision.
    fn assets(&self, needs: &Needs<'_>) -> Result<BTreeMap<String, String>, Failure> {
        let mut assets = BTreeMap::new();
        for role in &needs.roles {
            let Some(source) = safe_relative(role.source) else {
                return Err(Failure::new(format!(
                    "role `{}` has source `{}`, which is not a relative path inside the project",
                    role.role, role.source
                )));
            };
            let parts: Vec<String> = source
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let dir = format!("{}/", parts.join("/"));
            let under: Vec<&String> = self
                .files
                .iter()
                .filter(|p| {
                    p.strip_prefix(&dir)
                        .is_some_and(|rest| rest.split('/').all(|part| !part.starts_with('.')))
                })
                .collect();
            if under.is_empty() {
                return Err(Failure::new(format!(
                    "role `{}` has source `{}`, but there is no such directory at {}",
                    role.role, role.source, self.commit
                )));
            }
            for path in under {
                assets.insert(path.clone(), self.read(path)?);
            }
        }
        for path in &needs.files {
            // Spelled as on disk: the compile looks it up by the path the app wrote.
            let Some(rel) = safe_relative(path) else {
                continue;
            };
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let normal = parts.join("/");
            if self.files.contains(&normal) {
                assets.insert((*path).to_string(), self.read(&normal)?);
            }
        }
        Ok(assets)
    }
}

/// Runs git in a directory and returns its standard output as text.
fn git(dir: &Path, args: &[&str]) -> Result<String, Failure> {
    let bytes = git_bytes(dir, args)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Runs git in a directory and returns its standard output; an error carries git's message.
fn git_bytes(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Failure> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| Failure::new(format!("cannot run git: {e}; is git installed?")))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let message = String::from_utf8_lossy(&output.stderr).trim().to_string();
    Err(Failure::new(format!(
        "`git {}` failed: {message}",
        args.join(" ")
    )))
}

#[cfg(test)]
mod tests {
    use super::is_source;

    #[test]
    fn sources_at_a_revision_are_chosen_as_on_disk() {
        assert!(is_source("main.bops"));
        assert!(is_source("apps/feed.bops"));
        assert!(!is_source("generated/x.bops"));
        assert!(!is_source(".hidden/x.bops"));
        assert!(!is_source("sub/target/x.bops"));
        assert!(!is_source(".x.bops"));
        assert!(!is_source("roles/caddy/tasks/main.yml"));
    }
}
