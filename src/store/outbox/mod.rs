//! Writing the outbox: keyed rows (a channel gets each key once), digest rows per period,
//! test posts. The rest of the outbox family lives beside it: which subscriptions get a post
//! (`fanout`), claiming and finishing rows, follow-ups of sent posts (edits, crossposts,
//! threads), DMs and review posts, the operator's report.

mod claims;
mod direct;
mod edits;
mod fanout;
mod follow_ups;
mod report;
mod threads;

use chrono::{DateTime, Utc};

pub use claims::{Delivery, cancel_for_event, cancel_for_subscription};
pub use direct::{enqueue_review, mark_reviews_due};
pub use edits::{DueEdit, Edited, mark_edits_due};
pub use fanout::{enqueue_event, enqueue_filing};
pub use follow_ups::{DeliveryOutcome, DueCrosspost, FollowUp};
pub use report::{DeliveryRow, DeliveryStatus};
pub use threads::{DueThread, Topic};

use super::{Conn, Store, tenants};
use crate::domain::{AlertFilter, DigestPeriod, Mode, Subject, Tenant};
use crate::error::{Error, Result};

/// What a delivery row posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    Event(i64),
    Filing(i64),
    /// A digest of the subscription's matching events added in [start, end).
    Digest(DigestPeriod),
    /// A marked sample: the newest matching event, if any.
    Test(Option<i64>),
    /// A candidate's post in a review channel (no subscription: a home tenant's setting).
    Review(i64),
    /// An event's DM to a person who follows its company.
    Follow {
        event: i64,
        follow: i64,
    },
}

impl Item {
    pub fn kind(self) -> &'static str {
        match self {
            Self::Event(_) => "event",
            Self::Filing(_) => "filing",
            Self::Digest(_) => "digest",
            Self::Test(_) => "test",
            Self::Review(_) => "review",
            Self::Follow { .. } => "follow",
        }
    }
}

/// Inserts one row for the subscription's channel; its id, or None if the channel already
/// has one for that item.
pub async fn insert(
    conn: &mut Conn,
    item: Item,
    key: &str,
    subscription_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let kind = item.kind();
    let (event_id, filing_id, start, end) = match item {
        Item::Event(id) | Item::Test(Some(id)) => (Some(id), None, None, None),
        Item::Filing(id) => (None, Some(id), None, None),
        Item::Digest(p) => (None, None, Some(p.start), Some(p.end)),
        Item::Test(None) => (None, None, None, None),
        Item::Review(_) | Item::Follow { .. } => {
            return Err(Error::Internal(
                "reviews and DMs have no subscription".into(),
            ));
        }
    };
    let id = sqlx::query_scalar!(
        r#"INSERT INTO deliveries (kind, key, event_id, filing_id, period_start, period_end,
                                 subscription_id, platform, channel, thread, next_attempt_at,
                                 created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, s.id, s.platform, s.channel, s.thread, ?8, ?8
         FROM subscriptions s WHERE s.id = ?7
         ON CONFLICT (platform, channel, thread, key) DO NOTHING
         RETURNING id AS "id!""#,
        kind,
        key,
        event_id,
        filing_id,
        start,
        end,
        subscription_id,
        now
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id)
}

/// An event added in a digest period, with what its filters check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    pub event_id: i64,
    pub company_id: i64,
    pub industry: Option<String>,
    pub country: Option<String>,
    pub people: Option<u32>,
}

/// An [`Added`] as a query reads it.
struct AddedRow {
    id: i64,
    company_id: i64,
    industry: Option<String>,
    country: Option<String>,
    headcount: Option<i64>,
}

impl From<AddedRow> for Added {
    fn from(r: AddedRow) -> Self {
        Self {
            event_id: r.id,
            company_id: r.company_id,
            industry: r.industry,
            country: r.country,
            people: r.headcount.and_then(|n| u32::try_from(n).ok()),
        }
    }
}

impl Added {
    pub fn subject(&self) -> Subject<'_> {
        Subject {
            company_id: self.company_id,
            industry: self.industry.as_deref(),
            country: self.country.as_deref(),
            people: self.people,
        }
    }
}

impl Store {
    /// Events added in [from, to) that `tenant_id`'s channels may see, newest date first;
    /// rows of bulk imports are left out (they are never posted one by one either).
    pub async fn events_added(
        &self,
        tenant: &Tenant,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Added>> {
        let (platform, external) = tenants::bind(Some(tenant));
        let rows = sqlx::query_as!(
            AddedRow,
            "SELECT e.id, e.company_id, c.industry, c.country, e.headcount
             FROM events e JOIN companies c ON c.id = e.company_id
             WHERE e.added_at >= ?3 AND e.added_at < ?4 AND e.deleted_at IS NULL
               AND (e.tenant_id IS NULL OR e.tenant_id =
                    (SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2))
               AND e.added_by NOT LIKE 'cli:import%'
             ORDER BY e.announced_on DESC, e.id DESC",
            platform,
            external,
            from,
            to
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Added::from).collect())
    }

