//! `bopsc reach`: ask the project's tailnet policy one question, offline.
//!
//! `bopsc reach [DIR] SRC DST PORT [--proto tcp|udp]` says whether SRC may reach DST on the port,
//! and which grants allow it; `bopsc reach [DIR] SRC DST --ssh USER` says whether SRC may open a
//! Tailscale SSH session on DST as the local user USER, and under which SSH rule. SRC and DST are
//! written as in `.bops` files (`user.alice`, `group.family`, `tag.feed`, `host.atlas`), or as a
//! login or an IP address (see `bops_core::policy::query`).
//!
//! The answer is printed on stdout, one line per source and destination when a group stands for
//! several users, then the verdict. Exit codes: 0 allowed, 1 denied, 2 bad input (an unknown
//! name, a port out of range, a project that cannot be read), 3 undecided offline (the answer
//! needs facts bops does not have; the lines say which).

use std::path::{Path, PathBuf};

use bops_core::model::{CheckPeriod, Proto, SshAction};
use bops_core::policy::ssh::{SshDecision, SshOutcome};
use bops_core::policy::{overall, query, Pair, Policy, RuleRef, Traffic, Verdict};
use bops_core::{Compilation, SourceMap};

use crate::build::{compile_project, DEFAULT_OUT};
use crate::cli::{ReachArgs, ReachProto};
use crate::failure::Failure;
use crate::report::{self, Style};
use crate::Exit;

/// What the positional arguments ask.
struct Question {
    dir: PathBuf,
    src: String,
    dst: String,
    port: Option<u16>,
}

/// Runs `bopsc reach`.
pub fn reach(args: &ReachArgs, style: Style) -> Result<Exit, Failure> {
    let question = question(args)?;
    let (_, compilation) = compile_project(&question.dir, &question.dir.join(DEFAULT_OUT))?;
    let Some(model) = &compilation.model else {
        return Err(Failure::new(
            "the project did not compile far enough to have a policy",
        ));
    };
    if compilation.has_errors() {
        report::summary(
            "note: the project has errors (`bopsc check` shows them); the answer is about what compiled",
            style,
        );
    }
    let policy = Policy::new(model);
    let src = query::parse(model, &question.src).map_err(|e| bad("source", &question.src, &e))?;
    let dst =
        query::parse(model, &question.dst).map_err(|e| bad("destination", &question.dst, &e))?;
    let mut out = String::new();
    let exit = match (&args.ssh, question.port) {
        (Some(user), _) => ssh(&policy, &compilation, &src, &dst, user, &mut out)?,
        (None, Some(port)) => {
            let proto = match args.proto {
                Some(ReachProto::Udp) => Proto::Udp,
                Some(ReachProto::Tcp) | None => Proto::Tcp,
            };
            let traffic = Traffic {
                proto: Some(proto),
                port,
            };
            let pairs = policy
                .pairs(&src, &dst, traffic)
                .map_err(|e| Failure::new(e.reason))?;
            network(&policy, &compilation.sources, &pairs, traffic, &mut out)
        }
        (None, None) => return Err(Failure::new("give a port, or `--ssh USER`")),
    };
    print!("{out}");
    Ok(exit)
}

/// Reads `[DIR] SRC DST PORT` (or `[DIR] SRC DST` with `--ssh`).
fn question(args: &ReachArgs) -> Result<Question, Failure> {
    let with_port = args.ssh.is_none();
    let wanted = if with_port { 3 } else { 2 };
    let values: Vec<&str> = args.args.iter().map(String::as_str).collect();
    let (dir, rest) = match values.len() {
        n if n == wanted => (".", values.as_slice()),
        n if n == wanted + 1 => match values.split_first() {
            Some((dir, rest)) => (*dir, rest),
            None => (".", values.as_slice()),
        },
        _ if with_port => {
            return Err(Failure::new(
                "expected `[DIR] SRC DST PORT` (or `[DIR] SRC DST --ssh USER`)",
            ))
        }
        _ => return Err(Failure::new("expected `[DIR] SRC DST --ssh USER`")),
    };
    let (Some(src), Some(dst)) = (rest.first(), rest.get(1)) else {
        return Err(Failure::new("expected a source and a destination"));
    };
    let port = match rest.get(2) {
        Some(text) => Some(
            text.parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| Failure::new(format!("`{text}` is not a port (1-65535)")))?,
        ),
        None => None,
    };
    Ok(Question {
        dir: Path::new(dir).to_path_buf(),
        src: (*src).to_string(),
        dst: (*dst).to_string(),
        port,
    })
}

fn bad(what: &str, text: &str, reason: &str) -> Failure {
    Failure::new(format!("the {what} `{text}`: {reason}"))
}

/// Prints the answer about network access and returns the exit code.
fn network(
    policy: &Policy<'_>,
    sources: &SourceMap,
    pairs: &[Pair],
    traffic: Traffic,
    out: &mut String,
) -> Exit {
    let several = pairs.len() > 1;
    for pair in pairs {
        let prefix = if several {
            format!("{} -> {}: ", pair.src.label, pair.dst.label)
        } else {
            String::new()
        };
        match pair.decision.verdict {
            Verdict::Allowed => {
                out.push_str(&format!(
                    "{prefix}allowed by {}\n",
                    rules(sources, &pair.decision.rules)
                ));
            }
            Verdict::Denied => {
                out.push_str(&format!(
                    "{prefix}denied: no grant lets {} reach {} on {}\n",
                    pair.src.label,
                    pair.dst.label,
                    traffic.describe()
                ));
                if let Some(closest) = policy.closest(&pair.src, &pair.dst, traffic) {
                    out.push_str(&format!(
                        "  closest: {}: {}\n",
                        rule(sources, &closest.rule),
                        closest.reason
                    ));
                }
            }
            Verdict::Unknown => {
                out.push_str(&format!(
                    "{prefix}undecided offline: whether {} may reach {} on {} depends on facts bops does not have\n",
                    pair.src.label,
                    pair.dst.label,
                    traffic.describe()
                ));
                for unknown in &pair.decision.unknowns {
                    out.push_str(&format!("  {unknown}\n"));
                }
            }
        }
    }
    let verdict = overall(pairs);
    if several {
        out.push_str(match verdict {
            Verdict::Allowed => "allowed for every one of them\n",
            Verdict::Denied => "denied for at least one of them\n",
            Verdict::Unknown => "undecided offline for at least one of them\n",
        });
    }
    exit_of(verdict)
}

