//! The review queue end to end with the fake Slack: only the home workspace sets it, review
//! posts reach its channel through the outbox, Dismiss answers through the response URL
//! once, and Add opens the add form prefilled whose submission adds the event and updates
//! the review post with `chat.update`.

use serde_json::{Value, json};

use crate::review::news;
use crate::slack::{run, texts};
use crate::sources::Upstream;
use crate::sources_e2e::{cli, text};
use crate::support::fake_slack::{ADMIN, HOME_TEAM, Signed, TEAM_A, interaction};
use crate::support::slack_bot::SlackBot;

const REVIEWS: &str = "C0000REV";

/// A button pressed on the bot's message `ts` in the review channel, by `user` ("alice").
async fn press_on(bot: &SlackBot, team: &str, action: &str, ts: &str) {
    let payload = json!({
        "type": "block_actions",
        "team": {"id": team, "domain": "example"},
        "user": {"id": ADMIN, "username": "alice", "name": "alice", "team_id": team},
        "api_app_id": "A0001",
        "container": {"type": "message", "message_ts": ts, "channel_id": REVIEWS},
        "channel": {"id": REVIEWS},
        "response_url": bot.fake.response_url(7),
        "actions": [{"type": "button", "action_id": action, "block_id": "b", "value": action,
                     "action_ts": "1764000000.000002"}],
    });
    let (status, _) = Signed::new(interaction(&payload))
        .send(&bot.interactivity_url())
        .await;
    assert_eq!(status, 200);
}

fn action_ids(message: &Value) -> Vec<String> {
    message["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().unwrap().clone())
        .map(|e| e["action_id"].as_str().unwrap().to_string())
        .collect()
}

async fn next_response(bot: &SlackBot, seen: usize) -> Value {
    bot.fake
        .wait_for("an answer", |f| f.responses().len() > seen)
        .await;
    bot.fake.responses()[seen].clone()
}

#[tokio::test]
async fn the_home_workspace_reviews_news_in_slack() {
    let up = Upstream::start().await;
    up.put("news.xml", news());
    let bot = SlackBot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let set = format!("set <#{REVIEWS}|reviews>");
    let refused = run(&bot, TEAM_A, ADMIN, "/layoff-review", &set).await;
    assert!(
        texts(&refused).contains("only moderators of the bot's home"),
        "{refused:#}"
    );
    let done = run(&bot, HOME_TEAM, ADMIN, "/layoff-review", &set).await;
    assert!(
        texts(&done).contains(&format!("posted in <#{REVIEWS}>")),
        "{done:#}"
    );

    let feed = up.url("/file/news.xml");
    let url = bot.store_url().to_string();
    let added = cli(&url, &["sources", "add", "news", &feed, "--kind", "feed"]).await;
    assert!(added.status.success(), "{:?}", text(&added));
    let synced = cli(&url, &["sources", "sync", "news"]).await;
    assert!(synced.status.success(), "{:?}", text(&synced));
    bot.fake
        .wait_for("four review posts", |f| f.messages(REVIEWS).len() == 4)
        .await;
    let posts = bot.fake.messages(REVIEWS);
    let post = |title: &str| {
        posts
            .iter()
            .find(|m| texts(m).contains(title))
            .unwrap_or_else(|| panic!("no review post for {title}: {posts:#?}"))
            .clone()
    };

    let pin = post("Pinterest layoffs");
    let dismiss = action_ids(&pin)
        .into_iter()
        .find(|a| a.starts_with("vd:"))
        .unwrap();
    let ts = pin["ts"].as_str().unwrap();
    press_on(&bot, TEAM_A, &dismiss, ts).await;
    assert!(texts(&next_response(&bot, 0).await).contains("home server or workspace"));
    press_on(&bot, HOME_TEAM, &dismiss, ts).await;
    let answer = next_response(&bot, 1).await;
    assert_eq!(answer["replace_original"], true, "{answer:#}");
    let said = texts(&answer).replace('*', "");
    assert!(said.contains("Dismissed by alice"), "{answer:#}");
    press_on(&bot, HOME_TEAM, &dismiss, ts).await;
    let again = texts(&next_response(&bot, 2).await);
    assert!(
        again.contains("already handled by alice (dismissed)"),
        "{again}"
    );

    add_through_the_modal(&bot, &post("Tiny startup")).await;
}

async fn add_through_the_modal(bot: &SlackBot, tiny: &Value) {
    let add = action_ids(tiny)
        .into_iter()
        .find(|a| a.starts_with("va:"))
        .unwrap();
    let ts = tiny["ts"].as_str().unwrap();
    press_on(bot, HOME_TEAM, &add, ts).await;
    bot.fake
        .wait_for("the add form", |f| !f.calls("views.open").is_empty())
        .await;
    let view = bot.fake.calls("views.open")[0]["view"].clone();
    assert_eq!(view["callback_id"], "review_add");
    let initial = |block: &str| {
        view["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["block_id"] == block)
            .unwrap()["element"]["initial_value"]
            .clone()
    };
    assert_eq!(initial("count"), json!("12"));
    assert_eq!(initial("date"), json!("2026-11-20"));
    assert_eq!(initial("source"), json!("https://news.example/tiny"));
    let metadata: Value = serde_json::from_str(view["private_metadata"].as_str().unwrap()).unwrap();
    let mut values = serde_json::Map::new();
    for (block, value) in [
        ("company", "Tinystartup"),
        ("count", "12"),
        ("location", "Berlin"),
    ] {
        values.insert(
            block.to_string(),
            json!({"value": {"type": "plain_text_input", "value": value}}),
        );
    }
    let submission = json!({
        "type": "view_submission",
        "team": {"id": HOME_TEAM, "domain": "example"},
        "user": {"id": ADMIN, "username": "alice", "team_id": HOME_TEAM},
        "api_app_id": "A0001",
        "view": {"id": "V1", "team_id": HOME_TEAM, "type": "modal", "callback_id": "review_add",
                 "private_metadata": metadata.to_string(), "hash": "h", "blocks": [],
                 "state": {"values": values}},
    });
    let (status, answer) = Signed::new(interaction(&submission))
        .send(&bot.interactivity_url())
        .await;
    assert_eq!((status, answer), (200, json!({"response_action": "clear"})));
    // The form's post is updated (the dismissed one is too, by the outbox: not this one).
    let this_post = |c: &Value| c["channel"] == REVIEWS && c["ts"] == ts;
    bot.fake
        .wait_for("the review post updated", |f| {
            f.calls("chat.update").iter().any(this_post)
        })
        .await;
    let calls = bot.fake.calls("chat.update");
    let update = calls.iter().find(|c| this_post(c)).unwrap();
    let said = texts(update).replace('*', "");
    assert!(
        said.contains("Added as event") && said.contains("by alice"),
        "{said}"
    );
    let listed = run(bot, TEAM_A, ADMIN, "/layoffs", "Tinystartup").await;
    assert!(texts(&listed).contains("Berlin"), "global: {listed:#}");
}
