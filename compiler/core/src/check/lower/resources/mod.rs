//! Lowering the resources beside the policy: auth keys, the tailnet's DNS settings, public DNS
//! zones and their records.
//!
//! They are lowered after every other declaration, because a record's values name hosts and apps
//! whose tailnet names must be known ([`zones`]). What Tailscale and the DNS provider would refuse
//! only when Pulumi applies the change is checked here, where it was written ([`syntax`]):
//!
//! - `B3028`: a nameserver that is not an IP address;
//! - `B3036`: a second `dns` declaration, or `override_local_dns` without a global nameserver;
//! - `B3037`: a search path, split DNS domain or zone domain that is not a domain name;
//! - `B3038`: a record Gandi LiveDNS would refuse or misread (see [`zones`]);
//! - `B3039`: an auth key's expiry outside 1 second to 90 days, or a description over 50
//!   characters;
//! - `B3040`: zones or records that claim the same name (see [`zones`]).

pub mod syntax;
pub mod zones;

use indexmap::IndexMap;

use super::data;
use crate::check::schema::Kind;
use crate::check::value::{Record, Value, V};
use crate::check::{Checker, Slot};
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{AuthKey, Model, Origin, TailnetDns};
use crate::source::Span;

/// The longest auth key expiry Tailscale accepts: 90 days, in seconds.
pub const MAX_KEY_EXPIRY: u64 = 90 * 86_400;

/// The longest auth key description Tailscale accepts, in characters.
pub const MAX_KEY_DESCRIPTION: usize = 50;

/// A declaration of one of the resource kinds, ready to lower.
pub struct Declared {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: String,
    /// Its origin.
    pub origin: Origin,
    /// Its checked fields.
    pub fields: Record,
}

