//! A role's interface as Ansible reads it: `meta/argument_specs.yml` and `defaults/main.yml`,
//! written from the role's declaration.
//!
//! The argument specification (ansible-core 2.11 and later) has one entry point, `main`, with an
//! option per parameter: its description (the parameter's doc comment), its type (`str`, `int`,
//! `bool`, `list` with `elements`, `dict` with `options` for a record, `raw` for `any`; a port is
//! an `int`, a secret a `str` with `no_log`), whether it is required (it has no default), its
//! default when that is plain data (a secret reference has no value here to state), and the
//! `choices` of an enum. Ansible validates the arguments against it before the role's first task.
//! The default in the specification only documents: the value the role sees comes from
//! `defaults/main.yml`, which lists every parameter that has one, its doc comment above it.

use crate::emit::header_lines;
use crate::emit::yaml::{document, Map, Yaml};
use crate::model::{Data, ParamField, ParamType, Role, RoleParam};

use super::super::secrets::{to_yaml, Facts};

/// The entry point Ansible validates when a role is applied without `tasks_from`.
const ENTRY_POINT: &str = "main";

/// The text of a role's `meta/argument_specs.yml`.
pub(super) fn argument_specs(role: &Role) -> String {
    let mut options = Map::new();
    for param in &role.params {
        options.insert(param.name.clone(), option(param));
    }
    let paragraphs = role
        .origin
        .doc
        .as_deref()
        .map(paragraphs)
        .unwrap_or_default();
    let (short, rest) = match paragraphs.split_first() {
        Some((first, rest)) => (first.clone(), rest),
        None => (
            format!(
                "Declared as `{}` in {}.",
                role.origin.decl, role.origin.file
            ),
            &[][..],
        ),
    };
    let entry = Map::new()
        .with("short_description", short)
        .with_opt("description", text(rest))
        .with("options", options);
    let doc = Map::new().with("argument_specs", Map::new().with(ENTRY_POINT, entry));
    document(&header_lines(&[&role.origin]), &doc.into())
}

/// The text of a role's `defaults/main.yml`: every parameter with a default, in order, its doc
/// comment above it. `None` when no parameter has a default.
pub(super) fn defaults(role: &Role, facts: &Facts) -> Option<String> {
    let mut values = Map::new();
    for param in &role.params {
        let Some(default) = &param.default else {
            continue;
        };
        let value = to_yaml(default, facts);
        let value = match comment_lines(param.doc.as_deref()) {
            Some(lines) => Yaml::Commented(lines, Box::new(value)),
            None => value,
        };
        values.insert(param.name.clone(), value);
    }
    if values.is_empty() {
        return None;
    }
    Some(document(&header_lines(&[&role.origin]), &values.into()))
}

/// One parameter's option.
fn option(param: &RoleParam) -> Yaml {
    let spec = Spec::of(&param.kind);
    let description = param.doc.as_deref().map(paragraphs).and_then(|p| text(&p));
    let default = param.default.as_ref().and_then(plain);
    spec.into_option(description, param.default.is_none(), default)
}

/// What an option says about its type.
struct Spec {
    /// Its `type`.
    datatype: &'static str,
    /// The `elements` of a list.
    elements: Option<&'static str>,
    /// The values it (or each of its elements) may take.
    choices: Option<Vec<String>>,
    /// The options of a record (or of each of its elements).
    options: Option<Map>,
    /// Whether its value is a secret, or holds one.
    no_log: bool,
}

impl Spec {
    /// A type with nothing more to say.
    fn plain(datatype: &'static str) -> Spec {
        Spec {
            datatype,
            elements: None,
            choices: None,
            options: None,
            no_log: false,
        }
    }

