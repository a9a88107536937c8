//! Building the graph from the model: one node per declaration, then the typed references that
//! each declaration holds.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::schema::Kind;
use crate::model::{
    Data, EnvValue, Model, Play, Principal, RecordValue, SecretRef, Selector, SourceRepo,
};

use super::{Edge, Graph, Layer, Node};

/// The graph of a model.
pub(super) fn graph(model: &Model) -> Graph {
    let mut builder = Builder::default();
    nodes(model, &mut builder);
    tailnet_edges(model, &mut builder);
    hosts_edges(model, &mut builder);
    workloads_edges(model, &mut builder);
    Graph {
        name: model.project.name.clone(),
        nodes: builder.nodes,
        edges: builder.edges,
    }
}

/// Every secret field the declarations of a model read, as (secret, key), collected on the way
/// to the same `reads` edges the graph draws, so the two never disagree.
pub(super) fn secret_keys_read(model: &Model) -> BTreeSet<(String, String)> {
    let mut builder = Builder::default();
    nodes(model, &mut builder);
    tailnet_edges(model, &mut builder);
    hosts_edges(model, &mut builder);
    workloads_edges(model, &mut builder);
    builder.keys
}

/// The graph under construction, with the indices that keep lookups and ids unique.
#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// (kind keyword, name) to the node's index.
    index: BTreeMap<(&'static str, String), usize>,
    /// The ids given so far.
    ids: BTreeSet<String>,
    /// The edges added so far, so that a reference written twice is drawn once.
    seen: BTreeSet<(usize, usize, &'static str)>,
    /// Every secret field read, (secret, key): finer than the `reads` edges, for the rule that
    /// finds keys nothing reads.
    keys: BTreeSet<(String, String)>,
}

impl Builder {
    /// Adds a declaration; a second one of the same kind and name (which the checker refuses) is
    /// ignored.
    fn node(&mut self, kind: Kind, name: &str, layer: Layer) {
        let keyword = kind.keyword();
        let key = (keyword, name.to_string());
        if self.index.contains_key(&key) {
            return;
        }
        let base = format!("{}_{}", ident(keyword), ident(name));
        let mut id = base.clone();
        let mut n = 2;
        while self.ids.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.ids.insert(id.clone());
        self.index.insert(key, self.nodes.len());
        self.nodes.push(Node {
            id,
            kind: keyword,
            name: name.to_string(),
            layer,
            context: false,
        });
    }

    /// Adds a reference from one declaration to another; one whose ends are not both
    /// declarations is not drawn.
    fn edge(&mut self, from: (Kind, &str), to: (Kind, &str), label: &'static str) {
        let Some(from) = self.find(from) else {
            return;
        };
        let Some(to) = self.find(to) else {
            return;
        };
        if self.seen.insert((from, to, label)) {
            self.edges.push(Edge { from, to, label });
        }
    }

    /// Adds a reference to what a policy selector names, when that is a declaration.
    fn selector(&mut self, from: (Kind, &str), selector: &Selector, label: &'static str) {
        self.principal(from, &selector.principal, label);
    }

    /// Adds a reference to a principal, when it is a declaration; `*`, autogroups, logins,
    /// addresses and services are not.
    fn principal(&mut self, from: (Kind, &str), principal: &Principal, label: &'static str) {
        let to = match principal {
            Principal::User(name) => (Kind::User, name.as_str()),
            Principal::Group(name) => (Kind::Group, name.as_str()),
            Principal::Tag(name) => (Kind::Tag, name.as_str()),
            Principal::Host(name) => (Kind::Host, name.as_str()),
            Principal::Network(name) => (Kind::Network, name.as_str()),
            Principal::IpSet(name) => (Kind::IpSet, name.as_str()),
            Principal::Any
            | Principal::UsersAt(_)
            | Principal::Autogroup(_)
            | Principal::Ip(_)
            | Principal::Service(_) => return,
        };
        self.edge(from, to, label);
    }

    /// Adds a `reads` reference to the secret of each secret reference.
    fn secrets<'a>(&mut self, from: (Kind, &str), refs: impl IntoIterator<Item = &'a SecretRef>) {
        for secret_ref in refs {
            self.keys
                .insert((secret_ref.secret.clone(), secret_ref.key.clone()));
            self.edge(from, (Kind::Secret, &secret_ref.secret), "reads");
        }
    }

    fn find(&self, (kind, name): (Kind, &str)) -> Option<usize> {
        self.index.get(&(kind.keyword(), name.to_string())).copied()
    }
}

