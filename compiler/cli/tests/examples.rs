//! The generated trees committed beside the examples are what the sources produce.
//!
//! Every example that keeps its output in `generated/` is checked with `bopsc build --check`, the
//! same command a user's CI runs: a change to the compiler that changes an example's output fails
//! here until the example is rebuilt and the new output reviewed.

// A panic is how a test fails; tests read and write files freely.
#![allow(clippy::panic, clippy::disallowed_methods)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.join("bops.toml").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

#[test]
fn committed_example_outputs_are_up_to_date() {
    let dirs = examples();
    assert!(!dirs.is_empty(), "no example projects found");
    let mut checked = 0;
    for dir in dirs {
        if !dir.join("generated").is_dir() {
            continue;
        }
        let path = dir.to_string_lossy().into_owned();
        let run = common::bopsc(&["build", "--check", &path]);
        assert_eq!(
            run.code,
            Some(0),
            "{path}/generated is stale; rebuild it with `bopsc build {path}` and review the diff\n{}",
            run.dump()
        );
        checked += 1;
    }
    assert!(checked > 0, "no example keeps its generated tree");
}

#[test]
fn a_stale_tree_is_reported() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/homelab");
    let tmp = common::TempDir::new("stale-example");
    let out = tmp.path().join("out");
    let out_s = out.to_string_lossy().into_owned();
    let src_s = src.to_string_lossy().into_owned();
    let built = common::bopsc(&["build", &src_s, "--out", &out_s]);
    assert_eq!(built.code, Some(0), "{}", built.dump());
    let policy = out.join("pulumi/homelab-tailnet/policy.hujson");
    let text = fs::read_to_string(&policy).unwrap_or_default();
    assert!(text.contains("tag:feed"), "unexpected policy:\n{text}");
    if let Err(e) = fs::write(&policy, text.replace("tag:feed", "tag:fed")) {
        panic!("cannot edit {}: {e}", policy.display());
    }
    let run = common::bopsc(&["build", "--check", &src_s, "--out", &out_s]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
}
