//! Projects and modules. (Being written.)

use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;
use crate::Input;

/// A loaded project (placeholder).
#[derive(Debug, Default)]
pub struct Project {}

/// Loads a project (placeholder).
pub fn load(
    _input: &Input,
    _sources: &mut SourceMap,
    _diagnostics: &mut Vec<Diagnostic>,
) -> Project {
    Project {}
}
