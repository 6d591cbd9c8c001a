//! Whether the bot may post in a channel: View Channel, Send Messages and Embed Links, from
//! the interaction itself, the cache, or Discord's REST API, in that order.

use poise::serenity_prelude as serenity;
use serenity::{
    ChannelId, GuildId, PermissionOverwrite, PermissionOverwriteType, Permissions, RoleId, UserId,
};

use super::Context;
use crate::error::{Error, Result};

/// What posting an embed needs, with the names Discord's settings use.
pub const NEEDED: [(Permissions, &str); 3] = [
    (Permissions::VIEW_CHANNEL, "View Channel"),
    (Permissions::SEND_MESSAGES, "Send Messages"),
    (Permissions::EMBED_LINKS, "Embed Links"),
];

/// What posting a picture (a digest's chart) needs besides.
pub const FILES: (Permissions, &str) = (Permissions::ATTACH_FILES, "Attach Files");

/// The names of the permissions the bot lacks in `channel` (empty: it can post), Attach
/// Files included when `files`.
pub async fn missing_for_posting(
    ctx: Context<'_>,
    channel: ChannelId,
    files: bool,
) -> Result<Vec<&'static str>> {
    let have = bot_permissions(ctx, channel).await?;
    let mut lacking = missing(have);
    if files && !have.administrator() && !have.contains(FILES.0) {
        lacking.push(FILES.1);
    }
    Ok(lacking)
}

/// What alerts in `channel` need that the bot lacks: in a forum, Create Posts (Send Messages
/// there) and Send Messages in Threads; a thread under each post needs Create Public Threads.
pub async fn missing_for_alerts(
    ctx: Context<'_>,
    channel: ChannelId,
    forum: bool,
    threads: bool,
) -> Result<Vec<&'static str>> {
    let have = bot_permissions(ctx, channel).await?;
    if have.administrator() {
        return Ok(Vec::new());
    }
    let needed: &[(Permissions, &str)] = match (forum, threads) {
        (true, _) => &[
            (Permissions::VIEW_CHANNEL, "View Channel"),
            (Permissions::SEND_MESSAGES, "Create Posts"),
            (
                Permissions::SEND_MESSAGES_IN_THREADS,
                "Send Messages in Threads",
            ),
            (Permissions::EMBED_LINKS, "Embed Links"),
        ],
        (false, true) => &[
            (Permissions::VIEW_CHANNEL, "View Channel"),
            (Permissions::SEND_MESSAGES, "Send Messages"),
            (Permissions::EMBED_LINKS, "Embed Links"),
            (Permissions::CREATE_PUBLIC_THREADS, "Create Public Threads"),
        ],
        (false, false) => &NEEDED,
    };
    Ok(needed
        .iter()
        .filter(|(p, _)| !have.contains(*p))
        .map(|(_, name)| *name)
        .collect())
}

pub fn missing(have: Permissions) -> Vec<&'static str> {
    if have.administrator() {
        return Vec::new();
    }
    NEEDED
        .iter()
        .filter(|(p, _)| !have.contains(*p))
        .map(|(_, name)| *name)
        .collect()
}

pub async fn bot_permissions(ctx: Context<'_>, channel: ChannelId) -> Result<Permissions> {
    let poise::Context::Application(app) = ctx else {
        return Ok(Permissions::empty());
    };
    // Discord sends the bot's permissions in the channel the command was used in.
    if channel == app.interaction.channel_id
        && let Some(p) = app.interaction.app_permissions
    {
        return Ok(p);
    }
    let Some(guild_id) = ctx.guild_id() else {
        return Ok(Permissions::empty());
    };
    let bot = ctx.framework().bot_id();
    let cached = ctx.cache().guild(guild_id).and_then(|guild| {
        let channel = guild.channels.get(&channel)?;
        let member = guild.members.get(&bot)?;
        Some(guild.user_permissions_in(channel, member))
    });
    if let Some(p) = cached {
        return Ok(p);
    }
    let http = ctx.http();
    let channel_id = channel;
    let channel = match http.get_channel(channel).await {
        Ok(channel) => channel,
        Err(e) => {
            // Discord answers 403/404 for a channel the bot cannot see.
            tracing::warn!(error = %e, %channel, "cannot fetch the channel; treating it as unviewable");
            return Ok(Permissions::empty());
        }
    };
    // A forged option may name another server's channel: never subscribe it here.
    let overwrites = match channel.guild() {
        Some(c) if c.guild_id == guild_id => c.permission_overwrites,
        _ => {
            return Err(Error::Forbidden(format!(
                "<#{channel_id}> is not a channel of this server; nothing was subscribed."
            )));
        }
    };
    let roles = http.get_guild_roles(guild_id).await?;
    let member = http.get_member(guild_id, bot).await?;
    let role_perms: Vec<(RoleId, Permissions)> =
        roles.iter().map(|r| (r.id, r.permissions)).collect();
    Ok(compute(
        guild_id,
        bot,
        &member.roles,
        &role_perms,
        &overwrites,
    ))
}

