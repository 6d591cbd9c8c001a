//! Work on posts already sent: edits after a correction or removal, crossposts in
//! announcement channels, threads under posts. Each has its own schedule (Discord limits
//! publishing on its own route: its 429s hold only that row, and are not failures), and all
//! follow the posts' rules: backoff up to the same number of attempts, 429s waited out, a
//! 401 waited out without counting.

use chrono::{DateTime, Utc};

use super::{
    ChannelPoster, LEASE, PostOutcome, UNAUTHORIZED, UNAUTHORIZED_PAUSE, Worker, after,
    unauthorized,
};
use crate::error::Result;
use crate::render::topics::{digest_topic, event_topic, filing_topic};
use crate::store::{DueCrosspost, DueEdit, DueThread, Edited, FollowUp, Topic};

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
        for t in self.store.due_threads(now, limit).await? {
            self.open_thread(t, now).await?;
            count += 1;
        }
        Ok(count)
    }

    /// Opens the discussion thread under a sent post, named for what it is about.
    async fn open_thread(&self, t: DueThread, now: DateTime<Utc>) -> Result<()> {
        let name = match t.topic {
            Topic::Event(id) => self.store.event(id).await?.map(|e| event_topic(&e)),
            Topic::Filing(id) => self.store.filing_post(id).await?.map(|f| filing_topic(&f)),
            Topic::Digest(period) => Some(digest_topic(&period)),
        };
        let Some(name) = name else {
            let gone = Some("what the post is about is no longer on record");
            return self
                .store
                .follow_up_done(FollowUp::Thread, t.id, gone, now)
                .await;
        };
        self.pacer.acquire().await;
        let minutes = t.archive.minutes();
        let outcome = self
            .poster
            .open_thread(&t.channel, &t.message, &name, minutes)
            .await;
        self.settle(FollowUp::Thread, t.id, t.attempts, outcome, now, now)
            .await
    }

    /// Brings a sent post in line with its corrected event, or replaces it with a notice
    /// when the event was removed.
    async fn edit(&self, e: DueEdit, now: DateTime<Utc>) -> Result<()> {
        // Unique per round: what marks the edit due again clears it.
        let lease = after(now, LEASE);
        if !self.store.lease_edit(e.id, lease).await? {
            return Ok(());
        }
        let tenant = e.tenant.as_ref();
        let view = match e.what {
            Edited::Event(id) => self.post_view(id, tenant).await?,
            Edited::Follow(id) => self.follow_view(id, tenant).await?,
            Edited::Review(id) => self.store.candidate(id).await?.map(|c| {
                if c.status == "open" {
                    crate::render::review::review_view(&c, &super::views::review_marker(id))
                } else {
                    crate::render::review::settled_view(&c)
                }
            }),
        };
        let mut view = match (view, e.what) {
            (Some(view), _) => view,
            (None, Edited::Event(id) | Edited::Follow(id)) => crate::render::removed_view(id),
            (None, Edited::Review(_)) => {
                let gone = Some("the candidate is no longer on record");
                return self
                    .store
                    .follow_up_done(FollowUp::Edit, e.id, gone, lease)
                    .await;
            }
        };
        if let (true, Edited::Event(id)) = (e.forum, e.what) {
            let viewer = crate::domain::Viewer {
                tenant: e.tenant.clone(),
            };
            let post = self.event_forum_post(id, &viewer).await?;
            view.forum = Some(post.unwrap_or_else(super::forum::closed));
        }
        self.pacer.acquire().await;
        let outcome = self.poster.edit(&e.channel, &e.message, &view).await;
        if matches!(outcome, PostOutcome::Sent { .. })
            && let (true, Edited::Event(id)) = (e.thread_open, e.what)
        {
            self.follow_thread(&e, id).await?;
        }
        self.settle(FollowUp::Edit, e.id, e.attempts, outcome, now, lease)
            .await
    }

    /// The thread under an edited post follows its event: renamed, or locked and archived
    /// when the event was removed. Its discussion matters less than the post: a failure is
    /// logged, not retried.
    async fn follow_thread(&self, e: &DueEdit, event: i64) -> Result<()> {
        let name = self.store.event(event).await?.map(|ev| event_topic(&ev));
        self.pacer.acquire().await;
        let outcome = self
            .poster
            .update_thread(&e.channel, &e.message, name.as_deref())
            .await;
        if !matches!(outcome, PostOutcome::Sent { .. }) {
            tracing::warn!(
                delivery = e.id,
                ?outcome,
                "could not update the thread under a post"
            );
        }
        Ok(())
    }

    /// Publishes a sent post; a channel that is gone or closed leaves it unpublished (the
    /// post itself stands).
    async fn crosspost(&self, c: DueCrosspost, now: DateTime<Utc>) -> Result<()> {
        self.pacer.acquire().await;
        let outcome = self.poster.crosspost(&c.channel, &c.message).await;
        self.settle(FollowUp::Crosspost, c.id, c.attempts, outcome, now, now)
            .await
    }

    /// Records how a follow-up went; `attempts` is how many failed before; an edit's `lease`
    /// (see `Store::lease_edit`).
    async fn settle(
        &self,
        kind: FollowUp,
        id: i64,
        attempts: u32,
        outcome: PostOutcome,
        now: DateTime<Utc>,
        lease: DateTime<Utc>,
    ) -> Result<()> {
        let store = &self.store;
        match outcome {
            PostOutcome::Sent { .. } => store.follow_up_done(kind, id, None, lease).await,
            PostOutcome::RateLimited {
                retry_after,
                global,
            } => {
                if global {
                    self.pacer.pause(retry_after);
                }
                let at = after(now, retry_after);
                store
                    .follow_up_retry(kind, id, at, "rate limited (429)", false)
                    .await
            }
            PostOutcome::Unauthorized => {
                unauthorized();
                let at = after(now, UNAUTHORIZED_PAUSE);
                store
                    .follow_up_retry(kind, id, at, UNAUTHORIZED, false)
                    .await
            }
            PostOutcome::Failed(reason) => {
                let failures = attempts + 1;
                if let Some(wait) = self.backoff.after_failure(failures, id) {
                    tracing::warn!(delivery = id, ?kind, %reason, ?wait, "follow-up failed; will retry");
                    let at = after(now, wait);
                    store.follow_up_retry(kind, id, at, &reason, true).await
                } else {
                    tracing::error!(delivery = id, ?kind, %reason, "follow-up failed; giving up");
                    let why = format!("gave up after {failures} attempts: {reason}");
                    store.follow_up_done(kind, id, Some(&why), lease).await
                }
            }
            PostOutcome::Unreachable { reason, .. } | PostOutcome::Rejected(reason) => {
                tracing::warn!(delivery = id, ?kind, %reason, "cannot do the follow-up; leaving the post");
                store.follow_up_done(kind, id, Some(&reason), lease).await
            }
        }
    }
}
