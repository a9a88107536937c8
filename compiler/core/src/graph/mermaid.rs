//! The graph as a Mermaid flowchart: one `subgraph` per layer, nodes labelled `kind name`, edges
//! labelled with what the reference is. Declarations shown only as context of a selected layer
//! get the `context` class, drawn dashed.

use super::{Graph, Layer};

/// The graph as a Mermaid `flowchart`.
pub fn render(graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for layer in Layer::ALL {
        let mut nodes = graph.layer(layer).peekable();
        if nodes.peek().is_none() {
            continue;
        }
        // Node ids always hold `_` after the kind, so `layer_<name>` cannot be one of them.
        out.push_str(&format!(
            "  subgraph layer_{}[\"{}\"]\n",
            layer.name(),
            layer.name()
        ));
        for (_, node) in nodes {
            out.push_str(&format!("    {}[\"{}\"]\n", node.id, text(&node.label())));
        }
        out.push_str("  end\n");
    }
    for edge in &graph.edges {
        let (Some(from), Some(to)) = (graph.nodes.get(edge.from), graph.nodes.get(edge.to)) else {
            continue;
        };
        out.push_str(&format!(
            "  {} -->|\"{}\"| {}\n",
            from.id,
            text(edge.label),
            to.id
        ));
    }
    let context: Vec<&str> = graph
        .nodes
        .iter()
        .filter(|node| node.context)
        .map(|node| node.id.as_str())
        .collect();
    if !context.is_empty() {
        out.push_str("  classDef context stroke-dasharray: 5 5\n");
        out.push_str(&format!("  class {} context\n", context.join(",")));
    }
    out
}

/// Text inside a quoted Mermaid label: quotes and the characters Mermaid reads as markup become
/// entity codes, line breaks spaces.
fn text(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for c in label.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
