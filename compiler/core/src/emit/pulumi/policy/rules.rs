//! The rules of the policy, one object each: grants, legacy ACLs, SSH rules, node attributes,
//! ACL tests and SSH tests. A rule that names nothing the policy can write (a grant whose
//! sources are all hosts without tags, which the rules reject) is left out (`None`).

use indexmap::{IndexMap, IndexSet};

use super::names::{at_ports, data, port_list, port_spec, proto_name, Names};
use crate::emit::hujson::{Array, Object};
use crate::model::{
    AclTest, CheckPeriod, Data, Endpoint, Grant, LegacyAcl, NodeAttr, SshAction, SshRule, SshTest,
};

/// A grant: `src`, `dst`, `ip` (an empty list is `*`, except in a grant of `app` capabilities,
/// which then opens no port and has no `ip`), `app`, `srcPosture` and `via`, in the reference's
/// order.
pub(super) fn grant(g: &Grant, names: &Names) -> Option<Object> {
    let src = names.list(&g.src);
    let dst = names.list(&g.dst);
    if src.is_empty() || dst.is_empty() {
        return None;
    }
    let mut rule = Object::aligned()
        .with("src", Array::inline(src))
        .with("dst", Array::inline(dst));
    if !g.ip.is_empty() {
        let ip: IndexSet<String> = g.ip.iter().map(port_spec).collect();
        rule.insert("ip", Array::inline(ip));
    } else if g.app.is_empty() {
        rule.insert("ip", Array::inline(["*"]));
    }
    if !g.app.is_empty() {
        rule.insert("app", capabilities(&g.app));
    }
    if !g.src_posture.is_empty() {
        rule.insert("srcPosture", postures(&g.src_posture));
    }
    let via = names.list(&g.via);
    if !via.is_empty() {
        rule.insert("via", Array::inline(via));
    }
    Some(rule)
}

/// `posture:NAME` for each posture.
pub(super) fn postures(names: &[String]) -> Array {
    Array::inline(names.iter().map(|p| format!("posture:{p}")))
}

/// Application capabilities: each name to its array of objects, one per line.
fn capabilities(app: &IndexMap<String, Vec<Data>>) -> Object {
    let mut out = Object::new();
    for (name, values) in app {
        out.insert(name.clone(), Array::block(values.iter().map(data)));
    }
    out
}

/// A legacy ACL: `action`, `src`, `proto` (when it has one), `dst` (`NAME:PORTS`) and
/// `srcPosture`.
pub(super) fn acl(a: &LegacyAcl, names: &Names) -> Option<Object> {
    let src = names.list(&a.src);
    let mut dst = IndexSet::new();
    for d in &a.dst {
        let ports = port_list(&d.ports);
        for name in names.all(&d.target) {
            dst.insert(at_ports(&name, &ports));
        }
    }
    if src.is_empty() || dst.is_empty() {
        return None;
    }
    let mut rule = Object::aligned()
        .with("action", "accept")
        .with("src", Array::inline(src));
    if let Some(proto) = a.proto {
        rule.insert("proto", proto_name(proto));
    }
    rule.insert("dst", Array::inline(dst));
    if !a.src_posture.is_empty() {
        rule.insert("srcPosture", postures(&a.src_posture));
    }
    Some(rule)
}

/// An SSH rule: `action`, `src`, `dst`, `users`, then `checkPeriod` (of a `check` rule),
/// `acceptEnv` and `srcPosture`.
pub(super) fn ssh_rule(s: &SshRule, names: &Names) -> Option<Object> {
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
    if !s.accept_env.is_empty() {
        rule.insert("acceptEnv", Array::inline(s.accept_env.iter().cloned()));
    }
    if !s.src_posture.is_empty() {
        rule.insert("srcPosture", postures(&s.src_posture));
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

/// A node attribute entry: `target`, `attr` and `app`.
pub(super) fn node_attr(n: &NodeAttr, names: &Names) -> Option<Object> {
    let target = names.list(&n.target);
    if target.is_empty() {
        return None;
    }
    let mut entry = Object::aligned().with("target", Array::inline(target));
    if !n.attr.is_empty() {
        entry.insert("attr", Array::inline(n.attr.iter().cloned()));
    }
    if !n.app.is_empty() {
        entry.insert("app", capabilities(&n.app));
    }
    Some(entry)
}

/// An ACL test: `src`, `proto` (when it has one), `accept` and `deny`.
pub(super) fn acl_test(t: &AclTest, names: &Names) -> Option<Object> {
    let src = names.one(&t.src.principal)?;
    let endpoint = |e: &Endpoint| -> Option<String> {
        let target = names.one(&e.target)?;
        Some(at_ports(&target, &e.port.to_string()))
    };
    let accept: Vec<String> = t.accept.iter().filter_map(endpoint).collect();
    let deny: Vec<String> = t.deny.iter().filter_map(endpoint).collect();
    if accept.is_empty() && deny.is_empty() {
        return None;
    }
    let mut test = Object::aligned().with("src", src);
    if let Some(proto) = t.proto {
        test.insert("proto", proto_name(proto));
    }
    if !accept.is_empty() {
        test.insert("accept", Array::inline(accept));
    }
    if !deny.is_empty() {
        test.insert("deny", Array::inline(deny));
    }
    Some(test)
}

/// An SSH test: `src`, `dst`, and the users to `accept`, `check` and `deny`.
pub(super) fn ssh_test(t: &SshTest, names: &Names) -> Option<Object> {
    let src = names.one(&t.src.principal)?;
    let dst: IndexSet<String> = t
        .dst
        .iter()
        .filter_map(|s| names.one(&s.principal))
        .collect();
    if dst.is_empty() {
        return None;
    }
    let mut test = Object::aligned()
        .with("src", src)
        .with("dst", Array::inline(dst));
    for (key, users) in [
        ("accept", &t.accept),
        ("check", &t.check),
        ("deny", &t.deny),
    ] {
        if !users.is_empty() {
            test.insert(key, Array::inline(users.iter().cloned()));
        }
    }
    if test.members.len() == 2 {
        return None;
    }
    Some(test)
}

#[cfg(test)]
mod tests {
    use super::go_duration;

    #[test]
    fn go_durations_match_time_duration_string() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(45), "45s");
        assert_eq!(go_duration(300), "5m0s");
        assert_eq!(go_duration(5400), "1h30m0s");
        assert_eq!(go_duration(43200), "12h0m0s");
        assert_eq!(go_duration(7 * 24 * 3600 + 1), "168h0m1s");
    }
}
