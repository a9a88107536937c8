//! Tailscale SSH: may a source open an SSH session on a destination as a given local user.
//!
//! From Tailscale's "Tailscale SSH" and "Syntax reference for the tailnet policy file" (the `ssh`
//! section) pages:
//!
//! - an SSH rule allows a session when its `src` names the source, its `dst` names the
//!   destination (`autogroup:self` being the source user's own devices) and its `users` name the
//!   local user: `autogroup:nonroot` is every user but `root`, `root` must be listed to be
//!   allowed, `localpart:*@DOMAIN` is the local part of the source user's login in that domain;
//! - the action is `accept` (the session starts) or `check` (the user must have authenticated
//!   again recently, `checkPeriod`); the destination's client applies the first rule that matches,
//!   in the order of the policy;
//! - a rule's `srcPosture` (else the tailnet's `defaultSrcPosture`) must hold on the source
//!   device, which is not known offline;
//! - Tailscale SSH also needs the network: a grant or ACL must let the source reach TCP port 22
//!   on the destination;
//! - whatever the rules say, a device with a user identity only accepts sessions from its own
//!   user's devices, and a tagged device can only SSH into other tagged devices (Tailscale,
//!   "Tags": "Devices with a tag-based identity can only SSH into other tagged devices").
//!
//! An SSH test (`sshTests`) then asserts, per local user, that a session is accepted without a
//! check (`accept`), accepted after a check (`check`), or refused (`deny`).

use crate::model::{SshAction, SshRule};

use super::matching::{Match, Side};
use super::node::{Device, Node, Owner};
use super::{Decision, Policy, RuleKind, RuleRef, Traffic, Verdict};

/// The port Tailscale SSH listens on.
pub const SSH_PORT: u16 = 22;

/// The name [`Policy::ssh_as_unnamed_user`] asks about: not a valid login name, so no rule lists
/// it, and not `root`.
const UNNAMED_USER: &str = "<unnamed user>";

/// What happens to an SSH session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SshOutcome {
    /// It starts without a check.
    Accept,
    /// It starts after the user authenticates again (check mode).
    Check,
    /// It is refused.
    Denied,
    /// It depends on something not known offline.
    Unknown,
}

impl SshOutcome {
    /// `accepted`, `accepted after a check`, `denied`, `undecided`.
    pub fn describe(self) -> &'static str {
        match self {
            SshOutcome::Accept => "accepted without a check",
            SshOutcome::Check => "accepted after a check",
            SshOutcome::Denied => "denied",
            SshOutcome::Unknown => "undecided offline",
        }
    }
}

/// The answer to "may it SSH there as this user", with its reasons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshDecision {
    /// Accept, check, denied or unknown.
    pub outcome: SshOutcome,
    /// The SSH rule that decides: the first that matches (also when the network then refuses).
    pub rule: Option<RuleRef>,
    /// Whether the network lets the source reach TCP port 22 on the destination.
    pub network: Decision,
    /// What is not known offline, one sentence each.
    pub unknowns: Vec<String>,
    /// Why Tailscale refuses the session whatever the rules say, when it does.
    pub refusal: Option<String>,
}

