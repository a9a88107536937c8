//! Tests of the Kubernetes and Argo CD emitter on hand-built models: snapshots of the emitted
//! tree, the naming of ports, secrets and images, the Applications and the app-of-apps root, and
//! (with `BOPS_DUMP_DIR` set) a dump of the tree for the real tools
//! (`/work/shared/tools/verify/run`).

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use bops_core::emit::k8s;
use bops_core::model::{
    App, AppPort, Cluster, Container, EnvValue, EnvVar, Exposure, Image, Model, Origin, Principal,
    Probe, ProbeCheck, Project, Repo, Secret, SecretRef, Selector,
};
use bops_core::{Outputs, Span};
use indexmap::IndexMap;

fn origin(file: &str, decl: &str, doc: Option<&str>) -> Origin {
    Origin {
        span: Span::default(),
        file: file.to_string(),
        decl: decl.to_string(),
        doc: doc.map(str::to_string),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn map(entries: &[(&str, &str)]) -> IndexMap<String, String> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn literal(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: EnvValue::Literal(value.to_string()),
    }
}

fn from_secret(name: &str, secret: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: EnvValue::Secret(SecretRef {
            secret: secret.to_string(),
            key: key.to_string(),
        }),
    }
}

fn port(name: &str, number: u16) -> AppPort {
    AppPort {
        name: name.to_string(),
        port: number,
        span: Span::default(),
    }
}

fn image(name: &str, tag: Option<&str>) -> Image {
    Image {
        name: name.to_string(),
        tag: tag.map(str::to_string),
    }
}

fn container(name: &str, image: Image) -> Container {
    Container {
        name: name.to_string(),
        image,
        command: Vec::new(),
        args: Vec::new(),
        env: Vec::new(),
        ports: Vec::new(),
        requests: IndexMap::new(),
        limits: IndexMap::new(),
        liveness: None,
        readiness: None,
        startup: None,
        ..Container::default()
    }
}

fn probe(check: ProbeCheck) -> Probe {
    Probe {
        check,
        initial_delay: None,
        period: None,
        timeout: None,
        failure_threshold: None,
        success_threshold: None,
    }
}

fn http(path: &str, port: &str) -> ProbeCheck {
    ProbeCheck::Http {
        path: path.to_string(),
        port: port.to_string(),
    }
}

fn tag(name: &str) -> Selector {
    Selector {
        principal: Principal::Tag(name.to_string()),
        span: Span::default(),
    }
}

fn app(name: &str, cluster: &str, doc: Option<&str>) -> App {
    App {
        origin: origin("apps.bops", &format!("app {name}"), doc),
        name: name.to_string(),
        workload_name: name.to_string(),
        cluster: cluster.to_string(),
        namespace: name.to_string(),
        replicas: 1,
        containers: Vec::new(),
        ports: Vec::new(),
        expose: None,
        labels: IndexMap::new(),
        ..App::default()
    }
}

fn secret(name: &str, item: &str, keys: &[&str]) -> Secret {
    Secret {
        origin: origin("secrets.bops", &format!("secret {name}"), None),
        name: name.to_string(),
        vault: "blumeops".to_string(),
        item: item.to_string(),
        keys: strings(keys),
    }
}

