//! B3022: host groups whose `children` form a cycle.
//!
//! A group's `children` are groups nested in it, and Ansible refuses an inventory where a group
//! is its own descendant ("creates a recursive dependency loop"). The group `all` contains every
//! other group, so listing `all` among a group's children is a cycle too. Groups are taken in
//! declaration order (`all` last, so that a cycle through it is reported at the group that lists
//! it); for each group not yet on a reported cycle, the shortest cycle through it, if any, is
//! reported at it, with the path around it and a label at every link of it, and the groups on
//! that path are not reported again. Two groups that each list `all` are two cycles.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use indexmap::IndexMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{HostGroup, Model};

/// The group Ansible puts every other group in.
const ALL: &str = "all";

/// Reports every cycle of host groups.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let groups = &model.host_groups;
    let links = links(groups);
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    // A cycle through `all` is the fault of the group that lists `all`, so it starts there.
    let mut starts: Vec<usize> = (0..groups.len()).collect();
    starts.sort_by_key(|i| groups.get(*i).is_some_and(|g| g.name == ALL));
    for start in starts {
        if reported.contains(&start) {
            continue;
        }
        let Some(path) = cycle_through(&links, start) else {
            continue;
        };
        reported.extend(path.iter().copied());
        if let Some(d) = diagnostic(model, &path) {
            out.push(d);
        }
    }
}

/// For each group (by index), the indices of the groups it contains directly: its children, and
/// for `all` every other group.
fn links(groups: &[HostGroup]) -> Vec<Vec<usize>> {
    let index: IndexMap<&str, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.name.as_str(), i))
        .collect();
    groups
        .iter()
        .enumerate()
        .map(|(i, group)| {
            let mut out: Vec<usize> = group
                .children
                .iter()
                .filter_map(|c| index.get(c.as_str()).copied())
                .collect();
            if group.name == ALL {
                out.extend((0..groups.len()).filter(|j| *j != i));
            }
            out
        })
        .collect()
}

/// A shortest path of links from a group back to itself, the group first and last.
fn cycle_through(links: &[Vec<usize>], start: usize) -> Option<Vec<usize>> {
    let mut parent: BTreeMap<usize, usize> = BTreeMap::new();
    let mut seen = BTreeSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &child in links.get(node).into_iter().flatten() {
            if child == start {
                let mut path = vec![node];
                let mut at = node;
                while at != start {
                    at = *parent.get(&at)?;
                    path.push(at);
                }
                path.reverse();
                path.push(start);
                return Some(path);
            }
            if seen.insert(child) {
                parent.insert(child, node);
                queue.push_back(child);
            }
        }
    }
    None
}

/// The diagnostic for a cycle given as the groups along it, the first repeated at the end.
fn diagnostic(model: &Model, path: &[usize]) -> Option<Diagnostic> {
    let groups = &model.host_groups;
    let names: Vec<&str> = path
        .iter()
        .filter_map(|i| groups.get(*i).map(|g| g.name.as_str()))
        .collect();
    let first = groups.get(*path.first()?)?;
    let mut d = Diagnostic::error(
        codes::B3022,
        format!("host groups form a cycle: {}", names.join(" -> ")),
        first.origin.span,
    )
    .with_label(format!("`{}` ends up among its own children", first.name));
    for link in path.windows(2) {
        let (Some(parent), Some(child)) = (
            link.first().and_then(|i| groups.get(*i)),
            link.get(1).and_then(|i| groups.get(*i)),
        ) else {
            continue;
        };
        let listed = parent.children.iter().any(|c| c == &child.name);
        let (span, label) = if listed {
            (
                model
                    .spans
                    .at(&parent.origin, &format!("children.{}", child.name)),
                format!("`{}` lists `{}` as a child", parent.name, child.name),
            )
        } else {
            (
                parent.origin.span,
                format!("`{ALL}` contains every group, `{}` too", child.name),
            )
        };
        if span == first.origin.span {
            continue;
        }
        d = d.with_secondary(span, label);
    }
    Some(
        d.with_note("Ansible refuses an inventory where a group is nested in itself; `all` contains every group, so no group can list it as a child")
            .with_help("remove one of the `children` links"),
    )
}
