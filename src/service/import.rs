//! Bulk import into the global record: one transaction per file, fed in chunks as the file is
//! parsed, skipping events a global event already has (same fingerprint, earlier rows of the
//! file included), posting nothing, with one audit record for the run. Each chunk costs a
//! handful of set-based statements, so even large files hold the write lock briefly.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::domain::{Actor, NewEvent};
use crate::error::{Error, Result};
use crate::store::bulk::{self, BulkEvent, ImportRun, NewCompany};
use crate::store::{Dedicated, Store};

/// One event of a batch, with company facts the CSV carries and its fingerprint.
#[derive(Debug, Clone)]
pub struct BatchEvent {
    pub event: NewEvent,
    pub industry: Option<String>,
    pub country: Option<String>,
    pub fingerprint: String,
}

impl BatchEvent {
    pub fn new(event: NewEvent, industry: Option<String>, country: Option<String>) -> Self {
        let fingerprint = event.fingerprint();
        Self {
            event,
            industry,
            country,
            fingerprint,
        }
    }
}

/// What a batch did: the input positions inserted and those skipped as duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub inserted: Vec<usize>,
    pub duplicates: Vec<usize>,
    /// How long the write lock was held.
    pub write_lock: Duration,
}

/// Where a batch came from, for the run's audit record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchSource<'a> {
    pub file: &'a str,
    /// Rows read, and rows rejected before the batch (they are not in it).
    pub read: usize,
    pub rejected: usize,
}

/// A company the run has resolved: its id, and whether its facts are known yet.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    id: i64,
    industry: bool,
    country: bool,
}

/// How a run tells which rows a global event already has.
enum Known {
    /// The store had no global event.
    Nothing,
    /// All of them, read once (the store is small next to the file).
    These(HashSet<String>),
    /// Looked up chunk by chunk through the fingerprint index.
    LookUp,
}

/// One import run: a write transaction that chunks of events are added to, in file order.
pub struct BulkImport {
    /// A dedicated connection in a write transaction; closed (so rolled back) if dropped
    /// before [`BulkImport::finish`].
    tx: Dedicated,
    started: Instant,
    known: Known,
    seen: HashSet<String>,
    companies: HashMap<String, Resolved>,
    first_id: Option<i64>,
    last_id: Option<i64>,
    imported: usize,
    duplicates: usize,
    now: DateTime<Utc>,
    actor: Actor,
    /// Indexes dropped for a large import, built again at the end.
    dropped: Option<bulk::DroppedIndexes>,
    /// Keys of the global companies this run created.
    created: Vec<String>,
}

/// Imports expected to add at least this many rows, and more than the store holds, build the
/// event indexes after inserting instead of maintaining them row by row.
const DEFER_INDEXES_FROM: u64 = 20_000;

impl BulkImport {
    /// Takes the write lock. `expected_rows` (an estimate) decides whether indexes are built
    /// once at the end.
    pub async fn begin(
        store: &Store,
        actor: Actor,
        now: DateTime<Utc>,
        expected_rows: u64,
    ) -> Result<Self> {
        let mut tx = store.dedicated_connection().await?;
        let started = Instant::now();
        bulk::begin(&mut tx).await?;
        let existing = bulk::event_count_estimate(&mut tx).await?;
        let defer = expected_rows >= DEFER_INDEXES_FROM && expected_rows > existing;
        let known = if !bulk::any_global_event(&mut tx).await? {
            Known::Nothing
        } else if defer {
            // Without the fingerprint index a lookup would scan the table.
            Known::These(bulk::all_global_fingerprints(&mut tx).await?)
        } else {
            Known::LookUp
        };
        let companies = bulk::all_companies(&mut tx)
            .await?
            .into_iter()
            .map(|(key, c)| {
                let resolved = Resolved {
                    id: c.id,
                    industry: c.industry.is_some(),
                    country: c.country.is_some(),
                };
                (key, resolved)
            })
            .collect();
        let dropped = if defer {
            Some(bulk::drop_event_indexes(&mut tx).await?)
        } else {
            None
        };
        Ok(Self {
            dropped,
            created: Vec::new(),
            tx,
            started,
            known,
            seen: HashSet::new(),
            companies,
            first_id: None,
            last_id: None,
            imported: 0,
            duplicates: 0,
            now,
            actor,
        })
    }

