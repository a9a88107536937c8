//! The README's tour is true: its program compiles, and misspelling the tag gives exactly the
//! error the README shows.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::path::Path;

use common::{bopsc, read, TempDir};

/// The text of the first fenced block with this info string after `after`.
fn block<'a>(text: &'a str, after: &str, info: &str) -> &'a str {
    let from = text
        .find(after)
        .unwrap_or_else(|| panic!("no `{after}` in README.md"));
    let rest = &text[from..];
    let fence = format!("```{info}\n");
    let start = rest.find(&fence).expect("a fenced block") + fence.len();
    let end = rest[start..].find("```").expect("a closing fence");
    &rest[start..start + end]
}

#[test]
fn the_tour_compiles_and_its_error_is_the_one_shown() {
    let readme = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"));
    let program = block(&readme, "## A short tour", "bops");
    let shown = block(&readme, "Misspell `tag.feed`", "text");

    let dir = TempDir::new("readme");
    dir.write("bops.toml", "[project]\nname = \"tour\"\n")
        .write("main.bops", program);
    let path = dir.path().to_str().expect("UTF-8");
    let run = bopsc(&["build", path]);
    assert_eq!(run.code, Some(0), "{}", run.dump());

    let misspelled = program.replacen("dst = [tag.feed]", "dst = [tag.fed]", 1);
    assert_ne!(
        misspelled, program,
        "the tour has no `dst = [tag.feed]` to misspell"
    );
    dir.write("main.bops", &misspelled);
    let run = bopsc(&["--color", "never", "build", path]);
    assert_eq!(run.code, Some(1), "{}", run.dump());
    assert_eq!(run.stderr, shown);
}
