//! The graph as Graphviz DOT: one `cluster_<layer>` subgraph per layer, nodes labelled
//! `kind name`, edges labelled with what the reference is. Declarations shown only as context of
//! a selected layer are dashed.

use super::{Graph, Layer};

/// The graph as a DOT `digraph`.
pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    out.push_str(&format!("digraph {} {{\n", quote(&graph.name)));
    out.push_str("  graph [rankdir=LR, fontname=\"Helvetica\"];\n");
    out.push_str("  node [shape=box, fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for layer in Layer::ALL {
        let mut nodes = graph.layer(layer).peekable();
        // An empty cluster would still draw its frame and label.
        if nodes.peek().is_none() {
            continue;
        }
        out.push_str(&format!("  subgraph cluster_{} {{\n", layer.name()));
        out.push_str(&format!("    label={};\n", quote(layer.name())));
        for (_, node) in nodes {
            let style = if node.context { ", style=dashed" } else { "" };
            out.push_str(&format!(
                "    {} [label={}{style}];\n",
                node.id,
                quote(&node.label())
            ));
        }
        out.push_str("  }\n");
    }
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (graph.nodes.get(edge.from), graph.nodes.get(edge.to)) else {
            continue;
        };
        out.push_str(&format!(
            "  {} -> {} [label={}];\n",
            from.id,
            to.id,
            quote(edge.label)
        ));
    }
    out.push_str("}\n");
    out
}

/// A DOT string literal: `"` and `\` escaped, line breaks as `\n`.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
