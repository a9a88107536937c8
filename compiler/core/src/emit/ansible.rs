//! The ansible emitter. (Being written.)

use std::collections::BTreeMap;

use crate::model::Model;
use crate::Outputs;

/// Emits the Ansible tree (placeholder).
pub fn emit(_model: &Model, _assets: &BTreeMap<String, String>, _out: &mut Outputs) {}
