//! Delivery of new-event posts: the worker that claims due outbox rows, posts them paced under
//! Discord's global limit, and records each outcome (sent, retry with backoff, rate-limited,
//! disabled subscription, dead). Exactly once: a nonce per delivery with `enforce_nonce`.
//! After a correction, the posts already sent are edited to match.

pub mod backoff;
pub mod poster;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

pub use backoff::Backoff;
pub use poster::{ChannelPoster, HttpPoster, PostOutcome};

use crate::error::Result;
use crate::render;
use crate::store::{Delivery, Store};

/// Discord allows 50 requests a second in all. 47 leaves room for the bot's other calls and
/// for network jitter: starts 1/47 s apart stay within 50 a second with up to 60 ms of it.
pub const POSTS_PER_SECOND: u32 = 47;
/// Rows claimed per round (one per channel).
const BATCH: u32 = 50;
/// How long a claimed row is ours; longer than any request can take.
const LEASE: Duration = Duration::from_mins(1);
/// Even with nothing to wake it, the worker looks again this often (another process may add).
const POLL: Duration = Duration::from_secs(5);

/// Spaces post starts evenly, so posts never burst; a global 429 pauses it.
#[derive(Debug)]
pub struct Pacer {
    period: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    pub fn per_second(n: u32) -> Self {
        Self {
            period: Duration::from_secs(1) / n.max(1),
            next: Mutex::new(None),
        }
    }

    /// Waits until a post may start. Starts keep to a grid one period apart, so the rate
    /// holds; a late wake-up is not made up by squeezing the next start closer than half a
    /// period.
    pub async fn acquire(&self) {
        loop {
            let at = {
                let Ok(mut next) = self.next.lock() else {
                    return;
                };
                let now = Instant::now();
                match *next {
                    Some(at) if at > now => at,
                    Some(at) if at + self.period > now => {
                        // Woken a little late (timers tick in milliseconds): keep to the grid so
                        // the rate holds, but never start the next within half a period.
                        *next = Some((at + self.period).max(now + self.period / 2));
                        return;
                    }
                    _ => {
                        // Idle, or very late: start a fresh grid from now.
                        *next = Some(now + self.period);
                        return;
                    }
                }
            };
            tokio::time::sleep_until(at).await;
        }
    }

    /// No slot starts before `wait` from now.
    pub fn pause(&self, wait: Duration) {
        if let Ok(mut next) = self.next.lock() {
            let until = Instant::now() + wait;
            *next = Some(next.map_or(until, |n| n.max(until)));
        }
    }
}

/// The message body of one delivery: the embed, no pings, and the nonce Discord dedupes on.
pub fn message_body(embed: &render::EmbedView, delivery_id: i64) -> Value {
    json!({
        "embeds": [crate::discord::to_embed(embed)],
        "allowed_mentions": {"parse": []},
        "nonce": format!("lb-{delivery_id}"),
        "enforce_nonce": true,
    })
}

/// The delivery worker.
pub struct Outbox<P> {
    store: Store,
    poster: P,
    backoff: Backoff,
    pacer: Pacer,
    wake: Arc<Notify>,
}

