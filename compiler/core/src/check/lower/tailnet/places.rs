//! Once the whole policy is lowered: which selectors each field takes (`B3032`), and IP sets that
//! contain themselves (`B3031`).
//!
//! The types of the fields already say which kinds of thing each takes; what they cannot say is
//! which autogroups (`autogroup.self` only as a destination, `autogroup.shared` only as a source,
//! ...), which addresses (a range only in an IP set; a test's source and destinations one
//! address, not a CIDR range) and, in a legacy ACL's destinations, that services are for grants
//! only. These follow Tailscale's policy file reference.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use indexmap::IndexMap;

use super::ip::{self, Shape};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Model, Network, Principal, Selector};
use crate::source::Span;

/// A field of the policy that names things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// A grant's or legacy ACL's source.
    Src,
    /// A grant's destination.
    GrantDst,
    /// A legacy ACL's destination.
    AclDst,
    /// An SSH rule's source.
    SshSrc,
    /// An SSH rule's destination.
    SshDst,
    /// An ACL or SSH test's source or destination.
    Test,
    /// A tag's owner.
    Owner,
    /// Who an auto approver approves.
    Approver,
    /// A node attribute's target.
    NodeAttr,
    /// What an IP set adds or removes.
    IpSet,
}

impl Place {
    /// The field, for messages: "as a grant's destination".
    fn describe(self) -> &'static str {
        match self {
            Place::Src => "as a source",
            Place::GrantDst => "as a grant's destination",
            Place::AclDst => "as an ACL's destination",
            Place::SshSrc => "as an SSH rule's source",
            Place::SshDst => "as an SSH rule's destination",
            Place::Test => "in a test",
            Place::Owner => "as a tag owner",
            Place::Approver => "as an auto approver",
            Place::NodeAttr => "as a node attribute's target",
            Place::IpSet => "in an IP set",
        }
    }
}

/// Where an autogroup may be used, as Tailscale's reference lists it.
fn autogroup_allowed(name: &str, place: Place) -> bool {
    use Place::*;
    match name {
        "internet" => matches!(place, GrantDst | AclDst | IpSet),
        "self" => matches!(place, GrantDst | AclDst | SshDst),
        "shared" | "danger-all" => place == Src,
        "nonroot" => false,
        _ => matches!(
            place,
            Src | GrantDst | AclDst | SshSrc | Owner | Approver | NodeAttr
        ),
    }
}

/// Where an autogroup may be used, for the help.
fn autogroup_places(name: &str) -> &'static str {
    match name {
        "internet" => "only as a grant's or ACL's destination, or in an IP set",
        "self" => "only as a destination",
        "shared" | "danger-all" => "only as a grant's or ACL's source",
        "nonroot" => "only among an SSH rule's `users`",
        _ => "as a source, a destination (not of an SSH rule), a tag owner, an auto approver or a node attribute's target",
    }
}