/// An RSS reader with a database secret, http probes and a tagged exposure.
fn miniflux() -> App {
    let mut main = container(
        "miniflux",
        image(
            "registry.example/blumeops/miniflux",
            Some("v2.2.17-33b7f0f"),
        ),
    );
    main.env = vec![
        from_secret("DATABASE_URL", "miniflux_db", "url"),
        literal("RUN_MIGRATIONS", "1"),
        literal("BASE_URL", "https://feed.tail1234.ts.net/"),
        literal("POLLING_SCHEDULER", "entry_frequency"),
    ];
    main.ports = strings(&["http"]);
    main.requests = map(&[("memory", "64Mi"), ("cpu", "50m")]);
    main.limits = map(&[("memory", "256Mi"), ("cpu", "200m")]);
    main.liveness = Some(Probe {
        initial_delay: Some(10),
        period: Some(30),
        ..probe(http("/healthcheck", "http"))
    });
    main.readiness = Some(Probe {
        initial_delay: Some(5),
        period: Some(10),
        timeout: Some(2),
        failure_threshold: Some(3),
        success_threshold: None,
        ..probe(http("/healthcheck", "http"))
    });
    App {
        containers: vec![main],
        ports: vec![port("http", 8080)],
        expose: Some(Exposure {
            hostname: "feed".to_string(),
            port: "http".to_string(),
            tags: vec![tag("feed"), tag("homelab")],
            funnel: false,
            annotations: map(&[
                ("gethomepage.dev/enabled", "true"),
                ("gethomepage.dev/name", "Miniflux"),
            ]),
            proxy_group: None,
            proxy_class: None,
            audience: None,
            span: Span::default(),
        }),
        labels: map(&[("tier", "web"), ("app", "ignored")]),
        ..app(
            "miniflux",
            "indri",
            Some("Miniflux, the RSS reader.\nBehind feed.tail1234.ts.net."),
        )
    }
}

/// A two-container app: two secrets, tcp and exec probes, a metrics sidecar, a funnel.
fn teslamate() -> App {
    let mut main = container(
        "teslamate",
        image("registry.example/blumeops/teslamate", Some("v3.0.0")),
    );
    main.env = vec![
        literal(
            "DATABASE_HOST",
            "blumeops-pg-rw.databases.svc.cluster.local",
        ),
        from_secret("DATABASE_PASS", "teslamate_db", "password"),
        from_secret("ENCRYPTION_KEY", "teslamate_keys", "encryption_key"),
        from_secret("DATABASE_USER", "teslamate_db", "username"),
        literal("DISABLE_MQTT", "true"),
    ];
    main.ports = strings(&["http"]);
    main.liveness = Some(probe(ProbeCheck::Tcp {
        port: "http".to_string(),
    }));
    main.startup = Some(Probe {
        period: Some(5),
        failure_threshold: Some(30),
        success_threshold: None,
        ..probe(ProbeCheck::Exec {
            command: strings(&["sh", "-c", "test -f /opt/app/ready"]),
        })
    });
    main.requests = map(&[("cpu", "1"), ("memory", "512Mi")]);
    let mut exporter = container(
        "exporter",
        image("registry.example/tools/exporter", Some("1.4.0")),
    );
    exporter.args = strings(&["--listen=:9000", "--target=localhost:4000"]);
    exporter.ports = strings(&["metrics"]);
    exporter.readiness = Some(probe(http("/metrics", "metrics")));
    App {
        containers: vec![main, exporter],
        ports: vec![port("http", 4000), port("metrics", 9000)],
        expose: Some(Exposure {
            hostname: "tesla".to_string(),
            port: "http".to_string(),
            tags: vec![tag("teslamate")],
            funnel: true,
            annotations: IndexMap::new(),
            proxy_group: None,
            proxy_class: None,
            audience: None,
            span: Span::default(),
        }),
        ..app("teslamate", "indri", None)
    }
}

/// An app on the second cluster: its own namespace, two replicas, command and args, an untagged
/// helper and a helper on the main image's repository at another tag.
fn frigate() -> App {
    let mut main = container(
        "frigate",
        image("ghcr.io/blakeblackshear/frigate", Some("0.14.1")),
    );
    main.command = strings(&["/init"]);
    main.args = strings(&["--config", "/config/config.yml"]);
    main.env = vec![literal("FRIGATE_RTSP_PASSWORD_FILE", "/run/secrets/rtsp")];
    main.ports = strings(&["http", "rtsp"]);
    main.limits = map(&[("nvidia.com/gpu", "1")]);
    main.liveness = Some(probe(http("/api/version", "http")));
    let mut reloader = container("reloader", image("docker.io/library/busybox", None));
    reloader.command = strings(&["sh", "-c", "sleep infinity"]);
    let mut migrate = container(
        "migrate",
        image("ghcr.io/blakeblackshear/frigate", Some("0.14.0")),
    );
    migrate.args = strings(&["--migrate-only"]);
    App {
        namespace: "nvr".to_string(),
        replicas: 2,
        containers: vec![main, reloader, migrate],
        ports: vec![port("http", 5000), port("rtsp", 8554)],
        expose: Some(Exposure {
            hostname: "nvr".to_string(),
            port: "http".to_string(),
            tags: Vec::new(),
            funnel: false,
            annotations: IndexMap::new(),
            proxy_group: None,
            proxy_class: None,
            audience: None,
            span: Span::default(),
        }),
        ..app("frigate", "ringtail", None)
    }
}

