//! B3110 and B3113 (warnings): a hostname of the project's own tailnet or public zones written
//! out in a string, where a reference says the same.
//!
//! A name written as text does not follow what it names: rename a host's device, an app's
//! exposure or the tailnet, and `miniflux.tail8d86e.ts.net` in an environment variable still
//! says the old name, while `${app.miniflux.fqdn}` would have followed. So every literal part of
//! a string in the project's sources (not the interpolated parts, not comments, not record keys)
//! that contains the tailnet's domain is reported, with the exact reference when the name before
//! the domain is one the project declares (a host's device, an app's exposure), else with
//! `${tailnet.X.domain}`; and one that contains a declared DNS record's full name in a declared
//! public zone is reported with `${record.X.fqdn}`. The tailnet's own `domain` and a zone's
//! `domain` are where the names are declared, and are not reported.
//!
//! The rule reads the syntax tree, since only there is a literal told apart from a computed
//! string; it runs with the model, which says what is declared. [`literals`] collects the
//! literal parts of strings for this rule and [`super::repositories`].

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Model;
use crate::project::Project;
use crate::source::Span;
use crate::syntax::ast::{Decl, Expr, ExprKind, ItemKind, RecordEntryKind, StrPart};

/// One literal part of a string written in the project's sources.
pub struct Literal<'p> {
    /// The text, escapes decoded.
    pub text: &'p str,
    /// The whole string's span (a literal part has none of its own).
    pub span: Span,
    /// The whole string's text when it has no interpolation: `https://x.example`.
    pub whole: Option<&'p str>,
    /// The declaration it is written in, `(kind, name)`; `None` in a `let` or `fn`.
    pub decl: Option<(&'p str, &'p str)>,
    /// The top-level field of that declaration's body it is written in.
    pub field: Option<&'p str>,
}

/// Every literal part of every string in the project's own files (not the standard library's),
/// in file and source order.
pub fn literals(project: &Project) -> Vec<Literal<'_>> {
    let mut out = Vec::new();
    for module in project.modules.iter().filter(|m| !m.stdlib) {
        for item in &module.ast.items {
            match &item.kind {
                ItemKind::Let(binding) => walk(&binding.value, None, None, &mut out),
                ItemKind::Fn(function) => {
                    for param in &function.params {
                        if let Some(default) = &param.default {
                            walk(default, None, None, &mut out);
                        }
                    }
                    walk(&function.body, None, None, &mut out);
                }
                ItemKind::Decl(decl) => walk_decl(decl, &mut out),
                ItemKind::Import(_) | ItemKind::Type(_) | ItemKind::Enum(_) | ItemKind::Error => {}
            }
        }
    }
    out
}

fn walk_decl<'p>(decl: &'p Decl, out: &mut Vec<Literal<'p>>) {
    let at = Some((decl.kind.name.as_str(), decl.name.name.as_str()));
    if let Some(on) = &decl.on {
        walk(on, at, None, out);
    }
    for param in decl.params.iter().flatten() {
        if let Some(default) = &param.default {
            walk(default, at, None, out);
        }
    }
    let Some(body) = &decl.body else {
        return;
    };
    let ExprKind::Record(entries) = &body.kind else {
        walk(body, at, None, out);
        return;
    };
    for entry in entries {
        match &entry.kind {
            RecordEntryKind::Field { key, value } => walk(value, at, Some(key.name()), out),
            RecordEntryKind::Spread(value) | RecordEntryKind::Let { value, .. } => {
                walk(value, at, None, out);
            }
            RecordEntryKind::Error => {}
        }
    }
}

