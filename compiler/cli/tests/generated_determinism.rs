//! Determinism: the same sources give byte-identical output however they are handed over.
//!
//! The core is given the files of every example in many orders (seeded shuffles and the reverse),
//! which is also the order of declarations across files as the checker first meets them; and
//! `bopsc build` is run on two copies of a project whose files were created on disk in different
//! orders, under different directory names. The output, and the list of generated files, must not
//! change by a byte.

// A panic is how a test fails; tests read and write files freely.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods
)]

mod common;
mod generated_support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use bops_core::{compile, Input, Outputs};

use common::{bopsc, TempDir};
use generated_support::{examples, input_of};

/// A small deterministic generator (xorshift64*), so that a failing order can be reproduced.
struct Shuffler(u64);

impl Shuffler {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Fisher-Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

fn outputs(input: &Input) -> (Outputs, Vec<String>) {
    let compilation = compile(input);
    let diagnostics = compilation
        .diagnostics
        .iter()
        .map(|d| format!("{:?} {}", d.code, d.message))
        .collect();
    let outputs = compilation
        .outputs
        .unwrap_or_else(|| panic!("the example does not compile: {diagnostics:?}"));
    (outputs, diagnostics)
}

#[test]
fn shuffling_the_input_files_does_not_change_a_byte_of_the_output() {
    for dir in examples() {
        let input = input_of(&dir);
        assert!(input.files.len() >= 3, "{}: too few files", dir.display());
        let expected = outputs(&input);
        let mut orders = Vec::new();
        let mut reversed = input.files.clone();
        reversed.reverse();
        orders.push(reversed);
        let mut shuffler = Shuffler(0x9E37_79B9_7F4A_7C15);
        for _ in 0..8 {
            let mut files = input.files.clone();
            shuffler.shuffle(&mut files);
            orders.push(files);
        }
        for files in orders {
            let order: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
            let shuffled = Input {
                files,
                ..input.clone()
            };
            let got = outputs(&shuffled);
            assert!(
                got.1 == expected.1,
                "{}: files in the order {order:?} give other diagnostics",
                dir.display()
            );
            for (path, file) in &expected.0 {
                let other = got.0.get(path).map(|f| f.contents.as_str());
                assert!(
                    other == Some(file.contents.as_str()),
                    "{}: files in the order {order:?} change {path}",
                    dir.display()
                );
            }
            assert_eq!(
                got.0.keys().collect::<Vec<_>>(),
                expected.0.keys().collect::<Vec<_>>(),
                "{}: files in the order {order:?} change the set of files",
                dir.display()
            );
        }
    }
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn two_builds_of_files_created_in_different_orders_are_byte_identical() {
    let homelab = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/homelab");
    let input = input_of(&homelab);
    let mut files: Vec<(String, String)> = input
        .files
        .iter()
        .map(|f| (f.path.clone(), f.text.clone()))
        .chain(input.assets.clone())
        .chain(input.manifest.clone().map(|m| ("bops.toml".to_string(), m)))
        .collect();

    let first = TempDir::new("order-a");
    for (path, text) in &files {
        first.write(path, text);
    }
    files.reverse();
    let second = TempDir::new("order-b-other-name");
    for (path, text) in &files {
        second.write(path, text);
    }

    let mut trees = Vec::new();
    for dir in [&first, &second] {
        let path = dir.path().to_string_lossy().into_owned();
        let run = bopsc(&["build", &path]);
        assert_eq!(run.code, Some(0), "{}", run.dump());
        trees.push(tree(&dir.path().join("generated")));
    }
    assert!(trees[0].contains_key(".bopsc-generated"));
    assert!(trees[0].len() > 10, "{:?}", trees[0].keys());
    for (path, bytes) in &trees[0] {
        assert!(
            trees[1].get(path) == Some(bytes),
            "{path} differs between the two builds"
        );
    }
    assert_eq!(
        trees[0].keys().collect::<Vec<_>>(),
        trees[1].keys().collect::<Vec<_>>()
    );
}
