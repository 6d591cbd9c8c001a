//! The Discord front end: serenity + poise set-up (commands, error handler, buttons, shards),
//! a thin adapter over `service` and `render`. Nothing outside this module names serenity
//! or poise.

pub mod alert_checks;
mod answers;
pub mod checks;
pub mod choices;
pub mod commands;
pub mod components;
pub mod errors;
pub mod forms;
mod forum;
pub mod permissions;
pub mod poster;
pub mod reply;

use std::future::Future;

use poise::serenity_prelude as serenity;
use serenity::CreateAllowedMentions;

use crate::config::DiscordConfig;
use crate::domain::Tenant;
use crate::error::{Error, Result};
use crate::health::ProbeSlot;
use crate::store::Store;
pub use poster::DiscordPoster;

pub type Context<'a> = poise::Context<'a, Data, Error>;

/// What every command and component handler can reach.
#[derive(Debug)]
pub struct Data {
    pub store: Store,
    /// Events added by this tenant's moderators are global (`HOME_GUILD_ID`).
    pub home: Option<Tenant>,
}

impl From<serenity::Error> for Error {
    fn from(e: serenity::Error) -> Self {
        Self::Platform {
            platform: "Discord",
            source: Box::new(e),
        }
    }
}

/// The tenant of a guild.
pub fn tenant(guild: serenity::GuildId) -> Tenant {
    Tenant::discord(guild.get())
}

/// The framework's options: our commands, no pings, our error handler, buttons routed.
pub fn options() -> poise::FrameworkOptions<Data, Error> {
    poise::FrameworkOptions {
        commands: commands::all(),
        allowed_mentions: Some(CreateAllowedMentions::new()),
        on_error: |error| Box::pin(errors::on_error(error)),
        post_command: |ctx| {
            Box::pin(async move {
                errors::counted(ctx, crate::telemetry::Outcome::Ok).await;
                tell_paused_follows(ctx).await;
            })
        },
        pre_command: |ctx| {
            Box::pin(async move {
                ctx.set_invocation_data(std::time::Instant::now()).await;
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
                let ctx = framework.serenity_context;
                match event {
                    serenity::FullEvent::InteractionCreate {
                        interaction: serenity::Interaction::Component(component),
                    } => components::handle(ctx, component, framework.user_data).await,
                    serenity::FullEvent::InteractionCreate {
                        interaction: serenity::Interaction::Modal(modal),
                    } => forms::handle(ctx, modal, framework.user_data).await,
                    _ => {}
                }
                Ok(())
            })
        },
        // Owners are not used; skipping the lookup saves a request at start.
        initialize_owners: false,
        ..Default::default()
    }
}

/// Once after the person's follows were paused (a DM refused), their next command says why
/// and how to resume, only to them.
async fn tell_paused_follows(ctx: Context<'_>) {
    let who = commands::follow::person(ctx);
    match crate::service::follows::pause_notice(&ctx.data().store, &who).await {
        Ok(Some(notice)) => {
            if let Err(e) = ctx.send(reply::ephemeral(&notice)).await {
                tracing::warn!(error = %e, "could not tell a person their follows are paused");
            }
        }
        Ok(None) => {}
        Err(e) => tracing::error!(error = %e, "could not read a person's follow pause"),
    }
}

/// Connects to Discord (or `DISCORD_API_URL`) with the recommended number of shards and
/// serves until `shutdown` completes.
pub async fn run(
    config: &DiscordConfig,
    data: Data,
    connected: ProbeSlot,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let mut http = serenity::HttpBuilder::new(config.token.expose());
    if let Some(url) = &config.api_url {
        // serenity's own rate limiter ignores the proxy, so it must be off behind one.
        http = http.proxy(url.clone()).ratelimiter_disabled(true);
        tracing::info!(api_url = %redacted(url), "sending Discord REST calls to DISCORD_API_URL");
    }
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
                        let guild = serenity::GuildId::new(guild);
                        poise::builtins::register_in_guild(ctx, commands, guild).await?;
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
    let shards = client.shard_manager.clone();
    connected.set(every_shard_connected(shards.clone()));
    // serenity's start() does not return on shutdown while no shard could connect (Discord
    // unreachable), so the signal ends the wait itself.
    tokio::select! {
        r = start(&mut client) => r,
        () = shutdown => {
            tracing::info!("shutting down");
            shards.shutdown_all().await;
            Ok(())
        }
    }
}

/// Connected while every shard runs and is connected (a shard that lost its gateway is
/// removed from the manager until it connects again).
fn every_shard_connected(shards: std::sync::Arc<serenity::ShardManager>) -> crate::health::Probe {
    std::sync::Arc::new(move || {
        let shards = shards.clone();
        Box::pin(async move {
            let runners = shards.runners.lock().await;
            !runners.is_empty()
                && runners
                    .values()
                    .all(|r| r.stage == serenity::ConnectionStage::Connected)
        })
    })
}

/// Starts as many shards as Discord recommends (`GET /gateway/bot`), at its gateway URL; one
/// shard at the default URL when that call fails (serenity then retries the connection).
async fn start(client: &mut serenity::Client) -> Result<()> {
    match client.http.get_bot_gateway().await {
        Ok(gateway) => {
            tracing::info!(shards = gateway.shards, "starting shards");
            *client.ws_url.lock().await = gateway.url;
            client.start_shards(gateway.shards.max(1)).await?;
        }
        Err(e) => {
            tracing::warn!(error = %e, "GET /gateway/bot failed; starting one shard at the default URL");
            client.start().await?;
        }
    }
    Ok(())
}

/// A URL without any user:password it may carry, for logs.
fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://***@{host}{path}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_the_api_url_are_not_logged() {
        assert_eq!(redacted("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(
            redacted("https://user:pw@proxy.example/x"),
            "https://***@proxy.example/x"
        );
        assert_eq!(redacted("http://host/path@x"), "http://host/path@x");
    }
}
