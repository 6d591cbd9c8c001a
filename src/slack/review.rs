//! The review queue in Slack: `/layoff-review set #channel|off` for the home workspace's
//! moderators, Add opening the add form prefilled (as a modal), and its submission updating
//! the review post with `chat.update`.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::SlackApp;
use super::blocks::ephemeral_text;
use super::modals::{self, Form};
use super::text::Command;
use crate::domain::{DomainError, RawEvent};
use crate::error::Result;
use crate::service::{self, Moderator};

/// The add form's callback id.
pub const FORM: &str = "review_add";

/// `/layoff-review set [#channel]|off`.
pub async fn command(app: &SlackApp, c: &Command) -> Result<Value> {
    let by = app.moderator(&c.team, &c.user).await?;
    let now = Utc::now();
    let text = match c.typed.words.first().map(|w| w.to_lowercase()).as_deref() {
        Some("set") => {
            let typed = c.typed.channel.as_deref().unwrap_or(&c.channel);
            let channel = super::channel_ref(typed)
                .ok_or_else(|| DomainError::invalid("channel", "That is not a Slack channel."))?;
            if !app.channel_of_team(&c.team, &channel.id).await? {
                return Err(DomainError::invalid(
                    "channel",
                    "That is not a channel of this workspace (or I cannot see it): name one of \
                     this workspace's channels.",
                )
                .into());
            }
            service::review::set_channel(&app.store, &by, &channel, now).await?
        }
        Some("off") => service::review::off(&app.store, &by, now).await?,
        _ => "Use `/layoff-review set #channel` to post news that reads as a layoff there for \
              review, or `/layoff-review off`."
            .to_string(),
    };
    Ok(ephemeral_text(&text))
}

/// How the user who acted is shown: their Slack username.
pub fn user_name(payload: &Value) -> &str {
    let user = &payload["user"];
    user["username"]
        .as_str()
        .or_else(|| user["name"].as_str())
        .unwrap_or_default()
}

/// Add pressed: the add form opens over the review post, prefilled; it carries the post
/// (channel and timestamp) to update once submitted.
pub async fn open_form(
    app: &SlackApp,
    payload: &Value,
    candidate: i64,
    fields: &RawEvent,
) -> Result<()> {
    let metadata = json!({
        "candidate": candidate,
        "channel": payload["container"]["channel_id"],
        "ts": payload["container"]["message_ts"],
    });
    let title = format!("Add candidate #{candidate}");
    let form = Form {
        kind: FORM,
        title: &title,
        submit: "Add",
        metadata: &metadata,
    };
    let trigger = payload["trigger_id"].as_str().unwrap_or_default();
    app.api
        .call(
            "views.open",
            &json!({ "trigger_id": trigger, "view": form.modal(Some(fields)) }),
        )
        .await
        .map_err(|e| super::platform(&e))?;
    Ok(())
}

/// The form submitted: the event added and the review post updated to say so, or the
/// errors under the fields.
pub async fn submitted(app: &SlackApp, payload: &Value) -> Result<Value> {
    let team = payload["team"]["id"].as_str().unwrap_or_default();
    let user = payload["user"]["id"].as_str().unwrap_or_default();
    let by = app.moderator(team, user).await?.named(user_name(payload));
    let view = &payload["view"];
    let metadata: Value = view["private_metadata"]
        .as_str()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    let raw = match modals::raw_event(&view["state"]["values"]) {
        Ok(raw) => raw,
        Err(e) => return Ok(modals::field_errors(&e)),
    };
    let done = add_and_update(app, &metadata, &raw, &by, Utc::now()).await;
    modals::answer(done.map(|()| Value::Null))
}

async fn add_and_update(
    app: &SlackApp,
    metadata: &Value,
    raw: &RawEvent,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<()> {
    let candidate = metadata["candidate"].as_i64().unwrap_or_default();
    let view = service::review::submit(&app.store, candidate, raw, by, now).await?;
    if let (Some(channel), Some(ts)) = (metadata["channel"].as_str(), metadata["ts"].as_str()) {
        let mut body = super::blocks::message(&view);
        body["channel"] = json!(channel);
        body["ts"] = json!(ts);
        if let Err(e) = app.api.call("chat.update", &body).await {
            tracing::warn!(error = %e, "could not update the review post in Slack");
        }
    }
    Ok(())
}
