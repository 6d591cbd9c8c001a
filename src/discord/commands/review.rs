//! `/layoff-review set|off`: where the home server's moderators review news items that read
//! as a layoff (candidates from the operator's feeds).

use chrono::Utc;
use poise::serenity_prelude as serenity;

use crate::discord::checks::moderator;
use crate::discord::reply::ephemeral;
use crate::discord::{Context, permissions};
use crate::domain::ChannelRef;
use crate::error::Error;
use crate::service;

/// Review news that reads as a layoff (home server moderators)
#[poise::command(
    slash_command,
    rename = "layoff-review",
    subcommands("set", "off"),
    subcommand_required,
    guild_only,
    default_member_permissions = "MANAGE_GUILD"
)]
#[allow(clippy::unused_async)] // poise needs an async body for the parent
pub async fn layoff_review(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Post each new candidate from the news feeds in a channel, with Add, Same and Dismiss
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn set(
    ctx: Context<'_>,
    #[description = "The channel for review posts"]
    #[channel_types("Text", "News")]
    channel: serenity::PartialChannel,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let missing = permissions::missing_for_posting(ctx, channel.id, false).await?;
    let text = if missing.is_empty() {
        let target = ChannelRef::discord(channel.id.get());
        service::review::set_channel(&ctx.data().store, &by, &target, Utc::now()).await?
    } else {
        format!(
            "I can't post in <#{}>: I'm missing {} there. Give me {} and try again; nothing \
             was changed.",
            channel.id,
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        )
    };
    ctx.send(ephemeral(&text)).await?;
    Ok(())
}

/// Stop posting candidates for review
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn off(ctx: Context<'_>) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let text = service::review::off(&ctx.data().store, &by, Utc::now()).await?;
    ctx.send(ephemeral(&text)).await?;
    Ok(())
}
