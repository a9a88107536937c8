//! The checker's model: what some fixture cases (`tests/cases/`) and the example project lower to.
//!
//! The fixture harness (`cases.rs`) checks diagnostics and outputs; these tests read the model the
//! emitters get, field by field.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use bops_core::diagnostic::render;
use bops_core::model::{
    Data, EnvValue, Model, PortRange, PortSpec, Principal, ProbeCheck, Proto, SecretRef, SshAction,
};
use bops_core::{compile, Compilation, Input, InputFile};
use indexmap::IndexMap;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads a project folder: `bops.toml`, every `.bops` file, and the other files as assets.
fn read_project(dir: &Path) -> Input {
    fn walk(root: &Path, dir: &Path, input: &mut Input) {
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, input);
                continue;
            }
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let text = String::from_utf8(fs::read(&path).unwrap()).unwrap();
            if relative == "bops.toml" {
                input.manifest = Some(text);
            } else if relative.ends_with(".bops") {
                input.files.push(InputFile {
                    path: relative,
                    text,
                });
            } else {
                input.assets.insert(relative, text);
            }
        }
    }
    let mut input = Input::default();
    walk(dir, dir, &mut input);
    input
}

/// Compiles a project folder and returns the model, failing on any error.
fn model_of(dir: &Path) -> (Compilation, Model) {
    let compilation = compile(&read_project(dir));
    assert!(
        !compilation.has_errors(),
        "{}",
        render::human(&compilation.diagnostics, &compilation.sources, false)
    );
    let model = compilation.model.clone().unwrap();
    (compilation, model)
}

fn case(name: &str) -> Model {
    model_of(&root().join("tests/cases").join(name)).1
}

fn s(text: &str) -> Data {
    Data::Str(text.to_string())
}

fn principals(selectors: &[bops_core::model::Selector]) -> Vec<Principal> {
    selectors.iter().map(|s| s.principal.clone()).collect()
}

fn specs(ip: &[PortSpec]) -> Vec<(Option<Proto>, PortRange)> {
    ip.iter().map(|p| (p.proto, p.ports)).collect()
}

#[test]
fn the_tailnet_policy_lowers_to_selectors_and_port_specs() {
    let model = case("model_tailnet");
    assert_eq!(model.tailnet.as_ref().unwrap().domain, "tail1234.ts.net");
    assert_eq!(model.users.len(), 2);
    assert!(model.users[0].admin);
    assert!(!model.users[1].admin);
    assert_eq!(model.users[0].origin.doc.as_deref(), Some("The admin."));
    assert_eq!(model.users[0].origin.decl, "user alice");
    assert_eq!(model.users[0].origin.file, "main.bops");
    assert_eq!(model.groups[0].members, vec!["alice", "bob"]);

    let server = &model.tags[0];
    assert_eq!(
        principals(&server.owners),
        vec![Principal::Autogroup("admin".into())]
    );
    let feed = &model.tags[1];
    assert_eq!(
        principals(&feed.owners),
        vec![
            Principal::Autogroup("admin".into()),
            Principal::Tag("server".into()),
            Principal::Group("family".into()),
            Principal::User("alice".into()),
        ]
    );

    let grant = &model.grants[0];
    assert_eq!(grant.name, "family_feed");
    assert_eq!(
        principals(&grant.src),
        vec![Principal::Group("family".into())]
    );
    assert_eq!(principals(&grant.dst), vec![Principal::Tag("feed".into())]);
    assert_eq!(
        specs(&grant.ip),
        vec![
            (Some(Proto::Tcp), PortRange::One(443)),
            (Some(Proto::Udp), PortRange::One(53)),
            (Some(Proto::Tcp), PortRange::Range(8000, 8100)),
            (None, PortRange::One(22)),
            (Some(Proto::Icmp), PortRange::Any),
        ]
    );
    let admins = &model.grants[1];
    assert_eq!(principals(&admins.dst), vec![Principal::Any]);
    assert_eq!(specs(&admins.ip), vec![(None, PortRange::Any)]);

    let ssh = &model.ssh_rules[0];
    assert_eq!(ssh.action, SshAction::Check);
    assert_eq!(ssh.users, vec!["autogroup:nonroot", "root"]);
    assert_eq!(
        ssh.check_period,
        Some(bops_core::model::CheckPeriod::Seconds(12 * 3600))
    );
    let mesh = &model.ssh_rules[1];
    assert_eq!(mesh.action, SshAction::Accept);
    assert_eq!(mesh.users, vec!["autogroup:nonroot"]);
    assert_eq!(mesh.check_period, None);

    let test = &model.acl_tests[0];
    assert_eq!(test.src.principal, Principal::User("bob".into()));
    assert_eq!(test.accept[0].target, Principal::Tag("feed".into()));
    assert_eq!(test.accept[0].port, 443);
    assert_eq!(test.deny[0].port, 22);

    assert_eq!(
        principals(&model.hosts[0].tags),
        vec![Principal::Tag("server".into())]
    );
}

