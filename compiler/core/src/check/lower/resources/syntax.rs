//! The syntax of what the DNS resources hold: IP addresses, domain names, record names and the
//! values of each record type.
//!
//! Each function says why a text is not accepted; the caller attaches the span and the code.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Why a text is not accepted, for a diagnostic's label.
pub type Verdict = Result<(), String>;

/// The longest label of a domain name.
const LABEL_MAX: usize = 63;
/// The longest domain name, without its trailing dot.
const NAME_MAX: usize = 253;

/// The record types the zone's provider (Gandi LiveDNS) serves, upper case.
pub const RECORD_TYPES: &[&str] = &[
    "A",
    "AAAA",
    "ALIAS",
    "CAA",
    "CDS",
    "CNAME",
    "DNAME",
    "DS",
    "HTTPS",
    "KEY",
    "LOC",
    "MX",
    "NAPTR",
    "NS",
    "OPENPGPKEY",
    "PTR",
    "RP",
    "SPF",
    "SRV",
    "SSHFP",
    "SVCB",
    "TLSA",
    "TXT",
    "WKS",
];

/// The record types whose one value is a host name the record stands for.
pub const ALIAS_TYPES: &[&str] = &["ALIAS", "CNAME", "DNAME"];

/// An IP address of either family.
pub fn ip(text: &str) -> Verdict {
    if text.parse::<Ipv4Addr>().is_ok() || text.parse::<Ipv6Addr>().is_ok() {
        return Ok(());
    }
    Err(not_an_address(text))
}

/// Whether a text is an IPv4 address.
pub fn is_ipv4(text: &str) -> bool {
    text.parse::<Ipv4Addr>().is_ok()
}

/// Whether a text is an IPv6 address.
pub fn is_ipv6(text: &str) -> bool {
    text.parse::<Ipv6Addr>().is_ok()
}

/// Why a text that should be an address is not one.
fn not_an_address(text: &str) -> String {
    if text.contains('/') {
        return "a CIDR range is not an address: write the address alone".to_string();
    }
    if text.contains("://") {
        return "a URL is not an address: write the server's IP address".to_string();
    }
    if text
        .chars()
        .any(|c| c.is_ascii_alphabetic() && !c.is_ascii_hexdigit())
    {
        return "a host name is not an address: write the server's IP address".to_string();
    }
    "not an IPv4 or IPv6 address".to_string()
}

/// A domain name: labels of letters, digits and `-` joined by dots, written without the
/// trailing dot.
pub fn domain(text: &str) -> Verdict {
    if text.is_empty() {
        return Err("it is empty".to_string());
    }
    if text.contains("://") || text.contains('/') {
        return Err("a domain name has no scheme and no path".to_string());
    }
    if text.ends_with('.') {
        return Err("write it without the trailing dot".to_string());
    }
    labels(text, false)
}

