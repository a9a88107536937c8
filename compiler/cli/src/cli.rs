//! The command line: subcommands, their arguments and the global options, parsed by clap.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The bops compiler: one typed language for a Tailscale tailnet, the Ansible hosts on it and the
/// Kubernetes workloads Argo CD deploys.
#[derive(Debug, Parser)]
#[command(name = "bopsc", version, about, long_about = None)]
#[command(propagate_version = true, disable_help_subcommand = true)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,

    /// The options every subcommand takes.
    #[command(flatten)]
    pub global: GlobalOptions,
}

/// Options that apply to every subcommand.
#[derive(Debug, Args)]
pub struct GlobalOptions {
    /// When to colour diagnostics: `auto` colours when stderr is a terminal and `NO_COLOR` is
    /// unset or empty.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    /// How to print diagnostics on stderr: `human` text, or `json`, one JSON object per line.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human, global = true)]
    pub message_format: MessageFormat,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile a project and write the generated Pulumi, Ansible and Argo CD files.
    ///
    /// Nothing is written when the project has an error. Every file is staged in a temporary file
    /// next to it and renamed into place only when all are staged, so an error leaves the tree as
    /// it was. Files an earlier build generated and this one does not are removed; files bopsc did
    /// not generate are never touched; a generated file edited by hand since is neither
    /// overwritten nor removed without `--force`.
    Build(BuildArgs),

    /// Compile a project and print its diagnostics, writing nothing.
    Check(CheckArgs),

    /// Summarise what a change to the sources does to each layer, for a reviewer.
    ///
    /// Compares the project now with the same project at a git revision (`--against`, default
    /// `HEAD`) or with another project directory (`--against-tree`), and prints per layer what
    /// was added, removed or changed: grants, tags, SSH rules and tests of the tailnet; hosts,
    /// groups, roles applied, their arguments and tasks; apps, images, replicas and exposures.
    /// This is what a reviewer reads before the diff of the generated files.
    Diff(DiffArgs),

    /// Print the explanation of a diagnostic code, with an example and how to fix it.
    Explain(ExplainArgs),

    /// Ask the tailnet policy, offline: may SRC reach DST on PORT, or SSH there as a user?
    ///
    /// `bopsc reach [DIR] SRC DST PORT [--proto tcp|udp]` prints the grants that allow the
    /// connection, or the grant that comes closest; `bopsc reach [DIR] SRC DST --ssh USER` asks
    /// about a Tailscale SSH session. SRC and DST are written as in `.bops` files (`user.alice`,
    /// `group.family`, `tag.feed`, `host.atlas`, `autogroup.internet`), or as a login or an IP
    /// address. Exit codes: 0 allowed, 1 denied, 2 bad input, 3 undecided offline.
    Reach(ReachArgs),

    /// Print the cross-layer dependency graph of a project, as Graphviz DOT or Mermaid.
    ///
    /// Every declaration of the tailnet, hosts and workloads is a node labelled `kind name`, in
    /// one cluster per layer; every typed reference between two is an edge labelled with what it
    /// is: a grant's `src` and `dst`, the tags a host or an app `carries`, the roles a host
    /// `applies`, the secrets it `reads`, the cluster an app `runs on` and the host the cluster
    /// `runs on`, group `member`s. Render DOT with `dot -Tsvg`. Exit codes as `check`.
    Graph(GraphArgs),

    /// Derive bops declarations from existing files.
    #[command(subcommand)]
    Import(ImportCommand),

    /// Panic on purpose, to test the crash handler.
    #[command(name = "debug-panic", hide = true)]
    DebugPanic,
}

/// What `bopsc import` derives.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Print the typed `role` declaration of an Ansible role, derived from its
    /// `defaults/main.yml` (and `meta/main.yml`'s description).
    Role(ImportRoleArgs),
}

/// Arguments of `bopsc import role`.
#[derive(Debug, Args)]
pub struct ImportRoleArgs {
    /// The role's directory: the one holding `defaults/main.yml`.
    pub dir: PathBuf,

    /// The role's name [default: the directory's name].
    #[arg(long)]
    pub name: Option<String>,

    /// The role's directory in the project, the declaration's `source` [default: roles/NAME].
    #[arg(long, value_name = "PATH")]
    pub source: Option<String>,
}

/// Arguments of `bopsc build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The project directory: the one holding `bops.toml` and the `.bops` files.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// Where to write the generated tree [default: DIR/generated].
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write nothing; exit with 1 if the generated tree is not what a build would write (for CI),
    /// naming each file and printing the differences as a unified diff on stdout.
    #[arg(long)]
    pub check: bool,

    /// Overwrite or remove generated files even when they were edited by hand since bopsc wrote
    /// them, and overwrite files bopsc did not write that are where a generated file goes.
    #[arg(long, conflicts_with = "check")]
    pub force: bool,
}

/// Arguments of `bopsc diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The project directory: the one holding `bops.toml` and the `.bops` files.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The git revision to compare with (a commit, branch or tag) [default: HEAD].
    #[arg(long, value_name = "REV", conflicts_with = "against_tree")]
    pub against: Option<String>,

    /// Another project directory to compare with, the old side of the comparison.
    #[arg(long, value_name = "DIR")]
    pub against_tree: Option<PathBuf>,
}

/// Arguments of `bopsc check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The project directory: the one holding `bops.toml` and the `.bops` files.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// Arguments of `bopsc graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The project directory: the one holding `bops.toml` and the `.bops` files.
    #[arg(default_value = ".")]
    pub dir: PathBuf,

    /// The format to print the graph in.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,

    /// Draw only these layers (repeat, or separate with commas), with the declarations of other
    /// layers at the far end of their references shown dashed [default: every layer].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub layer: Vec<GraphLayer>,
}

/// The formats `bopsc graph` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT, for `dot -Tsvg`.
    Dot,
    /// A Mermaid flowchart, for Markdown that renders Mermaid.
    Mermaid,
}

/// The layers `bopsc graph --layer` selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphLayer {
    /// Users, groups, tags, the policy, auth keys and DNS records.
    Tailnet,
    /// Hosts, host groups and roles.
    Hosts,
    /// Clusters, repositories, secrets and apps.
    Workloads,
}

/// Arguments of `bopsc explain`.
#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct ExplainArgs {
    /// The code to explain, for example `B3001`.
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,

    /// List every code with its title.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

/// Arguments of `bopsc reach`.
#[derive(Debug, Args)]
pub struct ReachArgs {
    /// `[DIR] SRC DST PORT`, or `[DIR] SRC DST` with `--ssh`: the project directory (default:
    /// the current one), the source, the destination and the port.
    #[arg(required = true, num_args = 2..=4, value_name = "[DIR] SRC DST PORT")]
    pub args: Vec<String>,

    /// The protocol of the connection [default: tcp].
    #[arg(long, value_enum)]
    pub proto: Option<ReachProto>,

    /// Ask about a Tailscale SSH session as this local user (`root`, `admin`) instead of a port.
    #[arg(long, value_name = "USER", conflicts_with = "proto")]
    pub ssh: Option<String>,
}

/// The protocols `bopsc reach` asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReachProto {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour what is printed on stderr.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && std::io::stderr().is_terminal()
            }
        }
    }
}

/// How to print diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Rendered text with the source lines, for people.
    Human,
    /// One JSON object per diagnostic and line, for tools.
    Json,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
