//! Bulk import into the global record: one transaction per batch, skipping events a global
//! event already has (same fingerprint), posting nothing.

use chrono::{DateTime, Utc};

use crate::domain::{Actor, NewEvent};
use crate::error::Result;
use crate::store::companies::{self, CompanyFacts};
use crate::store::{Store, audit, events, tenants};

/// One event of a batch, with company facts the CSV carries.
#[derive(Debug, Clone)]
pub struct BatchEvent {
    pub event: NewEvent,
    pub industry: Option<String>,
    pub country: Option<String>,
}

/// What one batch did: the input positions inserted and those skipped as duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub inserted: Vec<usize>,
    pub duplicates: Vec<usize>,
}

/// Stores a batch in one transaction. With `dry_run` nothing is kept, and the outcome is the
/// same.
pub async fn import_batch(
    store: &Store,
    batch: &[BatchEvent],
    actor: &Actor,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<BatchOutcome> {
    let mut tx = store.begin_write().await?;
    let mut outcome = BatchOutcome::default();
    for (i, item) in batch.iter().enumerate() {
        if events::global_fingerprint_exists(&mut tx, &item.event.fingerprint()).await? {
            outcome.duplicates.push(i);
            continue;
        }
        let facts = CompanyFacts {
            industry: item.industry.as_deref(),
            country: item.country.as_deref(),
        };
        let company_id = companies::upsert(&mut tx, &item.event.company, facts, now).await?;
        let tenant_id = tenants::of_scope(&mut tx, &item.event.scope).await?;
        let id = events::insert(&mut tx, company_id, tenant_id, &item.event, actor, now).await?;
        audit::record(&mut tx, id, actor, now, None, Some(&item.event)).await?;
        outcome.inserted.push(i);
    }
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(outcome)
}