/// Two clusters (the first with an ingress proxy group), one repository and three apps.
fn homelab() -> Model {
    Model {
        project: Project {
            name: "blumeops".to_string(),
            repo: Some("blumeops".to_string()),
            ..Project::default()
        },
        clusters: vec![
            Cluster {
                origin: origin("clusters.bops", "cluster indri", None),
                name: "indri".to_string(),
                host: Some("indri".to_string()),
                server: "https://kubernetes.default.svc".to_string(),
                argocd_namespace: "argocd".to_string(),
                secret_store: "onepassword-blumeops".to_string(),
                proxy_group: Some("ingress".to_string()),
                proxy_class: None,
                proxy_tags: None,
                destination_name: None,
            },
            Cluster {
                origin: origin("clusters.bops", "cluster ringtail", None),
                name: "ringtail".to_string(),
                host: Some("ringtail".to_string()),
                server: "https://ringtail.tail1234.ts.net:6443".to_string(),
                argocd_namespace: "argocd".to_string(),
                secret_store: "onepassword".to_string(),
                proxy_group: None,
                proxy_class: None,
                proxy_tags: None,
                destination_name: None,
            },
        ],
        repos: vec![
            Repo {
                origin: origin("repos.bops", "repo upstream", None),
                name: "upstream".to_string(),
                url: "https://github.com/example/upstream.git".to_string(),
                forge: None,
                revision: "v1".to_string(),
            },
            Repo {
                origin: origin("repos.bops", "repo blumeops", None),
                name: "blumeops".to_string(),
                url: "ssh://forgejo@forge.example:2222/eblume/blumeops.git".to_string(),
                forge: None,
                revision: "main".to_string(),
            },
        ],
        secrets: vec![
            secret("miniflux_db", "Miniflux DB", &["url", "password"]),
            secret("teslamate_db", "TeslaMate", &["username", "password"]),
            secret("teslamate_keys", "TeslaMate Keys", &["encryption_key"]),
        ],
        apps: vec![miniflux(), teslamate(), frigate()],
        ..Model::default()
    }
}

fn emit(model: &Model) -> Outputs {
    let mut out = Outputs::new();
    k8s::emit(model, &mut out);
    out
}

/// Every file of a tree, with its path, for one snapshot.
fn listing(out: &Outputs) -> String {
    let mut text = String::new();
    for (path, file) in out {
        text.push_str(&format!(
            "=== {path} (from {})\n{}\n",
            file.sources.join(", "),
            file.contents
        ));
    }
    text
}

fn parse(out: &Outputs, path: &str) -> serde_yaml_ng::Value {
    let Some(file) = out.get(path) else {
        panic!(
            "{path} was not emitted; got {:?}",
            out.keys().collect::<Vec<_>>()
        );
    };
    match serde_yaml_ng::from_str(&file.contents) {
        Ok(v) => v,
        Err(e) => panic!("{path} does not parse: {e}\n{}", file.contents),
    }
}

#[test]
fn homelab_tree() {
    let out = emit(&homelab());
    insta::assert_snapshot!(listing(&out));
}

