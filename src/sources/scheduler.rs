//! The running bot's source scheduler: started once beside the delivery worker, it syncs each
//! source when due (a few at a time, so one slow or failing source never holds up the others)
//! and sleeps until the next is due, or until shutdown.

use std::time::Duration;

use chrono::Utc;
use futures::StreamExt as _;
use tokio::sync::watch;

use super::fetch::Fetcher;
use crate::domain::source_spec::SourceName;
use crate::service::sources as service;
use crate::store::Store;

/// Sources synced at once.
const AT_ONCE: usize = 4;
/// Looks again at least this often: sources added or changed by the CLI meanwhile.
const LOOK_EVERY: Duration = Duration::from_mins(1);

/// Syncs due sources until `shutdown` turns true; a sync under way finishes or is dropped
/// (its import then rolls back and the next run does it again).
pub async fn run(store: Store, fetcher: Fetcher, mut shutdown: watch::Receiver<bool>) {
    let owner = service::lease_owner("bot");
    while !*shutdown.borrow() {
        let round = round(&store, &fetcher, &owner);
        tokio::select! {
            () = round => {}
            _ = shutdown.changed() => break,
        }
        let wait = match service::next_due(&store).await {
            Ok(Some(at)) => (at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(LOOK_EVERY),
            Ok(None) => LOOK_EVERY,
            Err(e) => {
                tracing::error!(error = %e, "could not read when sources are due");
                LOOK_EVERY
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait.max(Duration::from_secs(1))) => {}
            _ = shutdown.changed() => {}
        }
    }
    tracing::info!("source scheduler stopped");
}

/// One pass over the sources due now.
async fn round(store: &Store, fetcher: &Fetcher, owner: &str) {
    let names = match service::due(store, Utc::now()).await {
        Ok(names) => names,
        Err(e) => {
            tracing::error!(error = %e, "could not read the due sources");
            return;
        }
    };
    futures::stream::iter(names)
        .for_each_concurrent(AT_ONCE, |name| async move {
            let Ok(name) = SourceName::parse(&name) else {
                return;
            };
            if let Err(e) = super::sync(store, fetcher, &name, owner, Utc::now()).await {
                tracing::error!(source = name.as_str(), error = %e, "source sync failed on our side");
            }
        })
        .await;
}
