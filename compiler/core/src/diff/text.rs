//! Short renderings for the summary: selectors and ports as the policy writes them, data as
//! compact JSON-like text, and the differences between two values or two lists.

use indexmap::IndexMap;

use crate::model::{Data, PortRange, PortSpec, Principal, Selector};

/// A value rendered longer than this is summarised (`+1 item`) rather than shown whole.
const SHORT: usize = 48;

/// How the policy writes a principal; users by their declaration name (`user:alice`).
pub fn principal(principal: &Principal) -> String {
    match principal {
        Principal::Any => "*".to_string(),
        Principal::User(name) => format!("user:{name}"),
        Principal::UsersAt(domain) => format!("user:*@{domain}"),
        Principal::Group(name) => format!("group:{name}"),
        Principal::Tag(name) => format!("tag:{name}"),
        Principal::Autogroup(name) => format!("autogroup:{name}"),
        Principal::Host(name) | Principal::Network(name) | Principal::Ip(name) => name.clone(),
        Principal::IpSet(name) => format!("ipset:{name}"),
        Principal::Service(name) => format!("svc:{name}"),
    }
}

/// Each selector as the policy writes it.
pub fn selectors(list: &[Selector]) -> Vec<String> {
    list.iter().map(|s| principal(&s.principal)).collect()
}

/// Ports as the policy writes them: `443`, `1000-2000`, `*`.
pub fn ports(range: PortRange) -> String {
    match range {
        PortRange::Any => "*".to_string(),
        PortRange::One(port) => port.to_string(),
        PortRange::Range(low, high) => format!("{low}-{high}"),
    }
}

/// A grant's `ip` entry as the policy writes it: `tcp:443`, `443`, `*`.
pub fn port_spec(spec: &PortSpec) -> String {
    match spec.proto {
        None => ports(spec.ports),
        Some(proto) if spec.ports == PortRange::Any && !proto.has_ports() => proto.name(),
        Some(proto) => format!("{}:{}", proto.name(), ports(spec.ports)),
    }
}

/// Data as compact JSON-like text; a secret as its reference, `secret.NAME.KEY`.
pub fn data(value: &Data) -> String {
    match value {
        Data::Null => "null".to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Int(n) => n.to_string(),
        Data::Str(s) => quoted(s),
        Data::List(items) => format!(
            "[{}]",
            items.iter().map(data).collect::<Vec<_>>().join(", ")
        ),
        Data::Map(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}: {}", data(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Data::Secret(reference) => format!("secret.{}.{}", reference.secret, reference.key),
        Data::SecretText(parts) => crate::model::TextPart::describe(parts),
    }
}

/// A string in double quotes, with quotes, backslashes and control characters escaped.
pub fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// Appends `LABEL old → new` when the two differ.
pub fn push_change(out: &mut Vec<String>, label: &str, old: &str, new: &str) {
    if old != new {
        out.push(format!("{label} {old} → {new}"));
    }
}

/// Appends `LABEL old → new` for two values that differ, shown whole when short, otherwise as
/// items or keys added, removed and changed.
pub fn push_data_change(out: &mut Vec<String>, label: &str, old: &Data, new: &Data) {
    if old == new {
        return;
    }
    let (a, b) = (data(old), data(new));
    if a.chars().count() <= SHORT && b.chars().count() <= SHORT {
        out.push(format!("{label} {a} → {b}"));
        return;
    }
    match (old, new) {
        (Data::List(a), Data::List(b)) => {
            let added = b.iter().filter(|item| !a.contains(item)).count();
            let removed = a.iter().filter(|item| !b.contains(item)).count();
            let mut parts = Vec::new();
            if added > 0 {
                parts.push(format!("+{}", items(added)));
            }
            if removed > 0 {
                parts.push(format!("-{}", items(removed)));
            }
            if parts.is_empty() {
                parts.push("items reordered".to_string());
            }
            out.push(format!("{label} {}", parts.join(" ")));
        }
        (Data::Map(a), Data::Map(b)) => {
            let keys = map_keys(a, b);
            out.push(format!("{label} {keys}"));
        }
        _ => out.push(format!("{label} changed")),
    }
}

