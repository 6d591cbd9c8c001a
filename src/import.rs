//! layoffs.fyi CSV: import of both published layouts (told apart by the header) into the
//! global record, one transaction per file, and export in the newer layout.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::domain::{
    Actor, CompanyName, EventScope, Headcount, LayoffEvent, NewEvent, Percentage, Source,
    event::{MAX_LOCATION, MAX_NOTES, MAX_TEAMS, clean_text, parse_event_date},
};
use crate::error::{Error, Result};
use crate::store::{BatchEvent, Store};

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

/// The newer layout, which export writes, plus our own trailing columns for what it lacks.
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
    let outcome = store
        .add_batch(&batch, &Actor::cli("import"), now, dry_run)
        .await?;
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
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::BadFile(format!("cannot read the CSV header: {e}")))?
        .clone();
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
    let mut parsed = ParsedFile {
        layout,
        rows: Vec::new(),
        read: 0,
        rejected: Vec::new(),
    };
    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                // A broken quote or the like: reject the row, keep reading.
                parsed.read += 1;
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                parsed.rejected.push(Rejected {
                    line,
                    reason: format!("unreadable CSV: {e}"),
                });
                continue;
            }
        };
        parsed.read += 1;
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if record.len() != header.len() {
            parsed.rejected.push(Rejected {
                line,
                reason: format!(
                    "{} fields where the header has {}",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let row = Row {
            record: &record,
            columns: &columns,
        };
        match parse_row(&row, now) {
            Ok(event) => parsed.rows.push((line, event)),
            Err(reason) => parsed.rejected.push(Rejected { line, reason }),
        }
    }
    Ok(parsed)
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

fn parse_row(row: &Row<'_>, now: DateTime<Utc>) -> Result<BatchEvent, String> {
    let field = |name: &str| row.get(name);
    let named = |e: crate::domain::DomainError| format!("{}: {}", e.field, e.message);
    let company = CompanyName::parse(field("company")).map_err(named)?;
    let date = parse_event_date(field("date"), now.date_naive()).map_err(|e| {
        if field("date").trim().is_empty() {
            "date: missing".to_string()
        } else {
            named(e)
        }
    })?;
    let mut headcount = Headcount::parse_count(field("total_laid_off")).map_err(named)?;
    if headcount == Headcount::Unknown {
        headcount = Headcount::parse_reported(field("headcount_text")).map_err(named)?;
    }
    let percentage = Percentage::from_fraction(field("percentage_laid_off")).map_err(named)?;
    let location =
        clean_text("location", strip_non_us(field("location")), MAX_LOCATION).map_err(named)?;
    let source = Source::parse(field("source")).map_err(named)?;
    let teams = clean_text("teams", field("teams"), MAX_TEAMS).map_err(named)?;
    let notes = clean_text("notes", field("notes"), MAX_NOTES).map_err(named)?;
    let industry = clean_text("industry", field("industry"), 100).map_err(named)?;
    let country = clean_text(
        "country",
        field("country").trim().trim_end_matches('.'),
        100,
    )
    .map_err(named)?;
    Ok(BatchEvent {
        event: NewEvent {
            company,
            date,
            headcount,
            percentage,
            teams,
            location,
            source,
            notes,
            scope: EventScope::Global,
        },
        industry,
        country,
    })
}

/// "Sydney, Non-U.S." is layoffs.fyi's way of saying "Sydney" outside the US; the country
/// column says where.
fn strip_non_us(location: &str) -> &str {
    let t = location.trim();
    t.strip_suffix("Non-U.S.")
        .map_or(t, |rest| rest.trim_end().trim_end_matches(',').trim_end())
}

/// Writes every global event (or one company's) as CSV in the newer layout, newest first.
pub async fn export(store: &Store, company_id: Option<i64>, out: impl Write) -> Result<usize> {
    let events = store.all_events(company_id).await?;
    let mut writer = csv::Writer::from_writer(out);
    let csv_err = |e: csv::Error| Error::Io(std::io::Error::other(e));
    writer.write_record(EXPORT_HEADER).map_err(csv_err)?;
    for (event, industry, country) in &events {
        writer
            .write_record(export_row(event, industry.as_deref(), country.as_deref()))
            .map_err(csv_err)?;
    }
    writer.flush()?;
    Ok(events.len())
}

fn export_row(e: &LayoffEvent, industry: Option<&str>, country: Option<&str>) -> [String; 14] {
    let s = |v: Option<&str>| v.unwrap_or_default().to_string();
    [
        e.company.clone(),
        s(e.location.as_deref()),
        e.headcount
            .known()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        e.date.to_string(),
        e.percentage.map(Percentage::fraction).unwrap_or_default(),
        s(industry),
        s(e.source.as_ref().map(Source::as_str)),
        String::new(),
        String::new(),
        s(country),
        e.added_at.date_naive().to_string(),
        s(e.headcount.approx_text()),
        s(e.teams.as_deref()),
        s(e.notes.as_deref()),
    ]
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
