//! Button presses: listing pages (state in the id, so they work after a restart) and the
//! "Add anyway" / "Cancel" answer to a held addition.

use chrono::Utc;
use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, CreateInteractionResponse};

use super::checks::component_moderator;
use super::reply::{ephemeral_response, update, update_text};
use super::{Data, tenant};
use crate::domain::{Days, Viewer};
use crate::error::{Error, Result};
use crate::render::{self, ButtonId};
use crate::service;

/// Answers a button press; errors are logged and shown to the presser only.
pub async fn handle(ctx: &serenity::Context, component: &ComponentInteraction, data: &Data) {
    let response = match respond(component, data).await {
        Ok(response) => response,
        Err(error) => {
            if error.is_user_error() {
                tracing::debug!(custom_id = %component.data.custom_id, error = %error, "button refused");
            } else {
                tracing::error!(custom_id = %component.data.custom_id, error = %error, "button failed");
            }
            ephemeral_response(&super::errors::user_text(&error))
        }
    };
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
    match id {
        ButtonId::Page {
            company,
            days,
            page,
        } => {
            let days = days.map(|d| Days::parse(i64::from(d))).transpose()?;
            let viewer = Viewer {
                tenant: component.guild_id.map(tenant),
            };
            let today = Utc::now().date_naive();
            let listing =
                service::listing_for(&data.store, company, &viewer, days, page, today).await?;
            Ok(update(&render::listing_view(&listing, days)))
        }
        ButtonId::Cancel(pending) => {
            let by = component_moderator(component, data)?;
            service::cancel_addition(&data.store, pending, &by, Utc::now()).await?;
            Ok(update_text("Cancelled: nothing was stored."))
        }
        // Slack's confirmation of a removal: never on a Discord message.
        ButtonId::Remove(_) | ButtonId::Keep(_) => {
            Err(Error::NotFound("This button is no longer valid.".into()))
        }
        ButtonId::AddAnyway(pending) => {
            let by = component_moderator(component, data)?;
            let event = service::confirm_addition(&data.store, pending, &by, Utc::now()).await?;
            data.wake.notify();
            let view = render::event_view(&format!("Added event #{}", event.id), &event);
            Ok(update(&view))
        }
    }
}
