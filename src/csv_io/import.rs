//! layoffs.fyi CSV import: both published layouts (told apart by the header) into the global
//! record, one transaction per file; every row imported, skipped as a duplicate, or rejected
//! with its line and reason.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use super::EXPORT_HEADER;
use crate::domain::fields::{MAX_LABEL, clean_text};
use crate::domain::{Actor, DomainError, EventScope, Headcount, NewEvent, Percentage, RawEvent};
use crate::error::{Error, Result};
use crate::service::{BatchEvent, import_batch};
use crate::store::Store;

/// Larger files are surely not a layoffs export; refusing them keeps memory bounded.
pub const MAX_FILE_BYTES: usize = 256 * 1024 * 1024;

/// Columns every layoffs.fyi export has.
const REQUIRED: &[&str] = &[
    "company",
    "location",
    "industry",
    "total_laid_off",
    "percentage_laid_off",
    "date",
    "country",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `company, location, industry, total_laid_off, …, funds_raised_millions` (2020-2023).
    Classic,
    /// `company, location, total_laid_off, date, …, source, …, date_added`.
    Newer,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Self::Classic => "classic layoffs.fyi layout",
            Self::Newer => "newer layoffs.fyi layout",
        }
    }
}

/// A row that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub layout: Layout,
    pub read: usize,
    pub imported: usize,
    pub duplicates: Vec<u64>,
    pub rejected: Vec<Rejected>,
    pub dry_run: bool,
}

/// A parsed file: the events with their line numbers, and the rows rejected.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub layout: Layout,
    pub rows: Vec<(u64, BatchEvent)>,
    pub read: usize,
    pub rejected: Vec<Rejected>,
}

/// Reads `path` and imports it in one transaction (none with `dry_run`).
pub async fn import_file(
    store: &Store,
    path: &Path,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::BadFile(format!("cannot read {}: {e}", path.display())))?;
    let parsed = parse(&bytes, now)?;
    let batch: Vec<BatchEvent> = parsed.rows.iter().map(|(_, e)| e.clone()).collect();
    let outcome = import_batch(store, &batch, &Actor::cli("import"), now, dry_run).await?;
    tracing::info!(
        file = %path.display(),
        read = parsed.read,
        imported = outcome.inserted.len(),
        duplicates = outcome.duplicates.len(),
        rejected = parsed.rejected.len(),
        dry_run,
        "import finished"
    );
    Ok(ImportReport {
        layout: parsed.layout,
        read: parsed.read,
        imported: outcome.inserted.len(),
        duplicates: outcome
            .duplicates
            .iter()
            .map(|&i| parsed.rows[i].0)
            .collect(),
        rejected: parsed.rejected,
        dry_run,
    })
}

/// Parses a whole file. A file that is not a layoffs.fyi CSV is an error; a bad row is only
/// rejected.
pub fn parse(bytes: &[u8], now: DateTime<Utc>) -> Result<ParsedFile> {
    let text = as_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::BadFile(format!("cannot read the CSV header: {e}")))?
        .clone();
    let (columns, layout) = read_header(&header)?;
    let mut parsed = ParsedFile {
        layout,
        rows: Vec::new(),
        read: 0,
        rejected: Vec::new(),
    };
    let mut lines = LineCounter::new(text);
    let today = now.date_naive();
    for record in reader.records() {
        parsed.read += 1;
        let result = match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
                let row = Row {
                    record: &record,
                    columns: &columns,
                };
                (line, row.event(header.len(), today))
            }
            // A broken quote or the like: reject the row, keep reading.
            Err(e) => (
                e.position().map_or(0, |p| lines.line_at(p.byte())),
                Err(format!("unreadable CSV: {e}")),
            ),
        };
        match result {
            (line, Ok(event)) => parsed.rows.push((line, event)),
            (line, Err(reason)) => parsed.rejected.push(Rejected { line, reason }),
        }
    }
    Ok(parsed)
}

