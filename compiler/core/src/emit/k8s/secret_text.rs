//! The templated ExternalSecret of an app whose environment holds secret texts
//! (`DATABASE_URL = "postgres://app:${secret.db.password}@db/app"`).
//!
//! Each app with such a variable gets one ExternalSecret, `<app>-secret-text`, that reads every
//! field its secret texts use (keys named `<secret>_<key>`, valid template identifiers) and
//! renders each distinct text into a key of the Secret it creates, through External Secrets
//! Operator's `target.template` (engine `v2`, Go templates: `{{ .forgejo_runner_reg }}`). The
//! template's `mergePolicy: Merge` keeps the fields it reads beside the rendered keys. The
//! variable then reads its key with a `secretKeyRef`. A text's literal pieces are escaped, so that
//! a `{{` written in the text stays text.

use indexmap::IndexMap;

use crate::emit::escape_braces;
use crate::emit::yaml::{Map, Yaml};
use crate::model::{App, EnvValue, Model, SecretRef, TextPart};

use super::manifests::{metadata, Directory};

/// The name of the app's templated ExternalSecret and of the Secret it creates.
pub(super) fn name(app: &App) -> String {
    format!("{}-secret-text", app.name.replace('_', "-"))
}

/// The keys of an app's templated Secret: every distinct secret text of its containers'
/// environments, in order of first use, under the name of the first variable that holds it
/// (made a valid Secret key, with a number appended when two texts would share one).
pub(super) fn keys(app: &App) -> IndexMap<&[TextPart], String> {
    let mut keys: IndexMap<&[TextPart], String> = IndexMap::new();
    for container in app.all_containers() {
        for var in &container.env {
            let EnvValue::SecretText(parts) = &var.value else {
                continue;
            };
            if keys.contains_key(parts.as_slice()) {
                continue;
            }
            let base = secret_key(&var.name);
            let mut key = base.clone();
            let mut n = 2;
            while keys.values().any(|k| *k == key) {
                key = format!("{base}-{n}");
                n += 1;
            }
            keys.insert(parts.as_slice(), key);
        }
    }
    keys
}

/// The key of the app's templated Secret that holds a secret text.
pub(super) fn key(app: &App, parts: &[TextPart]) -> String {
    keys(app).get(parts).cloned().unwrap_or_default()
}

/// Writes the app's templated ExternalSecret, when its environment holds a secret text.
pub(super) fn emit(model: &Model, app: &App, dir: &mut Directory<'_>) {
    let keys = keys(app);
    if keys.is_empty() {
        return;
    }
    let Some(cluster) = model.clusters.iter().find(|c| c.name == app.cluster) else {
        return;
    };
    let fields = fields(&keys);
    let mut origins = vec![&app.origin];
    let mut data = Vec::new();
    for (secret_ref, field) in &fields {
        let Some(declared) = model.secrets.iter().find(|s| s.name == secret_ref.secret) else {
            continue;
        };
        if !origins.contains(&&declared.origin) {
            origins.push(&declared.origin);
        }
        data.push(Yaml::from(
            Map::new().with("secretKey", field.as_str()).with(
                "remoteRef",
                Map::new()
                    .with("key", &declared.item)
                    .with("property", &secret_ref.key),
            ),
        ));
    }
    let mut templates = Map::new();
    for (parts, key) in &keys {
        templates.insert(key.clone(), template(parts, &fields));
    }
    let name = name(app);
    let object = Map::new()
        .with("apiVersion", "external-secrets.io/v1")
        .with("kind", "ExternalSecret")
        .with(
            "metadata",
            metadata(&name, app, Map::new(), Map::new(), &origins),
        )
        .with(
            "spec",
            Map::new()
                .with("refreshInterval", "1h")
                .with(
                    "secretStoreRef",
                    Map::new()
                        .with("kind", "ClusterSecretStore")
                        .with("name", &cluster.secret_store),
                )
                .with(
                    "target",
                    Map::new()
                        .with("name", name.as_str())
                        .with("creationPolicy", "Owner")
                        .with(
                            "template",
                            Map::new()
                                .with("engineVersion", "v2")
                                .with("mergePolicy", "Merge")
                                .with("data", templates),
                        ),
                )
                .with("data", data),
        );
    dir.write(&format!("external-secret-{name}.yaml"), object, &origins);
}

/// Every secret field the texts read, in order of first use, with the key it is read into: the
/// secret's and the field's names joined by `_`, letters, digits and `_` only (so that a
/// template names it as `.key`), with a number appended when two fields would share one.
fn fields(keys: &IndexMap<&[TextPart], String>) -> IndexMap<SecretRef, String> {
    let mut fields: IndexMap<SecretRef, String> = IndexMap::new();
    for secret_ref in keys.keys().flat_map(|parts| TextPart::secrets(parts)) {
        if fields.contains_key(secret_ref) {
            continue;
        }
        let base: String = format!("{}_{}", secret_ref.secret, secret_ref.key)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut field = base.clone();
        let mut n = 2;
        while fields.values().any(|f| *f == field) {
            field = format!("{base}_{n}");
            n += 1;
        }
        fields.insert(secret_ref.clone(), field);
    }
    fields
}

/// A secret text as a Go template: literal pieces escaped, each hole `{{ .field }}`.
fn template(parts: &[TextPart], fields: &IndexMap<SecretRef, String>) -> String {
    let mut text = String::new();
    for part in parts {
        match part {
            TextPart::Text(literal) => {
                text.push_str(&escape_braces(literal, "{{ \"{\" }}"));
            }
            TextPart::Secret(secret_ref) => {
                let field = fields.get(secret_ref).map_or("", String::as_str);
                text.push_str(&format!("{{{{ .{field} }}}}"));
            }
        }
    }
    text
}

/// A variable name made a valid Secret key: letters, digits, `-`, `_` and `.`.
fn secret_key(name: &str) -> String {
    let key: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key.is_empty() {
        return "_".to_string();
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(secret: &str, key: &str) -> TextPart {
        TextPart::Secret(SecretRef {
            secret: secret.to_string(),
            key: key.to_string(),
        })
    }

    #[test]
    fn templates_escape_literal_braces_and_name_fields() {
        let parts = vec![
            TextPart::Text("a{{b}} ".to_string()),
            secret("db-main", "pass word"),
            TextPart::Text("{".to_string()),
            secret("db-main", "pass word"),
        ];
        let mut keys = IndexMap::new();
        keys.insert(parts.as_slice(), "URL".to_string());
        let fields = fields(&keys);
        assert_eq!(
            fields.values().cloned().collect::<Vec<_>>(),
            vec!["db_main_pass_word".to_string()]
        );
        assert_eq!(
            template(&parts, &fields),
            "a{{ \"{\" }}{b}} {{ .db_main_pass_word }}{{ \"{\" }}{{ .db_main_pass_word }}"
        );
    }

    #[test]
    fn secret_keys_are_valid() {
        assert_eq!(secret_key("DATABASE_URL"), "DATABASE_URL");
        assert_eq!(secret_key("a b/c"), "a_b_c");
    }
}
