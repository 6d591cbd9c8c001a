//! Importing WARN notices: each filing stored once, under the company its filed name matches
//! exactly (site codes and filers' words aside), or under a company of its own, flagged as
//! unmatched. One transaction a file; posted only when the operator asks (`--announce`).

use chrono::{DateTime, Utc};

use crate::domain::CompanyName;
use crate::domain::filing::{Filing, without_site_code};
use crate::error::Result;
use crate::store::filings::{self, FilingOrigin};
use crate::store::{Conn, Store, outbox};

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
}

/// How a file of filings is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FilingImport {
    /// Nothing is kept.
    pub dry_run: bool,
    /// Each new filing is posted to the subscriptions that asked for filings.
    pub announce: bool,
}

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
    let mut tx = store.begin_write().await?;
    let mut out = FilingOutcome::default();
    for (line, filing) in filings {
        let agency = agency_of(&filing.state);
        let origin = FilingOrigin {
            file,
            line: *line,
            agency: &agency,
        };
        let (company_id, matched) = match company_of(&mut tx, filing, now).await {
            Ok(found) => found,
            Err(reason) => {
                out.rejected.push((*line, reason));
                continue;
            }
        };
        match filings::insert(&mut tx, filing, company_id, matched, &origin, now).await? {
            Some(id) => {
                out.imported += 1;
                out.matched += usize::from(matched);
                if how.announce {
                    out.posts +=
                        outbox::enqueue_filing(&mut tx, id, company_id, filing.jobs, now).await?;
                }
            }
            None => out.duplicates.push(*line),
        }
    }
    if how.dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(out)
}

/// The company a filing belongs to, and whether it is one of the press record (it has
/// events); an unmatched name gets a company of its own. Err: a name no company can have.
async fn company_of(
    conn: &mut Conn,
    filing: &Filing,
    now: DateTime<Utc>,
) -> std::result::Result<(i64, bool), String> {
    let internal = |e: crate::Error| format!("cannot store it: {e}");
    if let Some((id, has_events)) = filings::match_company(conn, &filing.filed_name)
        .await
        .map_err(internal)?
    {
        return Ok((id, has_events));
    }
    let name = CompanyName::parse(without_site_code(&filing.filed_name))
        .map_err(|e| format!("company: {}", e.message))?;
    let id = filings::own_company(conn, &name, now)
        .await
        .map_err(internal)?;
    Ok((id, false))
}
