//! WARN filings: storing a notice once (by its dedupe key) under the company it belongs to, and
//! reading a company's filings for its listing.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{Conn, Store, count};
use crate::domain::filing::{FILED_WITHIN_DAYS, Filing, FilingLine, FilingPost, FilingSummary};
use crate::error::Result;

/// Every company that has events (of the press record), for matching filings in bulk.
pub async fn companies_with_events(conn: &mut Conn) -> Result<HashSet<i64>> {
    let ids = sqlx::query_scalar!(r#"SELECT DISTINCT company_id AS "id!" FROM events"#)
        .fetch_all(&mut *conn)
        .await?;
    Ok(ids.into_iter().collect())
}

/// A filing to store in bulk, resolved to its company.
pub struct BulkFiling<'a> {
    pub filing: &'a Filing,
    pub company_id: i64,
    pub matched: bool,
    pub agency: &'a str,
    pub line: u64,
    pub dedupe: &'a str,
}

/// A filing's stored columns as one row (a JSON array read by position) of the array
/// `insert_many` reads.
#[derive(Serialize)]
struct FilingColumns<'a>(
    &'a str,
    &'a str,
    &'a str,
    i64,
    bool,
    NaiveDate,
    Option<NaiveDate>,
    Option<u32>,
    Option<&'a str>,
    Option<bool>,
    Option<bool>,
    u64,
    &'a str,
);

/// Stores `filings` of `file` in one statement; those whose dedupe key was stored already are
/// skipped. The (dedupe key, id) of each stored one.
pub async fn insert_many(
    conn: &mut Conn,
    filings: &[BulkFiling<'_>],
    file: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>> {
    if filings.is_empty() {
        return Ok(Vec::new());
    }
    let columns: Vec<FilingColumns<'_>> = filings
        .iter()
        .map(|b| {
            let f = b.filing;
            FilingColumns(
                &f.state,
                b.agency,
                &f.filed_name,
                b.company_id,
                b.matched,
                f.notice_date,
                f.effective_date,
                f.jobs,
                f.location.as_deref(),
                f.closure,
                f.temporary,
                b.line,
                b.dedupe,
            )
        })
        .collect();
    let json = serde_json::to_string(&columns)
        .map_err(|e| crate::Error::Internal(format!("bulk JSON: {e}")))?;
    // `WHERE true` lets SQLite read ON CONFLICT as the upsert clause after a SELECT.
    let rows = sqlx::query!(
        r#"INSERT INTO filings (state, agency, filed_name, company_id, matched, notice_date,
                                effective_date, jobs, location, closure, temporary, source_file,
                                source_line, dedupe, added_at)
           SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                  value ->> 6, value ->> 7, value ->> 8, value ->> 9, value ->> 10, ?2,
                  value ->> 11, value ->> 12, ?3
           FROM jsonb_each(?1) WHERE true
           ON CONFLICT (dedupe) DO NOTHING
           RETURNING dedupe AS "dedupe!", id AS "id!""#,
        json,
        file,
        now
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.dedupe, r.id)).collect())
}

impl Store {
    /// Filings added to the record in [from, to), newest notice first, with their company's
    /// industry (for a digest's filters).
    pub async fn filings_added(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(i64, i64, Option<String>, Option<u32>)>> {
        let rows = sqlx::query!(
            "SELECT f.id, f.company_id, c.industry, f.jobs
             FROM filings f JOIN companies c ON c.id = f.company_id
             WHERE f.added_at >= ?1 AND f.added_at < ?2
             ORDER BY f.notice_date DESC, f.id DESC",
            from,
            to
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let jobs = r.jobs.and_then(|j| u32::try_from(j).ok());
                (r.id, r.company_id, r.industry, jobs)
            })
            .collect())
    }

    /// One filing as a post shows it.
    pub async fn filing_post(&self, id: i64) -> Result<Option<FilingPost>> {
        let row = sqlx::query!(
            r#"SELECT f.id, c.name AS company, f.filed_name, f.agency, f.state,
                      f.notice_date AS "notice_date: NaiveDate",
                      f.effective_date AS "effective_date?: NaiveDate",
                      f.jobs, f.location, f.closure, f.temporary
               FROM filings f JOIN companies c ON c.id = f.company_id WHERE f.id = ?1"#,
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| FilingPost {
            id: r.id,
            company: r.company,
            filed_name: r.filed_name,
            agency: r.agency,
            line: FilingLine {
                state: r.state,
                notice_date: r.notice_date,
                jobs: r.jobs.and_then(|j| u32::try_from(j).ok()),
                location: r.location,
            },
            effective_date: r.effective_date,
            closure: r.closure.map(|c| c != 0),
            temporary: r.temporary.map(|t| t != 0),
        }))
    }

    /// Company `company_id`'s filings (filings are public records: global for every viewer).
    /// `/layoffs <company>` reads them within `company_read`; a test holds the two equal.
    pub async fn filing_summary(&self, company_id: i64, latest: i64) -> Result<FilingSummary> {
        // One statement: the count and jobs of all of them are window totals beside the
        // latest (no row at all means no filing).
        let rows = sqlx::query!(
            r#"SELECT state, notice_date AS "notice_date: NaiveDate", jobs, location,
                      COUNT(*) OVER () AS "n!: i64",
                      COALESCE(SUM(jobs) OVER (), 0) AS "all_jobs!: i64"
               FROM filings WHERE company_id = ?1
               ORDER BY notice_date DESC, id DESC LIMIT CAST(?2 AS INTEGER)"#,
            company_id,
            latest
        )
        .fetch_all(&self.pool)
        .await?;
        let (n, jobs) = rows.first().map_or((0, 0), |r| (r.n, r.all_jobs));
        Ok(FilingSummary {
            count: count(n),
            jobs: count(jobs),
            latest: rows
                .into_iter()
                .map(|r| FilingLine {
                    state: r.state,
                    notice_date: r.notice_date,
                    jobs: r.jobs.and_then(|j| u32::try_from(j).ok()),
                    location: r.location,
                })
                .collect(),
        })
    }

    /// For each (event, company, date), the filing of that company nearest the date within
    /// [`FILED_WITHIN_DAYS`] days either side, if any.
    pub async fn filings_near(
        &self,
        events: &[(i64, i64, NaiveDate)],
    ) -> Result<Vec<(i64, FilingLine)>> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let list = serde_json::to_string(events).unwrap_or_default();
        let days = i64::try_from(FILED_WITHIN_DAYS).unwrap_or(60);
        let rows = sqlx::query!(
            r#"SELECT j.value ->> 0 AS "event_id!: i64", f.state,
                      f.notice_date AS "notice_date: NaiveDate", f.jobs, f.location
               FROM json_each(?1) j JOIN filings f
                 ON f.company_id = j.value ->> 1
                AND julianday(f.notice_date) BETWEEN julianday(j.value ->> 2) - ?2
                                                 AND julianday(j.value ->> 2) + ?2
               ORDER BY abs(julianday(f.notice_date) - julianday(j.value ->> 2)), f.id"#,
            list,
            days
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<(i64, FilingLine)> = Vec::new();
        for r in rows {
            if out.iter().all(|(id, _)| *id != r.event_id) {
                let line = FilingLine {
                    state: r.state,
                    notice_date: r.notice_date,
                    jobs: r.jobs.and_then(|j| u32::try_from(j).ok()),
                    location: r.location,
                };
                out.push((r.event_id, line));
            }
        }
        Ok(out)
    }
}
