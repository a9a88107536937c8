//! The assertions of a policy's ACL tests, and what its grants open to members.

use serde_json::Value;

/// One assertion of an ACL test: a source, a destination `tag:x:port`, and whether it must be
/// accepted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Assertion {
    /// The source, as the policy writes it.
    pub src: String,
    /// The destination, `tag:x:port`.
    pub dst: String,
    /// Whether the connection must be allowed (`accept`) or refused (`deny`).
    pub accept: bool,
}

/// Every assertion of a policy's `tests`, in order.
pub fn assertions(policy: &Value) -> Vec<Assertion> {
    let mut out = Vec::new();
    for test in policy["tests"].as_array().expect("a policy with tests") {
        let src = test["src"].as_str().expect("a test source").to_string();
        for (field, accept) in [("accept", true), ("deny", false)] {
            for dst in test[field]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                out.push(Assertion {
                    src: src.clone(),
                    dst: dst.as_str().expect("a test destination").to_string(),
                    accept,
                });
            }
        }
    }
    out
}

/// A policy name as `bopsc reach` takes it: `tag:k8s` is `tag.k8s`, a login stays a login.
pub fn reach_name(policy_name: &str) -> String {
    match policy_name.strip_prefix("tag:") {
        Some(tag) => format!("tag.{tag}"),
        None => policy_name.to_string(),
    }
}

/// Splits `tag:x:port` into the destination and the port.
pub fn split_endpoint(endpoint: &str) -> (String, String) {
    let (dst, port) = endpoint
        .rsplit_once(':')
        .unwrap_or_else(|| panic!("{endpoint:?} has no port"));
    (dst.to_string(), port.to_string())
}

/// Whether a grant's `ip` entry (`*`, `443`, `tcp:443`, `tcp:8000-8100`) opens a TCP port.
pub fn opens_tcp(entry: &str, port: u32) -> bool {
    let ports = match entry.split_once(':') {
        Some(("tcp", ports)) => ports,
        Some(_) => return false,
        None => entry,
    };
    if ports == "*" {
        return true;
    }
    let (low, high) = ports.split_once('-').unwrap_or((ports, ports));
    let parse = |p: &str| {
        p.parse::<u32>()
            .unwrap_or_else(|_| panic!("a port: {entry:?}"))
    };
    (parse(low)..=parse(high)).contains(&port)
}

/// Whether the policy's grants to `autogroup:member` let a member reach `tag:x:port`.
pub fn members_reach(policy: &Value, endpoint: &str) -> bool {
    let (dst, port) = split_endpoint(endpoint);
    let port: u32 = port.parse().expect("a numeric port");
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    policy["grants"]
        .as_array()
        .expect("a policy with grants")
        .iter()
        .any(|g| {
            strings(&g["src"]).iter().any(|s| s == "autogroup:member")
                && strings(&g["dst"]).iter().any(|d| *d == dst || d == "*")
                && strings(&g["ip"]).iter().any(|ip| opens_tcp(ip, port))
        })
}
