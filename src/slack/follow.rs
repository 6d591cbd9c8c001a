//! `/layoffs-follow add|remove|list|clear|forget-me` in Slack: the same follows as Discord's,
//! DMs through `conversations.open`; and the once-only notice after follows were paused.

use serde_json::{Value, json};

use super::SlackApp;
use super::blocks::ephemeral_text;
use super::text::Command;
use crate::domain::follow::Person;
use crate::domain::{DomainError, Platform};
use crate::error::Result;
use crate::service::follows;

pub async fn command(app: &SlackApp, c: &Command) -> Result<Value> {
    let who = Person::new(Platform::Slack, c.user.clone());
    let store = &app.store;
    let mut words = c.raw.split_whitespace();
    let verb = words.next().map(str::to_lowercase);
    let company = words.collect::<Vec<_>>().join(" ");
    let viewer = SlackApp::viewer(&c.team)?;
    let named = || -> Result<&str> {
        Some(company.trim())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                DomainError::invalid(
                    "company",
                    "Name the company, e.g. `/layoffs-follow add Amazon`.",
                )
                .into()
            })
    };
    let text = match verb.as_deref() {
        Some("add") => follows::follow(store, &who, named()?, &viewer).await?,
        Some("remove") => follows::unfollow(store, &who, named()?, &viewer).await?,
        Some("list") => follows::list(store, &who).await?,
        Some("clear") => follows::clear(store, &who).await?,
        Some("forget-me") => follows::forget_me(store, &who).await?,
        _ => "Use `/layoffs-follow add COMPANY`, `remove COMPANY`, `list`, `clear` or \
              `forget-me`."
            .to_string(),
    };
    Ok(ephemeral_text(&text))
}

/// Tells the user once, only them, that their follows were paused (a DM refused).
pub fn tell_if_paused(app: &SlackApp, c: &Command) {
    let (app, user, channel) = (app.clone(), c.user.clone(), c.channel.clone());
    tokio::spawn(async move {
        let who = Person::new(Platform::Slack, user.clone());
        let notice = match follows::pause_notice(&app.store, &who).await {
            Ok(Some(notice)) => notice,
            Ok(None) => return,
            Err(e) => return tracing::error!(error = %e, "could not read a follow pause"),
        };
        let mut message = ephemeral_text(&notice);
        message["channel"] = json!(channel);
        message["user"] = json!(user);
        if let Err(e) = app.api.call("chat.postEphemeral", &message).await {
            tracing::warn!(error = %e, "could not tell a Slack user their follows are paused");
        }
    });
}
