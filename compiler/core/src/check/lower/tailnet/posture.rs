//! Device posture conditions, in Tailscale's syntax: checked lightly for their shape (`B3030`).
//!
//! A condition is `ATTRIBUTE OPERATOR VALUE`: the attribute `namespace:name`, the operator one of
//! `== != < <= > >= IN` and `NOT IN` (`IS SET` and `NOT SET` take no value, and a bare attribute
//! asks for a true one), the value a quoted string, a number, `true`/`false`, or for `IN` and
//! `NOT IN` a list of those in brackets. The `node` namespace's attributes are known: an unknown
//! one, an operating system Tailscale does not report, or an ordering operator on something that
//! is neither a number nor a version is reported too.

use crate::check::suggest;

/// The attributes of the `node` namespace.
const NODE_ATTRIBUTES: &[&str] = &[
    "os",
    "osVersion",
    "tsVersion",
    "tsAutoUpdate",
    "tsReleaseTrack",
    "tsStateEncrypted",
];

/// The values of `node:os`.
const OPERATING_SYSTEMS: &[&str] = &[
    "macos", "windows", "linux", "ios", "android", "freebsd", "openbsd", "illumos", "js",
];

/// A value of a condition.
#[derive(Clone, Debug, PartialEq)]
enum Scalar {
    Str(String),
    Number,
    Bool,
}

/// Checks a posture condition; why it is not one, otherwise.
pub fn condition(text: &str) -> Result<(), String> {
    let text = text.trim();
    let (attribute, rest) = attribute(text)?;
    let rest = rest.trim_start();
    if rest.is_empty() || rest == "IS SET" || rest == "NOT SET" {
        return known_attribute(attribute);
    }
    let (operator, value) = operator(rest).ok_or_else(|| {
        format!(
            "expected an operator after `{attribute}`: `==`, `!=`, `<`, `<=`, `>`, `>=`, `IN`, `NOT IN`, `IS SET` or `NOT SET`"
        )
    })?;
    let value = value.trim();
    if value.is_empty() {
        return Err(format!("`{operator}` needs a value"));
    }
    let values = if matches!(operator, "IN" | "NOT IN") {
        list(value)
            .ok_or_else(|| format!("`{operator}` takes a list in brackets: `['macos', 'linux']`"))?
    } else {
        let (scalar, rest) = scalar(value).ok_or_else(|| {
            format!("`{value}` is not a value: write a quoted string, a number, `true` or `false`")
        })?;
        if !rest.trim().is_empty() {
            return Err(format!("unexpected `{}` after the value", rest.trim()));
        }
        vec![scalar]
    };
    known_attribute(attribute)?;
    if matches!(operator, "<" | "<=" | ">" | ">=") {
        let version = matches!(attribute, "node:osVersion" | "node:tsVersion");
        if !version && !values.iter().all(|v| *v == Scalar::Number) {
            return Err(format!(
                "`{operator}` compares numbers and versions (`node:osVersion`, `node:tsVersion`)"
            ));
        }
    }
    if attribute == "node:os" {
        for value in &values {
            match value {
                Scalar::Str(os) if OPERATING_SYSTEMS.contains(&os.as_str()) => {}
                Scalar::Str(os) => {
                    let lower = os.to_lowercase();
                    let hint = suggest::closest(os, OPERATING_SYSTEMS.iter().copied())
                        .or_else(|| {
                            OPERATING_SYSTEMS
                                .iter()
                                .copied()
                                .find(|k| !lower.is_empty() && k.starts_with(&lower))
                        })
                        .map(|near| format!(" (did you mean `{near}`?)"))
                        .unwrap_or_default();
                    return Err(format!(
                        "`{os}` is not an operating system Tailscale reports{hint}"
                    ));
                }
                _ => return Err("`node:os` is compared with a quoted name: `'macos'`".to_string()),
            }
        }
    }
    Ok(())
}

