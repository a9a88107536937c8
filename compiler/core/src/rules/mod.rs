//! The rules: consistency checks over the model, within and across the tailnet, hosts and
//! workloads.
//!
//! Each rule is a module with a `check(&Model, &mut Vec<Diagnostic>)` function. Rules only read
//! the model, which the checker built from declarations it already validated, so every name in it
//! resolves; a rule never repeats a checker diagnostic. Rules run in a fixed order and each walks
//! the model in declaration order, so their diagnostics come out in a stable order.
//!
//! - [`hostnames`] (B3010): a tailnet hostname claimed by two hosts or exposures.
//! - [`grant_ports`] (B3011): a grant opens a port of a tag that nothing carrying the tag serves.
//! - [`host_selectors`] (B3015): a host without tags named by the policy.

pub mod grant_ports;
pub mod host_selectors;
pub mod hostnames;

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// Runs every rule over the model.
pub fn check(model: &Model) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    hostnames::check(model, &mut out);
    grant_ports::check(model, &mut out);
    host_selectors::check(model, &mut out);
    out
}
