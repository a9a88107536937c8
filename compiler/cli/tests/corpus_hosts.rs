//! The `blumeops` example against the corpus it describes: the hosts side, the Ansible tree of
//! `../shared/corpus/blumeops/ansible/`.
//!
//! What `bopsc build examples/blumeops` writes under `ansible/` must configure the hosts the way
//! the corpus does:
//!
//! - its inventory (`hosts.yml`, `group_vars/all.yml`, `host_vars/sifaka.yml`) is the corpus's,
//!   compared as parsed YAML (comments and layout ignored) with a readable diff;
//! - indri's playbook applies the corpus's roles, in order, with the same tags, and its
//!   `pre_tasks` read the same 1Password references into the same facts under the same tags,
//!   safely (on the controller, output hidden), with no item id written anywhere but inside an
//!   `op://` reference;
//! - the caddy role's routes, once their Jinja references are resolved, are the corpus's, and they
//!   are derived from the tailnet rather than written out: the tailnet's MagicDNS suffix is written
//!   once in the example's sources, as the tailnet's `domain`.
//!
//! Each comparison is a function from the corpus's tree and a generated one to the problems it
//! finds, so that the last test can run them on the corpus itself, rewritten the way a compiler
//! might write it (other key order, tags as lists, one `set_fact` a fact, routes given in the
//! play): they must accept that, and find each change made to it.
//!
//! The corpus sits beside the checkout (`../shared`), in CI too; a user's clone has no corpus, and
//! then every test here prints `skipped: ../shared/corpus not found` and passes. The YAML reading,
//! roles and secrets are in `corpus/ansible.rs`, the Jinja resolution in `corpus/jinja.rs`, the
//! reading of `.bops` sources in `corpus/derived.rs`, the JSON diff in `corpus/json.rs`.

// A panic is how a test fails; tests read and write files freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

#[path = "corpus/ansible.rs"]
mod ansible;
mod common;
// Only the diff is used here; the HuJSON parser is for the tailnet's tests.
#[path = "corpus/derived.rs"]
mod derived;
#[path = "corpus/jinja.rs"]
mod jinja;
#[allow(dead_code)]
#[path = "corpus/json.rs"]
mod json;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use ansible::{
    bare_mentions, is_item_id, item_of, pre_tasks, role_vars, roles, secret_facts,
    unsafe_secret_tasks, yaml_file, SecretFact, Secrets,
};
use common::{bopsc, files_under, must, read, TempDir};
use derived::derivation_problem;
use jinja::resolve;
use json::json_diff;

/// The inventory files the example must generate as the corpus has them, relative to
/// `ansible/inventory/`.
const INVENTORY: [&str; 3] = ["hosts.yml", "group_vars/all.yml", "host_vars/sifaka.yml"];

/// The host whose playbook is compared.
const HOST: &str = "indri";

/// The role whose routes are compared.
const CADDY: &str = "caddy";

/// The parameters of the caddy role that hold its routes: HTTPS by host name, and TCP by port.
const CADDY_ROUTES: [&str; 2] = ["caddy_services", "caddy_tcp_services"];

/// The MagicDNS suffix of the corpus's tailnet: every caddy backend on the tailnet ends with it.
const MAGIC_DNS: &str = "tail8d86e.ts.net";

/// The root of the workspace.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The example that describes the corpus.
fn example_dir() -> PathBuf {
    workspace_root().join("examples/blumeops")
}

/// The corpus's Ansible tree, or `None` (after printing the skip notice) when `../shared` has no
/// corpus.
fn corpus_ansible() -> Option<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/blumeops");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus not found");
        return None;
    }
    let ansible = corpus.join("ansible");
    assert!(
        ansible.join("inventory/hosts.yml").is_file()
            && ansible.join(format!("playbooks/{HOST}.yml")).is_file(),
        "{} exists but has no ansible/inventory/hosts.yml and ansible/playbooks/{HOST}.yml",
        corpus.display()
    );
    Some(ansible)
}

