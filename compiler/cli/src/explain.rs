//! `bopsc explain`: print the explanation of a diagnostic code, or list every code.

use std::io::{self, Write};

use bops_core::diagnostic::codes;

use crate::cli::ExplainArgs;
use crate::failure::Failure;
use crate::Exit;

/// Runs `bopsc explain`.
pub fn explain(args: &ExplainArgs) -> Result<Exit, Failure> {
    if args.list {
        return print(&list());
    }
    let Some(code) = args.code.as_deref() else {
        return Err(Failure::new(
            "name a code to explain, for example `bopsc explain B3001`, or list them with \
             `bopsc explain --list`",
        ));
    };
    let Some(info) = codes::lookup(code.trim()) else {
        return Err(Failure::new(format!(
            "`{code}` is not a bopsc diagnostic code; `bopsc explain --list` lists them"
        )));
    };
    let mut text = info.explanation.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    print(&text)
}

/// Every code and its title, one per line.
fn list() -> String {
    let mut text = String::new();
    for info in codes::ALL {
        text.push_str(&format!("{}  {}\n", info.code, info.title));
    }
    text
}

/// Prints to stdout; a reader that went away early (`bopsc explain --list | head`) is not an
/// error.
fn print(text: &str) -> Result<Exit, Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(Exit::Clean),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Exit::Clean),
        Err(e) => Err(Failure::new(format!("cannot write to stdout: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use bops_core::diagnostic::codes;

    use super::list;

    #[test]
    fn the_list_has_one_line_per_code() {
        let text = list();
        assert_eq!(text.lines().count(), codes::ALL.len());
        assert!(text.lines().any(|l| l == "B3001  undeclared tag"));
    }
}
