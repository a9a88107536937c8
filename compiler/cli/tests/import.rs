//! `bopsc import role`: every derived declaration compiles.
//!
//! Each role under `tests/fixtures/roles/` (our own YAML) and, when the corpus sits beside the
//! checkout, each role of `../shared/corpus/blumeops/ansible/roles/`, is derived with
//! `bops_core::import` and compiled in a minimal project that applies it bare (so every default
//! is checked against its type) and with no error. The CLI's output for one fixture is a snapshot.

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
use std::path::{Path, PathBuf};

use bops_core::{compile, Input, InputFile};

use common::bopsc;

/// The fixture roles whose import must fail, and the key the error names.
const INVALID: &[(&str, &str)] = &[("invalid_key", "`bad.key`")];

/// The fixture roles' directory.
fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/roles")
}

/// Every role directory under `dir` that has a `defaults/main.yml`, sorted.
fn roles_under(dir: &Path) -> Vec<PathBuf> {
    let mut roles: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("defaults/main.yml").is_file())
        .collect();
    roles.sort();
    roles
}

/// The declaration derived from the role in `dir`, as the CLI derives it.
fn derive(dir: &Path) -> Result<String, String> {
    let name = dir.file_name().unwrap().to_str().unwrap();
    let defaults = fs::read_to_string(dir.join("defaults/main.yml")).unwrap();
    let description = fs::read_to_string(dir.join("meta/main.yml"))
        .ok()
        .and_then(|meta| bops_core::import::description(&meta));
    bops_core::import::role(name, &defaults, description.as_deref())
}

/// The errors of compiling `declaration` in a project where one host applies the role bare.
fn compile_errors(name: &str, declaration: &str) -> Vec<String> {
    let text = format!("{declaration}\nhost box {{\n  roles = [role.{name}]\n}}\n");
    let input = Input {
        manifest: Some("[project]\nname = \"imported\"\n".to_string()),
        files: vec![InputFile {
            path: "main.bops".to_string(),
            text,
        }],
        assets: Default::default(),
    };
    compile(&input)
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{d:?}"))
        .collect()
}

/// Derives and compiles every role under `dir` but the invalid ones; returns how many.
fn check_all(dir: &Path) -> usize {
    let mut count = 0;
    for role in roles_under(dir) {
        let name = role.file_name().unwrap().to_str().unwrap().to_string();
        if INVALID.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let declaration = derive(&role).unwrap_or_else(|e| panic!("{name}: {e}"));
        let errors = compile_errors(&name, &declaration);
        assert!(errors.is_empty(), "{name}:\n{declaration}\n{errors:#?}");
        count += 1;
    }
    count
}

#[test]
fn every_fixture_role_compiles() {
    assert!(check_all(&fixtures()) >= 2);
}

#[test]
fn every_corpus_role_compiles() {
    let roles =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/blumeops/ansible/roles");
    if !roles.is_dir() {
        eprintln!("skipped: ../shared/corpus/blumeops/ansible/roles not found");
        return;
    }
    let count = check_all(&roles);
    assert_eq!(count, roles_under(&roles).len());
    assert!(count > 0);
}

#[test]
fn the_compile_check_catches_a_mistyped_default() {
    let declaration = derive(&fixtures().join("webproxy")).unwrap().replace(
        "webproxy_https_port: port = 443",
        "webproxy_https_port: port = 0",
    );
    assert!(!compile_errors("webproxy", &declaration).is_empty());
}

#[test]
fn invalid_roles_fail_naming_the_key() {
    for (name, key) in INVALID {
        let dir = fixtures().join(name);
        let run = bopsc(&["import", "role", dir.to_str().unwrap()]);
        assert_eq!(run.code, Some(2), "{}", run.dump());
        assert!(run.stderr.contains(key), "{}", run.dump());
        assert!(run.stdout.is_empty(), "{}", run.dump());
    }
}

#[test]
fn the_cli_prints_the_declaration() {
    let dir = fixtures().join("webproxy");
    let run = bopsc(&["import", "role", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(Ok(run.stdout.clone()), derive(&dir));
    insta::assert_snapshot!("import_role_webproxy", run.stdout);
}

#[test]
fn name_and_source_can_be_given() {
    let dir = fixtures().join("minimal");
    let run = bopsc(&[
        "import",
        "role",
        dir.to_str().unwrap(),
        "--name",
        "base",
        "--source",
        "ansible/roles/minimal",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(
        run.stdout,
        "role base() {\n  source = \"ansible/roles/minimal\"\n}\n"
    );
    let missing = bopsc(&["import", "role", "/nonexistent/role"]);
    assert_eq!(missing.code, Some(2), "{}", missing.dump());
}
