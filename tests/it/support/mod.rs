//! Shared test helpers: a temporary store, fixed dates and events, the JSON of interaction
//! options, the bot harness and the fake Discord.

pub mod bot;
pub mod fake_discord;
pub mod fake_forum;
pub mod fake_slack;
pub mod multipart;
pub mod slack_bot;

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use layoffs_bot::Store;
use layoffs_bot::domain::{
    Actor, CompanyName, EventScope, Headcount, NewEvent, Percentage, Source,
};
use serde_json::{Value, json};

/// A store in its own temporary directory, removed when dropped.
pub struct TestStore {
    pub store: Store,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl TestStore {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let store = Store::open(&url).await.expect("open store");
        Self {
            store,
            url,
            _dir: dir,
        }
    }
}

pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name)
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

/// An event with only what a test cares about set.
pub fn event(company: &str, date: &str, headcount: Headcount) -> NewEvent {
    NewEvent {
        company: CompanyName::parse(company).unwrap(),
        date: day(date),
        headcount,
        percentage: None,
        teams: None,
        location: None,
        source: None,
        notes: None,
        scope: EventScope::Global,
    }
}

/// The AWS cut of April 2024, as the news reported it.
pub fn aws_april_2024() -> NewEvent {
    NewEvent {
        teams: Some("sales, marketing and global services; physical stores technology".into()),
        location: Some("Seattle".into()),
        source: Source::parse("Wall Street Journal").unwrap(),
        notes: Some("Affected staff keep pay and benefits for at least 60 days".into()),
        percentage: None::<Percentage>,
        ..event(
            "Amazon Web Services",
            "2024-04-03",
            Headcount::Approx("hundreds".into()),
        )
    }
}

/// Stores a valid event as a moderator's addition would (audit row, posts queued).
pub async fn add(store: &Store, e: &NewEvent) -> i64 {
    layoffs_bot::service::record_event(store, e, &Actor::cli("test"), now())
        .await
        .expect("add event")
        .id
}

/// Discord's EPHEMERAL message flag.
const EPHEMERAL: u64 = 64;

pub fn opt(name: &str, kind: u8, value: Value) -> Value {
    json!({"name": name, "type": kind, "value": value})
}

pub fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

pub fn is_ephemeral(answer: &Value) -> bool {
    answer["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL != 0
}

pub fn content(answer: &Value) -> String {
    answer["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

pub fn no_pings(answer: &Value) {
    assert_eq!(
        answer["data"]["allowed_mentions"]["parse"],
        json!([]),
        "{answer:#}"
    );
}
