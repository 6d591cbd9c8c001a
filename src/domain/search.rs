//! Company name matching for autocomplete and "did you mean": exact, prefix, word prefix,
//! then typo-tolerant (optimal string alignment distance), over names and aliases.

use super::Tenant;
use super::company::{MAX_KEY, normalize_key};

/// Typo-tolerant matching is for what people type: longer queries match exactly or by prefix
/// only, which bounds the work per name.
const MAX_TYPO_QUERY: usize = 32;
/// Typos are looked for at the start of a name's first few words only.
const MAX_TYPO_WORDS: usize = 4;

/// One searchable name: a company's own name or one of its aliases.
#[derive(Debug, Clone)]
pub struct NameEntry {
    pub company_id: i64,
    /// The company's display name.
    pub company: String,
    /// The name that matched: the company's name or the alias.
    pub label: String,
    key: Vec<char>,
    word_starts: Vec<usize>,
    mask: u64,
    /// Whose private name this is; None for the global record's.
    tenant: Option<Tenant>,
}

impl NameEntry {
    pub fn new(company_id: i64, company: String, label: String) -> Self {
        // Stored names were checked; the cap only guards the cost of matching.
        let key: Vec<char> = normalize_key(&label).chars().take(MAX_KEY).collect();
        let word_starts = std::iter::once(0)
            .chain(
                key.iter()
                    .enumerate()
                    .filter(|(_, c)| **c == ' ')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        let mask = char_mask(&key);
        Self {
            company_id,
            company,
            label,
            key,
            word_starts,
            mask,
            tenant: None,
        }
    }

    /// The name as matching folds it (`normalize_key`, capped).
    pub fn key(&self) -> String {
        self.key.iter().collect()
    }

    /// The same name, private to `tenant` (None: global).
    #[must_use]
    pub fn scoped(mut self, tenant: Option<Tenant>) -> Self {
        self.tenant = tenant;
        self
    }

    /// Whether a viewer in `tenant` may see this name.
    fn visible_to(&self, tenant: Option<&Tenant>) -> bool {
        self.tenant.is_none() || self.tenant.as_ref() == tenant
    }
}

/// How well a name matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Exact,
    Prefix,
    WordPrefix,
    /// Within the given number of typos.
    Typo(u8),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub company_id: i64,
    pub company: String,
    pub label: String,
    pub tier: Tier,
}

/// All names, in the store's popularity order (ties in rank keep that order).
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    entries: Vec<NameEntry>,
}

impl NameIndex {
    pub fn new(entries: Vec<NameEntry>) -> Self {
        Self { entries }
    }

    /// The global record's names (company names and aliases), in popularity order.
    pub fn global_names(&self) -> impl Iterator<Item = &NameEntry> {
        self.entries.iter().filter(|e| e.tenant.is_none())
    }

    /// Up to `limit` companies for a partly typed name, one per company, ranked exact >
    /// prefix > word prefix > typo-tolerant. An empty input lists the first names.
    pub fn autocomplete(&self, input: &str, viewer: Option<&Tenant>, limit: usize) -> Vec<Match> {
        let Some(query) = query_key(input) else {
            return Vec::new();
        };
        let budget = typo_budget(query.len());
        self.rank(&query, budget, viewer, limit)
    }

    /// Companies a name that matched nothing may have meant, with one more typo allowed.
    pub fn suggest(&self, input: &str, viewer: Option<&Tenant>, limit: usize) -> Vec<Match> {
        let Some(query) = query_key(input).filter(|q| !q.is_empty()) else {
            return Vec::new();
        };
        let budget = if query.len() > MAX_TYPO_QUERY {
            0
        } else {
            typo_budget(query.len()).max(1) + u8::from(query.len() >= 6)
        };
        self.rank(&query, budget, viewer, limit)
    }

