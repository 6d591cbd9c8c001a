//! `/layoff-alerts subscribe|unsubscribe|list|test`: which channels get posts, how, and a
//! test post to see one now.

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::autocomplete_company;
use super::stats::{autocomplete_country, autocomplete_industry};
use crate::discord::alert_checks::{ModeOption, channel_kind, crosspost_refusal, role_refusal};
use crate::discord::checks::moderator;
use crate::discord::reply::ephemeral;
use crate::discord::{Context, permissions};
use crate::domain::{AlertSettings, ChannelRef, Mode};
use crate::error::Error;
use crate::render::replies;
use crate::service::alerts::listed;
use crate::service::{self, AlertRequest, Moderator, Subscribed};
use crate::store::DeliveryOutcome;

/// Post new layoff events in a channel (moderators)
#[poise::command(
    slash_command,
    rename = "layoff-alerts",
    subcommands("subscribe", "unsubscribe", "list", "test"),
    subcommand_required,
    guild_only,
    default_member_permissions = "MANAGE_GUILD"
)]
#[allow(clippy::unused_async)] // poise needs an async body for the parent
pub async fn layoff_alerts(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Post new layoff events in a channel (again: change its settings)
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
#[allow(clippy::too_many_arguments)] // one per option of the command
async fn subscribe(
    ctx: Context<'_>,
    #[description = "The channel to post in (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::PartialChannel>,
    #[description = "Only this company's events"]
    #[autocomplete = "autocomplete_company"]
    company: Option<String>,
    #[description = "Only companies of this industry, e.g. Retail"]
    #[autocomplete = "autocomplete_industry"]
    industry: Option<String>,
    #[description = "Only companies of this country, e.g. United States"]
    #[autocomplete = "autocomplete_country"]
    country: Option<String>,
    #[description = "Only layoffs of at least this many people (a known number)"]
    #[min = 1]
    min_people: Option<i64>,
    #[description = "A post per event (default), or a daily or weekly digest"] mode: Option<
        ModeOption,
    >,
    #[description = "Ping this role with each post (nobody is pinged otherwise)"]
    mention_role: Option<serenity::Role>,
    #[description = "Publish each post to following servers (announcement channels)"]
    crosspost: Option<bool>,
    #[description = "Also post new WARN filings (government notices)"] filings: Option<bool>,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let channel_id = channel.as_ref().map_or(ctx.channel_id(), |c| c.id);
    let store = &ctx.data().store;
    let req = AlertRequest {
        company,
        industry,
        country,
        min_people,
        mode: mode.map(|m| m.0),
        mention_role: mention_role.as_ref().map(|r| r.id.get()),
        crosspost: crosspost.unwrap_or(false),
        filings: filings.unwrap_or(false),
    };
    let settings = service::alerts::settings_of(store, &by.tenant, &req).await?;
    let checked = refusal(
        ctx,
        channel_id,
        channel.as_ref(),
        &settings,
        mention_role.as_ref(),
    );
    let text = match checked.await? {
        Some(refusal) => refusal,
        None => subscribe_and_say(ctx, &by, channel_id, &settings).await?,
    };
    ctx.send(ephemeral(&text)).await?;
    Ok(())
}

/// Subscribes the channel and says so; a digest channel where the bot cannot attach files is
/// told its digests come without the chart.
async fn subscribe_and_say(
    ctx: Context<'_>,
    by: &Moderator,
    channel_id: serenity::ChannelId,
    settings: &AlertSettings,
) -> Result<String, Error> {
    let store = &ctx.data().store;
    let channel = ChannelRef::discord(channel_id.get());
    let done =
        service::subscribe(store, &by.tenant, &channel, settings, &by.actor, Utc::now()).await?;
    let mut text = subscribed_text(&channel, &done);
    if settings.mode != Mode::Each
        && !permissions::missing_for_posting(ctx, channel_id, true)
            .await?
            .is_empty()
    {
        text.push_str(
            " I can't attach files there, so digests will come without their chart until I \
             get Attach Files.",
        );
    }
    Ok(text)
}

/// Why the channel cannot have these settings: the bot cannot post there, ping the role, or
/// crosspost there.
async fn refusal(
    ctx: Context<'_>,
    channel_id: serenity::ChannelId,
    channel: Option<&serenity::PartialChannel>,
    settings: &AlertSettings,
    role: Option<&serenity::Role>,
) -> Result<Option<String>, Error> {
    let missing = permissions::missing_for_posting(ctx, channel_id, false).await?;
    if !missing.is_empty() {
        return Ok(Some(format!(
            "I can't post in <#{channel_id}>: I'm missing {} there. Give me {} and try again; \
             nothing was subscribed.",
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" }
        )));
    }
    if let Some(role) = role
        && let Some(why) = role_refusal(ctx, role, channel_id).await?
    {
        return Ok(Some(why));
    }
    if settings.crosspost {
        let kind = channel_kind(ctx, channel_id, channel.map(|c| c.kind)).await;
        return Ok(crosspost_refusal(channel_id, kind));
    }
    Ok(None)
}

fn subscribed_text(channel: &ChannelRef, done: &Subscribed) -> String {
    let sub = &done.subscription;
    let reply = replies::SubscribeReply {
        channel,
        company: sub.company.as_deref(),
        settings: &sub.settings,
        changed: done.changed.as_deref(),
        reenabled: done.reenabled,
    };
    replies::subscribed(&reply, "try /layoff-alerts test to see a post now.")
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
    let channel = ChannelRef::discord(channel.map_or(ctx.channel_id(), |c| c.id).get());
    let removed = service::unsubscribe(&ctx.data().store, &by.tenant, &channel, Utc::now()).await?;
    ctx.send(ephemeral(&replies::unsubscribed(&channel, removed)))
        .await?;
    Ok(())
}

/// List this server's subscribed channels
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let subscriptions = service::subscriptions(&ctx.data().store, &by.tenant).await?;
    let listed: Vec<_> = subscriptions.iter().map(listed).collect();
    ctx.send(ephemeral(&replies::subscription_list(&listed)))
        .await?;
    Ok(())
}

/// Send a sample post to a subscribed channel now, to see how alerts will look
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
async fn test(
    ctx: Context<'_>,
    #[description = "The subscribed channel (default: this one)"]
    #[channel_types("Text", "News")]
    channel: Option<serenity::PartialChannel>,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let channel = ChannelRef::discord(channel.map_or(ctx.channel_id(), |c| c.id).get());
    let store = &ctx.data().store;
    let id = service::alerts::queue_test(store, &by.tenant, &channel, Utc::now()).await?;
    let outcome = service::alerts::test_outcome(store, id).await?;
    let text = replies::test_result(&channel, outcome.as_ref().map(DeliveryOutcome::as_result));
    ctx.send(ephemeral(&text)).await?;
    Ok(())
}