/// Builds the example into a temporary directory and returns it with the output directory.
fn build_example(name: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new(name);
    let out = tmp.path().join("generated");
    let run = bopsc(&[
        "build",
        example_dir().to_str().expect("UTF-8 path"),
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(
        run.code,
        Some(0),
        "examples/blumeops does not build:\n{}",
        run.dump()
    );
    assert!(
        out.join("ansible").is_dir(),
        "examples/blumeops generates no ansible/ tree; it generates:\n  {}",
        files_under(&out).join("\n  ")
    );
    (tmp, out)
}

/// A value as indented JSON, for messages.
fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// The one play of a host's playbook in an Ansible tree, or what is wrong with the file.
fn host_play(ansible: &Path, host: &str) -> Result<Value, String> {
    let path = ansible.join(format!("playbooks/{host}.yml"));
    if !path.is_file() {
        return Err(format!("there is no playbooks/{host}.yml"));
    }
    let plays = yaml_file(&path);
    let Some(plays) = plays.as_array() else {
        return Err(format!("playbooks/{host}.yml is not a list of plays"));
    };
    let [play] = plays.as_slice() else {
        return Err(format!(
            "playbooks/{host}.yml should be one play, for {host}; it is:\n{}",
            pretty(&Value::Array(plays.clone()))
        ));
    };
    let hosts = match &play["hosts"] {
        Value::Array(list) => list.clone(),
        other => vec![other.clone()],
    };
    if hosts != vec![Value::from(host)] {
        return Err(format!(
            "the play of playbooks/{host}.yml is for hosts {}, not {host}",
            play["hosts"]
        ));
    }
    Ok(play.clone())
}

// ------------------------------------------------------------------------ (a) the inventory

/// What differs between the corpus's inventory and a generated one (both `ansible/` trees), file
/// by file and path by path.
fn inventory_problems(corpus: &Path, generated: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for rel in INVENTORY {
        let expected_path = corpus.join("inventory").join(rel);
        let found_path = generated.join("inventory").join(rel);
        if !found_path.is_file() {
            problems.push(format!(
                "inventory/{rel}: not generated; the corpus's is:\n{}",
                read(&expected_path)
            ));
            continue;
        }
        let expected = yaml_file(&expected_path);
        let found = yaml_file(&found_path);
        let diff = json_diff(&expected, &found);
        if diff.is_empty() {
            continue;
        }
        problems.push(format!(
            "inventory/{rel}: {} differences (expected is the corpus's):\n  {}\n\
             --- the corpus's ---\n{}\n--- the example's ---\n{}",
            diff.len(),
            diff.join("\n  "),
            pretty(&expected),
            pretty(&found)
        ));
    }
    problems
}

#[test]
fn inventory_is_the_corpus_inventory() {
    let Some(corpus) = corpus_ansible() else {
        return;
    };
    let (_tmp, out) = build_example("corpus-inventory");
    let problems = inventory_problems(&corpus, &out.join("ansible"));
    assert!(
        problems.is_empty(),
        "examples/blumeops's Ansible inventory is not the corpus's:\n\n{}",
        problems.join("\n\n")
    );
}

// --------------------------------------------------------------- (b) indri's roles and secrets

/// The lines that tell two maps of secret facts apart.
fn facts_diff(
    expected: &BTreeMap<String, SecretFact>,
    found: &BTreeMap<String, SecretFact>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (fact, want) in expected {
        match found.get(fact) {
            None => out.push(format!(
                "missing fact {fact} = {} (tags {:?})",
                want.url, want.tags
            )),
            Some(got) if got != want => out.push(format!(
                "fact {fact}: expected {} (tags {:?}), found {} (tags {:?})",
                want.url, want.tags, got.url, got.tags
            )),
            Some(_) => {}
        }
    }
    for (fact, got) in found {
        if !expected.contains_key(fact) {
            out.push(format!(
                "unexpected fact {fact} = {} (tags {:?})",
                got.url, got.tags
            ));
        }
    }
    out
}

/// Secret facts as text, one a line, for messages.
fn facts_text(facts: &BTreeMap<String, SecretFact>) -> String {
    facts
        .iter()
        .map(|(fact, f)| format!("  {fact} = {} (tags {:?})", f.url, f.tags))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Roles with their tags as text, one a line, for messages.
fn roles_text(roles: &[(String, Vec<String>)]) -> String {
    roles
        .iter()
        .map(|(role, tags)| format!("  {role} (tags {tags:?})"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The corpus's indri play and the secrets its `pre_tasks` fetch, failing the test when the
/// corpus no longer reads as fetches and facts.
fn corpus_indri(corpus: &Path) -> (Value, Secrets) {
    let play = host_play(corpus, HOST).unwrap_or_else(|e| panic!("the corpus: {e}"));
    let tasks = pre_tasks(&play).unwrap_or_else(|e| panic!("the corpus: {e}"));
    let secrets = secret_facts(tasks);
    assert!(
        secrets.problems.is_empty(),
        "the corpus's pre_tasks no longer read as fetches and facts:\n{}",
        secrets.problems.join("\n")
    );
    assert!(
        !secrets.facts.is_empty(),
        "the corpus's playbooks/{HOST}.yml fetches no secret"
    );
    (play, secrets)
}

/// What is wrong with a build's indri playbook against the corpus's (an `ansible/` tree and the
/// build's output directory): its roles and tags, the secrets it fetches, how safely it fetches
/// them, and 1Password item ids written outside `op://` references anywhere in the output.
fn indri_problems(corpus: &Path, out: &Path) -> Vec<String> {
    let (expected_play, expected) = corpus_indri(corpus);
    let mut problems = Vec::new();
    let found_play = match host_play(&out.join("ansible"), HOST) {
        Ok(play) => play,
        Err(e) => return vec![e],
    };

    // The roles, in order, with their tags (`tags: x` is `tags: [x]`).
    let expected_roles = roles(&expected_play).expect("the corpus's roles");
    match roles(&found_play) {
        Err(e) => problems.push(format!("the roles of playbooks/{HOST}.yml: {e}")),
        Ok(found_roles) if found_roles != expected_roles => problems.push(format!(
            "the roles of playbooks/{HOST}.yml, as (role, tags) in order, are not the \
             corpus's:\n--- the corpus's ---\n{}\n--- the example's ---\n{}",
            roles_text(&expected_roles),
            roles_text(&found_roles)
        )),
        Ok(_) => {}
    }

    // The secrets: fact -> (1Password reference, tags), however the tasks are grouped.
    let found_tasks = match pre_tasks(&found_play) {
        Ok(tasks) => tasks,
        Err(e) => {
            problems.push(format!("playbooks/{HOST}.yml: {e}"));
            &[]
        }
    };
    let found = secret_facts(found_tasks);
    for problem in &found.problems {
        problems.push(format!(
            "playbooks/{HOST}.yml fetches secrets and sets facts that do not fit together: \
             {problem}"
        ));
    }
    let diff = facts_diff(&expected.facts, &found.facts);
    if !diff.is_empty() {
        problems.push(format!(
            "the secrets of playbooks/{HOST}.yml are not the corpus's:\n  {}\n\
             --- the corpus's ---\n{}\n--- the example's ---\n{}",
            diff.join("\n  "),
            facts_text(&expected.facts),
            facts_text(&found.facts)
        ));
    }

    // Fetched on the controller, never shown, never reported as a change, run in check mode.
    for problem in unsafe_secret_tasks(found_tasks) {
        problems.push(format!(
            "playbooks/{HOST}.yml fetches secrets unsafely: {problem}"
        ));
    }

    // An item id appears only inside an `op://` reference, in every generated file.
    let mut ids: Vec<&str> = expected
        .facts
        .values()
        .filter_map(|f| item_of(&f.url))
        .filter(|item| is_item_id(item))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert!(!ids.is_empty(), "the corpus's secrets name no item id");
    for rel in files_under(out) {
        let text = read(&out.join(&rel));
        for id in &ids {
            let count = bare_mentions(&text, id);
            if count > 0 {
                problems.push(format!(
                    "{rel} writes the 1Password item id {id} outside an op:// reference \
                     ({count} time(s))"
                ));
            }
        }
    }
    problems
}

#[test]
fn indri_playbook_has_the_corpus_roles_and_secrets() {
    let Some(corpus) = corpus_ansible() else {
        return;
    };
    let (_tmp, out) = build_example("corpus-indri");
    let problems = indri_problems(&corpus, &out);
    assert!(
        problems.is_empty(),
        "examples/blumeops's playbooks/{HOST}.yml does not apply the corpus's roles with its \
         secrets:\n\n{}",
        problems.join("\n\n")
    );
}

// ------------------------------------------------------------------------ (c) caddy's routes

/// The caddy routes an Ansible tree gives indri: each route parameter as the play's caddy `vars`
/// give it, else as the role's defaults, with its Jinja references resolved from those `vars`,
/// the inventory's `group_vars/all.yml` and the role's defaults (in Ansible's precedence).
fn caddy_routes(ansible: &Path) -> Result<Value, String> {
    let play = host_play(ansible, HOST)?;
    let defaults_path = format!("roles/{CADDY}/defaults/main.yml");
    if !ansible.join(&defaults_path).is_file() {
        return Err(format!("there is no {defaults_path}"));
    }
    let defaults = yaml_file(&ansible.join(&defaults_path));
    let Some(defaults) = defaults.as_object() else {
        return Err(format!("{defaults_path} is not a mapping"));
    };
    let all = yaml_file(&ansible.join("inventory/group_vars/all.yml"));
    let Some(all) = all.as_object() else {
        return Err("inventory/group_vars/all.yml is not a mapping".to_string());
    };
    let no_vars = Map::new();
    let vars = role_vars(&play, CADDY).unwrap_or(&no_vars);
    let layers = [vars, all, defaults];

    let mut routes = Map::new();
    for parameter in CADDY_ROUTES {
        let Some(value) = vars.get(parameter).or_else(|| defaults.get(parameter)) else {
            return Err(format!(
                "no {parameter}: neither the {CADDY} role's vars in playbooks/{HOST}.yml nor \
                 {defaults_path} set it"
            ));
        };
        let resolved = resolve(value, &layers).map_err(|names| {
            format!(
                "{parameter} refers to variables that cannot be resolved: {}\n{}",
                names.join(", "),
                pretty(value)
            )
        })?;
        routes.insert(parameter.to_string(), resolved);
    }
    Ok(Value::Object(routes))
}

/// What differs between the corpus's caddy routes and a generated tree's, resolved.
fn caddy_problems(corpus: &Path, generated: &Path) -> Vec<String> {
    let expected = caddy_routes(corpus).unwrap_or_else(|e| panic!("the corpus: {e}"));
    let found = match caddy_routes(generated) {
        Ok(found) => found,
        Err(e) => return vec![e],
    };
    let diff = json_diff(&expected, &found);
    if diff.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "the caddy routes for {HOST}, resolved, are not the corpus's ({} differences; expected is \
         the corpus):\n  {}\n--- the corpus's ---\n{}\n--- the example's ---\n{}",
        diff.len(),
        diff.join("\n  "),
        pretty(&expected),
        pretty(&found)
    )]
}

#[test]
fn caddy_routes_are_derived_and_equal() {
    let Some(corpus) = corpus_ansible() else {
        return;
    };
    let expected = caddy_routes(&corpus).unwrap_or_else(|e| panic!("the corpus: {e}"));
    assert!(
        expected.to_string().contains(MAGIC_DNS),
        "the corpus's caddy routes no longer proxy to {MAGIC_DNS}: the derivation check would \
         say nothing"
    );
    let (_tmp, out) = build_example("corpus-caddy");
    let problems = caddy_problems(&corpus, &out.join("ansible"));
    assert!(
        problems.is_empty(),
        "examples/blumeops's caddy routes are not the corpus's:\n\n{}",
        problems.join("\n\n")
    );
    // The routes proxy to the tailnet's MagicDNS names: the example must derive them from the
    // tailnet's domain, not write the names out.
    if let Some(problem) = derivation_problem(&example_dir(), MAGIC_DNS) {
        panic!("examples/blumeops writes out what it should derive: {problem}");
    }
}

// ------------------------------------------------------------- (d) the checks themselves

/// A value with the keys of every mapping in reverse order.
fn reversed(value: &Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .rev()
                .map(|(k, v)| (k.clone(), reversed(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
        other => other.clone(),
    }
}

/// Writes a value as a generated YAML file: `#` header lines, `---`, then the document.
fn write_yaml(dir: &TempDir, rel: &str, value: &Value) {
    let yaml = must(serde_yaml_ng::to_string(value), "write YAML");
    dir.write(
        rel,
        &format!("# Generated for a test.\n# Source: none\n---\n{yaml}"),
    );
}

/// The corpus's indri play written differently but meaning the same: tags as lists, every
/// `set_fact` split into one task a fact, and the caddy routes moved into the role's `vars`, the
/// TCP routes resolved to plain values and the HTTP routes still referring to `caddy_domain`,
/// given there.
fn reworded_play(corpus: &Path) -> Value {
    let mut play = host_play(corpus, HOST).expect("the corpus's play");
    let as_list = |task: &mut Map<String, Value>| {
        let list = ansible::tags(task.get("tags")).expect("tags");
        task.insert("tags".to_string(), Value::from(list));
    };
    let mut tasks = Vec::new();
    for task in pre_tasks(&play).expect("pre_tasks") {
        let mut task = task.as_object().expect("a task").clone();
        as_list(&mut task);
        let Some(Value::Object(facts)) = task.remove("ansible.builtin.set_fact") else {
            tasks.push(Value::Object(task));
            continue;
        };
        for (fact, value) in facts {
            let mut one = task.clone();
            one.insert("name".to_string(), Value::from(format!("Set {fact}")));
            let set = serde_json::json!({ fact: value });
            one.insert("ansible.builtin.set_fact".to_string(), set);
            tasks.push(Value::Object(one));
        }
    }
    play["pre_tasks"] = Value::Array(tasks);

    let defaults = yaml_file(&corpus.join(format!("roles/{CADDY}/defaults/main.yml")));
    let all = yaml_file(&corpus.join("inventory/group_vars/all.yml"));
    let layers = [
        all.as_object().expect("all"),
        defaults.as_object().expect("defaults"),
    ];
    let tcp = resolve(&defaults["caddy_tcp_services"], &layers).expect("the TCP routes");
    for role in play["roles"].as_array_mut().expect("roles") {
        let role = role.as_object_mut().expect("a role");
        as_list(role);
        if role["role"] == CADDY {
            let vars = serde_json::json!({
                "caddy_domain": defaults["caddy_domain"],
                "caddy_services": defaults["caddy_services"],
                "caddy_tcp_services": tcp,
            });
            role.insert("vars".to_string(), vars);
        }
    }
    play
}

/// The corpus's Ansible files as a build might write them, with the same meaning, under
/// `generated/` in a temporary directory: the inventory with its keys reordered, the reworded
/// indri play, caddy's defaults without the routes (given in the play) and `group_vars/all.yml`.
fn reworded_corpus(corpus: &Path, play: &Value) -> TempDir {
    let dir = TempDir::new("corpus-reworded");
    for rel in INVENTORY {
        let value = reversed(&yaml_file(&corpus.join("inventory").join(rel)));
        write_yaml(&dir, &format!("generated/ansible/inventory/{rel}"), &value);
    }
    let mut defaults = yaml_file(&corpus.join(format!("roles/{CADDY}/defaults/main.yml")));
    for parameter in CADDY_ROUTES {
        defaults
            .as_object_mut()
            .expect("defaults")
            .remove(parameter);
    }
    write_yaml(
        &dir,
        &format!("generated/ansible/roles/{CADDY}/defaults/main.yml"),
        &defaults,
    );
    write_yaml(
        &dir,
        &format!("generated/ansible/playbooks/{HOST}.yml"),
        &Value::Array(vec![play.clone()]),
    );
    dir
}

/// Every problem the three comparisons find in a reworded corpus.
fn all_problems(corpus: &Path, dir: &TempDir) -> Vec<String> {
    let out = dir.path().join("generated");
    let ansible = out.join("ansible");
    let mut problems = inventory_problems(corpus, &ansible);
    problems.extend(indri_problems(corpus, &out));
    problems.extend(caddy_problems(corpus, &ansible));
    problems
}

#[test]
fn the_checks_accept_the_corpus_reworded_and_reject_it_changed() {
    let Some(corpus) = corpus_ansible() else {
        return;
    };
    let play = reworded_play(&corpus);
    let dir = reworded_corpus(&corpus, &play);
    let problems = all_problems(&corpus, &dir);
    assert!(
        problems.is_empty(),
        "the checks reject the corpus itself, reworded:\n{}",
        problems.join("\n\n")
    );

    // Each change below is one problem, named where it is.
    let rejects = |dir: &TempDir, change: &str, needle: &str| {
        let problems = all_problems(&corpus, dir);
        assert!(
            problems.len() == 1 && problems[0].contains(needle),
            "{change}: expected one problem mentioning {needle:?}, found:\n{}",
            problems.join("\n\n")
        );
    };

    let mut changed = play.clone();
    let last_fact = changed["pre_tasks"]
        .as_array()
        .expect("pre_tasks")
        .iter()
        .rposition(|t| t.get("ansible.builtin.set_fact").is_some())
        .expect("a set_fact");
    let removed = changed["pre_tasks"]
        .as_array_mut()
        .expect("pre_tasks")
        .remove(last_fact);
    let fact = removed["ansible.builtin.set_fact"]
        .as_object()
        .and_then(|f| f.keys().next().cloned())
        .expect("a fact");
    // The fact is missing, and its fetch is now read by nothing.
    let problems = all_problems(&corpus, &reworded_corpus(&corpus, &changed));
    assert!(
        problems.len() == 2
            && problems
                .iter()
                .any(|p| p.contains(&format!("missing fact {fact}"))),
        "a missing fact: {problems:#?}"
    );

    let mut changed = play.clone();
    changed["roles"][0]["tags"] = serde_json::json!(["other"]);
    rejects(
        &reworded_corpus(&corpus, &changed),
        "a role's tag",
        "\"other\"",
    );

    // A secret fetched and set under another tag.
    let mut changed = play.clone();
    let register = changed["pre_tasks"][0]["register"].clone();
    let stdout = format!("{}.stdout", register.as_str().expect("a register"));
    for task in changed["pre_tasks"].as_array_mut().expect("pre_tasks") {
        let sets = task["ansible.builtin.set_fact"]
            .to_string()
            .contains(&stdout);
        if sets || task["register"] == register {
            task["tags"] = serde_json::json!(["other"]);
        }
    }
    rejects(
        &reworded_corpus(&corpus, &changed),
        "a secret's tag",
        "(tags {\"other\"})",
    );

    let mut changed = play.clone();
    changed["pre_tasks"][0]
        .as_object_mut()
        .expect("a task")
        .remove("no_log");
    rejects(
        &reworded_corpus(&corpus, &changed),
        "an unsafe fetch",
        "no_log",
    );

    let mut changed = play.clone();
    let caddy = changed["roles"]
        .as_array_mut()
        .expect("roles")
        .iter_mut()
        .find(|r| r["role"] == CADDY)
        .expect("caddy");
    caddy["vars"]["caddy_services"][0]["backend"] = Value::from("http://localhost:1");
    rejects(
        &reworded_corpus(&corpus, &changed),
        "a route",
        "caddy_services[0].backend",
    );

    let dir = reworded_corpus(&corpus, &play);
    let hosts = dir
        .path()
        .join("generated/ansible/inventory/host_vars/sifaka.yml");
    let text = read(&hosts).replace("eblume", "root");
    dir.write("generated/ansible/inventory/host_vars/sifaka.yml", &text);
    rejects(&dir, "a host variable", "$.ansible_user");

    let dir = reworded_corpus(&corpus, &play);
    let (_, secrets) = corpus_indri(&corpus);
    let id = secrets
        .facts
        .values()
        .find_map(|f| item_of(&f.url).map(str::to_string))
        .expect("an item");
    dir.write("generated/README.md", &format!("The item {id}.\n"));
    rejects(&dir, "an item id", "README.md writes the 1Password item id");
}
