//! B3050, B3051, B3052: the policy's `test` declarations (Tailscale's `tests`), evaluated at
//! compile time with [`crate::policy`].
//!
//! A test names a source and destinations at ports it must reach (`accept`) or must not reach
//! (`deny`). The source and each destination resolve to one or more devices (a group to each of
//! its members); an `accept` holds when every source reaches every destination, a `deny` when
//! none does. The protocol is the test's, or TCP or UDP when it has none.
//!
//! - B3050 (error): an assertion does not hold. An unexpected deny says that no grant allows
//!   the source to reach the destination on the port, with the closest grant as help; an
//!   unexpected accept names the grants that allow it, with a label on each.
//! - B3051 (error): the source or a destination names nothing to evaluate (a group without
//!   members, a user that is neither declared nor a login).
//! - B3052 (warning): the answer depends on facts not known offline; the notes say which.
//!
//! Each assertion gives at most one diagnostic, at the destination it is about (at the source
//! when the source does not resolve, and then the test gives no other). A test whose source, or
//! an entry whose destination, is a host without tags is left to B3015.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{AclTest, Endpoint, Model, Principal};
use crate::policy::{Closest, Pair, Policy, Traffic, Verdict};

/// Evaluates every ACL test of the model.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let policy = Policy::new(model);
    for test in &model.acl_tests {
        check_test(&policy, test, out);
    }
}

fn check_test(policy: &Policy<'_>, test: &AclTest, out: &mut Vec<Diagnostic>) {
    if untagged_host(policy.model(), &test.src.principal) {
        return;
    }
    if let Err(unresolved) = policy.resolve(&test.src.principal) {
        out.push(
            Diagnostic::error(
                codes::B3051,
                format!(
                    "test `{}` cannot be evaluated: its source names no device",
                    test.name
                ),
                test.src.span,
            )
            .with_label(unresolved.reason)
            .with_help("make the source a declared user, a group with members, a tag or a host"),
        );
        return;
    }
    let asserts = test
        .accept
        .iter()
        .map(|e| (e, true))
        .chain(test.deny.iter().map(|e| (e, false)));
    for (endpoint, expect_allowed) in asserts {
        if untagged_host(policy.model(), &endpoint.target) {
            continue;
        }
        let traffic = Traffic {
            proto: test.proto,
            port: endpoint.port,
        };
        let pairs = match policy.pairs(&test.src.principal, &endpoint.target, traffic) {
            Ok(pairs) => pairs,
            Err(unresolved) => {
                out.push(
                    Diagnostic::error(
                        codes::B3051,
                        format!(
                            "test `{}` cannot be evaluated: {} names no device",
                            test.name,
                            policy.label(&endpoint.target)
                        ),
                        endpoint.span,
                    )
                    .with_label(unresolved.reason),
                );
                continue;
            }
        };
        let assertion = Assertion {
            policy,
            test,
            endpoint,
            traffic,
        };
        if let Some(d) = assertion.evaluate(&pairs, expect_allowed) {
            out.push(d);
        }
    }
}

/// Whether a principal is a host without tags, which B3015 reports in a test or an SSH test:
/// the test (or the entry) is not evaluated then, so that one mistake gives one diagnostic.
pub(super) fn untagged_host(model: &Model, principal: &Principal) -> bool {
    let Principal::Host(name) = principal else {
        return false;
    };
    model
        .hosts
        .iter()
        .any(|h| &h.name == name && h.tags.is_empty())
}

/// One `accept` or `deny` entry of a test, being evaluated.
struct Assertion<'a> {
    policy: &'a Policy<'a>,
    test: &'a AclTest,
    endpoint: &'a Endpoint,
    traffic: Traffic,
}

