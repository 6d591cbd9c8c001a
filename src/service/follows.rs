//! Following a company yourself: DM alerts of its new events, per person, at most
//! [`MAX_FOLLOWS`]. A follow made in a server also sees that server's private events; one made
//! in a DM sees the global record. Pausing when DMs are refused, resuming, and forgetting a
//! person entirely.

use crate::domain::Viewer;
use crate::error::{Error, Result};
use crate::render::follows as text;
use crate::store::Store;
pub use crate::store::follows::{FollowRow, Followed, Person};

/// The most companies one person may follow.
pub const MAX_FOLLOWS: usize = 25;

/// `/layoffs-follow add company`, from where `viewer` is (its tenant: a server's follow).
pub async fn follow(store: &Store, who: &Person, company: &str, viewer: &Viewer) -> Result<String> {
    let found = super::resolve_company(store, company, viewer).await?;
    let outcome = store
        .follow(who, found.id, viewer.tenant.as_ref(), MAX_FOLLOWS)
        .await?;
    match outcome {
        Followed::Full(n) => Err(Error::Forbidden(text::full(n))),
        Followed::New | Followed::Again => Ok(text::followed(
            &found.name,
            outcome == Followed::Again,
            viewer.tenant.is_some(),
        )),
    }
}

/// `/layoffs-follow remove company`: by the name of a follow, else as `/layoffs` reads it.
pub async fn unfollow(
    store: &Store,
    who: &Person,
    company: &str,
    viewer: &Viewer,
) -> Result<String> {
    let mine = store.follows_of(who).await?;
    let wanted = company.trim();
    let id = match mine.iter().find(|f| f.company.eq_ignore_ascii_case(wanted)) {
        Some(f) => f.company_id,
        None => super::resolve_company(store, wanted, viewer).await?.id,
    };
    let name = mine
        .iter()
        .find(|f| f.company_id == id)
        .map_or_else(|| wanted.to_string(), |f| f.company.clone());
    let was = store.unfollow(who, id).await?;
    Ok(text::unfollowed(&name, was))
}

/// The companies the person follows whose name contains `typed` (case aside), for the
/// autocomplete of `remove`.
pub async fn followed_matching(store: &Store, who: &Person, typed: &str) -> Result<Vec<String>> {
    let typed = typed.trim().to_lowercase();
    Ok(store
        .follows_of(who)
        .await?
        .into_iter()
        .map(|f| f.company)
        .filter(|c| c.to_lowercase().contains(&typed))
        .collect())
}

/// `/layoffs-follow list`; it resumes paused follows (the person is here to read it).
pub async fn list(store: &Store, who: &Person) -> Result<String> {
    let resumed = store.resume_follows(who).await?;
    let follows = store.follows_of(who).await?;
    Ok(text::list(&follows, resumed, MAX_FOLLOWS))
}

/// `/layoffs-follow clear`.
pub async fn clear(store: &Store, who: &Person) -> Result<String> {
    Ok(text::cleared(store.unfollow_all(who).await?))
}

/// `/layoffs-follow forget-me`.
pub async fn forget_me(store: &Store, who: &Person) -> Result<String> {
    let follows = store.forget(who).await?;
    Ok(text::forgotten(follows))
}

/// What to tell the person once after their follows were paused, if anything.
pub async fn pause_notice(store: &Store, who: &Person) -> Result<Option<String>> {
    Ok(store
        .untold_pause(who)
        .await?
        .map(|_| text::PAUSED.to_string()))
}

/// Followers per company for the operator (no user ids).
pub async fn counts(store: &Store) -> Result<Vec<(String, i64)>> {
    store.follow_counts().await
}
