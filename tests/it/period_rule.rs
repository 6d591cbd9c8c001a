//! One rule for `/layoffs-stats`' period: a window or a calendar year, never both, refused
//! with the same sentence in Discord, Slack and on the command line.

use std::process::Command;

use serde_json::json;

use crate::slack::{run, texts};
use crate::support::bot::Bot;
use crate::support::fake_discord::{Who, slash};
use crate::support::fake_slack::{MEMBER, TEAM_A};
use crate::support::slack_bot::SlackBot;
use crate::support::{content, is_ephemeral, opt};

const SAMPLE: &str = "tests/data/layoffs_fyi_sample.csv";
const BOTH: &str = "Give either a period or a year, not both.";

#[tokio::test]
async fn discord_refuses_a_period_and_a_year_together() {
    let (bot, _) = Bot::start(&[SAMPLE]).await;
    let options = json!([
        opt("period", 3, json!("year-to-date")),
        opt("year", 4, json!(2023))
    ]);
    let answer = bot
        .fake
        .interact(slash(Who::USER_A, "layoffs-stats", options))
        .await;
    assert!(is_ephemeral(&answer), "{answer:#}");
    assert!(content(&answer).contains(BOTH), "{answer:#}");
}

#[tokio::test]
async fn slack_refuses_a_period_and_a_year_together_in_any_spelling() {
    let bot = SlackBot::start(&[SAMPLE]).await;
    for typed in [
        "2023 year-to-date",
        "ytd 2023",
        "period:ytd year:2023",
        "2023 period:all",
    ] {
        let answer = run(&bot, TEAM_A, MEMBER, "/layoffs-stats", typed).await;
        assert!(texts(&answer).contains(BOTH), "{typed}: {answer:#}");
    }
    // Either alone still answers.
    let year = run(&bot, TEAM_A, MEMBER, "/layoffs-stats", "2023").await;
    assert_eq!(year["response_type"], "in_channel", "{year:#}");
}

#[test]
fn the_command_line_refuses_a_period_and_a_year_together() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let out = Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .args(["stats", "--period", "ytd", "--year", "2023"])
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env_remove("RUST_LOG")
        .output()
        .expect("run layoffs-bot");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(BOTH), "{stderr}");
}
