//! Declarations: evaluating an entity's body against its kind's schema, and the fields a
//! reference to it exposes.
//!
//! An entity is evaluated the first time something needs its fields (`app.feed.url`) or, at the
//! latest, when every declaration is checked; the result is kept. Its body is evaluated in its
//! module with `self` bound to the fields written so far; the `on` clause sets the kind's `on`
//! field (an app's `cluster`); the whole is then checked against the schema, which fills the
//! defaults. A reference exposes the checked fields plus derived ones (`name`, a host's `fqdn`,
//! an app's `url` and `service`, see `docs/language.md`).

use super::schema::{schema, Kind};
use super::value::{Field, Record, Value, V};
use super::{Checker, Slot, Target};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::Span;
use crate::syntax::ast::ExprKind;

/// An evaluated entity.
#[derive(Clone, Debug, Default)]
pub struct Entity {
    /// Its fields, checked, defaults filled in.
    pub fields: Record,
    /// Whether it was checked without errors; when not, a missing field is not reported again.
    pub clean: bool,
}

impl<'a> Checker<'a> {
    /// The evaluated entity `index`, evaluated once; `at` is the reference that needs it. `None`
    /// when it depends on itself (already reported).
    pub fn entity_fields(&mut self, index: usize, at: Span) -> Option<Entity> {
        let slot = self.entities.get(index)?;
        let busy = match &slot.state {
            Slot::Done(entity) => return Some(entity.clone()),
            Slot::Busy => true,
            Slot::Todo => false,
        };
        if !self.enter(Target::Entity(index), busy, at) {
            return None;
        }
        if let Some(slot) = self.entities.get_mut(index) {
            slot.state = Slot::Busy;
        }
        let entity = self.eval_entity(index);
        self.leave();
        if let Some(slot) = self.entities.get_mut(index) {
            slot.state = Slot::Done(entity.clone());
        }
        Some(entity)
    }

    fn eval_entity(&mut self, index: usize) -> Entity {
        let Some(slot) = self.entities.get(index) else {
            return Entity::default();
        };
        let (kind, module, decl) = (slot.kind, slot.module, slot.decl);
        let name_span = slot.name_span();
        let before = self.diagnostics.len();
        let value = self.in_module(module, Some(Record::new()), |c| {
            let mut on = None;
            if let Some(expr) = &decl.on {
                match kind.on_field() {
                    Some(field) => {
                        let value = c.eval(expr);
                        if let Some(Some(this)) = c.selves.last_mut() {
                            this.insert(
                                field.to_string(),
                                Field {
                                    key: expr.span,
                                    value: value.clone(),
                                },
                            );
                        }
                        on = Some((field, expr.span, value));
                    }
                    None => c.report(
                        Diagnostic::error(
                            codes::B2010,
                            format!("a `{}` declaration takes no `on` clause", kind.keyword()),
                            expr.span,
                        )
                        .with_label("not allowed here")
                        .with_help("only an app (`app NAME on cluster.X`) and a DNS record (`record NAME on zone.X`) take `on`"),
                    ),
                }
            }
            if let Some(params) = &decl.params {
                if !kind.takes_params() {
                    let span = match (params.first(), params.last()) {
                        (Some(first), Some(last)) => first.span.to(last.span),
                        _ => decl.name.span,
                    };
                    c.report(
                        Diagnostic::error(
                            codes::B2010,
                            format!("a `{}` declaration takes no parameters", kind.keyword()),
                            span,
                        )
                        .with_label("not allowed here")
                        .with_help("only a role has parameters (its variables)"),
                    );
                }
            }
            let body = match &decl.body {
                Some(expr) => match &expr.kind {
                    ExprKind::Record(entries) => c.eval_record(entries, expr.span, true),
                    _ => c.eval(expr),
                },
                None => Value::new(V::Record(Record::new()), decl.name.span),
            };
            let mut record = match body.kind {
                V::Record(record) => record,
                V::Error => return None,
                _ => {
                    c.report(
                        Diagnostic::error(
                            codes::B2001,
                            format!(
                                "type mismatch: the body of `{} {}` must be a record, found {}",
                                kind.keyword(),
                                decl.name.name,
                                body.describe()
                            ),
                            body.span,
                        )
                        .with_label("expected a record"),
                    );
                    return None;
                }
            };
            if let Some((field, span, value)) = on {
                if let Some(existing) = record.get(field) {
                    c.report(
                        Diagnostic::error(
                            codes::B1002,
                            format!("`{field}` is given twice"),
                            existing.key,
                        )
                        .with_label(format!("`{field}` given again here"))
                        .with_secondary(span, "already given by `on`")
                        .with_help(format!("write either `on` or `{field} = ...`, not both")),
                    );
                } else {
                    record.insert(field.to_string(), Field { key: span, value });
                }
            }
            Some(Value::new(V::Record(record), body.span))
        });
        let Some(value) = value else {
            return Entity::default();
        };
        let what = format!("`{} {}`", kind.keyword(), decl.name.name);
        let checked = self.conform_decl(value, &schema(kind), &decl.name.name, name_span, &what);
        let clean = !self
            .diagnostics
            .iter()
            .skip(before)
            .any(Diagnostic::is_error);
        match checked.kind {
            V::Record(fields) => Entity { fields, clean },
            _ => Entity::default(),
        }
    }

