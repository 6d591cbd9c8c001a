//! Sources, the operator's scheduled fetches: their settings, what the last sync did, when the
//! next is due, and a lease so that the bot and a CLI `sources sync` never import the same
//! source at once.

use chrono::{DateTime, Utc};

use super::Store;
use crate::domain::source_spec::SourceSpec;
use crate::error::Result;

/// A source as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub kind: String,
    pub every_secs: i64,
    pub announce: bool,
    /// Feeds: the operator's extra layoff words, comma-separated.
    pub words: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Syncs that imported a body; 0: the next one is the backfill.
    pub imported_syncs: i64,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<String>,
    pub last_counts: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub failures: i64,
    pub next_at: DateTime<Utc>,
    /// Who is syncing it, and until when their lease runs.
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
}

/// What a finished sync records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncRecord {
    /// A body was imported, with its validators and the report's counts.
    Imported {
        etag: Option<String>,
        last_modified: Option<String>,
        counts: String,
    },
    /// Nothing new (a 304).
    Unchanged,
    /// The sync failed with this sentence.
    Failed { error: String },
}

macro_rules! select_sources {
    ($where:literal, $($arg:expr),*) => {
        sqlx::query_as!(
            SourceRow,
            r#"SELECT id AS "id!", name, url, kind, every_secs, announce AS "announce: bool",
                      words, etag, last_modified, imported_syncs,
                      last_sync_at AS "last_sync_at: DateTime<Utc>", last_outcome, last_counts,
                      last_error, last_error_at AS "last_error_at: DateTime<Utc>", failures,
                      next_at AS "next_at: DateTime<Utc>", lease_owner,
                      lease_until AS "lease_until: DateTime<Utc>"
               FROM sources "# + $where,
            $($arg),*
        )
    };
}

impl Store {
    /// Adds a source, due at once. False when the name is taken.
    pub async fn add_source(&self, spec: &SourceSpec, now: DateTime<Utc>) -> Result<bool> {
        let (name, kind) = (spec.name.as_str(), spec.kind.as_str());
        let every = i64::try_from(spec.every.as_secs()).unwrap_or(i64::MAX);
        let words = (!spec.words.is_empty()).then(|| spec.words.join(","));
        let done = sqlx::query!(
            "INSERT INTO sources (name, url, kind, every_secs, announce, words, added_at, next_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?6, ?6)
             ON CONFLICT (name) DO NOTHING",
            name,
            spec.url,
            kind,
            every,
            spec.announce,
            now,
            words
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every source, by name.
    pub async fn sources(&self) -> Result<Vec<SourceRow>> {
        Ok(select_sources!("ORDER BY name",)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The source named `name`.
    pub async fn source(&self, name: &str) -> Result<Option<SourceRow>> {
        Ok(select_sources!("WHERE name = ?1", name)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Removes a source; false if there was none of that name. What it imported stays.
    pub async fn remove_source(&self, name: &str) -> Result<bool> {
        let done = sqlx::query!("DELETE FROM sources WHERE name = ?1", name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Names of the sources due by `now`, most overdue first.
    pub async fn due_sources(&self, now: DateTime<Utc>) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar!(
            "SELECT name FROM sources WHERE next_at <= ?1 ORDER BY next_at, name",
            now
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// When the next source falls due.
    pub async fn next_source_at(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(
            sqlx::query_scalar!(r#"SELECT min(next_at) AS "at: DateTime<Utc>" FROM sources"#)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Takes the source's lease for `owner` until `until`, unless another holder's lease is
    /// still running. The source as it was when taken.
    pub async fn lease_source(
        &self,
        name: &str,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Option<SourceRow>> {
        let taken = sqlx::query!(
            "UPDATE sources SET lease_owner = ?2, lease_until = ?4
             WHERE name = ?1 AND (lease_until IS NULL OR lease_until <= ?3)",
            name,
            owner,
            now,
            until
        )
        .execute(&self.pool)
        .await?;
        self.if_taken(taken.rows_affected(), name).await
    }

    /// Records a sync's outcome, sets the next try and gives the lease back.
    pub async fn source_synced(
        &self,
        id: i64,
        owner: &str,
        record: &SyncRecord,
        now: DateTime<Utc>,
        next_at: DateTime<Utc>,
    ) -> Result<()> {
        let (outcome, etag, modified, counts, error) = match record {
            SyncRecord::Imported {
                etag,
                last_modified,
                counts,
            } => (
                "imported",
                etag.as_deref(),
                last_modified.as_deref(),
                Some(counts.as_str()),
                None,
            ),
            SyncRecord::Unchanged => ("unchanged", None, None, None, None),
            SyncRecord::Failed { error } => ("failed", None, None, None, Some(error.as_str())),
        };
        let imported = i64::from(outcome == "imported");
        let failed = i64::from(outcome == "failed");
        sqlx::query!(
            "UPDATE sources SET
                 last_sync_at = ?3, last_outcome = ?4, next_at = ?5,
                 etag = CASE WHEN ?10 = 1 THEN ?6 ELSE etag END,
                 last_modified = CASE WHEN ?10 = 1 THEN ?7 ELSE last_modified END,
                 last_counts = COALESCE(?8, last_counts),
                 last_error = CASE WHEN ?11 = 1 THEN ?9 ELSE last_error END,
                 last_error_at = CASE WHEN ?11 = 1 THEN ?3 ELSE last_error_at END,
                 imported_syncs = imported_syncs + ?10,
                 failures = CASE WHEN ?11 = 1 THEN failures + 1 ELSE 0 END,
                 lease_owner = NULL, lease_until = NULL
             WHERE id = ?1 AND lease_owner = ?2",
            id,
            owner,
            now,
            outcome,
            next_at,
            etag,
            modified,
            counts,
            error,
            imported,
            failed
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Store {
    /// Who holds the source's lease, if anyone.
    pub async fn source_lease_owner(&self, name: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar!("SELECT lease_owner FROM sources WHERE name = ?1", name)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// Takes the lease from `holder` (a process that stopped), if it still has it.
    pub async fn take_over_source(
        &self,
        name: &str,
        holder: &str,
        owner: &str,
        until: DateTime<Utc>,
    ) -> Result<Option<SourceRow>> {
        let taken = sqlx::query!(
            "UPDATE sources SET lease_owner = ?3, lease_until = ?4
             WHERE name = ?1 AND lease_owner = ?2",
            name,
            holder,
            owner,
            until
        )
        .execute(&self.pool)
        .await?;
        self.if_taken(taken.rows_affected(), name).await
    }
}

impl Store {
    /// The source as just leased, when the lease statement took it.
    async fn if_taken(&self, rows: u64, name: &str) -> Result<Option<SourceRow>> {
        if rows == 0 {
            return Ok(None);
        }
        self.source(name).await
    }
}