    /// Names `viewer` may see only: another tenant's private names do not exist for it.
    fn rank(
        &self,
        query: &[char],
        budget: u8,
        viewer: Option<&Tenant>,
        limit: usize,
    ) -> Vec<Match> {
        if limit == 0 {
            return Vec::new();
        }
        let query_mask = char_mask(query);
        let mut scratch = Scratch::default();
        // (tier, not a subsequence, entry index): among equal typos a name holding every typed
        // letter in order ("amazn" in "amazon") wins, then the popularity order.
        let mut hits: Vec<(Tier, bool, usize)> = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            if !entry.visible_to(viewer) {
                continue;
            }
            if let Some(tier) = tier_of(entry, query, query_mask, budget, &mut scratch) {
                let missed = matches!(tier, Tier::Typo(_)) && !is_subsequence(query, &entry.key);
                hits.push((tier, missed, i));
            }
        }
        hits.sort_unstable();
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(limit.min(hits.len()));
        for (tier, _, i) in hits {
            let entry = &self.entries[i];
            if seen.insert(entry.company_id) {
                out.push(Match {
                    company_id: entry.company_id,
                    company: entry.company.clone(),
                    label: entry.label.clone(),
                    tier,
                });
                if out.len() == limit {
                    break;
                }
            }
        }
        out
    }
}

/// The most typos any query is allowed (a suggestion's budget).
const MAX_BUDGET: usize = 3;

/// The query's key, or None when it is longer than any name could match.
fn query_key(input: &str) -> Option<Vec<char>> {
    // Normalising is linear, but one character can decompose into 18: cut the input first at
    // what could still fold to a key that matches (letters and digits are never dropped).
    let cap = (MAX_KEY + MAX_BUDGET) * 4;
    let input = match input.char_indices().nth(cap) {
        Some((at, _)) => &input[..at],
        None => input,
    };
    let key: Vec<char> = normalize_key(input).chars().collect();
    (key.len() <= MAX_KEY + MAX_BUDGET).then_some(key)
}

/// Typos tolerated for a query of this many characters: none below 4 (too many false hits),
/// none above [`MAX_TYPO_QUERY`].
fn typo_budget(len: usize) -> u8 {
    match len {
        0..=3 => 0,
        4..=6 => 1,
        7..=MAX_TYPO_QUERY => 2,
        _ => 0,
    }
}

fn tier_of(
    entry: &NameEntry,
    query: &[char],
    query_mask: u64,
    budget: u8,
    scratch: &mut Scratch,
) -> Option<Tier> {
    let key = &entry.key;
    if query.is_empty() {
        return Some(Tier::Prefix);
    }
    if key.starts_with(query) {
        return Some(if key.len() == query.len() {
            Tier::Exact
        } else {
            Tier::Prefix
        });
    }
    if entry.word_starts[1..]
        .iter()
        .any(|&s| key[s..].starts_with(query))
    {
        return Some(Tier::WordPrefix);
    }
    if budget == 0 {
        return None;
    }
    // Each letter of the query missing from the name costs at least one edit.
    if (query_mask & !entry.mask).count_ones() > u32::from(budget) {
        return None;
    }
    entry
        .word_starts
        .iter()
        .take(MAX_TYPO_WORDS)
        .filter_map(|&s| prefix_distance(query, &key[s..], budget, scratch))
        .min()
        .map(Tier::Typo)
}

#[derive(Default)]
struct Scratch {
    rows: [Vec<u16>; 3],
}

