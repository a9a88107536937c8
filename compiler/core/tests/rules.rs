//! Tests of the rules on hand-built models: the fixture tailnet passes every rule; each failing
//! case adds a small source file to it, builds the matching model entities by hand, and checks
//! the diagnostics (code, severity, where they point) and their rendering.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod tailnet_fixture;

use bops_core::diagnostic::render;
use bops_core::model::{
    AclTest, Endpoint, Exposure, Grant, Host, Origin, PortRange, Principal, Proto, SshAction,
    SshRule, Tag,
};
use bops_core::{rules, Diagnostic, FileId, Severity};
use indexmap::IndexMap;
use tailnet_fixture::{fixture, port, tag, Fixture};

/// Adds `rules.bops` with this text to the fixture.
fn with_file(text: &str) -> (Fixture, FileId) {
    let mut fx = fixture();
    let file = fx.src.add("rules.bops", text);
    (fx, file)
}

fn render(fx: &Fixture, diagnostics: &[Diagnostic]) -> String {
    render::human(diagnostics, &fx.src.map, false)
}

/// The text a span covers.
fn text_at(fx: &Fixture, span: bops_core::Span) -> String {
    fx.src.map.get(span.file).unwrap().slice(span).to_string()
}

fn grant(
    fx: &Fixture,
    file: FileId,
    name: &str,
    dst: &[(&str, Principal)],
    ip: Vec<bops_core::model::PortSpec>,
) -> Grant {
    Grant {
        app: Default::default(),
        src_posture: Vec::new(),
        via: Vec::new(),
        origin: fx.src.origin(file, "grant", name, None),
        name: name.to_string(),
        src: vec![fx.src.sel(
            file,
            "autogroup.member",
            Principal::Autogroup("member".to_string()),
        )],
        dst: dst
            .iter()
            .map(|(context, p)| fx.src.sel(file, context, p.clone()))
            .collect(),
        ip,
    }
}

fn host(fx: &Fixture, file: FileId, name: &str, device: &str, tags: &[&str]) -> Host {
    let mut h = fx.model.hosts[0].clone();
    h.origin = fx.src.origin(file, "host", name, None);
    h.name = name.to_string();
    h.device = device.to_string();
    h.tags = tags
        .iter()
        .map(|t| fx.src.sel(file, &format!("tag.{t}"), tag(t)))
        .collect();
    h
}

fn new_tag(fx: &Fixture, file: FileId, name: &str) -> Tag {
    Tag {
        origin: fx.src.origin(file, "tag", name, None),
        name: name.to_string(),
        owners: Vec::new(),
    }
}

#[test]
fn the_fixture_passes_every_rule() {
    let fx = fixture();
    let diagnostics = rules::check(&fx.model);
    assert!(diagnostics.is_empty(), "{}", render(&fx, &diagnostics));
}

// ------------------------------------------------------------------------------------------------
// B3010

const CLAIMS: &str = r#"/// The machine that used to run the feed reader.
host feed {}

app reader on cluster.main {
  ports = { http = 8080 }
  expose = { hostname = "FEED", port = 8080 }
}
"#;

#[test]
fn b3010_every_later_claim_points_at_the_first() {
    let (mut fx, file) = with_file(CLAIMS);
    let feed = host(&fx, file, "feed", "feed", &[]);
    let mut reader = fx.model.apps[0].clone();
    reader.origin = fx.src.origin(file, "app", "reader", None);
    reader.name = "reader".to_string();
    reader.expose = Some(Exposure {
        hostname: "FEED".to_string(),
        port: "http".to_string(),
        tags: Vec::new(),
        funnel: false,
        annotations: IndexMap::new(),
        proxy_group: None,
        proxy_class: None,
        audience: None,
        span: fx.src.span(file, "hostname = \"FEED\""),
    });
    fx.model.hosts.push(feed);
    fx.model.apps.push(reader);

    // `FEED` is also not a valid tailnet name (B3017); this test is about the claims.
    let diagnostics: Vec<Diagnostic> = rules::check(&fx.model)
        .into_iter()
        .filter(|d| d.code.as_str() == "B3010")
        .collect();
    assert_eq!(diagnostics.len(), 2, "{}", render(&fx, &diagnostics));
    // miniflux in apps.bops claims `feed` first (apps.bops sorts before rules.bops); the host
    // and, ignoring case, the reader's exposure claim it again.
    let first = fx.src.span(fx.apps_file, "hostname = \"feed\"");
    for (d, primary) in diagnostics.iter().zip(["host feed", "hostname = \"FEED\""]) {
        assert_eq!(d.code.as_str(), "B3010");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(text_at(&fx, d.primary.span), primary);
        assert_eq!(d.secondary.len(), 1);
        assert_eq!(d.secondary[0].span, first);
    }
    insta::assert_snapshot!("b3010", render(&fx, &diagnostics));
}

