//! `/layoff add` and `/layoff edit ID` as Slack modals (company, date, count or wording,
//! percent, teams, location, source, notes), their submission checked by the same rules as
//! Discord's (errors shown under the field), and `/layoff remove ID` asked before it is done.

use chrono::Utc;
use serde_json::{Value, json};

use super::SlackApp;
use super::blocks::{ephemeral_text, reply};
use super::text::Command;
use crate::domain::{DomainError, Headcount, LayoffEvent, RawEvent};
use crate::error::{Error, Result};
use crate::render::{self, Button, ButtonId, ButtonStyle, View, escape_markdown};
use crate::service::{self, AddOutcome};

pub const ADD: &str = "layoff_add";
pub const EDIT: &str = "layoff_edit";

/// (block id, label, hint, multiline, max length).
const FIELDS: [(&str, &str, &str, bool, u32); 9] = [
    ("company", "Company", "Company name or alias", false, 100),
    (
        "date",
        "Date announced",
        "YYYY-MM-DD (default: today, UTC)",
        false,
        10,
    ),
    ("count", "People laid off", "An exact number", false, 9),
    (
        "approx",
        "Or the wording reported",
        "e.g. hundreds",
        false,
        100,
    ),
    (
        "percent",
        "Share of the workforce (%)",
        "e.g. 10 or 2.5",
        false,
        6,
    ),
    (
        "teams",
        "Teams or roles",
        "e.g. sales, marketing",
        false,
        300,
    ),
    ("location", "Location", "e.g. Seattle", false, 200),
    (
        "source",
        "Source",
        "An http(s) link or a publication name",
        false,
        500,
    ),
    ("notes", "Notes", "Anything else worth knowing", true, 1000),
];

/// `/layoff add|edit ID|remove ID`, for moderators.
pub async fn layoff(app: &SlackApp, c: &Command) -> Result<Value> {
    let by = app.moderator(&c.team, &c.user).await?;
    let words = &c.typed.words;
    let id = || -> Result<i64> {
        words
            .get(1)
            .and_then(|w| w.trim_start_matches('#').parse().ok())
            .ok_or_else(|| {
                DomainError::invalid("id", "Give the event's id, e.g. `/layoff edit 12`.").into()
            })
    };
    match words.first().map(|w| w.to_lowercase()).as_deref() {
        Some("add") => open(app, c, ADD, None).await,
        Some("edit") => {
            let event = service::moderation::manageable_event(&app.store, id()?, &by).await?;
            open(app, c, EDIT, Some(&event)).await
        }
        Some("remove") => {
            let event = service::moderation::manageable_event(&app.store, id()?, &by).await?;
            Ok(reply(&confirm_removal(&event), false))
        }
        _ => Ok(ephemeral_text(
            "Use `/layoff add`, `/layoff edit ID` or `/layoff remove ID`.",
        )),
    }
}

async fn open(
    app: &SlackApp,
    c: &Command,
    kind: &str,
    event: Option<&LayoffEvent>,
) -> Result<Value> {
    let view = modal(kind, &c.channel, event);
    app.api
        .call(
            "views.open",
            &json!({ "trigger_id": c.trigger, "view": view }),
        )
        .await
        .map_err(|e| super::platform(&e))?;
    // The modal is the answer; the command itself says nothing.
    Ok(Value::Null)
}

/// An event's fields as the form shows them.
fn raw_of(event: &LayoffEvent) -> RawEvent {
    RawEvent {
        company: Some(event.company.clone()),
        date: Some(event.date.to_string()),
        count: event.headcount.known().map(i64::from),
        approx: match &event.headcount {
            Headcount::Approx(text) => Some(text.clone()),
            _ => None,
        },
        percent: event
            .percentage
            .and_then(|p| p.to_string().trim_end_matches('%').parse().ok()),
        teams: event.teams.clone(),
        location: event.location.clone(),
        source: event.source.as_ref().map(|s| s.as_str().to_string()),
        notes: event.notes.clone(),
    }
}

fn initial(raw: &RawEvent, field: &str) -> Option<String> {
    match field {
        "company" => raw.company.clone(),
        "date" => raw.date.clone(),
        "count" => raw.count.map(|n| n.to_string()),
        "approx" => raw.approx.clone(),
        "percent" => raw.percent.map(|p| p.to_string()),
        "teams" => raw.teams.clone(),
        "location" => raw.location.clone(),
        "source" => raw.source.clone(),
        "notes" => raw.notes.clone(),
        _ => None,
    }
}

/// The modal for `/layoff add|edit`: every field optional but the company on `add`.
pub fn modal(kind: &str, channel: &str, event: Option<&LayoffEvent>) -> Value {
    let (title, submit) = match event {
        Some(e) => (format!("Edit event #{}", e.id), "Save"),
        None => ("Add a layoff".to_string(), "Add"),
    };
    let metadata = json!({ "channel": channel, "event": event.map(|e| e.id) });
    let form = Form {
        kind,
        title: &title,
        submit,
        metadata: &metadata,
    };
    form.modal(event.map(raw_of).as_ref())
}

/// A modal's kind (its callback id), title, submit label and what it carries along.
pub struct Form<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub submit: &'a str,
    pub metadata: &'a Value,
}

