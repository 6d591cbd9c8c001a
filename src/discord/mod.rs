//! The Discord glue: client and framework set-up, our error handler, the moderator check, and
//! the shared reply helpers. Everything here is thin; the work happens in `service`.

pub mod commands;
pub mod components;
pub mod permissions;

use poise::serenity_prelude as serenity;
use serenity::{CreateActionRow, CreateAllowedMentions, CreateEmbed, CreateEmbedFooter};

use crate::config::BotConfig;
use crate::error::{Error, Result};
use crate::render::EmbedView;
use crate::service::Moderator;
use crate::store::Store;

pub type Context<'a> = poise::Context<'a, Data, Error>;

/// What every command and component handler can reach.
#[derive(Debug)]
pub struct Data {
    pub store: Store,
    /// Events added by this guild's moderators are global.
    pub home_guild: Option<u64>,
    /// Wakes the delivery worker after an event is added.
    pub outbox: std::sync::Arc<tokio::sync::Notify>,
}

/// The embed colour: a muted red.
const COLOUR: u32 = 0x00C0_392B;

/// The framework's options: our commands, no pings, our error handler, buttons routed.
pub fn options() -> poise::FrameworkOptions<Data, Error> {
    poise::FrameworkOptions {
        commands: commands::all(),
        allowed_mentions: Some(CreateAllowedMentions::new()),
        on_error: |error| Box::pin(on_error(error)),
        pre_command: |ctx| {
            Box::pin(async move {
                tracing::info!(
                    command = %ctx.command().qualified_name,
                    guild = ?ctx.guild_id().map(serenity::GuildId::get),
                    user = %ctx.author().id,
                    "command"
                );
            })
        },
        event_handler: |framework, event| {
            Box::pin(async move {
                if let serenity::FullEvent::InteractionCreate {
                    interaction: serenity::Interaction::Component(component),
                } = event
                {
                    components::handle(framework.serenity_context, component, framework.user_data)
                        .await;
                }
                Ok(())
            })
        },
        // Owners are not used; skipping the lookup saves a request at start.
        initialize_owners: false,
        ..Default::default()
    }
}

/// Connects to Discord (or `DISCORD_API_URL`) and serves until Ctrl-C or SIGTERM.
pub async fn run(config: BotConfig, store: Store) -> Result<()> {
    let mut http = serenity::HttpBuilder::new(config.token.expose());
    if let Some(url) = &config.api_url {
        // serenity's own rate limiter ignores the proxy, so it must be off behind one.
        http = http.proxy(url.clone()).ratelimiter_disabled(true);
        tracing::info!(api_url = %url, "sending Discord REST calls to DISCORD_API_URL");
    }
    let base = config.api_url.as_deref().unwrap_or("https://discord.com");
    let poster = crate::notify::HttpPoster::new(base, config.token.clone())
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
    let backoff = crate::notify::Backoff {
        base: config.retry_base,
        ..crate::notify::Backoff::default()
    };
    let outbox = crate::notify::Outbox::new(store.clone(), poster, backoff);
    let data = Data {
        store,
        home_guild: config.home_guild,
        outbox: outbox.waker(),
    };
    // The worker starts once, here, not on Ready (which fires again on every reconnect).
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(outbox.run(stopped));
    let dev_guild = config.dev_guild;
    let framework = poise::Framework::builder()
        .options(options())
        // The builder's own flag wins over the options'.
        .initialize_owners(false)
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match dev_guild {
                    Some(guild) => {
                        poise::builtins::register_in_guild(ctx, commands, serenity::GuildId::new(guild))
                            .await?;
                    }
                    None => poise::builtins::register_globally(ctx, commands).await?,
                }
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "ready; commands registered");
                Ok(data)
            })
        })
        .build();
    let intents = serenity::GatewayIntents::GUILDS;
    let mut client = serenity::ClientBuilder::new_with_http(http.build(), intents)
        .framework(framework)
        .await?;
    // Bots take their gateway URL from /gateway/bot.
    match client.http.get_bot_gateway().await {
        Ok(gateway) => *client.ws_url.lock().await = gateway.url,
        Err(e) => tracing::warn!(error = %e, "GET /gateway/bot failed; using the default URL"),
    }
    let shards = client.shard_manager.clone();
    // serenity's start() does not return on shutdown while no shard could connect (Discord
    // unreachable), so the signal ends the wait itself.
    let result = tokio::select! {
        r = client.start() => r.map_err(Error::from),
        () = shutdown_signal() => {
            tracing::info!("shutting down");
            shards.shutdown_all().await;
            Ok(())
        }
    };
    // Let the worker finish the round under way, then stop.
    let _ = stop.send(true);
    if let Err(e) = worker.await {
        tracing::error!(error = %e, "the delivery worker panicked");
    }
    result
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Logs the full error; tells the user only what they can act on, ephemerally.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            if error.is_user_error() {
                tracing::debug!(command = %ctx.command().qualified_name, error = %error, "refused");
            } else {
                tracing::error!(command = %ctx.command().qualified_name, error = %error, "command failed");
            }
            let _ = ctx.send(ephemeral(&error.user_message())).await;
        }
        poise::FrameworkError::ArgumentParse {
            error, input, ctx, ..
        } => {
            tracing::debug!(command = %ctx.command().qualified_name, error = %error, "bad argument");
            let text = match input {
                Some(input) => format!(
                    "This option is not valid: {}",
                    crate::render::truncate(&input, 100)
                ),
                None => "One of the options is not valid.".to_string(),
            };
            let _ = ctx.send(ephemeral(&text)).await;
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            let _ = ctx
                .send(ephemeral("This command works in servers only."))
                .await;
        }
        poise::FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %error, "start-up failed (command registration)");
        }
        other => {
            // Anything else that came from an interaction still gets an answer.
            tracing::error!(error = %other, "framework error");
            if let Some(ctx) = other.ctx() {
                let _ = ctx
                    .send(ephemeral(
                        "Something went wrong on our side. It has been logged; please try again later.",
                    ))
                    .await;
            }
        }
    }
}

