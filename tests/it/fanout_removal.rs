//! Posts whose channel or event changed under them: a removal confirmed during a fan-out
//! (no post of the event starts after it, one already in flight is edited to the notice), and
//! a channel another server took over after an unsubscribe (the old owner's private event is
//! never edited there).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use layoffs_bot::Store;
use layoffs_bot::domain::{Actor, AlertSettings, ChannelRef, Tenant};
use layoffs_bot::notify::{Backoff, ChannelPoster, PostOutcome, Worker};
use layoffs_bot::render::View;
use layoffs_bot::service;

use crate::outbox::{Scripted, add, correct, later, moderator, setup};
use crate::support::now;

/// Posts through the script; the first post confirms the event's removal before it answers.
struct RemovesOnFirstPost {
    inner: Scripted,
    store: Store,
    event: i64,
    removed: AtomicBool,
}

impl ChannelPoster for RemovesOnFirstPost {
    async fn post(&self, channel: &ChannelRef, view: &View, nonce: &str) -> PostOutcome {
        let outcome = self.inner.post(channel, view, nonce).await;
        if !self.removed.swap(true, Ordering::SeqCst) {
            service::remove_event(&self.store, self.event, &moderator(), now())
                .await
                .unwrap();
        }
        outcome
    }

    async fn edit(&self, channel: &ChannelRef, message: &str, view: &View) -> PostOutcome {
        self.inner.edit(channel, message, view).await
    }

    async fn crosspost(&self, channel: &ChannelRef, message: &str) -> PostOutcome {
        self.inner.crosspost(channel, message).await
    }

    async fn find_post(
        &self,
        channel: &ChannelRef,
        marker: &str,
        nonce: &str,
    ) -> Result<Option<String>, PostOutcome> {
        self.inner.find_post(channel, marker, nonce).await
    }
}

#[tokio::test]
async fn no_post_starts_after_a_removal_and_one_in_flight_is_edited() {
    let channels: Vec<u64> = (1..=20).collect();
    let (t, _, script) = setup(&channels).await;
    let id = add(&t.store, "Acme").await;
    let removing = RemovesOnFirstPost {
        inner: script.clone(),
        store: t.store.clone(),
        event: id,
        removed: AtomicBool::new(false),
    };
    let backoff = Backoff {
        base: Duration::from_secs(2),
        cap: Duration::from_mins(1),
        max_attempts: 3,
    };
    let worker = Worker::new(t.store.clone(), removing, backoff);
    worker.try_dispatch_once(now()).await.unwrap();
    let posted: Vec<u64> = script
        .calls()
        .iter()
        .filter(|(_, body)| body.get("edited_message").is_none())
        .map(|(c, _)| *c)
        .collect();
    assert!(
        !posted.is_empty() && posted.len() < channels.len() / 2,
        "posts after the removal: {posted:?}"
    );
    worker.try_dispatch_once(later(1)).await.unwrap();
    for c in posted {
        let edits = script.edits(c);
        assert_eq!(edits.len(), 1, "channel {c}");
        assert_eq!(edits[0]["embeds"][0]["title"], "Layoff removed");
    }
}

#[tokio::test]
async fn a_channel_taken_over_never_gets_the_old_owners_private_event_edited_in() {
    let (t, worker, script) = setup(&[1]).await;
    let id = add(&t.store, "Acme").await;
    worker.try_dispatch_once(now()).await.unwrap();
    assert_eq!(script.calls().len(), 1, "posted while subscribed");
    let (old, new) = (Tenant::discord(42), Tenant::discord(43));
    service::unsubscribe(&t.store, &old, &ChannelRef::discord(1), now())
        .await
        .unwrap();
    let by = Actor::cli("test");
    service::subscribe(
        &t.store,
        &new,
        &ChannelRef::discord(1),
        &AlertSettings::default(),
        &by,
        now(),
    )
    .await
    .unwrap();
    correct(&t.store, id, 12).await;
    worker.try_dispatch_once(later(1)).await.unwrap();
    assert!(script.edits(1).is_empty(), "{:?}", script.calls());
}
