//! Curators' fixes to company names in the global record: aliases, and folding one company
//! into another (its events moved or merged, its name kept as an alias), each recorded in
//! `company_changes`.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::Conn;
use crate::domain::Actor;
use crate::error::Result;

/// What a global key names now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyUse {
    Free,
    /// A global company's own key, with how many events (live or removed) it has.
    Company {
        id: i64,
        name: String,
        events: i64,
    },
    /// An alias of this company.
    Alias {
        company_id: i64,
        company: String,
    },
}

pub async fn key_use(conn: &mut Conn, key: &str) -> Result<KeyUse> {
    if let Some(c) = sqlx::query!(
        r#"SELECT c.id, c.name, (SELECT COUNT(*) FROM events e WHERE e.company_id = c.id)
                  AS "events!: i64"
           FROM companies c WHERE c.key = ?1 AND c.tenant_id IS NULL"#,
        key
    )
    .fetch_optional(&mut *conn)
    .await?
    {
        return Ok(KeyUse::Company {
            id: c.id,
            name: c.name,
            events: c.events,
        });
    }
    let alias = sqlx::query!(
        r#"SELECT c.id, c.name FROM company_aliases a JOIN companies c ON c.id = a.company_id
           WHERE a.key = ?1"#,
        key
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(alias.map_or(KeyUse::Free, |a| KeyUse::Alias {
        company_id: a.id,
        company: a.name,
    }))
}

/// Makes `key` (spelt `alias`) name `company_id`, replacing an alias it was.
pub async fn set_alias(conn: &mut Conn, key: &str, alias: &str, company_id: i64) -> Result<()> {
    sqlx::query!(
        "INSERT INTO company_aliases (key, alias, company_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET alias = excluded.alias, company_id = excluded.company_id",
        key,
        alias,
        company_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves tenants' private companies named `key` into global company `company_id`: the global
/// record now says what that name means.
pub async fn absorb_private_into(conn: &mut Conn, key: &str, company_id: i64) -> Result<()> {
    sqlx::query!(
        "UPDATE events SET company_id = ?2 WHERE company_id IN
             (SELECT id FROM companies WHERE tenant_id IS NOT NULL
                 AND substr(key, instr(key, '|') + 1) = ?1)",
        key,
        company_id
    )
    .execute(&mut *conn)
    .await?;
    // A subscription that named both keeps one (UPDATE OR IGNORE); the rest go below.
    sqlx::query!(
        "UPDATE OR IGNORE subscription_companies SET company_id = ?2 WHERE company_id IN
             (SELECT id FROM companies WHERE tenant_id IS NOT NULL
                 AND substr(key, instr(key, '|') + 1) = ?1)",
        key,
        company_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM subscription_companies WHERE company_id IN
             (SELECT id FROM companies WHERE tenant_id IS NOT NULL
                 AND substr(key, instr(key, '|') + 1) = ?1)",
        key
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM companies WHERE tenant_id IS NOT NULL
            AND substr(key, instr(key, '|') + 1) = ?1",
        key
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One of a company's events, with what merging another company into it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyEvent {
    pub id: i64,
    pub date: NaiveDate,
    pub headcount: Option<u32>,
    pub approx: Option<String>,
    pub percentage: Option<f64>,
    pub location: Option<String>,
    pub teams: Option<String>,
    pub notes: Option<String>,
    pub source: Option<String>,
    pub more_sources: Vec<String>,
    pub fingerprint: String,
    pub live: bool,
}

/// All of a global company's events, live and removed, oldest first.
pub async fn company_events(conn: &mut Conn, company_id: i64) -> Result<Vec<CompanyEvent>> {
    let rows = sqlx::query!(
        r#"SELECT id, announced_on AS "date: NaiveDate", headcount, headcount_text, percentage,
                  location, teams, notes, source, more_sources, fingerprint,
                  deleted_at IS NULL AS "live!: bool"
           FROM events WHERE company_id = ?1 AND tenant_id IS NULL
           ORDER BY announced_on, id"#,
        company_id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CompanyEvent {
            id: r.id,
            date: r.date,
            headcount: r.headcount.and_then(|n| u32::try_from(n).ok()),
            approx: r.headcount_text,
            percentage: r.percentage,
            location: r.location,
            teams: r.teams,
            notes: r.notes,
            source: r.source,
            more_sources: super::events::more_sources(r.more_sources.as_deref()),
            fingerprint: r.fingerprint,
            live: r.live,
        })
        .collect())
}

/// Gives event `id` to company `to` (its fingerprint keeps the old name, so rows under the
/// old name stay duplicates).
pub async fn move_event(conn: &mut Conn, id: i64, to: i64) -> Result<()> {
    sqlx::query!("UPDATE events SET company_id = ?2 WHERE id = ?1", id, to)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Adds `source` after event `id`'s own sources, unless it has it.
pub async fn add_source(conn: &mut Conn, id: i64, source: &str) -> Result<()> {
    sqlx::query!(
        r#"UPDATE events SET more_sources = CASE
               WHEN source IS NULL OR source = ?2
                    OR EXISTS (SELECT 1 FROM json_each(more_sources) WHERE value = ?2)
               THEN more_sources
               ELSE json_insert(COALESCE(more_sources, '[]'), '$[#]', ?2) END,
               source = COALESCE(source, ?2)
           WHERE id = ?1"#,
        id,
        source
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes event `id`, merged into `into`, and audits why.
pub async fn remove_merged(
    conn: &mut Conn,
    id: i64,
    into: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    super::events::soft_delete(conn, id, actor, now).await?;
    let changes = serde_json::json!({"merged_into": into});
    super::audit::note(conn, id, super::audit::Action::Delete, actor, now, &changes).await
}

/// Rows merged into event `from` now count as merged into `to`.
pub async fn move_merged_rows(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    sqlx::query!(
        "UPDATE merged_rows SET event_id = ?2 WHERE event_id = ?1",
        from,
        to
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Deletes company `from` after giving its aliases, subscriptions and missing facts to `into`.
pub async fn fold_company(conn: &mut Conn, from: i64, into: i64) -> Result<()> {
    sqlx::query!(
        "UPDATE company_aliases SET company_id = ?2 WHERE company_id = ?1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE OR IGNORE subscription_companies SET company_id = ?2 WHERE company_id = ?1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM subscription_companies WHERE company_id = ?1",
        from
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE companies SET
             industry = COALESCE(industry, (SELECT industry FROM companies WHERE id = ?1)),
             country = COALESCE(country, (SELECT country FROM companies WHERE id = ?1))
         WHERE id = ?2",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM companies WHERE id = ?1", from)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Records a curator's change ("alias" or "merge").
pub async fn record_change(
    conn: &mut Conn,
    action: &str,
    changes: &Value,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let changes = changes.to_string();
    let actor = actor.as_str();
    sqlx::query!(
        "INSERT INTO company_changes (action, actor, at, changes) VALUES (?1, ?2, ?3, ?4)",
        action,
        actor,
        now,
        changes
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
