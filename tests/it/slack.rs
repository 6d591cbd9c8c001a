//! The Slack front end end to end: the real binary against the fake Slack, with requests
//! signed as Slack signs them. Signatures, each command, the modal flow, paging across a
//! restart, workspaces kept apart, and delivery with Slack's errors, 429s and lost answers.

use serde_json::{Value, json};

use crate::support::fake_slack::{
    ADMIN, CHANNEL, Fault, LISTED, MEMBER, SECRET, Signed, TEAM_A, TEAM_B, command, interaction,
    sign,
};
use crate::support::slack_bot::SlackBot;

const SAMPLE: &str = "tests/data/layoffs_fyi_sample.csv";

pub(crate) async fn run(bot: &SlackBot, team: &str, user: &str, name: &str, text: &str) -> Value {
    run_in(bot, team, user, CHANNEL, name, text).await
}

pub(crate) async fn run_in(
    bot: &SlackBot,
    team: &str,
    user: &str,
    channel: &str,
    name: &str,
    text: &str,
) -> Value {
    let url = bot.fake.response_url(1);
    let body = command(team, user, channel, name, text, &url);
    let (status, answer) = Signed::new(body).send(&bot.commands_url()).await;
    assert_eq!(status, 200, "{answer:#}");
    answer
}

/// Every text a message shows, as sent: top-level text, then each block's texts in order
/// (our channel references as `<#C…>`).
pub(crate) fn texts(answer: &Value) -> String {
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::Object(o) => {
                if o.get("type").and_then(Value::as_str) == Some("channel") {
                    out.push_str("<#");
                    out.push_str(o["channel_id"].as_str().unwrap_or(""));
                    out.push('>');
                }
                if let Some(t) = o.get("text").and_then(Value::as_str) {
                    out.push_str(t);
                }
                for (k, child) in o {
                    if k != "text" || child.is_object() {
                        walk(child, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|c| walk(c, out)),
            _ => {}
        }
    }
    let mut out = answer["text"].as_str().unwrap_or_default().to_string();
    for b in answer["blocks"].as_array().into_iter().flatten() {
        out.push('\n');
        walk(b, &mut out);
    }
    out
}

pub(crate) async fn press(bot: &SlackBot, team: &str, user: &str, action: &str) -> u16 {
    let payload = json!({
        "type": "block_actions",
        "team": {"id": team, "domain": "example"},
        "user": {"id": user, "team_id": team},
        "api_app_id": "A0001",
        "container": {"type": "message", "message_ts": "1764000000.000001", "channel_id": CHANNEL},
        "trigger_id": "1.2.3",
        "channel": {"id": CHANNEL},
        "response_url": bot.fake.response_url(2),
        "actions": [{"type": "button", "action_id": action, "block_id": "b", "value": action,
                     "action_ts": "1764000000.000002"}],
    });
    Signed::new(interaction(&payload))
        .send(&bot.interactivity_url())
        .await
        .0
}

#[tokio::test]
async fn unsigned_stale_wrongly_signed_and_replayed_requests_get_401_and_touch_nothing() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    let body = command(
        TEAM_A,
        ADMIN,
        CHANNEL,
        "/layoff-alerts",
        "subscribe",
        "https://hooks.slack.com/x",
    );
    let now = chrono::Utc::now().timestamp();
    let cases = [
        Signed {
            body: body.clone(),
            ts: now,
            signature: None,
        },
        Signed {
            body: body.clone(),
            ts: now,
            signature: Some(sign("wrong secret", now, &body)),
        },
        Signed {
            body: body.clone(),
            ts: now - 301,
            signature: Some(sign(SECRET, now - 301, &body)),
        },
        Signed {
            body: body.clone(),
            ts: now,
            signature: Some(sign(SECRET, now, "other body")),
        },
    ];
    for case in &cases {
        assert_eq!(case.send(&bot.commands_url()).await.0, 401);
        assert_eq!(case.send(&bot.interactivity_url()).await.0, 401);
    }
    assert!(
        bot.fake.calls("users.info").is_empty(),
        "nothing was looked at"
    );
    assert!(
        bot.store
            .subscriptions(
                &layoffs_bot::domain::Tenant::new(layoffs_bot::domain::Platform::Slack, TEAM_A)
                    .unwrap()
            )
            .await
            .unwrap()
            .is_empty()
    );
    let signed = Signed::new(command(
        TEAM_A,
        MEMBER,
        CHANNEL,
        "/layoffs",
        "amazon",
        "https://hooks.slack.com/x",
    ));
    assert_eq!(signed.send(&bot.commands_url()).await.0, 200);
    assert_eq!(
        signed.send(&bot.commands_url()).await.0,
        401,
        "a replay is refused"
    );
}

