//! Lowering forges, and the repositories declared on them.
//!
//! - `B3114`: a repository with both a `url` and a `forge`, with neither, or with a `forge` and
//!   no `path` (or a `path` and no `forge`): its clone URL must come from exactly one place.
//! - `B3115`: a forge URL that is not one (`web` is `https://...`, `ssh` is `ssh://...`).
//!
//! A repository on a forge gets its clone URL here, once every forge is lowered (a repository
//! may be declared before its forge), with the same function that `repo.X.url` uses, so that an
//! Argo CD Application reads exactly the URL a reference gives.

use super::data;
use crate::check::schema::Kind;
use crate::check::value::Record;
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::forge::{clone_url, url_problem};
use crate::model::{Forge, Model, Origin};

/// The schemes a forge's web URL may have.
const WEB_SCHEMES: &[&str] = &["https", "http"];
/// The schemes of a forge's SSH clone base.
const SSH_SCHEMES: &[&str] = &["ssh"];

impl Checker<'_> {
    /// A `forge`; `B3115` on a URL that is not one (the forge is still lowered, so that what
    /// names it resolves).
    pub(super) fn lower_forge(&mut self, fields: &Record, origin: Origin, name: String) -> Forge {
        for (field, schemes) in [("web", WEB_SCHEMES), ("ssh", SSH_SCHEMES)] {
            let Some(value) = data::get(fields, field) else {
                continue;
            };
            let Some(url) = data::string(fields, field) else {
                continue;
            };
            let Some(problem) = url_problem(&url, schemes) else {
                continue;
            };
            let example = match field {
                "web" => "`web = \"https://forge.example.com\"`",
                _ => "`ssh = \"ssh://git@forge.example.com:2222\"`",
            };
            self.report(
                Diagnostic::error(
                    codes::B3115,
                    format!("forge `{name}`'s `{field}` is not a URL it can be"),
                    value.span,
                )
                .with_label(problem)
                .with_secondary(origin.span, format!("the forge `{name}`"))
                .with_help(format!("write the forge's base URL: {example}")),
            );
        }
        Forge {
            web: data::string(fields, "web")
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            ssh: data::string(fields, "ssh").map(|s| s.trim_end_matches('/').to_string()),
            origin,
            name,
        }
    }

    /// `B3114` on a repository whose URL is given twice or not at all; the forge's name when it
    /// names one (even with a `url` too, so that B3112 does not report it again).
    pub(super) fn repo_forge(&mut self, fields: &Record, origin: &Origin) -> Option<String> {
        let url = fields.get("url");
        let forge = fields.get("forge");
        let path = fields.get("path");
        let repo = &origin.decl;
        let problem = match (url, forge, path) {
            (Some(_), None, None) | (None, Some(_), Some(_)) => None,
            (Some(url), Some(other), _) | (Some(url), None, Some(other)) => Some(
                Diagnostic::error(
                    codes::B3114,
                    format!("`{repo}` gives its URL twice"),
                    url.key,
                )
                .with_label("a clone URL")
                .with_secondary(other.key, "and a place on a forge, which derives one")
                .with_help("keep `forge` and `path` (the URL is derived from them) or `url`, not both"),
            ),
            (None, Some(only), None) | (None, None, Some(only)) => {
                let missing = if forge.is_some() { "path" } else { "forge" };
                Some(
                    Diagnostic::error(
                        codes::B3114,
                        format!("`{repo}` has a `{}` but no `{missing}`", if forge.is_some() { "forge" } else { "path" }),
                        only.key,
                    )
                    .with_label(format!("without `{missing}`, no clone URL can be derived"))
                    .with_secondary(origin.span, "the repository")
                    .with_help("a repository on a forge names both: `forge = forge.NAME, path = \"owner/name\"`"),
                )
            }
            (None, None, None) => Some(
                Diagnostic::error(
                    codes::B3114,
                    format!("`{repo}` has no URL"),
                    origin.span,
                )
                .with_label("neither `url` nor `forge` and `path`")
                .with_help("give its clone URL, `url = \"https://...\"`, or its place on a declared forge: `forge = forge.NAME, path = \"owner/name\"`"),
            ),
        };
        if let Some(d) = problem {
            self.report(d);
        }
        data::get(fields, "forge").and_then(|v| data::reference(v, Kind::Forge))
    }
}

/// Gives every repository declared on a forge its derived clone URL.
pub(super) fn derive_repo_urls(model: &mut Model, paths: &[(usize, String)]) {
    for (index, path) in paths {
        let Some(repo) = model.repos.get(*index) else {
            continue;
        };
        let Some(forge) = repo
            .forge
            .as_deref()
            .and_then(|f| model.forges.iter().find(|forge| forge.name == f))
        else {
            continue;
        };
        let url = clone_url(&forge.web, forge.ssh.as_deref(), path);
        if let Some(repo) = model.repos.get_mut(*index) {
            repo.url = url;
        }
    }
}
