//! `/layoffs [company] [days]`: anyone's view of the record.

use chrono::Utc;

use super::autocomplete_company;
use crate::discord::{Context, reply::view_reply, tenant};
use crate::domain::{Days, Viewer};
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
    let days = days.map(Days::parse).transpose()?;
    let viewer = Viewer {
        tenant: ctx.guild_id().map(tenant),
    };
    let today = Utc::now().date_naive();
    let store = &ctx.data().store;
    let listing = service::listing(store, company.as_deref(), &viewer, days, 0, today).await?;
    ctx.send(view_reply(&render::listing_view(&listing, days), false))
        .await?;
    Ok(())
}
