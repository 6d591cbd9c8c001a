//! The text people read: event lines, listing headers and the plain-text listing of the CLI,
//! with Discord's length limits as named constants and truncation that respects them.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::domain::{Headcount, LayoffEvent, event::thousands};
use crate::service::Listing;
use crate::store::Totals;

/// Discord's embed limits (characters).
pub const EMBED_TITLE_MAX: usize = 256;
pub const EMBED_DESCRIPTION_MAX: usize = 4096;
pub const EMBED_FIELD_NAME_MAX: usize = 256;
pub const EMBED_FIELD_VALUE_MAX: usize = 1024;
pub const EMBED_FIELDS_MAX: usize = 25;
pub const EMBED_FOOTER_MAX: usize = 2048;
pub const EMBED_TOTAL_MAX: usize = 6000;
/// An autocomplete choice's name and value.
pub const CHOICE_MAX: usize = 100;

/// `text` cut to at most `max` characters, ending in "…" when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// "16,000 people", "hundreds", "number not disclosed".
pub fn headcount_phrase(h: &Headcount) -> String {
    match h {
        Headcount::Exact(1) => "1 person".to_string(),
        Headcount::Exact(n) => format!("{} people", thousands(u64::from(*n))),
        Headcount::Approx(text) => text.clone(),
        Headcount::Unknown => "number not disclosed".to_string(),
    }
}

/// "9 layoffs, at least 27,410 people (2 without a reported number)".
pub fn totals_phrase(t: &Totals) -> String {
    let layoffs = if t.events == 1 { "layoff" } else { "layoffs" };
    let mut out = format!("{} {layoffs}", thousands(t.events));
    if t.events > t.unknown {
        let qualifier = if t.unknown > 0 { "at least " } else { "" };
        let people = if t.people == 1 { "person" } else { "people" };
        let _ = write!(out, ", {qualifier}{} {people}", thousands(t.people));
    }
    if t.unknown > 0 {
        let _ = write!(out, " ({} without a reported number)", thousands(t.unknown));
    }
    out
}

/// The facts of one event on one line: date · headcount · percent · location.
pub fn event_summary(e: &LayoffEvent, with_company: bool) -> String {
    let mut parts = vec![e.date.to_string()];
    if with_company {
        parts.push(e.company.clone());
    }
    parts.push(headcount_phrase(&e.headcount));
    if let Some(p) = e.percentage {
        parts.push(format!("{p} of staff"));
    }
    if let Some(loc) = &e.location {
        parts.push(loc.clone());
    }
    parts.join(" · ")
}

fn range_phrase(since: Option<NaiveDate>) -> String {
    since.map(|d| format!(" since {d}")).unwrap_or_default()
}

/// The plain-text listing that `layoffs-bot query` prints.
pub fn listing_text(listing: &Listing) -> String {
    let mut out = String::new();
    let (page, with_company) = match listing {
        Listing::Company {
            company,
            page,
            since,
        } => {
            let _ = writeln!(
                out,
                "{}{}: {}",
                company.name,
                range_phrase(*since),
                totals_phrase(&page.totals)
            );
            (page, false)
        }
        Listing::Latest { page, since } => {
            let _ = writeln!(
                out,
                "Latest layoffs{}: {}",
                range_phrase(*since),
                totals_phrase(&page.totals)
            );
            (page, true)
        }
    };
    if page.events.is_empty() {
        if page.totals.events == 0 {
            out.push_str("\nNo layoffs recorded in this range.\n");
        } else {
            let _ = writeln!(
                out,
                "\nThere is no page {}: the last is page {}.",
                page.page.number + 1,
                page.page_count()
            );
        }
        return out;
    }
    for e in &page.events {
        let _ = writeln!(out, "\n#{} {}", e.id, event_summary(e, with_company));
        for (label, value) in [
            ("Teams", e.teams.as_deref()),
            (
                "Source",
                e.source.as_ref().map(crate::domain::Source::as_str),
            ),
            ("Notes", e.notes.as_deref()),
        ] {
            if let Some(v) = value {
                let _ = writeln!(out, "   {label}: {v}");
            }
        }
    }
    if page.page_count() > 1 {
        let _ = writeln!(
            out,
            "\nPage {} of {} (--page N for more)",
            page.page.number + 1,
            page.page_count()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_respects_the_limit_in_characters() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello!", 5), "hell…");
        assert_eq!(truncate("ééééé", 3).chars().count(), 3);
        assert_eq!(truncate("abc", 0), "");
        let long = "x".repeat(5000);
        assert_eq!(
            truncate(&long, EMBED_DESCRIPTION_MAX).chars().count(),
            EMBED_DESCRIPTION_MAX
        );
    }

    #[test]
    fn totals_sum_known_numbers_and_say_when_some_are_unknown() {
        let t = Totals {
            events: 3,
            people: 1400,
            unknown: 1,
        };
        assert_eq!(
            totals_phrase(&t),
            "3 layoffs, at least 1,400 people (1 without a reported number)"
        );
        let t = Totals {
            events: 1,
            people: 0,
            unknown: 1,
        };
        assert_eq!(totals_phrase(&t), "1 layoff (1 without a reported number)");
        let t = Totals {
            events: 2,
            people: 2500,
            unknown: 0,
        };
        assert_eq!(totals_phrase(&t), "2 layoffs, 2,500 people");
    }

    #[test]
    fn headcount_phrases() {
        assert_eq!(headcount_phrase(&Headcount::Exact(1800)), "1,800 people");
        assert_eq!(headcount_phrase(&Headcount::Exact(1)), "1 person");
        assert_eq!(
            headcount_phrase(&Headcount::Approx("hundreds".into())),
            "hundreds"
        );
        assert_eq!(
            headcount_phrase(&Headcount::Unknown),
            "number not disclosed"
        );
    }
}