#[test]
fn roles_are_applied_with_checked_arguments_in_parameter_order() {
    let model = case("model_hosts");
    let atlas = &model.hosts[0];
    assert_eq!(atlas.user.as_deref(), Some("admin"));
    assert!(atlas.play.become_root);
    assert!(!atlas.play.gather_facts);
    assert_eq!(
        atlas.vars.get("key"),
        Some(&Data::Secret(SecretRef {
            secret: "borg".into(),
            key: "passphrase".into()
        }))
    );
    assert_eq!(atlas.vars.get("max_retries"), Some(&Data::Int(3)));

    let roles: Vec<&str> = atlas.play.roles.iter().map(|r| r.role.as_str()).collect();
    assert_eq!(roles, vec!["common", "caddy", "borgmatic"]);
    assert!(atlas.play.roles[0].args.is_empty());
    let caddy = &atlas.play.roles[1];
    assert_eq!(
        caddy.args.keys().collect::<Vec<_>>(),
        vec!["caddy_domain", "caddy_port", "caddy_routes"]
    );
    assert_eq!(caddy.args["caddy_domain"], s("home.example.com"));
    assert_eq!(caddy.args["caddy_port"], Data::Int(443));
    let route: IndexMap<String, Data> = [
        ("name".to_string(), s("feed")),
        ("upstream".to_string(), s("http://10.0.0.2:8080")),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        caddy.args["caddy_routes"],
        Data::List(vec![Data::Map(route)])
    );
    // No tags given: the playbook tags the role with its name.
    assert!(caddy.tags.is_empty());
    assert_eq!((caddy.when.as_deref(), caddy.become_root), (None, None));
    let borgmatic = &atlas.play.roles[2];
    assert_eq!(
        borgmatic.args["borgmatic_repository"],
        s("ssh://borg@nas/./atlas")
    );
    assert!(matches!(
        borgmatic.args["borgmatic_passphrase"],
        Data::Secret(_)
    ));
    assert_eq!(borgmatic.args["borgmatic_schedule"], s("hourly"));

    let laptop = &model.hosts[1];
    assert_eq!(laptop.device, "alice-laptop");
    assert!(!laptop.manage_tags);
    assert_eq!(laptop.connection.as_deref(), Some("local"));

    let caddy = model.roles.iter().find(|r| r.name == "caddy").unwrap();
    assert_eq!(caddy.source.as_deref(), Some("roles/caddy"));
    assert_eq!(caddy.origin.doc.as_deref(), Some("Reverse proxy."));
    let params: Vec<(&str, &str, Option<&Data>)> = caddy
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.ty.as_str(), p.default.as_ref()))
        .collect();
    assert_eq!(params[0], ("caddy_domain", "string", None));
    assert_eq!(params[1], ("caddy_port", "port", Some(&Data::Int(443))));
    assert_eq!(params[2].1, "list<{ name: string, upstream: string }>");
    assert_eq!(params[2].2, Some(&Data::List(Vec::new())));

    let groups: Vec<(&str, &Vec<String>, &Vec<String>)> = model
        .host_groups
        .iter()
        .map(|g| (g.name.as_str(), &g.hosts, &g.children))
        .collect();
    assert_eq!(groups[0].0, "servers");
    assert_eq!(groups[0].1, &vec!["atlas".to_string()]);
    assert_eq!(groups[1].2, &vec!["servers".to_string()]);
    assert_eq!(model.host_groups[1].vars["ntp"], s("pool.ntp.org"));
}

