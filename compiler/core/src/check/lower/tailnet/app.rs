//! Application capabilities (`app` of a grant or a node attribute): names checked (`B3029`), values
//! turned into plain data.
//!
//! Tailscale passes a capability's values to the application as opaque JSON, so they are plain
//! data: records, lists, strings, numbers and bools. A reference is written the way the policy
//! names it (`tag.web` is `"tag:web"`, a user their login, an IP set `"ipset:NAME"`), so that a
//! capability can name tags and users and still be checked; a secret is never written into the
//! policy (`B2007`), and functions, modules and the like are not data (`B2001`).

use indexmap::IndexMap;

use super::data;
use crate::check::entity::string_field;
use crate::check::schema::Kind;
use crate::check::value::{unit_text, Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::Data;

/// Whether a capability name is `<domain>/<capability>`; why not, otherwise.
pub fn capability_name(name: &str) -> Result<(), String> {
    let Some((domain, capability)) = name.split_once('/') else {
        return Err("a capability is named `<domain>/<capability>`".to_string());
    };
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(format!(
            "`{domain}` is not a domain: it needs two labels or more, like `example.com`"
        ));
    }
    for label in labels {
        let valid = !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !valid {
            return Err(format!(
                "`{domain}` is not a domain: `{label}` is not a DNS label (letters, digits and `-`)"
            ));
        }
    }
    if capability.is_empty() {
        return Err("the capability's name after the domain is empty".to_string());
    }
    if capability.chars().any(char::is_whitespace) {
        return Err("a capability's name holds no white space".to_string());
    }
    if capability.ends_with('/') || capability.contains("//") {
        return Err("a capability's name has no empty path segment".to_string());
    }
    Ok(())
}

impl Checker<'_> {
    /// The `app` field: each capability whose name is valid, with its values as data.
    pub fn capabilities(&mut self, fields: &Record) -> IndexMap<String, Vec<Data>> {
        let mut out = IndexMap::new();
        let Some(app) = data::map(fields, "app") else {
            return out;
        };
        for (name, field) in app {
            if let Err(why) = capability_name(name) {
                self.report(
                    Diagnostic::error(
                        codes::B3029,
                        format!("`{name}` is not a capability name"),
                        field.key,
                    )
                    .with_label(why)
                    .with_help("capabilities are named after the application's domain, as it documents them: `tailscale.com/cap/golink`, `example.com/cap/reports`"),
                );
                continue;
            }
            let V::List(items) = &field.value.kind else {
                continue;
            };
            let mut values = Vec::new();
            for item in items {
                if let Some(d) = self.policy_data(item) {
                    values.push(d);
                }
            }
            out.insert(name.clone(), values);
        }
        out
    }

    /// A value as plain data for the policy; `None` after reporting what cannot be written.
    fn policy_data(&mut self, value: &Value) -> Option<Data> {
        let text = |s: String| Some(Data::Str(s));
        match &value.kind {
            V::Error => None,
            V::Null => Some(Data::Null),
            V::Bool(b) => Some(Data::Bool(*b)),
            V::Int(n) => Some(Data::Int(*n)),
            V::Str(s) => text(s.clone()),
            V::Unit { number, unit } => text(unit_text(number, unit)),
            V::Variant { variant, .. } => text(variant.clone()),
            V::Any => text("*".to_string()),
            V::Ip(address) => text(address.clone()),
            V::Autogroup(a) => text(format!("autogroup:{a}")),
            V::Entity(Kind::Tag, n) => text(format!("tag:{n}")),
            V::Entity(Kind::Group, n) => text(format!("group:{n}")),
            V::Entity(Kind::IpSet, n) => text(format!("ipset:{n}")),
            V::Entity(Kind::Service, n) => text(format!("svc:{n}")),
            V::Entity(Kind::Posture, n) => text(format!("posture:{n}")),
            V::Entity(Kind::Network, n) => text(n.clone()),
            V::Entity(Kind::User, n) => self.login(n, value).map(Data::Str),
            V::List(items) => {
                let mut out = Vec::new();
                let mut ok = true;
                for item in items {
                    match self.policy_data(item) {
                        Some(d) => out.push(d),
                        None => ok = false,
                    }
                }
                ok.then_some(Data::List(out))
            }
            V::Record(record) => {
                let mut out = IndexMap::new();
                let mut ok = true;
                for (k, f) in record {
                    match self.policy_data(&f.value) {
                        Some(d) => {
                            out.insert(k.clone(), d);
                        }
                        None => ok = false,
                    }
                }
                ok.then_some(Data::Map(out))
            }
            V::SecretKey { .. } | V::SecretText(_) => {
                self.report(
                    Diagnostic::error(
                        codes::B2007,
                        "a secret cannot be written into the tailnet policy",
                        value.span,
                    )
                    .with_label(format!(
                        "{} would be written out in policy.hujson",
                        value.describe()
                    ))
                    .with_help("capability values are plain data that every device of the tailnet may read; keep secrets in the application's own configuration"),
                );
                None
            }
            _ => {
                self.report(
                    Diagnostic::error(
                        codes::B2001,
                        format!(
                            "type mismatch: {} cannot be written into the policy",
                            value.describe()
                        ),
                        value.span,
                    )
                    .with_label("not plain data")
                    .with_help("capability values are records, lists, strings, numbers, bools, and references to users, groups, tags, addresses, IP sets, services and postures"),
                );
                None
            }
        }
    }

    /// A user's login, for a reference written into the policy.
    fn login(&mut self, user: &str, value: &Value) -> Option<String> {
        let index = self
            .entity_index
            .get(&(Kind::User, user.to_string()))
            .copied()?;
        let entity = self.entity_fields(index, value.span)?;
        string_field(&entity.fields, "email").map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::capability_name;

    #[test]
    fn capability_names_are_domain_and_path() {
        for good in [
            "tailscale.com/cap/golink",
            "tailscale.com/app-connectors",
            "example.com/cap/reports",
            "sub.example.co.uk/x",
        ] {
            assert_eq!(capability_name(good), Ok(()), "{good}");
        }
        for bad in [
            "golink-admin",
            "localhost/cap",
            "example.com/",
            "example.com/a b",
            "-x.com/cap",
            "example..com/cap",
            "example.com/cap//x",
            "/cap",
        ] {
            assert!(capability_name(bad).is_err(), "{bad}");
        }
    }
}
