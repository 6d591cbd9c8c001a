//! Views of what subscriptions receive besides event posts: a new WARN filing, a daily or
//! weekly digest, a test post; and the footer marker that finds each in a channel's history.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::limits::EMBED_DESCRIPTION_LENGTH;
use super::text::{filing_phrase, headcount_phrase, people_and_unknown};
use super::{Image, View, escape_markdown};
use crate::domain::filing::FilingPost;
use crate::domain::{CompanyNames, Digest, DigestPeriod, LayoffEvent, Mode, thousands};

/// How the footer of a post starts, for finding it after a lost answer: unique in a channel.
pub fn marker(kind: &str, id: &str) -> String {
    format!("{kind} #{id} ·")
}

/// The post about a new WARN notice.
pub fn filing_view(f: &FilingPost) -> View {
    let company = escape_markdown(&f.company);
    let mut lines = vec![format!(
        "Filed as **{}** with the {} ({}) on {}.",
        escape_markdown(&f.filed_name),
        escape_markdown(&f.agency),
        escape_markdown(&f.line.state),
        f.line.notice_date
    )];
    if let Some(d) = f.effective_date {
        lines.push(format!("Layoffs take effect {d}."));
    }
    let kinds: Vec<&str> = [
        (f.closure == Some(true), "a closure"),
        (f.temporary == Some(true), "temporary"),
    ]
    .into_iter()
    .filter_map(|(on, word)| on.then_some(word))
    .collect();
    if !kinds.is_empty() {
        lines.push(format!("The notice says: {}.", kinds.join(", ")));
    }
    let jobs = match f.line.jobs {
        Some(1) => "1 job".to_string(),
        Some(n) => format!("{} jobs", thousands(u64::from(n))),
        None => "not stated".to_string(),
    };
    let mut fields = vec![("Jobs filed".to_string(), jobs)];
    if let Some(l) = &f.line.location {
        fields.push(("Location".to_string(), escape_markdown(l)));
    }
    View {
        title: format!("New WARN notice: {company}"),
        description: lines.join("\n"),
        fields,
        footer: format!(
            "{} government filing (WARN notice), not a press report",
            marker("Filing", &f.id.to_string())
        ),
        ..View::default()
    }
    .fit()
}

/// "Weekly layoffs digest: 16 Nov 14:00 to 23 Nov 2026 14:00 UTC", in the channel's time
/// zone when it chose one.
fn digest_title(p: &DigestPeriod, zone: Option<chrono_tz::Tz>) -> String {
    let kind = match p.mode {
        Mode::Daily => "Daily",
        Mode::Weekly | Mode::Each => "Weekly",
    };
    let zone = zone.unwrap_or(chrono_tz::Tz::UTC);
    format!(
        "{kind} layoffs digest: {} to {} {}",
        p.start.with_timezone(&zone).format("%-d %b %H:%M"),
        p.end.with_timezone(&zone).format("%-d %b %Y %H:%M"),
        zone.name()
    )
}

/// One event as a digest line: "2026-11-25 · **Amazon** · 200 people · Seattle".
fn digest_line(e: &LayoffEvent) -> String {
    let mut parts = vec![
        e.date.to_string(),
        format!("**{}**", escape_markdown(&e.company)),
        escape_markdown(&headcount_phrase(&e.headcount)),
    ];
    if let Some(p) = e.percentage {
        parts.push(p.to_string());
    }
    if let Some(l) = &e.location {
        parts.push(escape_markdown(l));
    }
    format!("• {}", parts.join(" · "))
}