/// Prints the answer about an SSH session and returns the exit code.
fn ssh(
    policy: &Policy<'_>,
    compilation: &Compilation,
    src: &bops_core::model::Principal,
    dst: &bops_core::model::Principal,
    user: &str,
    out: &mut String,
) -> Result<Exit, Failure> {
    let sources = &compilation.sources;
    let nodes = policy.resolve(src).map_err(|e| Failure::new(e.reason))?;
    let mut verdicts = Vec::new();
    let mut lines = 0;
    for s in &nodes {
        let dsts = policy
            .destinations(s, dst)
            .map_err(|e| Failure::new(e.reason))?;
        for d in &dsts {
            let decision = policy.ssh(s, d, user);
            let prefix = if nodes.len() > 1 || dsts.len() > 1 {
                format!("{} -> {}: ", s.label, d.label)
            } else {
                String::new()
            };
            out.push_str(&prefix);
            out.push_str(&ssh_line(
                policy, sources, &s.label, &d.label, user, &decision,
            ));
            lines += 1;
            verdicts.push(match decision.outcome {
                SshOutcome::Accept | SshOutcome::Check => Verdict::Allowed,
                SshOutcome::Denied => Verdict::Denied,
                SshOutcome::Unknown => Verdict::Unknown,
            });
        }
    }
    let verdict = if verdicts.contains(&Verdict::Denied) {
        Verdict::Denied
    } else if verdicts.contains(&Verdict::Unknown) {
        Verdict::Unknown
    } else {
        Verdict::Allowed
    };
    if lines > 1 {
        out.push_str(match verdict {
            Verdict::Allowed => "allowed for every one of them\n",
            Verdict::Denied => "denied for at least one of them\n",
            Verdict::Unknown => "undecided offline for at least one of them\n",
        });
    }
    Ok(exit_of(verdict))
}

/// The lines about one SSH session.
fn ssh_line(
    policy: &Policy<'_>,
    sources: &SourceMap,
    src: &str,
    dst: &str,
    user: &str,
    decision: &SshDecision,
) -> String {
    let network = || rules(sources, &decision.network.rules);
    if let Some(refusal) = &decision.refusal {
        return format!("denied: {refusal}\n");
    }
    match (decision.outcome, &decision.rule) {
        (SshOutcome::Accept | SshOutcome::Check, Some(r)) => {
            let how = match check_period(policy, r) {
                Some(period) => format!("allowed after a check ({period})"),
                None => "allowed without a check".to_string(),
            };
            format!(
                "{how} by {}; tcp port 22 is open by {}\n",
                rule(sources, r),
                network()
            )
        }
        (SshOutcome::Denied, Some(r)) => format!(
            "denied: {} matches, but no grant lets {src} reach {dst} on tcp port 22\n",
            rule(sources, r)
        ),
        (SshOutcome::Denied, None) | (SshOutcome::Accept | SshOutcome::Check, None) => {
            format!("denied: no SSH rule lets {src} log in to {dst} as `{user}`\n")
        }
        (SshOutcome::Unknown, _) => {
            let mut text = format!(
                "undecided offline: whether {src} may SSH to {dst} as `{user}` depends on facts bops does not have\n"
            );
            for unknown in &decision.unknowns {
                text.push_str(&format!("  {unknown}\n"));
            }
            text
        }
    }
}

/// How often the deciding SSH rule checks, when it is a `check` rule.
fn check_period(policy: &Policy<'_>, rule: &RuleRef) -> Option<String> {
    let decl = policy
        .model()
        .ssh_rules
        .iter()
        .find(|r| r.name == rule.name)?;
    if decl.action != SshAction::Check {
        return None;
    }
    Some(match decl.check_period {
        Some(CheckPeriod::Always) => "on every connection".to_string(),
        Some(CheckPeriod::Seconds(s)) => format!("every {}", duration(s)),
        None => "every 12h, Tailscale's default".to_string(),
    })
}

/// Seconds as the largest whole unit: `12h`, `90m`, `45s`.
fn duration(seconds: u64) -> String {
    match seconds {
        s if s > 0 && s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s > 0 && s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Rules as `grant a (tailnet.bops:12), grant b (apps.bops:3)`.
fn rules(sources: &SourceMap, rules: &[RuleRef]) -> String {
    let parts: Vec<String> = rules.iter().map(|r| rule(sources, r)).collect();
    parts.join(", ")
}

/// A rule as `grant family_apps (tailnet.bops:21)`.
fn rule(sources: &SourceMap, r: &RuleRef) -> String {
    let line = sources
        .get(r.span.file)
        .map(|f| f.line_col(r.span.start as usize).0)
        .unwrap_or(0);
    format!("{} ({}:{line})", r.describe(), r.file)
}

fn exit_of(verdict: Verdict) -> Exit {
    match verdict {
        Verdict::Allowed => Exit::Clean,
        Verdict::Denied => Exit::InputErrors,
        Verdict::Unknown => Exit::Undecided,
    }
}
