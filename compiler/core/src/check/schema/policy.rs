//! The schemas of the policy kinds beyond users, groups, tags, grants, SSH rules and tests, and the
//! selector types the policy's fields share.

use super::{defaulted, field, optional, strings, Kind};
use crate::check::types::{FieldDefault, FieldType, Type};

/// The fields of the rest of the tailnet policy: named addresses (`network`), IP sets, Tailscale
/// Services, device postures, legacy ACLs, SSH tests, auto approvers and node attributes. What the
/// types cannot say (which autogroups a field takes, well-formed addresses, capability names and
/// posture conditions) is checked when they are lowered.
pub(super) fn policy_fields(kind: Kind) -> Vec<FieldType> {
    match kind {
        Kind::Network => vec![field("address", Type::String)],
        Kind::IpSet => vec![
            defaulted("add", Type::list(ip_set_member()), FieldDefault::EmptyList),
            defaulted(
                "remove",
                Type::list(ip_set_member()),
                FieldDefault::EmptyList,
            ),
        ],
        Kind::Service => Vec::new(),
        Kind::Posture => vec![field("rules", strings())],
        Kind::Acl => vec![
            defaulted(
                "action",
                Type::Literal("accept"),
                FieldDefault::Str("accept"),
            ),
            field("src", Type::list(network_selector(false))),
            field("dst", Type::list(Type::Destination)),
            optional("proto", protocol()),
            defaulted(
                "src_posture",
                Type::list(Type::Ref(Kind::Posture)),
                FieldDefault::EmptyList,
            ),
        ],
        Kind::SshTest => vec![
            field("src", test_selector()),
            field("dst", Type::list(test_selector())),
            defaulted("accept", strings(), FieldDefault::EmptyList),
            defaulted("check", strings(), FieldDefault::EmptyList),
            defaulted("deny", strings(), FieldDefault::EmptyList),
        ],
        Kind::AutoApprover => vec![
            defaulted(
                "routes",
                Type::list(Type::Union(vec![
                    Type::String,
                    Type::Ip,
                    Type::Ref(Kind::Network),
                ])),
                FieldDefault::EmptyList,
            ),
            defaulted("exit_node", Type::Bool, FieldDefault::Bool(false)),
            defaulted(
                "services",
                Type::list(Type::Union(vec![
                    Type::Ref(Kind::Service),
                    Type::Ref(Kind::Tag),
                ])),
                FieldDefault::EmptyList,
            ),
            field("by", Type::list(owner())),
        ],
        Kind::NodeAttr => vec![
            field(
                "target",
                Type::list(Type::Union(vec![
                    Type::AnyValue,
                    Type::Ref(Kind::User),
                    Type::Ref(Kind::Group),
                    Type::Ref(Kind::Tag),
                    Type::Autogroup,
                    Type::Ref(Kind::Host),
                ])),
            ),
            defaulted("attr", strings(), FieldDefault::EmptyList),
            defaulted("app", capabilities(), FieldDefault::EmptyRecord),
        ],
        _ => Vec::new(),
    }
}

/// What a grant's or legacy ACL's source names (and, with `service`, a grant's destination):
/// `any`, users, groups, tags, autogroups, hosts (as their tags), addresses, networks and IP sets.
pub(super) fn network_selector(service: bool) -> Type {
    let mut members = vec![
        Type::AnyValue,
        Type::Ref(Kind::User),
        Type::UsersAt,
        Type::Ref(Kind::Group),
        Type::Ref(Kind::Tag),
        Type::Autogroup,
        Type::Ref(Kind::Host),
        Type::Ip,
        Type::Ref(Kind::Network),
        Type::Ref(Kind::IpSet),
    ];
    if service {
        members.push(Type::Ref(Kind::Service));
    }
    Type::Union(members)
}

/// Who an ACL or SSH test is about, and an SSH test's destinations: one identity.
pub(super) fn test_selector() -> Type {
    Type::Union(vec![
        Type::Ref(Kind::User),
        Type::Ref(Kind::Group),
        Type::Ref(Kind::Tag),
        Type::Ref(Kind::Host),
        Type::Ip,
        Type::Ref(Kind::Network),
    ])
}

/// A tag owner or an auto approver: a user, a group, a tag or an autogroup.
pub(super) fn owner() -> Type {
    Type::Union(vec![
        Type::Ref(Kind::User),
        Type::Ref(Kind::Group),
        Type::Ref(Kind::Tag),
        Type::Autogroup,
    ])
}

/// What an IP set adds or removes: addresses, networks, other IP sets, `autogroup.internet`.
pub(super) fn ip_set_member() -> Type {
    Type::Union(vec![
        Type::Ip,
        Type::Ref(Kind::Network),
        Type::Ref(Kind::IpSet),
        Type::Autogroup,
    ])
}

/// The protocol of a legacy ACL or an ACL test.
pub(super) fn protocol() -> Type {
    Type::Union(vec![
        Type::Literal("tcp"),
        Type::Literal("udp"),
        Type::Literal("icmp"),
        Type::Literal("sctp"),
    ])
}

/// Application capabilities: a capability name to a list of records of plain data.
pub(super) fn capabilities() -> Type {
    Type::map(Type::list(Type::map(Type::Any)))
}
