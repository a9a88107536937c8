//! Lowering the policy's other entries: networks (the `hosts` section), IP sets, services,
//! postures, SSH tests, auto approvers and node attributes.

use super::{data, failed, ip, posture};
use crate::check::schema::Kind;
use crate::check::value::{Record, Value, V};
use crate::check::Checker;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::{AutoApprover, IpSet, Network, NodeAttr, Origin, Posture, SshTest};
use crate::source::Span;

/// An `ipset`.
pub fn ip_set(fields: &Record, origin: Origin, name: String) -> IpSet {
    IpSet {
        add: data::selectors(fields, "add"),
        remove: data::selectors(fields, "remove"),
        origin,
        name,
    }
}

impl Checker<'_> {
    /// A `network`: one address or a CIDR range (`B3028` otherwise); `None` when it is invalid.
    pub fn lower_network(
        &mut self,
        fields: &Record,
        origin: Origin,
        name: String,
    ) -> Option<Network> {
        let value = data::get(fields, "address")?;
        let V::Str(text) = &value.kind else {
            return None;
        };
        let address = match ip::parse(text) {
            Ok(a) if a.shape != ip::Shape::Range => a,
            Ok(_) => {
                self.bad_address(
                    text,
                    "a network is one address or a CIDR range".to_string(),
                    value.span,
                    false,
                );
                return None;
            }
            Err(why) => {
                self.bad_address(text, why, value.span, false);
                return None;
            }
        };
        Some(Network {
            address: address.text,
            origin,
            name,
        })
    }

    /// `B3028` for a malformed network address, or route when `route`.
    fn bad_address(&mut self, text: &str, why: String, span: Span, route: bool) {
        let (what, help) = match route {
            true => (
                "route",
                "a route is a CIDR range: `192.168.1.0/24`, `fd7a:115c:a1e0::/48`",
            ),
            false => (
                "network address",
                "write an IPv4 or IPv6 address (`100.64.0.1`) or a CIDR range (`192.168.1.0/24`)",
            ),
        };
        self.report(
            Diagnostic::error(
                codes::B3028,
                format!("`{text}` is not a valid {what}"),
                span,
            )
            .with_label(why)
            .with_help(help),
        );
    }

    /// A `posture`: each condition checked (`B3030`); the invalid ones are left out.
    pub fn lower_posture(&mut self, fields: &Record, origin: Origin, name: String) -> Posture {
        let mut rules = Vec::new();
        for value in data::list(fields, "rules") {
            let V::Str(text) = &value.kind else {
                continue;
            };
            match posture::condition(text) {
                Ok(()) => rules.push(text.clone()),
                Err(why) => self.report(
                    Diagnostic::error(
                        codes::B3030,
                        format!("`{text}` is not a posture condition"),
                        value.span,
                    )
                    .with_label(why)
                    .with_help("a condition compares a device attribute with a value: `node:os == 'macos'`, `node:tsVersion >= '1.60'`, `node:os IN ['macos', 'linux']`"),
                ),
            }
        }
        let written = data::get(fields, "rules");
        if let Some(empty) =
            written.filter(|v| matches!(&v.kind, V::List(items) if items.is_empty()))
        {
            self.report(
                Diagnostic::error(
                    codes::B3034,
                    format!("posture `{name}` has no conditions"),
                    empty.span,
                )
                .with_label("every device would match it")
                .with_help(
                    "list the conditions a device must meet: `rules = [\"node:os == 'macos'\"]`",
                ),
            );
        }
        Posture {
            rules,
            origin,
            name,
        }
    }

    /// An `ssh_test`; one with no users to test is `B3034`. `None` when its source failed to
    /// check or it tests no user.
    pub fn lower_ssh_test(
        &mut self,
        fields: &Record,
        origin: Origin,
        name: String,
    ) -> Option<SshTest> {
        let src = data::selector(data::get(fields, "src")?)?;
        let users = |field: &str| data::strings(fields, field);
        let (accept, check, deny) = (users("accept"), users("check"), users("deny"));
        let tested = ["accept", "check", "deny"]
            .iter()
            .any(|f| failed(fields, f) || !data::list(fields, f).is_empty());
        if !tested {
            self.report(
                Diagnostic::error(
                    codes::B3034,
                    format!("SSH test `{name}` tests nothing"),
                    origin.span,
                )
                .with_label("no `accept`, `check` or `deny` users")
                .with_help("list the login users the source may use without a check (`accept`), after a check (`check`), and not at all (`deny`)"),
            );
        }
        for field in ["accept", "check", "deny"] {
            for value in data::list(fields, field) {
                self.check_login(value);
            }
        }
        if accept.is_empty() && check.is_empty() && deny.is_empty() {
            return None;
        }
        Some(SshTest {
            src,
            dst: data::selectors(fields, "dst"),
            accept,
            check,
            deny,
            origin,
            name,
        })
    }

    /// `B2006` for an SSH test user that is empty or holds white space.
    fn check_login(&mut self, value: &Value) {
        let V::Str(user) = &value.kind else {
            return;
        };
        if !user.is_empty() && !user.chars().any(char::is_whitespace) {
            return;
        }
        self.report(
            Diagnostic::error(
                codes::B2006,
                format!("invalid value `\"{user}\"`"),
                value.span,
            )
            .with_label("not a login user")
            .with_help("an SSH test names the accounts on the destination: `root`, `ubuntu`"),
        );
    }

    /// An `autoapprover`: routes checked as CIDR ranges (`B3028`); one that approves nothing is
    /// `B3034`, and is left out (`None`) like one whose routes all failed to check.
    pub fn lower_auto_approver(
        &mut self,
        fields: &Record,
        origin: Origin,
        name: String,
    ) -> Option<AutoApprover> {
        let mut routes = Vec::new();
        for value in data::list(fields, "routes") {
            let route = match &value.kind {
                V::Str(text) | V::Ip(text) => text.clone(),
                V::Entity(Kind::Network, network) => match self.network_address(network, value) {
                    Some(address) => address,
                    None => continue,
                },
                _ => continue,
            };
            match ip::parse(&route) {
                Ok(a) if a.shape == ip::Shape::Cidr => routes.push(a.text),
                Ok(a) => {
                    let why = match a.shape {
                        ip::Shape::Range => {
                            "an address range is not a route; write it as CIDR ranges"
                        }
                        _ => "one address is the route `/32` (IPv4) or `/128` (IPv6)",
                    };
                    self.bad_address(&route, why.to_string(), value.span, true);
                }
                Err(why) => self.bad_address(&route, why, value.span, true),
            }
        }
        let exit_node = data::boolean(fields, "exit_node", false);
        let services = data::selectors(fields, "services");
        let approves = exit_node
            || !routes.is_empty()
            || !services.is_empty()
            || failed(fields, "routes")
            || failed(fields, "services");
        if !approves {
            self.report(
                Diagnostic::error(
                    codes::B3034,
                    format!("auto approver `{name}` approves nothing"),
                    origin.span,
                )
                .with_label("no `routes`, no `exit_node` and no `services`")
                .with_help("say what it approves: `routes = [\"10.0.0.0/24\"]`, `exit_node = true` or `services = [service.web]`"),
            );
        }
        if !exit_node && routes.is_empty() && services.is_empty() {
            return None;
        }
        Some(AutoApprover {
            routes,
            exit_node,
            services,
            approvers: data::selectors(fields, "by"),
            origin,
            name,
        })
    }

    /// The address of a network, for a route; `None` when it is invalid (already reported).
    fn network_address(&mut self, network: &str, at: &Value) -> Option<String> {
        let index = self
            .entity_index
            .get(&(Kind::Network, network.to_string()))
            .copied()?;
        let entity = self.entity_fields(index, at.span)?;
        let text = crate::check::entity::string_field(&entity.fields, "address")?;
        ip::parse(text).ok().map(|a| a.text)
    }

    /// A `nodeattr`; one that sets nothing is `B3034`, and is left out (`None`) like one whose
    /// attributes and capabilities all failed to check.
    pub fn lower_node_attr(
        &mut self,
        fields: &Record,
        origin: Origin,
        name: String,
    ) -> Option<NodeAttr> {
        let app = self.capabilities(fields);
        let mut attr = Vec::new();
        for value in data::list(fields, "attr") {
            let V::Str(text) = &value.kind else {
                continue;
            };
            if text.is_empty() || text.chars().any(char::is_whitespace) {
                self.report(
                    Diagnostic::error(
                        codes::B2006,
                        format!("invalid value `\"{text}\"`"),
                        value.span,
                    )
                    .with_label("not a node attribute")
                    .with_help(
                        "node attributes are words such as `funnel`, `mullvad`, `nextdns:abc123`",
                    ),
                );
                continue;
            }
            attr.push(text.clone());
        }
        let sets = !attr.is_empty()
            || !app.is_empty()
            || failed(fields, "attr")
            || failed(fields, "app")
            || data::map(fields, "app").is_some_and(|m| !m.is_empty());
        if !sets {
            self.report(
                Diagnostic::error(
                    codes::B3034,
                    format!("node attribute entry `{name}` sets nothing"),
                    origin.span,
                )
                .with_label("no `attr` and no `app`")
                .with_help("list the attributes (`attr = [\"funnel\"]`) or the capabilities (`app = { ... }`) its targets get"),
            );
        }
        if attr.is_empty() && app.is_empty() {
            return None;
        }
        Some(NodeAttr {
            target: data::selectors(fields, "target"),
            attr,
            app,
            origin,
            name,
        })
    }
}
