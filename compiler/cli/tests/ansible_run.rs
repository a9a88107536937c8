//! A generated playbook really runs: a project whose host is this machine (connection `local`)
//! and whose tasks use only builtin modules from `std.ansible` is built, and `ansible-playbook`
//! runs the play twice in a temporary directory. The first run changes things and fires the
//! handler; the second changes nothing, which is what idempotent tasks promise and what a
//! reviewer of the generated playbook relies on.
//!
//! Needs `ansible-playbook` from the validators' virtualenv (`tests/validators/setup.sh`): without
//! it the test fails when `CI` is set and prints a loud skip notice otherwise.

// A panic is how a test fails; tests read and write files freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{bopsc, in_ci, must, read, workspace_root, TempDir};

/// The validators' virtualenv `bin/`, or `None` (after the skip notice) when it is missing.
fn venv_bin() -> Option<PathBuf> {
    let prefix = match std::env::var_os("BOPS_VALIDATORS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root().join("target/validators"),
    };
    let bin = prefix.join("venv/bin");
    if bin.join("ansible-playbook").is_file() {
        return Some(bin);
    }
    let message = format!(
        "ansible-playbook is not installed in {}; run `tests/validators/setup.sh` to install it",
        bin.display()
    );
    if in_ci() {
        panic!("{message}");
    }
    eprintln!(
        "\n{}\nSKIPPED the local playbook run: {message}\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

/// The project: one host, this machine, whose play makes a small site directory.
fn project(dir: &Path, python: &Path) -> String {
    let site = dir.join("site");
    let site = site.to_str().expect("UTF-8 path");
    let python = python.to_str().expect("UTF-8 path");
    format!(
        r#"import std.ansible

/// This machine, configured in place.
host workstation {{
  connection = "local"
  python = "{python}"
  gather_facts = false
  vars = {{ site_title = "Local site" }}
  pre_tasks = [
    {{
      name = "Create the site directory"
      action = ansible.file(path = "{site}", state = "directory", mode = "0755")
    }},
  ]
  tasks = [
    {{
      name = "Write the index page"
      action = ansible.copy(content = "<h1>{{{{ site_title }}}}</h1>\n", dest = "{site}/index.html", mode = "0644")
      notify = ["Record a reload"]
    }},
    {{
      name = "Set the listen port"
      action = ansible.lineinfile(path = "{site}/app.conf", regexp = "^port=", line = "port=8080", create = true, mode = "0644")
    }},
    {{
      name = "Create the log files"
      action = ansible.file(path = "{site}/{{{{ name }}}}", state = "directory", mode = "0750")
      loop = ["logs", "cache"]
      loop_var = "name"
    }},
    {{
      name = "Read the index page"
      action = ansible.stat(path = "{site}/index.html")
      register = "page"
    }},
    {{
      name = "Check the index page exists"
      action = ansible.assert(that = ["page.stat.exists", "page.stat.mode == '0644'"])
    }},
  ]
  handlers = [
    {{
      name = "Record a reload"
      action = ansible.lineinfile(path = "{site}/reloads.log", line = "reloaded", create = true, mode = "0644")
    }},
  ]
}}
"#
    )
}

/// The `changed=` and `failed=` counts of the play recap's line for the host.
fn recap(output: &str) -> (u32, u32) {
    let line = output
        .lines()
        .find(|l| l.starts_with("workstation") && l.contains("changed="))
        .unwrap_or_else(|| panic!("no play recap for the host in:\n{output}"));
    let count = |key: &str| -> u32 {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no `{key}` in the recap line `{line}`"))
    };
    (count("changed="), count("failed="))
}

/// Runs the playbook once and returns its output.
fn run_playbook(bin: &Path, ansible_dir: &Path, tmp: &Path) -> String {
    let out = must(
        Command::new(bin.join("ansible-playbook"))
            .arg("playbooks/workstation.yml")
            .current_dir(ansible_dir)
            .env("ANSIBLE_LOCAL_TEMP", tmp.join("ansible-local"))
            .env("ANSIBLE_REMOTE_TEMP", tmp.join("ansible-remote"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("ANSIBLE_RETRY_FILES_ENABLED", "false")
            .env("PATH", prefixed_path(bin))
            .output(),
        "run ansible-playbook",
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "ansible-playbook failed ({}):\n{text}",
        out.status
    );
    text
}

/// `PATH` with the virtualenv first, so Ansible's own helpers come from it.
fn prefixed_path(bin: &Path) -> String {
    let rest = std::env::var("PATH").unwrap_or_default();
    format!("{}:{rest}", bin.display())
}

#[test]
fn a_builtin_only_playbook_runs_locally_and_a_second_run_changes_nothing() {
    let Some(bin) = venv_bin() else {
        return;
    };
    let tmp = TempDir::new("ansible-run");
    let src = tmp.path().join("project");
    let python = bin.join("python");
    let text = project(tmp.path(), &python);
    tmp.write("project/bops.toml", "[project]\nname = \"local-run\"\n");
    tmp.write("project/main.bops", &text);
    let out = tmp.path().join("generated");
    let run = bopsc(&[
        "build",
        src.to_str().expect("UTF-8 path"),
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(
        run.code,
        Some(0),
        "the project does not build:\n{}",
        run.dump()
    );
    let ansible = out.join("ansible");
    let playbook = read(&ansible.join("playbooks/workstation.yml"));
    for keyword in [
        "pre_tasks:",
        "tasks:",
        "handlers:",
        "notify:",
        "loop_control:",
    ] {
        assert!(
            playbook.contains(keyword),
            "the generated playbook has no `{keyword}`:\n{playbook}"
        );
    }

    let first = run_playbook(&bin, &ansible, tmp.path());
    let (changed, failed) = recap(&first);
    assert_eq!(failed, 0, "the first run failed:\n{first}");
    // The directory, the page, the port line, the looped directories (one task) and the handler.
    assert_eq!(
        changed, 5,
        "the first run changed {changed} tasks, not 5:\n{first}"
    );
    assert!(
        first.contains("RUNNING HANDLER [Record a reload]"),
        "the handler did not run:\n{first}"
    );
    let site = tmp.path().join("site");
    assert_eq!(read(&site.join("index.html")), "<h1>Local site</h1>\n");
    assert_eq!(read(&site.join("app.conf")), "port=8080\n");
    assert_eq!(read(&site.join("reloads.log")), "reloaded\n");
    assert!(site.join("logs").is_dir() && site.join("cache").is_dir());

    let second = run_playbook(&bin, &ansible, tmp.path());
    let (changed, failed) = recap(&second);
    assert_eq!(failed, 0, "the second run failed:\n{second}");
    assert_eq!(
        changed, 0,
        "the second run changed {changed} things:\n{second}"
    );
    assert!(
        !second.contains("RUNNING HANDLER"),
        "a handler ran on the second run:\n{second}"
    );
}
