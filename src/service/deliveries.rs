//! What the operator sees of the outbox (`layoffs-bot deliveries`) and the one thing they may
//! do to it: give dead posts of active subscriptions another round.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::store::{DeliveryRow, DisabledSubscription, Store};

/// The outbox as `deliveries` lists it.
#[derive(Debug, Clone)]
pub struct OutboxReport {
    /// Pending and failing posts.
    pub open: Vec<DeliveryRow>,
    pub disabled: Vec<DisabledSubscription>,
    /// The first dead posts, and how many there are in all.
    pub dead: Vec<DeliveryRow>,
    pub dead_total: u64,
}

/// Reads the outbox, listing at most `dead_shown` dead posts.
pub async fn outbox_report(store: &Store, dead_shown: u32) -> Result<OutboxReport> {
    let open = store.open_deliveries().await?;
    let disabled = store.disabled_subscriptions().await?;
    let (dead, dead_total) = store.dead_deliveries(dead_shown).await?;
    Ok(OutboxReport {
        open,
        disabled,
        dead,
        dead_total,
    })
}

/// Gives dead posts of active subscriptions another round of attempts from `now`; how many.
pub async fn retry_dead(store: &Store, now: DateTime<Utc>) -> Result<u64> {
    store.retry_dead(now).await
}

/// How many posts wait, and since when the oldest (health and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxState {
    pub waiting: u64,
    pub oldest: Option<DateTime<Utc>>,
}

/// The outbox's depth and its oldest waiting post; an error when the store does not answer.
pub async fn outbox_state(store: &Store) -> Result<OutboxState> {
    let (waiting, oldest) = store.waiting_posts().await?;
    Ok(OutboxState { waiting, oldest })
}
