//! The tailnet policy evaluated offline: may this source reach that destination on this port,
//! may it SSH there as this user, and which rules say so.
//!
//! Tailscale only evaluates a policy's `tests` and `sshTests` on its servers, when the policy is
//! applied; this module answers the same questions at compile time from the [`Model`], following
//! Tailscale's documented semantics (the "Grants syntax", "Syntax reference for the tailnet
//! policy file", "Tags", "Autogroups" and "Tailscale SSH" pages):
//!
//! - access is denied by default; every grant and every legacy ACL is an allow rule, and a
//!   connection is allowed when any of them matches its source, destination, protocol and port
//!   (the union of all rules; nothing narrows what another rule allows);
//! - what each selector names is in [`matching`]; what each port notation lets through is in
//!   [`ports`]; how a principal becomes a device, an address or the internet is in [`node`];
//! - SSH ([`ssh`]) needs an SSH rule whose source, destination and users match (the first such
//!   rule decides between `accept` and `check`) and network access to TCP port 22.
//!
//! The evaluation is symbolic: it asks about what a device would be (a user's untagged device, a
//! device carrying a tag, a host), not about devices that exist. An answer that hangs on
//! something not known offline (a device's address, a role other than admin, a device posture, a
//! login nobody declared) is [`Verdict::Unknown`], with the facts that are missing.
//!
//! The rules in `rules::policy_tests` evaluate every `test` and SSH test of a project with it,
//! and `bopsc reach` asks it one question from the command line.

pub mod addr;
pub mod coverage;
pub mod matching;
pub mod node;
pub mod ports;
pub mod query;
pub mod ssh;

use crate::model::{Grant, LegacyAcl, Model, Origin, Principal, Selector};
use crate::source::Span;

use matching::{Match, Matcher, Side};
pub use node::{Device, Node, Owner, Target, Unresolved};
pub use ports::Traffic;

/// The kinds of rules that decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleKind {
    /// A grant.
    Grant,
    /// A rule of the legacy `acls` section.
    Acl,
    /// An SSH rule.
    Ssh,
}

/// A rule that allowed something, or came close.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    /// Grant, ACL or SSH rule.
    pub kind: RuleKind,
    /// The declaration's name.
    pub name: String,
    /// The declaration (its kind keyword and name).
    pub span: Span,
    /// The file it was declared in, relative to the project root.
    pub file: String,
}

impl RuleRef {
    fn new(kind: RuleKind, origin: &Origin, name: &str) -> RuleRef {
        RuleRef {
            kind,
            name: name.to_string(),
            span: origin.span,
            file: origin.file.clone(),
        }
    }

    /// `grant family_apps`, `acl legacy_web`, `ssh admins`.
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            RuleKind::Grant => "grant",
            RuleKind::Acl => "acl",
            RuleKind::Ssh => "ssh",
        };
        format!("{kind} {}", self.name)
    }
}

/// The answer to "may it connect".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A rule allows it.
    Allowed,
    /// No rule allows it.
    Denied,
    /// No rule certainly allows it, and one might: the answer needs facts not known offline.
    Unknown,
}

/// An answer with its reasons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Allowed, denied or unknown.
    pub verdict: Verdict,
    /// The rules that allow it (when allowed), in declaration order.
    pub rules: Vec<RuleRef>,
    /// What is not known offline, for rules that might allow it; one sentence each.
    pub unknowns: Vec<String>,
}

/// One source and one destination a question resolved to, and the answer for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The source.
    pub src: Node,
    /// The destination.
    pub dst: Node,
    /// Whether the source may reach the destination.
    pub decision: Decision,
}

/// The rule closest to allowing a denied connection, and how it falls short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closest {
    /// The rule.
    pub rule: RuleRef,
    /// How it falls short, starting with `it` (the rule), without a final period: `it lets
    /// user.bob reach tag.feed only on tcp 443`.
    pub reason: String,
}

/// The policy of a model, ready to be asked.
#[derive(Clone, Copy, Debug)]
pub struct Policy<'m> {
    model: &'m Model,
    matcher: Matcher<'m>,
}

impl<'m> Policy<'m> {
    /// The policy of a model.
    pub fn new(model: &'m Model) -> Policy<'m> {
        Policy {
            model,
            matcher: Matcher::new(model),
        }
    }

    /// The model asked about.
    pub fn model(&self) -> &'m Model {
        self.model
    }

    /// The devices or addresses a principal stands for.
    pub fn resolve(&self, principal: &Principal) -> Result<Vec<Node>, Unresolved> {
        node::resolve(self.model, principal)
    }