    /// `KIND.NAME.field`: a declared or derived field of an entity.
    pub fn entity_field(
        &mut self,
        kind: Kind,
        name: &str,
        field: &str,
        field_span: Span,
        span: Span,
    ) -> Value {
        let Some(index) = self.entity_index.get(&(kind, name.to_string())).copied() else {
            return Value::error(span);
        };
        let Some(entity) = self.entity_fields(index, span) else {
            return Value::error(span);
        };
        let text = |s: String| Value::new(V::Str(s), span);
        match (kind, field) {
            (_, "name") => return text(name.to_string()),
            (Kind::Host, "fqdn") => {
                let device = string_field(&entity.fields, "device").unwrap_or(name);
                return match self.tailnet_domain(field_span, span) {
                    Some(domain) => text(format!("{device}.{domain}")),
                    None => Value::error(span),
                };
            }
            (Kind::Host, "address") => {
                // Looked up by the device's MagicDNS name when Pulumi runs: it needs the tailnet.
                return match self.tailnet_domain(field_span, span) {
                    Some(_) => Value::new(V::HostAddress(name.to_string()), span),
                    None => Value::error(span),
                };
            }
            (Kind::App, "hostname" | "fqdn" | "url") => {
                let hostname = entity
                    .fields
                    .get("expose")
                    .and_then(|f| match &f.value.kind {
                        V::Record(r) => string_field(r, "hostname").map(str::to_string),
                        _ => None,
                    })
                    .or_else(|| produced(&entity.fields, "exposures", Some("hostname")));
                let Some(hostname) = hostname else {
                    if entity.clean {
                        self.report(
                            Diagnostic::error(
                                codes::B2008,
                                format!("`app.{name}` has no `{field}`"),
                                field_span,
                            )
                            .with_label(format!("`app {name}` is not exposed on the tailnet"))
                            .with_help(match entity.fields.get("image").map(|f| &f.value.kind) {
                                Some(V::Str(_)) => "give the app an `expose = { port = ... }` to give it a tailnet hostname",
                                _ => "declare the exposure its chart creates: `produces = { exposures = { HOSTNAME = { tags = [...] } } }`",
                            }),
                        );
                    }
                    return Value::error(span);
                };
                if field == "hostname" {
                    return text(hostname);
                }
                let Some(domain) = self.tailnet_domain(field_span, span) else {
                    return Value::error(span);
                };
                let fqdn = format!("{hostname}.{domain}");
                return match field {
                    "url" => text(format!("https://{fqdn}")),
                    _ => text(fqdn),
                };
            }
            (Kind::Forge, "host") => {
                let web = string_field(&entity.fields, "web").unwrap_or_default();
                return match crate::model::forge::url_host(web) {
                    Some(host) => text(host.to_string()),
                    None => Value::error(span),
                };
            }
            (Kind::Record, "fqdn") => {
                let zone = match entity.fields.get("zone").map(|f| &f.value.kind) {
                    Some(V::Entity(Kind::Zone, zone)) => zone.clone(),
                    _ => return Value::error(span),
                };
                let relative = string_field(&entity.fields, "name")
                    .unwrap_or(name)
                    .to_string();
                let domain = self.entity_field(Kind::Zone, &zone, "domain", field_span, span);
                return match domain.kind {
                    V::Str(domain) if relative == "@" => text(domain),
                    V::Str(domain) => text(format!("{relative}.{domain}")),
                    _ => Value::error(span),
                };
            }
            (Kind::Repo, "url" | "https_url" | "web_url") => {
                if let Some(value) = self.repo_url(&entity, name, field, field_span, span) {
                    return value;
                }
            }
            (Kind::App, "service") => {
                let namespace = string_field(&entity.fields, "namespace").unwrap_or(name);
                // An app without an image names the first Service its chart produces.
                let own = string_field(&entity.fields, "workload_name").unwrap_or(name);
                let workload = match entity.fields.get("image").map(|f| &f.value.kind) {
                    Some(V::Str(_)) => own.to_string(),
                    _ => match produced(&entity.fields, "services", None) {
                        Some(service) => service,
                        None => {
                            if entity.clean {
                                self.report(
                                    Diagnostic::error(
                                        codes::B2008,
                                        format!("`app.{name}` has no `service`"),
                                        field_span,
                                    )
                                    .with_label(format!("`app {name}` has no image and produces no Service"))
                                    .with_help("declare the Services its chart creates: `produces = { services = { NAME = { ports = { http = 80 } } } }`"),
                                );
                            }
                            return Value::error(span);
                        }
                    },
                };
                return text(format!("{workload}.{namespace}.svc.cluster.local"));
            }
            _ => {}
        }
        if let Some(f) = entity.fields.get(field) {
            return f.value.clone();
        }
        if is_optional_field(kind, field) {
            return Value::new(V::Null, span);
        }
        if entity.clean {
            let what = format!("`{}.{name}`", kind.keyword());
            self.no_field(&entity.fields, field, field_span, &what);
        }
        Value::error(span)
    }