/// A name as an identifier of both formats: ASCII letters, digits and `_` stay; anything else
/// becomes `_xHEX_`, so two different names never give the same id.
fn ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            out.push_str(&format!("_x{:x}_", u32::from(c)));
        }
    }
    out
}

/// Every declaration, layer by layer, each kind in the order of the language reference.
fn nodes(model: &Model, b: &mut Builder) {
    use Layer::{Hosts, Tailnet, Workloads};
    for user in &model.users {
        b.node(Kind::User, &user.name, Tailnet);
    }
    for group in &model.groups {
        b.node(Kind::Group, &group.name, Tailnet);
    }
    for tag in &model.tags {
        b.node(Kind::Tag, &tag.name, Tailnet);
    }
    for grant in &model.grants {
        b.node(Kind::Grant, &grant.name, Tailnet);
    }
    for rule in &model.ssh_rules {
        b.node(Kind::Ssh, &rule.name, Tailnet);
    }
    for test in &model.acl_tests {
        b.node(Kind::Test, &test.name, Tailnet);
    }
    for network in &model.networks {
        b.node(Kind::Network, &network.name, Tailnet);
    }
    for set in &model.ip_sets {
        b.node(Kind::IpSet, &set.name, Tailnet);
    }
    for posture in &model.postures {
        b.node(Kind::Posture, &posture.name, Tailnet);
    }
    for acl in &model.acls {
        b.node(Kind::Acl, &acl.name, Tailnet);
    }
    for test in &model.ssh_tests {
        b.node(Kind::SshTest, &test.name, Tailnet);
    }
    for approver in &model.auto_approvers {
        b.node(Kind::AutoApprover, &approver.name, Tailnet);
    }
    for attr in &model.node_attrs {
        b.node(Kind::NodeAttr, &attr.name, Tailnet);
    }
    for key in &model.auth_keys {
        b.node(Kind::AuthKey, &key.name, Tailnet);
    }
    for zone in &model.dns_zones {
        b.node(Kind::Zone, &zone.name, Tailnet);
    }
    for record in &model.dns_records {
        b.node(Kind::Record, &record.name, Tailnet);
    }
    for host in &model.hosts {
        b.node(Kind::Host, &host.name, Hosts);
    }
    for group in &model.host_groups {
        b.node(Kind::HostGroup, &group.name, Hosts);
    }
    for role in &model.roles {
        b.node(Kind::Role, &role.name, Hosts);
    }
    for cluster in &model.clusters {
        b.node(Kind::Cluster, &cluster.name, Workloads);
    }
    for forge in &model.forges {
        b.node(Kind::Forge, &forge.name, Workloads);
    }
    for repo in &model.repos {
        b.node(Kind::Repo, &repo.name, Workloads);
    }
    // Secrets are 1Password items that hosts and apps read alike; the model keeps them with the
    // workloads, and so does `bopsc diff`.
    for secret in &model.secrets {
        b.node(Kind::Secret, &secret.name, Workloads);
    }
    for app in &model.apps {
        b.node(Kind::App, &app.name, Workloads);
    }
}

