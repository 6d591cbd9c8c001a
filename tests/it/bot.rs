//! The real `layoffs-bot run` against the fake Discord: registration, `/layoffs`, autocomplete,
//! page buttons, moderators' add / edit / remove, subscriptions, and guild isolation.

use layoffs_bot::Store;
use layoffs_bot::domain::{Headcount, Page, Viewer};
use serde_json::{Value, json};

use crate::support::bot::Bot;
use crate::support::fake_discord::{
    CAN_POST, CHANNEL, GUILD_A, GUILD_B, OTHER_CHANNEL, Who, autocomplete, button, dm_slash, slash,
    slash_with_channel,
};
use crate::support::{content, is_ephemeral, no_pings, opt, sub};

async fn amazon_events(store: &Store, guild: Option<u64>) -> Vec<layoffs_bot::domain::LayoffEvent> {
    let Some(company) = store
        .find_company("amazon", &layoffs_bot::domain::Viewer::EVERYONE)
        .await
        .unwrap()
    else {
        return Vec::new();
    };
    store
        .events_page(
            Some(company.id),
            &Viewer {
                tenant: guild.map(layoffs_bot::domain::Tenant::discord),
            },
            None,
            Page::first(100),
        )
        .await
        .unwrap()
        .events
}

#[tokio::test]
async fn start_up_registers_every_command_with_its_options_and_gates() {
    let (_bot, commands) = Bot::start(&[]).await;
    let by_name = |n: &str| {
        commands
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == n)
            .cloned()
            .unwrap_or_else(|| panic!("{n} not registered: {commands:#}"))
    };
    let layoffs = by_name("layoffs");
    let names: Vec<&str> = layoffs["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["company", "days"]);
    assert_eq!(layoffs["options"][0]["autocomplete"], true);
    assert!(layoffs["default_member_permissions"].is_null());

    for gated in ["layoff", "layoff-alerts", "layoff-review"] {
        let c = by_name(gated);
        assert_eq!(c["default_member_permissions"], "32", "{gated}");
        assert_eq!(c["contexts"], json!([0]), "{gated} is for servers");
    }
    let layoff = by_name("layoff");
    let subs: Vec<&str> = layoff["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(subs, ["add", "edit", "remove"]);
    let add_options: Vec<&str> = layoff["options"][0]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        add_options,
        [
            "company", "date", "count", "approx", "percent", "teams", "location", "source", "notes"
        ]
    );
    let alerts = by_name("layoff-alerts");
    let alerts: Vec<&str> = alerts["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(alerts, ["subscribe", "unsubscribe", "list", "test"]);
}

#[tokio::test]
async fn layoffs_shows_a_companys_events_pages_and_autocompletes() {
    let (bot, _) = Bot::start(&["tests/data/layoffs_fyi_sample.csv", "data/sample_2024.csv"]).await;
    let answer = amazon_first_page(&bot).await;
    next_page_from_the_buttons_state(&bot, &answer).await;
    days_bad_days_and_unknown_names(&bot).await;
    latest_autocomplete_and_dms(&bot).await;
}

/// `/layoffs AWS`: Amazon's first page, public, pinging nobody.
async fn amazon_first_page(bot: &Bot) -> Value {
    let answer = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([opt("company", 3, json!("AWS"))]),
        ))
        .await;
    assert_eq!(answer["type"], 4, "{answer:#}");
    assert!(!is_ephemeral(&answer), "results are public");
    no_pings(&answer);
    let embed = &answer["data"]["embeds"][0];
    assert_eq!(embed["title"], "Amazon layoffs");
    assert!(
        embed["description"]
            .as_str()
            .unwrap()
            // The AWS row of sample_2024.csv is the sample's Amazon 2024-04-03 cut: merged.
            .starts_with("18 layoffs, at least"),
        "{embed:#}"
    );
    let first = embed["fields"][0]["name"].as_str().unwrap();
    assert_eq!(first, "2026-01-28 · 16,000 people");
    let aws = embed["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "2024-04-03 · hundreds")
        .expect("the AWS cut");
    assert!(
        aws["value"]
            .as_str()
            .unwrap()
            .contains("physical stores technology")
    );
    assert_eq!(embed["footer"]["text"], "Page 1 of 2");
    answer
}

