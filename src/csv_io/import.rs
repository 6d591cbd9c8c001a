//! layoffs.fyi CSV import into the global record: the file parsed on a blocking thread while
//! the rows parsed so far are written, one transaction per file; every row imported, skipped
//! as a duplicate, or rejected with its line and reason.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::Rejected;
use super::parse::{Layout, ParseSummary, ParsedRow, parse_rows};
use super::{Progress, Silent};
use crate::domain::Actor;
use crate::error::{Error, Result};
use crate::service::import::{BatchEvent, BatchSource, BulkImport, ImportOptions, RowOutcome};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub layout: Layout,
    pub read: usize,
    pub imported: usize,
    pub duplicates: Vec<u64>,
    /// (line, event) of rows merged into an event: the same cut from another source.
    pub merged: Vec<(u64, i64)>,
    /// Rows held back: they look like another company's event.
    pub probable: Vec<Probable>,
    /// WARN files: of the filings imported, how many belong to a company of the press record;
    /// and the lines of notices a later one superseded (not imported).
    pub filings_matched: usize,
    pub superseded: Vec<u64>,
    /// Posts queued about new filings (`--announce`).
    pub announced: u64,
    /// With `--announce`: how many new filings there were when that is over the cap, so
    /// none was posted.
    pub announce_withheld: Option<usize>,
    pub rejected: Vec<Rejected>,
    pub dry_run: bool,
    /// How long the store's write lock was held.
    pub write_lock: std::time::Duration,
}

/// A row not imported because it looks like another company's event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probable {
    pub line: u64,
    pub company: String,
    pub date: chrono::NaiveDate,
    pub event_id: i64,
    pub event_company: String,
}

/// How to import a file.
// Each flag is an operator's independent choice (`import` flags, a source's settings).
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileOptions {
    /// Check and report, writing nothing.
    pub dry_run: bool,
    /// Import probable duplicates anyway.
    pub accept_probable: bool,
    /// Post each new WARN filing to the subscriptions that asked for filings.
    pub announce: bool,
    /// Post each new event of a layoffs.fyi file to the subscriptions it matches (sources
    /// with `--announce`; `import` never does).
    pub announce_events: bool,
    /// Over this many new filings nothing is announced (default
    /// [`crate::service::filings::ANNOUNCE_MAX`]).
    pub announce_max: Option<usize>,
}

/// Reads `path` and imports it in one transaction (none with `dry_run`).
pub async fn import_file(
    store: &Store,
    path: &Path,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let options = FileOptions {
        dry_run,
        ..FileOptions::default()
    };
    import_file_with_progress(store, path, options, now, Arc::new(Silent)).await
}

/// [`import_file`], reporting progress. The file is parsed on a blocking thread while the rows
/// parsed so far are written, so parsing and writing overlap and only a few chunks are held.
pub async fn import_file_with_progress(
    store: &Store,
    path: &Path,
    options: FileOptions,
    now: DateTime<Utc>,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport> {
    let name = path.display().to_string();
    import_named(store, path, &name, options, now, progress).await
}

/// [`import_file_with_progress`] of a file recorded under `name` (a source's name and URL
/// rather than the temporary file its body was kept in).
pub async fn import_named(
    store: &Store,
    path: &Path,
    name: &str,
    options: FileOptions,
    now: DateTime<Utc>,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport> {
    let opening = path.to_path_buf();
    let (first, stream) = off_runtime(move || super::input::open(&opening)).await?;
    if let Some(layout) = super::warn::detect_line(&first) {
        return import_warn(store, name, stream, layout, options, now).await;
    }
    let dry_run = options.dry_run;
    tracing::debug!("import: start");
    let (mut chunks, parser) = spawn_parser(stream, now, Arc::clone(&progress));
    // About 150 bytes a row in layoffs.fyi exports; the estimate only picks a write strategy.
    let expected_rows = std::fs::metadata(path).map_or(0, |m| m.len() / 150);
    let run = ImportOptions {
        file: name.to_string(),
        accept_probable: options.accept_probable,
    };
    let announce = options.announce_events.then(|| {
        options
            .announce_max
            .unwrap_or(crate::service::filings::ANNOUNCE_MAX)
    });
    let written = write_chunks(store, &mut chunks, now, expected_rows, run).await;
    // Stops the parser if writing failed.
    drop(chunks);
    let parsed = parser
        .await
        .map_err(|e| Error::Internal(format!("the CSV parser stopped: {e}")))
        .and_then(|r| r);
    let written = written?;
    let summary = match parsed {
        Ok(summary) => summary,
        Err(e) => {
            if let Some(import) = written.import {
                import.abort().await?;
            }
            return Err(e);
        }
    };
    tracing::debug!("import: parsed and written, finishing");
    progress.writing(written.imported as u64);
    finish(name, written, summary, dry_run, announce).await
}

/// Announces (when asked), then commits (or, dry, rolls back) what was written, and reports it.
async fn finish(
    file: &str,
    mut written: Written,
    summary: ParseSummary,
    dry_run: bool,
    announce: Option<usize>,
) -> Result<ImportReport> {
    let source = BatchSource {
        file,
        read: summary.read,
        rejected: summary.rejected.len(),
    };
    let mut announced = crate::service::import::Announced::default();
    let write_lock = match written.import.take() {
        Some(mut import) => {
            if let Some(max) = announce.filter(|_| !dry_run) {
                announced = import.announce(max).await?;
            }
            import.finish(source, dry_run).await?
        }
        None => Duration::ZERO,
    };
    tracing::info!(
        file,
        read = summary.read,
        imported = written.imported,
        duplicates = written.duplicates.len(),
        merged = written.merged.len(),
        probable = written.probable.len(),
        rejected = summary.rejected.len(),
        announced = announced.posts,
        write_lock_ms = write_lock.as_millis(),
        dry_run,
        "import finished"
    );
    Ok(ImportReport {
        layout: summary.layout,
        read: summary.read,
        imported: written.imported,
        duplicates: written.duplicates,
        merged: written.merged,
        probable: written.probable,
        filings_matched: 0,
        superseded: Vec::new(),
        announced: announced.posts,
        announce_withheld: announced.withheld,
        rejected: summary.rejected,
        dry_run,
        write_lock,
    })
}

/// Runs file I/O on a blocking thread (opening a pipe waits for its writer; reading may too).
async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(format!("reading the file stopped: {e}")))?
}

