//! Follows at scale and in bursts: a kill -9 in the middle of a DM fan-out to 200 followers
//! leaves each with exactly one DM, and a source that announces 30 of a company's layoffs at
//! once sends its followers one DM with "and 29 more", not 30.

use std::fmt::Write as _;

use serde_json::json;

use layoffs_bot::domain::follow::Person;
use layoffs_bot::domain::{Platform, Viewer};
use layoffs_bot::service;

use crate::follows::HOME_MOD;
use crate::sources::{Upstream, sample};
use crate::sources_e2e::{cli, text};
use crate::support::bot::Bot;
use crate::support::fake_discord::{PLAIN_USER, dm_channel, slash};
use crate::support::{opt, sub};

fn user(i: usize) -> String {
    format!("{}", 610_000_000_000_000_000 + i)
}

#[tokio::test]
async fn a_kill_during_a_dm_fan_out_leaves_each_follower_one_dm() {
    const FOLLOWERS: usize = 200;
    let (mut bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    for i in 0..FOLLOWERS {
        let who = Person::new(Platform::Discord, user(i));
        service::follows::follow(&bot.store, &who, "Pinterest", &Viewer::EVERYONE)
            .await
            .unwrap();
    }
    let options = json!([
        opt("company", 3, json!("Pinterest")),
        opt("date", 3, json!("2026-11-30")),
        opt("count", 4, json!(90))
    ]);
    bot.fake
        .interact(slash(HOME_MOD, "layoff", sub("add", options)))
        .await;
    let dms = |f: &crate::support::fake_discord::FakeDiscord| {
        let posts = f.posts();
        (0..FOLLOWERS)
            .map(|i| posts.get(&dm_channel(&user(i))).map_or(0, Vec::len))
            .collect::<Vec<_>>()
    };
    let fake = bot.fake.clone();
    bot.fake
        .wait_for_posts("a part of the fan-out", |_| {
            dms(&fake).iter().filter(|n| **n > 0).count() >= 20
        })
        .await;
    bot.crash_and_restart().await;
    bot.fake
        .wait_for_posts("every follower's DM", |_| dms(&fake).iter().all(|n| *n > 0))
        .await;
    let counts = dms(&bot.fake);
    assert!(counts.iter().all(|n| *n == 1), "{counts:?}");
}

#[tokio::test]
async fn a_burst_of_announced_events_is_one_dm_to_each_follower() {
    let up = Upstream::start().await;
    let header = sample().lines().next().unwrap().to_string() + "\n";
    up.put("fyi.csv", header.clone());
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let who = Person::new(Platform::Discord, PLAIN_USER);
    service::follows::follow(&bot.store, &who, "Amazon", &Viewer::EVERYONE)
        .await
        .unwrap();
    let url = bot.store_url().to_string();
    let file = up.url("/file/fyi.csv");
    let args = [
        "sources",
        "add",
        "fyi",
        &file,
        "--kind",
        "csv",
        "--announce",
    ];
    assert!(cli(&url, &args).await.status.success());
    let backfill = cli(&url, &["sources", "sync", "fyi"]).await;
    assert!(backfill.status.success(), "{:?}", text(&backfill));
    // 30 of Amazon's layoffs, two months apart: none is near another.
    let rows = (0..30).fold(String::new(), |mut out, i| {
        let (year, month) = (2001 + i / 6, 1 + (i % 6) * 2);
        let _ = writeln!(
            out,
            "Amazon,Seattle,{},{month}/15/{year},,Retail,https://example.com/amzn-{i},Post-IPO,,United States,{month}/15/{year}",
            100 + i
        );
        out
    });
    up.put("fyi.csv", header + &rows);
    let synced = cli(&url, &["sources", "sync", "fyi"]).await;
    assert!(
        text(&synced).0.contains("30 imported"),
        "{:?}",
        text(&synced)
    );
    let f = &bot.fake;
    f.wait_for_posts("the digest DM", |p| p.contains_key(&dm_channel(PLAIN_USER)))
        .await;
    let dm = &f.posts()[&dm_channel(PLAIN_USER)][0];
    let embed = &dm["embeds"][0];
    assert!(
        embed["title"].as_str().unwrap().ends_with("(and 29 more)"),
        "{embed:#}"
    );
    assert!(embed.to_string().contains("…and 19 more"), "{embed:#}");
    // The next DM is the next event: a row of the burst left behind would have come first.
    let options = json!([
        opt("company", 3, json!("Amazon")),
        opt("date", 3, json!("2026-11-30")),
        opt("count", 4, json!(5))
    ]);
    f.interact(slash(HOME_MOD, "layoff", sub("add", options)))
        .await;
    f.wait_for_posts("the next DM", |p| p[&dm_channel(PLAIN_USER)].len() >= 2)
        .await;
    let dms = &f.posts()[&dm_channel(PLAIN_USER)];
    assert_eq!(dms.len(), 2);
    assert!(dms[1].to_string().contains("5 people"), "{:#}", dms[1]);
}
