//! The schema of an app and of the Kubernetes types it is made of: containers, probes, volumes,
//! pods, Services, storage, configuration, secrets, access rights and jobs.
//!
//! Every type is a closed record with snake_case fields, checked here; the lowering checks what a
//! type cannot say (exactly one source of a volume, exactly one check of a probe), and the
//! emitter writes the fields in Kubernetes' camelCase.

use super::{defaulted, field, named, optional, record, strings, Kind};
use crate::check::types::{FieldDefault, FieldType, Type};

/// `"a" | "b"`: one of a few strings.
fn one_of(values: &[&'static str]) -> Type {
    Type::Union(values.iter().map(|v| Type::Literal(v)).collect())
}

/// `map<string> = {}`.
fn string_map(name: &str) -> FieldType {
    defaulted(name, Type::map(Type::String), FieldDefault::EmptyRecord)
}

/// `int | string`: a count or a percentage (`1`, `"25%"`).
fn int_or_string() -> Type {
    Type::Union(vec![Type::Int, Type::String])
}

/// The fields of an `app`.
pub(super) fn app_fields() -> Vec<FieldType> {
    let mut fields = vec![
        field("cluster", Type::Ref(Kind::Cluster)),
        defaulted("namespace", Type::String, FieldDefault::Name),
        defaulted("workload_name", Type::String, FieldDefault::Name),
        defaulted(
            "kind",
            one_of(&["deployment", "statefulset", "daemonset"]),
            FieldDefault::Str("deployment"),
        ),
        defaulted("replicas", Type::Int, FieldDefault::Int(1)),
        optional("container_name", Type::String),
        // No image: the app has no workload of its own (a Helm chart or vendored manifests
        // deploy it, or its directory holds only other objects).
        optional("image", Type::String),
        defaulted("ports", Type::map(Type::Port), FieldDefault::EmptyRecord),
        defaulted("produces", produces(), FieldDefault::EmptyRecord),
        defaulted(
            "custom_resources",
            Type::list(custom_resource()),
            FieldDefault::EmptyList,
        ),
        defaulted(
            "image_overrides",
            Type::list(record(vec![
                field("name", Type::String),
                optional("new_name", Type::String),
                optional("new_tag", Type::String),
                optional("digest", Type::String),
            ])),
            FieldDefault::EmptyList,
        ),
    ];
    fields.extend(container_fields());
    fields.extend(vec![
        defaulted("sidecars", Type::list(container()), FieldDefault::EmptyList),
        defaulted(
            "init_containers",
            Type::list(container()),
            FieldDefault::EmptyList,
        ),
        defaulted("volumes", Type::map(volume()), FieldDefault::EmptyRecord),
        defaulted("pod", pod(), FieldDefault::EmptyRecord),
        optional("strategy", strategy()),
        optional("expose", exposure()),
        string_map("labels"),
        string_map("annotations"),
        defaulted("service", service(), FieldDefault::EmptyRecord),
        defaulted(
            "volume_claims",
            Type::map(volume_claim()),
            FieldDefault::EmptyRecord,
        ),
        defaulted(
            "persistent_volumes",
            Type::map(persistent_volume()),
            FieldDefault::EmptyRecord,
        ),
        defaulted(
            "config_maps",
            Type::map(config_map()),
            FieldDefault::EmptyRecord,
        ),
        defaulted(
            "external_secrets",
            Type::map(external_secret()),
            FieldDefault::EmptyRecord,
        ),
        defaulted(
            "service_accounts",
            Type::map(service_account()),
            FieldDefault::EmptyRecord,
        ),
        defaulted("roles", Type::map(role()), FieldDefault::EmptyRecord),
        defaulted(
            "cluster_roles",
            Type::map(role()),
            FieldDefault::EmptyRecord,
        ),
        defaulted(
            "role_bindings",
            Type::map(role_binding()),
            FieldDefault::EmptyRecord,
        ),
        defaulted(
            "cluster_role_bindings",
            Type::map(role_binding()),
            FieldDefault::EmptyRecord,
        ),
        optional("disruption_budget", disruption_budget()),
        defaulted("cronjobs", Type::map(cron_job()), FieldDefault::EmptyRecord),
        defaulted("jobs", Type::map(job()), FieldDefault::EmptyRecord),
        optional(
            "namespace_metadata",
            record(vec![string_map("labels"), string_map("annotations")]),
        ),
        defaulted(
            "runtime_classes",
            Type::map(runtime_class()),
            FieldDefault::EmptyRecord,
        ),
        defaulted(
            "manifests",
            Type::list(Type::map(Type::Any)),
            FieldDefault::EmptyList,
        ),
    ]);
    fields
}

/// The fields of a `cluster`.
pub(super) fn cluster_fields() -> Vec<FieldType> {
    vec![
        optional("host", Type::Ref(Kind::Host)),
        defaulted(
            "server",
            Type::String,
            FieldDefault::Str("https://kubernetes.default.svc"),
        ),
        defaulted(
            "argocd_namespace",
            Type::String,
            FieldDefault::Str("argocd"),
        ),
        defaulted(
            "secret_store",
            Type::String,
            FieldDefault::Str("onepassword"),
        ),
        optional("proxy_group", Type::String),
        optional("proxy_class", Type::String),
        optional("proxy_tags", Type::list(Type::Ref(Kind::Tag))),
        optional("destination_name", Type::String),
    ]
}

/// The environment of a container: literals, secret keys, and references to other objects.
fn env() -> Type {
    Type::map(Type::Union(vec![
        Type::String,
        Type::Int,
        Type::Bool,
        Type::SecretKey,
        env_source(),
    ]))
}

/// A variable whose value Kubernetes looks up: `secret_key_ref(name, key)`,
/// `config_map_key(name, key)`, `field_ref(path)`, `resource_field_ref(resource)`.
pub fn env_source() -> Type {
    let key_ref = || {
        record(vec![
            field("name", Type::String),
            field("key", Type::String),
            optional("optional", Type::Bool),
        ])
    };
    named(
        "EnvSource",
        record(vec![
            optional("secret_key_ref", key_ref()),
            optional("config_map_key_ref", key_ref()),
            optional("field_ref", Type::String),
            optional(
                "resource_field_ref",
                record(vec![
                    field("resource", Type::String),
                    optional("container", Type::String),
                    optional("divisor", Type::Quantity),
                ]),
            ),
        ]),
    )
}

/// An `env_from` entry: every key of a ConfigMap or a Secret.
fn env_from() -> Type {
    named(
        "EnvFrom",
        record(vec![
            optional("config_map", Type::String),
            optional("secret", Type::String),
            optional("prefix", Type::String),
            optional("optional", Type::Bool),
        ]),
    )
}

fn resources() -> Type {
    record(vec![
        optional("requests", Type::map(Type::Quantity)),
        optional("limits", Type::map(Type::Quantity)),
    ])
}

fn probes() -> Type {
    record(vec![
        optional("liveness", probe()),
        optional("readiness", probe()),
        optional("startup", probe()),
    ])
}

/// A container probe.
pub fn probe() -> Type {
    named(
        "Probe",
        record(vec![
            optional("http_get", Type::String),
            optional("tcp_socket", Type::Port),
            optional("exec", strings()),
            optional("port", Type::Port),
            optional("initial_delay", Type::Duration),
            optional("period", Type::Duration),
            optional("timeout", Type::Duration),
            optional("failure_threshold", Type::Int),
            optional("success_threshold", Type::Int),
        ]),
    )
}

/// A volume mount.
pub fn mount() -> Type {
    named(
        "Mount",
        record(vec![
            field("volume", Type::String),
            field("path", Type::String),
            optional("sub_path", Type::String),
            defaulted("read_only", Type::Bool, FieldDefault::Bool(false)),
        ]),
    )
}

/// Linux capabilities to add and drop.
fn capabilities() -> Type {
    record(vec![
        defaulted("add", strings(), FieldDefault::EmptyList),
        defaulted("drop", strings(), FieldDefault::EmptyList),
    ])
}

fn seccomp_profile() -> Type {
    record(vec![
        field(
            "type",
            one_of(&["RuntimeDefault", "Unconfined", "Localhost"]),
        ),
        optional("localhost_profile", Type::String),
    ])
}

/// A container's security context.
pub fn container_security() -> Type {
    named(
        "SecurityContext",
        record(vec![
            optional("run_as_user", Type::Int),
            optional("run_as_group", Type::Int),
            optional("run_as_non_root", Type::Bool),
            optional("allow_privilege_escalation", Type::Bool),
            optional("read_only_root_filesystem", Type::Bool),
            optional("privileged", Type::Bool),
            optional("capabilities", capabilities()),
            optional("seccomp_profile", seccomp_profile()),
        ]),
    )
}

/// A pod's security context.
pub fn pod_security() -> Type {
    named(
        "PodSecurityContext",
        record(vec![
            optional("run_as_user", Type::Int),
            optional("run_as_group", Type::Int),
            optional("run_as_non_root", Type::Bool),
            optional("fs_group", Type::Int),
            optional(
                "fs_group_change_policy",
                one_of(&["Always", "OnRootMismatch"]),
            ),
            optional("supplemental_groups", Type::list(Type::Int)),
            optional("seccomp_profile", seccomp_profile()),
            optional(
                "sysctls",
                Type::list(record(vec![
                    field("name", Type::String),
                    field("value", Type::String),
                ])),
            ),
        ]),
    )
}

/// The fields a container shares with an app's main container.
fn container_fields() -> Vec<FieldType> {
    vec![
        defaulted("command", strings(), FieldDefault::EmptyList),
        defaulted("args", strings(), FieldDefault::EmptyList),
        defaulted("env", env(), FieldDefault::EmptyRecord),
        defaulted("env_from", Type::list(env_from()), FieldDefault::EmptyList),
        defaulted("resources", resources(), FieldDefault::EmptyRecord),
        defaulted("probes", probes(), FieldDefault::EmptyRecord),
        defaulted("mounts", Type::list(mount()), FieldDefault::EmptyList),
        optional("security", container_security()),
        optional("working_dir", Type::String),
        optional(
            "image_pull_policy",
            one_of(&["Always", "IfNotPresent", "Never"]),
        ),
    ]
}

/// A container besides an app's main one: a sidecar, an init container, a job's container.
pub fn container() -> Type {
    let mut fields = vec![
        field("name", Type::String),
        field("image", Type::String),
        defaulted("ports", Type::list(Type::Port), FieldDefault::EmptyList),
        // `Always` on an init container makes it a native sidecar that keeps running.
        optional("restart_policy", Type::Literal("Always")),
    ];
    fields.extend(container_fields());
    named("Container", record(fields))
}

/// An app's tailnet exposure.
pub fn exposure() -> Type {
    named(
        "Exposure",
        record(vec![
            defaulted("hostname", Type::String, FieldDefault::Name),
            field("port", Type::Port),
            defaulted(
                "tags",
                Type::list(Type::Ref(Kind::Tag)),
                FieldDefault::EmptyList,
            ),
            defaulted("funnel", Type::Bool, FieldDefault::Bool(false)),
            string_map("annotations"),
            optional("proxy_group", Type::String),
            optional("proxy_class", Type::String),
            // Who the exposure is for; the rules prove it from the grants (B3090, B3091).
            optional("audience", Type::list(super::policy::owner())),
        ]),
    )
}

/// What the app's other sources (a Helm chart, vendored manifests) create, declared so that
/// other things can reference it; nothing is written for it.
fn produces() -> Type {
    record(vec![
        defaulted(
            "services",
            Type::map(record(vec![
                defaulted("ports", Type::map(Type::Port), FieldDefault::EmptyRecord),
                string_map("selector"),
            ])),
            FieldDefault::EmptyRecord,
        ),
        defaulted(
            "exposures",
            Type::map(record(vec![
                // The entry's key unless given.
                optional("hostname", Type::String),
                defaulted(
                    "kind",
                    one_of(&["ingress", "load_balancer"]),
                    FieldDefault::Str("ingress"),
                ),
                optional("service", Type::String),
                defaulted(
                    "tags",
                    Type::list(Type::Ref(Kind::Tag)),
                    FieldDefault::EmptyList,
                ),
                defaulted("funnel", Type::Bool, FieldDefault::Bool(false)),
            ])),
            FieldDefault::EmptyRecord,
        ),
    ])
}

/// A custom resource, `k8s.custom(api_version, kind, name, spec)`: its spec is written as the
/// resource's definition spells it.
fn custom_resource() -> Type {
    record(vec![
        field("api_version", Type::String),
        field("kind", Type::String),
        field("name", Type::String),
        optional("namespace", Type::String),
        defaulted("cluster_scoped", Type::Bool, FieldDefault::Bool(false)),
        defaulted("spec", Type::map(Type::Any), FieldDefault::EmptyRecord),
        string_map("labels"),
        string_map("annotations"),
    ])
}

/// A file of the project, `k8s.file("config/server.yml")`: its path relative to the project
/// root.
pub fn file() -> Type {
    named("File", record(vec![field("file", Type::String)]))
}

/// ConfigMap or Secret keys as files of a volume.
fn key_files() -> Type {
    record(vec![
        field("name", Type::String),
        // An octal mode as text (`"0755"`) or a number (`493`).
        optional("default_mode", Type::Union(vec![Type::String, Type::Int])),
        optional(
            "items",
            Type::list(record(vec![
                field("key", Type::String),
                field("path", Type::String),
                optional("mode", Type::Union(vec![Type::String, Type::Int])),
            ])),
        ),
        optional("optional", Type::Bool),
    ])
}

/// A pod volume: exactly one source.
pub fn volume() -> Type {
    named(
        "Volume",
        record(vec![
            optional("claim", Type::String),
            optional(
                "nfs",
                record(vec![
                    field("server", Type::String),
                    field("path", Type::String),
                ]),
            ),
            optional(
                "host_path",
                record(vec![
                    field("path", Type::String),
                    optional("type", Type::String),
                ]),
            ),
            optional("config_map", key_files()),
            optional("secret", key_files()),
            optional(
                "empty_dir",
                record(vec![
                    optional("medium", one_of(&["", "Memory"])),
                    optional("size_limit", Type::Quantity),
                ]),
            ),
            optional("read_only", Type::Bool),
        ]),
    )
}

/// A toleration of node taints.
fn toleration() -> Type {
    record(vec![
        optional("key", Type::String),
        optional("operator", one_of(&["Exists", "Equal"])),
        optional("value", Type::String),
        optional(
            "effect",
            one_of(&["NoSchedule", "PreferNoSchedule", "NoExecute"]),
        ),
        optional("toleration_seconds", Type::Int),
    ])
}

/// The settings of a pod besides its containers and volumes.
pub fn pod() -> Type {
    named(
        "PodSettings",
        record(vec![
            optional("security", pod_security()),
            optional("node_selector", Type::map(Type::String)),
            optional("tolerations", Type::list(toleration())),
            optional("runtime_class", Type::String),
            optional("service_account", Type::String),
            optional("automount_service_account_token", Type::Bool),
            optional("host_network", Type::Bool),
            optional("host_pid", Type::Bool),
            optional(
                "dns_policy",
                one_of(&["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]),
            ),
            optional("restart_policy", one_of(&["Always", "OnFailure", "Never"])),
            optional("termination_grace_period", Type::Duration),
            optional("priority_class", Type::String),
            optional("enable_service_links", Type::Bool),
            optional("share_process_namespace", Type::Bool),
            optional("hostname", Type::String),
            optional("image_pull_secrets", strings()),
            // Affinity has a deep schema of its own; it is passed through as written.
            optional("affinity", Type::map(Type::Any)),
            string_map("labels"),
            string_map("annotations"),
        ]),
    )
}

/// How a workload replaces its pods.
pub fn strategy() -> Type {
    named(
        "Strategy",
        record(vec![
            defaulted(
                "type",
                one_of(&["RollingUpdate", "Recreate", "OnDelete"]),
                FieldDefault::Str("RollingUpdate"),
            ),
            optional("max_surge", int_or_string()),
            optional("max_unavailable", int_or_string()),
            optional("partition", Type::Int),
        ]),
    )
}

/// The app's Service.
pub fn service() -> Type {
    named(
        "ServiceSettings",
        record(vec![
            defaulted("enabled", Type::Bool, FieldDefault::Bool(true)),
            defaulted(
                "type",
                one_of(&["ClusterIP", "LoadBalancer", "NodePort"]),
                FieldDefault::Str("ClusterIP"),
            ),
            defaulted("named_ports", Type::Bool, FieldDefault::Bool(true)),
            optional("load_balancer_class", Type::String),
            optional("hostname", Type::String),
            defaulted(
                "tags",
                Type::list(Type::Ref(Kind::Tag)),
                FieldDefault::EmptyList,
            ),
            optional("cluster_ip", Type::String),
            string_map("annotations"),
            string_map("labels"),
        ]),
    )
}

/// A volume access mode.
fn access_mode() -> Type {
    one_of(&[
        "ReadWriteOnce",
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOncePod",
    ])
}

/// A PersistentVolumeClaim of the app.
fn volume_claim() -> Type {
    named(
        "VolumeClaim",
        record(vec![
            field("access_modes", Type::list(access_mode())),
            optional("storage_class", Type::String),
            optional("volume_name", Type::String),
            field("size", Type::Quantity),
            optional("volume_mode", one_of(&["Filesystem", "Block"])),
            string_map("labels"),
            string_map("annotations"),
        ]),
    )
}

/// A PersistentVolume of the app.
fn persistent_volume() -> Type {
    named(
        "PersistentVolume",
        record(vec![
            field("capacity", Type::Quantity),
            field("access_modes", Type::list(access_mode())),
            optional("reclaim_policy", one_of(&["Retain", "Delete", "Recycle"])),
            optional("storage_class", Type::String),
            optional("volume_mode", one_of(&["Filesystem", "Block"])),
            defaulted("mount_options", strings(), FieldDefault::EmptyList),
            optional(
                "nfs",
                record(vec![
                    field("server", Type::String),
                    field("path", Type::String),
                    optional("read_only", Type::Bool),
                ]),
            ),
            optional(
                "host_path",
                record(vec![
                    field("path", Type::String),
                    optional("type", Type::String),
                ]),
            ),
            string_map("labels"),
        ]),
    )
}

/// A ConfigMap: literal keys, keys from project files, or both.
fn config_map() -> Type {
    named(
        "ConfigMap",
        record(vec![
            string_map("data"),
            defaulted("files", Type::map(file()), FieldDefault::EmptyRecord),
            optional("generated", Type::Bool),
            string_map("labels"),
        ]),
    )
}

/// An ExternalSecret: a Kubernetes Secret's keys from fields of 1Password items.
fn external_secret() -> Type {
    named(
        "ExternalSecret",
        record(vec![
            field("data", Type::map(Type::SecretKey)),
            optional("target", Type::String),
            optional("store", Type::String),
            defaulted(
                "store_kind",
                one_of(&["ClusterSecretStore", "SecretStore"]),
                FieldDefault::Str("ClusterSecretStore"),
            ),
            optional("refresh_interval", Type::Duration),
            defaulted(
                "creation_policy",
                one_of(&["Owner", "Orphan", "Merge", "None"]),
                FieldDefault::Str("Owner"),
            ),
            string_map("template"),
            optional("template_type", Type::String),
        ]),
    )
}

/// A rule of a Role.
fn policy_rule() -> Type {
    named(
        "PolicyRule",
        record(vec![
            defaulted("api_groups", strings(), FieldDefault::EmptyList),
            defaulted("resources", strings(), FieldDefault::EmptyList),
            defaulted("resource_names", strings(), FieldDefault::EmptyList),
            field("verbs", strings()),
            defaulted("non_resource_urls", strings(), FieldDefault::EmptyList),
        ]),
    )
}

/// A ServiceAccount, with the Role (`rules`) and ClusterRole (`cluster_rules`) it is bound to.
fn service_account() -> Type {
    named(
        "ServiceAccount",
        record(vec![
            string_map("annotations"),
            optional("automount_token", Type::Bool),
            defaulted("rules", Type::list(policy_rule()), FieldDefault::EmptyList),
            defaulted(
                "cluster_rules",
                Type::list(policy_rule()),
                FieldDefault::EmptyList,
            ),
        ]),
    )
}

/// A Role or ClusterRole.
fn role() -> Type {
    named(
        "Role",
        record(vec![field("rules", Type::list(policy_rule()))]),
    )
}

/// A RoleBinding or ClusterRoleBinding.
fn role_binding() -> Type {
    named(
        "RoleBinding",
        record(vec![
            field("role", Type::String),
            defaulted("cluster_role", Type::Bool, FieldDefault::Bool(false)),
            field(
                "subjects",
                Type::list(record(vec![
                    defaulted(
                        "kind",
                        one_of(&["ServiceAccount", "User", "Group"]),
                        FieldDefault::Str("ServiceAccount"),
                    ),
                    field("name", Type::String),
                    optional("namespace", Type::String),
                ])),
            ),
        ]),
    )
}

/// The app's PodDisruptionBudget.
fn disruption_budget() -> Type {
    named(
        "DisruptionBudget",
        record(vec![
            optional("min_available", int_or_string()),
            optional("max_unavailable", int_or_string()),
        ]),
    )
}

/// The fields of a Job, which a CronJob shares.
fn job_fields() -> Vec<FieldType> {
    vec![
        field("containers", Type::list(container())),
        defaulted(
            "init_containers",
            Type::list(container()),
            FieldDefault::EmptyList,
        ),
        defaulted("volumes", Type::map(volume()), FieldDefault::EmptyRecord),
        defaulted("pod", pod(), FieldDefault::EmptyRecord),
        optional("ttl_after_finished", Type::Duration),
        optional("backoff_limit", Type::Int),
        optional("active_deadline", Type::Duration),
        optional("parallelism", Type::Int),
        optional("completions", Type::Int),
        string_map("labels"),
        string_map("annotations"),
    ]
}

/// A Job of the app.
fn job() -> Type {
    named("Job", record(job_fields()))
}

/// A CronJob of the app.
fn cron_job() -> Type {
    let mut fields = vec![
        field("schedule", Type::String),
        optional(
            "concurrency_policy",
            one_of(&["Allow", "Forbid", "Replace"]),
        ),
        optional("time_zone", Type::String),
        optional("suspend", Type::Bool),
        optional("starting_deadline", Type::Duration),
        optional("successful_history", Type::Int),
        optional("failed_history", Type::Int),
    ];
    fields.extend(job_fields());
    named("CronJob", record(fields))
}

/// A RuntimeClass.
fn runtime_class() -> Type {
    named(
        "RuntimeClass",
        record(vec![
            field("handler", Type::String),
            optional("scheduling", Type::map(Type::Any)),
            optional("overhead", Type::map(Type::Any)),
        ]),
    )
}
