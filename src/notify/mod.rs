//! Delivery of posts about new events: the worker that claims due outbox rows
//! (`store::deliveries`), posts their views paced under Discord's global limit, and records
//! each outcome (sent, retry with backoff, rate-limited, disabled subscription, dead). Exactly
//! once: a nonce per delivery with `enforce_nonce`. After a correction, the posts already
//! sent are edited to match.

pub mod backoff;
mod followups;
mod forum;
pub mod pacer;
pub mod poster;
mod views;

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

pub use backoff::Backoff;
pub use pacer::Pacer;
pub use poster::{ChannelPoster, PostOutcome};

use crate::domain::follow::Person;
use crate::domain::{ChannelRef, Tenant};
use crate::error::Result;
use crate::render::{Mentions, View};
use crate::store::{Delivery, Item, OutboxSignal, Store};
use crate::telemetry;

/// Discord allows 50 requests a second in all. 47 leaves room for the bot's other calls and
/// for network jitter: starts 1/47 s apart stay within 50 a second with up to 60 ms of it.
pub const POSTS_PER_SECOND: u32 = 47;
/// Rows claimed per round (one per channel).
const BATCH: u32 = 50;
/// How long a claimed row is ours; longer than any request can take.
const LEASE: Duration = Duration::from_mins(1);
/// Even with nothing to wake it, the worker looks again this often (another process may add).
const POLL: Duration = Duration::from_secs(5);

/// How long Discord is counted on to drop a repeated nonce; a retry later than this looks for
/// its post in the channel first. Discord promises "a few minutes"; a minute is safe.
const NONCE_WINDOW: chrono::Duration = chrono::Duration::minutes(1);
/// Sent posts are kept this long (a correction after that no longer edits them).
pub const KEEP_SENT: Duration = Duration::from_hours(24 * 90);
/// How often the worker prunes.
const PRUNE_EVERY: Duration = Duration::from_hours(1);

/// How long delivery pauses after a 401 before trying again.
const UNAUTHORIZED_PAUSE: Duration = Duration::from_mins(1);
const UNAUTHORIZED: &str =
    "the bot token was rejected (Discord's 401, or Slack's invalid_auth or token_revoked)";

/// The token is wrong until an operator replaces it: said loudly, every time.
fn unauthorized() {
    tracing::error!(
        retry_in = ?UNAUTHORIZED_PAUSE,
        "{UNAUTHORIZED}; posts wait. Set a valid DISCORD_TOKEN or SLACK_BOT_TOKEN and restart"
    );
}

/// Why a delivery is dropped when what it posts is gone.
fn gone(item: Item) -> &'static str {
    match item {
        Item::Event(_) | Item::Test(_) => "the event was removed before it was posted",
        Item::Filing(_) => "the filing is no longer on record",
        Item::Digest(_) => "nothing in the period matches any more",
        Item::Review(_) => "the candidate was settled before it was posted",
        Item::Follow { .. } => "the event was removed before it was sent",
    }
}

/// `now + wait`, saturating.
fn after(now: DateTime<Utc>, wait: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
}

/// The delivery worker: one per process, started once.
pub struct Worker<P> {
    store: Store,
    poster: P,
    backoff: Backoff,
    pacer: Pacer,
    /// Rung by the use cases that queue posts, so they go out at once.
    wake: OutboxSignal,
    /// When digests go out (UTC hour).
    digest_hour: u32,
    /// DM channels opened, by person ('@' and id, per platform): a person's DM channel does
    /// not change, so the next DM costs one request, not two.
    dm_channels: std::sync::Mutex<HashMap<(crate::domain::Platform, String), ChannelRef>>,
}

/// DM channels remembered at most; past that the memory starts over.
const DM_CHANNELS_KEPT: usize = 100_000;

impl<P: ChannelPoster> Worker<P> {
    pub fn new(store: Store, poster: P, backoff: Backoff) -> Self {
        Self {
            wake: store.outbox_signal(),
            store,
            poster,
            backoff,
            pacer: Pacer::per_second(POSTS_PER_SECOND),
            digest_hour: crate::domain::alerts::DEFAULT_DIGEST_HOUR,
            dm_channels: std::sync::Mutex::default(),
        }
    }

    /// Digests go out at `hour` (UTC) instead of 14:00.
    #[must_use]
    pub fn with_digest_hour(mut self, hour: u32) -> Self {
        self.digest_hour = hour.min(23);
        self
    }

    /// Queues the digests whose period ended by `now` and were not queued yet (the last
    /// missed one after a stop); how many.
    pub async fn schedule_digests(&self, now: DateTime<Utc>) -> Result<u64> {
        crate::service::digests::schedule_due(&self.store, now, self.digest_hour).await
    }

    /// The signal that wakes this worker (the store's: rung after outbox writes).
    pub fn wake(&self) -> OutboxSignal {
        self.wake.clone()
    }

