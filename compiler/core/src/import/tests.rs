//! Tests of role import: types, literals, comments and the errors that name a key.

use super::{description, role, role_with_source};

/// The declaration of the role `r` for `yaml`; a failure fails the test with its message.
fn derive(yaml: &str) -> String {
    match role("r", yaml, None) {
        Ok(text) => text,
        Err(message) => format!("error: {message}"),
    }
}

#[test]
fn scalars_become_typed_parameters() {
    let text = derive("a: hi\nb: 3\nc_port: 443\nd_port: 0\ne: true\nf: null\n");
    assert_eq!(
        text,
        "role r(\n  a: string = \"hi\",\n  b: int = 3,\n  c_port: port = 443,\n  \
         d_port: int = 0,\n  e: bool = true,\n  f: any = null,\n) {\n  source = \"roles/r\"\n}\n"
    );
}

#[test]
fn comments_right_above_a_key_document_it() {
    let text = derive("# Header.\n\n# The domain.\n#\n# Second.\ndomain: x\nport: 1\n");
    assert!(text.contains("  /// The domain.\n  ///\n  /// Second.\n  domain: string"));
    assert!(!text.contains("Header"));
    let text = derive("a: 30  # seconds\nb: \"x # y\"\nc: x#y\n");
    assert!(text.contains("  /// seconds\n  a: int = 30,"), "{text}");
    assert!(text.contains("  b: string = \"x # y\","), "{text}");
    assert!(text.contains("  c: string = \"x#y\","), "{text}");
}

#[test]
fn list_items_that_agree_give_the_element_type() {
    let text = derive("xs: [1, 2]\nys: [1, a]\nzs: []\n");
    assert!(text.contains("xs: list<int> = [1, 2]"));
    assert!(text.contains("ys: list<any> = [1, \"a\"]"));
    assert!(text.contains("zs: list<any> = []"));
}

#[test]
fn records_in_a_list_merge_and_missing_fields_are_optional() {
    let text = derive("rs:\n  - { name: a, port: 80 }\n  - { name: b, port: \"{{ p }}\", x: 1 }\n");
    assert!(
        text.contains("rs: list<{ name: string, port: any, x?: int }>"),
        "{text}"
    );
}

#[test]
fn strings_are_escaped_and_jinja_is_kept() {
    let text = derive("a: \"{{ b }}/x\"\nc: \"q\\\"${d}\\n\"\n");
    assert!(text.contains("a: string = \"{{ b }}/x\""));
    assert!(text.contains(r#"c: string = "q\"\${d}\n""#), "{text}");
}

#[test]
fn maps_with_keys_that_are_not_names_are_maps() {
    let text = derive("labels:\n  app.io/name: x\n  b: y\nempty: {}\n");
    assert!(text.contains("labels: map<string> = { \"app.io/name\" = \"x\", b = \"y\" }"));
    assert!(text.contains("empty: map<any> = {}"));
}

#[test]
fn keys_that_are_not_names_are_errors_naming_them() {
    assert!(derive("bad.key: 1\n").contains("`bad.key`"));
    assert!(derive("in: 1\n").contains("`in`"));
    assert!(derive("x: 1.5\n").contains("`x`"));
    assert!(derive("- 1\n").starts_with("error:"));
    assert!(role("9r", "", None).is_err());
}

#[test]
fn an_empty_file_is_a_role_without_parameters() {
    assert_eq!(derive("---\n"), "role r() {\n  source = \"roles/r\"\n}\n");
}

#[test]
fn description_and_source_are_used() {
    let meta = "galaxy_info:\n  description: Serves it.\n  author: me\n";
    let desc = description(meta);
    assert_eq!(desc.as_deref(), Some("Serves it."));
    let text = role_with_source("r", "a: 1\n", desc.as_deref(), "ansible/r");
    assert_eq!(
        text.as_deref().ok(),
        Some("/// Serves it.\nrole r(\n  a: int = 1,\n) {\n  source = \"ansible/r\"\n}\n")
    );
    assert_eq!(description("dependencies: []\n"), None);
}
