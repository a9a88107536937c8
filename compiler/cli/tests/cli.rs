//! End-to-end tests of the `bopsc` binary on temporary projects: exit codes, what is written and
//! what is not, and the human and JSON renderings of diagnostics.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{bopsc, bopsc_in, files_under, read, TempDir};

const MANIFEST: &str = "[project]\nname = \"mini\"\n";

/// A small project over all of the tailnet and hosts layers, with no error and no warning.
const VALID: &str = r#"//! A small tailnet with one server.

tailnet home { domain = "tail1234.ts.net" }

/// The admin.
user alice { email = "alice@example.com", admin = true }

/// Servers.
tag server { owners = [autogroup.admin] }

/// Admins reach the servers.
grant admins_to_servers { src = [autogroup.admin], dst = [tag.server], ip = [any] }

/// The one server.
host atlas { tags = [tag.server], user = "alice", vars = { backup = true } }
"#;

/// A project with one undeclared tag, `tag.sever`, close to the declared `server`.
const UNDECLARED_TAG: &str = r#"tailnet home { domain = "tail1234.ts.net" }

tag server { owners = [autogroup.admin] }

host atlas { tags = [tag.sever] }
"#;

fn valid_project(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write("bops.toml", MANIFEST).write("main.bops", VALID);
    dir
}

fn dir_arg(dir: &TempDir) -> &str {
    dir.path().to_str().expect("temporary paths are UTF-8")
}

