//! The tailnet policy file, `policy.hujson`.
//!
//! Sections, in the order of Tailscale's reference and of hand-written policy files, each left
//! out when empty (except `grants`, always written so that an empty policy visibly grants
//! nothing):
//!
//! 1. `groups` (`group:NAME` to member logins), `hosts` (each network's name to its address),
//!    `ipsets` (`ipset:NAME` to the addresses it adds, or to `add X`/`remove X` operations when it
//!    removes some) and `postures` (`posture:NAME` to its conditions);
//! 2. the rules: `grants`, `acls` (the legacy section), `ssh`;
//! 3. `autoApprovers` (`routes`, `exitNode`, `services`: auto approver declarations merged by
//!    route and service, their approvers in declaration order), `nodeAttrs` and `tagOwners`;
//! 4. the assertions: `tests` and `sshTests`;
//! 5. the tailnet's options: `defaultSrcPosture`, `disableIPv4`, `OneCGNATRoute`,
//!    `randomizeClientPort`.
//!
//! A comment before each entry names its declaration and source file and carries its doc
//! comment. [`names`] says how principals, ports and data are written, [`rules`] writes the
//! rules.

mod names;
mod rules;

use indexmap::{IndexMap, IndexSet};

use crate::emit::hujson::{self, Array, Object, Value};
use crate::model::{Model, Origin, Principal, Tailnet};

use names::Names;

/// The policy's file name, next to `__main__.py`.
pub(super) const FILE_NAME: &str = "policy.hujson";