#[test]
fn apps_lower_to_containers_probes_and_an_exposure() {
    let model = case("model_apps");
    assert_eq!(model.project.repo.as_deref(), Some("gitops"));
    let feed = &model.apps[0];
    assert_eq!(feed.cluster, "main");
    assert_eq!(feed.namespace, "rss");
    assert_eq!(feed.replicas, 2);
    assert_eq!(feed.origin.doc.as_deref(), Some("RSS reader."));
    let ports: Vec<(&str, u16)> = feed
        .ports
        .iter()
        .map(|p| (p.name.as_str(), p.port))
        .collect();
    assert_eq!(ports, vec![("http", 8080), ("metrics", 9090)]);

    let main = &feed.containers[0];
    assert_eq!(main.name, "feed");
    assert_eq!(main.image.name, "ghcr.io/miniflux/miniflux");
    assert_eq!(main.image.tag.as_deref(), Some("2.2.17"));
    assert_eq!(main.command, vec!["/usr/bin/miniflux"]);
    assert_eq!(main.args, vec!["-c", "/etc/miniflux.conf"]);
    assert_eq!(main.ports, vec!["http"]);
    let env: Vec<(&str, &EnvValue)> = main
        .env
        .iter()
        .map(|e| (e.name.as_str(), &e.value))
        .collect();
    assert_eq!(
        env,
        vec![
            (
                "DATABASE_URL",
                &EnvValue::Secret(SecretRef {
                    secret: "feed_db".into(),
                    key: "url".into()
                })
            ),
            (
                "DB_PASSWORD",
                &EnvValue::Secret(SecretRef {
                    secret: "feed_db".into(),
                    key: "password".into()
                })
            ),
            ("RUN_MIGRATIONS", &EnvValue::Literal("1".into())),
            ("DEBUG", &EnvValue::Literal("false".into())),
            (
                "BASE_URL",
                &EnvValue::Literal("https://feed.tail1234.ts.net/".into())
            ),
        ]
    );
    assert_eq!(main.requests["cpu"], "100m");
    assert_eq!(main.requests["memory"], "128Mi");
    assert_eq!(main.limits["memory"], "1Gi");
    assert_eq!(main.limits["cpu"], "1");

    let liveness = main.liveness.as_ref().unwrap();
    assert_eq!(
        liveness.check,
        ProbeCheck::Http {
            path: "/healthz".into(),
            port: "http".into()
        }
    );
    assert_eq!(liveness.initial_delay, Some(30));
    assert_eq!(liveness.period, Some(60));
    assert_eq!(liveness.timeout, None);
    let readiness = main.readiness.as_ref().unwrap();
    assert_eq!(
        readiness.check,
        ProbeCheck::Tcp {
            port: "http".into()
        }
    );
    assert_eq!(readiness.failure_threshold, Some(3));
    let startup = main.startup.as_ref().unwrap();
    assert_eq!(
        startup.check,
        ProbeCheck::Exec {
            command: vec!["true".into()]
        }
    );
    assert_eq!(startup.timeout, Some(5));

    let sidecar = &feed.containers[1];
    assert_eq!(sidecar.name, "exporter");
    assert_eq!(sidecar.image.name, "prom/exporter");
    assert_eq!(sidecar.ports, vec!["metrics"]);

    let expose = feed.expose.as_ref().unwrap();
    assert_eq!(expose.hostname, "rss");
    assert_eq!(expose.port, "http");
    assert!(expose.funnel);
    assert_eq!(
        principals(&expose.tags),
        vec![Principal::Tag("feed".into())]
    );
    assert_eq!(feed.labels["tier"], "web");

    let worker = &model.apps[1];
    assert_eq!(worker.namespace, "worker");
    assert_eq!(worker.replicas, 1);
    assert_eq!(worker.containers.len(), 1);
    assert_eq!(worker.containers[0].image.tag, None);
    assert!(worker.expose.is_none());

    let vars = &model.hosts[0].vars;
    assert_eq!(vars["feed_url"], s("https://rss.tail1234.ts.net"));
    assert_eq!(vars["feed_fqdn"], s("rss.tail1234.ts.net"));
    assert_eq!(vars["feed_service"], s("feed.rss.svc.cluster.local"));
    assert_eq!(vars["worker_ns"], s("worker"));

    let cluster = &model.clusters[0];
    assert_eq!(cluster.server, "https://10.0.0.1:6443");
    assert_eq!(cluster.argocd_namespace, "argocd");
    assert_eq!(cluster.secret_store, "onepassword");
    assert_eq!(cluster.proxy_group.as_deref(), Some("ingress"));
    assert_eq!(model.repos[0].revision, "v1");
    assert_eq!(model.secrets[0].keys, vec!["url", "password"]);
}

