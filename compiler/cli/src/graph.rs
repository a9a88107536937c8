//! `bopsc graph`: print the project's cross-layer dependency graph, for review.
//!
//! `bopsc graph [DIR] [--format dot|mermaid] [--layer tailnet|hosts|workloads ...]` compiles the
//! project and prints the graph of its declarations and the references between them on stdout
//! (see `bops_core::graph`), as Graphviz DOT (render it with `dot -Tsvg`) or as a Mermaid
//! flowchart. With `--layer`, only those layers are drawn, with the declarations of other layers
//! that they refer to or are referred to by shown dashed, as context. Exit codes as `check`: 0,
//! or 1 with the diagnostics on stderr and nothing on stdout when the project has errors.

use bops_core::graph::{dot, mermaid, Graph, Layer};

use crate::build::{compile_project, DEFAULT_OUT};
use crate::cli::{GraphArgs, GraphFormat, GraphLayer};
use crate::failure::Failure;
use crate::report::{self, counts_text, Counts, Style};
use crate::Exit;

/// Runs `bopsc graph`.
pub fn graph(args: &GraphArgs, style: Style) -> Result<Exit, Failure> {
    let (_, compilation) = compile_project(&args.dir, &args.dir.join(DEFAULT_OUT))?;
    let counts = Counts::of(&compilation);
    // A graph of a project with errors would be of a partial model: draw none, as `check` would
    // refuse it.
    let model = match (&compilation.model, counts.errors) {
        (Some(model), 0) => model,
        _ => {
            report::diagnostics(&compilation, style);
            report::error_summary(&format!("{}; no graph", counts_text(counts)), style);
            return Ok(Exit::InputErrors);
        }
    };
    let mut graph = Graph::of(model);
    if !args.layer.is_empty() {
        let layers: Vec<Layer> = args.layer.iter().map(|l| layer(*l)).collect();
        graph = graph.select(&layers);
    }
    let text = match args.format {
        GraphFormat::Dot => dot::render(&graph),
        GraphFormat::Mermaid => mermaid::render(&graph),
    };
    report::stdout(&text);
    Ok(Exit::Clean)
}

/// The core's layer for a `--layer` value.
fn layer(layer: GraphLayer) -> Layer {
    match layer {
        GraphLayer::Tailnet => Layer::Tailnet,
        GraphLayer::Hosts => Layer::Hosts,
        GraphLayer::Workloads => Layer::Workloads,
    }
}
