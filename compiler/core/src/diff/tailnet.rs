//! The tailnet layer of the summary: people, tags, grants, SSH rules, tests, the rest of the
//! policy, the resources beside it, and the tags hosts carry.

use crate::model::{
    AclTest, AuthKey, AutoApprover, CheckPeriod, DnsRecord, DnsZone, Grant, Group, Host, IpSet,
    LegacyAcl, Model, Network, NodeAttr, Posture, Proto, RecordValue, SshAction, SshRule, SshTest,
    Tag, Tailnet, TailnetDns, User,
};

use super::text::{self, list, push_change, push_list_change, selectors};
use super::{compare, Change, Kind, Noun};

/// The changes to the tailnet layer.
pub fn diff(old: &Model, new: &Model) -> Vec<Change> {
    let mut out = Vec::new();
    compare(
        &mut out,
        &TAILNET,
        old.tailnet.as_slice(),
        new.tailnet.as_slice(),
    );
    compare(&mut out, &USER, &old.users, &new.users);
    compare(&mut out, &GROUP, &old.groups, &new.groups);
    compare(&mut out, &TAG, &old.tags, &new.tags);
    compare(&mut out, &GRANT, &old.grants, &new.grants);
    compare(&mut out, &ACL, &old.acls, &new.acls);
    compare(&mut out, &SSH, &old.ssh_rules, &new.ssh_rules);
    compare(&mut out, &TEST, &old.acl_tests, &new.acl_tests);
    compare(&mut out, &SSH_TEST, &old.ssh_tests, &new.ssh_tests);
    compare(&mut out, &NETWORK, &old.networks, &new.networks);
    compare(&mut out, &IPSET, &old.ip_sets, &new.ip_sets);
    compare(&mut out, &POSTURE, &old.postures, &new.postures);
    compare(
        &mut out,
        &AUTOAPPROVER,
        &old.auto_approvers,
        &new.auto_approvers,
    );
    compare(&mut out, &NODEATTR, &old.node_attrs, &new.node_attrs);
    compare(&mut out, &AUTHKEY, &old.auth_keys, &new.auth_keys);
    compare(&mut out, &DNS, old.dns.as_slice(), new.dns.as_slice());
    compare(&mut out, &ZONE, &old.dns_zones, &new.dns_zones);
    compare(&mut out, &RECORD, &old.dns_records, &new.dns_records);
    host_tags(&mut out, &old.hosts, &new.hosts);
    out
}

/// The tags each host's device carries: the hosts layer reports the hosts themselves, the tailnet
/// layer who carries which tag.
fn host_tags(out: &mut Vec<Change>, old: &[Host], new: &[Host]) {
    const HOST: Noun = Noun {
        keyword: "host",
        one: "host's tags",
        many: "hosts' tags",
    };
    let tags = |host: &Host| selectors(&host.tags);
    for host in new {
        let before = old.iter().find(|h| h.name == host.name);
        let old_tags = before.map(tags).unwrap_or_default();
        let mut details = Vec::new();
        push_list_change(&mut details, "tags", &old_tags, &tags(host));
        if let Some(before) = before {
            if before.manage_tags != host.manage_tags {
                details.push(format!(
                    "tags managed by Pulumi {} → {}",
                    before.manage_tags, host.manage_tags
                ));
            }
        }
        if !details.is_empty() {
            out.push(Change {
                kind: super::ChangeKind::Changed,
                noun: HOST,
                name: host.name.clone(),
                details,
            });
        }
    }
    for host in old {
        if host.tags.is_empty() || new.iter().any(|h| h.name == host.name) {
            continue;
        }
        let mut details = Vec::new();
        push_list_change(&mut details, "tags", &tags(host), &[]);
        out.push(Change {
            kind: super::ChangeKind::Changed,
            noun: HOST,
            name: host.name.clone(),
            details,
        });
    }
}

/// The noun of a declaration kind whose plural takes an `s`.
const fn noun(keyword: &'static str, one: &'static str, many: &'static str) -> Noun {
    Noun { keyword, one, many }
}

const TAILNET: Kind<Tailnet> = Kind {
    noun: noun("tailnet", "tailnet", "tailnets"),
    name: |t| &t.name,
    origin: |t| Some(&t.origin),
    gist: |t| t.domain.clone(),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "domain", &a.domain, &b.domain);
        if a.options != b.options {
            out.push("policy options".to_string());
        }
        if a.replace_existing_policy != b.replace_existing_policy {
            out.push(format!(
                "replace existing policy {} → {}",
                a.replace_existing_policy, b.replace_existing_policy
            ));
        }
        out
    },
    elsewhere: None,
};

