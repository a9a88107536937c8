//! The project manifest, `bops.toml`.
//!
//! The manifest is read with the `toml` crate into closed structures (unknown keys are errors) and
//! turned into the model's [`Project`] settings. Every problem is a `B1005` diagnostic pointing into
//! the manifest, which is added to the source map as `bops.toml` for that purpose.

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Project;
use crate::source::{FileId, Span};

/// The settings read from the manifest, with the spans that later checks point at.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// The settings, with defaults filled in.
    pub settings: Project,
    /// The manifest's file, when there is one.
    pub file: Option<FileId>,
    /// Where `[output] repo` is written, when it is.
    pub repo_span: Option<Span>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    project: RawProject,
    pulumi: Option<RawPulumi>,
    output: Option<RawOutput>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    name: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPulumi {
    project: Option<Spanned<String>>,
    stack: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    repo: Option<Spanned<String>>,
    repo_path: Option<Spanned<String>>,
}

/// The settings of a project without a manifest.
pub fn defaults() -> Manifest {
    Manifest {
        settings: settings("project", None, None, None, ""),
        file: None,
        repo_span: None,
    }
}

/// A Pulumi project or stack name: letters, digits, `-`, `_` and `.`, at most 100 characters
/// (it is also a directory and a file name of the generated tree).
fn pulumi_name(name: &str) -> Result<(), String> {
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c)))
    {
        return Err(match c {
            ' ' => "a space is not allowed".to_string(),
            c => format!("`{c}` is not allowed"),
        });
    }
    if name == "." || name == ".." {
        return Err("it is not a name".to_string());
    }
    if name.len() > 100 {
        return Err(format!(
            "it is {} characters long, more than 100",
            name.len()
        ));
    }
    Ok(())
}

fn settings(
    name: &str,
    pulumi_project: Option<String>,
    pulumi_stack: Option<String>,
    repo: Option<String>,
    repo_path: &str,
) -> Project {
    Project {
        name: name.to_string(),
        pulumi_project: pulumi_project.unwrap_or_else(|| format!("{name}-tailnet")),
        pulumi_stack: pulumi_stack.unwrap_or_else(|| "prod".to_string()),
        repo,
        repo_path: repo_path.trim_matches('/').to_string(),
    }
}

/// Reads the manifest `text`, which is the file `file`; problems are reported as `B1005`, and the
/// defaults stand in for whatever could not be read.
pub fn read(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Manifest {
    let span = |range: std::ops::Range<usize>| Span::new(file, range);
    let raw: RawManifest = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let at = e.span().map_or(span(0..0), span);
            let message = e.message().trim().to_string();
            diagnostics.push(
                Diagnostic::error(codes::B1005, "invalid project manifest", at)
                    .with_label(message)
                    .with_help(
                        "the manifest has the tables `[project]` (name), `[pulumi]` (project, \
                         stack) and `[output]` (repo, repo_path)",
                    ),
            );
            let mut manifest = defaults();
            manifest.file = Some(file);
            return manifest;
        }
    };
    let mut name = raw.project.name.get_ref().trim().to_string();
    if name.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                codes::B1005,
                "invalid project manifest",
                span(raw.project.name.span()),
            )
            .with_label("the project name is empty"),
        );
        name = "project".to_string();
    }
    let mut non_empty = |value: Option<Spanned<String>>, what: &str| -> Option<String> {
        let value = value?;
        if value.get_ref().trim().is_empty() {
            diagnostics.push(
                Diagnostic::error(codes::B1005, "invalid project manifest", span(value.span()))
                    .with_label(format!("`{what}` is empty")),
            );
            return None;
        }
        Some(value.into_inner())
    };
    let (pulumi_project, pulumi_stack, project_span, stack_span) = match raw.pulumi {
        Some(p) => {
            let project_span = p.project.as_ref().map(|v| span(v.span()));
            let stack_span = p.stack.as_ref().map(|v| span(v.span()));
            (
                non_empty(p.project, "pulumi.project"),
                non_empty(p.stack, "pulumi.stack"),
                project_span,
                stack_span,
            )
        }
        None => (None, None, None, None),
    };
    let (repo, repo_span, repo_path, path_span) = match raw.output {
        Some(o) => {
            let repo_span = o.repo.as_ref().map(|r| span(r.span()));
            let path_span = o.repo_path.as_ref().map(|r| span(r.span()));
            let repo = non_empty(o.repo, "output.repo");
            let path = o.repo_path.map(Spanned::into_inner).unwrap_or_default();
            (repo, repo_span, path, path_span)
        }
        None => (None, None, String::new(), None),
    };
    let name_span = span(raw.project.name.span());
    let derived = format!("{name}-tailnet");
    let checks = [
        (
            pulumi_project.as_deref().unwrap_or(&derived),
            project_span
                .filter(|_| pulumi_project.is_some())
                .unwrap_or(name_span),
            pulumi_project.is_none(),
            "pulumi.project",
        ),
        (
            pulumi_stack.as_deref().unwrap_or("prod"),
            stack_span.unwrap_or(name_span),
            false,
            "pulumi.stack",
        ),
    ];
    for (value, at, defaulted, what) in checks {
        let Err(why) = pulumi_name(value) else {
            continue;
        };
        let mut d = Diagnostic::error(codes::B1005, "invalid project manifest", at)
            .with_label(format!("`{what}` `{value}` is not a Pulumi name: {why}"));
        if defaulted {
            d = d
                .with_note(format!(
                    "the Pulumi project defaults to the project's name and `-tailnet`, `{value}`"
                ))
                .with_help(
                    "set `[pulumi] project`, or use letters, digits, `-`, `_` and `.` in the name",
                );
        } else {
            d = d.with_help("Pulumi names are letters, digits, `-`, `_` and `.`");
        }
        diagnostics.push(d);
    }
    if repo_path.split('/').any(|segment| segment == "..") {
        diagnostics.push(
            Diagnostic::error(
                codes::B1005,
                "invalid project manifest",
                path_span.unwrap_or(name_span),
            )
            .with_label("`output.repo_path` climbs out of the repository with `..`")
            .with_help(
                "write the path of the generated tree from the repository's root, like `generated`",
            ),
        );
    }
    Manifest {
        settings: settings(&name, pulumi_project, pulumi_stack, repo, &repo_path),
        file: Some(file),
        repo_span,
    }
}
