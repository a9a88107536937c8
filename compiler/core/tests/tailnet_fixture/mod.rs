//! A hand-built model of a small tailnet, shared by the Pulumi emitter and the rules tests.
//!
//! The checker is not involved: the model is written out entity by entity. So that diagnostics
//! can be rendered and read, every entity's span points into a `.bops`-like source text kept in a
//! [`SourceMap`]: a span is found by searching the text for a snippet.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use bops_core::model::{
    AclTest, App, AppPort, Container, Endpoint, Exposure, Grant, Group, Host, Image, Model, Origin,
    PortRange, PortSpec, Principal, Project, Selector, SshAction, SshRule, Tag, Tailnet, User,
};
use bops_core::source::Origin as SourceOrigin;
use bops_core::{FileId, SourceMap, Span};
use indexmap::IndexMap;

/// Source texts and the spans found in them.
pub struct Sources {
    /// The files.
    pub map: SourceMap,
}

impl Sources {
    /// An empty set of files.
    pub fn new() -> Sources {
        Sources {
            map: SourceMap::new(),
        }
    }

    /// Adds a file.
    pub fn add(&mut self, path: &str, text: &str) -> FileId {
        self.map.add(path, text, SourceOrigin::Project)
    }

    /// The span of the first occurrence of `needle` in a file.
    pub fn span(&self, file: FileId, needle: &str) -> Span {
        self.nth(file, needle, 0)
    }

    /// The span of the `n`th (from 0) occurrence of `needle` in a file.
    pub fn nth(&self, file: FileId, needle: &str, n: usize) -> Span {
        let text = &self.map.get(file).expect("file").text;
        let (start, _) = text
            .match_indices(needle)
            .nth(n)
            .unwrap_or_else(|| panic!("`{needle}` (occurrence {n}) not in the source"));
        Span::new(file, start..start + needle.len())
    }

    /// The origin of the declaration `kind name` (with `doc`) in a file.
    pub fn origin(&self, file: FileId, kind: &str, name: &str, doc: Option<&str>) -> Origin {
        let decl = format!("{kind} {name}");
        let found = self.span(file, &format!("{decl} "));
        Origin {
            span: Span::new(
                file,
                found.start as usize..found.start as usize + decl.len(),
            ),
            file: self.map.path(file).to_string(),
            decl,
            doc: doc.map(str::to_string),
        }
    }

    /// The span of the `n`th occurrence of `context`, cut before the first of the `stops`: the
    /// context locates a token, the span covers only the token.
    pub fn token(&self, file: FileId, context: &str, n: usize, stops: &[char]) -> Span {
        let whole = self.nth(file, context, n);
        let len = context.find(stops).unwrap_or(context.len());
        Span::new(file, whole.start as usize..whole.start as usize + len)
    }

    /// A selector: the first word of `context` in a file.
    pub fn sel(&self, file: FileId, context: &str, principal: Principal) -> Selector {
        self.sel_nth(file, context, 0, principal)
    }

    /// A selector: the first word of the `n`th occurrence of `context` in a file.
    pub fn sel_nth(&self, file: FileId, context: &str, n: usize, principal: Principal) -> Selector {
        Selector {
            principal,
            span: self.token(file, context, n, &[']', ',', ' ', '\n']),
        }
    }
}

/// `tag:name`.
pub fn tag(name: &str) -> Principal {
    Principal::Tag(name.to_string())
}

/// `autogroup:name`.
pub fn autogroup(name: &str) -> Principal {
    Principal::Autogroup(name.to_string())
}

/// A port spec: the `n`th occurrence of `context` in a file, up to a `]`.
pub fn port(
    src: &Sources,
    file: FileId,
    context: &str,
    n: usize,
    proto: Option<bops_core::model::Proto>,
    ports: PortRange,
) -> PortSpec {
    PortSpec {
        proto,
        ports,
        span: src.token(file, context, n, &[']']),
    }
}

pub const TAILNET_BOPS: &str = r#"//! The tailnet: people, tags and who may reach what.

/// The home tailnet.
tailnet home { domain = "tail1234.ts.net" }

/// Runs the homelab.
user alice { email = "alice@example.com", admin = true }
user bob { email = "bob@example.com" }

/// Everyone who uses the apps.
group family { members = [user.alice, user.bob] }

