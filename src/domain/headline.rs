//! Reading a news headline: whether it reads as a layoff, and what it states (the people, as a
//! number, a share or wording; the teams or place after "in"). Rules that generalise, no
//! per-headline cases; measured in BENCHMARKS.md on real headlines.

use std::sync::LazyLock;

use regex::Regex;

/// Words for the workforce that a cut applies to.
const WORKERS: &str = r"(?:jobs?|employees|workers|staff(?:ers)?|people|positions|roles|workforce|headcount|personnel|engineers|team members)";
/// Words for people counted: a number before one of these is a headcount.
const COUNTED: &str = r"(?:jobs?|employees|workers|staff(?:ers)?|people|positions|roles|personnel|engineers|layoffs|(?:person|people|employee|worker) layoffs?)";
/// Verbs of a cut.
const CUT: &str = r"(?:lay(?:s|ing)? off|laid off|fir(?:es|ing|ed)|cut(?:s|ting)?|eliminat(?:es?|ing)|slash(?:es|ing)?|shed(?:s|ding)?|ax(?:es|ing)?|axe|trim(?:s|ming)?|reduc(?:es?|ing)|let(?:s|ting)? go(?: of)?)";

fn re(pattern: &str) -> Regex {
    // The patterns are constants of this file, checked by its tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad pattern {pattern}: {e}"))
}

/// What reads as a layoff: the layoff words, or a cut of the workforce.
static LAYOFF: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:lay(?:s|ing)? ?offs?|laid off|job cuts?|jobs? cut|redundanc(?:y|ies)|furlough(?:s|ed|ing)?|downsiz\w*|{CUT}\b[^.;:]{{0,40}}\b{WORKERS}\b|{WORKERS} cuts?)\b"
    ))
});
/// A share of the workforce: "15%", "15 percent of staff", "5 of its full-time workforce",
/// "7 workforce" (a share whose sign was lost), "workforce by 10%".
static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(\d{{1,2}}(?:\.\d)?)(?:\s?%|\s?per ?cent\b| of (?:\w+\s){{0,3}}?{WORKERS}| workforce)"
    ))
});
/// "workforce by 10": a small number after "by" is a share whose sign was lost; a large one,
/// or one before a job word, is people.
static BY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:workforce|headcount|staff|team|employees)\s+by\s+(?:about\s|around\s|approximately\s|roughly\s|nearly\s|up to\s)?(\d{1,3}(?:,\d{3})+|\d+)(\s?%|\s?percent)?",
    )
});
/// A number of people: "1,000 jobs", "lays off 60", "cut up to 10,000", "350 roles".
static COUNT_NOUN: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?\s?[kK]|\d+)\+?\s(?:more\s|new\s|tech\s|local\s|corporate\s|office\s|u\.?s\.?\s|full.time\s)?{COUNTED}\b"
    ))
});
static COUNT_VERB: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b{CUT}\s(?:about\s|around\s|nearly\s|almost\s|roughly\s|some\s|up to\s|over\s|more than\s|another\s|at least\s)?(\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?\s?[kK]\b|\d+)(?:\s|$)"
    ))
});
/// Wording instead of a number.
static WORDING: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(dozens|hundreds|thousands|tens of thousands)\b"));
/// "in sales, marketing and global services" or "in Seattle": what follows " in ".
static IN_PHRASE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\bin ((?:[A-Za-z][\w&'.-]*)(?:(?:,\s|\sand\s|\s)(?:[A-Za-z][\w&'.-]*)){0,6})")
});
/// Words that name teams rather than places.
const TEAM_WORDS: &[&str] = &[
    "sales",
    "marketing",
    "engineering",
    "recruiting",
    "hr",
    "human",
    "support",
    "services",
    "operations",
    "product",
    "design",
    "customer",
    "finance",
    "legal",
    "devices",
    "cloud",
    "gaming",
    "hardware",
    "software",
    "research",
    "division",
    "unit",
    "team",
    "teams",
    "business",
    "advertising",
    "ads",
    "retail",
    "stores",
    "technology",
    "communications",
];

/// The company a headline names: of the global record's names (and aliases) found in it as
/// whole words, the one that starts first, then the longest ("Amazon Web Services" over
/// "Amazon"); its company's own spelling.
pub fn company_named<'a>(title: &str, names: &'a super::NameIndex) -> Option<&'a super::NameEntry> {
    let text = format!(" {} ", super::normalize_key(title));
    names
        .global_names()
        .filter_map(|entry| {
            let key = entry.key();
            if key.is_empty() {
                return None;
            }
            let at = text.find(&format!(" {key} "))?;
            Some((at, std::cmp::Reverse(key.len()), entry))
        })
        .min_by_key(|(at, len, _)| (*at, *len))
        .map(|(_, _, entry)| entry)
}

