//! The generated tree as bopsc owns it: what `bopsc build` writes, prunes, refuses and leaves
//! alone, what `bopsc build --check` reports, and that a build failing midway changes nothing.
//!
//! Each test is a fixture: a small project in a temporary directory, built, changed, built again.

// A panic is how a test fails; tests read and write files freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

use common::{bopsc, read, Run, TempDir};

const MANIFEST: &str = "[project]\nname = \"mini\"\n";

/// One server on a small tailnet.
const MAIN: &str = r#"tailnet home { domain = "tail1234.ts.net" }

/// The admin.
user alice { email = "alice@example.com", admin = true }

/// Servers.
tag server { owners = [autogroup.admin] }

/// Admins reach the servers.
grant admins_to_servers { src = [autogroup.admin], dst = [tag.server], ip = [any] }

/// The one server.
host atlas { tags = [tag.server], user = "alice", vars = { backup = true } }
"#;

/// A second server, in a file of its own so that a test can remove it.
const ZEPHYR: &str = r#"/// A second server.
host zephyr { tags = [tag.server], user = "alice", vars = { backup = false } }
"#;

fn project(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write("bops.toml", MANIFEST).write("main.bops", MAIN);
    dir
}

fn arg(dir: &TempDir) -> String {
    dir.path().to_string_lossy().into_owned()
}

fn build(dir: &TempDir, extra: &[&str]) -> Run {
    let path = arg(dir);
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    args.push(&path);
    bopsc(&args)
}

