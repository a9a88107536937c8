//! `bopsc`, the bops command-line compiler.
//!
//! A thin shell around the pure `bops_core` library: it parses the command line ([`cli`]), reads
//! a project from disk ([`read`]), compiles it, prints the diagnostics ([`report`]) and writes the
//! generated tree atomically ([`write`]), keeping the list of what it generated ([`list`]).
//! `bopsc explain` prints the explanation of a code ([`explain`]); `bopsc reach` asks the tailnet policy one question ([`reach`]); `bopsc import
//! role` prints the declaration of an existing Ansible role ([`import`]); `bopsc diff` summarises
//! what a change to the sources does, against a git revision ([`git`]) or another tree
//! ([`diff`]); `bopsc graph` prints the cross-layer dependency graph as DOT or Mermaid
//! ([`graph`]); a panic is reported as a bug in bopsc ([`panic`]).
//!
//! Exit codes: 0 when the project compiles (warnings allowed), 1 when it has errors, 2 for a usage
//! or IO error, 101 for a crash. `bopsc reach` answers with 0 (allowed), 1 (denied), 2 (bad
//! input) or 3 (undecided offline).

mod build;
mod cli;
mod diff;
mod explain;
mod failure;
mod git;
mod graph;
mod import;
mod list;
mod panic;
mod reach;
mod read;
mod report;
mod write;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::report::Style;

/// How `bopsc` ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The project compiles, perhaps with warnings.
    Clean = 0,
    /// The project has errors.
    InputErrors = 1,
    /// A usage or IO error.
    Failure = 2,
    /// `bopsc reach`: the answer depends on facts not known offline.
    Undecided = 3,
}

fn main() -> ExitCode {
    panic::install();
    let cli = Cli::parse();
    let color = cli.global.color.enabled();
    let style = Style {
        format: cli.global.message_format,
        color,
    };
    let result = match &cli.command {
        Command::Build(args) => build::build(args, style),
        Command::Check(args) => build::check(args, style),
        Command::Diff(args) => diff::diff(args, style),
        Command::Explain(args) => explain::explain(args),
        Command::Reach(args) => reach::reach(args, style),
        Command::Graph(args) => graph::graph(args, style),
        Command::Import(command) => import::import(command),
        Command::DebugPanic => crash(),
    };
    let exit = result.unwrap_or_else(|failure| {
        report::failure(&failure.to_string(), color);
        Exit::Failure
    });
    ExitCode::from(exit as u8)
}

/// Panics, for the test of the crash handler (`bopsc debug-panic`, hidden).
#[allow(clippy::panic)]
fn crash() -> ! {
    panic!("a crash on purpose (bopsc debug-panic)");
}
