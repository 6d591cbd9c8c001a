//! What an import is fed and reports: one row as an event with its company facts, fingerprint
//! and line; what became of it; how a run treats rows; where a batch came from.

use std::time::Duration;

use crate::domain::merge::Figures;
use crate::domain::{NewEvent, Percentage, Source};
use crate::store::merge::MergedRow;

/// One event of a batch, with company facts the CSV carries, its fingerprint and its line.
#[derive(Debug, Clone)]
pub struct BatchEvent {
    pub event: NewEvent,
    pub industry: Option<String>,
    pub country: Option<String>,
    pub fingerprint: String,
    /// Where it was read (0: not from a file).
    pub line: u64,
    /// Sources beyond the event's first, oldest first (our own export carries them).
    pub more_sources: Vec<String>,
}

impl BatchEvent {
    pub fn new(event: NewEvent, industry: Option<String>, country: Option<String>) -> Self {
        let fingerprint = event.fingerprint();
        Self {
            event,
            industry,
            country,
            fingerprint,
            line: 0,
            more_sources: Vec::new(),
        }
    }

    /// What merging compares of it.
    pub(super) fn figures(&self) -> Figures {
        let e = &self.event;
        Figures::new(
            e.headcount.known(),
            e.percentage.map(Percentage::value),
            e.location.as_deref(),
        )
    }

    pub(super) fn merged_row(&self, file: &str) -> MergedRow<'_> {
        let e = &self.event;
        MergedRow {
            headcount: e.headcount.known(),
            approx: e.headcount.approx_text(),
            percentage: e.percentage.map(Percentage::value),
            location: e.location.as_deref(),
            teams: e.teams.as_deref(),
            notes: e.notes.as_deref(),
            source: e.source.as_ref().map(Source::as_str),
            fingerprint: &self.fingerprint,
            origin: format!("{file} line {}", self.line),
        }
    }
}

/// What an import did with a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowOutcome {
    Imported,
    /// The same fingerprint as an event, or a row merged into one, already had.
    Duplicate,
    /// Merged into this event (the same cut from another source).
    Merged(i64),
    /// Not imported: it looks like another company's event (`event_id`, named `company`).
    Probable {
        event_id: i64,
        company: String,
    },
}

/// How a run treats its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The file, for the audit of merges.
    pub file: String,
    /// Import probable duplicates anyway.
    pub accept_probable: bool,
}

/// What announcing a run's new events did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Announced {
    /// Posts queued.
    pub posts: u64,
    /// New events over the cap, so none was announced.
    pub withheld: Option<usize>,
}

/// What a batch did with each of its rows, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub rows: Vec<RowOutcome>,
    /// How long the write lock was held.
    pub write_lock: Duration,
}

/// Where a batch came from, for the run's audit record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchSource<'a> {
    pub file: &'a str,
    /// Rows read, and rows rejected before the batch (they are not in it).
    pub read: usize,
    pub rejected: usize,
}
