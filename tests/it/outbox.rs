//! The outbox and its worker without Discord: a scripted poster, a real temporary store, and
//! a fixed time passed in (never the wall clock), so retries are checked without waiting.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::DateTime;
use chrono::Utc;
use layoffs_bot::Store;
use layoffs_bot::discord::poster::{edit_body, post_body};
use layoffs_bot::domain::{
    Actor, AlertSettings, ChannelRef, EventScope, Headcount, RawEvent, Tenant,
};
use layoffs_bot::notify::{Backoff, ChannelPoster, PostOutcome, Worker};
use layoffs_bot::render::View;
use layoffs_bot::service::{self, Moderator};
use layoffs_bot::store::DeliveryStatus;
use serde_json::Value;

use crate::support::{TestStore, event, now};

#[derive(Default)]
struct Script {
    /// Outcomes per channel, in order; when none is left, the post succeeds.
    outcomes: Mutex<HashMap<u64, VecDeque<PostOutcome>>>,
    /// The same for edits, and crossposts.
    edit_outcomes: Mutex<HashMap<u64, VecDeque<PostOutcome>>>,
    crosspost_outcomes: Mutex<HashMap<u64, VecDeque<PostOutcome>>>,
    /// Posts Discord kept: those it answered with success, and those whose answer was lost
    /// (a timeout), as (channel, footer, message id).
    kept: Mutex<Vec<(u64, String, u64)>>,
    calls: Mutex<Vec<(u64, Value)>>,
}

#[derive(Clone, Default)]
pub(crate) struct Scripted(Arc<Script>);

impl Scripted {
    pub(crate) fn then_crosspost(&self, channel: u64, outcome: PostOutcome) {
        self.0
            .crosspost_outcomes
            .lock()
            .unwrap()
            .entry(channel)
            .or_default()
            .push_back(outcome);
    }

    pub(crate) fn then(&self, channel: u64, outcome: PostOutcome) {
        self.0
            .outcomes
            .lock()
            .unwrap()
            .entry(channel)
            .or_default()
            .push_back(outcome);
    }

    fn then_edit(&self, channel: u64, outcome: PostOutcome) {
        self.0
            .edit_outcomes
            .lock()
            .unwrap()
            .entry(channel)
            .or_default()
            .push_back(outcome);
    }

    pub(crate) fn edits(&self, channel: u64) -> Vec<Value> {
        self.calls()
            .into_iter()
            .filter(|(c, b)| *c == channel && b.get("edited_message").is_some())
            .map(|(_, b)| b)
            .collect()
    }

    pub(crate) fn calls(&self) -> Vec<(u64, Value)> {
        self.0.calls.lock().unwrap().clone()
    }
}

/// The scripts are keyed by Discord channel number.
fn number(channel: &ChannelRef) -> u64 {
    channel
        .discord_id()
        .expect("the scripted poster posts in Discord channels")
}

impl ChannelPoster for Scripted {
    async fn crosspost(&self, channel: &ChannelRef, message_id: &str) -> PostOutcome {
        let channel_id = number(channel);
        let body = serde_json::json!({ "crossposted": message_id });
        self.0.calls.lock().unwrap().push((channel_id, body));
        let scripted = self
            .0
            .crosspost_outcomes
            .lock()
            .unwrap()
            .get_mut(&channel_id)
            .and_then(VecDeque::pop_front);
        scripted.unwrap_or(PostOutcome::sent(message_id))
    }

    async fn edit(&self, channel: &ChannelRef, message_id: &str, view: &View) -> PostOutcome {
        let channel_id = number(channel);
        let mut edited = edit_body(view);
        edited["edited_message"] = serde_json::json!(message_id);
        self.0.calls.lock().unwrap().push((channel_id, edited));
        let scripted = self
            .0
            .edit_outcomes
            .lock()
            .unwrap()
            .get_mut(&channel_id)
            .and_then(VecDeque::pop_front);
        scripted.unwrap_or(PostOutcome::sent(message_id))
    }

    async fn find_post(
        &self,
        channel: &ChannelRef,
        marker: &str,
        _nonce: &str,
    ) -> Result<Option<String>, PostOutcome> {
        let channel_id = number(channel);
        let kept = self.0.kept.lock().unwrap();
        Ok(kept
            .iter()
            .find(|(c, footer, _)| *c == channel_id && footer.starts_with(marker))
            .map(|(_, _, id)| id.to_string()))
    }

