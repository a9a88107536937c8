//! What the targets accept as names: the syntax rules of Kubernetes, Tailscale and Ansible names,
//! each a function that says why a name is not accepted.
//!
//! The Kubernetes rules are those of the API server's validation (`IsDNS1123Label`,
//! `IsDNS1123Subdomain`, `IsValidPortName`, `IsQualifiedName`, `IsValidLabelValue`,
//! `IsConfigMapKey`), the tag rule is Tailscale's `CheckTag`, and the Ansible rules are those of
//! the inventory parser and of ansible-lint's `var-naming` and `role-name` rules, which the
//! generated tree is meant to pass.

mod words;

use words::{PYTHON_KEYWORDS, READ_ONLY, RESERVED};

/// Why a name is not accepted, for a diagnostic's label.
pub type Verdict = Result<(), String>;

/// The longest DNS label.
const LABEL_MAX: usize = 63;
/// The longest DNS subdomain.
const SUBDOMAIN_MAX: usize = 253;
/// The longest port name (an IANA service name).
const PORT_NAME_MAX: usize = 15;
/// The longest name that becomes part of a file name (`host_vars/<host>.yml`,
/// `external-secret-<secret>.yaml`): file systems allow 255 bytes, and the writer adds a prefix,
/// a suffix and a temporary extension.
pub const FILE_NAME_MAX: usize = 200;

/// A name that becomes part of a file name: at most [`FILE_NAME_MAX`] bytes.
pub fn file_name(name: &str) -> Verdict {
    if name.len() > FILE_NAME_MAX {
        return Err(format!(
            "it is {} characters long, too long for a file name (at most {FILE_NAME_MAX})",
            name.len()
        ));
    }
    Ok(())
}

/// A DNS-1123 label: lowercase letters, digits and `-`, starting and ending with a letter or a
/// digit, at most 63 characters. Namespaces, app (Deployment, Service, Application) and
/// container names.
pub fn dns_label(name: &str) -> Verdict {
    if name.is_empty() {
        return Err("it is empty".to_string());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "{} is not allowed: only lowercase letters, digits and `-`",
            describe(c)
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("it starts or ends with `-`".to_string());
    }
    if name.len() > LABEL_MAX {
        return Err(format!(
            "it is {} characters long, more than {LABEL_MAX}",
            name.len()
        ));
    }
    Ok(())
}

/// A DNS-1123 subdomain: DNS-1123 labels joined by `.`, at most 253 characters. Secret names.
pub fn dns_subdomain(name: &str) -> Verdict {
    if !name.contains('.') && name.len() <= LABEL_MAX {
        return dns_label(name);
    }
    if name.is_empty() {
        return Err("it is empty".to_string());
    }
    if name.len() > SUBDOMAIN_MAX {
        return Err(format!(
            "it is {} characters long, more than {SUBDOMAIN_MAX}",
            name.len()
        ));
    }
    for part in name.split('.') {
        if part.is_empty() {
            return Err("it has an empty part between dots".to_string());
        }
        if let Some(c) = part
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!(
                "{} is not allowed: only lowercase letters, digits, `-` and `.`",
                describe(c)
            ));
        }
        if part.starts_with('-') || part.ends_with('-') {
            return Err("a part starts or ends with `-`".to_string());
        }
    }
    Ok(())
}

/// An IANA service name, which Kubernetes requires of named ports: at most 15 lowercase letters,
/// digits and `-`, at least one letter, no `--`, not starting or ending with `-`.
pub fn port_name(name: &str) -> Verdict {
    if name.is_empty() {
        return Err("it is empty".to_string());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "{} is not allowed: only lowercase letters, digits and `-`",
            describe(c)
        ));
    }
    if name.len() > PORT_NAME_MAX {
        return Err(format!(
            "it is {} characters long, more than {PORT_NAME_MAX}",
            name.len()
        ));
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return Err("it has no letter".to_string());
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("it starts or ends with `-`".to_string());
    }
    if name.contains("--") {
        return Err("it contains `--`".to_string());
    }
    Ok(())
}

