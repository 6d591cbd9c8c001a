//! Wiring: configuration → store → delivery worker → front ends → shutdown. The one place
//! that knows every part; `main` and the CLI call it, and nothing below calls back.

use std::future::Future;

use crate::config::BotConfig;
use crate::discord;
use crate::domain::Tenant;
use crate::error::{Error, Result};
use crate::notify::{Backoff, HttpPoster, Worker};
use crate::store::Store;

/// Runs the bot until Ctrl-C or SIGTERM: the delivery worker (started once, here, not on
/// Ready, which fires again on every reconnect) and the Discord front end.
pub async fn run(config: BotConfig, store: Store) -> Result<()> {
    serve(config, store, shutdown_signal()).await
}

/// [`run`], stopping when `shutdown` completes.
pub async fn serve(
    config: BotConfig,
    store: Store,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let base = config.api_url.as_deref().unwrap_or("https://discord.com");
    let poster = HttpPoster::new(base, config.token.clone())
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
    let backoff = Backoff {
        base: config.retry_base,
        ..Backoff::default()
    };
    let worker = Worker::new(store.clone(), poster, backoff).with_digest_hour(config.digest_hour);
    let data = discord::Data {
        store,
        home: config.home_guild.map(Tenant::discord),
        wake: worker.wake(),
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(worker.run(stopped));
    let result = discord::run(&config, data, shutdown).await;
    // Let the worker finish the round under way, then stop.
    let _ = stop.send(true);
    if let Err(e) = worker.await {
        tracing::error!(error = %e, "the delivery worker panicked");
    }
    result
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
