//! Channel subscriptions: which channels of a tenant get posts (filters, mode, role, crosspost,
//! filings), and test posts through the real delivery path.

use chrono::{DateTime, Utc};

pub use super::alert_settings::{AlertRequest, settings_of};
use crate::domain::{Actor, AlertSettings, ChannelRef, Tenant};
use crate::error::{Error, Result};
use crate::render::replies::ListedSubscription;
use crate::store::{DeliveryOutcome, Store, Subscription, outbox, subscriptions, tenants};

/// A subscription as written, and what changed (None: the channel was not subscribed).
#[derive(Debug, Clone)]
pub struct Subscribed {
    pub subscription: Subscription,
    pub changed: Option<Vec<&'static str>>,
    /// It was subscribed but disabled (a 403 or 404): subscribing turned it back on.
    pub reenabled: bool,
}

/// Subscribes `channel` of `tenant` with `settings`, or updates its subscription.
pub async fn subscribe(
    store: &Store,
    tenant: &Tenant,
    channel: &ChannelRef,
    settings: &AlertSettings,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Subscribed> {
    let before = subscription_of(store, tenant, channel).await?;
    let mut tx = store.begin_write().await?;
    let tenant_id = tenants::ensure(&mut tx, tenant).await?;
    if !subscriptions::upsert(&mut tx, tenant_id, channel, settings, actor, now).await? {
        return Err(Error::Forbidden(format!(
            "That channel is subscribed from another {}; nothing was changed.",
            tenant.platform().community()
        )));
    }
    tx.commit().await?;
    let subscription = subscription_of(store, tenant, channel)
        .await?
        .ok_or_else(|| Error::NotFound("The subscription could not be read back.".into()))?;
    let reenabled = before.as_ref().is_some_and(|b| !b.active);
    let changed = before.map(|b| settings.changed_from(&b.settings));
    Ok(Subscribed {
        subscription,
        changed,
        reenabled,
    })
}

/// A channel's subscription in `tenant` (active or disabled), if any.
pub async fn subscription_of(
    store: &Store,
    tenant: &Tenant,
    channel: &ChannelRef,
) -> Result<Option<Subscription>> {
    Ok(store
        .subscriptions(tenant)
        .await?
        .into_iter()
        .find(|s| s.channel == *channel))
}

/// Stops posts to a channel, those already waiting (or retrying) and edits of sent ones
/// included; false if it was not subscribed.
pub async fn unsubscribe(
    store: &Store,
    tenant: &Tenant,
    channel: &ChannelRef,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let Some(id) = subscriptions::remove(&mut tx, tenant, channel, now).await? else {
        return Ok(false);
    };
    outbox::cancel_for_subscription(&mut tx, id, "the channel was unsubscribed").await?;
    tx.commit().await?;
    Ok(true)
}

/// A subscription as `/layoff-alerts list` shows it.
pub fn listed(s: &Subscription) -> ListedSubscription<'_> {
    ListedSubscription {
        channel: &s.channel,
        names: &s.names,
        settings: &s.settings,
        disabled: (!s.active).then_some(s.disabled_reason.as_deref()),
        last_post_at: s.last_post_at,
    }
}

/// A tenant's subscriptions, active or disabled.
pub async fn subscriptions(store: &Store, tenant: &Tenant) -> Result<Vec<Subscription>> {
    store.subscriptions(tenant).await
}

/// Queues a marked test post for a subscribed channel: the newest event its filters match,
/// or a sample. Returns the delivery's id, to wait for its outcome.
pub async fn queue_test(
    store: &Store,
    tenant: &Tenant,
    channel: &ChannelRef,
    now: DateTime<Utc>,
) -> Result<i64> {
    let Some(sub) = subscription_of(store, tenant, channel).await? else {
        return Err(Error::NotFound(
            "That channel is not subscribed. Subscribe it first with /layoff-alerts subscribe."
                .into(),
        ));
    };
    if !sub.active {
        return Err(Error::Forbidden(format!(
            "That channel's alerts are disabled ({}). Subscribe it again to turn them back on.",
            sub.disabled_reason.as_deref().unwrap_or("unknown reason")
        )));
    }
    let event = store.newest_matching(tenant, &sub.settings.filter).await?;
    let id = store.queue_test(sub.id, event, now).await?.ok_or_else(|| {
        Error::Forbidden("A test post was just queued; try again in a moment.".into())
    })?;
    store.outbox_written();
    Ok(id)
}

/// How long a test post is waited for: chat platforms want an answer within 3 seconds, and a
/// post normally takes a fraction of one.
const TEST_WAIT: std::time::Duration = std::time::Duration::from_millis(2_300);

/// How test delivery `id` ended, once the worker is done with it; None if it is still under
/// way after [`TEST_WAIT`]. Reads the row, so the worker may be another process.
pub async fn test_outcome(store: &Store, id: i64) -> Result<Option<DeliveryOutcome>> {
    let give_up = tokio::time::Instant::now() + TEST_WAIT;
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
    while tokio::time::Instant::now() < give_up {
        tick.tick().await;
        if let Some(outcome) = store.delivery_outcome(id).await? {
            return Ok(Some(outcome));
        }
    }
    Ok(None)
}
