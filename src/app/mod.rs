//! Wiring: configuration → store → delivery worker → front ends → shutdown. The one place
//! that knows every part; `main` and the CLI call it, and nothing below calls back.

mod posters;

use std::future::Future;

use tokio::task::JoinHandle;

use crate::config::{RunConfig, WebConfig};
use crate::discord;
use crate::discord::DiscordPoster;
use crate::domain::Tenant;
use crate::error::{Error, Result};
use crate::health::{self, Health, ProbeSlot};
use crate::notify::{Backoff, Worker};
use crate::serve::Limits;
use crate::slack::{self, SlackApp, SlackPoster, api::SlackApi};
use crate::store::Store;
use crate::store::snapshot::StoreLock;
use crate::web;
pub use posters::Posters;

/// Runs the bot until Ctrl-C or SIGTERM: the delivery worker (started once, here, not on
/// Ready, which fires again on every reconnect) and each configured front end.
pub async fn run(config: RunConfig, store: Store) -> Result<()> {
    serve(config, store, shutdown_signal()).await
}

/// The poster of each configured platform.
fn posters(config: &RunConfig) -> Result<(Posters, Option<SlackApi>)> {
    let http = |e: reqwest::Error| Error::Config(format!("cannot build the HTTP client: {e}"));
    let discord = match &config.discord {
        Some(d) => {
            let base = d.api_url.as_deref().unwrap_or("https://discord.com");
            Some(DiscordPoster::new(base, d.token.clone()).map_err(http)?)
        }
        None => None,
    };
    let slack_api = match &config.slack {
        Some(s) => Some(SlackApi::new(&s.api_url, s.bot_token.clone()).map_err(http)?),
        None => None,
    };
    let slack = slack_api.clone().map(SlackPoster::new);
    Ok((Posters { discord, slack }, slack_api))
}

/// [`run`], stopping when `shutdown` completes.
pub async fn serve(
    config: RunConfig,
    store: Store,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    // Held while the bot runs: a restore refuses to replace the store under it.
    let _lock = match store.file() {
        Some(path) => Some(StoreLock::shared(&path)?),
        None => None,
    };
    let (posters, slack_api) = posters(&config)?;
    let backoff = Backoff {
        base: config.retry_base,
        ..Backoff::default()
    };
    let worker = Worker::new(store.clone(), posters, backoff).with_digest_hour(config.digest_hour);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // The source scheduler lives beside the worker, started once and stopped with it.
    let scheduler = crate::sources::scheduler::run(
        store.clone(),
        crate::sources::fetch::Fetcher::new()?,
        stopped.clone(),
    );
    let delivering = worker.run(stopped.clone());
    let worker = tokio::spawn(async move {
        tokio::join!(delivering, scheduler);
    });
    let (discord_up, slack_up) = (ProbeSlot::default(), ProbeSlot::default());
    serve_listeners(&config, &store, (&discord_up, &slack_up), &stopped).await?;
    let slack = match (&config.slack, slack_api) {
        (Some(c), Some(api)) => {
            let app = SlackApp::new(c, store.clone(), api);
            let config = c.clone();
            Some(tokio::spawn(async move {
                slack::run(&config, app, slack_up, until(stopped)).await
            }))
        }
        _ => None,
    };
    let result = if let Some(d) = &config.discord {
        let data = discord::Data {
            store,
            home: d.home_guild.map(Tenant::discord),
        };
        discord::run(d, data, discord_up, shutdown).await
    } else {
        shutdown.await;
        Ok(())
    };
    // Let the worker finish the round under way, and the Slack endpoints their requests.
    let _ = stop.send(true);
    finished(slack, worker).await;
    result
}

/// The web page and the health endpoints, where configured; each configured platform's
/// connection is one of `/readyz`'s conditions.
async fn serve_listeners(
    config: &RunConfig,
    store: &Store,
    (discord_up, slack_up): (&ProbeSlot, &ProbeSlot),
    stopped: &tokio::sync::watch::Receiver<bool>,
) -> Result<()> {
    if let Some(web) = &config.web {
        serve_web(web, store.clone(), stopped.clone()).await?;
    }
    let Some(addr) = config.metrics_listen else {
        return Ok(());
    };
    let mut platforms = Vec::new();
    if config.discord.is_some() {
        platforms.push(("Discord", discord_up.clone()));
    }
    if config.slack.is_some() {
        platforms.push(("Slack", slack_up.clone()));
    }
    let health = Health {
        store: store.clone(),
        platforms,
    };
    listen(
        addr,
        "METRICS_LISTEN_ADDR",
        health::router(health),
        stopped.clone(),
    )
    .await
}

/// Waits for the Slack front end and the worker to stop, logging how they ended.
async fn finished(slack: Option<JoinHandle<Result<()>>>, worker: JoinHandle<()>) {
    if let Some(slack) = slack {
        match slack.await {
            Ok(Err(e)) => tracing::error!(error = %e, "the Slack front end failed"),
            Err(e) => tracing::error!(error = %e, "the Slack front end panicked"),
            Ok(Ok(())) => {}
        }
    }
    if let Err(e) = worker.await {
        tracing::error!(error = %e, "the delivery worker or the source scheduler panicked");
    }
}

/// Completes when `stopped` turns true.
async fn until(mut stopped: tokio::sync::watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// Binds `addr` now (a taken port fails the start, naming the setting `setting`) and serves
/// `router` on the bounded accept loop until the bot stops.
async fn listen(
    addr: std::net::SocketAddr,
    setting: &str,
    router: axum::Router,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {setting} {addr}: {e}")))?;
    tracing::info!(%addr, setting, "listening");
    let serving = crate::serve::serve(listener, router, Limits::standard(), until(stopped));
    tokio::spawn(serving);
    Ok(())
}

/// Serves the web page on `WEB_LISTEN_ADDR` until the bot stops.
async fn serve_web(
    config: &WebConfig,
    store: Store,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> Result<()> {
    let web = web::Web {
        store,
        base: config.base_url.clone(),
    };
    listen(
        config.listen,
        "WEB_LISTEN_ADDR",
        web::router(web).await?,
        stopped,
    )
    .await
}

/// `layoffs-bot web`: the web page alone, until Ctrl-C or SIGTERM.
pub async fn web_only(config: WebConfig, store: Store) -> Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    serve_web(&config, store, stopped).await?;
    shutdown_signal().await;
    let _ = stop.send(true);
    Ok(())
}

/// Completes on Ctrl-C or (on Unix) SIGTERM.
pub async fn shutdown_signal() {
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
