//! Layoff events: insert, edit and soft delete (each with its audit row), batches for import,
//! and the queries: a company's events, the latest events, and totals.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::SqliteConnection;

use super::{Store, companies::upsert_company, snowflake_from_db, snowflake_to_db};
use crate::domain::{
    Actor, EventScope, Headcount, LayoffEvent, NewEvent, Percentage, Source, Viewer,
};
use crate::error::{Error, Result};

/// Before any event: binds "no lower bound" so that date ranges stay index range scans.
const NO_DATE: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).expect("valid date");

/// `company_id BETWEEN lo AND hi`: one company, or all of them, without an `OR` that would
/// keep SQLite from using the index.
fn company_range(company_id: Option<i64>) -> (i64, i64) {
    company_id.map_or((i64::MIN, i64::MAX), |id| (id, id))
}

/// Which slice of a list: page `number` (from 0) of `size` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub fn first(size: u32) -> Self {
        Self { number: 0, size }
    }

    fn offset(self) -> i64 {
        i64::from(self.number) * i64::from(self.size)
    }
}

/// One page of events and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    pub events: Vec<LayoffEvent>,
    pub page: Page,
    /// Over every event in range, not just this page.
    pub totals: Totals,
}

impl EventPage {
    pub fn page_count(&self) -> u32 {
        let size = u64::from(self.page.size.max(1));
        u32::try_from(self.totals.events.div_ceil(size))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// People affected, summing known numbers only, and how many events had no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub events: u64,
    pub people: u64,
    pub unknown: u64,
}

impl Totals {
    /// From SQLite's COUNT and SUMs (never negative).
    pub(super) fn from_counts(events: i64, people: i64, unknown: i64) -> Self {
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Self {
            events: count(events),
            people: count(people),
            unknown: count(unknown),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthTotal {
    /// "2024-04"
    pub month: String,
    pub totals: Totals,
}

/// What one batch did: the input positions inserted and those skipped as duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub inserted: Vec<usize>,
    pub duplicates: Vec<usize>,
}

/// One event of a batch, with company facts the CSV carries.
#[derive(Debug, Clone)]
pub struct BatchEvent {
    pub event: NewEvent,
    pub industry: Option<String>,
    pub country: Option<String>,
}

struct EventRow {
    id: i64,
    company_id: i64,
    company: String,
    announced_on: NaiveDate,
    headcount: Option<i64>,
    headcount_text: Option<String>,
    percentage: Option<f64>,
    teams: Option<String>,
    location: Option<String>,
    source: Option<String>,
    notes: Option<String>,
    guild_id: Option<i64>,
    added_by: String,
    added_at: DateTime<Utc>,
    updated_at: Option<DateTime<Utc>>,
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
            notes: r.notes,
            scope: r.guild_id.map_or(EventScope::Global, |g| {
                EventScope::Guild(snowflake_from_db(g))
            }),
            added_by: r.added_by,
            added_at: r.added_at,
            updated_at: r.updated_at,
        }
    }
}

impl Store {
    /// Stores one event (creating its company if new) with its audit row and one outbox row
    /// per matching subscription, in one transaction. Imports use [`Store::add_batch`], which
    /// posts nothing.
    pub async fn add_event(
        &self,
        event: &NewEvent,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<LayoffEvent> {
        let mut tx = self.begin_write().await?;
        let company_id = upsert_company(&mut tx, &event.company, None, None).await?;
        let id = insert_event(&mut tx, company_id, event, actor, now).await?;
        // One post per matching subscription, committed with the event or not at all.
        super::outbox::enqueue(&mut tx, id, company_id, event.scope, now).await?;
        tx.commit().await?;
        self.event(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("event {id} vanished")))
    }

    /// Stores a batch in one transaction, skipping events whose fingerprint a global event
    /// already has. With `dry_run` nothing is kept, and the outcome is the same.
    pub async fn add_batch(
        &self,
        batch: &[BatchEvent],
        actor: &Actor,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<BatchOutcome> {
        let mut tx = self.begin_write().await?;
        let mut outcome = BatchOutcome::default();
        for (i, item) in batch.iter().enumerate() {
            let fingerprint = item.event.fingerprint();
            let seen = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM events WHERE fingerprint = ?1 AND guild_id IS NULL)
                   AS "seen!: bool""#,
                fingerprint
            )
            .fetch_one(&mut *tx)
            .await?;
            if seen {
                outcome.duplicates.push(i);
                continue;
            }
            let company_id = upsert_company(
                &mut tx,
                &item.event.company,
                item.industry.as_deref(),
                item.country.as_deref(),
            )
            .await?;
            insert_event(&mut tx, company_id, &item.event, actor, now).await?;
            outcome.inserted.push(i);
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(outcome)
    }

