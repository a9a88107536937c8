//! The graph of small projects compiled in memory: which nodes and edges it has, their order and
//! ids, layer selection, and the escaping of both formats.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::{dot, mermaid, Graph, Layer};
use crate::{compile, Input, InputFile};

const MANIFEST: &str = "[project]\nname = \"small\"\n\n[output]\nrepo = \"infra\"\n";

const SOURCE: &str = r#"
tailnet home { domain = "tail0000.ts.net" }
user alice { email = "alice@example.com", admin = true }
user bob { email = "bob@example.com" }
group family { members = [user.alice, user.bob] }
tag server { owners = [autogroup.admin] }
tag feed { owners = [tag.server] }
grant family_feed { src = [group.family], dst = [tag.feed], ip = [tcp(443)] }
grant admins_servers { src = [autogroup.admin], dst = [host.box, tag.server], ip = [tcp(22)] }

host box { tags = [tag.server], roles = [role.backup(passphrase = secret.borg.passphrase)] }
hostgroup servers { hosts = [host.box] }
role backup(passphrase: SecretKey) {}
secret borg { vault = "Lab", item = "borg", keys = ["passphrase"] }

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

fn graph() -> Graph {
    let input = Input {
        manifest: Some(MANIFEST.to_string()),
        files: vec![InputFile {
            path: "main.bops".to_string(),
            text: SOURCE.to_string(),
        }],
        assets: Default::default(),
    };
    let compilation = compile(&input);
    assert!(!compilation.has_errors(), "{:#?}", compilation.diagnostics);
    Graph::of(compilation.model.as_ref().unwrap())
}

/// The edges as `from -label-> to` lines, by id.
fn edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .iter()
        .map(|e| {
            format!(
                "{} -{}-> {}",
                graph.nodes[e.from].id, e.label, graph.nodes[e.to].id
            )
        })
        .collect()
}

#[test]
fn every_declaration_is_a_node_layer_by_layer_in_declaration_order() {
    let graph = graph();
    let ids: Vec<(&str, Layer)> = graph
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.layer))
        .collect();
    assert_eq!(
        ids,
        [
            ("user_alice", Layer::Tailnet),
            ("user_bob", Layer::Tailnet),
            ("group_family", Layer::Tailnet),
            ("tag_server", Layer::Tailnet),
            ("tag_feed", Layer::Tailnet),
            ("grant_family_feed", Layer::Tailnet),
            ("grant_admins_servers", Layer::Tailnet),
            ("host_box", Layer::Hosts),
            ("hostgroup_servers", Layer::Hosts),
            ("role_backup", Layer::Hosts),
            ("cluster_main", Layer::Workloads),
            ("repo_infra", Layer::Workloads),
            ("secret_borg", Layer::Workloads),
            ("secret_feed_db", Layer::Workloads),
            ("app_feed", Layer::Workloads),
        ]
    );
    assert_eq!(graph.nodes[0].label(), "user alice");
}

#[test]
fn references_across_layers_are_edges() {
    let graph = graph();
    assert_eq!(
        edges(&graph),
        [
            "group_family -member-> user_alice",
            "group_family -member-> user_bob",
            "tag_feed -owner-> tag_server",
            "grant_family_feed -src-> group_family",
            "grant_family_feed -dst-> tag_feed",
            "grant_admins_servers -dst-> host_box",
            "grant_admins_servers -dst-> tag_server",
            "host_box -carries-> tag_server",
            "host_box -applies-> role_backup",
            "host_box -reads-> secret_borg",
            "hostgroup_servers -member-> host_box",
            "cluster_main -runs on-> host_box",
            "app_feed -runs on-> cluster_main",
            "app_feed -carries-> tag_feed",
            "app_feed -reads-> secret_feed_db",
            "app_feed -from-> repo_infra",
        ]
    );
}

#[test]
fn selecting_a_layer_keeps_the_far_ends_of_its_references_as_context() {
    let graph = graph().select(&[Layer::Workloads]);
    let nodes: Vec<(&str, bool)> = graph
        .nodes
        .iter()
        .map(|n| (n.id.as_str(), n.context))
        .collect();
    assert_eq!(
        nodes,
        [
            ("tag_feed", true),
            ("host_box", true),
            ("cluster_main", false),
            ("repo_infra", false),
            ("secret_borg", false),
            ("secret_feed_db", false),
            ("app_feed", false),
        ]
    );
    // The host reading `borg` is a reference into the selected layer; the host's own tags are
    // not, since neither end is selected.
    assert_eq!(
        edges(&graph),
        [
            "host_box -reads-> secret_borg",
            "cluster_main -runs on-> host_box",
            "app_feed -runs on-> cluster_main",
            "app_feed -carries-> tag_feed",
            "app_feed -reads-> secret_feed_db",
            "app_feed -from-> repo_infra",
        ]
    );
    let dot = dot::render(&graph);
    assert!(
        dot.contains("host_box [label=\"host box\", style=dashed];"),
        "{dot}"
    );
    let mermaid = mermaid::render(&graph);
    assert!(
        mermaid.ends_with("  class tag_feed,host_box context\n"),
        "{mermaid}"
    );
}

#[test]
fn names_outside_the_id_alphabet_are_escaped_and_quoted() {
    let mut graph = graph();
    graph.name = "a \"b\" \\ c".to_string();
    graph.nodes[0].name = "x\"<y>#".to_string();
    let dot = dot::render(&graph);
    assert!(
        dot.starts_with("digraph \"a \\\"b\\\" \\\\ c\" {\n"),
        "{dot}"
    );
    assert!(dot.contains("[label=\"user x\\\"<y>#\"]"), "{dot}");
    let mermaid = mermaid::render(&graph);
    assert!(
        mermaid.contains("user_alice[\"user x#quot;#lt;y#gt;#35;\"]"),
        "{mermaid}"
    );
    assert_eq!(super::build::ident_for_tests("a-b.c"), "a_x2d_b_x2e_c");
}
