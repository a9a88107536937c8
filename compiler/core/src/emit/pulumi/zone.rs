//! The Pulumi projects of public DNS zones.
//!
//! Zones are grouped by their Pulumi project (zones that share a project share its stack, which
//! the checker saw to). Each project is written to `pulumi/<project>/`, as the tailnet's is:
//!
//! - `Pulumi.yaml` and `Pulumi.<stack>.yaml`; the stack holds `tailscale:tailnet` when a record
//!   points at a host's tailnet address, which the Tailscale provider looks up;
//! - `requirements.txt` (the Pulumi SDK, the Gandi provider, and the Tailscale provider when it is
//!   needed) and `ruff.toml`;
//! - `__main__.py`: per host whose tailnet address a record holds, a `tailscale.get_device` lookup
//!   by its MagicDNS name and its IPv4 addresses; per record a `gandi.livedns.Record`. The program
//!   exports the looked-up addresses and every record's FQDN. The Gandi provider reads its token
//!   from `GANDI_PERSONAL_ACCESS_TOKEN` or the secret `gandi:personalAccessToken`; neither is ever
//!   written to a file.

use indexmap::{IndexMap, IndexSet};

use super::program::unique_identifier;
use super::{PULUMI_REQUIREMENT, TAILSCALE_REQUIREMENT};
use crate::emit::python::{self, name, string, Arg, BinOp, Expr, Module, Stmt};
use crate::emit::yaml::{self, Map, Yaml};
use crate::emit::{header_lines, put};
use crate::model::{DnsRecord, DnsZone, Host, Model, Origin, RecordValue};
use crate::Outputs;

/// The Gandi provider versions the generated program accepts: the 2.x line, from the release it
/// was checked against (`livedns.Record` with `zone`, `name`, `type`, `ttl` and `values`).
const GANDI_REQUIREMENT: &str = "pulumiverse-gandi>=2.3.2,<3.0.0";

/// One Pulumi project of zones, with what its program needs.
struct Project<'m> {
    /// The project's name.
    name: &'m str,
    /// Its stack.
    stack: &'m str,
    /// Its zones, in declaration order.
    zones: Vec<&'m DnsZone>,
    /// Their records, zone by zone.
    records: Vec<&'m DnsRecord>,
    /// The hosts whose addresses the records hold, by declaration name, in order of first use,
    /// with their Python names.
    hosts: IndexMap<&'m str, (&'m Host, String)>,
}

/// Writes the Pulumi project of every group of zones.
pub fn emit(model: &Model, out: &mut Outputs) {
    for project in projects(model) {
        emit_project(model, &project, out);
    }
}

/// The zones grouped by Pulumi project, in declaration order.
fn projects(model: &Model) -> Vec<Project<'_>> {
    let mut by_name: IndexMap<&str, Project<'_>> = IndexMap::new();
    for zone in &model.dns_zones {
        let project = by_name
            .entry(zone.pulumi_project.as_str())
            .or_insert_with(|| Project {
                name: &zone.pulumi_project,
                stack: &zone.pulumi_stack,
                zones: Vec::new(),
                records: Vec::new(),
                hosts: IndexMap::new(),
            });
        project.zones.push(zone);
    }
    let mut projects: Vec<Project<'_>> = by_name.into_values().collect();
    for project in &mut projects {
        let mut used = IndexSet::new();
        for zone in project.zones.clone() {
            for record in model.dns_records.iter().filter(|r| r.zone == zone.name) {
                project.records.push(record);
                for value in &record.values {
                    let RecordValue::HostAddress(host) = value else {
                        continue;
                    };
                    if project.hosts.contains_key(host.as_str()) {
                        continue;
                    }
                    if let Some(h) = model.hosts.iter().find(|h| h.name == *host) {
                        let var = unique_identifier(&h.name, &mut used);
                        project.hosts.insert(&h.name, (h, var));
                    }
                }
            }
        }
    }
    projects
}

