//! `/layoff-alerts subscribe` with lists, exclusions, a local digest time and threads, as a
//! moderator uses it against the fake Discord (and the fake Slack) and the real binary.

use serde_json::{Value, json};

use crate::slack::{run, texts};
use crate::support::bot::Bot;
use crate::support::fake_discord::{Who, autocomplete, slash};
use crate::support::fake_slack::{ADMIN, TEAM_A};
use crate::support::slack_bot::SlackBot;
use crate::support::{content, is_ephemeral, no_pings, opt, sub};

const TEXT: &str = "720000000000000011";
const NO_THREADS: &str = "720000000000000012";
const FORUM: &str = "720000000000000013";
const CREATE_PUBLIC_THREADS: u64 = 1 << 35;

/// `/layoff-alerts subscribe` in `channel` (of `kind`) with `options`.
pub(crate) fn subscribe(channel: &str, kind: u8, options: &[Value]) -> Value {
    let mut all = vec![opt("channel", 7, json!(channel))];
    all.extend_from_slice(options);
    let mut i = slash(
        Who::MOD_A,
        "layoff-alerts",
        sub("subscribe", Value::Array(all)),
    );
    i["data"]["resolved"]["channels"] =
        json!({ channel: {"id": channel, "type": kind, "name": "alerts", "permissions": "0"} });
    i
}

/// An ephemeral answer that pings nobody, as its text.
pub(crate) async fn ask(bot: &Bot, interaction: Value) -> String {
    let answer = bot.fake.interact(interaction).await;
    assert!(is_ephemeral(&answer), "{answer:#}");
    no_pings(&answer);
    content(&answer)
}

