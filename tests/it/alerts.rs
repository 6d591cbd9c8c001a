//! Alerts that fit each community, without Discord: filters, digests on a clock passed in,
//! role pings, crossposts and their 429s, test posts, and WARN filings announced on import.

use std::io::Write as _;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use layoffs_bot::Store;
use layoffs_bot::csv_io::{self as import, FileOptions};
use layoffs_bot::domain::{
    Actor, AlertFilter, AlertSettings, ChannelRef, EventScope, Headcount, Mode, NewEvent, Tenant,
};
use layoffs_bot::notify::{Backoff, PostOutcome, Worker};
use layoffs_bot::service;
use serde_json::{Value, json};

use crate::outbox::Scripted;
use crate::support::{TestStore, event};

const GUILD: u64 = 42;

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
}

/// A store with four companies whose industry and country come from a layoffs.fyi file.
pub(crate) async fn store_with_companies() -> TestStore {
    let t = TestStore::new().await;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(
        file,
        "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added\n\
         Acme,Seattle,10,1/5/2025,,Retail,https://example.com/a,Post-IPO,1,United States,1/5/2025\n\
         Bolt,Berlin,20,1/6/2025,,Retail,https://example.com/b,Post-IPO,1,Germany,1/6/2025\n\
         Cobalt,Austin,30,1/7/2025,,Hardware,https://example.com/c,Post-IPO,1,United States.,1/7/2025\n\
         Dune,Austin,40,1/8/2025,,Hardware,https://example.com/d,Post-IPO,1,United States,1/8/2025\n"
    )
    .unwrap();
    let report = import::import_file(&t.store, file.path(), false, at(1, 0, 0))
        .await
        .unwrap();
    assert_eq!(report.imported, 4);
    t
}

async fn subscribe(store: &Store, channel: u64, settings: AlertSettings, at: DateTime<Utc>) {
    service::subscribe(
        store,
        &Tenant::discord(GUILD),
        &ChannelRef::discord(channel),
        &settings,
        &Actor::cli("test"),
        at,
    )
    .await
    .unwrap();
}

fn filtered(industry: Option<&str>, country: Option<&str>, min: Option<u32>) -> AlertSettings {
    AlertSettings {
        filter: AlertFilter {
            industries: industry.map(str::to_string).into_iter().collect(),
            countries: country.map(str::to_string).into_iter().collect(),
            min_people: min,
            ..AlertFilter::default()
        },
        ..AlertSettings::default()
    }
}

pub(crate) async fn add_at(
    store: &Store,
    company: &str,
    people: Headcount,
    when: DateTime<Utc>,
) -> i64 {
    let e = NewEvent {
        scope: EventScope::Tenant(Tenant::discord(GUILD)),
        ..event(company, "2026-11-20", people)
    };
    service::record_event(store, &e, &Actor::discord(1), when)
        .await
        .unwrap()
        .id
}

pub(crate) fn worker(store: &Store, poster: &Scripted) -> Worker<Scripted> {
    let backoff = Backoff {
        base: Duration::from_secs(2),
        cap: Duration::from_mins(1),
        max_attempts: 3,
    };
    Worker::new(store.clone(), poster.clone(), backoff)
}

/// The titles of what was posted to `channel` (crossposts left out).
pub(crate) fn titles(poster: &Scripted, channel: u64) -> Vec<String> {
    posts(poster, channel)
        .iter()
        .map(|b| b["embeds"][0]["title"].as_str().unwrap_or("").to_string())
        .collect()
}

pub(crate) fn posts(poster: &Scripted, channel: u64) -> Vec<Value> {
    poster
        .calls()
        .into_iter()
        .filter(|(c, b)| *c == channel && b.get("embeds").is_some())
        .map(|(_, b)| b)
        .collect()
}

