//! The `blumeops` example against the corpus it describes: the real tailnet of
//! `../shared/corpus/blumeops/pulumi/tailscale/`.
//!
//! The example is written in bops's own words; what it compiles to must be the corpus's tailnet:
//!
//! - its `policy.hujson` is the corpus's once both are parsed as strict HuJSON (JSON with comments
//!   and trailing commas, nothing else), compared as JSON with a readable diff;
//! - its Pulumi program, run under the Pulumi SDK's mocks by `tests/validators/pulumi_mocks.py`,
//!   registers the resources the corpus's `__main__.py` registers, with the same inputs (the
//!   Acl's policy text compared as parsed JSON, every other input exactly);
//! - bopsc evaluates the example's ACL tests (the corpus has 32 assertions) and all hold, each of
//!   the corpus's assertions gets its verdict from `bopsc reach`, and without the admin declared
//!   exactly the admin-only assertions fail the build.
//!
//! The corpus sits beside the checkout (`../shared`), in CI too; a user's clone has no corpus, and
//! then every test here prints `skipped: ../shared/corpus not found` and passes. The mock run needs
//! the validators' virtualenv (`tests/validators/setup.sh`): without it that test fails when `CI`
//! is set and prints a skip notice otherwise. The HuJSON parser and the JSON diff are in
//! `corpus/json.rs`, the reading of test assertions in `corpus/assertions.rs`.

// A panic is how a test fails; tests read and write files freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

#[path = "corpus/assertions.rs"]
mod assertions;
mod common;
#[path = "corpus/json.rs"]
mod json;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use assertions::{assertions, members_reach, reach_name, split_endpoint};
use common::{bopsc, in_ci, must, read, workspace_root, TempDir};
use json::{json_diff, parse_hujson, parse_hujson_file};

/// The number of assertions (`accept` and `deny` entries) of the corpus's ACL tests.
const CORPUS_ASSERTIONS: usize = 32;

/// The corpus's one tailnet admin, the source of its first test.
const ADMIN: &str = "blume.erich@gmail.com";

/// The codes of the compile-time evaluation of ACL tests: a failing assertion, a side that names
/// nothing, an answer not known offline.
const TEST_CODES: [&str; 3] = ["B3050", "B3051", "B3052"];

/// The Pulumi resource type of the tailnet policy.
const ACL: &str = "tailscale:index/acl:Acl";

fn example_dir() -> PathBuf {
    workspace_root().join("examples/blumeops")
}

/// The corpus's tailnet program, or `None` (after printing the skip notice) when `../shared` has
/// no corpus.
fn corpus_tailnet() -> Option<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/blumeops");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus not found");
        return None;
    }
    let tailnet = corpus.join("pulumi/tailscale");
    assert!(
        tailnet.join("policy.hujson").is_file() && tailnet.join("__main__.py").is_file(),
        "{} exists but has no pulumi/tailscale/policy.hujson and __main__.py",
        corpus.display()
    );
    Some(tailnet)
}

/// Builds the example into a temporary directory and returns it with the Pulumi program's
/// directory, named like the corpus's Pulumi project.
fn build_example(name: &str, project: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new(name);
    let out = tmp.path().join("generated");
    let run = bopsc(&[
        "build",
        example_dir().to_str().expect("UTF-8 path"),
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(
        run.code,
        Some(0),
        "examples/blumeops does not build:\n{}",
        run.dump()
    );
    let program = out.join("pulumi").join(project);
    assert!(
        program.join("Pulumi.yaml").is_file(),
        "the example's Pulumi program is not in pulumi/{project}/ like the corpus's"
    );
    (tmp, program)
}

/// The `name:` of a `Pulumi.yaml`.
fn pulumi_project(dir: &Path) -> String {
    read(&dir.join("Pulumi.yaml"))
        .lines()
        .find_map(|l| l.strip_prefix("name:"))
        .map(|n| n.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("{}/Pulumi.yaml has no name", dir.display()))
}

/// The `Pulumi.<stack>.yaml` files of a program directory.
fn stack_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = must(fs::read_dir(dir), "list a program directory")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("Pulumi.") && n.ends_with(".yaml") && n != "Pulumi.yaml")
        .collect();
    out.sort();
    out
}