/// Everything this project manages; owns the service tags.
tag managed { owners = [autogroup.admin, tag.managed] }
/// Servers that Ansible configures.
tag server { owners = [autogroup.admin, tag.managed] }
tag nas { owners = [autogroup.admin, tag.managed] }
/// Pods of the Kubernetes operator.
tag k8s { owners = [autogroup.admin, tag.managed] }
/// The feed reader.
tag feed { owners = [autogroup.admin, tag.k8s] }
tag dashboards { owners = [group.family, tag.k8s] }
tag dns { owners = [user.alice] }

/// Admins reach everything.
grant admins_all { src = [autogroup.admin], dst = [any], ip = [any] }
/// The family reads feeds over HTTPS.
grant family_feed { src = [group.family], dst = [tag.feed], ip = [tcp(443)] }
grant servers_mesh { src = [tag.server], dst = [tag.server, host.nas], ip = [any] }
/// Name resolution for everyone.
grant dns { src = [any], dst = [tag.dns], ip = [udp(53), 53] }
grant metrics { src = [tag.k8s], dst = [tag.server], ip = [tcp(8000, 8100)] }
grant bob_dashboards { src = [user.bob], dst = [tag.dashboards], ip = [443] }

ssh own_devices {
  action = "check"
  src = [autogroup.member]
  dst = [autogroup.self]
  users = [autogroup.nonroot]
}
/// Ansible connects this way.
/// Re-authenticate twice a day.
ssh admins_to_servers {
  action = "check"
  src = [autogroup.admin]
  dst = [tag.server, host.nas]
  users = [autogroup.nonroot, "root"]
  check_period = 12h
}
ssh server_mesh { action = "accept", src = [tag.server], dst = [tag.server], users = [autogroup.nonroot] }

test alice_everything { src = user.alice, accept = [tag.feed @ 443, tag.server @ 22, host.nas @ 445] }
/// Bob uses the apps and nothing else.
test bob_apps { src = user.bob, accept = [tag.feed @ 443], deny = [tag.server @ 22, host.nas @ 445] }
test servers { src = host.atlas, accept = [tag.nas @ 445] }
test family { src = group.family, accept = [tag.feed @ 443] }
"#;

pub const HOSTS_BOPS: &str = r#"/// Reverse proxy and the Kubernetes control plane.
host atlas { tags = [tag.server, tag.managed] }
/// The "NAS": storage and backups.
host nas { device = "vault", tags = [tag.nas, tag.managed] }
host k8s-node { tags = [tag.k8s, tag.server] }
/// Tagged by its auth key when it joined; Pulumi leaves it alone.
host pi { device = "pi-hole", tags = [tag.dns], manage_tags = false }
/// Alice's laptop, owned by her user.
host laptop { manage_tags = false }
"#;

pub const APPS_BOPS: &str = r#"cluster main {}

/// RSS reader.
app miniflux on cluster.main {
  ports = { http = 8080 }
  expose = { hostname = "feed", port = 8080, tags = [tag.feed] }
}
app grafana on cluster.main {
  ports = { http = 3000 }
  expose = { hostname = "dashboards", port = 3000, tags = [tag.dashboards] }
}
"#;

/// The fixture's files and model.
pub struct Fixture {
    /// The files.
    pub src: Sources,
    /// `tailnet.bops`.
    pub tailnet_file: FileId,
    /// `hosts.bops`.
    pub hosts_file: FileId,
    /// `apps.bops`.
    pub apps_file: FileId,
    /// The model.
    pub model: Model,
}

