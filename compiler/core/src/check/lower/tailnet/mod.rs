//! Lowering the tailnet policy: users, groups, tags, grants, SSH rules, ACL tests, the tailnet's
//! options and a host's owner here; legacy ACLs and the protocol of rules in [`acl`]; networks,
//! IP sets, services, postures, SSH tests, auto approvers and node attributes in [`entries`].
//!
//! The checks that the types cannot make are made here, where the values still carry their
//! spans: [`ip`] checks addresses (`B3028`), [`app`] application capabilities (`B3029`) and the
//! data they carry, [`posture`] posture conditions (`B3030`), [`acl`] that a rule's protocol and
//! ports agree (`B3035`). A declaration that would have no effect is `B3034`, a host with both an
//! owner and tags `B3033`. Once the whole policy is lowered, [`places`] checks which selectors
//! each field takes (`B3032`) and that IP sets do not contain themselves (`B3031`).
//!
//! A value that failed to check is an error value, already reported; it is skipped here, and a
//! list holding one is not reported as empty.

pub mod acl;
pub mod app;
pub mod entries;
pub mod ip;
pub mod places;
pub mod posture;

use super::data;
use crate::check::schema::Kind;
use crate::check::value::{Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    AclTest, CheckPeriod, Grant, Group, Model, Origin, PolicyOptions, PortRange, PortSpec,
    SshAction, SshRule, Tag, User,
};

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

/// The network-wide options of the `tailnet` declaration.
pub fn options(fields: &Record) -> PolicyOptions {
    let flag = |name: &str| match data::get(fields, name).map(|v| &v.kind) {
        Some(V::Bool(b)) => Some(*b),
        _ => None,
    };
    PolicyOptions {
        disable_ipv4: flag("disable_ipv4"),
        randomize_client_port: flag("randomize_client_port"),
        one_cgnat_route: data::string(fields, "one_cgnat_route"),
        default_src_posture: references(fields, "default_src_posture", Kind::Posture),
    }
}

/// The declaration names of a list field of references of one kind.
pub fn references(fields: &Record, name: &str, kind: Kind) -> Vec<String> {
    data::list(fields, name)
        .iter()
        .filter_map(|v| data::reference(v, kind))
        .collect()
}

/// Whether a list field holds a value that failed to check (so an empty result is no news).
pub fn failed(fields: &Record, name: &str) -> bool {
    data::get(fields, name).is_some_and(Value::is_error)
        || data::list(fields, name).iter().any(Value::is_error)
}

