//! What a connection goes from and to: a device, an address, the internet or a VIP service, and
//! how the policy's principals resolve into them.
//!
//! The evaluation is symbolic: it does not need the devices to exist, only what a device would
//! be. A device is the tags it carries, or the user who owns it (Tailscale, "Tags": a device that
//! is tagged is owned by its tags and no longer by the user who authenticated it, so it has no
//! user identity), and the host declaration it is, when it is one.
//!
//! How principals resolve, as a source or a destination:
//!
//! - a user (by declaration name or login) is a device of that user, untagged; a login that no
//!   `user` declares is kept as an undeclared owner, whose memberships are not known offline;
//! - a group is a device of each member, asked about one by one; `autogroup.member` and
//!   `autogroup.admin` likewise stand for each declared user who is one;
//! - a tag is a device that carries that tag;
//! - a host is its device: its tags, or its owner when it has none;
//! - a network or an IP literal is an address; `autogroup.internet` is the internet; a VIP
//!   service is itself.
//!
//! Being symbolic, a tag stands for a device that carries that tag and no other, so a grant to
//! another tag that real devices happen to carry as well does not count; and a host is its whole
//! device, all its tags, where the emitted policy names a host in a test by its first tag (the
//! two answers differ only when a grant names one of the host's other tags).

use std::collections::BTreeSet;

use crate::model::{Model, Principal};

use super::addr::AddrRange;

/// Who owns an untagged device.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    /// A declared user, by declaration name.
    User(String),
    /// A login that no `user` declares.
    Undeclared(String),
}

/// A device of the tailnet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// The tags it carries; a device with tags has no owner.
    pub tags: BTreeSet<String>,
    /// The user who owns it, for an untagged device.
    pub owner: Option<Owner>,
    /// The host declaration it is, if it is one.
    pub host: Option<String>,
}

impl Device {
    /// A device of a user.
    pub fn of_user(owner: Owner) -> Device {
        Device {
            owner: Some(owner),
            ..Device::default()
        }
    }

    /// A device carrying these tags.
    pub fn tagged<I: IntoIterator<Item = String>>(tags: I) -> Device {
        Device {
            tags: tags.into_iter().collect(),
            ..Device::default()
        }
    }

    /// Whether the device carries tags (and so has no user identity).
    pub fn is_tagged(&self) -> bool {
        !self.tags.is_empty()
    }

    /// The owner, if the device is untagged and owned.
    pub fn user(&self) -> Option<&Owner> {
        if self.is_tagged() {
            return None;
        }
        self.owner.as_ref()
    }
}

/// What a connection goes from or to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A device.
    Device(Device),
    /// An address or range given literally, with its text.
    Address(AddrRange, String),
    /// The internet, through an exit node (`autogroup:internet`).
    Internet,
    /// A VIP service (`svc:NAME`).
    Service(String),
}

/// A source or destination with how it is named in messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// What it is.
    pub target: Target,
    /// How messages name it, in bops notation: `user.alice`, `tag.feed`, `host.atlas`.
    pub label: String,
}

impl Node {
    /// The device, if the node is one.
    pub fn device(&self) -> Option<&Device> {
        match &self.target {
            Target::Device(d) => Some(d),
            _ => None,
        }
    }
}

/// Why a principal does not resolve to something a connection can go from or to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// What is wrong, one sentence without a final period.
    pub reason: String,
}

impl Unresolved {
    fn new(reason: impl Into<String>) -> Unresolved {
        Unresolved {
            reason: reason.into(),
        }
    }
}

/// A principal in bops notation: `user.alice`, `group.family`, `tag.feed`, `autogroup.member`.
pub fn label(model: &Model, principal: &Principal) -> String {
    match principal {
        Principal::Any => "any".to_string(),
        Principal::User(u) => match model.users.iter().find(|x| &x.name == u) {
            Some(_) => format!("user.{u}"),
            None => u.clone(),
        },
        Principal::UsersAt(domain) => format!("users_at(\"{domain}\")"),
        Principal::Group(g) => format!("group.{g}"),
        Principal::Tag(t) => format!("tag.{t}"),
        Principal::Autogroup(a) => format!("autogroup.{a}"),
        Principal::Host(h) => format!("host.{h}"),
        Principal::Network(n) => format!("network.{n}"),
        Principal::Ip(ip) => format!("ip(\"{ip}\")"),
        Principal::IpSet(s) => format!("ipset.{s}"),
        Principal::Service(s) => format!("service.{s}"),
    }
}

/// The owner a user principal names: a declared user by name or login, or an undeclared login.
pub fn user_owner(model: &Model, user: &str) -> Result<Owner, Unresolved> {
    if let Some(u) = model
        .users
        .iter()
        .find(|u| u.name == user || u.email == user)
    {
        return Ok(Owner::User(u.name.clone()));
    }
    if user.contains('@') {
        return Ok(Owner::Undeclared(user.to_string()));
    }
    Err(Unresolved::new(format!(
        "no user `{user}` is declared, and `{user}` is not a login"
    )))
}

