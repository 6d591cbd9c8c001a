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

/// An embed as plain data, already within Discord's limits once [`EmbedView::fit`] ran.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EmbedView {
    pub title: String,
    pub description: String,
    pub fields: Vec<(String, String)>,
    pub footer: String,
}

impl EmbedView {
    /// Characters that count towards Discord's 6,000 total.
    pub fn total_len(&self) -> usize {
        let len = |s: &String| s.chars().count();
        len(&self.title)
            + len(&self.description)
            + len(&self.footer)
            + self
                .fields
                .iter()
                .map(|(n, v)| len(n) + len(v))
                .sum::<usize>()
    }

    /// Cuts every part to its limit, then field values evenly until the whole fits.
    #[must_use]
    pub fn fit(mut self) -> Self {
        self.title = truncate(&self.title, EMBED_TITLE_MAX);
        self.description = truncate(&self.description, EMBED_DESCRIPTION_MAX);
        self.footer = truncate(&self.footer, EMBED_FOOTER_MAX);
        self.fields.truncate(EMBED_FIELDS_MAX);
        for (name, value) in &mut self.fields {
            *name = truncate(name, EMBED_FIELD_NAME_MAX);
            *value = truncate(value, EMBED_FIELD_VALUE_MAX);
        }
        while self.total_len() > EMBED_TOTAL_MAX {
            let excess = self.total_len() - EMBED_TOTAL_MAX;
            let longest = self
                .fields
                .iter_mut()
                .map(|(_, v)| v)
                .max_by_key(|v| v.chars().count());
            match longest {
                Some(v) if v.chars().count() > 40 => {
                    let keep = v.chars().count().saturating_sub(excess).max(40);
                    *v = truncate(v, keep);
                }
                _ => {
                    if self.fields.pop().is_none() {
                        self.description = truncate(
                            &self.description,
                            self.description.chars().count().saturating_sub(excess),
                        );
                    }
                }
            }
        }
        self
    }
}

/// Backslash-escapes Discord markdown in stored text, so it shows as typed.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The source as a markdown link (named by its host) or the publication's name.
pub fn source_markdown(source: &crate::domain::Source) -> String {
    match source.url() {
        Some(url) => {
            let host = url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split(['/', '?', '#']).next())
                .unwrap_or("link")
                .trim_start_matches("www.");
            let target = url.replace('(', "%28").replace(')', "%29");
            format!("[{}](<{target}>)", escape_markdown(host))
        }
        None => escape_markdown(source.as_str()),
    }
}

/// One event as an embed field: the facts in the name, the details in the value.
pub fn event_field(e: &LayoffEvent, with_company: bool) -> (String, String) {
    let mut name = e.date.to_string();
    if with_company {
        name.push_str(" · ");
        name.push_str(&e.company);
    }
    name.push_str(" · ");
    name.push_str(&headcount_phrase(&e.headcount));
    let mut lines = Vec::new();
    if let Some(p) = e.percentage {
        lines.push(format!("**Share of staff:** {p}"));
    }
    if let Some(t) = &e.teams {
        lines.push(format!("**Teams:** {}", escape_markdown(t)));
    }
    if let Some(l) = &e.location {
        lines.push(format!("**Location:** {}", escape_markdown(l)));
    }
    if let Some(s) = &e.source {
        lines.push(format!("**Source:** {}", source_markdown(s)));
    }
    if let Some(n) = &e.notes {
        lines.push(format!("**Notes:** {}", escape_markdown(n)));
    }
    lines.push(format!("`#{}`", e.id));
    (name, lines.join("\n"))
}

/// What `/layoffs` shows.
pub fn listing_embed(listing: &Listing) -> EmbedView {
    let (title, page, with_company, since) = match listing {
        Listing::Company {
            company,
            page,
            since,
        } => (format!("{} layoffs", company.name), page, false, since),
        Listing::Latest { page, since } => ("Latest layoffs".to_string(), page, true, since),
    };
    let mut description = totals_phrase(&page.totals);
    description.push_str(&range_phrase(*since));
    if page.events.is_empty() {
        description.push_str(if page.totals.events == 0 {
            "\n\nNo layoffs recorded in this range."
        } else {
            "\n\nThis page is past the end."
        });
    }
    EmbedView {
        title,
        description,
        fields: page
            .events
            .iter()
            .map(|e| event_field(e, with_company))
            .collect(),
        footer: format!("Page {} of {}", page.page.number + 1, page.page_count()),
    }
    .fit()
}

/// One event on its own, for moderators' confirmations.
pub fn event_embed(title: &str, e: &LayoffEvent) -> EmbedView {
    let (name, value) = event_field(e, true);
    EmbedView {
        title: title.to_string(),
        description: String::new(),
        fields: vec![(name, value)],
        footer: format!(
            "Event #{} · added {}",
            e.id,
            e.added_at.format("%Y-%m-%d %H:%M UTC")
        ),
    }
    .fit()
}

