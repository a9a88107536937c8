//! B3111 and B3112 (warnings): repository and forge URLs written out where a declaration
//! derives them.
//!
//! Every Argo CD source, clone URL in a playbook and runner's forge URL should come from one
//! declared `forge` and its `repo`s, so that moving the forge (a new host name, another SSH port)
//! is one change. Two kinds of copy are reported:
//!
//! - B3111: a literal part of a string, outside the forge's own declaration, that contains a
//!   declared forge's host (its web URL's, or its SSH base's when that is another); the help
//!   gives `repo.X.url` (`https_url`, `web_url`) when the text is a declared repository's URL,
//!   else `forge.X.web`, `forge.X.ssh` or `${forge.X.host}`.
//! - B3112: a `repo` declared by `url` whose URL is on a declared forge; the help gives the
//!   `forge` and `path` that derive it, and says whether the derived URL is the same.
//!
//! A repository's own `url` is reported by B3112 only, never by both.

use super::literal_names::{occurrences, Literal};
use crate::diagnostic::{codes, Diagnostic};
use crate::model::forge::{clone_url, https_url, url_host, web_url};
use crate::model::{Forge, Model, Repo};
use crate::project::Project;
use crate::source::Span;
use crate::syntax::ast::{ExprKind, ItemKind, RecordEntryKind};

/// Reports every forge host or repository URL written out.
pub fn check(project: &Project, model: &Model, literals: &[Literal], out: &mut Vec<Diagnostic>) {
    if model.forges.is_empty() {
        return;
    }
    literal_urls(model, literals, out);
    repo_urls(project, model, out);
}

/// B3111.
fn literal_urls(model: &Model, literals: &[Literal], out: &mut Vec<Diagnostic>) {
    for literal in literals {
        let kind = literal.decl.map(|(kind, _)| kind);
        if kind == Some("forge") || (kind == Some("repo") && literal.field == Some("url")) {
            continue;
        }
        let found = model.forges.iter().find_map(|forge| {
            let host = hosts(forge).into_iter().find(|host| {
                occurrences(literal.text, host).into_iter().any(|at| {
                    // The host itself, not a longer name ending in it (`git.forge.example`).
                    !literal
                        .text
                        .get(..at)
                        .unwrap_or_default()
                        .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.')
                })
            })?;
            Some((forge, host))
        });
        if let Some((forge, host)) = found {
            out.push(literal_url(model, forge, host, literal));
        }
    }
}

/// The hosts of a forge: its web URL's, and its SSH base's when that is another.
fn hosts(forge: &Forge) -> Vec<&str> {
    let mut out = vec![forge.host()];
    if let Some(ssh) = forge.ssh.as_deref().and_then(url_host) {
        if !ssh.eq_ignore_ascii_case(forge.host()) {
            out.push(ssh);
        }
    }
    out.retain(|h| !h.is_empty());
    out
}

fn literal_url(model: &Model, forge: &Forge, host: &str, literal: &Literal) -> Diagnostic {
    let text = literal.text;
    let lower = text.to_ascii_lowercase();
    // A repository's URLs, the `.git` ones first: its web page is a prefix of its HTTPS URL.
    let repo = model.repos.iter().find_map(|repo| {
        let mut urls = vec![(repo.url.clone(), "url")];
        if repo.forge.as_deref() == Some(forge.name.as_str()) {
            if let Some(path) = path_on(forge, &repo.url) {
                urls.push((https_url(&forge.web, &path), "https_url"));
                urls.push((web_url(&forge.web, &path), "web_url"));
            }
        }
        urls.into_iter()
            .filter(|(url, _)| !url.is_empty())
            .find(|(url, _)| lower.contains(&url.to_ascii_lowercase()))
            .map(|(url, field)| (repo, url, field))
    });
    let d = Diagnostic::warning(
        codes::B3111,
        format!("the forge's host `{host}` is written out"),
        literal.span,
    );
    if let Some((repo, url, field)) = repo {
        let whole = literal.whole.is_some_and(|w| w.eq_ignore_ascii_case(&url));
        return d
            .with_label(format!("a URL of `{}` written as text", repo.origin.decl))
            .with_secondary(repo.origin.span, "the repository is declared here")
            .with_help(if whole {
                format!("write `repo.{}.{field}` in place of the string", repo.name)
            } else {
                format!(
                    "write `${{repo.{}.{field}}}` in place of `{url}`",
                    repo.name
                )
            });
    }
    let web = forge.web.to_ascii_lowercase();
    let on_web = lower.contains(&web);
    let ssh = forge.ssh.as_deref().unwrap_or_default();
    let on_ssh = !ssh.is_empty() && lower.contains(&ssh.to_ascii_lowercase());
    let d = d
        .with_label(format!("`{host}` written as text"))
        .with_secondary(
            forge.origin.span,
            format!("the forge `{}` is declared here", forge.name),
        );
    if on_web {
        let whole = literal
            .whole
            .is_some_and(|w| w.trim_end_matches('/').eq_ignore_ascii_case(&forge.web));
        return d.with_help(if whole {
            format!("write `forge.{}.web` in place of the string", forge.name)
        } else {
            format!(
                "write `${{forge.{}.web}}` in place of `{}`, so that it follows the forge",
                forge.name, forge.web
            )
        });
    }
    if on_ssh {
        return d.with_help(format!(
            "write `${{forge.{}.ssh}}` in place of `{ssh}`, so that it follows the forge",
            forge.name
        ));
    }
    if host.eq_ignore_ascii_case(forge.host()) {
        return d.with_help(format!(
            "write `${{forge.{}.host}}` in place of `{host}`, so that it follows the forge",
            forge.name
        ));
    }
    d.with_help(format!(
        "`{host}` is the host of the forge's `ssh`; derive the text from `forge.{}.ssh` or from a repository's `url`",
        forge.name
    ))
}

