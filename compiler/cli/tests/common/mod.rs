//! Helpers shared by the CLI tests: temporary projects and running the built `bopsc` binary.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory under Cargo's per-target test scratch space, removed when dropped.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A new, empty directory whose name starts with `name`.
    pub fn new(name: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("bopsc-tests")
            .join(format!("{name}-{}-{n}", std::process::id()));
        if path.exists() {
            fs::remove_dir_all(&path).ok();
        }
        must(fs::create_dir_all(&path), "create a temporary directory");
        TempDir { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a file under the directory, creating its parents.
    pub fn write(&self, rel: &str, text: &str) -> &TempDir {
        self.write_bytes(rel, text.as_bytes())
    }

    /// Writes a file of any bytes under the directory, creating its parents.
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &TempDir {
        use std::io::Write;
        let path = self.path.join(rel);
        if let Some(parent) = path.parent() {
            must(fs::create_dir_all(parent), "create a directory");
        }
        must(
            fs::File::create(&path).and_then(|mut f| f.write_all(bytes)),
            "write a file",
        );
        self
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        fs::remove_dir_all(&self.path).ok();
    }
}

/// The result of a run of `bopsc`.
pub struct Run {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Both streams, for assertion messages.
    pub fn dump(&self) -> String {
        format!(
            "exit code: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the built `bopsc` with arguments, in `cwd`, with colours off through `NO_COLOR`.
pub fn bopsc_in(cwd: &Path, args: &[&str]) -> Run {
    let output: Output = must(
        Command::new(env!("CARGO_BIN_EXE_bopsc"))
            .args(args)
            .current_dir(cwd)
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .output(),
        "run bopsc",
    );
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the built `bopsc` with arguments in the system's temporary directory.
pub fn bopsc(args: &[&str]) -> Run {
    bopsc_in(&std::env::temp_dir(), args)
}

/// Every file under `dir`, relative and `/`-separated, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(rel) = path.strip_prefix(root) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Reads a file as text, failing the test when it cannot.
pub fn read(path: &Path) -> String {
    let bytes = must(fs::read(path), "read a file");
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Unwraps a result in a test, naming what failed.
pub fn must<T, E: std::fmt::Debug>(result: Result<T, E>, what: &str) -> T {
    result.unwrap_or_else(|e| panic!("cannot {what}: {e:?}"))
}

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether this run is CI's (`CI` set to anything but empty, `0` or `false`): a test that needs
/// a tool fails there when the tool is missing, and prints a loud skip notice elsewhere.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}