const USER: Kind<User> = Kind {
    noun: noun("user", "user", "users"),
    name: |u| &u.name,
    origin: |u| Some(&u.origin),
    gist: |u| {
        if u.admin {
            format!("{} (admin)", u.email)
        } else {
            u.email.clone()
        }
    },
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "email", &a.email, &b.email);
        push_change(
            &mut out,
            "admin",
            &a.admin.to_string(),
            &b.admin.to_string(),
        );
        out
    },
    elsewhere: None,
};

const GROUP: Kind<Group> = Kind {
    noun: noun("group", "group", "groups"),
    name: |g| &g.name,
    origin: |g| Some(&g.origin),
    gist: |g| format!("members {}", list(&g.members)),
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(&mut out, "members", &a.members, &b.members);
        out
    },
    elsewhere: None,
};

const TAG: Kind<Tag> = Kind {
    noun: noun("tag", "tag", "tags"),
    name: |t| &t.name,
    origin: |t| Some(&t.origin),
    gist: |t| format!("owners {}", list(&selectors(&t.owners))),
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(
            &mut out,
            "owners",
            &selectors(&a.owners),
            &selectors(&b.owners),
        );
        out
    },
    elsewhere: None,
};

/// A grant's gist: `group:family → tag:feed:443`, `tag:dns → tag:server:53 (udp)`,
/// `autogroup:admin → * on tcp:22, udp:53`.
fn grant_gist(grant: &Grant) -> String {
    let src = list(&selectors(&grant.src));
    let dsts = selectors(&grant.dst);
    let mut gist = match (grant.ip.as_slice(), grant.app.is_empty()) {
        ([], true) => format!("{src} → {}", suffixed(&dsts, "*")),
        ([], false) => format!("{src} → {}", list(&dsts)),
        ([one], _) => {
            let mut gist = format!("{src} → {}", suffixed(&dsts, &text::ports(one.ports)));
            if let Some(proto) = one.proto.filter(|p| *p != Proto::Tcp) {
                gist.push_str(&format!(" ({})", proto.name()));
            }
            gist
        }
        (many, _) => {
            let specs: Vec<String> = many.iter().map(text::port_spec).collect();
            format!("{src} → {} on {}", list(&dsts), specs.join(", "))
        }
    };
    if !grant.app.is_empty() {
        let caps: Vec<String> = grant.app.keys().cloned().collect();
        gist.push_str(&format!(" (app {})", caps.join(", ")));
    }
    if !grant.via.is_empty() {
        gist.push_str(&format!(" via {}", list(&selectors(&grant.via))));
    }
    gist
}

/// Each destination with `:PORTS` after it, as a legacy ACL would write it.
fn suffixed(dsts: &[String], ports: &str) -> String {
    let items: Vec<String> = dsts.iter().map(|d| format!("{d}:{ports}")).collect();
    list(&items)
}

const GRANT: Kind<Grant> = Kind {
    noun: noun("grant", "grant", "grants"),
    name: |g| &g.name,
    origin: |g| Some(&g.origin),
    gist: grant_gist,
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(&mut out, "src", &selectors(&a.src), &selectors(&b.src));
        push_list_change(&mut out, "dst", &selectors(&a.dst), &selectors(&b.dst));
        let ip = |g: &Grant| g.ip.iter().map(text::port_spec).collect::<Vec<_>>();
        push_list_change(&mut out, "ip", &ip(a), &ip(b));
        if a.app != b.app {
            out.push(format!("app {}", text::map_keys(&a.app, &b.app)));
        }
        push_list_change(&mut out, "src_posture", &a.src_posture, &b.src_posture);
        push_list_change(&mut out, "via", &selectors(&a.via), &selectors(&b.via));
        out
    },
    elsewhere: None,
};

const ACL: Kind<LegacyAcl> = Kind {
    noun: noun("acl", "ACL", "ACLs"),
    name: |a| &a.name,
    origin: |a| Some(&a.origin),
    gist: acl_gist,
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "rule", &acl_gist(a), &acl_gist(b));
        out
    },
    elsewhere: None,
};

/// A legacy ACL's gist: `group:family → tag:feed:443, tag:photos:*`.
fn acl_gist(acl: &LegacyAcl) -> String {
    let dsts: Vec<String> = acl
        .dst
        .iter()
        .map(|d| {
            let ports: Vec<String> = d.ports.iter().map(|p| text::ports(*p)).collect();
            format!("{}:{}", text::principal(&d.target), ports.join(","))
        })
        .collect();
    let mut gist = format!("{} → {}", list(&selectors(&acl.src)), list(&dsts));
    if let Some(proto) = acl.proto {
        gist.push_str(&format!(" ({})", proto.name()));
    }
    gist
}

