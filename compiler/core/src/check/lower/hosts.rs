//! Lowering hosts, host groups and roles.

use indexmap::IndexMap;

use super::data;
use crate::check::call::ParamDefault;
use crate::check::schema::Kind;
use crate::check::types::Type;
use crate::check::value::{Record, V};
use crate::check::Checker;
use crate::model::{
    Data, Host, HostAccess, HostGroup, Origin, ParamField, ParamType, Play, Role, RoleParam,
    RoleUse, SshServer, Task,
};
use crate::source::Span;

/// The task keywords besides `name`, the module, `notify` and `listen`, in the order the playbook
/// writes them (`loop_var` becomes `loop_control.loop_var`).
const TASK_KEYWORDS: &[&str] = &[
    "register",
    "when",
    "changed_when",
    "failed_when",
    "delegate_to",
    "run_once",
    "become",
    "become_user",
    "no_log",
    "check_mode",
    "ignore_errors",
    "tags",
    "loop",
    "loop_var",
    "retries",
    "delay",
    "until",
    "environment",
    "vars",
];

impl Checker<'_> {
    /// A `host`.
    pub fn lower_host(&mut self, fields: &Record, origin: Origin, name: String) -> Host {
        let vars = self.vars(fields);
        let ports = data::map(fields, "ports")
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|(k, f)| match &f.value.kind {
                        V::Int(n) => u16::try_from(*n).ok().map(|p| (k.clone(), p)),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Host {
            device: data::string(fields, "device").unwrap_or_else(|| name.clone()),
            tags: data::selectors(fields, "tags"),
            manage_tags: data::boolean(fields, "manage_tags", true),
            owner: self.host_owner(fields),
            user: data::string(fields, "user"),
            python: data::string(fields, "python"),
            connection: data::string(fields, "connection"),
            vars,
            play: self.play(fields),
            ports,
            host_vars_file: data::boolean(fields, "host_vars_file", false),
            access: self.host_access(fields, &name),
            origin,
            name,
        }
    }

    /// How Ansible reaches a host: whether it runs from it, the SSH server, and the ports bound
    /// to localhost (checked against `ports` and their uses elsewhere, `check::locality`).
    fn host_access(&mut self, fields: &Record, name: &str) -> HostAccess {
        let controller = match data::get(fields, "controller") {
            Some(value) if matches!(value.kind, V::Bool(true)) => Some(value.span),
            _ => None,
        };
        let ssh_value = data::get(fields, "ssh");
        let ssh = match ssh_value.map(|v| &v.kind) {
            Some(V::Str(server)) if server == "openssh" => SshServer::OpenSsh,
            _ => SshServer::Tailscale,
        };
        HostAccess {
            controller,
            ssh,
            ssh_span: ssh_value.map(|v| v.span),
            local_ports: self.local_ports(fields, name),
        }
    }

    /// The play of a host or a group: its roles, tasks and handlers.
    fn play(&mut self, fields: &Record) -> Play {
        let mut roles = Vec::new();
        for value in data::list(fields, "roles") {
            let V::RoleUse {
                role,
                args,
                keywords,
            } = &value.kind
            else {
                continue;
            };
            let mut lowered = IndexMap::new();
            for (param, arg) in args {
                if let Some(d) = self.data(arg) {
                    lowered.insert(param.clone(), d);
                }
            }
            let tags = match keywords.get("tags").map(|v| &v.kind) {
                Some(V::List(items)) => items
                    .iter()
                    .filter_map(|v| match &v.kind {
                        V::Str(s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect(),
                Some(V::Str(tag)) => vec![tag.clone()],
                _ => Vec::new(),
            };
            roles.push(RoleUse {
                role: role.clone(),
                args: lowered,
                tags,
                when: match keywords.get("when").map(|v| &v.kind) {
                    Some(V::Str(s)) => Some(s.clone()),
                    _ => None,
                },
                become_root: match keywords.get("become").map(|v| &v.kind) {
                    Some(V::Bool(b)) => Some(*b),
                    _ => None,
                },
                span: value.span,
            });
        }
        Play {
            roles,
            pre_tasks: self.tasks(fields, "pre_tasks"),
            tasks: self.tasks(fields, "tasks"),
            post_tasks: self.tasks(fields, "post_tasks"),
            handlers: self.tasks(fields, "handlers"),
            gather_facts: data::boolean(fields, "gather_facts", true),
            become_root: data::boolean(fields, "become", false),
        }
    }

    /// The tasks (or handlers) of a list field.
    fn tasks(&mut self, fields: &Record, field: &str) -> Vec<Task> {
        let mut out = Vec::new();
        for value in data::list(fields, field) {
            let V::Record(task) = &value.kind else {
                continue;
            };
            if let Some(task) = self.task(task, value.span) {
                out.push(task);
            }
        }
        out
    }

    /// One task: its module and arguments, then its keywords in the playbook's order.
    fn task(&mut self, fields: &Record, span: Span) -> Option<Task> {
        let name = data::string(fields, "name")?;
        let action = data::map(fields, "action")?;
        let module = data::string(action, "module")?;
        let mut args = IndexMap::new();
        if let Some(given) = data::map(action, "args") {
            for (key, field) in given {
                match self.data(&field.value)? {
                    Data::Null => {}
                    d => {
                        args.insert(key.clone(), d);
                    }
                }
            }
        }
        let mut keywords = IndexMap::new();
        for key in TASK_KEYWORDS {
            let Some(value) = data::get(fields, key) else {
                continue;
            };
            let d = self.data(value)?;
            let empty = match &d {
                Data::Null => true,
                Data::List(items) => items.is_empty(),
                Data::Map(entries) => entries.is_empty(),
                _ => false,
            };
            if empty {
                continue;
            }
            if *key == "loop_var" {
                let mut control = IndexMap::new();
                control.insert("loop_var".to_string(), d);
                keywords.insert("loop_control".to_string(), Data::Map(control));
            } else {
                keywords.insert((*key).to_string(), d);
            }
        }
        Some(Task {
            name,
            module,
            args,
            keywords,
            notify: data::strings(fields, "notify"),
            listen: data::strings(fields, "listen"),
            span,
        })
    }

    /// A `hostgroup`.
    pub fn lower_host_group(&mut self, fields: &Record, origin: Origin, name: String) -> HostGroup {
        let names = |field: &str, kind: Kind| {
            data::list(fields, field)
                .iter()
                .filter_map(|v| data::reference(v, kind))
                .collect()
        };
        HostGroup {
            hosts: names("hosts", Kind::Host),
            children: names("children", Kind::HostGroup),
            vars: self.vars(fields),
            play: self.play(fields),
            origin,
            name,
        }
    }

    fn vars(&mut self, fields: &Record) -> IndexMap<String, Data> {
        let Some(vars) = data::map(fields, "vars") else {
            return IndexMap::new();
        };
        let mut out = IndexMap::new();
        for (k, f) in vars {
            if let Some(d) = self.data(&f.value) {
                out.insert(k.clone(), d);
            }
        }
        out
    }

    /// A `role`, with its signature.
    pub fn lower_role(
        &mut self,
        index: usize,
        fields: &Record,
        origin: Origin,
        name: String,
    ) -> Option<Role> {
        let signature = self.role_signature(index, origin.span)?;
        let mut params = Vec::new();
        for param in &signature.params {
            let ty = match &param.ty {
                Some((_, span)) => self
                    .sources
                    .get(span.file)
                    .map(|f| f.slice(*span).to_string())
                    .unwrap_or_default(),
                None => "any".to_string(),
            };
            let default = match &param.default {
                ParamDefault::Value(value) => self.data(value),
                _ => None,
            };
            let kind = param
                .ty
                .as_ref()
                .map_or(ParamType::Any, |(ty, _)| param_type(ty));
            params.push(RoleParam {
                name: param.name.clone(),
                ty,
                kind,
                default,
                doc: self.param_doc(index, &param.name),
            });
        }
        Some(Role {
            params,
            source: data::string(fields, "source"),
            origin,
            name,
        })
    }

    /// The doc comment of a role's parameter, as written before it in the declaration; the first
    /// parameter of that name when it is declared twice, as the signature keeps the first.
    fn param_doc(&self, index: usize, name: &str) -> Option<String> {
        let params = self.entities.get(index)?.decl.params.as_ref()?;
        let param = params.iter().find(|p| p.name.name == name)?;
        param.doc.as_ref().map(|doc| doc.text.clone())
    }
}

/// A role parameter's type as the role's argument specification sees it: what a value of the
/// checker's type is once lowered to data (an enum's variant, a reference, a duration become
/// strings; a quantity is a string or an int).
fn param_type(ty: &Type) -> ParamType {
    match ty.unnamed() {
        Type::String
        | Type::Duration
        | Type::Ref(_)
        | Type::Ip
        | Type::Endpoint
        | Type::PortSpec
        | Type::Autogroup
        | Type::AnyValue => ParamType::Str,
        Type::Int => ParamType::Int,
        Type::Port => ParamType::Port,
        Type::Bool => ParamType::Bool,
        Type::SecretKey => ParamType::Secret,
        Type::List(item) => ParamType::List(Box::new(param_type(item))),
        Type::Map(value) => ParamType::Map(Box::new(param_type(value))),
        Type::Optional(inner) => ParamType::Optional(Box::new(param_type(inner))),
        Type::Record(fields) => ParamType::Record(
            fields
                .iter()
                .map(|field| ParamField {
                    name: field.name.clone(),
                    kind: param_type(&field.ty),
                    optional: field.optional,
                })
                .collect(),
        ),
        Type::Enum(choices) => ParamType::Choice(choices.variants.clone()),
        Type::Literal(text) => ParamType::Choice(vec![(*text).to_string()]),
        Type::Union(members) => union_type(members),
        _ => ParamType::Any,
    }
}

/// A union: the strings it allows when every member is a literal or an enum, else any data.
fn union_type(members: &[Type]) -> ParamType {
    let mut choices: Vec<String> = Vec::new();
    for member in members {
        match param_type(member) {
            ParamType::Choice(more) => {
                for choice in more {
                    if !choices.contains(&choice) {
                        choices.push(choice);
                    }
                }
            }
            _ => return ParamType::Any,
        }
    }
    ParamType::Choice(choices)
}
