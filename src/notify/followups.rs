//! Work on posts already sent: edits after a correction or removal, and crossposts in
//! announcement channels (Discord limits publishing on its own route: its 429s hold only
//! that row, and are not failures).

use chrono::{DateTime, Utc};

use super::{
    ChannelPoster, PostOutcome, UNAUTHORIZED, UNAUTHORIZED_PAUSE, Worker, after, unauthorized,
};
use crate::error::Result;
use crate::store::{DueCrosspost, DueEdit};

impl<P: ChannelPoster> Worker<P> {
    /// Edits and crossposts due at `now`, up to `limit` of each; how many were handled.
    pub(super) async fn follow_up(&self, now: DateTime<Utc>, limit: u32) -> Result<usize> {
        let mut count = 0;
        for edit in self.store.due_edits(now, limit).await? {
            self.edit(edit, now).await?;
            count += 1;
        }
        for c in self.store.due_crossposts(now, limit).await? {
            self.crosspost(c, now).await?;
            count += 1;
        }
        Ok(count)
    }

    /// Brings a sent post in line with its corrected event, or replaces it with a notice
    /// when the event was removed. Failures follow the posts' rules: backoff up to the same
    /// number of attempts, per-route 429s waited out, a 401 waited out without counting.
    async fn edit(&self, e: DueEdit, now: DateTime<Utc>) -> Result<()> {
        let view = match self.post_view(e.event_id, &e.tenant).await? {
            Some(view) => view,
            None => crate::render::removed_view(e.event_id),
        };
        self.pacer.acquire().await;
        match self.poster.edit(e.channel_id, e.message_id, &view).await {
            PostOutcome::Sent { .. } => self.store.edit_done(e.id, None).await,
            PostOutcome::RateLimited {
                retry_after,
                global,
            } => {
                if global {
                    self.pacer.pause(retry_after);
                }
                let at = after(now, retry_after);
                self.store
                    .edit_retry(e.id, at, "rate limited (429)", false)
                    .await
            }
            PostOutcome::Unauthorized => {
                unauthorized();
                let at = after(now, UNAUTHORIZED_PAUSE);
                self.store.edit_retry(e.id, at, UNAUTHORIZED, false).await
            }
            PostOutcome::Failed(reason) => {
                let failures = e.attempts + 1;
                if let Some(wait) = self.backoff.after_failure(failures, e.id) {
                    tracing::warn!(delivery = e.id, %reason, ?wait, "editing a post failed; will retry");
                    self.store
                        .edit_retry(e.id, after(now, wait), &reason, true)
                        .await
                } else {
                    tracing::error!(delivery = e.id, %reason, "editing a post failed; giving up");
                    let why = format!("gave up editing after {failures} attempts: {reason}");
                    self.store.edit_done(e.id, Some(&why)).await
                }
            }
            PostOutcome::Unreachable { reason, .. } | PostOutcome::Rejected(reason) => {
                tracing::warn!(delivery = e.id, %reason, "cannot edit the post; leaving it");
                self.store.edit_done(e.id, Some(&reason)).await
            }
        }
    }

    /// Publishes a sent post; failures back off like posts, and a channel that is gone or
    /// closed leaves the post unpublished (the post itself stands).
    async fn crosspost(&self, c: DueCrosspost, now: DateTime<Utc>) -> Result<()> {
        self.pacer.acquire().await;
        match self.poster.crosspost(c.channel_id, c.message_id).await {
            PostOutcome::Sent { .. } => self.store.crosspost_done(c.id, None).await,
            PostOutcome::RateLimited {
                retry_after,
                global,
            } => {
                if global {
                    self.pacer.pause(retry_after);
                }
                tracing::info!(
                    delivery = c.id,
                    ?retry_after,
                    "crosspost rate limited; waiting"
                );
                let at = after(now, retry_after);
                self.store
                    .crosspost_retry(c.id, at, "rate limited (429)", false)
                    .await
            }
            PostOutcome::Unauthorized => {
                unauthorized();
                let at = after(now, UNAUTHORIZED_PAUSE);
                self.store
                    .crosspost_retry(c.id, at, UNAUTHORIZED, false)
                    .await
            }
            PostOutcome::Failed(reason) => {
                let failures = c.attempts + 1;
                if let Some(wait) = self.backoff.after_failure(failures, c.id) {
                    self.store
                        .crosspost_retry(c.id, after(now, wait), &reason, true)
                        .await
                } else {
                    let why = format!("gave up publishing after {failures} attempts: {reason}");
                    self.store.crosspost_done(c.id, Some(&why)).await
                }
            }
            PostOutcome::Unreachable { reason, .. } | PostOutcome::Rejected(reason) => {
                tracing::warn!(delivery = c.id, %reason, "cannot publish the post; leaving it");
                self.store.crosspost_done(c.id, Some(&reason)).await
            }
        }
    }
}
