//! Follow-ups of sent posts: edits after a correction and crossposts in announcement
//! channels, each retried on its own schedule (a 429 only holds that row); and the outcome
//! of one delivery, for `/layoff-alerts test`.

use chrono::{DateTime, Utc};

use super::{Store, snowflake_from_db};
use crate::error::Result;

/// Work on a sent post: bringing it in line with its corrected event, or publishing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUp {
    Edit,
    Crosspost,
}

/// A sent post to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCrosspost {
    pub id: i64,
    pub channel_id: u64,
    pub message_id: u64,
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
            r#"SELECT id, channel_id, message_id AS "message_id!", crosspost_attempts
               FROM deliveries
               WHERE crosspost_state = 1 AND message_id IS NOT NULL
                 AND (crosspost_next_at IS NULL OR crosspost_next_at <= ?2)
               ORDER BY id LIMIT ?1"#,
            limit,
            now
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| DueCrosspost {
                id: r.id,
                channel_id: snowflake_from_db(r.channel_id),
                message_id: snowflake_from_db(r.message_id),
                attempts: u32::try_from(r.crosspost_attempts).unwrap_or(u32::MAX),
            })
            .collect())
    }

    /// The edit or crosspost is done (`error` None), or never will be (why).
    pub async fn follow_up_done(&self, kind: FollowUp, id: i64, error: Option<&str>) -> Result<()> {
        match kind {
            FollowUp::Edit => sqlx::query!(
                "UPDATE deliveries SET edit_due = 0, edit_next_at = NULL, edit_error = ?2 WHERE id = ?1",
                id,
                error
            )
            .execute(&self.pool)
            .await?,
            FollowUp::Crosspost => sqlx::query!(
                "UPDATE deliveries SET crosspost_state = 2, crosspost_next_at = NULL,
                        crosspost_error = ?2
                 WHERE id = ?1",
                id,
                error
            )
            .execute(&self.pool)
            .await?,
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
        };
        Ok(())
    }

    /// When a delivery ended, if it did: (sent, message id) or (dead, why). None while pending.
    pub async fn delivery_outcome(&self, id: i64) -> Result<Option<(bool, Option<String>)>> {
        let row = sqlx::query!(
            "SELECT status, last_error FROM deliveries WHERE id = ?1",
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|r| match r.status.as_str() {
            "sent" => Some((true, None)),
            "dead" => Some((false, r.last_error)),
            _ => None,
        }))
    }
}
