//! Candidates: news items that read as a layoff, read for what they state, kept for review,
//! and settled once: added as an event (its checks, audit and posts), or dismissed.

use chrono::{DateTime, Utc};

use super::Moderator;
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

/// Who settles a candidate: the operator, or a moderator of the home tenant (whose events
/// are the global record), with the name people know them by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub actor: Actor,
    pub name: Option<String>,
}

impl Reviewer {
    pub fn operator(verb: &str) -> Self {
        Self {
            actor: Actor::cli(verb),
            name: None,
        }
    }

    /// A moderator may review only in the home server or workspace.
    pub fn moderator(by: &Moderator) -> Result<Self> {
        if !by.global {
            return Err(Error::Forbidden(
                "Only moderators of the bot's home server or workspace review news.".into(),
            ));
        }
        let name = by.name.as_deref().map(|n| {
            n.chars()
                .filter(|c| !c.is_control())
                .take(80)
                .collect::<String>()
        });
        Ok(Self {
            actor: by.actor.clone(),
            name: name.filter(|n| !n.trim().is_empty()),
        })
    }
}

fn handled(c: &CandidateRow) -> Error {
    let what = match c.status.as_str() {
        "added" => "added",
        "same" => "marked the same as a recorded event",
        _ => "dismissed",
    };
    Error::Forbidden(format!(
        "Candidate #{} was already handled by {} ({what}).",
        c.id,
        crate::render::review::handled_by(c)
    ))
}

/// An open candidate, or why it cannot be reviewed any more.
pub async fn open(store: &Store, id: i64) -> Result<CandidateRow> {
    let candidate = get(store, id).await?;
    if candidate.status == "open" {
        Ok(candidate)
    } else {
        Err(handled(&candidate))
    }
}

/// Adds the candidate to the global record as `raw` says (what was read, changed as the
/// person wished), with the event's audit and posts, and settles it, in one transaction.
pub async fn add(
    store: &Store,
    id: i64,
    raw: &RawEvent,
    by: &Reviewer,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    open(store, id).await?;
    if raw.company.is_none() {
        return Err(Error::Invalid(crate::domain::DomainError::invalid(
            "company",
            "the headline names no company in the record: give it with --company NAME",
        )));
    }
    let event = NewEvent::parse(raw, EventScope::Global, now.date_naive())?;
    let mut tx = store.begin_write().await?;
    let event_id = super::moderation::insert_and_enqueue(&mut tx, &event, &by.actor, now).await?;
    if !settle(&mut tx, id, "added", Some(event_id), by, now).await? {
        // Settled by someone else meanwhile: nothing of this is kept.
        drop(tx);
        return Err(handled(&get(store, id).await?));
    }
    let stored = crate::store::events::get(&mut tx, event_id).await?;
    tx.commit().await?;
    store.outbox_written();
    stored.ok_or_else(|| Error::Internal(format!("event {event_id} vanished")))
}

/// Dismisses an open candidate.
pub async fn dismiss(store: &Store, id: i64, by: &Reviewer, now: DateTime<Utc>) -> Result<()> {
    get(store, id).await?;
    let mut tx = store.begin_write().await?;
    if !settle(&mut tx, id, "dismissed", None, by, now).await? {
        drop(tx);
        return Err(handled(&get(store, id).await?));
    }
    tx.commit().await?;
    store.outbox_written();
    Ok(())
}

async fn settle(
    tx: &mut crate::store::Conn,
    id: i64,
    status: &str,
    event_id: Option<i64>,
    by: &Reviewer,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (actor, name) = (by.actor.as_str(), by.name.as_deref());
    let settled =
        crate::store::candidates::settle(tx, id, status, event_id, actor, name, now).await?;
    if settled {
        // Every review post says how it was settled, wherever that was done.
        crate::store::outbox::mark_reviews_due(tx, id).await?;
    }
    Ok(settled)
}

/// Settles the candidate as the same cut as global event `event_id`: its link becomes a
/// further source of that event (posts already sent are edited to show it).
pub async fn same(
    store: &Store,
    id: i64,
    event_id: i64,
    by: &Reviewer,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    let candidate = open(store, id).await?;
    let mut tx = store.begin_write().await?;
    let event = crate::store::events::get(&mut tx, event_id)
        .await?
        .filter(|e| e.scope == EventScope::Global)
        .ok_or_else(|| {
            Error::NotFound(format!(
                "there is no event #{event_id} in the global record"
            ))
        })?;
    if !settle(&mut tx, id, "same", Some(event.id), by, now).await? {
        drop(tx);
        return Err(handled(&get(store, id).await?));
    }
    crate::store::merge::add_source(&mut tx, event.id, &candidate.link, &by.actor, now).await?;
    crate::store::outbox::mark_edits_due(&mut tx, event.id).await?;
    let stored = crate::store::events::get(&mut tx, event.id).await?;
    tx.commit().await?;
    store.outbox_written();
    stored.ok_or_else(|| Error::Internal(format!("event {event_id} vanished")))
}