#[tokio::test]
async fn layoffs_lists_in_the_channel_pages_after_a_restart_and_suggests_names() {
    let mut bot = SlackBot::start(&[SAMPLE]).await;
    let answer = run(&bot, TEAM_A, MEMBER, "/layoffs", "amazon").await;
    assert_eq!(answer["response_type"], "in_channel", "{answer:#}");
    assert_eq!(answer["blocks"][0]["type"], "header");
    assert!(
        answer["blocks"][0]["text"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Amazon"),
        "{answer:#}"
    );
    let actions = answer["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .cloned()
        .unwrap();
    let next = actions["elements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"]["text"] == "Next")
        .cloned()
        .unwrap();
    let next_id = next["action_id"].as_str().unwrap().to_string();

    bot.crash_and_restart().await;
    assert_eq!(press(&bot, TEAM_A, MEMBER, &next_id).await, 200);
    bot.fake
        .wait_for("the next page", |f| !f.responses().is_empty())
        .await;
    let page = &bot.fake.responses()[0];
    assert_eq!(page["replace_original"], true);
    assert!(texts(page).contains("Page 2"), "{page:#}");

    let unknown = run(&bot, TEAM_A, MEMBER, "/layoffs", "amazn").await;
    assert_eq!(unknown["response_type"], "ephemeral");
    assert!(
        texts(&unknown).contains("Did you mean: Amazon"),
        "{unknown:#}"
    );
    let days = run(&bot, TEAM_A, MEMBER, "/layoffs", "aws 0").await;
    assert_eq!(days["response_type"], "ephemeral", "{days:#}");
    let latest = run(&bot, TEAM_A, MEMBER, "/layoffs", "").await;
    assert_eq!(latest["response_type"], "in_channel", "{latest:#}");
}

#[tokio::test]
async fn stats_answer_in_the_channel_and_upload_the_chart_with_the_external_flow() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    let answer = run(
        &bot,
        TEAM_A,
        MEMBER,
        "/layoffs-stats",
        "all industry:retail",
    )
    .await;
    assert_eq!(answer["response_type"], "in_channel", "{answer:#}");
    assert!(texts(&answer).contains("Retail, all time"), "{answer:#}");
    bot.fake
        .wait_for("the chart", |f| {
            !f.calls("files.completeUploadExternal").is_empty()
        })
        .await;
    let asked = &bot.fake.calls("files.getUploadURLExternal")[0];
    assert_eq!(asked["filename"], "layoffs-stats.png");
    let done = &bot.fake.calls("files.completeUploadExternal")[0];
    assert_eq!(done["channel_id"], CHANNEL);
    assert!(bot.fake.uploaded()[0].starts_with(b"\x89PNG"));
    let bad = run(&bot, TEAM_A, MEMBER, "/layoffs-stats", "source:rumours").await;
    assert!(texts(&bad).contains("is not a source"), "{bad:#}");
}

/// A modal submission with these values (block id -> text).
pub(crate) fn submission(
    team: &str,
    user: &str,
    callback: &str,
    metadata: &Value,
    values: &[(&str, &str)],
) -> Value {
    let mut state = serde_json::Map::new();
    for (block, value) in values {
        state.insert(
            (*block).to_string(),
            json!({"value": {"type": "plain_text_input", "value": value}}),
        );
    }
    json!({
        "type": "view_submission",
        "team": {"id": team, "domain": "example"},
        "user": {"id": user, "team_id": team},
        "api_app_id": "A0001",
        "trigger_id": "1.2.3",
        "view": {
            "id": "V0001", "team_id": team, "type": "modal", "callback_id": callback,
            "private_metadata": metadata.to_string(), "hash": "h",
            "title": {"type": "plain_text", "text": "Add a layoff"},
            "blocks": [],
            "state": {"values": state},
        },
    })
}

pub(crate) async fn submit(bot: &SlackBot, payload: &Value) -> Value {
    let (status, answer) = Signed::new(interaction(payload))
        .send(&bot.interactivity_url())
        .await;
    assert_eq!(status, 200, "{answer:#}");
    answer
}

