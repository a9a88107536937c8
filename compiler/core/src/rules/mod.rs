//! The rules. (Being written.)

use crate::diagnostic::Diagnostic;
use crate::model::Model;

/// Runs every rule over the model (placeholder).
pub fn check(_model: &Model) -> Vec<Diagnostic> {
    Vec::new()
}
