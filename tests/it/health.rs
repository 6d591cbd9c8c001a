//! `/healthz`, `/readyz` and `/metrics` of the real bot (`METRICS_LISTEN_ADDR`): ready while
//! Discord is connected and posts flow, 503 with the reason while the gateway is down or a
//! post is stuck, and counters that move with commands and deliveries, labelled without ids.

use std::time::Duration;

use serde_json::json;

use crate::delivery::{add, channel, subscribe};
use crate::support::bot::Bot;
use crate::support::fake_discord::{CHANNEL, Fault, GUILD_A, Who, slash};
use crate::support::opt;

/// A port free a moment ago, for the bot's listener.
fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

async fn get(base: &str, path: &str) -> (u16, String) {
    let r = reqwest::get(format!("http://{base}{path}")).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// `/readyz` until it answers `want`. The bot is another process with no event to wait on, so
/// this asks again every 20 ms, for at most 10 s.
async fn readyz_becomes(base: &str, want: u16) -> String {
    let mut last = (0, String::new());
    for _ in 0..500 {
        last = get(base, "/readyz").await;
        if last.0 == want {
            return last.1;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("/readyz stayed {} ({}), not {want}", last.0, last.1)
}

async fn started() -> (Bot, String) {
    let addr = free_addr();
    let env = [
        ("METRICS_LISTEN_ADDR", addr.as_str()),
        ("DELIVERY_RETRY_BASE_MS", "20"),
    ];
    let (bot, _) = Bot::start_with(&["tests/data/layoffs_fyi_sample.csv"], &env).await;
    (bot, addr)
}

#[tokio::test]
async fn readyz_turns_503_while_discord_is_down_and_200_again() {
    let (bot, addr) = started().await;
    assert_eq!(get(&addr, "/healthz").await, (200, "ok\n".into()));
    readyz_becomes(&addr, 200).await;
    bot.fake.stop_gateway();
    bot.fake.wait_refused().await;
    let why = readyz_becomes(&addr, 503).await;
    assert_eq!(why, "not ready: Discord is not connected\n");
    assert_eq!(get(&addr, "/healthz").await.0, 200, "alive all along");
    bot.fake.start_gateway();
    bot.fake.wait_connected().await;
    readyz_becomes(&addr, 200).await;
}

#[tokio::test]
async fn readyz_turns_503_while_a_post_is_stuck_and_200_once_it_is_sent() {
    let (bot, addr) = started().await;
    let stuck = channel(91);
    subscribe(&bot, GUILD_A, &stuck, None).await;
    // 429s give the attempt back, so the post waits without ever dying.
    bot.fake.fault(&stuck, Fault::RouteLimited(u32::MAX));
    add(
        &bot,
        Who::MOD_A,
        json!([opt("company", 3, json!("Hooli")), opt("count", 4, json!(9))]),
    )
    .await;
    let pool = sqlx::SqlitePool::connect(bot.store_url()).await.unwrap();
    sqlx::query("UPDATE deliveries SET created_at = ?1 WHERE status = 'pending'")
        .bind(chrono::Utc::now() - chrono::Duration::minutes(10))
        .execute(&pool)
        .await
        .unwrap();
    let why = readyz_becomes(&addr, 503).await;
    assert_eq!(
        why,
        "not ready: the oldest waiting post has waited 10 minutes\n"
    );
    bot.fake.fault(&stuck, Fault::ServerErrors(0));
    bot.fake
        .wait_for_posts("the stuck post", |p| {
            p.get(&stuck).is_some_and(|v| !v.is_empty())
        })
        .await;
    readyz_becomes(&addr, 200).await;
}

/// The value of the sample line `name{labels}`, 0 when absent.
fn sample(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_move_with_commands_and_posts() {
    let (bot, addr) = started().await;
    let (status, before) = get(&addr, "/metrics").await;
    assert_eq!(status, 200);
    let asked = r#"layoffs_commands_total{command="layoffs",outcome="ok"}"#;
    let sent = r#"layoffs_deliveries_total{kind="event",outcome="sent",platform="discord"}"#;
    subscribe(&bot, GUILD_A, &channel(92), None).await;
    bot.fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([opt("company", 3, json!("AWS"))]),
        ))
        .await;
    add(
        &bot,
        Who::MOD_A,
        json!([opt("company", 3, json!("Hooli")), opt("count", 4, json!(5))]),
    )
    .await;
    bot.fake
        .wait_for_posts("the post", |p| {
            p.get(&channel(92)).is_some_and(|v| !v.is_empty())
        })
        .await;
    // The post is in the fake a moment before the worker reads its answer and counts it.
    let mut after = String::new();
    for _ in 0..1000 {
        after = get(&addr, "/metrics").await.1;
        if sample(&after, sent) > sample(&before, sent) {
            break;
        }
    }
    assert_eq!(sample(&after, asked), sample(&before, asked) + 1, "{after}");
    assert!(sample(&after, sent) > sample(&before, sent), "{after}");
    assert!(after.contains("# TYPE layoffs_command_seconds histogram"));
    for line in after
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (series, value) = line.rsplit_once(' ').expect(line);
        assert!(value.parse::<f64>().is_ok(), "{line}");
        assert!(series.starts_with("layoffs_"), "{line}");
    }
    for secret in [
        GUILD_A,
        CHANNEL,
        &channel(92),
        "fake.token",
        Who::MOD_A.user,
    ] {
        assert!(!after.contains(secret), "{secret} in {after}");
    }
}
