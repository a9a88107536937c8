//! `bopsc graph`: the dependency graph of a small project and of the examples, in both formats;
//! layer selection; errors; Graphviz rendering the DOT of every example; and the Mermaid text
//! checked against the grammar it is written in.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{bopsc, in_ci, TempDir};

const MANIFEST: &str = "[project]\nname = \"small\"\n\n[output]\nrepo = \"infra\"\n";

const TAILNET: &str = r#"
tailnet home { domain = "tail0000.ts.net" }
user alice { email = "alice@example.com", admin = true }
user bob { email = "bob@example.com" }
group family { members = [user.alice, user.bob] }
tag server { owners = [autogroup.admin] }
tag k8s-operator { owners = [autogroup.admin] }
tag feed { owners = [tag.k8s-operator] }
grant family_feed { src = [group.family], dst = [tag.feed], ip = [tcp(443)] }
grant admins_servers { src = [autogroup.admin], dst = [host.box], ip = [tcp(22)] }
ssh admins { action = "check", src = [autogroup.admin], dst = [tag.server], users = ["root"] }
test bob_reads_feed { src = user.bob, accept = [tag.feed @ 443], deny = [tag.server @ 22] }
"#;

const HOSTS: &str = r#"
host box { tags = [tag.server], roles = [role.backup(passphrase = secret.borg.passphrase)] }
hostgroup servers { hosts = [host.box] }
role backup(passphrase: SecretKey) {}
secret borg { vault = "Lab", item = "borg", keys = ["passphrase"] }
"#;

const APPS: &str = r#"
cluster main { host = host.box, secret_store = "onepassword" }
repo infra { url = "https://git.example.com/infra.git", revision = "main" }
secret feed_db { vault = "Lab", item = "feed-db", keys = ["url"] }
app feed on cluster.main {
  image = "ghcr.io/example/feed:1.0"
  ports = { http = 8080 }
  env = { DATABASE_URL = secret.feed_db.url }
  expose = { hostname = "feed", port = self.ports.http, tags = [tag.feed] }
}
"#;

fn small() -> TempDir {
    let dir = TempDir::new("graph");
    dir.write("bops.toml", MANIFEST)
        .write("tailnet.bops", TAILNET)
        .write("hosts.bops", HOSTS)
        .write("apps.bops", APPS);
    dir
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
}

