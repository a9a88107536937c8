//! `bopsc reach` on the homelab example and on small temporary projects: what it prints and the
//! exit codes (0 allowed, 1 denied, 2 bad input, 3 undecided offline).

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::{Path, PathBuf};

use common::{bopsc, bopsc_in, read, TempDir};

fn homelab() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/homelab")
}

/// `DECL (tailnet.bops:LINE)`, the line found in the example's source, which may move.
fn at(decl: &str) -> String {
    let text = read(&homelab().join("tailnet.bops"));
    let line = text
        .lines()
        .position(|l| l.starts_with(&format!("{decl} ")))
        .unwrap_or_else(|| panic!("no `{decl}` in the example"));
    format!("{decl} (tailnet.bops:{})", line + 1)
}

fn reach(args: &[&str]) -> common::Run {
    let dir = homelab();
    let mut all = vec!["reach", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    bopsc(&all)
}

#[test]
fn an_allowed_connection_names_its_grant_and_where_it_is() {
    let run = reach(&["user.bob", "tag.feed", "443"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(
        run.stdout,
        format!("allowed by {}\n", at("grant family_apps"))
    );
}

#[test]
fn every_grant_that_allows_it_is_named() {
    let run = reach(&["alice@example.com", "tag.feed", "443"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(
        run.stdout,
        format!(
            "allowed by {}, {}\n",
            at("grant admins_all"),
            at("grant family_apps")
        )
    );
}

#[test]
fn a_denied_connection_exits_1_and_names_the_closest_grant() {
    let run = reach(&["user.bob", "tag.dashboards", "443"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert_eq!(
        run.stdout,
        format!(
            "denied: no grant lets user.bob reach tag.dashboards on tcp port 443\n  \
             closest: {}: it lets user.bob reach tag.feed, tag.photos, \
             which does not include tag.dashboards\n",
            at("grant family_apps")
        )
    );
}

#[test]
fn the_protocol_is_tcp_unless_told() {
    let run = reach(&["tag.server", "tag.nas", "2049", "--proto", "udp"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(
        run.stdout,
        format!("allowed by {}\n", at("grant servers_mesh"))
    );
    let run = reach(&["user.bob", "tag.feed", "443", "--proto", "udp"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(run.stdout.contains("on udp port 443"), "{}", run.dump());
}

#[test]
fn a_group_is_asked_member_by_member() {
    let run = reach(&["group.family", "tag.dashboards", "443"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "user.alice (in group.family) -> tag.dashboards: allowed by {}",
            at("grant admins_all")
        )
    );
    assert!(lines[1].starts_with("user.bob (in group.family) -> tag.dashboards: denied"));
    assert_eq!(lines.last(), Some(&"denied for at least one of them"));
}

#[test]
fn a_host_is_its_device() {
    let run = reach(&["host.atlas", "host.vault", "445"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(
        run.stdout,
        format!("allowed by {}\n", at("grant servers_mesh"))
    );
}

#[test]
fn ssh_mode_names_the_ssh_rule_the_check_and_the_grant_for_port_22() {
    let run = reach(&["user.alice", "host.atlas", "--ssh", "root"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(
        run.stdout,
        format!(
            "allowed after a check (every 12h) by {}; tcp port 22 is open by {}\n",
            at("ssh admins_to_servers"),
            at("grant admins_all")
        )
    );
    let run = reach(&["host.atlas", "tag.server", "--ssh", "admin"]);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert!(
        run.stdout
            .starts_with("allowed without a check by ssh server_mesh"),
        "{}",
        run.dump()
    );
}

#[test]
fn ssh_mode_denies_without_a_rule() {
    let run = reach(&["user.bob", "host.atlas", "--ssh", "root"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert_eq!(
        run.stdout,
        "denied: no SSH rule lets user.bob log in to host.atlas as `root`\n"
    );
    // servers_mesh opens tag:server to tag:server, but server_mesh excludes root.
    let run = reach(&["host.atlas", "tag.server", "--ssh", "root"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
}

#[test]
fn an_undeclared_login_can_be_undecided() {
    let run = reach(&["carol@example.com", "tag.feed", "443"]);
    assert_eq!(run.code, Some(3), "{}", run.dump());
    assert!(
        run.stdout.starts_with("undecided offline:"),
        "{}",
        run.dump()
    );
    assert!(
        run.stdout
            .contains("whether it is an admin is not known offline"),
        "{}",
        run.dump()
    );
}

#[test]
fn bad_input_exits_2_with_a_suggestion() {
    let run = reach(&["user.bob", "tag.fed", "443"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert!(
        run.stderr.contains(
            "the destination `tag.fed`: no tag `fed` is declared; did you mean `tag.feed`?"
        ),
        "{}",
        run.dump()
    );
    assert!(run.stdout.is_empty());

    let run = reach(&["user.bob", "tag.feed", "0"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    let run = reach(&["user.bob", "tag.feed", "https"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    let run = reach(&["user.bob", "tag.feed"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    let run = reach(&["nobody", "tag.feed", "443"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
}

#[test]
fn the_directory_defaults_to_the_current_one() {
    let dir = TempDir::new("reach-cwd");
    dir.write("bops.toml", "[project]\nname = \"mini\"\n")
        .write(
            "main.bops",
            r#"tailnet home { domain = "tail1234.ts.net" }
user bob { email = "bob@example.com" }
tag dns {}
host resolver { tags = [tag.dns] }
grant dns { src = [any], dst = [tag.dns], ip = [udp(53)] }
"#,
        );
    let run = bopsc_in(
        dir.path(),
        &["reach", "user.bob", "tag.dns", "53", "--proto", "udp"],
    );
    assert_eq!(run.code, Some(0), "{}", run.dump());
    assert_eq!(run.stdout, "allowed by grant dns (main.bops:5)\n");
    let run = bopsc_in(dir.path(), &["reach", "user.bob", "tag.dns", "53"]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert!(run.stdout.contains("only on udp 53"), "{}", run.dump());
}