#[test]
fn b3010_two_hosts_on_one_device() {
    let (mut fx, file) = with_file("host backup { device = \"vault\" }\n");
    let backup = host(&fx, file, "backup", "vault", &[]);
    fx.model.hosts.push(backup);
    let diagnostics = rules::check(&fx.model);
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(d.code.as_str(), "B3010");
    assert_eq!(text_at(&fx, d.primary.span), "host backup");
    assert_eq!(text_at(&fx, d.secondary[0].span), "host nas");
    assert!(d.notes[0].contains("vault.tail1234.ts.net"));
}

#[test]
fn b3010_distinct_names_pass() {
    let (mut fx, file) = with_file("host feeds {}\n");
    let feeds = host(&fx, file, "feeds", "feeds", &[]);
    fx.model.hosts.push(feeds);
    assert!(rules::check(&fx.model).is_empty());
}

// ------------------------------------------------------------------------------------------------
// B3011

const GRANTS: &str = r#"/// Left behind when the old feed service was retired.
tag old {}

grant feed_direct { src = [autogroup.member], dst = [tag.feed], ip = [tcp(8080), 443, tcp(8000, 8100)] }
grant to_old { src = [autogroup.member], dst = [tag.feed, tag.old], ip = [tcp(443)] }
"#;

#[test]
fn b3011_ports_nothing_serves() {
    let (mut fx, file) = with_file(GRANTS);
    let s = &fx.src;
    let feed_direct = grant(
        &fx,
        file,
        "feed_direct",
        &[("tag.feed], ip = [tcp(8080)", tag("feed"))],
        vec![
            port(
                s,
                file,
                "tcp(8080)",
                0,
                Some(Proto::Tcp),
                PortRange::One(8080),
            ),
            port(s, file, "443, tcp", 0, None, PortRange::One(443)),
            port(
                s,
                file,
                "tcp(8000, 8100)",
                0,
                Some(Proto::Tcp),
                PortRange::Range(8000, 8100),
            ),
        ],
    );
    let mut to_old = grant(
        &fx,
        file,
        "to_old",
        &[("tag.feed, tag.old", tag("feed")), ("tag.old]", tag("old"))],
        vec![port(
            s,
            file,
            "tcp(443)",
            0,
            Some(Proto::Tcp),
            PortRange::One(443),
        )],
    );
    to_old.src = vec![fx.src.sel_nth(
        file,
        "autogroup.member",
        1,
        Principal::Autogroup("member".to_string()),
    )];
    let old = new_tag(&fx, file, "old");
    fx.model.tags.push(old);
    fx.model.grants.push(feed_direct);
    fx.model.grants.push(to_old);

    let diagnostics = rules::check(&fx.model);
    let spans: Vec<String> = diagnostics
        .iter()
        .map(|d| text_at(&fx, d.primary.span))
        .collect();
    // tcp(8080) and 8000-8100 miss the Ingress's 443; the bare 443 hits it. tag.old is carried
    // by nothing at all, so even 443 is reported for it, and only for it.
    assert_eq!(spans, ["tcp(8080)", "tcp(8000, 8100)", "tcp(443)"]);
    for d in &diagnostics {
        assert_eq!(d.code.as_str(), "B3011");
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.secondary.len(), 1);
    }
    assert_eq!(text_at(&fx, diagnostics[0].secondary[0].span), "tag feed");
    assert!(diagnostics[0].notes[0].contains("only on port 443"));
    assert!(diagnostics[0].notes[0].contains("app miniflux"));
    assert_eq!(text_at(&fx, diagnostics[2].secondary[0].span), "tag old");
    assert!(diagnostics[2].notes[0].contains("nothing in the project carries tag:old"));
    insta::assert_snapshot!("b3011", render(&fx, &diagnostics));
}

const QUIET_GRANTS: &str = r#"grant quiet {
  src = [autogroup.member]
  dst = [tag.feed, tag.server, host.atlas, autogroup.self, any]
  ip = [any, tcp(any), udp(5353), icmp(), tcp(400, 500), 9000]
}
"#;

