//! Review channels: where a home tenant's moderators see new candidates. Setting another
//! channel or turning the queue off drops the posts not sent yet to the old one.

use chrono::{DateTime, Utc};

use super::subscriptions::channel_of;
use super::{Conn, Store, tenants};
use crate::domain::{ChannelRef, Tenant};
use crate::error::Result;

impl Store {
    /// Sets the tenant's review channel; the one it replaces, if any.
    pub async fn set_review_channel(
        &self,
        tenant: &Tenant,
        channel: &ChannelRef,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ChannelRef>> {
        let mut tx = self.begin_write().await?;
        let tenant_id = tenants::ensure(&mut tx, tenant).await?;
        let before = current(&mut tx, tenant_id).await?;
        if before.as_ref() != Some(channel) {
            cancel_pending(&mut tx, tenant_id, "the review channel was changed").await?;
        }
        let platform = channel.platform.as_str();
        sqlx::query!(
            "INSERT INTO review_channels (tenant_id, platform, channel, set_by, set_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (tenant_id) DO UPDATE SET platform = ?2, channel = ?3, set_by = ?4,
                                                   set_at = ?5, removed_at = NULL",
            tenant_id,
            platform,
            channel.id,
            by,
            now
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(before)
    }

    /// Turns the tenant's review queue off; the channel it posted to, if it had one.
    pub async fn review_off(
        &self,
        tenant: &Tenant,
        now: DateTime<Utc>,
    ) -> Result<Option<ChannelRef>> {
        let mut tx = self.begin_write().await?;
        let tenant_id = tenants::ensure(&mut tx, tenant).await?;
        let before = current(&mut tx, tenant_id).await?;
        if before.is_some() {
            cancel_pending(&mut tx, tenant_id, "the review queue was turned off").await?;
            sqlx::query!(
                "UPDATE review_channels SET removed_at = ?2 WHERE tenant_id = ?1",
                tenant_id,
                now
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(before)
    }

    /// The tenant's review channel, if it has one.
    pub async fn review_channel(&self, tenant: &Tenant) -> Result<Option<ChannelRef>> {
        let (platform, external) = tenants::bind(Some(tenant));
        let row = sqlx::query!(
            "SELECT r.platform, r.channel FROM review_channels r JOIN tenants t
                    ON t.id = r.tenant_id
             WHERE t.platform = ?1 AND t.external_id = ?2 AND r.removed_at IS NULL",
            platform,
            external
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|r| channel_of(&r.platform, r.channel, String::new())))
    }
}

async fn current(conn: &mut Conn, tenant_id: i64) -> Result<Option<ChannelRef>> {
    let row = sqlx::query!(
        "SELECT platform, channel FROM review_channels
         WHERE tenant_id = ?1 AND removed_at IS NULL",
        tenant_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(|r| channel_of(&r.platform, r.channel, String::new())))
}

async fn cancel_pending(conn: &mut Conn, tenant_id: i64, reason: &str) -> Result<()> {
    sqlx::query!(
        "UPDATE deliveries SET status = 'dead', last_error = ?2, leased_until = NULL
         WHERE status = 'pending' AND review_channel_id =
               (SELECT id FROM review_channels WHERE tenant_id = ?1)",
        tenant_id,
        reason
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
