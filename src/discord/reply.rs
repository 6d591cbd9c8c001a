//! The view adapter: a platform-neutral [`View`] as serenity builders (embed, buttons, image
//! attachment), and the replies we send, never pinging anyone. The poster serializes the same
//! builders, so a post and a reply are one encoding.

use poise::serenity_prelude as serenity;
use serenity::{
    CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateInteractionResponse, CreateInteractionResponseMessage,
};

use crate::render::limits::MESSAGE_CONTENT_LENGTH;
use crate::render::{Button, ButtonStyle, Mentions, View, truncate};

pub fn embed(view: &View) -> CreateEmbed {
    let mut embed = CreateEmbed::new().title(&view.title).colour(view.colour);
    if !view.description.is_empty() {
        embed = embed.description(&view.description);
    }
    for (name, value) in &view.fields {
        embed = embed.field(name, value, false);
    }
    if !view.footer.is_empty() {
        embed = embed.footer(CreateEmbedFooter::new(&view.footer));
    }
    if let Some(image) = &view.image {
        embed = embed.attachment(&image.filename);
    }
    embed
}

fn button(b: &Button) -> CreateButton {
    let style = match b.style {
        ButtonStyle::Primary => serenity::ButtonStyle::Primary,
        ButtonStyle::Secondary => serenity::ButtonStyle::Secondary,
    };
    CreateButton::new(b.id.to_string())
        .label(&b.label)
        .style(style)
        .disabled(b.disabled)
}

/// The view's buttons as one action row (none when it has no buttons).
pub fn components(view: &View) -> Vec<CreateActionRow> {
    if view.buttons.is_empty() {
        return Vec::new();
    }
    vec![CreateActionRow::Buttons(
        view.buttons.iter().map(button).collect(),
    )]
}

fn attachments(view: &View) -> Vec<CreateAttachment> {
    view.image
        .iter()
        .map(|i| CreateAttachment::bytes(i.png.clone(), i.filename.clone()))
        .collect()
}

/// Whom a reply may notify.
pub fn mentions(m: &Mentions) -> CreateAllowedMentions {
    match m {
        Mentions::None => CreateAllowedMentions::new(),
        Mentions::Role(id) => {
            CreateAllowedMentions::new().roles(vec![serenity::RoleId::new((*id).max(1))])
        }
    }
}

/// A text reply only the user sees, with no pings.
pub fn ephemeral(text: &str) -> poise::CreateReply {
    poise::CreateReply::default()
        .content(truncate(text, MESSAGE_CONTENT_LENGTH))
        .ephemeral(true)
        .allowed_mentions(CreateAllowedMentions::new())
}

/// A view as a reply to a command.
pub fn view_reply(view: &View, ephemeral: bool) -> poise::CreateReply {
    let mut reply = poise::CreateReply::default()
        .embed(embed(view))
        .components(components(view))
        .ephemeral(ephemeral)
        .allowed_mentions(mentions(&view.mentions));
    for a in attachments(view) {
        reply = reply.attachment(a);
    }
    reply
}

/// A view replacing the message a button was pressed on.
pub fn update(view: &View) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .embed(embed(view))
            .components(components(view))
            .allowed_mentions(mentions(&view.mentions)),
    )
}

/// Text replacing the message a button was pressed on (its embeds and buttons removed).
pub fn update_text(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(truncate(text, MESSAGE_CONTENT_LENGTH))
            .embeds(Vec::new())
            .components(Vec::new())
            .allowed_mentions(CreateAllowedMentions::new()),
    )
}

/// A new text message only the presser sees.
pub fn ephemeral_response(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(truncate(text, MESSAGE_CONTENT_LENGTH))
            .ephemeral(true)
            .allowed_mentions(CreateAllowedMentions::new()),
    )
}
