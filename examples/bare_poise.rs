//! The baseline of the hot-paths benchmark (benches/hot_paths.rs): a bare poise bot with one
//! `/ping` command whose option autocompletes, nothing else (no store, no checks), connected
//! as layoffs-bot connects (DISCORD_TOKEN, DISCORD_API_URL, the shards `GET /gateway/bot`
//! recommends). Usage: DISCORD_TOKEN=… DISCORD_API_URL=http://127.0.0.1:PORT bare_poise

use poise::serenity_prelude as serenity;

type Error = Box<dyn std::error::Error + Send + Sync>;
type Context<'a> = poise::Context<'a, (), Error>;

// poise calls autocomplete functions as async.
#[allow(clippy::unused_async)]
async fn complete(_ctx: Context<'_>, partial: &str) -> serenity::CreateAutocompleteResponse {
    let choice = format!("{partial}pong");
    serenity::CreateAutocompleteResponse::new().set_choices(vec![
        serenity::AutocompleteChoice::new(choice.clone(), choice),
    ])
}

/// Answers pong.
#[poise::command(slash_command)]
async fn ping(
    ctx: Context<'_>,
    #[description = "Anything"]
    #[autocomplete = "complete"]
    name: Option<String>,
) -> Result<(), Error> {
    ctx.say(format!("pong {}", name.unwrap_or_default()))
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let token = std::env::var("DISCORD_TOKEN")?;
    let mut http = serenity::HttpBuilder::new(&token);
    if let Ok(url) = std::env::var("DISCORD_API_URL") {
        http = http.proxy(url).ratelimiter_disabled(true);
    }
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: vec![ping()],
            ..Default::default()
        })
        .initialize_owners(false)
        .setup(|ctx, _ready, framework| {
            Box::pin(async move {
                poise::builtins::register_globally(ctx, &framework.options().commands).await?;
                Ok(())
            })
        })
        .build();
    let mut client =
        serenity::ClientBuilder::new_with_http(http.build(), serenity::GatewayIntents::GUILDS)
            .framework(framework)
            .await?;
    let gateway = client.http.get_bot_gateway().await?;
    *client.ws_url.lock().await = gateway.url;
    client.start_shards(gateway.shards.max(1)).await?;
    Ok(())
}