    /// One live (not deleted) event.
    pub async fn event(&self, id: i64) -> Result<Option<LayoffEvent>> {
        let row = sqlx::query_as!(
            EventRow,
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.notes, e.guild_id,
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>"
               FROM events e JOIN companies c ON c.id = e.company_id
               WHERE e.id = ?1 AND e.deleted_at IS NULL"#,
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Into::into))
    }

    /// Replaces an event's fields with `event`'s, auditing what changed.
    pub async fn update_event(
        &self,
        id: i64,
        event: &NewEvent,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<LayoffEvent> {
        let before = self
            .event(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("There is no event #{id}.")))?;
        let mut tx = self.begin_write().await?;
        let company_id = upsert_company(&mut tx, &event.company, None, None).await?;
        let c = Columns::of(event);
        let fingerprint = event.fingerprint();
        let actor_s = actor.as_str();
        let changed = sqlx::query!(
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
            fingerprint,
            actor_s,
            now
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(Error::NotFound(format!("There is no event #{id}.")));
        }
        let diff = diff(&event_json(&before), &new_event_json(event));
        audit(&mut tx, id, "update", actor, now, &diff).await?;
        super::outbox::mark_edits_due(&mut tx, id).await?;
        tx.commit().await?;
        self.event(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("There is no event #{id}.")))
    }

    /// Soft-deletes an event, auditing it. Returns the event as it was.
    pub async fn delete_event(
        &self,
        id: i64,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<LayoffEvent> {
        let before = self
            .event(id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("There is no event #{id}.")))?;
        let mut tx = self.begin_write().await?;
        let actor_s = actor.as_str();
        let changed = sqlx::query!(
            "UPDATE events SET deleted_by = ?2, deleted_at = ?3 WHERE id = ?1 AND deleted_at IS NULL",
            id,
            actor_s,
            now
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(Error::NotFound(format!("There is no event #{id}.")));
        }
        audit(
            &mut tx,
            id,
            "delete",
            actor,
            now,
            &json!({ "event": event_json(&before) }),
        )
        .await?;
        tx.commit().await?;
        Ok(before)
    }

    /// The audit trail of one event, oldest first: (action, actor, at, changes as JSON).
    pub async fn audit_trail(&self, event_id: i64) -> Result<Vec<(String, String, String)>> {
        let rows = sqlx::query!(
            "SELECT action, actor, changes FROM audit_log WHERE event_id = ?1 ORDER BY id",
            event_id
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.action, r.actor, r.changes))
            .collect())
    }

    /// A company's events that `viewer` may see, newest first.
    pub async fn company_events(
        &self,
        company_id: i64,
        viewer: Viewer,
        since: Option<NaiveDate>,
        page: Page,
    ) -> Result<EventPage> {
        let guild = viewer.guild.map(snowflake_to_db);
        let from = since.unwrap_or(NO_DATE);
        let (limit, offset) = (i64::from(page.size), page.offset());
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.notes, e.guild_id,
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>"
               FROM events e JOIN companies c ON c.id = e.company_id
               WHERE e.company_id = ?1 AND e.deleted_at IS NULL
                 AND (e.guild_id IS NULL OR e.guild_id = ?2)
                 AND e.announced_on >= ?3
               ORDER BY e.announced_on DESC, e.id DESC
               LIMIT ?4 OFFSET ?5"#,
            company_id,
            guild,
            from,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        let totals = self.totals(Some(company_id), viewer, since).await?;
        Ok(EventPage {
            events: rows.into_iter().map(Into::into).collect(),
            page,
            totals,
        })
    }

    /// The newest events across all companies that `viewer` may see.
    pub async fn latest_events(
        &self,
        viewer: Viewer,
        since: Option<NaiveDate>,
        page: Page,
    ) -> Result<EventPage> {
        let guild = viewer.guild.map(snowflake_to_db);
        let from = since.unwrap_or(NO_DATE);
        let (limit, offset) = (i64::from(page.size), page.offset());
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.notes, e.guild_id,
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>"
               FROM events e JOIN companies c ON c.id = e.company_id
               WHERE e.deleted_at IS NULL
                 AND (e.guild_id IS NULL OR e.guild_id = ?1)
                 AND e.announced_on >= ?2
               ORDER BY e.announced_on DESC, e.id DESC
               LIMIT ?3 OFFSET ?4"#,
            guild,
            from,
            limit,
            offset
        )
        .fetch_all(&self.pool)
        .await?;
        let totals = self.totals(None, viewer, since).await?;
        Ok(EventPage {
            events: rows.into_iter().map(Into::into).collect(),
            page,
            totals,
        })
    }

    /// A company's events that `viewer` may see within `days` of `date`, nearest first.
    pub async fn nearby_events(
        &self,
        company_id: i64,
        viewer: Viewer,
        date: NaiveDate,
        days: u64,
    ) -> Result<Vec<LayoffEvent>> {
        let guild = viewer.guild.map(snowflake_to_db);
        let from = date
            .checked_sub_days(chrono::Days::new(days))
            .unwrap_or(date);
        let to = date
            .checked_add_days(chrono::Days::new(days))
            .unwrap_or(date);
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.notes, e.guild_id,
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>"
               FROM events e JOIN companies c ON c.id = e.company_id
               WHERE e.company_id = ?1 AND e.deleted_at IS NULL
                 AND (e.guild_id IS NULL OR e.guild_id = ?2)
                 AND e.announced_on BETWEEN ?3 AND ?4
               ORDER BY abs(julianday(e.announced_on) - julianday(?5)), e.id
               LIMIT 5"#,
            company_id,
            guild,
            from,
            to,
            date
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Totals over one company's events (or all events) that `viewer` may see.
    pub async fn totals(
        &self,
        company_id: Option<i64>,
        viewer: Viewer,
        since: Option<NaiveDate>,
    ) -> Result<Totals> {
        let guild = viewer.guild.map(snowflake_to_db);
        let (lo, hi) = company_range(company_id);
        let from = since.unwrap_or(NO_DATE);
        let row = sqlx::query!(
            r#"SELECT COUNT(*) AS "events!: i64",
                      COALESCE(SUM(headcount), 0) AS "people!: i64",
                      COALESCE(SUM(headcount IS NULL), 0) AS "unknown!: i64"
               FROM events
               WHERE deleted_at IS NULL
                 AND company_id BETWEEN ?1 AND ?2
                 AND (guild_id IS NULL OR guild_id = ?3)
                 AND announced_on >= ?4"#,
            lo,
            hi,
            guild,
            from
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Totals::from_counts(row.events, row.people, row.unknown))
    }

    /// Totals per calendar month, newest month first.
    pub async fn monthly_totals(
        &self,
        company_id: Option<i64>,
        viewer: Viewer,
        since: Option<NaiveDate>,
    ) -> Result<Vec<MonthTotal>> {
        let guild = viewer.guild.map(snowflake_to_db);
        let (lo, hi) = company_range(company_id);
        let from = since.unwrap_or(NO_DATE);
        let rows = sqlx::query!(
            r#"SELECT substr(announced_on, 1, 7) AS "month!: String",
                      COUNT(*) AS "events!: i64",
                      COALESCE(SUM(headcount), 0) AS "people!: i64",
                      COALESCE(SUM(headcount IS NULL), 0) AS "unknown!: i64"
               FROM events
               WHERE deleted_at IS NULL
                 AND company_id BETWEEN ?1 AND ?2
                 AND (guild_id IS NULL OR guild_id = ?3)
                 AND announced_on >= ?4
               GROUP BY 1 ORDER BY 1 DESC"#,
            lo,
            hi,
            guild,
            from
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| MonthTotal {
                month: r.month,
                totals: Totals::from_counts(r.events, r.people, r.unknown),
            })
            .collect())
    }

    /// Every live global-or-guild event, oldest first, optionally for one company: for export.
    pub async fn all_events(
        &self,
        company_id: Option<i64>,
    ) -> Result<Vec<(LayoffEvent, Option<String>, Option<String>)>> {
        let (lo, hi) = company_range(company_id);
        let rows = sqlx::query!(
            r#"SELECT e.id, e.company_id, c.name AS company,
                      e.announced_on AS "announced_on: NaiveDate", e.headcount, e.headcount_text,
                      e.percentage, e.teams, e.location, e.source, e.notes, e.guild_id,
                      e.added_by, e.added_at AS "added_at: DateTime<Utc>",
                      e.updated_at AS "updated_at: DateTime<Utc>", c.industry, c.country
               FROM events e JOIN companies c ON c.id = e.company_id
               WHERE e.deleted_at IS NULL AND e.guild_id IS NULL
                 AND e.company_id BETWEEN ?1 AND ?2
               ORDER BY e.announced_on DESC, e.id DESC"#,
            lo,
            hi
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let event = EventRow {
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
                    notes: r.notes,
                    guild_id: r.guild_id,
                    added_by: r.added_by,
                    added_at: r.added_at,
                    updated_at: r.updated_at,
                };
                (event.into(), r.industry, r.country)
            })
            .collect())
    }
}

