//! B3015: a host without tags named by the policy.
//!
//! The Tailscale policy names devices by tag (or by address, which a `network` declares), so the
//! policy file writes a host as the tags its device carries (see the Pulumi emitter). A host with
//! no tags cannot be written at all: a grant, legacy ACL, SSH rule, node attribute or test that
//! names it would silently lose it. Every such use is an error, pointing at the use and at the
//! host.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Model, Principal, Selector};
use crate::source::Span;

/// Reports hosts without tags in grants, legacy ACLs, SSH rules, node attributes, and ACL and SSH
/// tests.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut uses: Vec<(&Principal, Span, &str)> = Vec::new();
    for g in &model.grants {
        uses.extend(selectors(&g.src, "a grant's source"));
        uses.extend(selectors(&g.dst, "a grant's destination"));
    }
    for s in &model.ssh_rules {
        uses.extend(selectors(&s.src, "an SSH rule's source"));
        uses.extend(selectors(&s.dst, "an SSH rule's destination"));
    }
    for t in &model.acl_tests {
        uses.push((&t.src.principal, t.src.span, "a test's source"));
        for e in t.accept.iter().chain(&t.deny) {
            uses.push((&e.target, e.span, "a test's destination"));
        }
    }
    for a in &model.acls {
        uses.extend(selectors(&a.src, "an ACL's source"));
        for d in &a.dst {
            uses.push((&d.target, d.span, "an ACL's destination"));
        }
    }
    for t in &model.ssh_tests {
        uses.push((&t.src.principal, t.src.span, "an SSH test's source"));
        uses.extend(selectors(&t.dst, "an SSH test's destination"));
    }
    for n in &model.node_attrs {
        uses.extend(selectors(&n.target, "a node attribute's target"));
    }
    for (principal, span, what) in uses {
        let Principal::Host(name) = principal else {
            continue;
        };
        let Some(host) = model.hosts.iter().find(|h| &h.name == name) else {
            continue;
        };
        if !host.tags.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::error(
                codes::B3015,
                format!("host `{name}` carries no tags, so the policy cannot name it"),
                span,
            )
            .with_label(format!("host `{name}` used as {what}"))
            .with_secondary(host.origin.span, format!("host `{name}` has no `tags`"))
            .with_note(
                "the Tailscale policy names a device by its tags; bops writes a host as the tags it carries",
            )
            .with_help(format!(
                "give host `{name}` a tag and use that, or name the device's user or group instead"
            )),
        );
    }
}

/// Each selector of a list with what it is used as.
fn selectors<'m>(
    list: &'m [Selector],
    what: &'static str,
) -> Vec<(&'m Principal, Span, &'static str)> {
    list.iter().map(|s| (&s.principal, s.span, what)).collect()
}
