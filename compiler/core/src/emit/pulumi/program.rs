//! The Pulumi program, `__main__.py`.
//!
//! It reads `policy.hujson` next to it and applies it with one `tailscale.Acl`. Then, each when the
//! model has them:
//!
//! - the tailnet's DNS settings as one `tailscale.DnsConfiguration`, which owns the whole DNS
//!   configuration the way the `Acl` owns the whole policy (the provider's finer resources,
//!   `DnsNameservers`, `DnsSearchPaths`, `DnsPreferences` and `DnsSplitNameservers`, conflict with
//!   it and cannot turn `override_local_dns` on);
//! - for every host whose tags Pulumi manages (`manage_tags`, at least one tag), a
//!   `tailscale.get_device` lookup by its MagicDNS name and a `tailscale.DeviceTags`; a host that
//!   carries tags Pulumi leaves alone gets a comment saying so;
//! - for every auth key a `tailscale.TailnetKey`, whose `key` output the provider marks secret.
//!
//! Resources with tags depend on the `Acl`: Tailscale refuses a tag the policy's `tagOwners` does
//! not define yet. The program exports the ACL's id, a SHA-256 hash of the policy (to see in
//! `pulumi stack output` which policy is applied), every auth key (a secret output, never written
//! to a file) and, per managed host, its device id and tags.

use indexmap::IndexSet;

use super::policy::FILE_NAME as POLICY_FILE;
use crate::emit::python::{self, name, string, Arg, BinOp, Expr, Module, Stmt};
use crate::model::{AuthKey, Host, Model, Origin, Principal, Selector, Tailnet, TailnetDns};

/// The declarations the program is written from, for the provenance header.
pub(super) fn origins<'m>(model: &'m Model, tailnet: &'m Tailnet) -> Vec<&'m Origin> {
    let mut origins = vec![&tailnet.origin];
    origins.extend(model.dns.iter().map(|d| &d.origin));
    // Every host with tags appears: as resources, or as a comment when its tags are not managed.
    origins.extend(
        model
            .hosts
            .iter()
            .filter(|h| !tag_names(&h.tags).is_empty())
            .map(|h| &h.origin),
    );
    origins.extend(model.auth_keys.iter().map(|k| &k.origin));
    origins
}

/// Whether Pulumi sets this host's tags.
fn managed(host: &Host) -> bool {
    host.manage_tags && !tag_names(&host.tags).is_empty()
}

/// Tags as the policy writes them, without repeats.
fn tag_names(selectors: &[Selector]) -> Vec<String> {
    let mut seen = IndexSet::new();
    for t in selectors {
        if let Principal::Tag(name) = &t.principal {
            seen.insert(format!("tag:{name}"));
        }
    }
    seen.into_iter().collect()
}

/// The text of `__main__.py`.
pub(super) fn emit(model: &Model, tailnet: &Tailnet, header: &[String]) -> String {
    let mut m = Module::new();
    m.header = header.to_vec();
    m.docstring = Some(docstring(model, tailnet));

    m.push(Stmt::import("hashlib"));
    m.push(Stmt::import_from("pathlib", &["Path"]));
    m.blank();
    m.push(Stmt::import("pulumi"));
    m.push(Stmt::import_as("pulumi_tailscale", "tailscale"));
    m.blank();

    m.comment("The policy: groups, tag owners, grants, SSH rules and tests.");
    m.push(Stmt::assign(
        "policy_path",
        name("Path")
            .call(vec![Arg::Pos(name("__file__"))])
            .attr("parent")
            .binop(BinOp::Div, string(POLICY_FILE)),
    ));
    m.push(Stmt::assign(
        "policy",
        name("policy_path")
            .attr("read_text")
            .call(vec![Arg::kw("encoding", string("utf-8"))]),
    ));
    m.comment("Its fingerprint (12 hex digits), exported to show which policy the tailnet has.");
    m.push(Stmt::assign(
        "policy_hash",
        Expr::SliceTo(
            Box::new(
                name("hashlib")
                    .attr("sha256")
                    .call(vec![Arg::Pos(
                        name("policy")
                            .attr("encode")
                            .call(vec![Arg::Pos(string("utf-8"))]),
                    )])
                    .attr("hexdigest")
                    .call(Vec::new()),
            ),
            12,
        ),
    ));
    m.blank();
    let mut acl_args = vec![
        Arg::Pos(string("tailnet-acl")),
        Arg::kw("acl", name("policy")),
    ];
    if tailnet.replace_existing_policy {
        m.comment(
            "The tailnet's whole policy. bops owns it: the first `pulumi up` replaces the policy\n\
             the tailnet had before, without importing it first.",
        );
        acl_args.push(Arg::kw("overwrite_existing_content", Expr::Bool(true)));
    } else {
        m.comment(
            "The tailnet's whole policy. The first `pulumi up` fails if the tailnet's policy was\n\
             edited elsewhere: import it, or set `replace_existing_policy` in the source.",
        );
    }
    m.push(Stmt::assign(
        "acl",
        name("tailscale").attr("Acl").call(acl_args),
    ));

    if let Some(dns) = &model.dns {
        m.blank();
        dns_settings(&mut m, dns);
    }

    let mut host_exports = Vec::new();
    let mut used = IndexSet::new();
    for host in &model.hosts {
        device_tags(&mut m, host, tailnet, &mut used, &mut host_exports);
    }

    let mut exports = vec![
        export("acl_id", name("acl").attr("id")),
        export("policy_hash", name("policy_hash")),
    ];
    let mut used_keys = IndexSet::new();
    for key in &model.auth_keys {
        m.blank();
        let var = unique_identifier(&key.name, &mut used_keys);
        auth_key(&mut m, key, &var);
        // Secret twice over: the provider marks `key` secret, and so does the export itself.
        let export_name = key
            .export
            .clone()
            .unwrap_or_else(|| format!("{var}_authkey"));
        exports.push(export(
            &export_name,
            name("pulumi")
                .attr("Output")
                .attr("secret")
                .call(vec![Arg::Pos(name(&format!("{var}_key")).attr("key"))]),
        ));
    }
    exports.extend(host_exports);

    m.blank();
    for e in exports {
        m.push(e);
    }
    python::print(&m)
}

