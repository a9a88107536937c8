//! Secrets in the generated files of every example: each 1Password reference the outputs hold
//! must be one the project declares, in both forms the emitters write it.
//!
//! - Ansible reads a field with `op read "op://VAULT/ITEM/FIELD"`: the vault, item and field must
//!   be those of a `secret` declaration and one of its `keys`.
//! - Kubernetes gets an `ExternalSecret` per secret an app uses: it is named after the secret
//!   declaration (`Secret::k8s_name`), and each `data` entry's `remoteRef` asks for that
//!   declaration's item (`key`) and one of its keys (`property`), under the same `secretKey`.
//!
//! A secret's value never enters the compiler, so no output can hold one; what can go wrong is a
//! reference that no longer matches its declaration, which the play or the ExternalSecret would
//! only find out when it runs. Both forms must appear in the examples taken together, so that the
//! test cannot pass by finding nothing.

// A panic is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod generated_support;

use std::collections::BTreeSet;

use bops_core::model::Model;
use serde_yaml_ng::Value;

use generated_support::{compiled, examples};

/// `op://` references in a text: the vault, item and field of each, and the line they are on.
fn op_references(text: &str) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(start) = rest.find("op://") {
            let after = &rest[start + "op://".len()..];
            // The reference is quoted on the command line; it ends at the closing quote.
            let end = after.find(['"', '\'']).unwrap_or(after.len());
            let path = &after[..end];
            let parts: Vec<&str> = path.splitn(3, '/').collect();
            assert_eq!(
                parts.len(),
                3,
                "`op://{path}` is not `op://VAULT/ITEM/FIELD` in line `{line}`"
            );
            out.push((
                parts[0].to_string(),
                parts[1].to_string(),
                parts[2].to_string(),
                line.trim().to_string(),
            ));
            rest = &after[end..];
        }
    }
    out
}

/// The declared `(vault, item, field)` triples.
fn declared(model: &Model) -> BTreeSet<(String, String, String)> {
    model
        .secrets
        .iter()
        .flat_map(|s| {
            s.keys
                .iter()
                .map(|k| (s.vault.clone(), s.item.clone(), k.clone()))
        })
        .collect()
}

/// Checks the ExternalSecrets of one YAML document; returns how many `remoteRef`s it holds.
///
/// An ExternalSecret named after a secret declaration (`Secret::k8s_name`) copies that item's
/// fields under their own names; an app's own Secret object (`secrets = { "devpi-root" = ... }`)
/// may put a field under another key, but still only a declared field of a declared item.
fn check_external_secret(model: &Model, path: &str, doc: &Value) -> usize {
    if doc.get("kind").and_then(Value::as_str) != Some("ExternalSecret") {
        return 0;
    }
    let name = doc["metadata"]["name"]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: an ExternalSecret without a name"));
    assert!(
        doc["spec"].get("dataFrom").is_none(),
        "{path}: `dataFrom` would copy every field of the item, declared or not"
    );
    let data = doc["spec"]["data"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{path}: an ExternalSecret without `data`"));
    let own = model.secrets.iter().find(|s| s.k8s_name() == name);
    for entry in data {
        let item = entry["remoteRef"]["key"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: a remoteRef without a key"));
        let property = entry["remoteRef"]["property"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: a remoteRef without a property"));
        let declared = model
            .secrets
            .iter()
            .any(|s| s.item == item && s.keys.iter().any(|k| k == property));
        assert!(
            declared,
            "{path}: remoteRef {{key: {item}, property: {property}}} is no declared secret key"
        );
        let Some(secret) = own else {
            continue;
        };
        assert_eq!(
            item, secret.item,
            "{path}: ExternalSecret `{name}` of `secret {}` reads another item",
            secret.name
        );
        assert_eq!(
            entry["secretKey"].as_str(),
            Some(property),
            "{path}: the Secret's key differs from the item's field"
        );
    }
    data.len()
}

#[test]
fn every_secret_reference_in_the_outputs_is_declared() {
    let mut op_seen = 0;
    let mut remote_seen = 0;
    for dir in examples() {
        let (model, outputs) = compiled(&dir);
        let declared = declared(&model);
        for (path, file) in &outputs {
            for (vault, item, field, line) in op_references(&file.contents) {
                assert!(
                    declared.contains(&(vault.clone(), item.clone(), field.clone())),
                    "{}/{path}: `op://{vault}/{item}/{field}` is no declared secret key, in `{line}`",
                    dir.display()
                );
                op_seen += 1;
            }
            if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
                continue;
            }
            if !file.contents.contains("ExternalSecret") {
                continue;
            }
            // The header comes before the first `---`; the documents follow, one per `---`.
            let mut documents: Vec<&str> = file.contents.split("\n---\n").collect();
            if documents.len() > 1 {
                documents.remove(0);
            }
            for document in documents {
                let doc: Value =
                    serde_yaml_ng::from_str(document).unwrap_or_else(|e| panic!("{path}: {e}"));
                remote_seen += check_external_secret(&model, path, &doc);
            }
        }
    }
    assert!(op_seen > 0, "no `op://` reference in any example's outputs");
    assert!(
        remote_seen > 0,
        "no ExternalSecret remoteRef in any example's outputs"
    );
}

#[test]
fn the_reference_parser_reads_quoted_items_with_spaces() {
    let line = r#"        cmd: op read "op://Ops/1Password Connect/token""#;
    let refs = op_references(line);
    assert_eq!(refs.len(), 1);
    assert_eq!(refs[0].0, "Ops");
    assert_eq!(refs[0].1, "1Password Connect");
    assert_eq!(refs[0].2, "token");
}
