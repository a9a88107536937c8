//! Whether names are derived or written out in a project's `.bops` sources: where a text is
//! written in code (comments left out), and whether a tailnet's MagicDNS suffix is written only
//! once, as the tailnet's `domain`.

use std::path::Path;

#[cfg(test)]
use crate::common::TempDir;
use crate::common::{files_under, read};

/// The suffix the tests below write, as a tailnet's `domain` and elsewhere.
#[cfg(test)]
const SUFFIX: &str = "tail8d86e.ts.net";

/// Every line of `.bops` code (comments left out) under `dir` that contains `needle`, as
/// (relative path, line number, the line).
pub fn code_mentions(dir: &Path, needle: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    for rel in files_under(dir) {
        if !rel.ends_with(".bops") {
            continue;
        }
        let code = without_comments(&read(&dir.join(&rel)));
        for (i, line) in code.lines().enumerate() {
            if line.contains(needle) {
                out.push((rel.clone(), i + 1, line.to_string()));
            }
        }
    }
    out
}

/// A `.bops` source with its comments (`//` to the end of the line, outside strings) removed, so
/// that a name mentioned in prose does not count as written. Lines keep their numbers.
pub fn without_comments(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for line in source.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut previous = '\0';
        let mut end = line.len();
        for (at, c) in line.char_indices() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
            } else if c == '"' {
                in_string = true;
            } else if c == '/' && previous == '/' {
                end = at - 1;
                break;
            }
            previous = if in_string { '\0' } else { c };
        }
        out.push_str(&line[..end]);
        out.push('\n');
    }
    out
}

/// The kind of the declaration a line (counted from 1) of a source belongs to: the first word of
/// the nearest line at or above it that starts an item (a line at column 0 that begins with a
/// letter: not blank, not a comment, not a closing bracket).
pub fn declaration_kind(code: &str, line: usize) -> Option<String> {
    code.lines()
        .take(line)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .and_then(|l| l.split_whitespace().next())
        .map(str::to_string)
}

/// Whether a tailnet's MagicDNS suffix (`tail8d86e.ts.net`) is written once in a project's `.bops`
/// code, as the `domain` of its `tailnet` declaration, and what is wrong when it is not. Its first
/// label (`tail8d86e`) is what is searched, so that a suffix assembled from parts counts too.
pub fn derivation_problem(project: &Path, magic_dns: &str) -> Option<String> {
    let tailnet_id = magic_dns.split('.').next().unwrap_or(magic_dns);
    let mentions = code_mentions(project, tailnet_id);
    let in_domain = |(rel, line, text): &(String, usize, String)| {
        let code = without_comments(&read(&project.join(rel)));
        declaration_kind(&code, *line).as_deref() == Some("tailnet")
            && text.trim().replace(' ', "") == format!("domain=\"{magic_dns}\"")
    };
    if mentions.len() == 1 && mentions.iter().all(in_domain) {
        return None;
    }
    Some(format!(
        "the tailnet's MagicDNS suffix must be written once, as the `domain` of the `tailnet` \
         declaration (`domain = \"{magic_dns}\"`), and every name under it, such as the caddy \
         backends `https://grafana.{magic_dns}`, derived from it (`app.X.fqdn`, `host.X.fqdn`, \
         `tailnet.X.domain`), so that the routes follow the tailnet; `{tailnet_id}` is written in \
         code {} time(s):\n{}",
        mentions.len(),
        mentions
            .iter()
            .map(|(rel, line, text)| format!("  {rel}:{line}: {}", text.trim()))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

#[test]
fn comments_are_not_code() {
    let source = "//! The tailnet tail8d86e.ts.net.\ntailnet t {\n  /// Its tail8d86e.ts.net name.\n  \
                  domain = \"tail8d86e.ts.net\" // tail8d86e.ts.net\n  url = \"https://x//y\\\"//\" \
                  // z\n}\nlet a = 1\n";
    let code = without_comments(source);
    assert_eq!(
        code,
        "\ntailnet t {\n  \n  domain = \"tail8d86e.ts.net\" \n  url = \"https://x//y\\\"//\" \n}\nlet a = 1\n"
    );
    assert_eq!(code.matches(SUFFIX).count(), 1);
    assert_eq!(declaration_kind(&code, 4), Some("tailnet".to_string()));
    assert_eq!(declaration_kind(&code, 7), Some("let".to_string()));
    assert_eq!(declaration_kind(&code, 1), None);
}

#[test]
fn a_suffix_written_outside_the_tailnet_is_found() {
    let project = TempDir::new("corpus-derivation");
    project.write(
        "tailnet.bops",
        &format!("//! The tailnet {SUFFIX}.\ntailnet t {{\n  domain = \"{SUFFIX}\"\n}}\n"),
    );
    project.write(
        "apps.bops",
        &format!("// Served at grafana.{SUFFIX}.\nlet x = tailnet.t.domain\n"),
    );
    assert_eq!(derivation_problem(project.path(), SUFFIX), None);

    // A backend written out, and a suffix assembled from parts.
    project.write(
        "apps.bops",
        &format!("let x = \"https://grafana.{SUFFIX}\"\n"),
    );
    let problem = derivation_problem(project.path(), SUFFIX).expect("a backend written out");
    assert!(
        problem.contains("apps.bops:1:") && problem.contains("2 time(s)"),
        "{problem}"
    );
    project.write(
        "apps.bops",
        "let x = \"grafana.\" + \"tail8d86e\" + \".ts.net\"\n",
    );
    assert!(derivation_problem(project.path(), SUFFIX).is_some());

    // Written once, but in a `let` rather than the tailnet's `domain`.
    project.write("apps.bops", "let x = 1\n");
    project.write(
        "tailnet.bops",
        &format!("let d = \"{SUFFIX}\"\ntailnet t {{ domain = d }}\n"),
    );
    let problem = derivation_problem(project.path(), SUFFIX).expect("a let");
    assert!(problem.contains("tailnet.bops:1:"), "{problem}");
}
