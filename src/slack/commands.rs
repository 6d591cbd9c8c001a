//! Slack's slash commands: `/layoffs [company] [days]`, `/layoffs-stats …`,
//! `/layoff add|edit|remove` (modals, see `modals`), `/layoff-alerts
//! subscribe|unsubscribe|list|test`, `/layoff-review set|off` and `/layoffs-follow` (see
//! `follow`). Each answers with Block Kit within Slack's 3 seconds; work
//! that takes longer (a chart's upload) follows on its own.

use chrono::Utc;
use serde_json::Value;
use slack_morphism::prelude::SlackCommandEvent;

use super::blocks::{ephemeral_text, reply};
use super::text::{Command, user_text};
use super::{SlackApp, modals};
use crate::domain::stats::StatsSource;
use crate::domain::{Days, DomainError, Period};
use crate::error::{Error, Result};
use crate::render;
use crate::service::{self, StatsRequest};
use crate::telemetry;

/// The answer to a command: its reply, or what went wrong, only to the user.
pub async fn handle(app: &SlackApp, event: SlackCommandEvent) -> Value {
    let command = Command::of(&event);
    let started = std::time::Instant::now();
    let answer = match event.command.0.as_str() {
        "/layoffs" => layoffs(app, &command).await,
        "/layoffs-stats" => stats(app, &command).await,
        "/layoff" => modals::layoff(app, &command).await,
        "/layoff-alerts" => super::alerts::command(app, &command).await,
        "/layoff-review" => super::review::command(app, &command).await,
        "/layoffs-follow" => super::follow::command(app, &command).await,
        other => Err(Error::NotFound(format!(
            "I don't know the command {other}. Try /layoffs, /layoffs-stats, /layoff, \
             /layoff-alerts, /layoff-review or /layoffs-follow."
        ))),
    };
    if answer.is_ok() {
        super::follow::tell_if_paused(app, &command);
    }
    let name = event.command.0.trim_start_matches('/');
    let seconds = started.elapsed().as_secs_f64();
    telemetry::command(name, telemetry::Outcome::of(&answer), seconds);
    answer.unwrap_or_else(|e| ephemeral_text(&user_text(&e)))
}

/// `/layoffs [company] [days]`: a trailing number is the days.
async fn layoffs(app: &SlackApp, c: &Command) -> Result<Value> {
    let mut words: Vec<&str> = c.raw.split_whitespace().take(64).collect();
    let days = match words.last().map(|w| w.parse::<i64>()) {
        Some(Ok(n)) if words.len() > 1 || n <= i64::from(Days::MAX) => {
            words.pop();
            Some(Days::parse(n)?)
        }
        _ => None,
    };
    let company = words.join(" ");
    let company = Some(company.trim()).filter(|s| !s.is_empty());
    let viewer = SlackApp::viewer(&c.team)?;
    let today = Utc::now().date_naive();
    let listing = service::listing(&app.store, company, &viewer, days, 0, today).await?;
    Ok(reply(&render::listing_view(&listing, days), true))
}

/// `/layoffs-stats [period|year] [company] [industry:…] [country:…] [source:…]`.
async fn stats(app: &SlackApp, c: &Command) -> Result<Value> {
    let t = &c.typed;
    if let Some(bad) = t
        .unknown_options(&["industry", "country", "source", "period", "year"])
        .first()
    {
        return Err(DomainError::invalid("option", format!("I don't know the option {bad}:. Use period:, year:, industry:, country: or source:.")).into());
    }
    let today = Utc::now().date_naive();
    let mut words = t.words.clone();
    let mut window = t.option("period").map(Period::parse_window).transpose()?;
    let mut year = match t.option("year") {
        Some(y) => Some(
            y.parse()
                .map_err(|_| DomainError::invalid("year", format!("{y:?} is not a year")))?,
        ),
        None => None,
    };
    // Leading words may name the period and the year ("2023", "ytd"), in either order.
    while let Some(first) = words.first() {
        let as_year = first
            .parse::<i64>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        match (as_year, Period::parse_window(first)) {
            (Some(y), _) if year.is_none() => year = Some(y),
            (None, Ok(w)) if window.is_none() => window = Some(w),
            _ => break,
        }
        words.remove(0);
    }
    let period = Period::choose(window, year, today)?;
    let source = t
        .option("source")
        .map(StatsSource::parse)
        .transpose()?
        .unwrap_or_default();
    let company = Some(words.join(" ")).filter(|w| !w.trim().is_empty());
    let req = StatsRequest {
        source,
        period,
        company,
        industry: t.option("industry").map(str::to_string),
        country: t.option("country").map(str::to_string),
    };
    let viewer = SlackApp::viewer(&c.team)?;
    let stats = service::stats(&app.store, &req, &viewer, today).await?;
    if stats.is_empty() {
        return Ok(ephemeral_text(&render::escape_markdown(
            &render::no_stats_text(&stats),
        )));
    }
    let view = render::stats_view(&stats, None);
    let title = render::stats_title(&stats);
    spawn_chart(app, &c.channel, stats, title);
    Ok(reply(&view, true))
}

/// Draws the chart and uploads it to the channel with Slack's external upload flow, after the
/// answer (which must not wait for it).
fn spawn_chart(app: &SlackApp, channel: &str, stats: crate::domain::Stats, title: String) {
    let (app, channel) = (app.clone(), channel.to_string());
    tokio::spawn(async move {
        let chart = match render::chart::stats_image(&stats).await {
            Ok(chart) => chart,
            Err(e) => return tracing::error!(error = %e, "could not draw the stats chart"),
        };
        let done = app
            .api
            .upload(&channel, None, &chart.filename, &title, chart.png)
            .await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "could not upload the stats chart to Slack");
        }
    });
}