#[tokio::test]
async fn filters_alone_and_combined_pick_the_events_each_channel_wants() {
    let t = store_with_companies().await;
    let s = &t.store;
    subscribe(s, 1, AlertSettings::default(), at(1, 0, 0)).await;
    subscribe(s, 2, filtered(Some("retail"), None, None), at(1, 0, 0)).await;
    subscribe(
        s,
        3,
        filtered(None, Some("United States"), None),
        at(1, 0, 0),
    )
    .await;
    subscribe(s, 4, filtered(None, None, Some(25)), at(1, 0, 0)).await;
    subscribe(
        s,
        5,
        filtered(Some("Hardware"), Some("united states"), Some(35)),
        at(1, 0, 0),
    )
    .await;
    let poster = Scripted::default();
    let w = worker(s, &poster);
    add_at(s, "Acme", Headcount::Exact(10), at(2, 0, 0)).await;
    add_at(s, "Bolt", Headcount::Exact(30), at(2, 0, 0)).await;
    add_at(
        s,
        "Cobalt",
        Headcount::Approx("hundreds".into()),
        at(2, 0, 0),
    )
    .await;
    add_at(s, "Dune", Headcount::Exact(40), at(2, 0, 0)).await;
    for _ in 0..4 {
        w.try_dispatch_once(at(2, 0, 1)).await.unwrap();
    }
    let company = |ch| {
        let mut names: Vec<String> = titles(&poster, ch)
            .into_iter()
            .map(|t| t.trim_start_matches("New layoff: ").to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(company(1), ["Acme", "Bolt", "Cobalt", "Dune"]);
    assert_eq!(company(2), ["Acme", "Bolt"], "industry, folded");
    assert_eq!(
        company(3),
        ["Acme", "Cobalt", "Dune"],
        "\"United States.\" is the US"
    );
    assert_eq!(
        company(4),
        ["Bolt", "Dune"],
        "no number: only without a minimum"
    );
    assert_eq!(company(5), ["Dune"], "every filter given must match");
}

#[tokio::test]
async fn a_role_is_pinged_only_when_a_moderator_opted_in_and_never_by_a_test() {
    let t = store_with_companies().await;
    let s = &t.store;
    subscribe(s, 1, AlertSettings::default(), at(1, 0, 0)).await;
    let ping = AlertSettings {
        mention_role: Some(777),
        ..AlertSettings::default()
    };
    subscribe(s, 2, ping, at(1, 0, 0)).await;
    let poster = Scripted::default();
    let w = worker(s, &poster);
    add_at(s, "Acme", Headcount::Exact(10), at(2, 0, 0)).await;
    w.try_dispatch_once(at(2, 0, 1)).await.unwrap();
    let plain = &posts(&poster, 1)[0];
    assert_eq!(plain["allowed_mentions"], json!({"parse": []}));
    assert!(plain.get("content").is_none());
    let pinged = &posts(&poster, 2)[0];
    assert_eq!(
        pinged["allowed_mentions"],
        json!({"parse": [], "roles": ["777"]})
    );
    assert_eq!(pinged["content"], "<@&777>");

    let tenant = Tenant::discord(GUILD);
    service::alerts::queue_test(s, &tenant, &ChannelRef::discord(2), at(2, 1, 0))
        .await
        .unwrap();
    w.try_dispatch_once(at(2, 1, 0)).await.unwrap();
    let test = posts(&poster, 2).pop().unwrap();
    assert_eq!(
        test["allowed_mentions"],
        json!({"parse": []}),
        "a test pings nobody"
    );
    assert!(
        test["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("[Test] New layoff: Acme")
    );
    assert!(
        test["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("<@&777>")
    );
}

#[tokio::test]
async fn a_test_post_shows_the_newest_match_or_a_sample_and_needs_a_subscription() {
    let t = store_with_companies().await;
    let s = &t.store;
    let tenant = Tenant::discord(GUILD);
    let missing =
        service::alerts::queue_test(s, &tenant, &ChannelRef::discord(9), at(2, 0, 0)).await;
    assert!(missing.unwrap_err().to_string().contains("not subscribed"));
    subscribe(s, 1, filtered(Some("Hardware"), None, None), at(1, 0, 0)).await;
    subscribe(
        s,
        2,
        filtered(Some("Retail"), None, Some(1000)),
        at(1, 0, 0),
    )
    .await;
    let poster = Scripted::default();
    let w = worker(s, &poster);
    service::alerts::queue_test(s, &tenant, &ChannelRef::discord(1), at(2, 0, 0))
        .await
        .unwrap();
    service::alerts::queue_test(s, &tenant, &ChannelRef::discord(2), at(2, 0, 0))
        .await
        .unwrap();
    w.try_dispatch_once(at(2, 0, 0)).await.unwrap();
    assert_eq!(
        titles(&poster, 1),
        ["[Test] New layoff: Dune"],
        "the newest Hardware event"
    );
    assert_eq!(titles(&poster, 2), ["[Test] Sample layoff: Example Corp"]);
    assert!(
        s.open_deliveries().await.unwrap().is_empty(),
        "tests are delivered like posts"
    );
}

#[tokio::test]
async fn crossposts_follow_sent_posts_and_wait_out_their_own_429s() {
    let t = store_with_companies().await;
    let s = &t.store;
    let publish = AlertSettings {
        crosspost: true,
        ..AlertSettings::default()
    };
    subscribe(s, 1, publish, at(1, 0, 0)).await;
    subscribe(s, 2, AlertSettings::default(), at(1, 0, 0)).await;
    let poster = Scripted::default();
    poster.then_crosspost(
        1,
        PostOutcome::RateLimited {
            retry_after: Duration::from_mins(10),
            global: false,
        },
    );
    let w = worker(s, &poster);
    add_at(s, "Acme", Headcount::Exact(10), at(2, 0, 0)).await;
    w.try_dispatch_once(at(2, 0, 0)).await.unwrap();
    let crossposts = |p: &Scripted| {
        p.calls()
            .into_iter()
            .filter(|(_, b)| b.get("crossposted").is_some())
            .map(|(c, _)| c)
            .collect::<Vec<_>>()
    };
    assert_eq!(crossposts(&poster), [1], "only the channel that asked");
    w.try_dispatch_once(at(2, 0, 5)).await.unwrap();
    assert_eq!(crossposts(&poster), [1], "not before Retry-After");
    w.try_dispatch_once(at(2, 0, 11)).await.unwrap();
    assert_eq!(crossposts(&poster), [1, 1], "published after the wait");
    w.try_dispatch_once(at(2, 1, 0)).await.unwrap();
    assert_eq!(crossposts(&poster), [1, 1], "published once");
    assert_eq!(
        posts(&poster, 1).len(),
        1,
        "the post itself was not sent again"
    );
}

#[tokio::test]
async fn a_weekly_digest_goes_out_once_for_the_period_after_a_restart_and_not_when_empty() {
    let t = store_with_companies().await;
    let s = &t.store;
    let weekly = AlertSettings {
        mode: Mode::Weekly,
        ..AlertSettings::default()
    };
    // Subscribed on Wednesday 18 Nov; events on Thursday and Friday.
    subscribe(s, 1, weekly.clone(), at(18, 9, 0)).await;
    subscribe(
        s,
        2,
        AlertSettings {
            filter: filtered(Some("Hardware"), None, None).filter,
            ..weekly.clone()
        },
        at(18, 9, 0),
    )
    .await;
    subscribe(
        s,
        3,
        AlertSettings {
            filter: filtered(Some("Fintech"), None, None).filter,
            ..weekly
        },
        at(18, 9, 0),
    )
    .await;
    add_at(s, "Acme", Headcount::Exact(10), at(19, 10, 0)).await;
    add_at(s, "Dune", Headcount::Exact(40), at(20, 10, 0)).await;
    let poster = Scripted::default();
    let w = worker(s, &poster);
    assert_eq!(
        w.try_dispatch_once(at(20, 11, 0)).await.unwrap(),
        0,
        "nothing posted one by one"
    );
    assert_eq!(
        w.schedule_digests(at(23, 13, 59)).await.unwrap(),
        0,
        "not before Monday 14:00"
    );
    // The bot was down at 14:00 and comes back at 16:30: the missed digest goes out.
    assert_eq!(w.schedule_digests(at(23, 16, 30)).await.unwrap(), 2);
    assert_eq!(
        w.schedule_digests(at(23, 16, 31)).await.unwrap(),
        0,
        "queued once"
    );
    w.try_dispatch_once(at(23, 16, 31)).await.unwrap();
    let digest = &posts(&poster, 1)[0];
    let embed = &digest["embeds"][0];
    assert_eq!(
        embed["title"],
        "Weekly layoffs digest: 18 Nov 09:00 to 23 Nov 2026 14:00 UTC"
    );
    let lines = embed["description"].as_str().unwrap();
    assert!(
        lines.starts_with("• 2026-11-20 · **Dune** · 40 people\n• 2026-11-20 · **Acme**"),
        "{lines}"
    );
    assert_eq!(embed["fields"][0]["value"], "2 layoffs, 50 people");
    assert_eq!(embed["image"]["url"], "attachment://layoffs-stats.png");
    assert_eq!(digest["allowed_mentions"], json!({"parse": []}));
    assert_eq!(titles(&poster, 2).len(), 1);
    assert!(
        posts(&poster, 2)[0]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("Dune")
    );
    assert!(
        titles(&poster, 3).is_empty(),
        "an empty period posts nothing"
    );
    // A restarted worker, a second worker, the clock set back: never a second digest.
    let second = worker(s, &poster);
    assert_eq!(second.schedule_digests(at(23, 17, 0)).await.unwrap(), 0);
    assert_eq!(second.schedule_digests(at(22, 17, 0)).await.unwrap(), 0);
    second.try_dispatch_once(at(23, 17, 0)).await.unwrap();
    assert_eq!(titles(&poster, 1).len(), 1);
}

#[tokio::test]
async fn only_the_latest_missed_period_is_sent_and_a_switch_to_digests_repeats_nothing() {
    let t = store_with_companies().await;
    let s = &t.store;
    subscribe(s, 1, AlertSettings::default(), at(20, 9, 0)).await;
    add_at(s, "Acme", Headcount::Exact(10), at(20, 10, 0)).await;
    let poster = Scripted::default();
    let w = worker(s, &poster);
    w.try_dispatch_once(at(20, 10, 0)).await.unwrap();
    assert_eq!(titles(&poster, 1), ["New layoff: Acme"]);
    // Switched to daily on Saturday: Acme went out already and is not in a digest.
    let daily = AlertSettings {
        mode: Mode::Daily,
        ..AlertSettings::default()
    };
    subscribe(s, 1, daily, at(21, 9, 0)).await;
    add_at(s, "Bolt", Headcount::Exact(20), at(21, 10, 0)).await;
    add_at(s, "Dune", Headcount::Exact(40), at(23, 10, 0)).await;
    w.try_dispatch_once(at(23, 10, 0)).await.unwrap();
    assert_eq!(
        titles(&poster, 1).len(),
        1,
        "no post per event in daily mode"
    );
    // Down from Saturday until Tuesday 15:00: one digest, of Monday 14:00 to Tuesday 14:00.
    assert_eq!(
        w.schedule_digests(at(24, 15, 0)).await.unwrap(),
        0,
        "Dune was Monday 10:00"
    );
    assert_eq!(w.schedule_digests(at(25, 15, 0)).await.unwrap(), 0);
    add_at(s, "Cobalt", Headcount::Exact(30), at(25, 16, 0)).await;
    assert_eq!(w.schedule_digests(at(26, 14, 0)).await.unwrap(), 1);
    w.try_dispatch_once(at(26, 14, 0)).await.unwrap();
    let all = titles(&poster, 1);
    assert_eq!(all.len(), 2);
    assert!(
        all[1].starts_with("Daily layoffs digest: 25 Nov 14:00"),
        "{all:?}"
    );
    let body = posts(&poster, 1)[1]["embeds"][0]["description"].clone();
    assert!(body.as_str().unwrap().contains("Cobalt"));
    assert!(!body.as_str().unwrap().contains("Acme"));
}

#[tokio::test]
async fn send_now_queues_the_period_so_far_once_and_the_scheduled_digest_still_follows() {
    let t = store_with_companies().await;
    let s = &t.store;
    let weekly = AlertSettings {
        mode: Mode::Weekly,
        ..AlertSettings::default()
    };
    subscribe(s, 1, weekly, at(23, 15, 0)).await;
    let poster = Scripted::default();
    let w = worker(s, &poster);
    let (done, subs) = service::digests::send_now(s, at(24, 9, 0), 14, None)
        .await
        .unwrap();
    assert_eq!(
        (done.queued, done.empty, subs),
        (0, 1, 1),
        "nothing to report yet"
    );
    add_at(s, "Acme", Headcount::Exact(10), at(24, 10, 0)).await;
    let (done, _) = service::digests::send_now(s, at(24, 11, 0), 14, None)
        .await
        .unwrap();
    assert_eq!(done.queued, 1);
    let (again, _) = service::digests::send_now(s, at(24, 11, 5), 14, None)
        .await
        .unwrap();
    assert_eq!(again.already, 1, "asking twice sends once");
    let other = Tenant::discord(GUILD + 1);
    let (none, subs) = service::digests::send_now(s, at(24, 11, 5), 14, Some(&other))
        .await
        .unwrap();
    assert_eq!((none.queued, subs), (0, 0), "--guild keeps to that guild");
    w.try_dispatch_once(at(24, 11, 6)).await.unwrap();
    assert_eq!(titles(&poster, 1).len(), 1);
    assert_eq!(w.schedule_digests(at(30, 14, 0)).await.unwrap(), 1);
    w.try_dispatch_once(at(30, 14, 0)).await.unwrap();
    assert_eq!(titles(&poster, 1).len(), 2, "the week's digest at its end");
}

#[tokio::test]
async fn announced_filings_reach_only_channels_that_asked_with_filters_applied() {
    let t = store_with_companies().await;
    let s = &t.store;
    let filings = |filter: AlertFilter| AlertSettings {
        filings: true,
        filter,
        ..AlertSettings::default()
    };
    subscribe(s, 1, AlertSettings::default(), at(1, 0, 0)).await;
    subscribe(s, 2, filings(AlertFilter::default()), at(1, 0, 0)).await;
    subscribe(
        s,
        3,
        filings(filtered(None, None, Some(150)).filter),
        at(1, 0, 0),
    )
    .await;
    subscribe(
        s,
        4,
        filings(filtered(None, Some("Germany"), None).filter),
        at(1, 0, 0),
    )
    .await;
    // Another guild's channel gets them too: filings are public records.
    service::subscribe(
        s,
        &Tenant::discord(GUILD + 1),
        &ChannelRef::discord(5),
        &filings(AlertFilter::default()),
        &Actor::cli("test"),
        at(1, 0, 0),
    )
    .await
    .unwrap();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(
        file,
        "Company,Location,Layoff Start Date,# of Workers,Closure Layoff,Type of Layoff,Received Date\n\
         Acme Inc.,Seattle,1/5/2026,200,Layoff,Permanent,11/20/2026\n\
         Zephyr Labs LLC,Tacoma,1/5/2026,100,Closure,Permanent,11/21/2026\n"
    )
    .unwrap();
    let plain = FileOptions::default();
    let progress = std::sync::Arc::new(import::Silent);
    let report =
        import::import_file_with_progress(s, file.path(), plain, at(22, 0, 0), progress.clone())
            .await
            .unwrap();
    assert_eq!(
        (report.imported, report.announced),
        (2, 0),
        "plain imports post nothing"
    );
    assert!(s.open_deliveries().await.unwrap().is_empty());
    // The same notices again with --announce: duplicates, so nothing is posted either.
    let announce = FileOptions {
        announce: true,
        ..FileOptions::default()
    };
    let again =
        import::import_file_with_progress(s, file.path(), announce, at(22, 0, 0), progress.clone())
            .await
            .unwrap();
    assert_eq!((again.imported, again.announced), (0, 0));
    writeln!(
        file,
        "Acme Inc.,Spokane,2/5/2026,50,Layoff,Permanent,11/23/2026"
    )
    .unwrap();
    let new = import::import_file_with_progress(s, file.path(), announce, at(23, 0, 0), progress)
        .await
        .unwrap();
    assert_eq!(
        (new.imported, new.announced),
        (1, 2),
        "channels 2 and 5; 3 wants 150+, 4 Germany"
    );
    let poster = Scripted::default();
    worker(s, &poster)
        .try_dispatch_once(at(23, 0, 0))
        .await
        .unwrap();
    assert_eq!(titles(&poster, 2), ["New WARN notice: Acme"]);
    assert_eq!(titles(&poster, 5), ["New WARN notice: Acme"]);
    assert!(
        titles(&poster, 1).is_empty()
            && titles(&poster, 3).is_empty()
            && titles(&poster, 4).is_empty()
    );
    let embed = &posts(&poster, 2)[0]["embeds"][0];
    assert!(
        embed["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("government filing")
    );
    assert_eq!(embed["fields"][0]["value"], "50 jobs");
}

#[tokio::test]
async fn digests_and_tests_keep_to_their_guild_and_list_new_filings_when_asked() {
    let t = store_with_companies().await;
    let s = &t.store;
    let weekly = AlertSettings {
        mode: Mode::Weekly,
        ..AlertSettings::default()
    };
    let with_filings = AlertSettings {
        filings: true,
        ..weekly.clone()
    };
    subscribe(s, 1, weekly, at(16, 15, 0)).await;
    subscribe(s, 2, with_filings, at(16, 15, 0)).await;
    // Guild 43's private event: never in guild 42's digest or test post.
    let private = NewEvent {
        scope: EventScope::Tenant(Tenant::discord(GUILD + 1)),
        ..event("Zephyr Secret", "2026-11-21", Headcount::Exact(9000))
    };
    service::record_event(s, &private, &Actor::discord(2), at(21, 9, 0))
        .await
        .unwrap();
    add_at(s, "Acme", Headcount::Exact(10), at(19, 10, 0)).await;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(
        file,
        "Company,Location,Layoff Start Date,# of Workers,Closure Layoff,Type of Layoff,Received Date\n\
         Acme Inc.,Seattle,1/5/2027,200,Layoff,Permanent,11/20/2026\n\
         Zephyr Labs LLC,Tacoma,1/5/2027,,Closure,Permanent,11/21/2026\n"
    )
    .unwrap();
    import::import_file(s, file.path(), false, at(22, 8, 0))
        .await
        .unwrap();
    let poster = Scripted::default();
    let w = worker(s, &poster);
    assert_eq!(w.schedule_digests(at(23, 14, 0)).await.unwrap(), 2);
    w.try_dispatch_once(at(23, 14, 0)).await.unwrap();
    let plain = &posts(&poster, 1)[0]["embeds"][0];
    let text = plain.to_string();
    assert!(
        !text.contains("Zephyr"),
        "another guild's event, or filings unasked: {text}"
    );
    assert_eq!(plain["fields"].as_array().unwrap().len(), 1);
    let filed = &posts(&poster, 2)[0]["embeds"][0];
    assert_eq!(filed["fields"][1]["name"], "New WARN notices");
    let lines = filed["fields"][1]["value"].as_str().unwrap();
    assert!(
        lines.starts_with("2 notices, 200 jobs filed (government filings, not counted above)\n"),
        "{lines}"
    );
    assert!(
        lines.contains("• **Zephyr Labs LLC** · WA 2026-11-21 · jobs not stated · Tacoma"),
        "{lines}"
    );
    assert_eq!(
        filed["fields"][0]["value"], "1 layoff, 10 people",
        "filings are not layoffs"
    );

    let tenant = Tenant::discord(GUILD);
    subscribe(s, 3, AlertSettings::default(), at(23, 15, 0)).await;
    service::alerts::queue_test(s, &tenant, &ChannelRef::discord(3), at(23, 15, 0))
        .await
        .unwrap();
    w.try_dispatch_once(at(23, 15, 0)).await.unwrap();
    assert_eq!(
        titles(&poster, 3),
        ["[Test] New layoff: Acme"],
        "not guild 43's newer event"
    );
}

#[tokio::test]
async fn a_digest_goes_without_its_chart_where_files_are_not_allowed() {
    let t = store_with_companies().await;
    let s = &t.store;
    let daily = AlertSettings {
        mode: Mode::Daily,
        ..AlertSettings::default()
    };
    subscribe(s, 1, daily, at(20, 9, 0)).await;
    add_at(s, "Acme", Headcount::Exact(10), at(20, 10, 0)).await;
    let poster = Scripted::default();
    poster.then(
        1,
        PostOutcome::Unreachable {
            status: 403,
            reason: "Discord 403 (Missing Permissions)".into(),
        },
    );
    let w = worker(s, &poster);
    assert_eq!(w.schedule_digests(at(20, 14, 0)).await.unwrap(), 1);
    w.try_dispatch_once(at(20, 14, 0)).await.unwrap();
    let tries = posts(&poster, 1);
    assert_eq!(tries.len(), 2);
    assert_eq!(
        tries[0]["embeds"][0]["image"]["url"],
        "attachment://layoffs-stats.png"
    );
    assert!(
        tries[1]["embeds"][0].get("image").is_none(),
        "{:#}",
        tries[1]
    );
    assert_eq!(tries[0]["nonce"], tries[1]["nonce"], "the same delivery");
    let subs = s.subscriptions(&Tenant::discord(GUILD)).await.unwrap();
    assert!(subs[0].active && subs[0].last_post_at.is_some());
}
