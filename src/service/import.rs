//! Bulk import into the global record: one transaction per file, fed in chunks as the file is
//! parsed, skipping events a global event already has (same fingerprint, earlier rows of the
//! file included), posting nothing, with one audit record for the run. Each chunk costs a
//! handful of set-based statements, so even large files hold the write lock briefly.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

pub use super::batch::{
    Announced, BatchEvent, BatchOutcome, BatchSource, ImportOptions, RowOutcome,
};
use super::merging::{Candidates, Decision, RowView, Target};
use crate::domain::Actor;
use crate::error::{Error, Result};
use crate::store::bulk::{self, BulkEvent, ImportRun, NewCompany};
use crate::store::curation;
use crate::store::merge;
use crate::store::{Dedicated, Store};

/// A company the run has resolved: its id, the key merging knows it by, and whether its facts
/// are known yet.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    id: i64,
    merge_key: i64,
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
    merged: usize,
    probable: usize,
    options: ImportOptions,
    candidates: Candidates,
    /// The last event id before the run: merging looks at events up to it in the store.
    before_run: i64,
    /// Merge keys of companies seen but not created yet (negative numbers).
    provisional: HashMap<String, i64>,
    /// The last provisional key given: keys only ever go down, so one is never given twice
    /// (they used to restart per chunk and merged unrelated companies).
    last_provisional: i64,
    now: DateTime<Utc>,
    actor: Actor,
    /// Indexes dropped for a large import, built again at the end.
    dropped: Option<bulk::DroppedIndexes>,
    /// Keys of the global companies this run created.
    created: Vec<String>,
}

