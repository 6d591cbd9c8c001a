//! `/layoff-alerts` as moderators use it, against the fake Discord and the real binary:
//! filters and modes, role pings, crossposts, test posts, and `digest --send-now`.

use serde_json::{Value, json};

use crate::support::bot::Bot;
use crate::support::fake_discord::{CAN_POST, Fault, GUILD_A, Who, slash};
use crate::support::{content, is_ephemeral, no_pings, opt, sub};

const TEXT: &str = "720000000000000001";
const NEWS: &str = "720000000000000002";
const BROKEN: &str = "720000000000000003";
const ROLE: &str = "730000000000000001";
const QUIET_ROLE: &str = "730000000000000002";
const MENTION_EVERYONE: u64 = 1 << 17;

fn role(id: &str, name: &str, mentionable: bool) -> Value {
    json!({
        "id": id, "name": name, "color": 0, "colors": {"primary_color": 0}, "hoist": false,
        "position": 1, "permissions": "0", "managed": false, "mentionable": mentionable
    })
}

/// `/layoff-alerts <name>` with `options`, the channel option resolved as `kind` (0 text,
/// 5 announcement) and any roles resolved.
fn alerts(
    who: Who<'_>,
    name: &str,
    options: Value,
    channel: Option<(&str, u8)>,
    roles: &[Value],
) -> Value {
    let mut i = slash(who, "layoff-alerts", sub(name, options));
    if let Some((id, kind)) = channel {
        i["data"]["resolved"]["channels"] =
            json!({ id: {"id": id, "type": kind, "name": "alerts", "permissions": "0"} });
    }
    for r in roles {
        i["data"]["resolved"]["roles"][r["id"].as_str().unwrap()] = r.clone();
    }
    i
}

fn channel_opt(id: &str) -> Value {
    opt("channel", 7, json!(id))
}

async fn ask(bot: &Bot, interaction: Value) -> String {
    let answer = bot.fake.interact(interaction).await;
    assert!(is_ephemeral(&answer), "{answer:#}");
    no_pings(&answer);
    content(&answer)
}

#[tokio::test]
async fn moderators_set_filters_modes_roles_and_crossposts_and_see_them_listed() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    filters_and_modes_are_set_changed_and_checked(&bot).await;
    roles_are_pinged_only_where_the_bot_may(&bot).await;
    crossposts_only_in_announcement_channels_and_lists_per_server(&bot).await;
}

/// Filters and a mode: set, changed (saying what changed), and refused when unknown.
async fn filters_and_modes_are_set_changed_and_checked(bot: &Bot) {
    let m = Who::MOD_A;
    let text = Some((TEXT, 0));
    let said = ask(
        bot,
        alerts(
            m,
            "subscribe",
            json!([
                channel_opt(TEXT),
                opt("industry", 3, json!("retail")),
                opt("country", 3, json!("united states")),
                opt("min_people", 4, json!(100)),
                opt("mode", 3, json!("weekly"))
            ]),
            text,
            &[],
        ),
    )
    .await;
    assert!(
        said.starts_with(&format!(
            "Subscribed <#{TEXT}>: all companies · industry Retail · \
        country United States · at least 100 people · weekly digest."
        )),
        "{said}"
    );
    assert!(said.contains("Mondays"), "{said}");

    let said = ask(
        bot,
        alerts(
            m,
            "subscribe",
            json!([
                channel_opt(TEXT),
                opt("industry", 3, json!("Retail")),
                opt("country", 3, json!("United States")),
                opt("min_people", 4, json!(100)),
                opt("mode", 3, json!("each"))
            ]),
            text,
            &[],
        ),
    )
    .await;
    assert_eq!(
        said,
        format!(
            "Updated <#{TEXT}>: changed mode. Now: all companies · industry \
        Retail · country United States · at least 100 people · a post per event."
        )
    );

    for (options, expected) in [
        (
            json!([channel_opt(TEXT), opt("industry", 3, json!("Retial"))]),
            "No industry named \"Retial\" on record. Did you mean: Retail",
        ),
        (
            json!([channel_opt(TEXT), opt("min_people", 4, json!(0))]),
            "min_people must be a whole number of at least 1.",
        ),
        (
            json!([channel_opt(TEXT), opt("mode", 3, json!("monthly"))]),
            "\"monthly\" is not a mode: use each, daily or weekly.",
        ),
    ] {
        let said = ask(bot, alerts(m, "subscribe", options, text, &[])).await;
        assert!(said.contains(expected), "{said}");
    }
}