#[tokio::test]
async fn moderators_add_edit_and_remove_through_modals_with_the_same_checks() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    let metadata = only_moderators_open_the_add_modal(&bot).await;
    bad_values_are_named_per_field(&bot, &metadata).await;
    let id = a_listed_moderator_adds_and_hostile_text_stays_literal(&bot, &metadata).await;
    another_workspace_cannot_see_or_change_it(&bot, id).await;
    edit_then_remove_after_a_confirmation(&bot, id).await;
}

/// A member is refused; an admin gets the add modal with its fields and metadata.
async fn only_moderators_open_the_add_modal(bot: &SlackBot) -> Value {
    let refused = run(bot, TEAM_A, MEMBER, "/layoff", "add").await;
    assert!(
        texts(&refused).contains("Only workspace admins"),
        "{refused:#}"
    );
    assert!(bot.fake.calls("views.open").is_empty());

    let opened = run(bot, TEAM_A, ADMIN, "/layoff", "add").await;
    assert_eq!(opened, Value::Null, "an empty acknowledgement: {opened:#}");
    let view = &bot.fake.calls("views.open")[0];
    assert!(
        view["trigger_id"]
            .as_str()
            .unwrap()
            .starts_with("13345224609.")
    );
    assert_eq!(view["view"]["callback_id"], "layoff_add");
    let blocks: Vec<&str> = view["view"]["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["block_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        blocks,
        [
            "company", "date", "count", "approx", "percent", "teams", "location", "source", "notes"
        ]
    );
    let metadata: Value =
        serde_json::from_str(view["view"]["private_metadata"].as_str().unwrap()).unwrap();
    metadata
}

/// A bad date or count is named on its field; nothing is stored.
async fn bad_values_are_named_per_field(bot: &SlackBot, metadata: &Value) {
    let bad = submit(
        bot,
        &submission(
            TEAM_A,
            ADMIN,
            "layoff_add",
            metadata,
            &[
                ("company", "Initrode"),
                ("date", "2024-13-40"),
                ("count", "120"),
            ],
        ),
    )
    .await;
    assert_eq!(bad["response_action"], "errors", "{bad:#}");
    assert!(bad["errors"]["date"].as_str().is_some(), "{bad:#}");
    let bad = submit(
        bot,
        &submission(
            TEAM_A,
            ADMIN,
            "layoff_add",
            metadata,
            &[("company", "Initrode"), ("count", "many")],
        ),
    )
    .await;
    assert!(
        bad["errors"]["count"]
            .as_str()
            .unwrap()
            .contains("whole number"),
        "{bad:#}"
    );
}

/// A listed moderator (SLACK_MODERATOR_IDS) adds; hostile text stays literal.
async fn a_listed_moderator_adds_and_hostile_text_stays_literal(
    bot: &SlackBot,
    metadata: &Value,
) -> i64 {
    // A listed moderator (SLACK_MODERATOR_IDS) adds; hostile text stays literal.
    let good = submit(
        bot,
        &submission(
            TEAM_A,
            LISTED,
            "layoff_add",
            metadata,
            &[
                ("company", "Initrode"),
                ("date", "2024-06-03"),
                ("count", "120"),
                ("notes", "<!channel> see <https://evil.example|here>"),
            ],
        ),
    )
    .await;
    assert_eq!(good, json!({"response_action": "clear"}));
    bot.fake
        .wait_for("the confirmation", |f| {
            !f.calls("chat.postEphemeral").is_empty()
        })
        .await;
    let told = &bot.fake.calls("chat.postEphemeral")[0];
    assert_eq!(
        (told["channel"].as_str(), told["user"].as_str()),
        (Some(CHANNEL), Some(LISTED))
    );
    let shown = texts(told);
    assert!(shown.contains("Added event #"), "{told:#}");
    assert!(
        !shown.contains("<!channel>") && shown.contains("&lt;!channel&gt;"),
        "{shown}"
    );
    let id: i64 = shown
        .split("Added event #")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    id
}

