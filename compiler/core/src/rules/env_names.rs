//! B3023: an environment variable name that no process can read.
//!
//! Kubernetes accepts almost any printable name for an environment variable, so bops does not
//! insist on C identifiers (`DATABASE_URL`): names such as `spring.profiles.active` are read by
//! the programs they are meant for. Two names cannot work: an empty name, which Kubernetes
//! rejects, and a name containing `=`, which the process sees split at the `=` into another name
//! and value. Each is a warning at the variable.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Model;

/// Warns about empty environment variable names and names containing `=`.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        for (index, container) in app.containers.iter().enumerate() {
            for var in &container.env {
                let why = if var.name.is_empty() {
                    "the name is empty"
                } else if var.name.contains('=') {
                    "the name contains `=`"
                } else {
                    continue;
                };
                let whose = if index == 0 {
                    format!("app `{}`", app.name)
                } else {
                    format!("sidecar `{}` of app `{}`", container.name, app.name)
                };
                out.push(
                    Diagnostic::warning(
                        codes::B3023,
                        format!(
                            "environment variable `{}` of {whose} cannot be read by its name",
                            var.name
                        ),
                        model
                            .spans
                            .at(&app.origin, &format!("containers.{index}.env.{}", var.name)),
                    )
                    .with_label(why)
                    .with_note("a process's environment is a list of `NAME=value` strings: an empty name is rejected by Kubernetes, and a name with `=` is read as a shorter name whose value starts with the rest")
                    .with_help("name the variable with letters, digits and `_`, like `DATABASE_URL`"),
                );
            }
        }
    }
}