#[test]
fn every_file_has_the_header_and_parses() {
    let out = emit(&homelab());
    assert!(!out.is_empty());
    for (path, file) in &out {
        assert!(
            file.contents.starts_with("# Generated by bopsc."),
            "{path} has no provenance header"
        );
        let doc = parse(&out, path);
        if !path.ends_with("kustomization.yaml") {
            assert!(
                file.contents.contains("\nmetadata:\n  # From "),
                "{path}: metadata does not name its declaration"
            );
            assert!(doc["metadata"]["name"].is_string(), "{path}");
        }
    }
}

#[test]
fn deployment_names_ports_and_reads_secrets_from_the_external_secret() {
    let out = emit(&homelab());
    let deployment = parse(&out, "argocd/manifests/teslamate/deployment.yaml");
    let spec = &deployment["spec"];
    assert_eq!(spec["selector"]["matchLabels"]["app"], "teslamate");
    assert_eq!(spec["template"]["metadata"]["labels"]["app"], "teslamate");
    let main = &spec["template"]["spec"]["containers"][0];
    assert_eq!(main["image"], "registry.example/blumeops/teslamate");
    assert_eq!(main["ports"][0]["name"], "http");
    assert_eq!(main["ports"][0]["containerPort"], 4000);
    assert_eq!(main["env"][1]["name"], "DATABASE_PASS");
    let key_ref = &main["env"][1]["valueFrom"]["secretKeyRef"];
    assert_eq!(key_ref["name"], "teslamate-db");
    assert_eq!(key_ref["key"], "password");
    assert_eq!(main["env"][4]["value"], "true");
    assert_eq!(main["livenessProbe"]["tcpSocket"]["port"], "http");
    assert_eq!(
        main["startupProbe"]["exec"]["command"][2],
        "test -f /opt/app/ready"
    );
    assert_eq!(main["startupProbe"]["failureThreshold"], 30);
    assert_eq!(main["resources"]["requests"]["cpu"], "1");
    let sidecar = &spec["template"]["spec"]["containers"][1];
    assert_eq!(sidecar["ports"][0]["name"], "metrics");
    assert_eq!(sidecar["readinessProbe"]["httpGet"]["port"], "metrics");

    // The ExternalSecret creates that Secret with the keys the app reads, in declared order.
    let es = parse(
        &out,
        "argocd/manifests/teslamate/external-secret-teslamate-db.yaml",
    );
    assert_eq!(es["apiVersion"], "external-secrets.io/v1");
    assert_eq!(es["spec"]["target"]["name"], "teslamate-db");
    assert_eq!(es["spec"]["secretStoreRef"]["kind"], "ClusterSecretStore");
    assert_eq!(es["spec"]["secretStoreRef"]["name"], "onepassword-blumeops");
    let data = es["spec"]["data"]
        .as_sequence()
        .cloned()
        .unwrap_or_default();
    let keys: Vec<&str> = data
        .iter()
        .filter_map(|d| d["secretKey"].as_str())
        .collect();
    assert_eq!(keys, ["username", "password"]);
    assert_eq!(data[0]["remoteRef"]["key"], "TeslaMate");
    assert_eq!(data[0]["remoteRef"]["property"], "username");
}

#[test]
fn the_app_label_cannot_be_overridden() {
    let out = emit(&homelab());
    let deployment = parse(&out, "argocd/manifests/miniflux/deployment.yaml");
    let labels = &deployment["spec"]["template"]["metadata"]["labels"];
    assert_eq!(labels["app"], "miniflux");
    assert_eq!(labels["tier"], "web");
}

#[test]
fn service_targets_ports_by_name() {
    let out = emit(&homelab());
    let service = parse(&out, "argocd/manifests/frigate/service.yaml");
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert_eq!(service["spec"]["selector"]["app"], "frigate");
    let ports = &service["spec"]["ports"];
    assert_eq!(ports[1]["name"], "rtsp");
    assert_eq!(ports[1]["port"], 8554);
    assert_eq!(ports[1]["targetPort"], "rtsp");
    assert_eq!(service["metadata"]["namespace"], "nvr");
}