#[test]
fn every_expression_form_evaluates() {
    let model = case("expr_values");
    let vars = &model.hosts.iter().find(|h| h.name == "box").unwrap().vars;
    let ints = |v: &[i64]| Data::List(v.iter().map(|n| Data::Int(*n)).collect());
    let strs = |v: &[&str]| Data::List(v.iter().map(|t| s(t)).collect());
    assert_eq!(vars["high"], ints(&[443, 8080]));
    assert_eq!(vars["doubled"], ints(&[160, 886, 16160]));
    assert_eq!(vars["label_keys"], strs(&["app", "tier"]));
    assert_eq!(vars["label_pairs"], strs(&["app=feed", "tier=web"]));
    let Data::Map(over) = &vars["override"] else {
        panic!("not a map")
    };
    assert_eq!(
        over.keys().collect::<Vec<_>>(),
        vec!["replicas", "image", "x.io/name"]
    );
    assert_eq!(over["replicas"], Data::Int(2));
    let Data::Map(merged) = &vars["merged"] else {
        panic!("not a map")
    };
    assert_eq!(merged["image"], s("nginx:1.28"));
    assert_eq!(merged["replicas"], Data::Int(1));
    assert_eq!(vars["scoped"], Data::Int(21));
    assert_eq!(vars["chosen"], s("many"));
    assert_eq!(vars["arithmetic"], Data::Int(3));
    assert_eq!(vars["negative"], Data::Int(-2));
    assert_eq!(vars["logic"], Data::Bool(true));
    let Data::Map(local) = &vars["with_local"] else {
        panic!("not a map")
    };
    assert_eq!(local.keys().collect::<Vec<_>>(), vec!["a", "b"]);
    assert_eq!(local["b"], Data::Int(6));
    assert_eq!(
        vars["text"],
        s("https://feed.tail1234.ts.net/ 3 true 12h ${literal}")
    );
    assert_eq!(vars["deep"], s("deep"));
    assert_eq!(vars["first"], Data::Int(80));
    assert_eq!(vars["by_key"], s("feed"));
    assert_eq!(vars["fqdn"], s("nas.tail1234.ts.net"));
    assert_eq!(vars["period"], s("90d"));
    assert_eq!(vars["memory"], s("64Mi"));
    let Data::Map(helpers) = &vars["helpers"] else {
        panic!("not a map")
    };
    assert_eq!(helpers["count"], Data::Int(3));
    assert_eq!(helpers["joined"], s("a,b,c"));
    assert_eq!(helpers["lower"], s("abc"));
    assert_eq!(helpers["upper"], s("ABC"));
    assert_eq!(helpers["replaced"], s("a_b_c"));
    assert_eq!(helpers["keys"], strs(&["app", "tier"]));
    assert_eq!(helpers["values"], strs(&["feed", "web"]));
    assert_eq!(helpers["has"], Data::Bool(true));
    assert_eq!(helpers["has_text"], Data::Bool(true));
    assert_eq!(helpers["as_text"], s("42"));
}

#[test]
fn functions_take_defaults_named_arguments_and_recurse() {
    let model = case("expr_functions");
    let vars = &model.hosts[0].vars;
    let route = |host: &str, port: i64, path: &str| {
        let map: IndexMap<String, Data> = [
            ("host".to_string(), s(host)),
            ("port".to_string(), Data::Int(port)),
            ("path".to_string(), s(path)),
        ]
        .into_iter()
        .collect();
        Data::Map(map)
    };
    assert_eq!(
        vars["routes"],
        Data::List(vec![
            route("a.example.com", 443, "/"),
            route("b.example.com", 8443, "/"),
            route("c.example.com", 443, "/c"),
            route("d.example.com", 9000, "/d"),
        ])
    );
    assert_eq!(vars["factorial"], Data::Int(3_628_800));
    assert_eq!(vars["front"], s("public"));
    assert_eq!(vars["back"], s("internal"));
    assert_eq!(vars["greeting"], s("hello bob"));
    assert_eq!(vars["custom"], s("hi"));
}

