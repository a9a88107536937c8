//! The inventory: `inventory/hosts.yml`, `inventory/host_vars/` and `inventory/group_vars/`.
//!
//! Every group except `all` is listed under `all.children`, in declaration order, with its member
//! hosts and its child groups by name (an empty mapping, the group itself being defined at the top
//! level); a flat list is the same inventory as a nested one and is easier to read in a diff.
//! Hosts that no group lists sit under `all.hosts`. A host's connection variables are written at
//! its first appearance only, so each is stated once.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use crate::emit::yaml::{document, Map, Yaml};
use crate::emit::{header_lines, put};
use crate::model::{Data, Host, Model};
use crate::Outputs;

use super::secrets::{to_yaml, Facts};
use super::{inventory_origins, ROOT};

/// The name of the inventory's root group.
const ALL: &str = "all";

/// Writes the inventory and the variable files.
pub(super) fn emit(model: &Model, facts: &Facts, out: &mut Outputs) {
    hosts_file(model, out);
    for host in &model.hosts {
        let mut vars = Map::new();
        if host.host_vars_file {
            vars = connection(host, vars);
        }
        let Yaml::Map(own) = variables(&host.vars, facts) else {
            continue;
        };
        vars.0.extend(own);
        if vars.is_empty() {
            continue;
        }
        let text = document(&header_lines(&[&host.origin]), &vars.into());
        let path = format!("{ROOT}/inventory/host_vars/{}.yml", host.name);
        put(out, path, text, &[&host.origin]);
    }
    for group in &model.host_groups {
        if group.vars.is_empty() {
            continue;
        }
        let text = document(
            &header_lines(&[&group.origin]),
            &variables(&group.vars, facts),
        );
        let path = format!("{ROOT}/inventory/group_vars/{}.yml", group.name);
        put(out, path, text, &[&group.origin]);
    }
}

/// A variables file's mapping; secrets become references to their facts.
fn variables(vars: &IndexMap<String, Data>, facts: &Facts) -> Yaml {
    Yaml::Map(
        vars.iter()
            .map(|(k, v)| (k.clone(), to_yaml(v, facts)))
            .collect(),
    )
}

/// Writes `inventory/hosts.yml`.
fn hosts_file(model: &Model, out: &mut Outputs) {
    let root = model.host_groups.iter().find(|g| g.name == ALL);
    let grouped: BTreeSet<&str> = model
        .host_groups
        .iter()
        .filter(|g| g.name != ALL)
        .flat_map(|g| g.hosts.iter().map(String::as_str))
        .collect();
    let mut written = BTreeSet::new();

    let mut ungrouped = Map::new();
    for host in &model.hosts {
        let in_root = root.is_some_and(|g| g.hosts.contains(&host.name));
        if grouped.contains(host.name.as_str()) && !in_root {
            continue;
        }
        ungrouped.insert(host.name.clone(), host_entry(host, &mut written));
    }

    let mut children = Map::new();
    for group in model.host_groups.iter().filter(|g| g.name != ALL) {
        let mut hosts = Map::new();
        for name in &group.hosts {
            let Some(host) = model.hosts.iter().find(|h| &h.name == name) else {
                continue;
            };
            hosts.insert(name.clone(), host_entry(host, &mut written));
        }
        let mut kids = Map::new();
        for child in group.children.iter().filter(|c| c.as_str() != ALL) {
            kids.insert(child.clone(), Map::new());
        }
        let entry = Map::new()
            .with_nonempty("hosts", hosts)
            .with_nonempty("children", kids);
        children.insert(group.name.clone(), entry);
    }

    let all = Map::new()
        .with_nonempty("hosts", ungrouped)
        .with_nonempty("children", children);
    let doc = Map::new().with(ALL, all);
    let origins = inventory_origins(model);
    let text = document(&header_lines(&origins), &doc.into());
    put(out, format!("{ROOT}/inventory/hosts.yml"), text, &origins);
}

/// A host's entry: its connection variables the first time it is written, empty afterwards.
fn host_entry<'m>(host: &'m Host, written: &mut BTreeSet<&'m str>) -> Yaml {
    if !written.insert(host.name.as_str()) {
        return Map::new().into();
    }
    let entry = Map::new().with("ansible_host", &host.device);
    if host.host_vars_file {
        return entry.into();
    }
    connection(host, entry).into()
}

/// A host's connection settings besides `ansible_host`, added to a mapping.
fn connection(host: &Host, map: Map) -> Map {
    map.with_opt("ansible_user", host.user.as_ref())
        .with_opt("ansible_python_interpreter", host.python.as_ref())
        .with_opt("ansible_connection", host.connection.as_ref())
}
