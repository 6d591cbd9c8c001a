//! The one integration test binary: the store and its queries, CSV import and export, the
//! command line, and the real bot against a fake Discord, each on a real temporary SQLite file.

// Test scenarios read top to bottom as a user would act; json! values are built inline.
#![allow(
    clippy::needless_pass_by_value,
    clippy::too_many_lines,
    clippy::match_wild_err_arm
)]

mod bot;
mod cli;
mod commands;
mod delivery;
mod fake_discord;
mod import;
mod outbox;
mod store;

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use layoffs_bot::Store;
use layoffs_bot::domain::{
    Actor, CompanyName, EventScope, Headcount, NewEvent, Percentage, Source,
};

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
