//! Importing WARN notices: each filing stored once, under the company its filed name matches
//! exactly (site codes and filers' words aside), or under a company of its own, flagged as
//! unmatched. One transaction a file, written set-based in chunks like event imports, so even
//! a file of 300,000 notices holds the write lock for a few seconds; posted only when the
//! operator asks (`--announce`), and never more than the cap.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::domain::CompanyName;
use crate::domain::filing::{Filing, filed_name_keys, without_site_code};
use crate::error::Result;
use crate::store::bulk::{self, NewCompany};
use crate::store::filings::{self, BulkFiling};
use crate::store::{Conn, Store, companies, outbox};

/// What a file of filings did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilingOutcome {
    pub imported: usize,
    /// Lines of filings already stored (same state, name, notice date, location and jobs).
    pub duplicates: Vec<u64>,
    /// Of the imported, how many belong to a company of the press record.
    pub matched: usize,
    /// Lines refused, with why (a name that is not a company name).
    pub rejected: Vec<(u64, String)>,
    /// Posts queued about the new filings (`--announce`).
    pub posts: u64,
    /// With `--announce`: new filings over the cap, so none was announced.
    pub withheld: Option<usize>,
    /// How long the store's write lock was held.
    pub write_lock: std::time::Duration,
}

/// At most this many new filings are announced by one file unless the operator says more.
pub const ANNOUNCE_MAX: usize = 50;

/// How a file of filings is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilingImport {
    /// Nothing is kept.
    pub dry_run: bool,
    /// Each new filing is posted to the subscriptions that asked for filings.
    pub announce: bool,
    /// Over this many new filings, none is announced (a historical file would flood).
    pub announce_max: usize,
}

impl Default for FilingImport {
    fn default() -> Self {
        Self {
            dry_run: false,
            announce: false,
            announce_max: ANNOUNCE_MAX,
        }
    }
}

/// Filings stored at once: bounds the JSON held per statement.
const CHUNK: usize = 5_000;

/// Stores `filings` (with their lines) from `file`, and with `announce` queues their posts in
/// the same transaction (so a filing is posted once, or not stored at all).
pub async fn import_filings(
    store: &Store,
    filings: &[(u64, Filing)],
    file: &str,
    agency_of: impl Fn(&str) -> String,
    now: DateTime<Utc>,
    how: FilingImport,
) -> Result<FilingOutcome> {
    let mut conn = store.dedicated_connection().await?;
    bulk::begin(&mut conn).await?;
    let locked = std::time::Instant::now();
    // On an error the dedicated connection is dropped, closed, and so rolled back.
    let mut out = write(&mut conn, filings, file, &agency_of, now, how).await?;
    if how.dry_run {
        bulk::rollback(&mut conn).await?;
    } else {
        bulk::commit(&mut conn).await?;
    }
    out.write_lock = locked.elapsed();
    tracing::info!(
        file,
        imported = out.imported,
        write_lock_ms = out.write_lock.as_millis(),
        "WARN import finished"
    );
    Ok(out)
}

/// A filing's company: known, or the `n`-th this file creates.
#[derive(Clone, Copy)]
enum Owner {
    Known(i64),
    New(usize),
}

/// The companies filings are matched to, and those the file creates.
struct Owners {
    keys: HashMap<String, i64>,
    new: Vec<(String, String)>,
    new_keys: HashMap<String, usize>,
}

impl Owners {
    /// The company a filed name matches exactly (keys and aliases), or one of its own. Err: a
    /// name no company can have.
    fn of(&mut self, filed_name: &str) -> std::result::Result<Owner, String> {
        if let Some(id) = filed_name_keys(filed_name)
            .iter()
            .find_map(|k| self.keys.get(k))
        {
            return Ok(Owner::Known(*id));
        }
        let name = CompanyName::parse(without_site_code(filed_name))
            .map_err(|e| format!("company: {}", e.message))?;
        if let Some(id) = self.keys.get(name.key()) {
            return Ok(Owner::Known(*id));
        }
        let next = self.new.len();
        let at = *self.new_keys.entry(name.key().to_string()).or_insert(next);
        if at == next {
            self.new
                .push((name.key().to_string(), name.display().to_string()));
        }
        Ok(Owner::New(at))
    }
}

/// A filing to store: its line, the filing, its company and its dedupe key.
type Planned<'a> = (u64, &'a Filing, Owner, String);

