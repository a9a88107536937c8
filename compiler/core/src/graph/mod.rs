//! The cross-layer dependency graph of a project, for review: every declaration of the tailnet,
//! hosts and workloads layers as a node, and the typed references between them as edges (a grant
//! to the tags it reaches, a host to the roles it applies, an app to its cluster and the secrets
//! it reads, a cluster to the host it runs on), rendered as Graphviz DOT ([`dot`]) or Mermaid
//! ([`mermaid`]).
//!
//! The graph is a pure function of the model ([`build`]): nodes come layer by layer, each kind in
//! the order of the language reference and each declaration in source order; edges come in the
//! order of the declarations that hold them and, within one, in the order of its fields. Values
//! that are not typed references (ports, proxy routes, URLs) are not edges.

mod build;
pub mod dot;
pub mod mermaid;

use std::collections::BTreeMap;

use crate::model::Model;

/// The layers of a project; each is one cluster of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    /// Users, groups, tags, the policy and the resources beside it.
    Tailnet,
    /// Hosts, host groups and roles.
    Hosts,
    /// Clusters, repositories, secrets and apps.
    Workloads,
}

impl Layer {
    /// Every layer, in the order the graph draws them.
    pub const ALL: [Layer; 3] = [Layer::Tailnet, Layer::Hosts, Layer::Workloads];

    /// The layer's name, as `--layer` spells it and as its cluster is labelled.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Tailnet => "tailnet",
            Layer::Hosts => "hosts",
            Layer::Workloads => "workloads",
        }
    }
}

/// A declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// A stable identifier, `kind_name` (`tag_feed`), unique in the graph and made only of ASCII
    /// letters, digits and `_`, so both formats can use it unquoted.
    pub id: String,
    /// The declaration's kind keyword (`tag`, `hostgroup`).
    pub kind: &'static str,
    /// The declaration's name.
    pub name: String,
    /// The layer it belongs to.
    pub layer: Layer,
    /// Whether the node is shown only because a node of a selected layer refers to it or is
    /// referred to by it (see [`Graph::select`]).
    pub context: bool,
}

impl Node {
    /// What the node is labelled with: `kind name`.
    pub fn label(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

/// A reference from one declaration to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The index of the declaration that holds the reference.
    pub from: usize,
    /// The index of the declaration it names.
    pub to: usize,
    /// What the reference is, in a word or two (`dst`, `carries`, `runs on`).
    pub label: &'static str,
}

/// The dependency graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    /// The project's name, the graph's title.
    pub name: String,
    /// The declarations, layer by layer.
    pub nodes: Vec<Node>,
    /// The references, each (from, to, label) once.
    pub edges: Vec<Edge>,
}

impl Graph {
    /// The graph of a whole project.
    pub fn of(model: &Model) -> Graph {
        build::graph(model)
    }

    /// Every secret field that a declaration of the model reads, as (secret, key): the keys
    /// behind the graph's `reads` edges.
    pub fn secret_keys_read(model: &Model) -> std::collections::BTreeSet<(String, String)> {
        build::secret_keys_read(model)
    }

    /// The part of the graph about some layers: their declarations, the references that start or
    /// end at one of them, and, as context, the declarations of other layers at the far end of
    /// those references. References between two context declarations are left out.
    pub fn select(&self, layers: &[Layer]) -> Graph {
        let selected = |node: &Node| layers.contains(&node.layer);
        let mut keep = vec![false; self.nodes.len()];
        let mut context = vec![false; self.nodes.len()];
        for (slot, node) in keep.iter_mut().zip(&self.nodes) {
            *slot = selected(node);
        }
        let mut edges = Vec::new();
        for edge in &self.edges {
            let (Some(from), Some(to)) = (self.nodes.get(edge.from), self.nodes.get(edge.to))
            else {
                continue;
            };
            if !selected(from) && !selected(to) {
                continue;
            }
            for (end, node) in [(edge.from, from), (edge.to, to)] {
                if !selected(node) {
                    if let Some(slot) = context.get_mut(end) {
                        *slot = true;
                    }
                }
            }
            edges.push(edge.clone());
        }
        let mut index = BTreeMap::new();
        let mut nodes = Vec::new();
        for (old, node) in self.nodes.iter().enumerate() {
            let shown = keep.get(old).copied().unwrap_or(false);
            let as_context = context.get(old).copied().unwrap_or(false);
            if !shown && !as_context {
                continue;
            }
            index.insert(old, nodes.len());
            nodes.push(Node {
                context: !shown,
                ..node.clone()
            });
        }
        let edges = edges
            .into_iter()
            .filter_map(|edge| {
                Some(Edge {
                    from: *index.get(&edge.from)?,
                    to: *index.get(&edge.to)?,
                    label: edge.label,
                })
            })
            .collect();
        Graph {
            name: self.name.clone(),
            nodes,
            edges,
        }
    }

    /// The nodes of one layer, in order, with their indices.
    pub fn layer(&self, layer: Layer) -> impl Iterator<Item = (usize, &Node)> {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, node)| node.layer == layer)
    }
}

#[cfg(test)]
mod tests;
