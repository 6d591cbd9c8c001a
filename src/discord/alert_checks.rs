//! Checks for `/layoff-alerts subscribe` that need Discord: may the bot ping this role, is
//! this an announcement channel.

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, ChannelType, Permissions, Role};

use super::{Context, permissions};
use crate::error::Result;
use crate::render::escape_markdown;

/// `mode`: each, daily or weekly.
pub type ModeOption = super::choices::Choice<super::choices::Modes>;

/// Why the bot may not ping `role` in `channel`, if it may not: @everyone never, roles of
/// integrations never, others when they are mentionable or the bot may mention all roles.
pub async fn role_refusal(
    ctx: Context<'_>,
    role: &Role,
    channel: ChannelId,
) -> Result<Option<String>> {
    let name = escape_markdown(&role.name);
    if ctx.guild_id().is_some_and(|g| g.get() == role.id.get()) || role.name == "@everyone" {
        return Ok(Some(
            "Alerts never ping @everyone or @here. Pick a role people can opt into.".into(),
        ));
    }
    if role.managed {
        return Ok(Some(format!(
            "The role {name} belongs to an integration and cannot be pinged. Pick another role."
        )));
    }
    if role.mentionable {
        return Ok(None);
    }
    let have = permissions::bot_permissions(ctx, channel).await?;
    if have.contains(Permissions::MENTION_EVERYONE) || have.administrator() {
        return Ok(None);
    }
    Ok(Some(format!(
        "I can't ping the role {name} in <#{channel}>: it is not mentionable. Turn on \
         \"Allow anyone to @mention this role\" in its settings, or give me \"Mention @everyone, \
         @here, and All Roles\", then try again. Nothing was changed."
    )))
}

/// The type of `channel`: from the option or the interaction when they carry it, else REST.
pub async fn channel_kind(
    ctx: Context<'_>,
    channel: ChannelId,
    given: Option<ChannelType>,
) -> Option<ChannelType> {
    if given.is_some() {
        return given;
    }
    if let poise::Context::Application(app) = ctx
        && let Some(c) = &app.interaction.channel
        && c.id == channel
    {
        return Some(c.kind);
    }
    match ctx.http().get_channel(channel).await {
        Ok(serenity::Channel::Guild(c)) => Some(c.kind),
        _ => None,
    }
}

/// Crossposting needs an announcement channel.
pub fn crosspost_refusal(channel: ChannelId, kind: Option<ChannelType>) -> Option<String> {
    (kind != Some(ChannelType::News)).then(|| {
        format!(
            "<#{channel}> is not an announcement channel, so its posts cannot be crossposted. \
             Leave crosspost off, or pick an announcement channel. Nothing was changed."
        )
    })
}
