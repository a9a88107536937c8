//! "Did you mean" suggestions: the closest candidate by edit distance.

/// The candidate closest to `name`, if one is close enough to be a plausible typo: at most one
/// edit for short names, about a third of the name's length for longer ones. Ties go to the
/// earliest candidate, so the result follows the candidates' (deterministic) order.
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let d = distance(&name.to_lowercase(), &candidate.to_lowercase());
        if d > limit {
            continue;
        }
        if best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The edit distance between two strings, counting characters: insertions, deletions,
/// substitutions and swaps of two neighbouring characters each cost one (optimal string
/// alignment).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        if let Some(cell) = table.get_mut(at(i, 0)) {
            *cell = i;
        }
    }
    for j in 0..=b.len() {
        if let Some(cell) = table.get_mut(at(0, j)) {
            *cell = j;
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let get = |i: usize, j: usize| table.get(at(i, j)).copied().unwrap_or(usize::MAX);
            let (ca, cb) = (a.get(i - 1), b.get(j - 1));
            let cost = usize::from(ca != cb);
            let mut best = get(i - 1, j)
                .saturating_add(1)
                .min(get(i, j - 1).saturating_add(1))
                .min(get(i - 1, j - 1).saturating_add(cost));
            if i > 1 && j > 1 && ca == b.get(j - 2) && a.get(i - 2) == cb {
                best = best.min(get(i - 2, j - 2).saturating_add(1));
            }
            if let Some(cell) = table.get_mut(at(i, j)) {
                *cell = best;
            }
        }
    }
    table.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{closest, distance};

    #[test]
    fn distances() {
        assert_eq!(distance("feed", "feed"), 0);
        assert_eq!(distance("fed", "feed"), 1);
        assert_eq!(distance("tga", "tag"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn suggests_only_near_names() {
        let names = ["feed", "photos", "dashboards"];
        assert_eq!(closest("fede", names), Some("feed"));
        assert_eq!(closest("photo", names), Some("photos"));
        assert_eq!(closest("zzz", names), None);
        assert_eq!(closest("feed", names), None);
    }
}
