//! Posts of new events to subscribed channels, end to end: the real bot, the fake Discord with
//! faults injected, a gateway disconnect, and `kill -9` in the middle of a fan-out.

use layoffs_bot::domain::{Actor, AlertFilter, AlertSettings, ChannelRef, Tenant};
use layoffs_bot::service;
use serde_json::{Value, json};

use crate::support::bot::Bot;
use crate::support::fake_discord::{Fault, GUILD_A, GUILD_B, Who, slash, slash_with_channel};
use crate::support::now;
use crate::support::{content, opt, sub};

/// Channel ids of this file's tests: 7100…, one per index.
pub(crate) fn channel(i: u64) -> String {
    (710_000_000_000_000_000 + i).to_string()
}

fn id(s: &str) -> u64 {
    s.parse().unwrap()
}

pub(crate) async fn subscribe(bot: &Bot, guild: &str, channel: &str, company: Option<&str>) {
    let company = match company {
        Some(name) => Some(
            bot.store
                .find_company(name, &layoffs_bot::domain::Viewer::EVERYONE)
                .await
                .unwrap()
                .expect(name),
        ),
        None => None,
    };
    let tenant = Tenant::discord(id(guild));
    let actor = Actor::cli("test");
    let settings = AlertSettings {
        filter: AlertFilter {
            companies: company.map(|c| c.id).into_iter().collect(),
            ..AlertFilter::default()
        },
        ..AlertSettings::default()
    };
    service::subscribe(
        &bot.store,
        &tenant,
        &ChannelRef::discord(id(channel)),
        &settings,
        &actor,
        now(),
    )
    .await
    .unwrap();
}