fn walk<'p>(
    expr: &'p Expr,
    decl: Option<(&'p str, &'p str)>,
    field: Option<&'p str>,
    out: &mut Vec<Literal<'p>>,
) {
    let go = |e: &'p Expr, out: &mut Vec<Literal<'p>>| walk(e, decl, field, out);
    match &expr.kind {
        ExprKind::Str(parts) => {
            let whole = match parts.as_slice() {
                [StrPart::Lit(text)] => Some(text.as_str()),
                _ => None,
            };
            for part in parts {
                match part {
                    StrPart::Lit(text) => out.push(Literal {
                        text,
                        span: expr.span,
                        whole,
                        decl,
                        field,
                    }),
                    StrPart::Interp(inner) => go(inner, out),
                }
            }
        }
        ExprKind::Field(inner, _) => go(inner, out),
        ExprKind::Index(a, b) => {
            go(a, out);
            go(b, out);
        }
        ExprKind::Call { callee, args } => {
            go(callee, out);
            for arg in args {
                go(&arg.value, out);
            }
        }
        ExprKind::List(items) => {
            for item in items {
                go(item, out);
            }
        }
        ExprKind::Comprehension {
            body, iter, cond, ..
        } => {
            go(body, out);
            go(iter, out);
            if let Some(cond) = cond {
                go(cond, out);
            }
        }
        ExprKind::Record(entries) => {
            for entry in entries {
                match &entry.kind {
                    RecordEntryKind::Field { value, .. }
                    | RecordEntryKind::Spread(value)
                    | RecordEntryKind::Let { value, .. } => go(value, out),
                    RecordEntryKind::Error => {}
                }
            }
        }
        ExprKind::If {
            cond,
            then,
            otherwise,
        } => {
            go(cond, out);
            go(then, out);
            go(otherwise, out);
        }
        ExprKind::Let { value, body, .. } => {
            go(value, out);
            go(body, out);
        }
        ExprKind::Binary { lhs, rhs, .. } => {
            go(lhs, out);
            go(rhs, out);
        }
        ExprKind::Unary { expr, .. } => go(expr, out),
        ExprKind::Int(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Unit { .. }
        | ExprKind::Name(_)
        | ExprKind::SelfRef
        | ExprKind::Error => {}
    }
}

/// Whether `c` can be part of a host name.
fn host_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Where `name` occurs in `text` as a whole host name or its tail (compared without case): the
/// byte offset of each occurrence that no further label continues (`x.example.com.evil` does not
/// contain `example.com`; `example.com.` and `example.com/path` do).
pub fn occurrences(text: &str, name: &str) -> Vec<usize> {
    if name.is_empty() {
        return Vec::new();
    }
    let lower = text.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = lower.get(from..).and_then(|rest| rest.find(&name)) {
        let start = from + found;
        let end = start + name.len();
        from = start + 1;
        let mut after = lower.get(end..).unwrap_or_default().chars();
        let continues = match after.next() {
            Some('.') => after.next().is_some_and(host_char),
            Some(c) => host_char(c),
            None => false,
        };
        if !continues {
            out.push(start);
        }
    }
    out
}

/// The host name label(s) written right before byte `at` of `text`, after a `.`: `miniflux` in
/// `https://miniflux.tail1.ts.net`; `None` when the domain is not preceded by `.` or the name is
/// empty.
pub fn name_before(text: &str, at: usize) -> Option<&str> {
    let before = text.get(..at)?.strip_suffix('.')?;
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(host_char(*c) || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = before.get(start..)?;
    (!name.is_empty()).then_some(name)
}

/// What a tailnet name refers to: the reference that gives it and the declaration.
struct Named {
    /// `host.indri` or `app.miniflux`, when `.fqdn` gives exactly this name.
    reference: Option<String>,
    /// Whether `.url` gives `https://` and the name (apps).
    has_url: bool,
    /// The declaration (or exposure) that claims the name.
    span: Span,
    /// What claims it, for the label.
    what: String,
}

/// The tailnet names the project declares, by lower-cased name.
fn tailnet_names(model: &Model) -> Vec<(String, Named)> {
    let mut out = Vec::new();
    for host in &model.hosts {
        out.push((
            host.device.to_ascii_lowercase(),
            Named {
                reference: Some(format!("host.{}", host.name)),
                has_url: false,
                span: host.origin.span,
                what: format!("the device of `{}`", host.origin.decl),
            },
        ));
    }
    for app in &model.apps {
        // `app.X.fqdn` names the app's own exposure, or else the first one its chart produces.
        let fqdn_name = app
            .expose
            .as_ref()
            .map(|e| e.hostname.as_str())
            .or_else(|| app.produces.exposures.first().map(|e| e.hostname.as_str()));
        for exposure in app.tailnet_exposures() {
            let exact = Some(exposure.hostname) == fqdn_name;
            let span = if exposure.span.file == app.origin.span.file {
                exposure.span
            } else {
                app.origin.span
            };
            out.push((
                exposure.hostname.to_ascii_lowercase(),
                Named {
                    reference: exact.then(|| format!("app.{}", app.name)),
                    has_url: exact,
                    span,
                    what: format!("an exposure of `{}`", app.origin.decl),
                },
            ));
        }
        if let (Some(hostname), true) = (
            &app.service.hostname,
            app.service.enabled && !app.ports.is_empty(),
        ) {
            out.push((
                hostname.to_ascii_lowercase(),
                Named {
                    reference: None,
                    has_url: false,
                    span: app.origin.span,
                    what: format!("the Tailscale Service of `{}`", app.origin.decl),
                },
            ));
        }
    }
    out
}

/// Reports every literal tailnet or public hostname that a reference gives.
pub fn check(model: &Model, literals: &[Literal], out: &mut Vec<Diagnostic>) {
    tailnet(model, literals, out);
    public(model, literals, out);
}

/// B3110: the tailnet's domain written in a string.
fn tailnet(model: &Model, literals: &[Literal], out: &mut Vec<Diagnostic>) {
    let Some(tailnet) = &model.tailnet else {
        return;
    };
    if tailnet.domain.is_empty() {
        return;
    }
    let names = tailnet_names(model);
    // When the tailnet's `domain` is not written in it (`domain = domain`), the string that is
    // exactly the domain (a `let`) is where it is declared.
    let declared_inline = literals.iter().any(is_tailnet_domain);
    for literal in literals {
        if is_tailnet_domain(literal)
            || (!declared_inline
                && literal
                    .whole
                    .is_some_and(|w| w.eq_ignore_ascii_case(&tailnet.domain)))
        {
            continue;
        }
        for at in occurrences(literal.text, &tailnet.domain) {
            let before = literal.text.get(..at).unwrap_or_default();
            // Part of another word (`mytail1.ts.net`): not this domain.
            if before.chars().next_back().is_some_and(host_char) {
                continue;
            }
            let name = name_before(literal.text, at);
            let full = match name {
                Some(name) => format!("{name}.{}", tailnet.domain),
                None => tailnet.domain.clone(),
            };
            let named = name.and_then(|n| {
                let n = n.to_ascii_lowercase();
                names.iter().find(|(k, _)| *k == n).map(|(_, named)| named)
            });
            // Inside the declaration that claims the name, a reference to it would depend on
            // itself (B1006): only the domain can be a reference there.
            let own = named.is_some_and(|named| {
                named.reference.as_deref().is_some_and(|r| {
                    literal
                        .decl
                        .is_some_and(|(kind, decl)| r == format!("{kind}.{decl}"))
                })
            });
            let what = if name.is_some() { "hostname" } else { "domain" };
            let mut d = Diagnostic::warning(
                codes::B3110,
                format!("tailnet {what} `{full}` is written out"),
                literal.span,
            )
            .with_label(format!("`{full}` written as text"));
            d = match named {
                Some(named) => {
                    d = d.with_secondary(named.span, format!("the name is {}", named.what));
                    match named.reference.as_ref().filter(|_| !own) {
                        Some(reference) => {
                            let url = format!("https://{full}");
                            let whole_url = literal.whole.is_some_and(|w| {
                                w.trim_end_matches('/').eq_ignore_ascii_case(&url)
                            });
                            if whole_url && named.has_url {
                                d.with_help(format!(
                                    "write `{reference}.url` in place of the string, so that it follows a rename"
                                ))
                            } else if literal.whole.is_some_and(|w| w.eq_ignore_ascii_case(&full)) {
                                d.with_help(format!(
                                    "write `{reference}.fqdn` in place of the string, so that it follows a rename"
                                ))
                            } else {
                                d.with_help(format!(
                                    "write `${{{reference}.fqdn}}` in place of `{full}`, so that it follows a rename"
                                ))
                            }
                        }
                        None => {
                            let d = d.with_help(format!(
                                "write `{}.${{tailnet.{}.domain}}`, so that it follows the tailnet",
                                name.unwrap_or_default(),
                                tailnet.name
                            ));
                            match (&named.reference, own) {
                                (Some(reference), true) => d.with_note(format!(
                                    "`{reference}.fqdn` cannot be used inside its own declaration: it would depend on itself"
                                )),
                                _ => d,
                            }
                        }
                    }
                }
                None => d
                    .with_secondary(tailnet.origin.span, "the tailnet's domain is declared here")
                    .with_help(match name {
                        Some(name) => format!(
                            "no host or exposure is named `{name}`; write `{name}.${{tailnet.{}.domain}}` so that the name follows the tailnet, or reference what it names",
                            tailnet.name
                        ),
                        None => format!(
                            "write `${{tailnet.{}.domain}}`, so that it follows the tailnet",
                            tailnet.name
                        ),
                    }),
            };
            out.push(d);
        }
    }
}

/// Whether the literal is the tailnet declaration's own `domain`.
fn is_tailnet_domain(literal: &Literal) -> bool {
    literal.decl.is_some_and(|(kind, _)| kind == "tailnet") && literal.field == Some("domain")
}

/// B3113: a declared record's full name in a declared public zone written in a string.
fn public(model: &Model, literals: &[Literal], out: &mut Vec<Diagnostic>) {
    for zone in &model.dns_zones {
        if zone.domain.is_empty() {
            continue;
        }
        let records: Vec<_> = model
            .dns_records
            .iter()
            .filter(|r| r.zone == zone.name && r.record != "@" && !r.record.contains('*'))
            .collect();
        for literal in literals {
            if literal.decl.is_some_and(|(kind, _)| kind == "zone")
                && literal.field == Some("domain")
            {
                continue;
            }
            for at in occurrences(literal.text, &zone.domain) {
                let Some(name) = name_before(literal.text, at) else {
                    continue;
                };
                let Some(record) = records.iter().find(|r| r.record.eq_ignore_ascii_case(name))
                else {
                    continue;
                };
                // The record's own declaration may name itself (a TXT value): not a copy.
                if literal.decl == Some(("record", record.name.as_str())) {
                    continue;
                }
                let full = format!("{name}.{}", zone.domain);
                let reference = format!("record.{}.fqdn", record.name);
                let help = if literal.whole.is_some_and(|w| w.eq_ignore_ascii_case(&full)) {
                    format!(
                        "write `{reference}` in place of the string, so that it follows the record"
                    )
                } else {
                    format!("write `${{{reference}}}` in place of `{full}`, so that it follows the record")
                };
                out.push(
                    Diagnostic::warning(
                        codes::B3113,
                        format!("public hostname `{full}` is written out"),
                        literal.span,
                    )
                    .with_label(format!("`{full}` written as text"))
                    .with_secondary(
                        record.origin.span,
                        format!(
                            "`{}` declares it in zone `{}`",
                            record.origin.decl, zone.name
                        ),
                    )
                    .with_help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{name_before, occurrences};

    #[test]
    fn finds_whole_domains_only() {
        assert_eq!(
            occurrences("https://a.tail1.ts.net/x", "tail1.ts.net"),
            vec![10]
        );
        assert_eq!(occurrences("a.TAIL1.ts.net.", "tail1.ts.net"), vec![2]);
        assert!(occurrences("a.tail1.ts.network", "tail1.ts.net").is_empty());
        assert!(occurrences("a.tail1.ts.net.evil", "tail1.ts.net").is_empty());
        assert!(occurrences("anything", "").is_empty());
    }

    #[test]
    fn reads_the_name_before_a_domain() {
        assert_eq!(name_before("https://feed.tail1.ts.net", 13), Some("feed"));
        assert_eq!(name_before("x@a.b.tail1.ts.net", 6), Some("a.b"));
        assert_eq!(name_before(".tail1.ts.net", 1), None);
        assert_eq!(name_before("tail1.ts.net", 0), None);
    }
}