/// The digest post: the events as lines (cut to the embed with "and N more"), totals and
/// the chart of the last 12 months (drawn from `d.chart`, when it could be).
pub fn digest_view(d: &Digest, chart: Option<Image>, key_marker: &str) -> View {
    let room = EMBED_DESCRIPTION_LENGTH - 40;
    let mut description = String::new();
    let mut shown = 0;
    for e in &d.events {
        let line = digest_line(e);
        if description.chars().count() + line.chars().count() + 1 > room {
            break;
        }
        let _ = writeln!(description, "{line}");
        shown += 1;
    }
    // The digest lists at most some events of the period; the rest are counted from its
    // totals, so listed + more is always the period's events.
    let all = usize::try_from(d.totals.events)
        .unwrap_or(usize::MAX)
        .max(d.events.len());
    if shown < all {
        let _ = write!(description, "…and {} more", all - shown);
    }
    let noun = if d.totals.events == 1 {
        "layoff"
    } else {
        "layoffs"
    };
    let totals = format!(
        "{} {noun}{}",
        thousands(d.totals.events),
        people_and_unknown(&d.totals, "")
    );
    let mut fields = vec![("In this period".to_string(), totals)];
    if d.filing_totals.events > 0 {
        fields.push(filings_field(d));
    }
    let about = if chart.is_some() {
        " chart: people a month, last 12 months"
    } else {
        ""
    };
    View {
        title: digest_title(&d.period, d.zone),
        description: description.trim_end().to_string(),
        fields,
        footer: format!("{key_marker}{about}"),
        image: chart,
        ..View::default()
    }
    .fit()
}

/// The digest's new WARN notices: how many, jobs filed, the first few; apart from the
/// layoffs' totals.
fn filings_field(d: &Digest) -> (String, String) {
    let t = &d.filing_totals;
    let noun = if t.events == 1 { "notice" } else { "notices" };
    let mut lines = vec![format!(
        "{} {noun}, {} jobs filed (government filings, not counted above)",
        thousands(t.events),
        thousands(t.people)
    )];
    lines.extend(d.filings.iter().map(|f| {
        format!(
            "• **{}** · {}",
            escape_markdown(&f.company),
            escape_markdown(&filing_phrase(&f.line))
        )
    }));
    let more = t
        .events
        .saturating_sub(u64::try_from(d.filings.len()).unwrap_or(u64::MAX));
    if more > 0 {
        lines.push(format!("…and {more} more"));
    }
    ("New WARN notices".to_string(), lines.join("\n"))
}

/// A test post: the real post's view, clearly marked, or a sample when nothing matches yet.
pub fn test_view(post: Option<View>, delivery_id: i64, now: DateTime<Utc>) -> View {
    let note = "**Test post** from /layoff-alerts test: this is how alerts will look here. \
                It is not a new layoff.";
    let mut view = post.unwrap_or_else(|| View {
        title: "Sample layoff: Example Corp".to_string(),
        description: "Nothing on record matches this channel's filters yet, so here is a sample."
            .to_string(),
        fields: vec![("People".to_string(), "about 100 people".to_string())],
        ..View::default()
    });
    view.title = format!("[Test] {}", view.title);
    view.description = format!("{note}\n\n{}", view.description);
    view.footer = format!(
        "{} test sent {}",
        marker("Test", &delivery_id.to_string()),
        now.format("%Y-%m-%d %H:%M UTC")
    );
    view.fit()
}

/// A channel's alert settings in a line: "Amazon, Meta · Retail · United States · not
/// Crypto · at least 100 people · weekly digest at 09:00 Europe/Berlin on Fridays · mentions
/// @role · crossposted · with WARN filings · a thread under each post".
pub fn settings_summary(names: &CompanyNames, s: &crate::domain::AlertSettings) -> String {
    let mut parts = vec![scope_phrase(names)];
    parts.extend(settings_details(names, s));
    parts.join(" · ")
}

/// A list of names as the record spells them: "Amazon, Meta".
fn listed(names: &[String]) -> String {
    escape_markdown(&names.join(", "))
}

/// "all companies", "Amazon only", or "Amazon, Meta only".
pub fn scope_phrase(names: &CompanyNames) -> String {
    if names.companies.is_empty() {
        "all companies".to_string()
    } else {
        format!("{} only", listed(&names.companies))
    }
}