/// The labels of a name (without a trailing dot): each 1 to 63 letters, digits and `-` (and `_`
/// where `underscore` allows it), not starting or ending with `-`; at most 253 characters.
fn labels(text: &str, underscore: bool) -> Verdict {
    if text.len() > NAME_MAX {
        return Err(format!(
            "it is {} characters long, more than {NAME_MAX}",
            text.len()
        ));
    }
    for label in text.split('.') {
        if label.is_empty() {
            return Err(
                "it has an empty label (two dots in a row, or a dot at an end)".to_string(),
            );
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || (underscore && *c == '_')))
        {
            let allowed = if underscore {
                "letters, digits, `-` and `_`"
            } else {
                "letters, digits and `-`"
            };
            return Err(format!("`{c}` is not allowed: a label holds {allowed}"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label `{label}` starts or ends with `-`"));
        }
        if label.len() > LABEL_MAX {
            return Err(format!(
                "the label `{label}` is {} characters long, more than {LABEL_MAX}",
                label.len()
            ));
        }
    }
    Ok(())
}

/// A record's name relative to its zone: `@` for the apex, or labels of letters, digits, `-` and
/// `_`, the first of which may be the wildcard `*`.
pub fn record_name(text: &str, zone: &str) -> Verdict {
    if text == "@" {
        return Ok(());
    }
    if text.is_empty() {
        return Err("it is empty; the zone's apex is written `@`".to_string());
    }
    let lower = text.trim_end_matches('.').to_ascii_lowercase();
    let zone = zone.to_ascii_lowercase();
    if lower == zone || lower.ends_with(&format!(".{zone}")) {
        return Err(format!(
            "a record's name is relative to its zone `{zone}`: write `{}`",
            relative(&lower, &zone)
        ));
    }
    if text.ends_with('.') {
        return Err("a record's name is relative to its zone, without a trailing dot".to_string());
    }
    let rest = match text.strip_prefix("*.") {
        Some(rest) => rest,
        None if text == "*" => return Ok(()),
        None => text,
    };
    labels(rest, true)
}

/// A name relative to a zone, for a hint: `www` for `www.example.com`, `@` for the apex.
fn relative(name: &str, zone: &str) -> String {
    match name.strip_suffix(zone) {
        Some("") | None => "@".to_string(),
        Some(prefix) => prefix.trim_end_matches('.').to_string(),
    }
}

/// A fully qualified target host name, written with its trailing dot (`proxy.fly.dev.`).
pub fn target(text: &str) -> Verdict {
    if text.is_empty() {
        return Err("it is empty".to_string());
    }
    if text.contains("://") || text.contains('/') {
        return Err("a host name has no scheme and no path".to_string());
    }
    let Some(name) = text.strip_suffix('.') else {
        return Err(
            "not fully qualified: without the trailing dot the provider reads it relative to \
             the zone"
                .to_string(),
        );
    };
    labels(name, true)
}

/// A Pulumi project or stack name: letters, digits, `-`, `_` and `.`, at most 100 characters (it
/// is also a directory or a file name of the generated tree).
pub fn pulumi_name(text: &str) -> Verdict {
    if text.is_empty() {
        return Err("it is empty".to_string());
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c)))
    {
        return Err(format!(
            "`{c}` is not allowed: letters, digits, `-`, `_` and `.` are"
        ));
    }
    if text == "." || text == ".." {
        return Err("it is not a name".to_string());
    }
    if text.len() > 100 {
        return Err(format!(
            "it is {} characters long, more than 100",
            text.len()
        ));
    }
    Ok(())
}

/// An integer field of a record value, in `0..=max`.
fn number(part: Option<&str>, what: &str, max: u32) -> Verdict {
    let Some(text) = part else {
        return Err(format!("the {what} is missing"));
    };
    match text.parse::<u32>() {
        Ok(n) if n <= max => Ok(()),
        _ => Err(format!(
            "the {what} `{text}` is not a number from 0 to {max}"
        )),
    }
}

/// An MX value: `PRIORITY TARGET` (`10 mail.example.com.`).
pub fn mx(text: &str) -> Verdict {
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.len() != 2 {
        return Err("an MX value is `PRIORITY TARGET`, such as `10 mail.example.com.`".to_string());
    }
    number(parts.first().copied(), "priority", 65_535)?;
    target(parts.get(1).copied().unwrap_or_default())
}

/// An SRV value: `PRIORITY WEIGHT PORT TARGET` (`10 5 5060 sip.example.com.`), or `.` as the
/// target for "no service".
pub fn srv(text: &str) -> Verdict {
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.len() != 4 {
        return Err(
            "an SRV value is `PRIORITY WEIGHT PORT TARGET`, such as `10 5 5060 sip.example.com.`"
                .to_string(),
        );
    }
    number(parts.first().copied(), "priority", 65_535)?;
    number(parts.get(1).copied(), "weight", 65_535)?;
    number(parts.get(2).copied(), "port", 65_535)?;
    match parts.get(3).copied() {
        Some(".") => Ok(()),
        other => target(other.unwrap_or_default()),
    }
}