impl Checker<'_> {
    /// The lowering of the policy kinds that have no field of their own in [`super`]'s loop.
    pub fn lower_policy(
        &mut self,
        kind: Kind,
        fields: &Record,
        origin: Origin,
        name: String,
        model: &mut Model,
    ) {
        match kind {
            Kind::Network => {
                if let Some(network) = self.lower_network(fields, origin, name) {
                    model.networks.push(network);
                }
            }
            Kind::IpSet => model.ip_sets.push(entries::ip_set(fields, origin, name)),
            Kind::Posture => {
                let posture = self.lower_posture(fields, origin, name);
                model.postures.push(posture);
            }
            Kind::Acl => {
                if let Some(acl) = self.lower_acl(fields, origin, name) {
                    model.acls.push(acl);
                }
            }
            Kind::SshTest => {
                if let Some(test) = self.lower_ssh_test(fields, origin, name) {
                    model.ssh_tests.push(test);
                }
            }
            Kind::AutoApprover => {
                if let Some(approver) = self.lower_auto_approver(fields, origin, name) {
                    model.auto_approvers.push(approver);
                }
            }
            Kind::NodeAttr => {
                if let Some(attr) = self.lower_node_attr(fields, origin, name) {
                    model.node_attrs.push(attr);
                }
            }
            // A service has no fields: it is named by reference, `svc:NAME`, a DNS label, and
            // takes that name on the tailnet.
            Kind::Service => {
                model.services.push(crate::model::VipService {
                    origin: origin.clone(),
                    name: name.clone(),
                });
                if let Err(why) = crate::rules::valid::dns_label(&name) {
                    self.report(
                        Diagnostic::error(
                            codes::B3017,
                            format!("`{name}` is not a valid Tailscale Service name"),
                            origin.span,
                        )
                        .with_label(why)
                        .with_help("a service is `svc:NAME` with NAME a DNS label: lowercase letters, digits and `-`"),
                    );
                }
            }
            _ => {}
        }
    }

    /// A `grant`. Without `ip`, a grant gives every port unless it gives application
    /// capabilities (`app`), which need no network access of their own; a grant that gives
    /// neither is `B3034`, and is left out of the model like one whose ports all failed to check.
    pub fn lower_grant(&mut self, fields: &Record, origin: Origin, name: String) -> Option<Grant> {
        let app = self.capabilities(fields);
        // Capabilities as written: when they fail to check, the grant still is not one of ports.
        let gives_app = data::map(fields, "app").is_some_and(|m| !m.is_empty())
            || data::get(fields, "app").is_some_and(Value::is_error);
        let ip: Vec<PortSpec> = match data::get(fields, "ip") {
            Some(_) => data::list(fields, "ip")
                .iter()
                .filter_map(data::port_spec)
                .collect(),
            None if !gives_app => vec![PortSpec {
                proto: None,
                ports: PortRange::Any,
                span: origin.span,
            }],
            None => Vec::new(),
        };
        if ip.is_empty() && !gives_app && !failed(fields, "ip") {
            let at = data::get(fields, "ip").map_or(origin.span, |v| v.span);
            self.report(
                Diagnostic::error(
                    codes::B3034,
                    format!("grant `{name}` gives no access"),
                    at,
                )
                .with_label("no ports and no application capabilities")
                .with_help("list the ports in `ip` (`ip = [tcp(443)]`, or `any`), or give capabilities in `app`"),
            );
        }
        if ip.is_empty() && app.is_empty() {
            return None;
        }
        Some(Grant {
            src: data::selectors(fields, "src"),
            dst: data::selectors(fields, "dst"),
            ip,
            app,
            src_posture: references(fields, "src_posture", Kind::Posture),
            via: data::selectors(fields, "via"),
            origin,
            name,
        })
    }

    /// An `ssh` rule: its users (an autogroup among them must be `autogroup.nonroot`, `B3032`),
    /// its check period (only for `check` rules, `B3034`) and the environment it accepts.
    pub fn lower_ssh(&mut self, fields: &Record, origin: Origin, name: String) -> SshRule {
        let action = match data::string(fields, "action").as_deref() {
            Some("accept") => SshAction::Accept,
            _ => SshAction::Check,
        };
        let mut users = Vec::new();
        for value in data::list(fields, "users") {
            match &value.kind {
                V::Str(s) => users.push(s.clone()),
                V::Autogroup(a) if a == "nonroot" => users.push(format!("autogroup:{a}")),
                V::LocalpartAt(domain) => users.push(format!("localpart:*@{domain}")),
                V::Autogroup(a) => self.report(
                    Diagnostic::error(
                        codes::B3032,
                        format!("`autogroup.{a}` is not a login user"),
                        value.span,
                    )
                    .with_label("an SSH rule's `users` are the accounts on the destination")
                    .with_help("the one autogroup of `users` is `autogroup.nonroot` (every account but `root`); name other accounts as strings"),
                ),
                _ => {}
            }
        }
        let check_period = match data::get(fields, "check_period").map(|v| &v.kind) {
            Some(V::Str(s)) if s == "always" => Some(CheckPeriod::Always),
            _ => data::seconds(fields, "check_period").map(CheckPeriod::Seconds),
        };
        if let (SshAction::Accept, Some(_), Some(period)) =
            (action, check_period, data::get(fields, "check_period"))
        {
            self.report(
                Diagnostic::error(
                    codes::B3034,
                    "`check_period` has no effect on an `accept` rule",
                    period.span,
                )
                .with_label("only `check` rules ask users to authenticate again")
                .with_help("remove `check_period`, or make the rule `action = \"check\"`"),
            );
        }
        let mut accept_env = Vec::new();
        for value in data::list(fields, "accept_env") {
            let V::Str(pattern) = &value.kind else {
                continue;
            };
            match env_pattern(pattern) {
                Ok(()) => accept_env.push(pattern.clone()),
                Err(why) => self.report(
                    Diagnostic::error(
                        codes::B2006,
                        format!("invalid value `\"{pattern}\"`"),
                        value.span,
                    )
                    .with_label(why)
                    .with_help("an `accept_env` entry is an environment variable name, with `*` and `?` as wildcards: `GIT_EDITOR`, `LC_*`"),
                ),
            }
        }
        SshRule {
            action,
            src: data::selectors(fields, "src"),
            dst: data::selectors(fields, "dst"),
            users,
            check_period,
            accept_env,
            src_posture: references(fields, "src_posture", Kind::Posture),
            origin,
            name,
        }
    }

    /// An ACL `test`, with its protocol (`B3035` when it and the destinations disagree). A test
    /// with neither `accept` nor `deny` is `B3034`. `None` when the test cannot be evaluated: its
    /// source failed to check, it has no destination, or its protocol is in question.
    pub fn lower_test(&mut self, fields: &Record, origin: Origin, name: String) -> Option<AclTest> {
        let src = data::selector(data::get(fields, "src")?)?;
        let endpoints = |field: &str| -> Vec<_> {
            data::list(fields, field)
                .iter()
                .filter_map(data::endpoint)
                .collect()
        };
        let (accept, deny) = (endpoints("accept"), endpoints("deny"));
        if accept.is_empty()
            && deny.is_empty()
            && !failed(fields, "accept")
            && !failed(fields, "deny")
        {
            self.report(
                Diagnostic::error(
                    codes::B3034,
                    format!("test `{name}` tests nothing"),
                    origin.span,
                )
                .with_label("no `accept` and no `deny` destinations")
                .with_help("list what the source must reach in `accept` (`[tag.web @ 443]`) and what it must not in `deny`"),
            );
        }
        let proto = self
            .test_protocol(fields, accept.iter().chain(&deny))
            .ok()?;
        if accept.is_empty() && deny.is_empty() {
            return None;
        }
        Some(AclTest {
            src,
            accept,
            deny,
            proto,
            origin,
            name,
        })
    }

    /// A host's `owner`; `B3033` when the host also carries tags (a tagged device has no user).
    pub fn host_owner(&mut self, fields: &Record) -> Option<String> {
        let value = data::get(fields, "owner")?;
        let owner = data::reference(value, Kind::User)?;
        let tags = data::get(fields, "tags");
        if let Some(tags) = tags.filter(|t| matches!(&t.kind, V::List(items) if !items.is_empty()))
        {
            self.report(
                Diagnostic::error(
                    codes::B3033,
                    format!("a host owned by `user.{owner}` cannot carry tags"),
                    value.span,
                )
                .with_label("the device belongs to this user")
                .with_secondary(tags.span, "tagging the device removes its user")
                .with_note("a Tailscale device is owned by a user or by its tags, never both")
                .with_help("keep `owner` for a user's workstation, or `tags` for a server"),
            );
            return None;
        }
        Some(owner)
    }
}

/// Whether an `acceptEnv` entry is a variable name with `*` and `?` wildcards.
fn env_pattern(pattern: &str) -> Result<(), String> {
    if pattern.is_empty() {
        return Err("the name is empty".to_string());
    }
    match pattern
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '*' | '?')))
    {
        Some(c) => Err(format!(
            "`{c}` cannot be part of an environment variable name"
        )),
        None => Ok(()),
    }
}
