//! Following companies by DM in Slack, end to end with the fake Slack: the DM through
//! `conversations.open` after a home admin adds an event, `cannot_dm_bot` pausing the follows
//! until the person is told once, and forget-me.

use serde_json::json;

use layoffs_bot::domain::Platform;
use layoffs_bot::domain::follow::Person;

use crate::slack::{run, submission, submit, texts};
use crate::support::fake_slack::{ADMIN, HOME_TEAM, MEMBER, TEAM_A};
use crate::support::slack_bot::SlackBot;

async fn add_amazon(bot: &SlackBot, date: &str, count: &str) {
    let metadata = json!({"channel": "C0000GEN", "event": null});
    let values = [("company", "Amazon"), ("date", date), ("count", count)];
    let answer = submit(
        bot,
        &submission(HOME_TEAM, ADMIN, "layoff_add", &metadata, &values),
    )
    .await;
    assert_eq!(answer, json!({"response_action": "clear"}));
}

#[tokio::test]
async fn a_slack_follower_gets_dms_is_told_once_when_they_fail_and_can_be_forgotten() {
    let bot = SlackBot::start(&["tests/data/layoffs_fyi_sample.csv"]).await;
    let said = run(&bot, TEAM_A, MEMBER, "/layoffs-follow", "add amazon").await;
    assert!(texts(&said).contains("You now follow"), "{said:#}");
    let said = run(&bot, TEAM_A, MEMBER, "/layoffs-follow", "list").await;
    assert!(texts(&said).contains("Amazon"), "{said:#}");

    add_amazon(&bot, "2026-11-30", "300").await;
    let dm_channel = format!("D{MEMBER}");
    bot.fake
        .wait_for("the DM", |f| !f.messages(&dm_channel).is_empty())
        .await;
    let opened = bot.fake.calls("conversations.open");
    assert_eq!(opened[0]["users"], MEMBER);
    let dm = texts(&bot.fake.messages(&dm_channel)[0]);
    assert!(
        dm.contains("New layoff: Amazon")
            && dm.contains("You follow Amazon · /layoffs-follow remove"),
        "{dm}"
    );

    bot.fake.close_dms(MEMBER);
    add_amazon(&bot, "2026-09-15", "20").await;
    let told = |f: &crate::support::fake_slack::FakeSlack| {
        f.calls("chat.postEphemeral")
            .iter()
            .any(|c| c["user"] == MEMBER && texts(c).contains("paused"))
    };
    for _ in 0..100 {
        run(&bot, TEAM_A, MEMBER, "/layoffs", "amazon").await;
        if told(&bot.fake) {
            break;
        }
    }
    bot.fake.wait_for("the notice", told).await;

    let said = run(&bot, TEAM_A, MEMBER, "/layoffs-follow", "forget-me").await;
    assert!(
        texts(&said).contains("deleted your 1 follow(s)"),
        "{said:#}"
    );
    let who = Person::new(Platform::Slack, MEMBER);
    assert!(bot.store.follows_of(&who).await.unwrap().is_empty());
    assert!(bot.store.untold_pause(&who).await.unwrap().is_none());
}
