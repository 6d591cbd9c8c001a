//! Sources keep the record current by themselves: URLs the operator names, fetched on a
//! schedule (by the running bot's [`scheduler`], or now with `sources sync`) and imported
//! through the same path as `import`, one transaction a sync.

pub mod fetch;
pub mod scheduler;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::csv_io::{self, FileOptions, ImportReport};
use crate::domain::source_spec::{SourceKind, SourceName};
use crate::error::{Error, Result};
use crate::service::sources::{self as service, SourceRow, SyncRecord};
use crate::store::Store;
use fetch::{FetchError, Fetched, Fetcher, Validators};

/// What one sync did.
#[derive(Debug)]
pub enum Synced {
    /// A new body was imported; its report.
    Imported(Box<ImportReport>),
    /// Nothing new (304).
    Unchanged,
    /// Another process is syncing this source now.
    Busy,
    /// The fetch or the import failed; the sentence `sources list` shows.
    Failed(String),
}

/// A sync of `name` by `owner` (see [`service::lease_owner`]); `Err` only when the store fails
/// or there is no such source.
pub async fn sync(
    store: &Store,
    fetcher: &Fetcher,
    name: &SourceName,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<Synced> {
    let Some(source) = service::lease(store, name, owner, now).await? else {
        return Ok(Synced::Busy);
    };
    let (synced, record, retry_after) = run(store, fetcher, &source, now).await;
    let next = service::finish(store, &source, owner, &record, retry_after, now).await?;
    match &synced {
        Synced::Failed(error) => {
            tracing::warn!(source = %source.name, %error, %next, "source sync failed");
        }
        Synced::Imported(r) => {
            tracing::info!(source = %source.name, imported = r.imported, announced = r.announced, "source synced");
            if r.announced > 0 {
                store.outbox_written();
            }
        }
        _ => tracing::info!(source = %source.name, "source unchanged"),
    }
    Ok(synced)
}

async fn run(
    store: &Store,
    fetcher: &Fetcher,
    source: &SourceRow,
    now: DateTime<Utc>,
) -> (Synced, SyncRecord, Option<Duration>) {
    let known = Validators {
        etag: source.etag.clone(),
        last_modified: source.last_modified.clone(),
    };
    let failed = |message: String, retry: Option<Duration>| {
        let record = SyncRecord::Failed {
            error: message.clone(),
        };
        (Synced::Failed(message), record, retry)
    };
    match fetcher
        .fetch(&source.url, &known, fetch::MAX_FILE_BODY)
        .await
    {
        Ok(Fetched::NotModified) => (Synced::Unchanged, SyncRecord::Unchanged, None),
        Ok(Fetched::Body { file, validators }) => {
            match import(store, source, file.path(), now).await {
                Ok(report) => {
                    let record = SyncRecord::Imported {
                        etag: validators.etag,
                        last_modified: validators.last_modified,
                        counts: counts(&report),
                    };
                    (Synced::Imported(Box::new(report)), record, None)
                }
                Err(e) => failed(import_error(&e), None),
            }
        }
        Err(FetchError {
            message,
            retry_after,
            ..
        }) => failed(message, retry_after.map(Duration::from_secs)),
    }
}

/// The body through `import`'s path, checked to be the kind the source says.
async fn import(
    store: &Store,
    source: &SourceRow,
    path: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let kind = SourceKind::parse(&source.kind)?;
    let is_warn = first_line(path).is_some_and(|l| csv_io::warn::detect_line(&l).is_some());
    match (kind, is_warn) {
        (SourceKind::Csv, true) => {
            return Err(Error::BadFile(
                "the URL serves a WARN file, not a layoffs.fyi export (add it with --kind warn)"
                    .into(),
            ));
        }
        (SourceKind::Warn, false) => {
            return Err(Error::BadFile(
                "the URL does not serve a WARN file in a layout we read (Washington, or \
                 warn-transformer's consolidated or integrated)"
                    .into(),
            ));
        }
        _ => {}
    }
    // The first import of a source is a backfill: it never announces.
    let announce = source.announce && source.imported_syncs > 0;
    let options = FileOptions {
        announce,
        announce_events: announce,
        announce_max: Some(crate::service::filings::ANNOUNCE_MAX),
        ..FileOptions::default()
    };
    let label = format!("source {} ({})", source.name, source.url);
    csv_io::import_named(store, path, &label, options, now, Arc::new(csv_io::Silent)).await
}

fn first_line(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::BufRead as _;
    let file = std::fs::File::open(path).ok()?;
    let mut line = Vec::new();
    std::io::BufReader::new(std::io::Read::take(file, 64 * 1024))
        .read_until(b'\n', &mut line)
        .ok()?;
    Some(line)
}

fn import_error(e: &Error) -> String {
    if e.is_user_error() {
        format!("the body could not be imported: {}", e.user_message())
    } else {
        tracing::error!(error = %e, "a source's import failed");
        "the import failed on our side (see the log)".to_string()
    }
}

/// The report's counts in one line, as `sources list` shows them.
pub fn counts(r: &ImportReport) -> String {
    let mut out = format!(
        "{} rows read, {} imported, {} duplicates skipped, {} merged, {} probable duplicates held back, {} rejected",
        r.read,
        r.imported,
        r.duplicates.len(),
        r.merged.len(),
        r.probable.len(),
        r.rejected.len()
    );
    if r.announced > 0 {
        let _ = write!(out, ", {} posts queued", r.announced);
    }
    if let Some(n) = r.announce_withheld {
        let _ = write!(
            out,
            ", nothing announced ({n} new is more than {})",
            crate::service::filings::ANNOUNCE_MAX
        );
    }
    out
}