    /// The newest event `tenant`'s channels may see that `filter` matches (a test post's
    /// example); the newest few thousand are looked at.
    pub async fn newest_matching(
        &self,
        tenant: &Tenant,
        filter: &AlertFilter,
    ) -> Result<Option<i64>> {
        const LOOK_AT: i64 = 5000;
        let (platform, external) = tenants::bind(Some(tenant));
        let min = filter.min_people.map(i64::from);
        let companies = (!filter.companies.is_empty())
            .then(|| serde_json::to_string(&filter.companies).unwrap_or_default());
        let rows = sqlx::query_as!(
            AddedRow,
            "SELECT e.id, e.company_id, c.industry, c.country, e.headcount
             FROM events e JOIN companies c ON c.id = e.company_id
             WHERE e.deleted_at IS NULL
               AND (e.tenant_id IS NULL OR e.tenant_id =
                    (SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2))
               AND (?3 IS NULL OR e.company_id IN (SELECT value FROM json_each(?3)))
               AND (?4 IS NULL OR e.headcount >= ?4)
             ORDER BY e.announced_on DESC, e.id DESC LIMIT CAST(?5 AS INTEGER)",
            platform,
            external,
            companies,
            min,
            LOOK_AT
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(Added::from)
            .find(|a| filter.matches(&a.subject()))
            .map(|a| a.event_id))
    }

    /// Records a digest period as handled and, unless `post` is false (nothing matched), queues
    /// its post; one transaction, so a period is queued once however many workers look.
    pub async fn schedule_digest(
        &self,
        subscription_id: i64,
        period: DigestPeriod,
        post: bool,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query!(
            "UPDATE subscriptions SET digest_through = ?2
             WHERE id = ?1 AND (digest_through IS NULL OR digest_through < ?2)",
            subscription_id,
            period.end
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let queued = if post {
            let item = Item::Digest(period);
            insert(&mut tx, item, &period.key(), subscription_id, now)
                .await?
                .is_some()
        } else {
            false
        };
        tx.commit().await?;
        Ok(queued)
    }

    /// Queues a digest now, outside the schedule (`digest --send-now`); None if that channel
    /// already has this one.
    pub async fn queue_digest(
        &self,
        subscription_id: i64,
        period: DigestPeriod,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let id = insert(&mut tx, Item::Digest(period), key, subscription_id, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Queues a test post for a subscription's channel.
    pub async fn queue_test(
        &self,
        subscription_id: i64,
        event_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let key = format!("test:{}", now.timestamp_micros());
        let id = insert(&mut tx, Item::Test(event_id), &key, subscription_id, now).await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The columns that say what a delivery posts.
pub(super) struct StoredItem {
    pub(super) kind: String,
    pub(super) key: String,
    pub(super) event_id: Option<i64>,
    pub(super) filing_id: Option<i64>,
    pub(super) start: Option<DateTime<Utc>>,
    pub(super) end: Option<DateTime<Utc>>,
}

impl StoredItem {
    /// The CHECKs of the table make every stored row one of these.
    pub(super) fn item(&self) -> Option<Item> {
        Some(match self.kind.as_str() {
            "event" => Item::Event(self.event_id?),
            "filing" => Item::Filing(self.filing_id?),
            "test" => Item::Test(self.event_id),
            "review" => Item::Review(self.key.strip_prefix("review:")?.parse().ok()?),
            "follow" => {
                let (follow, _) = self.key.strip_prefix("follow:")?.split_once(':')?;
                Item::Follow {
                    event: self.event_id?,
                    follow: follow.parse().ok()?,
                }
            }
            "digest" => {
                let mode = self
                    .key
                    .split(':')
                    .nth(1)
                    .and_then(|m| Mode::parse(m).ok())?;
                Item::Digest(DigestPeriod {
                    mode,
                    start: self.start?,
                    end: self.end?,
                })
            }
            _ => return None,
        })
    }

    pub(super) fn describe(&self) -> String {
        match self.item() {
            Some(Item::Event(id)) => format!("event #{id}"),
            Some(Item::Filing(id)) => format!("WARN filing #{id}"),
            Some(Item::Test(_)) => "test post".to_string(),
            Some(Item::Review(id)) => format!("review of candidate #{id}"),
            Some(Item::Follow { event, .. }) => format!("DM about event #{event}"),
            Some(Item::Digest(p)) => format!(
                "{} digest of {} to {}",
                p.mode.as_str(),
                p.start.format("%Y-%m-%d %H:%M"),
                p.end.format("%Y-%m-%d %H:%M UTC")
            ),
            None => self.key.clone(),
        }
    }
}
