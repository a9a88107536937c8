//! The standard library, written in `.bops` and embedded in the compiler.
//!
//! Its files live in the top-level `stdlib/` folder and are compiled in with `include_str!`, under
//! the pseudo-paths `<stdlib>/NAME.bops`, so diagnostics can point into them like into any file.
//! `prelude` is imported into every module; the others are imported as `std.NAME`.

/// The embedded files: module name (`prelude`, `k8s`) and text.
pub static FILES: &[(&str, &str)] = &[
    ("prelude", include_str!("../../../stdlib/prelude.bops")),
    ("k8s", include_str!("../../../stdlib/k8s.bops")),
    ("ansible", include_str!("../../../stdlib/ansible.bops")),
    ("argocd", include_str!("../../../stdlib/argocd.bops")),
];

/// The pseudo-path of a standard library module, as shown in diagnostics.
pub fn path(name: &str) -> String {
    format!("<stdlib>/{name}.bops")
}

/// The text of a standard library module.
pub fn get(name: &str) -> Option<&'static str> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
