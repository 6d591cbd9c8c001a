//! Deliveries, the outbox table: one row per (event, channel), written in the event's
//! transaction, claimed by the delivery worker under a lease, and finished as sent, retried,
//! or dead; nothing is deleted.

use chrono::{DateTime, Utc};

use super::{Item, StoredItem};
use crate::domain::{ChannelRef, Tenant};
use crate::error::Result;
use crate::store::subscriptions::channel_of;
use crate::store::{Conn, Store, snowflake_from_db, tenants};

/// A claimed delivery: what to post where, and the how-many-th attempt this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub item: Item,
    /// None for a review post (review channels are not subscriptions).
    pub subscription_id: Option<i64>,
    pub channel: ChannelRef,
    /// The one role its posts may ping, if a moderator opted in.
    pub mention_role: Option<u64>,
    /// Whose channel: a post counts that tenant's events in its context. None: a DM of a
    /// follow made outside any server (the global record only).
    pub tenant: Option<Tenant>,
    pub attempts: u32,
    /// When the post was queued: a retry long after may follow an accepted attempt.
    pub created_at: DateTime<Utc>,
    /// Its channel is a forum: the post is a forum post (Discord).
    pub forum: bool,
}

/// Cancels an event's posts not sent yet (part of its removal's transaction).
pub async fn cancel_for_event(conn: &mut Conn, event_id: i64, reason: &str) -> Result<()> {
    sqlx::query!(
        "UPDATE deliveries SET status = 'dead', last_error = ?2, leased_until = NULL
         WHERE event_id = ?1 AND status = 'pending'",
        event_id,
        reason
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Stops everything still to do for a subscription that was removed: its pending posts die
/// with `reason`, and no sent post is edited any more. Part of the removal's transaction.
pub async fn cancel_for_subscription(
    conn: &mut Conn,
    subscription_id: i64,
    reason: &str,
) -> Result<()> {
    sqlx::query!(
        "UPDATE deliveries SET status = 'dead', last_error = ?2, leased_until = NULL
         WHERE subscription_id = ?1 AND status = 'pending'",
        subscription_id,
        reason
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE deliveries SET edit_due = 0 WHERE subscription_id = ?1 AND edit_due = 1",
        subscription_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Claims up to `limit` due deliveries, at most one per channel, leasing them until
    /// `lease_until`.
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Delivery>> {
        let limit = i64::from(limit);
        let rows = sqlx::query_as!(
            ClaimedRow,
            r#"UPDATE deliveries SET attempts = attempts + 1, leased_until = ?2
               WHERE id IN (
                   SELECT min(d.id) FROM deliveries d
                   WHERE d.status = 'pending' AND d.next_attempt_at <= ?1
                     AND (d.leased_until IS NULL OR d.leased_until <= ?1)
                     AND NOT EXISTS (SELECT 1 FROM deliveries o
                                     WHERE o.platform = d.platform AND o.channel = d.channel
                                       AND o.thread = d.thread AND o.status = 'pending'
                                       AND o.leased_until > ?1)
                   GROUP BY d.platform, d.channel, d.thread
                   ORDER BY min(d.next_attempt_at), min(d.id)
                   LIMIT CAST(?3 AS INTEGER))
               RETURNING id AS "id!", kind, key, event_id, filing_id,
                         period_start AS "period_start?: DateTime<Utc>",
                         period_end AS "period_end?: DateTime<Utc>",
                         subscription_id, platform AS channel_platform, channel, thread,
                         attempts,
                         created_at AS "created_at!: DateTime<Utc>",
                         (SELECT t.platform FROM tenants t WHERE t.id = COALESCE(
                              (SELECT s.tenant_id FROM subscriptions s WHERE s.id = subscription_id),
                              (SELECT r.tenant_id FROM review_channels r
                               WHERE r.id = review_channel_id),
                              (SELECT f.tenant_id FROM follows f WHERE f.id = follow_id)))
                             AS "platform?: String",
                         (SELECT t.external_id FROM tenants t WHERE t.id = COALESCE(
                              (SELECT s.tenant_id FROM subscriptions s WHERE s.id = subscription_id),
                              (SELECT r.tenant_id FROM review_channels r
                               WHERE r.id = review_channel_id),
                              (SELECT f.tenant_id FROM follows f WHERE f.id = follow_id)))
                             AS "external?: String",
                         (SELECT s.mention_role FROM subscriptions s WHERE s.id = subscription_id)
                             AS "mention_role?: i64",
                         (SELECT s.forum FROM subscriptions s WHERE s.id = subscription_id)
                             AS "forum?: i64""#,
            now,
            lease_until,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<Delivery> = rows.into_iter().filter_map(ClaimedRow::parse).collect();
        out.sort_by_key(|d| d.id);
        Ok(out)
    }

    /// Releases every lease: at start, a lease can only be a dead process's.
    pub async fn release_leases(&self) -> Result<u64> {
        let done = sqlx::query!(
            "UPDATE deliveries SET leased_until = NULL WHERE status = 'pending' AND leased_until IS NOT NULL"
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Whether a claimed delivery is still to be posted (a removal since may have cancelled
    /// it): checked right before each post starts.
    pub async fn still_pending(&self, id: i64) -> Result<bool> {
        let pending = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = ?1 AND status = 'pending')
               AS "pending!: bool""#,
            id
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(pending)
    }

    /// The post is in the channel: done, crosspost due if its channel asked (never for a test
    /// post, which followers must not get), and the subscription's last post noted. `now` is
    /// when the post was claimed: if its event was removed or corrected since (the post was
    /// in flight), the post is edited to match, as posts sent before are.
    pub async fn mark_sent(&self, id: i64, message: &str, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "UPDATE deliveries SET status = 'sent', message = ?2, sent_at = ?3, leased_until = NULL,
                    last_error = NULL,
                    edit_due = CASE WHEN kind IN ('event', 'follow') AND EXISTS (
                                        SELECT 1 FROM events e WHERE e.id = deliveries.event_id
                                          AND (e.deleted_at IS NOT NULL OR e.updated_at >= ?3))
                                    THEN 1
                                    WHEN kind = 'review' AND EXISTS (
                                        SELECT 1 FROM candidates k
                                        WHERE k.id = deliveries.candidate_id AND k.status != 'open')
                                    THEN 1 ELSE edit_due END,
                    crosspost_state = CASE WHEN kind IN ('test', 'review', 'follow') THEN 0
                                           ELSE (SELECT crosspost FROM subscriptions s
                                                 WHERE s.id = deliveries.subscription_id) END,
                    thread_state = CASE WHEN kind IN ('test', 'review', 'follow') THEN 0
                                        ELSE (SELECT threads AND NOT forum FROM subscriptions s
                                              WHERE s.id = deliveries.subscription_id) END
             WHERE id = ?1",
            id,
            message,
            now
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE subscriptions SET last_post_at = ?2
             WHERE id = (SELECT subscription_id FROM deliveries WHERE id = ?1)",
            id,
            now
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tries again at `at`. A rate limit is not a failed attempt, so it gives the attempt back.
    pub async fn mark_retry(
        &self,
        id: i64,
        at: DateTime<Utc>,
        error: &str,
        count_attempt: bool,
    ) -> Result<()> {
        let give_back = i64::from(!count_attempt);
        sqlx::query!(
            "UPDATE deliveries SET next_attempt_at = ?2, last_error = ?3, leased_until = NULL,
                    attempts = max(attempts - ?4, 0)
             WHERE id = ?1",
            id,
            at,
            error,
            give_back
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Holds every pending delivery of a channel until `at` (a per-route rate limit).
    pub async fn hold_channel(&self, channel: &ChannelRef, at: DateTime<Utc>) -> Result<()> {
        let (platform, thread) = (channel.platform.as_str(), channel.stored_thread());
        sqlx::query!(
            "UPDATE deliveries SET next_attempt_at = max(next_attempt_at, ?2)
             WHERE platform = ?3 AND channel = ?1 AND thread = ?4 AND status = 'pending'",
            channel.id,
            at,
            platform,
            thread
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Gives up on one delivery, keeping it (and why) for the operator.
    pub async fn mark_dead(&self, id: i64, error: &str) -> Result<()> {
        sqlx::query!(
            "UPDATE deliveries SET status = 'dead', last_error = ?2, leased_until = NULL WHERE id = ?1",
            id,
            error
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// When the next pending delivery falls due, if any.
    pub async fn next_due_at(&self) -> Result<Option<DateTime<Utc>>> {
        let at = sqlx::query_scalar!(
            r#"SELECT min(max(next_attempt_at, COALESCE(leased_until, next_attempt_at)))
               AS "at: DateTime<Utc>" FROM deliveries WHERE status = 'pending'"#
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(at)
    }

    /// Gives dead deliveries of active subscriptions another round of attempts, from `now`;
    /// returns how many.
    pub async fn retry_dead(&self, now: DateTime<Utc>) -> Result<u64> {
        let done = sqlx::query!(
            "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?1,
                    leased_until = NULL
             WHERE status = 'dead'
               AND (subscription_id IN (SELECT id FROM subscriptions
                                        WHERE active = 1 AND removed_at IS NULL)
                    OR review_channel_id IN (SELECT id FROM review_channels
                                             WHERE removed_at IS NULL)
                    OR follow_id IN (SELECT f.id FROM follows f WHERE NOT EXISTS (
                           SELECT 1 FROM follow_pauses p
                           WHERE p.platform = f.platform AND p.user_id = f.user_id)))",
            now
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Forgets what is no longer needed: posts sent before `sent_before` (with no edit to
    /// make) and additions held since before `held_before`. Returns both counts.
    pub async fn prune(
        &self,
        sent_before: DateTime<Utc>,
        held_before: DateTime<Utc>,
    ) -> Result<(u64, u64)> {
        let mut tx = self.begin_write().await?;
        let sent = sqlx::query!(
            "DELETE FROM deliveries WHERE status = 'sent' AND edit_due = 0 AND sent_at < ?1",
            sent_before
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let held = sqlx::query!(
            "DELETE FROM pending_additions WHERE created_at < ?1",
            held_before
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok((sent, held))
    }
}

/// A claimed row as `claim_due` reads it.
struct ClaimedRow {
    id: i64,
    kind: String,
    key: String,
    event_id: Option<i64>,
    filing_id: Option<i64>,
    period_start: Option<DateTime<Utc>>,
    period_end: Option<DateTime<Utc>>,
    subscription_id: Option<i64>,
    channel_platform: String,
    channel: String,
    thread: String,
    attempts: i64,
    created_at: DateTime<Utc>,
    platform: Option<String>,
    external: Option<String>,
    mention_role: Option<i64>,
    forum: Option<i64>,
}

impl ClaimedRow {
    /// Rows the store wrote always parse (the table's CHECKs); anything else is skipped.
    fn parse(self) -> Option<Delivery> {
        let stored = StoredItem {
            kind: self.kind,
            key: self.key,
            event_id: self.event_id,
            filing_id: self.filing_id,
            start: self.period_start,
            end: self.period_end,
        };
        let item = stored.item()?;
        let tenant = tenant_of(self.platform.as_deref(), self.external);
        if tenant.is_none() && !matches!(item, Item::Follow { .. }) {
            return None;
        }
        Some(Delivery {
            id: self.id,
            item,
            subscription_id: self.subscription_id,
            channel: channel_of(&self.channel_platform, self.channel, self.thread)?,
            mention_role: self.mention_role.map(snowflake_from_db),
            tenant,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            created_at: self.created_at,
            forum: self.forum == Some(1),
        })
    }
}

/// A subscription's tenant; every row has one (the migration and `subscribe` write it).
pub(super) fn tenant_of(platform: Option<&str>, external: Option<String>) -> Option<Tenant> {
    tenants::scope(platform, external).tenant().cloned()
}
