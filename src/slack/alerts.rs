//! `/layoff-alerts subscribe|unsubscribe|list|test [#channel] [key:value…]` in Slack: the
//! same subscriptions, filters and modes as Discord's (no role pings or crossposts: Slack
//! has neither), for workspace moderators.

use std::fmt::Write as _;

use chrono::Utc;
use serde_json::Value;

use super::SlackApp;
use super::commands::Command;
use crate::domain::slack::channel_number;
use crate::domain::{DomainError, Tenant};
use crate::error::{Error, Result};
use crate::render::alerts::{settings_summary, subscription_line};
use crate::service::{self, AlertRequest};

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
    let channel = c.typed.channel.clone().unwrap_or_else(|| c.channel.clone());
    let number = channel_number(&channel)
        .ok_or_else(|| DomainError::invalid("channel", "That is not a Slack channel."))?;
    let sub = c.typed.words.first().map(|w| w.to_lowercase());
    let posts = matches!(sub.as_deref(), Some("subscribe" | "test"));
    if posts && !app.channel_of_team(&c.team, &channel).await? {
        return Err(DomainError::invalid(
            "channel",
            "That is not a channel of this workspace (or I cannot see it): name one of this \
             workspace's channels.",
        )
        .into());
    }
    match sub.as_deref() {
        Some("subscribe") => subscribe(app, c, &by, &channel, number).await,
        Some("unsubscribe") => {
            let gone = service::unsubscribe(&app.store, &by.tenant, number, Utc::now()).await?;
            Ok(say(&if gone {
                format!("Unsubscribed <#{channel}>: no more posts there.")
            } else {
                format!("<#{channel}> was not subscribed.")
            }))
        }
        Some("list") => list(app, &by.tenant).await,
        Some("test") => test(app, &by.tenant, &channel, number).await,
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
    channel: &str,
    number: u64,
) -> Result<Value> {
    let req = request(&c.typed)?;
    let settings = service::alerts::settings_of(&app.store, &by.tenant, &req).await?;
    let done = service::subscribe(
        &app.store,
        &by.tenant,
        number,
        &settings,
        &by.actor,
        Utc::now(),
    )
    .await?;
    Ok(say(&subscribed_text(channel, &done)))
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

fn subscribed_text(channel: &str, done: &service::Subscribed) -> String {
    let sub = &done.subscription;
    let now = settings_summary(sub.company.as_deref(), &sub.settings);
    match &done.changed {
        None => format!(
            "Subscribed <#{channel}>: {now}. Past events are not posted. Invite me to the \
             channel if I am not in it yet, then try `/layoff-alerts test`."
        ),
        Some(_) if done.reenabled => {
            format!("Subscribed <#{channel}> again: its alerts are back on ({now}).")
        }
        Some(changed) if changed.is_empty() => format!(
            "<#{channel}> was already subscribed with these settings ({now}); nothing changed."
        ),
        Some(changed) => format!(
            "Updated <#{channel}>: changed {}. Now: {now}.",
            changed.join(", ")
        ),
    }
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

async fn list(app: &SlackApp, tenant: &Tenant) -> Result<Value> {
    let subs = service::subscriptions(&app.store, tenant).await?;
    if subs.is_empty() {
        return Ok(say(
            "No channel here is subscribed. Use `/layoff-alerts subscribe` to add one.",
        ));
    }
    let mut text = String::from("Subscribed channels:\n");
    for s in &subs {
        let Some(channel) = crate::domain::slack::channel_id(s.channel_id) else {
            continue;
        };
        let disabled = (!s.active).then_some(s.disabled_reason.as_deref());
        let line = subscription_line(s.company.as_deref(), &s.settings, disabled, s.last_post_at);
        let _ = writeln!(text, "• <#{channel}>: {line}");
    }
    Ok(say(text.trim_end()))
}

async fn test(app: &SlackApp, tenant: &Tenant, channel: &str, number: u64) -> Result<Value> {
    let id = service::alerts::queue_test(&app.store, tenant, number, Utc::now()).await?;
    app.wake.notify();
    let outcome = service::alerts::test_outcome(&app.store, id).await?;
    Ok(say(&match outcome {
        Some((true, _)) => format!("Sent a test post to <#{channel}>."),
        Some((false, why)) => format!(
            "I could not post in <#{channel}>: {}",
            crate::render::escape_markdown(why.as_deref().unwrap_or("the post failed"))
        ),
        None => format!(
            "The test post to <#{channel}> is queued and will go out shortly; \
             `/layoff-alerts list` shows when it arrived."
        ),
    }))
}
