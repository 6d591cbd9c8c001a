//! Fan-out of one new event to 1,000 subscribed channels through the real delivery worker and
//! HTTP poster, against the fake Discord enforcing the global limit of 50 requests a second;
//! and the same with 1,000 followers' DMs mixed in (each first DM opens its channel: two
//! requests). Criterion reports requests per second; the ratio to 50/s is what BENCHMARKS.md
//! records.

#[allow(dead_code, clippy::all, clippy::pedantic)]
#[path = "../tests/it/support/fake_discord.rs"]
mod fake_discord;
#[allow(dead_code, clippy::all, clippy::pedantic)]
#[path = "../tests/it/support/fake_forum.rs"]
mod fake_forum;
#[allow(dead_code, clippy::all, clippy::pedantic)]
#[path = "../tests/it/support/multipart.rs"]
mod multipart;

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use layoffs_bot::Store;
use layoffs_bot::discord::DiscordPoster;
use layoffs_bot::domain::follow::Person;
use layoffs_bot::domain::{
    Actor, CompanyName, EventScope, Headcount, NewEvent, Platform, Tenant, Viewer,
};
use layoffs_bot::notify::{Backoff, Worker};
use layoffs_bot::service;
use tokio::runtime::Runtime;

const CHANNELS: u64 = 1000;
const FOLLOWERS: u64 = 1000;
const GUILD: u64 = 800_000_000_000_000_001;

fn fan_out(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let mut group = c.benchmark_group("fan-out");
    group.sample_size(10);
    // Each fan-out takes about 21 s by design (48 posts a second); ten of them is the least
    // criterion takes.
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_secs(220));
    group.throughput(Throughput::Elements(CHANNELS));
    group.bench_function("1,000 channels, global limit enforced", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += one_fan_out(CHANNELS, 0).await;
                }
                total
            })
        });
    });
    // 200 channels and 1,000 first DMs: 2,200 requests.
    group.throughput(Throughput::Elements(200 + 2 * FOLLOWERS));
    group.bench_function("200 channels + 1,000 DMs, global limit enforced", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += one_fan_out(200, FOLLOWERS).await;
                }
                total
            })
        });
    });
    group.finish();
}

async fn one_fan_out(channels: u64, followers: u64) -> Duration {
    let fake = fake_discord::FakeDiscord::start().await;
    fake.enforce_global_limit();
    let dir = tempfile::tempdir().unwrap();
    let store = set_up(dir.path(), channels, followers).await;
    let poster = DiscordPoster::new(&fake.url, "a.b.c".parse().unwrap()).unwrap();
    let outbox = Worker::new(store.clone(), poster, Backoff::default());
    let tenant = Tenant::discord(GUILD);
    service::record_event(
        &store,
        &acme(&tenant, Utc::now().date_naive()),
        &Actor::cli("bench"),
        Utc::now(),
    )
    .await
    .unwrap();
    let started = Instant::now();
    while outbox.try_dispatch_once(Utc::now()).await.unwrap() > 0 {}
    let elapsed = started.elapsed();
    let delivered: usize = fake.posts().values().map(Vec::len).sum();
    assert_eq!(delivered as u64, channels + followers);
    assert_eq!(fake.over_limit(), 0, "went over 50 requests a second");
    let requests = channels + 2 * followers;
    eprintln!(
        "fan-out: {channels} posts + {followers} DMs ({requests} requests) in {elapsed:.2?} = \
         {:.1} requests/s ({:.0}% of 50/s), {:.1} messages/s",
        requests as f64 / elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64() / 50.0 * 100.0,
        (channels + followers) as f64 / elapsed.as_secs_f64()
    );
    elapsed
}

/// A store where Acme exists, `channels` of the guild are subscribed and `followers` people
/// follow Acme; nothing is queued yet.
async fn set_up(dir: &std::path::Path, channels: u64, followers: u64) -> Store {
    let url = format!("sqlite://{}", dir.join("fanout.db").display());
    let store = Store::open(&url).await.unwrap();
    let tenant = Tenant::discord(GUILD);
    let actor = Actor::cli("bench");
    let seed = acme(
        &tenant,
        chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
    );
    service::record_event(&store, &seed, &actor, Utc::now())
        .await
        .unwrap();
    for i in 0..channels {
        let channel = 710_000_000_000_000_000 + i;
        service::subscribe(
            &store,
            &tenant,
            &layoffs_bot::domain::ChannelRef::discord(channel),
            &layoffs_bot::domain::AlertSettings::default(),
            &actor,
            Utc::now(),
        )
        .await
        .unwrap();
    }
    let viewer = Viewer::in_tenant(tenant);
    for i in 0..followers {
        let who = Person::new(Platform::Discord, (600_000_000_000_000_000 + i).to_string());
        service::follows::follow(&store, &who, "Acme", &viewer)
            .await
            .unwrap();
    }
    store
}

/// A layoff of Acme, private to the bench's guild.
fn acme(tenant: &Tenant, date: chrono::NaiveDate) -> NewEvent {
    NewEvent {
        company: CompanyName::parse("Acme").unwrap(),
        date,
        headcount: Headcount::Exact(100),
        percentage: None,
        teams: None,
        location: None,
        source: None,
        notes: None,
        scope: EventScope::Tenant(tenant.clone()),
    }
}

criterion_group!(benches, fan_out);
criterion_main!(benches);