/// The choices autocomplete offers for `option` of subscribe, typed so far as `typed`.
async fn choices(bot: &Bot, option: &str, typed: &str) -> Vec<(String, String)> {
    let focused = json!([{"name": "subscribe", "type": 1, "options": [
        {"name": option, "type": 3, "value": typed, "focused": true}
    ]}]);
    let answer = bot
        .fake
        .interact(autocomplete(Who::MOD_A, "layoff-alerts", focused))
        .await;
    assert_eq!(answer["type"], 8, "{answer:#}");
    answer["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["value"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[tokio::test]
async fn lists_local_times_and_threads_are_set_completed_and_posted() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let said = ask(
        &bot,
        subscribe(
            TEXT,
            0,
            &[
                opt("company", 3, json!("amazon, Meta")),
                opt("exclude", 3, json!("Consumer")),
                opt("thread", 5, json!(true)),
                opt("thread_archive", 3, json!("1w")),
            ],
        ),
    )
    .await;
    assert!(
        said.starts_with(&format!(
            "Subscribed <#{TEXT}>: Amazon, Meta only · not Consumer · a post per event · a \
             thread under each post (archived after 1w)."
        )),
        "{said}"
    );
    let weekly = ask(
        &bot,
        subscribe(
            NO_THREADS,
            0,
            &[
                opt("industry", 3, json!("retail,Consumer")),
                opt("mode", 3, json!("weekly")),
                opt("hour", 4, json!(9)),
                opt("timezone", 3, json!("europe/berlin")),
                opt("weekday", 3, json!("friday")),
            ],
        ),
    )
    .await;
    assert!(
        weekly.contains(
            "industry Retail, Consumer · weekly digest at 09:00 Europe/Berlin on Fridays"
        ) && weekly.contains("A weekly digest goes out at 09:00 Europe/Berlin on Fridays"),
        "{weekly}"
    );
    refusals(&bot).await;
    completions(&bot).await;
    a_post_gets_its_thread(&bot).await;
}

async fn refusals(bot: &Bot) {
    let unknown = ask(
        bot,
        subscribe(TEXT, 0, &[opt("company", 3, json!("Amazon, Metta"))]),
    )
    .await;
    assert!(
        unknown.contains("No company matches \"Metta\"") && unknown.contains("Meta"),
        "{unknown}"
    );
    bot.fake.deny_in_channel(NO_THREADS, CREATE_PUBLIC_THREADS);
    let denied = ask(
        bot,
        subscribe(NO_THREADS, 0, &[opt("thread", 5, json!(true))]),
    )
    .await;
    assert!(
        denied.starts_with(&format!(
            "I can't post in <#{NO_THREADS}>: I'm missing Create Public Threads there."
        )),
        "{denied}"
    );
    let forum_thread = ask(bot, subscribe(FORUM, 15, &[opt("thread", 5, json!(true))])).await;
    assert!(
        forum_thread.contains("already its own thread"),
        "{forum_thread}"
    );
    let daily_weekday = ask(
        bot,
        subscribe(
            TEXT,
            0,
            &[
                opt("mode", 3, json!("daily")),
                opt("weekday", 3, json!("monday")),
            ],
        ),
    )
    .await;
    assert!(
        daily_weekday.contains("weekday is for weekly digests"),
        "{daily_weekday}"
    );
    let listed = ask(
        bot,
        slash(Who::MOD_A, "layoff-alerts", sub("list", json!([]))),
    )
    .await;
    assert!(
        listed.contains(&format!("<#{TEXT}>: Amazon, Meta only")),
        "{listed}"
    );
}

async fn completions(bot: &Bot) {
    let companies = choices(bot, "company", "Amazon, gogl").await;
    assert_eq!(
        companies.first(),
        Some(&(
            "Amazon, Google (Alphabet)".to_string(),
            "Amazon, Alphabet".to_string()
        )),
        "{companies:?}"
    );
    let zones = choices(bot, "timezone", "berl").await;
    assert_eq!(
        zones,
        [("Europe/Berlin".to_string(), "Europe/Berlin".to_string())]
    );
    let industries = choices(bot, "industry", "Retail, cons").await;
    assert!(
        industries.iter().any(|(_, v)| v == "Retail, Consumer"),
        "{industries:?}"
    );
    let exclude = choices(bot, "exclude", "retai").await;
    assert_eq!(
        exclude[0],
        ("Retail (industry)".to_string(), "Retail".to_string())
    );
}

async fn a_post_gets_its_thread(bot: &Bot) {
    let event = json!([
        opt("company", 3, json!("Amazon")),
        opt("date", 3, json!("2026-11-20")),
        opt("count", 4, json!(500))
    ]);
    let added = bot.layoff("add", event).await;
    let title = added["data"]["embeds"][0]["title"].as_str().unwrap_or("");
    let id: i64 = title
        .trim_start_matches("Added event #")
        .parse()
        .expect(title);
    let opened = bot
        .fake
        .wait_for("the thread under the post", |r| {
            r.method == "POST" && r.path.ends_with("/threads")
        })
        .await;
    let post = &bot.fake.posts()[TEXT][0];
    assert_eq!(
        opened.path,
        format!(
            "/api/v10/channels/{TEXT}/messages/{}/threads",
            post["id"].as_str().unwrap()
        )
    );
    let threads = bot.fake.threads(TEXT);
    assert_eq!(threads.len(), 1);
    assert_eq!(threads[0].name, "Amazon: 500 jobs (2026-11-20)");
    assert_eq!(threads[0].auto_archive_duration, 10080);
    the_thread_follows_its_event(bot, id).await;
}

/// A correction renames the thread with the post; a removal locks and archives it.
async fn the_thread_follows_its_event(bot: &Bot, id: i64) {
    let edit = json!([opt("id", 4, json!(id)), opt("count", 4, json!(700))]);
    bot.layoff("edit", edit).await;
    let thread = bot.fake.threads(TEXT)[0].id.clone();
    bot.fake
        .wait_for("the thread renamed", |r| {
            r.method == "PATCH" && r.body["name"] == "Amazon: 700 jobs (2026-11-20)"
        })
        .await;
    assert_eq!(
        bot.fake.threads(TEXT)[0].name,
        "Amazon: 700 jobs (2026-11-20)"
    );
    bot.layoff("remove", json!([opt("id", 4, json!(id))])).await;
    let closed = bot
        .fake
        .wait_for("the thread locked", |r| {
            r.method == "PATCH" && r.body["locked"] == true
        })
        .await;
    assert_eq!(closed.path, format!("/api/v10/channels/{thread}"));
    let t = &bot.fake.threads(TEXT)[0];
    assert!(t.locked && t.archived, "{t:?}");
    let post = &bot.fake.posts()[TEXT][0];
    assert!(
        post["embeds"][0].to_string().contains("removed"),
        "{post:#}"
    );
}

#[tokio::test]
async fn slack_alerts_take_lists_and_local_time_and_refuse_threads_with_why() {
    let bot = SlackBot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let said = run(
        &bot,
        TEAM_A,
        ADMIN,
        "/layoff-alerts",
        "subscribe <#C0000OK1|x> company:\"amazon, Meta\" exclude:Consumer mode:weekly hour:9 \
         timezone:Europe/Berlin weekday:friday",
    )
    .await;
    assert!(
        texts(&said).contains(
            "Amazon, Meta only · not Consumer · weekly digest at 09:00 Europe/Berlin on Fridays"
        ),
        "{said:#}"
    );
    let typo = run(
        &bot,
        TEAM_A,
        ADMIN,
        "/layoff-alerts",
        "subscribe company:Amazon,Metta",
    )
    .await;
    assert!(
        texts(&typo).contains("No company matches \"Metta\""),
        "{typo:#}"
    );
    for asked in ["thread:yes", "thread_archive:1d", "forum:yes"] {
        let said = run(
            &bot,
            TEAM_A,
            ADMIN,
            "/layoff-alerts",
            &format!("subscribe {asked}"),
        )
        .await;
        let name = asked.split(':').next().unwrap();
        assert!(
            texts(&said).contains(&format!("{name}: is Discord's")),
            "{asked}: {said:#}"
        );
    }
    let listed = run(&bot, TEAM_A, ADMIN, "/layoff-alerts", "list").await;
    assert!(
        texts(&listed).contains("<#C0000OK1>: Amazon, Meta only"),
        "{listed:#}"
    );
}
