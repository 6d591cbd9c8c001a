//! WARN filings: storing a notice once (by its dedupe key) under the company it belongs to, and
//! reading a company's filings for its listing.

use chrono::{DateTime, NaiveDate, Utc};

use super::companies::{CompanyFacts, find_by_key, upsert};
use super::{Conn, Store, count};
use crate::domain::filing::{
    FILED_WITHIN_DAYS, Filing, FilingLine, FilingPost, FilingSummary, filed_name_keys,
};
use crate::domain::{CompanyName, EventScope};
use crate::error::Result;

/// The global company a filed name matches exactly (by its keys, then aliases), if any, and
/// whether it has events (a company of the press record, not one a filing created).
pub async fn match_company(conn: &mut Conn, filed_name: &str) -> Result<Option<(i64, bool)>> {
    for key in filed_name_keys(filed_name) {
        if let Some(c) = find_by_key(conn, &key).await? {
            let has_events = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM events WHERE company_id = ?1) AS "any!: bool""#,
                c.id
            )
            .fetch_one(&mut *conn)
            .await?;
            return Ok(Some((c.id, has_events)));
        }
    }
    Ok(None)
}

/// The global company of a filing that matched none: named as filed, without its site code.
pub async fn own_company(conn: &mut Conn, name: &CompanyName, now: DateTime<Utc>) -> Result<i64> {
    upsert(
        conn,
        name,
        &EventScope::Global,
        CompanyFacts::default(),
        now,
    )
    .await
}

/// Where a filing was read.
pub struct FilingOrigin<'a> {
    pub file: &'a str,
    pub line: u64,
    pub agency: &'a str,
}

/// Stores `filing` unless one with its dedupe key exists; its id when it was new.
pub async fn insert(
    conn: &mut Conn,
    filing: &Filing,
    company_id: i64,
    matched: bool,
    origin: &FilingOrigin<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let dedupe = filing.dedupe_key();
    let line = i64::try_from(origin.line).unwrap_or(i64::MAX);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO filings (state, agency, filed_name, company_id, matched, notice_date,
                                effective_date, jobs, location, closure, temporary, source_file,
                                source_line, dedupe, added_at)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
           ON CONFLICT (dedupe) DO NOTHING
           RETURNING id AS "id!""#,
        filing.state,
        origin.agency,
        filing.filed_name,
        company_id,
        matched,
        filing.notice_date,
        filing.effective_date,
        filing.jobs,
        filing.location,
        filing.closure,
        filing.temporary,
        origin.file,
        line,
        dedupe,
        now
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id)
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
    pub async fn filing_summary(&self, company_id: i64, latest: i64) -> Result<FilingSummary> {
        let totals = sqlx::query!(
            r#"SELECT COUNT(*) AS "n!: i64", COALESCE(SUM(jobs), 0) AS "jobs!: i64"
               FROM filings WHERE company_id = ?1"#,
            company_id
        )
        .fetch_one(&self.pool)
        .await?;
        let rows = sqlx::query!(
            r#"SELECT state, notice_date AS "notice_date: NaiveDate", jobs, location
               FROM filings WHERE company_id = ?1
               ORDER BY notice_date DESC, id DESC LIMIT ?2"#,
            company_id,
            latest
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(FilingSummary {
            count: count(totals.n),
            jobs: count(totals.jobs),
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
