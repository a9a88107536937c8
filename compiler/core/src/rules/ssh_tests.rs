//! B3050, B3051, B3052 for SSH tests (Tailscale's `sshTests`), evaluated with
//! [`crate::policy::ssh`].
//!
//! An SSH test names a source, destinations, and local users whose sessions must start without a
//! check (`accept`), start after a check (`check`), or be refused (`deny`), on every destination.
//! A session needs the first SSH rule that matches the source, the destination and the user, and
//! network access to TCP port 22; the rule's action says `accept` or `check`.
//!
//! Each user and destination that does not get the expected outcome is one B3050 error, at the
//! user in the test when the checker recorded where it was written (`accept.USER`, `check.USER`,
//! `deny.USER` in the model's spans), otherwise at the destination. A source or destination that
//! names nothing is B3051; an outcome that hangs on facts not known offline is B3052. A host
//! without tags, as the source or a destination, is left to B3015.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Model, Selector, SshTest};
use crate::policy::ssh::{SshDecision, SshOutcome, SSH_PORT};
use crate::policy::{Node, Policy, Traffic, Verdict};
use crate::source::Span;

use super::policy_tests::untagged_host;

/// Evaluates every SSH test of the model.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let policy = Policy::new(model);
    for test in &model.ssh_tests {
        check_test(&policy, test, out);
    }
}

fn check_test(policy: &Policy<'_>, test: &SshTest, out: &mut Vec<Diagnostic>) {
    if untagged_host(policy.model(), &test.src.principal) {
        return;
    }
    let sources = match policy.resolve(&test.src.principal) {
        Ok(sources) => sources,
        Err(unresolved) => {
            out.push(
                Diagnostic::error(
                    codes::B3051,
                    format!(
                        "SSH test `{}` cannot be evaluated: its source names no device",
                        test.name
                    ),
                    test.src.span,
                )
                .with_label(unresolved.reason),
            );
            return;
        }
    };
    for dst in &test.dst {
        if untagged_host(policy.model(), &dst.principal) {
            continue;
        }
        let mut pairs = Vec::new();
        for src in &sources {
            match policy.destinations(src, &dst.principal) {
                Ok(nodes) => pairs.extend(nodes.into_iter().map(|d| (src.clone(), d))),
                Err(unresolved) => {
                    out.push(
                        Diagnostic::error(
                            codes::B3051,
                            format!(
                                "SSH test `{}` cannot be evaluated: {} names no device",
                                test.name,
                                policy.label(&dst.principal)
                            ),
                            dst.span,
                        )
                        .with_label(unresolved.reason),
                    );
                    pairs.clear();
                    break;
                }
            }
        }
        let expectations = [
            ("accept", &test.accept, SshOutcome::Accept),
            ("check", &test.check, SshOutcome::Check),
            ("deny", &test.deny, SshOutcome::Denied),
        ];
        for (list, users, expected) in expectations {
            for user in users {
                let at = Place {
                    test,
                    dst,
                    span: user_span(policy.model(), test, list, user, dst),
                };
                if let Some(d) = evaluate(policy, &at, &pairs, user, expected) {
                    out.push(d);
                }
            }
        }
    }
}

/// Where a diagnostic about one user and destination points.
struct Place<'a> {
    test: &'a SshTest,
    dst: &'a Selector,
    span: Span,
}

/// The user as written in the test, if recorded in this file, else the destination.
fn user_span(model: &Model, test: &SshTest, list: &str, user: &str, dst: &Selector) -> Span {
    match model.spans.get(&test.origin, &format!("{list}.{user}")) {
        Some(span) if span.file == test.origin.span.file => span,
        _ => dst.span,
    }
}

fn evaluate(
    policy: &Policy<'_>,
    at: &Place<'_>,
    pairs: &[(Node, Node)],
    user: &str,
    expected: SshOutcome,
) -> Option<Diagnostic> {
    let decisions: Vec<(&Node, &Node, SshDecision)> = pairs
        .iter()
        .map(|(s, d)| (s, d, policy.ssh(s, d, user)))
        .collect();
    let wrong = decisions
        .iter()
        .find(|(_, _, d)| d.outcome != expected && d.outcome != SshOutcome::Unknown);
    if let Some((src, dst, decision)) = wrong {
        return Some(failure(policy, at, src, dst, user, expected, decision));
    }
    let (src, dst, decision) = decisions
        .iter()
        .find(|(_, _, d)| d.outcome == SshOutcome::Unknown)?;
    let mut d = Diagnostic::warning(
        codes::B3052,
        format!(
            "SSH test `{}` cannot be decided offline: whether {} may SSH to {} as `{user}` depends on facts bops does not have",
            at.test.name, src.label, dst.label
        ),
        at.span,
    )
    .with_label(format!("the test expects the session to be {}", expected.describe()));
    for unknown in &decision.unknowns {
        d = d.with_note(unknown.clone());
    }
    Some(d.with_help("Tailscale evaluates the test when the policy is applied"))
}

fn failure(
    policy: &Policy<'_>,
    at: &Place<'_>,
    src: &Node,
    dst: &Node,
    user: &str,
    expected: SshOutcome,
    decision: &SshDecision,
) -> Diagnostic {
    let mut d = Diagnostic::error(
        codes::B3050,
        format!(
            "SSH test `{}` fails: {} to {} as `{user}` is {}, not {}",
            at.test.name,
            src.label,
            dst.label,
            decision.outcome.describe(),
            expected.describe()
        ),
        at.span,
    )
    .with_label(format!(
        "the test expects the session to be {}",
        expected.describe()
    ));
    if at.dst.span != at.span {
        d = d.with_secondary(at.dst.span, "the destination");
    }
    if let Some(refusal) = &decision.refusal {
        return d
            .with_note(format!(
                "Tailscale refuses it whatever the SSH rules say: {refusal}"
            ))
            .with_help("tag the destination, or SSH from a device of the destination's own user");
    }
    let Some(rule) = &decision.rule else {
        return d.with_help(format!(
            "no SSH rule names {} as a source, {} as a destination and `{user}` as a user; add one, or change the test",
            src.label, dst.label
        ));
    };
    if decision.network.verdict == Verdict::Denied {
        d = d.with_secondary(rule.span, "this SSH rule matches");
        d = d.with_note(format!(
            "{} matches, but Tailscale SSH also needs network access, and no grant allows {} to reach {} on tcp port {SSH_PORT}",
            rule.describe(),
            src.label,
            dst.label
        ));
        return match policy.closest(src, dst, Traffic::tcp(SSH_PORT)) {
            Some(closest) => d
                .with_secondary(closest.rule.span, "the closest grant")
                .with_help(format!(
                    "the closest grant is `{}`: {}; open tcp port {SSH_PORT} to the destination",
                    closest.rule.name, closest.reason
                )),
            None => d.with_help(format!(
                "add a grant that opens tcp port {SSH_PORT} from {} to {}",
                src.label, dst.label
            )),
        };
    }
    d.with_secondary(
        rule.span,
        format!("the first SSH rule that matches, so it decides: {}", decision.outcome.describe()),
    )
    .with_note("the destination applies the first SSH rule that matches the source, the destination and the user, in the order of the policy")
    .with_help(match expected {
        SshOutcome::Denied => "narrow this rule's sources, destinations or users, or change the test".to_string(),
        _ => "change this rule's action, add a rule before it, or change the test".to_string(),
    })
}