/// The next page, from the button's own state.
async fn next_page_from_the_buttons_state(bot: &Bot, answer: &Value) {
    let buttons = &answer["data"]["components"][0]["components"];
    assert_eq!(buttons[0]["disabled"], true, "no previous page");
    let next = buttons[1]["custom_id"].as_str().unwrap().to_string();
    let page2 = bot.fake.interact(button(Who::USER_A, &next)).await;
    assert_eq!(page2["type"], 7, "{page2:#}");
    assert_eq!(page2["data"]["embeds"][0]["footer"]["text"], "Page 2 of 2");
    assert_eq!(
        page2["data"]["components"][0]["components"][1]["disabled"],
        true
    );
}

/// `days` keeps the last N days; a bad number and an unknown name are refused to the user.
async fn days_bad_days_and_unknown_names(bot: &Bot) {
    let recent = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([
                opt("company", 3, json!("amazon")),
                opt("days", 4, json!(30))
            ]),
        ))
        .await;
    assert!(
        recent["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("No layoffs recorded")
    );
    let bad_days = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([opt("days", 4, json!(0))]),
        ))
        .await;
    assert!(is_ephemeral(&bad_days));
    assert!(
        content(&bad_days).contains("days must be from 1 to 3650"),
        "{bad_days:#}"
    );
    let unknown = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([opt("company", 3, json!("amazn"))]),
        ))
        .await;
    assert!(is_ephemeral(&unknown));
    assert!(
        content(&unknown).contains("Did you mean: Amazon"),
        "{unknown:#}"
    );
}

/// The latest layoffs, autocomplete with an alias, and the command in a DM.
async fn latest_autocomplete_and_dms(bot: &Bot) {
    let latest = bot
        .fake
        .interact(slash(Who::USER_A, "layoffs", json!([])))
        .await;
    assert_eq!(latest["data"]["embeds"][0]["title"], "Latest layoffs");
    let choices = bot
        .fake
        .interact(autocomplete(
            Who::USER_A,
            "layoffs",
            json!([{"name": "company", "type": 3, "value": "gogle", "focused": true}]),
        ))
        .await;
    assert_eq!(choices["type"], 8, "{choices:#}");
    assert_eq!(choices["data"]["choices"][0]["name"], "Google (Alphabet)");
    assert_eq!(choices["data"]["choices"][0]["value"], "Alphabet");
    let dm = bot
        .fake
        .interact(dm_slash(
            "layoffs",
            json!([opt("company", 3, json!("amazon"))]),
        ))
        .await;
    assert_eq!(dm["data"]["embeds"][0]["title"], "Amazon layoffs");
}

#[tokio::test]
async fn moderators_add_edit_and_remove_and_others_are_refused() {
    let (bot, _) = Bot::start(&["data/sample_2024.csv"]).await;
    refused_and_invalid_adds_store_nothing(&bot).await;
    let id = a_moderators_add_is_private_and_audited(&bot).await;
    near_an_existing_event_it_asks_first(&bot).await;
    edit_and_remove_only_in_the_events_own_guild(&bot, id).await;
}

fn add(who: Who<'static>, options: Value) -> Value {
    slash(who, "layoff", sub("add", options))
}

