//! Bulk writes for CSV import: set-based statements over one JSON array (`json_each`), so a
//! file of any size costs a handful of statements instead of several per row.

use foldhash::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Conn;
use crate::domain::{Actor, NewEvent, Percentage, Source};
use crate::error::{Error, Result};

fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::Internal(format!("bulk JSON: {e}")))
}

/// Prepares a dedicated connection (see `Store::dedicated_connection`) for a bulk write and
/// takes the write lock: a page cache of 32 MiB, so a large import's dirty pages stay in memory
/// instead of spilling to the WAL and being read back; and no per-row foreign key checks, as
/// every id the import writes was read or created in this same transaction.
pub async fn begin(conn: &mut Conn) -> Result<()> {
    sqlx::query!("PRAGMA cache_size = -32768")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await?;
    sqlx::query!("BEGIN IMMEDIATE").execute(&mut *conn).await?;
    Ok(())
}

pub async fn commit(conn: &mut Conn) -> Result<()> {
    sqlx::query!("COMMIT").execute(&mut *conn).await?;
    Ok(())
}

pub async fn rollback(conn: &mut Conn) -> Result<()> {
    sqlx::query!("ROLLBACK").execute(&mut *conn).await?;
    Ok(())
}

/// Whether the store has any global event (live or removed).
pub async fn any_global_event(conn: &mut Conn) -> Result<bool> {
    let any = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM events WHERE tenant_id IS NULL) AS "any!: bool""#
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(any)
}

/// Every global event's fingerprint (live or removed), and those of rows merged into one.
pub async fn all_global_fingerprints(conn: &mut Conn) -> Result<HashSet<String>> {
    let rows = sqlx::query_scalar!(
        r#"SELECT fingerprint AS "fingerprint!" FROM events WHERE tenant_id IS NULL
           UNION ALL SELECT fingerprint FROM merged_rows"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Which of `fingerprints` a global event (live or removed) already has, or a row merged
/// into one had.
pub async fn global_fingerprints_among(
    conn: &mut Conn,
    fingerprints: &[&str],
) -> Result<HashSet<String>> {
    let list = to_json(&fingerprints)?;
    let rows = sqlx::query_scalar!(
        r#"SELECT fingerprint AS "fingerprint!" FROM events
           WHERE tenant_id IS NULL AND fingerprint IN (SELECT value FROM jsonb_each(?1))
           UNION
           SELECT fingerprint FROM merged_rows
           WHERE fingerprint IN (SELECT value FROM jsonb_each(?1))"#,
        list
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// A company a key already names (as its own key or an alias), with its facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownCompany {
    pub id: i64,
    pub industry: Option<String>,
    pub country: Option<String>,
}

/// Every company key (names and aliases) with its company: companies are few next to events,
/// so an import reads them once instead of looking them up chunk by chunk.
pub async fn all_companies(conn: &mut Conn) -> Result<HashMap<String, KnownCompany>> {
    let rows = sqlx::query!(
        r#"SELECT c.key AS "key!", c.id AS "id!", c.industry, c.country FROM companies c
           WHERE c.tenant_id IS NULL
           UNION ALL
           SELECT a.key, c.id, c.industry, c.country
           FROM company_aliases a JOIN companies c ON c.id = a.company_id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let company = KnownCompany {
                id: r.id,
                industry: r.industry,
                country: r.country,
            };
            (r.key, company)
        })
        .collect())
}

/// A company to create.
#[derive(Debug, Clone, Serialize)]
pub struct NewCompany<'a> {
    pub name: &'a str,
    pub key: &'a str,
    pub industry: Option<&'a str>,
    pub country: Option<&'a str>,
}

/// Creates `companies` (keys not yet used); returns their (key, id).
pub async fn insert_companies(
    conn: &mut Conn,
    companies: &[NewCompany<'_>],
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>> {
    if companies.is_empty() {
        return Ok(Vec::new());
    }
    let list = to_json(&companies)?;
    let rows = sqlx::query!(
        r#"INSERT INTO companies (name, key, industry, country, created_at)
           SELECT value ->> 'name', value ->> 'key', value ->> 'industry', value ->> 'country', ?2
           FROM jsonb_each(?1)
           RETURNING key AS "key!", id AS "id!""#,
        list,
        now
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.id)).collect())
}

/// Fills in a company's missing industry or country.
pub async fn fill_facts(
    conn: &mut Conn,
    id: i64,
    industry: Option<&str>,
    country: Option<&str>,
) -> Result<()> {
    sqlx::query!(
        "UPDATE companies SET industry = COALESCE(industry, ?2), country = COALESCE(country, ?3)
         WHERE id = ?1",
        id,
        industry,
        country
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A global event to insert: its company, facts, and fingerprint (computed once by the
/// caller, who also deduplicates with it).
pub struct BulkEvent<'a> {
    pub company_id: i64,
    pub event: &'a NewEvent,
    pub fingerprint: &'a str,
    /// Sources beyond the first.
    pub more_sources: &'a [String],
}

/// An event's stored columns, as one row (a JSON array, read by position) of the array
/// `insert_global_events` reads: company, date, headcount, wording, percentage, teams,
/// location, source, notes, fingerprint, further sources.
#[derive(Serialize)]
struct EventColumns<'a>(
    i64,
    String,
    Option<u32>,
    Option<&'a str>,
    Option<f64>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    Option<&'a [String]>,
);

impl<'a> From<&BulkEvent<'a>> for EventColumns<'a> {
    fn from(b: &BulkEvent<'a>) -> Self {
        let e = b.event;
        Self(
            b.company_id,
            e.date.to_string(),
            e.headcount.known(),
            e.headcount.approx_text(),
            e.percentage.map(Percentage::value),
            e.teams.as_deref(),
            e.location.as_deref(),
            e.source.as_ref().map(Source::as_str),
            e.notes.as_deref(),
            b.fingerprint,
            Some(b.more_sources).filter(|m| !m.is_empty()),
        )
    }
}

