//! The roles the project keeps: every file under a role's `source` directory is copied to
//! `ansible/roles/<role>/`, so that the generated tree runs on its own.
//!
//! YAML files (`.yml`, `.yaml`) get the provenance header, naming the file they were copied from;
//! every other file (templates, scripts, configuration) is copied byte for byte, since a comment
//! could change what it means.

use std::collections::BTreeMap;

use crate::emit::{header_lines, put};
use crate::model::Model;
use crate::Outputs;

use super::ROOT;

/// Copies the files of every role that has a `source`.
pub(super) fn emit(model: &Model, assets: &BTreeMap<String, String>, out: &mut Outputs) {
    for role in &model.roles {
        let Some(source) = role.source.as_deref().and_then(normalize) else {
            continue;
        };
        let prefix = format!("{source}/");
        for (path, text) in assets.range(prefix.clone()..) {
            let Some(rest) = path.strip_prefix(&prefix) else {
                break;
            };
            if rest.is_empty() {
                continue;
            }
            let contents = if is_yaml(rest) {
                with_header(&header_lines(&[&role.origin]), path, text)
            } else {
                text.clone()
            };
            let target = format!("{ROOT}/roles/{}/{rest}", role.name);
            put(out, target, contents, &[&role.origin]);
        }
    }
}

/// A directory path as the asset keys spell it: `/`-separated, without `.` or empty segments.
/// `None` for a path that leaves the project (the CLI refuses those before compiling).
fn normalize(source: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in source.split('/') {
        match part {
            "" | "." => continue,
            ".." => return None,
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("/"))
}

/// Whether a file is YAML by its name.
fn is_yaml(path: &str) -> bool {
    path.ends_with(".yml") || path.ends_with(".yaml")
}

/// A YAML file's text with the provenance header and the path it was copied from on top.
fn with_header(header: &[String], path: &str, text: &str) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("# Copied from ");
    out.push_str(path);
    out.push_str(".\n");
    out.push_str(text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_normalized_like_asset_keys() {
        assert_eq!(
            normalize("./roles//caddy/"),
            Some("roles/caddy".to_string())
        );
        assert_eq!(normalize("roles/../x"), None);
        assert_eq!(normalize("/"), None);
    }
}
