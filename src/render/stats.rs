//! The stats answer in words: its title, the lines on totals, rate and the year before, the top
//! lists, as an embed (with the chart as its image) and as the command line's text.

use std::fmt::Write as _;

use super::{Image, View, escape_markdown};
use crate::domain::stats::StatsSource;
use crate::domain::{Period, Ranked, Stats, Totals, thousands};

/// The words of a source: (one item, several items, what is counted).
fn words(source: StatsSource) -> (&'static str, &'static str, &'static str) {
    match source {
        StatsSource::Events => ("layoff", "layoffs", "people"),
        StatsSource::Filings => ("WARN notice", "WARN notices", "jobs"),
    }
}

/// What was asked, as a title starts it: "Amazon", "Retail in India", "Layoffs".
pub fn subject(stats: &Stats) -> String {
    let mut subject = match (&stats.company, &stats.industry) {
        (Some(c), Some(i)) => format!("{c} ({i})"),
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (None, None) => match stats.source {
            StatsSource::Events => "Layoffs".to_string(),
            StatsSource::Filings => "WARN notices".to_string(),
        },
    };
    if let Some(country) = &stats.country {
        let _ = write!(subject, " in {country}");
    }
    subject
}

/// "Amazon, last 12 months", "Retail, 2023".
pub fn stats_title(stats: &Stats) -> String {
    let filed = stats.source == StatsSource::Filings
        && (stats.company.is_some() || stats.industry.is_some());
    let subject = subject(stats);
    let subject = if filed {
        format!("{subject} WARN notices")
    } else {
        subject
    };
    format!("{subject}, {}", stats.period.label())
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%b %-d, %Y").to_string()
}

fn rate(people: u64, days: i64) -> String {
    let days = days.unsigned_abs().max(1);
    let per_day = people as f64 / days as f64;
    if per_day >= 100.0 {
        thousands((people + days / 2) / days)
    } else {
        format!("{per_day:.1}")
    }
}

/// "+18%", "-5%", "no change"; the earlier figure is not zero.
fn change(now: u64, before: u64) -> String {
    let pct = (now as f64 - before as f64) / before as f64 * 100.0;
    match pct.round() {
        0.0 => "no change".to_string(),
        p if p > 0.0 => format!("+{p:.0}%"),
        p => format!("{p:.0}%"),
    }
}

/// The lines under the title; `b` marks a figure (bold in chat, plain on the command line).
fn lines(stats: &Stats, b: fn(&str) -> String) -> Vec<String> {
    let t = stats.totals;
    let (one, many, people) = words(stats.source);
    let noun = if t.events == 1 { one } else { many };
    let mut first = format!(
        "{} {noun}, at least {} {people}",
        b(&thousands(t.events)),
        b(&thousands(t.people))
    );
    if t.unknown > 0 {
        let _ = write!(first, " ({} without a number)", thousands(t.unknown));
    }
    let days = stats.range.days();
    let mut out = vec![
        first,
        format!(
            "{} {people} a day over {} days",
            b(&rate(t.people, days)),
            thousands(days.unsigned_abs())
        ),
    ];
    if let Some(before) = stats.year_earlier {
        out.push(year_earlier_line(t, before, b, stats.source));
    }
    out
}

fn year_earlier_line(
    now: Totals,
    before: Totals,
    b: fn(&str) -> String,
    source: StatsSource,
) -> String {
    let (_, many, people) = words(source);
    if before.events == 0 {
        return "No data a year earlier".to_string();
    }
    if before.people == 0 {
        return format!(
            "A year earlier: {} {many}, none with a number",
            thousands(before.events)
        );
    }
    format!(
        "A year earlier: {} {people} in {} {many} ({})",
        thousands(before.people),
        thousands(before.events),
        b(&change(now.people, before.people))
    )
}

fn footer(stats: &Stats) -> String {
    let what = match stats.source {
        StatsSource::Events => "people are sums of reported numbers only",
        StatsSource::Filings => {
            "government filings (WARN) by notice date; jobs as filed, not press reports"
        }
    };
    format!(
        "{} to {} · {what}",
        date(stats.range.from),
        date(stats.range.to)
    )
}

fn tops(stats: &Stats) -> [(&'static str, &[Ranked]); 3] {
    let places = match stats.source {
        StatsSource::Events => "Top countries",
        StatsSource::Filings => "Top states",
    };
    [
        ("Top companies", &stats.top_companies),
        ("Top industries", &stats.top_industries),
        (places, &stats.top_countries),
    ]
}

fn ranked_line(i: usize, r: &Ranked, name: &str, source: StatsSource) -> String {
    let (_, _, people) = words(source);
    format!("{}. {name}: {} {people}", i + 1, thousands(r.totals.people))
}

/// The embed; the chart, when drawn, becomes its image.
pub fn stats_view(stats: &Stats, chart: Option<Image>) -> View {
    let bold = |s: &str| format!("**{s}**");
    let mut view = View {
        title: escape_markdown(&stats_title(stats)),
        description: lines(stats, bold).join("\n"),
        footer: footer(stats),
        image: chart,
        ..View::default()
    };
    for (name, list) in tops(stats) {
        if list.is_empty() {
            continue;
        }
        let value = list
            .iter()
            .enumerate()
            .map(|(i, r)| ranked_line(i, r, &escape_markdown(&r.name), stats.source))
            .collect::<Vec<_>>()
            .join("\n");
        view.fields.push((name.to_string(), value));
    }
    view.fit()
}

/// The same facts for the command line.
pub fn stats_text(stats: &Stats) -> String {
    let mut out = format!("{}\n", stats_title(stats));
    for line in lines(stats, str::to_string) {
        let _ = writeln!(out, "  {line}");
    }
    for (name, list) in tops(stats) {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{name}:");
        for (i, r) in list.iter().enumerate() {
            let _ = writeln!(out, "  {}", ranked_line(i, r, &r.name, stats.source));
        }
    }
    let _ = writeln!(out, "{}", footer(stats));
    out
}

/// The short answer when nothing matches: what was asked, and that it has no layoffs.
pub fn no_stats_text(stats: &Stats) -> String {
    let when = match stats.period {
        Period::Year(y) => format!("in {y}"),
        Period::AllTime => "on record".to_string(),
        Period::YearToDate => "so far this year".to_string(),
        p => format!("in the {}", p.label()),
    };
    let mut what = match (&stats.company, &stats.industry) {
        (Some(c), Some(i)) => format!(" for {c} ({i})"),
        (Some(one), None) | (None, Some(one)) => format!(" for {one}"),
        (None, None) => String::new(),
    };
    if let Some(country) = &stats.country {
        let _ = write!(what, " in {country}");
    }
    let none = match stats.source {
        StatsSource::Events => "No layoffs",
        StatsSource::Filings => "No WARN notices",
    };
    format!("{none}{what} {when}.")
}
