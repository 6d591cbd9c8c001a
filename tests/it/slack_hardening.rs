//! Hardening II for Slack, end to end against the fake Slack: a channel and a moderator
//! belong to the request's workspace, typed text never pings nor formats, a captured request
//! stays refused across a restart, and slow clients cannot keep real requests out.

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::slack::{add_event, run, run_in, texts};
use crate::support::fake_slack::{
    ADMIN, ADMIN_A, B_ONLY, CHANNEL, Signed, TEAM_A, TEAM_B, command,
};
use crate::support::slack_bot::SlackBot;

const SAMPLE: &str = "tests/data/layoffs_fyi_sample.csv";

/// `/layoff-alerts WHAT` in workspace `team`, by the org admin; the answer's texts.
async fn alerts(bot: &SlackBot, team: &str, what: &str) -> String {
    texts(&run(bot, team, ADMIN, "/layoff-alerts", what).await)
}

#[tokio::test]
async fn another_workspaces_channel_is_refused_and_a_freed_channel_is_free() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    for what in [
        format!("subscribe <#{B_ONLY}|b-only>"),
        format!("test <#{B_ONLY}>"),
    ] {
        let refused = alerts(&bot, TEAM_A, &what).await;
        assert!(
            refused.contains("not a channel of this workspace"),
            "{refused}"
        );
    }
    assert!(
        bot.fake.messages(B_ONLY).is_empty(),
        "no test post landed there"
    );
    // A channel shared by A and B: A subscribes, then lets it go; B may take it then.
    let subscribe = "subscribe <#C0000SHARE>";
    alerts(&bot, TEAM_A, subscribe).await;
    let taken = alerts(&bot, TEAM_B, subscribe).await;
    assert!(
        taken.contains("subscribed from another workspace"),
        "{taken}"
    );
    alerts(&bot, TEAM_A, "unsubscribe <#C0000SHARE>").await;
    let free = alerts(&bot, TEAM_B, subscribe).await;
    assert!(free.contains("Subscribed <#C0000SHARE>"), "{free}");
}

#[tokio::test]
async fn an_admin_of_one_workspace_moderates_nothing_in_another() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    let home = run(&bot, TEAM_A, ADMIN_A, "/layoff-alerts", "list").await;
    assert!(
        texts(&home).contains("No channel here is subscribed"),
        "{home:#}"
    );
    let other = run(&bot, TEAM_B, ADMIN_A, "/layoff-alerts", "list").await;
    assert!(texts(&other).contains("Only workspace admins"), "{other:#}");
    // Answers name workspaces, never servers.
    let edit = run(&bot, TEAM_A, ADMIN, "/layoff", "edit 999999").await;
    assert!(texts(&edit).contains("this workspace"), "{edit:#}");
    assert!(!texts(&edit).contains("server"), "{edit:#}");
}

/// Every text object of a message, with its type.
fn text_objects(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(o) => {
            if let (Some(kind), Some(text)) = (
                o.get("type").and_then(Value::as_str),
                o.get("text").and_then(Value::as_str),
            ) {
                out.push((kind.to_string(), text.to_string()));
            }
            o.values().for_each(|c| text_objects(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| text_objects(c, out)),
        _ => {}
    }
}

/// No raw mention or link syntax anywhere, and no text Slack would format.
fn assert_inert(message: &Value) {
    let raw = message.to_string();
    for ping in ["<!channel>", "<!here>", "<@U0BAD>", "<https://evil"] {
        assert!(!raw.contains(ping), "{ping} reached Slack: {message:#}");
    }
    let mut texts = vec![(
        "top".to_string(),
        message["text"].as_str().unwrap_or_default().to_string(),
    )];
    text_objects(&message["blocks"], &mut texts);
    assert!(
        texts.iter().all(|(kind, _)| kind != "mrkdwn"),
        "typed text in mrkdwn: {message:#}"
    );
}

#[tokio::test]
async fn hostile_names_reach_slack_inert_in_every_kind_of_message() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    run_in(
        &bot,
        TEAM_A,
        ADMIN,
        "C0000HOST",
        "/layoff-alerts",
        "subscribe",
    )
    .await;
    let name = "*Evil* _Co_ ~x~ `y` <!channel> <!here> <@U0BAD> <https://evil|z>";
    add_event(&bot, TEAM_A, name, "300").await;
    bot.fake
        .wait_for("the post", |f| !f.messages("C0000HOST").is_empty())
        .await;
    let post = &bot.fake.messages("C0000HOST")[0];
    assert_inert(post);
    let shown = texts(post);
    assert!(
        shown.contains("*Evil* _Co_ ~x~ `y` &lt;!channel&gt;"),
        "{shown}"
    );
    let listing = run(&bot, TEAM_A, ADMIN, "/layoffs", "evil").await;
    assert_inert(&listing);
    assert!(texts(&listing).contains("*Evil* _Co_"), "{listing:#}");
    let confirmation = bot.fake.calls("chat.postEphemeral");
    assert_inert(&confirmation[0]);
}

#[tokio::test]
async fn a_captured_request_stays_refused_after_a_restart() {
    let mut bot = SlackBot::start(&[SAMPLE]).await;
    let url = bot.fake.response_url(1);
    let captured = Signed::new(command(TEAM_A, ADMIN, CHANNEL, "/layoffs", "amazon", &url));
    assert_eq!(captured.send(&bot.commands_url()).await.0, 200);
    assert_eq!(captured.send(&bot.commands_url()).await.0, 401, "a replay");
    bot.crash_and_restart().await;
    assert_eq!(
        captured.send(&bot.commands_url()).await.0,
        401,
        "still a replay after a restart"
    );
    let fresh = Signed::new(command(TEAM_A, ADMIN, CHANNEL, "/layoffs", "amazon", &url));
    assert_eq!(fresh.send(&bot.commands_url()).await.0, 200);
}

#[tokio::test]
async fn slow_clients_do_not_keep_a_command_or_a_post_out() {
    // 400 descriptors: without a connection cap, 500 slow clients would take them all and
    // the bot's own calls (the store, Slack's API) would fail.
    let bot = SlackBot::start_with_open_files(&[SAMPLE], 400).await;
    run_in(
        &bot,
        TEAM_A,
        ADMIN,
        "C0000SLOW",
        "/layoff-alerts",
        "subscribe",
    )
    .await;
    let addr = bot.commands_url().replace("http://", "");
    let addr = addr.split('/').next().unwrap().to_string();
    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"POST /slack/commands HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    // Without the cap the bot runs out of descriptors and never answers: fail, not hang.
    let answer = run(&bot, TEAM_A, ADMIN, "/layoffs", "amazon");
    let answer = tokio::time::timeout(std::time::Duration::from_secs(30), answer)
        .await
        .expect("answered despite 500 slow clients");
    assert!(texts(&answer).contains("Amazon"), "{answer:#}");
    add_event(&bot, TEAM_A, "Initrode", "40").await;
    bot.fake
        .wait_for("the post", |f| !f.messages("C0000SLOW").is_empty())
        .await;
    drop(slow);
}