#[test]
fn templates_and_modules_work_across_files_and_the_stdlib() {
    let model = case("imports");
    assert_eq!(model.project.name, "imports");
    let feed = model.apps.iter().find(|a| a.name == "feed").unwrap();
    assert_eq!(feed.origin.file, "apps/feed.bops");
    assert_eq!(feed.replicas, 2);
    assert_eq!(feed.containers[0].image.name, "registry.example.com/feed");
    assert_eq!(feed.containers[0].requests["cpu"], "50m");
    assert_eq!(feed.containers[0].limits["cpu"], "200m");
    assert_eq!(feed.containers[0].limits["memory"], "64Mi");
    let expose = feed.expose.as_ref().unwrap();
    assert_eq!(expose.port, "http");
    assert_eq!(expose.hostname, "feed");
    assert_eq!(expose.annotations["gethomepage.dev/name"], "Feed");
    assert_eq!(expose.annotations["gethomepage.dev/icon"], "rss.png");
    assert!(!expose
        .annotations
        .contains_key("gethomepage.dev/description"));
    let other = model.apps.iter().find(|a| a.name == "other").unwrap();
    assert_eq!(other.ports[0].port, 3000);
    assert_eq!(
        other.containers[0].readiness.as_ref().unwrap().check,
        ProbeCheck::Http {
            path: "/".into(),
            port: "http".into()
        }
    );
    // Declaration order: sorted file path, then source order.
    let order: Vec<&str> = model.apps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(order, vec!["feed", "other"]);
}

#[test]
fn the_manifest_sets_the_project() {
    let model = case("manifest_settings");
    assert_eq!(model.project.name, "settings");
    assert_eq!(model.project.pulumi_project, "settings-net");
    assert_eq!(model.project.pulumi_stack, "dev");
    assert_eq!(model.project.repo.as_deref(), Some("ops"));
    assert_eq!(model.project.repo_path, "generated");
    let minimal = case("no_manifest_minimal");
    assert_eq!(minimal.project.name, "project");
    assert_eq!(minimal.project.pulumi_project, "project-tailnet");
    assert_eq!(minimal.project.pulumi_stack, "prod");
    assert_eq!(minimal.project.repo, None);
}

#[test]
fn the_homelab_example_checks_without_errors() {
    let (compilation, model) = model_of(&root().join("examples/homelab"));
    assert!(compilation.diagnostics.iter().all(|d| !d.is_error()));
    assert_eq!(model.project.repo.as_deref(), Some("homelab"));
    let atlas = model.hosts.iter().find(|h| h.name == "atlas").unwrap();
    let caddy = atlas.play.roles.iter().find(|r| r.role == "caddy").unwrap();
    let Data::List(services) = &caddy.args["caddy_services"] else {
        panic!("caddy_services is not a list")
    };
    assert_eq!(services.len(), 3);
    let miniflux = model.apps.iter().find(|a| a.name == "miniflux").unwrap();
    assert_eq!(miniflux.expose.as_ref().unwrap().hostname, "feed");
}

#[test]
fn a_project_without_files_is_empty_and_fine() {
    let compilation = compile(&Input::default());
    assert!(compilation.diagnostics.is_empty());
    let model = compilation.model.unwrap();
    assert_eq!(model.project.name, "project");
    assert!(model.apps.is_empty() && model.hosts.is_empty());
}

#[test]
fn the_stdlib_checks_without_diagnostics() {
    // Importing every standard library module into an otherwise empty project reports nothing.
    let text: String = bops_core::stdlib::FILES
        .iter()
        .filter(|(name, _)| *name != "prelude")
        .map(|(name, _)| format!("import std.{name}\n"))
        .collect();
    let compilation = compile(&Input {
        manifest: None,
        files: vec![InputFile {
            path: "main.bops".into(),
            text,
        }],
        assets: Default::default(),
    });
    assert!(
        compilation.diagnostics.is_empty(),
        "{}",
        render::human(&compilation.diagnostics, &compilation.sources, false)
    );
}

fn codes_of(text: String) -> Vec<String> {
    let compilation = compile(&Input {
        manifest: None,
        files: vec![InputFile {
            path: "main.bops".into(),
            text,
        }],
        assets: Default::default(),
    });
    compilation
        .diagnostics
        .iter()
        .map(|d| d.code.to_string())
        .collect()
}

