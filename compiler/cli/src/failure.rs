//! The one error type of the CLI: a usage or IO problem, printed as `error: ...` with exit code 2.
//!
//! Problems in the user's `.bops` files are not failures: they are diagnostics, rendered by the
//! core and answered with exit code 1. A [`Failure`] is everything else: a directory that does not
//! exist, a file that cannot be read or written, an unknown code for `bopsc explain`.

use std::fmt;
use std::io;
use std::path::Path;

/// A usage or IO error, with a message that says what was being done and to which path.
#[derive(Debug)]
pub struct Failure {
    message: String,
}

impl Failure {
    /// A failure with a ready message (no `error:` prefix).
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
        }
    }

    /// A failure of an IO operation on a path: `cannot VERB `PATH`: REASON`.
    pub fn io(verb: &str, path: &Path, err: &io::Error) -> Failure {
        Failure::new(format!(
            "cannot {verb} `{}`: {}",
            path.display(),
            describe(err)
        ))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An IO error in words, without the `(os error 2)` suffix the standard library adds.
fn describe(err: &io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text.get(..at).unwrap_or(&text).to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use std::io;
    use std::path::Path;

    use super::Failure;

    #[test]
    fn io_failures_name_the_operation_the_path_and_the_reason() {
        let err = io::Error::other("the disk is on fire");
        let failure = Failure::io("read", Path::new("a/b.bops"), &err);
        assert_eq!(
            failure.to_string(),
            "cannot read `a/b.bops`: the disk is on fire"
        );
    }

    #[test]
    fn the_os_error_number_is_dropped() {
        let err = io::Error::from_raw_os_error(2);
        let text = Failure::io("open", Path::new("x"), &err).to_string();
        assert!(text.starts_with("cannot open `x`: "), "{text}");
        assert!(!text.contains("os error"), "{text}");
    }
}