/// Each filing's company and dedupe key, in file order; rejected and repeated lines noted.
fn plan<'a>(
    filings: &'a [(u64, Filing)],
    owners: &mut Owners,
    out: &mut FilingOutcome,
) -> Vec<Planned<'a>> {
    let mut seen = HashSet::new();
    let mut planned = Vec::with_capacity(filings.len());
    for (line, filing) in filings {
        match owners.of(&filing.filed_name) {
            Err(reason) => out.rejected.push((*line, reason)),
            Ok(owner) => {
                let key = filing.dedupe_key();
                if seen.insert(key.clone()) {
                    planned.push((*line, filing, owner, key));
                } else {
                    out.duplicates.push(*line);
                }
            }
        }
    }
    planned
}

async fn write(
    conn: &mut Conn,
    filings: &[(u64, Filing)],
    file: &str,
    agency_of: &impl Fn(&str) -> String,
    now: DateTime<Utc>,
    how: FilingImport,
) -> Result<FilingOutcome> {
    let keys = bulk::all_companies(conn).await?;
    let with_events = filings::companies_with_events(conn).await?;
    let mut owners = Owners {
        keys: keys.into_iter().map(|(k, c)| (k, c.id)).collect(),
        new: Vec::new(),
        new_keys: HashMap::new(),
    };
    let mut out = FilingOutcome::default();
    let planned = plan(filings, &mut owners, &mut out);
    let created = create_companies(conn, &owners.new, now).await?;
    let mut agencies: HashMap<&str, String> = HashMap::new();
    for (_, filing, ..) in &planned {
        agencies
            .entry(filing.state.as_str())
            .or_insert_with(|| agency_of(&filing.state));
    }
    let mut stored = Vec::new();
    for chunk in planned.chunks(CHUNK) {
        let rows: Vec<BulkFiling<'_>> = chunk
            .iter()
            .map(|(line, filing, owner, dedupe)| {
                let company_id = match *owner {
                    Owner::Known(id) => id,
                    Owner::New(n) => created[n],
                };
                BulkFiling {
                    filing,
                    company_id,
                    matched: with_events.contains(&company_id),
                    agency: agencies
                        .get(filing.state.as_str())
                        .map_or("", String::as_str),
                    line: *line,
                    dedupe,
                }
            })
            .collect();
        store_chunk(conn, &rows, file, now, &mut out, &mut stored).await?;
    }
    out.duplicates.sort_unstable();
    if how.announce {
        announce(conn, &stored, how.announce_max, now, &mut out).await?;
    }
    Ok(out)
}

/// Stores one chunk: each row counted as imported (and kept for announcing) or a duplicate.
async fn store_chunk(
    conn: &mut Conn,
    rows: &[BulkFiling<'_>],
    file: &str,
    now: DateTime<Utc>,
    out: &mut FilingOutcome,
    stored: &mut Vec<(i64, i64, Option<u32>)>,
) -> Result<()> {
    let ids: HashMap<String, i64> = filings::insert_many(conn, rows, file, now)
        .await?
        .into_iter()
        .collect();
    for row in rows {
        match ids.get(row.dedupe) {
            Some(&id) => {
                out.imported += 1;
                out.matched += usize::from(row.matched);
                stored.push((id, row.company_id, row.filing.jobs));
            }
            None => out.duplicates.push(row.line),
        }
    }
    Ok(())
}

/// Creates the companies filings named that the record did not know; their ids in order.
async fn create_companies(
    conn: &mut Conn,
    new: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let rows: Vec<NewCompany<'_>> = new
        .iter()
        .map(|(key, name)| NewCompany {
            name,
            key,
            industry: None,
            country: None,
        })
        .collect();
    let ids: HashMap<String, i64> = bulk::insert_companies(conn, &rows, now)
        .await?
        .into_iter()
        .collect();
    let keys: Vec<&str> = new.iter().map(|(k, _)| k.as_str()).collect();
    // The global record now names these: tenants' private rows of them are absorbed.
    companies::absorb_private(conn, &keys).await?;
    new.iter()
        .map(|(key, _)| {
            ids.get(key)
                .copied()
                .ok_or_else(|| crate::Error::Internal(format!("no company made for {key:?}")))
        })
        .collect()
}

/// Queues posts about the stored filings, unless they are more than `max`.
async fn announce(
    conn: &mut Conn,
    stored: &[(i64, i64, Option<u32>)],
    max: usize,
    now: DateTime<Utc>,
    out: &mut FilingOutcome,
) -> Result<()> {
    if stored.len() > max {
        tracing::warn!(
            new = stored.len(),
            max,
            "import --announce: more new filings than the cap, so none is posted"
        );
        out.withheld = Some(stored.len());
        return Ok(());
    }
    for &(id, company_id, jobs) in stored {
        out.posts += outbox::enqueue_filing(conn, id, company_id, jobs, now).await?;
    }
    Ok(())
}