/// A reply only the user sees, with no pings.
pub fn ephemeral(text: &str) -> poise::CreateReply {
    poise::CreateReply::default()
        .content(crate::render::truncate(text, 2000))
        .ephemeral(true)
        .allowed_mentions(CreateAllowedMentions::new())
}

/// A reply with an embed (and buttons), no pings.
pub fn embed_reply(
    view: &EmbedView,
    buttons: Vec<CreateActionRow>,
    ephemeral: bool,
) -> poise::CreateReply {
    poise::CreateReply::default()
        .embed(to_embed(view))
        .components(buttons)
        .ephemeral(ephemeral)
        .allowed_mentions(CreateAllowedMentions::new())
}

pub fn to_embed(view: &EmbedView) -> CreateEmbed {
    let mut embed = CreateEmbed::new().title(&view.title).colour(COLOUR);
    if !view.description.is_empty() {
        embed = embed.description(&view.description);
    }
    for (name, value) in &view.fields {
        embed = embed.field(name, value, false);
    }
    if !view.footer.is_empty() {
        embed = embed.footer(CreateEmbedFooter::new(&view.footer));
    }
    embed
}

/// Whether these member permissions make a moderator: Manage Server or Administrator.
pub fn is_moderator(permissions: Option<serenity::Permissions>) -> bool {
    permissions.is_some_and(|p| p.manage_guild() || p.administrator())
}

pub const NOT_A_MODERATOR: &str = "You need the Manage Server permission to do this.";

/// The moderator behind a command, checked on the server side on every call.
pub fn moderator(ctx: Context<'_>) -> Result<Moderator> {
    let guild = ctx
        .guild_id()
        .ok_or_else(|| Error::Forbidden("This command works in servers only.".into()))?;
    let permissions = match ctx {
        poise::Context::Application(app) => {
            app.interaction.member.as_ref().and_then(|m| m.permissions)
        }
        poise::Context::Prefix(_) => None,
    };
    if !is_moderator(permissions) {
        return Err(Error::Forbidden(NOT_A_MODERATOR.into()));
    }
    Ok(Moderator {
        user: ctx.author().id.get(),
        guild: guild.get(),
        home_guild: ctx.data().home_guild,
    })
}