/// Another workspace cannot see or change the event.
async fn another_workspace_cannot_see_or_change_it(bot: &SlackBot, id: i64) {
    // Another workspace cannot see or change it.
    let other = run(bot, TEAM_B, ADMIN, "/layoffs", "initrode").await;
    assert!(texts(&other).contains("No company matches"), "{other:#}");
    let other = run(bot, TEAM_B, ADMIN, "/layoff", &format!("edit {id}")).await;
    assert!(
        texts(&other).contains(&format!("no event #{id}")),
        "{other:#}"
    );
}

/// Its workspace edits it, then removes it after a confirmation only an admin may press.
async fn edit_then_remove_after_a_confirmation(bot: &SlackBot, id: i64) {
    run(bot, TEAM_A, ADMIN, "/layoff", &format!("edit {id}")).await;
    let edit = &bot.fake.calls("views.open")[1]["view"];
    assert_eq!(edit["callback_id"], "layoff_edit");
    assert_eq!(edit["blocks"][2]["element"]["initial_value"], "120");
    let metadata: Value = serde_json::from_str(edit["private_metadata"].as_str().unwrap()).unwrap();
    let saved = submit(
        bot,
        &submission(
            TEAM_A,
            ADMIN,
            "layoff_edit",
            &metadata,
            &[
                ("company", "Initrode"),
                ("date", "2024-06-03"),
                ("count", "150"),
            ],
        ),
    )
    .await;
    assert_eq!(saved, json!({"response_action": "clear"}));
    let listed = run(bot, TEAM_A, MEMBER, "/layoffs", "initrode").await;
    assert!(texts(&listed).contains("150 people"), "{listed:#}");

    let ask = run(bot, TEAM_A, ADMIN, "/layoff", &format!("remove {id}")).await;
    assert_eq!(ask["response_type"], "ephemeral");
    assert!(
        texts(&ask).contains(&format!("Remove event #{id}?")),
        "{ask:#}"
    );
    assert_eq!(press(bot, TEAM_A, MEMBER, &format!("lr:{id}")).await, 200);
    bot.fake
        .wait_for("the refusal", |f| !f.responses().is_empty())
        .await;
    assert!(texts(&bot.fake.responses()[0]).contains("Only workspace admins"));
    press(bot, TEAM_A, ADMIN, &format!("lr:{id}")).await;
    bot.fake
        .wait_for("the removal", |f| f.responses().len() > 1)
        .await;
    assert!(texts(&bot.fake.responses()[1]).contains(&format!("Removed event #{id}")));
    let gone = run(bot, TEAM_A, MEMBER, "/layoffs", "initrode").await;
    assert!(!texts(&gone).contains("150 people"), "{gone:#}");
}

