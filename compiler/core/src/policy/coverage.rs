//! Whether one grant allows everything another allows: the sources, destinations and ports of
//! the narrower one all fall within the broader one's.
//!
//! Selectors are compared by what they name, after expanding each into atoms: a group into its
//! members, a host into its tags (or itself when it has none), a network into its address range.
//! An atom is included in another when they are equal, or when `any` includes it, when
//! `autogroup.member` includes a declared user (or `autogroup.admin`, or `autogroup.self`), when
//! `autogroup.admin` includes an admin, when `autogroup.tagged` includes a tag, and when an
//! address range includes another. This is an under-approximation: when it says yes, the
//! narrower grant is redundant; a redundancy it cannot see (a range covered by two grants
//! together) is not reported.

use crate::model::{Grant, Model, PortRange, PortSpec, Principal, Selector};
use crate::source::Span;

use super::addr::AddrRange;
use super::ports::spec_covers;

/// What a selector names, in comparable pieces.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Atom {
    /// `*`.
    Any,
    /// A declared user, by name (or a login as written).
    User(String),
    /// A tag.
    Tag(String),
    /// An autogroup.
    Auto(String),
    /// An untagged host's own device.
    Host(String),
    /// An address range.
    Addr(AddrRange),
    /// Anything else, compared as written.
    Other(Principal),
}

/// A grant with its sources and destinations expanded (see [`Coverage::prepare`]).
#[derive(Clone, Debug)]
pub struct Prepared<'m> {
    grant: &'m Grant,
    src: Vec<Atom>,
    dst: Vec<Atom>,
}

/// Compares selectors against one model's users, groups, hosts and networks.
#[derive(Clone, Copy, Debug)]
pub struct Coverage<'m> {
    model: &'m Model,
}

impl<'m> Coverage<'m> {
    /// Coverage over a model.
    pub fn new(model: &'m Model) -> Coverage<'m> {
        Coverage { model }
    }

    /// A grant with its sources and destinations expanded into atoms once, for comparing it
    /// against many others.
    pub fn prepare(&self, grant: &'m Grant) -> Prepared<'m> {
        Prepared {
            grant,
            src: self.atoms(&grant.src),
            dst: self.atoms(&grant.dst),
        }
    }

    /// Whether `wide` allows every connection `narrow` allows. A grant whose sources or
    /// destinations name nothing (an empty group) is not covered: it allows nothing at all.
    pub fn grant_covers(&self, wide: &'m Grant, narrow: &'m Grant) -> bool {
        self.covers_prepared(&self.prepare(wide), &self.prepare(narrow))
    }

    /// [`Coverage::grant_covers`] on prepared grants.
    pub fn covers_prepared(&self, wide: &Prepared<'_>, narrow: &Prepared<'_>) -> bool {
        if narrow.src.is_empty() || narrow.dst.is_empty() {
            return false;
        }
        let (w, n) = (wide.grant, narrow.grant);
        let conditions = w.src_posture.iter().all(|p| n.src_posture.contains(p))
            && (w.via.is_empty() || same_principals(&w.via, &n.via))
            && (n.app.is_empty() || n.app == w.app);
        if !conditions {
            return false;
        }
        narrow
            .src
            .iter()
            .all(|a| wide.src.iter().any(|b| self.covers(b, a)))
            && narrow
                .dst
                .iter()
                .all(|a| wide.dst.iter().any(|b| self.covers(b, a)))
            && self.ports_cover(w, n)
    }

    /// Whether the wide grant's ports include the narrow one's.
    fn ports_cover(&self, wide: &Grant, narrow: &Grant) -> bool {
        let network = |g: &Grant| !g.ip.is_empty() || g.app.is_empty();
        if !network(narrow) {
            return true;
        }
        if !network(wide) {
            return false;
        }
        let star = [PortSpec {
            proto: None,
            ports: PortRange::Any,
            span: Span::default(),
        }];
        let specs = |g: &Grant| -> Vec<PortSpec> {
            if g.ip.is_empty() {
                star.to_vec()
            } else {
                g.ip.clone()
            }
        };
        let (w, n) = (specs(wide), specs(narrow));
        n.iter().all(|ns| w.iter().any(|ws| spec_covers(ws, ns)))
    }

    fn atoms(&self, selectors: &[Selector]) -> Vec<Atom> {
        let mut out = Vec::new();
        for s in selectors {
            self.expand(&s.principal, &mut out);
        }
        out
    }

    fn expand(&self, p: &Principal, out: &mut Vec<Atom>) {
        match p {
            Principal::Any => out.push(Atom::Any),
            Principal::User(u) => out.push(Atom::User(u.clone())),
            Principal::Group(g) => {
                if let Some(group) = self.model.groups.iter().find(|x| &x.name == g) {
                    out.extend(group.members.iter().map(|m| Atom::User(m.clone())));
                }
            }
            Principal::Tag(t) => out.push(Atom::Tag(t.clone())),
            Principal::Autogroup(a) => out.push(Atom::Auto(a.clone())),
            Principal::Host(h) => {
                let tags: Vec<Atom> = self
                    .model
                    .hosts
                    .iter()
                    .filter(|x| &x.name == h)
                    .flat_map(|x| x.tags.iter())
                    .filter_map(|s| match &s.principal {
                        Principal::Tag(t) => Some(Atom::Tag(t.clone())),
                        _ => None,
                    })
                    .collect();
                if tags.is_empty() {
                    out.push(Atom::Host(h.clone()));
                } else {
                    out.extend(tags);
                }
            }
            Principal::Network(n) => {
                let range = self
                    .model
                    .networks
                    .iter()
                    .find(|x| &x.name == n)
                    .and_then(|x| AddrRange::parse(&x.address));
                out.push(range.map_or_else(|| Atom::Other(p.clone()), Atom::Addr));
            }
            Principal::Ip(ip) => {
                out.push(AddrRange::parse(ip).map_or_else(|| Atom::Other(p.clone()), Atom::Addr));
            }
            // The users of a domain cover only themselves: undeclared logins may be among them.
            Principal::IpSet(_) | Principal::Service(_) | Principal::UsersAt(_) => {
                out.push(Atom::Other(p.clone()));
            }
        }
    }

    /// Whether the atom `wide` names everything the atom `narrow` names.
    fn covers(&self, wide: &Atom, narrow: &Atom) -> bool {
        if wide == narrow {
            return true;
        }
        match (wide, narrow) {
            (Atom::Any, _) => true,
            (Atom::Auto(a), Atom::User(u)) if a == "member" => self.is_user(u, false),
            (Atom::Auto(a), Atom::Auto(b)) if a == "member" => b == "admin" || b == "self",
            (Atom::Auto(a), Atom::User(u)) if a == "admin" => self.is_user(u, true),
            (Atom::Auto(a), Atom::Tag(_)) if a == "tagged" => true,
            (Atom::Addr(w), Atom::Addr(n)) => w.contains(n),
            _ => false,
        }
    }

    /// Whether a user is declared (and an admin, when asked).
    fn is_user(&self, user: &str, admin: bool) -> bool {
        self.model
            .users
            .iter()
            .any(|u| (u.name == user || u.email == user) && (u.admin || !admin))
    }
}

/// Whether two selector lists name the same principals, in any order.
fn same_principals(a: &[Selector], b: &[Selector]) -> bool {
    a.iter()
        .all(|x| b.iter().any(|y| x.principal == y.principal))
        && b.iter()
            .all(|y| a.iter().any(|x| x.principal == y.principal))
}