impl Checker<'_> {
    /// Lowers every `authkey`, `dns`, `zone` and `record` declaration into the model, in
    /// declaration order, zones before the records that point into them.
    pub fn lower_resources(&mut self, model: &mut Model) {
        let declared = self.declared_resources();
        let mut first_dns: Option<Span> = None;
        for d in &declared {
            match d.kind {
                Kind::AuthKey => {
                    let key = self.lower_auth_key(d);
                    model.auth_keys.push(key);
                }
                Kind::Dns => {
                    if let Some(first) = first_dns {
                        self.report(
                            Diagnostic::error(
                                codes::B3036,
                                "the tailnet's DNS settings are declared twice",
                                d.origin.span,
                            )
                            .with_label("a second `dns` declaration")
                            .with_secondary(first, "the first `dns` declaration")
                            .with_help(
                                "a tailnet has one set of DNS settings: merge the two declarations",
                            ),
                        );
                        continue;
                    }
                    first_dns = Some(d.origin.span);
                    model.dns = Some(self.lower_dns(d));
                }
                _ => {}
            }
        }
        self.lower_zones(&declared, model);
    }

    /// The checked `authkey`, `dns`, `zone` and `record` declarations, in declaration order.
    fn declared_resources(&self) -> Vec<Declared> {
        let mut out = Vec::new();
        for (index, slot) in self.entities.iter().enumerate() {
            if !matches!(
                slot.kind,
                Kind::AuthKey | Kind::Dns | Kind::Zone | Kind::Record
            ) {
                continue;
            }
            let Slot::Done(entity) = &slot.state else {
                continue;
            };
            out.push(Declared {
                kind: slot.kind,
                name: slot.decl.name.name.clone(),
                origin: self.origin(index),
                fields: entity.fields.clone(),
            });
        }
        out
    }

    /// An `authkey`, with `B3039` for an expiry or a description Tailscale refuses.
    fn lower_auth_key(&mut self, d: &Declared) -> AuthKey {
        let fields = &d.fields;
        let mut expiry = data::seconds(fields, "expiry");
        if let (Some(seconds), Some(value)) = (expiry, data::get(fields, "expiry")) {
            if seconds == 0 || seconds > MAX_KEY_EXPIRY {
                let problem = if seconds == 0 {
                    "an auth key that expires at once".to_string()
                } else {
                    format!(
                        "{} days is longer than Tailscale allows",
                        seconds.div_ceil(86_400)
                    )
                };
                self.report(
                    Diagnostic::error(
                        codes::B3039,
                        format!("auth key `{}` has an expiry Tailscale refuses", d.name),
                        value.span,
                    )
                    .with_label(problem)
                    .with_secondary(d.origin.span, "the auth key")
                    .with_help(
                        "an auth key expires after at most 90 days (`expiry = 90d`); a reusable \
                         key is recreated when it expires",
                    ),
                );
                expiry = None;
            }
        }
        let mut description = data::string(fields, "description");
        if let (Some(text), Some(value)) = (&description, data::get(fields, "description")) {
            let length = text.chars().count();
            if length > MAX_KEY_DESCRIPTION {
                self.report(
                    Diagnostic::error(
                        codes::B3039,
                        format!("auth key `{}` has a description Tailscale refuses", d.name),
                        value.span,
                    )
                    .with_label(format!(
                        "{length} characters, more than {MAX_KEY_DESCRIPTION}"
                    ))
                    .with_help(format!(
                        "shorten the description to at most {MAX_KEY_DESCRIPTION} characters; a \
                         comment can say more"
                    )),
                );
                description = None;
            }
        }
        AuthKey {
            origin: d.origin.clone(),
            name: d.name.clone(),
            reusable: data::boolean(fields, "reusable", false),
            ephemeral: data::boolean(fields, "ephemeral", false),
            preauthorized: data::boolean(fields, "preauthorized", false),
            tags: data::selectors(fields, "tags"),
            expiry,
            description,
            export: data::string(fields, "export").filter(|e| !e.is_empty()),
        }
    }

    /// The tailnet's `dns` settings: nameservers must be IP addresses (`B3028`), search paths and
    /// split DNS domains domain names (`B3037`), and overriding the devices' DNS needs a global
    /// nameserver (`B3036`).
    fn lower_dns(&mut self, d: &Declared) -> TailnetDns {
        let fields = &d.fields;
        let nameservers = self.addresses(data::list(fields, "nameservers"), "global nameserver");
        let mut search_paths = Vec::new();
        for value in data::list(fields, "search_paths") {
            if let Some(path) = self.domain(value, "search path") {
                search_paths.push(path);
            }
        }
        let mut split = IndexMap::new();
        for (domain, field) in data::map(fields, "split").into_iter().flatten() {
            if let Err(why) = syntax::domain(domain) {
                self.report(
                    Diagnostic::error(
                        codes::B3037,
                        format!("the split DNS domain `{domain}` is not a domain name"),
                        field.key,
                    )
                    .with_label(why)
                    .with_help("a split DNS domain is a suffix such as `corp.example.com`"),
                );
                continue;
            }
            let servers = match &field.value.kind {
                V::List(items) => self.addresses(items, "split DNS nameserver"),
                _ => Vec::new(),
            };
            split.insert(domain.clone(), servers);
        }
        let override_local_dns = data::boolean(fields, "override_local_dns", false);
        if override_local_dns && data::list(fields, "nameservers").is_empty() {
            let span = data::get(fields, "override_local_dns").map_or(d.origin.span, |v| v.span);
            self.report(
                Diagnostic::error(
                    codes::B3036,
                    "`override_local_dns` is on, but there is no global nameserver",
                    span,
                )
                .with_label("devices would drop their own DNS servers and have none")
                .with_secondary(d.origin.span, "these DNS settings have no `nameservers`")
                .with_help(
                    "add the nameservers devices should use (`nameservers = [\"1.1.1.1\"]`), or \
                     turn `override_local_dns` off",
                ),
            );
        }
        TailnetDns {
            origin: d.origin.clone(),
            nameservers,
            search_paths,
            magic_dns: data::boolean(fields, "magic_dns", true),
            override_local_dns,
            split,
        }
    }

    /// The IP addresses of a list of strings; `B3028` for each that is not one.
    fn addresses(&mut self, items: &[Value], what: &str) -> Vec<String> {
        let mut out = Vec::new();
        for item in items {
            let V::Str(text) = &item.kind else {
                continue;
            };
            if let Err(why) = syntax::ip(text) {
                self.report(
                    Diagnostic::error(
                        codes::B3028,
                        format!("the {what} `{text}` is not an IP address"),
                        item.span,
                    )
                    .with_label(why)
                    .with_help(
                        "Tailscale sends DNS queries to IPv4 or IPv6 addresses, such as `1.1.1.1` \
                         or `2606:4700:4700::1111`",
                    ),
                );
                continue;
            }
            out.push(text.clone());
        }
        out
    }

    /// A domain name value; `B3037` when it is not one.
    fn domain(&mut self, value: &Value, what: &str) -> Option<String> {
        let V::Str(text) = &value.kind else {
            return None;
        };
        if let Err(why) = syntax::domain(text) {
            self.report(
                Diagnostic::error(
                    codes::B3037,
                    format!("the {what} `{text}` is not a domain name"),
                    value.span,
                )
                .with_label(why)
                .with_help("a domain name looks like `corp.example.com`"),
            );
            return None;
        }
        Some(text.clone())
    }
}
