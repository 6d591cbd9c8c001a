//! `/layoff-alerts subscribe|unsubscribe|list|test`: which channels get posts, how, and a
//! test post to see one now.

use std::fmt::Write as _;

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::autocomplete_company;
use super::stats::{autocomplete_country, autocomplete_industry};
use crate::discord::alert_checks::{ModeOption, channel_kind, crosspost_refusal, role_refusal};
use crate::discord::checks::moderator;
use crate::discord::reply::ephemeral;
use crate::discord::{Context, permissions};
use crate::domain::{AlertSettings, Mode};
use crate::error::Error;
use crate::render::alerts::{settings_summary, subscription_line};
use crate::service::{self, AlertRequest, Moderator, Subscribed};

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
    let (tenant, id) = (&by.tenant, channel_id.get());
    let done = service::subscribe(store, tenant, id, settings, &by.actor, Utc::now()).await?;
    let mut text = subscribed_text(channel_id, &done);
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

fn subscribed_text(channel_id: serenity::ChannelId, done: &Subscribed) -> String {
    let sub = &done.subscription;
    let now = settings_summary(sub.company.as_deref(), &sub.settings);
    match &done.changed {
        None => format!(
            "Subscribed <#{channel_id}>: {now}. {} Past events are not posted; try \
             /layoff-alerts test to see a post now.",
            when(sub.settings.mode)
        ),
        Some(_) if done.reenabled => {
            format!("Subscribed <#{channel_id}> again: its alerts are back on ({now}).")
        }
        Some(changed) if changed.is_empty() => format!(
            "<#{channel_id}> was already subscribed with these settings ({now}); nothing changed."
        ),
        Some(changed) => format!(
            "Updated <#{channel_id}>: changed {}. Now: {now}.",
            changed.join(", ")
        ),
    }
}

fn when(mode: Mode) -> &'static str {
    match mode {
        Mode::Each => "I'll post each matching event as it is added.",
        Mode::Daily => {
            "A digest goes out daily at the digest hour (14:00 UTC unless the operator changed it), when there is something to report."
        }
        Mode::Weekly => {
            "A digest goes out on Mondays at the digest hour (14:00 UTC unless the operator changed it), when there is something to report."
        }
    }
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
        let disabled = (!s.active).then_some(s.disabled_reason.as_deref());
        let line = subscription_line(s.company.as_deref(), &s.settings, disabled, s.last_post_at);
        let _ = writeln!(text, "• <#{}>: {line}", s.channel_id);
    }
    ctx.send(ephemeral(&text)).await?;
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
    let channel_id = channel.map_or(ctx.channel_id(), |c| c.id);
    let store = &ctx.data().store;
    let id = service::alerts::queue_test(store, &by.tenant, channel_id.get(), Utc::now()).await?;
    ctx.data().wake.notify();
    let text = match service::alerts::test_outcome(store, id).await? {
        Some((true, _)) => format!("Sent a test post to <#{channel_id}>."),
        Some((false, why)) => format!(
            "I could not post in <#{channel_id}>: {}",
            why.as_deref().unwrap_or("the post failed")
        ),
        None => format!(
            "The test post to <#{channel_id}> is queued and will go out shortly (Discord is \
             slow or rate limiting); /layoff-alerts list shows when it arrived."
        ),
    };
    ctx.send(ephemeral(&text)).await?;
    Ok(())
}
