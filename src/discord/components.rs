//! Button presses: the id parsed, the presser checked as a moderator where the button needs
//! one, and `service::buttons`' answer encoded as Discord's message update.

use chrono::Utc;
use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, CreateInteractionResponse};

use super::checks::component_moderator;
use super::errors::answer_or_error;
use super::reply::{update, update_text};
use super::{Data, tenant};
use crate::domain::Viewer;
use crate::error::{Error, Result};
use crate::render::ButtonId;
use crate::service::buttons::{self, Pressed};

/// Answers a button press; errors are logged and shown to the presser only.
pub async fn handle(ctx: &serenity::Context, component: &ComponentInteraction, data: &Data) {
    let started = std::time::Instant::now();
    let answered = respond(component, data).await;
    let response = answer_or_error("button", &component.data.custom_id, started, answered);
    if let Err(e) = component.create_response(&ctx.http, response).await {
        tracing::error!(error = %e, "could not answer a button press");
    }
}

async fn respond(
    component: &ComponentInteraction,
    data: &Data,
) -> Result<CreateInteractionResponse> {
    let id = ButtonId::parse(&component.data.custom_id)
        .ok_or_else(|| Error::NotFound("This button is no longer valid.".into()))?;
    let by = if buttons::needs_moderator(&id) {
        Some(component_moderator(component, data)?)
    } else {
        None
    };
    let viewer = Viewer {
        tenant: component.guild_id.map(tenant),
    };
    let pressed = buttons::press(&data.store, id, &viewer, by.as_ref(), Utc::now()).await?;
    Ok(match pressed {
        Pressed::View(view) => update(&view),
        Pressed::Text(text) => update_text(&text),
        Pressed::Form { candidate, fields } => super::forms::add_form(candidate, &fields),
    })
}
