//! Who may moderate: Manage Server or Administrator in the guild where they act, checked on
//! our side on every command and every button (Discord lets admins change the UI gate).

use poise::serenity_prelude as serenity;

use super::{Context, Data, tenant};
use crate::domain::Actor;
use crate::error::{Error, Result};
use crate::service::Moderator;

pub const NOT_A_MODERATOR: &str = "You need the Manage Server permission to do this.";

/// Whether these member permissions make a moderator.
pub fn is_moderator(permissions: Option<serenity::Permissions>) -> bool {
    permissions.is_some_and(|p| p.manage_guild() || p.administrator())
}

fn moderator_of(
    guild: Option<serenity::GuildId>,
    permissions: Option<serenity::Permissions>,
    user: serenity::UserId,
    data: &Data,
) -> Result<Moderator> {
    let guild = guild.ok_or_else(|| Error::Forbidden("This works in servers only.".into()))?;
    if !is_moderator(permissions) {
        return Err(Error::Forbidden(NOT_A_MODERATOR.into()));
    }
    Ok(Moderator::new(
        Actor::discord(user.get()),
        tenant(guild),
        data.home.as_ref(),
    ))
}

/// The moderator behind a command.
pub fn moderator(ctx: Context<'_>) -> Result<Moderator> {
    let permissions = match ctx {
        poise::Context::Application(app) => {
            app.interaction.member.as_ref().and_then(|m| m.permissions)
        }
        poise::Context::Prefix(_) => None,
    };
    moderator_of(ctx.guild_id(), permissions, ctx.author().id, ctx.data())
}

/// The moderator behind a button press.
pub fn component_moderator(
    component: &serenity::ComponentInteraction,
    data: &Data,
) -> Result<Moderator> {
    let permissions = component.member.as_ref().and_then(|m| m.permissions);
    let by = moderator_of(component.guild_id, permissions, component.user.id, data)?;
    Ok(by.named(display_name(&component.user)))
}

/// The moderator behind a submitted form, with the name the review post shows.
pub fn modal_moderator(modal: &serenity::ModalInteraction, data: &Data) -> Result<Moderator> {
    let permissions = modal.member.as_ref().and_then(|m| m.permissions);
    let by = moderator_of(modal.guild_id, permissions, modal.user.id, data)?;
    Ok(by.named(display_name(&modal.user)))
}

/// How a user is shown: their display name, else their username.
pub fn display_name(user: &serenity::User) -> &str {
    user.global_name.as_deref().unwrap_or(&user.name)
}