/// Inserts global events, in order (their ids ascend with it); returns the first and last id
/// given, if any (the caller holds the write lock, so they are contiguous).
pub async fn insert_global_events(
    conn: &mut Conn,
    events: &[BulkEvent<'_>],
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>> {
    if events.is_empty() {
        return Ok(None);
    }
    let before = last_event_id(conn).await?;
    let columns: Vec<EventColumns<'_>> = events.iter().map(EventColumns::from).collect();
    let json = to_json(&columns)?;
    let actor = actor.as_str();
    // jsonb_each: the array is parsed once into binary JSON, not once per field read; it
    // yields elements in array order, so ids follow the file (a test checks it).
    let done = sqlx::query!(
        "INSERT INTO events (company_id, announced_on, headcount, headcount_text, percentage,
                             teams, location, source, notes, tenant_id, added_by, added_at,
                             fingerprint, more_sources)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                value ->> 6, value ->> 7, value ->> 8, NULL, ?2, ?3, value ->> 9, value ->> 10
         FROM jsonb_each(?1)",
        json,
        actor,
        now
    )
    .execute(&mut *conn)
    .await?;
    let last = last_event_id(conn).await?;
    Ok((done.rows_affected() > 0).then_some((before + 1, last)))
}

/// The highest event id so far (0 in an empty store).
pub async fn last_event_id(conn: &mut Conn) -> Result<i64> {
    let id = sqlx::query_scalar!(r#"SELECT COALESCE(max(id), 0) AS "id!: i64" FROM events"#)
        .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

/// A global event of an import run, for its announcement: (id, company, known headcount).
pub async fn run_events(
    conn: &mut Conn,
    first: i64,
    last: i64,
) -> Result<Vec<(i64, i64, Option<u32>)>> {
    let rows = sqlx::query!(
        "SELECT id, company_id, headcount FROM events
         WHERE id BETWEEN ?1 AND ?2 AND tenant_id IS NULL AND deleted_at IS NULL ORDER BY id",
        first,
        last
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.id,
                r.company_id,
                r.headcount.and_then(|n| u32::try_from(n).ok()),
            )
        })
        .collect())
}

/// What one import run did, for its audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun<'a> {
    pub file: &'a str,
    pub read: usize,
    pub imported: usize,
    pub duplicates: usize,
    pub merged: usize,
    pub probable: usize,
    pub rejected: usize,
    /// The ids the run added, first and last.
    pub ids: Option<(i64, i64)>,
}

/// The run's audit record; returns its id.
pub async fn record_import_run(
    conn: &mut Conn,
    run: &ImportRun<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let (read, imported) = (count(run.read), count(run.imported));
    let (duplicates, rejected) = (count(run.duplicates), count(run.rejected));
    let (merged, probable) = (count(run.merged), count(run.probable));
    let (first, last) = (run.ids.map(|r| r.0), run.ids.map(|r| r.1));
    let actor = actor.as_str();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO import_runs (file, actor, at, rows_read, imported, duplicates, rejected,
                                    first_event_id, last_event_id, merged, probable)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id AS "id!""#,
        run.file,
        actor,
        now,
        read,
        imported,
        duplicates,
        rejected,
        first,
        last,
        merged,
        probable
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The `events` indexes dropped for a bulk insert, as the schema defined them.
#[derive(Debug)]
pub struct DroppedIndexes(Vec<String>);

/// Drops the `events` indexes inside the caller's transaction, keeping their definitions:
/// building an index once after a large insert costs far less than maintaining it row by row.
/// A rollback restores them (DDL is transactional in SQLite).
pub async fn drop_event_indexes(conn: &mut Conn) -> Result<DroppedIndexes> {
    let indexes = sqlx::query!(
        r#"SELECT name AS "name!: String", sql AS "sql!: String" FROM sqlite_master
           WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"#
    )
    .fetch_all(&mut *conn)
    .await?;
    for index in &indexes {
        // Names and definitions come from the schema itself, never from input; dynamic DDL
        // cannot go through the compile-time checked macros.
        let drop = format!("DROP INDEX \"{}\"", index.name.replace('"', "\"\""));
        sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
            .execute(&mut *conn)
            .await?;
    }
    Ok(DroppedIndexes(indexes.into_iter().map(|i| i.sql).collect()))
}

/// Builds the dropped indexes again, before the transaction commits.
pub async fn restore_event_indexes(conn: &mut Conn, dropped: DroppedIndexes) -> Result<()> {
    for create in dropped.0 {
        sqlx::raw_sql(sqlx::AssertSqlSafe(create))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// About how many events the store holds (the highest id; removed ones count too).
pub async fn event_count_estimate(conn: &mut Conn) -> Result<u64> {
    Ok(u64::try_from(last_event_id(conn).await?).unwrap_or_default())
}
