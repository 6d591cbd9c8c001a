//! `/layoff-alerts subscribe|unsubscribe|list`: which channels get posts about new events.

use std::fmt::Write as _;

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::autocomplete_company;
use crate::discord::checks::moderator;
use crate::discord::reply::ephemeral;
use crate::discord::{Context, permissions};
use crate::domain::Viewer;
use crate::error::Error;
use crate::render::escape_markdown;
use crate::service;

/// Post new layoff events in a channel (moderators)
#[poise::command(
    slash_command,
    rename = "layoff-alerts",
    subcommands("subscribe", "unsubscribe", "list"),
    subcommand_required,
    guild_only,
    default_member_permissions = "MANAGE_GUILD"
)]
#[allow(clippy::unused_async)] // poise needs an async body for the parent
pub async fn layoff_alerts(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Post new layoff events in a channel
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn subscribe(
    ctx: Context<'_>,
    #[description = "The channel to post in (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::PartialChannel>,
    #[description = "Only this company's events"]
    #[autocomplete = "autocomplete_company"]
    company: Option<String>,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let channel_id = channel.map_or(ctx.channel_id(), |c| c.id);
    let company = match company.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(name) => {
            let viewer = Viewer::in_tenant(by.tenant.clone());
            Some(service::resolve_company(&ctx.data().store, name, &viewer).await?)
        }
        None => None,
    };
    let missing = permissions::missing_for_posting(ctx, channel_id).await?;
    if !missing.is_empty() {
        ctx.send(ephemeral(&format!(
            "I can't post in <#{channel_id}>: I'm missing {} there. Give me {} and try again; \
             nothing was subscribed.",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        )))
        .await?;
        return Ok(());
    }
    service::subscribe(
        &ctx.data().store,
        &by.tenant,
        channel_id.get(),
        company.as_ref(),
        &by.actor,
        Utc::now(),
    )
    .await?;
    let what = company.map_or_else(
        || "new layoff events".to_string(),
        |c| format!("new {} layoff events", escape_markdown(&c.name)),
    );
    ctx.send(ephemeral(&format!(
        "Subscribed <#{channel_id}>: I'll post {what} there as they are added. Past events are not posted."
    )))
    .await?;
    Ok(())
}

/// Stop posting new layoff events in a channel
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn unsubscribe(
    ctx: Context<'_>,
    #[description = "The channel (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::PartialChannel>,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let channel_id = channel.map_or(ctx.channel_id(), |c| c.id);
    let removed =
        service::unsubscribe(&ctx.data().store, &by.tenant, channel_id.get(), Utc::now()).await?;
    let text = if removed {
        format!("Unsubscribed <#{channel_id}>: no more posts there.")
    } else {
        format!("<#{channel_id}> was not subscribed.")
    };
    ctx.send(ephemeral(&text)).await?;
    Ok(())
}

/// List this server's subscribed channels
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let subscriptions = service::subscriptions(&ctx.data().store, &by.tenant).await?;
    if subscriptions.is_empty() {
        ctx.send(ephemeral(
            "No channel here is subscribed. Use /layoff-alerts subscribe to add one.",
        ))
        .await?;
        return Ok(());
    }
    let mut text = String::from("Subscribed channels:\n");
    for s in &subscriptions {
        let scope = s.company.as_deref().map_or_else(
            || "all companies".to_string(),
            |c| format!("{} only", escape_markdown(c)),
        );
        let state = if s.active {
            "active".to_string()
        } else {
            format!(
                "disabled: {}",
                s.disabled_reason.as_deref().unwrap_or("unknown reason")
            )
        };
        let _ = writeln!(text, "• <#{}>: {scope}, {state}", s.channel_id);
    }
    ctx.send(ephemeral(&text)).await?;
    Ok(())
}
