//! The tailnet policy file, `policy.hujson`.
//!
//! Sections, in this order and left out when empty (except `grants`, always written so that an
//! empty policy visibly grants nothing): `groups` (`group:NAME` to member logins), `tagOwners`,
//! `grants`, `ssh` and `tests`. A comment before each rule names its declaration and source file
//! and carries its doc comment. The `hosts` section is never written: it maps names to IP
//! addresses, which the project does not know.
//!
//! How the model's principals are written:
//!
//! - `any` is `*`; a user is their login (`alice@example.com`); groups, tags and autogroups are
//!   `group:NAME`, `tag:NAME`, `autogroup:NAME`;
//! - a host stands for the tags its device carries: in `src` and `dst` lists it becomes every one
//!   of its tags, so a grant to `host.nas` reaches every device that carries the NAS's tags; in a
//!   test (whose `src` and destinations name one principal each) it becomes its first tag. A host
//!   without tags cannot be named by the policy; the rules reject it (B3015), and should one get
//!   here anyway it is left out of its list.

use indexmap::IndexSet;

use crate::emit::hujson::{self, Array, Object, Value};
use crate::model::{
    AclTest, CheckPeriod, Endpoint, Grant, Model, Origin, PortRange, PortSpec, Principal, Proto,
    Selector, SshAction, SshRule, Tailnet,
};

/// The policy's file name, next to `__main__.py`.
pub(super) const FILE_NAME: &str = "policy.hujson";

/// The declarations the policy is written from, for the provenance header.
pub(super) fn origins<'m>(model: &'m Model, tailnet: &'m Tailnet) -> Vec<&'m Origin> {
    let mut origins = vec![&tailnet.origin];
    origins.extend(model.users.iter().map(|u| &u.origin));
    origins.extend(model.groups.iter().map(|g| &g.origin));
    origins.extend(model.tags.iter().map(|t| &t.origin));
    origins.extend(model.grants.iter().map(|g| &g.origin));
    origins.extend(model.ssh_rules.iter().map(|s| &s.origin));
    origins.extend(model.acl_tests.iter().map(|t| &t.origin));
    // The hosts the rules name are written as their tags.
    let mut named = IndexSet::new();
    for g in &model.grants {
        named.extend(g.src.iter().chain(&g.dst).map(|s| &s.principal));
    }
    for s in &model.ssh_rules {
        named.extend(s.src.iter().chain(&s.dst).map(|s| &s.principal));
    }
    for t in &model.acl_tests {
        named.insert(&t.src.principal);
        named.extend(t.accept.iter().chain(&t.deny).map(|e| &e.target));
    }
    origins.extend(
        model
            .hosts
            .iter()
            .filter(|h| named.contains(&Principal::Host(h.name.clone())))
            .map(|h| &h.origin),
    );
    origins
}

/// The text of `policy.hujson`.
pub(super) fn emit(model: &Model, tailnet: &Tailnet, header: &[String]) -> String {
    let mut head = header.to_vec();
    head.push(format!("The Tailscale policy of {}.", tailnet.domain));
    let names = Names { model };
    let mut root = Object::new();

    let groups = groups(model);
    if !groups.is_empty() {
        push_section(&mut root, "groups", groups);
    }
    let tag_owners = tag_owners(model, &names);
    if !tag_owners.is_empty() {
        push_section(&mut root, "tagOwners", tag_owners);
    }
    let mut grants = Array::block(Vec::<Value>::new());
    for g in &model.grants {
        if let Some(rule) = grant(g, &names) {
            grants.push_commented(rule_comments(&g.origin), rule);
        }
    }
    push_section(&mut root, "grants", grants);
    let mut ssh = Array::block(Vec::<Value>::new());
    for s in &model.ssh_rules {
        if let Some(rule) = ssh_rule(s, &names) {
            ssh.push_commented(rule_comments(&s.origin), rule);
        }
    }
    if !ssh.is_empty() {
        push_section(&mut root, "ssh", ssh);
    }
    let mut tests = Array::block(Vec::<Value>::new());
    for t in &model.acl_tests {
        if let Some(test) = acl_test(t, &names) {
            tests.push_commented(rule_comments(&t.origin), test);
        }
    }
    if !tests.is_empty() {
        push_section(&mut root, "tests", tests);
    }
    hujson::document(&head, &root)
}