    /// One round at `now`: claims the due rows (one per channel) and delivers them, paced,
    /// then edits corrected posts and publishes crossposts. Returns how many rows it handled.
    pub async fn try_dispatch_once(&self, now: DateTime<Utc>) -> Result<usize> {
        let due = self.store.claim_due(now, after(now, LEASE), BATCH).await?;
        let mut count = due.len();
        // A fan-out puts one event in many rows: render it once per tenant, not once per row.
        let mut views: HashMap<(Item, Option<Tenant>), Option<View>> = HashMap::new();
        let mut prepared = Vec::with_capacity(due.len());
        for d in due {
            let shared = matches!(d.item, Item::Event(_) | Item::Filing(_));
            let view = match views.get(&(d.item, d.tenant.clone())) {
                Some(view) if shared => view.clone(),
                _ => {
                    let view = self.view_for(&d, now).await?;
                    if shared {
                        views.insert((d.item, d.tenant.clone()), view.clone());
                    }
                    view
                }
            };
            prepared.push((d, view));
        }
        let results = futures::future::join_all(
            prepared
                .into_iter()
                .map(|(d, view)| self.deliver(d, view, now)),
        )
        .await;
        for r in results {
            r?;
        }
        count += self.follow_up(now, BATCH).await?;
        Ok(count)
    }

    async fn deliver(&self, d: Delivery, view: Option<View>, now: DateTime<Utc>) -> Result<()> {
        let Some(mut view) = view else {
            return self.store.mark_dead(d.id, gone(d.item)).await;
        };
        if let (Some(role), false) = (d.mention_role, matches!(d.item, Item::Test(_))) {
            view.mentions = Mentions::Role(role);
        }
        if d.forum {
            view.forum = self.forum_post(&d).await?;
        }
        let to = match self.destination(&d).await? {
            Ok(to) => to,
            Err(outcome) => return self.record(&d, outcome, now).await,
        };
        let nonce = format!("lb-{}", d.id);
        let forgotten = view.forum.is_some()
            || !self.poster.dedupes_nonces(&to)
            || now - d.created_at >= NONCE_WINDOW;
        if d.attempts > 1 && forgotten {
            // No nonce protects this retry: an earlier attempt may have landed.
            let marker = views::marker_of(&d);
            let found = match &view.forum {
                Some(post) => self.poster.find_forum_post(&to, &post.title, &marker).await,
                None => self.poster.find_post(&to, &marker, &nonce).await,
            };
            match found {
                Ok(Some(message)) => {
                    tracing::info!(delivery = d.id, %message, "an earlier attempt was posted");
                    return self.store.mark_sent(d.id, &message, now).await;
                }
                Ok(None) => {}
                Err(outcome) => return self.record(&d, outcome, now).await,
            }
        }
        self.pacer.acquire().await;
        // A removal confirmed while this round waited its turn stops the posts not started.
        if !self.store.still_pending(d.id).await? {
            tracing::info!(
                delivery = d.id,
                "cancelled while waiting its turn; not posted"
            );
            return Ok(());
        }
        let mut outcome = self.poster.post(&to, &view, &nonce).await;
        if view.image.is_some() && matches!(outcome, PostOutcome::Unreachable { status: 403, .. }) {
            // Perhaps only files are not allowed there: the digest goes without its chart.
            view.image = None;
            self.pacer.acquire().await;
            outcome = self.poster.post(&to, &view, &nonce).await;
        }
        self.record(&d, outcome, now).await
    }

    /// Where a delivery is posted: its channel, or for a follower's DM the DM channel with
    /// them (opened, paced like any request, and kept on the row for its edits).
    async fn destination(
        &self,
        d: &Delivery,
    ) -> Result<std::result::Result<ChannelRef, PostOutcome>> {
        if !matches!(d.item, Item::Follow { .. }) {
            return Ok(Ok(d.channel.clone()));
        }
        let person = (d.channel.platform, d.channel.id.clone());
        let known = self
            .dm_channels
            .lock()
            .ok()
            .and_then(|m| m.get(&person).cloned());
        let dm = if let Some(dm) = known {
            dm
        } else {
            self.pacer.acquire().await;
            match self.poster.open_dm(&d.channel).await {
                Ok(dm) => dm,
                Err(outcome) => return Ok(Err(outcome)),
            }
        };
        if let Ok(mut m) = self.dm_channels.lock() {
            if m.len() >= DM_CHANNELS_KEPT {
                m.clear();
            }
            m.insert(person, dm.clone());
        }
        self.store.note_dm_channel(d.id, &dm.id).await?;
        Ok(Ok(dm))
    }

