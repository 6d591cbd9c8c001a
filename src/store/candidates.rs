//! Candidates: news items that read as a layoff, kept for review; and the recorded event each
//! is probably the same as.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Conn, Store};
use crate::error::Result;

/// A feed item as read, to be kept.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCandidate {
    pub source: String,
    pub title: String,
    pub link: String,
    pub link_key: String,
    pub published_at: DateTime<Utc>,
    pub company_id: Option<i64>,
    pub headcount: Option<i64>,
    pub percentage: Option<f64>,
    pub headcount_text: Option<String>,
    pub teams: Option<String>,
    pub location: Option<String>,
}

pub use crate::domain::candidate::CandidateRow;

macro_rules! select_candidates {
    ($where:literal, $($arg:expr),*) => {
        sqlx::query_as!(
            CandidateRow,
            r#"SELECT k.id AS "id!", k.source, k.title, k.link,
                      k.published_at AS "published_at: DateTime<Utc>", k.company_id,
                      c.name AS "company?", k.headcount, k.percentage, k.headcount_text, k.teams,
                      k.location, k.near_event_id, k.status, k.event_id, k.handled_by,
                      k.handled_at AS "handled_at: DateTime<Utc>", k.handled_by_name
               FROM candidates k LEFT JOIN companies c ON c.id = k.company_id "# + $where,
            $($arg),*
        )
    };
}

/// The most review posts one sync writes: a feed's first read can hold a backlog.
const REVIEW_POSTS_MAX: usize = 50;

impl Store {
    /// Keeps the items not kept already (by link key), in one transaction with their posts in
    /// the review channels (the first [`REVIEW_POSTS_MAX`]); how many were new.
    pub async fn keep_candidates(
        &self,
        items: &[NewCandidate],
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let mut tx = self.begin_write().await?;
        let mut new = 0;
        for c in items {
            let date = c.published_at.date_naive();
            let near = near_event(&mut tx, c.company_id, date, &c.link, &c.link_key).await?;
            let id = sqlx::query_scalar!(
                "INSERT INTO candidates (source, title, link, link_key, published_at, company_id,
                     headcount, percentage, headcount_text, teams, location, near_event_id,
                     created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (link_key) DO NOTHING RETURNING id",
                c.source,
                c.title,
                c.link,
                c.link_key,
                c.published_at,
                c.company_id,
                c.headcount,
                c.percentage,
                c.headcount_text,
                c.teams,
                c.location,
                near,
                now
            )
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else { continue };
            new += 1;
            if new <= REVIEW_POSTS_MAX {
                super::outbox::enqueue_review(&mut tx, id, now).await?;
            }
        }
        if new > REVIEW_POSTS_MAX {
            tracing::warn!(
                new,
                posted = REVIEW_POSTS_MAX,
                "more new candidates than a review channel should get at once; the rest are in `layoffs-bot candidates`"
            );
        }
        tx.commit().await?;
        self.outbox_written();
        Ok(new)
    }

    /// Open candidates (or all of them), newest first, at most `limit`.
    pub async fn candidates(&self, all: bool, limit: u32) -> Result<Vec<CandidateRow>> {
        Ok(select_candidates!(
            "WHERE (?1 OR k.status = 'open') ORDER BY k.published_at DESC, k.id DESC LIMIT CAST(?2 AS INTEGER)",
            all,
            limit
        )
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn candidate(&self, id: i64) -> Result<Option<CandidateRow>> {
        Ok(select_candidates!("WHERE k.id = ?1", id)
            .fetch_optional(&self.pool)
            .await?)
    }
}

/// A global event the item probably is: the same link, or the same company within 3 days.
async fn near_event(
    conn: &mut Conn,
    company_id: Option<i64>,
    date: NaiveDate,
    link: &str,
    link_key: &str,
) -> Result<Option<i64>> {
    let from = (date - chrono::Days::new(3)).to_string();
    let to = (date + chrono::Days::new(3)).to_string();
    Ok(sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM events
           WHERE deleted_at IS NULL AND tenant_id IS NULL
             AND (source IN (?1, ?2)
                  OR (company_id = ?3 AND announced_on BETWEEN ?4 AND ?5))
           ORDER BY source IN (?1, ?2) DESC, abs(julianday(announced_on) - julianday(?6)), id
           LIMIT 1"#,
        link,
        link_key,
        company_id,
        from,
        to,
        date
    )
    .fetch_optional(&mut *conn)
    .await?)
}

/// Settles an open candidate as `status` ('added', 'same', 'dismissed') by `by`, part of the
/// caller's transaction. False when it was handled already.
pub async fn settle(
    conn: &mut Conn,
    id: i64,
    status: &str,
    event_id: Option<i64>,
    by: &str,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query!(
        "UPDATE candidates SET status = ?2, event_id = ?3, handled_by = ?4, handled_at = ?5,
                               handled_by_name = ?6
         WHERE id = ?1 AND status = 'open'",
        id,
        status,
        event_id,
        by,
        now,
        name
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
