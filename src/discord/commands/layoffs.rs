//! `/layoffs [company] [days]`: anyone's view of the record.

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::autocomplete_company;
use crate::discord::{Context, components, embed_reply};
use crate::domain::Viewer;
use crate::error::Error;
use crate::render;
use crate::service;

/// Show a company's layoffs, newest first, or the latest layoffs across companies
#[poise::command(slash_command)]
pub async fn layoffs(
    ctx: Context<'_>,
    #[description = "Company name or alias, e.g. Amazon or AWS; leave empty for the latest"]
    #[autocomplete = "autocomplete_company"]
    company: Option<String>,
    #[description = "Only the last N days (1-3650)"]
    #[min = 1]
    #[max = 3650]
    days: Option<i64>,
) -> Result<(), Error> {
    let days = service::days_option(days)?;
    let viewer = Viewer {
        guild: ctx.guild_id().map(serenity::GuildId::get),
    };
    let listing = service::listing(
        &ctx.data().store,
        company.as_deref(),
        viewer,
        days,
        0,
        Utc::now().date_naive(),
    )
    .await?;
    let view = render::listing_embed(&listing);
    ctx.send(embed_reply(
        &view,
        components::page_buttons(&listing, days),
        false,
    ))
    .await?;
    Ok(())
}
