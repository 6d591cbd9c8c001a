//! `/stats` (the facts and refusals of `/layoffs-stats`, the chart as a PNG with a text
//! alternative and the months as a table) and the charts as images: `/stats.png` and a
//! company's `/companies/{slug}/chart.png`.

use std::collections::HashMap;

use axum::extract::{Path, Query, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};

use super::{Web, bad_query, company_of, failed, page};
use crate::domain::stats::StatsSource;
use crate::domain::{DomainError, Period, Stats, Viewer, thousands};
use crate::error::Result;
use crate::render::{self, chart};
use crate::service::{self, StatsRequest};

/// The stats a query string asks for, by `/layoffs-stats`' rules.
pub fn request(q: &HashMap<String, String>) -> Result<StatsRequest> {
    let today = Utc::now().date_naive();
    let window = q
        .get("period")
        .map(|p| Period::parse_window(p))
        .transpose()?;
    let year = match q.get("year") {
        None => None,
        Some(y) => Some(y.trim().parse::<i64>().map_err(|_| {
            DomainError::invalid("year", format!("{y:?} is not a year such as 2023."))
        })?),
    };
    let text = |k: &str| {
        q.get(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok(StatsRequest {
        source: q
            .get("source")
            .map(|s| StatsSource::parse(s))
            .transpose()?
            .unwrap_or_default(),
        period: Period::choose(window, year, today)?,
        company: text("company"),
        industry: text("industry"),
        country: text("country"),
    })
}

/// The stats `q` asks for, of the global record.
pub async fn stats_of(web: &Web, q: &HashMap<String, String>) -> Result<Stats> {
    let req = request(q)?;
    service::stats(&web.store, &req, &Viewer::EVERYONE, Utc::now().date_naive()).await
}

/// What the chart shows, in words (its text alternative).
fn chart_alt(stats: &Stats) -> String {
    let busiest = stats.months.iter().max_by_key(|m| m.totals.people);
    match busiest {
        Some(m) if m.totals.people > 0 => format!(
            "Bar chart of people laid off a month; the most in {}: {} people.",
            m.month,
            thousands(m.totals.people)
        ),
        _ => "Bar chart of people laid off a month.".to_string(),
    }
}

/// The figures: the text of `/layoffs-stats`, the chart, and the months as a table.
pub fn figures(stats: &Stats, chart_src: &str) -> Markup {
    let text = render::stats_text(stats);
    html! {
        @for line in text.lines().skip(1) {
            @if let Some(list) = line.strip_suffix(':') { h2 { (list) } } @else { p { (line.trim()) } }
        }
        figure {
            img src=(chart_src) alt=(chart_alt(stats)) width="1000" height="500";
            figcaption { "People a month (known numbers)." }
        }
        table {
            caption { "People laid off a month" }
            thead { tr { th scope="col" { "Month" } th scope="col" { "Layoffs" } th scope="col" { "People" } } }
            tbody { @for m in &stats.months { tr {
                td { (m.month) } td { (thousands(m.totals.events)) } td { (thousands(m.totals.people)) }
            } } }
        }
    }
}

pub async fn stats_page(
    State(web): State<Web>,
    Query(q): Query<HashMap<String, String>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let stats = match stats_of(&web, &q).await {
        Ok(s) => s,
        Err(e) => return bad_query(&web, &e),
    };
    let title = render::stats_title(&stats);
    let body = if stats.is_empty() {
        html! { h1 { (title) } p { (render::no_stats_text(&stats)) } }
    } else {
        let src = format!("{}/stats.png?{}", web.base, raw.unwrap_or_default());
        html! { h1 { (title) } (figures(&stats, &src)) }
    };
    let about = format!("{title}: layoffs, people and the biggest cuts.");
    page(&web, &title, &about, &body).await
}

/// A chart as a PNG answer.
async fn png(web: &Web, stats: Result<Stats>) -> Response {
    let drawn = match stats {
        Ok(s) => chart::stats_image(&s).await,
        Err(e) => Err(e),
    };
    match drawn {
        Ok(image) => ([(header::CONTENT_TYPE, "image/png")], image.png).into_response(),
        Err(e) => failed(web, &e),
    }
}

pub async fn stats_png(
    State(web): State<Web>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match stats_of(&web, &q).await {
        Ok(stats) => png(&web, Ok(stats)).await,
        Err(e) => bad_query(&web, &e),
    }
}

/// A company's people a month over all its time on record.
pub async fn company_stats(web: &Web, name: &str) -> Result<Stats> {
    let q = HashMap::from([
        ("period".to_string(), "all".to_string()),
        ("company".to_string(), name.to_string()),
    ]);
    stats_of(web, &q).await
}

pub async fn company_png(State(web): State<Web>, Path(slug): Path<String>) -> Response {
    let stats = match company_of(&web, &slug).await {
        Ok(c) => company_stats(&web, &c.name).await,
        Err(e) => Err(e),
    };
    png(&web, stats).await
}

/// Whether a company's events fall in 3 or more months (its page then shows the chart).
pub fn chart_worth_it(stats: &Stats) -> bool {
    stats.months.iter().filter(|m| m.totals.events > 0).count() >= 3
}