async fn refused_and_invalid_adds_store_nothing(bot: &Bot) {
    // A non-moderator: refused, nothing stored.
    let refused = bot
        .fake
        .interact(add(
            Who::USER_A,
            json!([opt("company", 3, json!("Acme")), opt("count", 4, json!(10))]),
        ))
        .await;
    assert!(is_ephemeral(&refused));
    assert_eq!(
        content(&refused),
        "You need the Manage Server permission to do this."
    );
    assert!(
        bot.store
            .find_company("Acme", &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap()
            .is_none()
    );

    // Every validation error is specific and stores nothing.
    let long = "x".repeat(500);
    for (options, expected) in [
        (
            json!([
                opt("company", 3, json!("Acme")),
                opt("date", 3, json!("2023-02-30"))
            ]),
            "not a valid date",
        ),
        (
            json!([opt("company", 3, json!("Acme")), opt("count", 4, json!(0))]),
            "count must be",
        ),
        (
            json!([opt("company", 3, json!("Acme")), opt("count", 4, json!(-5))]),
            "count must be",
        ),
        (
            json!([
                opt("company", 3, json!("Acme")),
                opt("source", 3, json!("javascript:alert(1)"))
            ]),
            "http:// or https://",
        ),
        (json!([opt("company", 3, json!(long))]), "the limit is 100"),
        (
            json!([opt("company", 3, json!(""))]),
            "company name is empty",
        ),
        (
            json!([
                opt("company", 3, json!("Acme")),
                opt("percent", 10, json!(150.0))
            ]),
            "percentage must be",
        ),
    ] {
        let answer = bot.fake.interact(add(Who::MOD_A, options)).await;
        assert!(is_ephemeral(&answer), "{answer:#}");
        assert!(
            content(&answer).contains(expected),
            "{expected}: {answer:#}"
        );
    }
    assert!(
        bot.store
            .find_company("Acme", &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_moderators_add_is_private_and_audited(bot: &Bot) -> i64 {
    // A moderator's add: stored in guild A, audited, answered ephemerally with the id.
    let added = bot
        .fake
        .interact(add(
            Who::MOD_A,
            json!([
                opt("company", 3, json!("Acme Robotics")),
                opt("date", 3, json!("2025-03-01")),
                opt("approx", 3, json!("hundreds")),
                opt("teams", 3, json!("Sales @everyone")),
                opt("source", 3, json!("https://example.com/acme"))
            ]),
        ))
        .await;
    assert!(is_ephemeral(&added));
    no_pings(&added);
    let title = added["data"]["embeds"][0]["title"]
        .as_str()
        .unwrap()
        .to_string();
    let id: i64 = title
        .trim_start_matches("Added event #")
        .parse()
        .expect(&title);
    let event = bot.store.event(id).await.unwrap().unwrap();
    assert_eq!(event.headcount, Headcount::Approx("hundreds".into()));
    assert_eq!(
        event.scope,
        layoffs_bot::domain::EventScope::Tenant(layoffs_bot::domain::Tenant::discord(
            GUILD_A.parse().unwrap()
        ))
    );
    let trail = bot.store.audit_trail(id).await.unwrap();
    assert_eq!(trail[0].action, "insert");
    assert_eq!(
        trail[0].actor,
        format!("discord:{}", crate::support::fake_discord::MOD_USER)
    );
    id
}

async fn near_an_existing_event_it_asks_first(bot: &Bot) {
    // Within 14 days of an existing Amazon event: asks first; Cancel stores nothing.
    let held = bot
        .fake
        .interact(add(
            Who::MOD_A,
            json!([
                opt("company", 3, json!("AWS")),
                opt("date", 3, json!("2024-04-10")),
                opt("count", 4, json!(300))
            ]),
        ))
        .await;
    assert!(is_ephemeral(&held));
    let buttons = &held["data"]["components"][0]["components"];
    assert_eq!(buttons[0]["label"], "Add anyway");
    assert_eq!(buttons[1]["label"], "Cancel");
    assert!(
        held["data"]["embeds"][0]["fields"][0]["name"]
            .as_str()
            .unwrap()
            .starts_with("2024-04-03")
    );
    let before = amazon_events(&bot.store, Some(GUILD_A.parse().unwrap()))
        .await
        .len();
    let cancel = buttons[1]["custom_id"].as_str().unwrap().to_string();
    let add_anyway = buttons[0]["custom_id"].as_str().unwrap().to_string();
    // A non-moderator cannot press it.
    let pressed = bot.fake.interact(button(Who::USER_A, &add_anyway)).await;
    assert!(content(&pressed).contains("Manage Server"));
    let cancelled = bot.fake.interact(button(Who::MOD_A, &cancel)).await;
    assert_eq!(cancelled["type"], 7);
    assert!(content(&cancelled).contains("nothing was stored"));
    let again = bot.fake.interact(button(Who::MOD_A, &add_anyway)).await;
    assert!(content(&again).contains("already confirmed or cancelled"));
    assert_eq!(
        amazon_events(&bot.store, Some(GUILD_A.parse().unwrap()))
            .await
            .len(),
        before
    );

    let held = bot
        .fake
        .interact(add(
            Who::MOD_A,
            json!([
                opt("company", 3, json!("AWS")),
                opt("date", 3, json!("2024-04-10")),
                opt("count", 4, json!(300))
            ]),
        ))
        .await;
    let add_anyway = held["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let confirmed = bot.fake.interact(button(Who::MOD_A, &add_anyway)).await;
    assert_eq!(confirmed["type"], 7);
    assert!(
        confirmed["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Added event #")
    );
    assert_eq!(
        amazon_events(&bot.store, Some(GUILD_A.parse().unwrap()))
            .await
            .len(),
        before + 1
    );
}

async fn edit_and_remove_only_in_the_events_own_guild(bot: &Bot, id: i64) {
    // Edit and remove: only in the event's own guild.
    let nothing = bot
        .fake
        .interact(slash(
            Who::MOD_A,
            "layoff",
            sub("edit", json!([opt("id", 4, json!(id))])),
        ))
        .await;
    assert!(
        content(&nothing).contains("at least one field"),
        "{nothing:#}"
    );
    let edit = slash(
        Who::MOD_A,
        "layoff",
        sub(
            "edit",
            json!([opt("id", 4, json!(id)), opt("count", 4, json!(250))]),
        ),
    );
    let edited = bot.fake.interact(edit).await;
    assert!(is_ephemeral(&edited));
    assert_eq!(
        bot.store.event(id).await.unwrap().unwrap().headcount,
        Headcount::Exact(250)
    );
    let from_b = bot
        .fake
        .interact(slash(
            Who::MOD_B,
            "layoff",
            sub("remove", json!([opt("id", 4, json!(id))])),
        ))
        .await;
    assert!(
        content(&from_b).contains(&format!("There is no event #{id} in this server")),
        "{from_b:#}"
    );
    let global = bot
        .fake
        .interact(slash(
            Who::MOD_A,
            "layoff",
            sub("remove", json!([opt("id", 4, json!(1))])),
        ))
        .await;
    assert!(content(&global).contains("global"), "{global:#}");
    let removed = bot
        .fake
        .interact(slash(
            Who::MOD_A,
            "layoff",
            sub("remove", json!([opt("id", 4, json!(id))])),
        ))
        .await;
    assert!(
        content(&removed).starts_with(&format!("Removed event #{id}")),
        "{removed:#}"
    );
    assert!(bot.store.event(id).await.unwrap().is_none());
    let actions: Vec<String> = bot
        .store
        .audit_trail(id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.action)
        .collect();
    assert_eq!(actions, ["insert", "update", "delete"]);
}

#[tokio::test]
async fn an_event_added_in_one_guild_is_invisible_in_another() {
    let (bot, _) = Bot::start(&[]).await;
    let added = bot
        .fake
        .interact(slash(
            Who::MOD_A,
            "layoff",
            sub(
                "add",
                json!([
                    opt("company", 3, json!("Initech")),
                    opt("count", 4, json!(12))
                ]),
            ),
        ))
        .await;
    assert!(
        added["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("Added event #"),
        "{added:#}"
    );
    let in_a = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([opt("company", 3, json!("initech"))]),
        ))
        .await;
    assert_eq!(
        in_a["data"]["embeds"][0]["fields"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let in_b = bot
        .fake
        .interact(slash(
            Who {
                guild: GUILD_B,
                ..Who::USER_A
            },
            "layoffs",
            json!([opt("company", 3, json!("initech"))]),
        ))
        .await;
    // Guild A's private name does not exist in B: not even "0 layoffs" (an existence oracle).
    assert!(is_ephemeral(&in_b), "{in_b:#}");
    assert_eq!(
        content(&in_b),
        r#"No company matches "initech"."#,
        "{in_b:#}"
    );
    let choices = |guild: &'static str| {
        let who = Who {
            guild,
            ..Who::USER_A
        };
        autocomplete(
            who,
            "layoffs",
            json!([{"name": "company", "type": 3, "value": "init", "focused": true}]),
        )
    };
    let from_b = bot.fake.interact(choices(GUILD_B)).await;
    assert_eq!(from_b["data"]["choices"], json!([]), "{from_b:#}");
    let from_a = bot.fake.interact(choices(GUILD_A)).await;
    assert_eq!(
        from_a["data"]["choices"][0]["name"], "Initech",
        "{from_a:#}"
    );
}

#[tokio::test]
async fn moderators_subscribe_list_and_unsubscribe_channels() {
    let (bot, _) = Bot::start(&["data/sample_2024.csv"]).await;
    subscribing_is_refused_where_it_cannot_work(&bot).await;
    a_moderator_subscribes_lists_and_unsubscribes(&bot).await;
}

/// Refused: a member, a channel without Embed Links, another server's channel, a denied one.
async fn subscribing_is_refused_where_it_cannot_work(bot: &Bot) {
    let alerts = |who: Who<'static>, name: &str, options: Value| {
        slash(who, "layoff-alerts", sub(name, options))
    };
    let refused = bot
        .fake
        .interact(alerts(Who::USER_A, "subscribe", json!([])))
        .await;
    assert!(content(&refused).contains("Manage Server"));

    // The bot lacks Embed Links here: says so, subscribes nothing.
    let no_embeds = Who {
        app_permissions: CAN_POST & !(1 << 14),
        ..Who::MOD_A
    };
    let missing = bot
        .fake
        .interact(alerts(no_embeds, "subscribe", json!([])))
        .await;
    assert!(is_ephemeral(&missing));
    assert!(
        content(&missing).contains("missing Embed Links"),
        "{missing:#}"
    );
    assert!(
        bot.store
            .subscriptions(&layoffs_bot::domain::Tenant::discord(
                GUILD_A.parse().unwrap()
            ))
            .await
            .unwrap()
            .is_empty()
    );

    // A channel of another server (the fake's REST answers guild A for it) named from B.
    let foreign = slash_with_channel(
        Who {
            guild: GUILD_B,
            ..Who::MOD_A
        },
        "layoff-alerts",
        sub(
            "subscribe",
            json!([opt("channel", 7, json!(OTHER_CHANNEL))]),
        ),
        OTHER_CHANNEL,
    );
    let refused = bot.fake.interact(foreign).await;
    assert!(is_ephemeral(&refused));
    assert!(
        content(&refused).contains("is not a channel of this server"),
        "{refused:#}"
    );

    // Another channel, where @everyone is denied Send Messages: checked over REST.
    bot.fake.deny_in_channel(OTHER_CHANNEL, 1 << 11);
    let other = slash_with_channel(
        Who::MOD_A,
        "layoff-alerts",
        sub(
            "subscribe",
            json!([opt("channel", 7, json!(OTHER_CHANNEL))]),
        ),
        OTHER_CHANNEL,
    );
    let denied = bot.fake.interact(other).await;
    assert!(
        content(&denied).contains("missing Send Messages"),
        "{denied:#}"
    );
}

/// A moderator subscribes (nothing posted for the past), lists and unsubscribes.
async fn a_moderator_subscribes_lists_and_unsubscribes(bot: &Bot) {
    let alerts = |who: Who<'static>, name: &str, options: Value| {
        slash(who, "layoff-alerts", sub(name, options))
    };
    let ok = bot
        .fake
        .interact(alerts(
            Who::MOD_A,
            "subscribe",
            json!([opt("company", 3, json!("aws"))]),
        ))
        .await;
    assert!(
        content(&ok).contains(&format!("Subscribed <#{CHANNEL}>")),
        "{ok:#}"
    );
    no_pings(&ok);
    let list = bot
        .fake
        .interact(alerts(Who::MOD_A, "list", json!([])))
        .await;
    assert!(
        content(&list).contains(&format!("<#{CHANNEL}>: Amazon only, active")),
        "{list:#}"
    );
    // Nothing was posted for past events.
    assert!(
        !bot.fake
            .requests()
            .iter()
            .any(|r| r.path.contains("/messages") && r.method == "POST")
    );

    let gone = bot
        .fake
        .interact(alerts(Who::MOD_A, "unsubscribe", json!([])))
        .await;
    assert!(content(&gone).contains("Unsubscribed"));
    let again = bot
        .fake
        .interact(alerts(Who::MOD_A, "unsubscribe", json!([])))
        .await;
    assert!(content(&again).contains("was not subscribed"));
    let empty = bot
        .fake
        .interact(alerts(Who::MOD_A, "list", json!([])))
        .await;
    assert!(content(&empty).contains("No channel here is subscribed"));
}

#[tokio::test]
async fn sigterm_shuts_the_bot_down_cleanly() {
    let (mut bot, _) = Bot::start(&[]).await;
    let pid = bot.child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(std::time::Duration::from_secs(30), bot.child.wait())
        .await
        .expect("the bot exits after SIGTERM")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
}

#[tokio::test]
async fn a_bot_in_many_guilds_answers_after_their_guild_creates() {
    let fake = crate::support::fake_discord::FakeDiscord::start().await;
    fake.with_guilds(50);
    let (bot, _) = Bot::start_with_fake(&[], fake).await;
    // The shard hands events over in order: this answer comes after the 50 GUILD_CREATEs.
    let answer = bot
        .fake
        .interact_timed(slash(Who::USER_A, "layoffs", json!([])));
    let took = tokio::time::timeout(std::time::Duration::from_secs(30), answer).await;
    assert!(took.is_ok(), "no answer after the guilds were created");
    // They were taken in: the bot's permissions in a channel of one of them come from the
    // cache (where @everyone allows nothing), and Discord is not asked.
    let (guild, target) = ("900000000000000000", "900000000000000020");
    let who = Who {
        guild,
        ..Who::MOD_A
    };
    let options = sub("subscribe", json!([opt("channel", 7, json!(target))]));
    let said = bot
        .fake
        .interact(slash_with_channel(who, "layoff-alerts", options, target))
        .await;
    assert!(content(&said).contains("I can't post in"), "{said:#}");
    let asked = bot.fake.requests();
    assert!(
        !asked
            .iter()
            .any(|r| r.path.ends_with(&format!("/channels/{target}"))),
        "the channel was looked up over REST"
    );
}
