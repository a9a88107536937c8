//! B3054 (warning): a grant that another grant makes redundant.
//!
//! Grants only add access (Tailscale takes the union of every grant that matches a connection),
//! so a grant whose sources, destinations and ports all fall within another's allows nothing the
//! other does not. The comparison is [`crate::policy::coverage`]. The narrower grant is reported,
//! pointing at the broader one; of two identical grants, the later one is reported. Each grant is
//! reported at most once, against the first broader grant in declaration order.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Model;
use crate::policy::coverage::Coverage;

/// Reports every grant another grant makes redundant.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    let coverage = Coverage::new(model);
    // Each grant's selectors are expanded once, not once per pair.
    let prepared: Vec<_> = model.grants.iter().map(|g| coverage.prepare(g)).collect();
    for (i, (narrow, p_narrow)) in model.grants.iter().zip(&prepared).enumerate() {
        let broader = model
            .grants
            .iter()
            .zip(&prepared)
            .enumerate()
            .find(|(j, (_, p_wide))| {
                *j != i
                && coverage.covers_prepared(p_wide, p_narrow)
                // Of two grants that cover each other, only the later one is redundant.
                && (*j < i || !coverage.covers_prepared(p_narrow, p_wide))
            });
        let Some((_, (wide, _))) = broader else {
            continue;
        };
        out.push(
            Diagnostic::warning(
                codes::B3054,
                format!(
                    "grant `{}` is redundant: grant `{}` already allows everything it allows",
                    narrow.name, wide.name
                ),
                narrow.origin.span,
            )
            .with_label(format!("allows nothing that `{}` does not", wide.name))
            .with_secondary(
                wide.origin.span,
                "this grant's sources, destinations and ports include all of the other's",
            )
            .with_note("grants only add access: a connection is allowed when any grant allows it")
            .with_help(format!(
                "remove `{}`, or narrow `{}` if it allows more than intended",
                narrow.name, wide.name
            )),
        );
    }
}
