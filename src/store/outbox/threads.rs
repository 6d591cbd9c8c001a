//! Threads under sent posts (Discord, when the subscription asked): opening one is a
//! follow-up like a crosspost, retried on its own schedule; what it needs to name the thread
//! is read with it.

use chrono::{DateTime, Utc};

use crate::domain::{ChannelRef, DigestPeriod, Mode, ThreadArchive};
use crate::error::Result;
use crate::store::Store;
use crate::store::subscriptions::channel_of;

/// What a thread is opened about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Event(i64),
    Filing(i64),
    Digest(DigestPeriod),
}

/// A sent post to open a thread under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueThread {
    pub id: i64,
    pub channel: ChannelRef,
    pub message: String,
    pub topic: Topic,
    pub archive: ThreadArchive,
    /// Failed attempts so far.
    pub attempts: u32,
}

impl Store {
    /// Threads waiting to be opened whose time has come, oldest first.
    pub async fn due_threads(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<DueThread>> {
        let limit = i64::from(limit);
        let rows = sqlx::query!(
            r#"SELECT d.id, d.platform, d.channel, d.thread, d.message AS "message!", d.kind,
                      d.event_id, d.filing_id,
                      d.period_start AS "period_start?: DateTime<Utc>",
                      d.period_end AS "period_end?: DateTime<Utc>",
                      d.thread_attempts, s.thread_archive AS "archive?", s.mode AS "mode?"
               FROM deliveries d LEFT JOIN subscriptions s ON s.id = d.subscription_id
               WHERE d.thread_state = 1 AND d.message IS NOT NULL
                 AND (d.thread_next_at IS NULL OR d.thread_next_at <= ?2)
               ORDER BY d.id LIMIT CAST(?1 AS INTEGER)"#,
            limit,
            now
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let topic = match (r.kind.as_str(), r.event_id, r.filing_id) {
                    ("event", Some(id), _) => Topic::Event(id),
                    ("filing", _, Some(id)) => Topic::Filing(id),
                    _ => Topic::Digest(DigestPeriod {
                        mode: Mode::parse(r.mode.as_deref()?).ok()?,
                        start: r.period_start?,
                        end: r.period_end?,
                    }),
                };
                Some(DueThread {
                    id: r.id,
                    channel: channel_of(&r.platform, r.channel, r.thread)?,
                    message: r.message,
                    topic,
                    archive: ThreadArchive::from_minutes(r.archive.unwrap_or(1440))
                        .unwrap_or(ThreadArchive::Day),
                    attempts: u32::try_from(r.thread_attempts).unwrap_or(u32::MAX),
                })
            })
            .collect())
    }

    /// The thread is open (`error` None), or never will be (why).
    pub(super) async fn thread_done(&self, id: i64, error: Option<&str>) -> Result<()> {
        sqlx::query!(
            "UPDATE deliveries SET thread_state = 2, thread_next_at = NULL, thread_error = ?2
             WHERE id = ?1",
            id,
            error
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Tries opening the thread again at `at`.
    pub(super) async fn thread_retry(
        &self,
        id: i64,
        at: DateTime<Utc>,
        error: &str,
        add: i64,
    ) -> Result<()> {
        sqlx::query!(
            "UPDATE deliveries SET thread_next_at = ?2, thread_error = ?3,
                 thread_attempts = thread_attempts + ?4
             WHERE id = ?1",
            id,
            at,
            error,
            add
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
