//! `/layoff-alerts subscribe|unsubscribe|list|test`: which channels get posts, how, and a
//! test post to see one now.

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::alert_options::{
    ArchiveOption, WeekdayOption, autocomplete_companies, autocomplete_countries,
    autocomplete_exclude, autocomplete_industries, autocomplete_timezone,
};
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
    #[description = "The channel to post in: text, announcement or forum (default: this one)"]
    #[channel_types("Text", "News", "Forum")]
    channel: Option<serenity::PartialChannel>,
    #[description = "Only these companies' events, separated by commas"]
    #[autocomplete = "autocomplete_companies"]
    company: Option<String>,
    #[description = "Only companies of these industries, e.g. Retail, Crypto"]
    #[autocomplete = "autocomplete_industries"]
    industry: Option<String>,
    #[description = "Only companies of these countries, e.g. United States, Germany"]
    #[autocomplete = "autocomplete_countries"]
    country: Option<String>,
    #[description = "Leave out these companies or industries, separated by commas"]
    #[autocomplete = "autocomplete_exclude"]
    exclude: Option<String>,
    #[description = "Only layoffs of at least this many people (a known number)"]
    #[min = 1]
    min_people: Option<i64>,
    #[description = "A post per event (default), or a daily or weekly digest"] mode: Option<
        ModeOption,
    >,
    #[description = "Digests: the hour they arrive, 0-23 (default: the bot's digest hour)"]
    #[min = 0]
    #[max = 23]
    hour: Option<i64>,
    #[description = "Digests: the hour's time zone, e.g. Europe/Berlin (default: UTC)"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Weekly digests: the day they arrive (default: Monday)"] weekday: Option<
        WeekdayOption,
    >,
    #[description = "Ping this role with each post (nobody is pinged otherwise)"]
    mention_role: Option<serenity::Role>,
    #[description = "Publish each post to following servers (announcement channels)"]
    crosspost: Option<bool>,
    #[description = "Also post new WARN filings (government notices)"] filings: Option<bool>,
    #[description = "Open a public thread under each post for discussion"] thread: Option<bool>,
    #[description = "How long a quiet thread stays open (default: 1 day)"] thread_archive: Option<
        ArchiveOption,
    >,
) -> Result<(), Error> {
    let req = AlertRequest {
        company,
        industry,
        country,
        exclude,
        min_people,
        mode: mode.map(|m| m.0),
        hour,
        timezone,
        weekday: weekday.map(|w| w.0),
        mention_role: mention_role.as_ref().map(|r| r.id.get()),
        crosspost: crosspost.unwrap_or(false),
        filings: filings.unwrap_or(false),
        thread: thread.unwrap_or(false),
        thread_archive: thread_archive.map(|a| a.0),
        forum: false,
    };
    subscribe_checked(ctx, channel.as_ref(), req, mention_role.as_ref()).await
}

/// Subscribes the channel as `req` asks (the channel's type decides whether it is a forum),
/// unless the bot cannot post there as asked, and answers either way.
async fn subscribe_checked(
    ctx: Context<'_>,
    channel: Option<&serenity::PartialChannel>,
    mut req: AlertRequest,
    role: Option<&serenity::Role>,
) -> Result<(), Error> {
    let by = moderator(ctx)?;
    let id = channel.map_or(ctx.channel_id(), |c| c.id);
    let kind = channel_kind(ctx, id, channel.map(|c| c.kind)).await;
    req.forum = is_forum(kind);
    let settings = service::alerts::settings_of(&ctx.data().store, &by.tenant, &req).await?;
    let text = match refusal(ctx, Target { id, kind }, &settings, role).await? {
        Some(refusal) => refusal,
        None => subscribe_and_say(ctx, &by, id, &settings).await?,
    };
    ctx.send(ephemeral(&text)).await?;
    Ok(())
}

/// A forum channel, or a media channel (type 16, which serenity 0.12 does not name).
fn is_forum(kind: Option<serenity::ChannelType>) -> bool {
    matches!(
        kind,
        Some(serenity::ChannelType::Forum | serenity::ChannelType::Unknown(16))
    )
}

/// What a moderator should know of a forum that requires a tag on every post: only events
/// whose industry or country has a tag there can be posted.
async fn forum_note(ctx: Context<'_>, forum: serenity::ChannelId) -> String {
    let Ok(serenity::Channel::Guild(channel)) = ctx.http().get_channel(forum).await else {
        return String::new();
    };
    if !channel.flags.contains(serenity::ChannelFlags::REQUIRE_TAG) {
        return String::new();
    }
    let tags: Vec<String> = channel
        .available_tags
        .iter()
        .map(|t| crate::render::escape_markdown(&t.name))
        .collect();
    format!(
        " This forum requires a tag on every post: an event goes out only when one of its tags \
         ({}) is named like the company's industry or country.",
        if tags.is_empty() {
            "none yet".to_string()
        } else {
            tags.join(", ")
        }
    )
}

/// The channel a subscription posts in, and its type when known.
#[derive(Debug, Clone, Copy)]
struct Target {
    id: serenity::ChannelId,
    kind: Option<serenity::ChannelType>,
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
    if settings.forum {
        text.push_str(&forum_note(ctx, channel_id).await);
    }
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

/// Why the channel cannot have these settings: the bot cannot post there (or open threads,
/// or create forum posts), ping the role, or crosspost there.
async fn refusal(
    ctx: Context<'_>,
    target: Target,
    settings: &AlertSettings,
    role: Option<&serenity::Role>,
) -> Result<Option<String>, Error> {
    let channel_id = target.id;
    let threads = settings.thread.is_some() || settings.forum;
    let missing = permissions::missing_for_alerts(ctx, channel_id, settings.forum, threads).await?;
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
        return Ok(crosspost_refusal(channel_id, target.kind));
    }
    Ok(None)
}

fn subscribed_text(channel: &ChannelRef, done: &Subscribed) -> String {
    let sub = &done.subscription;
    let reply = replies::SubscribeReply {
        channel,
        names: &sub.names,
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
    #[channel_types("Text", "News", "Forum")]
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
    #[channel_types("Text", "News", "Forum")]
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