/// `1 item`, `2 items`.
fn items(count: usize) -> String {
    if count == 1 {
        "1 item".to_string()
    } else {
        format!("{count} items")
    }
}

/// `+key -key ~key`: the keys of two maps added, removed and changed.
pub fn map_keys<V: PartialEq>(old: &IndexMap<String, V>, new: &IndexMap<String, V>) -> String {
    let mut parts = Vec::new();
    for (key, value) in new {
        match old.get(key) {
            None => parts.push(format!("+{key}")),
            Some(before) if before != value => parts.push(format!("~{key}")),
            Some(_) => {}
        }
    }
    for key in old.keys() {
        if !new.contains_key(key) {
            parts.push(format!("-{key}"));
        }
    }
    if parts.is_empty() {
        "reordered".to_string()
    } else {
        parts.join(" ")
    }
}

/// Appends `LABEL +key -key ~key` when two maps differ (each changed value shown when short).
pub fn push_map_change(
    out: &mut Vec<String>,
    label: &str,
    old: &IndexMap<String, Data>,
    new: &IndexMap<String, Data>,
) {
    if old == new {
        return;
    }
    let mut parts = Vec::new();
    for (key, value) in new {
        match old.get(key) {
            None => parts.push(format!("+{key}")),
            Some(before) if before != value => {
                let mut change = Vec::new();
                push_data_change(&mut change, key, before, value);
                parts.extend(change);
            }
            Some(_) => {}
        }
    }
    for key in old.keys() {
        if !new.contains_key(key) {
            parts.push(format!("-{key}"));
        }
    }
    if parts.is_empty() {
        parts.push("reordered".to_string());
    }
    out.push(format!("{label} {}", parts.join(", ")));
}

/// Appends `LABEL +a -b` for the items of two lists added and removed, or `LABEL reordered` when
/// only their order changed (order means something in a role list or a task list).
pub fn push_list_change(out: &mut Vec<String>, label: &str, old: &[String], new: &[String]) {
    if old == new {
        return;
    }
    let mut parts: Vec<String> = new
        .iter()
        .filter(|item| !old.contains(item))
        .map(|item| format!("+{item}"))
        .collect();
    parts.extend(
        old.iter()
            .filter(|item| !new.contains(item))
            .map(|item| format!("-{item}")),
    );
    if parts.is_empty() {
        parts.push("reordered".to_string());
    }
    out.push(format!("{label} {}", parts.join(" ")));
}

/// A list joined with `, `, or `none`.
pub fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// An optional value as text, `none` when absent.
pub fn optional<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]

    use indexmap::IndexMap;

    use super::{push_data_change, push_list_change};
    use crate::model::Data;

    #[test]
    fn short_values_are_shown_and_long_lists_counted() {
        let mut out = Vec::new();
        push_data_change(&mut out, "port", &Data::Int(80), &Data::Int(8080));
        assert_eq!(out, ["port 80 → 8080"]);

        let route = |n: i64| {
            let mut map = IndexMap::new();
            map.insert("host".to_string(), Data::Str(format!("app{n}.example.com")));
            map.insert("port".to_string(), Data::Int(8000 + n));
            Data::Map(map)
        };
        let old = Data::List(vec![route(1), route(2)]);
        let new = Data::List(vec![route(1), route(2), route(3)]);
        let mut out = Vec::new();
        push_data_change(&mut out, "caddy_routes", &old, &new);
        assert_eq!(out, ["caddy_routes +1 item"]);
    }

    #[test]
    fn lists_say_what_was_added_removed_or_reordered() {
        let s = |items: &[&str]| items.iter().map(|i| i.to_string()).collect::<Vec<_>>();
        let mut out = Vec::new();
        push_list_change(
            &mut out,
            "dst",
            &s(&["tag:a", "tag:b"]),
            &s(&["tag:b", "tag:c"]),
        );
        push_list_change(&mut out, "roles", &s(&["a", "b"]), &s(&["b", "a"]));
        push_list_change(&mut out, "same", &s(&["a"]), &s(&["a"]));
        assert_eq!(out, ["dst +tag:c -tag:a", "roles reordered"]);
    }
}