#[test]
fn ingress_is_a_tailscale_ingress() {
    let out = emit(&homelab());
    let ingress = parse(&out, "argocd/manifests/miniflux/ingress.yaml");
    assert_eq!(ingress["metadata"]["name"], "miniflux-tailscale");
    let annotations = &ingress["metadata"]["annotations"];
    assert_eq!(annotations["tailscale.com/tags"], "tag:feed,tag:homelab");
    assert_eq!(annotations["tailscale.com/proxy-group"], "ingress");
    assert_eq!(annotations["gethomepage.dev/enabled"], "true");
    assert!(annotations.get("tailscale.com/funnel").is_none());
    assert_eq!(ingress["spec"]["ingressClassName"], "tailscale");
    assert_eq!(
        ingress["spec"]["defaultBackend"]["service"]["name"],
        "miniflux"
    );
    assert_eq!(
        ingress["spec"]["defaultBackend"]["service"]["port"]["number"],
        8080
    );
    assert_eq!(ingress["spec"]["tls"][0]["hosts"][0], "feed");

    let tesla = parse(&out, "argocd/manifests/teslamate/ingress.yaml");
    assert_eq!(
        tesla["metadata"]["annotations"]["tailscale.com/funnel"],
        "true"
    );
    // No proxy group on the second cluster, no tags on its exposure: no annotations at all.
    let nvr = parse(&out, "argocd/manifests/frigate/ingress.yaml");
    assert!(nvr["metadata"].get("annotations").is_none());
}