pub(crate) async fn add(bot: &Bot, who: Who<'static>, options: Value) -> i64 {
    let answer = bot
        .fake
        .interact(slash(who, "layoff", sub("add", options)))
        .await;
    let title = answer["data"]["embeds"][0]["title"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    title
        .strip_prefix("Added event #")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not added: {answer:#}"))
}

/// Waits until the worker has recorded everything it posted so far: a marker event's post
/// comes in a later round than any post already seen. The marker is added in a guild of its
/// own, so it reaches no other channel. Returns its id (its own delivery may be unrecorded).
async fn settle(bot: &Bot) -> i64 {
    const GUILD_C: &str = "800000000000000003";
    let marker = channel(9999);
    subscribe(bot, GUILD_C, &marker, None).await;
    let before = count(&bot.fake.posts(), &marker);
    let mod_c = Who {
        guild: GUILD_C,
        ..Who::MOD_A
    };
    // A new company each time, so a second marker is not held as "nearby" the first.
    let company = format!("Marker {before}");
    let id = add(bot, mod_c, json!([opt("company", 3, json!(company))])).await;
    bot.fake
        .wait_for_posts("the marker post", |p| count(p, &marker) > before)
        .await;
    id
}

fn count(posts: &std::collections::HashMap<String, Vec<Value>>, channel: &str) -> usize {
    posts.get(channel).map_or(0, Vec::len)
}

#[tokio::test]
async fn a_new_event_is_posted_once_to_each_matching_subscription() {
    let (bot, _) = Bot::start(&["data/sample_2024.csv"]).await;
    let (all_a, amazon_a, tesla_a, all_b) = (channel(1), channel(2), channel(3), channel(4));
    subscribe(&bot, GUILD_A, &all_a, None).await;
    subscribe(&bot, GUILD_A, &amazon_a, Some("Amazon")).await;
    subscribe(&bot, GUILD_A, &tesla_a, Some("Tesla")).await;
    subscribe(&bot, GUILD_B, &all_b, None).await;

    let event = add(
        &bot,
        Who::MOD_A,
        json!([
            opt("company", 3, json!("AWS")),
            opt("date", 3, json!("2024-06-20")),
            opt("count", 4, json!(1000)),
            opt("teams", 3, json!("Sales @everyone")),
            opt("source", 3, json!("https://example.com/aws"))
        ]),
    )
    .await;
    bot.fake
        .wait_for_posts("posts in guild A", |p| {
            count(p, &all_a) == 1 && count(p, &amazon_a) == 1
        })
        .await;
    // Absence is only evidence once the worker has finished what it had to do.
    settle(&bot).await;
    let posts = bot.fake.posts();
    assert_eq!(count(&posts, &tesla_a), 0, "another company's subscription");
    assert_eq!(
        count(&posts, &all_b),
        0,
        "an event of guild A stays in guild A"
    );

    let post = &posts[&all_a][0];
    assert_eq!(post["allowed_mentions"]["parse"], json!([]));
    assert_eq!(post["enforce_nonce"], true);
    assert!(post["nonce"].as_str().unwrap().starts_with("lb-"));
    let embed = &post["embeds"][0];
    assert_eq!(embed["title"], "New layoff: Amazon (Sales @everyone)");
    let description = embed["description"].as_str().unwrap();
    // The sample has Amazon's 2024-04-03 (hundreds) and 2024-02-06 (400) within 12 months.
    assert!(
        description.contains("Amazon's 3rd reported layoff in the last 12 months, at least 1,400 people across them (1 without a reported number)."),
        "{description}"
    );
    assert_eq!(
        embed["fields"][0],
        json!({"name": "People", "value": "1,000 people", "inline": false})
    );
    assert!(
        embed["footer"]["text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Event #{event} · added "))
    );

    // Editing and removing post nothing more; a CSV import posts nothing.
    let edit = bot
        .fake
        .interact(slash(
            Who::MOD_A,
            "layoff",
            sub(
                "edit",
                json!([opt("id", 4, json!(event)), opt("count", 4, json!(900))]),
            ),
        ))
        .await;
    assert!(
        content(&edit).is_empty()
            && edit["data"]["embeds"][0]["title"]
                .as_str()
                .unwrap()
                .starts_with("Updated")
    );
    // The correction edits the posts already sent, in place.
    let edited = bot
        .fake
        .wait_for("the edit of the post", |r| {
            r.method == "PATCH"
                && r.path
                    .starts_with(&format!("/api/v10/channels/{all_a}/messages/"))
        })
        .await;
    assert_eq!(edited.body["embeds"][0]["fields"][0]["value"], "900 people");
    assert_eq!(edited.body["allowed_mentions"]["parse"], json!([]));
    let imported = layoffs_bot::csv_io::import_file(
        &bot.store,
        &crate::support::data("tests/data/layoffs_fyi_classic_2361.csv"),
        false,
        now(),
    )
    .await
    .unwrap();
    assert!(imported.imported > 2000);
    let marker = settle(&bot).await;
    let rows = bot.store.open_deliveries().await.unwrap();
    assert!(
        rows.iter().all(|r| r.what == format!("event #{marker}")),
        "only sent deliveries: {rows:?}"
    );
    // The import (Amazon and Tesla events among them) and the edit posted nothing.
    let posts = bot.fake.posts();
    assert_eq!(count(&posts, &amazon_a), 1);
    assert_eq!(count(&posts, &tesla_a), 0);
    assert_eq!(count(&posts, &all_b), 0);
}

#[tokio::test]
async fn global_events_from_the_home_guild_reach_every_guild() {
    let (bot, _) = Bot::start_with(&[], &[("HOME_GUILD_ID", GUILD_A)]).await;
    let (a, b) = (channel(11), channel(12));
    subscribe(&bot, GUILD_A, &a, None).await;
    subscribe(&bot, GUILD_B, &b, None).await;
    add(
        &bot,
        Who::MOD_A,
        json!([
            opt("company", 3, json!("Globex")),
            opt("approx", 3, json!("dozens"))
        ]),
    )
    .await;
    bot.fake
        .wait_for_posts("a post in both guilds", |p| {
            count(p, &a) == 1 && count(p, &b) == 1
        })
        .await;
    // From guild B the event is B's own: A hears nothing.
    add(
        &bot,
        Who::MOD_B,
        json!([
            opt("company", 3, json!("Initech")),
            opt("count", 4, json!(3))
        ]),
    )
    .await;
    bot.fake
        .wait_for_posts("a post in B", |p| count(p, &b) == 2)
        .await;
    settle(&bot).await;
    assert_eq!(count(&bot.fake.posts(), &a), 1);
}

#[tokio::test]
async fn faults_are_retried_waited_out_or_disable_the_subscription() {
    let (bot, _) = Bot::start_with(&[], &[("DELIVERY_RETRY_BASE_MS", "20")]).await;
    let channels: Vec<String> = (21..=26).map(channel).collect();
    for c in &channels {
        subscribe(&bot, GUILD_A, c, None).await;
    }
    let (ok, errors, route, global, forbidden, gone) = (
        &channels[0],
        &channels[1],
        &channels[2],
        &channels[3],
        &channels[4],
        &channels[5],
    );
    bot.fake.fault(errors, Fault::ServerErrors(2));
    bot.fake.fault(route, Fault::RouteLimited(3));
    bot.fake.fault(global, Fault::GlobalLimited(2));
    bot.fake.fault(forbidden, Fault::Status(403));
    bot.fake.fault(gone, Fault::Status(404));

    add(
        &bot,
        Who::MOD_A,
        json!([
            opt("company", 3, json!("Hooli")),
            opt("count", 4, json!(50))
        ]),
    )
    .await;
    bot.fake
        .wait_for_posts("every reachable channel", |p| {
            [ok, errors, route, global].iter().all(|c| count(p, c) == 1)
        })
        .await;
    // The next event skips the disabled channels. Its post comes in a later round than the
    // 403 and 404, so their outcome is recorded by then.
    add(
        &bot,
        Who::MOD_A,
        json!([
            opt("company", 3, json!("Hooli")),
            opt("date", 3, json!("2020-01-01")),
            opt("count", 4, json!(7))
        ]),
    )
    .await;
    bot.fake
        .wait_for_posts("the second event", |p| count(p, ok) == 2)
        .await;
    the_403_and_404_channels_are_disabled_and_not_tried_again(&bot, forbidden, gone).await;
    moderators_and_the_operator_see_it_and_subscribing_re_enables(&bot, forbidden).await;
}

/// After a 403 and a 404, both subscriptions are off and nothing is tried there again.
async fn the_403_and_404_channels_are_disabled_and_not_tried_again(
    bot: &Bot,
    forbidden: &str,
    gone: &str,
) {
    let disabled = bot.store.disabled_subscriptions().await.unwrap();
    assert_eq!(disabled.len(), 2, "{disabled:?}");
    assert!(
        disabled
            .iter()
            .any(|d| d.channel == ChannelRef::discord(id(forbidden)) && d.reason.contains("403")),
        "{disabled:?}"
    );
    assert!(
        disabled
            .iter()
            .any(|d| d.channel == ChannelRef::discord(id(gone)) && d.reason.contains("404")),
        "{disabled:?}"
    );
    let posts = bot.fake.posts();
    assert_eq!(
        count(&posts, forbidden) + count(&posts, gone),
        0,
        "nothing is posted there"
    );
    let attempts_to_forbidden = bot
        .fake
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST" && r.path.ends_with(&format!("/channels/{forbidden}/messages"))
        })
        .count();
    assert_eq!(
        attempts_to_forbidden, 1,
        "a disabled channel is not tried again"
    );
}

