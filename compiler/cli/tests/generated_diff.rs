//! `bopsc diff`: the per-layer summary of a change to the sources, snapshot-tested on pairs of
//! small projects (one base, each test changing it in one way), and read from a git revision.

// A panic is how a test fails; tests read and write files freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{Run, TempDir};

const MANIFEST: &str = r#"[project]
name = "home"

[output]
repo = "home"
repo_path = "generated"
"#;

const TAILNET: &str = r#"tailnet home { domain = "tail1234.ts.net" }

/// The admin.
user alice { email = "alice@example.com", admin = true }
/// A member.
user bob { email = "bob@example.com" }

group family { members = [user.alice, user.bob] }

/// Servers.
tag server { owners = [autogroup.admin] }
/// The RSS reader.
tag feed { owners = [autogroup.admin, tag.server] }

/// Admins reach everything.
grant admins_all { src = [autogroup.admin], dst = [any], ip = [any] }

/// The family reads the feed.
grant family_feed { src = [group.family], dst = [tag.feed], ip = [tcp(443)] }

/// Admins SSH into the servers as root.
ssh admins_to_servers {
  action = "check"
  src = [autogroup.admin]
  dst = [tag.server]
  users = ["root"]
}

test bob_reads_the_feed { src = user.bob, accept = [tag.feed @ 443] }
"#;

const HOSTS: &str = r#"import std.ansible

/// The web server.
host atlas {
  tags = [tag.server]
  user = "admin"
  roles = [
    role.caddy(
      caddy_domain = "home.example.com",
      caddy_routes = [
        { host = "feed.home.example.com", backend = "http://feed:8080" },
        { host = "git.home.example.com", backend = "http://git:3000" },
      ],
    ),
  ]
  tasks = [
    {
      name = "Install unattended upgrades"
      action = ansible.apt(name = ["unattended-upgrades"], state = "present")
    },
  ]
}

/// The NAS.
host vault { tags = [tag.server], user = "admin" }

hostgroup servers { hosts = [host.atlas, host.vault] }

/// Caddy in front of the apps.
role caddy(
  caddy_domain: string,
  caddy_routes: list<{ host: string, backend: string }> = [],
) {}
"#;

const APPS: &str = r#"/// The cluster.
cluster main { host = host.atlas, secret_store = "onepassword" }

/// Where the generated files live.
repo home { url = "https://git.example.com/alice/home.git", revision = "main" }

/// RSS reader.
app miniflux on cluster.main {
  image = "ghcr.io/miniflux/miniflux:2.2.16"
  ports = { http = 8080 }
  expose = { hostname = "feed", port = self.ports.http, tags = [tag.feed] }
}
"#;

/// The base project's files.
fn base() -> Vec<(&'static str, String)> {
    vec![
        ("bops.toml", MANIFEST.to_string()),
        ("tailnet.bops", TAILNET.to_string()),
        ("hosts.bops", HOSTS.to_string()),
        ("apps.bops", APPS.to_string()),
    ]
}

/// A change to one file: replace `from` (which must be there) with `to`.
struct Edit {
    file: &'static str,
    from: &'static str,
    to: &'static str,
}

const fn edit(file: &'static str, from: &'static str, to: &'static str) -> Edit {
    Edit { file, from, to }
}

fn write_project(dir: &TempDir, files: &[(&str, String)]) {
    for (path, text) in files {
        dir.write(path, text);
    }
}

/// The base project with edits applied.
fn changed(edits: &[Edit]) -> Vec<(&'static str, String)> {
    let mut files = base();
    for e in edits {
        let Some((_, text)) = files.iter_mut().find(|(path, _)| *path == e.file) else {
            files.push((e.file, e.to.to_string()));
            continue;
        };
        assert!(
            e.from.is_empty() || text.contains(e.from),
            "{} has no `{}`",
            e.file,
            e.from
        );
        *text = if e.from.is_empty() {
            format!("{text}{}", e.to)
        } else {
            text.replacen(e.from, e.to, 1)
        };
    }
    files
}

