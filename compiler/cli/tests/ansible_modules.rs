//! The functions of `std.ansible` checked against the Ansible modules they stand for.
//!
//! Each function is called in a generated project, once with its required parameters only and
//! once more for each optional one, and the project is built with `bopsc`; the arguments are read
//! back from the generated playbook, so what is checked is what a user gets. Without any
//! validator, every function and parameter must be documented, write its own module, and write
//! each parameter as an argument of its own. With ansible-core's `ansible-doc` (installed by
//! `tests/validators/setup.sh`), every argument must be an option (or alias) of the module, every
//! option the module requires must be written by the required parameters alone, the types must
//! agree, and the values a parameter's doc comment names must be among the option's choices. When
//! `ansible-doc` is missing the second test fails if `CI` is set, and otherwise prints a loud
//! notice and passes.

// A panic is how a test fails; the workspace's panic lints are for the compiler, not its tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use bops_core::syntax::ast::{ItemKind, TypeExpr, TypeExprKind};
use bops_core::FileId;
use serde_json::{json, Map as JsonMap, Value as Json};

use common::{bopsc, in_ci, read, workspace_root, TempDir};

/// The standard library module under test.
const MODULE: &str = "ansible";

/// Options through which a module takes a free-form argument (`ansible.builtin.meta:
/// flush_handlers`, `ansible.builtin.set_fact: {name: value}`): `_raw_params`, or for
/// `set_fact` arbitrary keys, stand for them.
const FREE_FORM: &[&str] = &["free_form", "free-form", "key_value"];

/// Parameters whose bops type differs from the type `ansible-doc` gives the option, on purpose:
/// (function, parameter, why).
const TYPE_EXCEPTIONS: &[(&str, &str, &str)] = &[
    (
        "package",
        "name",
        "documented as a string, but the module takes a list like apt and dnf",
    ),
    (
        "pause",
        "minutes",
        "documented as a string, but it is a number of minutes",
    ),
    (
        "pause",
        "seconds",
        "documented as a string, but it is a number of seconds",
    ),
    (
        "user",
        "expires",
        "a float of seconds since the epoch; bops has whole numbers only",
    ),
    (
        "include_tasks",
        "apply",
        "documented as a string, but it is a mapping of task keywords",
    ),
    (
        "include_role",
        "apply",
        "documented as a string, but it is a mapping of task keywords",
    ),
];

