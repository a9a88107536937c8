//! Every diagnostic code's explanation is well formed, and its example raises that very code.
//!
//! The example is the first ```` ```bops ```` block under `## Example`; it is compiled as the single
//! file `main.bops` of a project with no manifest, the way a reader would try it. An example about
//! the manifest itself adds a ```` ```toml ```` block under `## Example`, used as `bops.toml`. An
//! example about the files a project keeps for its roles adds a block whose info string names the
//! file after its language (```` ```yaml roles/caddy/defaults/main.yml ````), used as that asset.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use bops_core::diagnostic::codes;
use bops_core::{compile, Input, InputFile};

/// The first ```` ```LANG ```` block of the `## Example` section.
fn example_block(explanation: &str, lang: &str) -> Option<String> {
    let after = explanation.split_once("\n## Example\n")?.1;
    let section = after.split("\n## ").next()?;
    let fence = format!("```{lang}\n");
    let start = section.find(&fence)? + fence.len();
    let body = section.get(start..)?;
    let end = body.find("\n```")?;
    Some(format!("{}\n", body.get(..end)?))
}

/// The example program: the first ```` ```bops ```` block under `## Example`.
fn example(explanation: &str) -> Option<String> {
    example_block(explanation, "bops")
}

/// The example's manifest, for a code about `bops.toml`: a ```` ```toml ```` block under
/// `## Example`, if there is one.
fn example_manifest(explanation: &str) -> Option<String> {
    example_block(explanation, "toml")
}

/// The example's other project files: every block under `## Example` whose info string names a
/// path after the language, by path.
fn example_assets(explanation: &str) -> BTreeMap<String, String> {
    let mut assets = BTreeMap::new();
    let Some((_, after)) = explanation.split_once("\n## Example\n") else {
        return assets;
    };
    let section = after.split("\n## ").next().unwrap_or_default();
    let mut rest = section;
    while let Some(start) = rest.find("```") {
        let block = &rest[start + 3..];
        let Some((info, body)) = block.split_once('\n') else {
            break;
        };
        let Some(end) = body.find("```") else {
            break;
        };
        if let Some((_, path)) = info.trim().split_once(' ') {
            assets.insert(path.trim().to_string(), body[..end].to_string());
        }
        rest = &body[end + 3..];
    }
    assets
}

#[test]
fn every_explanation_has_a_title_an_example_and_a_fix() {
    let mut problems = Vec::new();
    for info in codes::ALL {
        let text = info.explanation;
        let title = format!("# {}: {}\n", info.code, info.title);
        if !text.starts_with(&title) {
            problems.push(format!(
                "{}: does not start with `{}`",
                info.code,
                title.trim_end()
            ));
        }
        if example(text).is_none() {
            problems.push(format!(
                "{}: no ```bops block under `## Example`",
                info.code
            ));
        }
        if !text.contains("\n## How to fix\n") {
            problems.push(format!("{}: no `## How to fix` section", info.code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_example_raises_its_own_code() {
    let mut problems = Vec::new();
    for info in codes::ALL {
        let Some(text) = example(info.explanation) else {
            continue;
        };
        let input = Input {
            manifest: example_manifest(info.explanation),
            files: vec![InputFile {
                path: "main.bops".to_string(),
                text,
            }],
            assets: example_assets(info.explanation),
        };
        let compilation = compile(&input);
        let raised: Vec<&str> = compilation
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        if !raised.contains(&info.code.as_str()) {
            problems.push(format!(
                "{}: its example raises {raised:?}, not {}",
                info.code, info.code
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_example_extractor_finds_the_block_under_the_heading() {
    let text = "# B0000: t\n\nWords.\n\n```bops\nnot this\n```\n\n## Example\n\n```bops\ntag a\n```\n\n## How to fix\n\n```bops\nnor this\n```\n";
    assert_eq!(example(text).as_deref(), Some("tag a\n"));
    assert_eq!(example("# B0000: t\n\n## How to fix\n"), None);
    assert_eq!(example_manifest(text), None);
    let with_manifest =
        "# B0000: t\n\n## Example\n\n```toml\n[project]\n```\n\n```bops\ntag a\n```\n";
    assert_eq!(
        example_manifest(with_manifest).as_deref(),
        Some("[project]\n")
    );
    assert_eq!(example(with_manifest).as_deref(), Some("tag a\n"));
    assert!(example_assets(text).is_empty());
    let with_asset = "# B0000: t\n\n## Example\n\n```bops\nrole r() {}\n```\n\n```yaml roles/r/defaults/main.yml\n---\nr_x: 1\n```\n\n## How to fix\n\n```yaml roles/r/x.yml\n```\n";
    let assets = example_assets(with_asset);
    assert_eq!(assets.len(), 1);
    assert_eq!(
        assets.get("roles/r/defaults/main.yml").map(String::as_str),
        Some("---\nr_x: 1\n")
    );
}
