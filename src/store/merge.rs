//! Merging what another source says into an event: the events a row may be the same cut as,
//! and the update that fills in what the event lacked, adds the row's source after the ones it
//! has, remembers the row's fingerprint and audits where the row came from.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::Conn;
use super::audit::{self, Action};
use crate::domain::Actor;
use crate::error::Result;

/// A global event on a given date, with what the merge rules compare.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedEvent {
    pub id: i64,
    pub company_id: i64,
    pub company: String,
    pub industry: Option<String>,
    pub date: NaiveDate,
    pub headcount: Option<u32>,
    pub percentage: Option<f64>,
    pub location: Option<String>,
}

/// The live global events dated `dates`, with ids up to `up_to` (those from before a run).
pub async fn global_events_on(
    conn: &mut Conn,
    dates: &[NaiveDate],
    up_to: i64,
) -> Result<Vec<DatedEvent>> {
    let list = serde_json::to_string(dates).unwrap_or_default();
    let rows = sqlx::query!(
        r#"SELECT e.id, e.company_id, c.name AS company, c.industry,
                  e.announced_on AS "date: NaiveDate", e.headcount, e.percentage, e.location
           FROM events e JOIN companies c ON c.id = e.company_id
           WHERE e.announced_on IN (SELECT value FROM json_each(?1))
             AND e.tenant_id IS NULL AND e.deleted_at IS NULL AND e.id <= ?2"#,
        list,
        up_to
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DatedEvent {
            id: r.id,
            company_id: r.company_id,
            company: r.company,
            industry: r.industry,
            date: r.date,
            headcount: r.headcount.and_then(|n| u32::try_from(n).ok()),
            percentage: r.percentage,
            location: r.location,
        })
        .collect())
}

/// What a merged row brings, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedRow<'a> {
    pub headcount: Option<u32>,
    pub approx: Option<&'a str>,
    pub percentage: Option<f64>,
    pub location: Option<&'a str>,
    pub teams: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub source: Option<&'a str>,
    /// Importing a row with this fingerprint again is a duplicate.
    pub fingerprint: &'a str,
    /// "file.csv line 12", or the event a company merge folded in.
    pub origin: String,
}

/// Fills in what event `id` lacked from `row`, keeps what it had, adds the row's source after
/// its own (once), and audits the merge.
pub async fn merge_into(
    conn: &mut Conn,
    id: i64,
    row: &MergedRow<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let by = actor.as_str();
    // SET expressions all read the old row: a source lands in `more_sources` only when the
    // event already had another one.
    sqlx::query!(
        r#"UPDATE events SET
               headcount = COALESCE(headcount, ?2),
               headcount_text = CASE WHEN headcount IS NULL
                                     THEN COALESCE(headcount_text, ?3) ELSE headcount_text END,
               percentage = COALESCE(percentage, ?4),
               location = COALESCE(location, ?5),
               teams = COALESCE(teams, ?6),
               notes = COALESCE(notes, ?10),
               more_sources = CASE
                   WHEN ?7 IS NULL OR source IS NULL OR source = ?7
                        OR EXISTS (SELECT 1 FROM json_each(more_sources) WHERE value = ?7)
                   THEN more_sources
                   ELSE json_insert(COALESCE(more_sources, '[]'), '$[#]', ?7) END,
               source = COALESCE(source, ?7),
               updated_by = ?8, updated_at = ?9
           WHERE id = ?1"#,
        id,
        row.headcount,
        row.approx,
        row.percentage,
        row.location,
        row.teams,
        row.source,
        by,
        now,
        row.notes
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO merged_rows (fingerprint, event_id) VALUES (?1, ?2)",
        row.fingerprint,
        id
    )
    .execute(&mut *conn)
    .await?;
    let changes = json!({"merged": {
        "from": row.origin, "headcount": row.headcount, "headcount_text": row.approx,
        "percentage": row.percentage, "location": row.location, "teams": row.teams,
        "notes": row.notes, "source": row.source,
    }});
    audit::note(conn, id, Action::Update, actor, now, &changes).await
}

/// Adds `link` as a further source of event `id` (once), by the same rule as
/// [`merge_into`]'s sources, audited; part of the caller's transaction.
pub async fn add_source(
    conn: &mut Conn,
    id: i64,
    link: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let by = actor.as_str();
    sqlx::query!(
        r#"UPDATE events SET
               more_sources = CASE
                   WHEN source IS NULL OR source = ?2
                        OR EXISTS (SELECT 1 FROM json_each(more_sources) WHERE value = ?2)
                   THEN more_sources
                   ELSE json_insert(COALESCE(more_sources, '[]'), '$[#]', ?2) END,
               source = COALESCE(source, ?2),
               updated_by = ?3, updated_at = ?4
           WHERE id = ?1"#,
        id,
        link,
        by,
        now
    )
    .execute(&mut *conn)
    .await?;
    let changes = json!({"source_added": link});
    audit::note(conn, id, Action::Update, actor, now, &changes).await
}