/// A WARN file: its notices stored as filings, in one transaction.
async fn import_warn(
    store: &Store,
    file: &str,
    stream: super::input::Stream,
    layout: super::warn::WarnLayout,
    options: FileOptions,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let rows = off_runtime(move || super::warn::read(stream, layout)).await?;
    let agency = super::warn::WarnLayout::agency;
    let how = crate::service::filings::FilingImport {
        dry_run: options.dry_run,
        announce: options.announce,
        announce_max: options
            .announce_max
            .unwrap_or(crate::service::filings::ANNOUNCE_MAX),
    };
    let done =
        crate::service::filings::import_filings(store, &rows.filings, file, agency, now, how)
            .await?;
    let mut rejected = rows.rejected;
    rejected.extend(
        done.rejected
            .into_iter()
            .map(|(line, reason)| Rejected { line, reason }),
    );
    rejected.sort_by_key(|r| r.line);
    Ok(ImportReport {
        layout: super::parse::Layout::Warn(layout),
        read: rows.read,
        imported: done.imported,
        duplicates: done.duplicates,
        merged: Vec::new(),
        probable: Vec::new(),
        filings_matched: done.matched,
        superseded: rows.superseded,
        announced: done.posts,
        announce_withheld: done.withheld,
        rejected,
        dry_run: options.dry_run,
        write_lock: done.write_lock,
    })
}

type Parser = tokio::task::JoinHandle<Result<ParseSummary>>;

/// Parses the stream on a blocking thread, handing chunks over a short queue (the parser waits
/// when the writer is behind, so only a few chunks are ever held).
fn spawn_parser(
    stream: super::input::Stream,
    now: DateTime<Utc>,
    progress: Arc<dyn Progress>,
) -> (mpsc::Receiver<Vec<ParsedRow>>, Parser) {
    let (send, chunks) = mpsc::channel::<Vec<ParsedRow>>(4);
    let parser = tokio::task::spawn_blocking(move || {
        parse_rows(stream, now, &*progress, &mut |rows| {
            send.blocking_send(rows).is_ok()
        })
    });
    (chunks, parser)
}

/// The rows written so far, and the import run holding them (none: nothing came).
#[derive(Default)]
struct Written {
    import: Option<BulkImport>,
    imported: usize,
    duplicates: Vec<u64>,
    merged: Vec<(u64, i64)>,
    probable: Vec<Probable>,
}

/// Adds each chunk as it arrives; the write lock is taken with the first one.
async fn write_chunks(
    store: &Store,
    chunks: &mut mpsc::Receiver<Vec<ParsedRow>>,
    now: DateTime<Utc>,
    expected_rows: u64,
    options: ImportOptions,
) -> Result<Written> {
    let mut written = Written::default();
    while let Some(chunk) = chunks.recv().await {
        if written.import.is_none() {
            let actor = Actor::cli("import");
            let begun = BulkImport::begin(store, actor, now, expected_rows, options.clone());
            written.import = Some(begun.await?);
        }
        let Some(import) = written.import.as_mut() else {
            continue;
        };
        let rows: Vec<BatchEvent> = chunk
            .into_iter()
            .map(|p| BatchEvent {
                line: p.line,
                ..p.row
            })
            .collect();
        for (row, outcome) in rows.iter().zip(import.add(&rows).await?) {
            written.record(row, outcome);
        }
        // Freeing a chunk's strings takes the writer, the slower side, a millisecond or two:
        // a blocking thread does it meanwhile.
        tokio::task::spawn_blocking(move || drop(rows));
    }
    Ok(written)
}

impl Written {
    fn record(&mut self, row: &BatchEvent, outcome: RowOutcome) {
        match outcome {
            RowOutcome::Imported => self.imported += 1,
            RowOutcome::Duplicate => self.duplicates.push(row.line),
            RowOutcome::Merged(id) => self.merged.push((row.line, id)),
            RowOutcome::Probable { event_id, company } => self.probable.push(Probable {
                line: row.line,
                company: row.event.company.display().to_string(),
                date: row.event.date,
                event_id,
                event_company: company,
            }),
        }
    }
}
