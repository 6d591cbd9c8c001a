//! Edits of sent posts: which are due (their event corrected or removed, their candidate
//! settled), marked in the change's own transaction, read oldest first.

use chrono::{DateTime, Utc};

use super::claims::tenant_of;
use crate::domain::{ChannelRef, Tenant};
use crate::error::Result;
use crate::store::subscriptions::channel_of;
use crate::store::{Conn, Store};

/// Asks for the event's sent posts (and DMs) to be edited; part of the edit's transaction.
/// Only in channels whose subscription may see the event: a channel another workspace took
/// over after an unsubscribe never gets the old owner's private events edited in.
pub async fn mark_edits_due(conn: &mut Conn, event_id: i64) -> Result<()> {
    sqlx::query!(
        "UPDATE deliveries SET edit_due = 1, edit_attempts = 0, edit_next_at = NULL,
                edit_error = NULL
         WHERE event_id = ?1 AND status = 'sent'
           AND ((kind = 'event' AND subscription_id IN (
                    SELECT s.id FROM subscriptions s, events e
                    WHERE e.id = ?1 AND s.active = 1 AND s.removed_at IS NULL
                      AND (e.tenant_id IS NULL OR e.tenant_id = s.tenant_id)))
                OR (kind = 'follow' AND follow_id IN (
                    SELECT f.id FROM follows f, events e
                    WHERE e.id = ?1 AND (e.tenant_id IS NULL OR e.tenant_id = f.tenant_id))))",
        event_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a sent post to edit shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// An event's channel post.
    Event(i64),
    /// An event's DM to a follower (its footer says so).
    Follow(i64),
    /// A candidate's review post, settled since (by the CLI, or on another platform).
    Review(i64),
}

/// A sent post to bring in line with what it shows: a corrected or removed event, a settled
/// candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueEdit {
    pub id: i64,
    pub what: Edited,
    pub channel: ChannelRef,
    /// The platform's id of the sent message.
    pub message: String,
    pub tenant: Option<Tenant>,
    /// Failed edit attempts so far.
    pub attempts: u32,
    /// A forum post: its title follows the event, a removal locks it.
    pub forum: bool,
    /// A thread was opened under the post: its name follows the event too.
    pub thread_open: bool,
}

impl Store {
    /// Sent posts whose event was corrected since (or candidate settled), oldest first.
    pub async fn due_edits(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<DueEdit>> {
        let limit = i64::from(limit);
        // Rows waiting after a failure are skipped, so they never hold up the others.
        let rows = sqlx::query!(
            r#"SELECT d.id, d.kind, d.event_id, d.candidate_id, d.platform AS channel_platform,
                      COALESCE(d.dm_channel, d.channel) AS "channel!: String", d.thread,
                      d.message AS "message!", d.edit_attempts, s.forum AS "forum?",
                      d.thread_state = 2 AND d.thread_error IS NULL AS "thread_open!: bool",
                      t.platform AS "platform?", t.external_id AS "external?"
               FROM deliveries d LEFT JOIN subscriptions s ON s.id = d.subscription_id
                    LEFT JOIN follows f ON f.id = d.follow_id
                    LEFT JOIN tenants t ON t.id = COALESCE(s.tenant_id, f.tenant_id)
               WHERE d.edit_due = 1 AND d.message IS NOT NULL
                 AND (d.edit_next_at IS NULL OR d.edit_next_at <= ?2)
                 AND ((s.active = 1 AND s.removed_at IS NULL) OR f.id IS NOT NULL
                      OR d.review_channel_id IS NOT NULL)
               ORDER BY d.id LIMIT CAST(?1 AS INTEGER)"#,
            limit,
            now
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let what = match (r.kind.as_str(), r.event_id, r.candidate_id) {
                    ("follow", Some(e), _) => Edited::Follow(e),
                    ("review", _, Some(c)) => Edited::Review(c),
                    (_, Some(e), _) => Edited::Event(e),
                    _ => return None,
                };
                Some(DueEdit {
                    id: r.id,
                    what,
                    channel: channel_of(&r.channel_platform, r.channel, r.thread)?,
                    message: r.message,
                    tenant: tenant_of(r.platform.as_deref(), r.external),
                    attempts: u32::try_from(r.edit_attempts).unwrap_or(u32::MAX),
                    forum: r.forum == Some(1),
                    thread_open: r.thread_open,
                })
            })
            .collect())
    }
}