impl<P: ChannelPoster> Outbox<P> {
    pub fn new(store: Store, poster: P, backoff: Backoff) -> Self {
        Self {
            store,
            poster,
            backoff,
            pacer: Pacer::per_second(POSTS_PER_SECOND),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Notify this after adding an event, so its posts go out at once.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// One round: claims the due rows (one per channel) and delivers them, paced. Returns how
    /// many rows it handled.
    pub async fn try_dispatch_once(&self, now: DateTime<Utc>) -> Result<usize> {
        let lease = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        let due = self.store.claim_due(now, lease, BATCH).await?;
        let mut count = due.len();
        // A fan-out puts one event in many rows: render it once per guild, not once per row.
        let mut views: HashMap<(i64, u64), Option<render::EmbedView>> = HashMap::new();
        for d in &due {
            if let std::collections::hash_map::Entry::Vacant(slot) =
                views.entry((d.event_id, d.guild_id))
            {
                slot.insert(self.post_view(d.event_id, d.guild_id).await?);
            }
        }
        let results = futures::future::join_all(due.into_iter().map(|d| {
            let view = views.get(&(d.event_id, d.guild_id)).cloned().flatten();
            self.deliver(d, view)
        }))
        .await;
        for r in results {
            r?;
        }
        for edit in self.store.due_edits(BATCH).await? {
            if self.edit(edit).await? {
                count += 1;
            }
        }
        Ok(count)
    }

    /// Brings a sent post in line with its corrected event. True when done with it (edited,
    /// or impossible to edit); false when worth another try.
    async fn edit(&self, e: crate::store::DueEdit) -> Result<bool> {
        let Some(embed) = self.post_view(e.event_id, e.guild_id).await? else {
            self.store.edit_done(e.id).await?;
            return Ok(true);
        };
        let body = json!({
            "embeds": [crate::discord::to_embed(&embed)],
            "allowed_mentions": {"parse": []},
        });
        self.pacer.acquire().await;
        match self.poster.edit(e.channel_id, e.message_id, &body).await {
            PostOutcome::Sent { .. } => {}
            PostOutcome::RateLimited {
                retry_after,
                global,
            } => {
                if global {
                    self.pacer.pause(retry_after);
                }
                return Ok(false);
            }
            PostOutcome::Failed(reason) => {
                tracing::warn!(delivery = e.id, %reason, "editing a post failed; will retry");
                return Ok(false);
            }
            PostOutcome::Unreachable { reason, .. } | PostOutcome::Rejected(reason) => {
                tracing::warn!(delivery = e.id, %reason, "cannot edit the post; leaving it");
            }
        }
        self.store.edit_done(e.id).await?;
        Ok(true)
    }

    /// The post about an event as seen in a guild (its context counts that guild's events),
    /// or None if the event was removed.
    async fn post_view(&self, event_id: i64, guild_id: u64) -> Result<Option<render::EmbedView>> {
        let Some(event) = self.store.event(event_id).await? else {
            return Ok(None);
        };
        let recent = self
            .store
            .recent_totals(event.company_id, guild_id, event.date)
            .await?;
        Ok(Some(render::post_embed(&event, &recent)))
    }

    async fn deliver(&self, d: Delivery, view: Option<render::EmbedView>) -> Result<()> {
        let Some(view) = view else {
            return self
                .store
                .mark_dead(d.id, "the event was removed before it was posted")
                .await;
        };
        let body = message_body(&view, d.id);
        self.pacer.acquire().await;
        let outcome = self.poster.post(d.channel_id, &body).await;
        let now = Utc::now();
        let later = |wait: Duration| now + chrono::Duration::from_std(wait).unwrap_or_default();
        match outcome {
            PostOutcome::Sent { message_id } => self.store.mark_sent(d.id, message_id, now).await,
            PostOutcome::RateLimited {
                retry_after,
                global,
            } => {
                tracing::warn!(delivery = d.id, ?retry_after, global, "rate limited");
                if global {
                    self.pacer.pause(retry_after);
                } else {
                    self.store
                        .hold_channel(d.channel_id, later(retry_after))
                        .await?;
                }
                self.store
                    .mark_retry(d.id, later(retry_after), "rate limited (429)", false)
                    .await
            }
            PostOutcome::Unreachable { reason, .. } => {
                tracing::warn!(delivery = d.id, channel = d.channel_id, %reason, "disabling the subscription");
                self.store
                    .disable_subscription(d.subscription_id, &reason, now)
                    .await
            }
            PostOutcome::Rejected(reason) => {
                tracing::error!(delivery = d.id, %reason, "Discord rejected the post");
                self.store.mark_dead(d.id, &reason).await
            }
            PostOutcome::Failed(reason) => {
                if let Some(wait) = self.backoff.after_failure(d.attempts, d.id) {
                    tracing::warn!(delivery = d.id, attempts = d.attempts, ?wait, %reason, "post failed; will retry");
                    self.store
                        .mark_retry(d.id, later(wait), &reason, true)
                        .await
                } else {
                    tracing::error!(delivery = d.id, attempts = d.attempts, %reason, "post failed; giving up");
                    let why = format!("gave up after {} attempts: {reason}", d.attempts);
                    self.store.mark_dead(d.id, &why).await
                }
            }
        }
    }

    /// Delivers until `shutdown` turns true, finishing the round under way. Leases left by a
    /// previous process are released first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        match self.store.release_leases().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deliveries = n,
                "retrying deliveries left in flight by the last run"
            ),
            Err(e) => tracing::error!(error = %e, "could not release delivery leases"),
        }
        loop {
            if *shutdown.borrow() {
                break;
            }
            let idle = match self.try_dispatch_once(Utc::now()).await {
                Ok(0) => self.idle_wait().await,
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "delivery round failed");
                    POLL
                }
            };
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(idle) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("delivery worker stopped");
    }

    /// Until the next row falls due, at most [`POLL`].
    async fn idle_wait(&self) -> Duration {
        match self.store.next_due_at().await {
            Ok(Some(at)) => (at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(POLL),
            _ => POLL,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Start times of `n` concurrent acquirers, sorted.
    async fn starts(pacer: &Pacer, n: usize) -> Vec<Instant> {
        let mut times = futures::future::join_all((0..n).map(|_| async {
            pacer.acquire().await;
            Instant::now()
        }))
        .await;
        times.sort();
        times
    }

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_by_the_period_never_bursting() {
        let pacer = Pacer::per_second(50);
        let times = starts(&pacer, 20).await;
        for pair in times.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(20),
                "{:?}",
                pair[1] - pair[0]
            );
        }
        // 20 starts at 50/s take 19 periods.
        assert_eq!(times[19] - times[0], Duration::from_millis(380));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_start_back() {
        let pacer = Pacer::per_second(50);
        let begin = Instant::now();
        pacer.pause(Duration::from_secs(2));
        let times = starts(&pacer, 2).await;
        assert!(times[0] - begin >= Duration::from_secs(2));
        assert!(times[1] - times[0] >= Duration::from_millis(20));
    }
}
