//! `layoffs-bot stats`: what `/layoffs-stats` shows, as text, and its chart as a PNG file.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::emit;
use crate::domain::stats::StatsSource;
use crate::domain::{Period, Tenant, Viewer};
use crate::error::{Error, Result};
use crate::render;
use crate::service::{self, StatsRequest};
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The period, ending today: last-30-days (30d), last-90-days (90d), year-to-date (ytd,
    /// the default), last-12-months (12m) or all-time (all).
    #[arg(long, value_parser = |s: &str| Period::parse_window(s).map_err(|e| e.message))]
    period: Option<Period>,
    /// A calendar year instead of a period, e.g. 2023.
    #[arg(long)]
    year: Option<i64>,
    /// Only this company (any spelling or alias).
    #[arg(long)]
    company: Option<String>,
    /// Only this industry, e.g. Retail.
    #[arg(long)]
    industry: Option<String>,
    /// Only this country, e.g. "United States".
    #[arg(long)]
    country: Option<String>,
    /// What to count: events (layoffs reported in the press, the default) or filings (WARN
    /// notices, government filings).
    #[arg(long, value_parser = |s: &str| StatsSource::parse(s).map_err(|e| e.message))]
    source: Option<StatsSource>,
    /// Also write the chart (PNG, 1000x500) to this file.
    #[arg(long, value_name = "FILE")]
    png: Option<PathBuf>,
    /// Also count the events private to this Discord guild (server) id.
    #[arg(long)]
    guild: Option<u64>,
}

impl StatsArgs {
    /// The period asked for, by the rule every front end shares.
    pub fn period(&self, today: NaiveDate) -> Result<Period> {
        Ok(Period::choose(self.period, self.year, today)?)
    }
}

pub async fn run(store: &Store, args: StatsArgs, today: NaiveDate) -> Result<ExitCode> {
    let period = args.period(today)?;
    let req = StatsRequest {
        source: args.source.unwrap_or_default(),
        period,
        company: args.company,
        industry: args.industry,
        country: args.country,
    };
    let viewer = Viewer {
        tenant: args.guild.map(Tenant::discord),
    };
    let stats = service::stats(store, &req, &viewer, today).await?;
    if stats.is_empty() {
        emit(&format!("{}\n", render::no_stats_text(&stats)))?;
        if let Some(path) = &args.png {
            eprintln!("no chart written to {}: nothing to draw", path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    emit(&render::stats_text(&stats))?;
    if let Some(path) = &args.png {
        let chart = render::chart::stats_image(&stats).await?;
        std::fs::write(path, &chart.png)
            .map_err(|e| Error::BadFile(format!("cannot write {}: {e}", path.display())))?;
        eprintln!(
            "chart written to {} ({} bytes)",
            path.display(),
            chart.png.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}
