//! Writing the generated tree: atomically, and pruning what an earlier build generated.
//!
//! Every file is written to a temporary file in its own directory and renamed over its target, so
//! a reader (`git`, Argo CD, an editor) sees either the old file or the new one, never half of one.
//! The output directory keeps a list of the files bopsc wrote there, [`LIST`]; the next build
//! removes the files on that list that it no longer generates (an app that was renamed leaves no
//! stale manifest behind) and never touches any other file.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use bops_core::Outputs;

use crate::failure::Failure;
use crate::read::safe_relative;

/// The file in the output directory that lists the files bopsc generated there.
pub const LIST: &str = ".bopsc-generated";

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written.
    pub written: usize,
    /// Files of an earlier build that were removed.
    pub removed: usize,
}

/// Writes every output file under `out`, creating directories, and removes the files an earlier
/// build wrote that are no longer generated.
pub fn write_outputs(out: &Path, outputs: &Outputs) -> Result<Written, Failure> {
    let mut targets = Vec::new();
    for path in outputs.keys() {
        let Some(rel) = safe_relative(path) else {
            return Err(Failure::new(format!(
                "bopsc generated the path `{path}`, which leaves the output directory; this is a \
                 bug in bopsc"
            )));
        };
        targets.push(rel);
    }
    if out.exists() && !out.is_dir() {
        return Err(Failure::new(format!(
            "the output directory `{}` is not a directory",
            out.display()
        )));
    }
    fs::create_dir_all(out).map_err(|e| Failure::io("create directory", out, &e))?;

    let previous = read_list(out)?;
    let mut written = Written::default();
    for (rel, file) in targets.iter().zip(outputs.values()) {
        write_atomic(&out.join(rel), file.contents.as_bytes())?;
        written.written += 1;
    }

    let current: BTreeSet<&str> = outputs.keys().map(String::as_str).collect();
    for stale in previous.iter().filter(|p| !current.contains(p.as_str())) {
        let Some(rel) = safe_relative(stale) else {
            continue;
        };
        let path = out.join(&rel);
        match fs::remove_file(&path) {
            Ok(()) => written.removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Failure::io("remove stale file", &path, &e)),
        }
        remove_empty_parents(out, &rel);
    }

    write_atomic(&out.join(LIST), list_text(outputs).as_bytes())?;
    Ok(written)
}

/// The differences between the generated tree on disk and `outputs`: files missing or different,
/// and files an earlier build listed that are no longer generated, each with the reason. Empty
/// when a build would change nothing.
pub fn differences(out: &Path, outputs: &Outputs) -> Result<Vec<String>, Failure> {
    let mut found = Vec::new();
    for (path, file) in outputs {
        let Some(rel) = safe_relative(path) else {
            continue;
        };
        let target = out.join(rel);
        match fs::read(&target) {
            Ok(bytes) if bytes == file.contents.as_bytes() => {}
            Ok(_) => found.push(format!("{path} differs")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                found.push(format!("{path} is missing"))
            }
            Err(e) => return Err(Failure::io("read", &target, &e)),
        }
    }
    let current: BTreeSet<&str> = outputs.keys().map(String::as_str).collect();
    for stale in read_list(out)? {
        let exists = safe_relative(&stale).is_some_and(|rel| out.join(rel).exists());
        if exists && !current.contains(stale.as_str()) {
            found.push(format!("{stale} is no longer generated"));
        }
    }
    Ok(found)
}

/// Writes a file through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), Failure> {
    let Some(parent) = path.parent() else {
        return Err(Failure::new(format!(
            "cannot write `{}`: it has no parent directory",
            path.display()
        )));
    };
    fs::create_dir_all(parent).map_err(|e| Failure::io("create directory", parent, &e))?;
    let temp = temp_path(path);
    let result = fs::File::create(&temp)
        .and_then(|mut f| f.write_all(contents))
        .map_err(|e| Failure::io("write", &temp, &e))
        .and_then(|()| fs::rename(&temp, path).map_err(|e| Failure::io("write", path, &e)));
    if result.is_err() {
        // The temporary file is ours; a failure to remove it leaves only a hidden file behind.
        fs::remove_file(&temp).ok();
    }
    result
}

/// `dir/.NAME.bopsc-tmp` for `dir/NAME`.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.bopsc-tmp"))
}

/// The paths listed by an earlier build, or none when there is no list.
fn read_list(out: &Path) -> Result<Vec<String>, Failure> {
    let path = out.join(LIST);
    let text = match fs::read(&path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Failure::io("read", &path, &e)),
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect())
}

/// The text of the list of generated files.
fn list_text(outputs: &Outputs) -> String {
    let mut text = String::from(
        "# The files bopsc generated in this directory; the next `bopsc build` removes those it no\n\
         # longer generates. Generated by bopsc. Do not edit.\n",
    );
    for path in outputs.keys() {
        text.push_str(path);
        text.push('\n');
    }
    text
}

/// Removes the directories between a removed file and `out` while they are empty.
fn remove_empty_parents(out: &Path, rel: &Path) {
    let mut dir = rel.parent();
    while let Some(d) = dir {
        if d.as_os_str().is_empty() {
            return;
        }
        // `remove_dir` fails on a directory that is not empty, which ends the climb.
        if fs::remove_dir(out.join(d)).is_err() {
            return;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::temp_path;

    #[test]
    fn temporary_files_are_hidden_siblings() {
        assert_eq!(
            temp_path(Path::new("out/argocd/app.yaml")),
            Path::new("out/argocd/.app.yaml.bopsc-tmp")
        );
    }
}