/// Adds an event through the modal as the admin of `team`; its id.
pub(crate) async fn add_event(bot: &SlackBot, team: &str, company: &str, count: &str) -> i64 {
    let metadata = json!({"channel": CHANNEL, "event": null});
    let before = bot.fake.calls("chat.postEphemeral").len();
    let done = submit(
        bot,
        &submission(
            team,
            ADMIN,
            "layoff_add",
            &metadata,
            &[
                ("company", company),
                ("date", "2026-11-20"),
                ("count", count),
            ],
        ),
    )
    .await;
    assert_eq!(done, json!({"response_action": "clear"}), "{done:#}");
    bot.fake
        .wait_for("the confirmation", |f| {
            f.calls("chat.postEphemeral").len() > before
        })
        .await;
    let told = texts(&bot.fake.calls("chat.postEphemeral")[before]);
    told.split("Added event #")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn alerts_reach_slack_channels_once_with_slacks_errors_and_limits_handled() {
    let mut bot = SlackBot::start(&[SAMPLE]).await;
    moderators_subscribe_channels_with_filters(&bot).await;
    let id = each_channel_gets_one_post_through_slacks_faults(&bot).await;
    the_list_and_the_cli_say_which_channel_is_off(&bot).await;
    // A correction edits the posts; a crash and restart posts nothing again.
    bot.crash_and_restart().await;
    a_correction_edits_the_posts_and_a_test_and_unsubscribe_work(&bot, id).await;
}

/// The channels of `alerts_reach_slack_channels_once_…`: fine, gone, rate limited, lost answer.
const CHANNELS: (&str, &str, &str, &str) = ("C0000OK1", "C0000GONE", "C0000BUSY", "C0000LOST");

/// Four channels, a filtered one, refusals, and another workspace's channel.
async fn moderators_subscribe_channels_with_filters(bot: &SlackBot) {
    let (ok_ch, gone_ch, busy_ch, lost_ch) = CHANNELS;
    for ch in [ok_ch, gone_ch, busy_ch, lost_ch] {
        let said = run(
            bot,
            TEAM_A,
            ADMIN,
            "/layoff-alerts",
            &format!("subscribe <#{ch}|x>"),
        )
        .await;
        assert!(
            texts(&said).contains(&format!("Subscribed <#{ch}>")),
            "{said:#}"
        );
    }
    let filtered = run(
        bot,
        TEAM_A,
        ADMIN,
        "/layoff-alerts",
        "subscribe <#C0000BIG|big> min_people:1000 country:\"united states\" mode:each",
    )
    .await;
    assert!(
        texts(&filtered).contains("country United States · at least 1,000 people"),
        "{filtered:#}"
    );
    let refused = run(bot, TEAM_A, MEMBER, "/layoff-alerts", "subscribe").await;
    assert!(
        texts(&refused).contains("Only workspace admins"),
        "{refused:#}"
    );
    let typo = run(
        bot,
        TEAM_A,
        ADMIN,
        "/layoff-alerts",
        "subscribe industry:Retial",
    )
    .await;
    assert!(texts(&typo).contains("Did you mean: Retail"), "{typo:#}");
    // Another workspace's channel list is its own.
    run(
        bot,
        TEAM_B,
        ADMIN,
        "/layoff-alerts",
        "subscribe <#C0000BBB|b>",
    )
    .await;
}

/// A channel_not_found, a 429 then a 5xx, and a lost answer: one post in each reachable one.
async fn each_channel_gets_one_post_through_slacks_faults(bot: &SlackBot) -> i64 {
    let (ok_ch, gone_ch, busy_ch, lost_ch) = CHANNELS;
    bot.fake
        .fault(gone_ch, &[Fault::Error("channel_not_found")]);
    bot.fake
        .fault(busy_ch, &[Fault::RateLimited, Fault::ServerError]);
    bot.fake.fault(lost_ch, &[Fault::LostAnswer]);
    let id = add_event(bot, TEAM_A, "Amazon", "300").await;
    bot.fake
        .wait_for("the posts", |f| {
            [ok_ch, busy_ch, lost_ch]
                .iter()
                .all(|c| !f.messages(c).is_empty())
        })
        .await;
    for ch in [ok_ch, busy_ch, lost_ch] {
        let posts = bot.fake.messages(ch);
        assert_eq!(posts.len(), 1, "{ch}: {posts:#?}");
        assert_eq!(posts[0]["metadata"]["event_type"], "layoffs_bot_post");
        assert!(
            texts(&posts[0]).contains("New layoff: Amazon"),
            "{:#}",
            posts[0]
        );
    }
    assert!(
        bot.fake.messages("C0000BIG").is_empty(),
        "300 people is under the minimum"
    );
    assert!(
        bot.fake.messages("C0000BBB").is_empty(),
        "another workspace's private event"
    );
    id
}

/// `/layoff-alerts list` and `layoffs-bot deliveries` say which channel is off and why.
async fn the_list_and_the_cli_say_which_channel_is_off(bot: &SlackBot) {
    let (ok_ch, gone_ch, _, _) = CHANNELS;
    let list = run(bot, TEAM_A, ADMIN, "/layoff-alerts", "list").await;
    let list = texts(&list);
    assert!(
        list.contains(&format!(
            "<#{gone_ch}>: all companies, disabled: Slack channel_not_found"
        )),
        "{list}"
    );
    assert!(
        list.contains(&format!(
            "<#{ok_ch}>: all companies, active; a post per event; last post 20"
        )),
        "{list}"
    );
    assert!(!list.contains("C0000BBB"), "{list}");
    let out = bot.cli(&["deliveries"]);
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains(&format!(
            "channel {gone_ch} of slack:{TEAM_A}: Slack channel_not_found"
        )),
        "{shown}"
    );
}