/// Roles: never @everyone; a role nobody may mention only when the bot may mention all.
async fn roles_are_pinged_only_where_the_bot_may(bot: &Bot) {
    let m = Who::MOD_A;
    let text = Some((TEXT, 0));
    // Roles: never @everyone; a role nobody may mention only when the bot may mention all.
    let everyone = role(GUILD_A, "@everyone", true);
    let said = ask(
        bot,
        alerts(
            m,
            "subscribe",
            json!([channel_opt(TEXT), opt("mention_role", 8, json!(GUILD_A))]),
            text,
            &[everyone],
        ),
    )
    .await;
    assert!(said.contains("never ping @everyone"), "{said}");
    let quiet = role(QUIET_ROLE, "Quiet", false);
    let said = ask(
        bot,
        alerts(
            m,
            "subscribe",
            json!([channel_opt(TEXT), opt("mention_role", 8, json!(QUIET_ROLE))]),
            text,
            std::slice::from_ref(&quiet),
        ),
    )
    .await;
    assert!(said.contains("I can't ping the role Quiet"), "{said}");
    let may_mention = Who {
        app_permissions: CAN_POST | MENTION_EVERYONE,
        ..m
    };
    let mut as_channel = alerts(
        may_mention,
        "subscribe",
        json!([opt("mention_role", 8, json!(QUIET_ROLE))]),
        None,
        &[quiet],
    );
    as_channel["channel_id"] = json!(TEXT);
    as_channel["channel"]["id"] = json!(TEXT);
    let said = ask(bot, as_channel).await;
    assert!(
        said.contains(&format!("mentions <@&{QUIET_ROLE}>")),
        "{said}"
    );
}

/// Crossposts only in announcement channels; each server lists only its own channels.
async fn crossposts_only_in_announcement_channels_and_lists_per_server(bot: &Bot) {
    let m = Who::MOD_A;
    let text = Some((TEXT, 0));
    // Crossposts: only in announcement channels.
    let said = ask(
        bot,
        alerts(
            m,
            "subscribe",
            json!([channel_opt(TEXT), opt("crosspost", 5, json!(true))]),
            text,
            &[],
        ),
    )
    .await;
    assert!(said.contains("is not an announcement channel"), "{said}");
    let said = ask(
        bot,
        alerts(
            m,
            "subscribe",
            json!([
                channel_opt(NEWS),
                opt("crosspost", 5, json!(true)),
                opt("filings", 5, json!(true))
            ]),
            Some((NEWS, 5)),
            &[],
        ),
    )
    .await;
    assert!(said.contains("crossposted · with WARN filings"), "{said}");

    let list = ask(bot, alerts(m, "list", json!([]), None, &[])).await;
    assert!(list.contains(&format!("<#{TEXT}>: all companies, active; a post per event · mentions <@&{QUIET_ROLE}>; no post yet")), "{list}");
    assert!(list.contains(&format!("<#{NEWS}>: all companies, active; a post per event · crossposted · with WARN filings; no post yet")), "{list}");
    let other = ask(bot, alerts(Who::MOD_B, "list", json!([]), None, &[])).await;
    assert!(
        !other.contains(TEXT) && !other.contains(NEWS),
        "another server sees none: {other}"
    );
}

#[tokio::test]
async fn posts_ping_only_the_chosen_role_are_crossposted_and_tests_report_back() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    subscribe_news_with_a_role_and_crossposts_and_a_broken_channel(&bot).await;
    an_added_event_pings_the_role_and_is_crossposted_after_a_429(&bot).await;
    test_posts_report_back_and_ping_nobody(&bot).await;
}

/// A news channel pinging a role and crossposting, and a channel that will break.
async fn subscribe_news_with_a_role_and_crossposts_and_a_broken_channel(bot: &Bot) {
    let m = Who::MOD_A;
    let loud = role(ROLE, "Layoff alerts", true);
    let said = ask(
        bot,
        alerts(
            m,
            "subscribe",
            json!([
                channel_opt(NEWS),
                opt("mention_role", 8, json!(ROLE)),
                opt("crosspost", 5, json!(true))
            ]),
            Some((NEWS, 5)),
            &[loud],
        ),
    )
    .await;
    assert!(said.starts_with(&format!("Subscribed <#{NEWS}>")), "{said}");
    ask(
        bot,
        alerts(
            m,
            "subscribe",
            json!([channel_opt(BROKEN)]),
            Some((BROKEN, 0)),
            &[],
        ),
    )
    .await;
    bot.fake.limit_crossposts(NEWS, 1);
}

