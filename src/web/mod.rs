//! The public web page of the global record (`WEB_LISTEN_ADDR`): the latest layoffs, a page a
//! company, search, CSV and Atom feeds. Read-only, the global record only (a server's private
//! events and names answer exactly like unknown ones), no JavaScript. HTTP done properly:
//! ETag and 304, Cache-Control, security headers, 400/404 pages, bounded query strings.

mod cache;
mod feeds;
mod http;
mod pages;
mod stats;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::Markup;

use crate::domain::{Company, Page, Viewer};
use crate::error::Error;
use crate::service;
use crate::store::Store;

pub use pages::slug;

/// Events a page lists.
const PAGE_SIZE: u32 = 50;

/// What every handler needs.
#[derive(Clone)]
pub struct Web {
    pub store: Store,
    /// Prefix of absolute links (`WEB_BASE_URL`, no trailing slash); empty: links are relative
    /// to the host.
    pub base: String,
}

/// The site's routes and layers; the page cache gets a connection of its own.
pub async fn router(web: Web) -> crate::error::Result<Router> {
    let cache = cache::PageCache::new(service::listing::change_probe(&web.store).await?);
    Ok(Router::new()
        .route("/", get(home))
        .route("/search", get(search))
        .route("/events.csv", get(feeds::events_csv))
        .route("/feed.atom", get(feeds::latest_atom))
        .route("/companies/{slug}", get(company))
        .route("/companies/{slug}/feed.atom", get(feeds::company_atom))
        .route("/companies/{slug}/chart.png", get(stats::company_png))
        .route("/stats", get(stats::stats_page))
        .route("/stats.png", get(stats::stats_png))
        .fallback(not_found)
        // Outermost last: a kept answer carries its security headers and tag, and a
        // conditional request is answered from it.
        .layer(axum::middleware::from_fn(http::headers))
        .layer(axum::middleware::from_fn_with_state(cache, cache::cached))
        .layer(axum::middleware::from_fn(http::conditional))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(web))
}

/// A page of the site: the layout around `body`, 200.
async fn page(web: &Web, title: &str, description: &str, body: &Markup) -> Response {
    page_with(web, title, description, None, body).await
}

/// [`page`] with an image for link previews (`og:image`).
async fn page_with(
    web: &Web,
    title: &str,
    description: &str,
    image: Option<&str>,
    body: &Markup,
) -> Response {
    let changed = match service::listing::record_changed_at(&web.store).await {
        Ok(at) => at,
        Err(e) => return failed(web, &e),
    };
    let html = pages::layout(title, description, &web.base, image, changed, body);
    let mut response = Html(html.into_string()).into_response();
    if let Some(at) = changed {
        let http_date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        if let Ok(v) = header::HeaderValue::from_str(&http_date) {
            response.headers_mut().insert(header::LAST_MODIFIED, v);
        }
    }
    response
}

/// A 4xx (or, logged, 500) page for an error, in the chat commands' sentences.
fn failed(web: &Web, e: &Error) -> Response {
    problem_page(web, e, true)
}

/// [`failed`] for a query's parameters: an unknown name there is a bad request, not a
/// missing page.
fn bad_query(web: &Web, e: &Error) -> Response {
    problem_page(web, e, false)
}

fn problem_page(web: &Web, e: &Error, missing_is_404: bool) -> Response {
    let (status, heading) = match e {
        Error::UnknownCompany { .. } | Error::NotFound(_) if missing_is_404 => {
            (StatusCode::NOT_FOUND, "Not found")
        }
        e if e.is_user_error() => (StatusCode::BAD_REQUEST, "Bad request"),
        e => {
            tracing::error!(error = %e, "web page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong")
        }
    };
    let suggestions = match e {
        Error::UnknownCompany { suggestions, .. } => suggestions.clone(),
        _ => Vec::new(),
    };
    let body = pages::problem(heading, &e.user_message(), &web.base, &suggestions);
    let html = pages::layout(heading, heading, &web.base, None, None, &body).into_string();
    (status, Html(html)).into_response()
}

async fn not_found(State(web): State<Web>) -> Response {
    failed(
        &web,
        &Error::NotFound("There is no page at this address.".into()),
    )
}