fn emit_project(model: &Model, project: &Project<'_>, out: &mut Outputs) {
    let dir = format!("pulumi/{}", project.name);
    let zone_origins: Vec<&Origin> = project.zones.iter().map(|z| &z.origin).collect();
    let mut program_origins = zone_origins.clone();
    program_origins.extend(project.records.iter().map(|r| &r.origin));
    program_origins.extend(project.hosts.values().map(|(h, _)| &h.origin));
    let looks_up = !project.hosts.is_empty();
    let tailnet = model.tailnet.as_ref().filter(|_| looks_up);
    let mut stack_origins = zone_origins.clone();
    stack_origins.extend(tailnet.map(|t| &t.origin));

    put(
        out,
        format!("{dir}/Pulumi.yaml"),
        project_file(project, &zone_origins),
        &zone_origins,
    );
    let mut config = Map::new();
    if let Some(tailnet) = tailnet {
        config.insert("tailscale:tailnet", tailnet.domain.as_str());
    }
    put(
        out,
        format!("{dir}/Pulumi.{}.yaml", project.stack),
        yaml::document(
            &header_lines(&stack_origins),
            &Yaml::from(Map::new().with("config", config)),
        ),
        &stack_origins,
    );
    let mut requirements = vec![PULUMI_REQUIREMENT, GANDI_REQUIREMENT];
    if looks_up {
        requirements.push(TAILSCALE_REQUIREMENT);
    }
    put(
        out,
        format!("{dir}/requirements.txt"),
        comment_file(&zone_origins, &requirements),
        &zone_origins,
    );
    put(
        out,
        format!("{dir}/ruff.toml"),
        comment_file(
            &zone_origins,
            &[
                "# ruff's defaults, with the Pulumi SDKs always sorted as third-party packages.",
                "",
                "[lint.isort]",
                "known-third-party = [\"pulumi\", \"pulumi_tailscale\", \"pulumiverse_gandi\"]",
            ],
        ),
        &zone_origins,
    );
    put(
        out,
        format!("{dir}/__main__.py"),
        program(model, project, &header_lines(&program_origins)),
        &program_origins,
    );
}

/// `Pulumi.yaml`, in the corpus's key order.
fn project_file(project: &Project<'_>, origins: &[&Origin]) -> String {
    let runtime = Map::new().with("name", "python").with(
        "options",
        Map::new()
            .with("toolchain", "pip")
            .with("virtualenv", "venv"),
    );
    let doc = Map::new()
        .with("name", project.name)
        .with("runtime", runtime)
        .with(
            "description",
            format!(
                "DNS records of {} in Gandi LiveDNS, generated by bopsc",
                domains(project)
            ),
        );
    yaml::document(&header_lines(origins), &Yaml::from(doc))
}