/// 1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd".
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
    let mut out = format!(
        "{company}'s {} reported layoff in the last 12 months",
        ordinal(recent.events)
    );
    let known = recent.events - recent.unknown;
    if known > 0 {
        let qualifier = if recent.unknown > 0 { "at least " } else { "" };
        let _ = write!(
            out,
            ", {qualifier}{} people across them",
            thousands(recent.people)
        );
    }
    if recent.unknown > 0 {
        let _ = write!(
            out,
            " ({} without a reported number)",
            thousands(recent.unknown)
        );
    }
    out.push('.');
    out
}

/// The post about a new event in a subscribed channel.
pub fn post_embed(e: &LayoffEvent, recent: &Totals) -> EmbedView {
    let mut title = format!("New layoff: {}", e.company);
    if let Some(teams) = &e.teams {
        let _ = write!(title, " ({teams})");
    }
    let mut fields = vec![("People".to_string(), headcount_phrase(&e.headcount))];
    if let Some(p) = e.percentage {
        fields.push(("Share of staff".to_string(), p.to_string()));
    }
    if let Some(t) = &e.teams {
        fields.push(("Teams".to_string(), escape_markdown(t)));
    }
    if let Some(l) = &e.location {
        fields.push(("Location".to_string(), escape_markdown(l)));
    }
    if let Some(s) = &e.source {
        fields.push(("Source".to_string(), source_markdown(s)));
    }
    if let Some(n) = &e.notes {
        fields.push(("Notes".to_string(), escape_markdown(n)));
    }
    EmbedView {
        title,
        description: format!(
            "Announced {}. {}",
            e.date,
            recent_context(&e.company, recent)
        ),
        fields,
        footer: format!(
            "Event #{} · added {}",
            e.id,
            e.added_at.format("%Y-%m-%d %H:%M UTC")
        ),
    }
    .fit()
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

    fn sample_event(headcount: Headcount, notes: Option<String>) -> LayoffEvent {
        LayoffEvent {
            id: 7,
            company_id: 1,
            company: "Amazon".into(),
            date: chrono::NaiveDate::from_ymd_opt(2024, 4, 3).unwrap(),
            headcount,
            percentage: None,
            teams: Some("AWS sales".into()),
            location: Some("Seattle".into()),
            source: crate::domain::Source::parse("Wall Street Journal").unwrap(),
            notes,
            scope: crate::domain::EventScope::Global,
            added_by: "discord:1".into(),
            added_at: chrono::DateTime::from_timestamp(1_764_158_400, 0).unwrap(),
            updated_at: None,
        }
    }

    #[test]
    fn posts_show_exact_approximate_and_unknown_counts() {
        let recent = Totals {
            events: 1,
            people: 0,
            unknown: 1,
        };
        for (h, shown) in [
            (Headcount::Exact(1800), "1,800 people"),
            (Headcount::Approx("hundreds".into()), "hundreds"),
            (Headcount::Unknown, "number not disclosed"),
        ] {
            let view = post_embed(&sample_event(h, None), &recent);
            assert_eq!(view.title, "New layoff: Amazon (AWS sales)");
            assert_eq!(view.fields[0], ("People".to_string(), shown.to_string()));
            assert!(
                view.footer.starts_with("Event #7 · added 2025-11-26"),
                "{}",
                view.footer
            );
        }
    }

    #[test]
    fn long_post_text_is_cut_to_the_limits() {
        let view = post_embed(
            &sample_event(Headcount::Exact(5), Some("n".repeat(5000))),
            &Totals::default(),
        );
        let notes = &view.fields.last().unwrap().1;
        assert_eq!(notes.chars().count(), EMBED_FIELD_VALUE_MAX);
        assert!(notes.ends_with('…'));
        assert!(view.total_len() <= EMBED_TOTAL_MAX);
    }

    #[test]
    fn embeds_are_cut_to_discords_limits() {
        let long = "x".repeat(5000);
        let view = EmbedView {
            title: long.clone(),
            description: long.clone(),
            fields: (0..30)
                .map(|i| (format!("{i}{long}"), long.clone()))
                .collect(),
            footer: long.clone(),
        }
        .fit();
        assert!(view.title.chars().count() <= EMBED_TITLE_MAX);
        assert!(view.description.chars().count() <= EMBED_DESCRIPTION_MAX);
        assert!(view.fields.len() <= EMBED_FIELDS_MAX);
        assert!(
            view.fields
                .iter()
                .all(|(n, v)| n.chars().count() <= EMBED_FIELD_NAME_MAX
                    && v.chars().count() <= EMBED_FIELD_VALUE_MAX)
        );
        assert!(view.total_len() <= EMBED_TOTAL_MAX, "{}", view.total_len());
        assert!(view.title.ends_with('…'));
    }

    #[test]
    fn markdown_and_links_are_made_safe() {
        assert_eq!(escape_markdown("**bold** _x_"), "\\*\\*bold\\*\\* \\_x\\_");
        let src = crate::domain::Source::parse("https://www.wsj.com/a_(b)")
            .unwrap()
            .unwrap();
        assert_eq!(
            source_markdown(&src),
            "[wsj.com](<https://www.wsj.com/a_%28b%29>)"
        );
    }

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