    /// Stores what one post attempt came to.
    async fn record(&self, d: &Delivery, outcome: PostOutcome, now: DateTime<Utc>) -> Result<()> {
        let counted =
            |result| telemetry::delivery(d.channel.platform.as_str(), d.item.kind(), result);
        match outcome {
            PostOutcome::Sent { message } => {
                counted("sent");
                if let Item::Follow { follow, .. } = d.item {
                    self.store
                        .fold_burst(d.id, follow, d.created_at, now)
                        .await?;
                }
                self.store.mark_sent(d.id, &message, now).await
            }
            PostOutcome::RateLimited {
                retry_after,
                global,
            } => {
                counted("rate_limited");
                telemetry::rate_limited(d.channel.platform.as_str());
                tracing::warn!(delivery = d.id, ?retry_after, global, "rate limited");
                let at = after(now, retry_after);
                if global {
                    self.pacer.pause(retry_after);
                } else {
                    self.store.hold_channel(&d.channel, at).await?;
                }
                self.store
                    .mark_retry(d.id, at, "rate limited (429)", false)
                    .await
            }
            PostOutcome::Unreachable { reason, .. } => self.unreachable(d, &reason, now).await,
            PostOutcome::Rejected(reason) => {
                counted("dead");
                tracing::error!(delivery = d.id, %reason, "the platform rejected the post");
                self.store.mark_dead(d.id, &reason).await
            }
            PostOutcome::Failed(reason) => self.failed(d, &reason, now).await,
            PostOutcome::Unauthorized => {
                counted("retried");
                unauthorized();
                let at = after(now, UNAUTHORIZED_PAUSE);
                // Not the post's fault: the attempt is given back, and nothing dies of it.
                self.store.mark_retry(d.id, at, UNAUTHORIZED, false).await
            }
        }
    }

    /// The channel or person cannot be reached: a follower's follows pause, a subscription is
    /// disabled, a review post dies (its channel is the home moderators' to fix).
    async fn unreachable(&self, d: &Delivery, reason: &str, now: DateTime<Utc>) -> Result<()> {
        let counted =
            |result| telemetry::delivery(d.channel.platform.as_str(), d.item.kind(), result);
        if matches!(d.item, Item::Follow { .. }) {
            counted("paused");
            tracing::info!(delivery = d.id, %reason, "a follower's DMs are closed; their follows pause");
            return self
                .store
                .pause_follows(&Person::of_target(&d.channel), reason)
                .await;
        }
        let Some(subscription) = d.subscription_id else {
            counted("dead");
            tracing::warn!(delivery = d.id, channel = %d.channel, %reason, "the review channel cannot be reached");
            return self.store.mark_dead(d.id, reason).await;
        };
        counted("disabled");
        tracing::warn!(delivery = d.id, channel = %d.channel, %reason, "disabling the subscription");
        self.store
            .disable_subscription(subscription, reason, now)
            .await
    }

    async fn failed(&self, d: &Delivery, reason: &str, now: DateTime<Utc>) -> Result<()> {
        let count =
            |result| telemetry::delivery(d.channel.platform.as_str(), d.item.kind(), result);
        if let Some(wait) = self.backoff.after_failure(d.attempts, d.id) {
            count("retried");
            tracing::warn!(delivery = d.id, attempts = d.attempts, ?wait, %reason, "post failed; will retry");
            self.store
                .mark_retry(d.id, after(now, wait), reason, true)
                .await
        } else {
            count("dead");
            tracing::error!(delivery = d.id, attempts = d.attempts, %reason, "post failed; giving up");
            let why = format!("gave up after {} attempts: {reason}", d.attempts);
            self.store.mark_dead(d.id, &why).await
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
        let mut next_prune = Utc::now();
        let mut next_digests = Utc::now();
        while !*shutdown.borrow() {
            if Utc::now() >= next_prune {
                self.prune(Utc::now()).await;
                next_prune = after(Utc::now(), PRUNE_EVERY);
            }
            if Utc::now() >= next_digests {
                let scheduled = self.schedule_digests(Utc::now()).await;
                telemetry::digest_run(scheduled.is_ok());
                if let Err(e) = scheduled {
                    tracing::error!(error = %e, "scheduling digests failed");
                }
                next_digests = after(Utc::now(), POLL);
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
                () = self.wake.rung() => {}
                () = tokio::time::sleep(idle) => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("delivery worker stopped");
    }

    /// Deletes sent posts older than [`KEEP_SENT`] and expired held additions.
    pub async fn prune(&self, now: DateTime<Utc>) {
        let sent_before = now - chrono::Duration::from_std(KEEP_SENT).unwrap_or_default();
        let held_before = now - crate::service::HOLD_FOR;
        match self.store.prune(sent_before, held_before).await {
            Ok((0, 0)) => {}
            Ok((sent, held)) => {
                tracing::info!(sent, held, "pruned old deliveries and held additions");
            }
            Err(e) => tracing::error!(error = %e, "pruning failed"),
        }
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
