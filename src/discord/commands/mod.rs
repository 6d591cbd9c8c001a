//! The slash commands, one module per group, and the company autocomplete they share.

mod alert_options;
mod alerts;
pub mod follow;
mod layoff;
mod layoffs;
mod review;
mod stats;

use poise::serenity_prelude as serenity;

use super::{Context, Data};
use crate::domain::Viewer;
use crate::error::Error;
use crate::render::limits::{AUTOCOMPLETE_CHOICE_COUNT, CHOICE_NAME_LENGTH};
use crate::render::truncate;
use crate::service;

/// Every command, as registered with Discord.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        layoffs::layoffs(),
        stats::layoffs_stats(),
        layoff::layoff(),
        alerts::layoff_alerts(),
        review::layoff_review(),
        follow::layoffs_follow(),
    ]
}

/// Up to 25 companies for what the user has typed; aliases show which company they mean.
async fn autocomplete_company(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = company_choices(ctx, partial)
        .await
        .into_iter()
        .map(|(name, value)| serenity::AutocompleteChoice::new(name, value))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Up to 25 (label, company name) pairs for what the user has typed.
async fn company_choices(ctx: Context<'_>, partial: &str) -> Vec<(String, String)> {
    // Another server's private names do not exist here.
    let viewer = Viewer {
        tenant: ctx.guild_id().map(super::tenant),
    };
    let store = &ctx.data().store;
    match service::listing::autocomplete(store, partial, &viewer, AUTOCOMPLETE_CHOICE_COUNT).await {
        Ok(matches) => matches
            .into_iter()
            .map(|m| {
                let name = if m.label == m.company {
                    m.company.clone()
                } else {
                    format!("{} ({})", m.label, m.company)
                };
                (
                    truncate(&name, CHOICE_NAME_LENGTH),
                    truncate(&m.company, CHOICE_NAME_LENGTH),
                )
            })
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "autocomplete failed");
            Vec::new()
        }
    }
}
