//! Sources' use cases: add, list and remove them (the operator's CLI), and the bookkeeping of a
//! sync: its lease (one sync of a source at a time, across processes), what it did, and when
//! the next try is (the interval after a success, a growing back-off after failures, never
//! sooner than the server's Retry-After).

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::source_spec::{SourceName, SourceSpec};
use crate::error::{Error, Result};
use crate::store::Store;
pub use crate::store::sources::{SourceRow, SyncRecord};

/// How long a sync may hold its source: the fetch's 120 s and a large import, with room.
pub const LEASE: Duration = Duration::from_mins(15);
/// The first retry after a failure; it doubles with each failure in a row, up to the interval.
const FIRST_RETRY: Duration = Duration::from_mins(5);
/// A server's Retry-After is honoured up to a day.
const MAX_RETRY_AFTER: Duration = Duration::from_hours(24);

pub async fn add(store: &Store, spec: &SourceSpec, now: DateTime<Utc>) -> Result<()> {
    if store.add_source(spec, now).await? {
        Ok(())
    } else {
        Err(Error::Invalid(crate::domain::DomainError::invalid(
            "name",
            format!(
                "a source named {} exists already (remove it first, or choose another name)",
                spec.name.as_str()
            ),
        )))
    }
}

pub async fn list(store: &Store) -> Result<Vec<SourceRow>> {
    store.sources().await
}

/// The source named `name`, or a NotFound naming the ones there are.
pub async fn get(store: &Store, name: &SourceName) -> Result<SourceRow> {
    match store.source(name.as_str()).await? {
        Some(row) => Ok(row),
        None => Err(unknown(store, name).await),
    }
}

async fn unknown(store: &Store, name: &SourceName) -> Error {
    let names: Vec<String> = store
        .sources()
        .await
        .map(|all| all.into_iter().map(|s| s.name).collect())
        .unwrap_or_default();
    let known = if names.is_empty() {
        "there are no sources (add one with `sources add`)".to_string()
    } else {
        format!("the sources are: {}", names.join(", "))
    };
    Error::NotFound(format!("no source is named {}; {known}", name.as_str()))
}

pub async fn remove(store: &Store, name: &SourceName) -> Result<()> {
    if store.remove_source(name.as_str()).await? {
        Ok(())
    } else {
        Err(unknown(store, name).await)
    }
}

/// Names of the sources due by `now`.
pub async fn due(store: &Store, now: DateTime<Utc>) -> Result<Vec<String>> {
    store.due_sources(now).await
}

/// When the next source falls due.
pub async fn next_due(store: &Store) -> Result<Option<DateTime<Utc>>> {
    store.next_source_at().await
}

/// This process as a lease holder: its pid, host and start, so that a lease left by a
/// process of this host that stopped (killed half way) is known to be stale, even when a
/// restarted process got the same pid (pid 1 in a container).
pub fn lease_owner(role: &str) -> String {
    format!(
        "{role} pid {} on {} since {}",
        std::process::id(),
        host(),
        started()
    )
}

/// When this process first asked (nanoseconds since the epoch): tells it from an earlier
/// process that had its pid.
fn started() -> u128 {
    static STARTED: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *STARTED.get_or_init(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    })
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// Whether `owner` names a process of this host that no longer runs.
fn is_stale(owner: &str) -> bool {
    let Some((pid, rest)) = owner
        .split_once(" pid ")
        .and_then(|(_, rest)| rest.split_once(" on "))
    else {
        return false;
    };
    let (on, since) = rest.split_once(" since ").unwrap_or((rest, ""));
    if on != host() || !std::path::Path::new("/proc/self").exists() {
        return false;
    }
    if pid == std::process::id().to_string() {
        // This pid is ours now: the holder was an earlier process with it, or is us.
        return since != started().to_string();
    }
    !std::path::Path::new("/proc").join(pid).exists()
}

