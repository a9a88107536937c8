//! What a change to the sources does, layer by layer: two models in, a summary for a reviewer out.
//!
//! `bopsc diff` compiles a project twice, as it was and as it is, and hands both models to
//! [`diff`]. The result lists, per layer, each entity added, removed or changed, with the gist of
//! it: `+ grant family_feed: group:family → tag:feed:443`, `~ app miniflux: image
//! ghcr.io/miniflux/miniflux 2.2.16 → 2.2.17`, `~ host atlas: role caddy caddy_routes +1 item`.
//! It is read before the diff of the generated files, which says the same at the level of lines.
//!
//! Entities are matched by kind and name, so a renamed one reads as one removed and one added.
//! Each kind says which of its fields it summarises; any other difference (a field the summary
//! does not name, one added to the model later) still shows, as `other settings`, because every
//! entity is also compared whole, without the byte offsets of where it was written, which move
//! whenever text above it changes. The comparison is pure, like the rest of the core.

mod hosts;
mod tailnet;
mod text;
mod workloads;

use std::fmt;

use crate::model::{Model, Origin};

/// How an entity changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// It is new.
    Added,
    /// It is gone.
    Removed,
    /// It is in both, with differences.
    Changed,
}

impl ChangeKind {
    /// The sign a summary line starts with: `+`, `-` or `~`.
    pub fn sign(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        }
    }
}

/// What an entity is called: the keyword of its declaration and nouns for the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Noun {
    /// The declaration keyword, `grant`, `ssh`, `app`.
    pub keyword: &'static str,
    /// One of them, for counts: `grant`, `SSH rule`.
    pub one: &'static str,
    /// Several: `grants`, `SSH rules`.
    pub many: &'static str,
}

/// One entity added, removed or changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// What the entity is.
    pub noun: Noun,
    /// Its name.
    pub name: String,
    /// For an entity added or removed, its gist (none for a bare one); for one changed, each
    /// difference (`image a:1 → a:2`, `dst +tag:photos`).
    pub details: Vec<String>,
}

/// The layers a change is reported under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Layer {
    /// The manifest's settings, which every layer reads.
    Project,
    /// The tailnet: people, tags, the policy and the resources beside it; hosts' tags.
    Tailnet,
    /// The hosts: machines, groups, roles and what their playbooks do.
    Hosts,
    /// The workloads: clusters, repositories, secrets and apps.
    Workloads,
}

impl Layer {
    /// The layer's name in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Project => "project",
            Layer::Tailnet => "tailnet",
            Layer::Hosts => "hosts",
            Layer::Workloads => "workloads",
        }
    }
}

/// The changes between two models, per layer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelDiff {
    /// The manifest's settings (shown only when they changed).
    pub project: Vec<Change>,
    /// The tailnet layer.
    pub tailnet: Vec<Change>,
    /// The hosts layer.
    pub hosts: Vec<Change>,
    /// The workloads layer.
    pub workloads: Vec<Change>,
}

impl ModelDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.layers().all(|(_, changes)| changes.is_empty())
    }

    /// Each layer with its changes, in the order of the summary.
    pub fn layers(&self) -> impl Iterator<Item = (Layer, &[Change])> {
        [
            (Layer::Project, self.project.as_slice()),
            (Layer::Tailnet, self.tailnet.as_slice()),
            (Layer::Hosts, self.hosts.as_slice()),
            (Layer::Workloads, self.workloads.as_slice()),
        ]
        .into_iter()
    }
}

/// Compares the model of a project before a change (`old`) with the one after (`new`).
pub fn diff(old: &Model, new: &Model) -> ModelDiff {
    ModelDiff {
        project: project(old, new),
        tailnet: tailnet::diff(old, new),
        hosts: hosts::diff(old, new),
        workloads: workloads::diff(old, new),
    }
}

/// The manifest's settings.
fn project(old: &Model, new: &Model) -> Vec<Change> {
    let (a, b) = (&old.project, &new.project);
    let mut details = Vec::new();
    text::push_change(&mut details, "name", &a.name, &b.name);
    text::push_change(
        &mut details,
        "Pulumi project",
        &a.pulumi_project,
        &b.pulumi_project,
    );
    text::push_change(
        &mut details,
        "Pulumi stack",
        &a.pulumi_stack,
        &b.pulumi_stack,
    );
    text::push_change(
        &mut details,
        "repo",
        a.repo.as_deref().unwrap_or("none"),
        b.repo.as_deref().unwrap_or("none"),
    );
    text::push_change(&mut details, "repo path", &a.repo_path, &b.repo_path);
    if details.is_empty() {
        return Vec::new();
    }
    vec![Change {
        kind: ChangeKind::Changed,
        noun: Noun {
            keyword: "bops.toml",
            one: "setting",
            many: "settings",
        },
        name: String::new(),
        details,
    }]
}