/// B3112.
fn repo_urls(project: &Project, model: &Model, out: &mut Vec<Diagnostic>) {
    for repo in model.repos.iter().filter(|r| r.forge.is_none()) {
        let Some(host) = url_host(&repo.url) else {
            continue;
        };
        let Some(forge) = model
            .forges
            .iter()
            .find(|f| hosts(f).iter().any(|h| h.eq_ignore_ascii_case(host)))
        else {
            continue;
        };
        let span = url_span(project, repo).unwrap_or(repo.origin.span);
        let mut d = Diagnostic::warning(
            codes::B3112,
            format!(
                "`{}` is on the forge `{}` but gives its URL",
                repo.origin.decl, forge.name
            ),
            span,
        )
        .with_label(format!("a URL on `{host}`"))
        .with_secondary(
            forge.origin.span,
            format!("the forge `{}` is declared here", forge.name),
        );
        d = match path_on(forge, &repo.url) {
            Some(path) => {
                let derived = clone_url(&forge.web, forge.ssh.as_deref(), &path);
                let help = format!(
                    "write `forge = forge.{}, path = \"{path}\"` in place of `url`",
                    forge.name
                );
                if derived == repo.url {
                    d.with_help(format!("{help}: it derives the same URL"))
                } else {
                    d.with_help(help)
                        .with_note(format!("the derived clone URL is `{derived}`, not `{}`", repo.url))
                }
            }
            None => d.with_help(format!(
                "declare it on the forge, `forge = forge.{}, path = \"owner/name\"`, or make the forge's `web` and `ssh` the bases of this URL",
                forge.name
            )),
        };
        out.push(d);
    }
}

/// The repository's path on the forge, when its URL is under the forge's SSH base or web URL.
fn path_on(forge: &Forge, url: &str) -> Option<String> {
    let bases = forge.ssh.iter().chain(std::iter::once(&forge.web));
    bases
        .filter_map(|base| url.strip_prefix(base.as_str())?.strip_prefix('/'))
        .map(|path| {
            path.trim_end_matches('/')
                .trim_end_matches(".git")
                .to_string()
        })
        .find(|path| !path.is_empty())
}

/// Where the repository's `url` is written, when its declaration has a body of fields.
fn url_span(project: &Project, repo: &Repo) -> Option<Span> {
    project
        .modules
        .iter()
        .filter(|m| !m.stdlib)
        .find_map(|module| {
            module.ast.items.iter().find_map(|item| {
                let ItemKind::Decl(decl) = &item.kind else {
                    return None;
                };
                if decl.kind.name != "repo" || decl.name.name != repo.name {
                    return None;
                }
                let ExprKind::Record(entries) = &decl.body.as_ref()?.kind else {
                    return None;
                };
                entries.iter().find_map(|entry| match &entry.kind {
                    RecordEntryKind::Field { key, value } if key.name() == "url" => {
                        Some(value.span)
                    }
                    _ => None,
                })
            })
        })
}
