//! Every example builds, and its generated tree passes the real tools offline.
//!
//! The tools are installed by `tests/validators/setup.sh` (into `target/validators`, or wherever
//! `BOPS_VALIDATORS` points) and driven by `tests/validators/run.sh`. When they are not installed
//! the test fails if `CI` is set, and otherwise prints a loud notice and passes, so that a plain
//! `cargo test` works on a machine without Python and npm.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{bopsc, in_ci, workspace_root, TempDir};

/// Where setup.sh installed the validators.
fn validators_prefix() -> PathBuf {
    match std::env::var_os("BOPS_VALIDATORS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root().join("target/validators"),
    }
}

fn validators_installed(prefix: &Path) -> bool {
    prefix.join("venv/bin/yamllint").is_file()
        && prefix.join("node/node_modules/@kubernetes-models").is_dir()
}

/// Every directory under `examples/` with a `bops.toml`.
fn examples() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(workspace_root().join("examples"))
        .expect("read examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("bops.toml").is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_example_passes_the_validators() {
    let prefix = validators_prefix();
    if !validators_installed(&prefix) {
        let message = format!(
            "the validators are not installed in {}; run `tests/validators/setup.sh` to install \
             them (Python 3.11+, pip and npm needed)",
            prefix.display()
        );
        if in_ci() {
            panic!("{message}");
        }
        eprintln!(
            "\n{}\nSKIPPED every_example_passes_the_validators: {message}\n{}\n",
            "!".repeat(78),
            "!".repeat(78)
        );
        return;
    }

    let examples = examples();
    assert!(!examples.is_empty(), "no examples found");
    let out = TempDir::new("validators");
    let mut failures = Vec::new();
    for example in &examples {
        let name = example
            .file_name()
            .expect("a directory name")
            .to_string_lossy()
            .into_owned();
        let tree = out.path().join(&name);
        let run = bopsc(&[
            "build",
            example.to_str().expect("UTF-8 path"),
            "--out",
            tree.to_str().expect("UTF-8 path"),
        ]);
        assert_eq!(run.code, Some(0), "{name} does not build:\n{}", run.dump());

        let result = Command::new("bash")
            .arg(workspace_root().join("tests/validators/run.sh"))
            .arg(&tree)
            .env("BOPS_VALIDATORS", &prefix)
            .output()
            .expect("run tests/validators/run.sh");
        let stdout = String::from_utf8_lossy(&result.stdout);
        let stderr = String::from_utf8_lossy(&result.stderr);
        eprintln!("== {name}\n{stdout}{stderr}");
        if !result.status.success() {
            failures.push(format!("{name}:\n{stdout}{stderr}"));
        }
    }
    assert!(
        failures.is_empty(),
        "the validators reject generated files:\n{}",
        failures.join("\n")
    );
}
