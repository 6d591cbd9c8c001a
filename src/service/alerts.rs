//! Channel subscriptions: which channels of a tenant get posts about new events.

use chrono::{DateTime, Utc};

use crate::domain::{Actor, Company, Tenant};
use crate::error::{Error, Result};
use crate::store::{Store, Subscription, deliveries, subscriptions, tenants};

/// Subscribes `channel_id` of `tenant` to new events (of one company, if given).
pub async fn subscribe(
    store: &Store,
    tenant: &Tenant,
    channel_id: u64,
    company: Option<&Company>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Subscription> {
    let mut tx = store.begin_write().await?;
    let tenant_id = tenants::ensure(&mut tx, tenant).await?;
    let company_id = company.map(|c| c.id);
    if !subscriptions::upsert(&mut tx, tenant_id, channel_id, company_id, actor, now).await? {
        return Err(Error::Forbidden(
            "That channel is subscribed from another server; nothing was changed.".into(),
        ));
    }
    tx.commit().await?;
    store
        .subscriptions(tenant)
        .await?
        .into_iter()
        .find(|s| s.channel_id == channel_id)
        .ok_or_else(|| Error::NotFound("The subscription could not be read back.".into()))
}

/// Stops posts to a channel, those already waiting (or retrying) and edits of sent ones
/// included; false if it was not subscribed.
pub async fn unsubscribe(
    store: &Store,
    tenant: &Tenant,
    channel_id: u64,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = store.begin_write().await?;
    let Some(id) = subscriptions::remove(&mut tx, tenant, channel_id, now).await? else {
        return Ok(false);
    };
    deliveries::cancel_for_subscription(&mut tx, id, "the channel was unsubscribed").await?;
    tx.commit().await?;
    Ok(true)
}

/// A tenant's subscriptions, active or disabled.
pub async fn subscriptions(store: &Store, tenant: &Tenant) -> Result<Vec<Subscription>> {
    store.subscriptions(tenant).await
}
