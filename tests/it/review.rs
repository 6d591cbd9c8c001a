//! The review queue end to end with the fake Discord: a home moderator names the review
//! channel, a feed's items become review posts there (never in another server), and their
//! buttons settle them once: Dismiss, Same as #N, and Add through its prefilled form, which
//! creates the event and its posts. Others are refused.

use serde_json::{Value, json};

use layoffs_bot::domain::{Actor, AlertSettings, ChannelRef, Tenant};
use layoffs_bot::service;

use crate::feeds::rss;
use crate::sources::Upstream;
use crate::sources_e2e::{cli, text};
use crate::support::bot::{Bot, HOME};
use crate::support::fake_discord::{
    CAN_POST, CHANNEL, GUILD_A, MANAGE_GUILD, MOD_USER, OTHER_CHANNEL, Who, button, modal_submit,
    slash_with_channel,
};
use crate::support::{content, now, opt, sub};

const HOME_MOD: Who<'static> = Who {
    guild: HOME,
    user: MOD_USER,
    permissions: MANAGE_GUILD,
    app_permissions: CAN_POST,
};

pub(crate) fn news() -> String {
    rss(&[
        (
            "Amazon lays off hundreds in sales, marketing and global services",
            "https://news.example/aws?utm_source=x",
            "Wed, 28 Jan 2026 09:00:00 GMT",
        ),
        (
            "Tiny startup lays off 12 workers",
            "https://news.example/tiny",
            "Fri, 20 Nov 2026 09:00:00 GMT",
        ),
        (
            "Pinterest layoffs rumoured",
            "https://news.example/pin",
            "Fri, 20 Nov 2026 09:00:00 GMT",
        ),
        (
            "Meta lays off 5% of staff",
            "https://news.example/meta",
            "Sat, 21 Nov 2026 09:00:00 GMT",
        ),
    ])
}

/// Review posts in the channel, by the link in their description.
fn review_post<'a>(posts: &'a [Value], link: &str) -> &'a Value {
    posts
        .iter()
        .find(|p| {
            p["embeds"][0]["description"]
                .as_str()
                .unwrap_or("")
                .contains(link)
        })
        .unwrap_or_else(|| panic!("no review post for {link}: {posts:#?}"))
}

