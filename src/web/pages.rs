//! The pages, as HTML written with maud (compile-time checked, every value escaped): one
//! layout, the latest layoffs, a company's, search results, and the 4xx pages.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::domain::{EventPage, LayoffEvent, Listing, Source};
use crate::render::text::{filing_phrase, filings_heading, headcount_phrase, totals_phrase};

/// A small stylesheet for phones and desktops, light and dark; the pages read without it.
pub const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;max-width:64rem;margin:0 auto;\
padding:1rem;color:#1d1d1f;background:#fff}a{color:#b03a2e}table{border-collapse:collapse;\
width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;vertical-align:top}\
header,footer{color:#555;font-size:.9rem}time{white-space:nowrap}figure img{max-width:100%;\
height:auto}form{margin:1rem 0}input{font:inherit;padding:.3rem}\
@media (prefers-color-scheme:dark){body{color:#eee;background:#121212}a{color:#f08a7e}\
th,td{border-color:#333}header,footer{color:#aaa}}@media (max-width:40rem){thead{position:absolute;left:-9999px}td{display:block;border:0;\
padding:.1rem .4rem}td:empty{display:none}tr{display:block;border-bottom:1px solid #ddd;\
padding:.4rem 0}}";

/// A company's page path: its name in lower case, words joined by hyphens.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for word in name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Every page: title, description (also for link previews), the body, the footer.
pub fn layout(
    title: &str,
    description: &str,
    base: &str,
    image: Option<&str>,
    changed: Option<DateTime<Utc>>,
    body: &Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · layoffs-bot" }
                meta name="description" content=(description);
                meta property="og:title" content=(title);
                meta property="og:description" content=(description);
                meta property="og:type" content="website";
                @if let Some(image) = image { meta property="og:image" content=(image); }
                link rel="alternate" type="application/atom+xml" title="Latest layoffs" href={ (base) "/feed.atom" };
                style { (PreEscaped(STYLE)) }
            }
            body {
                header { a href={ (base) "/" } { "layoffs-bot" } " · a sourced record of tech layoffs" }
                form action={ (base) "/search" } method="get" role="search" {
                    label for="q" { "Company " }
                    input id="q" name="q" type="search" maxlength="100" required;
                    " " button type="submit" { "Search" }
                }
                main { (body) }
                footer {
                    p { "Data: layoffs.fyi (compiled by Roger Lee), state WARN notices, and news reports, each event with its sources." }
                    @if let Some(at) = changed {
                        p { "The record last changed " time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M UTC")) } "." }
                    }
                }
            }
        }
    }
}

fn sources(e: &LayoffEvent) -> Markup {
    let all: Vec<&Source> = e.source.iter().chain(e.more_sources.iter()).collect();
    html! {
        @for (i, s) in all.iter().enumerate() {
            @if i > 0 { ", " }
            @match s.url() {
                Some(url) => a href=(url) rel="nofollow noopener" { (s.host().unwrap_or(url)) },
                None => (s.as_str()),
            }
        }
    }
}

/// The events of a page as a table, with the company column on the latest page.
pub fn events_table(page: &EventPage, base: &str, with_company: bool) -> Markup {
    html! {
        table {
            thead { tr {
                th scope="col" { "Date" }
                @if with_company { th scope="col" { "Company" } }
                th scope="col" { "People" } th scope="col" { "Share" }
                th scope="col" { "Teams, location" } th scope="col" { "Sources" }
            } }
            tbody {
                @for e in &page.events {
                    tr {
                        td { time datetime=(e.date) { (e.date) } }
                        @if with_company { td { a href={ (base) "/companies/" (slug(&e.company)) } { (e.company) } } }
                        td { (headcount_phrase(&e.headcount)) }
                        td { @if let Some(p) = e.percentage { (p) } }
                        td { (e.teams.as_deref().unwrap_or("")) @if e.teams.is_some() && e.location.is_some() { " · " } (e.location.as_deref().unwrap_or("")) }
                        td { (sources(e)) }
                    }
                }
            }
        }
    }
}

/// Links to the other pages of a listing.
pub fn pager(page: &EventPage, path: &str) -> Markup {
    let (number, count) = (page.page.number + 1, page.page_count());
    html! {
        @if count > 1 {
            nav aria-label="pages" {
                @if number > 1 { a rel="prev" href={ (path) "?page=" (number - 1) } { "Newer" } " · " }
                "Page " (number) " of " (count)
                @if number < count { " · " a rel="next" href={ (path) "?page=" (number + 1) } { "Older" } }
            }
        }
    }
}

/// A company's page, or the latest layoffs.
pub fn listing(listing: &Listing, base: &str, path: &str) -> Markup {
    let page = listing.page();
    html! {
        @match listing {
            Listing::Company { company, filings, .. } => {
                h1 { (company.name) " layoffs" }
                p { (totals_phrase(&page.totals)) "." }
                @if let Some(industry) = &company.industry { p { "Industry: " (industry) } }
                (events_table(page, base, false))
                (pager(page, path))
                @if filings.count > 0 {
                    @let (heading, summary) = filings_heading(filings);
                    h2 { (heading) }
                    p { (summary) "." }
                    ul { @for f in &filings.latest { li { (filing_phrase(f)) } } }
                }
                p { a href={ (path) ".csv" } { "CSV" } " · " a href={ (path) "/feed.atom" } { "Atom feed" } }
            }
            Listing::Latest { .. } => {
                h1 { "Latest layoffs" }
                p { (totals_phrase(&page.totals)) " on record." }
                (events_table(page, base, true))
                (pager(page, path))
                p { a href={ (base) "/events.csv" } { "CSV" } " · " a href={ (base) "/feed.atom" } { "Atom feed" } }
            }
        }
    }
}

/// A 4xx page: what went wrong, and names that may have been meant.
pub fn problem(heading: &str, message: &str, base: &str, suggestions: &[String]) -> Markup {
    html! {
        h1 { (heading) }
        p { (message) }
        @if !suggestions.is_empty() {
            p { "Did you mean: " }
            ul { @for s in suggestions { li { a href={ (base) "/companies/" (slug(s)) } { (s) } } } }
        }
    }
}

/// Search results: the companies whose names match.
pub fn results(query: &str, names: &[String], base: &str) -> Markup {
    html! {
        h1 { "Companies matching “" (query) "”" }
        @if names.is_empty() { p { "No company matches." } }
        ul { @for n in names { li { a href={ (base) "/companies/" (slug(n)) } { (n) } } } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert_eq!(slug("Amazon"), "amazon");
        assert_eq!(slug("Meta Platforms, Inc."), "meta-platforms-inc");
        assert_eq!(slug("  Zoë & Co  "), "zoë-co");
    }

    #[test]
    fn typed_text_is_escaped() {
        let page = problem("x", "<script>alert(1)</script>", "", &["<b>".into()]);
        let html = page.into_string();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}
