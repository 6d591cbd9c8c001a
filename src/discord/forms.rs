//! The review queue's add form as a Discord modal (five fields: company, date, people,
//! teams, location; the candidate's link is the source), and its submission: the event
//! added through the service, the review post updated to say so.

use chrono::Utc;
use poise::serenity_prelude as serenity;
use serenity::{
    ActionRowComponent, CreateActionRow, CreateInputText, CreateInteractionResponse, CreateModal,
    InputTextStyle, ModalInteraction,
};

use super::Data;
use super::checks::modal_moderator;
use super::errors::answer_or_error;
use super::reply::update;
use crate::domain::{RawEvent, people_field};
use crate::error::{Error, Result};
use crate::render::ButtonId;
use crate::service;

/// (custom id, label, placeholder, max length).
const FIELDS: [(&str, &str, &str, u16); 5] = [
    ("company", "Company", "Company name or alias", 100),
    ("date", "Date announced", "YYYY-MM-DD", 10),
    (
        "people",
        "People laid off",
        "1200, hundreds, 10% or 1,200 (10%)",
        100,
    ),
    ("teams", "Teams or roles", "e.g. sales, marketing", 300),
    ("location", "Location", "e.g. Seattle", 200),
];

/// The add form for a candidate, prefilled with what was read.
pub fn add_form(candidate: i64, fields: &RawEvent) -> CreateInteractionResponse {
    let rows = FIELDS
        .iter()
        .map(|(id, label, hint, max)| {
            let mut input = CreateInputText::new(InputTextStyle::Short, *label, *id)
                .placeholder(*hint)
                .max_length(*max)
                .required(*id == "company");
            if let Some(value) = initial(fields, id).filter(|v| !v.is_empty()) {
                let value: String = value.chars().take(usize::from(*max)).collect();
                input = input.value(value);
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    let modal = CreateModal::new(
        ButtonId::ReviewForm(candidate).to_string(),
        format!("Add candidate #{candidate}"),
    )
    .components(rows);
    CreateInteractionResponse::Modal(modal)
}

fn initial(raw: &RawEvent, field: &str) -> Option<String> {
    match field {
        "company" => raw.company.clone(),
        "date" => raw.date.clone(),
        "people" => Some(people_field::format(raw)),
        "teams" => raw.teams.clone(),
        "location" => raw.location.clone(),
        _ => None,
    }
}

/// Answers a submitted form; errors go to the submitter only.
pub async fn handle(ctx: &serenity::Context, modal: &ModalInteraction, data: &Data) {
    let started = std::time::Instant::now();
    let answered = respond(modal, data).await;
    let response = answer_or_error("form", &modal.data.custom_id, started, answered);
    if let Err(e) = modal.create_response(&ctx.http, response).await {
        tracing::error!(error = %e, "could not answer a form");
    }
}

async fn respond(modal: &ModalInteraction, data: &Data) -> Result<CreateInteractionResponse> {
    let Some(ButtonId::ReviewForm(candidate)) = ButtonId::parse(&modal.data.custom_id) else {
        return Err(Error::NotFound("This form is no longer valid.".into()));
    };
    let by = modal_moderator(modal, data)?;
    let value = |id: &str| {
        modal
            .data
            .components
            .iter()
            .flat_map(|row| &row.components)
            .find_map(|c| match c {
                ActionRowComponent::InputText(t) if t.custom_id == id => t.value.clone(),
                _ => None,
            })
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut raw = RawEvent {
        company: value("company"),
        date: value("date"),
        teams: value("teams"),
        location: value("location"),
        ..RawEvent::default()
    };
    people_field::parse_into(&value("people").unwrap_or_default(), &mut raw)?;
    let view = service::review::submit(&data.store, candidate, &raw, &by, Utc::now()).await?;
    Ok(update(&view))
}
