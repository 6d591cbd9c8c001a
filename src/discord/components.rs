//! Buttons: listing pages (state in the custom id, so they work after a restart) and the
//! "Add anyway" / "Cancel" confirmation of a moderator's addition.

use chrono::Utc;
use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, ComponentInteraction, CreateActionRow, CreateAllowedMentions, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage,
};

use super::{Data, NOT_A_MODERATOR, is_moderator, to_embed};
use crate::domain::{LayoffEvent, Viewer};
use crate::error::{Error, Result};
use crate::render::{self, EmbedView};
use crate::service::{self, Listing, Moderator};

const PAGE: &str = "lp";
const ADD_ANYWAY: &str = "la";
const CANCEL: &str = "lc";

/// Previous / Next under a listing, when it has more than one page.
pub fn page_buttons(listing: &Listing, days: Option<u32>) -> Vec<CreateActionRow> {
    let page = listing.page();
    let count = page.page_count();
    if count <= 1 {
        return Vec::new();
    }
    let company = match listing {
        Listing::Company { company, .. } => company.id.to_string(),
        Listing::Latest { .. } => "-".to_string(),
    };
    let days = days.map_or_else(|| "-".to_string(), |d| d.to_string());
    let current = page.page.number;
    let id = |to: u32| format!("{PAGE}:{company}:{days}:{to}");
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(id(current.saturating_sub(1)))
            .label("Previous")
            .style(ButtonStyle::Secondary)
            .disabled(current == 0),
        CreateButton::new(id(current + 1))
            .label("Next")
            .style(ButtonStyle::Secondary)
            .disabled(current + 1 >= count),
    ])]
}

/// The question shown when the company has an event close to the new one.
pub fn nearby_view(nearby: &[LayoffEvent]) -> EmbedView {
    EmbedView {
        title: "This company already has an event close to that date".to_string(),
        description: "Is this the same layoff? Nothing is stored until you choose Add anyway."
            .to_string(),
        fields: nearby
            .iter()
            .map(|e| render::event_field(e, true))
            .collect(),
        footer: String::new(),
    }
    .fit()
}

pub fn confirm_buttons(pending_id: i64) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(format!("{ADD_ANYWAY}:{pending_id}"))
            .label("Add anyway")
            .style(ButtonStyle::Primary),
        CreateButton::new(format!("{CANCEL}:{pending_id}"))
            .label("Cancel")
            .style(ButtonStyle::Secondary),
    ])]
}

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
            CreateInteractionResponse::Message(
                CreateInteractionResponseMessage::new()
                    .content(error.user_message())
                    .ephemeral(true)
                    .allowed_mentions(CreateAllowedMentions::new()),
            )
        }
    };
    if let Err(e) = component.create_response(&ctx.http, response).await {
        tracing::error!(error = %e, "could not answer a button press");
    }
}

fn update(view: &EmbedView, buttons: Vec<CreateActionRow>) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .embed(to_embed(view))
            .components(buttons)
            .allowed_mentions(CreateAllowedMentions::new()),
    )
}

async fn respond(
    component: &ComponentInteraction,
    data: &Data,
) -> Result<CreateInteractionResponse> {
    let id = component.data.custom_id.as_str();
    let mut parts = id.split(':');
    let unknown = || Error::NotFound("This button is no longer valid.".into());
    match parts.next() {
        Some(PAGE) => {
            let company = match parts.next() {
                Some("-") => None,
                Some(c) => Some(c.parse::<i64>().map_err(|_| unknown())?),
                None => return Err(unknown()),
            };
            let days = match parts.next() {
                Some("-") => None,
                Some(d) => Some(d.parse::<u32>().map_err(|_| unknown())?),
                None => return Err(unknown()),
            };
            let page = parts
                .next()
                .and_then(|p| p.parse::<u32>().ok())
                .ok_or_else(unknown)?;
            let viewer = Viewer {
                guild: component.guild_id.map(serenity::GuildId::get),
            };
            let listing = service::listing_for(
                &data.store,
                company,
                viewer,
                days,
                page,
                Utc::now().date_naive(),
            )
            .await?;
            Ok(update(
                &render::listing_embed(&listing),
                page_buttons(&listing, days),
            ))
        }
        Some(kind @ (ADD_ANYWAY | CANCEL)) => {
            let pending = parts
                .next()
                .and_then(|p| p.parse::<i64>().ok())
                .ok_or_else(unknown)?;
            let by = component_moderator(component, data)?;
            if kind == CANCEL {
                service::cancel_addition(&data.store, pending, by).await?;
                return Ok(CreateInteractionResponse::UpdateMessage(
                    CreateInteractionResponseMessage::new()
                        .content("Cancelled: nothing was stored.")
                        .embeds(Vec::new())
                        .components(Vec::new())
                        .allowed_mentions(CreateAllowedMentions::new()),
                ));
            }
            let event = service::confirm_addition(&data.store, pending, by, Utc::now()).await?;
            data.outbox.notify_one();
            let view = render::event_embed(&format!("Added event #{}", event.id), &event);
            Ok(update(&view, Vec::new()))
        }
        _ => Err(unknown()),
    }
}

/// Buttons are checked like commands: a moderator of the guild they are pressed in.
fn component_moderator(component: &ComponentInteraction, data: &Data) -> Result<Moderator> {
    let guild = component
        .guild_id
        .ok_or_else(|| Error::Forbidden("This button works in servers only.".into()))?;
    let permissions = component.member.as_ref().and_then(|m| m.permissions);
    if !is_moderator(permissions) {
        return Err(Error::Forbidden(NOT_A_MODERATOR.into()));
    }
    Ok(Moderator {
        user: component.user.id.get(),
        guild: guild.get(),
        home_guild: data.home_guild,
    })
}
