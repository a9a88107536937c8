//! `bopsc import role DIR`: print the typed `role` declaration of an existing Ansible role.
//!
//! The CLI reads `DIR/defaults/main.yml` and, when it exists, `DIR/meta/main.yml`; the derivation
//! itself is `bops_core::import`, a pure function. An error (a variable that is not a bops name,
//! unreadable YAML) is a failure, exit code 2.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use crate::cli::{ImportCommand, ImportRoleArgs};
use crate::failure::Failure;
use crate::Exit;

/// Runs `bopsc import`.
pub fn import(command: &ImportCommand) -> Result<Exit, Failure> {
    match command {
        ImportCommand::Role(args) => role(args),
    }
}

/// Runs `bopsc import role`.
fn role(args: &ImportRoleArgs) -> Result<Exit, Failure> {
    let name = match &args.name {
        Some(name) => name.clone(),
        None => dir_name(&args.dir)?,
    };
    let defaults_path = args.dir.join("defaults").join("main.yml");
    let defaults = read_text(&defaults_path)?
        .ok_or_else(|| Failure::new(format!("`{}` does not exist", defaults_path.display())))?;
    let meta_path = args.dir.join("meta").join("main.yml");
    let description = read_text(&meta_path)?
        .as_deref()
        .and_then(bops_core::import::description);
    let source = args
        .source
        .clone()
        .unwrap_or_else(|| format!("roles/{name}"));
    let text =
        bops_core::import::role_with_source(&name, &defaults, description.as_deref(), &source)
            .map_err(|message| {
                Failure::new(format!(
                    "cannot import `{}`: {message}",
                    defaults_path.display()
                ))
            })?;
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(Exit::Clean),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(Exit::Clean),
        Err(e) => Err(Failure::new(format!("cannot write to stdout: {e}"))),
    }
}

/// A file's text; `None` when it does not exist.
fn read_text(path: &Path) -> Result<Option<String>, Failure> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Failure::io("read", path, &e)),
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Failure::new(format!("cannot read `{}`: it is not UTF-8", path.display())))
}

/// The name of the role's directory (`roles/caddy` is `caddy`), after resolving `.` and `..`.
fn dir_name(dir: &Path) -> Result<String, Failure> {
    let resolved = fs::canonicalize(dir).map_err(|e| Failure::io("read", dir, &e))?;
    resolved
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or_else(|| {
            Failure::new(format!(
                "cannot tell the role's name from `{}`; pass `--name`",
                dir.display()
            ))
        })
}