    /// Adds a chunk: for each row, whether it was inserted (false: a duplicate).
    pub async fn add(&mut self, rows: &[BatchEvent]) -> Result<Vec<bool>> {
        let looked_up = if matches!(self.known, Known::LookUp) {
            let fps: Vec<&str> = rows.iter().map(|r| r.fingerprint.as_str()).collect();
            bulk::global_fingerprints_among(&mut self.tx, &fps).await?
        } else {
            HashSet::new()
        };
        let fresh: Vec<bool> = rows
            .iter()
            .map(|r| {
                let known = match &self.known {
                    Known::These(all) => all.contains(&r.fingerprint),
                    _ => looked_up.contains(&r.fingerprint),
                };
                !known && self.seen.insert(r.fingerprint.clone())
            })
            .collect();
        let new_rows: Vec<&BatchEvent> = rows
            .iter()
            .zip(&fresh)
            .filter_map(|(r, f)| f.then_some(r))
            .collect();
        self.resolve_companies(&new_rows).await?;
        let events = new_rows
            .iter()
            .map(|r| {
                let company = self.companies.get(r.event.company.key()).ok_or_else(|| {
                    Error::Internal(format!("no company for {:?}", r.event.company.key()))
                })?;
                Ok(BulkEvent {
                    company_id: company.id,
                    event: &r.event,
                    fingerprint: &r.fingerprint,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if let Some((first, last)) =
            bulk::insert_global_events(&mut self.tx, &events, &self.actor, self.now).await?
        {
            self.first_id.get_or_insert(first);
            self.last_id = Some(last);
        }
        self.imported += new_rows.len();
        self.duplicates += rows.len() - new_rows.len();
        Ok(fresh)
    }

    /// Creates the companies of `rows` not known yet (the first row's spelling names a new one)
    /// and fills in facts they lack from the rows, first row first.
    async fn resolve_companies(&mut self, rows: &[&BatchEvent]) -> Result<()> {
        let mut new: Vec<NewCompany<'_>> = Vec::new();
        let mut creating = HashMap::new();
        for row in rows {
            let key = row.event.company.key();
            if !self.companies.contains_key(key) && !creating.contains_key(key) {
                creating.insert(key, new.len());
                new.push(NewCompany {
                    name: row.event.company.display(),
                    key,
                    industry: row.industry.as_deref(),
                    country: row.country.as_deref(),
                });
            }
        }
        self.created.extend(new.iter().map(|n| n.key.to_string()));
        for (key, id) in bulk::insert_companies(&mut self.tx, &new, self.now).await? {
            let facts = creating.get(key.as_str()).map(|&i| &new[i]);
            let resolved = Resolved {
                id,
                industry: facts.is_some_and(|n| n.industry.is_some()),
                country: facts.is_some_and(|n| n.country.is_some()),
            };
            self.companies.insert(key, resolved);
        }
        self.fill_facts(rows).await
    }

    async fn fill_facts(&mut self, rows: &[&BatchEvent]) -> Result<()> {
        for row in rows {
            let Some(company) = self.companies.get_mut(row.event.company.key()) else {
                continue;
            };
            let industry = row.industry.as_deref().filter(|_| !company.industry);
            let country = row.country.as_deref().filter(|_| !company.country);
            if industry.is_some() || country.is_some() {
                company.industry |= industry.is_some();
                company.country |= country.is_some();
                let id = company.id;
                bulk::fill_facts(&mut self.tx, id, industry, country).await?;
            }
        }
        Ok(())
    }

    /// Drops everything the run wrote (a file found bad after some chunks were written).
    pub async fn abort(mut self) -> Result<()> {
        bulk::rollback(&mut self.tx).await
    }

    /// Commits with the run's audit record, or rolls back with `dry_run`.
    pub async fn finish(mut self, source: BatchSource<'_>, dry_run: bool) -> Result<Duration> {
        if dry_run {
            bulk::rollback(&mut self.tx).await?;
            return Ok(self.started.elapsed());
        }
        let run = ImportRun {
            file: source.file,
            read: source.read,
            imported: self.imported,
            duplicates: self.duplicates,
            rejected: source.rejected,
            ids: self.first_id.zip(self.last_id),
        };
        bulk::record_import_run(&mut self.tx, &run, &self.actor, self.now).await?;
        // The global record now names these: tenants' private rows of them are absorbed.
        let created: Vec<&str> = self.created.iter().map(String::as_str).collect();
        crate::store::companies::absorb_private(&mut self.tx, &created).await?;
        if let Some(dropped) = self.dropped.take() {
            bulk::restore_event_indexes(&mut self.tx, dropped).await?;
            tracing::debug!(
                ms = self.started.elapsed().as_millis(),
                "import: indexes built"
            );
        }
        bulk::commit(&mut self.tx).await?;
        tracing::debug!(ms = self.started.elapsed().as_millis(), "import: committed");
        Ok(self.started.elapsed())
    }
}

/// Events per chunk: bounds the memory and the JSON held at once.
pub const CHUNK: usize = 5_000;

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
    let mut import = BulkImport::begin(store, actor.clone(), now, batch.len() as u64).await?;
    let mut outcome = BatchOutcome::default();
    for (n, chunk) in batch.chunks(CHUNK).enumerate() {
        for (i, fresh) in import.add(chunk).await?.into_iter().enumerate() {
            let at = n * CHUNK + i;
            if fresh {
                outcome.inserted.push(at);
            } else {
                outcome.duplicates.push(at);
            }
        }
    }
    outcome.write_lock = import.finish(source, dry_run).await?;
    Ok(outcome)
}
