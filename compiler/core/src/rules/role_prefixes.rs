//! B3024: a role parameter without the role's name as its prefix.
//!
//! A role's parameters are Ansible variables, visible to every other role of the play; the
//! convention, enforced by ansible-lint's production profile (`var-naming[no-role-prefix]`), is
//! that a role's variables start with its name: `caddy_domain` for role `caddy`. The generated
//! playbook passes the arguments under the parameters' names, so an unprefixed parameter makes it
//! fail the lint. This is a warning at the parameter: Ansible itself runs the playbook. Names
//! starting with `ansible_` (connection variables) and leading underscores are allowed, as
//! ansible-lint allows them; so are required `SecretKey` parameters, which the play reads into a
//! fact of their name (the corpus's `borgbase_ssh_private_key`) rather than passing them to the
//! role. Names that are not valid variable names at all are B3021.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Model;

use super::valid;

/// Warns about role parameters that do not start with `<role>_`.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for role in &model.roles {
        if valid::ansible_role(&role.name).is_err() {
            continue;
        }
        let prefix = format!("{}_", role.name);
        for param in &role.params {
            if valid::ansible_variable(&param.name).is_err() {
                continue;
            }
            // A required secret is read by the play into a fact of the parameter's name: it is
            // a host fact, never a variable in the role's files.
            if param.default.is_none() && param.ty == "SecretKey" {
                continue;
            }
            let bare = param.name.trim_start_matches('_');
            if bare.starts_with(&prefix) || bare.starts_with("ansible_") {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    codes::B3024,
                    format!(
                        "parameter `{}` of role `{}` does not start with `{prefix}`",
                        param.name, role.name
                    ),
                    model
                        .spans
                        .at(&role.origin, &format!("params.{}", param.name)),
                )
                .with_label(format!("ansible-lint wants `{prefix}{bare}`"))
                .with_note("a role's variables are visible to the whole play; ansible-lint's production profile (`var-naming[no-role-prefix]`) wants them prefixed with the role's name")
                .with_help(format!(
                    "rename the parameter to `{prefix}{bare}`, here and in the role's files"
                )),
            );
        }
    }
}
