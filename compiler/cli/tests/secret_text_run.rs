//! A secret text really renders: a project whose host is this machine writes files whose content
//! is text built around secrets, and `ansible-playbook` runs the generated play with a stand-in
//! for the 1Password CLI (`op`) first on `PATH`. The files must hold the text with each hole
//! filled by the field `op read` returned, and with the literal braces of the text (`{{`, `{%`,
//! `{#`, a `{` just before a hole) written as they are, not read as Jinja. The play's output must
//! not show the secret values: the tasks that hold them have `no_log`.
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
        "\n{}\nSKIPPED the secret text playbook run: {message}\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

/// The stand-in `op`: `op read "op://VAULT/ITEM/FIELD"` prints `value-of-FIELD`.
const FAKE_OP: &str = "#!/bin/sh\n\
[ \"$1\" = read ] || exit 2\n\
printf 'value-of-%s\\n' \"${2##*/}\"\n";

/// The project: this machine writes two files from secret texts, one through a host variable.
fn project(dir: &Path, python: &Path) -> String {
    let out = dir.join("out");
    let out = out.to_str().expect("UTF-8 path");
    let python = python.to_str().expect("UTF-8 path");
    format!(
        r#"import std.ansible

secret runner {{ vault = "Ops", item = "Forgejo Secrets", keys = ["runner_reg", "api-token"] }}

/// This machine, configured in place.
host workstation {{
  connection = "local"
  python = "{python}"
  gather_facts = false
  vars = {{ auth_header = "Authorization: token ${{secret.runner["api-token"]}}" }}
  tasks = [
    {{
      name = "Create the output directory"
      action = ansible.file(path = "{out}", state = "directory", mode = "0700")
    }},
    {{
      name = "Write the token file"
      action = ansible.copy(content = "TOKEN=${{secret.runner.runner_reg}}\n", dest = "{out}/token.env", mode = "0600")
    }},
    {{
      name = "Write the braces file"
      action = ansible.copy(content = "{{{{ not jinja }}}} {{% raw %}} {{#c#}} x={{${{secret.runner.runner_reg}}}}\n", dest = "{out}/braces.txt", mode = "0600")
    }},
    {{
      name = "Write the header file"
      action = ansible.copy(content = "{{{{ auth_header }}}}\n", dest = "{out}/header.txt", mode = "0600")
    }},
  ]
}}
"#
    )
}

#[test]
fn secret_texts_render_with_the_values_op_reads_and_literal_braces_intact() {
    let Some(bin) = venv_bin() else {
        return;
    };
    let tmp = TempDir::new("secret-text-run");
    let python = bin.join("python");
    tmp.write("project/bops.toml", "[project]\nname = \"secret-text\"\n");
    tmp.write("project/main.bops", &project(tmp.path(), &python));
    tmp.write("fake-bin/op", FAKE_OP);
    let op = tmp.path().join("fake-bin/op");
    must(
        Command::new("chmod").arg("+x").arg(&op).status(),
        "make the stand-in op executable",
    );
    let generated = tmp.path().join("generated");
    let run = bopsc(&[
        "build",
        tmp.path().join("project").to_str().expect("UTF-8 path"),
        "--out",
        generated.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(
        run.code,
        Some(0),
        "the project does not build:\n{}",
        run.dump()
    );
    let ansible = generated.join("ansible");
    let playbook = read(&ansible.join("playbooks/workstation.yml"));
    assert!(
        playbook.contains("TOKEN={{ secret_runner_runner_reg }}"),
        "the token file's content does not read the fact:\n{playbook}"
    );

    let path = format!(
        "{}:{}:{}",
        tmp.path().join("fake-bin").display(),
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = must(
        Command::new(bin.join("ansible-playbook"))
            .arg("playbooks/workstation.yml")
            .current_dir(&ansible)
            .env("ANSIBLE_LOCAL_TEMP", tmp.path().join("ansible-local"))
            .env("ANSIBLE_REMOTE_TEMP", tmp.path().join("ansible-remote"))
            .env("ANSIBLE_NOCOLOR", "1")
            .env("ANSIBLE_RETRY_FILES_ENABLED", "false")
            .env("PATH", path)
            .output(),
        "run ansible-playbook",
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "ansible-playbook failed ({}):\n{text}",
        output.status
    );
    let out = tmp.path().join("out");
    assert_eq!(read(&out.join("token.env")), "TOKEN=value-of-runner_reg\n");
    assert_eq!(
        read(&out.join("braces.txt")),
        "{{ not jinja }} {% raw %} {#c#} x={value-of-runner_reg}\n"
    );
    assert_eq!(
        read(&out.join("header.txt")),
        "Authorization: token value-of-api-token\n"
    );
    assert!(
        !text.contains("value-of-"),
        "the play's output shows a secret value:\n{text}"
    );
}
