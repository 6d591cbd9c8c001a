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
const OPTIONS: [&str; 6] = [
    "company",
    "industry",
    "country",
    "min_people",
    "mode",
    "filings",
];

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
            "Use `/layoff-alerts subscribe [#channel] [company:NAME] [industry:NAME] \
             [country:NAME] [min_people:N] [mode:each|daily|weekly] [filings:yes]`, \
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
        company: sub.company.as_deref(),
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
    let min_people = t
        .option("min_people")
        .map(|n| {
            n.parse::<i64>().map_err(|_| {
                DomainError::invalid(
                    "min_people",
                    "min_people must be a whole number of at least 1.",
                )
            })
        })
        .transpose()?;
    Ok(AlertRequest {
        company: t.option("company").map(str::to_string),
        industry: t.option("industry").map(str::to_string),
        country: t.option("country").map(str::to_string),
        min_people,
        mode: t.option("mode").map(str::to_string),
        mention_role: None,
        crosspost: false,
        filings: t.option("filings").map(yes).transpose()?.unwrap_or(false),
    })
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