/// An SSH rule's gist: `autogroup:admin → tag:server as root (check)`.
fn ssh_gist(rule: &SshRule) -> String {
    let action = match (rule.action, rule.check_period) {
        (SshAction::Accept, _) => "accept".to_string(),
        (SshAction::Check, None) => "check".to_string(),
        (SshAction::Check, Some(CheckPeriod::Always)) => "check always".to_string(),
        (SshAction::Check, Some(CheckPeriod::Seconds(s))) => format!("check every {s}s"),
    };
    format!(
        "{} → {} as {} ({action})",
        list(&selectors(&rule.src)),
        list(&selectors(&rule.dst)),
        list(&rule.users)
    )
}

const SSH: Kind<SshRule> = Kind {
    noun: noun("ssh", "SSH rule", "SSH rules"),
    name: |r| &r.name,
    origin: |r| Some(&r.origin),
    gist: ssh_gist,
    details: |a, b| {
        let mut out = Vec::new();
        if a.action != b.action || a.check_period != b.check_period {
            out.push(format!("now {}", ssh_gist(b)));
        }
        push_list_change(&mut out, "src", &selectors(&a.src), &selectors(&b.src));
        push_list_change(&mut out, "dst", &selectors(&a.dst), &selectors(&b.dst));
        push_list_change(&mut out, "users", &a.users, &b.users);
        push_list_change(&mut out, "accept_env", &a.accept_env, &b.accept_env);
        push_list_change(&mut out, "src_posture", &a.src_posture, &b.src_posture);
        out
    },
    elsewhere: None,
};

/// The endpoints of an ACL test as the policy writes them, `tag:feed:443`.
fn endpoints(list: &[crate::model::Endpoint]) -> Vec<String> {
    list.iter()
        .map(|e| format!("{}:{}", text::principal(&e.target), e.port))
        .collect()
}

const TEST: Kind<AclTest> = Kind {
    noun: noun("test", "test", "tests"),
    name: |t| &t.name,
    origin: |t| Some(&t.origin),
    gist: |t| {
        let mut gist = text::principal(&t.src.principal);
        if !t.accept.is_empty() {
            gist.push_str(&format!(" reaches {}", list(&endpoints(&t.accept))));
        }
        if !t.deny.is_empty() {
            gist.push_str(&format!(" not {}", list(&endpoints(&t.deny))));
        }
        gist
    },
    details: |a, b| {
        let mut out = Vec::new();
        push_change(
            &mut out,
            "src",
            &text::principal(&a.src.principal),
            &text::principal(&b.src.principal),
        );
        push_list_change(
            &mut out,
            "accept",
            &endpoints(&a.accept),
            &endpoints(&b.accept),
        );
        push_list_change(&mut out, "deny", &endpoints(&a.deny), &endpoints(&b.deny));
        out
    },
    elsewhere: None,
};

const SSH_TEST: Kind<SshTest> = Kind {
    noun: noun("ssh_test", "SSH test", "SSH tests"),
    name: |t| &t.name,
    origin: |t| Some(&t.origin),
    gist: |t| {
        format!(
            "{} → {}",
            text::principal(&t.src.principal),
            list(&selectors(&t.dst))
        )
    },
    details: |a, b| {
        let mut out = Vec::new();
        push_change(
            &mut out,
            "src",
            &text::principal(&a.src.principal),
            &text::principal(&b.src.principal),
        );
        push_list_change(&mut out, "dst", &selectors(&a.dst), &selectors(&b.dst));
        push_list_change(&mut out, "accept", &a.accept, &b.accept);
        push_list_change(&mut out, "check", &a.check, &b.check);
        push_list_change(&mut out, "deny", &a.deny, &b.deny);
        out
    },
    elsewhere: None,
};

const NETWORK: Kind<Network> = Kind {
    noun: noun("network", "network", "networks"),
    name: |n| &n.name,
    origin: |n| Some(&n.origin),
    gist: |n| n.address.clone(),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "address", &a.address, &b.address);
        out
    },
    elsewhere: None,
};

const IPSET: Kind<IpSet> = Kind {
    noun: noun("ipset", "IP set", "IP sets"),
    name: |s| &s.name,
    origin: |s| Some(&s.origin),
    gist: |s| list(&selectors(&s.add)),
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(&mut out, "add", &selectors(&a.add), &selectors(&b.add));
        push_list_change(
            &mut out,
            "remove",
            &selectors(&a.remove),
            &selectors(&b.remove),
        );
        out
    },
    elsewhere: None,
};

const POSTURE: Kind<Posture> = Kind {
    noun: noun("posture", "posture", "postures"),
    name: |p| &p.name,
    origin: |p| Some(&p.origin),
    gist: |p| list(&p.rules),
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(&mut out, "rules", &a.rules, &b.rules);
        out
    },
    elsewhere: None,
};

