//! Alerts in Discord forum channels, against the fake Discord (forums with tags, forum posts,
//! active threads, locking) and the real binary: a forum post per event with its tags, a
//! retry after a lost answer that finds the post, corrections and removals, digests.

use serde_json::{Value, json};

use crate::alert_lists_bot::ask;
use crate::support::bot::Bot;
use crate::support::{content, is_ephemeral, opt};

const FORUM: &str = "740000000000000001";
const DIGESTS: &str = "740000000000000002";
const CLOSED: &str = "740000000000000003";
const TAGGED: &str = "740000000000000004";
const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;

/// `/layoff-alerts subscribe` in forum `channel`.
fn subscribe(channel: &str, options: &[Value]) -> Value {
    crate::alert_lists_bot::subscribe(channel, 15, options)
}

/// GETs of the forum channel itself (its tags and flags).
fn forum_reads(bot: &Bot) -> usize {
    let path = format!("/api/v10/channels/{FORUM}");
    let requests = bot.fake.requests();
    requests
        .iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .count()
}

#[tokio::test]
async fn each_event_is_a_tagged_forum_post_found_again_after_a_lost_answer_edited_and_locked() {
    let (bot, _) = Bot::start_with(
        &["tests/data/layoffs_fyi_sample.csv"],
        &[("DELIVERY_RETRY_BASE_MS", "50")],
    )
    .await;
    let tags = [
        ("9001", "Retail"),
        ("9002", "united states"),
        ("9003", "Crypto"),
    ];
    bot.fake.add_forum(FORUM, &tags);
    bot.fake.add_forum(DIGESTS, &[]);
    bot.fake.add_forum(CLOSED, &tags);
    bot.fake.deny_in_channel(CLOSED, SEND_MESSAGES_IN_THREADS);
    let said = ask(&bot, subscribe(FORUM, &[])).await;
    assert!(
        said.starts_with(&format!(
            "Subscribed <#{FORUM}>: all companies · a post per event · a forum post per event."
        )),
        "{said}"
    );
    bot.fake
        .add_forum(TAGGED, &[("9101", "Hardware"), ("9102", "Retail")]);
    bot.fake.require_tag(TAGGED);
    let warned = ask(&bot, subscribe(TAGGED, &[opt("company", 3, json!("Meta"))])).await;
    assert!(
        warned.contains("This forum requires a tag on every post: an event goes out only when one of its tags (Hardware, Retail) is named like the company's industry or country."),
        "{warned}"
    );
    let refused = ask(&bot, subscribe(CLOSED, &[])).await;
    assert!(
        refused.starts_with(&format!(
            "I can't post in <#{CLOSED}>: I'm missing Send Messages in Threads there."
        )),
        "{refused}"
    );
    bot.fake.lose_forum_answers(FORUM, 1);
    let reads_before = forum_reads(&bot);
    let added = bot
        .layoff(
            "add",
            json!([
                opt("company", 3, json!("Amazon")),
                opt("date", 3, json!("2026-11-20")),
                opt("approx", 3, json!("hundreds"))
            ]),
        )
        .await;
    let title = added["data"]["embeds"][0]["title"].as_str().unwrap_or("");
    let id: i64 = title
        .trim_start_matches("Added event #")
        .parse()
        .expect(title);
    bot.fake
        .wait_for("the retry's look among active threads", |r| {
            r.method == "GET" && r.path.ends_with("/threads/active")
        })
        .await;
    corrected_and_removed(&bot, id).await;
    assert_eq!(
        forum_reads(&bot) - reads_before,
        1,
        "the forum's tags are read once for the post, its retry and its edits"
    );
    digests_are_forum_posts(&bot).await;
}

/// The lost answer's post was found (one post, edited in place), then locked on removal.
async fn corrected_and_removed(bot: &Bot, id: i64) {
    let edited = bot
        .layoff(
            "edit",
            json!([opt("id", 4, json!(id)), opt("count", 4, json!(600))]),
        )
        .await;
    assert!(is_ephemeral(&edited), "{edited:#}");
    let renamed = bot
        .fake
        .wait_for("the post renamed", |r| {
            r.method == "PATCH" && r.body["name"] == "Amazon: 600 jobs (2026-11-20)"
        })
        .await;
    let posts = bot.fake.threads(FORUM);
    assert_eq!(
        posts.len(),
        1,
        "one post despite the lost answer: {posts:?}"
    );
    let post = &posts[0];
    assert_eq!(renamed.path, format!("/api/v10/channels/{}", post.id));
    assert_eq!(
        post.applied_tags,
        ["9001", "9002"],
        "Retail and United States, not Crypto"
    );
    let first = &bot.fake.posts()[&post.id][0];
    assert!(first.get("nonce").is_none());
    assert_eq!(first["allowed_mentions"], json!({"parse": []}));
    let embed = first["embeds"][0]["fields"].to_string();
    assert!(
        embed.contains("600"),
        "the first message was edited: {embed}"
    );
    let removed = bot.layoff("remove", json!([opt("id", 4, json!(id))])).await;
    assert!(
        content(&removed).starts_with(&format!("Removed event #{id}")),
        "{removed:#}"
    );
    bot.fake
        .wait_for("the post locked", |r| {
            r.method == "PATCH" && r.body["locked"] == true
        })
        .await;
    let post = &bot.fake.threads(FORUM)[0];
    assert!(post.locked && post.archived, "{post:?}");
    let first = &bot.fake.posts()[&post.id][0];
    let notice = first["embeds"][0].to_string();
    assert!(notice.contains("removed"), "{notice}");
    assert_eq!(
        post.name, "Amazon: 600 jobs (2026-11-20)",
        "the title stays"
    );
}

/// A digest channel that is a forum gets one forum post per period.
async fn digests_are_forum_posts(bot: &Bot) {
    let said = ask(bot, subscribe(DIGESTS, &[opt("mode", 3, json!("daily"))])).await;
    assert!(said.contains("daily digest"), "{said}");
    bot.layoff(
        "add",
        json!([
            opt("company", 3, json!("Meta")),
            opt("date", 3, json!("2026-11-21")),
            opt("count", 4, json!(40))
        ]),
    )
    .await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .args(["digest", "--send-now"])
        .env("DATABASE_URL", bot.store_url())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Digests queued: 1"),
        "{out:?}"
    );
    bot.fake
        .wait_for("the digest's forum post", |r| {
            r.method == "POST" && r.path == format!("/api/v10/channels/{DIGESTS}/threads")
        })
        .await;
    // Meta (Consumer, United States) has no tag in the forum that requires one: not posted,
    // and the operator is told why.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .arg("deliveries")
        .env("DATABASE_URL", bot.store_url())
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains(
            "the forum requires a tag, and none of its tags is named like Consumer or United States"
        ),
        "{listed}"
    );
    assert!(bot.fake.threads(TAGGED).is_empty());
    let posts = bot.fake.threads(DIGESTS);
    assert_eq!(posts.len(), 1);
    assert!(
        posts[0].name.starts_with("Daily layoffs digest to "),
        "{posts:?}"
    );
    let first = &bot.fake.posts()[&posts[0].id][0];
    assert!(
        first["embeds"][0]["description"]
            .to_string()
            .contains("Meta"),
        "{first:#}"
    );
}
