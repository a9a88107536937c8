//! B3053 (warning): a group that no rule, test, tag owner, auto approver, node attribute or IP
//! set names.
//!
//! Such a group is written into the policy file and does nothing there. It is reported once, at
//! its declaration.

use std::collections::BTreeSet;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Model, Principal, Selector};

/// Reports every group nothing names.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let used = used_groups(model);
    for group in &model.groups {
        if used.contains(group.name.as_str()) {
            continue;
        }
        out.push(
            Diagnostic::warning(
                codes::B3053,
                format!("group `{}` is not used by any rule", group.name),
                group.origin.span,
            )
            .with_label(format!(
                "no grant, ACL, SSH rule, test or tag owner names group.{}",
                group.name
            ))
            .with_note("a group only matters where the policy names it; this one is written into the policy file and does nothing")
            .with_help(format!(
                "name group.{} where it was meant (a grant's `src`, a tag's `owners`), or remove it",
                group.name
            )),
        );
    }
}

/// The names of the groups that something names.
fn used_groups(model: &Model) -> BTreeSet<&str> {
    let mut named: Vec<&Principal> = Vec::new();
    for g in &model.grants {
        push(&mut named, [&g.src, &g.dst, &g.via]);
    }
    for a in &model.acls {
        push(&mut named, [&a.src]);
        named.extend(a.dst.iter().map(|d| &d.target));
    }
    for s in &model.ssh_rules {
        push(&mut named, [&s.src, &s.dst]);
    }
    for t in &model.tags {
        push(&mut named, [&t.owners]);
    }
    for t in &model.acl_tests {
        named.push(&t.src.principal);
        named.extend(t.accept.iter().chain(&t.deny).map(|e| &e.target));
    }
    for t in &model.ssh_tests {
        named.push(&t.src.principal);
        push(&mut named, [&t.dst]);
    }
    for a in &model.auto_approvers {
        push(&mut named, [&a.approvers, &a.services]);
    }
    for n in &model.node_attrs {
        push(&mut named, [&n.target]);
    }
    for s in &model.ip_sets {
        push(&mut named, [&s.add, &s.remove]);
    }
    // An exposure's audience names who it is for; the audience rule proves it against the
    // grants, so a group named there is used even when the grants reach its members otherwise.
    for app in &model.apps {
        if let Some(audience) = app.expose.as_ref().and_then(|e| e.audience.as_ref()) {
            push(&mut named, [&audience.principals]);
        }
    }
    named
        .into_iter()
        .filter_map(|p| match p {
            Principal::Group(g) => Some(g.as_str()),
            _ => None,
        })
        .collect()
}

/// Adds the principals of selector lists.
fn push<'m, const N: usize>(into: &mut Vec<&'m Principal>, lists: [&'m Vec<Selector>; N]) {
    for list in lists {
        into.extend(list.iter().map(|s| &s.principal));
    }
}
