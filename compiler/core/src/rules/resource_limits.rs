//! B3027: a container's resource request above its limit.
//!
//! Kubernetes rejects a container whose request for a resource is more than its limit for it
//! (`requests.cpu: 500m` with `limits.cpu: 200m`), so the Deployment cannot be applied; the schema
//! validators run offline do not compare the two. Quantities are compared exactly, as the numbers
//! they stand for (`1Gi` is `1024Mi`, `0.5` is `500m`); a quantity too large to compare exactly is
//! left alone.

use crate::diagnostic::{codes, Diagnostic};
use crate::model::Model;

/// Reports every request above its limit.
pub fn check(model: &Model, out: &mut Vec<Diagnostic>) {
    for app in &model.apps {
        for (index, container) in app.containers.iter().enumerate() {
            for (resource, request) in &container.requests {
                let Some(limit) = container.limits.get(resource) else {
                    continue;
                };
                let (Some(r), Some(l)) = (quantity(request), quantity(limit)) else {
                    continue;
                };
                if !above(r, l).unwrap_or(false) {
                    continue;
                }
                let whose = match index {
                    0 => format!("app `{}`", app.name),
                    _ => format!("sidecar `{}` of app `{}`", container.name, app.name),
                };
                let at = |which: &str| {
                    model.spans.at(
                        &app.origin,
                        &format!("containers.{index}.{which}.{resource}"),
                    )
                };
                out.push(
                    Diagnostic::error(
                        codes::B3027,
                        format!("{whose} requests more `{resource}` ({request}) than its limit ({limit})"),
                        at("requests"),
                    )
                    .with_label(format!("requests {request}"))
                    .with_secondary(at("limits"), format!("the limit is {limit}"))
                    .with_note("Kubernetes rejects a container whose request for a resource is more than its limit")
                    .with_help("raise the limit or lower the request"),
                );
            }
        }
    }
}

/// A quantity as an exact fraction `(numerator, denominator)`: `250m` is `(250, 1000)`, `1.5Gi`
/// is `(15 * 2^30, 10)`. `None` for text that is not a quantity or too large.
fn quantity(text: &str) -> Option<(u128, u128)> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let (multiplier, divisor): (u128, u128) = match unit {
        "" => (1, 1),
        "m" => (1, 1000),
        "k" => (1_000, 1),
        "M" => (1_000_000, 1),
        "G" => (1_000_000_000, 1),
        "T" => (1_000_000_000_000, 1),
        "P" => (1_000_000_000_000_000, 1),
        "E" => (1_000_000_000_000_000_000, 1),
        "Ki" => (1 << 10, 1),
        "Mi" => (1 << 20, 1),
        "Gi" => (1 << 30, 1),
        "Ti" => (1 << 40, 1),
        "Pi" => (1 << 50, 1),
        "Ei" => (1 << 60, 1),
        _ => return None,
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let value: u128 = digits.parse().ok()?;
    let scale = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    Some((value.checked_mul(multiplier)?, scale.checked_mul(divisor)?))
}

/// Whether `a` is more than `b`; `None` when the comparison would overflow.
fn above(a: (u128, u128), b: (u128, u128)) -> Option<bool> {
    Some(a.0.checked_mul(b.1)? > b.0.checked_mul(a.1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn more(a: &str, b: &str) -> Option<bool> {
        above(quantity(a)?, quantity(b)?)
    }

    #[test]
    fn quantities_compare_exactly() {
        assert_eq!(more("500m", "200m"), Some(true));
        assert_eq!(more("200m", "500m"), Some(false));
        assert_eq!(more("1", "1000m"), Some(false));
        assert_eq!(more("0.5", "499m"), Some(true));
        assert_eq!(more("1Gi", "1024Mi"), Some(false));
        assert_eq!(more("1025Mi", "1Gi"), Some(true));
        assert_eq!(more("1G", "1Gi"), Some(false));
        assert_eq!(more("1.5Gi", "1536Mi"), Some(false));
        assert_eq!(quantity("1x"), None);
        assert_eq!(quantity("."), None);
        assert_eq!(quantity("m"), None);
        assert_eq!(more("99999999999999999999Ei", "1"), Some(true));
        assert_eq!(more("999999999999999999999Ei", "1"), None);
    }
}