/// The fixture: a tailnet with two users, a group, seven tags, grants, SSH rules, tests, five
/// hosts and two exposed apps.
pub fn fixture() -> Fixture {
    use bops_core::model::Proto::{Tcp, Udp};

    let mut src = Sources::new();
    let apps_file = src.add("apps.bops", APPS_BOPS);
    let hosts_file = src.add("hosts.bops", HOSTS_BOPS);
    let t = src.add("tailnet.bops", TAILNET_BOPS);
    let s = &src;

    let tailnet = Tailnet {
        replace_existing_policy: true,
        options: Default::default(),
        origin: s.origin(t, "tailnet", "home", Some("The home tailnet.")),
        name: "home".to_string(),
        domain: "tail1234.ts.net".to_string(),
    };
    let users = vec![
        User {
            origin: s.origin(t, "user", "alice", Some("Runs the homelab.")),
            name: "alice".to_string(),
            email: "alice@example.com".to_string(),
            admin: true,
        },
        User {
            origin: s.origin(t, "user", "bob", None),
            name: "bob".to_string(),
            email: "bob@example.com".to_string(),
            admin: false,
        },
    ];
    let groups = vec![Group {
        origin: s.origin(t, "group", "family", Some("Everyone who uses the apps.")),
        name: "family".to_string(),
        members: vec!["alice".to_string(), "bob".to_string()],
    }];
    let mk_tag = |name: &str, doc: Option<&str>, owners: Vec<(&str, Principal)>| {
        let decl_span = s.span(t, &format!("tag {name} "));
        let text = &s.map.get(t).unwrap().text;
        let line_end =
            text[decl_span.start as usize..].find('\n').unwrap() + decl_span.start as usize;
        let owners = owners
            .into_iter()
            .map(|(snippet, p)| {
                let start = text[decl_span.start as usize..line_end]
                    .find(snippet)
                    .unwrap()
                    + decl_span.start as usize;
                Selector {
                    principal: p,
                    span: Span::new(t, start..start + snippet.len()),
                }
            })
            .collect();
        Tag {
            origin: s.origin(t, "tag", name, doc),
            name: name.to_string(),
            owners,
        }
    };
    let admin_owner = || ("autogroup.admin", autogroup("admin"));
    let tags = vec![
        mk_tag(
            "managed",
            Some("Everything this project manages; owns the service tags."),
            vec![admin_owner(), ("tag.managed", tag("managed"))],
        ),
        mk_tag(
            "server",
            Some("Servers that Ansible configures."),
            vec![admin_owner(), ("tag.managed", tag("managed"))],
        ),
        mk_tag(
            "nas",
            None,
            vec![admin_owner(), ("tag.managed", tag("managed"))],
        ),
        mk_tag(
            "k8s",
            Some("Pods of the Kubernetes operator."),
            vec![admin_owner(), ("tag.managed", tag("managed"))],
        ),
        mk_tag(
            "feed",
            Some("The feed reader."),
            vec![admin_owner(), ("tag.k8s", tag("k8s"))],
        ),
        mk_tag(
            "dashboards",
            None,
            vec![
                ("group.family", Principal::Group("family".to_string())),
                ("tag.k8s", tag("k8s")),
            ],
        ),
        mk_tag(
            "dns",
            None,
            vec![("user.alice", Principal::User("alice".to_string()))],
        ),
    ];

    let grants = vec![
        Grant {
            app: Default::default(),
            src_posture: Vec::new(),
            via: Vec::new(),
            origin: s.origin(t, "grant", "admins_all", Some("Admins reach everything.")),
            name: "admins_all".to_string(),
            src: vec![s.sel(t, "autogroup.admin], dst = [any]", autogroup("admin"))],
            dst: vec![s.sel(t, "any], ip = [any]", Principal::Any)],
            ip: vec![port(s, t, "any] }", 0, None, PortRange::Any)],
        },
        Grant {
            app: Default::default(),
            src_posture: Vec::new(),
            via: Vec::new(),
            origin: s.origin(
                t,
                "grant",
                "family_feed",
                Some("The family reads feeds over HTTPS."),
            ),
            name: "family_feed".to_string(),
            src: vec![s.sel_nth(t, "group.family", 1, Principal::Group("family".to_string()))],
            dst: vec![s.sel(t, "tag.feed], ip", tag("feed"))],
            ip: vec![port(s, t, "tcp(443)", 0, Some(Tcp), PortRange::One(443))],
        },
        Grant {
            app: Default::default(),
            src_posture: Vec::new(),
            via: Vec::new(),
            origin: s.origin(t, "grant", "servers_mesh", None),
            name: "servers_mesh".to_string(),
            src: vec![s.sel(
                t,
                "tag.server], dst = [tag.server, host.nas], ip",
                tag("server"),
            )],
            dst: vec![
                s.sel(t, "tag.server, host.nas], ip", tag("server")),
                s.sel(t, "host.nas], ip", Principal::Host("nas".to_string())),
            ],
            ip: vec![],
        },
        Grant {
            app: Default::default(),
            src_posture: Vec::new(),
            via: Vec::new(),
            origin: s.origin(t, "grant", "dns", Some("Name resolution for everyone.")),
            name: "dns".to_string(),
            src: vec![s.sel(t, "any], dst = [tag.dns]", Principal::Any)],
            dst: vec![s.sel(t, "tag.dns]", tag("dns"))],
            ip: vec![
                port(s, t, "udp(53)", 0, Some(Udp), PortRange::One(53)),
                port(s, t, "53]", 0, None, PortRange::One(53)),
            ],
        },
        Grant {
            app: Default::default(),
            src_posture: Vec::new(),
            via: Vec::new(),
            origin: s.origin(t, "grant", "metrics", None),
            name: "metrics".to_string(),
            src: vec![s.sel(t, "tag.k8s], dst = [tag.server]", tag("k8s"))],
            dst: vec![s.sel(t, "tag.server], ip = [tcp(8000", tag("server"))],
            ip: vec![port(
                s,
                t,
                "tcp(8000, 8100)",
                0,
                Some(Tcp),
                PortRange::Range(8000, 8100),
            )],
        },
        Grant {
            app: Default::default(),
            src_posture: Vec::new(),
            via: Vec::new(),
            origin: s.origin(t, "grant", "bob_dashboards", None),
            name: "bob_dashboards".to_string(),
            src: vec![s.sel(t, "user.bob], dst", Principal::User("bob".to_string()))],
            dst: vec![s.sel(t, "tag.dashboards], ip", tag("dashboards"))],
            ip: vec![port(s, t, "443] }", 0, None, PortRange::One(443))],
        },
    ];

    let ssh_rules = vec![
        SshRule {
            accept_env: Vec::new(),
            src_posture: Vec::new(),
            origin: s.origin(t, "ssh", "own_devices", None),
            name: "own_devices".to_string(),
            action: SshAction::Check,
            src: vec![s.sel(t, "autogroup.member", autogroup("member"))],
            dst: vec![s.sel(t, "autogroup.self", autogroup("self"))],
            users: vec!["autogroup:nonroot".to_string()],
            check_period: None,
        },
        SshRule {
            accept_env: Vec::new(),
            src_posture: Vec::new(),
            origin: s.origin(
                t,
                "ssh",
                "admins_to_servers",
                Some("Ansible connects this way.\nRe-authenticate twice a day."),
            ),
            name: "admins_to_servers".to_string(),
            action: SshAction::Check,
            src: vec![s.sel_nth(t, "autogroup.admin]\n", 0, autogroup("admin"))],
            dst: vec![
                s.sel(t, "tag.server, host.nas]\n", tag("server")),
                s.sel(t, "host.nas]\n", Principal::Host("nas".to_string())),
            ],
            users: vec!["autogroup:nonroot".to_string(), "root".to_string()],
            check_period: Some(bops_core::model::CheckPeriod::Seconds(12 * 3600)),
        },
        SshRule {
            accept_env: Vec::new(),
            src_posture: Vec::new(),
            origin: s.origin(t, "ssh", "server_mesh", None),
            name: "server_mesh".to_string(),
            action: SshAction::Accept,
            src: vec![s.sel(t, "tag.server], dst = [tag.server], users", tag("server"))],
            dst: vec![s.sel(t, "tag.server], users", tag("server"))],
            users: vec!["autogroup:nonroot".to_string()],
            check_period: None,
        },
    ];

    let endpoint_nth = |snippet: &str, n: usize, target: Principal, port: u16| Endpoint {
        target,
        port,
        span: s.token(t, snippet, n, &[',', ']']),
    };
    let endpoint =
        |snippet: &str, target: Principal, port: u16| endpoint_nth(snippet, 0, target, port);
    let acl_tests = vec![
        AclTest {
            proto: None,
            origin: s.origin(t, "test", "alice_everything", None),
            name: "alice_everything".to_string(),
            src: s.sel(
                t,
                "user.alice, accept",
                Principal::User("alice".to_string()),
            ),
            accept: vec![
                endpoint("tag.feed @ 443, tag.server", tag("feed"), 443),
                endpoint("tag.server @ 22, host.nas", tag("server"), 22),
                endpoint("host.nas @ 445] }", Principal::Host("nas".to_string()), 445),
            ],
            deny: vec![],
        },
        AclTest {
            proto: None,
            origin: s.origin(
                t,
                "test",
                "bob_apps",
                Some("Bob uses the apps and nothing else."),
            ),
            name: "bob_apps".to_string(),
            src: s.sel(t, "user.bob, accept", Principal::User("bob".to_string())),
            accept: vec![endpoint("tag.feed @ 443], deny", tag("feed"), 443)],
            deny: vec![
                endpoint_nth("tag.server @ 22, host.nas @ 445] }", 1, tag("server"), 22),
                endpoint(
                    "host.nas @ 445] }\ntest servers",
                    Principal::Host("nas".to_string()),
                    445,
                ),
            ],
        },
        AclTest {
            proto: None,
            origin: s.origin(t, "test", "servers", None),
            name: "servers".to_string(),
            src: s.sel(t, "host.atlas", Principal::Host("atlas".to_string())),
            accept: vec![endpoint("tag.nas @ 445", tag("nas"), 445)],
            deny: vec![],
        },
        AclTest {
            proto: None,
            origin: s.origin(t, "test", "family", None),
            name: "family".to_string(),
            src: s.sel(
                t,
                "group.family, accept",
                Principal::Group("family".to_string()),
            ),
            accept: vec![endpoint("tag.feed @ 443] }\n", tag("feed"), 443)],
            deny: vec![],
        },
    ];

    let h = hosts_file;
    let host = |name: &str, device: &str, doc: Option<&str>, tags: &[&str], manage: bool| {
        let decl = s.span(h, &format!("host {name} "));
        Host {
            owner: None,
            origin: s.origin(h, "host", name, doc),
            name: name.to_string(),
            device: device.to_string(),
            tags: tags
                .iter()
                .map(|tg| {
                    let text = &s.map.get(h).unwrap().text;
                    let start = text[decl.start as usize..]
                        .find(&format!("tag.{tg}"))
                        .unwrap()
                        + decl.start as usize;
                    Selector {
                        principal: tag(tg),
                        span: Span::new(h, start..start + 4 + tg.len()),
                    }
                })
                .collect(),
            manage_tags: manage,
            user: None,
            python: None,
            connection: None,
            vars: IndexMap::new(),
            play: bops_core::model::Play {
                gather_facts: true,
                ..bops_core::model::Play::default()
            },
            ports: Default::default(),
            host_vars_file: false,
            access: Default::default(),
        }
    };
    let hosts = vec![
        host(
            "atlas",
            "atlas",
            Some("Reverse proxy and the Kubernetes control plane."),
            &["server", "managed"],
            true,
        ),
        host(
            "nas",
            "vault",
            Some("The \"NAS\": storage and backups."),
            &["nas", "managed"],
            true,
        ),
        host("k8s-node", "k8s-node", None, &["k8s", "server"], true),
        host(
            "pi",
            "pi-hole",
            Some("Tagged by its auth key when it joined; Pulumi leaves it alone."),
            &["dns"],
            false,
        ),
        host(
            "laptop",
            "laptop",
            Some("Alice's laptop, owned by her user."),
            &[],
            false,
        ),
    ];

    let a = apps_file;
    let app = |name: &str, doc: Option<&str>, port_no: u16, hostname: &str, tg: &str| App {
        origin: s.origin(a, "app", name, doc),
        name: name.to_string(),
        workload_name: name.to_string(),
        cluster: "main".to_string(),
        namespace: name.to_string(),
        replicas: 1,
        containers: vec![Container {
            name: name.to_string(),
            image: Image {
                name: format!("registry.example/{name}"),
                tag: Some("1.0".to_string()),
            },
            command: vec![],
            args: vec![],
            env: vec![],
            ports: vec!["http".to_string()],
            requests: IndexMap::new(),
            limits: IndexMap::new(),
            liveness: None,
            readiness: None,
            startup: None,
            ..Container::default()
        }],
        ports: vec![AppPort {
            name: "http".to_string(),
            port: port_no,
            span: s.span(a, &format!("http = {port_no}")),
        }],
        expose: Some(Exposure {
            hostname: hostname.to_string(),
            port: "http".to_string(),
            tags: vec![s.sel(a, &format!("tag.{tg}"), tag(tg))],
            funnel: false,
            annotations: IndexMap::new(),
            proxy_group: None,
            proxy_class: None,
            audience: None,
            span: s.span(a, &format!("hostname = \"{hostname}\"")),
        }),
        labels: IndexMap::new(),
        ..App::default()
    };
    let apps = vec![
        app("miniflux", Some("RSS reader."), 8080, "feed", "feed"),
        app("grafana", None, 3000, "dashboards", "dashboards"),
    ];

    let model = Model {
        project: Project {
            name: "homelab".to_string(),
            pulumi_project: "homelab-tailnet".to_string(),
            pulumi_stack: "prod".to_string(),
            repo: None,
            repo_path: String::new(),
        },
        tailnet: Some(tailnet),
        users,
        groups,
        tags,
        grants,
        ssh_rules,
        acl_tests,
        hosts,
        apps,
        ..Model::default()
    };
    Fixture {
        src,
        tailnet_file: t,
        hosts_file,
        apps_file,
        model,
    }
}
