//! `/layoff add|edit|remove`: moderators keep the record.

use chrono::Utc;

use super::autocomplete_company;
use crate::discord::Context;
use crate::discord::checks::moderator;
use crate::discord::reply::{ephemeral, view_reply};
use crate::domain::RawEvent;
use crate::error::Error;
use crate::render;
use crate::service::{self, AddOutcome};

/// Add, correct or remove layoff events (moderators)
#[poise::command(
    slash_command,
    subcommands("add", "edit", "remove"),
    subcommand_required,
    guild_only,
    default_member_permissions = "MANAGE_GUILD"
)]
#[allow(clippy::unused_async)] // poise needs an async body for the parent
pub async fn layoff(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Add a layoff event
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn add(
    ctx: Context<'_>,
    #[description = "Company name or alias; a new name creates the company"]
    #[autocomplete = "autocomplete_company"]
    company: String,
    #[description = "Date announced, YYYY-MM-DD (default: today, UTC)"] date: Option<String>,
    #[description = "Exact number of people laid off"]
    #[min = 1]
    count: Option<i64>,
    #[description = "Wording when no exact number was reported, e.g. hundreds"] approx: Option<
        String,
    >,
    #[description = "Share of the workforce, in percent (0-100]"] percent: Option<f64>,
    #[description = "Teams or roles affected"] teams: Option<String>,
    #[description = "Location, e.g. Seattle"] location: Option<String>,
    #[description = "Source: an http(s) link or a publication name"] source: Option<String>,
    #[description = "Anything else worth knowing"] notes: Option<String>,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let raw = RawEvent {
        company: Some(company),
        date,
        count,
        approx,
        percent,
        teams,
        location,
        source,
        notes,
    };
    let view = match service::add_event(&ctx.data().store, &raw, &by, Utc::now()).await? {
        AddOutcome::Added(event) => render::replies::added_view(&event),
        AddOutcome::Held { pending_id, nearby } => render::nearby_view(&nearby, pending_id),
    };
    ctx.send(view_reply(&view, true)).await?;
    Ok(())
}

/// Correct a layoff event of this server
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn edit(
    ctx: Context<'_>,
    #[description = "The event's id (shown as #id)"] id: i64,
    #[description = "Company name or alias"]
    #[autocomplete = "autocomplete_company"]
    company: Option<String>,
    #[description = "Date announced, YYYY-MM-DD"] date: Option<String>,
    #[description = "Exact number of people laid off"]
    #[min = 1]
    count: Option<i64>,
    #[description = "Wording when no exact number was reported, e.g. hundreds"] approx: Option<
        String,
    >,
    #[description = "Share of the workforce, in percent (0-100]"] percent: Option<f64>,
    #[description = "Teams or roles affected"] teams: Option<String>,
    #[description = "Location, e.g. Seattle"] location: Option<String>,
    #[description = "Source: an http(s) link or a publication name"] source: Option<String>,
    #[description = "Anything else worth knowing"] notes: Option<String>,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let changes = RawEvent {
        company,
        date,
        count,
        approx,
        percent,
        teams,
        location,
        source,
        notes,
    };
    let event = service::edit_event(&ctx.data().store, id, &changes, &by, Utc::now()).await?;
    let view = render::replies::updated_view(&event);
    ctx.send(view_reply(&view, true)).await?;
    Ok(())
}

/// Remove a layoff event of this server
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn remove(
    ctx: Context<'_>,
    #[description = "The event's id (shown as #id)"] id: i64,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let event = service::remove_event(&ctx.data().store, id, &by, Utc::now()).await?;
    ctx.send(ephemeral(&render::replies::removed_text(&event)))
        .await?;
    Ok(())
}
