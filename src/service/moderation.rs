//! Moderators keep the record: add (or hold when a nearby event exists), confirm or cancel a
//! held addition, edit and remove. Each write is one transaction with its audit row and, for
//! new events, one outbox row per matching subscription.

use chrono::{DateTime, Utc};

use crate::domain::{
    Actor, DomainError, EventPatch, EventScope, LayoffEvent, NewEvent, RawEvent, Source, Tenant,
    Viewer,
};
use crate::error::{Error, Result};
use crate::store::companies::{self, CompanyFacts};
use crate::store::{Conn, Store, audit, events, outbox, pending, tenants};

/// How close (in days) another event of the same company must be to ask "add anyway?".
pub const NEARBY_DAYS: u64 = 14;

/// Who acts, and where: a moderator of a tenant, whose events are global in the home tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moderator {
    pub actor: Actor,
    pub tenant: Tenant,
    /// The home tenant's moderators curate the global record (`HOME_GUILD_ID`).
    pub global: bool,
    /// The name people know them by, where something shows who acted (a review post).
    pub name: Option<String>,
}

impl Moderator {
    pub fn new(actor: Actor, tenant: Tenant, home: Option<&Tenant>) -> Self {
        let global = home == Some(&tenant);
        Self {
            actor,
            tenant,
            global,
            name: None,
        }
    }

    #[must_use]
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// Events added here are global in the home tenant, the tenant's own elsewhere.
    pub fn scope(&self) -> EventScope {
        if self.global {
            EventScope::Global
        } else {
            EventScope::Tenant(self.tenant.clone())
        }
    }

    /// Whether this moderator may edit or remove an event of `scope`.
    pub fn may_manage(&self, scope: &EventScope) -> bool {
        *scope == self.scope()
    }

    fn viewer(&self) -> Viewer {
        Viewer::in_tenant(self.tenant.clone())
    }
}

/// What `/layoff add` did.
#[derive(Debug, Clone, PartialEq)]
pub enum AddOutcome {
    Added(Box<LayoffEvent>),
    /// Another event of the company is close in time: held until "Add anyway".
    Held {
        pending_id: i64,
        nearby: Vec<LayoffEvent>,
    },
}