/// The file as UTF-8 text without a BOM; binary, oversized or non-UTF-8 files are refused.
fn as_text(bytes: &[u8]) -> Result<&str> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Error::BadFile(format!(
            "the file is {} bytes; the limit is {MAX_FILE_BYTES}",
            bytes.len()
        )));
    }
    if bytes.contains(&0) {
        return Err(Error::BadFile(
            "this is a binary file, not a layoffs.fyi CSV export".into(),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::BadFile(format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Column positions by lower-case name, and the layout they show.
fn read_header(header: &csv::StringRecord) -> Result<(HashMap<String, usize>, Layout)> {
    let columns: HashMap<String, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        return Err(Error::BadFile(format!(
            "this is not a layoffs.fyi CSV export: the header lacks {}; expected columns such as {}",
            missing.join(", "),
            EXPORT_HEADER[..11].join(",")
        )));
    }
    let layout = if columns.contains_key("funds_raised_millions") {
        Layout::Classic
    } else {
        Layout::Newer
    };
    Ok((columns, layout))
}

/// Line numbers (from 1) of byte offsets, for offsets given in increasing order.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut end = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // After "\r\n" the csv reader places the next record at the '\n'.
        if self.text.get(end) == Some(&b'\n') {
            end += 1;
        }
        if end > self.offset {
            let newlines = self.text[self.offset..end].iter().filter(|&&b| b == b'\n');
            self.line += newlines.count() as u64;
            self.offset = end;
        }
        self.line
    }
}

/// One record, read by column name; "NULL" reads as empty.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<String, usize>,
}

impl<'a> Row<'a> {
    fn get(&self, name: &str) -> &'a str {
        let record = self.record;
        self.columns
            .get(name)
            .and_then(|&i| record.get(i))
            .map_or("", |v| {
                if v.trim().eq_ignore_ascii_case("null") {
                    ""
                } else {
                    v
                }
            })
    }
}

impl Row<'_> {
    /// The row as an event, through the same parsing as a moderator's options; or why not.
    fn event(&self, width: usize, today: NaiveDate) -> Result<BatchEvent, String> {
        if self.record.len() != width {
            return Err(format!(
                "{} fields where the header has {width}",
                self.record.len()
            ));
        }
        let named = |e: DomainError| format!("{}: {}", e.field, e.message);
        if self.get("date").trim().is_empty() {
            return Err("date: missing".to_string());
        }
        let count = Headcount::parse_count(self.get("total_laid_off")).map_err(named)?;
        let percent = Percentage::from_fraction(self.get("percentage_laid_off")).map_err(named)?;
        let text = |name: &str| Some(self.get(name).to_string());
        let raw = RawEvent {
            company: text("company"),
            date: text("date"),
            count: count.known().map(i64::from),
            approx: count
                .known()
                .is_none()
                .then(|| self.get("headcount_text").to_string()),
            percent: percent.map(Percentage::value),
            teams: text("teams"),
            location: Some(strip_non_us(self.get("location")).to_string()),
            source: text("source"),
            notes: text("notes"),
        };
        let event = NewEvent::parse(&raw, EventScope::Global, today).map_err(named)?;
        let label = |name: &'static str, value: &str| clean_text(name, value, MAX_LABEL);
        Ok(BatchEvent {
            event,
            industry: label("industry", self.get("industry")).map_err(named)?,
            country: label("country", self.get("country").trim().trim_end_matches('.'))
                .map_err(named)?,
        })
    }
}

/// "Sydney, Non-U.S." is layoffs.fyi's way of saying "Sydney" outside the US; the country
/// column says where.
fn strip_non_us(location: &str) -> &str {
    let t = location.trim();
    t.strip_suffix("Non-U.S.")
        .map_or(t, |rest| rest.trim_end().trim_end_matches(',').trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_us_marker_is_dropped_from_locations() {
        assert_eq!(strip_non_us("Sydney, Non-U.S."), "Sydney");
        assert_eq!(strip_non_us(" Seattle "), "Seattle");
        assert_eq!(strip_non_us("Non-U.S."), "");
    }

    #[test]
    fn a_file_without_the_columns_is_refused() {
        let err = parse(b"name,when\nAcme,2024-01-01\n", Utc::now()).unwrap_err();
        assert!(
            err.user_message().contains("not a layoffs.fyi CSV"),
            "{err}"
        );
        let err = parse(b"\x89PNG\r\n\x1a\n\0\0", Utc::now()).unwrap_err();
        assert!(err.user_message().contains("binary"), "{err}");
    }

    #[test]
    fn rows_are_rejected_with_their_line_and_reason() {
        let csv = "company,location,industry,total_laid_off,percentage_laid_off,date,stage,country,funds_raised_millions\r\n\
                   Acme,Oslo,Food,70,0.18,11/1/2022,Unknown,Norway,10\r\n\
                   Bad,Oslo,Food,70,0.18,NULL,Unknown,Norway,10\r\n\
                   Short,Oslo\r\n";
        let parsed = parse(csv.as_bytes(), Utc::now()).unwrap();
        assert_eq!(parsed.layout, Layout::Classic);
        assert_eq!(parsed.read, 3);
        assert_eq!(parsed.rows.len(), 1);
        assert_eq!(parsed.rejected[0].line, 3);
        assert_eq!(parsed.rejected[0].reason, "date: missing");
        assert_eq!(parsed.rejected[1].line, 4);
    }
}
