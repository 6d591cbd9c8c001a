//! The audit trail: one row per insert, edit and delete of an event, with who, when and the
//! facts (or what changed) as JSON.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::{Conn, Store};
use crate::domain::{Actor, LayoffEvent, NewEvent, Percentage, Source};
use crate::error::Result;

/// What happened to an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Insert,
    Update,
    Delete,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Self::Insert => "insert",
            Self::Update => "update",
            Self::Delete => "delete",
        }
    }
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub action: String,
    pub actor: String,
    /// The facts (insert, delete) or the changed fields (update), as JSON.
    pub changes: String,
}

/// Records an insert (`before` None), an edit, or a delete (`after` None).
pub async fn record(
    conn: &mut Conn,
    event_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
    before: Option<&LayoffEvent>,
    after: Option<&NewEvent>,
) -> Result<()> {
    let (action, changes) = match (before, after) {
        (Some(b), Some(a)) => (Action::Update, diff(&event_json(b), &new_event_json(a))),
        (Some(b), None) => (Action::Delete, json!({ "event": event_json(b) })),
        (None, a) => (Action::Insert, json!({ "event": a.map(new_event_json) })),
    };
    note(conn, event_id, action, actor, now, &changes).await
}

/// Records `changes` as they are (merges, which `record` does not describe).
pub async fn note(
    conn: &mut Conn,
    event_id: i64,
    action: Action,
    actor: &Actor,
    now: DateTime<Utc>,
    changes: &Value,
) -> Result<()> {
    let action = action.as_str();
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

impl Store {
    /// The audit trail of one event, oldest first.
    pub async fn audit_trail(&self, event_id: i64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query_as!(
            AuditEntry,
            "SELECT action, actor, changes FROM audit_log WHERE event_id = ?1 ORDER BY id",
            event_id
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows)
    }
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
    /// "discord:<guild id>"; a string, as JSON numbers lose precision above 2^53.
    tenant: Option<String>,
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
        tenant: e.scope.tenant().map(ToString::to_string),
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

impl Store {
    /// When the global record last changed: the newest moderator change of a global event,
    /// import run or company merge. Private events do not count (their time is theirs).
    pub async fn global_record_changed_at(&self) -> Result<Option<DateTime<Utc>>> {
        let at = sqlx::query_scalar!(
            r#"SELECT max(at) AS "at: DateTime<Utc>" FROM (
                   SELECT max(a.at) AS at FROM audit_log a JOIN events e ON e.id = a.event_id
                   WHERE e.tenant_id IS NULL
                   UNION ALL SELECT max(at) FROM import_runs
                   UNION ALL SELECT max(at) FROM company_changes)"#
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(at)
    }
}