/// The zones' domains, for descriptions: `a.com`, `a.com and b.org`, `a.com, b.org and c.net`.
fn domains(project: &Project<'_>) -> String {
    let names: Vec<&str> = project.zones.iter().map(|z| z.domain.as_str()).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A file in `#` comment syntax: the provenance header, then the lines.
fn comment_file(origins: &[&Origin], body: &[&str]) -> String {
    let mut lines: Vec<String> = header_lines(origins)
        .into_iter()
        .map(|l| format!("# {l}"))
        .collect();
    lines.extend(body.iter().map(|l| (*l).to_string()));
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The text of `__main__.py`.
fn program(model: &Model, project: &Project<'_>, header: &[String]) -> String {
    let mut m = Module::new();
    m.header = header.to_vec();
    m.docstring = Some(docstring(model, project));
    m.push(Stmt::import("pulumi"));
    if !project.hosts.is_empty() {
        m.push(Stmt::import_as("pulumi_tailscale", "tailscale"));
    }
    m.push(Stmt::import_as("pulumiverse_gandi", "gandi"));

    let mut exports = Vec::new();
    if !project.hosts.is_empty() {
        m.comment(
            "The tailnet IPv4 addresses of the hosts that records point at, looked up by MagicDNS\n\
             name when Pulumi runs (the tailnet is the stack's `tailscale:tailnet`). A device\n\
             without an IPv4 address leaves its records without values, which Gandi refuses.",
        );
    }
    let domain = model.tailnet.as_ref().map(|t| t.domain.as_str());
    for (host, var) in project.hosts.values() {
        m.blank();
        m.comment(&format!("{} ({})", host.origin.decl, host.origin.file));
        let fqdn = match domain {
            Some(domain) => format!("{}.{domain}", host.device),
            None => host.device.clone(),
        };
        let device = format!("{var}_device");
        let addresses = format!("{var}_addresses");
        let ipv4 = format!("{var}_ipv4");
        m.push(Stmt::assign(
            device.as_str(),
            name("tailscale")
                .attr("get_device")
                .call(vec![Arg::kw("name", string(fqdn))]),
        ));
        m.push(Stmt::assign(
            addresses.as_str(),
            name(&device)
                .attr("addresses")
                .binop(BinOp::Or, Expr::List(Vec::new())),
        ));
        m.push(Stmt::assign(
            ipv4.as_str(),
            Expr::list_comp(
                name("a"),
                "a",
                name(&addresses),
                Some(string(".").binop(BinOp::In, name("a"))),
            ),
        ));
        exports.push(export(&ipv4, name(&ipv4)));
    }

    let mut used = IndexSet::new();
    for zone in &project.zones {
        m.blank();
        m.comment(&format!(
            "{} ({}): {}",
            zone.origin.decl, zone.origin.file, zone.domain
        ));
        if let Some(doc) = &zone.origin.doc {
            m.comment(doc);
        }
        for record in project.records.iter().filter(|r| r.zone == zone.name) {
            m.blank();
            m.comment(&format!("{} ({})", record.origin.decl, record.origin.file));
            if let Some(doc) = &record.origin.doc {
                m.comment(doc);
            }
            let var = unique_identifier(&record.name, &mut used);
            m.push(Stmt::assign(
                format!("{var}_record"),
                name("gandi").attr("livedns").attr("Record").call(vec![
                    Arg::Pos(string(record.name.as_str())),
                    Arg::kw("zone", string(zone.domain.as_str())),
                    Arg::kw("name", string(record.record.as_str())),
                    Arg::kw("type", string(record.kind.as_str())),
                    Arg::kw("ttl", Expr::Int(i64::from(record.ttl))),
                    Arg::kw("values", values(record, project)),
                ]),
            ));
            exports.push(export(&format!("{var}_fqdn"), string(fqdn(record, zone))));
        }
    }

    m.blank();
    for e in exports {
        m.push(e);
    }
    python::print(&m)
}

/// A record's values: one host's looked-up addresses as they are, else a list of the literals
/// with the hosts' addresses unpacked in place. An FQDN is written with its trailing dot.
fn values(record: &DnsRecord, project: &Project<'_>) -> Expr {
    let host_list = |host: &str| {
        project
            .hosts
            .get(host)
            .map(|(_, var)| name(&format!("{var}_ipv4")))
    };
    if let [RecordValue::HostAddress(host)] = record.values.as_slice() {
        if let Some(list) = host_list(host) {
            return list;
        }
    }
    let items = record
        .values
        .iter()
        .filter_map(|value| match value {
            RecordValue::Literal(text) => Some(string(text.as_str())),
            RecordValue::Fqdn(fqdn) => Some(string(format!("{fqdn}."))),
            RecordValue::HostAddress(host) => host_list(host).map(|l| Expr::Starred(Box::new(l))),
        })
        .collect();
    Expr::List(items)
}

/// A record's fully qualified name (`*.ops.example.com`; the zone's domain for `@`).
fn fqdn(record: &DnsRecord, zone: &DnsZone) -> String {
    if record.record == "@" {
        return zone.domain.clone();
    }
    format!("{}.{}", record.record, zone.domain)
}

fn export(key: &str, value: Expr) -> Stmt {
    Stmt::Expr(
        name("pulumi")
            .attr("export")
            .call(vec![Arg::Pos(string(key)), Arg::Pos(value)]),
    )
}

/// The module docstring: what the program manages and where it came from.
fn docstring(model: &Model, project: &Project<'_>) -> String {
    let records = match project.records.len() {
        1 => "1 record".to_string(),
        n => format!("{n} records"),
    };
    format!(
        "Pulumi program for the DNS of {domains}.\n\n\
         Generated by bopsc from the bops project `{name}`. It manages {records} in Gandi\n\
         LiveDNS. The provider reads its token from GANDI_PERSONAL_ACCESS_TOKEN (or the\n\
         stack's secret `gandi:personalAccessToken`).",
        domains = domains(project),
        name = model.project.name,
    )
}
