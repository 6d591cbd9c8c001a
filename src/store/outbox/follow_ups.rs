//! Follow-ups of sent posts: edits after a correction and crossposts in announcement
//! channels, each retried on its own schedule (a 429 only holds that row); and the outcome
//! of one delivery, for `/layoff-alerts test`.

use chrono::{DateTime, Utc};

use crate::domain::ChannelRef;
use crate::error::Result;
use crate::store::Store;
use crate::store::subscriptions::channel_of;

/// Work on a sent post: bringing it in line with its corrected event, or publishing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    Edit,
    Crosspost,
    /// A thread under the post (Discord).
    Thread,
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent,
    /// Given up on, and why.
    Dead(String),
}

impl DeliveryOutcome {
    /// Sent, or why not.
    pub fn as_result(&self) -> std::result::Result<(), &str> {
        match self {
            Self::Sent => Ok(()),
            Self::Dead(why) => Err(why),
        }
    }
}

/// A sent post to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCrosspost {
    pub id: i64,
    pub channel: ChannelRef,
    pub message: String,
    /// Failed attempts so far.
    pub attempts: u32,
}

impl Store {
    /// Posts waiting to be published whose time has come, oldest first.
    pub async fn due_crossposts(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DueCrosspost>> {
        let limit = i64::from(limit);
        let rows = sqlx::query!(
            r#"SELECT id, platform, channel, thread, message AS "message!", crosspost_attempts
               FROM deliveries
               WHERE crosspost_state = 1 AND message IS NOT NULL
                 AND (crosspost_next_at IS NULL OR crosspost_next_at <= ?2)
               ORDER BY id LIMIT CAST(?1 AS INTEGER)"#,
            limit,
            now
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(DueCrosspost {
                    id: r.id,
                    channel: channel_of(&r.platform, r.channel, r.thread)?,
                    message: r.message,
                    attempts: u32::try_from(r.crosspost_attempts).unwrap_or(u32::MAX),
                })
            })
            .collect())
    }

    /// Takes a due edit until `lease`: other rounds skip it meanwhile, and a process that dies
    /// with it leaves it due again when the lease ends. False if it is not due any more.
    pub async fn lease_edit(&self, id: i64, lease: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query!(
            "UPDATE deliveries SET edit_next_at = ?2 WHERE id = ?1 AND edit_due = 1",
            id,
            lease
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The edit or crosspost is done (`error` None), or never will be (why). An edit is done
    /// only if still under its `lease`: a correction or removal marked while it was in flight
    /// cleared the lease, so it is made again from the event as it now is.
    pub async fn follow_up_done(
        &self,
        kind: FollowUp,
        id: i64,
        error: Option<&str>,
        lease: DateTime<Utc>,
    ) -> Result<()> {
        match kind {
            FollowUp::Edit => {
                sqlx::query!(
                    "UPDATE deliveries SET edit_due = 0, edit_next_at = NULL, edit_error = ?2
                 WHERE id = ?1 AND edit_next_at = ?3",
                    id,
                    error,
                    lease
                )
                .execute(&self.pool)
                .await?
            }
            FollowUp::Crosspost => {
                sqlx::query!(
                    "UPDATE deliveries SET crosspost_state = 2, crosspost_next_at = NULL,
                        crosspost_error = ?2
                 WHERE id = ?1",
                    id,
                    error
                )
                .execute(&self.pool)
                .await?
            }
            FollowUp::Thread => return self.thread_done(id, error).await,
        };
        Ok(())
    }

    /// Tries the edit or crosspost again at `at`; a rate limit or a rejected token is not a
    /// failed attempt.
    pub async fn follow_up_retry(
        &self,
        kind: FollowUp,
        id: i64,
        at: DateTime<Utc>,
        error: &str,
        count_attempt: bool,
    ) -> Result<()> {
        let add = i64::from(count_attempt);
        match kind {
            FollowUp::Edit => {
                sqlx::query!(
                    "UPDATE deliveries SET edit_next_at = ?2, edit_error = ?3,
                        edit_attempts = edit_attempts + ?4
                 WHERE id = ?1",
                    id,
                    at,
                    error,
                    add
                )
                .execute(&self.pool)
                .await?
            }
            FollowUp::Crosspost => {
                sqlx::query!(
                    "UPDATE deliveries SET crosspost_next_at = ?2, crosspost_error = ?3,
                        crosspost_attempts = crosspost_attempts + ?4
                 WHERE id = ?1",
                    id,
                    at,
                    error,
                    add
                )
                .execute(&self.pool)
                .await?
            }
            FollowUp::Thread => return self.thread_retry(id, at, error, add).await,
        };
        Ok(())
    }

    /// How a delivery ended, if it did; None while it is pending.
    pub async fn delivery_outcome(&self, id: i64) -> Result<Option<DeliveryOutcome>> {
        let row = sqlx::query!(
            "SELECT status, last_error FROM deliveries WHERE id = ?1",
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|r| match r.status.as_str() {
            "sent" => Some(DeliveryOutcome::Sent),
            "dead" => Some(DeliveryOutcome::Dead(
                r.last_error.unwrap_or_else(|| "unknown reason".into()),
            )),
            _ => None,
        }))
    }
}
