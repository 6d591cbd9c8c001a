//! CSV in and out of the global record: layoffs.fyi import (both published layouts) and
//! export in the newer layout.

pub mod export;
pub mod import;
pub mod input;
pub mod parse;
pub mod warn;

pub use export::export;
pub use import::{
    FileOptions, ImportReport, Probable, import_file, import_file_with_progress, import_named,
};
pub use parse::{Layout, ParseSummary, ParsedFile, ParsedRow, parse, parse_file};

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

/// Where import and export report how far they got (a progress bar on a terminal, nothing
/// elsewhere).
pub trait Progress: Send + Sync {
    /// Parsing: `bytes` of the file read, `rows` of it parsed.
    fn parsed(&self, _bytes: u64, _rows: u64) {}
    /// Parsing is done; `rows` events go to the store now.
    fn writing(&self, _rows: u64) {}
    /// Export: `rows` of `total` written.
    fn exported(&self, _rows: u64, _total: u64) {}
}

/// No progress shown.
pub struct Silent;

impl Progress for Silent {}

/// The newer layoffs.fyi layout, which export writes, plus our own trailing columns for what
/// it lacks.
pub const EXPORT_HEADER: &[&str] = &[
    "company",
    "location",
    "total_laid_off",
    "date",
    "percentage_laid_off",
    "industry",
    "source",
    "stage",
    "funds_raised",
    "country",
    "date_added",
    "headcount_text",
    "teams",
    "notes",
    "more_sources",
];
