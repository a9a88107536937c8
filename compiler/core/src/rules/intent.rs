//! B3090, B3091, B3095: an app exposure's declared audience, proved against the tailnet policy.
//!
//! `expose = { port = self.ports.http, tags = [tag.feed], audience = [group.family] }` says who
//! the exposure is for. Its Tailscale Ingress is a device carrying the exposure's tags (or, when it
//! names none, those of its ProxyGroup or the cluster's default proxy tags) and serving
//! HTTPS on 443, so the policy evaluator ([`crate::policy`]) can answer, for every principal class
//! of the tailnet, whether it reaches that device on that port:
//!
//! - B3090 (warning): a source outside the audience reaches it. The candidates are every declared
//!   user (an untagged device of theirs) and every declared tag (a device carrying only that
//!   tag); one diagnostic per rule that lets them in, at the rule, naming the sources, with the
//!   audience as the other end. A user is within the audience when it names the user, a group the
//!   user is in, `autogroup.member` (every user is a member, admins too) or `autogroup.admin` and
//!   the user is an admin; a tag when it names the tag.
//! - B3091 (warning): an audience entry that no rule lets reach it, at the entry, with the
//!   exposure as the other end and the grant that would do it as help. A group or autogroup is
//!   asked about member by member, and reported when any member is denied.
//! - B3095 (warning): an audience that cannot be proved: the tags the exposure's proxy carries
//!   are not known (it names none, and neither a described ProxyGroup nor the cluster's
//!   `proxy_tags` says), or it names an autogroup other than
//!   `member` and `admin`, whose members are not known offline.
//!
//! Both ends are warnings rather than errors: the tailnet policy may be partly managed outside the
//! project, and B3011 (the neighbouring grant check) is a warning too. An answer the evaluator
//! cannot give offline (a device posture, a routed `via`) is never reported. Only exposures that
//! declare an audience are evaluated, so a project without audiences pays nothing.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{
    App, Audience, Exposure, ExposureSource, Model, Principal, ProxyGroups, Selector,
};
use crate::policy::{Device, Node, Owner, Policy, RuleRef, Target, Traffic, Verdict};

/// The port a Tailscale Ingress serves.
const INGRESS_PORT: u16 = 443;

/// The autogroups whose members are declared, and so can be checked offline.
const CHECKABLE_AUTOGROUPS: [&str; 2] = ["member", "admin"];

/// Proves every declared audience of an app exposure against the policy.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let policy = Policy::new(model);
    let groups = ProxyGroups::new(&model.apps);
    for app in &model.apps {
        let Some(exposure) = &app.expose else {
            continue;
        };
        let Some(audience) = &exposure.audience else {
            continue;
        };
        check_exposure(&policy, &groups, app, exposure, audience, out);
    }
}