impl Policy<'_> {
    /// Whether a source may SSH to a destination as a local user.
    pub fn ssh(&self, src: &Node, dst: &Node, user: &str) -> SshDecision {
        let network = self.reach(src, dst, Traffic::tcp(SSH_PORT));
        if let Some(refusal) = refusal(src, dst) {
            return SshDecision {
                outcome: SshOutcome::Denied,
                rule: None,
                network,
                unknowns: Vec::new(),
                refusal: Some(refusal),
            };
        }
        let mut unknowns = Vec::new();
        let mut undecided_before: Vec<SshAction> = Vec::new();
        let mut decided: Option<&SshRule> = None;
        for rule in &self.model().ssh_rules {
            match self.ssh_rule_match(rule, src, dst, user) {
                Match::Yes => {
                    decided = Some(rule);
                    break;
                }
                Match::Maybe(why) => {
                    unknowns.push(format!("ssh `{}` might match: {why}", rule.name));
                    undecided_before.push(rule.action);
                }
                Match::No => {}
            }
        }
        let rule_ref = decided.map(|r| RuleRef::new(RuleKind::Ssh, &r.origin, &r.name));
        let Some(rule) = decided else {
            let outcome = if unknowns.is_empty() {
                SshOutcome::Denied
            } else {
                SshOutcome::Unknown
            };
            return SshDecision {
                outcome,
                rule: None,
                network,
                unknowns,
                refusal: None,
            };
        };
        // An earlier rule that may match decides instead when its action differs.
        let earlier_differs = undecided_before.iter().any(|a| *a != rule.action);
        if !earlier_differs {
            unknowns.clear();
        }
        let outcome = match (network.verdict, earlier_differs, rule.action) {
            (Verdict::Denied, _, _) => SshOutcome::Denied,
            (Verdict::Unknown, _, _) | (_, true, _) => SshOutcome::Unknown,
            (Verdict::Allowed, false, SshAction::Accept) => SshOutcome::Accept,
            (Verdict::Allowed, false, SshAction::Check) => SshOutcome::Check,
        };
        if network.verdict == Verdict::Unknown {
            unknowns.extend(network.unknowns.iter().cloned());
        }
        SshDecision {
            outcome,
            rule: rule_ref,
            network,
            unknowns,
            refusal: None,
        }
    }

    /// Whether a source may SSH to a destination as a local user whose name is not known offline
    /// but is not `root`: the user Ansible logs in as when a host names none, its controller's own
    /// login name. `autogroup:nonroot` allows it; a rule that matches both ends and lists other
    /// users by name (or by `localpart:`) might, so a denial it could lift becomes unknown.
    pub fn ssh_as_unnamed_user(&self, src: &Node, dst: &Node) -> SshDecision {
        let mut decision = self.ssh(src, dst, UNNAMED_USER);
        if decision.outcome != SshOutcome::Denied
            || decision.refusal.is_some()
            || decision.network.verdict == Verdict::Denied
        {
            return decision;
        }
        let matcher = super::matching::Matcher::new(self.model());
        for rule in &self.model().ssh_rules {
            let named = rule
                .users
                .iter()
                .any(|u| u != "autogroup:nonroot" && u != "root");
            if !named {
                continue;
            }
            let ends = matcher.any(&rule.src, src, Side::Src).and(matcher.any(
                &rule.dst,
                dst,
                Side::Dst(src),
            ));
            if ends != Match::No {
                decision.outcome = SshOutcome::Unknown;
                decision.unknowns.push(format!(
                    "ssh `{}` might match: it names its users, and the local user is not known offline",
                    rule.name
                ));
            }
        }
        decision
    }

    /// The SSH rules whose source and destination certainly name these two, whatever their
    /// users: the rules a missing login comes closest to, in policy order.
    pub fn ssh_rules_between(&self, src: &Node, dst: &Node) -> Vec<&SshRule> {
        let matcher = super::matching::Matcher::new(self.model());
        self.model()
            .ssh_rules
            .iter()
            .filter(|rule| {
                matcher.any(&rule.src, src, Side::Src).and(matcher.any(
                    &rule.dst,
                    dst,
                    Side::Dst(src),
                )) == Match::Yes
            })
            .collect()
    }

    /// Whether an SSH rule names the source, the destination and the local user, with its device
    /// posture (its own `srcPosture`, else the tailnet's default), which is not known offline.
    fn ssh_rule_match(&self, rule: &SshRule, src: &Node, dst: &Node, user: &str) -> Match {
        if !users_allow(self, &rule.users, src, user) {
            return Match::No;
        }
        let matcher = super::matching::Matcher::new(self.model());
        let ends =
            matcher
                .any(&rule.src, src, Side::Src)
                .and(matcher.any(&rule.dst, dst, Side::Dst(src)));
        if ends == Match::No {
            return Match::No;
        }
        ends.and(self.posture(&rule.src_posture))
    }
}

/// Why Tailscale refuses a session into a device with a user identity, whatever the rules say:
/// the source is tagged, or another user's device.
fn refusal(src: &Node, dst: &Node) -> Option<String> {
    let owner = dst.device().and_then(Device::user)?;
    let src_device = src.device()?;
    if src_device.is_tagged() {
        return Some(format!(
            "{} is a tagged device, and a tagged device can only SSH into other tagged devices, not into {}, which has a user identity",
            src.label, dst.label
        ));
    }
    match src_device.user() {
        Some(o) if o == owner => None,
        _ => Some(format!(
            "{} is a device with a user identity, and only its own user's devices may SSH into it; {} is not",
            dst.label, src.label
        )),
    }
}

/// Whether an SSH rule's `users` let the session log in as `user`.
fn users_allow(policy: &Policy<'_>, users: &[String], src: &Node, user: &str) -> bool {
    users.iter().any(|entry| match entry.as_str() {
        "autogroup:nonroot" => user != "root",
        _ => match entry.strip_prefix("localpart:*@") {
            Some(domain) => login_of(policy, src).is_some_and(|login| {
                super::matching::login_in_domain(&login, domain)
                    && login
                        .rsplit_once('@')
                        .is_some_and(|(local, _)| local == user)
            }),
            None => entry == user,
        },
    })
}

/// The login of the user who owns the source device, if it is a user's device.
fn login_of(policy: &Policy<'_>, src: &Node) -> Option<String> {
    match src.device().and_then(Device::user)? {
        Owner::User(name) => policy
            .model()
            .users
            .iter()
            .find(|u| &u.name == name)
            .map(|u| u.email.clone()),
        Owner::Undeclared(login) => Some(login.clone()),
    }
}