impl Assertion<'_> {
    /// The diagnostic for the entry, if it does not hold or cannot be decided.
    fn evaluate(&self, pairs: &[Pair], expect_allowed: bool) -> Option<Diagnostic> {
        let wrong = if expect_allowed {
            Verdict::Denied
        } else {
            Verdict::Allowed
        };
        let failing: Vec<&Pair> = pairs
            .iter()
            .filter(|p| p.decision.verdict == wrong)
            .collect();
        if let Some(first) = failing.first() {
            let d = if expect_allowed {
                self.unexpected_deny(first)
            } else {
                self.unexpected_accept(first)
            };
            return Some(self.also(d, &failing));
        }
        let undecided: Vec<&Pair> = pairs
            .iter()
            .filter(|p| p.decision.verdict == Verdict::Unknown)
            .collect();
        let first = undecided.first()?;
        Some(self.undecided(first, expect_allowed))
    }

    fn unexpected_deny(&self, pair: &Pair) -> Diagnostic {
        let mut d = Diagnostic::error(
            codes::B3050,
            format!(
                "test `{}` fails: no grant allows {} to reach {} on {}",
                self.test.name,
                pair.src.label,
                pair.dst.label,
                self.traffic.describe()
            ),
            self.endpoint.span,
        )
        .with_label("the test expects this to be allowed")
        .with_secondary(self.test.src.span, "the test's source");
        for unknown in &pair.decision.unknowns {
            d = d.with_note(unknown.clone());
        }
        match self
            .policy
            .closest(&pair.src, &pair.dst, self.traffic)
        {
            Some(Closest { rule, reason }) => d
                .with_secondary(rule.span, "the closest grant")
                .with_help(format!(
                    "the closest grant is `{}`: {reason}; widen it, add a grant, or change the test",
                    rule.name
                )),
            None => d.with_help(format!(
                "no grant names {} as a source or {} as a destination; add a grant, or change the test",
                pair.src.label, pair.dst.label
            )),
        }
    }

    fn unexpected_accept(&self, pair: &Pair) -> Diagnostic {
        let names: Vec<String> = pair
            .decision
            .rules
            .iter()
            .map(|r| format!("`{}`", r.name))
            .collect();
        let mut d = Diagnostic::error(
            codes::B3050,
            format!(
                "test `{}` fails: {} may reach {} on {}, allowed by {}",
                self.test.name,
                pair.src.label,
                pair.dst.label,
                self.traffic.describe(),
                names.join(", ")
            ),
            self.endpoint.span,
        )
        .with_label("the test expects this to be denied")
        .with_secondary(self.test.src.span, "the test's source");
        for rule in &pair.decision.rules {
            d = d.with_secondary(
                rule.span,
                format!(
                    "{} allows {} to reach {}",
                    rule.describe(),
                    pair.src.label,
                    pair.dst.label
                ),
            );
        }
        d.with_note("grants only add access: a connection is allowed when any grant allows it")
            .with_help("narrow the grants that allow it, or change the test")
    }

    fn undecided(&self, pair: &Pair, expect_allowed: bool) -> Diagnostic {
        let expected = if expect_allowed { "allowed" } else { "denied" };
        let mut d = Diagnostic::warning(
            codes::B3052,
            format!(
                "test `{}` cannot be decided offline: whether {} may reach {} on {} depends on facts bops does not have",
                self.test.name,
                pair.src.label,
                pair.dst.label,
                self.traffic.describe()
            ),
            self.endpoint.span,
        )
        .with_label(format!("the test expects this to be {expected}"));
        for unknown in &pair.decision.unknowns {
            d = d.with_note(unknown.clone());
        }
        d.with_help("Tailscale evaluates the test when the policy is applied; name users, groups, tags or `autogroup.admin` in the grants to let bops decide it")
    }

    /// Adds a note naming the other sources or destinations for which the entry fails too.
    fn also(&self, d: Diagnostic, failing: &[&Pair]) -> Diagnostic {
        let others: Vec<String> = failing
            .iter()
            .skip(1)
            .map(|p| format!("{} to {}", p.src.label, p.dst.label))
            .collect();
        if others.is_empty() {
            return d;
        }
        d.with_note(format!("it fails the same way for {}", others.join(", ")))
    }
}
