//! The rules: consistency checks over the model, within and across the tailnet, hosts and
//! workloads.
//!
//! Each rule is a module with a `check(&Model, &mut Vec<Diagnostic>)` function. Rules only read
//! the model, which the checker built from declarations it already validated, so every name in it
//! resolves; a rule never repeats a checker diagnostic. Rules run in a fixed order and each walks
//! the model in declaration order, so their diagnostics come out in a stable order.
//!
//! - [`hostnames`] (B3010): a tailnet hostname claimed by two hosts or exposures.
//! - [`grant_ports`] (B3011): a grant opens a port of a tag that nothing carrying the tag serves.
//! - [`host_selectors`] (B3015): a host without tags named by the policy.
//! - [`k8s_names`] (B3016): a name that Kubernetes rejects.
//! - [`tailnet_names`] (B3017): a device name, exposure hostname, tag or SSH user that the
//!   tailnet rejects.
//! - [`reserved_names`] (B3018): an app, host or host group named like something the generated
//!   files already use.
//! - [`collisions`] (B3019): two declarations that the generated files would give one name.
//! - [`argocd_apps`] (B3016, B3018, B3019): an Application name that is invalid, reserved or
//!   shared, and two apps whose manifests would be written to one directory.
//! - [`app_ports`] (B3020): one port number under two names in an app.
//! - [`ansible_names`] (B3021): a host group, role or variable name that Ansible rejects.
//! - [`group_cycles`] (B3022): host groups nested in themselves.
//! - [`env_names`] (B3023, warning): an environment variable name that cannot be read.
//! - [`role_prefixes`] (B3024, warning): a role parameter without the role's prefix.
//! - [`empty_values`] (B3025): an empty value where a target needs one.
//! - [`probe_ports`] (B3026): a probe on a port that its container does not serve.
//! - [`resource_limits`] (B3027): a container's resource request above its limit.
//! - [`handlers`] (B3057): a task notifies a handler the play does not have.
//! - [`app_objects`] (B3060 to B3067, B3069): references between the objects of one app: Service
//!   selectors and target ports, Ingress backends, Secret and ConfigMap keys, claims bound to
//!   volumes, service accounts, namespaces and mounted volumes.
//! - [`cross_cluster`] (B3068): an app naming another cluster's Service by its cluster-local name.
//! - [`host_access`] (B3120, B3123): a host address that is not its tailnet device, two Ansible
//!   controllers.
//!
//! [`check_policy`] runs the rules about what the whole policy allows, only on a model that
//! checked without errors:
//!
//! - [`policy_tests`] (B3050, B3051, B3052 warning): the policy's tests, evaluated with
//!   [`crate::policy`]: a failing test, a test about nothing, a test undecided offline.
//! - [`ssh_tests`] (B3050, B3051, B3052 warning): the same for SSH tests.
//! - [`unused_groups`] (B3053, warning): a group no rule, test or tag owner names.
//! - [`redundant_grants`] (B3054, warning): a grant another grant makes redundant.
//! - [`uncarried_tags`] (B3055, warning): a tag that rules name and nothing carries.
//! - [`host_access`] (B3121, B3122): a managed host the Ansible controller cannot reach or log
//!   in to.
//! - [`unused`] (B3101 to B3109, warnings): a secret, secret key, role, repository, cluster,
//!   network, IP set, posture or tag that nothing uses.
//! - [`intent`] (B3090, B3091, B3095, warnings): an exposure's audience against the grants.
//!
//! [`check_sources`] runs the rules that read the syntax trees beside the model: a port written
//! as a number where a declared, named port says it ([`literal_ports`], B3092 to B3094), and
//! hostnames and forge URLs written out where a reference gives them ([`literal_names`],
//! [`repositories`], B3110 to B3113). All are warnings.
//!
//! [`check_role_files`] runs the rules that read the files a project keeps for its roles and apps:
//!
//! - [`role_defaults`] (B3056): a kept role's defaults file that disagrees with its declaration.
//! - [`app_files`] (B3080): a file an app names that the project does not have.
//!
//! [`valid`] holds the targets' syntax rules for names that several of these share.

pub mod ansible_names;
pub mod app_files;
pub mod app_objects;
pub mod app_ports;
pub mod argocd_apps;
pub mod collisions;
pub mod cross_cluster;
pub mod empty_values;
pub mod env_names;
pub mod grant_ports;
pub mod group_cycles;
pub mod handlers;
pub mod host_access;
pub mod host_selectors;
pub mod hostnames;
pub mod intent;
pub mod k8s_names;
pub mod literal_names;
pub mod literal_ports;
pub mod policy_tests;
pub mod probe_ports;
pub mod redundant_grants;
pub mod repositories;
pub mod reserved_names;
pub mod resource_limits;
pub mod role_defaults;
pub mod role_prefixes;
pub mod ssh_tests;
pub mod tailnet_names;
pub mod uncarried_tags;
pub mod unused;
pub mod unused_groups;
pub mod valid;

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// Runs the rules about what the whole tailnet policy allows: its tests and SSH tests, groups
/// nothing uses, redundant grants, tags nothing carries.
///
/// They reason about every grant, group and host at once, so a selector, member or tag that
/// failed to check (and is therefore missing from the model) would make them report a
/// consequence of an error already reported: a test failing because a grant lost its
/// misspelt destination. [`crate::compile`] runs them only when checking found no error.
pub fn check_policy(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    policy_tests::check(model, &mut out);
    ssh_tests::check(model, &mut out);
    unused_groups::check(model, &mut out);
    redundant_grants::check(model, &mut out);
    uncarried_tags::check(model, &mut out);
    host_access::check_policy(model, &mut out);
    unused::check(model, &mut out);
    intent::check(model, &mut out);
    out
}

/// Runs every rule over the model.
pub fn check(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    hostnames::check(model, &mut out);
    grant_ports::check(model, &mut out);
    host_selectors::check(model, &mut out);
    host_access::check(model, &mut out);
    k8s_names::check(model, &mut out);
    tailnet_names::check(model, &mut out);
    reserved_names::check(model, &mut out);
    collisions::check(model, &mut out);
    argocd_apps::check(model, &mut out);
    app_ports::check(model, &mut out);
    ansible_names::check(model, &mut out);
    group_cycles::check(model, &mut out);
    env_names::check(model, &mut out);
    role_prefixes::check(model, &mut out);
    empty_values::check(model, &mut out);
    probe_ports::check(model, &mut out);
    resource_limits::check(model, &mut out);
    handlers::check(model, &mut out);
    app_objects::check(model, &mut out);
    cross_cluster::check(model, &mut out);
    out
}

/// Runs the rules that read the syntax trees beside the model, because only there a literal
/// differs from a computed value: a port written as a number where a declared, named port says
/// it ([`literal_ports`], B3092 to B3094), tailnet and public hostnames ([`literal_names`], B3110
/// and B3113) and forge URLs ([`repositories`], B3111 and B3112) written out where a reference
/// gives them. All are warnings.
pub fn check_sources(model: &Model, project: &crate::project::Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    literal_ports::check(model, project, &mut out);
    let literals = literal_names::literals(project);
    literal_names::check(model, &literals, &mut out);
    repositories::check(project, model, &literals, &mut out);
    out
}

/// Runs the rules that compare the model with the files the project keeps for its roles
/// (`assets`, by path relative to the project root, as [`crate::Input::assets`] holds them).
pub fn check_role_files(model: &Model, assets: &BTreeMap<String, String>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    role_defaults::check(model, assets, &mut out);
    app_files::check(model, assets, &mut out);
    out
}
