//! A batch of events held in memory, imported in one transaction (the benches and the tests
//! of merging feed it; files go through `csv_io`).

use chrono::{DateTime, Utc};

use super::batch::{BatchEvent, BatchOutcome, BatchSource, ImportOptions};
use super::import::{BulkImport, CHUNK};
use crate::domain::Actor;
use crate::error::Result;
use crate::store::Store;

/// Stores a batch held in memory in one transaction. With `dry_run` nothing is kept, and the
/// outcome is the same.
pub async fn import_batch(
    store: &Store,
    batch: &[BatchEvent],
    source: BatchSource<'_>,
    actor: &Actor,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<BatchOutcome> {
    let options = ImportOptions {
        file: source.file.to_string(),
        accept_probable: false,
    };
    let expected = batch.len() as u64;
    let mut import = BulkImport::begin(store, actor.clone(), now, expected, options).await?;
    let mut outcome = BatchOutcome::default();
    for chunk in batch.chunks(CHUNK) {
        outcome.rows.extend(import.add(chunk).await?);
    }
    outcome.write_lock = import.finish(source, dry_run).await?;
    Ok(outcome)
}
