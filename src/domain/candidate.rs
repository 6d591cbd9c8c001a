//! A candidate: a news item that reads as a layoff, what was read from it, and how it was
//! settled.

use chrono::{DateTime, Utc};

/// A candidate as stored, with its company's name.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateRow {
    pub id: i64,
    pub source: String,
    pub title: String,
    pub link: String,
    pub published_at: DateTime<Utc>,
    pub company_id: Option<i64>,
    pub company: Option<String>,
    pub headcount: Option<i64>,
    pub percentage: Option<f64>,
    pub headcount_text: Option<String>,
    pub teams: Option<String>,
    pub location: Option<String>,
    pub near_event_id: Option<i64>,
    pub status: String,
    pub event_id: Option<i64>,
    pub handled_by: Option<String>,
    pub handled_at: Option<DateTime<Utc>>,
    /// The settler as people know them (a chat name); None from the CLI.
    pub handled_by_name: Option<String>,
}
