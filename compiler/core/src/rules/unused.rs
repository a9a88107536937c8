//! B3101 to B3109 (warnings): declarations that nothing uses.
//!
//! A use is a typed reference, an edge of the dependency graph ([`crate::graph`]) that ends at
//! the declaration and starts at another one: a secret that nothing reads (B3101) or a key of a
//! read secret that nothing reads (B3102), a role that no host or host group applies (B3103), a
//! repository that no Argo CD source deploys from and the manifest does not name (B3104), a
//! cluster that no app runs on (B3105), a network, IP set or posture that no rule names (B3106,
//! B3107, B3108), and a tag that nothing carries and nothing names (B3109; a tag that rules name
//! and nothing carries is B3055, and a tag carried but named by no rule is fine: devices carry
//! tags for identity). Groups have their own rule, B3053.
//!
//! A declaration that names itself (a tag owning itself) does not use itself. Each warning is
//! reported once, at the declaration (a secret key at the key), and suggests removing it or
//! keeping it on purpose with `@allow`. The rule runs only on a model that checked without
//! error, so a reference that failed to check cannot make its target look unused.

use std::collections::BTreeSet;

use crate::diagnostic::codes::{self, Code};
use crate::diagnostic::Diagnostic;
use crate::graph::Graph;
use crate::model::{Model, Origin};

/// Reports every declaration of the kinds above that nothing uses.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let used = used(model);
    let is_used = |kind: &str, name: &str| used.contains(&(kind.to_string(), name.to_string()));

    let keys_read = Graph::secret_keys_read(model);
    for secret in &model.secrets {
        if !is_used("secret", &secret.name) {
            out.push(unused(
                codes::B3101,
                &secret.origin,
                format!("secret `{}` is not read by anything", secret.name),
                format!(
                    "no host, host group, role, task or app reads a key of secret.{}",
                    secret.name
                ),
                format!(
                    "read it where it was meant (`secret.{}.KEY` in an app's env or a host's vars)",
                    secret.name
                ),
            ));
            continue;
        }
        for key in &secret.keys {
            // An empty key is B3025's; no reference could read it anyway.
            if key.is_empty() || keys_read.contains(&(secret.name.clone(), key.clone())) {
                continue;
            }
            let at = model.spans.at(&secret.origin, &format!("keys.{key}"));
            out.push(
                Diagnostic::warning(
                    codes::B3102,
                    format!("key `{key}` of secret `{}` is not read by anything", secret.name),
                    at,
                )
                .with_label(format!("nothing reads secret.{}.{key}", secret.name))
                .with_note("the other keys of this secret are read; a key nobody reads is often one left behind when a setting moved")
                .with_help(format!(
                    "remove `{key}` from the secret's keys, or keep it on purpose with `@allow(B3102, \"why it stays\")` before the secret"
                )),
            );
        }
    }
    for role in &model.roles {
        if is_used("role", &role.name) {
            continue;
        }
        out.push(unused(
            codes::B3103,
            &role.origin,
            format!(
                "role `{}` is not applied by any host or host group",
                role.name
            ),
            format!("no host's or host group's `roles` names role.{}", role.name),
            format!(
                "apply it where it was meant (`roles = [role.{}]` on a host or host group)",
                role.name
            ),
        ));
    }
    for repo in &model.repos {
        if is_used("repo", &repo.name) || model.project.repo.as_deref() == Some(&repo.name) {
            continue;
        }
        out.push(unused(
            codes::B3104,
            &repo.origin,
            format!("repository `{}` is not used", repo.name),
            format!(
                "no app's Argo CD source names repo.{} and it is not the manifest's `[output] repo`",
                repo.name
            ),
            format!(
                "deploy from it where it was meant (an app's Argo CD source `repo = repo.{}`)",
                repo.name
            ),
        ));
    }
    for cluster in &model.clusters {
        if is_used("cluster", &cluster.name) {
            continue;
        }
        out.push(unused(
            codes::B3105,
            &cluster.origin,
            format!("cluster `{}` has no apps", cluster.name),
            format!("no app is declared `on cluster.{}`", cluster.name),
            format!("put the apps meant for it `on cluster.{}`", cluster.name),
        ));
    }
    for network in &model.networks {
        if is_used("network", &network.name) {
            continue;
        }
        out.push(unused(
            codes::B3106,
            &network.origin,
            format!("network `{}` is not named by any rule", network.name),
            format!(
                "no grant, ACL, SSH rule, test, IP set, auto approver or node attribute names network.{}",
                network.name
            ),
            format!("name network.{} where it was meant (a grant's `dst`)", network.name),
        ));
    }
    for set in &model.ip_sets {
        if is_used("ipset", &set.name) {
            continue;
        }
        out.push(unused(
            codes::B3107,
            &set.origin,
            format!("IP set `{}` is not named by any rule", set.name),
            format!(
                "no grant, ACL, SSH rule, test, other IP set, auto approver or node attribute names ipset.{}",
                set.name
            ),
            format!("name ipset.{} where it was meant (a grant's `src` or `dst`)", set.name),
        ));
    }
    // `defaultSrcPosture` belongs to the `tailnet` declaration, which is not a node of the graph.
    let default_postures: BTreeSet<&str> = model
        .tailnet
        .iter()
        .flat_map(|tailnet| &tailnet.options.default_src_posture)
        .map(String::as_str)
        .collect();
    for posture in &model.postures {
        if is_used("posture", &posture.name) || default_postures.contains(posture.name.as_str()) {
            continue;
        }
        out.push(unused(
            codes::B3108,
            &posture.origin,
            format!("posture `{}` is not required by any rule", posture.name),
            format!(
                "no grant's, ACL's or SSH rule's `src_posture` names posture.{}, nor the tailnet's default",
                posture.name
            ),
            format!(
                "require it where it was meant (`src_posture = [posture.{}]` on a grant)",
                posture.name
            ),
        ));
    }
    for tag in &model.tags {
        if is_used("tag", &tag.name) {
            continue;
        }
        out.push(unused(
            codes::B3109,
            &tag.origin,
            format!("tag `{}` is named nowhere", tag.name),
            format!(
                "nothing carries tag.{} and no rule, test, auth key or other tag's owners name it",
                tag.name
            ),
            format!(
                "carry it where it was meant (a host's or app's `tags = [tag.{}]`)",
                tag.name
            ),
        ));
    }
}

/// The declarations that another declaration refers to, as (kind keyword, name).
fn used(model: &Model) -> BTreeSet<(String, String)> {
    let graph = Graph::of(model);
    graph
        .edges
        .iter()
        .filter(|edge| edge.from != edge.to)
        .filter_map(|edge| graph.nodes.get(edge.to))
        .map(|node| (node.kind.to_string(), node.name.clone()))
        .collect()
}

/// The warning for an unused declaration: what it is, what would count as a use, what to do.
fn unused(
    code: Code,
    origin: &Origin,
    message: String,
    label: String,
    use_it: String,
) -> Diagnostic {
    Diagnostic::warning(code, message, origin.span)
        .with_label(label)
        .with_help(format!(
            "{use_it}, remove it, or keep it on purpose with `@allow({code}, \"why it stays\")` before it"
        ))
}
