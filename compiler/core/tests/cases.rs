//! The fixture cases: every folder under the top-level `tests/cases/` is a project compiled in
//! memory (see `tests/README.md`).
//!
//! For each case the harness checks, and reports every failing case at once:
//!
//! - the inline annotations (`// error: B3001`, `// warning: B3011`, `# error: B1005` in
//!   `bops.toml`) match the diagnostics both ways, by file, line (where the primary span starts),
//!   severity and code;
//! - a case without an error annotation has no error;
//! - every span of every diagnostic and of every model origin is inside its file;
//! - every emitted `.yaml`/`.yml` file re-parses as YAML, every `.json`/`.hujson` file as JSON
//!   (after dropping `//` comment lines and trailing commas);
//! - compiling twice, and compiling with the files given in reverse order, gives the same bytes;
//! - one insta snapshot shows the inputs, the rendered diagnostics and every emitted file.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use bops_core::diagnostic::render;
use bops_core::{compile, Compilation, Input, InputFile, Severity, Span};

/// The folder holding the cases.
fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cases")
}

/// Every file under `dir`, as paths relative to `root` with `/` separators, sorted.
fn files_under(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(root, &path, out);
        } else {
            let relative = path.strip_prefix(root).unwrap();
            let parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
}

/// Reads a case folder into an [`Input`].
pub fn read_case(dir: &Path) -> Input {
    let mut paths = Vec::new();
    files_under(dir, dir, &mut paths);
    let mut input = Input::default();
    for path in paths {
        let text = String::from_utf8(fs::read(dir.join(&path)).unwrap()).unwrap();
        if path == "bops.toml" {
            input.manifest = Some(text);
        } else if path.ends_with(".bops") {
            input.files.push(InputFile { path, text });
        } else {
            input.assets.insert(path, text);
        }
    }
    input
}