/// A qualified name, the key of a label or an annotation: an optional DNS subdomain prefix and
/// `/`, then at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or a
/// digit.
pub fn qualified_name(key: &str) -> Verdict {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if let Err(why) = dns_subdomain(prefix) {
            return Err(format!(
                "its prefix `{prefix}` is not a DNS subdomain: {why}"
            ));
        }
    }
    if name.is_empty() {
        return Err(match prefix {
            Some(_) => "its name part is empty".to_string(),
            None => "it is empty".to_string(),
        });
    }
    match prefix {
        Some(_) => label_text(name).map_err(|why| format!("its name part {why}")),
        None => label_text(name).map_err(|why| format!("it {why}")),
    }
}

/// A label value: empty, or at most 63 letters, digits, `-`, `_` and `.`, starting and ending
/// with a letter or a digit.
pub fn label_value(value: &str) -> Verdict {
    if value.is_empty() {
        return Ok(());
    }
    label_text(value).map_err(|why| format!("it {why}"))
}

/// The shared rule of label values and the name part of qualified names; the reason reads after
/// "it" or "its name part".
fn label_text(text: &str) -> Verdict {
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c)))
    {
        return Err(format!(
            "has {}: only letters, digits, `-`, `_` and `.` are allowed",
            describe(c)
        ));
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge(text.chars().next()) || !edge(text.chars().last()) {
        return Err("does not start and end with a letter or a digit".to_string());
    }
    if text.len() > LABEL_MAX {
        return Err(format!(
            "is {} characters long, more than {LABEL_MAX}",
            text.len()
        ));
    }
    Ok(())
}

/// A key of a Secret's data: letters, digits, `-`, `_` and `.`, at most 253 characters, not `.`
/// or `..`.
pub fn secret_key(key: &str) -> Verdict {
    if key.is_empty() {
        return Err("it is empty".to_string());
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c)))
    {
        return Err(format!(
            "{} is not allowed: only letters, digits, `-`, `_` and `.`",
            describe(c)
        ));
    }
    if key == "." || key == ".." {
        return Err(format!("`{key}` is not a key"));
    }
    if key.len() > SUBDOMAIN_MAX {
        return Err(format!(
            "it is {} characters long, more than {SUBDOMAIN_MAX}",
            key.len()
        ));
    }
    Ok(())
}

/// A container resource name: `cpu`, `memory`, `ephemeral-storage`, `hugepages-SIZE`, or an
/// extended resource `vendor.example/name`.
pub fn resource_name(name: &str) -> Verdict {
    if matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-") {
        return Ok(());
    }
    let Some((prefix, _)) = name.split_once('/') else {
        return Err(
            "it is not a standard resource (`cpu`, `memory`, `ephemeral-storage`, `hugepages-<size>`) and has no `vendor.example/` prefix"
                .to_string(),
        );
    };
    if prefix == "kubernetes.io" || prefix.ends_with(".kubernetes.io") {
        return Err(format!("the prefix `{prefix}` is reserved by Kubernetes"));
    }
    qualified_name(name)
}

/// A tailnet's MagicDNS domain: a DNS subdomain of at least two labels (`tail1234.ts.net`).
pub fn tailnet_domain(domain: &str) -> Verdict {
    dns_subdomain(domain)?;
    if !domain.contains('.') {
        return Err(
            "it is a single label; a tailnet domain looks like `tail1234.ts.net`".to_string(),
        );
    }
    Ok(())
}

/// A user's login: not empty, with an `@` between a name and a provider (`alice@example.com`,
/// `alice@github`), no white space.
pub fn login(email: &str) -> Verdict {
    if email.is_empty() {
        return Err("it is empty".to_string());
    }
    if email.chars().any(char::is_whitespace) {
        return Err("it contains white space".to_string());
    }
    match email.split_once('@') {
        Some((name, provider)) if !name.is_empty() && !provider.is_empty() => Ok(()),
        _ => Err("it is not `name@provider`".to_string()),
    }
}

/// A Tailscale tag name (after `tag:`): an ASCII letter, then letters, digits and `-`.
pub fn tag_name(name: &str) -> Verdict {
    match name.chars().next() {
        None => return Err("it is empty".to_string()),
        Some(c) if !c.is_ascii_alphabetic() => {
            return Err("it does not start with a letter".to_string())
        }
        Some(_) => {}
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(format!(
            "{} is not allowed: only letters, digits and `-`",
            describe(c)
        ));
    }
    Ok(())
}