    async fn post(&self, channel: &ChannelRef, view: &View, nonce: &str) -> PostOutcome {
        let channel_id = number(channel);
        let n = {
            let mut calls = self.0.calls.lock().unwrap();
            calls.push((channel_id, post_body(view, nonce)));
            calls.len() as u64
        };
        let scripted = self
            .0
            .outcomes
            .lock()
            .unwrap()
            .get_mut(&channel_id)
            .and_then(VecDeque::pop_front);
        let outcome = scripted.unwrap_or(PostOutcome::sent((9000 + n).to_string()));
        let lost_answer = matches!(&outcome, PostOutcome::Failed(r) if r.contains("timed out"));
        if lost_answer || matches!(outcome, PostOutcome::Sent { .. }) {
            let footer = view.footer.clone();
            self.0
                .kept
                .lock()
                .unwrap()
                .push((channel_id, footer, 9000 + n));
        }
        outcome
    }
}

const GUILD: u64 = 42;

pub(crate) fn moderator() -> Moderator {
    Moderator::new(Actor::discord(1), Tenant::discord(GUILD), None)
}

pub(crate) async fn setup(channels: &[u64]) -> (TestStore, Worker<Scripted>, Scripted) {
    let t = TestStore::new().await;
    let tenant = Tenant::discord(GUILD);
    for &c in channels {
        service::subscribe(
            &t.store,
            &tenant,
            &ChannelRef::discord(c),
            &AlertSettings::default(),
            &Actor::cli("test"),
            now(),
        )
        .await
        .unwrap();
    }
    let poster = Scripted::default();
    let backoff = Backoff {
        base: Duration::from_secs(2),
        cap: Duration::from_mins(1),
        max_attempts: 3,
    };
    let outbox = Worker::new(t.store.clone(), poster.clone(), backoff);
    (t, outbox, poster)
}

pub(crate) async fn add(store: &Store, company: &str) -> i64 {
    let e = layoffs_bot::domain::NewEvent {
        scope: EventScope::Tenant(Tenant::discord(GUILD)),
        ..event(company, "2024-05-01", Headcount::Exact(10))
    };
    service::record_event(store, &e, &Actor::discord(1), now())
        .await
        .unwrap()
        .id
}

/// A moderator's correction of event `id`'s count.
pub(crate) async fn correct(store: &Store, id: i64, count: u32) {
    let correction = RawEvent {
        count: Some(count.into()),
        ..RawEvent::default()
    };
    service::edit_event(store, id, &correction, &moderator(), now())
        .await
        .unwrap();
}

pub(crate) fn later(hours: i64) -> DateTime<Utc> {
    now() + chrono::Duration::hours(hours)
}

#[tokio::test]
async fn each_subscription_gets_one_post_with_a_nonce_and_no_pings() {
    let (t, outbox, poster) = setup(&[1, 2, 3]).await;
    add(&t.store, "Acme").await;
    assert_eq!(outbox.try_dispatch_once(now()).await.unwrap(), 3);
    assert_eq!(
        outbox.try_dispatch_once(later(1)).await.unwrap(),
        0,
        "sent rows stay sent"
    );
    let calls = poster.calls();
    let mut channels: Vec<u64> = calls.iter().map(|(c, _)| *c).collect();
    channels.sort_unstable();
    assert_eq!(channels, [1, 2, 3]);
    let nonces: std::collections::HashSet<&str> = calls
        .iter()
        .map(|(_, b)| b["nonce"].as_str().unwrap())
        .collect();
    assert_eq!(nonces.len(), 3);
    assert!(calls.iter().all(|(_, b)| b["enforce_nonce"] == true
        && b["allowed_mentions"]["parse"] == serde_json::json!([])));
    assert!(t.store.open_deliveries().await.unwrap().is_empty());
}