/// Discord's permission algorithm: base from @everyone and the member's roles, then channel
/// overwrites for @everyone, the roles (deny then allow), and the member.
pub fn compute(
    guild: GuildId,
    user: UserId,
    member_roles: &[RoleId],
    roles: &[(RoleId, Permissions)],
    overwrites: &[PermissionOverwrite],
) -> Permissions {
    let everyone = RoleId::new(guild.get());
    let mut base = Permissions::empty();
    for (id, p) in roles {
        if *id == everyone || member_roles.contains(id) {
            base |= *p;
        }
    }
    if base.administrator() {
        return Permissions::all();
    }
    let mut perms = base;
    for o in overwrites {
        if o.kind == PermissionOverwriteType::Role(everyone) {
            perms = (perms & !o.deny) | o.allow;
        }
    }
    let (mut allow, mut deny) = (Permissions::empty(), Permissions::empty());
    for o in overwrites {
        if let PermissionOverwriteType::Role(r) = o.kind
            && r != everyone
            && member_roles.contains(&r)
        {
            allow |= o.allow;
            deny |= o.deny;
        }
    }
    perms = (perms & !deny) | allow;
    for o in overwrites {
        if o.kind == PermissionOverwriteType::Member(user) {
            perms = (perms & !o.deny) | o.allow;
        }
    }
    perms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overwrite(
        kind: PermissionOverwriteType,
        allow: Permissions,
        deny: Permissions,
    ) -> PermissionOverwrite {
        PermissionOverwrite { allow, deny, kind }
    }

    #[test]
    fn overwrites_apply_in_discords_order() {
        let guild = GuildId::new(1);
        let everyone = RoleId::new(1);
        let bot_role = RoleId::new(2);
        let user = UserId::new(9);
        let base =
            Permissions::VIEW_CHANNEL | Permissions::SEND_MESSAGES | Permissions::EMBED_LINKS;
        let roles = [(everyone, base), (bot_role, Permissions::empty())];
        assert!(missing(compute(guild, user, &[bot_role], &roles, &[])).is_empty());

        let deny_send = overwrite(
            PermissionOverwriteType::Role(everyone),
            Permissions::empty(),
            Permissions::SEND_MESSAGES,
        );
        let got = compute(
            guild,
            user,
            &[bot_role],
            &roles,
            std::slice::from_ref(&deny_send),
        );
        assert_eq!(missing(got), ["Send Messages"]);

        let allow_role = overwrite(
            PermissionOverwriteType::Role(bot_role),
            Permissions::SEND_MESSAGES,
            Permissions::empty(),
        );
        assert!(
            missing(compute(
                guild,
                user,
                &[bot_role],
                &roles,
                &[deny_send.clone(), allow_role]
            ))
            .is_empty()
        );

        let deny_member = overwrite(
            PermissionOverwriteType::Member(user),
            Permissions::empty(),
            Permissions::EMBED_LINKS | Permissions::VIEW_CHANNEL,
        );
        assert_eq!(
            missing(compute(guild, user, &[bot_role], &roles, &[deny_member])),
            ["View Channel", "Embed Links"]
        );

        let admin = [(everyone, Permissions::ADMINISTRATOR)];
        assert_eq!(
            compute(guild, user, &[], &admin, &[deny_send]),
            Permissions::all()
        );
    }
}
