//! Sources keep the record current by themselves: URLs the operator names, fetched on a
//! schedule (by the running bot's [`scheduler`], or now with `sources sync`) and imported
//! through the same path as `import`, one transaction a sync.

pub mod feed;
pub mod fetch;
pub mod scheduler;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::csv_io::{self, FileOptions, ImportReport};
use crate::domain::source_spec::{SourceKind, SourceName};
use crate::error::{Error, Result};
use crate::service::candidates::FeedReport;
use crate::service::sources::{self as service, SourceRow, SyncRecord};
use crate::store::Store;
use fetch::{FetchError, Fetched, Fetcher, Validators};

/// What one sync did.
#[derive(Debug)]
pub enum Synced {
    /// A new body was imported; its report.
    Imported(Box<ImportReport>),
    /// A news feed was read; what became candidates.
    Read(FeedReport),
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
        crate::telemetry::source_run("busy");
        return Ok(Synced::Busy);
    };
    let (synced, record, retry_after) = run(store, fetcher, &source, now).await;
    let next = service::finish(store, &source, owner, &record, retry_after, now).await?;
    crate::telemetry::source_run(match record {
        SyncRecord::Imported { .. } => "imported",
        SyncRecord::Unchanged => "unchanged",
        SyncRecord::Failed { .. } => "failed",
    });
    match &synced {
        Synced::Failed(error) => {
            tracing::warn!(source = %source.name, %error, %next, "source sync failed");
        }
        Synced::Read(r) => {
            tracing::info!(source = %source.name, items = r.items, taken = r.taken, new = r.new, "feed read");
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
    let is_feed = source.kind == SourceKind::Feed.as_str();
    let cap = if is_feed {
        feed::MAX_FEED_BODY
    } else {
        fetch::MAX_FILE_BODY
    };
    match fetcher.fetch(&source.url, &known, cap).await {
        Ok(Fetched::NotModified) => (Synced::Unchanged, SyncRecord::Unchanged, None),
        Ok(Fetched::Body { file, validators }) => {
            let done = if is_feed {
                read_feed(store, source, file.path(), now)
                    .await
                    .map(Synced::Read)
            } else {
                import(store, source, file.path(), now)
                    .await
                    .map(|r| Synced::Imported(Box::new(r)))
            };
            match done {
                Ok(synced) => {
                    let record = SyncRecord::Imported {
                        etag: validators.etag,
                        last_modified: validators.last_modified,
                        counts: counts(&synced),
                    };
                    (synced, record, None)
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

/// A feed's items that read as a layoff, kept as candidates.
async fn read_feed(
    store: &Store,
    source: &SourceRow,
    path: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<FeedReport> {
    let items = feed::items(path).await?;
    let words: Vec<String> = source
        .words
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    crate::service::candidates::keep(store, &source.name, &items, &words, now).await
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
        (SourceKind::Feed, _) => {
            return Err(Error::Internal("a feed reached the file import".into()));
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

/// What a sync found, in one line, as `sources list` shows it.
pub fn counts(synced: &Synced) -> String {
    match synced {
        Synced::Imported(r) => import_counts(r),
        Synced::Read(r) => feed_counts(r),
        _ => String::new(),
    }
}

/// A feed's sync in one line.
pub fn feed_counts(r: &FeedReport) -> String {
    format!(
        "{} items, {} read as layoffs, {} new candidates",
        r.items, r.taken, r.new
    )
}

fn import_counts(r: &ImportReport) -> String {
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