/// The `ansible-doc` that `tests/validators/setup.sh` installed, or `None` (after printing the
/// skip notice) when it is missing outside CI.
fn ansible_doc() -> Option<PathBuf> {
    let prefix = match std::env::var_os("BOPS_VALIDATORS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => workspace_root().join("target/validators"),
    };
    let program = prefix.join("venv/bin/ansible-doc");
    if program.is_file() {
        return Some(program);
    }
    let message = format!(
        "ansible-doc is not installed in {}; run `tests/validators/setup.sh` to install the \
         validators (Python 3.11+ and pip needed)",
        prefix.display()
    );
    if in_ci() {
        panic!("{message}");
    }
    eprintln!(
        "\n{}\nSKIPPED the check of std.ansible against the modules' documentation: {message}\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

// ---------------------------------------------------------------------------------------------
// The functions, read with the compiler's own parser.

/// A parameter's type, as far as sample values and the type check need it.
#[derive(Clone, Debug, PartialEq)]
enum Ty {
    String,
    Int,
    Port,
    Bool,
    Any,
    List(Box<Ty>),
    Map(Box<Ty>),
}

/// One parameter of a function.
#[derive(Debug)]
struct Parameter {
    name: String,
    doc: Option<String>,
    ty: Ty,
    /// Written without a default.
    required: bool,
}

/// One function of the module.
#[derive(Debug)]
struct Function {
    name: String,
    doc: Option<String>,
    /// The declared result type's name.
    returns: Option<String>,
    params: Vec<Parameter>,
}

/// Reads a type; a type the test does not know how to sample is an error naming it.
fn ty(expr: &TypeExpr) -> Result<Ty, String> {
    match &expr.kind {
        TypeExprKind::Optional(inner) => ty(inner),
        TypeExprKind::Named { name, args } => match (name.name.as_str(), args.as_slice()) {
            ("string", []) => Ok(Ty::String),
            ("int", []) => Ok(Ty::Int),
            ("port", []) => Ok(Ty::Port),
            ("bool", []) => Ok(Ty::Bool),
            ("any", []) => Ok(Ty::Any),
            ("list", [item]) => Ok(Ty::List(Box::new(ty(item)?))),
            ("map", [item]) => Ok(Ty::Map(Box::new(ty(item)?))),
            (other, _) => Err(format!(
                "the type `{other}` (teach this test a sample of it)"
            )),
        },
        TypeExprKind::Record(_) | TypeExprKind::Error => {
            Err("a record type (teach this test a sample of it)".to_string())
        }
    }
}

/// The functions of `std.ansible`, in source order.
fn functions() -> Vec<Function> {
    let text = bops_core::stdlib::get(MODULE).expect("std.ansible is embedded");
    let (file, diagnostics) = bops_core::syntax::parse(FileId(0), text);
    assert!(
        diagnostics.is_empty(),
        "stdlib/{MODULE}.bops does not parse: {diagnostics:?}"
    );
    let mut out = Vec::new();
    for item in file.items {
        let ItemKind::Fn(f) = item.kind else {
            continue;
        };
        let params = f
            .params
            .iter()
            .map(|p| {
                let name = p.name.name.clone();
                let expr =
                    p.ty.as_ref()
                        .unwrap_or_else(|| panic!("{}({name}) has no type", f.name.name));
                Parameter {
                    ty: ty(expr).unwrap_or_else(|e| panic!("{}({name}): {e}", f.name.name)),
                    doc: p.doc.as_ref().map(|d| d.text.clone()),
                    required: p.default.is_none(),
                    name,
                }
            })
            .collect();
        let returns = match f.ret.as_ref().map(|t| &t.kind) {
            Some(TypeExprKind::Named { name, .. }) => Some(name.name.clone()),
            _ => None,
        };
        out.push(Function {
            name: f.name.name.clone(),
            doc: item.doc.map(|d| d.text),
            returns,
            params,
        });
    }
    assert!(!out.is_empty(), "stdlib/{MODULE}.bops has no function");
    out
}

// ---------------------------------------------------------------------------------------------
// Calling them: a generated project, built, and its playbook read back.

/// Sample values, each distinct (but `true`), so that an argument can be traced to its parameter.
struct Samples {
    next: i64,
}

impl Samples {
    /// A value of `ty` for `tag`: its bops text and the JSON the playbook should hold.
    fn value(&mut self, ty: &Ty, tag: &str) -> (String, Json) {
        match ty {
            Ty::String | Ty::Any => (format!("\"v-{tag}\""), json!(format!("v-{tag}"))),
            Ty::Int | Ty::Port => {
                self.next += 1;
                (self.next.to_string(), json!(self.next))
            }
            Ty::Bool => ("true".to_string(), json!(true)),
            Ty::List(item) => {
                let (text, value) = self.value(item, tag);
                (format!("[{text}]"), json!([value]))
            }
            Ty::Map(item) => {
                let key = format!("k_{}", tag.replace('-', "_"));
                let (text, value) = self.value(item, tag);
                (format!("{{ \"{key}\" = {text} }}"), json!({ key: value }))
            }
        }
    }
}

/// One call of a function: which optional parameter it adds to the required ones, the bops text,
/// and the JSON value of each parameter it passes.
struct Call {
    task: String,
    extra: Option<String>,
    text: String,
    values: BTreeMap<String, Json>,
}

/// The calls of one function: the required parameters alone, then each optional one added.
fn calls(f: &Function, samples: &mut Samples) -> Vec<Call> {
    let required: Vec<&Parameter> = f.params.iter().filter(|p| p.required).collect();
    let mut extras: Vec<Option<&Parameter>> = vec![None];
    extras.extend(f.params.iter().filter(|p| !p.required).map(Some));
    extras
        .into_iter()
        .map(|extra| {
            let mut args = Vec::new();
            let mut values = BTreeMap::new();
            for p in required.iter().copied().chain(extra) {
                let (text, value) = samples.value(&p.ty, &format!("{}-{}", f.name, p.name));
                args.push(format!("{} = {text}", p.name));
                values.insert(p.name.clone(), value);
            }
            let task = match extra {
                None => format!("{} with its required parameters", f.name),
                Some(p) => format!("{} with {}", f.name, p.name),
            };
            Call {
                text: format!("{MODULE}.{}({})", f.name, args.join(", ")),
                extra: extra.map(|p| p.name.clone()),
                task,
                values,
            }
        })
        .collect()
}

/// What one call wrote: the module and its arguments.
struct Written {
    module: String,
    args: JsonMap<String, Json>,
}

/// Builds a project whose one host runs every call as a task, and returns what each task wrote,
/// by task name.
fn build(calls: &[&Call]) -> BTreeMap<String, Written> {
    let tmp = TempDir::new("ansible-modules");
    let tasks: Vec<String> = calls
        .iter()
        .map(|c| format!("    {{ name = \"{}\", action = {} }},", c.task, c.text))
        .collect();
    tmp.write("bops.toml", "[project]\nname = \"modules\"\n");
    tmp.write(
        "main.bops",
        &format!(
            "import std.{MODULE}\n\nhost box {{\n  tasks = [\n{}\n  ]\n}}\n",
            tasks.join("\n")
        ),
    );
    let out = tmp.path().join("generated");
    let run = bopsc(&[
        "build",
        tmp.path().to_str().expect("UTF-8 path"),
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(
        run.code,
        Some(0),
        "a project calling every function of std.{MODULE} does not build:\n{}",
        run.dump()
    );
    let playbook = out.join("ansible/playbooks/box.yml");
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&read(&playbook))
        .unwrap_or_else(|e| panic!("{} is not YAML: {e}", playbook.display()));
    let plays: Json = serde_json::to_value(&yaml).expect("YAML as JSON");
    let mut written = BTreeMap::new();
    for task in plays[0]["tasks"].as_array().expect("the play has tasks") {
        let task = task.as_object().expect("a task is a mapping");
        let Some(name) = task.get("name").and_then(Json::as_str) else {
            continue;
        };
        let modules: Vec<(&String, &Json)> = task
            .iter()
            .filter(|(k, _)| k.starts_with("ansible.builtin."))
            .collect();
        let [(module, args)] = modules.as_slice() else {
            panic!("task {name:?} does not name one builtin module: {task:?}");
        };
        let args = match args {
            Json::Object(map) => map.clone(),
            // A free-form argument written as the module's value.
            Json::String(s) => JsonMap::from_iter([("_raw_params".to_string(), json!(s))]),
            Json::Null => JsonMap::new(),
            other => panic!("task {name:?}: the arguments are not a mapping: {other}"),
        };
        written.insert(
            name.to_string(),
            Written {
                module: module.to_string(),
                args,
            },
        );
    }
    written
}

/// Where a parameter went in the arguments.
#[derive(Clone, Debug, PartialEq)]
enum Place {
    /// Under this key.
    Key(String),
    /// Spread among the module's arguments (`set_fact`'s `facts`): these keys.
    Spread(Vec<String>),
}

impl Place {
    /// The argument keys it wrote.
    fn keys(&self) -> Vec<String> {
        match self {
            Place::Key(key) => vec![key.clone()],
            Place::Spread(keys) => keys.clone(),
        }
    }
}

/// Each function's parameters traced into the playbook: parameter to where it went, for the
/// required-only call and per parameter. Problems are collected, not panicked, so that one run
/// lists them all.
struct Traced {
    /// Function name to parameter name to where it went.
    places: BTreeMap<String, BTreeMap<String, Place>>,
    /// Function name to the keys the required-only call wrote.
    required_keys: BTreeMap<String, BTreeSet<String>>,
}

/// Calls every function and traces each parameter to the argument it writes.
fn trace(functions: &[Function], problems: &mut Vec<String>) -> Traced {
    let mut samples = Samples { next: 100 };
    let per_fn: Vec<(&Function, Vec<Call>)> = functions
        .iter()
        .map(|f| (f, calls(f, &mut samples)))
        .collect();
    let all: Vec<&Call> = per_fn.iter().flat_map(|(_, c)| c).collect();
    let written = build(&all);

    let mut traced = Traced {
        places: BTreeMap::new(),
        required_keys: BTreeMap::new(),
    };
    for (f, calls) in &per_fn {
        let expected_module = format!("ansible.builtin.{}", f.name);
        let mut places = BTreeMap::new();
        let mut base: Option<&JsonMap<String, Json>> = None;
        let mut wrong_module = false;
        for call in calls {
            let Some(w) = written.get(&call.task) else {
                problems.push(format!(
                    "{}: no task {:?} in the playbook",
                    f.name, call.task
                ));
                continue;
            };
            if w.module != expected_module && !wrong_module {
                wrong_module = true;
                problems.push(format!(
                    "{}: writes the module `{}`, not `{expected_module}`",
                    f.name, w.module
                ));
            }
            match &call.extra {
                None => {
                    base = Some(&w.args);
                    traced
                        .required_keys
                        .insert(f.name.clone(), w.args.keys().cloned().collect());
                    let mut claimed = BTreeSet::new();
                    for p in f.params.iter().filter(|p| p.required) {
                        match locate(&w.args, &call.values[&p.name], None) {
                            Ok(place) => {
                                claimed.extend(place.keys());
                                places.insert(p.name.clone(), place);
                            }
                            Err(e) => problems.push(format!("{}({}): {e}", f.name, p.name)),
                        }
                    }
                    for key in w.args.keys().filter(|k| !claimed.contains(*k)) {
                        problems.push(format!(
                            "{}: writes `{key}` whatever the arguments; no parameter gives it",
                            f.name
                        ));
                    }
                }
                Some(extra) => {
                    let Some(base) = base else { continue };
                    match locate(&w.args, &call.values[extra], Some(base)) {
                        Ok(place) => {
                            let more: Vec<&String> = w
                                .args
                                .keys()
                                .filter(|k| !base.contains_key(*k) && !place.keys().contains(*k))
                                .collect();
                            if !more.is_empty() {
                                problems.push(format!("{}({extra}): also writes {more:?}", f.name));
                            }
                            places.insert(extra.clone(), place);
                        }
                        Err(e) => problems.push(format!("{}({extra}): {e}", f.name)),
                    }
                }
            }
        }
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (param, place) in &places {
            if let Place::Key(key) = place {
                if let Some(other) = seen.insert(key, param) {
                    problems.push(format!(
                        "{}: `{other}` and `{param}` both write `{key}`",
                        f.name
                    ));
                }
            }
        }
        traced.places.insert(f.name.clone(), places);
    }
    traced
}

/// Finds where a value went: the one key that holds it (among the keys `base` does not have, when
/// given), or, for a mapping, its entries spread among the arguments.
fn locate(
    args: &JsonMap<String, Json>,
    value: &Json,
    base: Option<&JsonMap<String, Json>>,
) -> Result<Place, String> {
    let new: Vec<&String> = args
        .keys()
        .filter(|k| base.is_none_or(|b| !b.contains_key(*k)))
        .collect();
    let holding: Vec<&String> = new
        .iter()
        .copied()
        .filter(|k| args.get(*k) == Some(value))
        .collect();
    match holding.as_slice() {
        [key] => return Ok(Place::Key((*key).clone())),
        [_, _, ..] => return Err(format!("its value is written under {holding:?}")),
        [] => {}
    }
    if let Json::Object(entries) = value {
        if !entries.is_empty()
            && entries
                .iter()
                .all(|(k, v)| args.get(k) == Some(v) && new.contains(&k))
        {
            return Ok(Place::Spread(entries.keys().cloned().collect()));
        }
    }
    Err(format!(
        "its value {value} is not written (new arguments: {new:?})"
    ))
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// Every function and parameter is documented, returns a `Module`, writes
/// `ansible.builtin.<name>`, and writes each parameter under a key of its own.
#[test]
fn every_function_is_documented_and_writes_each_parameter() {
    let functions = functions();
    let mut problems = Vec::new();
    for f in &functions {
        let module = format!("ansible.builtin.{}", f.name);
        match &f.doc {
            None => problems.push(format!("{}: no doc comment", f.name)),
            Some(doc) if !doc.contains(&format!("`{module}`")) => {
                problems.push(format!(
                    "{}: the doc comment does not name `{module}`",
                    f.name
                ));
            }
            Some(_) => {}
        }
        if f.returns.as_deref() != Some("Module") {
            problems.push(format!("{}: does not declare `-> Module`", f.name));
        }
        for p in &f.params {
            if p.doc.as_deref().is_none_or(|d| d.trim().is_empty()) {
                problems.push(format!("{}({}): no doc comment", f.name, p.name));
            }
        }
    }
    // Each parameter that cannot be traced to an argument of its own is reported by the trace.
    trace(&functions, &mut problems);
    assert!(
        problems.is_empty(),
        "std.{MODULE}:\n  {}",
        problems.join("\n  ")
    );
}

/// Every function matches its module's documentation in the installed ansible-core.
#[test]
fn every_function_matches_the_module_documentation() {
    let Some(program) = ansible_doc() else {
        return;
    };
    let functions = functions();
    let mut names: Vec<String> = functions
        .iter()
        .map(|f| format!("ansible.builtin.{}", f.name))
        .collect();
    names.sort();
    let output = Command::new(&program)
        .arg("-j")
        .args(&names)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    assert!(
        output.status.success(),
        "ansible-doc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let docs: Json = serde_json::from_slice(&output.stdout).expect("ansible-doc prints JSON");

    let mut problems = Vec::new();
    let traced = trace(&functions, &mut problems);
    for f in &functions {
        let module = format!("ansible.builtin.{}", f.name);
        let Some(options) = docs
            .get(&module)
            .and_then(|m| m.pointer("/doc/options"))
            .and_then(Json::as_object)
        else {
            problems.push(format!(
                "{}: ansible-doc knows no module `{module}`",
                f.name
            ));
            continue;
        };
        check_function(f, options, &traced, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "std.{MODULE} disagrees with ansible-doc:\n  {}",
        problems.join("\n  ")
    );
}

/// An option's name given one of its names or aliases.
fn option_named<'o>(options: &'o JsonMap<String, Json>, key: &str) -> Option<(&'o str, &'o Json)> {
    options.iter().find_map(|(name, spec)| {
        let aliases = spec.get("aliases").and_then(Json::as_array);
        let is_alias = aliases.is_some_and(|a| a.iter().any(|x| x.as_str() == Some(key)));
        (name == key || is_alias).then_some((name.as_str(), spec))
    })
}

/// The module's free-form option, if it has one.
fn free_form(options: &JsonMap<String, Json>) -> Option<(&str, &Json)> {
    options
        .iter()
        .find(|(name, _)| FREE_FORM.contains(&name.as_str()))
        .map(|(n, s)| (n.as_str(), s))
}

/// Checks one function against its module's options.
fn check_function(
    f: &Function,
    options: &JsonMap<String, Json>,
    traced: &Traced,
    problems: &mut Vec<String>,
) {
    let places = &traced.places[&f.name];
    for p in &f.params {
        let option = match places.get(&p.name) {
            None => continue, // Already reported by the trace.
            Some(Place::Spread(keys)) => {
                if free_form(options).is_none() {
                    problems.push(format!(
                        "{}({}): spread into the arguments as {keys:?}, but the module takes no \
                         free-form arguments",
                        f.name, p.name
                    ));
                }
                continue;
            }
            Some(Place::Key(key)) if key == "_raw_params" => match free_form(options) {
                Some(option) => option,
                None => {
                    problems.push(format!(
                        "{}({}): written as a free-form argument, but the module takes none",
                        f.name, p.name
                    ));
                    continue;
                }
            },
            Some(Place::Key(key)) => match option_named(options, key) {
                Some(option) => option,
                None => {
                    problems.push(format!(
                        "{}({}): `{key}` is not an option of the module",
                        f.name, p.name
                    ));
                    continue;
                }
            },
        };
        check_type(f, p, option, problems);
        check_choices(f, p, option, problems);
    }

    // What the required parameters alone write must cover every option the module requires.
    let keys = &traced.required_keys[&f.name];
    let spread = places.values().any(|p| matches!(p, Place::Spread(_)));
    for (name, spec) in options {
        if spec.get("required") != Some(&json!(true)) {
            continue;
        }
        let given = if FREE_FORM.contains(&name.as_str()) {
            keys.contains("_raw_params") || spread
        } else {
            keys.iter()
                .any(|k| option_named(options, k).is_some_and(|(n, _)| n == name))
        };
        if !given {
            problems.push(format!(
                "{}: the module requires `{name}`, but no parameter without a default writes it",
                f.name
            ));
        }
    }
}

/// Whether a bops type can carry values of an `ansible-doc` type (and list element type).
fn type_fits(ty: &Ty, doc_type: &str, elements: Option<&str>) -> bool {
    match (ty, doc_type) {
        (Ty::Any, _) => true,
        (Ty::String, "str" | "path" | "raw") => true,
        (Ty::Int | Ty::Port, "int") => true,
        (Ty::Bool, "bool") => true,
        (Ty::Map(_), "dict") => true,
        (Ty::List(item), "list") => match elements {
            None => true,
            Some(e) => type_fits(item, e, None),
        },
        _ => false,
    }
}

/// The parameter's type agrees with the option's.
fn check_type(f: &Function, p: &Parameter, option: (&str, &Json), problems: &mut Vec<String>) {
    let (name, spec) = option;
    let doc_type = spec.get("type").and_then(Json::as_str).unwrap_or("str");
    let elements = spec.get("elements").and_then(Json::as_str);
    let excepted = TYPE_EXCEPTIONS
        .iter()
        .any(|(fun, param, _)| *fun == f.name && *param == p.name);
    let fits = type_fits(&p.ty, doc_type, elements);
    if excepted && fits {
        problems.push(format!(
            "{}({}): listed in TYPE_EXCEPTIONS, but its type now agrees with `{name}`'s; remove it \
             from the list",
            f.name, p.name
        ));
    } else if !excepted && !fits {
        let elements = elements.map(|e| format!(" of {e}")).unwrap_or_default();
        problems.push(format!(
            "{}({}): typed {:?}, but the option `{name}` is a {doc_type}{elements}",
            f.name, p.name, p.ty
        ));
    }
}

/// The values a parameter's doc comment names in backquotes (other than the function's
/// parameters, which it may refer to) are among the option's choices, and a parameter whose option
/// has choices names some of them.
fn check_choices(f: &Function, p: &Parameter, option: (&str, &Json), problems: &mut Vec<String>) {
    let (name, spec) = option;
    let choices: BTreeSet<String> = match spec.get("choices") {
        Some(Json::Array(list)) => list
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect(),
        Some(Json::Object(map)) => map.keys().cloned().collect(),
        _ => return,
    };
    let doc = p.doc.as_deref().unwrap_or("");
    let named: Vec<&str> = doc
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|word| !f.params.iter().any(|other| other.name == *word))
        .collect();
    if named.is_empty() {
        problems.push(format!(
            "{}({}): the doc comment names none of `{name}`'s choices: {choices:?}",
            f.name, p.name
        ));
    }
    for value in named {
        if !choices.contains(value) {
            problems.push(format!(
                "{}({}): the doc comment names `{value}`, which is not a choice of `{name}`: \
                 {choices:?}",
                f.name, p.name
            ));
        }
    }
}
