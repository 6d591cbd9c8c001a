//! Sources as an operator runs them: the `sources` verbs of the real binary (output, errors,
//! exit codes), and the running bot's scheduler syncing a source whose new events reach the
//! fake Discord exactly once, across a kill -9.

use std::process::Output;

use tokio::process::Command;

use layoffs_bot::domain::{Actor, AlertSettings, ChannelRef, Tenant};
use layoffs_bot::service;

use crate::sources::{Upstream, new_rows, sample};
use crate::support::bot::Bot;
use crate::support::fake_discord::{CHANNEL, GUILD_A};
use crate::support::now;

/// The binary, awaited (the fake upstream answers on this test's runtime meanwhile).
pub(crate) async fn cli(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .args(args)
        .env("DATABASE_URL", url)
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("run layoffs-bot")
}

pub(crate) fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_sources_verbs_refuse_bad_input_with_a_sentence_and_a_failing_exit() {
    let up = Upstream::start().await;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let file = up.url("/file/fyi.csv");
    let refused = [
        (
            vec!["sources", "add", "Bad Name", &file, "--kind", "csv"],
            "is not a source name",
        ),
        (
            vec![
                "sources",
                "add",
                "x",
                "ftp://example.com/a.csv",
                "--kind",
                "csv",
            ],
            "must start with http:// or https://",
        ),
        (
            vec![
                "sources", "add", "x", &file, "--kind", "csv", "--every", "5m",
            ],
            "at most every 15m",
        ),
        (
            vec!["sources", "add", "x", &file, "--kind", "pdf"],
            "use csv, warn or feed",
        ),
        (
            vec!["sources", "sync", "nothing"],
            "no source is named nothing",
        ),
        (
            vec!["sources", "remove", "nothing"],
            "no source is named nothing",
        ),
    ];
    for (args, why) in refused {
        let out = cli(&url, &args).await;
        let (stdout, stderr) = text(&out);
        assert!(!out.status.success(), "{args:?}: {stdout}");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn the_sources_verbs_check_what_they_are_given_and_report_each_sync() {
    let up = Upstream::start().await;
    up.put("fyi.csv", sample());
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let file = up.url("/file/fyi.csv");
    let out = cli(
        &url,
        &[
            "sources", "add", "fyi", &file, "--kind", "csv", "--every", "1h30m",
        ],
    )
    .await;
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(
        text(&out).0.contains("Added source fyi (csv, every 1h30m)"),
        "{:?}",
        text(&out)
    );
    let again = cli(&url, &["sources", "add", "fyi", &file, "--kind", "csv"]).await;
    assert!(!again.status.success() && text(&again).1.contains("exists already"));
    let out = cli(&url, &["sources", "list"]).await;
    let (listed, _) = text(&out);
    assert!(
        listed.contains(&format!("fyi (csv, every 1h30m): {file}")),
        "{listed}"
    );
    assert!(
        listed.contains("last sync: never") && listed.contains("next try: now"),
        "{listed}"
    );

    let out = cli(&url, &["sources", "sync", "fyi"]).await;
    let (report, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        report.starts_with("fyi: imported (") && report.contains("layoffs.fyi layout)"),
        "{report}"
    );
    assert!(
        report.contains("rows read") && report.contains("rejected"),
        "{report}"
    );
    let out = cli(&url, &["sources", "sync"]).await;
    assert!(
        text(&out).0.contains("fyi: unchanged since the last sync"),
        "{:?}",
        text(&out)
    );

    let broken = up.url("/broken");
    assert!(
        cli(&url, &["sources", "add", "down", &broken, "--kind", "warn"])
            .await
            .status
            .success()
    );
    let out = cli(&url, &["sources", "sync"]).await;
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "one source failed");
    assert!(
        stdout.contains("fyi: unchanged"),
        "the others still sync: {stdout}"
    );
    assert!(
        stderr.contains("down: sync failed: the server answered HTTP 500"),
        "{stderr}"
    );
    let (listed, _) = text(&cli(&url, &["sources", "list"]).await);
    assert!(
        listed.contains("last sync: ") && listed.contains("(unchanged)"),
        "{listed}"
    );
    assert!(
        listed.contains("last import: ") && listed.contains("imported, "),
        "{listed}"
    );
    assert!(
        listed.contains("failing, 1 in a row): the server answered HTTP 500"),
        "{listed}"
    );

    assert!(
        cli(&url, &["sources", "remove", "down"])
            .await
            .status
            .success()
    );
    assert!(
        !text(&cli(&url, &["sources", "list"]).await)
            .0
            .contains("down")
    );
}

#[tokio::test]
async fn the_bot_syncs_sources_and_posts_new_events_once_even_across_a_kill() {
    let up = Upstream::start().await;
    let header = sample().lines().next().unwrap().to_string() + "\n";
    up.put("fyi.csv", header.clone() + &new_rows(0, 3));
    let (mut bot, _) = Bot::start(&[]).await;
    let tenant = Tenant::discord(GUILD_A.parse().unwrap());
    let channel = ChannelRef::discord(CHANNEL.parse().unwrap());
    service::subscribe(
        &bot.store,
        &tenant,
        &channel,
        &AlertSettings::default(),
        &Actor::cli("test"),
        now(),
    )
    .await
    .unwrap();
    let file = up.url("/file/fyi.csv");
    let added = cli(
        bot.store_url(),
        &[
            "sources",
            "add",
            "fyi",
            &file,
            "--kind",
            "csv",
            "--announce",
        ],
    )
    .await;
    assert!(added.status.success(), "{:?}", text(&added));
    // Started again, the bot syncs what is due at once: the backfill, which posts nothing.
    bot.crash_and_restart().await;
    up.wait_for_hits(1).await;
    let synced = wait_until_synced(&bot, 1).await;
    assert_eq!(
        synced
            .last_counts
            .as_deref()
            .map(|c| c.starts_with("3 rows read, 3 imported")),
        Some(true)
    );

    up.put("fyi.csv", header + &new_rows(0, 5));
    let out = cli(bot.store_url(), &["sources", "sync", "fyi"]).await;
    let (report, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(report.contains("2 imported"), "{report}");
    // Killed before its next round: the posts were committed with the events, so they go.
    bot.crash_and_restart().await;
    bot.fake
        .wait_for_posts("the two new events", |p| {
            p.get(CHANNEL).is_some_and(|v| v.len() >= 2)
        })
        .await;
    let titles: Vec<String> = bot.fake.posts()[CHANNEL]
        .iter()
        .map(|p| {
            p["embeds"][0]["title"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(
        titles.iter().any(|t| t.contains("Brandnew3"))
            && titles.iter().any(|t| t.contains("Brandnew4")),
        "{titles:?}"
    );
    // Once: syncing again finds nothing new, and nothing more is posted.
    let again = cli(bot.store_url(), &["sources", "sync", "fyi"]).await;
    assert!(text(&again).0.contains("unchanged"), "{:?}", text(&again));
    assert_eq!(bot.store.waiting_posts().await.unwrap().0, 0);
    assert_eq!(bot.fake.posts()[CHANNEL].len(), 2);
}

/// The source once `n` syncs imported; the bot's scheduler runs in another process, so this
/// looks at the store until then.
async fn wait_until_synced(bot: &Bot, n: i64) -> layoffs_bot::store::sources::SourceRow {
    for _ in 0..600 {
        if let Some(row) = bot.store.source("fyi").await.unwrap()
            && row.imported_syncs >= n
        {
            return row;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the bot never synced the source");
}