#[tokio::test]
async fn failures_back_off_then_die_and_rate_limits_do_not_count() {
    let (t, outbox, poster) = setup(&[1, 2]).await;
    for _ in 0..3 {
        poster.then(1, PostOutcome::Failed("Discord 500".into()));
    }
    poster.then(
        2,
        PostOutcome::RateLimited {
            retry_after: Duration::from_secs(30),
            global: false,
        },
    );
    add(&t.store, "Acme").await;

    assert_eq!(outbox.try_dispatch_once(now()).await.unwrap(), 2);
    // Both wait: channel 1 backs off about 2 s, channel 2 holds for 30 s.
    assert_eq!(outbox.try_dispatch_once(now()).await.unwrap(), 0);
    let almost = now() + chrono::Duration::milliseconds(1500);
    assert_eq!(
        outbox.try_dispatch_once(almost).await.unwrap(),
        0,
        "within the backoff"
    );
    let open = t.store.open_deliveries().await.unwrap();
    let one = open
        .iter()
        .find(|r| r.channel == Some(ChannelRef::discord(1)))
        .unwrap();
    assert_eq!(
        (one.attempts, one.last_error.as_deref()),
        (1, Some("Discord 500"))
    );
    let two = open
        .iter()
        .find(|r| r.channel == Some(ChannelRef::discord(2)))
        .unwrap();
    assert_eq!(two.attempts, 0, "a 429 is not a failed attempt");

    assert_eq!(outbox.try_dispatch_once(later(1)).await.unwrap(), 2);
    assert_eq!(outbox.try_dispatch_once(later(2)).await.unwrap(), 1);
    let open = t.store.open_deliveries().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].status, DeliveryStatus::Dead);
    assert_eq!(
        open[0].last_error.as_deref(),
        Some("gave up after 3 attempts: Discord 500")
    );
}

#[tokio::test]
async fn a_403_or_404_disables_the_subscription_and_kills_its_pending_posts() {
    let (t, outbox, poster) = setup(&[1, 2]).await;
    poster.then(
        1,
        PostOutcome::Unreachable {
            status: 403,
            reason: "Discord 403 (Missing Access)".into(),
        },
    );
    add(&t.store, "Acme").await;
    add(&t.store, "Globex").await;
    // One row per channel per round: channel 1's second post is still pending when it fails.
    outbox.try_dispatch_once(now()).await.unwrap();
    let disabled = t.store.disabled_subscriptions().await.unwrap();
    assert_eq!(disabled.len(), 1);
    assert_eq!(disabled[0].channel, ChannelRef::discord(1));
    outbox.try_dispatch_once(now()).await.unwrap();
    let dead: Vec<_> = t
        .store
        .open_deliveries()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.status == DeliveryStatus::Dead)
        .collect();
    assert_eq!(dead.len(), 2, "{dead:?}");
    assert_eq!(
        poster.calls().iter().filter(|(c, _)| *c == 1).count(),
        1,
        "nothing more is sent there"
    );
    // A new event does not reach the disabled channel.
    add(&t.store, "Initech").await;
    outbox.try_dispatch_once(now()).await.unwrap();
    assert_eq!(poster.calls().iter().filter(|(c, _)| *c == 1).count(), 1);
}

#[tokio::test]
async fn a_lease_left_by_a_crash_is_released_and_the_retry_reuses_the_nonce() {
    let (t, outbox, poster) = setup(&[1]).await;
    add(&t.store, "Acme").await;
    // A process claims the row and dies before finishing it.
    let claimed = t.store.claim_due(now(), later(1), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        outbox.try_dispatch_once(now()).await.unwrap(),
        0,
        "still leased"
    );
    assert_eq!(t.store.release_leases().await.unwrap(), 1);
    assert_eq!(outbox.try_dispatch_once(now()).await.unwrap(), 1);
    let nonce = poster.calls()[0].1["nonce"].as_str().unwrap().to_string();
    assert_eq!(nonce, format!("lb-{}", claimed[0].id));
}

#[tokio::test]
async fn an_event_removed_before_delivery_is_not_posted() {
    let (t, outbox, poster) = setup(&[1]).await;
    let id = add(&t.store, "Acme").await;
    service::remove_event(&t.store, id, &moderator(), now())
        .await
        .unwrap();
    outbox.try_dispatch_once(now()).await.unwrap();
    assert!(poster.calls().is_empty());
    let open = t.store.open_deliveries().await.unwrap();
    assert_eq!(
        open[0].last_error.as_deref(),
        Some("the event was removed before it was posted")
    );
}

#[tokio::test]
async fn a_correction_edits_the_posts_already_sent_once() {
    let (t, outbox, poster) = setup(&[1, 2]).await;
    let id = add(&t.store, "Acme").await;
    outbox.try_dispatch_once(now()).await.unwrap();
    correct(&t.store, id, 25).await;
    assert_eq!(outbox.try_dispatch_once(now()).await.unwrap(), 2);
    let edits: Vec<(u64, Value)> = poster
        .calls()
        .into_iter()
        .filter(|(_, b)| b.get("edited_message").is_some())
        .collect();
    assert_eq!(edits.len(), 2);
    for (_, body) in &edits {
        assert_eq!(body["embeds"][0]["fields"][0]["value"], "25 people");
        assert!(body.get("nonce").is_none(), "an edit is not a new post");
    }
    assert_eq!(
        outbox.try_dispatch_once(now()).await.unwrap(),
        0,
        "edited once"
    );
}

