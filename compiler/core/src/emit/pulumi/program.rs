//! The Pulumi program, `__main__.py`.
//!
//! It reads `policy.hujson` next to it and applies it with one `tailscale.Acl`. For every host
//! whose tags Pulumi manages (`manage_tags`, at least one tag) it looks the device up by its
//! MagicDNS name with `tailscale.get_device` and sets its tags with a `tailscale.DeviceTags`,
//! which depends on the `Acl` (Tailscale refuses a tag the policy's `tagOwners` does not define
//! yet). A host that carries tags Pulumi leaves alone gets a comment saying so. The program
//! exports the ACL's id and, per managed host, its device id and tags.

use indexmap::IndexSet;

use super::policy::FILE_NAME as POLICY_FILE;
use crate::emit::python::{self, name, string, Arg, BinOp, Expr, Module, Stmt};
use crate::model::{Host, Model, Origin, Principal, Tailnet};

/// The declarations the program is written from, for the provenance header.
pub(super) fn origins<'m>(model: &'m Model, tailnet: &'m Tailnet) -> Vec<&'m Origin> {
    let mut origins = vec![&tailnet.origin];
    // Every host with tags appears: as resources, or as a comment when its tags are not managed.
    origins.extend(
        model
            .hosts
            .iter()
            .filter(|h| !tags(h).is_empty())
            .map(|h| &h.origin),
    );
    origins
}

/// Whether Pulumi sets this host's tags.
fn managed(host: &Host) -> bool {
    host.manage_tags && !tags(host).is_empty()
}

/// A host's tags as the policy writes them, without repeats.
fn tags(host: &Host) -> Vec<String> {
    let mut seen = IndexSet::new();
    for t in &host.tags {
        if let Principal::Tag(name) = &t.principal {
            seen.insert(format!("tag:{name}"));
        }
    }
    seen.into_iter().collect()
}

/// The text of `__main__.py`.
pub(super) fn emit(model: &Model, tailnet: &Tailnet, header: &[String]) -> String {
    let managed_hosts: Vec<&Host> = model.hosts.iter().filter(|h| managed(h)).collect();
    let mut m = Module::new();
    m.header = header.to_vec();
    m.docstring = Some(docstring(model, tailnet, managed_hosts.len()));

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
    m.blank();
    m.comment(
        "The tailnet's whole policy. bops owns it: the first `pulumi up` replaces the policy\n\
         the tailnet had before, without importing it first.",
    );
    m.push(Stmt::assign(
        "acl",
        name("tailscale").attr("Acl").call(vec![
            Arg::Pos(string("tailnet-acl")),
            Arg::kw("acl", name("policy")),
            Arg::kw("overwrite_existing_content", Expr::Bool(true)),
        ]),
    ));

    let mut used = IndexSet::new();
    let mut exports = vec![export("acl_id", name("acl").attr("id"))];
    for host in &model.hosts {
        let host_tags = tags(host);
        if host_tags.is_empty() {
            continue;
        }
        m.blank();
        m.comment(&format!("{} ({})", host.origin.decl, host.origin.file));
        if let Some(doc) = &host.origin.doc {
            m.comment(doc);
        }
        if !host.manage_tags {
            m.comment(&format!(
                "Its tags ({}) are not managed here (manage_tags = false).",
                host_tags.join(", ")
            ));
            continue;
        }
        let var = unique_identifier(&host.name, &mut used);
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
                Arg::kw(
                    "opts",
                    name("pulumi")
                        .attr("ResourceOptions")
                        .call(vec![Arg::kw("depends_on", Expr::List(vec![name("acl")]))]),
                ),
            ]),
        ));
        exports.push(export(
            &format!("{var}_device_id"),
            name(&device).attr("node_id"),
        ));
        exports.push(export(&format!("{var}_tags"), name(&tags_var).attr("tags")));
    }

    m.blank();
    for e in exports {
        m.push(e);
    }
    python::print(&m)
}

fn export(key: &str, value: Expr) -> Stmt {
    Stmt::Expr(
        name("pulumi")
            .attr("export")
            .call(vec![Arg::Pos(string(key)), Arg::Pos(value)]),
    )
}

/// The module docstring: what the program manages and where it came from.
fn docstring(model: &Model, tailnet: &Tailnet, managed_hosts: usize) -> String {
    let devices = match managed_hosts {
        0 => "no device tags".to_string(),
        1 => "the tags of 1 device".to_string(),
        n => format!("the tags of {n} devices"),
    };
    let mut text = format!(
        "Pulumi program for the tailnet {domain}.\n\n\
         Generated by bopsc from the bops project `{project}`. It manages the tailnet's\n\
         policy ({POLICY_FILE}) and {devices}.",
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
fn unique_identifier(decl: &str, used: &mut IndexSet<String>) -> String {
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