/// The declarations the policy is written from, for the provenance header.
pub(super) fn origins<'m>(model: &'m Model, tailnet: &'m Tailnet) -> Vec<&'m Origin> {
    let mut origins = vec![&tailnet.origin];
    origins.extend(model.users.iter().map(|u| &u.origin));
    origins.extend(model.groups.iter().map(|g| &g.origin));
    origins.extend(model.networks.iter().map(|n| &n.origin));
    origins.extend(model.ip_sets.iter().map(|s| &s.origin));
    origins.extend(model.postures.iter().map(|p| &p.origin));
    origins.extend(model.grants.iter().map(|g| &g.origin));
    origins.extend(model.acls.iter().map(|a| &a.origin));
    origins.extend(model.ssh_rules.iter().map(|s| &s.origin));
    origins.extend(model.auto_approvers.iter().map(|a| &a.origin));
    origins.extend(model.node_attrs.iter().map(|n| &n.origin));
    origins.extend(model.tags.iter().map(|t| &t.origin));
    origins.extend(model.acl_tests.iter().map(|t| &t.origin));
    origins.extend(model.ssh_tests.iter().map(|t| &t.origin));
    // The hosts the rules name are written as their tags.
    let mut named = IndexSet::new();
    for g in &model.grants {
        named.extend(g.src.iter().chain(&g.dst).map(|s| &s.principal));
    }
    for a in &model.acls {
        named.extend(a.src.iter().map(|s| &s.principal));
        named.extend(a.dst.iter().map(|d| &d.target));
    }
    for s in &model.ssh_rules {
        named.extend(s.src.iter().chain(&s.dst).map(|s| &s.principal));
    }
    for n in &model.node_attrs {
        named.extend(n.target.iter().map(|s| &s.principal));
    }
    for t in &model.acl_tests {
        named.insert(&t.src.principal);
        named.extend(t.accept.iter().chain(&t.deny).map(|e| &e.target));
    }
    for t in &model.ssh_tests {
        named.insert(&t.src.principal);
        named.extend(t.dst.iter().map(|s| &s.principal));
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

    section(&mut root, "groups", groups(model));
    section(&mut root, "hosts", hosts(model));
    section(&mut root, "ipsets", ip_sets(model, &names));
    section(&mut root, "postures", postures(model));

    let grants = rules(&model.grants, |g| &g.origin, |g| rules::grant(g, &names));
    push_section(&mut root, "grants", grants);
    let acls = rules(&model.acls, |a| &a.origin, |a| rules::acl(a, &names));
    section(&mut root, "acls", acls);
    let ssh = rules(
        &model.ssh_rules,
        |s| &s.origin,
        |s| rules::ssh_rule(s, &names),
    );
    section(&mut root, "ssh", ssh);

    section(&mut root, "autoApprovers", auto_approvers(model, &names));
    let attrs = rules(
        &model.node_attrs,
        |n| &n.origin,
        |n| rules::node_attr(n, &names),
    );
    section(&mut root, "nodeAttrs", attrs);
    section(&mut root, "tagOwners", tag_owners(model, &names));

    let tests = rules(
        &model.acl_tests,
        |t| &t.origin,
        |t| rules::acl_test(t, &names),
    );
    section(&mut root, "tests", tests);
    let ssh_tests = rules(
        &model.ssh_tests,
        |t| &t.origin,
        |t| rules::ssh_test(t, &names),
    );
    section(&mut root, "sshTests", ssh_tests);

    options(&mut root, tailnet);
    hujson::document(&head, &root)
}

/// Something a section can hold: an object or an array, empty or not.
trait Section: Into<Value> {
    fn is_empty_section(&self) -> bool;
}

impl Section for Object {
    fn is_empty_section(&self) -> bool {
        self.is_empty()
    }
}

impl Section for Array {
    fn is_empty_section(&self) -> bool {
        self.is_empty()
    }
}

/// Adds a section unless it is empty.
fn section(root: &mut Object, key: &str, value: impl Section) {
    if !value.is_empty_section() {
        push_section(root, key, value);
    }
}

/// Adds a top-level section, after an empty line unless it is the first.
fn push_section(root: &mut Object, key: &str, value: impl Into<Value>) {
    let blank = !root.is_empty();
    root.push(Vec::new(), blank, key, value);
}

/// The comment before an entry: its declaration and file, then its doc comment.
fn comments(origin: &Origin) -> Vec<String> {
    let mut lines = vec![format!("{} ({})", origin.decl, origin.file)];
    lines.extend(origin.doc.iter().cloned());
    lines
}

/// A section of rules: each rule that can be written, after its comment.
fn rules<T>(
    entries: &[T],
    origin: impl Fn(&T) -> &Origin,
    write: impl Fn(&T) -> Option<Object>,
) -> Array {
    let mut out = Array::block(Vec::<Value>::new());
    for entry in entries {
        if let Some(rule) = write(entry) {
            out.push_commented(comments(origin(entry)), rule);
        }
    }
    out
}

fn groups(model: &Model) -> Object {
    let names = Names { model };
    let mut out = Object::new();
    for g in &model.groups {
        let members: Vec<String> = g.members.iter().filter_map(|m| names.login(m)).collect();
        out.push(
            comments(&g.origin),
            false,
            format!("group:{}", g.name),
            Array::block(members),
        );
    }
    out
}

fn hosts(model: &Model) -> Object {
    let mut out = Object::new();
    for n in &model.networks {
        out.push(
            comments(&n.origin),
            false,
            n.name.clone(),
            n.address.clone(),
        );
    }
    out
}

/// IP sets: the targets when a set only adds, else its `add` and `remove` operations.
fn ip_sets(model: &Model, names: &Names) -> Object {
    let mut out = Object::new();
    for s in &model.ip_sets {
        let members = |list: &[crate::model::Selector]| -> Vec<String> {
            list.iter()
                .filter_map(|m| names.ip_set_member(&m.principal))
                .collect()
        };
        let (add, remove) = (members(&s.add), members(&s.remove));
        let operations: Vec<String> = if remove.is_empty() {
            add
        } else {
            add.iter()
                .map(|a| format!("add {a}"))
                .chain(remove.iter().map(|r| format!("remove {r}")))
                .collect()
        };
        if operations.is_empty() {
            continue;
        }
        out.push(
            comments(&s.origin),
            false,
            format!("ipset:{}", s.name),
            Array::block(operations),
        );
    }
    out
}

fn postures(model: &Model) -> Object {
    let mut out = Object::new();
    for p in &model.postures {
        out.push(
            comments(&p.origin),
            false,
            format!("posture:{}", p.name),
            Array::block(p.rules.iter().cloned()),
        );
    }
    out
}

fn tag_owners(model: &Model, names: &Names) -> Object {
    let mut out = Object::new();
    for t in &model.tags {
        out.push(
            comments(&t.origin),
            false,
            format!("tag:{}", t.name),
            Array::inline(names.list(&t.owners)),
        );
    }
    out
}

/// Approvers merged by key, with the declarations that approve it.
#[derive(Default)]
struct Approvals<'m> {
    by_key: IndexMap<String, (Vec<&'m Origin>, IndexSet<String>)>,
}

impl<'m> Approvals<'m> {
    fn add(&mut self, key: String, origin: &'m Origin, approvers: &[String]) {
        let (origins, all) = self.by_key.entry(key).or_default();
        if !origins.contains(&origin) {
            origins.push(origin);
        }
        all.extend(approvers.iter().cloned());
    }

    fn into_object(self) -> Object {
        let mut out = Object::new();
        for (key, (origins, approvers)) in self.by_key {
            out.push(declared_by(&origins), false, key, Array::inline(approvers));
        }
        out
    }
}

/// The comment before a merged entry: the declarations it comes from, without their doc comments
/// (several may share the entry).
fn declared_by(origins: &[&Origin]) -> Vec<String> {
    origins
        .iter()
        .map(|o| format!("{} ({})", o.decl, o.file))
        .collect()
}

/// `autoApprovers`: routes and services each to who may approve them, and who may approve exit
/// nodes.
fn auto_approvers(model: &Model, names: &Names) -> Object {
    let mut routes = Approvals::default();
    let mut services = Approvals::default();
    let mut exit_node = Approvals::default();
    for a in &model.auto_approvers {
        let approvers = names.list(&a.approvers);
        if approvers.is_empty() {
            continue;
        }
        for route in &a.routes {
            routes.add(route.clone(), &a.origin, &approvers);
        }
        for service in names.list(&a.services) {
            services.add(service, &a.origin, &approvers);
        }
        if a.exit_node {
            exit_node.add(String::new(), &a.origin, &approvers);
        }
    }
    let mut out = Object::new();
    let routes = routes.into_object();
    if !routes.is_empty() {
        out.insert("routes", routes);
    }
    if let Some((_, (origins, approvers))) = exit_node.by_key.into_iter().next() {
        out.push(
            declared_by(&origins),
            false,
            "exitNode",
            Array::inline(approvers),
        );
    }
    let services = services.into_object();
    if !services.is_empty() {
        out.insert("services", services);
    }
    out
}

/// The tailnet's options, after a comment naming the tailnet.
fn options(root: &mut Object, tailnet: &Tailnet) {
    let o = &tailnet.options;
    let mut entries: Vec<(&str, Value)> = Vec::new();
    if !o.default_src_posture.is_empty() {
        entries.push((
            "defaultSrcPosture",
            rules::postures(&o.default_src_posture).into(),
        ));
    }
    if let Some(b) = o.disable_ipv4 {
        entries.push(("disableIPv4", b.into()));
    }
    if let Some(route) = &o.one_cgnat_route {
        entries.push(("OneCGNATRoute", route.clone().into()));
    }
    if let Some(b) = o.randomize_client_port {
        entries.push(("randomizeClientPort", b.into()));
    }
    for (n, (key, value)) in entries.into_iter().enumerate() {
        let lines = if n == 0 {
            vec![format!(
                "The options of {} ({})",
                tailnet.origin.decl, tailnet.origin.file
            )]
        } else {
            Vec::new()
        };
        root.push(lines, n == 0, key, value);
    }
}