/// `/layoff-alerts list` and `layoffs-bot deliveries` say why; subscribing again turns it on.
async fn moderators_and_the_operator_see_it_and_subscribing_re_enables(bot: &Bot, forbidden: &str) {
    let list = bot
        .fake
        .interact(slash(Who::MOD_A, "layoff-alerts", sub("list", json!([]))))
        .await;
    assert!(
        content(&list).contains(&format!(
            "<#{forbidden}>: all companies, disabled: Discord 403"
        )),
        "{list:#}"
    );

    // The operator sees the same from the command line.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .arg("deliveries")
        .env("DATABASE_URL", bot.store_url())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Disabled subscriptions: 2"), "{text}");
    assert!(text.contains("Dead: 2"), "{text}");

    // Subscribing again re-enables it.
    bot.fake.fault(forbidden, Fault::ServerErrors(0));
    let again = slash_with_channel(
        Who::MOD_A,
        "layoff-alerts",
        sub("subscribe", json!([opt("channel", 7, json!(forbidden))])),
        forbidden,
    );
    let answer = bot.fake.interact(again).await;
    assert!(content(&answer).contains("Subscribed"), "{answer:#}");
    let list = bot
        .fake
        .interact(slash(Who::MOD_A, "layoff-alerts", sub("list", json!([]))))
        .await;
    assert!(
        content(&list).contains(&format!("<#{forbidden}>: all companies, active")),
        "{list:#}"
    );
}

