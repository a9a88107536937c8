//! B3055 (warning): a tag that rules, tests or auto approvers name but nothing in the project
//! carries.
//!
//! What carries a tag: a host that has it, an auth key that applies it (the devices that join
//! with the key), a ProxyGroup that names it, and an app's tailnet exposure whose proxy the
//! Tailscale operator tags with it ([`crate::model::Carried`]: the tags the exposure names, else
//! those of the ProxyGroup serving it, else the operator's default proxy tags its cluster
//! declares). A rule about a tag nothing carries is about devices that do not exist: the drift
//! left behind when a service moves or is removed, or a service whose proxy carries other tags
//! than the rules expect (an exposure named like the tag is then shown with what it carries).
//! While some exposure's tags are unknown (its cluster does not declare `proxy_tags`, or its
//! ProxyGroup is not described), it might carry any tag, and nothing is reported.
//!
//! B3011 already reports a grant that opens particular TCP ports on such a tag, so a tag that
//! B3011 reports is left to it; this rule covers the other uses: grant sources and `via`, grants
//! of every port or of UDP, legacy ACLs, SSH rules, tests, SSH tests, auto approvers and node
//! attributes. Tag owners are not uses: owning a tag is not carrying it. Each tag is reported
//! once, at its first use, with its declaration as the other end and a note counting the others.

use std::collections::BTreeSet;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{all_carriers, App, Carrier, Model, Principal, Selector};
use crate::source::Span;

use super::grant_ports::{checkable, like_named};

/// Reports every tag that something names and nothing carries.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let carriers = all_carriers(&model.apps, &model.clusters);
    let Some(carried) = carried_tags(model, &carriers) else {
        return;
    };
    let left_to_b3011 = reported_by_b3011(model, &carried);
    let mut seen: Vec<(&str, Vec<Use<'_>>)> = Vec::new();
    for u in uses(model) {
        if carried.contains(u.tag) || left_to_b3011.contains(u.tag) {
            continue;
        }
        match seen.iter_mut().find(|(t, _)| *t == u.tag) {
            Some((_, list)) => list.push(u),
            None => seen.push((u.tag, vec![u])),
        }
    }
    for (tag, list) in seen {
        let Some(first) = list.first() else {
            continue;
        };
        let mut d = Diagnostic::warning(
            codes::B3055,
            format!(
                "tag.{tag} is named by {}, but nothing carries it",
                first.rule
            ),
            first.span,
        )
        .with_label(format!(
            "no host, app exposure or auth key carries tag.{tag}"
        ));
        if let Some(decl) = model.tags.iter().find(|t| t.name == tag) {
            d = d.with_secondary(decl.origin.span, format!("tag.{tag} is declared here"));
        }
        let like = like_named(&carriers, tag);
        if let Some((span, label)) = &like {
            d = d.with_secondary(*span, label.clone());
        }
        let others: BTreeSet<&str> = list
            .iter()
            .skip(1)
            .map(|u| u.rule.as_str())
            .filter(|r| *r != first.rule)
            .collect();
        if !others.is_empty() {
            d = d.with_note(format!(
                "also named by {}",
                others.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        out.push(d.with_help(match like {
            Some(_) => format!(
                "name tag.{tag} in that exposure's `tags` (its `tailscale.com/tags`), or name the tags it carries in the rules"
            ),
            None => format!(
                "tag the host, app exposure or auth key that should carry tag.{tag}, or remove it from the rules if the service is gone"
            ),
        }));
    }
}

/// One place a tag is named.
struct Use<'m> {
    tag: &'m str,
    span: Span,
    /// `grant x`, `ssh y`, `test z`.
    rule: String,
}

/// The tags something in the project carries, or `None` when some app exposure's tags are
/// unknown, since it might carry any.
fn carried_tags(model: &Model, carriers: &[(&App, Carrier<'_>)]) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let lists = model
        .hosts
        .iter()
        .map(|h| h.tags.as_slice())
        .chain(model.auth_keys.iter().map(|k| k.tags.as_slice()));
    for list in lists {
        out.extend(list.iter().filter_map(tag_of).map(str::to_string));
    }
    for (_, carrier) in carriers {
        out.extend(carrier.carried.tags()?.iter().cloned());
    }
    for app in &model.apps {
        // A ProxyGroup's devices carry its tags.
        for resource in &app.objects.custom_resources {
            out.extend(resource.proxy_group_tags().into_iter().map(str::to_string));
        }
    }
    Some(out)
}

/// The uncarried tags that B3011 reports: those a grant opens particular TCP ports on.
fn reported_by_b3011<'m>(model: &'m Model, carried: &BTreeSet<String>) -> BTreeSet<&'m str> {
    model
        .grants
        .iter()
        .filter(|g| g.ip.iter().any(checkable))
        .flat_map(|g| g.dst.iter().filter_map(tag_of))
        .filter(|t| !carried.contains(*t))
        .collect()
}

/// Every place a rule, test, auto approver or node attribute names a tag, in declaration order.
fn uses(model: &Model) -> Vec<Use<'_>> {
    let mut out = Vec::new();
    for g in &model.grants {
        add(
            &mut out,
            format!("grant `{}`", g.name),
            &[&g.src, &g.dst, &g.via],
        );
    }
    for a in &model.acls {
        add(&mut out, format!("acl `{}`", a.name), &[&a.src]);
    }
    for s in &model.ssh_rules {
        add(&mut out, format!("ssh `{}`", s.name), &[&s.src, &s.dst]);
    }
    for t in &model.acl_tests {
        add(
            &mut out,
            format!("test `{}`", t.name),
            &[std::slice::from_ref(&t.src)],
        );
    }
    for t in &model.ssh_tests {
        add(
            &mut out,
            format!("SSH test `{}`", t.name),
            &[std::slice::from_ref(&t.src), &t.dst],
        );
    }
    for a in &model.auto_approvers {
        add(
            &mut out,
            format!("auto approver `{}`", a.name),
            &[&a.approvers],
        );
    }
    for n in &model.node_attrs {
        add(
            &mut out,
            format!("node attribute `{}`", n.name),
            &[&n.target],
        );
    }
    // ACL destinations and test endpoints are not selectors; they carry their own spans.
    for a in &model.acls {
        for d in &a.dst {
            if let Principal::Tag(t) = &d.target {
                out.push(Use {
                    tag: t,
                    span: d.span,
                    rule: format!("acl `{}`", a.name),
                });
            }
        }
    }
    for t in &model.acl_tests {
        for e in t.accept.iter().chain(&t.deny) {
            if let Principal::Tag(tag) = &e.target {
                out.push(Use {
                    tag,
                    span: e.span,
                    rule: format!("test `{}`", t.name),
                });
            }
        }
    }
    out
}

/// Adds the tags that selector lists name, as uses by a rule.
fn add<'m>(out: &mut Vec<Use<'m>>, rule: String, lists: &[&'m [Selector]]) {
    for s in lists.iter().flat_map(|l| l.iter()) {
        if let Principal::Tag(t) = &s.principal {
            out.push(Use {
                tag: t,
                span: s.span,
                rule: rule.clone(),
            });
        }
    }
}

/// The tag a selector names, if it names one.
fn tag_of(s: &Selector) -> Option<&str> {
    s.tag()
}
