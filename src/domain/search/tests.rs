//! The name index's ranking: tiers, typos, tenants, hostile input, and the sorted names
//! agreeing with the full scan.

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
fn the_sorted_names_rank_exactly_as_the_full_scan() {
    // Names from a few letters, so that prefixes, words and typos collide often.
    let mut seed = 7_u64;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % n
    };
    let mut word = |len: u64| -> String {
        (0..=next(len))
            .map(|_| ['a', 'b', 'c', 'd'][next(4) as usize])
            .collect()
    };
    let mut entries = Vec::new();
    for i in 0..400 {
        let label = format!("{} {}", word(6), word(3));
        let tenant = (i % 5 == 0).then(|| Tenant::discord(u64::from(i % 3 == 0)));
        entries.push(NameEntry::new(i64::from(i / 2), format!("c{}", i / 2), label).scoped(tenant));
    }
    let idx = NameIndex::new(entries);
    let viewers = [None, Some(Tenant::discord(0)), Some(Tenant::discord(1))];
    let mut answered = 0;
    for round in 0..600 {
        let query: Vec<char> = word(7).chars().collect();
        let typed: String = query.iter().collect();
        let viewer = viewers[round % 3].as_ref();
        let limit = [1, 5, 25][round % 3];
        for budget in [0, typo_budget(query.len()), 2] {
            let scan = idx.rank(&query, budget, viewer, limit);
            let fast = idx.without_typos(&query, budget, viewer, limit);
            if let Some(fast) = fast {
                assert_eq!(fast, scan, "{typed} budget {budget} limit {limit}");
                answered += 1;
            }
        }
        let full = idx.rank(&query, typo_budget(query.len()), viewer, limit);
        assert_eq!(idx.autocomplete(&typed, viewer, limit), full, "{typed}");
    }
    // The sorted names answered most of them (every budget-0 one at least).
    assert!(answered > 900, "{answered}");
}

#[test]
fn exact_names_one_company_or_leaves_it_to_the_store() {
    let guild = Tenant::discord(1);
    let idx = NameIndex::new(vec![
        NameEntry::new(1, "Amazon".into(), "Amazon".into()),
        NameEntry::new(1, "Amazon".into(), "AWS".into()),
        NameEntry::new(2, "Bird".into(), "Bird".into()),
        NameEntry::new(3, "Bird".into(), "Bird".into()).scoped(Some(guild.clone())),
        NameEntry::new(4, "Acme".into(), "Acme".into()).scoped(Some(guild.clone())),
        NameEntry::new(5, "Nile".into(), "Nile".into()),
        NameEntry::new(6, "Nile Co".into(), "Nile".into()),
    ]);
    assert_eq!(idx.exact(" aws ", None), Some(1));
    assert_eq!(idx.exact("AMAZON", Some(&guild)), Some(1));
    // Only what `viewer` may see, and only when one company is spelled so.
    assert_eq!(idx.exact("Acme", Some(&guild)), Some(4));
    assert_eq!(idx.exact("Acme", None), None);
    assert_eq!(idx.exact("Bird", Some(&guild)), None);
    assert_eq!(idx.exact("Nile", None), None);
    // Prefixes and typos are not exact.
    assert_eq!(idx.exact("Amaz", None), None);
    assert_eq!(idx.exact("Amazn", None), None);
    assert_eq!(idx.exact("", None), None);
}