/// The stored form of the headcount, percentage and source.
struct Columns {
    headcount: Option<i64>,
    headcount_text: Option<String>,
    percentage: Option<f64>,
    source: Option<String>,
}

impl Columns {
    fn of(event: &NewEvent) -> Self {
        Self {
            headcount: event.headcount.known().map(i64::from),
            headcount_text: event.headcount.approx_text().map(str::to_string),
            percentage: event.percentage.map(Percentage::value),
            source: event.source.as_ref().map(|s| s.as_str().to_string()),
        }
    }
}

async fn insert_event(
    conn: &mut SqliteConnection,
    company_id: i64,
    event: &NewEvent,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let c = Columns::of(event);
    let guild = event.scope.guild().map(snowflake_to_db);
    let fingerprint = event.fingerprint();
    let actor_s = actor.as_str();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO events (company_id, announced_on, headcount, headcount_text, percentage,
                             teams, location, source, notes, guild_id, added_by, added_at,
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
        guild,
        actor_s,
        now,
        fingerprint
    )
    .fetch_one(&mut *conn)
    .await?;
    audit(
        conn,
        id,
        "insert",
        actor,
        now,
        &json!({ "event": new_event_json(event) }),
    )
    .await?;
    Ok(id)
}

async fn audit(
    conn: &mut SqliteConnection,
    event_id: i64,
    action: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    changes: &Value,
) -> Result<()> {
    let actor = actor.as_str();
    let changes = changes.to_string();
    sqlx::query!(
        "INSERT INTO audit_log (event_id, action, actor, at, changes) VALUES (?1, ?2, ?3, ?4, ?5)",
        event_id,
        action,
        actor,
        now,
        changes
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An event's facts as the audit trail records them.
#[derive(serde::Serialize)]
struct AuditFacts<'a> {
    company: &'a str,
    date: String,
    headcount: String,
    percentage: Option<f64>,
    teams: Option<&'a str>,
    location: Option<&'a str>,
    source: Option<&'a str>,
    notes: Option<&'a str>,
    /// A string: JSON numbers lose precision above 2^53.
    guild_id: Option<String>,
}

fn new_event_json(e: &NewEvent) -> Value {
    let facts = AuditFacts {
        company: e.company.display(),
        date: e.date.to_string(),
        headcount: e.headcount.to_string(),
        percentage: e.percentage.map(Percentage::value),
        teams: e.teams.as_deref(),
        location: e.location.as_deref(),
        source: e.source.as_ref().map(Source::as_str),
        notes: e.notes.as_deref(),
        guild_id: e.scope.guild().map(|g| g.to_string()),
    };
    serde_json::to_value(facts).unwrap_or(Value::Null)
}

fn event_json(e: &LayoffEvent) -> Value {
    e.to_new_event().map_or(Value::Null, |e| new_event_json(&e))
}

/// {"field": {"from": old, "to": new}} for the fields that differ.
fn diff(before: &Value, after: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let (Value::Object(b), Value::Object(a)) = (before, after) {
        for (k, new) in a {
            let old = b.get(k).unwrap_or(&Value::Null);
            if old != new {
                out.insert(k.clone(), json!({ "from": old, "to": new }));
            }
        }
    }
    Value::Object(out)
}