/// The references of the tailnet's declarations: membership, ownership, the policy's sources,
/// destinations and postures, the tags auth keys give, the hosts DNS records point at.
fn tailnet_edges(model: &Model, b: &mut Builder) {
    for group in &model.groups {
        for member in &group.members {
            b.edge((Kind::Group, &group.name), (Kind::User, member), "member");
        }
    }
    for tag in &model.tags {
        for owner in &tag.owners {
            b.selector((Kind::Tag, &tag.name), owner, "owner");
        }
    }
    for grant in &model.grants {
        let from = (Kind::Grant, grant.name.as_str());
        for src in &grant.src {
            b.selector(from, src, "src");
        }
        for dst in &grant.dst {
            b.selector(from, dst, "dst");
        }
        for via in &grant.via {
            b.selector(from, via, "via");
        }
        postures(b, from, &grant.src_posture);
    }
    for rule in &model.ssh_rules {
        let from = (Kind::Ssh, rule.name.as_str());
        for src in &rule.src {
            b.selector(from, src, "src");
        }
        for dst in &rule.dst {
            b.selector(from, dst, "dst");
        }
        postures(b, from, &rule.src_posture);
    }
    for test in &model.acl_tests {
        let from = (Kind::Test, test.name.as_str());
        b.selector(from, &test.src, "src");
        for endpoint in &test.accept {
            b.principal(from, &endpoint.target, "accept");
        }
        for endpoint in &test.deny {
            b.principal(from, &endpoint.target, "deny");
        }
    }
    for set in &model.ip_sets {
        let from = (Kind::IpSet, set.name.as_str());
        for add in &set.add {
            b.selector(from, add, "add");
        }
        for remove in &set.remove {
            b.selector(from, remove, "remove");
        }
    }
    for acl in &model.acls {
        let from = (Kind::Acl, acl.name.as_str());
        for src in &acl.src {
            b.selector(from, src, "src");
        }
        for dst in &acl.dst {
            b.principal(from, &dst.target, "dst");
        }
        postures(b, from, &acl.src_posture);
    }
    for test in &model.ssh_tests {
        let from = (Kind::SshTest, test.name.as_str());
        b.selector(from, &test.src, "src");
        for dst in &test.dst {
            b.selector(from, dst, "dst");
        }
    }
    for approver in &model.auto_approvers {
        let from = (Kind::AutoApprover, approver.name.as_str());
        for who in &approver.approvers {
            b.selector(from, who, "approves");
        }
        for service in &approver.services {
            b.selector(from, service, "service");
        }
    }
    for attr in &model.node_attrs {
        for target in &attr.target {
            b.selector((Kind::NodeAttr, &attr.name), target, "target");
        }
    }
    for key in &model.auth_keys {
        for tag in &key.tags {
            b.selector((Kind::AuthKey, &key.name), tag, "carries");
        }
    }
    for record in &model.dns_records {
        let from = (Kind::Record, record.name.as_str());
        b.edge(from, (Kind::Zone, &record.zone), "in");
        for value in &record.values {
            if let RecordValue::HostAddress(host) = value {
                b.edge(from, (Kind::Host, host), "address");
            }
        }
    }
}

/// `posture` references of a rule's `srcPosture`.
fn postures(b: &mut Builder, from: (Kind, &str), names: &[String]) {
    for name in names {
        b.edge(from, (Kind::Posture, name), "posture");
    }
}

/// The references of the hosts layer: the tags a host carries and its owner, group membership,
/// the roles a play applies, and the secrets variables, arguments and tasks read.
fn hosts_edges(model: &Model, b: &mut Builder) {
    for host in &model.hosts {
        let from = (Kind::Host, host.name.as_str());
        for tag in &host.tags {
            b.selector(from, tag, "carries");
        }
        if let Some(owner) = &host.owner {
            b.edge(from, (Kind::User, owner), "owner");
        }
        play(b, from, &host.play);
        let mut refs = Vec::new();
        for value in host.vars.values() {
            data_secrets(value, &mut refs);
        }
        play_secrets(&host.play, &mut refs);
        b.secrets(from, refs);
    }
    for group in &model.host_groups {
        let from = (Kind::HostGroup, group.name.as_str());
        for host in &group.hosts {
            b.edge(from, (Kind::Host, host), "member");
        }
        for child in &group.children {
            b.edge(from, (Kind::HostGroup, child), "child");
        }
        play(b, from, &group.play);
        let mut refs = Vec::new();
        for value in group.vars.values() {
            data_secrets(value, &mut refs);
        }
        play_secrets(&group.play, &mut refs);
        b.secrets(from, refs);
    }
    for role in &model.roles {
        let mut refs = Vec::new();
        for default in role.params.iter().filter_map(|p| p.default.as_ref()) {
            data_secrets(default, &mut refs);
        }
        b.secrets((Kind::Role, &role.name), refs);
    }
}