/// `?page=N` (from 1), as a page of the listing.
fn page_of(query: &HashMap<String, String>) -> Result<Page, Error> {
    let number = match query.get("page") {
        None => 1,
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| {
                Error::Invalid(crate::domain::DomainError::invalid(
                    "page",
                    "page must be a whole number from 1.",
                ))
            })?,
    };
    Ok(Page {
        number: number - 1,
        size: PAGE_SIZE,
    })
}

async fn home(State(web): State<Web>, Query(q): Query<HashMap<String, String>>) -> Response {
    let listing = match page_of(&q) {
        Ok(p) => service::listing::listing_page(&web.store, None, &Viewer::EVERYONE, None, p).await,
        Err(e) => Err(e),
    };
    let year = stats::stats_of(&web, &HashMap::new()).await;
    match (listing, year) {
        (Ok(l), Ok(year)) => {
            let list = pages::listing(&l, &web.base, &format!("{}/", web.base));
            let chart = format!("{}/stats.png", web.base);
            let body = maud::html! {
                (list)
                h2 { (crate::render::stats_title(&year)) }
                (stats::figures(&year, &chart))
                p { a href={ (web.base) "/stats" } { "More figures" } }
            };
            let about = "The latest tech layoffs, each with its sources, and this year's figures.";
            page_with(&web, "Latest layoffs", about, Some(&chart), &body).await
        }
        (Err(e), _) | (_, Err(e)) => failed(&web, &e),
    }
}

/// The company a slug names in the global record.
async fn company_of(web: &Web, slug: &str) -> Result<Company, Error> {
    let name = slug.replace('-', " ");
    service::resolve_company(&web.store, &name, &Viewer::EVERYONE).await
}

async fn company(
    State(web): State<Web>,
    Path(slug): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    RawQuery(raw): RawQuery,
) -> Response {
    if let Some(csv) = slug.strip_suffix(".csv") {
        return feeds::company_csv(&web, csv).await;
    }
    let company = match company_of(&web, &slug).await {
        Ok(c) => c,
        Err(e) => return failed(&web, &e),
    };
    let canonical = pages::slug(&company.name);
    if canonical != slug {
        let query = raw.map(|q| format!("?{q}")).unwrap_or_default();
        let to = format!("{}/companies/{canonical}{query}", web.base);
        // 301, which every client and crawler follows (axum's permanent is a 308).
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response();
    }
    let listing = match page_of(&q) {
        Ok(p) => {
            service::listing::listing_page(&web.store, Some(company.id), &Viewer::EVERYONE, None, p)
                .await
        }
        Err(e) => Err(e),
    };
    let charted = stats::company_stats(&web, &company.name).await;
    match (listing, charted) {
        (Ok(l), Ok(charted)) => {
            let path = format!("{}/companies/{canonical}", web.base);
            let chart = format!("{path}/chart.png");
            let shown = stats::chart_worth_it(&charted).then_some(chart.as_str());
            let list = pages::listing(&l, &web.base, &path);
            let body = maud::html! {
                (list)
                @if let Some(src) = shown {
                    h2 { "People a month" }
                    (stats::figures(&charted, src))
                }
            };
            let title = format!("{} layoffs", company.name);
            let summary = crate::render::text::totals_phrase(&l.page().totals);
            let about = format!("{}: {summary}, with sources.", company.name);
            page_with(&web, &title, &about, shown, &body).await
        }
        (Err(e), _) | (_, Err(e)) => failed(&web, &e),
    }
}

async fn search(State(web): State<Web>, Query(q): Query<HashMap<String, String>>) -> Response {
    let typed = q.get("q").map_or("", |s| s.trim());
    if typed.is_empty() || typed.chars().count() > 100 {
        let e = Error::Invalid(crate::domain::DomainError::invalid(
            "q",
            "Type a company name of 1 to 100 characters.",
        ));
        return failed(&web, &e);
    }
    match service::listing::autocomplete(&web.store, typed, &Viewer::EVERYONE, 25).await {
        Ok(found) => {
            let mut names: Vec<String> = found.into_iter().map(|m| m.company).collect();
            names.dedup();
            if let [one] = names.as_slice() {
                let to = format!("{}/companies/{}", web.base, pages::slug(one));
                return Redirect::to(&to).into_response();
            }
            page(
                &web,
                "Search",
                "Companies by name",
                &pages::results(typed, &names, &web.base),
            )
            .await
        }
        Err(e) => failed(&web, &e),
    }
}

/// Content-Type of a response we build by hand.
fn typed(content_type: &'static str, body: String) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}