/// The source, leased to `owner`; `Ok(None)` when another live process is syncing it.
pub async fn lease(
    store: &Store,
    name: &SourceName,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Option<SourceRow>> {
    let until = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
    if let Some(row) = store.lease_source(name.as_str(), owner, now, until).await? {
        return Ok(Some(row));
    }
    get(store, name).await?;
    // Held: by a live process, or by one killed half way (its import rolled back).
    match store.source_lease_owner(name.as_str()).await? {
        Some(holder) if is_stale(&holder) => {
            tracing::info!(source = name.as_str(), %holder, "taking over a lease its holder left when it stopped");
            store
                .take_over_source(name.as_str(), &holder, owner, until)
                .await
        }
        _ => Ok(None),
    }
}

/// Records what the sync did and gives the lease back.
pub async fn finish(
    store: &Store,
    source: &SourceRow,
    owner: &str,
    record: &SyncRecord,
    retry_after: Option<Duration>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let next = next_try(source, record, retry_after, now);
    store
        .source_synced(source.id, owner, record, now, next)
        .await?;
    Ok(next)
}

/// When to try again: the interval after a success; after the n-th failure in a row
/// 5 min × 2^(n-1), at most the interval, and never before the server's Retry-After.
pub fn next_try(
    source: &SourceRow,
    record: &SyncRecord,
    retry_after: Option<Duration>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let every = Duration::from_secs(u64::try_from(source.every_secs).unwrap_or(21_600));
    let wait = match record {
        SyncRecord::Failed { .. } => {
            let n = u32::try_from(source.failures.clamp(0, 16)).unwrap_or(16);
            let backoff = FIRST_RETRY
                .saturating_mul(2u32.saturating_pow(n))
                .min(every);
            backoff.max(retry_after.unwrap_or_default().min(MAX_RETRY_AFTER))
        }
        _ => every,
    };
    now + chrono::Duration::from_std(wait).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(failures: i64) -> SourceRow {
        SourceRow {
            id: 1,
            name: "x".into(),
            url: "http://x/".into(),
            kind: "csv".into(),
            every_secs: 6 * 3600,
            announce: false,
            words: None,
            etag: None,
            last_modified: None,
            imported_syncs: 0,
            last_sync_at: None,
            last_outcome: None,
            last_counts: None,
            last_error: None,
            last_error_at: None,
            failures,
            next_at: Utc::now(),
            lease_owner: None,
            lease_until: None,
        }
    }

    #[test]
    fn failures_back_off_up_to_the_interval_and_honour_retry_after() {
        let now = Utc::now();
        let failed = SyncRecord::Failed { error: "x".into() };
        let mins = |at: DateTime<Utc>| (at - now).num_minutes();
        assert_eq!(mins(next_try(&row(0), &failed, None, now)), 5);
        assert_eq!(mins(next_try(&row(1), &failed, None, now)), 10);
        assert_eq!(mins(next_try(&row(10), &failed, None, now)), 360);
        let later = Some(Duration::from_hours(1));
        assert_eq!(mins(next_try(&row(0), &failed, later, now)), 60);
        assert_eq!(
            mins(next_try(&row(0), &SyncRecord::Unchanged, None, now)),
            360
        );
    }

    #[test]
    fn a_lease_of_a_dead_process_here_is_stale_and_a_live_one_is_not() {
        assert!(!is_stale(&lease_owner("cli")), "this process runs");
        assert!(
            !is_stale(&lease_owner("bot")),
            "this process, in another role"
        );
        let dead = format!("cli pid 4194305 on {} since 1", host());
        assert!(is_stale(&dead));
        let before_me = format!("bot pid {} on {} since 1", std::process::id(), host());
        assert!(
            is_stale(&before_me),
            "an earlier process with this pid (a restarted container)"
        );
        assert!(!is_stale("cli pid 1 on another-host"));
        assert!(!is_stale("garbage"));
    }
}