/// An Ansible group name: a letter or `_`, then letters, digits and `_` (Ansible warns about any
/// other character, and a strict inventory check fails on the warning), short enough for its
/// `group_vars` file.
pub fn ansible_group(name: &str) -> Verdict {
    identifier(name, false)?;
    file_name(name)
}

/// A role name as ansible-lint's `role-name` rule wants it: a lowercase letter, then lowercase
/// letters, digits and `_`.
pub fn ansible_role(name: &str) -> Verdict {
    identifier(name, true)?;
    if name.starts_with('_') {
        return Err("it starts with `_`".to_string());
    }
    file_name(name)
}

/// An Ansible variable name as ansible-lint's `var-naming` rule wants it: lowercase letters,
/// digits and `_`, not starting with a digit, and not a Python keyword, a name Ansible reserves
/// for play keywords, or one of its read-only special variables.
pub fn ansible_variable(name: &str) -> Verdict {
    identifier(name, true)?;
    if PYTHON_KEYWORDS.contains(&name) {
        return Err("it is a Python keyword".to_string());
    }
    if RESERVED.contains(&name) {
        return Err("Ansible reserves it (a play or task keyword)".to_string());
    }
    if READ_ONLY.contains(&name) {
        return Err("it is one of Ansible's read-only special variables".to_string());
    }
    Ok(())
}

/// A letter or `_`, then letters, digits and `_`; only lowercase ones when `lowercase`.
fn identifier(name: &str, lowercase: bool) -> Verdict {
    let letter =
        |c: char| c == '_' || c.is_ascii_lowercase() || (!lowercase && c.is_ascii_uppercase());
    match name.chars().next() {
        None => return Err("it is empty".to_string()),
        Some(c) if c.is_ascii_digit() => return Err("it starts with a digit".to_string()),
        Some(_) => {}
    }
    if let Some(c) = name.chars().find(|c| !(letter(*c) || c.is_ascii_digit())) {
        let allowed = if lowercase {
            "only lowercase letters, digits and `_`"
        } else {
            "only letters, digits and `_`"
        };
        return Err(format!("{} is not allowed: {allowed}", describe(c)));
    }
    Ok(())
}