fn built(dir: &TempDir) {
    let run = build(dir, &[]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
}

/// Every file and directory under `dir`, hidden ones too, with the bytes of each file: two equal
/// snapshots mean nothing in the tree changed.
fn snapshot(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Option<Vec<u8>>)>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                out.push((format!("{rel}/"), None));
                walk(root, &path, out);
            } else {
                out.push((rel, Some(fs::read(&path).unwrap())));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The `SHA256  PATH` lines of the list of generated files.
fn list_entries(out: &Path) -> Vec<(String, String)> {
    read(&out.join(".bopsc-generated"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (hash, path) = l.split_once("  ").expect("a `SHA256  PATH` line");
            (hash.to_string(), path.to_string())
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_list_records_each_file_with_the_sha256_of_what_was_written() {
    let dir = project("list");
    built(&dir);
    let out = dir.path().join("generated");
    let text = read(&out.join(".bopsc-generated"));
    assert!(text.starts_with("# bopsc-generated 2\n"), "{text}");
    let entries = list_entries(&out);
    assert!(entries.len() >= 5, "{entries:?}");
    for (hash, path) in &entries {
        let bytes = fs::read(out.join(path)).unwrap();
        assert_eq!(*hash, sha256(&bytes), "{path}");
    }
    let mut paths: Vec<&String> = entries.iter().map(|(_, p)| p).collect();
    let sorted = {
        let mut s = paths.clone();
        s.sort();
        s
    };
    assert_eq!(paths, sorted, "the list is in path order");
    paths.dedup();
    assert_eq!(paths.len(), entries.len());
}

#[test]
fn a_stale_output_is_reported_by_check_with_a_unified_diff_and_rewritten_by_build() {
    let dir = project("stale");
    built(&dir);
    dir.write(
        "main.bops",
        &MAIN.replace("vars = { backup = true }", "vars = { backup = false }"),
    );
    let out = dir.path().join("generated");
    let before = snapshot(&out);
    let run = build(&dir, &["--check"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert_eq!(snapshot(&out), before, "--check changed the tree");

    let path = "ansible/inventory/host_vars/atlas.yml";
    assert!(
        run.stderr.contains(&format!(
            "{path}: stale: the sources produce something else"
        )),
        "{}",
        run.dump()
    );
    // A unified diff of that file, from the tree on disk to what the sources produce.
    let header = format!("--- a/{path}\n+++ b/{path}\n@@ -");
    assert!(run.stdout.contains(&header), "{}", run.dump());
    assert!(
        run.stdout.contains("\n-backup: true\n+backup: false\n"),
        "{}",
        run.dump()
    );

    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(read(&out.join(path)).contains("false"));
    let run = build(&dir, &["--check"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(run.stdout.is_empty(), "{}", run.dump());
}

#[test]
fn check_names_missing_and_extra_files_and_diffs_them_against_dev_null() {
    let dir = project("missing-extra");
    dir.write("zephyr.bops", ZEPHYR);
    built(&dir);
    let out = dir.path().join("generated");
    fs::remove_file(out.join("ansible/inventory/host_vars/atlas.yml")).unwrap();
    fs::remove_file(dir.path().join("zephyr.bops")).unwrap();

    let run = build(&dir, &["--check"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(
        run.stderr
            .contains("ansible/inventory/host_vars/atlas.yml: missing"),
        "{}",
        run.dump()
    );
    assert!(
        run.stderr
            .contains("ansible/inventory/host_vars/zephyr.yml: no longer generated"),
        "{}",
        run.dump()
    );
    assert!(
        run.stdout
            .contains("--- /dev/null\n+++ b/ansible/inventory/host_vars/atlas.yml\n"),
        "{}",
        run.dump()
    );
    assert!(
        run.stdout
            .contains("--- a/ansible/inventory/host_vars/zephyr.yml\n+++ /dev/null\n"),
        "{}",
        run.dump()
    );
}

#[test]
fn a_removed_declaration_has_its_files_pruned_and_empty_directories_removed() {
    let dir = project("prune");
    dir.write("zephyr.bops", ZEPHYR);
    built(&dir);
    let out = dir.path().join("generated");
    let zephyr = "ansible/inventory/host_vars/zephyr.yml";
    assert!(out.join(zephyr).is_file());
    assert!(list_entries(&out).iter().any(|(_, p)| p == zephyr));

    fs::remove_file(dir.path().join("zephyr.bops")).unwrap();
    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(!out.join(zephyr).exists(), "{zephyr} was not pruned");
    assert!(!list_entries(&out).iter().any(|(_, p)| p == zephyr));
    assert!(
        run.stderr.contains("removed 1 stale file"),
        "{}",
        run.dump()
    );
    assert!(out.join("ansible/inventory/host_vars/atlas.yml").is_file());

    // With both hosts gone from `host_vars`, the directory goes too.
    dir.write("main.bops", &MAIN.replace(", vars = { backup = true }", ""));
    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(
        !out.join("ansible/inventory/host_vars").exists(),
        "an emptied directory was left behind"
    );
}

#[test]
fn unrelated_files_in_the_output_tree_are_left_alone() {
    let dir = project("unrelated");
    dir.write("zephyr.bops", ZEPHYR);
    built(&dir);
    let out = dir.path().join("generated");
    dir.write("generated/NOTES.md", "mine\n").write(
        "generated/ansible/inventory/host_vars/README.md",
        "also mine\n",
    );

    // The check does not count them, a build keeps them, and pruning the last generated file
    // beside one keeps its directory.
    let run = build(&dir, &["--check"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    fs::remove_file(dir.path().join("zephyr.bops")).unwrap();
    dir.write("main.bops", &MAIN.replace(", vars = { backup = true }", ""));
    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(read(&out.join("NOTES.md")), "mine\n");
    assert_eq!(
        read(&out.join("ansible/inventory/host_vars/README.md")),
        "also mine\n"
    );
    assert!(!out.join("ansible/inventory/host_vars/zephyr.yml").exists());
    assert!(!list_entries(&out)
        .iter()
        .any(|(_, p)| p.ends_with("README.md") || p == "NOTES.md"));
}

#[test]
fn a_hand_edited_output_is_refused_by_name_and_overwritten_only_with_force() {
    let dir = project("hand-edited");
    built(&dir);
    let out = dir.path().join("generated");
    let path = "ansible/inventory/hosts.yml";
    let edited = format!("{}# a note added by hand\n", read(&out.join(path)));
    dir.write(&format!("generated/{path}"), &edited);
    // A change to the sources that rewrites other files too: none of them may be written.
    dir.write(
        "main.bops",
        &MAIN.replace("vars = { backup = true }", "vars = { backup = false }"),
    );
    let before = snapshot(dir.path());

    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr.contains("refusing to lose changes made by hand"),
        "{}",
        run.dump()
    );
    assert!(
        run.stderr
            .contains(&format!("{path}: edited by hand since bopsc generated it")),
        "{}",
        run.dump()
    );
    assert!(run.stderr.contains("--force"), "{}", run.dump());
    assert_eq!(
        snapshot(dir.path()),
        before,
        "a refused build changed the tree"
    );

    let run = build(&dir, &["--check"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(
        run.stderr.contains(&format!("{path}: edited by hand")),
        "{}",
        run.dump()
    );
    assert!(
        run.stdout.contains("-# a note added by hand"),
        "{}",
        run.dump()
    );

    let run = build(&dir, &["--force"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(!read(&out.join(path)).contains("a note added by hand"));
    assert_eq!(build(&dir, &["--check"]).code, Some(0));
}

#[test]
fn a_hand_edited_file_no_longer_generated_is_not_deleted_without_force() {
    let dir = project("hand-edited-extra");
    dir.write("zephyr.bops", ZEPHYR);
    built(&dir);
    let path = "generated/ansible/inventory/host_vars/zephyr.yml";
    dir.write(path, "edited\n");
    fs::remove_file(dir.path().join("zephyr.bops")).unwrap();

    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr
            .contains("zephyr.yml: no longer generated, and edited by hand"),
        "{}",
        run.dump()
    );
    assert_eq!(read(&dir.path().join(path)), "edited\n");

    let run = build(&dir, &["--force"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(!dir.path().join(path).exists());
}

#[test]
fn a_file_bopsc_did_not_write_where_a_generated_one_goes_is_refused() {
    let dir = project("not-ours");
    dir.write("generated/ansible/ansible.cfg", "# my own configuration\n");
    let before = snapshot(dir.path());
    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr
            .contains("ansible/ansible.cfg: not generated by bopsc"),
        "{}",
        run.dump()
    );
    assert_eq!(snapshot(dir.path()), before);
    let run = build(&dir, &["--force"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(read(&dir.path().join("generated/ansible/ansible.cfg")).contains("Generated by bopsc"));
}

#[test]
fn an_error_midway_through_writing_leaves_the_tree_unchanged() {
    let dir = project("midway");
    built(&dir);
    let out = dir.path().join("generated");
    // The new sources change `ansible/` (a new user) and move the Pulumi project to a new
    // directory, where a file of someone else's is in the way. In path order the `ansible/` files
    // come first, so the build has staged them when it meets the file.
    dir.write("bops.toml", "[project]\nname = \"maxi\"\n")
        .write(
            "main.bops",
            &MAIN.replace("user = \"alice\"", "user = \"bob\""),
        )
        .write("generated/pulumi/maxi-tailnet", "not a directory\n");
    let before = snapshot(dir.path());

    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(run.stderr.contains("maxi-tailnet"), "{}", run.dump());
    assert_eq!(
        snapshot(dir.path()),
        before,
        "a failed build left the tree changed (or temporary files behind)"
    );

    // Without the obstacle the same build goes through, and it does change `ansible/`: the
    // failure above happened after that work, not before it.
    fs::remove_file(out.join("pulumi/maxi-tailnet")).unwrap();
    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(read(&out.join("ansible/inventory/hosts.yml")).contains("bob"));
    assert!(!out.join("pulumi/mini-tailnet").exists());
}

#[test]
fn a_directory_where_a_generated_file_goes_stops_the_build_before_any_change() {
    let dir = project("directory");
    built(&dir);
    dir.write(
        "main.bops",
        &MAIN.replace("vars = { backup = true }", "vars = { backup = false }"),
    );
    fs::remove_file(dir.path().join("generated/pulumi/mini-tailnet/ruff.toml")).unwrap();
    dir.write("generated/pulumi/mini-tailnet/ruff.toml/keep", "x\n");
    let before = snapshot(dir.path());
    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(run.stderr.contains("it is a directory"), "{}", run.dump());
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_list_in_the_first_format_of_plain_paths_is_still_read() {
    let dir = project("old-list");
    dir.write("zephyr.bops", ZEPHYR);
    built(&dir);
    let out = dir.path().join("generated");
    let paths: Vec<String> = list_entries(&out).into_iter().map(|(_, p)| p).collect();
    let old = format!(
        "# The files bopsc generated in this directory; the next `bopsc build` removes those it no\n\
         # longer generates. Generated by bopsc. Do not edit.\n{}\n",
        paths.join("\n")
    );
    dir.write("generated/.bopsc-generated", &old);
    // An up-to-date tree is up to date whatever the list's format.
    assert_eq!(build(&dir, &["--check"]).code, Some(0));

    fs::remove_file(dir.path().join("zephyr.bops")).unwrap();
    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(!out.join("ansible/inventory/host_vars/zephyr.yml").exists());
    assert!(read(&out.join(".bopsc-generated")).starts_with("# bopsc-generated 2\n"));
}

#[test]
fn a_list_from_a_newer_bopsc_is_refused() {
    let dir = project("newer-list");
    dir.write("generated/.bopsc-generated", "# bopsc-generated 9\n");
    let run = build(&dir, &[]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(run.stderr.contains("newer bopsc"), "{}", run.dump());
}

#[test]
fn force_and_check_do_not_go_together() {
    let dir = project("force-check");
    let run = build(&dir, &["--check", "--force"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
}