#[tokio::test]
async fn nothing_is_sent_or_edited_in_a_channel_after_it_unsubscribed() {
    let (t, outbox, poster) = setup(&[1, 2]).await;
    // Channel 1 fails once and waits in backoff; channel 2 gets its post.
    poster.then(1, PostOutcome::Failed("Discord 502".into()));
    let id = add(&t.store, "Acme").await;
    outbox.try_dispatch_once(now()).await.unwrap();
    let tenant = Tenant::discord(GUILD);
    for channel in [1, 2] {
        assert!(
            service::unsubscribe(&t.store, &tenant, &ChannelRef::discord(channel), now())
                .await
                .unwrap()
        );
    }
    correct(&t.store, id, 11).await;
    let calls_before = poster.calls().len();
    assert_eq!(outbox.try_dispatch_once(later(1)).await.unwrap(), 0);
    assert_eq!(poster.calls().len(), calls_before, "no retry, no edit");
    let open = t.store.open_deliveries().await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].status.as_str(), open[0].last_error.as_deref()),
        ("dead", Some("the channel was unsubscribed"))
    );
}

#[tokio::test]
async fn a_rejected_token_pauses_posts_without_losing_any_and_dead_ones_can_be_retried() {
    let (t, outbox, poster) = setup(&[1, 2]).await;
    poster.then(1, PostOutcome::Unauthorized);
    poster.then(
        2,
        PostOutcome::Rejected("Discord 400: Invalid Form Body".into()),
    );
    add(&t.store, "Acme").await;
    outbox.try_dispatch_once(now()).await.unwrap();
    let open = t.store.open_deliveries().await.unwrap();
    let one = open
        .iter()
        .find(|r| r.channel == Some(ChannelRef::discord(1)))
        .unwrap();
    assert_eq!((one.status.as_str(), one.attempts), ("pending", 0));
    assert!(one.last_error.as_deref().unwrap().contains("401"));
    assert!(t.store.disabled_subscriptions().await.unwrap().is_empty());
    // It waits a minute, then goes out.
    assert_eq!(outbox.try_dispatch_once(now()).await.unwrap(), 0);
    assert_eq!(outbox.try_dispatch_once(later(1)).await.unwrap(), 1);

    // Channel 2's post died; the operator retries it.
    let dead = t.store.open_deliveries().await.unwrap();
    assert_eq!((dead.len(), dead[0].status.as_str()), (1, "dead"));
    assert_eq!(t.store.retry_dead(later(2)).await.unwrap(), 1);
    assert_eq!(outbox.try_dispatch_once(later(2)).await.unwrap(), 1);
    assert!(t.store.open_deliveries().await.unwrap().is_empty());
    assert_eq!(poster.calls().iter().filter(|(c, _)| *c == 2).count(), 2);
}

#[tokio::test]
async fn a_removal_turns_sent_posts_into_a_notice_and_cancels_pending_ones() {
    let (t, outbox, poster) = setup(&[1, 2]).await;
    poster.then(2, PostOutcome::Failed("Discord 502".into()));
    let id = add(&t.store, "Acme").await;
    outbox.try_dispatch_once(now()).await.unwrap();
    service::remove_event(&t.store, id, &moderator(), now())
        .await
        .unwrap();
    outbox.try_dispatch_once(later(1)).await.unwrap();
    let edits = poster.edits(1);
    assert_eq!(edits.len(), 1);
    let embed = &edits[0]["embeds"][0];
    assert_eq!(embed["title"], "Layoff removed");
    let shown = embed.to_string();
    assert!(
        !shown.contains("Acme") && !shown.contains("10 people"),
        "{shown}"
    );
    // Channel 2's post was waiting in backoff: it never goes out.
    assert_eq!(poster.calls().iter().filter(|(c, _)| *c == 2).count(), 1);
    let open = t.store.open_deliveries().await.unwrap();
    assert_eq!(
        open[0].last_error.as_deref(),
        Some("the event was removed before it was posted")
    );
    assert_eq!(outbox.try_dispatch_once(later(2)).await.unwrap(), 0);
}