/// An added event is posted pinging only that role, and published once after a 429.
async fn an_added_event_pings_the_role_and_is_crossposted_after_a_429(bot: &Bot) {
    let m = Who::MOD_A;
    let added = bot
        .fake
        .interact(slash(
            m,
            "layoff",
            sub(
                "add",
                json!([
                    opt("company", 3, json!("Amazon")),
                    opt("date", 3, json!("2026-11-20")),
                    opt("count", 4, json!(500)),
                    opt("notes", 3, json!("@everyone <@&1>"))
                ]),
            ),
        ))
        .await;
    assert!(
        added["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap_or("")
            .starts_with("Added event #"),
        "{added:#}"
    );
    let published = bot
        .fake
        .wait_for("the crosspost after its 429", |r| {
            r.method == "POST" && r.path.ends_with("/crosspost")
        })
        .await;
    assert!(
        published
            .path
            .contains(&format!("/channels/{NEWS}/messages/"))
    );
    bot.fake
        .wait_for_posts("the post", |p| p.get(NEWS).is_some_and(|v| !v.is_empty()))
        .await;
    let post = bot.fake.posts()[NEWS][0].clone();
    assert_eq!(post["content"], format!("<@&{ROLE}>"));
    assert_eq!(
        post["allowed_mentions"],
        json!({"parse": [], "roles": [ROLE]})
    );
    let crossposts = |bot: &Bot| {
        bot.fake
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/crosspost"))
            .count()
    };
    let fake = bot.fake.clone();
    bot.fake
        .wait_for("the crosspost retried", move |_| {
            fake.requests()
                .iter()
                .filter(|r| r.path.ends_with("/crosspost"))
                .count()
                >= 2
        })
        .await;
    assert_eq!(crossposts(bot), 2, "one 429, then published once");
}

/// A test post says how it went and pings nobody; a 403 disables the channel.
async fn test_posts_report_back_and_ping_nobody(bot: &Bot) {
    let m = Who::MOD_A;
    let said = ask(
        bot,
        alerts(m, "test", json!([channel_opt(NEWS)]), Some((NEWS, 5)), &[]),
    )
    .await;
    assert_eq!(said, format!("Sent a test post to <#{NEWS}>."));
    let test = bot.fake.posts()[NEWS].last().cloned().unwrap();
    assert!(
        test["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("[Test] New layoff: Amazon"),
        "{test:#}"
    );
    assert_eq!(
        test["allowed_mentions"],
        json!({"parse": []}),
        "a test pings nobody"
    );

    bot.fake.fault(BROKEN, Fault::Status(403));
    let said = ask(
        bot,
        alerts(
            m,
            "test",
            json!([channel_opt(BROKEN)]),
            Some((BROKEN, 0)),
            &[],
        ),
    )
    .await;
    assert!(
        said.starts_with(&format!("I could not post in <#{BROKEN}>: Discord 403")),
        "{said}"
    );
    let said = ask(
        bot,
        alerts(m, "test", json!([channel_opt(TEXT)]), Some((TEXT, 0)), &[]),
    )
    .await;
    assert!(said.contains("is not subscribed"), "{said}");
    let list = ask(bot, alerts(m, "list", json!([]), None, &[])).await;
    assert!(
        list.contains(&format!(
            "<#{BROKEN}>: all companies, disabled: Discord 403"
        )),
        "{list}"
    );
    assert!(list.contains("last post 20"), "{list}");
}

#[tokio::test]
async fn a_digest_sent_now_reaches_its_channel_once_with_the_chart() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let m = Who::MOD_A;
    ask(
        &bot,
        alerts(
            m,
            "subscribe",
            json!([
                channel_opt(TEXT),
                opt("mode", 3, json!("weekly")),
                opt("industry", 3, json!("Retail"))
            ]),
            Some((TEXT, 0)),
            &[],
        ),
    )
    .await;
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
            .args(args)
            .env("DATABASE_URL", bot.store_url())
            .output()
            .unwrap()
    };
    let out = cli(&["digest", "--send-now"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("Digests queued: 0 (the running bot posts them). Nothing to report yet: 1.")
    );
    for company in ["Amazon", "Pinterest"] {
        let added = bot
            .fake
            .interact(slash(
                m,
                "layoff",
                sub(
                    "add",
                    json!([
                        opt("company", 3, json!(company)),
                        opt("date", 3, json!("2026-11-20")),
                        opt("count", 4, json!(300))
                    ]),
                ),
            ))
            .await;
        assert!(
            added["data"]["embeds"][0]["title"]
                .as_str()
                .unwrap_or("")
                .starts_with("Added event #"),
            "{added:#}"
        );
    }
    let out = cli(&["digest", "--send-now", "--guild", GUILD_A]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Digests queued: 1"),
        "{out:?}"
    );
    let posted = bot
        .fake
        .wait_for("the digest", |r| {
            r.method == "POST" && r.path.ends_with(&format!("/channels/{TEXT}/messages"))
        })
        .await;
    let embed = &posted.body["embeds"][0];
    assert!(
        embed["title"]
            .as_str()
            .unwrap()
            .starts_with("Weekly layoffs digest:"),
        "{embed:#}"
    );
    let lines = embed["description"].as_str().unwrap();
    assert!(
        lines.contains("**Amazon** · 300 people") && !lines.contains("Pinterest"),
        "Retail only: {lines}"
    );
    assert_eq!(embed["image"]["url"], "attachment://layoffs-stats.png");
    assert_eq!(posted.files.len(), 1);
    assert_eq!(posted.files[0].filename, "layoffs-stats.png");
    assert!(posted.files[0].bytes.starts_with(b"\x89PNG"));

    let out = cli(&["digest", "--send-now"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Already queued: 1."),
        "{out:?}"
    );
    let out = cli(&["digest"]);
    assert_eq!(out.status.code(), Some(2), "--send-now is the only action");
    let out = cli(&["digest", "--send-now", "--guild", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn an_announced_warn_import_is_posted_to_channels_that_asked_for_filings() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let m = Who::MOD_A;
    let filings = json!([
        channel_opt(NEWS),
        opt("filings", 5, json!(true)),
        opt("min_people", 4, json!(100))
    ]);
    ask(&bot, alerts(m, "subscribe", filings, Some((NEWS, 0)), &[])).await;
    ask(
        &bot,
        alerts(
            m,
            "subscribe",
            json!([channel_opt(TEXT)]),
            Some((TEXT, 0)),
            &[],
        ),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wa.csv");
    std::fs::write(
        &file,
        "Company,Location,Layoff Start Date,# of Workers,Closure Layoff,Type of Layoff,Received Date\n\
         Amazon.com Services LLC,Seattle,1/5/2027,2300,Layoff,Permanent,11/20/2026\n\
         Tiny Shop,Tacoma,1/5/2027,12,Closure,Permanent,11/21/2026\n",
    )
    .unwrap();
    let import = |announce: bool| {
        let mut args = vec!["import".to_string(), file.display().to_string()];
        if announce {
            args.push("--announce".into());
        }
        std::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
            .args(&args)
            .env("DATABASE_URL", bot.store_url())
            .output()
            .unwrap()
    };
    let out = import(true);
    assert!(out.status.success(), "{out:?}");
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        report.contains("1 posts queued about new filings"),
        "{report}"
    );
    bot.fake
        .wait_for_posts("the filing's post", |p| {
            p.get(NEWS).is_some_and(|v| !v.is_empty())
        })
        .await;
    let post = &bot.fake.posts()[NEWS][0];
    assert_eq!(
        post["embeds"][0]["title"], "New WARN notice: Amazon",
        "{post:#}"
    );
    assert_eq!(post["allowed_mentions"], json!({"parse": []}));
    // Again: every notice a duplicate, nothing more posted anywhere.
    let again = import(true);
    let report = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(
        report.contains("0 imported") || report.contains("0 would"),
        "{report}"
    );
    assert!(!report.contains("posts queued"), "{report}");
    assert!(
        bot.fake.posts().get(TEXT).is_none_or(Vec::is_empty),
        "not asked for filings"
    );
}
