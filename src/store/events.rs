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

/// A row of the `event_rows` view (migration 0015), which every read selects whole: the
/// event's columns, its company's name and facts, its tenant's ids. Dates arrive as the text
/// the store wrote.
pub(super) struct EventRow {
    pub id: i64,
    pub company_id: i64,
    pub company: String,
    pub announced_on: String,
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
    #[allow(dead_code)] // selected with the rest; queries filter on it in SQL
    pub tenant_id: Option<i64>,
    pub added_by: String,
    pub added_at: String,
    pub updated_at: Option<String>,
    #[allow(dead_code)] // selected with the rest; queries filter on it in SQL
    pub deleted_at: Option<String>,
    pub industry: Option<String>,
    pub country: Option<String>,
}

/// A time as the store writes it (RFC 3339), or as SQLite's own functions do.
fn stored_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

impl EventRow {
    /// The event; None (logged) for a row whose dates do not read, which the store never
    /// writes.
    pub(super) fn event(self) -> Option<LayoffEvent> {
        let date = NaiveDate::parse_from_str(&self.announced_on, "%Y-%m-%d").ok();
        let added_at = stored_time(&self.added_at);
        let (Some(date), Some(added_at)) = (date, added_at) else {
            tracing::warn!(event = self.id, "an event's dates do not read; left out");
            return None;
        };
        Some(LayoffEvent {
            id: self.id,
            company_id: self.company_id,
            company: self.company,
            date,
            headcount: Headcount::from_columns(self.headcount, self.headcount_text),
            percentage: self
                .percentage
                .and_then(|p| Percentage::from_percent(p).ok()),
            teams: self.teams,
            location: self.location,
            source: self.source.map(Source::from_stored),
            more_sources: more_sources(self.more_sources.as_deref())
                .into_iter()
                .map(Source::from_stored)
                .collect(),
            notes: self.notes,
            scope: tenants::scope(self.tenant_platform.as_deref(), self.tenant_external),
            added_by: Actor::from_stored(self.added_by),
            added_at,
            updated_at: self.updated_at.as_deref().and_then(stored_time),
        })
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
        r#"SELECT * FROM event_rows e
           WHERE e.id = ?1 AND e.deleted_at IS NULL"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.and_then(EventRow::event))
}

impl Store {
    /// One live (not deleted) event.
    pub async fn event(&self, id: i64) -> Result<Option<LayoffEvent>> {
        let mut conn = self.pool.acquire().await?;
        get(&mut conn, id).await
    }

    /// A page of the live events `viewer` may see, of one company or all, since a date,
    /// newest first, with the totals over all of them. (`/layoffs <company>` reads a
    /// company's page with `company_read`, in one statement; a test holds the two equal.)
    pub async fn events_page(
        &self,
        company_id: Option<i64>,
        viewer: &Viewer,
        since: Option<NaiveDate>,
        page: Page,
    ) -> Result<EventPage> {
        let from = since.unwrap_or(NO_DATE);
        let rows = async {
            match company_id {
                Some(id) => self.company_rows(id, viewer, from, page).await,
                None => self.latest_rows(viewer, from, page).await,
            }
        };
        // Independent reads: side by side on two of the pool's connections.
        let (rows, totals) = tokio::try_join!(rows, self.totals(company_id, viewer, since))?;
        Ok(EventPage {
            events: rows.into_iter().filter_map(EventRow::event).collect(),
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
            r#"SELECT * FROM event_rows e
               WHERE e.company_id = ?1 AND e.deleted_at IS NULL
                 AND (e.tenant_id IS NULL OR e.tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))
                 AND e.announced_on >= ?4
               ORDER BY e.announced_on DESC, e.id DESC
               LIMIT CAST(?5 AS INTEGER) OFFSET ?6"#,
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
            r#"SELECT * FROM event_rows e
               WHERE e.deleted_at IS NULL
                 AND (e.tenant_id IS NULL OR e.tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2))
                 AND e.announced_on >= ?3
               ORDER BY e.announced_on DESC, e.id DESC
               LIMIT CAST(?4 AS INTEGER) OFFSET ?5"#,
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
            r#"SELECT * FROM event_rows e
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
        Ok(rows.into_iter().filter_map(EventRow::event).collect())
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
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT * FROM event_rows e
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
            .filter_map(|mut r| {
                let (industry, country) = (r.industry.take(), r.country.take());
                Some(ExportRow {
                    event: r.event()?,
                    industry,
                    country,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_read_as_the_store_and_sqlite_write_them() {
        let t = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(stored_time("2026-11-26T12:00:00+00:00"), Some(t));
        assert_eq!(stored_time("2026-11-26T12:00:00Z"), Some(t));
        assert_eq!(stored_time("2026-11-26 12:00:00"), Some(t));
        assert_eq!(
            stored_time("2026-11-26T12:00:00.25+00:00"),
            Some(t + chrono::Duration::milliseconds(250))
        );
        assert_eq!(stored_time("yesterday"), None);
    }
}
