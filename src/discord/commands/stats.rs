//! `/layoffs-stats [period] [year] [company] [industry] [country] [source]`: trends with a
//! chart, of reported layoffs or of WARN filings.

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::autocomplete_company;
use crate::discord::{Context, reply, tenant};
use crate::domain::stats::StatsSource;
use crate::domain::{Period, Viewer};
use crate::error::Error;
use crate::render::limits::{AUTOCOMPLETE_CHOICE_COUNT, CHOICE_NAME_LENGTH};
use crate::render::{self, escape_markdown, truncate};
use crate::service::{self, FacetKind, StatsRequest};

use crate::discord::choices::{Choice, Periods, Sources};

fn viewer(ctx: Context<'_>) -> Viewer {
    Viewer {
        tenant: ctx.guild_id().map(tenant),
    }
}

/// Layoff trends: totals, people a day, the year before, who cut most, with a chart
#[poise::command(slash_command, rename = "layoffs-stats")]
pub async fn layoffs_stats(
    ctx: Context<'_>,
    #[description = "Which period (default: year to date)"] period: Option<Choice<Periods>>,
    #[description = "A calendar year instead of a period, e.g. 2023"]
    #[min = 2000]
    #[max = 2100]
    year: Option<i64>,
    #[description = "Only this company"]
    #[autocomplete = "autocomplete_company"]
    company: Option<String>,
    #[description = "Only this industry, e.g. Retail"]
    #[autocomplete = "autocomplete_industry"]
    industry: Option<String>,
    #[description = "Only this country, e.g. United States"]
    #[autocomplete = "autocomplete_country"]
    country: Option<String>,
    #[description = "Reported events (default) or WARN filings (government notices)"]
    source: Option<Choice<Sources>>,
) -> Result<(), Error> {
    let today = Utc::now().date_naive();
    let source = source
        .map(|s| StatsSource::parse(&s.0))
        .transpose()?
        .unwrap_or_default();
    let window = period.map(|p| Period::parse_window(&p.0)).transpose()?;
    let period = Period::choose(window, year, today)?;
    let req = StatsRequest {
        source,
        period,
        company,
        industry,
        country,
    };
    let store = &ctx.data().store;
    let stats = service::stats(store, &req, &viewer(ctx), today).await?;
    if stats.is_empty() {
        let text = escape_markdown(&render::no_stats_text(&stats));
        ctx.send(reply::ephemeral(&text)).await?;
        return Ok(());
    }
    let chart = render::chart::stats_image(&stats).await?;
    let view = render::stats_view(&stats, Some(chart));
    ctx.send(reply::view_reply(&view, false)).await?;
    Ok(())
}

async fn autocomplete_facet(
    ctx: Context<'_>,
    kind: FacetKind,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = facet_choices(ctx, kind, partial)
        .await
        .into_iter()
        .map(|label| serenity::AutocompleteChoice::new(label.clone(), label))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Up to 25 industries or countries of the record for what the user has typed.
pub(super) async fn facet_choices(ctx: Context<'_>, kind: FacetKind, partial: &str) -> Vec<String> {
    match service::facets(&ctx.data().store, kind, &viewer(ctx)).await {
        Ok(facets) => service::complete_facet(&facets, partial, AUTOCOMPLETE_CHOICE_COUNT)
            .into_iter()
            .map(|label| truncate(&label, CHOICE_NAME_LENGTH))
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "autocomplete failed");
            Vec::new()
        }
    }
}

pub(super) async fn autocomplete_industry(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    autocomplete_facet(ctx, FacetKind::Industry, partial).await
}

pub(super) async fn autocomplete_country(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    autocomplete_facet(ctx, FacetKind::Country, partial).await
}
