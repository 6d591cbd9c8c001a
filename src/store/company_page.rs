//! `/layoffs <company>`'s read in one statement that returns one row of JSON: the company, the
//! totals over its events in range, the page (each event with the WARN filing nearest it) and
//! its filings. The general reads take six statements (company, page, totals, backing filings,
//! filing summary) in two steps, and sqlx copies every value of every row across its worker
//! thread: for a page of 10 events that was most of the time the answer spent in the store.

use chrono::NaiveDate;
use serde::Deserialize;

use super::events::{EventRow, NO_DATE};
use super::{Store, tenants, totals};
use crate::domain::filing::{FILED_WITHIN_DAYS, FilingLine, FilingSummary};
use crate::domain::{Company, EventPage, Page, Viewer};
use crate::error::{Error, Result};

/// An event of the page as the statement's `json_array` lists it: the `event_rows` columns in
/// their order, then the nearest filing.
#[derive(Deserialize)]
struct PageRow {
    id: i64,
    company_id: i64,
    company: String,
    announced_on: String,
    headcount: Option<i64>,
    headcount_text: Option<String>,
    percentage: Option<f64>,
    teams: Option<String>,
    location: Option<String>,
    source: Option<String>,
    more_sources: Option<String>,
    notes: Option<String>,
    tenant_platform: Option<String>,
    tenant_external: Option<String>,
    tenant_id: Option<i64>,
    added_by: String,
    added_at: String,
    updated_at: Option<String>,
    deleted_at: Option<String>,
    industry: Option<String>,
    country: Option<String>,
    filed: Option<Filing>,
}

/// A filing as the statement lists it: state, notice date, jobs, location.
type Filing = (String, String, Option<i64>, Option<String>);

/// What `/layoffs <company>` shows: the company, a page of its events, its filings.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyRead {
    pub company: Company,
    pub page: EventPage,
    pub filings: FilingSummary,
}

fn filing_line((state, date, jobs, location): Filing) -> Option<FilingLine> {
    Some(FilingLine {
        state,
        notice_date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()?,
        jobs: jobs.and_then(|j| u32::try_from(j).ok()),
        location,
    })
}

/// The statement's one row, each column JSON.
struct ReadJson {
    company: Option<String>,
    totals: String,
    page: String,
    filings: String,
    latest: String,
}

impl PageRow {
    fn split(self) -> (EventRow, Option<FilingLine>) {
        let filed = self.filed.and_then(filing_line);
        let row = EventRow {
            id: self.id,
            company_id: self.company_id,
            company: self.company,
            announced_on: self.announced_on,
            headcount: self.headcount,
            headcount_text: self.headcount_text,
            percentage: self.percentage,
            teams: self.teams,
            location: self.location,
            source: self.source,
            more_sources: self.more_sources,
            notes: self.notes,
            tenant_platform: self.tenant_platform,
            tenant_external: self.tenant_external,
            tenant_id: self.tenant_id,
            added_by: self.added_by,
            added_at: self.added_at,
            updated_at: self.updated_at,
            deleted_at: self.deleted_at,
            industry: self.industry,
            country: self.country,
        };
        (row, filed)
    }
}

fn from_json<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| Error::Internal(format!("company page JSON: {e}")))
}

impl Store {
    /// Company `company_id` as `viewer` sees it, one page of its events (with their totals and
    /// the filings that back them) and its filings, the `latest` newest of them listed: what
    /// `company_by_id`, `events_page`, `filings_near` and `filing_summary` read, in one
    /// statement. None when the viewer may not see the company (or it is gone).
    pub async fn company_read(
        &self,
        company_id: i64,
        viewer: &Viewer,
        since: Option<NaiveDate>,
        page: Page,
        latest: i64,
    ) -> Result<Option<CompanyRead>> {
        let json = self
            .read_json(company_id, viewer, since, page, latest)
            .await?;
        let Some(company) = json.company else {
            return Ok(None);
        };
        let (id, name, industry, country) = from_json(&company)?;
        let (events, people, unknown): (i64, i64, i64) = from_json(&json.totals)?;
        let rows: Vec<PageRow> = from_json(&json.page)?;
        let (count, jobs): (i64, i64) = from_json(&json.filings)?;
        let latest: Vec<Filing> = from_json(&json.latest)?;
        let mut page = EventPage {
            events: Vec::with_capacity(rows.len()),
            page,
            totals: totals::totals(events, people, unknown),
            filed: Vec::new(),
        };
        for row in rows {
            let (row, filing) = row.split();
            if let Some(event) = row.event() {
                if let Some(filing) = filing {
                    page.filed.push((event.id, filing));
                }
                page.events.push(event);
            }
        }
        let filings = FilingSummary {
            count: super::count(count),
            jobs: super::count(jobs),
            latest: latest.into_iter().filter_map(filing_line).collect(),
        };
        let company = Company {
            id,
            name,
            industry,
            country,
        };
        Ok(Some(CompanyRead {
            company,
            page,
            filings,
        }))
    }

    // The statement is in company_read.sql: long enough to read better on its own.
    async fn read_json(
        &self,
        company_id: i64,
        viewer: &Viewer,
        since: Option<NaiveDate>,
        page: Page,
        latest: i64,
    ) -> Result<ReadJson> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let (limit, offset) = (i64::from(page.size), page.offset());
        let from = since.unwrap_or(NO_DATE);
        let days = i64::try_from(FILED_WITHIN_DAYS).unwrap_or(60);
        Ok(sqlx::query_file_as!(
            ReadJson,
            "src/store/company_read.sql",
            company_id,
            platform,
            external,
            from,
            limit,
            offset,
            days,
            latest
        )
        .fetch_one(&self.pool)
        .await?)
    }
}
