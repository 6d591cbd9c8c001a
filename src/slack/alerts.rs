//! `/layoff-alerts subscribe|unsubscribe|list|test [#channel] [key:value…]` in Slack: the
//! same subscriptions, filters and modes as Discord's (no role pings or crossposts: Slack
//! has neither), for workspace moderators.

use chrono::Utc;
use serde_json::Value;

use super::SlackApp;
use super::text::Command;
use crate::domain::{ChannelRef, DomainError, Tenant};
use crate::error::{Error, Result};
use crate::render::replies;
use crate::service::alerts::listed;
use crate::service::{self, AlertRequest};
use crate::store::DeliveryOutcome;

/// Options `subscribe` reads.
const OPTIONS: [&str; 10] = [
    "company",
    "industry",
    "country",
    "exclude",
    "min_people",
    "mode",
    "hour",
    "timezone",
    "weekday",
    "filings",
];

/// Discord's options that Slack has no equivalent of, refused with why.
const DISCORD_ONLY: [&str; 3] = ["thread", "thread_archive", "forum"];

/// An ephemeral answer in our markdown (our `<#C…>` channel references included).
fn say(text: &str) -> Value {
    super::blocks::ephemeral_text(text)
}

pub async fn command(app: &SlackApp, c: &Command) -> Result<Value> {
    let by = app.moderator(&c.team, &c.user).await?;
    let typed = c.typed.channel.as_deref().unwrap_or(&c.channel);
    let channel = super::channel_ref(typed)
        .ok_or_else(|| DomainError::invalid("channel", "That is not a Slack channel."))?;
    let sub = c.typed.words.first().map(|w| w.to_lowercase());
    let posts = matches!(sub.as_deref(), Some("subscribe" | "test"));
    if posts && !app.channel_of_team(&c.team, &channel.id).await? {
        return Err(DomainError::invalid(
            "channel",
            "That is not a channel of this workspace (or I cannot see it): name one of this \
             workspace's channels.",
        )
        .into());
    }
    match sub.as_deref() {
        Some("subscribe") => subscribe(app, c, &by, &channel).await,
        Some("unsubscribe") => {
            let gone = service::unsubscribe(&app.store, &by.tenant, &channel, Utc::now()).await?;
            Ok(say(&replies::unsubscribed(&channel, gone)))
        }
        Some("list") => {
            let subs = service::subscriptions(&app.store, &by.tenant).await?;
            let listed: Vec<_> = subs.iter().map(listed).collect();
            Ok(say(&replies::subscription_list(&listed)))
        }
        Some("test") => test(app, &by.tenant, &channel).await,
        _ => Ok(say(
            "Use `/layoff-alerts subscribe [#channel] [company:NAME,NAME] [industry:NAME,…] \
             [country:NAME,…] [exclude:NAME,…] [min_people:N] [mode:each|daily|weekly] \
             [hour:0-23] [timezone:Europe/Berlin] [weekday:friday] [filings:yes]` (a value with \
             spaces in quotes: `company:\"Acme Corp, Meta\"`), \
             `/layoff-alerts unsubscribe [#channel]`, `/layoff-alerts list` or \
             `/layoff-alerts test [#channel]`.",
        )),
    }
}

async fn subscribe(
    app: &SlackApp,
    c: &Command,
    by: &service::Moderator,
    channel: &ChannelRef,
) -> Result<Value> {
    let req = request(&c.typed)?;
    let settings = service::alerts::settings_of(&app.store, &by.tenant, &req).await?;
    let now = Utc::now();
    let done =
        service::subscribe(&app.store, &by.tenant, channel, &settings, &by.actor, now).await?;
    let sub = &done.subscription;
    let reply = replies::SubscribeReply {
        channel,
        names: &sub.names,
        settings: &sub.settings,
        changed: done.changed.as_deref(),
        reenabled: done.reenabled,
    };
    Ok(say(&replies::subscribed(
        &reply,
        "invite me to the channel if I am not in it yet, then try `/layoff-alerts test`.",
    )))
}

/// The options typed, as an [`AlertRequest`]; unknown options and bad numbers refused.
fn request(t: &super::text::Typed) -> Result<AlertRequest> {
    if let Some(asked) = DISCORD_ONLY.iter().find(|o| t.option(o).is_some()) {
        return Err(DomainError::invalid(
            "option",
            format!(
                "{asked}: is Discord's: threads under posts and forum posts exist only there. \
                 In Slack each alert is a message in the channel; leave {asked}: out."
            ),
        )
        .into());
    }
    if let Some(bad) = t.unknown_options(&OPTIONS).first() {
        return Err(DomainError::invalid(
            "option",
            format!(
                "I don't know the option {bad}:. Use {}.",
                OPTIONS.join(":, ")
            ),
        )
        .into());
    }
    let text = |key| t.option(key).map(str::to_string);
    Ok(AlertRequest {
        company: text("company"),
        industry: text("industry"),
        country: text("country"),
        exclude: text("exclude"),
        min_people: number(
            t,
            "min_people",
            "min_people must be a whole number of at least 1.",
        )?,
        mode: text("mode"),
        hour: number(t, "hour", "hour must be a whole number from 0 to 23.")?,
        timezone: text("timezone"),
        weekday: text("weekday"),
        filings: t.option("filings").map(yes).transpose()?.unwrap_or(false),
        ..AlertRequest::default()
    })
}

/// A whole-number option, or `why` it is not one.
fn number(t: &super::text::Typed, key: &'static str, why: &str) -> Result<Option<i64>> {
    t.option(key)
        .map(|n| {
            n.parse::<i64>()
                .map_err(|_| Error::from(DomainError::invalid(key, why)))
        })
        .transpose()
}

fn yes(value: &str) -> Result<bool> {
    match value.to_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err(Error::from(DomainError::invalid(
            "filings",
            format!("filings: takes yes or no, not {value:?}."),
        ))),
    }
}

async fn test(app: &SlackApp, tenant: &Tenant, channel: &ChannelRef) -> Result<Value> {
    let id = service::alerts::queue_test(&app.store, tenant, channel, Utc::now()).await?;
    let outcome = service::alerts::test_outcome(&app.store, id).await?;
    let result = outcome.as_ref().map(DeliveryOutcome::as_result);
    Ok(say(&replies::test_result(channel, result)))
}
