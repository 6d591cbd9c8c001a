//! One answer per pressed button, whatever the platform: listing pages (their state is in
//! the id, so they work after a restart), "Add anyway" / "Cancel" on a held addition,
//! "Remove" / "Keep" on a removal to confirm, and the review queue's Add / Same / Dismiss.
//! Front ends parse the id, find who pressed it and encode the answer; what it does and says
//! is decided here.

use chrono::{DateTime, Utc};

use super::{Moderator, cancel_addition, confirm_addition, listing_for, remove_event, review};
use crate::domain::{Days, RawEvent, Viewer};
use crate::error::{Error, Result};
use crate::render::{self, ButtonId, View, replies};
use crate::store::Store;

/// What replaces the message whose button was pressed.
#[derive(Debug, Clone)]
pub enum Pressed {
    View(View),
    /// A short sentence, the message's embed and buttons removed.
    Text(String),
    /// A form to open over the message: a candidate's add form, prefilled. Its submission
    /// carries [`ButtonId::ReviewForm`].
    Form {
        candidate: i64,
        fields: RawEvent,
    },
}

/// Whether a button acts for a moderator: the front end finds one (its platform's rule)
/// before [`press`].
pub fn needs_moderator(id: &ButtonId) -> bool {
    !matches!(id, ButtonId::Page { .. })
}

/// Does what the button says for `viewer` (and `by`, for a moderator's button).
pub async fn press(
    store: &Store,
    id: ButtonId,
    viewer: &Viewer,
    by: Option<&Moderator>,
    now: DateTime<Utc>,
) -> Result<Pressed> {
    let moderator =
        || by.ok_or_else(|| Error::Forbidden("Only moderators can use this button.".into()));
    Ok(match id {
        ButtonId::Page {
            company,
            days,
            page,
        } => {
            let days = days.map(|d| Days::parse(i64::from(d))).transpose()?;
            let listing = listing_for(store, company, viewer, days, page, now.date_naive()).await?;
            Pressed::View(render::listing_view(&listing, days))
        }
        ButtonId::AddAnyway(pending) => {
            let event = confirm_addition(store, pending, moderator()?, now).await?;
            Pressed::View(replies::added_view(&event))
        }
        ButtonId::Cancel(pending) => {
            cancel_addition(store, pending, moderator()?, now).await?;
            Pressed::Text(replies::CANCELLED.into())
        }
        ButtonId::Remove(event) => {
            let event = remove_event(store, event, moderator()?, now).await?;
            Pressed::Text(replies::removed_text(&event))
        }
        ButtonId::Keep(event) => {
            moderator()?;
            Pressed::Text(format!("Kept event #{event}."))
        }
        ButtonId::ReviewAdd(candidate) => Pressed::Form {
            candidate,
            fields: review::form(store, candidate, moderator()?).await?,
        },
        ButtonId::ReviewSame { candidate, event } => {
            Pressed::View(review::same(store, candidate, event, moderator()?, now).await?)
        }
        ButtonId::ReviewDismiss(candidate) => {
            Pressed::View(review::dismiss(store, candidate, moderator()?, now).await?)
        }
        ButtonId::ReviewForm(_) => {
            return Err(Error::NotFound("This button is no longer valid.".into()));
        }
    })
}