/// `applies` references to the roles of a play.
fn play(b: &mut Builder, from: (Kind, &str), play: &Play) {
    for role_use in &play.roles {
        b.edge(from, (Kind::Role, &role_use.role), "applies");
    }
}

/// The secrets a play reads: in its roles' arguments and its tasks' arguments and keywords.
fn play_secrets<'m>(play: &'m Play, out: &mut Vec<&'m SecretRef>) {
    for role_use in &play.roles {
        for value in role_use.args.values() {
            data_secrets(value, out);
        }
    }
    for task in play.all_tasks() {
        for value in task.args.values().chain(task.keywords.values()) {
            data_secrets(value, out);
        }
    }
}

/// Every secret reference inside a value, in order.
fn data_secrets<'m>(value: &'m Data, out: &mut Vec<&'m SecretRef>) {
    match value {
        Data::Secret(secret_ref) => out.push(secret_ref),
        Data::SecretText(parts) => out.extend(crate::model::TextPart::secrets(parts)),
        Data::List(items) => {
            for item in items {
                data_secrets(item, out);
            }
        }
        Data::Map(entries) => {
            for item in entries.values() {
                data_secrets(item, out);
            }
        }
        Data::Null | Data::Bool(_) | Data::Int(_) | Data::Str(_) => {}
    }
}

/// The references of the workloads layer: where clusters and apps run, the tags an app's proxies
/// carry, the secrets its containers and ExternalSecrets read, and the repositories its
/// Application deploys from.
fn workloads_edges(model: &Model, b: &mut Builder) {
    for cluster in &model.clusters {
        if let Some(host) = &cluster.host {
            b.edge(
                (Kind::Cluster, &cluster.name),
                (Kind::Host, host),
                "runs on",
            );
        }
    }
    for repo in &model.repos {
        if let Some(forge) = &repo.forge {
            b.edge((Kind::Repo, &repo.name), (Kind::Forge, forge), "on");
        }
    }
    for app in &model.apps {
        let from = (Kind::App, app.name.as_str());
        b.edge(from, (Kind::Cluster, &app.cluster), "runs on");
        // The exposure, the Service's and what a chart or vendored manifests produce.
        let exposures = app.tailnet_exposures();
        let exposure_tags = exposures.iter().flat_map(|e| e.tags.iter());
        for tag in exposure_tags.chain(&app.service.tags) {
            b.selector(from, tag, "carries");
        }
        let mut refs = Vec::new();
        for container in app.all_containers() {
            for var in &container.env {
                match &var.value {
                    EnvValue::Secret(secret_ref) => refs.push(secret_ref),
                    EnvValue::SecretText(parts) => {
                        refs.extend(crate::model::TextPart::secrets(parts));
                    }
                    _ => {}
                }
            }
        }
        for external in &app.objects.external_secrets {
            refs.extend(external.data.iter().map(|(_, secret_ref)| secret_ref));
        }
        let helm_values = app.argocd.sources.iter().flat_map(|s| &s.helm);
        for value in helm_values.flat_map(|helm| helm.values.values()) {
            data_secrets(value, &mut refs);
        }
        b.secrets(from, refs);
        for source in &app.argocd.sources {
            let repo = match &source.repo {
                SourceRepo::Project => model.project.repo.as_deref(),
                SourceRepo::Declared(name) => Some(name.as_str()),
                SourceRepo::Url(_) => None,
            };
            if let Some(repo) = repo {
                b.edge(from, (Kind::Repo, repo), "from");
            }
        }
    }
}

/// [`ident`], for the module's tests.
#[cfg(test)]
pub(super) fn ident_for_tests(name: &str) -> String {
    ident(name)
}