#[test]
fn deep_evaluation_stops_with_a_diagnostic_not_a_stack_overflow() {
    // Recursion within the limit works; beyond it, one B2009.
    let recursion = |n: usize| {
        format!("fn f(n: int) -> int = if n <= 0 then 0 else 1 + f(n - 1)\nlet x = f({n})\n")
    };
    assert!(codes_of(recursion(190)).is_empty());
    assert_eq!(codes_of(recursion(100_000)), vec!["B2009"]);

    // A value nested deeper than any walk over it should go.
    let brackets = 200;
    let deep = format!("{}x{}", "[".repeat(brackets), "]".repeat(brackets));
    let text = format!(
        "fn f(n: int, x: any) -> any = if n <= 0 then x else f(n - 1, {deep})\n\
         let v = f(150, 1)\nhost h {{ vars = {{ v = v }} }}\n"
    );
    assert_eq!(codes_of(text), vec!["B2009"]);

    // A long chain of declarations reading each other's fields.
    let mut text = String::from("tailnet t { domain = \"x.ts.net\" }\n");
    for i in 0..300 {
        text.push_str(&format!(
            "host h{i} {{ user = \"u${{host.h{}.user}}\" }}\n",
            i + 1
        ));
    }
    text.push_str("host h300 { user = \"u\" }\n");
    assert!(codes_of(text).is_empty());
}

// ------------------------------------------------------------------------------------------------
// The rest of the tailnet policy: addresses, capabilities, legacy ACLs, tests with a protocol.

/// Compiles one file and returns its model, whatever the diagnostics.
fn model_with_errors(text: &str) -> Model {
    let compilation = compile(&Input {
        manifest: None,
        files: vec![InputFile {
            path: "main.bops".into(),
            text: text.to_string(),
        }],
        assets: Default::default(),
    });
    compilation.model.unwrap()
}

#[test]
fn addresses_lower_to_networks_ip_sets_and_routes() {
    use bops_core::model::CheckPeriod;
    let model = case("tailnet_addresses");
    let networks: Vec<(&str, &str)> = model
        .networks
        .iter()
        .map(|n| (n.name.as_str(), n.address.as_str()))
        .collect();
    // Addresses are written in canonical form.
    assert_eq!(
        networks,
        vec![
            ("office", "192.168.1.0/24"),
            ("printer", "192.168.1.20"),
            ("lab6", "fd00:ab::/64")
        ]
    );
    let lab = &model.ip_sets[0];
    assert_eq!(lab.name, "lab");
    assert_eq!(
        principals(&lab.add),
        vec![
            Principal::Ip("10.20.0.0/16".into()),
            Principal::Network("lab6".into()),
            Principal::Ip("192.0.2.50-192.0.2.100".into()),
        ]
    );
    assert_eq!(
        principals(&lab.remove),
        vec![Principal::Ip("10.20.99.0/24".into())]
    );
    assert_eq!(
        principals(&model.ip_sets[1].add),
        vec![
            Principal::Network("office".into()),
            Principal::IpSet("lab".into())
        ]
    );
    assert_eq!(
        principals(&model.ip_sets[2].add),
        vec![Principal::Autogroup("internet".into())]
    );

    let offices = &model.grants[0];
    assert_eq!(
        principals(&offices.dst),
        vec![
            Principal::IpSet("offices".into()),
            Principal::Network("printer".into())
        ]
    );
    let routers_out = &model.grants[1];
    assert_eq!(
        principals(&routers_out.dst),
        vec![
            Principal::IpSet("internet".into()),
            Principal::Ip("fd7a:115c:a1e0::1".into())
        ]
    );
    assert_eq!(
        principals(&model.grants[2].src),
        vec![Principal::Ip("100.64.0.7".into())]
    );

    let routers = &model.auto_approvers[0];
    // A network route is its address; an `ip` one canonical.
    assert_eq!(
        routers.routes,
        vec!["192.168.1.0/24", "10.20.0.0/16", "fd00:ab::/64"]
    );
    assert!(routers.exit_node);
    assert!(routers.services.is_empty());
    assert_eq!(
        principals(&routers.approvers),
        vec![Principal::Tag("router".into())]
    );

    let test = &model.acl_tests[0];
    assert_eq!(test.accept[0].target, Principal::Network("printer".into()));
    assert_eq!(test.accept[0].port, 631);
    assert_eq!(test.deny[0].target, Principal::Ip("10.20.99.5".into()));
    assert_eq!(test.proto, None);
    assert!(model
        .ssh_rules
        .iter()
        .all(|s| s.check_period != Some(CheckPeriod::Always)));
}

