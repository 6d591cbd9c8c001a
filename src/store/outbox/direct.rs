//! Outbox rows that belong to no subscription: a candidate's post in the review channels, and
//! an event's DMs to the people who follow its company.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::store::Conn;

/// Writes the candidate's post in every review channel; part of the transaction that keeps
/// it. Returns how many.
pub async fn enqueue_review(conn: &mut Conn, candidate_id: i64, now: DateTime<Utc>) -> Result<u64> {
    let key = format!("review:{candidate_id}");
    let done = sqlx::query!(
        "INSERT INTO deliveries (kind, key, candidate_id, review_channel_id, platform, channel,
                                 next_attempt_at, created_at)
         SELECT 'review', ?1, ?2, r.id, r.platform, r.channel, ?3, ?3
         FROM review_channels r WHERE r.removed_at IS NULL
         ON CONFLICT (platform, channel, thread, key) DO NOTHING",
        key,
        candidate_id,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Asks for the candidate's sent review posts to say how it was settled (part of settling it):
/// the one whose button was pressed is edited by that press already; the others are not.
pub async fn mark_reviews_due(conn: &mut Conn, candidate_id: i64) -> Result<()> {
    sqlx::query!(
        "UPDATE deliveries SET edit_due = 1, edit_attempts = 0, edit_next_at = NULL,
                edit_error = NULL
         WHERE candidate_id = ?1 AND kind = 'review' AND status = 'sent'",
        candidate_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Writes one DM per person who follows the company and may see the event (a private
/// event: only follows made in its tenant), unless their follows are paused.
pub(super) async fn enqueue_follows(
    conn: &mut Conn,
    event_id: i64,
    company_id: i64,
    tenant_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query!(
        "INSERT INTO deliveries (kind, key, event_id, follow_id, platform, channel,
                                 next_attempt_at, created_at)
         SELECT 'follow', 'follow:' || f.id || ':' || ?1, ?1, f.id, f.platform,
                '@' || f.user_id, ?4, ?4
         FROM follows f
         WHERE f.company_id = ?2 AND (?3 IS NULL OR f.tenant_id = ?3)
           AND NOT EXISTS (SELECT 1 FROM follow_pauses p
                           WHERE p.platform = f.platform AND p.user_id = f.user_id)
         ON CONFLICT (platform, channel, thread, key) DO NOTHING",
        event_id,
        company_id,
        tenant_id,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}