#[test]
fn b3011_is_quiet_for_hosts_every_port_udp_icmp_and_non_tags() {
    let (mut fx, file) = with_file(QUIET_GRANTS);
    let s = &fx.src;
    let mut quiet = grant(
        &fx,
        file,
        "quiet",
        &[
            ("tag.feed", tag("feed")),
            ("tag.server", tag("server")),
            ("host.atlas", Principal::Host("atlas".to_string())),
            ("autogroup.self", Principal::Autogroup("self".to_string())),
            ("any]", Principal::Any),
        ],
        vec![
            port(s, file, "any, tcp", 0, None, PortRange::Any),
            port(s, file, "tcp(any)", 0, Some(Proto::Tcp), PortRange::Any),
            port(
                s,
                file,
                "udp(5353)",
                0,
                Some(Proto::Udp),
                PortRange::One(5353),
            ),
            port(s, file, "icmp()", 0, Some(Proto::Icmp), PortRange::Any),
            port(
                s,
                file,
                "tcp(400, 500)",
                0,
                Some(Proto::Tcp),
                PortRange::Range(400, 500),
            ),
        ],
    );
    let diagnostics = rules::check(&{
        let mut m = fx.model.clone();
        m.grants.push(quiet.clone());
        m
    });
    assert!(diagnostics.is_empty(), "{}", render(&fx, &diagnostics));

    // The bare 9000 is served by tag.server's hosts (unknown ports), not by tag.feed's Ingress.
    quiet
        .ip
        .push(port(s, file, "9000", 0, None, PortRange::One(9000)));
    fx.model.grants.push(quiet);
    let diagnostics = rules::check(&fx.model);
    assert_eq!(diagnostics.len(), 1, "{}", render(&fx, &diagnostics));
    assert_eq!(text_at(&fx, diagnostics[0].primary.span), "9000");
    assert!(diagnostics[0].message.contains("tag:feed"));
}

#[test]
fn b3011_a_host_carrying_the_tag_silences_it() {
    let (mut fx, file) = with_file(GRANTS);
    let s = &fx.src;
    let feed_direct = grant(
        &fx,
        file,
        "feed_direct",
        &[("tag.feed], ip = [tcp(8080)", tag("feed"))],
        vec![port(
            s,
            file,
            "tcp(8080)",
            0,
            Some(Proto::Tcp),
            PortRange::One(8080),
        )],
    );
    fx.model.grants.push(feed_direct);
    assert_eq!(rules::check(&fx.model).len(), 1);
    let atlas = &mut fx.model.hosts[0];
    atlas.tags.push(atlas.tags[0].clone());
    atlas.tags[2].principal = tag("feed");
    assert!(rules::check(&fx.model).is_empty());
}

// ------------------------------------------------------------------------------------------------
// B3015

const UNTAGGED: &str = r#"ssh to_laptop { action = "check", src = [autogroup.admin], dst = [host.laptop], users = ["root"] }
test laptop_reaches_nas { src = host.laptop, accept = [host.nas @ 445, host.laptop @ 22] }
"#;

#[test]
fn b3015_hosts_without_tags_in_the_policy() {
    let (mut fx, file) = with_file(UNTAGGED);
    let laptop = || Principal::Host("laptop".to_string());
    let s = &fx.src;
    let ssh = SshRule {
        accept_env: Vec::new(),
        src_posture: Vec::new(),
        origin: s.origin(file, "ssh", "to_laptop", None),
        name: "to_laptop".to_string(),
        action: SshAction::Check,
        src: vec![s.sel(
            file,
            "autogroup.admin",
            Principal::Autogroup("admin".to_string()),
        )],
        dst: vec![s.sel(file, "host.laptop]", laptop())],
        users: vec!["root".to_string()],
        check_period: None,
    };
    let test = AclTest {
        proto: None,
        origin: s.origin(file, "test", "laptop_reaches_nas", None),
        name: "laptop_reaches_nas".to_string(),
        src: s.sel(file, "host.laptop,", laptop()),
        accept: vec![
            Endpoint {
                target: Principal::Host("nas".to_string()),
                port: 445,
                span: s.span(file, "host.nas @ 445"),
            },
            Endpoint {
                target: laptop(),
                port: 22,
                span: s.span(file, "host.laptop @ 22"),
            },
        ],
        deny: vec![],
    };
    fx.model.ssh_rules.push(ssh);
    fx.model.acl_tests.push(test);

    let diagnostics = rules::check(&fx.model);
    let spans: Vec<String> = diagnostics
        .iter()
        .map(|d| text_at(&fx, d.primary.span))
        .collect();
    // host.nas carries tags: only the laptop's three uses are errors.
    assert_eq!(spans, ["host.laptop", "host.laptop", "host.laptop @ 22"]);
    let laptop_decl: &Origin = &fx.model.hosts[4].origin;
    for d in &diagnostics {
        assert_eq!(d.code.as_str(), "B3015");
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.secondary[0].span, laptop_decl.span);
    }
    insta::assert_snapshot!("b3015", render(&fx, &diagnostics));
}

#[test]
fn every_rule_code_is_registered_with_an_explanation() {
    for code in ["B3010", "B3011", "B3015"] {
        let info = bops_core::diagnostic::codes::lookup(code).unwrap();
        assert!(!info.explanation.contains("being written"), "{code}");
    }
}
