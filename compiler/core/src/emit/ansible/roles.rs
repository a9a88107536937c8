//! The roles: `ansible/roles/<role>/` for every declared role, holding the files the project keeps
//! for it and the interface its declaration states.
//!
//! - Every file under a role's `source` directory is copied. YAML files (`.yml`, `.yaml`) get the
//!   provenance header, naming the file they were copied from; every other file (templates,
//!   scripts, configuration) is copied byte for byte, since a comment could change what it means.
//! - `meta/argument_specs.yml` states the parameters, their types, which are required and their
//!   defaults, so that Ansible validates a role's arguments before its first task (see
//!   [`interface`]). A role whose kept files specify their own arguments
//!   (`meta/argument_specs.yml` or `.yaml`, or `argument_specs` in `meta/main.yml`) keeps them:
//!   Ansible reads only one specification, and the hand-written one says what the tasks expect.
//! - `defaults/main.yml` holds every parameter that has a default, for a role whose kept files
//!   have no defaults (every role without a `source`): the playbooks leave out arguments equal to
//!   a default, so the role must supply them. A kept defaults file is copied instead; the rule
//!   `role_defaults` (B3056) checks that it agrees with the declaration.
//!
//! A role without a `source` thus exists in the tree, with its interface and no tasks: Ansible
//! runs it as a role that validates its arguments and does nothing else.

mod interface;

use std::collections::BTreeMap;

use crate::emit::{header_lines, put};
use crate::model::{kept_defaults, KeptDefaults, KeptFile, Model};
use crate::Outputs;

use super::secrets::Facts;
use super::ROOT;

/// Writes every role's directory: its kept files, its argument specification and its defaults.
pub(super) fn emit(
    model: &Model,
    facts: &Facts,
    assets: &BTreeMap<String, String>,
    out: &mut Outputs,
) {
    for role in &model.roles {
        let kept = role.kept_files(assets);
        for file in &kept {
            let contents = if is_yaml(file.rest) {
                with_header(&header_lines(&[&role.origin]), file.path, file.text)
            } else {
                file.text.to_string()
            };
            let target = format!("{ROOT}/roles/{}/{}", role.name, file.rest);
            put(out, target, contents, &[&role.origin]);
        }
        if !specifies_arguments(&kept) {
            put(
                out,
                format!("{ROOT}/roles/{}/meta/argument_specs.yml", role.name),
                interface::argument_specs(role),
                &[&role.origin],
            );
        }
        if kept_defaults(&kept) == KeptDefaults::None {
            if let Some(text) = interface::defaults(role, facts) {
                put(
                    out,
                    format!("{ROOT}/roles/{}/defaults/main.yml", role.name),
                    text,
                    &[&role.origin],
                );
            }
        }
    }
}

/// Whether a role's kept files specify its arguments: Ansible reads `meta/argument_specs.yml`
/// (or `.yaml`) and, when there is none, the `argument_specs` key of `meta/main.yml`.
fn specifies_arguments(kept: &[KeptFile<'_>]) -> bool {
    kept.iter().any(|file| match file.rest {
        "meta/argument_specs.yml" | "meta/argument_specs.yaml" => true,
        "meta/main.yml" | "meta/main.yaml" => has_argument_specs_key(file.text),
        _ => false,
    })
}

/// Whether a role's `meta/main.yml` has a top-level `argument_specs` key. A file that does not
/// parse has none that Ansible could read either.
fn has_argument_specs_key(text: &str) -> bool {
    match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text) {
        Ok(serde_yaml_ng::Value::Mapping(map)) => map.contains_key("argument_specs"),
        _ => false,
    }
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
    use crate::model::Role;

    /// A role without parameters.
    fn role_for_tests(name: &str, source: Option<&str>) -> Role {
        Role {
            origin: crate::model::Origin::default(),
            name: name.to_string(),
            params: Vec::new(),
            source: source.map(str::to_string),
        }
    }

    #[test]
    fn sources_are_normalized_like_asset_keys() {
        let dir = |source: &str| role_for_tests("caddy", Some(source)).source_dir();
        assert_eq!(dir("./roles//caddy/"), Some("roles/caddy".to_string()));
        assert_eq!(dir("roles/../x"), None);
        assert_eq!(dir("/"), None);
        assert_eq!(role_for_tests("caddy", None).source_dir(), None);
    }

    #[test]
    fn kept_argument_specs_are_found_in_either_file() {
        let file = |rest: &'static str, text: &'static str| KeptFile {
            rest,
            path: rest,
            text,
        };
        assert!(specifies_arguments(&[file(
            "meta/argument_specs.yaml",
            "---\n"
        )]));
        assert!(specifies_arguments(&[file(
            "meta/main.yml",
            "---\nargument_specs:\n  main: {}\n"
        )]));
        assert!(!specifies_arguments(&[file(
            "meta/main.yml",
            "---\ngalaxy_info: {}\n"
        )]));
        assert!(!specifies_arguments(&[file("meta/main.yml", "[")]));
        assert!(!specifies_arguments(&[file(
            "tasks/argument_specs.yml",
            "---\n"
        )]));
    }

    #[test]
    fn role_files_are_listed_under_their_source_only() {
        let mut assets = BTreeMap::new();
        for path in [
            "roles/caddy/tasks/main.yml",
            "roles/caddy-extra/tasks/main.yml",
            "roles/caddy/defaults/main.yml",
            "roles/other/x",
        ] {
            assets.insert(path.to_string(), String::new());
        }
        let role = role_for_tests("caddy", Some("roles/caddy"));
        let rests: Vec<&str> = role.kept_files(&assets).iter().map(|f| f.rest).collect();
        assert_eq!(rests, ["defaults/main.yml", "tasks/main.yml"]);
    }
}