/// A CAA value: `FLAGS TAG VALUE` (`0 issue "letsencrypt.org"`).
pub fn caa(text: &str) -> Verdict {
    let mut parts = text.splitn(3, ' ');
    let (flags, tag, value) = (parts.next(), parts.next(), parts.next());
    number(flags, "flags", 255)?;
    let Some(tag) = tag.filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric()))
    else {
        return Err(
            "a CAA value is `FLAGS TAG VALUE`, such as `0 issue \"letsencrypt.org\"`".to_string(),
        );
    };
    if value.is_none_or(|v| v.trim().is_empty()) {
        return Err(format!("the CAA `{tag}` property has no value"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert!(ip("1.1.1.1").is_ok());
        assert!(ip("2606:4700:4700::1111").is_ok());
        assert!(ip("1.1.1").is_err());
        assert!(ip("256.1.1.1").is_err());
        assert!(ip("01.1.1.1").is_err());
        assert_eq!(
            ip("10.0.0.0/8"),
            Err("a CIDR range is not an address: write the address alone".to_string())
        );
        assert!(matches!(ip("dns.google"), Err(e) if e.starts_with("a host name")));
        assert!(is_ipv4("100.64.0.1") && !is_ipv4("fd7a::1"));
        assert!(is_ipv6("fd7a:115c:a1e0::1") && !is_ipv6("100.64.0.1"));
    }

    #[test]
    fn domains() {
        assert!(domain("example.com").is_ok());
        assert!(domain("corp").is_ok());
        assert!(domain("xn--bcher-kva.example").is_ok());
        assert!(domain("corp..example.com").is_err());
        assert!(domain("example.com.").is_err());
        assert!(domain("https://example.com").is_err());
        assert!(domain("-a.example.com").is_err());
        assert!(domain("a_b.example.com").is_err());
        assert!(domain(&format!("{}.com", "a".repeat(64))).is_err());
        assert!(domain("").is_err());
    }

    #[test]
    fn record_names() {
        assert!(record_name("@", "example.com").is_ok());
        assert!(record_name("www", "example.com").is_ok());
        assert!(record_name("*.ops", "example.com").is_ok());
        assert!(record_name("*", "example.com").is_ok());
        assert!(record_name("_dmarc", "example.com").is_ok());
        assert!(record_name("a.*.b", "example.com").is_err());
        assert!(record_name("", "example.com").is_err());
        assert_eq!(
            record_name("www.example.com", "example.com"),
            Err("a record's name is relative to its zone `example.com`: write `www`".to_string())
        );
        assert!(
            matches!(record_name("example.com.", "example.com"), Err(e) if e.ends_with("write `@`"))
        );
        assert!(record_name("www.", "example.com").is_err());
    }

    #[test]
    fn targets() {
        assert!(target("proxy.fly.dev.").is_ok());
        let unqualified = |v: Verdict| matches!(v, Err(e) if e.starts_with("not fully qualified"));
        assert!(unqualified(target("proxy.fly.dev")));
        assert!(unqualified(mx("10 mail.example.com")));
        assert!(target("https://proxy.fly.dev/").is_err());
        assert!(target(".").is_err());
    }

    #[test]
    fn pulumi_names() {
        assert!(pulumi_name("homelab-dns").is_ok());
        assert!(pulumi_name("eblu.me_prod").is_ok());
        assert!(pulumi_name("").is_err());
        assert!(pulumi_name("..").is_err());
        assert!(pulumi_name("a/b").is_err());
        assert!(pulumi_name(&"a".repeat(101)).is_err());
    }

    #[test]
    fn structured_values() {
        assert!(mx("10 mail.example.com.").is_ok());
        assert!(mx("mail.example.com.").is_err());
        assert!(mx("70000 mail.example.com.").is_err());
        assert!(mx("10 mail.example.com").is_err());
        assert!(srv("10 5 5060 sip.example.com.").is_ok());
        assert!(srv("0 0 0 .").is_ok());
        assert!(srv("10 5 sip.example.com.").is_err());
        assert!(caa("0 issue \"letsencrypt.org\"").is_ok());
        assert!(caa("0 issue").is_err());
        assert!(caa("300 issue \"x\"").is_err());
        assert!(caa("issue \"x\"").is_err());
    }
}
