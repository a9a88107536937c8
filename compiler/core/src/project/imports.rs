//! Import resolution and import cycles.
//!
//! `import a.b` names the project file `a/b.bops`; `import std.x` the standard library module `x`.
//! Paths are relative to the project root whichever file imports them. A module that does not
//! exist is `B1003` (with the closest existing module as a suggestion); a cycle of imports is
//! `B1004`, reported once per cycle with a label on every import in it.

use std::collections::BTreeSet;

use indexmap::IndexMap;

use super::{Module, ModuleId, ResolvedImport};
use crate::check::suggest;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::Span;
use crate::syntax::ast;

/// Resolves every module's `import` items, filling [`Module::imports`].
pub fn resolve(modules: &mut [Module], diagnostics: &mut Vec<Diagnostic>) {
    let by_name: IndexMap<String, ModuleId> = modules
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.clone(), i))
        .collect();
    for module in modules.iter_mut() {
        let mut resolved = Vec::new();
        for item in &module.ast.items {
            let ast::ItemKind::Import(import) = &item.kind else {
                continue;
            };
            let (Some(first), Some(last)) = (import.path.first(), import.path.last()) else {
                continue;
            };
            let name: Vec<&str> = import.path.iter().map(|i| i.name.as_str()).collect();
            let name = name.join(".");
            let path_span = first.span.to(last.span);
            let target = by_name.get(&name).copied();
            if target.is_none() {
                diagnostics.push(missing(&name, path_span, &by_name));
            }
            resolved.push(ResolvedImport {
                binding: import.alias.clone().unwrap_or_else(|| last.clone()),
                module: target,
                span: item.span,
            });
        }
        module.imports = resolved;
    }
}

fn missing(name: &str, span: Span, modules: &IndexMap<String, ModuleId>) -> Diagnostic {
    let label = match name.strip_prefix("std.") {
        Some(std) => format!("the standard library has no module `{std}`"),
        None => format!("no file `{}.bops` in the project", name.replace('.', "/")),
    };
    // Standard library modules are loaded only when imported, so every one is a candidate.
    let std_names: Vec<String> = crate::stdlib::FILES
        .iter()
        .map(|(n, _)| format!("std.{n}"))
        .collect();
    let candidates = modules
        .keys()
        .map(String::as_str)
        .chain(std_names.iter().map(String::as_str))
        .filter(|m| *m != "std.prelude");
    let mut d = Diagnostic::error(codes::B1003, format!("cannot find module `{name}`"), span)
        .with_label(label);
    if let Some(near) = suggest::closest(name, candidates) {
        d = d.with_help(format!("did you mean `{near}`?"));
    } else {
        d = d.with_help(
            "a project module is imported by its path from the project root, with `.` for `/` \
             and without `.bops`; a standard library module as `std.NAME`",
        );
    }
    d
}

/// Reports every import cycle once.
pub fn find_cycles(modules: &[Module], diagnostics: &mut Vec<Diagnostic>) {
    let mut state = vec![Visit::New; modules.len()];
    let mut stack: Vec<(ModuleId, Span)> = Vec::new();
    let mut seen: BTreeSet<Vec<ModuleId>> = BTreeSet::new();
    for start in 0..modules.len() {
        visit(
            start,
            modules,
            &mut state,
            &mut stack,
            &mut seen,
            diagnostics,
        );
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    New,
    Active,
    Done,
}

/// Depth-first search; `stack` holds the modules being visited with the import that led to the
/// next one.
fn visit(
    id: ModuleId,
    modules: &[Module],
    state: &mut [Visit],
    stack: &mut Vec<(ModuleId, Span)>,
    seen: &mut BTreeSet<Vec<ModuleId>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if state.get(id).copied() != Some(Visit::New) {
        return;
    }
    if let Some(s) = state.get_mut(id) {
        *s = Visit::Active;
    }
    let Some(module) = modules.get(id) else {
        return;
    };
    for import in &module.imports {
        let Some(target) = import.module else {
            continue;
        };
        stack.push((id, import.span));
        match state.get(target).copied() {
            Some(Visit::Active) => report_cycle(target, stack, modules, seen, diagnostics),
            Some(Visit::New) => visit(target, modules, state, stack, seen, diagnostics),
            _ => {}
        }
        stack.pop();
    }
    if let Some(s) = state.get_mut(id) {
        *s = Visit::Done;
    }
}

fn report_cycle(
    target: ModuleId,
    stack: &[(ModuleId, Span)],
    modules: &[Module],
    seen: &mut BTreeSet<Vec<ModuleId>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(from) = stack.iter().position(|(m, _)| *m == target) else {
        return;
    };
    let mut cycle: Vec<(ModuleId, Span)> = stack.iter().skip(from).copied().collect();
    // Start the cycle at its first module so that it reads the same wherever it was found.
    let Some(lowest) = cycle
        .iter()
        .enumerate()
        .min_by_key(|(_, (m, _))| *m)
        .map(|(i, _)| i)
    else {
        return;
    };
    cycle.rotate_left(lowest);
    let mut key: Vec<ModuleId> = cycle.iter().map(|(m, _)| *m).collect();
    key.sort_unstable();
    if !seen.insert(key) {
        return;
    }
    let name = |id: ModuleId| modules.get(id).map_or("?", |m| m.name.as_str());
    let mut names: Vec<&str> = cycle.iter().map(|(m, _)| name(*m)).collect();
    if let Some((first, _)) = cycle.first() {
        names.push(name(*first));
    }
    let chain = names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(" -> ");
    let Some(((_, first_span), rest)) = cycle.split_first() else {
        return;
    };
    let mut d = Diagnostic::error(codes::B1004, format!("import cycle: {chain}"), *first_span)
        .with_label(format!(
            "`{}` imports `{}`",
            names.first().copied().unwrap_or("?"),
            names.get(1).copied().unwrap_or("?")
        ));
    for (i, (_, span)) in rest.iter().enumerate() {
        d = d.with_secondary(
            *span,
            format!(
                "`{}` imports `{}`",
                names.get(i + 1).copied().unwrap_or("?"),
                names.get(i + 2).copied().unwrap_or("?")
            ),
        );
    }
    diagnostics.push(d.with_help(
        "modules may not import each other in a circle; move what they share into a third module",
    ));
}
