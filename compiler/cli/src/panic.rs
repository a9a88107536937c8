//! The crash handler: a panic is a bug in bopsc, and the user is told so, with where it happened.
//!
//! The hook replaces Rust's default message. The process then unwinds out of `main`, which exits
//! with code 101.

use std::io::Write;
use std::panic::{self, PanicHookInfo};

/// Installs the hook.
pub fn install() {
    panic::set_hook(Box::new(|info| {
        let text = message(payload(info), info.location().map(|l| l.to_string()));
        let mut err = std::io::stderr().lock();
        err.write_all(text.as_bytes()).ok();
        err.flush().ok();
    }));
}

/// The panic's message, when it is a string.
fn payload<'a>(info: &'a PanicHookInfo<'_>) -> &'a str {
    if let Some(s) = info.payload().downcast_ref::<&str>() {
        return s;
    }
    if let Some(s) = info.payload().downcast_ref::<String>() {
        return s;
    }
    "(no message)"
}

/// The text printed on a crash.
fn message(payload: &str, location: Option<String>) -> String {
    let location = location.unwrap_or_else(|| "an unknown location".to_string());
    format!(
        "error: bopsc crashed; this is a bug in bopsc, not in your project.\n\
         \n\
         bopsc {} panicked at {location}:\n  {payload}\n\
         \n\
         Please report it with the input that caused it. Nothing was written.\n",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::message;

    #[test]
    fn the_crash_message_blames_bopsc_and_names_the_location() {
        let text = message("index out of bounds", Some("src/x.rs:3:7".to_string()));
        assert!(text.starts_with("error: bopsc crashed; this is a bug in bopsc"));
        assert!(text.contains("panicked at src/x.rs:3:7:\n  index out of bounds\n"));
    }
}
