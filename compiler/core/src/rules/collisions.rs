//! B3019: two declarations that the generated files would give one name.
//!
//! - Two secrets whose Kubernetes names (`Secret::k8s_name()`, the name with `_` as `-`) are the
//!   same, `db_main` and `db-main`: their ExternalSecrets and Secrets would overwrite each other.
//! - A host and a host group with the same name: the inventory cannot tell them apart (Ansible
//!   warns, and `hosts: NAME` in a playbook would mean both). Hosts named like Ansible's implicit
//!   groups are B3018 instead.
//! - Two containers of one app with the same name (a sidecar named like the app, whose main
//!   container takes the app's name, or two sidecars): Kubernetes rejects the Deployment.
//!
//! - Two custom resources of one app with one group, kind and name: kustomize refuses the
//!   directory.
//!
//! Every later declaration is reported, pointing at it and at the first one.

use indexmap::IndexMap;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::{App, Model};
use crate::source::Span;

/// Reports every name that two declarations would share in the generated files.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    secrets(model, out);
    hosts_and_groups(model, out);
    for app in &model.apps {
        containers(model, app, out);
        custom_resources(app, out);
    }
}

/// Custom resources of one app with one group, kind and name: kustomize refuses two objects
/// with one identity.
fn custom_resources(app: &App, out: &mut Vec<Diagnostic>) {
    let mut first: IndexMap<(&str, &str, &str), Span> = IndexMap::new();
    for resource in &app.objects.custom_resources {
        let key = (
            resource.group(),
            resource.kind.as_str(),
            resource.name.as_str(),
        );
        let Some(earlier) = first.get(&key) else {
            first.insert(key, resource.span);
            continue;
        };
        out.push(
            Diagnostic::error(
                codes::B3019,
                format!(
                    "app `{}` has two custom resources `{} {}`",
                    app.name, resource.kind, resource.name
                ),
                resource.span,
            )
            .with_label("this object's kind and name are taken")
            .with_secondary(*earlier, "declared first here")
            .with_note("kustomize refuses two objects of one kind and name in one directory")
            .with_help("rename one of them, or remove the copy"),
        );
    }
}

/// Secrets with one Kubernetes name.
fn secrets(model: &Model, out: &mut Vec<Diagnostic>) {
    let mut first: IndexMap<String, &crate::model::Secret> = IndexMap::new();
    for secret in &model.secrets {
        let name = secret.k8s_name();
        let Some(earlier) = first.get(&name) else {
            first.insert(name, secret);
            continue;
        };
        out.push(
            Diagnostic::error(
                codes::B3019,
                format!(
                    "secrets `{}` and `{}` would both be the Kubernetes Secret `{name}`",
                    earlier.name, secret.name
                ),
                secret.origin.span,
            )
            .with_label(format!("written to Kubernetes as `{name}`"))
            .with_secondary(
                earlier.origin.span,
                format!(
                    "`{}`, declared first, is written as `{name}` too",
                    earlier.name
                ),
            )
            .with_note("a secret's Kubernetes name is its name with `_` as `-`")
            .with_help("rename one of the secrets"),
        );
    }
}

/// Hosts named like a host group.
fn hosts_and_groups(model: &Model, out: &mut Vec<Diagnostic>) {
    for group in &model.host_groups {
        if matches!(group.name.as_str(), "all" | "ungrouped") {
            continue;
        }
        let Some(host) = model.hosts.iter().find(|h| h.name == group.name) else {
            continue;
        };
        let (first, second, second_kind) = if (&host.origin.file, host.origin.span.start)
            <= (&group.origin.file, group.origin.span.start)
        {
            (&host.origin, &group.origin, "host group")
        } else {
            (&group.origin, &host.origin, "host")
        };
        out.push(
            Diagnostic::error(
                codes::B3019,
                format!("a host and a host group are both named `{}`", group.name),
                second.span,
            )
            .with_label(format!("this {second_kind} is named `{}`", group.name))
            .with_secondary(first.span, format!("{} is declared here", quoted(&first.decl)))
            .with_note("the Ansible inventory names hosts and groups in one namespace: Ansible warns about the clash, and a playbook's `hosts:` would mean both")
            .with_help("rename the host group (for example with an `_hosts` or `_servers` suffix) or the host"),
        );
    }
}

/// Containers of one app with one name.
fn containers(model: &Model, app: &App, out: &mut Vec<Diagnostic>) {
    let mut first: IndexMap<&str, (usize, Span)> = IndexMap::new();
    for (index, container) in app.containers.iter().enumerate() {
        if super::k8s_names::unnamed(model, app, index) {
            continue;
        }
        let span = container_span(model, app, index);
        let Some((earlier, earlier_span)) = first.get(container.name.as_str()) else {
            first.insert(container.name.as_str(), (index, span));
            continue;
        };
        let earlier_label = if *earlier == 0 {
            format!("the main container is named after the app, `{}`", app.name)
        } else {
            format!("an earlier sidecar is named `{}`", container.name)
        };
        out.push(
            Diagnostic::error(
                codes::B3019,
                format!(
                    "app `{}` has two containers named `{}`",
                    app.name, container.name
                ),
                span,
            )
            .with_label("this sidecar's name is taken")
            .with_secondary(*earlier_span, earlier_label)
            .with_note(
                "the containers of a pod need distinct names; Kubernetes rejects the Deployment",
            )
            .with_help("rename the sidecar"),
        );
    }
}

/// Where a container is named: the app for the main one, the sidecar's `name` otherwise.
fn container_span(model: &Model, app: &App, index: usize) -> Span {
    if index == 0 {
        return app.origin.span;
    }
    model
        .spans
        .at(&app.origin, &format!("containers.{index}.name"))
}

/// `host storage` as `` host `storage` ``.
fn quoted(decl: &str) -> String {
    match decl.split_once(' ') {
        Some((kind, name)) => format!("{kind} `{name}`"),
        None => format!("`{decl}`"),
    }
}