/// Whether `title` reads as a layoff: the built-in words, or one of `extra` (the operator's).
pub fn reads_as_layoff(title: &str, extra: &[String]) -> bool {
    if LAYOFF.is_match(title) {
        return true;
    }
    let lower = title.to_lowercase();
    extra
        .iter()
        .map(|w| w.trim().to_lowercase())
        .any(|w| !w.is_empty() && lower.contains(&w))
}

/// The people a headline states.
#[derive(Debug, Clone, PartialEq)]
pub enum People {
    Count(u32),
    /// A share of the workforce, in percent.
    Share(f64),
    Wording(String),
}

/// The people stated, if any: a number before a job word, else a share, else a number after a
/// cut verb, else wording.
pub fn people(title: &str) -> Option<People> {
    // A number followed by a share's words is a share, not people ("7 workforce", "10 of").
    let counted = |re: &Regex| {
        re.captures_iter(title)
            .filter_map(|c| {
                let n = c.get(1)?;
                let next = title[n.end()..].trim_start().to_lowercase();
                let share = ["of ", "workforce", "percent", "per cent"]
                    .iter()
                    .any(|w| next.starts_with(w));
                (!share).then(|| number(n.as_str())).flatten()
            })
            .find(|n| !(1990..=2100).contains(n))
    };
    if let Some(n) = counted(&COUNT_NOUN) {
        return Some(People::Count(n));
    }
    if let Some(c) = SHARE.captures(title)
        && let Ok(share) = c[1].parse::<f64>()
        && share > 0.0
        && share <= 100.0
    {
        return Some(People::Share(share));
    }
    if let Some(c) = BY.captures(title)
        && let Some(n) = number(&c[1])
    {
        // Sizes of whole workforces cut "by" a number: at most 50 reads as percent.
        return Some(if c.get(2).is_some() || n <= 50 {
            People::Share(f64::from(n))
        } else {
            People::Count(n)
        });
    }
    if let Some(n) = counted(&COUNT_VERB) {
        return Some(People::Count(n));
    }
    WORDING
        .captures(title)
        .map(|c| People::Wording(c[1].to_lowercase()))
}

/// "1,200" → 1200; "10k" → 10000; "1.5K" → 1500.
fn number(raw: &str) -> Option<u32> {
    let text: String = raw.chars().filter(|c| !matches!(c, ',' | ' ')).collect();
    if let Some(thousands) = text.strip_suffix(['k', 'K']) {
        let value: f64 = thousands.parse().ok()?;
        let people = (value * 1000.0).round();
        // Headcounts fit u32 by far; anything else is not one.
        return (people >= 1.0 && people <= f64::from(u32::MAX)).then(|| {
            #[allow(clippy::cast_sign_loss)]
            let n = people as u32;
            n
        });
    }
    text.parse().ok().filter(|n| *n > 0)
}

/// Where a headline says the cut falls: teams (lower-case words or team words) or a place
/// (capitalised words), from its first "in …" phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Where {
    Teams(String),
    Place(String),
}

pub fn place_or_teams(title: &str) -> Option<Where> {
    for c in IN_PHRASE.captures_iter(title) {
        let phrase = c[1].trim_end_matches(['.', ',']);
        let words: Vec<&str> = phrase.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        if lower.iter().any(|w| TEAM_WORDS.contains(&w.as_str())) {
            return Some(Where::Teams(phrase.to_string()));
        }
        let capitalised = words
            .iter()
            .filter(|w| !matches!(**w, "and" | "of" | "the"))
            .all(|w| w.chars().next().is_some_and(char::is_uppercase));
        if capitalised && !words.is_empty() && !["The", "A", "An"].contains(&words[0]) {
            return Some(Where::Place(phrase.to_string()));
        }
    }
    None
}

