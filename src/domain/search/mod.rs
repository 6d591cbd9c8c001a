//! Company name matching for autocomplete and "did you mean": exact, prefix, word prefix,
//! then typo-tolerant (optimal string alignment distance), over names and aliases.

use super::Tenant;
use super::company::{MAX_KEY, normalize_key};
use super::distance::{Scratch, is_subsequence, prefix_distance};

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

/// All names, in the store's popularity order (ties in rank keep that order), with the names
/// and their later words sorted by key, so that what starts with the query is a binary search.
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    entries: Vec<NameEntry>,
    /// Entries by key.
    by_key: Vec<u32>,
    /// (entry, where a later word starts) by the key from there.
    by_word: Vec<(u32, u16)>,
}

impl NameIndex {
    pub fn new(entries: Vec<NameEntry>) -> Self {
        let ids = 0..u32::try_from(entries.len()).unwrap_or(u32::MAX);
        let mut by_key: Vec<u32> = ids.clone().collect();
        by_key.sort_by(|&a, &b| entries[a as usize].key.cmp(&entries[b as usize].key));
        // Keys are capped at MAX_KEY characters, so a word's start fits in a u16.
        let mut by_word: Vec<(u32, u16)> = ids
            .flat_map(|i| {
                let starts = &entries[i as usize].word_starts[1..];
                starts.iter().map(move |&s| (i, s as u16))
            })
            .collect();
        let word = |&(i, s): &(u32, u16)| &entries[i as usize].key[usize::from(s)..];
        by_word.sort_by(|a, b| word(a).cmp(word(b)));
        Self {
            entries,
            by_key,
            by_word,
        }
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
        self.without_typos(&query, budget, viewer, limit)
            .unwrap_or_else(|| self.rank(&query, budget, viewer, limit))
    }

    /// The one company `input` spells exactly (its name or an alias) for `viewer`: None when
    /// no name is spelled so, when several companies' are, or when one is a name `viewer` may
    /// not see (the store's own lookup then decides, as it always did).
    pub fn exact(&self, input: &str, viewer: Option<&Tenant>) -> Option<i64> {
        // Keys are capped at MAX_KEY: one that long may have been cut, so it proves nothing.
        let query = query_key(input).filter(|q| !q.is_empty() && q.len() < MAX_KEY)?;
        let key = |i: u32| self.entries[i as usize].key.as_slice();
        let from = self.by_key.partition_point(|&i| key(i) < query.as_slice());
        let mut found = None;
        for &i in self.by_key[from..]
            .iter()
            .take_while(|&&i| key(i) == query.as_slice())
        {
            let entry = &self.entries[i as usize];
            if !entry.visible_to(viewer) || found.is_some_and(|id| id != entry.company_id) {
                return None;
            }
            found = Some(entry.company_id);
        }
        found
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
        self.without_typos(&query, budget, viewer, limit)
            .unwrap_or_else(|| self.rank(&query, budget, viewer, limit))
    }

    /// The ranking from the sorted names alone, when it is complete without typos: no typos
    /// allowed, or enough companies exact, by prefix or by word prefix to fill `limit` (a
    /// typo ranks below them all). None when [`Self::rank`]'s full scan is needed.
    fn without_typos(
        &self,
        query: &[char],
        budget: u8,
        viewer: Option<&Tenant>,
        limit: usize,
    ) -> Option<Vec<Match>> {
        if query.is_empty() || limit == 0 {
            return None;
        }
        let mut hits: Vec<(Tier, bool, usize)> = Vec::new();
        let key = |i: u32| self.entries[i as usize].key.as_slice();
        let from = self.by_key.partition_point(|&i| key(i) < query);
        for &i in self.by_key[from..]
            .iter()
            .take_while(|&&i| key(i).starts_with(query))
        {
            let tier = if key(i).len() == query.len() {
                Tier::Exact
            } else {
                Tier::Prefix
            };
            hits.push((tier, false, i as usize));
        }
        let word = |(i, s): (u32, u16)| &key(i)[usize::from(s)..];
        let from = self.by_word.partition_point(|&w| word(w) < query);
        for &(i, _) in self.by_word[from..]
            .iter()
            .take_while(|&&w| word(w).starts_with(query))
        {
            hits.push((Tier::WordPrefix, false, i as usize));
        }
        hits.retain(|&(_, _, i)| self.entries[i].visible_to(viewer));
        let out = self.best(hits, limit);
        (budget == 0 || out.len() == limit).then_some(out)
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
        self.best(hits, limit)
    }

    /// The first `limit` companies of `hits` (tier, not a subsequence, entry), best first.
    fn best(&self, mut hits: Vec<(Tier, bool, usize)>, limit: usize) -> Vec<Match> {
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
mod tests;