// ----------------------------------------------------------------------------- (a) the policy

#[test]
fn the_policy_is_the_corpus_policy() {
    let Some(corpus) = corpus_tailnet() else {
        return;
    };
    let (_tmp, program) = build_example("corpus-policy", &pulumi_project(&corpus));
    let expected = parse_hujson_file(&corpus.join("policy.hujson"));
    let found = parse_hujson_file(&program.join("policy.hujson"));
    let diff = json_diff(&expected, &found);
    assert!(
        diff.is_empty(),
        "examples/blumeops's policy.hujson is not the corpus's ({} differences; expected is the \
         corpus):\n{}",
        diff.len(),
        diff.join("\n")
    );
    assert_eq!(
        stack_files(&program),
        stack_files(&corpus),
        "the example's stack is not the corpus's"
    );
}

// ------------------------------------------------------------------------ (b) the mock run

/// The validators' Python, or `None` (after printing the skip notice) when it is not installed;
/// a missing virtualenv fails the test in CI.
fn validators_python() -> Option<PathBuf> {
    let prefix = match std::env::var_os("BOPS_VALIDATORS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root().join("target/validators"),
    };
    let python = prefix.join("venv/bin/python");
    if python.is_file() {
        return Some(python);
    }
    let message = format!(
        "the validators' virtualenv is not installed in {}; run `tests/validators/setup.sh` to \
         install it (Python 3.11+ and pip needed)",
        prefix.display()
    );
    if in_ci() {
        panic!("{message}");
    }
    eprintln!(
        "\n{}\nSKIPPED the corpus's mock run: {message}\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

/// What a program registers under the mocks: every resource's inputs by (type, name), and every
/// export.
struct MockRun {
    resources: BTreeMap<(String, String), serde_json::Map<String, Value>>,
    exports: serde_json::Map<String, Value>,
    /// What the runner's own checks found wrong (the program still ran).
    findings: String,
}

/// Runs a program under `tests/validators/pulumi_mocks.py` and reads what it dumps. The program
/// must run; the runner's own checks (`findings`) are left to the caller.
fn mock_run(python: &Path, program: &Path, dump: &Path) -> MockRun {
    let output = must(
        Command::new(python)
            .arg(workspace_root().join("tests/validators/pulumi_mocks.py"))
            .arg(program)
            .arg("--dump")
            .arg(dump)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output(),
        "run tests/validators/pulumi_mocks.py",
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        dump.is_file(),
        "{} did not run under the mocks:\n{stdout}{stderr}",
        program.display()
    );
    let parsed: Value = must(serde_json::from_str(&read(dump)), "parse the mock dump");
    let mut resources = BTreeMap::new();
    for entry in parsed["resources"].as_array().expect("a list of resources") {
        let typ = entry[0].as_str().expect("a resource type").to_string();
        let name = entry[1].as_str().expect("a resource name").to_string();
        let mut inputs = entry[2].as_object().expect("resource inputs").clone();
        // The Acl's `acl` input is the policy's text: it is compared as the JSON it says.
        if typ == ACL {
            if let Some(Value::String(text)) = inputs.get("acl") {
                let policy = parse_hujson(text)
                    .unwrap_or_else(|e| panic!("{}: the Acl's policy: {e}", program.display()));
                inputs.insert("acl".to_string(), policy);
            }
        }
        let previous = resources.insert((typ.clone(), name.clone()), inputs);
        assert!(
            previous.is_none(),
            "{}: two {typ} named {name:?}",
            program.display()
        );
    }
    let exports = parsed["exports"].as_object().cloned().unwrap_or_default();
    let findings = if output.status.success() {
        String::new()
    } else {
        stdout
    };
    MockRun {
        resources,
        exports,
        findings,
    }
}

#[test]
fn the_program_creates_the_corpus_resources() {
    let Some(corpus) = corpus_tailnet() else {
        return;
    };
    let Some(python) = validators_python() else {
        return;
    };
    let (tmp, program) = build_example("corpus-mocks", &pulumi_project(&corpus));
    let expected = mock_run(&python, &corpus, &tmp.path().join("corpus.json"));
    let found = mock_run(&python, &program, &tmp.path().join("example.json"));
    assert!(
        found.findings.is_empty(),
        "the mock runner rejects the example's program:\n{}",
        found.findings
    );
    assert!(
        !expected.resources.is_empty(),
        "the corpus registers nothing"
    );

    let mut problems = Vec::new();
    let mut notes = Vec::new();
    for ((typ, name), inputs) in &expected.resources {
        let Some(ours) = found.resources.get(&(typ.clone(), name.clone())) else {
            problems.push(format!("missing resource {typ} {name:?}"));
            continue;
        };
        let ours = ours.clone();
        for line in json_diff(&Value::Object(inputs.clone()), &Value::Object(ours)) {
            problems.push(format!(
                "{typ} {name:?}: {}",
                line.replacen('$', "inputs", 1)
            ));
        }
    }
    for (typ, name) in found.resources.keys() {
        if !expected
            .resources
            .contains_key(&(typ.clone(), name.clone()))
        {
            problems.push(format!("unexpected resource {typ} {name:?}"));
        }
    }

    // Exports are outputs for people, not resources: their differences are printed, not failed.
    for key in expected.exports.keys() {
        if !found.exports.contains_key(key) {
            notes.push(format!("the corpus exports {key:?}; the example does not"));
        }
    }
    for key in found.exports.keys() {
        if !expected.exports.contains_key(key) {
            notes.push(format!("the example exports {key:?}; the corpus does not"));
        }
    }
    if !expected.findings.is_empty() {
        notes.push(format!(
            "the mock runner's checks on the corpus: {}",
            expected.findings.trim()
        ));
    }
    eprintln!(
        "{} resources compared; notes:\n  {}",
        expected.resources.len(),
        notes.join("\n  ")
    );
    assert!(
        problems.is_empty(),
        "the example's program does not create the corpus's resources (expected is the \
         corpus):\n{}",
        problems.join("\n")
    );
}

// ------------------------------------------------------------------------------ (c) the tests

/// The diagnostics of `bopsc check --message-format json` on a project, and its exit code.
fn check_json(dir: &Path) -> (Option<i32>, Vec<Value>) {
    let run = bopsc(&[
        "check",
        "--message-format",
        "json",
        dir.to_str().expect("UTF-8 path"),
    ]);
    let diagnostics = run
        .stderr
        .lines()
        .chain(run.stdout.lines())
        .filter(|l| l.starts_with('{'))
        .map(|l| must(serde_json::from_str::<Value>(l), "parse a JSON diagnostic"))
        .collect();
    (run.code, diagnostics)
}

/// The source text a diagnostic's primary span covers (one line), read from the project.
fn primary_text(dir: &Path, diagnostic: &Value) -> String {
    let text = read(&dir.join(diagnostic["file"].as_str().expect("a file")));
    let line = diagnostic["line"].as_u64().expect("a line") as usize;
    let start = diagnostic["column"].as_u64().expect("a column") as usize;
    let end = diagnostic["end_column"].as_u64().expect("an end column") as usize;
    let chars: Vec<char> = text
        .lines()
        .nth(line - 1)
        .unwrap_or_default()
        .chars()
        .collect();
    chars
        .get(start - 1..end - 1)
        .map(|c| c.iter().collect())
        .unwrap_or_default()
}

#[test]
fn the_corpus_tests_are_evaluated_and_hold() {
    let Some(corpus) = corpus_tailnet() else {
        return;
    };
    let corpus_policy = parse_hujson_file(&corpus.join("policy.hujson"));
    let expected = assertions(&corpus_policy);
    assert_eq!(
        expected.len(),
        CORPUS_ASSERTIONS,
        "the corpus's tests no longer have {CORPUS_ASSERTIONS} assertions"
    );
    let (_tmp, program) = build_example("corpus-tests", &pulumi_project(&corpus));
    let found = assertions(&parse_hujson_file(&program.join("policy.hujson")));
    assert_eq!(found, expected, "the example's tests are not the corpus's");

    // bopsc evaluates every test at compile time: a failing assertion (B3050), a side that names
    // nothing (B3051) or an undecided one (B3052) would be reported here.
    let example = example_dir();
    let (code, diagnostics) = check_json(&example);
    let about_tests: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["severity"] == "error" || TEST_CODES.iter().any(|c| d["code"] == *c))
        .collect();
    assert!(
        code == Some(0) && about_tests.is_empty(),
        "bopsc does not accept the example's tests (exit {code:?}):\n{about_tests:#?}"
    );

    // Each of the corpus's assertions, asked of the example's policy one by one.
    let mut wrong = Vec::new();
    for a in &expected {
        let (dst, port) = split_endpoint(&a.dst);
        let run = bopsc(&[
            "reach",
            example.to_str().expect("UTF-8 path"),
            &reach_name(&a.src),
            &reach_name(&dst),
            &port,
        ]);
        let want = if a.accept { Some(0) } else { Some(1) };
        if run.code != want {
            wrong.push(format!(
                "{} -> {} (expected {}): {}",
                a.src,
                a.dst,
                if a.accept { "accept" } else { "deny" },
                run.dump()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "bopsc reach disagrees with the corpus's tests:\n{}",
        wrong.join("\n")
    );
    eprintln!("{} assertions evaluated by bopsc, all hold", expected.len());
}

#[test]
fn without_the_admin_exactly_the_admin_only_assertions_fail() {
    let Some(corpus) = corpus_tailnet() else {
        return;
    };
    let corpus_policy = parse_hujson_file(&corpus.join("policy.hujson"));

    // A copy of the example's sources (and the project files they read, such as configuration
    // files; not the generated tree) in which the one admin is a plain member.
    let tmp = TempDir::new("corpus-no-admin");
    let mut admins = 0;
    let mut dirs = vec![(example_dir(), String::new())];
    while let Some((dir, prefix)) = dirs.pop() {
        for entry in must(fs::read_dir(&dir), "list examples/blumeops").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            if entry.path().is_dir() {
                if rel != "generated" {
                    dirs.push((entry.path(), format!("{rel}/")));
                }
                continue;
            }
            let text = read(&entry.path());
            if name.ends_with(".bops") {
                admins += text.matches("admin = true").count();
            }
            tmp.write(&rel, &text.replace("admin = true", "admin = false"));
        }
    }
    assert_eq!(
        admins, 1,
        "examples/blumeops should declare exactly one admin"
    );

    // The admin, now a member, keeps what members may reach and loses the rest of their tests.
    let mut expected: Vec<String> = assertions(&corpus_policy)
        .into_iter()
        .filter(|a| a.accept && a.src == ADMIN && !members_reach(&corpus_policy, &a.dst))
        .map(|a| a.dst)
        .collect();
    expected.sort();
    assert!(
        !expected.is_empty(),
        "the corpus has no admin-only assertion"
    );

    let (code, diagnostics) = check_json(tmp.path());
    assert_eq!(
        code,
        Some(1),
        "the build passes without the admin:\n{diagnostics:#?}"
    );
    let mut failed: Vec<String> = diagnostics
        .iter()
        .filter(|d| d["code"] == "B3050")
        .map(|d| {
            let text = primary_text(tmp.path(), d);
            let (dst, port) = text
                .split_once('@')
                .unwrap_or_else(|| panic!("B3050 is not at an endpoint: {text:?} ({d})"));
            format!("{}:{}", dst.trim().replacen("tag.", "tag:", 1), port.trim())
        })
        .collect();
    failed.sort();
    assert_eq!(
        failed, expected,
        "without the admin, bopsc should fail exactly the assertions only admins pass"
    );
    // The admin is also the Ansible controller's owner: without the admins' SSH rules the
    // controller loses its way into the servers, which bopsc reports too (B3121, B3122).
    let others: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| {
            d["severity"] == "error"
                && !["B3050", "B3121", "B3122"].contains(&d["code"].as_str().unwrap_or(""))
        })
        .collect();
    assert!(
        diagnostics.iter().any(|d| d["code"] == "B3122"),
        "without the admin, the controller should lose its Tailscale SSH login: {diagnostics:#?}"
    );
    assert!(
        others.is_empty(),
        "other errors without the admin: {others:#?}"
    );
}