    /// Every source and destination the two principals stand for, each with its answer. A
    /// destination `autogroup.self` is each source's own devices.
    pub fn pairs(
        &self,
        src: &Principal,
        dst: &Principal,
        traffic: Traffic,
    ) -> Result<Vec<Pair>, Unresolved> {
        let sources = self.resolve(src)?;
        let mut out = Vec::new();
        for s in sources {
            for d in self.destinations(&s, dst)? {
                let decision = self.reach(&s, &d, traffic);
                out.push(Pair {
                    src: s.clone(),
                    dst: d,
                    decision,
                });
            }
        }
        Ok(out)
    }

    /// The destinations a principal stands for, seen from a source.
    pub fn destinations(&self, src: &Node, dst: &Principal) -> Result<Vec<Node>, Unresolved> {
        if !matches!(dst, Principal::Autogroup(a) if a == "self") {
            return self.resolve(dst);
        }
        let Some(owner) = src.device().and_then(Device::user) else {
            return Err(Unresolved {
                reason: format!(
                    "autogroup.self is the source user's own devices, and {} has no user identity",
                    src.label
                ),
            });
        };
        Ok(vec![Node {
            target: Target::Device(Device::of_user(owner.clone())),
            label: format!("autogroup.self (the devices of {})", src.label),
        }])
    }

    /// Whether a source may reach a destination with this traffic, and which rules allow it.
    pub fn reach(&self, src: &Node, dst: &Node, traffic: Traffic) -> Decision {
        let mut rules = Vec::new();
        let mut unknowns = Vec::new();
        for grant in &self.model.grants {
            if !has_network_layer(grant) || !ports::grant_allows(&grant.ip, traffic) {
                continue;
            }
            match self.grant_match(grant, src, dst) {
                Match::Yes => rules.push(RuleRef::new(RuleKind::Grant, &grant.origin, &grant.name)),
                Match::Maybe(why) => {
                    unknowns.push(format!("grant `{}` might allow it: {why}", grant.name))
                }
                Match::No => {}
            }
        }
        for acl in &self.model.acls {
            match self.acl_match(acl, src, dst, traffic) {
                Match::Yes => rules.push(RuleRef::new(RuleKind::Acl, &acl.origin, &acl.name)),
                Match::Maybe(why) => {
                    unknowns.push(format!("acl `{}` might allow it: {why}", acl.name))
                }
                Match::No => {}
            }
        }
        let verdict = if !rules.is_empty() {
            Verdict::Allowed
        } else if !unknowns.is_empty() {
            Verdict::Unknown
        } else {
            Verdict::Denied
        };
        Decision {
            verdict,
            rules,
            unknowns,
        }
    }

    /// Whether a grant's sources and destinations (ports aside) match, with its conditions.
    fn grant_match(&self, grant: &Grant, src: &Node, dst: &Node) -> Match {
        let ends = self
            .matcher
            .any(&grant.src, src, Side::Src)
            .and(self.matcher.any(&grant.dst, dst, Side::Dst(src)));
        if ends == Match::No {
            return Match::No;
        }
        ends.and(self.conditions(grant))
    }