impl Checker<'_> {
    /// Checks the selectors of every policy field, and IP set cycles. A selector in a place that
    /// does not take it is reported and taken out of the model, so that the rules, which read the
    /// model, do not report it again (a test whose source is taken out goes with it).
    pub fn check_policy(&mut self, model: &mut Model) {
        let networks = model.networks.clone();
        let mut found = Vec::new();
        let mut keep = |list: &mut Vec<Selector>, place: Place| {
            list.retain(|s| ok(&networks, &s.principal, s.span, place, &mut found));
        };
        for t in &mut model.tags {
            keep(&mut t.owners, Place::Owner);
        }
        for g in &mut model.grants {
            keep(&mut g.src, Place::Src);
            keep(&mut g.dst, Place::GrantDst);
        }
        for a in &mut model.acls {
            keep(&mut a.src, Place::Src);
        }
        for s in &mut model.ssh_rules {
            keep(&mut s.src, Place::SshSrc);
            keep(&mut s.dst, Place::SshDst);
        }
        for a in &mut model.auto_approvers {
            keep(&mut a.approvers, Place::Approver);
        }
        for n in &mut model.node_attrs {
            keep(&mut n.target, Place::NodeAttr);
        }
        for s in &mut model.ip_sets {
            keep(&mut s.add, Place::IpSet);
            keep(&mut s.remove, Place::IpSet);
        }
        for t in &mut model.ssh_tests {
            keep(&mut t.dst, Place::Test);
        }
        for a in &mut model.acls {
            a.dst
                .retain(|d| ok(&networks, &d.target, d.span, Place::AclDst, &mut found));
        }
        model.ssh_tests.retain(|t| {
            ok(
                &networks,
                &t.src.principal,
                t.src.span,
                Place::Test,
                &mut found,
            )
        });
        model.acl_tests.retain(|t| {
            ok(
                &networks,
                &t.src.principal,
                t.src.span,
                Place::Test,
                &mut found,
            )
        });
        for t in &mut model.acl_tests {
            for list in [&mut t.accept, &mut t.deny] {
                list.retain(|e| ok(&networks, &e.target, e.span, Place::Test, &mut found));
            }
        }
        for d in found {
            self.report(d);
        }
        self.check_ip_set_cycles(model);
    }

    /// `B3031`: IP sets that add or remove each other in a circle. Each cycle is reported once, at
    /// its first set in declaration order, with a label at every link.
    fn check_ip_set_cycles(&mut self, model: &Model) {
        let sets = &model.ip_sets;
        let index: IndexMap<&str, usize> = sets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        // For each set, the sets it names, with where.
        let links: Vec<Vec<(usize, Span)>> = sets
            .iter()
            .map(|s| {
                s.add
                    .iter()
                    .chain(&s.remove)
                    .filter_map(|sel| match &sel.principal {
                        Principal::IpSet(n) => index.get(n.as_str()).map(|i| (*i, sel.span)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let mut reported: BTreeSet<usize> = BTreeSet::new();
        for start in 0..sets.len() {
            if reported.contains(&start) {
                continue;
            }
            let Some(path) = cycle_through(&links, start) else {
                continue;
            };
            reported.extend(path.iter().map(|(i, _)| *i));
            let names: Vec<String> = path
                .iter()
                .filter_map(|(i, _)| sets.get(*i).map(|s| format!("ipset.{}", s.name)))
                .chain(sets.get(start).map(|s| format!("ipset.{}", s.name)))
                .collect();
            let Some(first) = sets.get(start) else {
                continue;
            };
            let mut d = Diagnostic::error(
                codes::B3031,
                format!("IP sets form a cycle: {}", names.join(" -> ")),
                first.origin.span,
            )
            .with_label(format!("`ipset.{}` ends up inside itself", first.name));
            for (n, (from, link)) in path.iter().enumerate() {
                let to = path.get(n + 1).map_or(start, |(i, _)| *i);
                let (Some(a), Some(b)) = (sets.get(*from), sets.get(to)) else {
                    continue;
                };
                d = d.with_secondary(
                    *link,
                    format!("`ipset.{}` names `ipset.{}`", a.name, b.name),
                );
            }
            self.report(
                d.with_note("Tailscale refuses IP sets that refer to each other in a circle")
                    .with_help("remove one of the links"),
            );
        }
    }
}

/// Whether a principal may be used in a place; when not, its diagnostic is added to `found`.
fn ok(
    networks: &[Network],
    principal: &Principal,
    span: Span,
    place: Place,
    found: &mut Vec<Diagnostic>,
) -> bool {
    let d = match principal {
        Principal::Autogroup(name) if !autogroup_allowed(name, place) => Diagnostic::error(
            codes::B3032,
            format!("`autogroup.{name}` cannot be used {}", place.describe()),
            span,
        )
        .with_label(format!("not allowed {}", place.describe()))
        .with_help(format!(
            "Tailscale takes `autogroup.{name}` {}",
            autogroup_places(name)
        )),
        Principal::Any if place == Place::Test => Diagnostic::error(
            codes::B3032,
            "a test names one destination, not `any`",
            span,
        )
        .with_label("`any` in a test")
        .with_help("name the device the test is about: a tag, a host, a user or an address"),
        Principal::Service(name) if place == Place::AclDst => Diagnostic::error(
            codes::B3032,
            format!("`service.{name}` cannot be an ACL's destination"),
            span,
        )
        .with_label("legacy ACLs do not know services")
        .with_help("grant access to a service with a `grant`"),
        Principal::Ip(text) => {
            let shape = ip::parse(text).map_or(Shape::Address, |a| a.shape);
            match address(text, shape, span, place, None) {
                Some(d) => d,
                None => return true,
            }
        }
        Principal::Network(name) => {
            let Some(network) = networks.iter().find(|n| &n.name == name) else {
                return true;
            };
            let shape = ip::parse(&network.address).map_or(Shape::Address, |a| a.shape);
            let at = Some((network.origin.span, name.as_str()));
            match address(&network.address, shape, span, place, at) {
                Some(d) => d,
                None => return true,
            }
        }
        _ => return true,
    };
    found.push(d);
    false
}

/// An address range outside an IP set, or a CIDR range in a test.
fn address(
    text: &str,
    shape: Shape,
    span: Span,
    place: Place,
    network: Option<(Span, &str)>,
) -> Option<Diagnostic> {
    let message = match (shape, place) {
        (Shape::Range, Place::IpSet) | (Shape::Address, _) => return None,
        (Shape::Cidr, p) if p != Place::Test => return None,
        (Shape::Range, _) => format!("the address range `{text}` can only be used in an IP set"),
        (Shape::Cidr, _) => format!("a test needs one address, and `{text}` is a CIDR range"),
    };
    let mut d = Diagnostic::error(codes::B3032, message, span)
        .with_label(format!("not allowed {}", place.describe()));
    if let Some((at, name)) = network {
        d = d.with_secondary(at, format!("network `{name}` is `{text}`"));
    }
    let help = match shape {
        Shape::Range => "put the range in an `ipset` and name the set, or write it as CIDR ranges",
        _ => "tests run from and to one device: name one of its addresses",
    };
    Some(d.with_help(help))
}

/// A shortest cycle from a set back to itself: each set on it with the span of its link to the
/// next (the last one's link leads back to the first).
fn cycle_through(links: &[Vec<(usize, Span)>], start: usize) -> Option<Vec<(usize, Span)>> {
    let mut parent: BTreeMap<usize, (usize, Span)> = BTreeMap::new();
    let mut seen = BTreeSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &(next, span) in links.get(node).into_iter().flatten() {
            if next == start {
                let mut path = vec![(node, span)];
                let mut at = node;
                while at != start {
                    let (up, link) = *parent.get(&at)?;
                    path.push((up, link));
                    at = up;
                }
                path.reverse();
                return Some(path);
            }
            if seen.insert(next) {
                parent.insert(next, (node, span));
                queue.push_back(next);
            }
        }
    }
    None
}
