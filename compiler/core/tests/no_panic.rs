//! No input makes the compiler panic.
//!
//! Every `.bops` file of the fixtures (`tests/cases/`), the examples and the standard library is
//! damaged in many ways (cut off at an offset, a line deleted, a token deleted) and compiled, in the
//! context of its project, through the whole pipeline, with the diagnostics rendered as text and
//! JSON. Any panic fails the test, naming the file and the damage. Offsets, lines and tokens are
//! sampled with a fixed seed, so a run is fast (a few seconds) and repeatable.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use bops_core::diagnostic::render;
use bops_core::{compile, Input, InputFile};

/// How many damaged inputs to compile in all, spread over the files, and the bounds per file. A
/// debug build compiles the example in tens of milliseconds, so this keeps the test to seconds.
const BUDGET: usize = 400;
const MIN_PER_FILE: usize = 6;
const MAX_PER_FILE: usize = 24;

/// A project to damage: its manifest and files, by path relative to its root.
struct Project {
    root: PathBuf,
    manifest: Option<String>,
    files: BTreeMap<String, String>,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).expect("read a file")).into_owned()
}

/// Every `.bops` file under `dir`, sorted.
fn bops_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            bops_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "bops") {
            out.push(path);
        }
    }
}

/// The root of the project a file belongs to: the nearest directory with a `bops.toml` up to
/// `top`, or else the directory just below `top` (a fixture without a manifest), or else the file's
/// own directory.
fn project_root(file: &Path, top: &Path) -> PathBuf {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if !d.starts_with(top) || d == top {
            break;
        }
        if d.join("bops.toml").is_file() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    let rel = file.strip_prefix(top).unwrap_or(file);
    match rel.components().next() {
        Some(first) if rel.components().count() > 1 => top.join(first),
        _ => file.parent().unwrap_or(top).to_path_buf(),
    }
}

/// Every project under the fixtures and the examples, and the standard library file by file.
fn projects() -> Vec<Project> {
    let root = workspace_root();
    let mut projects: BTreeMap<PathBuf, Project> = BTreeMap::new();
    for top in ["tests/cases", "examples"] {
        let top = root.join(top);
        let mut files = Vec::new();
        bops_files(&top, &mut files);
        for file in files {
            let proot = project_root(&file, &top);
            let project = projects.entry(proot.clone()).or_insert_with(|| Project {
                manifest: proot
                    .join("bops.toml")
                    .is_file()
                    .then(|| read(&proot.join("bops.toml"))),
                root: proot.clone(),
                files: BTreeMap::new(),
            });
            let rel = file.strip_prefix(&proot).expect("under its project");
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            project.files.insert(rel.join("/"), read(&file));
        }
    }
    let mut stdlib = Vec::new();
    bops_files(&root.join("stdlib"), &mut stdlib);
    for file in stdlib {
        let mut files = BTreeMap::new();
        files.insert("main.bops".to_string(), read(&file));
        projects.insert(
            file.clone(),
            Project {
                root: file,
                manifest: None,
                files,
            },
        );
    }
    projects.into_values().collect()
}

/// A small deterministic pseudo-random generator (64-bit LCG), so the sample is repeatable.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        if n == 0 {
            return 0;
        }
        ((self.0 >> 33) as usize) % n
    }
}

/// Byte ranges of the tokens of a text, roughly: runs of word characters, or one other visible
/// character.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        if c.is_alphanumeric() || c == '_' {
            while let Some(&(i, d)) = iter.peek() {
                if !(d.is_alphanumeric() || d == '_') {
                    break;
                }
                end = i + d.len_utf8();
                iter.next();
            }
        }
        out.push((start, end));
    }
    out
}

