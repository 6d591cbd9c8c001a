//! CSV and Atom: the export's columns (formula-defused) for the record or a company, and
//! Atom feeds (RFC 4287) whose entry ids never change for an event; a correction bumps
//! `updated`, a removed event is gone.

use atom_syndication::{Entry, Feed, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, Utc};

use super::{PAGE_SIZE, Web, company_of, failed, pages, typed};
use crate::domain::{Listing, Page, Viewer};
use crate::render::text::event_summary;
use crate::service;

/// The record (or one company's part of it) as CSV.
async fn csv(web: &Web, company_id: Option<i64>, filename: &str) -> Response {
    let rows = match service::listing::global_events(&web.store, company_id).await {
        Ok(rows) => rows,
        Err(e) => return failed(web, &e),
    };
    let mut out = Vec::new();
    if let Err(e) = crate::csv_io::export(&rows, &mut out, &crate::csv_io::Silent) {
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

pub async fn events_csv(State(web): State<Web>) -> Response {
    csv(&web, None, "layoffs.csv").await
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
fn atom(web: &Web, listing: &Listing, title: &str, self_path: &str, page_path: &str) -> String {
    let events = &listing.page().events;
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

pub async fn latest_atom(State(web): State<Web>) -> Response {
    let page = Page::first(PAGE_SIZE);
    match service::listing::listing_page(&web.store, None, &Viewer::EVERYONE, None, page).await {
        Ok(l) => typed(ATOM, atom(&web, &l, "Latest layoffs", "/feed.atom", "/")),
        Err(e) => failed(&web, &e),
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
            typed(
                ATOM,
                atom(&web, &l, &title, &format!("{path}/feed.atom"), &path),
            )
        }
        Err(e) => failed(&web, &e),
    }
}