/// The paths listed in the output directory's list of generated files (`SHA256  PATH` lines).
fn listed(out: &std::path::Path) -> Vec<String> {
    read(&out.join(".bopsc-generated"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| match l.split_once("  ") {
            Some((_, path)) => path.to_string(),
            None => panic!("not a `SHA256  PATH` line: {l}"),
        })
        .collect()
}

#[test]
fn build_writes_the_generated_tree_and_exits_0() {
    let dir = valid_project("build-ok");
    let run = bopsc(&["build", dir_arg(&dir)]);
    assert_eq!(run.code, Some(0), "{}", run.dump());

    let out = dir.path().join("generated");
    let files = listed(&out);
    assert!(
        files.contains(&"pulumi/mini-tailnet/Pulumi.yaml".to_string()),
        "{files:?}"
    );
    assert!(
        files.contains(&"ansible/inventory/hosts.yml".to_string()),
        "{files:?}"
    );
    let mut on_disk = files_under(&out);
    on_disk.retain(|f| f != ".bopsc-generated");
    assert_eq!(
        on_disk, files,
        "every generated file is listed, and no other"
    );
    for file in &files {
        let text = read(&out.join(file));
        assert!(!text.is_empty(), "{file} is empty");
    }
    assert!(
        run.stderr
            .contains(&format!("wrote {} files to ", files.len())),
        "{}",
        run.dump()
    );
    assert!(!run.stderr.contains("warning"), "{}", run.dump());
}

#[test]
fn build_writes_where_out_says_and_from_the_current_directory_by_default() {
    let dir = valid_project("build-out");
    let run = bopsc_in(dir.path(), &["build", "--out", "elsewhere/tree"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(dir.path().join("elsewhere/tree/.bopsc-generated").is_file());
    assert!(!dir.path().join("generated").exists());

    let run = bopsc_in(dir.path(), &["build"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(
        listed(&dir.path().join("generated")),
        listed(&dir.path().join("elsewhere/tree"))
    );
}

#[test]
fn building_twice_gives_identical_bytes() {
    let dir = valid_project("build-twice");
    let out = dir.path().join("generated");
    assert_eq!(bopsc(&["build", dir_arg(&dir)]).code, Some(0));
    let first: Vec<(String, String)> = listed(&out)
        .into_iter()
        .map(|f| (read(&out.join(&f)), f))
        .collect();
    assert_eq!(bopsc(&["build", dir_arg(&dir)]).code, Some(0));
    let second: Vec<(String, String)> = listed(&out)
        .into_iter()
        .map(|f| (read(&out.join(&f)), f))
        .collect();
    assert_eq!(first, second);
}

#[test]
fn a_rebuild_removes_the_files_it_no_longer_generates_and_keeps_others() {
    let dir = valid_project("build-prune");
    let out = dir.path().join("generated");
    assert_eq!(bopsc(&["build", dir_arg(&dir)]).code, Some(0));
    let before = listed(&out);
    dir.write("generated/NOTES.md", "mine, not bopsc's\n");

    // Renaming the host changes the files generated for it.
    dir.write("main.bops", &VALID.replace("atlas", "zephyr"));
    let run = bopsc(&["build", dir_arg(&dir)]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    let after = listed(&out);
    let gone: Vec<&String> = before.iter().filter(|f| !after.contains(f)).collect();
    for file in &gone {
        assert!(!out.join(file).exists(), "{file} was not removed");
    }
    for file in &after {
        assert!(out.join(file).is_file(), "{file} was not written");
    }
    assert!(
        out.join("NOTES.md").is_file(),
        "a file bopsc did not write was removed"
    );
    assert!(
        gone.contains(&&"ansible/inventory/host_vars/atlas.yml".to_string()),
        "{gone:?}"
    );
    assert!(
        after.contains(&"ansible/inventory/host_vars/zephyr.yml".to_string()),
        "{after:?}"
    );
    assert!(
        run.stderr
            .contains(&format!("removed {} stale", gone.len())),
        "{}",
        run.dump()
    );
}

#[test]
fn build_check_fails_on_a_stale_tree_and_writes_nothing() {
    let dir = valid_project("build-check");
    let out = dir.path().join("generated");
    let run = bopsc(&["build", "--check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(run.stderr.contains("is out of date"), "{}", run.dump());
    assert!(
        run.stderr.contains("ansible/inventory/hosts.yml: missing"),
        "{}",
        run.dump()
    );
    assert!(!out.exists(), "--check wrote files");

    assert_eq!(bopsc(&["build", dir_arg(&dir)]).code, Some(0));
    let run = bopsc(&["build", "--check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(run.stderr.contains("is up to date"), "{}", run.dump());

    dir.write("generated/ansible/inventory/hosts.yml", "edited by hand\n");
    let run = bopsc(&["build", "--check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(
        run.stderr
            .contains("ansible/inventory/hosts.yml: edited by hand"),
        "{}",
        run.dump()
    );
    assert_eq!(
        read(&out.join("ansible/inventory/hosts.yml")),
        "edited by hand\n"
    );

    assert_eq!(bopsc(&["build", "--force", dir_arg(&dir)]).code, Some(0));
    dir.write("main.bops", &VALID.replace("atlas", "zephyr"));
    let run = bopsc(&["build", "--check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(
        run.stderr.contains(": no longer generated"),
        "{}",
        run.dump()
    );
}

#[test]
fn three_syntax_errors_give_three_diagnostics_exit_1_and_write_nothing() {
    let dir = TempDir::new("syntax");
    dir.write("bops.toml", MANIFEST)
        .write(
            "main.bops",
            "tailnet home { domain = \"tail1234.ts.net\" }\n",
        )
        .write("a.bops", "tag one { owners = [autogroup.admin,, ] }\n")
        .write("b.bops", "let x = (1 + \n")
        .write("c.bops", "tag two { owners = [autogroup.admin] } }\n");
    let run = bopsc(&["--color", "never", "build", dir_arg(&dir)]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    let errors = run.stderr.matches("error[B0").count();
    assert_eq!(errors, 3, "{}", run.dump());
    for file in ["a.bops", "b.bops", "c.bops"] {
        assert!(
            run.stderr.contains(file),
            "no diagnostic in {file}: {}",
            run.dump()
        );
    }
    assert!(
        run.stderr.contains("3 errors; nothing written"),
        "{}",
        run.dump()
    );
    assert!(
        !dir.path().join("generated").exists(),
        "the out dir was created"
    );
    insta::assert_snapshot!("three_syntax_errors_human", run.stderr);
}

#[test]
fn a_build_with_errors_leaves_an_earlier_tree_untouched() {
    let dir = valid_project("errors-keep");
    let out = dir.path().join("generated");
    assert_eq!(bopsc(&["build", dir_arg(&dir)]).code, Some(0));
    let before: Vec<(String, String)> = listed(&out)
        .into_iter()
        .map(|f| (read(&out.join(&f)), f))
        .collect();
    dir.write("broken.bops", "host broken { tags = [tag.nothing] }\n");
    let run = bopsc(&["build", dir_arg(&dir)]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    let after: Vec<(String, String)> = listed(&out)
        .into_iter()
        .map(|f| (read(&out.join(&f)), f))
        .collect();
    assert_eq!(before, after);
}

#[test]
fn an_undeclared_tag_is_b3001_with_a_suggestion() {
    let dir = TempDir::new("b3001");
    dir.write("bops.toml", MANIFEST)
        .write("main.bops", UNDECLARED_TAG);
    let run = bopsc(&["--color", "never", "check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(
        run.stderr
            .starts_with("error[B3001]: undeclared tag `sever`"),
        "{}",
        run.dump()
    );
    assert!(
        run.stderr.contains("did you mean `tag.server`?"),
        "no suggestion: {}",
        run.dump()
    );
    insta::assert_snapshot!("undeclared_tag_human", run.stderr);
}

#[test]
fn an_undeclared_tag_in_json_lines() {
    let dir = TempDir::new("b3001-json");
    dir.write("bops.toml", MANIFEST)
        .write("main.bops", UNDECLARED_TAG);
    let run = bopsc(&["build", "--message-format", "json", dir_arg(&dir)]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    let diagnostics: Vec<serde_json::Value> = run
        .stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    assert_eq!(diagnostics.len(), 1, "{}", run.dump());
    let d = &diagnostics[0];
    assert_eq!(d["code"], "B3001");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "main.bops");
    // `tag.sever` on line 5: `host atlas { tags = [tag.sever] }`; the reference starts at column 22.
    assert_eq!(d["line"], 5);
    let column = d["column"].as_u64().expect("a column");
    assert!((22..=26).contains(&column), "column {column}");
    let help = d["help"].as_str().unwrap_or_default();
    let labels = d["labels"].to_string();
    assert!(
        help.contains("server") || labels.contains("server"),
        "no suggestion: {d}"
    );
    assert!(!dir.path().join("generated").exists());
}

#[test]
fn check_reports_and_writes_nothing() {
    let dir = valid_project("check");
    let run = bopsc(&["check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(
        run.stderr.contains("checked 1 file: no errors"),
        "{}",
        run.dump()
    );
    assert!(!dir.path().join("generated").exists());
}

#[test]
fn the_output_directory_hidden_directories_and_target_are_not_read() {
    let dir = valid_project("skip");
    for skipped in ["generated", ".hidden", "target", "sub/target"] {
        dir.write(&format!("{skipped}/broken.bops"), "this is not bops {{{\n");
    }
    let run = bopsc(&["check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    dir.write("sub/real.bops", "this is not bops {{{\n");
    let run = bopsc(&["--color", "never", "check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(run.stderr.contains("sub/real.bops"), "{}", run.dump());
}

#[test]
fn explain_prints_the_explanation() {
    let run = bopsc(&["explain", "B3001"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(run.stdout.starts_with("# B3001: "), "{}", run.dump());
    assert!(run.stdout.contains("## Example"), "{}", run.dump());
    assert_eq!(bopsc(&["explain", "b3001"]).stdout, run.stdout);
}

#[test]
fn explain_lists_the_codes() {
    let run = bopsc(&["explain", "--list"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(
        run.stdout.lines().any(|l| l == "B3001  undeclared tag"),
        "{}",
        run.dump()
    );
    assert_eq!(
        run.stdout.lines().count(),
        bops_core::diagnostic::codes::ALL.len()
    );
}

#[test]
fn explain_of_an_unknown_code_exits_2() {
    let run = bopsc(&["explain", "B9999"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr
            .starts_with("error: `B9999` is not a bopsc diagnostic code"),
        "{}",
        run.dump()
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn a_missing_directory_exits_2_with_a_clear_error() {
    let dir = TempDir::new("missing");
    let missing = dir.path().join("nope");
    let run = bopsc(&["build", missing.to_str().expect("UTF-8")]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr
            .starts_with("error: cannot read project directory"),
        "{}",
        run.dump()
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.dump());
    assert!(!missing.exists());
}

#[test]
fn a_directory_without_bops_files_exits_2() {
    let dir = TempDir::new("empty");
    let run = bopsc(&["check", dir_arg(&dir)]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr.starts_with("error: no `.bops` files"),
        "{}",
        run.dump()
    );
}

#[test]
fn a_file_that_is_not_utf8_exits_2() {
    let dir = valid_project("not-utf8");
    dir.write_bytes("bad.bops", &[0xff, 0xfe, 0x00]);
    let run = bopsc(&["build", dir_arg(&dir)]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(run.stderr.contains("bad.bops"), "{}", run.dump());
    assert!(run.stderr.contains("not UTF-8"), "{}", run.dump());
    assert!(!dir.path().join("generated").exists());
}

#[test]
fn an_output_path_that_is_a_file_exits_2() {
    let dir = valid_project("out-file");
    dir.write("generated", "a file where the tree should go\n");
    let run = bopsc(&["build", dir_arg(&dir)]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(run.stderr.contains("is not a directory"), "{}", run.dump());
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(bopsc(&["frobnicate"]).code, Some(2));
    assert_eq!(bopsc(&["build", "--colour", "never"]).code, Some(2));
    assert_eq!(bopsc(&["--color", "sometimes", "check"]).code, Some(2));
    for args in [
        &["--help"][..],
        &["build", "--help"],
        &["check", "--help"],
        &["explain", "--help"],
    ] {
        let run = bopsc(args);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.dump());
        assert!(run.stdout.contains("Usage: bopsc"), "{}", run.dump());
    }
}

#[test]
fn a_crash_says_it_is_a_bug_and_exits_101() {
    let run = bopsc(&["debug-panic"]);
    assert_eq!(run.code, Some(101), "{}", run.dump());
    assert!(
        run.stderr
            .starts_with("error: bopsc crashed; this is a bug in bopsc"),
        "{}",
        run.dump()
    );
    assert!(run.stderr.contains("src/main.rs:"), "{}", run.dump());
}

#[test]
fn colour_is_used_only_when_asked() {
    let dir = TempDir::new("colour");
    dir.write("bops.toml", MANIFEST)
        .write("main.bops", UNDECLARED_TAG);
    let plain = bopsc(&["check", dir_arg(&dir)]);
    assert!(!plain.stderr.contains('\u{1b}'), "{}", plain.dump());
    let coloured = bopsc(&["--color", "always", "check", dir_arg(&dir)]);
    assert!(coloured.stderr.contains('\u{1b}'), "{}", coloured.dump());
}

#[test]
fn role_sources_are_read_as_assets() {
    let dir = valid_project("roles");
    dir.write(
        "roles.bops",
        "/// A web server.\nrole caddy(caddy_domain: string) { source = \"roles/caddy\" }\n",
    )
    .write(
        "roles/caddy/tasks/main.yml",
        "---\n- name: Install caddy\n  ansible.builtin.package:\n    name: caddy\n",
    )
    .write(
        "main.bops",
        &VALID.replacen(
            "user = \"alice\",",
            "user = \"alice\", roles = [role.caddy(caddy_domain = \"example.com\")],",
            1,
        ),
    );
    let run = bopsc(&["build", dir_arg(&dir)]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    let copied = read(
        &dir.path()
            .join("generated/ansible/roles/caddy/tasks/main.yml"),
    );
    let original = read(&dir.path().join("roles/caddy/tasks/main.yml"));
    assert!(
        copied.ends_with(original.trim_start_matches("---\n")),
        "{copied}"
    );
    assert!(copied.contains("roles/caddy/tasks/main.yml"), "{copied}");
}

#[test]
fn a_missing_role_source_exits_2() {
    let dir = valid_project("roles-missing");
    dir.write(
        "roles.bops",
        "role caddy(caddy_domain: string) { source = \"roles/caddy\" }\n",
    );
    let run = bopsc(&["build", dir_arg(&dir)]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(run.stderr.contains("roles/caddy"), "{}", run.dump());
    assert!(!dir.path().join("generated").exists());
}
