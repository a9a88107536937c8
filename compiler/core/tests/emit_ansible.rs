//! Tests of the Ansible emitter on hand-built models: snapshots of the emitted tree, the handling
//! of secrets, defaults, groups and role files, and (with `BOPS_DUMP_DIR` set) a dump of the tree
//! for the real tools (`/work/shared/tools/verify/run`).

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use bops_core::emit::ansible;
use bops_core::model::{
    Data, Host, HostGroup, Model, Origin, ParamType, Project, Role, RoleParam, RoleUse, Secret,
    SecretRef,
};
use bops_core::{Outputs, Span};
use indexmap::IndexMap;

fn origin(file: &str, decl: &str) -> Origin {
    Origin {
        span: Span::default(),
        file: file.to_string(),
        decl: decl.to_string(),
        doc: None,
    }
}

fn s(text: &str) -> Data {
    Data::Str(text.to_string())
}

fn secret(name: &str, key: &str) -> Data {
    Data::Secret(SecretRef {
        secret: name.to_string(),
        key: key.to_string(),
    })
}

fn vars(entries: &[(&str, Data)]) -> IndexMap<String, Data> {
    entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn host(name: &str) -> Host {
    Host {
        owner: None,
        origin: origin("hosts.bops", &format!("host {name}")),
        name: name.to_string(),
        device: name.to_string(),
        tags: Vec::new(),
        manage_tags: true,
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
}

fn role_use(role: &str, args: &[(&str, Data)], tags: &[&str]) -> RoleUse {
    RoleUse {
        role: role.to_string(),
        args: vars(args),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        when: None,
        become_root: None,
        span: Span::default(),
    }
}

fn param(name: &str, ty: &str, default: Option<Data>) -> RoleParam {
    let kind = match ty {
        "string" => ParamType::Str,
        "int" => ParamType::Int,
        "port" => ParamType::Port,
        "bool" => ParamType::Bool,
        "SecretKey" => ParamType::Secret,
        "list<any>" => ParamType::List(Box::new(ParamType::Any)),
        _ => ParamType::Any,
    };
    RoleParam {
        name: name.to_string(),
        ty: ty.to_string(),
        kind,
        default,
        doc: None,
    }
}

fn group(name: &str, hosts: &[&str], children: &[&str], vars: IndexMap<String, Data>) -> HostGroup {
    HostGroup {
        origin: origin("hosts.bops", &format!("hostgroup {name}")),
        name: name.to_string(),
        hosts: hosts.iter().map(|h| h.to_string()).collect(),
        children: children.iter().map(|c| c.to_string()).collect(),
        vars,
        play: Default::default(),
    }
}

fn one_password(name: &str, item: &str, keys: &[&str]) -> Secret {
    Secret {
        origin: origin("secrets.bops", &format!("secret {name}")),
        name: name.to_string(),
        vault: "Homelab".to_string(),
        item: item.to_string(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
    }
}

/// Three hosts with roles, variables and secrets, a workstation in no group, and groups with
/// children and variables, one of them the root group `all`.
fn homelab() -> Model {
    let mut indri = host("indri");
    indri.vars = vars(&[("caddy_admin_email", s("ops@example.com"))]);
    indri.play.roles = vec![
        role_use(
            "caddy",
            &[
                ("caddy_domain", s("ops.example.com")),
                ("caddy_port", Data::Int(443)),
                ("caddy_gandi_token", secret("gandi", "pat")),
            ],
            &[],
        ),
        role_use(
            "borgmatic",
            &[
                ("borgmatic_db_password", secret("borgmatic", "db-password")),
                (
                    "borgmatic_repositories",
                    Data::List(vec![Data::Map(vars(&[
                        ("path", s("ssh://x1@x1.repo.borgbase.com/./repo")),
                        ("label", s("borgbase")),
                        ("ssh_key", secret("borgmatic", "ssh-key")),
                    ]))]),
                ),
                ("borgmatic_keep_daily", Data::Int(7)),
            ],
            &["borgmatic", "backup"],
        ),
        role_use("node_exporter", &[], &[]),
    ];

    let mut ringtail = host("ringtail");
    ringtail.device = "ringtail-nixos".to_string();
    ringtail.user = Some("eblume".to_string());
    ringtail.play.become_root = true;
    ringtail.play.gather_facts = false;
    ringtail.vars = vars(&[
        ("runner_token", secret("forgejo", "runner reg")),
        ("runner_labels", Data::List(vec![s("nixos"), s("x86_64")])),
        ("runner_debug", Data::Bool(false)),
        ("runner_note", Data::Null),
    ]);
    ringtail.play.roles = vec![
        role_use(
            "node_exporter",
            &[("node_exporter_version", s("1.9.0"))],
            &[],
        ),
        role_use(
            "caddy",
            &[
                ("caddy_domain", s("ringtail.example.com")),
                ("caddy_port", Data::Int(8443)),
                ("caddy_gandi_token", secret("gandi", "pat")),
            ],
            &[],
        ),
    ];

    let mut sifaka = host("sifaka");
    sifaka.user = Some("eblume".to_string());
    sifaka.python = Some("/usr/bin/python3".to_string());

    let mut gilbert = host("gilbert");
    gilbert.connection = Some("local".to_string());
    gilbert.manage_tags = false;

    Model {
        project: Project {
            name: "homelab".to_string(),
            ..Project::default()
        },
        hosts: vec![indri, ringtail, sifaka, gilbert],
        host_groups: vec![
            group(
                "all",
                &[],
                &[],
                vars(&[
                    ("ansible_managed", s("Managed by bops: do not edit.")),
                    ("metrics_port", Data::Int(9100)),
                ]),
            ),
            group(
                "servers",
                &["indri", "ringtail"],
                &["nas"],
                vars(&[
                    ("ntp_server", s("time.example.com")),
                    ("alertmanager_token", secret("alerts", "token")),
                ]),
            ),
            group("nas", &["sifaka"], &[], IndexMap::new()),
            group("backup", &["indri", "sifaka"], &[], IndexMap::new()),
        ],
        roles: vec![
            Role {
                origin: origin("roles.bops", "role caddy"),
                name: "caddy".to_string(),
                params: vec![
                    param("caddy_domain", "string", None),
                    param("caddy_port", "port", Some(Data::Int(443))),
                    param("caddy_gandi_token", "SecretKey", None),
                ],
                source: Some("roles/caddy".to_string()),
            },
            Role {
                origin: origin("roles.bops", "role borgmatic"),
                name: "borgmatic".to_string(),
                params: vec![
                    param("borgmatic_db_password", "SecretKey", None),
                    param("borgmatic_repositories", "list<any>", None),
                    param("borgmatic_keep_daily", "int", Some(Data::Int(3))),
                ],
                source: Some("./roles/borgmatic/".to_string()),
            },
            Role {
                origin: origin("roles.bops", "role node_exporter"),
                name: "node_exporter".to_string(),
                params: vec![param("node_exporter_version", "string", Some(s("1.8.2")))],
                source: Some("roles/node_exporter".to_string()),
            },
        ],
        secrets: vec![
            one_password("gandi", "Gandi", &["pat"]),
            one_password("borgmatic", "Borgmatic", &["db-password", "ssh-key"]),
            one_password("forgejo", "Forgejo Secrets", &["runner reg"]),
            one_password("alerts", "Alertmanager", &["token"]),
        ],
        ..Model::default()
    }
}

/// A minimal, lint-clean role: a task per parameter using builtin modules, defaults for the
/// optional parameters, galaxy metadata, and a non-YAML template.
fn role_files(name: &str, params: &[(&str, Option<&str>)]) -> Vec<(String, String)> {
    let mut tasks = String::from("---\n");
    for (param, _) in params {
        tasks.push_str(&format!(
            "- name: Show {param}\n  ansible.builtin.debug:\n    msg: \"{param} is set\"\n  when: {param} is defined\n\n"
        ));
    }
    tasks.push_str(&format!(
        "- name: Write the {name} marker\n  ansible.builtin.template:\n    src: marker.j2\n    dest: /tmp/{name}.marker\n    mode: \"0644\"\n"
    ));
    let mut defaults = String::from("---\n");
    for (param, default) in params {
        if let Some(value) = default {
            defaults.push_str(&format!("{param}: {value}\n"));
        }
    }
    if defaults == "---\n" {
        defaults.push_str("{}\n");
    }
    let meta = format!(
        "---\ngalaxy_info:\n  author: Example\n  description: The {name} role.\n  license: Apache-2.0\n  min_ansible_version: \"2.15\"\n  platforms:\n    - name: Debian\n      versions:\n        - all\ndependencies: []\n"
    );
    vec![
        (format!("roles/{name}/tasks/main.yml"), tasks),
        (format!("roles/{name}/defaults/main.yml"), defaults),
        (format!("roles/{name}/meta/main.yml"), meta),
        (
            format!("roles/{name}/templates/marker.j2"),
            format!("# {name}: {{{{ ansible_managed }}}}\n"),
        ),
    ]
}

fn assets() -> BTreeMap<String, String> {
    let mut assets = BTreeMap::new();
    let roles = [
        (
            "caddy",
            vec![
                ("caddy_domain", None),
                ("caddy_port", Some("443")),
                ("caddy_gandi_token", None),
            ],
        ),
        (
            "borgmatic",
            vec![
                ("borgmatic_db_password", None),
                ("borgmatic_repositories", None),
                ("borgmatic_keep_daily", Some("3")),
            ],
        ),
        (
            "node_exporter",
            vec![("node_exporter_version", Some("\"1.8.2\""))],
        ),
    ];
    for (name, params) in roles {
        assets.extend(role_files(name, &params));
    }
    // A file of another directory that must not be copied.
    assets.insert(
        "roles/caddy-old/tasks/main.yml".to_string(),
        "---\n[]\n".to_string(),
    );
    assets
}

fn emit(model: &Model, assets: &BTreeMap<String, String>) -> Outputs {
    let mut out = Outputs::new();
    ansible::emit(model, assets, &mut out);
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

fn file<'o>(out: &'o Outputs, path: &str) -> &'o str {
    match out.get(path) {
        Some(f) => &f.contents,
        None => panic!(
            "{path} was not emitted; got {:?}",
            out.keys().collect::<Vec<_>>()
        ),
    }
}

fn parse(text: &str) -> serde_yaml_ng::Value {
    match serde_yaml_ng::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("emitted YAML does not parse: {e}\n{text}"),
    }
}

#[test]
fn homelab_tree() {
    let out = emit(&homelab(), &assets());
    insta::assert_snapshot!(listing(&out));
}

#[test]
fn emitted_yaml_parses_and_starts_with_the_header() {
    let out = emit(&homelab(), &assets());
    for (path, f) in &out {
        let yaml = path.ends_with(".yml");
        if path.starts_with("ansible/roles/") && !yaml {
            // Other files of a role are copied byte for byte (see the next test).
            continue;
        }
        assert!(
            f.contents.starts_with("# Generated by bopsc."),
            "{path} has no provenance header"
        );
        if yaml {
            parse(&f.contents);
        }
    }
}

#[test]
fn inventory_places_hosts_in_groups_and_ungrouped_hosts_under_all() {
    let out = emit(&homelab(), &assets());
    let inv = parse(file(&out, "ansible/inventory/hosts.yml"));
    let all = &inv["all"];
    // Only gilbert is in no group.
    let ungrouped: Vec<&str> = all["hosts"]
        .as_mapping()
        .map(|m| m.keys().filter_map(|k| k.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ungrouped, ["gilbert"]);
    assert_eq!(all["hosts"]["gilbert"]["ansible_connection"], "local");
    let servers = &all["children"]["servers"];
    assert_eq!(servers["hosts"]["indri"]["ansible_host"], "indri");
    assert_eq!(
        servers["hosts"]["ringtail"]["ansible_host"],
        "ringtail-nixos"
    );
    assert_eq!(servers["hosts"]["ringtail"]["ansible_user"], "eblume");
    assert!(servers["children"]["nas"].is_mapping());
    assert_eq!(
        all["children"]["nas"]["hosts"]["sifaka"]["ansible_python_interpreter"],
        "/usr/bin/python3"
    );
    // A host's connection variables are written once: at its second group it is bare.
    let backup = &all["children"]["backup"]["hosts"];
    assert_eq!(backup["indri"].as_mapping().map(|m| m.len()), Some(0));
    // The group named `all` is the root, not a child of itself.
    assert!(all["children"].get("all").is_none());
}

#[test]
fn variable_files_are_written_only_when_there_are_variables() {
    let out = emit(&homelab(), &assets());
    assert!(out.contains_key("ansible/inventory/host_vars/indri.yml"));
    assert!(out.contains_key("ansible/inventory/host_vars/ringtail.yml"));
    assert!(!out.contains_key("ansible/inventory/host_vars/sifaka.yml"));
    assert!(out.contains_key("ansible/inventory/group_vars/all.yml"));
    assert!(out.contains_key("ansible/inventory/group_vars/servers.yml"));
    assert!(!out.contains_key("ansible/inventory/group_vars/nas.yml"));
    let servers = parse(file(&out, "ansible/inventory/group_vars/servers.yml"));
    assert_eq!(servers["alertmanager_token"], "{{ secret_alerts_token }}");
}

#[test]
fn secrets_are_read_in_pre_tasks_and_never_written() {
    let out = emit(&homelab(), &assets());
    let book = parse(file(&out, "ansible/playbooks/indri.yml"));
    let play = &book[0];
    let tasks = play["pre_tasks"].as_sequence().cloned().unwrap_or_default();
    let fetches: Vec<&serde_yaml_ng::Value> = tasks
        .iter()
        .filter(|t| t.get("ansible.builtin.command").is_some())
        .collect();
    let commands: Vec<&str> = fetches
        .iter()
        .filter_map(|t| t["ansible.builtin.command"]["cmd"].as_str())
        .collect();
    // The group variable of `servers` first, then each role's secrets once.
    assert_eq!(
        commands,
        [
            "op read \"op://Homelab/Alertmanager/token\"",
            "op read \"op://Homelab/Gandi/pat\"",
            "op read \"op://Homelab/Borgmatic/db-password\"",
            "op read \"op://Homelab/Borgmatic/ssh-key\"",
        ]
    );
    for task in &tasks {
        assert_eq!(task["no_log"], true);
    }
    for fetch in &fetches {
        assert_eq!(fetch["delegate_to"], "localhost");
        assert_eq!(fetch["changed_when"], false);
        assert_eq!(fetch["check_mode"], false);
    }
    assert_eq!(
        fetches.first().map(|t| &t["tags"][0]),
        Some(&"always".into())
    );
    assert_eq!(fetches.get(1).map(|t| &t["tags"][0]), Some(&"caddy".into()));
    // A secret passed whole to a role parameter is read into a fact of the parameter's name,
    // which the role finds without an argument.
    let roles = &play["roles"];
    assert!(roles[0]["vars"].get("caddy_gandi_token").is_none());
    assert_eq!(fetches[1]["register"], "_caddy_gandi_token");
    assert!(tasks
        .iter()
        .any(|t| t["ansible.builtin.set_fact"]["caddy_gandi_token"]
            == "{{ _caddy_gandi_token.stdout }}"));
    // One nested in an argument gets the project-wide fact.
    assert_eq!(
        roles[1]["vars"]["borgmatic_repositories"][0]["ssh_key"],
        "{{ secret_borgmatic_ssh_key }}"
    );
}

#[test]
fn fetches_do_not_become_root_on_the_controller() {
    let out = emit(&homelab(), &assets());
    let book = parse(file(&out, "ansible/playbooks/ringtail.yml"));
    let play = &book[0];
    assert_eq!(play["become"], true);
    assert_eq!(play["gather_facts"], false);
    let tasks = play["pre_tasks"].as_sequence().cloned().unwrap_or_default();
    let fetch = tasks.first().cloned().unwrap_or_default();
    assert_eq!(
        fetch["ansible.builtin.command"]["cmd"],
        "op read \"op://Homelab/Forgejo Secrets/runner reg\""
    );
    assert_eq!(fetch["become"], false);
    assert_eq!(fetch["register"], "_secret_forgejo_runner_reg");
    let indri = parse(file(&out, "ansible/playbooks/indri.yml"));
    assert!(indri[0]["pre_tasks"][0].get("become").is_none());
}

#[test]
fn arguments_left_at_their_default_are_not_passed() {
    let out = emit(&homelab(), &assets());
    let indri = parse(file(&out, "ansible/playbooks/indri.yml"));
    let caddy = &indri[0]["roles"][0];
    assert_eq!(caddy["role"], "caddy");
    assert!(caddy["vars"].get("caddy_port").is_none());
    assert_eq!(caddy["vars"]["caddy_domain"], "ops.example.com");
    // A role with no arguments, or only defaults, has no `vars`.
    assert!(indri[0]["roles"][2].get("vars").is_none());
    assert_eq!(indri[0]["roles"][1]["vars"]["borgmatic_keep_daily"], 7);
    assert_eq!(indri[0]["roles"][1]["tags"][1], "backup");
    let ringtail = parse(file(&out, "ansible/playbooks/ringtail.yml"));
    assert_eq!(ringtail[0]["roles"][1]["vars"]["caddy_port"], 8443);
}

#[test]
fn only_hosts_with_roles_get_a_playbook() {
    let out = emit(&homelab(), &assets());
    let books: Vec<&String> = out
        .keys()
        .filter(|p| p.starts_with("ansible/playbooks/"))
        .collect();
    assert_eq!(
        books,
        [
            "ansible/playbooks/indri.yml",
            "ansible/playbooks/ringtail.yml"
        ]
    );
}

#[test]
fn facts_do_not_collide_with_variables_or_parameters() {
    let mut model = homelab();
    // A role parameter with exactly the name the fact would get.
    if let Some(role) = model.roles.first_mut() {
        role.params
            .push(param("secret_borgmatic_ssh_key", "string", Some(s("x"))));
    }
    let out = emit(&model, &assets());
    let book = parse(file(&out, "ansible/playbooks/indri.yml"));
    assert_eq!(
        book[0]["roles"][1]["vars"]["borgmatic_repositories"][0]["ssh_key"],
        "{{ secret_borgmatic_ssh_key_2 }}"
    );
    let text = file(&out, "ansible/playbooks/indri.yml");
    assert!(
        text.contains("secret_borgmatic_ssh_key_2: \"{{ _secret_borgmatic_ssh_key_2.stdout }}\"")
    );
}

#[test]
fn role_files_are_copied_with_headers_on_yaml_only() {
    let assets = assets();
    let out = emit(&homelab(), &assets);
    let tasks = file(&out, "ansible/roles/borgmatic/tasks/main.yml");
    assert!(tasks.starts_with("# Generated by bopsc."));
    assert!(tasks.contains("# Copied from roles/borgmatic/tasks/main.yml.\n---\n"));
    assert!(tasks.ends_with(
        assets
            .get("roles/borgmatic/tasks/main.yml")
            .map(String::as_str)
            .unwrap_or("missing")
    ));
    assert_eq!(
        Some(file(&out, "ansible/roles/caddy/templates/marker.j2")),
        assets
            .get("roles/caddy/templates/marker.j2")
            .map(String::as_str)
    );
    assert!(!out.keys().any(|p| p.contains("caddy-old")));
}

#[test]
fn config_makes_the_tree_self_contained() {
    let out = emit(&homelab(), &assets());
    let cfg = file(&out, "ansible/ansible.cfg");
    assert!(cfg.starts_with("# Generated by bopsc."));
    assert!(cfg.contains("[defaults]\ninventory = inventory/hosts.yml\nroles_path = roles\n"));
}

#[test]
fn an_empty_project_has_no_ansible_tree() {
    assert!(emit(&Model::default(), &BTreeMap::new()).is_empty());
}

#[test]
fn output_is_deterministic() {
    let model = homelab();
    let assets = assets();
    assert_eq!(emit(&model, &assets), emit(&model, &assets));
}

/// Writes the tree under `$BOPS_DUMP_DIR` for `/work/shared/tools/verify/run`.
#[test]
#[allow(clippy::disallowed_methods)] // Tests may touch the filesystem; the library may not.
fn dump_for_the_real_tools() {
    let Some(dir) = std::env::var_os("BOPS_DUMP_DIR") else {
        return;
    };
    let out = emit(&homelab(), &assets());
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
