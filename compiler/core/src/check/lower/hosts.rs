//! Lowering hosts, host groups and roles.

use indexmap::IndexMap;

use super::data;
use crate::check::call::ParamDefault;
use crate::check::schema::Kind;
use crate::check::value::{Record, V};
use crate::check::Checker;
use crate::model::{Data, Host, HostGroup, Origin, Role, RoleParam, RoleUse};

impl Checker<'_> {
    /// A `host`.
    pub fn lower_host(&mut self, fields: &Record, origin: Origin, name: String) -> Host {
        let vars = self.vars(fields);
        let mut roles = Vec::new();
        for value in data::list(fields, "roles") {
            let V::RoleUse { role, args } = &value.kind else {
                continue;
            };
            let mut lowered = IndexMap::new();
            for (param, arg) in args {
                if let Some(d) = self.data(arg) {
                    lowered.insert(param.clone(), d);
                }
            }
            roles.push(RoleUse {
                role: role.clone(),
                args: lowered,
                tags: vec![role.clone()],
                span: value.span,
            });
        }
        Host {
            device: data::string(fields, "device").unwrap_or_else(|| name.clone()),
            tags: data::selectors(fields, "tags"),
            manage_tags: data::boolean(fields, "manage_tags", true),
            owner: self.host_owner(fields),
            user: data::string(fields, "user"),
            python: data::string(fields, "python"),
            connection: data::string(fields, "connection"),
            vars,
            roles,
            gather_facts: data::boolean(fields, "gather_facts", true),
            become_root: data::boolean(fields, "become", false),
            origin,
            name,
        }
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
            params.push(RoleParam {
                name: param.name.clone(),
                ty,
                default,
            });
        }
        Some(Role {
            params,
            source: data::string(fields, "source"),
            origin,
            name,
        })
    }
}
