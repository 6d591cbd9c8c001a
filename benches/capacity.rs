//! How far one process goes, measured from outside: the release binary against the fake
//! Discord of the tests. (1) `/layoffs <company>` on a 100k-event store at a growing rate of
//! interactions a second: p50 and p99 from the interaction sent to its answer received, and
//! the highest rate held with p99 under 100 ms. (2) Start-up with 1,000 and 10,000 guilds
//! (20 channels, 10 roles each) streamed as GUILD_CREATE: time until the first interaction
//! after them is answered, and the process's resident memory then.
//! Run: `cargo bench --bench capacity` (about two minutes); BENCHMARKS.md records the output.

#[allow(dead_code, clippy::all, clippy::pedantic)]
#[path = "../tests/it/support/fake_discord.rs"]
mod fake_discord;
#[allow(dead_code, clippy::all, clippy::pedantic)]
#[path = "../tests/it/support/fake_forum.rs"]
mod fake_forum;
#[path = "support/measure.rs"]
mod measure;
#[allow(dead_code, clippy::all, clippy::pedantic)]
#[path = "../tests/it/support/multipart.rs"]
mod multipart;

use std::path::Path;
use std::time::{Duration, Instant};

use fake_discord::{FakeDiscord, Who, slash};
use measure::{big_store, percentile};
use serde_json::json;
use tokio::process::Child;

/// Interaction rates tried, a second, until p99 passes 100 ms.
const RATES: [u32; 6] = [100, 300, 1000, 1500, 2000, 3000];
/// Seconds each rate is held.
const HOLD: u32 = 5;

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, companies) = big_store(dir.path()).await;
        rates(&url, &companies).await;
        for guilds in [0, 1_000, 10_000] {
            start_up(dir.path(), guilds).await;
        }
    });
}

fn spawn_bot(url: &str, fake: &FakeDiscord, dir: &Path) -> Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .arg("run")
        .env("DATABASE_URL", url)
        .env("DISCORD_TOKEN", "MTIzNDU2.fake.token")
        .env("DISCORD_API_URL", &fake.url)
        .env("RUST_LOG", "off")
        .current_dir(dir)
        .kill_on_drop(true)
        .spawn()
        .expect("start layoffs-bot")
}

fn layoffs(company: &str) -> serde_json::Value {
    slash(
        Who::USER_A,
        "layoffs",
        json!([{"name": "company", "type": 3, "value": company}]),
    )
}

/// Sends `rate` interactions a second for `HOLD` seconds; their answer times, sorted.
async fn held(fake: &FakeDiscord, companies: &[String], rate: u32) -> Vec<Duration> {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut answers = Vec::new();
    for i in 0..(rate * HOLD) as usize {
        tick.tick().await;
        let fake = fake.clone();
        let interaction = layoffs(&companies[(i * 7919) % companies.len()]);
        answers.push(tokio::spawn(async move {
            fake.interact_timed(interaction).await
        }));
    }
    let mut times = Vec::new();
    for a in answers {
        times.push(a.await.expect("answer"));
    }
    times.sort();
    times
}

async fn rates(url: &str, companies: &[String]) {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let _bot = spawn_bot(url, &fake, dir.path());
    fake.wait_until_ready().await;
    held(&fake, companies, 100).await; // warm-up: caches, the name index, statements
    println!("/layoffs <company> on a 100k-event store, {HOLD} s at each rate:");
    println!("  rate/s      p50      p99");
    let mut best = 0;
    for rate in RATES {
        let times = held(&fake, companies, rate).await;
        let (p50, p99) = (percentile(&times, 500), percentile(&times, 990));
        println!("  {rate:>6} {p50:>8.2?} {p99:>8.2?}");
        if p99 >= Duration::from_millis(100) {
            break;
        }
        best = rate;
    }
    println!("  highest rate held with p99 under 100 ms: {best}/s");
}

/// Resident memory of a process, in MiB (Linux).
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

async fn start_up(dir: &Path, guilds: u64) {
    let fake = FakeDiscord::start().await;
    fake.with_guilds(guilds);
    let url = format!(
        "sqlite://{}",
        dir.join(format!("guilds-{guilds}.db")).display()
    );
    let started = Instant::now();
    let bot = spawn_bot(&url, &fake, dir);
    fake.wait_until_ready().await;
    // The shard hands events over in order: this answer comes after every GUILD_CREATE.
    fake.interact_timed(slash(Who::USER_A, "layoffs", json!([])))
        .await;
    let ready = started.elapsed();
    let rss = bot.id().map_or(0.0, rss_mib);
    println!("start-up with {guilds:>6} guilds: ready in {ready:>8.2?}, RSS {rss:.0} MiB");
}
