//! Edit distance for typo-tolerant matching: the fewest edits from a query to a prefix of a
//! name, computed in a band around the diagonal so a budget bounds the work.

/// The rows of the distance table, kept across names so a scan allocates them once.
#[derive(Default)]
pub struct Scratch {
    rows: [Vec<u16>; 3],
}

/// The fewest edits (insert, delete, substitute, swap two neighbours) that turn `query` into
/// some prefix of `text`, if at most `budget`. Only cells within `budget` of the diagonal can
/// stay within budget, so only that band is computed: O(query × budget).
pub fn prefix_distance(
    query: &[char],
    text: &[char],
    budget: u8,
    scratch: &mut Scratch,
) -> Option<u8> {
    let (m, b) = (query.len(), usize::from(budget));
    // A prefix longer than m + budget needs more than budget insertions.
    let text = &text[..text.len().min(m + b)];
    let n = text.len();
    let out_of_band = u16::from(budget) + 1;
    let [before, prev, cur] = &mut scratch.rows;
    for row in [&mut *before, &mut *prev, &mut *cur] {
        row.clear();
        row.resize(n + 1, out_of_band);
    }
    for (j, cell) in prev.iter_mut().enumerate().take(b + 1) {
        *cell = u16::try_from(j).unwrap_or(u16::MAX);
    }
    for i in 1..=m {
        let (lo, hi) = (i.saturating_sub(b).max(1), (i + b).min(n));
        cur.fill(out_of_band);
        cur[0] = u16::try_from(i).unwrap_or(u16::MAX).min(out_of_band);
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = u16::from(query[i - 1] != text[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && query[i - 1] == text[j - 2] && query[i - 2] == text[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d.min(out_of_band);
            row_min = row_min.min(cur[j]);
        }
        if row_min > u16::from(budget) {
            return None;
        }
        std::mem::swap(before, prev);
        std::mem::swap(prev, cur);
    }
    let best = prev.iter().copied().min()?;
    u8::try_from(best).ok().filter(|&d| d <= budget)
}

/// Whether every character of `query` appears in `text`, in order.
pub fn is_subsequence(query: &[char], text: &[char]) -> bool {
    let mut rest = text.iter();
    query.iter().all(|q| rest.any(|t| t == q))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_distance_counts_swaps_as_one() {
        let mut s = Scratch::default();
        let q: Vec<char> = "salesfroce".chars().collect();
        let t: Vec<char> = "salesforce".chars().collect();
        assert_eq!(prefix_distance(&q, &t, 2, &mut s), Some(1));
        let q: Vec<char> = "amazn".chars().collect();
        let t: Vec<char> = "amazon".chars().collect();
        assert_eq!(prefix_distance(&q, &t, 1, &mut s), Some(1));
        let q: Vec<char> = "xxxx".chars().collect();
        assert_eq!(prefix_distance(&q, &t, 1, &mut s), None);
    }

    #[test]
    fn the_banded_distance_agrees_with_the_full_one_on_small_cases() {
        let mut scratch = Scratch::default();
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        for (query, text, budget, want) in [
            ("amazn", "amazon", 1, Some(1)),
            ("gogle", "google", 1, Some(1)),
            ("salesfroce", "salesforce", 2, Some(1)),
            ("abc", "xyz", 2, None),
            ("ab", "ba", 1, Some(1)),
            ("abcd", "abcd", 0, Some(0)),
        ] {
            let got = prefix_distance(&chars(query), &chars(text), budget, &mut scratch);
            assert_eq!(got, want, "{query} {text}");
        }
    }
}
