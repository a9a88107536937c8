//! Times `compile` (parse, check, rules and emit) on generated projects of 100 and 1,000 apps and
//! on the example project, and prints the median and the minimum over several runs.
//!
//! Run it with `cargo bench -p bops_core`. The generated projects are written in memory: every app
//! has its own tag, a grant to that tag, a secret reference and a tailnet exposure, and every ten
//! apps share a host that carries a tag the grants reach, so that every stage and every rule has
//! work proportional to the size.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use bops_core::{compile, Input, InputFile};

/// A project of `apps` apps, split into files of 50 apps each.
fn generated(apps: usize) -> Input {
    let mut files = Vec::new();
    let mut main = String::from(
        "tailnet bench { domain = \"tail0000.ts.net\" }\n\n\
         user alice { email = \"alice@example.com\", admin = true }\n\
         user bob { email = \"bob@example.com\" }\n\
         group team { members = [user.alice, user.bob] }\n\n\
         tag managed { owners = [autogroup.admin, tag.managed] }\n\
         tag server { owners = [autogroup.admin, tag.managed] }\n\
         tag k8s { owners = [autogroup.admin, tag.managed] }\n\n\
         grant admins_all { src = [autogroup.admin], dst = [any], ip = [any] }\n\
         grant servers_mesh { src = [tag.server], dst = [tag.server], ip = [any] }\n\n\
         cluster main { secret_store = \"onepassword\", proxy_group = \"ingress\" }\n\
         repo infra { url = \"https://git.example.com/infra.git\" }\n",
    );
    for s in 0..apps.div_ceil(10) {
        main.push_str(&format!(
            "secret db{s} {{ vault = \"Bench\", item = \"db-{s}\", keys = [\"url\", \"password\"] }}\n\
             host node{s} {{ tags = [tag.server], user = \"ops\", vars = {{ shard = {s} }} }}\n"
        ));
    }
    files.push(InputFile {
        path: "main.bops".to_string(),
        text: main,
    });

    for chunk in 0..apps.div_ceil(50) {
        let mut text = String::new();
        for i in chunk * 50..((chunk + 1) * 50).min(apps) {
            text.push_str(&format!(
                "/// App number {i}.\n\
                 tag app{i} {{ owners = [autogroup.admin, tag.k8s] }}\n\
                 grant team_to_app{i} {{ src = [group.team], dst = [tag.app{i}], ip = [tcp(443)] }}\n\
                 app app{i} on cluster.main {{\n\
                 \x20 image = \"registry.example.com/team/app{i}:v1.{i}\"\n\
                 \x20 replicas = {replicas}\n\
                 \x20 ports = {{ http = 8080, metrics = 9090 }}\n\
                 \x20 env = {{ DATABASE_URL = secret.db{s}.url, MODE = \"prod\", INDEX = {i} }}\n\
                 \x20 resources = {{ requests = {{ cpu = 50m, memory = 64Mi }}, limits = {{ memory = 256Mi }} }}\n\
                 \x20 expose = {{ hostname = \"app{i}\", port = self.ports.http, tags = [tag.app{i}] }}\n\
                 }}\n\n",
                replicas = 1 + i % 3,
                s = i / 10,
            ));
        }
        files.push(InputFile {
            path: format!("apps/part{chunk:03}.bops"),
            text,
        });
    }
    Input {
        manifest: Some("[project]\nname = \"bench\"\n\n[output]\nrepo = \"infra\"\n".to_string()),
        files,
        assets: BTreeMap::new(),
    }
}

/// The example project, read from `examples/homelab`, if it is there.
fn example() -> Option<Input> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/homelab");
    let read = |p: &Path| {
        std::fs::read(p)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let mut files = Vec::new();
    let mut assets = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            let rel = path
                .strip_prefix(&root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                if !rel.starts_with("generated") {
                    stack.push(path);
                }
            } else if rel.ends_with(".bops") {
                files.push(InputFile {
                    path: rel,
                    text: read(&path)?,
                });
            } else if rel.starts_with("roles/") {
                assets.insert(rel, read(&path)?);
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Some(Input {
        manifest: read(&root.join("bops.toml")),
        files,
        assets,
    })
}

/// The clock, for timing only: the compiler itself never reads it.
#[allow(clippy::disallowed_methods)]
fn now() -> Instant {
    Instant::now()
}

/// Compiles `input` `runs` times (after one warm-up) and prints the timings.
fn bench(name: &str, input: &Input, runs: usize) {
    let warm = compile(input);
    let errors: Vec<String> = warm
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .take(5)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect();
    if !errors.is_empty() {
        println!(
            "{name:<22} does not compile, not timed: {}",
            errors.join("; ")
        );
        return;
    }
    let outputs = warm.outputs.as_ref().map_or(0, |o| o.len());
    let lines: usize = input.files.iter().map(|f| f.text.lines().count()).sum();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = now();
            let compilation = compile(input);
            let elapsed = start.elapsed();
            std::hint::black_box(compilation);
            elapsed
        })
        .collect();
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let min = times.first().copied().unwrap_or_default();
    println!(
        "{name:<22} {files:>4} files {lines:>6} lines -> {outputs:>5} outputs   median {median:>9.2?}   min {min:>9.2?}   ({runs} runs)",
        files = input.files.len(),
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and wants it quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs = |n: usize| if quick { 1 } else { n };
    println!("bops compile benchmark (parse + check + rules + emit, in memory)");
    match example() {
        Some(input) => bench("examples/homelab", &input, runs(50)),
        None => println!("examples/homelab not found, not timed"),
    }
    bench("generated, 100 apps", &generated(100), runs(20));
    bench("generated, 1000 apps", &generated(1000), runs(10));
}