/// Adds a top-level section, after an empty line unless it is the first.
fn push_section(root: &mut Object, key: &str, value: impl Into<Value>) {
    let blank = !root.is_empty();
    root.push(Vec::new(), blank, key, value);
}

/// The comment before a rule: its declaration and file, then its doc comment.
fn rule_comments(origin: &Origin) -> Vec<String> {
    let mut lines = vec![format!("{} ({})", origin.decl, origin.file)];
    lines.extend(origin.doc.iter().cloned());
    lines
}

fn groups(model: &Model) -> Object {
    let mut out = Object::new();
    for g in &model.groups {
        let members: Vec<String> = g
            .members
            .iter()
            .filter_map(|m| model.users.iter().find(|u| &u.name == m))
            .map(|u| u.email.clone())
            .collect();
        out.push(
            g.origin.doc.iter().cloned().collect(),
            false,
            format!("group:{}", g.name),
            Array::block(members),
        );
    }
    out
}

fn tag_owners(model: &Model, names: &Names) -> Object {
    let mut out = Object::new();
    for t in &model.tags {
        out.push(
            t.origin.doc.iter().cloned().collect(),
            false,
            format!("tag:{}", t.name),
            Array::inline(names.list(&t.owners)),
        );
    }
    out
}

fn grant(g: &Grant, names: &Names) -> Option<Object> {
    let src = names.list(&g.src);
    let dst = names.list(&g.dst);
    if src.is_empty() || dst.is_empty() {
        return None;
    }
    let ip: Vec<String> = if g.ip.is_empty() {
        vec!["*".to_string()]
    } else {
        let mut seen = IndexSet::new();
        for p in &g.ip {
            seen.insert(port_spec(p));
        }
        seen.into_iter().collect()
    };
    Some(
        Object::aligned()
            .with("src", Array::inline(src))
            .with("dst", Array::inline(dst))
            .with("ip", Array::inline(ip)),
    )
}

/// A grant's `ip` entry: `*`, `443`, `8000-8100`, `tcp:443`, `udp:53`, `tcp:*`, `icmp:*`.
pub(super) fn port_spec(p: &PortSpec) -> String {
    let ports = match p.ports {
        PortRange::Any => "*".to_string(),
        PortRange::One(n) => n.to_string(),
        PortRange::Range(a, b) => format!("{a}-{b}"),
    };
    match p.proto {
        None => ports,
        Some(Proto::Tcp) => format!("tcp:{ports}"),
        Some(Proto::Udp) => format!("udp:{ports}"),
        Some(Proto::Icmp) => format!("icmp:{ports}"),
    }
}

fn ssh_rule(s: &SshRule, names: &Names) -> Option<Object> {
    let src = names.list(&s.src);
    let dst = names.list(&s.dst);
    if src.is_empty() || dst.is_empty() || s.users.is_empty() {
        return None;
    }
    let action = match s.action {
        SshAction::Accept => "accept",
        SshAction::Check => "check",
    };
    let mut rule = Object::aligned()
        .with("action", action)
        .with("src", Array::inline(src))
        .with("dst", Array::inline(dst))
        .with("users", Array::inline(s.users.iter().cloned()));
    match (s.action, s.check_period) {
        (SshAction::Check, Some(CheckPeriod::Seconds(period))) => {
            rule.insert("checkPeriod", go_duration(period));
        }
        (SshAction::Check, Some(CheckPeriod::Always)) => rule.insert("checkPeriod", "always"),
        _ => {}
    }
    Some(rule)
}

/// A duration in Go's `time.Duration` notation, which Tailscale's `checkPeriod` uses: `45s`,
/// `5m0s`, `12h0m0s`, `168h0m0s`.
pub(super) fn go_duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