/// How one kind of entity is compared: its noun, name, origin, gist and differences.
struct Kind<T> {
    /// What it is called.
    noun: Noun,
    /// Its name.
    name: fn(&T) -> &str,
    /// Where it was declared, when it is a declaration of its own.
    origin: fn(&T) -> Option<&Origin>,
    /// One line saying what it is, for an entity added or removed (`""` for none).
    gist: fn(&T) -> String,
    /// The differences the summary names, old then new.
    details: fn(&T, &T) -> Vec<String>,
    /// Fields another layer reports, as their `Debug` text (`tags: [..]`), left out of the
    /// comparison of the whole.
    elsewhere: Option<fn(&T) -> Vec<String>>,
}

/// Compares two lists of one kind of entity by name; appends the changes to `out`, those of the
/// new list in its order first, then the removed ones in the old list's order.
fn compare<T: fmt::Debug>(out: &mut Vec<Change>, kind: &Kind<T>, old: &[T], new: &[T]) {
    for item in new {
        let name = (kind.name)(item);
        let Some(before) = old.iter().find(|o| (kind.name)(o) == name) else {
            out.push(Change {
                kind: ChangeKind::Added,
                noun: kind.noun,
                name: name.to_string(),
                details: non_empty((kind.gist)(item)),
            });
            continue;
        };
        let mut details = (kind.details)(before, item);
        if let (Some(a), Some(b)) = ((kind.origin)(before), (kind.origin)(item)) {
            if a.file != b.file {
                details.push(format!("moved from {} to {}", a.file, b.file));
            }
            if a.doc != b.doc {
                details.push("doc comment".to_string());
            }
        }
        if details.is_empty() && fingerprint(before, kind) != fingerprint(item, kind) {
            details.push("other settings".to_string());
        }
        if !details.is_empty() {
            out.push(Change {
                kind: ChangeKind::Changed,
                noun: kind.noun,
                name: name.to_string(),
                details,
            });
        }
    }
    for item in old {
        let name = (kind.name)(item);
        if new.iter().any(|n| (kind.name)(n) == name) {
            continue;
        }
        out.push(Change {
            kind: ChangeKind::Removed,
            noun: kind.noun,
            name: name.to_string(),
            details: non_empty((kind.gist)(item)),
        });
    }
}

/// A one-item list of a non-empty string, or no item.
fn non_empty(text: String) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text]
    }
}

/// The whole entity as text, without its origin (compared on its own) and without the byte
/// offsets of spans, which change whenever text above the declaration does.
fn fingerprint<T: fmt::Debug>(item: &T, kind: &Kind<T>) -> String {
    let mut whole = format!("{item:?}");
    if let Some(origin) = (kind.origin)(item) {
        whole = whole.replacen(&format!("{origin:?}"), "", 1);
    }
    for field in kind.elsewhere.map(|f| f(item)).unwrap_or_default() {
        whole = whole.replacen(&field, "", 1);
    }
    without_spans(&whole)
}

/// Debug text with every `Span { .. }` replaced by `Span`.
fn without_spans(debug: &str) -> String {
    const OPEN: &str = "Span { file: FileId(";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find(OPEN) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        out.push_str("Span");
        // A span's text holds no braces, so its end is the first ` }`.
        match from.find(" }") {
            Some(end) => rest = from.get(end + 2..).unwrap_or(""),
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl fmt::Display for ModelDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "no change to the tailnet, the hosts or the workloads");
        }
        for (layer, changes) in self.layers() {
            if changes.is_empty() {
                if layer != Layer::Project {
                    writeln!(f, "{}: no change", layer.name())?;
                }
                continue;
            }
            writeln!(f, "{}: {}", layer.name(), counts(changes))?;
            for change in changes {
                writeln!(f, "  {change}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.sign(), self.noun.keyword)?;
        if !self.name.is_empty() {
            write!(f, " {}", self.name)?;
        }
        if !self.details.is_empty() {
            write!(f, ": {}", self.details.join("; "))?;
        }
        Ok(())
    }
}

/// `+1 grant, ~2 hosts, -1 tag`: the changes counted by sign and noun, in order of appearance.
fn counts(changes: &[Change]) -> String {
    let mut seen: Vec<(ChangeKind, Noun, usize)> = Vec::new();
    for change in changes {
        match seen
            .iter_mut()
            .find(|(kind, noun, _)| *kind == change.kind && *noun == change.noun)
        {
            Some((_, _, count)) => *count += 1,
            None => seen.push((change.kind, change.noun, 1)),
        }
    }
    seen.sort_by_key(|(kind, _, _)| *kind);
    seen.iter()
        .map(|(kind, noun, count)| {
            let word = if *count == 1 { noun.one } else { noun.many };
            format!("{}{count} {word}", kind.sign())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::without_spans;

    #[test]
    fn spans_are_left_out_of_fingerprints() {
        let debug = "Tag { span: Span { file: FileId(3), start: 10, end: 20 }, name: \"x\", \
                     owners: [Selector { principal: Any, span: Span { file: FileId(3), start: 1, \
                     end: 2 } }] }";
        assert_eq!(
            without_spans(debug),
            "Tag { span: Span, name: \"x\", owners: [Selector { principal: Any, span: Span }] }"
        );
    }
}