    /// The specification of a parameter's type.
    fn of(kind: &ParamType) -> Spec {
        match kind {
            ParamType::Str => Spec::plain("str"),
            ParamType::Int | ParamType::Port => Spec::plain("int"),
            ParamType::Bool => Spec::plain("bool"),
            ParamType::Any => Spec::plain("raw"),
            ParamType::Secret => Spec {
                no_log: true,
                ..Spec::plain("str")
            },
            ParamType::Choice(choices) => Spec {
                choices: Some(choices.clone()),
                ..Spec::plain("str")
            },
            ParamType::Optional(inner) => Spec::of(inner),
            ParamType::Record(fields) => Spec {
                options: Some(record_options(fields)),
                no_log: fields.iter().any(|f| holds_secret(&f.kind)),
                ..Spec::plain("dict")
            },
            // The specification cannot type a mapping's values, only hide them.
            ParamType::Map(value) => Spec {
                no_log: holds_secret(value),
                ..Spec::plain("dict")
            },
            ParamType::List(item) => {
                let item = Spec::of(item);
                Spec {
                    datatype: "list",
                    elements: Some(item.datatype),
                    choices: item.choices,
                    options: item.options,
                    no_log: item.no_log,
                }
            }
        }
    }

    /// The option: description, type, whether required, default, then what the type adds.
    fn into_option(self, description: Option<Yaml>, required: bool, default: Option<Yaml>) -> Yaml {
        let choices = self
            .choices
            .map(|choices| Yaml::Seq(choices.into_iter().map(Yaml::Str).collect()));
        Map::new()
            .with_opt("description", description)
            .with("type", self.datatype)
            .with("required", required)
            .with_opt("default", default)
            .with_opt("choices", choices)
            .with_opt("elements", self.elements)
            .with_opt("options", self.options)
            .with_opt("no_log", self.no_log.then_some(true))
            .into()
    }
}

/// The options of a record: one per field, required unless the field may be left out.
fn record_options(fields: &[ParamField]) -> Map {
    let mut options = Map::new();
    for field in fields {
        let option = Spec::of(&field.kind).into_option(None, !field.optional, None);
        options.insert(field.name.clone(), option);
    }
    options
}

/// Whether a value of a type is, or holds, a secret.
fn holds_secret(kind: &ParamType) -> bool {
    match kind {
        ParamType::Secret => true,
        ParamType::List(inner) | ParamType::Map(inner) | ParamType::Optional(inner) => {
            holds_secret(inner)
        }
        ParamType::Record(fields) => fields.iter().any(|f| holds_secret(&f.kind)),
        ParamType::Str
        | ParamType::Int
        | ParamType::Port
        | ParamType::Bool
        | ParamType::Any
        | ParamType::Choice(_) => false,
    }
}

/// A default as the specification states it: plain data. `None` for `null` (no default is the
/// same) and for a value holding a secret reference, whose value no file may state.
fn plain(value: &Data) -> Option<Yaml> {
    match value {
        Data::Null => None,
        other => data(other),
    }
}

/// Plain data as YAML; `None` when it holds a secret reference.
fn data(value: &Data) -> Option<Yaml> {
    Some(match value {
        Data::Null => Yaml::Null,
        Data::Bool(b) => Yaml::Bool(*b),
        Data::Int(i) => Yaml::Int(*i),
        Data::Str(s) => Yaml::Str(s.clone()),
        Data::List(items) => Yaml::Seq(items.iter().map(data).collect::<Option<_>>()?),
        Data::Map(entries) => Yaml::Map(
            entries
                .iter()
                .map(|(k, v)| Some((k.clone(), data(v)?)))
                .collect::<Option<_>>()?,
        ),
        Data::Secret(_) | Data::SecretText(_) => return None,
    })
}