/// The `tailscale.DnsConfiguration` of the tailnet's DNS settings.
fn dns_settings(m: &mut Module, dns: &TailnetDns) {
    m.comment(&format!("{} ({})", dns.origin.decl, dns.origin.file));
    if let Some(doc) = &dns.origin.doc {
        m.comment(doc);
    }
    m.comment(
        "The tailnet's whole DNS configuration: nameservers, search paths, split DNS and\n\
         MagicDNS. bops owns it, as it owns the policy.",
    );
    let nameservers = |addresses: &[String]| {
        Expr::List(
            addresses
                .iter()
                .map(|a| Expr::Dict(vec![(string("address"), string(a.as_str()))]))
                .collect(),
        )
    };
    // One fixed resource name, like the `Acl`'s: renaming the declaration replaces nothing.
    let mut args = vec![Arg::Pos(string("tailnet-dns"))];
    if !dns.nameservers.is_empty() {
        args.push(Arg::kw("nameservers", nameservers(&dns.nameservers)));
    }
    if !dns.search_paths.is_empty() {
        args.push(Arg::kw(
            "search_paths",
            Expr::List(
                dns.search_paths
                    .iter()
                    .map(|p| string(p.as_str()))
                    .collect(),
            ),
        ));
    }
    if !dns.split.is_empty() {
        let domains = dns
            .split
            .iter()
            .map(|(domain, servers)| {
                Expr::Dict(vec![
                    (string("domain"), string(domain.as_str())),
                    (string("nameservers"), nameservers(servers)),
                ])
            })
            .collect();
        args.push(Arg::kw("split_dns", Expr::List(domains)));
    }
    args.push(Arg::kw("magic_dns", Expr::Bool(dns.magic_dns)));
    args.push(Arg::kw(
        "override_local_dns",
        Expr::Bool(dns.override_local_dns),
    ));
    m.push(Stmt::assign(
        "tailnet_dns",
        name("tailscale").attr("DnsConfiguration").call(args),
    ));
}

/// A host's device lookup and `DeviceTags`, or a comment when Pulumi leaves its tags alone.
fn device_tags(
    m: &mut Module,
    host: &Host,
    tailnet: &Tailnet,
    used: &mut IndexSet<String>,
    exports: &mut Vec<Stmt>,
) {
    let host_tags = tag_names(&host.tags);
    if host_tags.is_empty() {
        return;
    }
    m.blank();
    m.comment(&format!("{} ({})", host.origin.decl, host.origin.file));
    if let Some(doc) = &host.origin.doc {
        m.comment(doc);
    }
    if !managed(host) {
        m.comment(&format!(
            "Its tags ({}) are not managed here (manage_tags = false).",
            host_tags.join(", ")
        ));
        return;
    }
    let var = unique_identifier(&host.name, used);
    let device = format!("{var}_device");
    let tags_var = format!("{var}_tags");
    m.push(Stmt::assign(
        device.as_str(),
        name("tailscale").attr("get_device").call(vec![Arg::kw(
            "name",
            string(format!("{}.{}", host.device, tailnet.domain)),
        )]),
    ));
    m.push(Stmt::assign(
        tags_var.as_str(),
        name("tailscale").attr("DeviceTags").call(vec![
            Arg::Pos(string(format!("{}-tags", host.name))),
            Arg::kw("device_id", name(&device).attr("node_id")),
            Arg::kw(
                "tags",
                Expr::List(host_tags.into_iter().map(string).collect()),
            ),
            after_acl(),
        ]),
    ));
    exports.push(export(
        &format!("{var}_device_id"),
        name(&device).attr("node_id"),
    ));
    exports.push(export(&format!("{var}_tags"), name(&tags_var).attr("tags")));
}