/// The devices or addresses a principal stands for.
pub fn resolve(model: &Model, principal: &Principal) -> Result<Vec<Node>, Unresolved> {
    let one = |target: Target| {
        Ok(vec![Node {
            target,
            label: label(model, principal),
        }])
    };
    match principal {
        Principal::User(u) => one(Target::Device(Device::of_user(user_owner(model, u)?))),
        Principal::Group(g) => {
            let group = model
                .groups
                .iter()
                .find(|x| &x.name == g)
                .ok_or_else(|| Unresolved::new(format!("no group `{g}` is declared")))?;
            if group.members.is_empty() {
                return Err(Unresolved::new(format!(
                    "group.{g} has no members, so it names no device"
                )));
            }
            Ok(group
                .members
                .iter()
                .map(|m| user_node(model, m, Some(&format!("group.{g}"))))
                .collect())
        }
        Principal::UsersAt(domain) => {
            let users: Vec<Node> = model
                .users
                .iter()
                .filter(|u| super::matching::login_in_domain(&u.email, domain))
                .map(|u| user_node(model, &u.name, Some(&label(model, principal))))
                .collect();
            if users.is_empty() {
                return Err(Unresolved::new(format!(
                    "no declared user's login is in `{domain}`, so users_at(\"{domain}\") names no device"
                )));
            }
            Ok(users)
        }
        Principal::Tag(t) => {
            if !model.tags.iter().any(|x| &x.name == t) {
                return Err(Unresolved::new(format!("no tag `{t}` is declared")));
            }
            one(Target::Device(Device::tagged([t.clone()])))
        }
        Principal::Host(h) => {
            let host = model
                .hosts
                .iter()
                .find(|x| &x.name == h)
                .ok_or_else(|| Unresolved::new(format!("no host `{h}` is declared")))?;
            let tags: BTreeSet<String> = host
                .tags
                .iter()
                .filter_map(|s| match &s.principal {
                    Principal::Tag(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            let owner = match (&host.owner, tags.is_empty()) {
                (Some(o), true) => {
                    Some(user_owner(model, o).unwrap_or_else(|_| Owner::Undeclared(o.clone())))
                }
                _ => None,
            };
            one(Target::Device(Device {
                tags,
                owner,
                host: Some(h.clone()),
            }))
        }
        Principal::Autogroup(a) if a == "internet" => one(Target::Internet),
        Principal::Autogroup(a) if a == "member" || a == "admin" => {
            let users: Vec<Node> = model
                .users
                .iter()
                .filter(|u| a == "member" || u.admin)
                .map(|u| user_node(model, &u.name, Some(&format!("autogroup.{a}"))))
                .collect();
            if users.is_empty() {
                return Err(Unresolved::new(format!(
                    "autogroup.{a} has no declared user, so it names no device"
                )));
            }
            Ok(users)
        }
        Principal::Autogroup(a) => Err(Unresolved::new(format!(
            "autogroup.{a} is not one device or a list of users to ask about one by one"
        ))),
        Principal::Any => Err(Unresolved::new(
            "`any` names every device; ask about one device, user, group, tag or host",
        )),
        Principal::Network(n) => {
            let network = model
                .networks
                .iter()
                .find(|x| &x.name == n)
                .ok_or_else(|| Unresolved::new(format!("no network `{n}` is declared")))?;
            address(&network.address, label(model, principal))
        }
        Principal::Ip(ip) => address(ip, label(model, principal)),
        Principal::IpSet(s) => Err(Unresolved::new(format!(
            "ipset.{s} is a set of addresses; ask about one address or range in it"
        ))),
        Principal::Service(s) => one(Target::Service(s.clone())),
    }
}

/// A declared user's device, labelled `user.NAME` (`user.NAME in group.G` when `via` is given).
fn user_node(model: &Model, user: &str, via: Option<&str>) -> Node {
    let owner = model.users.iter().find(|u| u.name == user).map_or_else(
        || Owner::Undeclared(user.to_string()),
        |u| Owner::User(u.name.clone()),
    );
    let label = match via {
        Some(group) => format!("user.{user} (in {group})"),
        None => format!("user.{user}"),
    };
    Node {
        target: Target::Device(Device::of_user(owner)),
        label,
    }
}

fn address(text: &str, label: String) -> Result<Vec<Node>, Unresolved> {
    let range = AddrRange::parse(text).ok_or_else(|| {
        Unresolved::new(format!(
            "`{text}` is not an IP address, a CIDR range or an `a-b` address range"
        ))
    })?;
    Ok(vec![Node {
        target: Target::Address(range, text.to_string()),
        label,
    }])
}
