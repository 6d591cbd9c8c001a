//! The outbox as the operator reads it (`layoffs-bot deliveries`): open and dead rows, each
//! saying what it posts.

use chrono::{DateTime, Utc};

use super::StoredItem;
use crate::domain::ChannelRef;
use crate::error::Result;
use crate::store::Store;
use crate::store::subscriptions::channel_of;

/// A delivery as the operator sees it (`layoffs-bot deliveries`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub id: i64,
    /// What is posted, as the operator reads it ("event #12", "weekly digest to ...").
    pub what: String,
    /// None only for a row the store could not read back (never written so).
    pub channel: Option<ChannelRef>,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its first try or a retry.
    Pending,
    Sent,
    /// Given up on (or cancelled), with why in `last_error`.
    Dead,
}

impl DeliveryStatus {
    /// The table's CHECK admits only these three; anything else reads as dead.
    fn parse(s: &str) -> Self {
        match s {
            "pending" => Self::Pending,
            "sent" => Self::Sent,
            _ => Self::Dead,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Dead => "dead",
        }
    }
}

impl Store {
    /// The newest `limit` dead deliveries, newest first, and how many there are in all.
    pub async fn dead_deliveries(&self, limit: u32) -> Result<(Vec<DeliveryRow>, u64)> {
        let limit = i64::from(limit);
        let rows = sqlx::query_as!(
            StoredRow,
            r#"SELECT id, kind, key, event_id, filing_id,
                      period_start AS "period_start?: DateTime<Utc>",
                      period_end AS "period_end?: DateTime<Utc>",
                      platform, channel, thread, status, attempts, next_attempt_at,
                      last_error
               FROM deliveries WHERE status = 'dead' ORDER BY id DESC LIMIT CAST(?1 AS INTEGER)"#,
            limit
        )
        .fetch_all(&self.pool)
        .await?;
        let total = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM deliveries WHERE status = 'dead'"#
        )
        .fetch_one(&self.pool)
        .await?;
        let rows = rows.into_iter().map(DeliveryRow::from).collect();
        Ok((rows, crate::store::count(total)))
    }

    /// How many posts wait to be delivered, and when the oldest of them was queued.
    pub async fn waiting_posts(&self) -> Result<(u64, Option<DateTime<Utc>>)> {
        let r = sqlx::query!(
            r#"SELECT COUNT(*) AS "waiting!: i64",
                      min(created_at) AS "oldest: DateTime<Utc>"
               FROM deliveries WHERE status = 'pending'"#
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((crate::store::count(r.waiting), r.oldest))
    }

    /// Pending, failing and dead deliveries, oldest first (sent ones are left out).
    pub async fn open_deliveries(&self) -> Result<Vec<DeliveryRow>> {
        let rows = sqlx::query_as!(
            StoredRow,
            r#"SELECT id, kind, key, event_id, filing_id,
                      period_start AS "period_start?: DateTime<Utc>",
                      period_end AS "period_end?: DateTime<Utc>",
                      platform, channel, thread, status, attempts, next_attempt_at,
                      last_error
               FROM deliveries WHERE status != 'sent' ORDER BY id"#
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(DeliveryRow::from).collect())
    }
}

/// A delivery as stored, for [`DeliveryRow`].
struct StoredRow {
    id: i64,
    kind: String,
    key: String,
    event_id: Option<i64>,
    filing_id: Option<i64>,
    period_start: Option<DateTime<Utc>>,
    period_end: Option<DateTime<Utc>>,
    platform: String,
    channel: String,
    thread: String,
    status: String,
    attempts: i64,
    next_attempt_at: String,
    last_error: Option<String>,
}

impl From<StoredRow> for DeliveryRow {
    fn from(r: StoredRow) -> Self {
        let stored = StoredItem {
            kind: r.kind,
            key: r.key,
            event_id: r.event_id,
            filing_id: r.filing_id,
            start: r.period_start,
            end: r.period_end,
        };
        Self {
            id: r.id,
            what: stored.describe(),
            channel: channel_of(&r.platform, r.channel, r.thread),
            status: DeliveryStatus::parse(&r.status),
            attempts: u32::try_from(r.attempts).unwrap_or(u32::MAX),
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
        }
    }
}