const AUTOAPPROVER: Kind<AutoApprover> = Kind {
    noun: noun("autoapprover", "auto-approver", "auto-approvers"),
    name: |a| &a.name,
    origin: |a| Some(&a.origin),
    gist: |a| format!("approvers {}", list(&selectors(&a.approvers))),
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(&mut out, "routes", &a.routes, &b.routes);
        push_change(
            &mut out,
            "exit node",
            &a.exit_node.to_string(),
            &b.exit_node.to_string(),
        );
        push_list_change(
            &mut out,
            "services",
            &selectors(&a.services),
            &selectors(&b.services),
        );
        push_list_change(
            &mut out,
            "approvers",
            &selectors(&a.approvers),
            &selectors(&b.approvers),
        );
        out
    },
    elsewhere: None,
};

const NODEATTR: Kind<NodeAttr> = Kind {
    noun: noun("nodeattr", "node attribute", "node attributes"),
    name: |n| &n.name,
    origin: |n| Some(&n.origin),
    gist: |n| format!("{} on {}", list(&n.attr), list(&selectors(&n.target))),
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(
            &mut out,
            "target",
            &selectors(&a.target),
            &selectors(&b.target),
        );
        push_list_change(&mut out, "attr", &a.attr, &b.attr);
        if a.app != b.app {
            out.push(format!("app {}", text::map_keys(&a.app, &b.app)));
        }
        out
    },
    elsewhere: None,
};

const AUTHKEY: Kind<AuthKey> = Kind {
    noun: noun("authkey", "auth key", "auth keys"),
    name: |k| &k.name,
    origin: |k| Some(&k.origin),
    gist: |k| format!("tags {}", list(&selectors(&k.tags))),
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(&mut out, "tags", &selectors(&a.tags), &selectors(&b.tags));
        for (label, x, y) in [
            ("reusable", a.reusable, b.reusable),
            ("ephemeral", a.ephemeral, b.ephemeral),
            ("preauthorized", a.preauthorized, b.preauthorized),
        ] {
            push_change(&mut out, label, &x.to_string(), &y.to_string());
        }
        push_change(
            &mut out,
            "expiry",
            &text::optional(a.expiry),
            &text::optional(b.expiry),
        );
        out
    },
    elsewhere: None,
};

const DNS: Kind<TailnetDns> = Kind {
    noun: noun("dns", "DNS settings", "DNS settings"),
    name: |_| "",
    origin: |d| Some(&d.origin),
    gist: |d| format!("nameservers {}", list(&d.nameservers)),
    details: |a, b| {
        let mut out = Vec::new();
        push_list_change(&mut out, "nameservers", &a.nameservers, &b.nameservers);
        push_list_change(&mut out, "search paths", &a.search_paths, &b.search_paths);
        push_change(
            &mut out,
            "MagicDNS",
            &a.magic_dns.to_string(),
            &b.magic_dns.to_string(),
        );
        if a.split != b.split {
            out.push(format!("split DNS {}", text::map_keys(&a.split, &b.split)));
        }
        out
    },
    elsewhere: None,
};

const ZONE: Kind<DnsZone> = Kind {
    noun: noun("zone", "DNS zone", "DNS zones"),
    name: |z| &z.name,
    origin: |z| Some(&z.origin),
    gist: |z| format!("{} at {}", z.domain, z.provider),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "domain", &a.domain, &b.domain);
        push_change(&mut out, "provider", &a.provider, &b.provider);
        out
    },
    elsewhere: None,
};

/// A record's gist: `www CNAME atlas.tail1234.ts.net.`.
fn record_gist(record: &DnsRecord) -> String {
    format!(
        "{} {} {}",
        record.record,
        record.kind,
        list(&record_values(record))
    )
}

/// A record's values as text; a host's address as `address of host.NAME`.
fn record_values(record: &DnsRecord) -> Vec<String> {
    record
        .values
        .iter()
        .map(|v| match v {
            RecordValue::Literal(value) | RecordValue::Fqdn(value) => value.clone(),
            RecordValue::HostAddress(host) => format!("address of host.{host}"),
        })
        .collect()
}

const RECORD: Kind<DnsRecord> = Kind {
    noun: noun("record", "DNS record", "DNS records"),
    name: |r| &r.name,
    origin: |r| Some(&r.origin),
    gist: |r| format!("{} in zone {}", record_gist(r), r.zone),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "record", &record_gist(a), &record_gist(b));
        push_change(&mut out, "zone", &a.zone, &b.zone);
        push_change(&mut out, "ttl", &a.ttl.to_string(), &b.ttl.to_string());
        out
    },
    elsewhere: None,
};