/// After a restart: a correction edits each post once, a test post and unsubscribe work.
async fn a_correction_edits_the_posts_and_a_test_and_unsubscribe_work(bot: &SlackBot, id: i64) {
    let (ok_ch, _, busy_ch, lost_ch) = CHANNELS;
    run(bot, TEAM_A, ADMIN, "/layoff", &format!("edit {id}")).await;
    let metadata = json!({"channel": CHANNEL, "event": id});
    submit(
        bot,
        &submission(
            TEAM_A,
            ADMIN,
            "layoff_edit",
            &metadata,
            &[
                ("company", "Amazon"),
                ("date", "2026-11-20"),
                ("count", "350"),
            ],
        ),
    )
    .await;
    bot.fake
        .wait_for("the edits", |f| f.calls("chat.update").len() >= 3)
        .await;
    assert!(texts(&bot.fake.messages(ok_ch)[0]).contains("350 people"));
    for ch in [ok_ch, busy_ch, lost_ch] {
        assert_eq!(bot.fake.messages(ch).len(), 1, "{ch}");
    }
    let test = run(
        bot,
        TEAM_A,
        ADMIN,
        "/layoff-alerts",
        &format!("test <#{ok_ch}|x>"),
    )
    .await;
    assert!(
        texts(&test).contains(&format!("Sent a test post to <#{ok_ch}>")),
        "{test:#}"
    );
    let off = run(
        bot,
        TEAM_A,
        ADMIN,
        "/layoff-alerts",
        &format!("unsubscribe <#{ok_ch}|x>"),
    )
    .await;
    assert!(texts(&off).contains("Unsubscribed"), "{off:#}");
}

