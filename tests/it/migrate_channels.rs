//! Upgrading a store from before channel references (migration 0013): Discord snowflakes and
//! the Slack ids packed into them with the top bit set become (platform, id as text), message
//! ids become the platform's own text, and posts sent before the upgrade are still edited.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use layoffs_bot::Store;
use layoffs_bot::domain::{Actor, ChannelRef, RawEvent, Tenant};
use layoffs_bot::notify::{Backoff, ChannelPoster, PostOutcome, Worker};
use layoffs_bot::render::View;
use layoffs_bot::service::{self, Moderator};
use layoffs_bot::store::DeliveryStatus;

use crate::support::now;

const GUILD: u64 = 800_000_000_000_000_001;
const DISCORD_CHANNEL: u64 = 1_234_567_890_123_456_789;
const DISCORD_MESSAGE: u64 = 1_300_000_000_000_000_007;
const SLACK_TEAM: &str = "T024BE7LD";

/// A Slack channel id as the store packed it before: bijective base 36, top bit set.
fn packed(id: &str) -> i64 {
    let digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let n = id
        .chars()
        .fold(0u64, |n, c| n * 36 + digits.find(c).unwrap() as u64 + 1);
    i64::from_ne_bytes((n | 1 << 63).to_ne_bytes())
}

/// A store at migration 0013, with what that version wrote: a Discord and two Slack
/// subscriptions, posts sent in both (with their message ids) and posts still waiting.
async fn store_before_channel_references(dir: &std::path::Path, url: &str) {
    let pool = crate::migrate::migrated_to(dir, url, "0014").await;
    let at = Utc::now().to_rfc3339();
    let statements = [
        "INSERT INTO tenants (id, platform, external_id) VALUES (1, 'discord', ?1), (2, 'slack', ?2)",
        "INSERT INTO companies (id, name, key, created_at) VALUES (1, 'Acme', 'acme', ?3)",
        "INSERT INTO events (id, company_id, announced_on, headcount, added_by, added_at, fingerprint)
         VALUES (1, 1, '2026-01-02', 5, 'cli:import', ?3, 'a'),
                (2, 1, '2026-01-09', 8, 'cli:import', ?3, 'b')",
        "INSERT INTO subscriptions (id, tenant_id, channel_id, active, created_by, created_at,
                                    updated_at, mode_since)
         VALUES (1, 1, ?4, 1, 'discord:1', ?3, ?3, ?3), (2, 2, ?5, 1, 'slack:U1', ?3, ?3, ?3),
                (3, 2, ?6, 1, 'slack:U1', ?3, ?3, ?3)",
        "INSERT INTO deliveries (id, kind, key, event_id, subscription_id, channel_id, status,
                                 attempts, next_attempt_at, message_id, sent_at, created_at)
         VALUES (1, 'event', 'event:1', 1, 1, ?4, 'sent', 1, ?3, ?7, ?3, ?3),
                (2, 'event', 'event:1', 1, 2, ?5, 'sent', 1, ?3, 1503435956000247, ?3, ?3),
                (3, 'event', 'event:2', 2, 1, ?4, 'pending', 2, ?3, NULL, NULL, ?3),
                (4, 'event', 'event:2', 2, 3, ?6, 'pending', 0, ?3, NULL, NULL, ?3)",
    ];
    for sql in statements {
        sqlx::query(sql)
            .bind(GUILD.to_string())
            .bind(SLACK_TEAM)
            .bind(&at)
            .bind(i64::try_from(DISCORD_CHANNEL).unwrap())
            .bind(packed("C024BE91L"))
            .bind(packed("G0"))
            .bind(i64::try_from(DISCORD_MESSAGE).unwrap())
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
}

/// Records edits; posts succeed.
#[derive(Clone, Default)]
struct Edits(Arc<Mutex<Vec<(ChannelRef, String)>>>);

impl ChannelPoster for Edits {
    async fn post(&self, _: &ChannelRef, _: &View, _: &str) -> PostOutcome {
        PostOutcome::sent("1")
    }

    async fn edit(&self, channel: &ChannelRef, message: &str, _: &View) -> PostOutcome {
        let mut edits = self.0.lock().unwrap();
        edits.push((channel.clone(), message.to_string()));
        PostOutcome::sent(message)
    }

    async fn crosspost(&self, _: &ChannelRef, message: &str) -> PostOutcome {
        PostOutcome::sent(message)
    }

    async fn find_post(
        &self,
        _: &ChannelRef,
        _: &str,
        _: &str,
    ) -> Result<Option<String>, PostOutcome> {
        Ok(None)
    }
}

#[tokio::test]
async fn channels_and_message_ids_convert_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    store_before_channel_references(dir.path(), &url).await;
    let store = Store::open(&url).await.unwrap();

    let discord = Tenant::discord(GUILD);
    let slack = Tenant::new(layoffs_bot::domain::Platform::Slack, SLACK_TEAM).unwrap();
    let channels = |subs: Vec<layoffs_bot::store::Subscription>| {
        subs.into_iter().map(|s| s.channel).collect::<Vec<_>>()
    };
    assert_eq!(
        channels(service::subscriptions(&store, &discord).await.unwrap()),
        [ChannelRef::discord(DISCORD_CHANNEL)]
    );
    assert_eq!(
        channels(service::subscriptions(&store, &slack).await.unwrap()),
        [ChannelRef::slack("C024BE91L"), ChannelRef::slack("G0")]
    );
    let open = store.open_deliveries().await.unwrap();
    let waiting: Vec<_> = open
        .iter()
        .map(|d| (d.id, d.channel.clone(), d.status, d.attempts))
        .collect();
    assert_eq!(
        waiting,
        [
            (
                3,
                Some(ChannelRef::discord(DISCORD_CHANNEL)),
                DeliveryStatus::Pending,
                2
            ),
            (4, Some(ChannelRef::slack("G0")), DeliveryStatus::Pending, 0),
        ]
    );
}

#[tokio::test]
async fn a_correction_after_the_upgrade_edits_the_posts_sent_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    store_before_channel_references(dir.path(), &url).await;
    let store = Store::open(&url).await.unwrap();
    let home = Tenant::discord(GUILD);
    let by = Moderator::new(Actor::discord(1), home.clone(), Some(&home));
    let correction = RawEvent {
        count: Some(6),
        ..RawEvent::default()
    };
    service::edit_event(&store, 1, &correction, &by, now())
        .await
        .unwrap();
    let poster = Edits::default();
    let worker = Worker::new(store.clone(), poster.clone(), Backoff::default());
    worker.try_dispatch_once(now()).await.unwrap();
    let mut edits = poster.0.lock().unwrap().clone();
    edits.sort_by_key(|(c, _)| c.id.clone());
    assert_eq!(
        edits,
        [
            (
                ChannelRef::discord(DISCORD_CHANNEL),
                DISCORD_MESSAGE.to_string()
            ),
            (
                ChannelRef::slack("C024BE91L"),
                "1503435956.000247".to_string()
            ),
        ]
    );
}