/// An auth key's `TailnetKey`, assigned to `<var>_key`.
fn auth_key(m: &mut Module, key: &AuthKey, var: &str) {
    m.comment(&format!("{} ({})", key.origin.decl, key.origin.file));
    if let Some(doc) = &key.origin.doc {
        m.comment(doc);
    }
    let export_name = key
        .export
        .clone()
        .unwrap_or_else(|| format!("{var}_authkey"));
    m.comment(&format!(
        "The key is a secret output: `pulumi stack output --show-secrets {export_name}`."
    ));
    let tags = tag_names(&key.tags);
    let mut args = vec![
        Arg::Pos(string(key.name.as_str())),
        Arg::kw("reusable", Expr::Bool(key.reusable)),
        Arg::kw("ephemeral", Expr::Bool(key.ephemeral)),
        Arg::kw("preauthorized", Expr::Bool(key.preauthorized)),
    ];
    if !tags.is_empty() {
        args.push(Arg::kw(
            "tags",
            Expr::List(tags.into_iter().map(string).collect()),
        ));
    }
    if let Some(seconds) = key.expiry {
        args.push(Arg::kw(
            "expiry",
            Expr::Int(i64::try_from(seconds).unwrap_or(i64::MAX)),
        ));
    }
    if let Some(description) = &key.description {
        args.push(Arg::kw("description", string(description.as_str())));
    }
    if !key.tags.is_empty() {
        args.push(after_acl());
    }
    m.push(Stmt::assign(
        format!("{var}_key"),
        name("tailscale").attr("TailnetKey").call(args),
    ));
}

/// `opts=pulumi.ResourceOptions(depends_on=[acl])`: after the policy that defines the tags.
fn after_acl() -> Arg {
    Arg::kw(
        "opts",
        name("pulumi")
            .attr("ResourceOptions")
            .call(vec![Arg::kw("depends_on", Expr::List(vec![name("acl")]))]),
    )
}

fn export(key: &str, value: Expr) -> Stmt {
    Stmt::Expr(
        name("pulumi")
            .attr("export")
            .call(vec![Arg::Pos(string(key)), Arg::Pos(value)]),
    )
}

/// The module docstring: what the program manages and where it came from.
fn docstring(model: &Model, tailnet: &Tailnet) -> String {
    let devices = match model.hosts.iter().filter(|h| managed(h)).count() {
        0 => "no device tags".to_string(),
        1 => "the tags of 1 device".to_string(),
        n => format!("the tags of {n} devices"),
    };
    let mut parts = vec![format!("policy ({POLICY_FILE})"), devices];
    match model.auth_keys.len() {
        0 => {}
        1 => parts.push("1 auth key".to_string()),
        n => parts.push(format!("{n} auth keys")),
    }
    if model.dns.is_some() {
        parts.push("its DNS settings".to_string());
    }
    let list = match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let mut text = format!(
        "Pulumi program for the tailnet {domain}.\n\n\
         Generated by bopsc from the bops project `{project}`. It manages the tailnet's\n\
         {list}.",
        domain = tailnet.domain,
        project = model.project.name,
    );
    if let Some(doc) = &tailnet.origin.doc {
        text.push_str("\n\n");
        text.push_str(doc);
    }
    text
}

/// A Python identifier for a declaration name (`-` becomes `_`), not used before.
pub(super) fn unique_identifier(decl: &str, used: &mut IndexSet<String>) -> String {
    let base: String = decl
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let base = match base.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("_{base}"),
        None => "host".to_string(),
        _ => base,
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{base}_{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_and_unique() {
        let mut used = IndexSet::new();
        assert_eq!(unique_identifier("k8s-api", &mut used), "k8s_api");
        assert_eq!(unique_identifier("k8s_api", &mut used), "k8s_api_2");
        assert_eq!(unique_identifier("k8s-api", &mut used), "k8s_api_3");
        assert_eq!(unique_identifier("9lives", &mut used), "_9lives");
    }
}