#[test]
fn capabilities_postures_and_options_lower() {
    let model = case("tailnet_capabilities");
    let options = &model.tailnet.as_ref().unwrap().options;
    assert_eq!(options.default_src_posture, vec!["up_to_date"]);
    assert_eq!(options.disable_ipv4, Some(false));
    assert_eq!(options.one_cgnat_route.as_deref(), Some("mac-always"));
    assert_eq!(options.randomize_client_port, Some(true));

    let postures: Vec<(&str, Vec<&str>)> = model
        .postures
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.rules.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        postures,
        vec![
            (
                "up_to_date",
                vec![
                    "node:tsReleaseTrack == 'stable'",
                    "node:tsVersion >= '1.60'"
                ]
            ),
            (
                "managed_mac",
                vec![
                    "node:os IN ['macos']",
                    "node:tsAutoUpdate",
                    "custom:tier NOT IN ['guest', 'lab']"
                ]
            ),
        ]
    );

    // A grant of capabilities only opens no port.
    let admin = &model.grants[0];
    assert!(admin.ip.is_empty());
    let admin_caps: Vec<&str> = admin.app.keys().map(String::as_str).collect();
    assert_eq!(admin_caps, vec!["tailscale.com/cap/golink"]);
    let mut golink = IndexMap::new();
    golink.insert("admin".to_string(), Data::Bool(true));
    assert_eq!(
        admin.app["tailscale.com/cap/golink"],
        vec![Data::Map(golink)]
    );

    // References in capability values are written the way the policy names them.
    let users = &model.grants[1];
    assert_eq!(
        specs(&users.ip),
        vec![(Some(Proto::Tcp), PortRange::One(443))]
    );
    assert_eq!(users.src_posture, vec!["managed_mac"]);
    let Data::Map(stats) = &users.app["example.com/cap/golink-stats"][0] else {
        panic!("a capability value is a record");
    };
    assert_eq!(stats["view"], Data::List(vec![s("daily"), s("weekly")]));
    assert_eq!(stats["limit"], Data::Int(100));
    assert_eq!(
        stats["owners"],
        Data::List(vec![
            s("alice@example.com"),
            s("group:ops"),
            s("tag:golink")
        ])
    );

    let internet = &model.grants[2];
    assert_eq!(
        principals(&internet.via),
        vec![Principal::Tag("exit".into())]
    );
    assert_eq!(
        principals(&internet.dst),
        vec![Principal::Autogroup("internet".into())]
    );
    assert!(internet.src_posture.is_empty());

    let funnel = &model.node_attrs[0];
    assert_eq!(funnel.attr, vec!["funnel"]);
    assert!(funnel.app.is_empty());
    let connectors = &model.node_attrs[1];
    assert_eq!(principals(&connectors.target), vec![Principal::Any]);
    assert!(connectors.attr.is_empty());
    let Data::Map(connector) = &connectors.app["tailscale.com/app-connectors"][0] else {
        panic!("a capability value is a record");
    };
    assert_eq!(
        connector["connectors"],
        Data::List(vec![s("tag:connector")])
    );
}