/// An expected diagnostic: file, line (1-based), severity and code.
type Expected = (String, usize, &'static str, String);

/// The annotations of one file's text.
fn annotations(path: &str, text: &str) -> BTreeSet<Expected> {
    let marker = if path.ends_with(".toml") { "#" } else { "//" };
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let Some((_, comment)) = line.split_once(marker) else {
            continue;
        };
        let mut severity: Option<&'static str> = None;
        for word in comment.split(|c: char| c.is_whitespace() || c == ',') {
            match word {
                "error:" => severity = Some("error"),
                "warning:" => severity = Some("warning"),
                code if code.len() == 5
                    && code.starts_with('B')
                    && code[1..].chars().all(|c| c.is_ascii_digit()) =>
                {
                    if let Some(severity) = severity {
                        out.insert((path.to_string(), i + 1, severity, code.to_string()));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The diagnostics of a compilation, as annotations.
fn raised(compilation: &Compilation) -> BTreeSet<Expected> {
    compilation
        .diagnostics
        .iter()
        .map(|d| {
            let file = compilation.sources.get(d.primary.span.file).unwrap();
            let (line, _) = file.line_col(d.primary.span.start as usize);
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            (file.path.clone(), line, severity, d.code.to_string())
        })
        .collect()
}

/// The bytes a compilation produces: rendered diagnostics and every output file.
fn fingerprint(compilation: &Compilation) -> String {
    let mut out = render::human(&compilation.diagnostics, &compilation.sources, false);
    for (path, file) in compilation.outputs.iter().flatten() {
        out.push_str(&format!("\n== {path} ==\n{}", file.contents));
    }
    out
}

fn check_span(compilation: &Compilation, span: Span, what: &str, problems: &mut Vec<String>) {
    match compilation.sources.get(span.file) {
        Some(file) if span.start <= span.end && (span.end as usize) <= file.text.len() => {}
        Some(file) => problems.push(format!(
            "{what}: span {}..{} out of bounds of `{}` ({} bytes)",
            span.start,
            span.end,
            file.path,
            file.text.len()
        )),
        None => problems.push(format!("{what}: span in unknown file {:?}", span.file)),
    }
}

/// Drops `//` comment lines and trailing commas, turning HuJSON into JSON.
fn hujson_to_json(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    let joined = lines.join("\n");
    let mut out = String::new();
    let chars: Vec<char> = joined.chars().collect();
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if c == '\\' && i + 1 < chars.len() {
                out.push(chars[i + 1]);
                i += 1;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if !matches!(next, Some(']') | Some('}')) {
                out.push(c);
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// Runs one case; returns its problems (empty when it passes).
fn run_case(name: &str, dir: &Path) -> Vec<String> {
    let input = read_case(dir);
    let compilation = compile(&input);
    let mut problems = Vec::new();

    // Annotations, both ways.
    let mut expected = BTreeSet::new();
    if let Some(manifest) = &input.manifest {
        expected.extend(annotations("bops.toml", manifest));
    }
    for file in &input.files {
        expected.extend(annotations(&file.path, &file.text));
    }
    let actual = raised(&compilation);
    for (file, line, severity, code) in expected.difference(&actual) {
        problems.push(format!(
            "expected {severity} {code} at {file}:{line}, but it was not raised there"
        ));
    }
    for (file, line, severity, code) in actual.difference(&expected) {
        problems.push(format!(
            "unexpected {severity} {code} at {file}:{line} (add `// {severity}: {code}` if it is right)"
        ));
    }
    let expects_errors = expected.iter().any(|(_, _, s, _)| *s == "error");
    if !expects_errors && compilation.has_errors() {
        problems.push("the case has no error annotation, but compiling it gives errors".into());
    }
    if !compilation.has_errors() && compilation.outputs.is_none() {
        problems.push("no errors, but no outputs".into());
    }

    // Spans.
    for d in &compilation.diagnostics {
        check_span(
            &compilation,
            d.primary.span,
            &format!("{} primary", d.code),
            &mut problems,
        );
        for label in &d.secondary {
            check_span(
                &compilation,
                label.span,
                &format!("{} secondary", d.code),
                &mut problems,
            );
        }
    }
    if let Some(model) = &compilation.model {
        let origins = model
            .users
            .iter()
            .map(|e| &e.origin)
            .chain(model.groups.iter().map(|e| &e.origin))
            .chain(model.tags.iter().map(|e| &e.origin))
            .chain(model.grants.iter().map(|e| &e.origin))
            .chain(model.ssh_rules.iter().map(|e| &e.origin))
            .chain(model.acl_tests.iter().map(|e| &e.origin))
            .chain(model.ssh_tests.iter().map(|e| &e.origin))
            .chain(model.acls.iter().map(|e| &e.origin))
            .chain(model.networks.iter().map(|e| &e.origin))
            .chain(model.ip_sets.iter().map(|e| &e.origin))
            .chain(model.postures.iter().map(|e| &e.origin))
            .chain(model.auto_approvers.iter().map(|e| &e.origin))
            .chain(model.node_attrs.iter().map(|e| &e.origin))
            .chain(model.hosts.iter().map(|e| &e.origin))
            .chain(model.host_groups.iter().map(|e| &e.origin))
            .chain(model.roles.iter().map(|e| &e.origin))
            .chain(model.clusters.iter().map(|e| &e.origin))
            .chain(model.repos.iter().map(|e| &e.origin))
            .chain(model.secrets.iter().map(|e| &e.origin))
            .chain(model.apps.iter().map(|e| &e.origin))
            .chain(model.tailnet.iter().map(|e| &e.origin));
        for origin in origins {
            check_span(&compilation, origin.span, &origin.decl, &mut problems);
        }
    }

    // Emitted files re-parse.
    for (path, file) in compilation.outputs.iter().flatten() {
        if path.ends_with(".yaml") || path.ends_with(".yml") {
            for document in serde_yaml_ng::Deserializer::from_str(&file.contents) {
                if let Err(e) = <serde_yaml_ng::Value as serde::Deserialize>::deserialize(document)
                {
                    problems.push(format!("{path} is not valid YAML: {e}"));
                    break;
                }
            }
        }
        if path.ends_with(".json") || path.ends_with(".hujson") {
            if let Err(e) =
                serde_json::from_str::<serde_json::Value>(&hujson_to_json(&file.contents))
            {
                problems.push(format!("{path} is not valid JSON: {e}"));
            }
        }
    }

    // Determinism: twice, and with the files in reverse order.
    let first = fingerprint(&compilation);
    if fingerprint(&compile(&input)) != first {
        problems.push("compiling twice gives different bytes".into());
    }
    let mut reversed = input.clone();
    reversed.files.reverse();
    if fingerprint(&compile(&reversed)) != first {
        problems.push("compiling the files in reverse order gives different bytes".into());
    }

    // The snapshot.
    let snapshot = snapshot(&input, &compilation);
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(false);
        settings.set_snapshot_path("snapshots/cases");
        settings.bind(|| insta::assert_snapshot!(name.to_string(), snapshot));
    }));
    if result.is_err() {
        problems.push("the snapshot differs (review the `.snap.new` file)".into());
    }
    problems
}

/// The snapshot text of a case: inputs, diagnostics, outputs.
fn snapshot(input: &Input, compilation: &Compilation) -> String {
    let mut out = String::from("# Inputs\n");
    if let Some(manifest) = &input.manifest {
        out.push_str(&format!("\n## bops.toml\n\n{manifest}"));
    }
    let mut files: BTreeMap<&str, &str> = BTreeMap::new();
    for file in &input.files {
        files.insert(&file.path, &file.text);
    }
    for (path, text) in files {
        out.push_str(&format!("\n## {path}\n\n{text}"));
    }
    out.push_str("\n# Diagnostics\n\n");
    let rendered = render::human(&compilation.diagnostics, &compilation.sources, false);
    if rendered.trim().is_empty() {
        out.push_str("(none)\n");
    } else {
        out.push_str(&rendered);
    }
    out.push_str("\n# Outputs\n");
    match &compilation.outputs {
        None => out.push_str("\n(none: the project has errors)\n"),
        Some(outputs) if outputs.is_empty() => out.push_str("\n(no files)\n"),
        Some(outputs) => {
            for (path, file) in outputs {
                out.push_str(&format!("\n## {path}\n\n{}", file.contents));
            }
        }
    }
    out
}

#[test]
fn cases() {
    let dir = cases_dir();
    let mut names: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no cases in {}", dir.display());
    // `BOPS_CASE=name` runs only the cases whose name contains `name`.
    #[allow(clippy::disallowed_methods)]
    let filter = std::env::var("BOPS_CASE").ok();
    let mut failures = Vec::new();
    for name in &names {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let problems = run_case(name, &dir.join(name));
        if !problems.is_empty() {
            failures.push(format!("case `{name}`:\n  - {}", problems.join("\n  - ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn annotations_are_read() {
    let text = "tag a // error: B3001\nx // error: B2001, B2002 warning: B3011\n";
    let mut found = annotations("main.bops", text);
    found.extend(annotations("bops.toml", "\n\n[project] # error: B1005\n"));
    let codes: Vec<(usize, &str, &str)> = found
        .iter()
        .map(|(_, l, s, c)| (*l, *s, c.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (3, "error", "B1005"),
            (1, "error", "B3001"),
            (2, "error", "B2001"),
            (2, "error", "B2002"),
            (2, "warning", "B3011"),
        ]
    );
}

#[test]
fn hujson_becomes_json() {
    let text = "// header\n{\n  \"a\": [1, 2,],\n  \"b\": \"x,]\",\n}\n";
    let json: serde_json::Value = serde_json::from_str(&hujson_to_json(text)).unwrap();
    assert_eq!(json["a"][1], 2);
    assert_eq!(json["b"], "x,]");
}
