//! Curators' fixes to the global record's company names, from the command line: an alias
//! (NAME finds COMPANY, and imports under NAME merge into it) and a merge of one company into
//! another (same-day events merged by the import's rule, the rest moved, the name kept as an
//! alias). One transaction each, recorded in `company_changes`.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::resolve_company;
use crate::domain::merge::{Figures, same_cut};
use crate::domain::{Actor, Company, CompanyName, Viewer};
use crate::error::{Error, Result};
use crate::store::curation::{self, CompanyEvent, KeyUse};
use crate::store::merge::{MergedRow, merge_into};
use crate::store::{Conn, Store};

/// What `companies alias` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AliasOutcome {
    Added {
        alias: String,
        company: String,
    },
    /// It was already an alias of that company.
    Unchanged {
        alias: String,
        company: String,
    },
    /// It was an alias of another company.
    Moved {
        alias: String,
        company: String,
        was: String,
    },
}

/// Makes `name` find `company` (a global company, in any spelling) from now on.
pub async fn add_alias(
    store: &Store,
    name: &str,
    company: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<AliasOutcome> {
    let alias = CompanyName::parse(name)?;
    let target = resolve_company(store, company, &Viewer::EVERYONE).await?;
    let mut tx = store.begin_write().await?;
    let was = match curation::key_use(&mut tx, alias.key()).await? {
        KeyUse::Company { id, .. } if id == target.id => {
            return Err(Error::NotFound(format!(
                "\"{}\" already is {}'s own name.",
                alias.display(),
                target.name
            )));
        }
        KeyUse::Company { name, events, .. } => {
            return Err(Error::NotFound(format!(
                "\"{name}\" is a company with {events} events: to fold them into {}, run \
                 `layoffs-bot companies merge \"{name}\" \"{}\"`.",
                target.name, target.name
            )));
        }
        KeyUse::Alias { company_id, .. } if company_id == target.id => {
            return Ok(AliasOutcome::Unchanged {
                alias: alias.display().to_string(),
                company: target.name,
            });
        }
        KeyUse::Alias { company, .. } => Some(company),
        KeyUse::Free => None,
    };
    curation::set_alias(&mut tx, alias.key(), alias.display(), target.id).await?;
    curation::absorb_private_into(&mut tx, alias.key(), target.id).await?;
    let change = json!({"alias": alias.display(), "company": target.name,
                        "company_id": target.id, "was": was});
    curation::record_change(&mut tx, "alias", &change, actor, now).await?;
    tx.commit().await?;
    let (alias, company) = (alias.display().to_string(), target.name);
    Ok(match was {
        Some(was) => AliasOutcome::Moved {
            alias,
            company,
            was,
        },
        None => AliasOutcome::Added { alias, company },
    })
}

/// What `companies merge` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeOutcome {
    pub from: String,
    pub into: String,
    /// Events given to `into` as they were.
    pub moved: usize,
    /// Events merged into a same-day event of `into` (and removed).
    pub merged: usize,
}

/// Folds company `from` into `into`: each live event of `from` merges into a same-day event
/// of `into` by the import's rule, or moves; `from`'s name becomes an alias of `into`.
pub async fn merge_companies(
    store: &Store,
    from: &str,
    into: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<MergeOutcome> {
    let source = resolve_company(store, from, &Viewer::EVERYONE).await?;
    let target = resolve_company(store, into, &Viewer::EVERYONE).await?;
    if source.id == target.id {
        return Err(Error::NotFound(format!(
            "\"{}\" and \"{}\" are the same company ({}).",
            from.trim(),
            into.trim(),
            target.name
        )));
    }
    let name = CompanyName::parse(&source.name)?;
    let mut tx = store.begin_write().await?;
    let mut outcome = MergeOutcome {
        from: source.name.clone(),
        into: target.name.clone(),
        moved: 0,
        merged: 0,
    };
    fold_events(&mut tx, &source, &target, actor, now, &mut outcome).await?;
    curation::fold_company(&mut tx, source.id, target.id).await?;
    curation::set_alias(&mut tx, name.key(), name.display(), target.id).await?;
    curation::absorb_private_into(&mut tx, name.key(), target.id).await?;
    let change = json!({"from": source.name, "from_id": source.id, "into": target.name,
                        "into_id": target.id, "moved": outcome.moved, "merged": outcome.merged});
    curation::record_change(&mut tx, "merge", &change, actor, now).await?;
    tx.commit().await?;
    Ok(outcome)
}

fn figures(e: &CompanyEvent) -> Figures {
    Figures::new(e.headcount, e.percentage, e.location.as_deref())
}

/// Moves or merges each event of `source` into `target`, oldest first.
async fn fold_events(
    conn: &mut Conn,
    source: &Company,
    target: &Company,
    actor: &Actor,
    now: DateTime<Utc>,
    outcome: &mut MergeOutcome,
) -> Result<()> {
    let mut into = curation::company_events(conn, target.id).await?;
    for e in curation::company_events(conn, source.id).await? {
        let same = into
            .iter_mut()
            .filter(|t| t.live && t.date == e.date)
            .find(|t| e.live && same_cut(&figures(t), &figures(&e)));
        let Some(same) = same else {
            curation::move_event(conn, e.id, target.id).await?;
            outcome.moved += usize::from(e.live);
            continue;
        };
        let row = MergedRow {
            headcount: e.headcount,
            approx: e.approx.as_deref(),
            percentage: e.percentage,
            location: e.location.as_deref(),
            teams: e.teams.as_deref(),
            notes: e.notes.as_deref(),
            source: e.source.as_deref(),
            fingerprint: &e.fingerprint,
            origin: format!("event #{} of {}", e.id, source.name),
        };
        merge_into(conn, same.id, &row, actor, now).await?;
        for more in &e.more_sources {
            curation::add_source(conn, same.id, more).await?;
        }
        curation::move_merged_rows(conn, e.id, same.id).await?;
        curation::move_event(conn, e.id, target.id).await?;
        curation::remove_merged(conn, e.id, same.id, actor, now).await?;
        same.headcount = same.headcount.or(e.headcount);
        same.percentage = same.percentage.or(e.percentage);
        if same.location.is_none() {
            same.location.clone_from(&e.location);
        }
        outcome.merged += 1;
    }
    Ok(())
}
