//! Lowering the tailnet policy: users, groups, tags, grants, SSH rules and ACL tests.

use super::data;
use crate::check::schema::Kind;
use crate::check::value::{Record, V};
use crate::model::{AclTest, Grant, Group, Origin, SshAction, SshRule, Tag, User};

/// A `user`.
pub fn user(fields: &Record, origin: Origin, name: String) -> User {
    User {
        email: data::string(fields, "email").unwrap_or_default(),
        admin: data::boolean(fields, "admin", false),
        origin,
        name,
    }
}

/// A `group`.
pub fn group(fields: &Record, origin: Origin, name: String) -> Group {
    Group {
        members: data::list(fields, "members")
            .iter()
            .filter_map(|v| data::reference(v, Kind::User))
            .collect(),
        origin,
        name,
    }
}

/// A `tag`.
pub fn tag(fields: &Record, origin: Origin, name: String) -> Tag {
    Tag {
        owners: data::selectors(fields, "owners"),
        origin,
        name,
    }
}

/// A `grant`.
pub fn grant(fields: &Record, origin: Origin, name: String) -> Grant {
    Grant {
        src: data::selectors(fields, "src"),
        dst: data::selectors(fields, "dst"),
        ip: data::list(fields, "ip")
            .iter()
            .filter_map(data::port_spec)
            .collect(),
        app: indexmap::IndexMap::new(),
        src_posture: Vec::new(),
        via: Vec::new(),
        origin,
        name,
    }
}

/// An `ssh` rule.
pub fn ssh(fields: &Record, origin: Origin, name: String) -> SshRule {
    let action = match data::string(fields, "action").as_deref() {
        Some("accept") => SshAction::Accept,
        _ => SshAction::Check,
    };
    let users = data::list(fields, "users")
        .iter()
        .filter_map(|v| match &v.kind {
            V::Str(s) => Some(s.clone()),
            V::Autogroup(a) => Some(format!("autogroup:{a}")),
            _ => None,
        })
        .collect();
    SshRule {
        action,
        src: data::selectors(fields, "src"),
        dst: data::selectors(fields, "dst"),
        users,
        check_period: data::seconds(fields, "check_period").map(crate::model::CheckPeriod::Seconds),
        accept_env: Vec::new(),
        origin,
        name,
    }
}

/// An ACL `test`; `None` when its source failed to check.
pub fn test(fields: &Record, origin: Origin, name: String) -> Option<AclTest> {
    let src = data::selector(data::get(fields, "src")?)?;
    let endpoints = |field: &str| {
        data::list(fields, field)
            .iter()
            .filter_map(data::endpoint)
            .collect()
    };
    Some(AclTest {
        src,
        accept: endpoints("accept"),
        deny: endpoints("deny"),
        proto: None,
        origin,
        name,
    })
}