#[tokio::test]
async fn a_crash_mid_fan_out_loses_no_post_and_sends_none_twice() {
    let mut bot = SlackBot::start(&[SAMPLE]).await;
    let channels: Vec<String> = (0..30).map(|i| format!("C00FAN{i:03}")).collect();
    for ch in &channels {
        run(
            &bot,
            TEAM_A,
            ADMIN,
            "/layoff-alerts",
            &format!("subscribe <#{ch}|x>"),
        )
        .await;
    }
    // Every answer of the first round is lost after Slack kept the post.
    for ch in &channels {
        bot.fake.fault(ch, &[Fault::LostAnswer]);
    }
    add_event(&bot, TEAM_A, "Amazon", "300").await;
    bot.fake
        .wait_for("some posts", |f| {
            channels.iter().any(|c| !f.messages(c).is_empty())
        })
        .await;
    bot.crash_and_restart().await;
    bot.fake
        .wait_for("every post", |f| {
            channels.iter().all(|c| !f.messages(c).is_empty())
        })
        .await;
    // The next event's posts come after any retry of the first: then count.
    add_event(&bot, TEAM_A, "Initrode", "40").await;
    bot.fake
        .wait_for("the second posts", |f| {
            channels.iter().all(|c| f.messages(c).len() >= 2)
        })
        .await;
    for ch in &channels {
        let titles: Vec<String> = bot
            .fake
            .messages(ch)
            .iter()
            .map(|m| m["text"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(
            titles,
            ["New layoff: Amazon", "New layoff: Initrode"],
            "{ch}"
        );
    }
}

#[tokio::test]
async fn slack_and_discord_tenants_never_see_each_others_events() {
    use layoffs_bot::domain::{Actor, EventScope, Headcount, Platform, Tenant, Viewer};
    let t = crate::support::TestStore::new().await;
    let slack = Tenant::new(Platform::Slack, "T42").unwrap();
    let discord = Tenant::discord(42);
    let e = layoffs_bot::domain::NewEvent {
        scope: EventScope::Tenant(slack.clone()),
        ..crate::support::event("Hooli", "2026-11-20", Headcount::Exact(10))
    };
    layoffs_bot::service::record_event(&t.store, &e, &Actor::slack("U1"), crate::support::now())
        .await
        .unwrap();
    let today = crate::support::day("2026-11-26");
    let seen = |viewer: Viewer| {
        let store = t.store.clone();
        async move {
            layoffs_bot::service::listing(&store, Some("hooli"), &viewer, None, 0, today).await
        }
    };
    assert!(seen(Viewer::in_tenant(slack)).await.is_ok());
    assert!(
        seen(Viewer::in_tenant(discord)).await.is_err(),
        "the same id on Discord is another tenant"
    );
    assert!(seen(Viewer::EVERYONE).await.is_err());
}

#[tokio::test]
async fn socket_mode_answers_commands_over_the_websocket() {
    let bot = SlackBot::start_socket_mode(&[SAMPLE]).await;
    let form = command(
        TEAM_A,
        MEMBER,
        CHANNEL,
        "/layoffs",
        "amazon",
        "https://hooks.slack.com/x",
    );
    let fields: std::collections::HashMap<String, String> =
        serde_urlencoded::from_str(&form).unwrap();
    let ack = bot
        .fake
        .envelope(json!({
            "envelope_id": "e-1", "type": "slash_commands", "accepts_response_payload": true,
            "payload": fields,
        }))
        .await;
    assert_eq!(ack["payload"]["response_type"], "in_channel", "{ack:#}");
    assert!(texts(&ack["payload"]).contains("Amazon"), "{ack:#}");
}

#[tokio::test]
async fn a_nearby_event_is_held_until_add_anyway_and_home_workspace_events_are_global() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    let metadata = json!({"channel": CHANNEL, "event": null});
    // Amazon has a layoff on 2026-01-28 in the sample: a week later is "nearby".
    let held = submit(
        &bot,
        &submission(
            crate::support::fake_slack::HOME_TEAM,
            ADMIN,
            "layoff_add",
            &metadata,
            &[
                ("company", "Amazon"),
                ("date", "2026-02-04"),
                ("count", "77"),
            ],
        ),
    )
    .await;
    assert_eq!(held, json!({"response_action": "clear"}));
    bot.fake
        .wait_for("the question", |f| {
            !f.calls("chat.postEphemeral").is_empty()
        })
        .await;
    let question = &bot.fake.calls("chat.postEphemeral")[0];
    let buttons = question["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "actions")
        .unwrap();
    let add_anyway = buttons["elements"][0]["action_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(add_anyway.starts_with("la:"), "{question:#}");
    assert_eq!(
        press(
            &bot,
            crate::support::fake_slack::HOME_TEAM,
            ADMIN,
            &add_anyway
        )
        .await,
        200
    );
    bot.fake
        .wait_for("the addition", |f| !f.responses().is_empty())
        .await;
    assert!(
        texts(&bot.fake.responses()[0]).contains("Added event #"),
        "{:#}",
        bot.fake.responses()[0]
    );
    // Added in the home workspace: global, so another workspace lists it.
    let listed = run(&bot, TEAM_B, MEMBER, "/layoffs", "amazon").await;
    assert!(texts(&listed).contains("77 people"), "{listed:#}");
}

#[tokio::test]
async fn a_slack_digest_posts_its_chart_in_the_thread() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    let said = run(
        &bot,
        TEAM_A,
        ADMIN,
        "/layoff-alerts",
        "subscribe <#C00DIGEST|d> mode:weekly",
    )
    .await;
    assert!(texts(&said).contains("weekly digest"), "{said:#}");
    add_event(&bot, TEAM_A, "Amazon", "300").await;
    let out = bot.cli(&["digest", "--send-now"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Digests queued: 1"),
        "{out:?}"
    );
    bot.fake
        .wait_for("the chart", |f| {
            !f.calls("files.completeUploadExternal").is_empty()
        })
        .await;
    let digest = &bot.fake.messages("C00DIGEST")[0];
    assert!(
        texts(digest).contains("Weekly layoffs digest"),
        "{digest:#}"
    );
    assert!(texts(digest).contains("Amazon · 300 people"), "{digest:#}");
    let upload = &bot.fake.calls("files.completeUploadExternal")[0];
    assert_eq!(upload["channel_id"], "C00DIGEST");
    assert_eq!(upload["thread_ts"], digest["ts"], "in the digest's thread");
}

#[tokio::test]
async fn socket_mode_tells_the_user_why_a_form_was_refused() {
    let bot = SlackBot::start_socket_mode(&[SAMPLE]).await;
    let metadata = json!({"channel": CHANNEL, "event": null});
    let payload = submission(
        TEAM_A,
        ADMIN,
        "layoff_add",
        &metadata,
        &[("company", "Initrode"), ("date", "someday")],
    );
    bot.fake
        .envelope(json!({"envelope_id": "e-2", "type": "interactive",
                         "accepts_response_payload": true, "payload": payload}))
        .await;
    bot.fake
        .wait_for("the refusal", |f| !f.calls("chat.postEphemeral").is_empty())
        .await;
    let told = &bot.fake.calls("chat.postEphemeral")[0];
    assert_eq!(
        (told["channel"].as_str(), told["user"].as_str()),
        (Some(CHANNEL), Some(ADMIN))
    );
    assert!(
        texts(told).starts_with("Nothing was saved. date: "),
        "{told:#}"
    );
}