/// `bopsc graph DIR ARGS...`, which must succeed with nothing on stderr.
fn graph(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["graph", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let run = bopsc(&all);
    assert_eq!(run.code, Some(0), "{}", run.dump());
    run.stdout
}

#[test]
fn small_project_as_dot() {
    let dir = small();
    insta::assert_snapshot!("small_dot", graph(dir.path(), &[]));
}

#[test]
fn small_project_as_mermaid() {
    let dir = small();
    let text = graph(dir.path(), &["--format", "mermaid"]);
    check_mermaid(&text);
    insta::assert_snapshot!("small_mermaid", text);
}

#[test]
fn homelab_as_dot() {
    insta::assert_snapshot!("homelab_dot", graph(&example("homelab"), &[]));
}

#[test]
fn homelab_as_mermaid() {
    let text = graph(&example("homelab"), &["--format", "mermaid"]);
    check_mermaid(&text);
    insta::assert_snapshot!("homelab_mermaid", text);
}

#[test]
fn one_layer_with_its_neighbours_as_context() {
    let dir = small();
    let text = graph(dir.path(), &["--layer", "hosts", "--format", "mermaid"]);
    check_mermaid(&text);
    insta::assert_snapshot!("small_hosts_mermaid", text);
    // Two layers, comma-separated or repeated, give the same graph.
    assert_eq!(
        graph(dir.path(), &["--layer", "hosts,workloads"]),
        graph(dir.path(), &["--layer", "workloads", "--layer", "hosts"]),
    );
}

#[test]
fn every_layer_selected_is_the_whole_graph() {
    let dir = small();
    assert_eq!(
        graph(dir.path(), &["--layer", "tailnet,hosts,workloads"]),
        graph(dir.path(), &[]),
    );
}

#[test]
fn a_project_with_errors_prints_its_diagnostics_and_no_graph() {
    let dir = small();
    dir.write(
        "broken.bops",
        "grant bad { src = [tag.nope], dst = [any] }\n",
    );
    let run = bopsc(&["graph", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert_eq!(run.stdout, "", "{}", run.dump());
    assert!(run.stderr.contains("error[B3001]"), "{}", run.dump());
    assert!(run.stderr.contains("no graph"), "{}", run.dump());
}

#[test]
fn an_unknown_layer_is_a_usage_error() {
    let dir = small();
    let run = bopsc(&["graph", dir.path().to_str().unwrap(), "--layer", "network"]);
    assert_eq!(run.code, Some(2), "{}", run.dump());
    assert_eq!(run.stdout, "");
}

#[test]
fn graphviz_renders_the_dot_of_every_example() {
    let Some(dot) = graphviz() else {
        return;
    };
    for name in ["homelab", "blumeops"] {
        let text = graph(&example(name), &[]);
        let mut child = Command::new(&dot)
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run dot");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() && stderr.trim().is_empty(),
            "dot -Tsvg failed on examples/{name} ({}):\n{stderr}",
            output.status
        );
        let svg = String::from_utf8_lossy(&output.stdout);
        assert!(svg.contains("<svg"), "no SVG for examples/{name}");
        // Every declaration is drawn, and every reference.
        let nodes = text
            .lines()
            .filter(|l| l.starts_with("    ") && l.contains("[label="))
            .count();
        let edges = text.lines().filter(|l| l.contains(" -> ")).count();
        assert_eq!(
            svg.matches("class=\"node\"").count(),
            nodes,
            "examples/{name}"
        );
        assert_eq!(
            svg.matches("class=\"edge\"").count(),
            edges,
            "examples/{name}"
        );
        let mermaid = graph(&example(name), &["--format", "mermaid"]);
        check_mermaid(&mermaid);
    }
}

/// Graphviz's `dot`, found on `PATH`. Missing, it fails the test in CI and is a loud skip
/// elsewhere: `apt-get install graphviz` (`.ci/run` installs it).
fn graphviz() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("dot");
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    let message =
        "Graphviz's `dot` is not on PATH; install it (Debian: `apt-get install graphviz`)";
    if in_ci() {
        panic!("{message}");
    }
    eprintln!(
        "\n{}\nSKIPPED rendering the examples' graphs: {message}\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

/// Checks Mermaid text against the grammar `bopsc graph` writes: `flowchart LR`, then subgraphs
/// of node lines closed by `end`, then edges between declared nodes, then the `context` class.
/// Ids are ASCII identifiers, unique, never the keyword `end`; labels are quoted and hold no
/// quote.
fn check_mermaid(text: &str) {
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("flowchart LR"), "{text}");
    let mut nodes = BTreeSet::new();
    let mut subgraphs = BTreeSet::new();
    let mut open = false;
    let mut edges = 0;
    for line in lines {
        if let Some(rest) = line.strip_prefix("  subgraph ") {
            if open || edges > 0 {
                bad("a subgraph inside another, or after the edges", line, text);
            }
            let (id, label) = split_label(rest).unwrap_or_else(|| bad("bad subgraph", line, text));
            check_id(id, line);
            quoted(label, line);
            assert!(subgraphs.insert(id.to_string()), "subgraph {id} twice");
            open = true;
        } else if line == "  end" {
            if !open {
                bad("an `end` with no subgraph", line, text);
            }
            open = false;
        } else if let Some(rest) = line.strip_prefix("    ") {
            if !open {
                bad("a node outside a subgraph", line, text);
            }
            let (id, label) = split_label(rest).unwrap_or_else(|| bad("bad node", line, text));
            check_id(id, line);
            quoted(label, line);
            assert!(nodes.insert(id.to_string()), "node {id} twice");
        } else if let Some(rest) = line.strip_prefix("  classDef ") {
            assert_eq!(rest, "context stroke-dasharray: 5 5", "{line}");
        } else if let Some(rest) = line.strip_prefix("  class ") {
            let ids = rest
                .strip_suffix(" context")
                .unwrap_or_else(|| bad("bad class", line, text));
            for id in ids.split(',') {
                assert!(nodes.contains(id), "class of undeclared {id}");
            }
        } else if let Some(rest) = line.strip_prefix("  ") {
            if open {
                bad("an edge inside a subgraph", line, text);
            }
            let (from, rest) = rest
                .split_once(" -->|")
                .unwrap_or_else(|| bad("bad edge", line, text));
            let (label, to) = rest
                .split_once("| ")
                .unwrap_or_else(|| bad("bad edge", line, text));
            quoted(label, line);
            for id in [from, to] {
                assert!(nodes.contains(id), "edge to undeclared {id}: {line}");
            }
            edges += 1;
        } else {
            bad("not a line of the grammar", line, text);
        }
    }
    assert!(!open, "a subgraph is not closed\n{text}");
    assert!(
        nodes.is_disjoint(&subgraphs),
        "a node and a subgraph share an id"
    );
}

/// Fails the Mermaid check, showing the line and the text.
fn bad(why: &str, line: &str, text: &str) -> ! {
    panic!("{why}: `{line}`\n{text}")
}

/// `ID["LABEL"]` into its id and quoted label.
fn split_label(text: &str) -> Option<(&str, &str)> {
    let (id, rest) = text.split_once('[')?;
    Some((id, rest.strip_suffix(']')?))
}

fn check_id(id: &str, line: &str) {
    let mut chars = id.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    assert!(
        first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && id != "end",
        "bad id `{id}` in `{line}`"
    );
}

fn quoted(label: &str, line: &str) {
    let inner = label
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or_else(|| panic!("label not quoted in `{line}`"));
    assert!(
        !inner.is_empty() && !inner.contains('"'),
        "bad label in `{line}`"
    );
}