fn acl_test(t: &AclTest, names: &Names) -> Option<Object> {
    let src = names.one(&t.src.principal)?;
    let accept: Vec<String> = t.accept.iter().filter_map(|e| names.endpoint(e)).collect();
    let deny: Vec<String> = t.deny.iter().filter_map(|e| names.endpoint(e)).collect();
    if accept.is_empty() && deny.is_empty() {
        return None;
    }
    let mut test = Object::aligned().with("src", src);
    if !accept.is_empty() {
        test.insert("accept", Array::inline(accept));
    }
    if !deny.is_empty() {
        test.insert("deny", Array::inline(deny));
    }
    Some(test)
}

/// Writes principals the way the policy names them.
struct Names<'m> {
    model: &'m Model,
}

impl Names<'_> {
    /// Every name a principal stands for (a host stands for each of its tags).
    fn all(&self, p: &Principal) -> Vec<String> {
        match p {
            Principal::Any => vec!["*".to_string()],
            Principal::User(u) => self
                .model
                .users
                .iter()
                .find(|x| &x.name == u)
                .map(|x| x.email.clone())
                .into_iter()
                .collect(),
            Principal::Group(g) => vec![format!("group:{g}")],
            Principal::Tag(t) => vec![format!("tag:{t}")],
            Principal::Autogroup(a) => vec![format!("autogroup:{a}")],
            Principal::Host(h) => self
                .model
                .hosts
                .iter()
                .find(|x| &x.name == h)
                .map(|x| x.tags.iter().filter_map(tag_name).collect())
                .unwrap_or_default(),
            Principal::Network(n) => vec![n.clone()],
            Principal::Ip(ip) => vec![ip.clone()],
            Principal::IpSet(s) => vec![format!("ipset:{s}")],
            Principal::Service(s) => vec![format!("svc:{s}")],
        }
    }

    /// The one name of a principal that must be a single one (a test's source or destination).
    fn one(&self, p: &Principal) -> Option<String> {
        self.all(p).into_iter().next()
    }

    /// The names of a list of selectors, without repeats.
    fn list(&self, selectors: &[Selector]) -> Vec<String> {
        let mut seen = IndexSet::new();
        for s in selectors {
            for n in self.all(&s.principal) {
                seen.insert(n);
            }
        }
        seen.into_iter().collect()
    }

    /// A test destination: `tag:web:443`.
    fn endpoint(&self, e: &Endpoint) -> Option<String> {
        let target = self.one(&e.target)?;
        Some(format!("{target}:{}", e.port))
    }
}

/// `tag:NAME` for a tag selector.
fn tag_name(s: &Selector) -> Option<String> {
    match &s.principal {
        Principal::Tag(t) => Some(format!("tag:{t}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn go_durations_match_time_duration_string() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(45), "45s");
        assert_eq!(go_duration(300), "5m0s");
        assert_eq!(go_duration(5400), "1h30m0s");
        assert_eq!(go_duration(43200), "12h0m0s");
        assert_eq!(go_duration(7 * 24 * 3600 + 1), "168h0m1s");
    }

    #[test]
    fn port_specs_use_the_policy_notation() {
        let spec = |proto, ports| PortSpec {
            proto,
            ports,
            span: Span::default(),
        };
        assert_eq!(port_spec(&spec(None, PortRange::Any)), "*");
        assert_eq!(port_spec(&spec(None, PortRange::One(443))), "443");
        assert_eq!(
            port_spec(&spec(Some(Proto::Tcp), PortRange::Range(8000, 8100))),
            "tcp:8000-8100"
        );
        assert_eq!(
            port_spec(&spec(Some(Proto::Udp), PortRange::One(53))),
            "udp:53"
        );
        assert_eq!(port_spec(&spec(Some(Proto::Tcp), PortRange::Any)), "tcp:*");
        assert_eq!(
            port_spec(&spec(Some(Proto::Icmp), PortRange::Any)),
            "icmp:*"
        );
    }
}
