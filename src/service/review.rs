//! The review queue in chat: a home moderator names the channel where new candidates are
//! posted (or turns it off), and the posts' buttons settle them: Add opens the add form
//! prefilled with what was read, Same as #N and Dismiss act at once. Every answer is the
//! post as it now reads, or why not.

use chrono::{DateTime, Utc};

use super::Moderator;
use super::candidates::{self, Reviewer};
use crate::domain::{ChannelRef, RawEvent};
use crate::error::{Error, Result};
use crate::render::View;
use crate::render::review::settled_view;
use crate::store::Store;

const HOME_ONLY: &str = "The review queue is the global record's: only moderators of the bot's \
                         home server or workspace can set it.";

/// `/layoff-review set channel`: where new candidates are posted from now on.
pub async fn set_channel(
    store: &Store,
    by: &Moderator,
    channel: &ChannelRef,
    now: DateTime<Utc>,
) -> Result<String> {
    if !by.global {
        return Err(Error::Forbidden(HOME_ONLY.into()));
    }
    let before = store
        .set_review_channel(&by.tenant, channel, by.actor.as_str(), now)
        .await?;
    let moved = match before {
        Some(old) if old != *channel => format!(" (instead of <#{}>)", old.id),
        _ => String::new(),
    };
    Ok(format!(
        "New candidates from news feeds will be posted in <#{}>{moved} for review: Add, Same \
         as #N or Dismiss. Candidates found before now are listed by `layoffs-bot candidates`.",
        channel.id
    ))
}

/// `/layoff-review off`.
pub async fn off(store: &Store, by: &Moderator, now: DateTime<Utc>) -> Result<String> {
    if !by.global {
        return Err(Error::Forbidden(HOME_ONLY.into()));
    }
    Ok(match store.review_off(&by.tenant, now).await? {
        Some(old) => format!(
            "The review queue is off: no more candidates will be posted in <#{}>.",
            old.id
        ),
        None => "The review queue was not on.".to_string(),
    })
}

/// The add form for an open candidate: what was read, for the moderator to check.
pub async fn form(store: &Store, candidate: i64, by: &Moderator) -> Result<RawEvent> {
    Reviewer::moderator(by)?;
    let c = candidates::open(store, candidate).await?;
    Ok(candidates::raw_event(&c))
}

/// The add form submitted: the event is added (its checks, audit and posts) and the
/// candidate settled; the review post as it now reads.
pub async fn submit(
    store: &Store,
    candidate: i64,
    raw: &RawEvent,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<View> {
    let reviewer = Reviewer::moderator(by)?;
    let mut raw = raw.clone();
    if raw.source.is_none() {
        raw.source = Some(candidates::get(store, candidate).await?.link);
    }
    candidates::add(store, candidate, &raw, &reviewer, now).await?;
    settled(store, candidate).await
}

/// Same as #N.
pub async fn same(
    store: &Store,
    candidate: i64,
    event: i64,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<View> {
    let reviewer = Reviewer::moderator(by)?;
    candidates::same(store, candidate, event, &reviewer, now).await?;
    settled(store, candidate).await
}

/// Dismiss.
pub async fn dismiss(
    store: &Store,
    candidate: i64,
    by: &Moderator,
    now: DateTime<Utc>,
) -> Result<View> {
    let reviewer = Reviewer::moderator(by)?;
    candidates::dismiss(store, candidate, &reviewer, now).await?;
    settled(store, candidate).await
}

async fn settled(store: &Store, candidate: i64) -> Result<View> {
    Ok(settled_view(&candidates::get(store, candidate).await?))
}