#[tokio::test]
async fn edits_back_off_give_up_wait_out_429s_and_never_block_the_others() {
    let (t, outbox, poster) = setup(&[1, 2]).await;
    let id = add(&t.store, "Acme").await;
    outbox.try_dispatch_once(now()).await.unwrap();
    for _ in 0..5 {
        poster.then_edit(1, PostOutcome::Failed("Discord 500".into()));
    }
    poster.then_edit(
        2,
        PostOutcome::RateLimited {
            retry_after: Duration::from_secs(30),
            global: false,
        },
    );
    correct(&t.store, id, 12).await;
    outbox.try_dispatch_once(now()).await.unwrap();
    // Both wait now: 1 backs off about 2 s, 2 holds 30 s; neither blocks the other.
    outbox.try_dispatch_once(now()).await.unwrap();
    assert_eq!((poster.edits(1).len(), poster.edits(2).len()), (1, 1));
    for h in 1..=4 {
        outbox.try_dispatch_once(later(h)).await.unwrap();
    }
    // Three attempts in all (the backoff's limit), then given up; the 429 was waited out.
    assert_eq!(poster.edits(1).len(), 3);
    assert_eq!(poster.edits(2).len(), 2);
    assert_eq!(
        poster.edits(2)[1]["embeds"][0]["fields"][0]["value"],
        "12 people"
    );
}

#[tokio::test]
async fn sent_posts_older_than_90_days_and_expired_held_additions_are_pruned() {
    let (t, outbox, _poster) = setup(&[1]).await;
    let long_ago = now() - chrono::Duration::days(100);
    let recent = now() - chrono::Duration::days(10);
    add(&t.store, "Acme").await;
    outbox.try_dispatch_once(now()).await.unwrap();
    // A second event, posted 100 days ago by the clock the worker was given.
    let old = layoffs_bot::domain::NewEvent {
        scope: EventScope::Tenant(Tenant::discord(GUILD)),
        ..event("Globex", "2024-05-01", Headcount::Exact(3))
    };
    service::record_event(&t.store, &old, &Actor::discord(1), long_ago)
        .await
        .unwrap();
    outbox.try_dispatch_once(long_ago).await.unwrap();
    // An addition held (a nearby Acme exists) 100 days ago and never confirmed.
    let nearby = RawEvent {
        company: Some("Acme".into()),
        date: Some("2024-05-02".into()),
        ..RawEvent::default()
    };
    let held = service::add_event(&t.store, &nearby, &moderator(), long_ago)
        .await
        .unwrap();
    assert!(matches!(held, service::AddOutcome::Held { .. }));
    let (sent, held) = t
        .store
        .prune(now() - chrono::Duration::days(90), recent)
        .await
        .unwrap();
    assert_eq!(
        (sent, held),
        (1, 1),
        "the post sent 100 days ago, the stale addition"
    );
    assert_eq!(
        t.store
            .prune(now() - chrono::Duration::days(90), recent)
            .await
            .unwrap(),
        (0, 0)
    );
}

#[tokio::test]
async fn a_retry_after_the_nonce_window_finds_the_post_that_landed_and_does_not_repeat_it() {
    let (t, outbox, poster) = setup(&[1, 2]).await;
    // Discord kept every post, but the answers were lost (a timeout, say).
    let lost = || PostOutcome::Failed("request failed: timed out".into());
    poster.then(1, lost());
    poster.then(1, lost());
    poster.then(2, lost());
    add(&t.store, "Acme").await;
    let posts_to = |c: u64| {
        poster
            .calls()
            .iter()
            .filter(|(ch, b)| *ch == c && b.get("edited_message").is_none())
            .count()
    };
    outbox.try_dispatch_once(now()).await.unwrap();
    // Within the window both simply post again: the nonce makes Discord drop a copy.
    let soon = now() + chrono::Duration::seconds(5);
    assert_eq!(outbox.try_dispatch_once(soon).await.unwrap(), 2);
    assert_eq!((posts_to(1), posts_to(2)), (2, 2));
    // An hour later the nonce no longer protects: channel 1 looks first and finds its post.
    assert_eq!(outbox.try_dispatch_once(later(1)).await.unwrap(), 1);
    assert_eq!(
        posts_to(1),
        2,
        "found in the channel, not posted a third time"
    );
    assert!(t.store.open_deliveries().await.unwrap().is_empty());
}
