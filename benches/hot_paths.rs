//! The hot paths against a bare bot, in one run (issue "Hot paths at the floor"): a bare poise
//! bot (examples/bare_poise.rs: `/ping` and its autocomplete, nothing else), then layoffs-bot
//! on a 100k-event store, each the release binary against the fake Discord of the tests.
//! Interactions go one at a time (latency, not load): 300 of each, after 100 to warm up. Prints
//! p50 and p99 from the interaction sent to its answer received, and the ratios to the bare
//! bot. Run: `cargo bench --bench hot_paths` (builds the example; about a minute).

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

use std::path::{Path, PathBuf};
use std::time::Duration;

use fake_discord::{FakeDiscord, Who, autocomplete, slash};
use measure::{big_store, percentile};
use serde_json::{Value, json};

const WARM_UP: usize = 100;

/// Calls timed per row: 300, or `HOT_CALLS` (more, to profile the bot with `perf`).
fn calls() -> usize {
    std::env::var("HOT_CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, companies) = big_store(dir.path()).await;
        let bare = bare_bot(dir.path()).await;
        let ours = our_bot(&url, &companies, dir.path()).await;
        println!(
            "one at a time, {} calls each (after {WARM_UP} to warm up):",
            calls()
        );
        println!(
            "  {:<32} {:>9} {:>9} {:>7} {:>7}",
            "what", "p50", "p99", "p50 x", "p99 x"
        );
        for (what, times) in &bare {
            println!(
                "  {what:<32} {:>9.2?} {:>9.2?}",
                percentile(times, 500),
                percentile(times, 990)
            );
        }
        let (ping, complete) = (&bare[0].1, &bare[1].1);
        for (what, times, against) in [
            ("/layoffs <company>", &ours[0], ping),
            ("/layoffs <company> asked again", &ours[3], ping),
            ("/layoffs (latest)", &ours[1], ping),
            ("company autocomplete", &ours[2], complete),
        ] {
            let x = |m| percentile(times, m).as_secs_f64() / percentile(against, m).as_secs_f64();
            println!(
                "  {what:<32} {:>9.2?} {:>9.2?} {:>7.2} {:>7.2}",
                percentile(times, 500),
                percentile(times, 990),
                x(500),
                x(990)
            );
        }
    });
}

fn example(name: &str) -> PathBuf {
    let built = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--example", name])
        .status()
        .expect("cargo");
    assert!(built.success());
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/release/examples")
        .join(name)
}

fn spawn(
    program: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    fake: &FakeDiscord,
    dir: &Path,
) -> tokio::process::Child {
    let mut command = tokio::process::Command::new(program);
    command
        .args(args)
        .env("DISCORD_TOKEN", "MTIzNDU2.fake.token")
        .env("DISCORD_API_URL", &fake.url)
        .env("RUST_LOG", "off")
        .current_dir(dir)
        .kill_on_drop(true);
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("start the bot")
}

/// Answer times of `make(i)` sent one at a time, sorted, after a warm-up.
async fn timed(fake: &FakeDiscord, make: impl Fn(usize) -> Value) -> Vec<Duration> {
    for i in 0..WARM_UP {
        fake.interact_timed(make(i)).await;
    }
    let mut times = Vec::with_capacity(calls());
    for i in 0..calls() {
        let t = fake.interact_timed(make(WARM_UP + i)).await;
        if std::env::var("SLOW_CALLS").is_ok() && t > Duration::from_millis(10) {
            eprintln!(
                "slow call {i}: {t:?} {}",
                make(WARM_UP + i)["data"]["options"]
            );
        }
        times.push(t);
    }
    times.sort();
    times
}

async fn bare_bot(dir: &Path) -> Vec<(&'static str, Vec<Duration>)> {
    let fake = FakeDiscord::start().await;
    let _bot = spawn(&example("bare_poise"), &[], &[], &fake, dir);
    fake.wait_until_ready().await;
    let ping = timed(&fake, |_| slash(Who::USER_A, "ping", json!([]))).await;
    let complete = timed(&fake, |i| {
        let typed = ["am", "goo", "sal", "met"][i % 4];
        autocomplete(
            Who::USER_A,
            "ping",
            json!([{"name": "name", "type": 3, "value": typed, "focused": true}]),
        )
    })
    .await;
    vec![("bare /ping", ping), ("bare /ping autocomplete", complete)]
}

async fn our_bot(url: &str, companies: &[String], dir: &Path) -> Vec<Vec<Duration>> {
    let fake = FakeDiscord::start().await;
    let binary = Path::new(env!("CARGO_BIN_EXE_layoffs-bot"));
    let _bot = spawn(binary, &["run"], &[("DATABASE_URL", url)], &fake, dir);
    fake.wait_until_ready().await;
    let company = |i: usize| companies[(i * 7919) % companies.len()].clone();
    let one = timed(&fake, |i| {
        slash(
            Who::USER_A,
            "layoffs",
            json!([{"name": "company", "type": 3, "value": company(i)}]),
        )
    })
    .await;
    let latest = timed(&fake, |_| slash(Who::USER_A, "layoffs", json!([]))).await;
    let complete = timed(&fake, |i| {
        let name = company(i);
        let typed: String = name.chars().take(3).collect();
        autocomplete(
            Who::USER_A,
            "layoffs",
            json!([{"name": "company", "type": 3, "value": typed, "focused": true}]),
        )
    })
    .await;
    // The first 100 companies of the first row again and again: each was asked during the
    // warm-up and is kept until the store changes, so no statement runs, and the answers are
    // the same mix of embeds as the first row's.
    let again = timed(&fake, |i| {
        slash(
            Who::USER_A,
            "layoffs",
            json!([{"name": "company", "type": 3, "value": company(i % WARM_UP)}]),
        )
    })
    .await;
    vec![one, latest, complete, again]
}