#[tokio::test]
async fn posts_continue_after_a_gateway_disconnect() {
    let (bot, _) = Bot::start(&[]).await;
    let c = channel(31);
    subscribe(&bot, GUILD_A, &c, None).await;
    bot.fake.disconnect();
    bot.fake.wait_connected().await;
    add(
        &bot,
        Who::MOD_A,
        json!([
            opt("company", 3, json!("Umbrella")),
            opt("count", 4, json!(9))
        ]),
    )
    .await;
    bot.fake
        .wait_for_posts("the post after reconnecting", |p| count(p, &c) == 1)
        .await;
}

#[tokio::test]
async fn kill_9_in_the_middle_of_a_fan_out_loses_and_repeats_nothing() {
    let (mut bot, _) = Bot::start(&[]).await;
    let channels: Vec<String> = (1000..1150).map(channel).collect();
    for c in &channels {
        subscribe(&bot, GUILD_A, c, None).await;
    }
    add(
        &bot,
        Who::MOD_A,
        json!([
            opt("company", 3, json!("Massive Dynamic")),
            opt("count", 4, json!(500))
        ]),
    )
    .await;
    bot.fake
        .wait_for_posts("the fan-out under way", |p| p.len() >= 30)
        .await;
    bot.crash_and_restart().await;
    let posted_before_restart = bot.fake.posts().len();
    assert!(
        posted_before_restart < channels.len(),
        "the kill came mid fan-out"
    );
    bot.fake
        .wait_for_posts("every channel", |p| {
            channels.iter().all(|c| count(p, c) >= 1)
        })
        .await;
    let posts = bot.fake.posts();
    for c in &channels {
        assert_eq!(count(&posts, c), 1, "channel {c}");
    }
    let marker = settle(&bot).await;
    let open = bot.store.open_deliveries().await.unwrap();
    assert!(
        open.iter().all(|r| r.what == format!("event #{marker}")),
        "{open:?}"
    );
}

#[tokio::test]
async fn a_fan_out_stays_under_the_global_limit() {
    let (bot, _) = Bot::start(&[]).await;
    bot.fake.enforce_global_limit();
    let channels: Vec<String> = (2000..2120).map(channel).collect();
    for c in &channels {
        subscribe(&bot, GUILD_A, c, None).await;
    }
    add(
        &bot,
        Who::MOD_A,
        json!([
            opt("company", 3, json!("Cyberdyne")),
            opt("count", 4, json!(80))
        ]),
    )
    .await;
    bot.fake
        .wait_for_posts("every channel", |p| {
            channels.iter().all(|c| count(p, c) == 1)
        })
        .await;
    assert_eq!(
        bot.fake.over_limit(),
        0,
        "the bot went over 50 requests a second"
    );
}

#[tokio::test]
async fn the_http_poster_finds_its_own_post_in_a_channels_history() {
    use layoffs_bot::discord::DiscordPoster;
    use layoffs_bot::notify::ChannelPoster;
    use layoffs_bot::render::{View, footer_marker};
    let fake = crate::support::fake_discord::FakeDiscord::start().await;
    // The fake answers as the bot whose id this token carries.
    let token = "OTAwMDAwMDAwMDAwMDAwMDAx.fake.token".parse().unwrap();
    let poster = DiscordPoster::new(&fake.url, token).unwrap();
    let channel = ChannelRef::discord(id(&channel(77)));
    let view = View {
        title: "New layoff: Acme".into(),
        footer: format!("{} added 2026-11-26 12:00 UTC", footer_marker(41)),
        ..View::default()
    };
    let sent = poster.post(&channel, &view, "lb-1").await;
    let layoffs_bot::notify::PostOutcome::Sent { message } = sent else {
        panic!("{sent:?}")
    };
    assert_eq!(
        poster.find_post(&channel, &footer_marker(41), "lb-1").await,
        Ok(Some(message))
    );
    assert_eq!(
        poster.find_post(&channel, &footer_marker(4), "lb-1").await,
        Ok(None)
    );
}