#[test]
fn legacy_acls_tests_and_ssh_lower_with_their_protocols() {
    use bops_core::model::CheckPeriod;
    let model = case("tailnet_acls_and_tests");
    let ports = |acl: usize| -> Vec<(Principal, Vec<PortRange>)> {
        model.acls[acl]
            .dst
            .iter()
            .map(|d| (d.target.clone(), d.ports.clone()))
            .collect()
    };
    // The protocol comes from the port specs when `proto` is not written.
    assert_eq!(model.acls[0].name, "family_web");
    assert_eq!(model.acls[0].proto, Some(Proto::Tcp));
    assert_eq!(
        ports(0),
        vec![
            (
                Principal::Tag("server".into()),
                vec![PortRange::One(80), PortRange::One(443)]
            ),
            (
                Principal::Tag("k8s".into()),
                vec![PortRange::Range(8000, 8100)]
            ),
        ]
    );
    assert_eq!(model.acls[1].proto, Some(Proto::Udp));
    assert_eq!(
        ports(1)[1],
        (
            Principal::Ip("fd7a:115c:a1e0::53".into()),
            vec![PortRange::One(53)]
        )
    );
    // Bare ports without `proto`: TCP and UDP.
    assert_eq!(model.acls[2].proto, None);
    // `x @ icmp()`: ICMP, every port.
    assert_eq!(model.acls[3].proto, Some(Proto::Icmp));
    assert_eq!(
        ports(3),
        vec![(Principal::Host("nas".into()), vec![PortRange::Any])]
    );

    assert_eq!(
        principals(&model.grants[0].dst),
        vec![Principal::Service("web".into())]
    );

    let admins = &model.ssh_rules[0];
    assert_eq!(admins.check_period, Some(CheckPeriod::Always));
    assert_eq!(admins.accept_env, vec!["GIT_*", "LC_?", "EDITOR"]);
    assert_eq!(admins.users, vec!["root", "autogroup:nonroot"]);
    assert_eq!(
        model.ssh_rules[1].check_period,
        Some(CheckPeriod::Seconds(20 * 3600))
    );

    let protos: Vec<Option<Proto>> = model.acl_tests.iter().map(|t| t.proto).collect();
    assert_eq!(
        protos,
        vec![Some(Proto::Tcp), Some(Proto::Udp), Some(Proto::Icmp)]
    );
    // An ICMP destination is port 0, as Tailscale's tests write it.
    assert_eq!(model.acl_tests[2].accept[0].port, 0);

    let ssh_test = &model.ssh_tests[0];
    assert_eq!(ssh_test.src.principal, Principal::User("alice".into()));
    assert_eq!(
        principals(&ssh_test.dst),
        vec![
            Principal::Tag("server".into()),
            Principal::Host("nas".into())
        ]
    );
    assert_eq!(ssh_test.check, vec!["root", "alice"]);
    assert!(ssh_test.accept.is_empty() && ssh_test.deny.is_empty());

    let services = &model.auto_approvers[0];
    assert_eq!(
        principals(&services.services),
        vec![
            Principal::Service("web".into()),
            Principal::Tag("k8s".into())
        ]
    );
    assert!(!services.exit_node && services.routes.is_empty());

    let owners: Vec<(&str, Option<&str>)> = model
        .hosts
        .iter()
        .map(|h| (h.name.as_str(), h.owner.as_deref()))
        .collect();
    assert_eq!(
        owners,
        vec![
            ("nas", None),
            ("resolver", None),
            ("node1", None),
            ("laptop", Some("bob"))
        ]
    );
}

#[test]
fn policy_entries_in_error_are_reported_once_and_left_out_of_the_model() {
    let text = r#"
tailnet home { domain = "tail1234.ts.net" }
user alice { email = "alice@example.com", admin = true }
tag web {}
host web { tags = [tag.web] }
grant ok { src = [autogroup.admin], dst = [tag.web], ip = [tcp(443)] }
grant nothing { src = [autogroup.member], dst = [tag.web], ip = [] }
grant broken { src = [autogroup.member], dst = [tag.web], ip = [tcp(70000)] }
grant backwards { src = [autogroup.self, autogroup.admin], dst = [tag.web], ip = [tcp(22)] }
acl mixed { src = [autogroup.member], dst = [tag.web @ [tcp(443), udp(53)]] }
test pings { src = user.alice, proto = "tcp", accept = [tag.web @ icmp()] }
test mixed_places { src = user.alice, accept = [tag.web @ 22, any @ 22] }
test from_cidr { src = ip("10.0.0.0/8"), accept = [tag.web @ 22] }
"#;
    // One diagnostic per mistake: no rule reports the entries again.
    let mut codes = codes_of(text.to_string());
    codes.sort();
    assert_eq!(
        codes,
        vec!["B2005", "B3032", "B3032", "B3032", "B3034", "B3035", "B3035"]
    );
    let model = model_with_errors(text);
    let grants: Vec<&str> = model.grants.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(grants, vec!["ok", "backwards"]);
    assert_eq!(
        principals(&model.grants[1].src),
        vec![Principal::Autogroup("admin".into())]
    );
    assert!(model.acls.is_empty());
    let tests: Vec<&str> = model.acl_tests.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tests, vec!["mixed_places"]);
    assert_eq!(model.acl_tests[0].accept.len(), 1);
}
