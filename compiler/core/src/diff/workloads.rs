//! The workloads layer of the summary: clusters, repositories, secrets and apps (images,
//! replicas, ports, exposure). It names few fields on purpose, the ones a reviewer looks for
//! first; every other difference of an app still shows as `other settings`.

use crate::model::{App, Cluster, Container, Forge, Model, Repo, Secret};

use super::text::{list, optional, push_change, push_list_change};
use super::{compare, Change, Kind, Noun};

/// The changes to the workloads layer.
pub fn diff(old: &Model, new: &Model) -> Vec<Change> {
    let mut out = Vec::new();
    compare(&mut out, &CLUSTER, &old.clusters, &new.clusters);
    compare(&mut out, &FORGE, &old.forges, &new.forges);
    compare(&mut out, &REPO, &old.repos, &new.repos);
    compare(&mut out, &SECRET, &old.secrets, &new.secrets);
    compare(&mut out, &APP, &old.apps, &new.apps);
    out
}

const CLUSTER: Kind<Cluster> = Kind {
    noun: Noun {
        keyword: "cluster",
        one: "cluster",
        many: "clusters",
    },
    name: |c| &c.name,
    origin: |c| Some(&c.origin),
    gist: |c| c.server.clone(),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "server", &a.server, &b.server);
        out
    },
    elsewhere: None,
};

const FORGE: Kind<Forge> = Kind {
    noun: Noun {
        keyword: "forge",
        one: "forge",
        many: "forges",
    },
    name: |f| &f.name,
    origin: |f| Some(&f.origin),
    gist: |f| f.web.clone(),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "web", &a.web, &b.web);
        push_change(
            &mut out,
            "ssh",
            a.ssh.as_deref().unwrap_or("none"),
            b.ssh.as_deref().unwrap_or("none"),
        );
        out
    },
    elsewhere: None,
};

const REPO: Kind<Repo> = Kind {
    noun: Noun {
        keyword: "repo",
        one: "repo",
        many: "repos",
    },
    name: |r| &r.name,
    origin: |r| Some(&r.origin),
    gist: |r| format!("{} at {}", r.url, r.revision),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "url", &a.url, &b.url);
        push_change(&mut out, "revision", &a.revision, &b.revision);
        out
    },
    elsewhere: None,
};

const SECRET: Kind<Secret> = Kind {
    noun: Noun {
        keyword: "secret",
        one: "secret",
        many: "secrets",
    },
    name: |s| &s.name,
    origin: |s| Some(&s.origin),
    gist: |s| format!("keys {}", list(&s.keys)),
    details: |a, b| {
        let mut out = Vec::new();
        push_change(&mut out, "vault", &a.vault, &b.vault);
        push_change(&mut out, "item", &a.item, &b.item);
        push_list_change(&mut out, "keys", &a.keys, &b.keys);
        out
    },
    elsewhere: None,
};

/// A container's image as written: `name:tag`, or `name` without a tag.
fn image(container: &Container) -> String {
    match &container.image.tag {
        Some(tag) => format!("{}:{tag}", container.image.name),
        None => container.image.name.clone(),
    }
}

/// An app's gist: its main image, where it runs, and its exposure.
fn app_gist(app: &App) -> String {
    let images: Vec<String> = app.containers.iter().map(image).collect();
    let mut gist = format!("{} on {}/{}", list(&images), app.cluster, app.namespace);
    if let Some(expose) = &app.expose {
        gist.push_str(&format!(", exposed as {}", expose.hostname));
    }
    gist
}

const APP: Kind<App> = Kind {
    noun: Noun {
        keyword: "app",
        one: "app",
        many: "apps",
    },
    name: |a| &a.name,
    origin: |a| Some(&a.origin),
    gist: app_gist,
    details: |a, b| {
        let mut out = Vec::new();
        containers(&mut out, a, b);
        push_change(
            &mut out,
            "replicas",
            &a.replicas.to_string(),
            &b.replicas.to_string(),
        );
        push_change(&mut out, "cluster", &a.cluster, &b.cluster);
        push_change(&mut out, "namespace", &a.namespace, &b.namespace);
        let ports = |app: &App| {
            app.ports
                .iter()
                .map(|p| format!("{}:{}", p.name, p.port))
                .collect::<Vec<_>>()
        };
        push_list_change(&mut out, "ports", &ports(a), &ports(b));
        let hostname = |app: &App| optional(app.expose.as_ref().map(|e| e.hostname.clone()));
        push_change(&mut out, "exposed as", &hostname(a), &hostname(b));
        if let (Some(x), Some(y)) = (&a.expose, &b.expose) {
            push_change(&mut out, "exposed port", &x.port, &y.port);
            push_change(
                &mut out,
                "funnel",
                &x.funnel.to_string(),
                &y.funnel.to_string(),
            );
        }
        out
    },
    elsewhere: None,
};

/// Containers added and removed by name, and each image change: `image NAME 1.0 → 1.1` when only
/// the tag moved, `image A → B` otherwise. The main container is not named when it has the app's
/// name.
fn containers(out: &mut Vec<String>, old: &App, new: &App) {
    let names = |app: &App| {
        app.containers
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    push_list_change(out, "containers", &names(old), &names(new));
    for container in &new.containers {
        let Some(before) = old.containers.iter().find(|c| c.name == container.name) else {
            continue;
        };
        if before.image == container.image {
            continue;
        }
        let label = if container.name == new.name {
            "image".to_string()
        } else {
            format!("container {} image", container.name)
        };
        if before.image.name == container.image.name {
            let tag = |c: &Container| c.image.tag.clone().unwrap_or_else(|| "untagged".into());
            out.push(format!(
                "{label} {} {} → {}",
                container.image.name,
                tag(before),
                tag(container)
            ));
        } else {
            out.push(format!("{label} {} → {}", image(before), image(container)));
        }
    }
}