/// The fewest edits (insert, delete, substitute, swap two neighbours) that turn `query` into
/// some prefix of `text`, if at most `budget`. Only cells within `budget` of the diagonal can
/// stay within budget, so only that band is computed: O(query × budget).
fn prefix_distance(query: &[char], text: &[char], budget: u8, scratch: &mut Scratch) -> Option<u8> {
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
fn is_subsequence(query: &[char], text: &[char]) -> bool {
    let mut rest = text.iter();
    query.iter().all(|q| rest.any(|t| t == q))
}

fn char_mask(chars: &[char]) -> u64 {
    chars.iter().fold(0, |mask, &c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + (c as u32 - '0' as u32),
            ' ' => return mask,
            _ => 36 + (c as u32 % 28),
        };
        mask | (1 << bit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(names: &[(&str, &str)]) -> NameIndex {
        let mut ids = std::collections::HashMap::new();
        NameIndex::new(
            names
                .iter()
                .map(|(label, company)| {
                    let next = i64::try_from(ids.len()).unwrap() + 1;
                    let id = *ids.entry(*company).or_insert(next);
                    NameEntry::new(id, (*company).into(), (*label).into())
                })
                .collect(),
        )
    }

    fn sample() -> NameIndex {
        index(&[
            ("Amazon", "Amazon"),
            ("AWS", "Amazon"),
            ("Amazon Web Services", "Amazon"),
            ("Alphabet", "Alphabet"),
            ("Google", "Alphabet"),
            ("Salesforce", "Salesforce"),
            ("Amaze Health", "Amaze Health"),
            ("Amaze", "Amaze"),
            ("Bird", "Bird"),
            ("Lime Bird", "Lime Bird"),
            ("Birdie", "Birdie"),
            ("GoodRx", "GoodRx"),
        ])
    }

    fn labels(matches: &[Match]) -> Vec<&str> {
        matches.iter().map(|m| m.label.as_str()).collect()
    }

    #[test]
    fn exact_beats_prefix_beats_word_prefix() {
        let got = sample().autocomplete("bird", None, 25);
        assert_eq!(labels(&got), ["Bird", "Birdie", "Lime Bird"]);
        assert_eq!(got[0].tier, Tier::Exact);
        assert_eq!(got[1].tier, Tier::Prefix);
        assert_eq!(got[2].tier, Tier::WordPrefix);
    }

    #[test]
    fn typos_find_their_company() {
        let idx = sample();
        assert_eq!(idx.autocomplete("amazn", None, 25)[0].company, "Amazon");
        assert_eq!(idx.autocomplete("gogle", None, 25)[0].company, "Alphabet");
        assert_eq!(
            idx.autocomplete("salesfroce", None, 25)[0].company,
            "Salesforce"
        );
        assert_eq!(
            idx.autocomplete("salesfroce", None, 25)[0].tier,
            Tier::Typo(1)
        );
    }

    #[test]
    fn aliases_count_and_each_company_appears_once() {
        let got = sample().autocomplete("ama", None, 25);
        // Within a tier the store's order (most events first) holds.
        assert_eq!(labels(&got), ["Amazon", "Amaze Health", "Amaze"]);
        let got = sample().autocomplete("aws", None, 25);
        assert_eq!(got[0].company, "Amazon");
        assert_eq!(got[0].label, "AWS");
        assert!(got[0].tier == Tier::Exact);
    }

    #[test]
    fn short_queries_are_not_fuzzy_and_limit_holds() {
        assert!(sample().autocomplete("xyz", None, 25).is_empty());
        assert_eq!(sample().autocomplete("", None, 3).len(), 3);
        assert_eq!(sample().autocomplete("a", None, 1).len(), 1);
        assert!(sample().autocomplete("a", None, 0).is_empty());
    }

    #[test]
    fn suggestions_allow_one_more_typo() {
        let idx = sample();
        assert_eq!(idx.suggest("amazonn", None, 5)[0].company, "Amazon");
        assert_eq!(idx.suggest("salezforse", None, 5)[0].company, "Salesforce");
        assert!(idx.suggest("qqqqqq", None, 5).is_empty());
    }

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
    fn long_and_hostile_queries_match_nothing_falsely_and_never_overflow() {
        let planted = "a".repeat(100);
        let idx = index(&[(planted.as_str(), planted.as_str()), ("Amazon", "Amazon")]);
        // The old u8 distance table wrapped past 255 and reported these as near matches.
        for query in ["b".repeat(300), "ab".repeat(150), "\u{FDFA}".repeat(6000)] {
            assert!(
                idx.autocomplete(&query, None, 25).is_empty(),
                "{}",
                query.len()
            );
            assert!(idx.suggest(&query, None, 5).is_empty(), "{}", query.len());
        }
        // A long query still finds the name it spells out.
        assert_eq!(idx.autocomplete(&planted, None, 25)[0].tier, Tier::Exact);
        let typo = format!("{}b", "a".repeat(40));
        assert!(
            idx.autocomplete(&typo, None, 25).is_empty(),
            "no typo search past 32 letters"
        );
        assert_eq!(idx.autocomplete("amazn", None, 25)[0].company, "Amazon");
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