    /// `repo.X.url`, `https_url` and `web_url` of a repository on a forge, derived from the
    /// forge's URLs and the repository's path by the functions the lowering uses. `None` when
    /// the repository has no forge and the field is its own `url`; `B2008` for the other two.
    fn repo_url(
        &mut self,
        entity: &Entity,
        name: &str,
        field: &str,
        field_span: Span,
        span: Span,
    ) -> Option<Value> {
        let forge = match entity.fields.get("forge").map(|f| &f.value.kind) {
            Some(V::Entity(Kind::Forge, forge)) => forge.clone(),
            Some(V::Error) => return Some(Value::error(span)),
            _ if field == "url" => return None,
            _ => {
                if entity.clean {
                    self.report(
                        Diagnostic::error(
                            codes::B2008,
                            format!("`repo.{name}` has no `{field}`"),
                            field_span,
                        )
                        .with_label(format!("`repo {name}` is not declared on a forge"))
                        .with_help("declare the repository on its forge, `forge = forge.NAME, path = \"owner/name\"`, to derive its other URLs; or use `url`"),
                    );
                }
                return Some(Value::error(span));
            }
        };
        let (Some(path), Some(index)) = (
            string_field(&entity.fields, "path"),
            self.entity_index
                .get(&(Kind::Forge, forge.clone()))
                .copied(),
        ) else {
            // A forge without a path is reported when the repository is lowered (B3114).
            return Some(Value::error(span));
        };
        let path = path.to_string();
        let forge = self.entity_fields(index, span)?;
        let Some(web) = string_field(&forge.fields, "web") else {
            return Some(Value::error(span));
        };
        let url = match field {
            "https_url" => crate::model::forge::https_url(web, &path),
            "web_url" => crate::model::forge::web_url(web, &path),
            _ => crate::model::forge::clone_url(web, string_field(&forge.fields, "ssh"), &path),
        };
        Some(Value::new(V::Str(url), span))
    }

