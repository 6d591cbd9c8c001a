//! CSV and Atom: the export's columns (formula-defused) for the record or a company, and
//! Atom feeds (RFC 4287) whose entry ids never change for an event; a correction bumps
//! `updated`, a removed event is gone.

use atom_syndication::{Entry, Feed, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};

use std::collections::HashMap;

use axum::extract::{Query, RawQuery};

use super::{PAGE_SIZE, Web, bad_query, company_of, failed, pages, stats, typed};
use crate::domain::stats::StatsSource;
use crate::domain::{DomainError, LayoffEvent, Page, Viewer, fold_facet};
use crate::error::Result;
use crate::render::text::event_summary;
use crate::service;
use crate::store::events::ExportRow;

/// The global record's events that `/stats`' filters in `q` select (all without filters),
/// newest first; the filters are checked and named as `/layoffs-stats` does.
async fn selected(web: &Web, q: &HashMap<String, String>) -> Result<Vec<ExportRow>> {
    let rows = service::listing::global_events(&web.store, None).await?;
    if q.is_empty() {
        return Ok(rows);
    }
    let stats = stats::stats_of(web, q).await?;
    if stats.source == StatsSource::Filings {
        return Err(DomainError::invalid(
            "source",
            "The CSV and feeds list reported events; source=filings is for /stats.",
        )
        .into());
    }
    let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
        (Some(want), Some(have)) => fold_facet(want) == fold_facet(have),
        (Some(_), None) => false,
        (None, _) => true,
    };
    Ok(rows
        .into_iter()
        .filter(|r| stats.company.as_ref().is_none_or(|c| *c == r.event.company))
        .filter(|r| same(&stats.industry, &r.industry) && same(&stats.country, &r.country))
        .filter(|r| (stats.range.from..=stats.range.to).contains(&r.event.date))
        .collect())
}

pub async fn events_csv(
    State(web): State<Web>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match selected(&web, &q).await {
        Ok(rows) => csv_of(&web, &rows, "layoffs.csv"),
        Err(e) => bad_query(&web, &e),
    }
}

/// The record (or one company's part of it) as CSV.
async fn csv(web: &Web, company_id: Option<i64>, filename: &str) -> Response {
    match service::listing::global_events(&web.store, company_id).await {
        Ok(rows) => csv_of(web, &rows, filename),
        Err(e) => failed(web, &e),
    }
}

fn csv_of(web: &Web, rows: &[ExportRow], filename: &str) -> Response {
    let mut out = Vec::new();
    if let Err(e) = crate::csv_io::export(rows, &mut out, &crate::csv_io::Silent) {
        return failed(web, &e);
    }
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response()
}

pub async fn company_csv(web: &Web, slug: &str) -> Response {
    match company_of(web, slug).await {
        Ok(c) => csv(web, Some(c.id), &format!("{}.csv", pages::slug(&c.name))).await,
        Err(e) => failed(web, &e),
    }
}

fn fixed(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.fixed_offset()
}

/// The newest events (of a company, or all) as an Atom feed at `self_path`.
fn atom(
    web: &Web,
    events: &[LayoffEvent],
    title: &str,
    self_path: &str,
    page_path: &str,
) -> String {
    let updated = events
        .iter()
        .map(|e| e.updated_at.unwrap_or(e.added_at))
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let entries = events.iter().map(|e| Entry {
        id: format!("tag:layoffs-bot,2024:event:{}", e.id),
        title: Text::plain(format!("{}: {}", e.company, event_summary(e, false))),
        updated: fixed(e.updated_at.unwrap_or(e.added_at)),
        published: Some(fixed(e.added_at)),
        links: vec![Link {
            href: format!("{}/companies/{}", web.base, pages::slug(&e.company)),
            rel: "alternate".into(),
            ..Link::default()
        }],
        summary: Some(Text::plain(event_summary(e, true))),
        ..Entry::default()
    });
    let feed = Feed {
        title: Text::plain(title),
        id: format!("tag:layoffs-bot,2024:{self_path}"),
        updated: fixed(updated),
        authors: vec![Person {
            name: "layoffs-bot".into(),
            ..Person::default()
        }],
        links: vec![
            Link {
                href: format!("{}{self_path}", web.base),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
            Link {
                href: format!("{}{page_path}", web.base),
                rel: "alternate".into(),
                ..Link::default()
            },
        ],
        entries: entries.collect(),
        ..Feed::default()
    };
    feed.to_string()
}

const ATOM: &str = "application/atom+xml; charset=utf-8";

pub async fn latest_atom(
    State(web): State<Web>,
    Query(q): Query<HashMap<String, String>>,
    RawQuery(raw): RawQuery,
) -> Response {
    if !q.is_empty() {
        return filtered_atom(&web, &q, raw.unwrap_or_default()).await;
    }
    let page = Page::first(PAGE_SIZE);
    match service::listing::listing_page(&web.store, None, &Viewer::EVERYONE, None, page).await {
        Ok(l) => {
            let events = &l.page().events;
            typed(
                ATOM,
                atom(&web, events, "Latest layoffs", "/feed.atom", "/"),
            )
        }
        Err(e) => failed(&web, &e),
    }
}

/// `/feed.atom?industry=…&country=…`: the newest events those filters select.
async fn filtered_atom(web: &Web, q: &HashMap<String, String>, raw: String) -> Response {
    match selected(web, q).await {
        Ok(rows) => {
            let events: Vec<LayoffEvent> = rows
                .into_iter()
                .take(PAGE_SIZE as usize)
                .map(|r| r.event)
                .collect();
            let title = format!("Layoffs ({})", raw.replace('&', ", ").replace('=', ": "));
            let this = format!("/feed.atom?{raw}");
            typed(
                ATOM,
                atom(web, &events, &title, &this, &format!("/stats?{raw}")),
            )
        }
        Err(e) => bad_query(web, &e),
    }
}

pub async fn company_atom(State(web): State<Web>, Path(slug): Path<String>) -> Response {
    let company = match company_of(&web, &slug).await {
        Ok(c) => c,
        Err(e) => return failed(&web, &e),
    };
    let page = Page::first(PAGE_SIZE);
    let found =
        service::listing::listing_page(&web.store, Some(company.id), &Viewer::EVERYONE, None, page)
            .await;
    let canonical = pages::slug(&company.name);
    let path = format!("/companies/{canonical}");
    match found {
        Ok(l) => {
            let title = format!("{} layoffs", company.name);
            let this = format!("{path}/feed.atom");
            typed(ATOM, atom(&web, &l.page().events, &title, &this, &path))
        }
        Err(e) => failed(&web, &e),
    }
}
