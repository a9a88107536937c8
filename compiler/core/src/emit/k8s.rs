//! The k8s emitter. (Being written.)

use crate::model::Model;
use crate::Outputs;

/// Emits this target's files (placeholder).
pub fn emit(_model: &Model, _out: &mut Outputs) {}