/// A DNS-1123 label close to a name, for a suggestion: lowercase, `_` and other characters as
/// `-`, no `-` at the ends, at most 63 characters; `None` when nothing is left or it is the same.
pub fn dns_label_like(name: &str) -> Option<String> {
    let mapped: String = name
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut out = String::new();
    for c in mapped.trim_matches('-').chars() {
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    let out: String = out.chars().take(LABEL_MAX).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() || out == name {
        return None;
    }
    Some(out)
}

/// An identifier close to a name, for a suggestion: `-` and other characters as `_`, lowercase
/// when `lowercase`; `None` when it is the same or does not start well.
pub fn identifier_like(name: &str, lowercase: bool) -> Option<String> {
    let out: String = name
        .chars()
        .map(|c| {
            let c = if lowercase { c.to_ascii_lowercase() } else { c };
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out == name || out.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(out)
}

/// A character for messages: `` `_` ``, `a space`, `an uppercase letter (`A`)`.
fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        c if c.is_ascii_uppercase() => format!("an uppercase letter (`{c}`)"),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(dns_label("miniflux").is_ok());
        assert!(dns_label("k8s-api-2").is_ok());
        assert!(dns_label("9lives").is_ok());
        assert!(dns_label(&"a".repeat(63)).is_ok());
        assert!(dns_label(&"a".repeat(64)).is_err());
        assert!(dns_label("").is_err());
        assert!(dns_label("My_App").is_err());
        assert!(dns_label("my_app").is_err());
        assert!(dns_label("-app").is_err());
        assert!(dns_label("app-").is_err());
        assert!(dns_label("a.b").is_err());
    }

    #[test]
    fn suggestions() {
        assert_eq!(dns_label_like("My_App"), Some("my-app".to_string()));
        assert_eq!(dns_label_like("_db__x_"), Some("db-x".to_string()));
        assert_eq!(dns_label_like("ok"), None);
        assert_eq!(dns_label_like("___"), None);
        assert_eq!(dns_label_like(&"a".repeat(70)), Some("a".repeat(63)));
        assert_eq!(
            identifier_like("web-servers", false),
            Some("web_servers".to_string())
        );
        assert_eq!(
            identifier_like("Bad-Var", true),
            Some("bad_var".to_string())
        );
        assert_eq!(identifier_like("ok", true), None);
    }

    #[test]
    fn dns_subdomains() {
        assert!(dns_subdomain("miniflux-db").is_ok());
        assert!(dns_subdomain("db.example").is_ok());
        assert!(dns_subdomain("-db").is_err());
        assert!(dns_subdomain("db..x").is_err());
        assert!(dns_subdomain("Db").is_err());
        assert!(dns_subdomain(&"a".repeat(254)).is_err());
    }

    #[test]
    fn port_names() {
        assert!(port_name("http").is_ok());
        assert!(port_name("http-metrics").is_ok());
        assert!(port_name("h2c").is_ok());
        assert!(port_name("very-long-port-n").is_err());
        assert!(port_name("HTTP").is_err());
        assert!(port_name("web_ui").is_err());
        assert!(port_name("8080").is_err());
        assert!(port_name("a--b").is_err());
        assert!(port_name("-a").is_err());
        assert!(port_name("").is_err());
    }

    #[test]
    fn qualified_names_and_label_values() {
        assert!(qualified_name("app.kubernetes.io/name").is_ok());
        assert!(qualified_name("tier").is_ok());
        assert!(qualified_name("Tier_1.x").is_ok());
        assert!(qualified_name("bad key").is_err());
        assert!(qualified_name("Example.com/x").is_err());
        assert!(qualified_name("example.com/").is_err());
        assert!(qualified_name("/x").is_err());
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2_beta-3").is_ok());
        assert!(label_value("-v").is_err());
        assert!(label_value("a b").is_err());
        assert!(label_value(&"v".repeat(64)).is_err());
    }

    #[test]
    fn secret_keys_and_resources() {
        assert!(secret_key("admin-password").is_ok());
        assert!(secret_key("tls.crt").is_ok());
        assert!(secret_key("admin password").is_err());
        assert!(secret_key("").is_err());
        assert!(secret_key("..").is_err());
        assert!(resource_name("cpu").is_ok());
        assert!(resource_name("hugepages-2Mi").is_ok());
        assert!(resource_name("nvidia.com/gpu").is_ok());
        assert!(resource_name("memroy").is_err());
        assert!(resource_name("kubernetes.io/x").is_err());
    }

    #[test]
    fn tailnet_and_ansible_names() {
        assert!(tag_name("k8s-api").is_ok());
        assert!(tag_name("Web").is_ok());
        assert!(tag_name("my_tag").is_err());
        assert!(tag_name("9x").is_err());
        assert!(ansible_group("web_servers").is_ok());
        assert!(ansible_group("Servers").is_ok());
        assert!(ansible_group("web-servers").is_err());
        assert!(ansible_group("1x").is_err());
        assert!(ansible_role("caddy_proxy").is_ok());
        assert!(ansible_role("my-role").is_err());
        assert!(ansible_role("Caddy").is_err());
        assert!(ansible_role("_caddy").is_err());
        assert!(ansible_role(&"r".repeat(201)).is_err());
        assert!(ansible_group(&"g".repeat(200)).is_ok());
        assert!(ansible_group(&"g".repeat(201)).is_err());
        assert!(tailnet_domain("tail1234.ts.net").is_ok());
        assert!(tailnet_domain("").is_err());
        assert!(tailnet_domain("home").is_err());
        assert!(tailnet_domain("Tail.ts.net").is_err());
        assert!(login("alice@example.com").is_ok());
        assert!(login("alice@github").is_ok());
        assert!(login("").is_err());
        assert!(login("alice").is_err());
        assert!(login("@example.com").is_err());
        assert!(ansible_variable("caddy_domain").is_ok());
        assert!(ansible_variable("_private").is_ok());
        assert!(ansible_variable("bad-var").is_err());
        assert!(ansible_variable("Upper").is_err());
        assert!(ansible_variable("port").is_err());
        assert!(ansible_variable("class").is_err());
        assert!(ansible_variable("hostvars").is_err());
    }
}