/// `bopsc diff NEW --against-tree OLD` for the base project and its changed copy; the summary.
fn summary(name: &str, edits: &[Edit]) -> String {
    let old = TempDir::new(&format!("diff-{name}-old"));
    let new = TempDir::new(&format!("diff-{name}-new"));
    write_project(&old, &base());
    write_project(&new, &changed(edits));
    let run = common::bopsc(&[
        "--color",
        "never",
        "diff",
        &new.path().to_string_lossy(),
        "--against-tree",
        &old.path().to_string_lossy(),
    ]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(
        run.stderr.starts_with("comparing "),
        "stderr says what was compared: {}",
        run.dump()
    );
    run.stdout
}

#[test]
fn the_base_project_compared_with_itself_has_no_change() {
    let text = summary("same", &[]);
    assert_eq!(
        text,
        "no change to the tailnet, the hosts or the workloads\n"
    );
}

#[test]
fn comments_and_layout_are_no_change() {
    let text = summary(
        "layout",
        &[
            edit(
                "tailnet.bops",
                "/// The admin.",
                "/// The admin.\n\n// A comment.",
            ),
            edit(
                "apps.bops",
                "ports = { http = 8080 }",
                "ports = {\n    http = 8080,\n  }",
            ),
        ],
    );
    assert_eq!(
        text,
        "no change to the tailnet, the hosts or the workloads\n"
    );
}

#[test]
fn tailnet_a_grant_added() {
    let text = summary(
        "grant-added",
        &[edit(
            "tailnet.bops",
            "",
            "\n/// Members read the feed.\ngrant member_feed { src = [autogroup.member], dst = \
             [tag.feed], ip = [tcp(443)] }\n",
        )],
    );
    assert!(text.contains("+ grant member_feed: autogroup:member → tag:feed:443"));
    insta::assert_snapshot!("tailnet_grant_added", text);
}

#[test]
fn tailnet_grants_ssh_rules_tags_and_tests_changed() {
    let text = summary(
        "tailnet-changed",
        &[
            edit(
                "tailnet.bops",
                "ip = [tcp(443)]",
                "ip = [tcp(443), tcp(80)]",
            ),
            edit(
                "tailnet.bops",
                "users = [\"root\"]",
                "users = [autogroup.nonroot, \"root\"]",
            ),
            edit(
                "tailnet.bops",
                "/// The RSS reader.\ntag feed { owners = [autogroup.admin, tag.server] }",
                "/// The RSS reader.\ntag feed { owners = [autogroup.admin, tag.server] }\n\
                 /// Photos.\ntag photos { owners = [autogroup.admin] }",
            ),
            edit(
                "tailnet.bops",
                "group family { members = [user.alice, user.bob] }",
                "group family { members = [user.alice] }",
            ),
            edit(
                "tailnet.bops",
                "test bob_reads_the_feed { src = user.bob, accept = [tag.feed @ 443] }",
                "test alice_reads_the_feed { src = user.alice, accept = [tag.feed @ 443] }",
            ),
            edit(
                "hosts.bops",
                "host vault { tags = [tag.server]",
                "host vault { tags = [tag.server, tag.photos]",
            ),
        ],
    );
    insta::assert_snapshot!("tailnet_changed", text);
}

#[test]
fn hosts_a_role_argument_changed() {
    let text = summary(
        "role-argument",
        &[edit(
            "hosts.bops",
            "        { host = \"git.home.example.com\", backend = \"http://git:3000\" },\n",
            "        { host = \"git.home.example.com\", backend = \"http://git:3000\" },\n        \
             { host = \"photos.home.example.com\", backend = \"http://photos:2283\" },\n",
        )],
    );
    assert!(text.contains("~ host atlas: role caddy caddy_routes +1 item"));
    insta::assert_snapshot!("hosts_role_argument", text);
}

#[test]
fn hosts_roles_tasks_and_groups_changed() {
    let text = summary(
        "hosts-changed",
        &[
            edit(
                "hosts.bops",
                "host vault { tags = [tag.server], user = \"admin\" }",
                "host vault {\n  tags = [tag.server]\n  user = \"admin\"\n  roles = \
                 [role.caddy(caddy_domain = \"nas.example.com\")]\n}",
            ),
            edit(
                "hosts.bops",
                "\"Install unattended upgrades\"",
                "\"Install unattended upgrades and fail2ban\"",
            ),
            edit(
                "hosts.bops",
                "caddy_domain = \"home.example.com\"",
                "caddy_domain = \"example.org\"",
            ),
            edit(
                "hosts.bops",
                "hostgroup servers { hosts = [host.atlas, host.vault] }",
                "hostgroup servers { hosts = [host.atlas] }\nhostgroup storage { hosts = [host.vault] }",
            ),
        ],
    );
    insta::assert_snapshot!("hosts_changed", text);
}

#[test]
fn workloads_an_image_changed() {
    let text = summary(
        "image",
        &[edit("apps.bops", "miniflux:2.2.16", "miniflux:2.2.17")],
    );
    assert!(text.contains("~ app miniflux: image ghcr.io/miniflux/miniflux 2.2.16 → 2.2.17"));
    insta::assert_snapshot!("workloads_image", text);
}

#[test]
fn workloads_replicas_exposure_and_apps_changed() {
    let text = summary(
        "workloads",
        &[
            edit(
                "apps.bops",
                "  ports = { http = 8080 }\n",
                "  replicas = 2\n  ports = { http = 8080 }\n",
            ),
            edit("apps.bops", "hostname = \"feed\"", "hostname = \"news\""),
            edit(
                "apps.bops",
                "",
                "\n/// Git hosting.\napp forgejo on cluster.main {\n  image = \
                 \"codeberg.org/forgejo/forgejo:11\"\n  ports = { http = 3000 }\n}\n",
            ),
        ],
    );
    insta::assert_snapshot!("workloads_changed", text);
}

#[test]
fn a_declaration_moved_to_another_file_says_so() {
    let text = summary(
        "moved",
        &[
            edit(
                "tailnet.bops",
                "/// The family reads the feed.\ngrant family_feed { src = [group.family], dst = \
                 [tag.feed], ip = [tcp(443)] }\n",
                "",
            ),
            edit(
                "grants.bops",
                "",
                "/// The family reads the feed.\ngrant family_feed { src = [group.family], dst = \
                 [tag.feed], ip = [tcp(443)] }\n",
            ),
        ],
    );
    assert!(
        text.contains("~ grant family_feed: moved from tailnet.bops to grants.bops"),
        "{text}"
    );
}

#[test]
fn one_change_across_the_three_layers() {
    let text = summary(
        "three-layers",
        &[
            edit(
                "tailnet.bops",
                "",
                "\n/// Members read the feed.\ngrant member_feed { src = [autogroup.member], dst \
                 = [tag.feed], ip = [tcp(443)] }\n",
            ),
            edit("apps.bops", "miniflux:2.2.16", "miniflux:2.2.17"),
            edit(
                "hosts.bops",
                "        { host = \"git.home.example.com\", backend = \"http://git:3000\" },\n",
                "        { host = \"git.home.example.com\", backend = \"http://git:3000\" },\n        \
                 { host = \"photos.home.example.com\", backend = \"http://photos:2283\" },\n",
            ),
        ],
    );
    insta::assert_snapshot!("three_layers", text);
}

#[test]
fn a_project_with_errors_is_not_compared() {
    let old = TempDir::new("diff-errors-old");
    let new = TempDir::new("diff-errors-new");
    write_project(&old, &base());
    write_project(
        &new,
        &changed(&[edit("apps.bops", "tag.feed]", "tag.fed]")]),
    );
    let run = common::bopsc(&[
        "diff",
        &new.path().to_string_lossy(),
        "--against-tree",
        &old.path().to_string_lossy(),
    ]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(run.stdout.is_empty(), "{}", run.dump());
    assert!(run.stderr.contains("B3001"), "{}", run.dump());

    let run = common::bopsc(&[
        "diff",
        &old.path().to_string_lossy(),
        "--against-tree",
        &new.path().to_string_lossy(),
    ]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(
        run.stderr
            .contains("has 1 error, so there is nothing to compare with"),
        "{}",
        run.dump()
    );
}

/// Runs git in `dir` with a fixed identity, failing the test if git fails.
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=bops tests",
            "-c",
            "user.email=tests@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `bopsc` in `cwd` with git's search for a repository stopped above `ceiling`.
fn bopsc_git(cwd: &Path, ceiling: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_bopsc"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .output()
        .expect("bopsc runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn diff_reads_the_old_side_from_a_git_revision() {
    let repo = TempDir::new("diff-git");
    let ceiling = repo.path().parent().unwrap();
    // The project in a subdirectory of the repository, with a role whose files it keeps, and a
    // file of the project that is not committed yet.
    let files: Vec<(String, String)> = base()
        .into_iter()
        .map(|(path, text)| (format!("infra/{path}"), text))
        .collect();
    for (path, text) in &files {
        repo.write(path, text);
    }
    repo.write(
        "infra/hosts.bops",
        &HOSTS.replace(") {}", ") { source = \"roles/caddy\" }"),
    )
    .write(
        "infra/roles/caddy/tasks/main.yml",
        "---\n- name: Install caddy\n  ansible.builtin.package:\n    name: caddy\n",
    )
    .write("README.md", "The repository's own file.\n");
    git(repo.path(), &["init", "-q"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-q", "-m", "base"]);

    let project = repo.path().join("infra");
    repo.write(
        "infra/apps.bops",
        &APPS.replace("miniflux:2.2.16", "miniflux:2.2.17"),
    )
    .write(
        "infra/extra.bops",
        "/// New.\ntag photos { owners = [autogroup.admin] }\n",
    );

    let run = bopsc_git(&project, ceiling, &["diff"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(run.stderr.contains("with HEAD ("), "{}", run.dump());
    assert_eq!(
        run.stdout,
        "tailnet: +1 tag\n  + tag photos: owners autogroup:admin\nhosts: no change\n\
         workloads: ~1 app\n  ~ app miniflux: image ghcr.io/miniflux/miniflux 2.2.16 → 2.2.17\n"
    );

    // From elsewhere, with the project named and the revision given.
    let run = bopsc_git(
        repo.path(),
        ceiling,
        &["diff", "infra", "--against", "HEAD"],
    );
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(run.stdout.contains("+ tag photos"), "{}", run.dump());

    let run = bopsc_git(&project, ceiling, &["diff", "--against", "no-such-branch"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr.contains("`no-such-branch` is not a commit"),
        "{}",
        run.dump()
    );
}

#[test]
fn diff_outside_a_git_repository_says_to_use_against_tree() {
    let dir = TempDir::new("diff-no-git");
    write_project(&dir, &base());
    let run = bopsc_git(dir.path(), dir.path().parent().unwrap(), &["diff"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr.contains("not in a git repository"),
        "{}",
        run.dump()
    );
    assert!(run.stderr.contains("--against-tree"), "{}", run.dump());
}
