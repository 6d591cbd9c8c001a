//! Sentences and lines about the record: headcounts, totals, one event on a line, a post's
//! context, and the plain-text listing of the command line.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::domain::filing::{FilingLine, FilingSummary};
use crate::domain::{EventPage, Headcount, LayoffEvent, Listing, Totals, thousands};

/// "16,000 people", "hundreds", "number not disclosed".
pub fn headcount_phrase(h: &Headcount) -> String {
    match h {
        Headcount::Exact(1) => "1 person".to_string(),
        Headcount::Exact(n) => format!("{} people", thousands(u64::from(*n))),
        Headcount::Approx(text) => text.clone(),
        Headcount::Unknown => "number not disclosed".to_string(),
    }
}

/// ", at least 1,400 people" and " (1 without a reported number)", as they apply.
pub(crate) fn people_and_unknown(t: &Totals, people_suffix: &str) -> String {
    let mut out = String::new();
    if t.events > t.unknown {
        let qualifier = if t.unknown > 0 { "at least " } else { "" };
        let people = if t.people == 1 { "person" } else { "people" };
        let _ = write!(
            out,
            ", {qualifier}{} {people}{people_suffix}",
            thousands(t.people)
        );
    }
    if t.unknown > 0 {
        let _ = write!(out, " ({} without a reported number)", thousands(t.unknown));
    }
    out
}

/// "9 layoffs, at least 27,410 people (2 without a reported number)".
pub fn totals_phrase(t: &Totals) -> String {
    let layoffs = if t.events == 1 { "layoff" } else { "layoffs" };
    format!(
        "{} {layoffs}{}",
        thousands(t.events),
        people_and_unknown(t, "")
    )
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

/// " since 2024-01-01", or nothing.
pub fn range_phrase(since: Option<NaiveDate>) -> String {
    since.map(|d| format!(" since {d}")).unwrap_or_default()
}

/// A listing's heading and whether its lines name the company.
pub fn listing_heading(listing: &Listing) -> (String, bool) {
    match listing {
        Listing::Company { company, .. } => (company.name.clone(), false),
        Listing::Latest { .. } => ("Latest layoffs".to_string(), true),
    }
}

/// The plain-text listing that `layoffs-bot query` prints.
pub fn listing_text(listing: &Listing) -> String {
    let (heading, with_company) = listing_heading(listing);
    let (page, since) = match listing {
        Listing::Company { page, since, .. } | Listing::Latest { page, since } => (page, since),
    };
    let filings = match listing {
        Listing::Company { filings, .. } if filings.count > 0 => Some(filings),
        _ => None,
    };
    let filings_only = filings.is_some() && page.totals.events == 0;
    let summary = if filings_only {
        "no reported layoffs; known from WARN notices (government filings) only".to_string()
    } else {
        totals_phrase(&page.totals)
    };
    let mut out = format!("{heading}{}: {summary}\n", range_phrase(*since));
    if page.events.is_empty() && !filings_only {
        out.push_str(&empty_page_text(page));
        return out;
    }
    for e in &page.events {
        event_text(&mut out, page, e, with_company);
    }
    if let Some(filings) = filings {
        let (heading, counts) = filings_heading(filings);
        let _ = writeln!(out, "\n{heading}: {counts}");
        for f in &filings.latest {
            let _ = writeln!(out, "   {}", filing_phrase(f));
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

/// One event of a listing: its summary line, then its details one a line.
fn event_text(out: &mut String, page: &EventPage, e: &LayoffEvent, with_company: bool) {
    let _ = writeln!(out, "\n#{} {}", e.id, event_summary(e, with_company));
    let source = e.source.as_ref().map(|s| {
        format!(
            "{}{}",
            s.as_str(),
            more_sources_phrase(e.more_sources.len())
        )
    });
    let notice = filed(page, e.id).map(|f| format!("{} (a government filing)", filing_phrase(f)));
    let details = [
        ("Teams", e.teams.as_deref()),
        ("Source", source.as_deref()),
        ("Notes", e.notes.as_deref()),
        ("WARN notice", notice.as_deref()),
    ];
    for (label, value) in details {
        if let Some(v) = value {
            let _ = writeln!(out, "   {label}: {v}");
        }
    }
}

fn empty_page_text(page: &EventPage) -> String {
    if page.totals.events == 0 {
        "\nNo layoffs recorded in this range.\n".to_string()
    } else {
        format!(
            "\nThere is no page {}: the last is page {}.\n",
            u64::from(page.page.number) + 1,
            page.page_count()
        )
    }
}

/// 1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd".
/// A WARN notice in a line: "WA 2023-01-18 · 2,300 jobs · Seattle".
pub fn filing_phrase(f: &FilingLine) -> String {
    let mut parts = vec![format!("{} {}", f.state, f.notice_date)];
    parts.push(match f.jobs {
        Some(1) => "1 job".to_string(),
        Some(n) => format!("{} jobs", thousands(u64::from(n))),
        None => "jobs not stated".to_string(),
    });
    if let Some(l) = &f.location {
        parts.push(l.clone());
    }
    parts.join(" · ")
}

/// The heading of a company's WARN notices and their count and jobs.
pub fn filings_heading(s: &FilingSummary) -> (String, String) {
    let noun = if s.count == 1 { "filing" } else { "filings" };
    (
        "WARN notices (government filings)".to_string(),
        format!(
            "{} {noun}, {} jobs filed in all; not counted in the totals above",
            thousands(s.count),
            thousands(s.jobs)
        ),
    )
}

/// The filing that backs event `id` on a page, if any.
pub fn filed(page: &EventPage, id: i64) -> Option<&FilingLine> {
    page.filed.iter().find(|(e, _)| *e == id).map(|(_, f)| f)
}

/// " (+2 more sources)" after an event's first source; empty without more.
pub fn more_sources_phrase(n: usize) -> String {
    match n {
        0 => String::new(),
        1 => " (+1 more source)".to_string(),
        n => format!(" (+{n} more sources)"),
    }
}

pub fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "Amazon's 3rd reported layoff in the last 12 months, at least 1,400 people across them
/// (1 without a reported number)."
pub fn recent_context(company: &str, recent: &Totals) -> String {
    if recent.events <= 1 {
        return format!("{company}'s first reported layoff in the last 12 months.");
    }
    format!(
        "{company}'s {} reported layoff in the last 12 months{}.",
        ordinal(recent.events),
        people_and_unknown(recent, " across them")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_names_the_rank_and_sums_known_numbers_only() {
        let t = Totals {
            events: 3,
            people: 1400,
            unknown: 1,
        };
        assert_eq!(
            recent_context("Amazon", &t),
            "Amazon's 3rd reported layoff in the last 12 months, at least 1,400 people across them (1 without a reported number)."
        );
        let t = Totals {
            events: 2,
            people: 900,
            unknown: 0,
        };
        assert_eq!(
            recent_context("Acme", &t),
            "Acme's 2nd reported layoff in the last 12 months, 900 people across them."
        );
        let t = Totals {
            events: 2,
            people: 0,
            unknown: 2,
        };
        assert_eq!(
            recent_context("Acme", &t),
            "Acme's 2nd reported layoff in the last 12 months (2 without a reported number)."
        );
        assert_eq!(
            recent_context(
                "Acme",
                &Totals {
                    events: 1,
                    people: 5,
                    unknown: 0
                }
            ),
            "Acme's first reported layoff in the last 12 months."
        );
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(ordinal(101), "101st");
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