/// The attribute at the start of a condition, and the rest.
fn attribute(text: &str) -> Result<(&str, &str), String> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-' | '.')))
        .unwrap_or(text.len());
    let (attribute, rest) = text.split_at(end);
    let shaped = attribute.split_once(':').is_some_and(|(ns, name)| {
        ns.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && ns.chars().all(|c| c.is_ascii_alphanumeric())
            && !name.is_empty()
            && !name.contains(':')
    });
    if !shaped {
        return Err(format!(
            "a condition starts with an attribute `namespace:name` (`node:os`, `custom:tier`), not `{}`",
            if attribute.is_empty() { text } else { attribute }
        ));
    }
    Ok((attribute, rest))
}

/// `B3030` for an unknown attribute of the `node` namespace.
fn known_attribute(attribute: &str) -> Result<(), String> {
    let Some(name) = attribute.strip_prefix("node:") else {
        return Ok(());
    };
    if NODE_ATTRIBUTES.contains(&name) {
        return Ok(());
    }
    let hint = suggest::closest(name, NODE_ATTRIBUTES.iter().copied())
        .map(|near| format!(" (did you mean `node:{near}`?)"))
        .unwrap_or_default();
    Err(format!("`{attribute}` is not a device attribute{hint}"))
}

/// The operator at the start of the text, and the rest.
fn operator(text: &str) -> Option<(&'static str, &str)> {
    const OPERATORS: &[&str] = &["==", "!=", "<=", ">=", "<", ">", "NOT IN", "IN"];
    OPERATORS.iter().find_map(|op| {
        let rest = text.strip_prefix(op)?;
        let word = op.ends_with('N');
        if word && rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return None;
        }
        Some((*op, rest))
    })
}

/// A list of scalars in brackets, `['macos', 'linux']`.
fn list(text: &str) -> Option<Vec<Scalar>> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?.trim();
    let mut out = Vec::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let (value, after) = scalar(rest)?;
        out.push(value);
        let after = after.trim_start();
        rest = match after.strip_prefix(',') {
            Some(more) => more.trim_start(),
            None if after.is_empty() => after,
            None => return None,
        };
    }
    (!out.is_empty()).then_some(out)
}

/// A scalar at the start of the text, and the rest.
fn scalar(text: &str) -> Option<(Scalar, &str)> {
    let text = text.trim_start();
    if let Some(quote) = text.chars().next().filter(|c| matches!(c, '\'' | '"')) {
        let body = text.get(1..)?;
        let end = body.find(quote)?;
        let value = body.get(..end)?.to_string();
        return Some((Scalar::Str(value), body.get(end + 1..)?));
    }
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    if word == "true" || word == "false" {
        return Some((Scalar::Bool, rest));
    }
    let digits = word.strip_prefix('-').unwrap_or(word);
    let number = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit());
    number.then_some((Scalar::Number, rest))
}

#[cfg(test)]
mod tests {
    use super::condition;

    #[test]
    fn conditions_of_the_reference_are_accepted() {
        for good in [
            "node:os == 'macos'",
            "node:os IN ['macos', 'linux']",
            "node:os NOT IN ['windows']",
            "node:osVersion == '13.4.0'",
            "node:tsReleaseTrack == 'stable'",
            "node:tsVersion >= '1.42.2'",
            "node:tsAutoUpdate == true",
            "node:tsAutoUpdate",
            "node:tsStateEncrypted IS SET",
            "custom:tier NOT SET",
            "custom:score > 70",
            "custom:tier != \"prod\"",
            "falcon:ztaScore >= 50",
        ] {
            assert_eq!(condition(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn malformed_conditions_say_why() {
        for (bad, why) in [
            ("node:os = 'macos'", "expected an operator"),
            ("os == 'macos'", "namespace:name"),
            ("node:os == macos", "not a value"),
            ("node:os IN 'macos'", "takes a list"),
            ("node:os == 'mac'", "did you mean `macos`"),
            ("node:osversion >= '13'", "did you mean `node:osVersion`"),
            ("custom:tier < 'gold'", "compares numbers and versions"),
            ("node:os == 'macos' extra", "unexpected `extra`"),
            ("node:os ==", "needs a value"),
            ("node:os IN []", "takes a list"),
            ("", "namespace:name"),
        ] {
            let err = condition(bad).err().unwrap_or_default();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
