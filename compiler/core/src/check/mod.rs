//! The checker. (Being written.)

use crate::diagnostic::Diagnostic;
use crate::model::Model;
use crate::project::Project;
use crate::source::SourceMap;

/// Checks a project and lowers it to the model (placeholder).
pub fn check(
    _project: &Project,
    _sources: &SourceMap,
    _diagnostics: &mut Vec<Diagnostic>,
) -> Model {
    Model::default()
}