impl Form<'_> {
    /// The modal with the event form's fields, prefilled from `raw`.
    pub fn modal(&self, raw: Option<&RawEvent>) -> Value {
        let blocks: Vec<Value> = FIELDS
            .iter()
            .map(|(id, label, hint, multiline, max)| {
                let mut element = json!({
                    "type": "plain_text_input", "action_id": "value", "multiline": multiline,
                    "max_length": max, "placeholder": { "type": "plain_text", "text": hint },
                });
                if let Some(value) = raw.and_then(|r| initial(r, id)) {
                    let value: String = value.chars().take(*max as usize).collect();
                    element["initial_value"] = json!(value);
                }
                let optional = !(self.kind != EDIT && *id == "company");
                json!({
                    "type": "input", "block_id": id, "optional": optional,
                    "label": { "type": "plain_text", "text": label }, "element": element,
                })
            })
            .collect();
        json!({
            "type": "modal", "callback_id": self.kind,
            "private_metadata": self.metadata.to_string(),
            "title": { "type": "plain_text", "text": self.title },
            "submit": { "type": "plain_text", "text": self.submit },
            "close": { "type": "plain_text", "text": "Cancel" },
            "blocks": blocks,
        })
    }
}

/// The question `/layoff remove` asks, with Remove and Keep.
fn confirm_removal(event: &LayoffEvent) -> View {
    View {
        title: format!("Remove event #{}?", event.id),
        description: escape_markdown(&render::event_summary(event, true)),
        buttons: vec![
            Button {
                id: ButtonId::Remove(event.id),
                label: "Remove".into(),
                style: ButtonStyle::Primary,
                disabled: false,
            },
            Button {
                id: ButtonId::Keep(event.id),
                label: "Keep".into(),
                style: ButtonStyle::Secondary,
                disabled: false,
            },
        ],
        ..View::default()
    }
    .fit()
}

/// A submitted modal: the event added or changed (`clear`), or the errors under the fields.
pub async fn submitted(app: &SlackApp, payload: &Value) -> Result<Value> {
    let team = payload["team"]["id"].as_str().unwrap_or_default();
    let user = payload["user"]["id"].as_str().unwrap_or_default();
    let by = app.moderator(team, user).await?;
    let view = &payload["view"];
    let metadata: Value = view["private_metadata"]
        .as_str()
        .and_then(|m| serde_json::from_str(m).ok())
        .unwrap_or(Value::Null);
    let channel = metadata["channel"].as_str().unwrap_or_default().to_string();
    let raw = match raw_event(&view["state"]["values"]) {
        Ok(raw) => raw,
        Err(e) => return Ok(field_errors(&e)),
    };
    let now = Utc::now();
    let done = match (view["callback_id"].as_str(), metadata["event"].as_i64()) {
        (Some(EDIT), Some(id)) => service::edit_event(&app.store, id, &raw, &by, now)
            .await
            .map(|e| render::replies::updated_view(&e)),
        _ => service::add_event(&app.store, &raw, &by, now)
            .await
            .map(|o| match o {
                AddOutcome::Added(e) => render::replies::added_view(&e),
                AddOutcome::Held { pending_id, nearby } => render::nearby_view(&nearby, pending_id),
            }),
    };
    answer(done.map(|view| {
        tell(app, &channel, user, &view);
        Value::Null
    }))
}

/// The answer to a submission: the modal closed, or the errors under the fields.
pub(super) fn answer(done: Result<Value>) -> Result<Value> {
    match done {
        Ok(_) => Ok(json!({ "response_action": "clear" })),
        Err(Error::Invalid(e)) => Ok(field_errors(&e)),
        Err(e @ (Error::UnknownCompany { .. } | Error::NotFound(_) | Error::Forbidden(_))) => {
            let message = super::markup::plain_text(&super::text::user_text(&e));
            Ok(json!({ "response_action": "errors", "errors": { "company": message } }))
        }
        Err(e) => Err(e),
    }
}

/// Posts the result of a submission to the user in the channel the command came from.
fn tell(app: &SlackApp, channel: &str, user: &str, view: &View) {
    let (app, mut message) = (app.clone(), super::blocks::message(view));
    message["channel"] = json!(channel);
    message["user"] = json!(user);
    tokio::spawn(async move {
        if let Err(e) = app.api.call("chat.postEphemeral", &message).await {
            tracing::warn!(error = %e, "could not tell the moderator in Slack");
        }
    });
}

/// The modal's values as a [`RawEvent`]; a number that does not parse is its field's error.
pub(super) fn raw_event(values: &Value) -> std::result::Result<RawEvent, DomainError> {
    let text = |id: &str| {
        values[id]["value"]["value"]
            .as_str()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let count = text("count")
        .map(|c| c.replace(',', "").parse::<i64>())
        .transpose()
        .map_err(|_| {
            DomainError::invalid("count", "The count must be a whole number, e.g. 250.")
        })?;
    let percent = text("percent")
        .map(|p| p.trim_end_matches('%').trim().parse::<f64>())
        .transpose()
        .map_err(|_| DomainError::invalid("percent", "The percent must be a number, e.g. 10."))?;
    Ok(RawEvent {
        company: text("company"),
        date: text("date"),
        count,
        approx: text("approx"),
        percent,
        teams: text("teams"),
        location: text("location"),
        source: text("source"),
        notes: text("notes"),
    })
}

/// `response_action: errors` with the message under its field.
pub(super) fn field_errors(e: &DomainError) -> Value {
    let block = match e.field {
        "percentage" => "percent",
        f if FIELDS.iter().any(|(id, ..)| *id == f) => f,
        _ => "company",
    };
    let message = super::markup::escape(&e.message);
    json!({ "response_action": "errors", "errors": { block: message } })
}
