//! Slack's interactivity requests: buttons (listing pages, which work after a restart since
//! their state is in the id; held additions; confirming a removal) answered through the
//! message's `response_url`, and modal submissions answered inline.

use chrono::Utc;
use serde_json::{Value, json};

use super::SlackApp;
use super::blocks::{ephemeral_text, message};
use super::modals;
use super::text::user_text;
use crate::error::{Error, Result};
use crate::render::{ButtonId, View};
use crate::service::buttons::{self, Pressed};

/// The inline answer to an interaction, if it has one.
pub async fn handle(app: &SlackApp, payload: &Value) -> Option<Value> {
    match payload["type"].as_str() {
        Some("block_actions") => {
            // Acknowledged at once; the answer follows through the response URL.
            let (app, payload) = (app.clone(), payload.clone());
            tokio::spawn(async move {
                let url = payload["response_url"].as_str().unwrap_or_default();
                let started = std::time::Instant::now();
                let answered = pressed(&app, &payload).await;
                let outcome = crate::telemetry::Outcome::of(&answered);
                crate::telemetry::command("button", outcome, started.elapsed().as_secs_f64());
                let answer = match answered {
                    Ok(Some(view)) => replace(&view),
                    // A form opened over the message: it stays as it is.
                    Ok(None) => return,
                    Err(e) => ephemeral_text(&user_text(&e)),
                };
                if let Err(e) = app.respond(url, &answer).await {
                    tracing::warn!(error = %e, "could not answer a Slack button");
                }
            });
            None
        }
        Some("view_submission") => Some(match submitted(app, payload).await {
            Ok(answer) => answer,
            Err(e) => json!({ "response_action": "errors",
                              "errors": { "company": super::markup::plain_text(&user_text(&e)) } }),
        }),
        _ => None,
    }
}

/// A submitted form: the review queue's add form, or `/layoff add|edit`'s.
async fn submitted(app: &SlackApp, payload: &Value) -> Result<Value> {
    if payload["view"]["callback_id"].as_str() == Some(super::review::FORM) {
        super::review::submitted(app, payload).await
    } else {
        modals::submitted(app, payload).await
    }
}

/// A message that takes the place of the one whose button was pressed.
fn replace(view: &View) -> Value {
    let mut m = message(view);
    m["replace_original"] = json!(true);
    m
}

/// What a pressed button does, as the view that replaces its message (None: a form opened).
async fn pressed(app: &SlackApp, payload: &Value) -> Result<Option<View>> {
    let action = payload["actions"][0]["action_id"]
        .as_str()
        .unwrap_or_default();
    let id = ButtonId::parse(action)
        .ok_or_else(|| Error::NotFound("This button is no longer valid.".into()))?;
    let team = payload["team"]["id"].as_str().unwrap_or_default();
    let user = payload["user"]["id"].as_str().unwrap_or_default();
    let by = if buttons::needs_moderator(&id) {
        let name = super::review::user_name(payload);
        Some(app.moderator(team, user).await?.named(name))
    } else {
        None
    };
    let viewer = SlackApp::viewer(team)?;
    let pressed = buttons::press(&app.store, id, &viewer, by.as_ref(), Utc::now()).await?;
    Ok(match pressed {
        Pressed::View(view) => Some(view),
        Pressed::Text(text) => Some(note(&text)),
        Pressed::Form { candidate, fields } => {
            super::review::open_form(app, payload, candidate, &fields).await?;
            None
        }
    })
}

fn note(text: &str) -> View {
    View {
        description: text.to_string(),
        ..View::default()
    }
}
