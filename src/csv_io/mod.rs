//! CSV in and out of the global record: layoffs.fyi import (both published layouts) and
//! export in the newer layout.

pub mod export;
pub mod import;

pub use export::export;
pub use import::{ImportReport, Layout, ParsedFile, Rejected, import_file, parse};

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
];
