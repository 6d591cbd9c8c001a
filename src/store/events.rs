//! Layoff events: insert, edit and soft delete (writes take a connection, so the caller's
//! transaction holds them), and the reads: one event, a company's, the latest, nearby ones.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Conn, Store, tenants};
use crate::domain::{
    Actor, EventPage, Headcount, LayoffEvent, NewEvent, Page, Percentage, Source, Viewer,
};
use crate::error::Result;

/// Before any event: binds "no lower bound" so that date ranges stay index range scans.
pub(super) const NO_DATE: NaiveDate = NaiveDate::MIN;

/// `company_id BETWEEN lo AND hi`: one company, or all of them, without an `OR` that would
/// keep SQLite from using the index.
pub(super) fn company_range(company_id: Option<i64>) -> (i64, i64) {
    company_id.map_or((i64::MIN, i64::MAX), |id| (id, id))
}

pub(super) struct EventRow {
    pub id: i64,
    pub company_id: i64,
    pub company: String,
    pub announced_on: NaiveDate,
    pub headcount: Option<i64>,
    pub headcount_text: Option<String>,
    pub percentage: Option<f64>,
    pub teams: Option<String>,
    pub location: Option<String>,
    pub source: Option<String>,
    pub more_sources: Option<String>,
    pub notes: Option<String>,
    pub tenant_platform: Option<String>,
    pub tenant_external: Option<String>,
    pub added_by: String,
    pub added_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl From<EventRow> for LayoffEvent {
    fn from(r: EventRow) -> Self {
        Self {
            id: r.id,
            company_id: r.company_id,
            company: r.company,
            date: r.announced_on,
            headcount: Headcount::from_columns(r.headcount, r.headcount_text),
            percentage: r.percentage.and_then(|p| Percentage::from_percent(p).ok()),
            teams: r.teams,
            location: r.location,
            source: r.source.map(Source::from_stored),
            more_sources: more_sources(r.more_sources.as_deref())
                .into_iter()
                .map(Source::from_stored)
                .collect(),
            notes: r.notes,
            scope: tenants::scope(r.tenant_platform.as_deref(), r.tenant_external),
            added_by: Actor::from_stored(r.added_by),
            added_at: r.added_at,
            updated_at: r.updated_at,
        }
    }
}

/// An event's further sources, stored as a JSON array (NULL: none). The column is only ever
/// written as such an array; anything else reads as none.
pub(super) fn more_sources(stored: Option<&str>) -> Vec<String> {
    stored
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// The stored form of the headcount, percentage and source.
struct Columns {
    headcount: Option<i64>,
    headcount_text: Option<String>,
    percentage: Option<f64>,
    source: Option<String>,
    fingerprint: String,
}

impl Columns {
    fn of(event: &NewEvent) -> Self {
        Self {
            headcount: event.headcount.known().map(i64::from),
            headcount_text: event.headcount.approx_text().map(str::to_string),
            percentage: event.percentage.map(Percentage::value),
            source: event.source.as_ref().map(|s| s.as_str().to_string()),
            fingerprint: event.fingerprint(),
        }
    }
}

/// Inserts an event of `company_id` owned by `tenant_id` (None: global); returns its id.
pub async fn insert(
    conn: &mut Conn,
    company_id: i64,
    tenant_id: Option<i64>,
    event: &NewEvent,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let c = Columns::of(event);
    let actor = actor.as_str();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO events (company_id, announced_on, headcount, headcount_text, percentage,
                             teams, location, source, notes, tenant_id, added_by, added_at,
                             fingerprint)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         RETURNING id AS "id!""#,
        company_id,
        event.date,
        c.headcount,
        c.headcount_text,
        c.percentage,
        event.teams,
        event.location,
        c.source,
        event.notes,
        tenant_id,
        actor,
        now,
        c.fingerprint
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Replaces a live event's facts; false if there is no such live event.
pub async fn update(
    conn: &mut Conn,
    id: i64,
    company_id: i64,
    event: &NewEvent,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    let c = Columns::of(event);
    let actor = actor.as_str();
    let done = sqlx::query!(
        "UPDATE events SET company_id = ?2, announced_on = ?3, headcount = ?4,
                headcount_text = ?5, percentage = ?6, teams = ?7, location = ?8, source = ?9,
                notes = ?10, fingerprint = ?11, updated_by = ?12, updated_at = ?13
         WHERE id = ?1 AND deleted_at IS NULL",
        id,
        company_id,
        event.date,
        c.headcount,
        c.headcount_text,
        c.percentage,
        event.teams,
        event.location,
        c.source,
        event.notes,
        c.fingerprint,
        actor,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Sets an event's further sources.
pub async fn set_more_sources(conn: &mut Conn, id: i64, more: &[String]) -> Result<()> {
    let json = (!more.is_empty()).then(|| serde_json::to_string(more).unwrap_or_default());
    sqlx::query!(
        "UPDATE events SET more_sources = ?2 WHERE id = ?1",
        id,
        json
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Soft-deletes a live event; false if there is no such live event.
pub async fn soft_delete(
    conn: &mut Conn,
    id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    let actor = actor.as_str();
    let done = sqlx::query!(
        "UPDATE events SET deleted_by = ?2, deleted_at = ?3 WHERE id = ?1 AND deleted_at IS NULL",
        id,
        actor,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One live (not deleted) event, read on `conn` (inside a transaction, for instance).
pub async fn get(conn: &mut Conn, id: i64) -> Result<Option<LayoffEvent>> {
    let row = sqlx::query_as!(
        EventRow,
        r#"SELECT e.id, e.company_id, c.name AS company,
                  e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                  e.percentage, e.teams, e.location, e.source, e.more_sources, e.notes,
                  t.platform AS "tenant_platform?", t.external_id AS "tenant_external?",
                  e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                  e.updated_at AS "updated_at: DateTime<Utc>"
           FROM events e JOIN companies c ON c.id = e.company_id
                LEFT JOIN tenants t ON t.id = e.tenant_id
           WHERE e.id = ?1 AND e.deleted_at IS NULL"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(Into::into))
}

impl Store {
    /// One live (not deleted) event.
    pub async fn event(&self, id: i64) -> Result<Option<LayoffEvent>> {
        let mut conn = self.pool.acquire().await?;
        get(&mut conn, id).await
    }

    /// A page of the live events `viewer` may see, of one company or all, since a date,
    /// newest first, with the totals over all of them.
    pub async fn events_page(
        &self,
        company_id: Option<i64>,
        viewer: &Viewer,
        since: Option<NaiveDate>,
        page: Page,
    ) -> Result<EventPage> {
        let from = since.unwrap_or(NO_DATE);
        let rows = match company_id {
            Some(id) => self.company_rows(id, viewer, from, page).await?,
            None => self.latest_rows(viewer, from, page).await?,
        };
        let totals = self.totals(company_id, viewer, since).await?;
        Ok(EventPage {
            events: rows.into_iter().map(Into::into).collect(),
            page,
            totals,
            filed: Vec::new(),
        })
    }

    // Two statements, not one with `company_id BETWEEN`: each walks its index in date order,
    // where a range on company_id would sort every event in a temporary B-tree.
    async fn company_rows(
        &self,
        company_id: i64,
        viewer: &Viewer,
        from: NaiveDate,
        page: Page,
    ) -> Result<Vec<EventRow>> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let (limit, offset) = (i64::from(page.size), page.offset());
        Ok(sqlx::query_as!(
            EventRow,
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.more_sources, e.notes,
                      t.platform AS "tenant_platform?", t.external_id AS "tenant_external?",
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>"
               FROM events e JOIN companies c ON c.id = e.company_id
                    LEFT JOIN tenants t ON t.id = e.tenant_id
               WHERE e.company_id = ?1 AND e.deleted_at IS NULL
                 AND (e.tenant_id IS NULL OR e.tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))
                 AND e.announced_on >= ?4
               ORDER BY e.announced_on DESC, e.id DESC
               LIMIT ?5 OFFSET ?6"#,
            company_id,
            platform,
            external,
            from,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn latest_rows(
        &self,
        viewer: &Viewer,
        from: NaiveDate,
        page: Page,
    ) -> Result<Vec<EventRow>> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let (limit, offset) = (i64::from(page.size), page.offset());
        Ok(sqlx::query_as!(
            EventRow,
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.more_sources, e.notes,
                      t.platform AS "tenant_platform?", t.external_id AS "tenant_external?",
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>"
               FROM events e JOIN companies c ON c.id = e.company_id
                    LEFT JOIN tenants t ON t.id = e.tenant_id
               WHERE e.deleted_at IS NULL
                 AND (e.tenant_id IS NULL OR e.tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2))
                 AND e.announced_on >= ?3
               ORDER BY e.announced_on DESC, e.id DESC
               LIMIT ?4 OFFSET ?5"#,
            platform,
            external,
            from,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// A company's events that `viewer` may see within `days` of `date`, nearest first.
    pub async fn nearby_events(
        &self,
        company_id: i64,
        viewer: &Viewer,
        date: NaiveDate,
        days: u64,
    ) -> Result<Vec<LayoffEvent>> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let span = chrono::Days::new(days);
        let from = date.checked_sub_days(span).unwrap_or(date);
        let to = date.checked_add_days(span).unwrap_or(date);
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.more_sources, e.notes,
                      t.platform AS "tenant_platform?", t.external_id AS "tenant_external?",
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>"
               FROM events e JOIN companies c ON c.id = e.company_id
                    LEFT JOIN tenants t ON t.id = e.tenant_id
               WHERE e.company_id = ?1 AND e.deleted_at IS NULL
                 AND (e.tenant_id IS NULL OR e.tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))
                 AND e.announced_on BETWEEN ?4 AND ?5
               ORDER BY abs(julianday(e.announced_on) - julianday(?6)), e.id
               LIMIT 5"#,
            company_id,
            platform,
            external,
            from,
            to,
            date
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

/// An event with its company's industry and country, as export writes it.
pub struct ExportRow {
    pub event: LayoffEvent,
    pub industry: Option<String>,
    pub country: Option<String>,
}

impl Store {
    /// Every live global event, newest first, optionally for one company: for export.
    pub async fn global_events(&self, company_id: Option<i64>) -> Result<Vec<ExportRow>> {
        let (lo, hi) = company_range(company_id);
        let rows = sqlx::query!(
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.more_sources, e.notes,
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>", c.industry, c.country
               FROM events e JOIN companies c ON c.id = e.company_id
               WHERE e.deleted_at IS NULL AND e.tenant_id IS NULL
                 AND e.company_id BETWEEN ?1 AND ?2
               ORDER BY e.announced_on DESC, e.id DESC"#,
            lo,
            hi
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ExportRow {
                event: EventRow {
                    id: r.id,
                    company_id: r.company_id,
                    company: r.company,
                    announced_on: r.announced_on,
                    headcount: r.headcount,
                    headcount_text: r.headcount_text,
                    percentage: r.percentage,
                    teams: r.teams,
                    location: r.location,
                    source: r.source,
                    more_sources: r.more_sources,
                    notes: r.notes,
                    tenant_platform: None,
                    tenant_external: None,
                    added_by: r.added_by,
                    added_at: r.added_at,
                    updated_at: r.updated_at,
                }
                .into(),
                industry: r.industry,
                country: r.country,
            })
            .collect())
    }
}