/// `count` damaged versions of `text`, each with a description.
fn damage(text: &str, count: usize, rng: &mut Rng) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let toks = tokens(text);
    for i in 0..count {
        match i % 3 {
            0 => {
                let at = boundaries[rng.below(boundaries.len())];
                out.push((format!("cut at byte {at}"), text[..at].to_string()));
            }
            1 if !lines.is_empty() => {
                let n = rng.below(lines.len());
                let mut damaged = String::new();
                for (j, line) in lines.iter().enumerate() {
                    if j != n {
                        damaged.push_str(line);
                    }
                }
                out.push((format!("line {} deleted", n + 1), damaged));
            }
            _ if !toks.is_empty() => {
                let (start, end) = toks[rng.below(toks.len())];
                let damaged = format!("{}{}", &text[..start], &text[end..]);
                out.push((
                    format!("token `{}` at byte {start} deleted", &text[start..end]),
                    damaged,
                ));
            }
            _ => {}
        }
    }
    out
}

thread_local! {
    /// The message and location of the last panic on this thread, recorded by the hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Compiles and renders an input; the panic message if that panics.
fn run(input: &Input) -> Result<(), String> {
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let compilation = compile(input);
        for d in &compilation.diagnostics {
            let file = compilation.sources.get(d.primary.span.file);
            let text = file.map_or("", |f| f.text.as_str());
            let range = d.primary.span.range();
            assert!(
                range.start <= range.end
                    && text.is_char_boundary(range.start)
                    && text.is_char_boundary(range.end),
                "{} has a span {range:?} outside its file or inside a character",
                d.code
            );
        }
        if std::env::var_os("NORENDER").is_none() {
            render::human(&compilation.diagnostics, &compilation.sources, false);
        }
        render::json(&compilation.diagnostics, &compilation.sources);
    }));
    result.map_err(|_| {
        LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| "a panic".to_string())
    })
}

/// One damaged input: the project it belongs to, a description of the damage, and the input.
struct Job {
    what: String,
    damaged: String,
    input: Input,
}

/// Every damaged input, `per_file` for each file.
fn jobs(projects: &[Project], per_file: usize) -> Vec<Job> {
    let mut jobs = Vec::new();
    for project in projects {
        for (path, text) in &project.files {
            let seed = path
                .bytes()
                .chain(project.root.to_string_lossy().bytes())
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
            let mut rng = Rng(seed);
            for (what, damaged) in damage(text, per_file, &mut rng) {
                let files = project
                    .files
                    .iter()
                    .map(|(p, t)| InputFile {
                        path: p.clone(),
                        text: if p == path {
                            damaged.clone()
                        } else {
                            t.clone()
                        },
                    })
                    .collect();
                jobs.push(Job {
                    what: format!("{}/{path}, {what}", project.root.display()),
                    damaged,
                    input: Input {
                        manifest: project.manifest.clone(),
                        files,
                        assets: Default::default(),
                    },
                });
            }
        }
    }
    jobs
}

#[test]
fn damaged_inputs_do_not_panic() {
    let projects = projects();
    let file_count: usize = projects.iter().map(|p| p.files.len()).sum();
    assert!(file_count > 0, "no .bops files found");
    let per_file = (BUDGET / file_count).clamp(MIN_PER_FILE, MAX_PER_FILE);
    let jobs = jobs(&projects, per_file);

    panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(info.to_string()));
    }));
    // The jobs are shared out over the cores, each worker with the stack of a main thread (8 MiB),
    // the one `bopsc` compiles on.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = jobs.len().div_ceil(workers).max(1);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|chunk| {
                std::thread::Builder::new()
                    .stack_size(8 << 20)
                    .spawn_scoped(scope, move || {
                        chunk
                            .iter()
                            .filter_map(|job| {
                                run(&job.input).err().map(|message| {
                                    format!("{}:\n  {message}\n  input:\n{}", job.what, job.damaged)
                                })
                            })
                            .collect::<Vec<_>>()
                    })
                    .expect("spawn a worker")
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker finished"))
            .collect()
    });
    drop(panic::take_hook());
    assert!(
        failures.is_empty(),
        "{} of {} damaged inputs panicked:\n\n{}",
        failures.len(),
        jobs.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

#[test]
fn tokens_are_words_or_single_characters() {
    let text = "tag a_b { x = \"y\" }";
    let found: Vec<&str> = tokens(text).iter().map(|&(s, e)| &text[s..e]).collect();
    assert_eq!(found, ["tag", "a_b", "{", "x", "=", "\"", "y", "\"", "}"]);
}