/// Every global company key (names and aliases) with what the run needs of its company.
async fn known_companies(conn: &mut crate::store::Conn) -> Result<HashMap<String, Resolved>> {
    Ok(bulk::all_companies(conn)
        .await?
        .into_iter()
        .map(|(key, c)| {
            let resolved = Resolved {
                id: c.id,
                merge_key: c.id,
                industry: c.industry.is_some(),
                country: c.country.is_some(),
            };
            (key, resolved)
        })
        .collect())
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
        options: ImportOptions,
    ) -> Result<Self> {
        let mut tx = store.dedicated_connection().await?;
        let started = Instant::now();
        bulk::begin(&mut tx).await?;
        let existing = bulk::event_count_estimate(&mut tx).await?;
        let defer = expected_rows >= DEFER_INDEXES_FROM && expected_rows > existing;
        let any = bulk::any_global_event(&mut tx).await?;
        let before_run = if any {
            bulk::last_event_id(&mut tx).await?
        } else {
            0
        };
        let known = if !any {
            Known::Nothing
        } else if defer {
            // Without the fingerprint index a lookup would scan the table.
            Known::These(bulk::all_global_fingerprints(&mut tx).await?)
        } else {
            Known::LookUp
        };
        let companies = known_companies(&mut tx).await?;
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
            merged: 0,
            probable: 0,
            options,
            candidates: Candidates::default(),
            before_run,
            provisional: HashMap::new(),
            last_provisional: 0,
            now,
            actor,
        })
    }

    /// Adds a chunk, in file order: what became of each row.
    pub async fn add(&mut self, rows: &[BatchEvent]) -> Result<Vec<RowOutcome>> {
        let stored = self.stored_fingerprints(rows).await?;
        self.load_candidates(rows, &stored).await?;
        let decisions = self.decide(rows, &stored);
        let new_rows: Vec<&BatchEvent> = rows
            .iter()
            .zip(&decisions)
            .filter_map(|(r, d)| (*d == Some(Decision::New)).then_some(r))
            .collect();
        self.resolve_companies(&new_rows).await?;
        let first = self.insert(&new_rows).await?;
        if let Some(first) = first {
            self.candidates.settle(first);
        }
        let mut outcomes = Vec::with_capacity(rows.len());
        for (row, decision) in rows.iter().zip(decisions) {
            outcomes.push(match decision {
                None => RowOutcome::Duplicate,
                Some(Decision::New) => RowOutcome::Imported,
                Some(Decision::Probable { event_id, company }) => {
                    RowOutcome::Probable { event_id, company }
                }
                Some(Decision::Merge(target)) => {
                    let id = match (target, first) {
                        (Target::Event(id), _) => id,
                        (Target::Pending(k), Some(first)) => first + i64::try_from(k).unwrap_or(0),
                        (Target::Pending(_), None) => {
                            return Err(Error::Internal("a merge into no new row".into()));
                        }
                    };
                    let merged = row.merged_row(&self.options.file);
                    merge::merge_into(&mut self.tx, id, &merged, &self.actor, self.now).await?;
                    for more in &row.more_sources {
                        curation::add_source(&mut self.tx, id, more).await?;
                    }
                    RowOutcome::Merged(id)
                }
            });
        }
        self.count(&outcomes);
        Ok(outcomes)
    }

    fn count(&mut self, outcomes: &[RowOutcome]) {
        for o in outcomes {
            match o {
                RowOutcome::Imported => self.imported += 1,
                RowOutcome::Duplicate => self.duplicates += 1,
                RowOutcome::Merged(_) => self.merged += 1,
                RowOutcome::Probable { .. } => self.probable += 1,
            }
        }
    }

    /// For each row, whether an event from before the run (or a row merged into one) has its
    /// fingerprint.
    async fn stored_fingerprints(&mut self, rows: &[BatchEvent]) -> Result<Vec<bool>> {
        let looked_up = if matches!(self.known, Known::LookUp) {
            let fps: Vec<&str> = rows.iter().map(|r| r.fingerprint.as_str()).collect();
            bulk::global_fingerprints_among(&mut self.tx, &fps).await?
        } else {
            HashSet::new()
        };
        Ok(rows
            .iter()
            .map(|r| match &self.known {
                Known::These(all) => all.contains(&r.fingerprint),
                _ => looked_up.contains(&r.fingerprint),
            })
            .collect())
    }

    /// Reads the events from before the run on the dates of rows that are not duplicates.
    async fn load_candidates(&mut self, rows: &[BatchEvent], stored: &[bool]) -> Result<()> {
        if self.before_run == 0 {
            return Ok(());
        }
        let dates = self.candidates.dates_to_load(
            rows.iter()
                .zip(stored)
                .filter(|(_, s)| !**s)
                .map(|(r, _)| r.event.date),
        );
        if !dates.is_empty() {
            let events = merge::global_events_on(&mut self.tx, &dates, self.before_run).await?;
            self.candidates.load(&dates, events);
        }
        Ok(())
    }

    /// Each row's fate in file order; None for a duplicate.
    fn decide(&mut self, rows: &[BatchEvent], stored: &[bool]) -> Vec<Option<Decision>> {
        let mut new = 0;
        let mut out = Vec::with_capacity(rows.len());
        for (row, stored) in rows.iter().zip(stored) {
            if *stored || self.seen.contains(&row.fingerprint) {
                out.push(None);
                continue;
            }
            let view = RowView {
                company: self.merge_key(row.event.company.key()),
                date: row.event.date,
                figures: row.figures(),
                industry: row.industry.as_deref(),
            };
            let decision = self
                .candidates
                .decide(&view, self.options.accept_probable, new);
            if !matches!(decision, Decision::Probable { .. }) {
                self.seen.insert(row.fingerprint.clone());
            }
            new += usize::from(decision == Decision::New);
            out.push(Some(decision));
        }
        out
    }

    /// The key merging knows a company by: its id, or a number kept for it until it exists.
    fn merge_key(&mut self, key: &str) -> i64 {
        if let Some(c) = self.companies.get(key) {
            return c.merge_key;
        }
        if let Some(&k) = self.provisional.get(key) {
            return k;
        }
        self.last_provisional -= 1;
        self.provisional
            .insert(key.to_string(), self.last_provisional);
        self.last_provisional
    }

    /// Inserts the chunk's new rows; the first id given, if any.
    async fn insert(&mut self, new_rows: &[&BatchEvent]) -> Result<Option<i64>> {
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
                    more_sources: &r.more_sources,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let ids = bulk::insert_global_events(&mut self.tx, &events, &self.actor, self.now).await?;
        if let Some((first, last)) = ids {
            self.first_id.get_or_insert(first);
            self.last_id = Some(last);
        }
        Ok(ids.map(|(first, _)| first))
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
                merge_key: self.provisional.remove(&key).unwrap_or(id),
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
    /// Queues a post about each event the run added, to the subscriptions it matches, as a
    /// moderator's global addition would; over `max` new events, none (a backfill would
    /// flood every channel). Part of the run's transaction: the posts exist iff it commits.
    pub async fn announce(&mut self, max: usize) -> Result<Announced> {
        let Some((first, last)) = self.first_id.zip(self.last_id) else {
            return Ok(Announced::default());
        };
        let events = bulk::run_events(&mut self.tx, first, last).await?;
        if events.len() > max {
            tracing::warn!(
                new = events.len(),
                max,
                "import: more new events than the cap, so none is announced"
            );
            return Ok(Announced {
                posts: 0,
                withheld: Some(events.len()),
            });
        }
        let mut posts = 0;
        for (id, company_id, people) in events {
            posts += crate::store::outbox::enqueue_event(
                &mut self.tx,
                id,
                company_id,
                people,
                None,
                self.now,
            )
            .await?;
        }
        Ok(Announced {
            posts,
            withheld: None,
        })
    }

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
            merged: self.merged,
            probable: self.probable,
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
/// ... except the first, so that writing starts while the rest is parsed.
pub const FIRST_CHUNK: usize = 500;