#[test]
fn kustomization_lists_the_files_and_pins_tags() {
    let out = emit(&homelab());
    let k = parse(&out, "argocd/manifests/teslamate/kustomization.yaml");
    assert_eq!(k["namespace"], "teslamate");
    let resources: Vec<&str> = k["resources"]
        .as_sequence()
        .map(|s| s.iter().filter_map(|r| r.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        resources,
        [
            "deployment.yaml",
            "service.yaml",
            "ingress.yaml",
            "external-secret-teslamate-db.yaml",
            "external-secret-teslamate-keys.yaml",
        ]
    );
    for file in &resources {
        assert!(out.contains_key(&format!("argocd/manifests/teslamate/{file}")));
    }
    assert_eq!(
        k["images"][0]["name"],
        "registry.example/blumeops/teslamate"
    );
    assert_eq!(k["images"][0]["newTag"], "v3.0.0");
    assert_eq!(k["images"][1]["newTag"], "1.4.0");

    // One repository at two tags cannot be pinned by name: both keep their tags inline.
    let frigate = parse(&out, "argocd/manifests/frigate/kustomization.yaml");
    assert!(frigate.get("images").is_none());
    let deployment = parse(&out, "argocd/manifests/frigate/deployment.yaml");
    let containers = &deployment["spec"]["template"]["spec"]["containers"];
    assert_eq!(
        containers[0]["image"],
        "ghcr.io/blakeblackshear/frigate:0.14.1"
    );
    assert_eq!(containers[1]["image"], "docker.io/library/busybox");
    assert_eq!(
        containers[2]["image"],
        "ghcr.io/blakeblackshear/frigate:0.14.0"
    );
}

#[test]
fn applications_point_at_the_project_repo_and_the_apps_cluster() {
    let out = emit(&homelab());
    let frigate = parse(&out, "argocd/apps/frigate.yaml");
    assert_eq!(frigate["kind"], "Application");
    assert_eq!(frigate["metadata"]["namespace"], "argocd");
    let spec = &frigate["spec"];
    assert_eq!(spec["project"], "default");
    assert_eq!(
        spec["source"]["repoURL"],
        "ssh://forgejo@forge.example:2222/eblume/blumeops.git"
    );
    assert_eq!(spec["source"]["targetRevision"], "main");
    assert_eq!(spec["source"]["path"], "argocd/manifests/frigate");
    assert_eq!(
        spec["destination"]["server"],
        "https://ringtail.tail1234.ts.net:6443"
    );
    assert_eq!(spec["destination"]["namespace"], "nvr");
    assert_eq!(spec["syncPolicy"]["syncOptions"][0], "CreateNamespace=true");
    // Manual sync unless the app asks for automated sync, as Argo CD and the corpus default.
    assert!(spec["syncPolicy"].get("automated").is_none());

    let root = parse(&out, "argocd/apps/apps.yaml");
    assert_eq!(root["metadata"]["name"], "apps");
    assert_eq!(root["spec"]["source"]["path"], "argocd/apps");
    assert_eq!(
        root["spec"]["destination"]["server"],
        "https://kubernetes.default.svc"
    );
    assert_eq!(root["spec"]["destination"]["namespace"], "argocd");
}

#[test]
fn paths_sit_under_the_repo_path() {
    let mut model = homelab();
    model.project.repo_path = "clusters/generated/".to_string();
    let out = emit(&model);
    let app = parse(&out, "argocd/apps/miniflux.yaml");
    assert_eq!(
        app["spec"]["source"]["path"],
        "clusters/generated/argocd/manifests/miniflux"
    );
    let root = parse(&out, "argocd/apps/apps.yaml");
    assert_eq!(
        root["spec"]["source"]["path"],
        "clusters/generated/argocd/apps"
    );
}

#[test]
fn the_only_repo_is_used_when_the_project_names_none() {
    let mut model = homelab();
    model.project.repo = None;
    // Two repositories and no choice: no Applications, the manifests still.
    let out = emit(&model);
    assert!(!out.keys().any(|p| p.starts_with("argocd/apps/")));
    assert!(out.contains_key("argocd/manifests/miniflux/deployment.yaml"));
    model.repos.remove(1);
    let out = emit(&model);
    let app = parse(&out, "argocd/apps/miniflux.yaml");
    assert_eq!(
        app["spec"]["source"]["repoURL"],
        "https://github.com/example/upstream.git"
    );
    assert_eq!(app["spec"]["source"]["targetRevision"], "v1");
}

#[test]
fn an_app_without_ports_has_no_service() {
    let mut model = homelab();
    let mut worker = app("worker", "indri", None);
    worker.containers = vec![container(
        "worker",
        image("registry.example/worker", Some("1")),
    )];
    model.apps.push(worker);
    let out = emit(&model);
    let k = parse(&out, "argocd/manifests/worker/kustomization.yaml");
    assert_eq!(k["resources"].as_sequence().map(Vec::len), Some(1));
    assert!(!out.contains_key("argocd/manifests/worker/service.yaml"));
    assert_eq!(k["images"][0]["newTag"], "1");
}

#[test]
fn the_application_carries_the_apps_doc_comment() {
    let out = emit(&homelab());
    let text = out
        .get("argocd/apps/miniflux.yaml")
        .map(|f| f.contents.as_str())
        .unwrap_or_default();
    assert!(text.contains("#\n# Miniflux, the RSS reader.\n# Behind feed.tail1234.ts.net.\n---\n"));
}

#[test]
fn a_project_without_apps_has_no_argocd_tree() {
    let mut model = homelab();
    model.apps.clear();
    assert!(emit(&model).is_empty());
}

#[test]
fn output_is_deterministic() {
    let model = homelab();
    assert_eq!(emit(&model), emit(&model));
}

/// Writes the tree under `$BOPS_DUMP_DIR` for `/work/shared/tools/verify/run`.
#[test]
#[allow(clippy::disallowed_methods)] // Tests may touch the filesystem; the library may not.
fn dump_for_the_real_tools() {
    let Some(dir) = std::env::var_os("BOPS_DUMP_DIR") else {
        return;
    };
    let out = emit(&homelab());
    for (path, f) in &out {
        let target = std::path::Path::new(&dir).join(path);
        if let Some(parent) = target.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                panic!("cannot create {}: {e}", parent.display());
            }
        }
        if let Err(e) = std::fs::write(&target, &f.contents) {
            panic!("cannot write {}: {e}", target.display());
        }
    }
}