/// The settings besides the companies, each a short phrase.
pub fn settings_details(names: &CompanyNames, s: &crate::domain::AlertSettings) -> Vec<String> {
    let f = &s.filter;
    let mut parts = Vec::new();
    if !f.industries.is_empty() {
        parts.push(format!("industry {}", listed(&f.industries)));
    }
    if !f.countries.is_empty() {
        parts.push(format!("country {}", listed(&f.countries)));
    }
    let excluded: Vec<String> = names
        .excluded
        .iter()
        .chain(&f.exclude_industries)
        .cloned()
        .collect();
    if !excluded.is_empty() {
        parts.push(format!("not {}", listed(&excluded)));
    }
    if let Some(m) = f.min_people {
        parts.push(format!("at least {} people", thousands(u64::from(m))));
    }
    let mut mode = s.mode.describe().to_string();
    if let Some(at) = s.time.describe(s.mode) {
        mode = format!("{mode} {at}");
    }
    parts.push(mode);
    if let Some(role) = s.mention_role {
        parts.push(format!("mentions <@&{role}>"));
    }
    if s.crosspost {
        parts.push("crossposted".to_string());
    }
    if s.filings {
        parts.push("with WARN filings".to_string());
    }
    if let Some(a) = s.thread {
        parts.push(format!(
            "a thread under each post (archived after {})",
            a.label()
        ));
    }
    if s.forum {
        parts.push("a forum post per event".to_string());
    }
    parts
}

/// A subscription's state and last post, as a list shows them: "active; …; no post yet", or
/// "disabled: why; …; last post 2026-11-26 14:00 UTC" (the reason escaped: part of it is the
/// platform's words).
pub fn subscription_line(
    names: &CompanyNames,
    settings: &crate::domain::AlertSettings,
    disabled: Option<Option<&str>>,
    last_post: Option<chrono::DateTime<chrono::Utc>>,
) -> String {
    let state = match disabled {
        None => "active".to_string(),
        Some(reason) => format!(
            "disabled: {}",
            escape_markdown(reason.unwrap_or("unknown reason"))
        ),
    };
    let last = last_post.map_or_else(
        || "no post yet".to_string(),
        |t| format!("last post {}", t.format("%Y-%m-%d %H:%M UTC")),
    );
    format!(
        "{}, {state}; {}; {last}",
        scope_phrase(names),
        settings_details(names, settings).join(" · ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, EventScope, Headcount, Totals};

    fn event(i: i64) -> LayoffEvent {
        LayoffEvent {
            id: i,
            company_id: i,
            company: format!("Company number {i} with a long name"),
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            headcount: Headcount::Exact(100),
            percentage: None,
            teams: None,
            location: Some("Somewhere far away".into()),
            source: None,
            more_sources: Vec::new(),
            notes: None,
            scope: EventScope::Global,
            added_by: Actor::discord(1),
            added_at: chrono::DateTime::from_timestamp(1_764_158_400, 0).unwrap(),
            updated_at: None,
        }
    }

    #[test]
    fn listed_and_more_always_add_up_to_the_periods_events() {
        let start = chrono::DateTime::from_timestamp(1_763_500_000, 0).unwrap();
        for (all, listed) in [(70_u64, 60_i64), (3, 3), (61, 60)] {
            let d = Digest {
                period: DigestPeriod {
                    mode: Mode::Weekly,
                    start,
                    end: start + chrono::Duration::days(7),
                },
                zone: None,
                events: (0..listed).map(event).collect(),
                totals: Totals {
                    events: all,
                    people: 100 * all,
                    unknown: 0,
                },
                filings: Vec::new(),
                filing_totals: Totals::default(),
                chart: None,
            };
            let view = digest_view(&d, None, "Digest #1 ·");
            let shown = view
                .description
                .lines()
                .filter(|l| l.starts_with('•'))
                .count();
            let more = view
                .description
                .rsplit("…and ")
                .next()
                .and_then(|t| t.strip_suffix(" more"))
                .map_or(0, |n| n.parse::<usize>().unwrap());
            assert_eq!(shown + more, all as usize, "{}", view.description);
        }
    }
}
