//! layoffs.fyi CSV import into the global record: the file parsed on a blocking thread while
//! the rows parsed so far are written, one transaction per file; every row imported, skipped
//! as a duplicate, or rejected with its line and reason.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::parse::{Layout, ParseSummary, ParsedRow, Rejected, parse_file};
use super::{Progress, Silent};
use crate::domain::Actor;
use crate::error::{Error, Result};
use crate::service::import::{BatchEvent, BatchSource, BulkImport};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub layout: Layout,
    pub read: usize,
    pub imported: usize,
    pub duplicates: Vec<u64>,
    pub rejected: Vec<Rejected>,
    pub dry_run: bool,
    /// How long the store's write lock was held.
    pub write_lock: std::time::Duration,
}

/// Reads `path` and imports it in one transaction (none with `dry_run`).
pub async fn import_file(
    store: &Store,
    path: &Path,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    import_file_with_progress(store, path, dry_run, now, Arc::new(Silent)).await
}

/// [`import_file`], reporting progress. The file is parsed on a blocking thread while the rows
/// parsed so far are written, so parsing and writing overlap and only a few chunks are held.
pub async fn import_file_with_progress(
    store: &Store,
    path: &Path,
    dry_run: bool,
    now: DateTime<Utc>,
    progress: Arc<dyn Progress>,
) -> Result<ImportReport> {
    tracing::debug!("import: start");
    let (mut chunks, parser) = spawn_parser(path, now, Arc::clone(&progress));
    // About 150 bytes a row in layoffs.fyi exports; the estimate only picks a write strategy.
    let expected_rows = std::fs::metadata(path).map_or(0, |m| m.len() / 150);
    let written = write_chunks(store, &mut chunks, now, expected_rows).await;
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
    let file = path.display().to_string();
    let source = BatchSource {
        file: &file,
        read: summary.read,
        rejected: summary.rejected.len(),
    };
    let write_lock = match written.import {
        Some(import) => import.finish(source, dry_run).await?,
        None => Duration::ZERO,
    };
    tracing::info!(
        file = %path.display(), read = summary.read, imported = written.imported,
        duplicates = written.duplicates.len(), rejected = summary.rejected.len(),
        write_lock_ms = write_lock.as_millis(), dry_run, "import finished"
    );
    Ok(ImportReport {
        layout: summary.layout,
        read: summary.read,
        imported: written.imported,
        duplicates: written.duplicates,
        rejected: summary.rejected,
        dry_run,
        write_lock,
    })
}

type Parser = tokio::task::JoinHandle<Result<ParseSummary>>;

/// Parses `path` on a blocking thread, handing chunks over a short queue (the parser waits
/// when the writer is behind, so only a few chunks are ever held).
fn spawn_parser(
    path: &Path,
    now: DateTime<Utc>,
    progress: Arc<dyn Progress>,
) -> (mpsc::Receiver<Vec<ParsedRow>>, Parser) {
    let (send, chunks) = mpsc::channel::<Vec<ParsedRow>>(4);
    let path = path.to_path_buf();
    let parser = tokio::task::spawn_blocking(move || {
        parse_file(&path, now, &*progress, &mut |rows| {
            send.blocking_send(rows).is_ok()
        })
    });
    (chunks, parser)
}

/// The rows written so far, and the import run holding them (none: nothing came).
struct Written {
    import: Option<BulkImport>,
    imported: usize,
    duplicates: Vec<u64>,
}

/// Adds each chunk as it arrives; the write lock is taken with the first one.
async fn write_chunks(
    store: &Store,
    chunks: &mut mpsc::Receiver<Vec<ParsedRow>>,
    now: DateTime<Utc>,
    expected_rows: u64,
) -> Result<Written> {
    let mut written = Written {
        import: None,
        imported: 0,
        duplicates: Vec::new(),
    };
    while let Some(chunk) = chunks.recv().await {
        let import = match &mut written.import {
            Some(import) => import,
            None => written
                .import
                .insert(BulkImport::begin(store, Actor::cli("import"), now, expected_rows).await?),
        };
        let (lines, rows): (Vec<u64>, Vec<BatchEvent>) =
            chunk.into_iter().map(|p| (p.line, p.row)).unzip();
        for (line, fresh) in lines.into_iter().zip(import.add(&rows).await?) {
            if fresh {
                written.imported += 1;
            } else {
                written.duplicates.push(line);
            }
        }
    }
    Ok(written)
}