/// A link as a key: scheme and host lower-case, `utm_*` parameters and the fragment dropped,
/// no trailing slash; so the same article shared twice is one key.
pub fn link_key(url: &str) -> String {
    let url = url.trim();
    let no_fragment = url.split('#').next().unwrap_or_default();
    let (base, query) = no_fragment
        .split_once('?')
        .map_or((no_fragment, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").unwrap_or(("", base));
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    let host = host.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut key = format!(
        "{}://{host}/{}",
        scheme.to_lowercase(),
        path.trim_end_matches('/')
    );
    let kept: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty() && !p.to_lowercase().starts_with("utm_"))
        .collect();
    if !kept.is_empty() {
        key.push('?');
        key.push_str(&kept.join("&"));
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layoff_headlines_are_taken_and_others_are_not() {
        for yes in [
            "Amazon lays off hundreds in AWS",
            "Meta layoffs hit Reality Labs",
            "Intel to cut 15% of its workforce",
            "Ericsson sheds 1,600 jobs in Sweden",
            "BT announces 10,000 redundancies",
            "Google eliminates 200 positions in sales",
            "Salesforce job cuts reach 1,000",
            "vimeo laying off staff after sale",
        ] {
            assert!(reads_as_layoff(yes, &[]), "{yes}");
        }
        for no in [
            "Amazon cuts prices on Kindle",
            "Apple unveils the iPhone 17",
            "Google to cut ties with supplier",
            "Microsoft hires 500 engineers in Dublin",
            "Netflix subscribers reach 300 million",
        ] {
            assert!(!reads_as_layoff(no, &[]), "{no}");
        }
        assert!(reads_as_layoff("Acme restructures", &["restructur".into()]));
    }

    #[test]
    fn people_are_a_count_a_share_or_wording() {
        use People::{Count, Share};
        let cases = [
            ("Ericsson sheds 1,600 jobs", Some(Count(1600))),
            ("Yellow.ai lays off over 100 employees", Some(Count(100))),
            ("polygon labs laid off 60 staff", Some(Count(60))),
            ("Amazon to cut 14k corporate jobs", Some(Count(14_000))),
            ("Pinterest cuts 15 percent", Some(Share(15.0))),
            ("Intel to cut 15% of its workforce", Some(Share(15.0))),
            ("autodesk lay off about 7 workforce 2026", Some(Share(7.0))),
            ("dhi group to cut workforce by 10", Some(Share(10.0))),
            ("Sure slashes headcount by around 70", Some(Count(70))),
            (
                "BillGo announces 80 layoffs at Fort Collins office",
                Some(Count(80)),
            ),
            ("Koo fires 30 staff", Some(Count(30))),
            ("kaseya lays off 5 percent of workforce", Some(Share(5.0))),
            ("hp to cut up to 10 of workforce", Some(Share(10.0))),
            (
                "Amazon lays off hundreds",
                Some(People::Wording("hundreds".into())),
            ),
            // A year is not people.
            ("amazon layoffs corporate jan 2026", None),
        ];
        for (headline, want) in cases {
            assert_eq!(people(headline), want, "{headline}");
        }
    }

    #[test]
    fn in_phrases_are_teams_or_places() {
        assert_eq!(
            place_or_teams("Amazon lays off hundreds in sales, marketing and global services"),
            Some(Where::Teams("sales, marketing and global services".into()))
        );
        assert_eq!(
            place_or_teams("Ericsson sheds 1,600 jobs in Sweden"),
            Some(Where::Place("Sweden".into()))
        );
        assert_eq!(place_or_teams("Layoffs in the news"), None);
    }

    #[test]
    fn the_company_is_the_first_then_longest_name_in_the_record() {
        use crate::domain::{NameEntry, NameIndex};
        let names = NameIndex::new(vec![
            NameEntry::new(1, "Amazon".into(), "Amazon".into()),
            NameEntry::new(
                2,
                "Amazon Web Services".into(),
                "Amazon Web Services".into(),
            ),
            NameEntry::new(3, "Round".into(), "Round".into()),
            NameEntry::new(4, "Meta".into(), "Facebook".into()),
        ]);
        let company_of = |t| company_named(t, &names).map(|e| e.company.clone());
        assert_eq!(
            company_of("Amazon Web Services cuts hundreds").as_deref(),
            Some("Amazon Web Services")
        );
        assert_eq!(
            company_of("amazon layoffs corporate jan 2026").as_deref(),
            Some("Amazon")
        );
        assert_eq!(
            company_of("Facebook lays off 10,000 in second round").as_deref(),
            Some("Meta")
        );
        assert_eq!(company_of("Tech layoffs this week"), None);
        assert_eq!(company_of("Amazonian cuts"), None, "whole words only");
    }

    #[test]
    fn links_are_keyed_without_tracking_case_or_fragments() {
        let key = link_key("HTTPS://WWW.Example.com/News/a-b/?utm_source=x&id=3&UTM_medium=y#top");
        assert_eq!(key, "https://example.com/News/a-b?id=3");
        assert_eq!(
            link_key("https://example.com/x/"),
            link_key("https://example.com/x#y")
        );
    }
}