/// The paragraphs of a doc comment, each on one line.
fn paragraphs(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in doc.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// A description: one paragraph as a string, several as a list (Ansible accepts both).
fn text(paragraphs: &[String]) -> Option<Yaml> {
    match paragraphs {
        [] => None,
        [one] => Some(Yaml::Str(one.clone())),
        many => Some(Yaml::Seq(many.iter().cloned().map(Yaml::Str).collect())),
    }
}

/// A doc comment as comment lines, `None` for none.
fn comment_lines(doc: Option<&str>) -> Option<Vec<String>> {
    let doc = doc?.trim_matches('\n');
    if doc.trim().is_empty() {
        return None;
    }
    Some(
        doc.lines()
            .map(|line| line.trim_end().to_string())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    fn param(name: &str, kind: ParamType, default: Option<Data>, doc: Option<&str>) -> RoleParam {
        RoleParam {
            name: name.to_string(),
            ty: String::new(),
            kind,
            default,
            doc: doc.map(str::to_string),
        }
    }

    fn role(params: Vec<RoleParam>, doc: Option<&str>) -> Role {
        Role {
            origin: Origin {
                file: "hosts.bops".to_string(),
                decl: "role web".to_string(),
                doc: doc.map(str::to_string),
                ..Origin::default()
            },
            name: "web".to_string(),
            params,
            source: None,
        }
    }

    /// The document without its provenance header.
    fn body(text: &str) -> &str {
        text.split_once("---\n").map_or(text, |(_, body)| body)
    }

    #[test]
    fn every_kind_of_type_becomes_its_option() {
        let route = ParamType::Record(vec![
            ParamField {
                name: "host".to_string(),
                kind: ParamType::Str,
                optional: false,
            },
            ParamField {
                name: "token".to_string(),
                kind: ParamType::Secret,
                optional: true,
            },
        ]);
        let params = vec![
            param("web_domain", ParamType::Str, None, Some("The domain.")),
            param(
                "web_port",
                ParamType::Port,
                Some(Data::Int(443)),
                Some("The port.\n\nAbove 1024 needs root."),
            ),
            param(
                "web_mode",
                ParamType::Choice(vec!["a".into(), "b".into()]),
                Some(Data::Str("a".into())),
                None,
            ),
            param(
                "web_routes",
                ParamType::List(Box::new(route)),
                Some(Data::List(Vec::new())),
                None,
            ),
            param(
                "web_labels",
                ParamType::Map(Box::new(ParamType::Str)),
                None,
                None,
            ),
            param("web_key", ParamType::Secret, None, None),
            param(
                "web_extra",
                ParamType::Optional(Box::new(ParamType::Any)),
                Some(Data::Null),
                None,
            ),
        ];
        let text = argument_specs(&role(params, Some("A web server.\nOn every host.")));
        assert_eq!(
            body(&text),
            "argument_specs:
  main:
    short_description: A web server. On every host.
    options:
      web_domain:
        description: The domain.
        type: str
        required: true
      web_port:
        description:
          - The port.
          - Above 1024 needs root.
        type: int
        required: false
        default: 443
      web_mode:
        type: str
        required: false
        default: a
        choices:
          - a
          - b
      web_routes:
        type: list
        required: false
        default: []
        elements: dict
        options:
          host:
            type: str
            required: true
          token:
            type: str
            required: false
            no_log: true
        no_log: true
      web_labels:
        type: dict
        required: true
      web_key:
        type: str
        required: true
        no_log: true
      web_extra:
        type: raw
        required: false
"
        );
    }

    #[test]
    fn a_role_without_doc_or_parameters_still_says_what_it_is() {
        let text = argument_specs(&role(Vec::new(), None));
        assert_eq!(
            body(&text),
            "argument_specs:\n  main:\n    short_description: Declared as `role web` in hosts.bops.\n    options: {}\n"
        );
    }

    #[test]
    fn a_secret_default_is_not_stated_in_the_specification() {
        let secret = Data::Secret(crate::model::SecretRef {
            secret: "db".to_string(),
            key: "password".to_string(),
        });
        assert_eq!(plain(&secret), None);
        assert_eq!(plain(&Data::List(vec![secret])), None);
        assert_eq!(plain(&Data::Null), None);
        assert_eq!(
            plain(&Data::List(vec![Data::Null])),
            Some(Yaml::Seq(vec![Yaml::Null]))
        );
    }

    #[test]
    fn defaults_list_the_parameters_that_have_one_with_their_docs() {
        let params = vec![
            param("web_domain", ParamType::Str, None, Some("Required.")),
            param(
                "web_port",
                ParamType::Port,
                Some(Data::Int(443)),
                Some("The port.\n\nAbove 1024 needs root."),
            ),
            param(
                "web_user",
                ParamType::Str,
                Some(Data::Str("www".into())),
                None,
            ),
        ];
        let text = defaults(&role(params, None), &Facts::default());
        assert_eq!(
            text.as_deref().map(body),
            Some("# The port.\n#\n# Above 1024 needs root.\nweb_port: 443\nweb_user: www\n")
        );
        let required = vec![param("web_domain", ParamType::Str, None, None)];
        assert_eq!(defaults(&role(required, None), &Facts::default()), None);
    }
}