    /// A rule's device posture: its own `srcPosture`, else the tailnet's `defaultSrcPosture`
    /// ("Policy syntax": the default applies to every rule without its own). Whether a device
    /// meets it is not known offline.
    pub(crate) fn posture(&self, own: &[String]) -> Match {
        let default = self
            .model
            .tailnet
            .as_ref()
            .map(|t| t.options.default_src_posture.as_slice())
            .unwrap_or_default();
        let postures = if own.is_empty() { default } else { own };
        if postures.is_empty() {
            return Match::Yes;
        }
        Match::Maybe(format!(
            "it requires the device posture {}, which is not known offline",
            postures
                .iter()
                .map(|p| format!("posture:{p}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    /// A grant's posture and routing conditions, which are not known offline.
    fn conditions(&self, grant: &Grant) -> Match {
        let posture = self.posture(&grant.src_posture);
        if posture != Match::Yes {
            return posture;
        }
        if !grant.via.is_empty() {
            return Match::Maybe(format!(
                "it applies only to traffic routed through {}, and routes are not known offline",
                self.labels(&grant.via)
            ));
        }
        Match::Yes
    }

    /// Whether a legacy ACL matches: a source, and a destination whose ports and `proto` let the
    /// traffic through.
    fn acl_match(&self, acl: &LegacyAcl, src: &Node, dst: &Node, traffic: Traffic) -> Match {
        let from = self.matcher.any(&acl.src, src, Side::Src);
        if from == Match::No {
            return Match::No;
        }
        let to = Match::any(
            acl.dst
                .iter()
                .filter(|d| ports::acl_allows(acl.proto, &d.ports, traffic))
                .map(|d| self.matcher.principal(&d.target, dst, Side::Dst(src))),
        );
        let ends = from.and(to);
        if ends == Match::No {
            return Match::No;
        }
        ends.and(self.posture(&acl.src_posture))
    }

    /// The grant or ACL that comes closest to allowing a denied connection: the first that
    /// matches both ends but not the port, else the first that matches the source, else the
    /// first that matches the destination.
    pub fn closest(&self, src: &Node, dst: &Node, traffic: Traffic) -> Option<Closest> {
        let mut candidates: Vec<Candidate> = Vec::new();
        for grant in &self.model.grants {
            candidates.push(Candidate {
                rule: RuleRef::new(RuleKind::Grant, &grant.origin, &grant.name),
                from: self.matcher.any(&grant.src, src, Side::Src).is_yes(),
                to: self.matcher.any(&grant.dst, dst, Side::Dst(src)).is_yes(),
                opens: has_network_layer(grant) && ports::grant_allows(&grant.ip, traffic),
                sources: self.labels(&grant.src),
                destinations: self.labels(&grant.dst),
                ports: ports::describe_specs(&grant.ip),
            });
        }
        for acl in &self.model.acls {
            let to: Vec<&crate::model::AclDestination> = acl
                .dst
                .iter()
                .filter(|d| {
                    self.matcher
                        .principal(&d.target, dst, Side::Dst(src))
                        .is_yes()
                })
                .collect();
            let destinations: Vec<String> = acl.dst.iter().map(|d| self.label(&d.target)).collect();
            candidates.push(Candidate {
                rule: RuleRef::new(RuleKind::Acl, &acl.origin, &acl.name),
                from: self.matcher.any(&acl.src, src, Side::Src).is_yes(),
                to: !to.is_empty(),
                opens: to
                    .iter()
                    .any(|d| ports::acl_allows(acl.proto, &d.ports, traffic)),
                sources: self.labels(&acl.src),
                destinations: destinations.join(", "),
                ports: ports::describe_acl(acl.proto, to.first().map_or(&[][..], |d| &d.ports)),
            });
        }
        // Both ends (the port differs) first, then the same source (the destination is missing
        // from it), then the same destination; the first of the best kind.
        let mut best: Option<(u8, Closest)> = None;
        for c in candidates {
            let (score, reason) = match (c.from, c.to) {
                // Both ends and the port match: what holds it back is a condition, said elsewhere.
                (true, true) if c.opens => continue,
                (true, true) => (
                    3,
                    format!(
                        "it lets {} reach {} only on {}",
                        src.label, c.destinations, c.ports
                    ),
                ),
                (true, false) => (
                    2,
                    format!(
                        "it lets {} reach {}, which does not include {}",
                        src.label, c.destinations, dst.label
                    ),
                ),
                (false, true) => (
                    1,
                    format!(
                        "it lets {} reach {}, and {} is not one of its sources",
                        c.sources, c.destinations, src.label
                    ),
                ),
                (false, false) => continue,
            };
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((
                    score,
                    Closest {
                        rule: c.rule,
                        reason,
                    },
                ));
            }
        }
        best.map(|(_, c)| c)
    }

    /// Selectors in bops notation, joined with commas.
    pub fn labels(&self, selectors: &[Selector]) -> String {
        let names: Vec<String> = selectors
            .iter()
            .map(|s| node::label(self.model, &s.principal))
            .collect();
        names.join(", ")
    }

    /// A principal in bops notation.
    pub fn label(&self, principal: &Principal) -> String {
        node::label(self.model, principal)
    }
}

/// A rule considered by [`Policy::closest`].
struct Candidate {
    rule: RuleRef,
    /// Whether its sources name the source.
    from: bool,
    /// Whether its destinations name the destination.
    to: bool,
    /// Whether it lets the traffic through to the destination.
    opens: bool,
    /// Its sources, its destinations and its ports, in words.
    sources: String,
    destinations: String,
    ports: String,
}

/// Whether a grant gives network access: it has an `ip` list, or no `app` capabilities (an
/// empty `ip` with no `app` is written as `*`); a grant with only `app` capabilities opens no
/// port.
fn has_network_layer(grant: &Grant) -> bool {
    !grant.ip.is_empty() || grant.app.is_empty()
}

/// The verdict for several pairs: denied if any pair is, else unknown if any is, else allowed.
pub fn overall(pairs: &[Pair]) -> Verdict {
    let verdicts = pairs.iter().map(|p| p.decision.verdict);
    if verdicts.clone().any(|v| v == Verdict::Denied) {
        Verdict::Denied
    } else if verdicts.clone().any(|v| v == Verdict::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Allowed
    }
}
