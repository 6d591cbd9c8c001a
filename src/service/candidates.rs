//! Candidates: news items that read as a layoff, read for what they state, kept for review,
//! and settled once: added as an event (its checks, audit and posts), or dismissed.

use chrono::{DateTime, Utc};

use crate::domain::headline::{self, People, Where};
use crate::domain::{Actor, EventScope, LayoffEvent, NewEvent, RawEvent};
use crate::error::{Error, Result};
use crate::store::Store;
pub use crate::store::candidates::{CandidateRow, NewCandidate};

/// One item of a feed, as its parser gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    pub title: String,
    pub link: String,
    pub published: Option<DateTime<Utc>>,
}

/// What reading a feed did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedReport {
    pub items: usize,
    /// Items that read as a layoff.
    pub taken: usize,
    /// Of those, the ones not kept already.
    pub new: usize,
}

/// Keeps the items of `source` that read as a layoff (the built-in words or `extra`).
pub async fn keep(
    store: &Store,
    source: &str,
    items: &[FeedItem],
    extra: &[String],
    now: DateTime<Utc>,
) -> Result<FeedReport> {
    let names = store.name_index().await?;
    let taken: Vec<NewCandidate> = items
        .iter()
        .filter(|i| headline::reads_as_layoff(&i.title, extra))
        .filter(|i| crate::domain::source_spec::parse_url(&i.link).is_ok())
        .map(|i| read(source, i, &names, now))
        .collect();
    let new = store.keep_candidates(&taken, now).await?;
    Ok(FeedReport {
        items: items.len(),
        taken: taken.len(),
        new,
    })
}

fn read(
    source: &str,
    item: &FeedItem,
    names: &crate::domain::NameIndex,
    now: DateTime<Utc>,
) -> NewCandidate {
    let title: String = item.title.chars().take(300).collect();
    let company = headline::company_named(&title, names);
    let (mut headcount, mut percentage, mut headcount_text) = (None, None, None);
    match headline::people(&title) {
        Some(People::Count(n)) => headcount = Some(i64::from(n)),
        Some(People::Share(s)) => percentage = Some(s),
        Some(People::Wording(w)) => headcount_text = Some(w),
        None => {}
    }
    let (teams, location) = match headline::place_or_teams(&title) {
        Some(Where::Teams(t)) => (Some(t), None),
        Some(Where::Place(p)) => (None, Some(p)),
        None => (None, None),
    };
    NewCandidate {
        source: source.to_string(),
        link_key: headline::link_key(&item.link),
        link: item.link.clone(),
        title,
        published_at: item.published.unwrap_or(now),
        company_id: company.map(|c| c.company_id),
        headcount,
        percentage,
        headcount_text,
        teams,
        location,
    }
}

pub async fn list(store: &Store, all: bool) -> Result<Vec<CandidateRow>> {
    store.candidates(all, 200).await
}

pub async fn get(store: &Store, id: i64) -> Result<CandidateRow> {
    store
        .candidate(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("there is no candidate #{id}")))
}

/// What was read, as the add form's fields (a moderator may change any before adding).
pub fn raw_event(c: &CandidateRow) -> RawEvent {
    RawEvent {
        company: c.company.clone(),
        date: Some(c.published_at.date_naive().to_string()),
        count: c.headcount,
        approx: c.headcount_text.clone(),
        percent: c.percentage,
        teams: c.teams.clone(),
        location: c.location.clone(),
        source: Some(c.link.clone()),
        notes: None,
    }
}

fn handled(c: &CandidateRow) -> Error {
    let by = c.handled_by.as_deref().unwrap_or("someone");
    Error::Forbidden(format!(
        "candidate #{} was already handled by {by} ({})",
        c.id, c.status
    ))
}

/// Adds the candidate to the global record as `raw` says (what was read, changed as the
/// person wished), with the event's audit and posts, and settles it, in one transaction.
pub async fn add(
    store: &Store,
    id: i64,
    raw: &RawEvent,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    let candidate = get(store, id).await?;
    if candidate.status != "open" {
        return Err(handled(&candidate));
    }
    if raw.company.is_none() {
        return Err(Error::Invalid(crate::domain::DomainError::invalid(
            "company",
            "the headline names no company in the record: give it with --company NAME",
        )));
    }
    let event = NewEvent::parse(raw, EventScope::Global, now.date_naive())?;
    let mut tx = store.begin_write().await?;
    let event_id = super::moderation::insert_and_enqueue(&mut tx, &event, actor, now).await?;
    if !crate::store::candidates::settle(&mut tx, id, "added", Some(event_id), actor.as_str(), now)
        .await?
    {
        // Settled by someone else meanwhile: nothing of this is kept.
        return Err(handled(&get(store, id).await?));
    }
    let stored = crate::store::events::get(&mut tx, event_id).await?;
    tx.commit().await?;
    store.outbox_written();
    stored.ok_or_else(|| Error::Internal(format!("event {event_id} vanished")))
}

/// Dismisses an open candidate.
pub async fn dismiss(store: &Store, id: i64, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
    let candidate = get(store, id).await?;
    let mut tx = store.begin_write().await?;
    if !crate::store::candidates::settle(&mut tx, id, "dismissed", None, actor.as_str(), now)
        .await?
    {
        return Err(handled(&candidate));
    }
    tx.commit().await?;
    Ok(())
}

/// Settles the candidate as the same cut as global event `event_id`: its link becomes a
/// further source of that event (posts already sent are edited to show it).
pub async fn same(
    store: &Store,
    id: i64,
    event_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    let candidate = get(store, id).await?;
    let mut tx = store.begin_write().await?;
    let event = crate::store::events::get(&mut tx, event_id)
        .await?
        .filter(|e| e.scope == EventScope::Global)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "there is no event #{event_id} in the global record"
            ))
        })?;
    if !crate::store::candidates::settle(&mut tx, id, "same", Some(event.id), actor.as_str(), now)
        .await?
    {
        return Err(handled(&candidate));
    }
    crate::store::merge::add_source(&mut tx, event.id, &candidate.link, actor, now).await?;
    crate::store::outbox::mark_edits_due(&mut tx, event.id).await?;
    let stored = crate::store::events::get(&mut tx, event.id).await?;
    tx.commit().await?;
    store.outbox_written();
    stored.ok_or_else(|| Error::Internal(format!("event {event_id} vanished")))
}