fn check_exposure(
    policy: &Policy<'_>,
    groups: &ProxyGroups<'_>,
    app: &App,
    exposure: &Exposure,
    audience: &Audience,
    out: &mut Vec<Diagnostic>,
) {
    // The tags the Ingress's proxy really carries: its own, else its ProxyGroup's, else the
    // operator's default proxy tags of the cluster.
    let model = policy.model();
    let carried = app
        .tailnet_exposures()
        .into_iter()
        .find(|e| matches!(e.source, ExposureSource::Expose))
        .map(|e| e.carried(app, groups, &model.clusters));
    let tags: Vec<String> = carried
        .as_ref()
        .and_then(|c| c.tags())
        .map(<[String]>::to_vec)
        .unwrap_or_default();
    if tags.is_empty() {
        out.push(
            Diagnostic::warning(
                codes::B3095,
                format!(
                    "the audience of `app {}`'s exposure cannot be proved: the tags its proxy carries are not known",
                    app.name
                ),
                audience.span,
            )
            .with_label("who the exposure is for")
            .with_secondary(
                exposure.span,
                "this exposure names no tags, and neither a described proxy group nor the cluster's `proxy_tags` says which its proxy carries",
            )
            .with_help(
                "give the exposure its own tags (`tags = [tag.NAME]`), or declare the cluster's `proxy_tags` (the operator's default proxy tags)",
            ),
        );
        return;
    }
    let unchecked: Vec<&Selector> = audience
        .principals
        .iter()
        .filter(|s| matches!(&s.principal, Principal::Autogroup(a) if !CHECKABLE_AUTOGROUPS.contains(&a.as_str())))
        .collect();
    for selector in &unchecked {
        out.push(
            Diagnostic::warning(
                codes::B3095,
                format!(
                    "{} in the audience of `app {}` cannot be proved offline",
                    policy.label(&selector.principal),
                    app.name
                ),
                selector.span,
            )
            .with_label("its members are not declared in the project")
            .with_secondary(exposure.span, "the exposure it is about")
            .with_help("name the users, groups or tags it stands for, or `autogroup.member` or `autogroup.admin`"),
        );
    }
    let dst = Node {
        target: Target::Device(Device::tagged(tags.iter().cloned())),
        label: tags
            .iter()
            .map(|t| format!("tag.{t}"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let traffic = Traffic::tcp(INGRESS_PORT);
    let target = Subject {
        app: &app.name,
        tags: &tags,
        exposure,
        audience,
    };
    over_grants(policy, &target, &dst, traffic, out);
    for selector in &audience.principals {
        if unchecked.iter().any(|u| u.span == selector.span) {
            continue;
        }
        unsatisfied(policy, &target, selector, &dst, traffic, out);
    }
}

/// What the diagnostics are about.
struct Subject<'a> {
    /// The app's name.
    app: &'a str,
    /// The tags of its exposure.
    tags: &'a [String],
    /// The exposure.
    exposure: &'a Exposure,
    /// Its audience.
    audience: &'a Audience,
}

/// Reports the rules that let a source outside the audience reach the exposure.
fn over_grants(
    policy: &Policy<'_>,
    target: &Subject<'_>,
    dst: &Node,
    traffic: Traffic,
    out: &mut Vec<Diagnostic>,
) {
    let model = policy.model();
    // Rules in declaration order, each with the outsiders it lets in.
    let mut offending: Vec<(RuleRef, Vec<String>)> = Vec::new();
    for src in candidates(model) {
        if within(model, &target.audience.principals, &src) {
            continue;
        }
        let decision = policy.reach(&src, dst, traffic);
        if decision.verdict != Verdict::Allowed {
            continue;
        }
        for rule in decision.rules {
            match offending
                .iter_mut()
                .find(|(r, _)| r.kind == rule.kind && r.name == rule.name)
            {
                Some((_, sources)) => sources.push(src.label.clone()),
                None => offending.push((rule, vec![src.label.clone()])),
            }
        }
    }
    for (rule, sources) in offending {
        let who = sources.join(", ");
        let first = sources.first().cloned().unwrap_or_default();
        out.push(
            Diagnostic::warning(
                codes::B3090,
                format!(
                    "{} lets {who} reach `app {}`'s exposure on port {INGRESS_PORT}, beyond its audience",
                    rule.describe(),
                    target.app
                ),
                rule.span,
            )
            .with_label(format!(
                "opens {} to {who}",
                target
                    .tags
                    .iter()
                    .map(|t| format!("tag:{t}:{INGRESS_PORT}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .with_secondary(
                target.audience.span,
                format!("the exposure is for {}", describe(policy, target.audience)),
            )
            .with_help(format!(
                "narrow the rule's sources or destinations so that it does not reach tag.{}, or add {first} to the audience",
                target.tags.first().cloned().unwrap_or_default()
            )),
        );
    }
}

/// Reports an audience entry that no rule lets reach the exposure.
fn unsatisfied(
    policy: &Policy<'_>,
    target: &Subject<'_>,
    selector: &Selector,
    dst: &Node,
    traffic: Traffic,
    out: &mut Vec<Diagnostic>,
) {
    // A principal that names no device (a group without members) is not an intent that can
    // fail; B3053 and the checker speak about such groups.
    let Ok(sources) = policy.resolve(&selector.principal) else {
        return;
    };
    let denied: Vec<String> = sources
        .iter()
        .filter(|src| policy.reach(src, dst, traffic).verdict == Verdict::Denied)
        .map(|src| src.label.clone())
        .collect();
    if denied.is_empty() {
        return;
    }
    let label = policy.label(&selector.principal);
    let tag = target.tags.first().cloned().unwrap_or_default();
    let who = if denied.len() == sources.len() && sources.len() == 1 {
        label.clone()
    } else {
        denied.join(", ")
    };
    out.push(
        Diagnostic::warning(
            codes::B3091,
            format!(
                "no rule lets {who} reach `app {}`'s exposure on port {INGRESS_PORT}, though its audience names {label}",
                target.app
            ),
            selector.span,
        )
        .with_label(format!("{label} cannot reach tag:{tag}:{INGRESS_PORT}"))
        .with_secondary(
            target.exposure.span,
            format!("exposed here as tag.{tag}, HTTPS on port {INGRESS_PORT}"),
        )
        .with_help(format!(
            "add a grant: `grant {}_audience {{ src = [{label}], dst = [tag.{tag}], ip = [tcp({INGRESS_PORT})] }}`",
            target.app
        )),
    );
}

/// The sources asked about: an untagged device of every declared user and a device carrying each
/// declared tag alone.
fn candidates(model: &Model) -> Vec<Node> {
    let users = model.users.iter().map(|u| Node {
        target: Target::Device(Device::of_user(Owner::User(u.name.clone()))),
        label: format!("user.{}", u.name),
    });
    let tags = model.tags.iter().map(|t| Node {
        target: Target::Device(Device::tagged([t.name.clone()])),
        label: format!("tag.{}", t.name),
    });
    users.chain(tags).collect()
}

/// Whether a candidate source is one the audience names.
fn within(model: &Model, audience: &[Selector], src: &Node) -> bool {
    let Some(device) = src.device() else {
        return false;
    };
    audience
        .iter()
        .any(|s| match (&s.principal, device.user()) {
            (Principal::Tag(t), _) => device.tags.len() == 1 && device.tags.contains(t),
            (Principal::User(u), Some(Owner::User(owner))) => u == owner,
            (Principal::Group(g), Some(Owner::User(owner))) => model
                .groups
                .iter()
                .any(|group| &group.name == g && group.members.iter().any(|m| m == owner)),
            (Principal::Autogroup(a), Some(Owner::User(_))) if a == "member" => true,
            (Principal::Autogroup(a), Some(Owner::User(owner))) if a == "admin" => model
                .users
                .iter()
                .any(|user| &user.name == owner && user.admin),
            // An autogroup whose members are not declared: count every user in, so that nothing is
            // reported on a guess (B3095 says the audience is not proved).
            (Principal::Autogroup(_), Some(Owner::User(_))) => true,
            _ => false,
        })
}

/// The audience for messages: `group.family, autogroup.admin`, or `nobody`.
fn describe(policy: &Policy<'_>, audience: &Audience) -> String {
    if audience.principals.is_empty() {
        return "nobody".to_string();
    }
    policy.labels(&audience.principals)
}
