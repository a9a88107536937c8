//! Whether a selector of a rule names a source or a destination.
//!
//! The answer is three-valued: [`Match::Yes`], [`Match::No`], or [`Match::Maybe`] with the fact
//! that is not known offline (a device's address, a role other than admin, whether an undeclared
//! login is a member). What each selector names, from Tailscale's "Grants syntax", "Syntax
//! reference for the tailnet policy file" and "Autogroups" documentation:
//!
//! - `*` is every device of the tailnet (and, as a destination, the internet through exit nodes
//!   and the approved subnets);
//! - a user is that user's devices, a group its members' devices;
//! - a tag is the devices that carry it; a tagged device is not its user's any more;
//! - `autogroup:member` is the devices of the users who are members of the tailnet (every
//!   declared user), `autogroup:admin` those of its admins, `autogroup:tagged` every tagged
//!   device, `autogroup:self` (as a destination only) the source user's own untagged devices,
//!   `autogroup:internet` the internet through an exit node, `autogroup:danger-all` everything;
//! - a host, as the policy file writes it, is every one of its tags (the emitted policy names a
//!   host by its tags), or its own device when it has none;
//! - an address, CIDR, network or IP set is the addresses in it; which address a device has is
//!   not known offline, except that it is inside Tailscale's ranges.

use crate::model::{IpSet, Model, Principal, Selector};

use super::addr::{AddrRange, TAILNET_V4};
use super::node::{Device, Node, Owner, Target};

/// How deep IP sets may nest before the evaluation gives up (a set that includes itself).
const MAX_SET_DEPTH: usize = 8;

/// Whether a selector names a source or a destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// It does.
    Yes,
    /// It does not.
    No,
    /// It depends on something not known offline, said in one sentence.
    Maybe(String),
}

impl Match {
    /// The first `Yes`, else the first `Maybe`, else `No`.
    pub fn any<I: IntoIterator<Item = Match>>(matches: I) -> Match {
        let mut maybe = None;
        for m in matches {
            match m {
                Match::Yes => return Match::Yes,
                Match::Maybe(r) if maybe.is_none() => maybe = Some(r),
                _ => {}
            }
        }
        maybe.map_or(Match::No, Match::Maybe)
    }

    /// Both: `No` if either is, `Yes` if both are, otherwise the first `Maybe`.
    pub fn and(self, other: Match) -> Match {
        match (self, other) {
            (Match::No, _) | (_, Match::No) => Match::No,
            (Match::Yes, Match::Yes) => Match::Yes,
            (Match::Maybe(r), _) | (_, Match::Maybe(r)) => Match::Maybe(r),
        }
    }

    /// Whether it is `Yes`.
    pub fn is_yes(&self) -> bool {
        *self == Match::Yes
    }
}

/// Which end of a connection a selector is matched against.
#[derive(Clone, Copy, Debug)]
pub enum Side<'a> {
    /// The source.
    Src,
    /// The destination, with the source (for `autogroup:self`).
    Dst(&'a Node),
}

/// Matches selectors against nodes, with the model for users, groups, hosts and IP sets.
#[derive(Clone, Copy, Debug)]
pub struct Matcher<'m> {
    model: &'m Model,
}

