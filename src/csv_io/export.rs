//! CSV export of the global record (or one company's part of it), newest first, in the newer
//! layoffs.fyi layout that import reads back.

use std::io::Write;

use super::{EXPORT_HEADER, Progress};
use crate::domain::{LayoffEvent, Percentage, Source};
use crate::error::{Error, Result};
use crate::store::events::ExportRow;

/// Writes events (the global record's, newest first) as CSV in the newer layout.
pub fn export(events: &[ExportRow], out: impl Write, progress: &dyn Progress) -> Result<usize> {
    let total = events.len() as u64;
    let mut writer = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| Error::Io(std::io::Error::other(e));
    writer.write_record(EXPORT_HEADER).map_err(csv_err)?;
    for (i, row) in (1u64..).zip(events) {
        writer.write_record(export_row(row)).map_err(csv_err)?;
        if i % 1000 == 0 || i == total {
            progress.exported(i, total);
        }
    }
    writer.flush()?;
    Ok(events.len())
}

/// Characters that make a spreadsheet read a cell as a formula.
pub(super) const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet would run as a formula ("=HYPERLINK(...)") gets a leading apostrophe,
/// which spreadsheets show as text; import takes it off again.
fn neutralised(cell: &str) -> String {
    if cell.starts_with(FORMULA_START) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

fn export_row(row: &ExportRow) -> [String; 15] {
    let s = |v: Option<&str>| neutralised(v.unwrap_or_default());
    let e: &LayoffEvent = &row.event;
    [
        neutralised(&e.company),
        s(e.location.as_deref()),
        e.headcount
            .known()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        e.date.to_string(),
        e.percentage.map(Percentage::fraction).unwrap_or_default(),
        s(row.industry.as_deref()),
        s(e.source.as_ref().map(Source::as_str)),
        String::new(),
        String::new(),
        s(row.country.as_deref()),
        e.added_at.date_naive().to_string(),
        s(e.headcount.approx_text()),
        s(e.teams.as_deref()),
        s(e.notes.as_deref()),
        // One source a line: a source never holds a line break.
        neutralised(
            &e.more_sources
                .iter()
                .map(Source::as_str)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    ]
}
