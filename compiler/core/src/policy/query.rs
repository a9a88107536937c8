//! Reading a source or destination written on a command line into a [`Principal`].
//!
//! The notation is the one of `.bops` files (`user.alice`, `group.family`, `tag.feed`,
//! `host.atlas`, `autogroup.member`, `network.office`, `ipset.lab`, `service.web`, `any`), with the
//! policy file's colons accepted too (`tag:feed`, `group:family`, `autogroup:internet`), a login
//! (`alice@example.com`) for a user, and an IP address or range (`100.64.0.5`, `10.0.0.0/8`).
//! Names must be declared; a login need not be (it is then an undeclared user, whose answers may
//! be unknown offline).

use crate::model::{Model, Principal};

use super::addr::AddrRange;
use crate::check::suggest;

/// Reads a principal, checking that what it names is declared.
pub fn parse(model: &Model, text: &str) -> Result<Principal, String> {
    let text = text.trim();
    if text == "any" || text == "*" {
        return Ok(Principal::Any);
    }
    if let Some((kind, _)) = text.split_once(['.', ':']) {
        if KINDS.contains(&kind) {
            return named(model, text);
        }
    }
    if text.contains('@') {
        let user = model.users.iter().find(|u| u.email == text);
        return Ok(Principal::User(
            user.map_or_else(|| text.to_string(), |u| u.name.clone()),
        ));
    }
    if AddrRange::parse(text).is_some() {
        return Ok(Principal::Ip(text.to_string()));
    }
    named(model, text)
}

/// The kinds a name may be prefixed with.
const KINDS: [&str; 9] = [
    "user",
    "group",
    "tag",
    "host",
    "autogroup",
    "network",
    "ipset",
    "svc",
    "service",
];

/// `KIND.NAME` or `KIND:NAME`.
fn named(model: &Model, text: &str) -> Result<Principal, String> {
    let Some((kind, name)) = text.split_once(['.', ':']) else {
        return Err(format!(
            "`{text}` is not a source or destination: write `user.NAME`, `group.NAME`, `tag.NAME`, `host.NAME`, `autogroup.NAME`, a login or an IP address"
        ));
    };
    let declared = |names: Vec<&str>, what: &str| -> Result<(), String> {
        if names.contains(&name) {
            return Ok(());
        }
        let mut message = format!("no {what} `{name}` is declared");
        if let Some(close) = suggest::closest(name, names.iter().copied()) {
            message.push_str(&format!("; did you mean `{kind}.{close}`?"));
        }
        Err(message)
    };
    let principal = match kind {
        "user" => {
            declared(model.users.iter().map(|u| u.name.as_str()).collect(), "user")?;
            Principal::User(name.to_string())
        }
        "group" => {
            declared(model.groups.iter().map(|g| g.name.as_str()).collect(), "group")?;
            Principal::Group(name.to_string())
        }
        "tag" => {
            declared(model.tags.iter().map(|t| t.name.as_str()).collect(), "tag")?;
            Principal::Tag(name.to_string())
        }
        "host" => {
            declared(model.hosts.iter().map(|h| h.name.as_str()).collect(), "host")?;
            Principal::Host(name.to_string())
        }
        "network" => {
            declared(
                model.networks.iter().map(|n| n.name.as_str()).collect(),
                "network",
            )?;
            Principal::Network(name.to_string())
        }
        "ipset" => {
            declared(model.ip_sets.iter().map(|s| s.name.as_str()).collect(), "ipset")?;
            Principal::IpSet(name.to_string())
        }
        "autogroup" => Principal::Autogroup(name.to_string()),
        "svc" | "service" => Principal::Service(name.to_string()),
        _ => {
            return Err(format!(
                "`{kind}` is not a kind of source or destination: use user, group, tag, host, autogroup, network, ipset or service"
            ))
        }
    };
    Ok(principal)
}