impl<'m> Matcher<'m> {
    /// A matcher over a model.
    pub fn new(model: &'m Model) -> Matcher<'m> {
        Matcher { model }
    }

    /// Whether any of the selectors names the node.
    pub fn any(&self, selectors: &[Selector], node: &Node, side: Side<'_>) -> Match {
        Match::any(
            selectors
                .iter()
                .map(|s| self.principal(&s.principal, node, side)),
        )
    }

    /// Whether a principal names the node.
    pub fn principal(&self, principal: &Principal, node: &Node, side: Side<'_>) -> Match {
        self.principal_at(principal, node, side, 0)
    }

    fn principal_at(&self, p: &Principal, node: &Node, side: Side<'_>, depth: usize) -> Match {
        match p {
            Principal::Any => self.any_selector(node, side),
            Principal::Network(n) => match self.model.networks.iter().find(|x| &x.name == n) {
                Some(net) => range_match(&net.address, node),
                None => Match::No,
            },
            Principal::Ip(ip) => range_match(ip, node),
            Principal::IpSet(s) => match self.model.ip_sets.iter().find(|x| &x.name == s) {
                Some(set) => self.set_match(set, node, side, depth),
                None => Match::No,
            },
            Principal::Service(s) => match &node.target {
                Target::Service(t) if t == s => Match::Yes,
                _ => Match::No,
            },
            Principal::Autogroup(a) if a == "danger-all" => Match::Yes,
            Principal::Autogroup(a) if a == "internet" => internet_match(node, side),
            _ => match &node.target {
                Target::Device(d) => self.device_match(p, d, node, side),
                Target::Address(range, text) => identity_of_address(p, range, text),
                Target::Internet | Target::Service(_) => Match::No,
            },
        }
    }

    /// `*`: every device; as a destination also the internet, subnets and services.
    fn any_selector(&self, node: &Node, side: Side<'_>) -> Match {
        match (&node.target, side) {
            (Target::Address(range, text), Side::Src) if !range.is_tailnet() => {
                Match::Maybe(format!(
                    "`*` includes sources in approved subnet routes, and whether `{text}` is in one is not known offline"
                ))
            }
            _ => Match::Yes,
        }
    }

    /// Users, the users of a domain, groups, tags, autogroups and hosts against a device.
    fn device_match(&self, p: &Principal, d: &Device, node: &Node, side: Side<'_>) -> Match {
        match p {
            Principal::User(u) => match d.user() {
                Some(Owner::User(name)) => yes_if(self.same_user(u, name)),
                _ => Match::No,
            },
            Principal::Group(g) => match d.user() {
                Some(Owner::User(name)) => yes_if(
                    self.model
                        .groups
                        .iter()
                        .any(|x| &x.name == g && x.members.iter().any(|m| m == name)),
                ),
                _ => Match::No,
            },
            Principal::UsersAt(domain) => match d.user() {
                Some(Owner::User(name)) => yes_if(
                    self.model
                        .users
                        .iter()
                        .any(|u| &u.name == name && login_in_domain(&u.email, domain)),
                ),
                Some(Owner::Undeclared(login)) => yes_if(login_in_domain(login, domain)),
                None => Match::No,
            },
            Principal::Tag(t) => yes_if(d.tags.contains(t)),
            Principal::Host(h) => self.host_match(h, d),
            Principal::Autogroup(a) => self.autogroup_match(a, d, node, side),
            _ => Match::No,
        }
    }

    /// Whether a user principal (a declaration name or a login) is this declared user.
    fn same_user(&self, principal: &str, name: &str) -> bool {
        principal == name
            || self
                .model
                .users
                .iter()
                .any(|u| u.name == name && u.email == principal)
    }

    /// A host as the policy writes it: each of its tags, or its own device when it has none.
    fn host_match(&self, host: &str, d: &Device) -> Match {
        if d.host.as_deref() == Some(host) {
            return Match::Yes;
        }
        let Some(decl) = self.model.hosts.iter().find(|h| h.name == host) else {
            return Match::No;
        };
        yes_if(decl.tags.iter().any(|s| match &s.principal {
            Principal::Tag(t) => d.tags.contains(t),
            _ => false,
        }))
    }

    fn autogroup_match(&self, a: &str, d: &Device, node: &Node, side: Side<'_>) -> Match {
        match a {
            "tagged" => yes_if(d.is_tagged()),
            "member" => match d.user() {
                Some(Owner::User(_)) => Match::Yes,
                Some(Owner::Undeclared(login)) => Match::Maybe(format!(
                    "`{login}` is not a declared user, so whether it is a member of the tailnet is not known offline"
                )),
                None => Match::No,
            },
            "admin" => match d.user() {
                Some(Owner::User(name)) => {
                    yes_if(self.model.users.iter().any(|u| &u.name == name && u.admin))
                }
                Some(Owner::Undeclared(login)) => Match::Maybe(format!(
                    "`{login}` is not a declared user, so whether it is an admin is not known offline"
                )),
                None => Match::No,
            },
            "self" => {
                let Side::Dst(src) = side else {
                    return Match::No;
                };
                match (src.device().and_then(Device::user), d.user()) {
                    (Some(a), Some(b)) => yes_if(a == b),
                    _ => Match::No,
                }
            }
            "shared" => match d.user() {
                Some(Owner::Undeclared(login)) => Match::Maybe(format!(
                    "`{login}` is not a declared user, so whether a device was shared with it is not known offline"
                )),
                _ => Match::No,
            },
            "owner" | "it-admin" | "network-admin" | "billing-admin" | "auditor" => {
                match d.user() {
                    Some(_) => Match::Maybe(format!(
                        "autogroup:{a} is a role bops does not know: whether {} has it is not known offline",
                        node.label
                    )),
                    None => Match::No,
                }
            }
            // `nonroot` names SSH users, not devices.
            "nonroot" => Match::No,
            _ => Match::Maybe(format!(
                "autogroup:{a} is not an autogroup bops knows, so what it names is not known offline"
            )),
        }
    }

    /// An IP set: in one of its `add` entries and in none of its `remove` entries.
    fn set_match(&self, set: &IpSet, node: &Node, side: Side<'_>, depth: usize) -> Match {
        if depth >= MAX_SET_DEPTH {
            return Match::Maybe(format!(
                "ipset:{} nests too deep to evaluate (does it include itself?)",
                set.name
            ));
        }
        let added = Match::any(
            set.add
                .iter()
                .map(|s| self.principal_at(&s.principal, node, side, depth + 1)),
        );
        let removed = Match::any(
            set.remove
                .iter()
                .map(|s| self.principal_at(&s.principal, node, side, depth + 1)),
        );
        match removed {
            Match::Yes => Match::No,
            Match::No => added,
            Match::Maybe(r) => added.and(Match::Maybe(r)),
        }
    }
}

fn yes_if(condition: bool) -> Match {
    if condition {
        Match::Yes
    } else {
        Match::No
    }
}

/// `autogroup:internet`: the internet as a destination, through an exit node.
fn internet_match(node: &Node, side: Side<'_>) -> Match {
    if matches!(side, Side::Src) {
        return Match::No;
    }
    match &node.target {
        Target::Internet => Match::Yes,
        Target::Address(range, _) => yes_if(!range.touches_tailnet() && !range.is_private()),
        _ => Match::No,
    }
}

/// An address selector (IP, CIDR, range) against a node.
fn range_match(text: &str, node: &Node) -> Match {
    let Some(range) = AddrRange::parse(text) else {
        return Match::No;
    };
    match &node.target {
        Target::Device(_) => {
            if range.contains(&TAILNET_V4) {
                Match::Yes
            } else if range.touches_tailnet() {
                Match::Maybe(format!(
                    "whether {} has an address in `{text}` is not known offline",
                    node.label
                ))
            } else {
                Match::No
            }
        }
        Target::Address(other, other_text) => {
            if range.contains(other) {
                Match::Yes
            } else if range.overlaps(other) {
                Match::Maybe(format!("only part of `{other_text}` is in `{text}`"))
            } else {
                Match::No
            }
        }
        Target::Internet => {
            let everything = ["0.0.0.0/0", "::/0"]
                .iter()
                .filter_map(|t| AddrRange::parse(t))
                .any(|all| range.contains(&all));
            if everything {
                Match::Yes
            } else if !range.is_private() && !range.is_tailnet() {
                Match::Maybe(format!("`{text}` is only part of the internet"))
            } else {
                Match::No
            }
        }
        Target::Service(_) => Match::No,
    }
}

/// A user, group, tag, host or autogroup against a literal address: only an address inside
/// Tailscale's ranges can be a device, and which device is not known offline.
/// Whether a login (`alice@example.com`) is in a domain (`user:*@example.com`), compared without
/// regard to case.
pub fn login_in_domain(login: &str, domain: &str) -> bool {
    login
        .rsplit_once('@')
        .is_some_and(|(_, d)| d.eq_ignore_ascii_case(domain))
}

fn identity_of_address(p: &Principal, range: &AddrRange, text: &str) -> Match {
    if !range.touches_tailnet() {
        return Match::No;
    }
    let what = match p {
        Principal::User(u) => format!("a device of user {u}"),
        Principal::Group(g) => format!("a device of a member of group.{g}"),
        Principal::UsersAt(domain) => format!("a device of a user of `{domain}`"),
        Principal::Tag(t) => format!("a device tagged tag.{t}"),
        Principal::Host(h) => format!("host.{h}"),
        Principal::Autogroup(a) => format!("a device in autogroup.{a}"),
        _ => return Match::No,
    };
    Match::Maybe(format!("whether `{text}` is {what} is not known offline"))
}
