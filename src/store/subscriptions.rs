//! Channel subscriptions to new events: subscribe, unsubscribe, list, and disable when the
//! channel is gone or closed to the bot.

use chrono::{DateTime, Utc};

use super::{Conn, Store, snowflake_from_db, snowflake_to_db, tenants};
use crate::domain::{Actor, Tenant};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub channel_id: u64,
    pub company_id: Option<i64>,
    pub company: Option<String>,
    pub active: bool,
    pub disabled_reason: Option<String>,
}

/// A subscription the worker turned off, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisabledSubscription {
    pub tenant: String,
    pub channel_id: u64,
    pub reason: String,
}

/// Subscribes a channel of `tenant_id` (or updates and re-enables its subscription). False,
/// and nothing written, if another tenant has the channel subscribed.
pub async fn upsert(
    conn: &mut Conn,
    tenant_id: i64,
    channel_id: u64,
    company_id: Option<i64>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    let channel = snowflake_to_db(channel_id);
    let actor = actor.as_str();
    let done = sqlx::query!(
        "INSERT INTO subscriptions (tenant_id, channel_id, company_id, active, created_by,
                                    created_at, updated_at)
         VALUES (?1, ?2, ?3, 1, ?4, ?5, ?5)
         ON CONFLICT (channel_id) DO UPDATE SET
             company_id = excluded.company_id, active = 1, disabled_reason = NULL,
             removed_at = NULL, updated_at = excluded.updated_at
         WHERE subscriptions.tenant_id = excluded.tenant_id",
        tenant_id,
        channel,
        company_id,
        actor,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Removes a channel's subscription; its id, or None if it had none.
pub async fn remove(
    conn: &mut Conn,
    tenant: &Tenant,
    channel_id: u64,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let (platform, external) = tenants::bind(Some(tenant));
    let channel = snowflake_to_db(channel_id);
    let id = sqlx::query_scalar!(
        "UPDATE subscriptions SET removed_at = ?4, active = 0, updated_at = ?4
         WHERE tenant_id = (SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2)
           AND channel_id = ?3 AND removed_at IS NULL
         RETURNING id",
        platform,
        external,
        channel,
        now
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id)
}

impl Store {
    /// A tenant's subscriptions, active or disabled (not removed).
    pub async fn subscriptions(&self, tenant: &Tenant) -> Result<Vec<Subscription>> {
        let (platform, external) = tenants::bind(Some(tenant));
        let rows = sqlx::query!(
            r#"SELECT s.id, s.channel_id, s.company_id, c.name AS "company?",
                      s.active, s.disabled_reason
               FROM subscriptions s LEFT JOIN companies c ON c.id = s.company_id
               WHERE s.tenant_id = (SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2)
                 AND s.removed_at IS NULL
               ORDER BY s.id"#,
            platform,
            external
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Subscription {
                id: r.id,
                channel_id: snowflake_from_db(r.channel_id),
                company_id: r.company_id,
                company: r.company,
                active: r.active != 0,
                disabled_reason: r.disabled_reason,
            })
            .collect())
    }

    /// Turns a subscription off (403, 404): its pending deliveries die with the reason.
    pub async fn disable_subscription(
        &self,
        subscription_id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "UPDATE subscriptions SET active = 0, disabled_reason = ?2, updated_at = ?3 WHERE id = ?1",
            subscription_id,
            reason,
            now
        )
        .execute(&mut *tx)
        .await?;
        super::deliveries::cancel_for_subscription(&mut tx, subscription_id, reason).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Subscriptions the worker disabled, in every tenant.
    pub async fn disabled_subscriptions(&self) -> Result<Vec<DisabledSubscription>> {
        let rows = sqlx::query!(
            r#"SELECT t.platform || ':' || t.external_id AS "tenant!: String", s.channel_id,
                      s.disabled_reason AS "reason!"
               FROM subscriptions s JOIN tenants t ON t.id = s.tenant_id
               WHERE s.active = 0 AND s.removed_at IS NULL AND s.disabled_reason IS NOT NULL
               ORDER BY s.id"#
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| DisabledSubscription {
                tenant: r.tenant,
                channel_id: snowflake_from_db(r.channel_id),
                reason: r.reason,
            })
            .collect())
    }
}