    /// The tailnet's domain, for a derived FQDN; `B2008` when no tailnet is declared.
    fn tailnet_domain(&mut self, field_span: Span, span: Span) -> Option<String> {
        let Some(index) = self.entities.iter().position(|e| e.kind == Kind::Tailnet) else {
            self.report(
                Diagnostic::error(
                    codes::B2008,
                    "no tailnet domain to build a name with",
                    field_span,
                )
                .with_label("this needs the tailnet's domain")
                .with_help("declare the tailnet: `tailnet NAME { domain = \"tailXXXX.ts.net\" }`"),
            );
            return None;
        };
        let entity = self.entity_fields(index, span)?;
        string_field(&entity.fields, "domain").map(str::to_string)
    }

    /// `secret.NAME.KEY` or `secret.NAME["KEY"]`: a key of a secret, which must be one of its
    /// `keys` (`B3007`).
    pub fn secret_key(&mut self, secret: &str, key: &str, key_span: Span, span: Span) -> Value {
        let Some(index) = self
            .entity_index
            .get(&(Kind::Secret, secret.to_string()))
            .copied()
        else {
            return Value::error(span);
        };
        let Some(entity) = self.entity_fields(index, span) else {
            return Value::error(span);
        };
        let Some(keys) = entity.fields.get("keys") else {
            return Value::error(span);
        };
        let names: Vec<String> = match &keys.value.kind {
            V::List(items) => items
                .iter()
                .filter_map(|i| match &i.kind {
                    V::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect(),
            _ => return Value::error(span),
        };
        if names.iter().any(|n| n == key) {
            return Value::new(
                V::SecretKey {
                    secret: secret.to_string(),
                    key: key.to_string(),
                },
                span,
            );
        }
        let mut d = Diagnostic::error(
            codes::B3007,
            format!("secret `{secret}` has no key `{key}`"),
            key_span,
        )
        .with_label("undeclared secret key")
        .with_secondary(keys.value.span, format!("the keys of `secret {secret}`"));
        d = match super::suggest::closest(key, names.iter().map(String::as_str)) {
            Some(near) => d.with_help(format!("did you mean `{near}`?")),
            None => d.with_help(format!(
                "add `\"{key}\"` to the secret's `keys` if the 1Password item has that field"
            )),
        };
        self.report(d);
        Value::error(span)
    }
}

/// Whether a kind's schema has the field, optional and without a default (it reads as `null`
/// when it is not written).
fn is_optional_field(kind: Kind, field: &str) -> bool {
    let super::types::Type::Record(fields) = schema(kind) else {
        return false;
    };
    fields
        .iter()
        .any(|f| f.name == field && f.optional && f.default.is_none())
}

/// A string field of a record.
pub fn string_field<'r>(record: &'r Record, name: &str) -> Option<&'r str> {
    match &record.get(name)?.value.kind {
        V::Str(s) => Some(s),
        _ => None,
    }
}

/// The first entry of an app's `produces.<what>`: its `field` when given, else its key.
fn produced(fields: &Record, what: &str, field: Option<&str>) -> Option<String> {
    let produces = match &fields.get("produces")?.value.kind {
        V::Record(r) => r,
        _ => return None,
    };
    let entries = match &produces.get(what)?.value.kind {
        V::Record(r) => r,
        _ => return None,
    };
    let (key, entry) = entries.iter().next()?;
    let given = match (&entry.value.kind, field) {
        (V::Record(r), Some(field)) => string_field(r, field).map(str::to_string),
        _ => None,
    };
    Some(given.unwrap_or_else(|| key.clone()))
}
