//! Lowering: every checked declaration becomes a model entity, in declaration order (sorted file
//! path, then source order).
//!
//! [`tailnet`] lowers the policy, [`hosts`] the machines and roles, [`workloads`] the clusters,
//! repositories, secrets and apps (with the port checks of `B3012`), [`resources`] the auth keys,
//! DNS settings, zones and records, after everything else; [`spans`] records where the
//! names the model keeps as strings were written, for the rules. The project-wide checks are
//! here: exactly one tailnet when there is a policy (`B3013`), and a repository for Argo CD when
//! there are apps (`B3014`).

pub mod argocd;
pub mod data;
pub mod forges;
pub mod hosts;
pub mod resources;
pub mod spans;
pub mod tailnet;
pub mod workloads;

use super::schema::Kind;
use super::{Checker, Slot};
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{Model, Origin};
use crate::source::Span;

impl Checker<'_> {
    /// Lowers every declaration into the model.
    pub fn lower(&mut self) -> Model {
        let mut model = Model {
            project: self.project.manifest.settings.clone(),
            ..Model::default()
        };
        let mut tailnets: Vec<Span> = Vec::new();
        // Repositories on a forge, by index, with their paths: their URLs are derived once
        // every forge is lowered.
        let mut forge_paths: Vec<(usize, String)> = Vec::new();
        for index in 0..self.entities.len() {
            let Some(slot) = self.entities.get(index) else {
                continue;
            };
            let Slot::Done(entity) = &slot.state else {
                continue;
            };
            let fields = entity.fields.clone();
            let kind = slot.kind;
            let name = slot.decl.name.name.clone();
            let origin = self.origin(index);
            self.record_spans(index, kind, &fields, &origin, &mut model.spans);
            match kind {
                Kind::Tailnet => {
                    tailnets.push(origin.span);
                    self.lower_tailnet(&fields, origin, name, &mut model);
                }
                Kind::User => model.users.push(tailnet::user(&fields, origin, name)),
                Kind::Group => model.groups.push(tailnet::group(&fields, origin, name)),
                Kind::Tag => model.tags.push(tailnet::tag(&fields, origin, name)),
                Kind::Grant => {
                    if let Some(grant) = self.lower_grant(&fields, origin, name) {
                        model.grants.push(grant);
                    }
                }
                Kind::Ssh => {
                    let rule = self.lower_ssh(&fields, origin, name);
                    model.ssh_rules.push(rule);
                }
                Kind::Test => {
                    if let Some(test) = self.lower_test(&fields, origin, name) {
                        model.acl_tests.push(test);
                    }
                }
                Kind::Host => {
                    let host = self.lower_host(&fields, origin, name);
                    model.hosts.push(host);
                }
                Kind::HostGroup => {
                    let group = self.lower_host_group(&fields, origin, name);
                    model.host_groups.push(group);
                }
                Kind::Role => {
                    if let Some(role) = self.lower_role(index, &fields, origin, name) {
                        model.roles.push(role);
                    }
                }
                Kind::Cluster => model
                    .clusters
                    .push(workloads::cluster(&fields, origin, name)),
                Kind::Repo => {
                    let forge = self.repo_forge(&fields, &origin);
                    if let (Some(_), Some(path)) = (&forge, data::string(&fields, "path")) {
                        forge_paths.push((model.repos.len(), path));
                    }
                    let mut repo = workloads::repo(&fields, origin, name);
                    repo.forge = forge;
                    model.repos.push(repo);
                }
                Kind::Forge => {
                    let forge = self.lower_forge(&fields, origin, name);
                    model.forges.push(forge);
                }
                Kind::Secret => model.secrets.push(workloads::secret(&fields, origin, name)),
                Kind::App => {
                    if let Some(app) = self.lower_app(&fields, origin, name) {
                        model.apps.push(app);
                    }
                }
                // Lowered after the loop, by `resources`: records need every host and app.
                Kind::AuthKey | Kind::Dns | Kind::Zone | Kind::Record => {}
                Kind::Network
                | Kind::IpSet
                | Kind::Service
                | Kind::Posture
                | Kind::Acl
                | Kind::SshTest
                | Kind::AutoApprover
                | Kind::NodeAttr => self.lower_policy(kind, &fields, origin, name, &mut model),
            }
        }
        forges::derive_repo_urls(&mut model, &forge_paths);
        self.lower_resources(&mut model);
        self.check_policy(&mut model);
        self.check_tailnet(&tailnets, &model);
        self.check_repo(&mut model);
        model
    }

    /// The origin of an entity: `kind name`, its file and doc comment.
    pub fn origin(&self, index: usize) -> Origin {
        let Some(slot) = self.entities.get(index) else {
            return Origin::default();
        };
        let file = self
            .project
            .module(slot.module)
            .map(|m| m.path.clone())
            .unwrap_or_default();
        Origin {
            span: slot.name_span(),
            file,
            decl: format!("{} {}", slot.kind.keyword(), slot.decl.name.name),
            doc: slot.item.doc.as_ref().map(|d| d.text.clone()),
        }
    }

    fn lower_tailnet(
        &mut self,
        fields: &super::value::Record,
        origin: Origin,
        name: String,
        model: &mut Model,
    ) {
        if model.tailnet.is_some() {
            return;
        }
        model.tailnet = Some(crate::model::Tailnet {
            domain: data::string(fields, "domain").unwrap_or_default(),
            options: tailnet::options(fields),
            replace_existing_policy: data::boolean(fields, "replace_existing_policy", true),
            origin,
            name,
        });
    }

    /// `B3013`: more than one tailnet, or a policy without a tailnet.
    fn check_tailnet(&mut self, tailnets: &[Span], model: &Model) {
        if let Some((first, rest)) = tailnets.split_first() {
            for again in rest {
                self.report(
                    Diagnostic::error(codes::B3013, "more than one tailnet is declared", *again)
                        .with_label("a second tailnet")
                        .with_secondary(*first, "the first tailnet")
                        .with_help(
                            "a project describes one tailnet; split the project, or remove one",
                        ),
                );
            }
            return;
        }
        let first_policy = self
            .entities
            .iter()
            .find(|e| {
                e.kind.is_policy()
                    || matches!(e.kind, Kind::AuthKey | Kind::Dns)
                    || (e.kind == Kind::Host
                        && model
                            .hosts
                            .iter()
                            .any(|h| h.name == e.decl.name.name && !h.tags.is_empty()))
            })
            .map(|e| (e.name_span(), e.kind));
        let Some((span, kind)) = first_policy else {
            return;
        };
        let label = match kind {
            Kind::Host => "this host carries tags, which belong to a tailnet",
            Kind::AuthKey => "an auth key is created in a tailnet",
            Kind::Dns => "these are a tailnet's DNS settings",
            _ => "this belongs to a tailnet's policy",
        };
        self.report(
            Diagnostic::error(
                codes::B3013,
                "the project has a tailnet policy but no tailnet",
                span,
            )
            .with_label(label)
            .with_help("declare the tailnet: `tailnet NAME { domain = \"tailXXXX.ts.net\" }`"),
        );
    }

    /// `B3014`: the repository Argo CD deploys from, when there are apps.
    fn check_repo(&mut self, model: &mut Model) {
        let first_app = model.apps.first().map(|a| a.origin.span);
        if let Some(wanted) = model.project.repo.clone() {
            if model.repos.iter().any(|r| r.name == wanted) {
                return;
            }
            let span = self
                .project
                .manifest
                .repo_span
                .or(first_app)
                .unwrap_or_default();
            let mut d = Diagnostic::error(
                codes::B3014,
                format!("no repository `{wanted}` is declared"),
                span,
            )
            .with_label("`[output] repo` names this repository");
            let names = model.repos.iter().map(|r| r.name.as_str());
            d = match super::suggest::closest(&wanted, names) {
                Some(near) => d.with_help(format!("did you mean `{near}`?")),
                None => d.with_help(format!(
                    "declare it: `repo {wanted} {{ url = \"https://...\" }}`"
                )),
            };
            self.report(d);
            model.project.repo = None;
            return;
        }
        match model.repos.as_slice() {
            [only] => model.project.repo = Some(only.name.clone()),
            [] => {
                if let Some(span) = first_app {
                    self.report(
                        Diagnostic::error(
                            codes::B3014,
                            "apps are declared but there is no repository for Argo CD",
                            span,
                        )
                        .with_label("Argo CD deploys this app from the repository holding the generated files")
                        .with_help("declare the repository: `repo NAME { url = \"https://...\" }`"),
                    );
                }
            }
            [first, ..] => {
                if let Some(span) = first_app {
                    self.report(
                        Diagnostic::error(
                            codes::B3014,
                            "several repositories are declared and none is chosen for Argo CD",
                            span,
                        )
                        .with_label("Argo CD deploys this app from the repository holding the generated files")
                        .with_secondary(first.origin.span, "one of the repositories")
                        .with_help("name the repository in `bops.toml`: `[output] repo = \"NAME\"`"),
                    );
                }
            }
        }
    }
}