/// Validates and stores an event, or holds it when the company has one within
/// [`NEARBY_DAYS`].
pub async fn add_event(
    store: &Store,
    raw: &RawEvent,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<AddOutcome> {
    let event = NewEvent::parse(raw, by.scope(), now.date_naive())?;
    if let Some(company) = store
        .find_company(event.company.display(), &by.viewer())
        .await?
    {
        let nearby = store
            .nearby_events(company.id, &by.viewer(), event.date, NEARBY_DAYS)
            .await?;
        if !nearby.is_empty() {
            // The date as resolved now ("today" if none was given), so that a confirmation
            // after midnight keeps it.
            let held = RawEvent {
                date: Some(event.date.to_string()),
                ..raw.clone()
            };
            let payload =
                serde_json::to_string(&held).map_err(|e| Error::Internal(e.to_string()))?;
            let mut tx = store.begin_write().await?;
            let tenant_id = tenants::ensure(&mut tx, &by.tenant).await?;
            let pending_id = pending::hold(&mut tx, tenant_id, &by.actor, &payload, now).await?;
            tx.commit().await?;
            return Ok(AddOutcome::Held { pending_id, nearby });
        }
    }
    Ok(AddOutcome::Added(Box::new(
        record_event(store, &event, &by.actor, now).await?,
    )))
}

/// Stores a valid event with its audit row and its posts, in one transaction.
pub async fn record_event(
    store: &Store,
    event: &NewEvent,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    let mut tx = store.begin_write().await?;
    let id = insert_and_enqueue(&mut tx, event, actor, now).await?;
    let stored = events::get(&mut tx, id).await?;
    tx.commit().await?;
    store.outbox_written();
    stored.ok_or_else(|| no_event(id))
}

pub(super) async fn insert_and_enqueue(
    tx: &mut Conn,
    event: &NewEvent,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<i64> {
    let facts = CompanyFacts::default();
    let company_id = companies::upsert(tx, &event.company, &event.scope, facts, now).await?;
    let tenant_id = tenants::of_scope(tx, &event.scope).await?;
    let id = events::insert(tx, company_id, tenant_id, event, actor, now).await?;
    audit::record(tx, id, actor, now, None, Some(event)).await?;
    // One post per matching subscription, committed with the event or not at all.
    let people = event.headcount.known();
    outbox::enqueue_event(tx, id, company_id, people, tenant_id, now).await?;
    Ok(id)
}

/// How long a held addition waits for "Add anyway".
pub const HOLD_FOR: chrono::Duration = chrono::Duration::minutes(15);

/// The held addition `pending_id` if `by` may act on it: theirs and not expired. It is
/// deleted in `tx` either way once found (an expired one is of no further use).
async fn held_for(
    tx: &mut Conn,
    pending_id: i64,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<Option<RawEvent>> {
    let Some(held) = pending::get(tx, pending_id, &by.tenant).await? else {
        return Err(Error::NotFound(
            "This addition was already confirmed or cancelled.".into(),
        ));
    };
    if held.actor != by.actor.as_str() {
        return Err(Error::Forbidden(
            "Only the moderator who added this can confirm or cancel it.".into(),
        ));
    }
    pending::delete(tx, pending_id).await?;
    if now - held.created_at > HOLD_FOR {
        return Ok(None);
    }
    let raw = serde_json::from_str(&held.payload).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(Some(raw))
}

/// Stores a held addition ("Add anyway"), validated again, in one transaction with taking it.
pub async fn confirm_addition(
    store: &Store,
    pending_id: i64,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    let mut tx = store.begin_write().await?;
    let Some(raw) = held_for(&mut tx, pending_id, by, now).await? else {
        tx.commit().await?;
        return Err(Error::NotFound(
            "This addition expired after 15 minutes; nothing was stored. Add it again.".into(),
        ));
    };
    let event = NewEvent::parse(&raw, by.scope(), now.date_naive())?;
    let id = insert_and_enqueue(&mut tx, &event, &by.actor, now).await?;
    let stored = events::get(&mut tx, id).await?;
    tx.commit().await?;
    store.outbox_written();
    stored.ok_or_else(|| no_event(id))
}

/// Drops a held addition ("Cancel").
pub async fn cancel_addition(
    store: &Store,
    pending_id: i64,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = store.begin_write().await?;
    held_for(&mut tx, pending_id, by, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The event, if this moderator may change it; otherwise "no such event" (events of other
/// tenants are not revealed). What the edit and removal forms show before anything changes.
pub async fn manageable_event(store: &Store, id: i64, by: &Moderator) -> Result<LayoffEvent> {
    may_manage(store.event(id).await?, id, by)
}

/// [`manageable_event`] inside a write transaction.
async fn managed_event(conn: &mut Conn, id: i64, by: &Moderator) -> Result<LayoffEvent> {
    may_manage(events::get(conn, id).await?, id, by)
}

fn may_manage(event: Option<LayoffEvent>, id: i64, by: &Moderator) -> Result<LayoffEvent> {
    match event {
        Some(e) if by.may_manage(&e.scope) => Ok(e),
        Some(e) if e.scope == EventScope::Global => Err(Error::Forbidden(format!(
            "Event #{id} is global; only moderators of the home {} can change it.",
            by.tenant.platform().community()
        ))),
        _ => Err(Error::NotFound(format!(
            "There is no event #{id} in this {}.",
            by.tenant.platform().community()
        ))),
    }
}

fn no_event(id: i64) -> Error {
    Error::NotFound(format!("There is no event #{id}."))
}

/// Applies the options given to an event this moderator may manage; its posts already sent
/// are marked for editing.
pub async fn edit_event(
    store: &Store,
    id: i64,
    changes: &RawEvent,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    let patch = EventPatch::parse(changes, now.date_naive())?;
    if patch.is_empty() {
        return Err(DomainError::invalid("id", "Give at least one field to change.").into());
    }
    let mut tx = store.begin_write().await?;
    let before = managed_event(&mut tx, id, by).await?;
    let mut event = before.to_new_event()?;
    patch.apply(&mut event);
    let facts = CompanyFacts::default();
    let company_id = companies::upsert(&mut tx, &event.company, &event.scope, facts, now).await?;
    if !events::update(&mut tx, id, company_id, &event, &by.actor, now).await? {
        return Err(no_event(id));
    }
    if let Some(more) = kept_sources(&before, &event) {
        events::set_more_sources(&mut tx, id, &more).await?;
    }
    audit::record(&mut tx, id, &by.actor, now, Some(&before), Some(&event)).await?;
    outbox::mark_edits_due(&mut tx, id).await?;
    let stored = events::get(&mut tx, id).await?;
    tx.commit().await?;
    // Its posts already sent are edited to match.
    store.outbox_written();
    stored.ok_or_else(|| no_event(id))
}

/// A new source does not replace the old one: the old one is kept first among the further
/// sources (None: the source did not change).
fn kept_sources(before: &LayoffEvent, after: &NewEvent) -> Option<Vec<String>> {
    let old = before.source.as_ref()?;
    let new = after.source.as_ref().map(Source::as_str);
    if new == Some(old.as_str()) {
        return None;
    }
    let mut more: Vec<String> = Vec::new();
    for s in std::iter::once(old).chain(&before.more_sources) {
        let s = s.as_str();
        if Some(s) != new && !more.iter().any(|m| m == s) {
            more.push(s.to_string());
        }
    }
    Some(more)
}

/// Removes an event this moderator may manage; returns it as it was.
pub async fn remove_event(
    store: &Store,
    id: i64,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    let mut tx = store.begin_write().await?;
    let before = managed_event(&mut tx, id, by).await?;
    if !events::soft_delete(&mut tx, id, &by.actor, now).await? {
        return Err(no_event(id));
    }
    audit::record(&mut tx, id, &by.actor, now, Some(&before), None).await?;
    // Posts not sent yet never go out; sent ones are edited to say it was removed.
    outbox::cancel_for_event(&mut tx, id, "the event was removed before it was posted").await?;
    outbox::mark_edits_due(&mut tx, id).await?;
    tx.commit().await?;
    store.outbox_written();
    Ok(before)
}