fn button_ids(post: &Value) -> Vec<String> {
    post["components"][0]["components"]
        .as_array()
        .map(|b| {
            b.iter()
                .map(|b| b["custom_id"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn embed_text(answer: &Value) -> String {
    answer["data"]["embeds"][0].to_string()
}

#[tokio::test]
async fn news_is_reviewed_in_the_home_server_with_add_same_and_dismiss() {
    let up = Upstream::start().await;
    up.put("news.xml", news());
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let f = &bot.fake;
    // Guild A follows every layoff: the added event is posted there, candidates never are.
    service::subscribe(
        &bot.store,
        &Tenant::discord(GUILD_A.parse().unwrap()),
        &ChannelRef::discord(OTHER_CHANNEL.parse().unwrap()),
        &AlertSettings::default(),
        &Actor::cli("test"),
        now(),
    )
    .await
    .unwrap();

    let set = |who| {
        slash_with_channel(
            who,
            "layoff-review",
            sub("set", json!([opt("channel", 7, json!(CHANNEL))])),
            CHANNEL,
        )
    };
    let refused = f.interact(set(Who::MOD_A)).await;
    assert!(
        content(&refused).contains("only moderators of the bot's home"),
        "{refused:#}"
    );
    let done = f.interact(set(HOME_MOD)).await;
    assert!(
        content(&done).contains(&format!("posted in <#{CHANNEL}>")),
        "{done:#}"
    );

    let feed = up.url("/file/news.xml");
    let added = cli(
        bot.store_url(),
        &["sources", "add", "news", &feed, "--kind", "feed"],
    )
    .await;
    assert!(added.status.success(), "{:?}", text(&added));
    let synced = cli(bot.store_url(), &["sources", "sync", "news"]).await;
    assert!(
        text(&synced).0.contains("4 new candidates"),
        "{:?}",
        text(&synced)
    );
    f.wait_for_posts("four review posts", |p| {
        p.get(CHANNEL).is_some_and(|v| v.len() == 4)
    })
    .await;
    let posts = f.posts()[CHANNEL].clone();
    assert!(
        !f.posts().contains_key(OTHER_CHANNEL),
        "another server never sees candidates"
    );
    for p in &posts {
        assert_eq!(p["allowed_mentions"]["parse"], json!([]), "{p:#}");
    }

    dismiss_once(&bot, review_post(&posts, "news.example/pin")).await;
    same_as_the_recorded_event(&bot, review_post(&posts, "news.example/aws")).await;
    add_through_the_form(&bot, review_post(&posts, "news.example/tiny")).await;
    settled_elsewhere_is_shown(&bot, review_post(&posts, "news.example/meta")).await;
}

/// Dismissed from the command line: the review post is edited to say so, buttons gone.
async fn settled_elsewhere_is_shown(bot: &Bot, post: &Value) {
    let id = button_ids(post)
        .into_iter()
        .find_map(|i| i.strip_prefix("vd:").map(str::to_string))
        .unwrap();
    let out = cli(bot.store_url(), &["candidates", "dismiss", &id]).await;
    assert!(out.status.success(), "{:?}", text(&out));
    let message = post["id"].as_str().unwrap().to_string();
    let edited = bot
        .fake
        .wait_for("the review post edited", |r| {
            r.method == "PATCH" && r.path.ends_with(&format!("/messages/{message}"))
        })
        .await;
    let shown = edited.body.to_string();
    assert!(shown.contains("Dismissed** by the operator"), "{shown}");
    assert_eq!(edited.body["components"], json!([]), "no buttons left");
}

async fn dismiss_once(bot: &Bot, post: &Value) {
    let ids = button_ids(post);
    assert_eq!(
        ids.len(),
        2,
        "Add and Dismiss, nothing recorded is near: {ids:?}"
    );
    let dismiss = ids.iter().find(|i| i.starts_with("vd:")).unwrap();
    let f = &bot.fake;
    let plain = f.interact(button(Who::USER_A, dismiss)).await;
    assert!(content(&plain).contains("Manage Server"), "{plain:#}");
    let other = f.interact(button(Who::MOD_A, dismiss)).await;
    assert!(content(&other).contains("home server"), "{other:#}");
    let done = f.interact(button(HOME_MOD, dismiss)).await;
    assert_eq!(done["type"], 7, "the review post is updated: {done:#}");
    assert!(
        embed_text(&done).contains("Dismissed** by user01"),
        "{done:#}"
    );
    assert_eq!(done["data"]["components"], json!([]), "no buttons left");
    let again = f.interact(button(HOME_MOD, dismiss)).await;
    assert!(
        content(&again).contains("already handled by user01 (dismissed)"),
        "{again:#}"
    );
}

async fn same_as_the_recorded_event(bot: &Bot, post: &Value) {
    let ids = button_ids(post);
    let same = ids
        .iter()
        .find(|i| i.starts_with("vs:"))
        .expect("Same as #N");
    let event: i64 = same.rsplit(':').next().unwrap().parse().unwrap();
    let label = &post["components"][0]["components"][1]["label"];
    assert_eq!(label, &json!(format!("Same as #{event}")));
    assert!(
        post["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("already recorded")
    );
    let done = bot.fake.interact(button(HOME_MOD, same)).await;
    assert!(
        embed_text(&done).contains(&format!("Same layoff as** `#{event}`")),
        "{done:#}"
    );
    let stored = bot.store.event(event).await.unwrap().unwrap();
    let sources: Vec<&str> = stored
        .more_sources
        .iter()
        .map(layoffs_bot::domain::Source::as_str)
        .collect();
    assert_eq!(sources, ["https://news.example/aws?utm_source=x"]);
}

async fn add_through_the_form(bot: &Bot, post: &Value) {
    let add = button_ids(post)
        .into_iter()
        .find(|i| i.starts_with("va:"))
        .unwrap();
    let f = &bot.fake;
    let form = f.interact(button(HOME_MOD, &add)).await;
    assert_eq!(form["type"], 9, "a modal: {form:#}");
    let form_id = form["data"]["custom_id"].as_str().unwrap().to_string();
    let prefilled: Vec<(String, Value)> = form["data"]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let input = &row["components"][0];
            (
                input["custom_id"].as_str().unwrap().to_string(),
                input["value"].clone(),
            )
        })
        .collect();
    assert_eq!(
        prefilled[1],
        ("date".to_string(), json!("2026-11-20")),
        "{prefilled:?}"
    );
    assert_eq!(
        prefilled[2],
        ("people".to_string(), json!("12")),
        "{prefilled:?}"
    );
    assert_eq!(
        prefilled[0].1,
        Value::Null,
        "no company in the record was named"
    );

    let fields = [
        ("company", "Tinystartup"),
        ("date", "2026-11-20"),
        ("people", "12 (30%)"),
        ("teams", ""),
        ("location", "Berlin"),
    ];
    let mut other = Who::MOD_A;
    other.user = "600000000000000003";
    let refused = f.interact(modal_submit(other, &form_id, &fields)).await;
    assert!(content(&refused).contains("home server"), "{refused:#}");
    let done = f.interact(modal_submit(HOME_MOD, &form_id, &fields)).await;
    assert_eq!(done["type"], 7, "{done:#}");
    let text = embed_text(&done);
    assert!(
        text.contains("Added** as event `#") && text.contains("by user01"),
        "{done:#}"
    );
    let listing = service::listing(
        &bot.store,
        Some("Tinystartup"),
        &layoffs_bot::domain::Viewer::EVERYONE,
        None,
        0,
        now().date_naive(),
    )
    .await
    .unwrap();
    let rendered = layoffs_bot::render::listing_text(&listing);
    assert!(
        rendered.contains("12 people") && rendered.contains("30%") && rendered.contains("Berlin"),
        "{rendered}"
    );
    f.wait_for_posts("the added event's post in guild A", |p| {
        p.get(OTHER_CHANNEL).is_some_and(|v| !v.is_empty())
    })
    .await;
    let again = f.interact(modal_submit(HOME_MOD, &form_id, &fields)).await;
    assert!(
        content(&again).contains("already handled by user01 (added)"),
        "{again:#}"
    );
}
