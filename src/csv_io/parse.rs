//! Parsing layoffs.fyi CSV, streamed: both published layouts told apart by the header, each
//! row turned into an event through the same parsing as a moderator's options, or rejected
//! with its line and reason; a file that is not such a CSV is refused whole.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};

use super::input::{MAX_FILE_BYTES, binary, too_large};
use super::{EXPORT_HEADER, Progress, Rejected, Silent};
use crate::domain::fields::{MAX_LABEL, clean_text};
use crate::domain::{DomainError, EventScope, Headcount, NewEvent, Percentage, RawEvent, Source};
use crate::error::{Error, Result};
use crate::service::import::{BatchEvent, CHUNK, FIRST_CHUNK};

/// Rows between two progress reports.
const REPORT_EVERY: u64 = 1000;

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
    /// WARN notices (government filings), stored as filings, never as events.
    Warn(super::warn::WarnLayout),
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Self::Classic => "classic layoffs.fyi layout",
            Self::Newer => "newer layoffs.fyi layout",
            Self::Warn(w) => w.name(),
        }
    }
}

/// A parsed file held in memory: the events with their line numbers, and the rows rejected.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub layout: Layout,
    pub rows: Vec<BatchEvent>,
    /// The line of each of `rows`.
    pub lines: Vec<u64>,
    pub read: usize,
    pub rejected: Vec<Rejected>,
}

/// A row that parsed: its line and its event.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    pub line: u64,
    pub row: BatchEvent,
}

/// What parsing a file found besides the rows it handed on.
#[derive(Debug, Clone)]
pub struct ParseSummary {
    pub layout: Layout,
    pub read: usize,
    pub rejected: Vec<Rejected>,
}

/// Parses the file at `path`, streamed: its size is checked before anything is read, and
/// its bounds while reading ([`super::input`]).
pub fn parse_file(
    path: &Path,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    emit: &mut dyn FnMut(Vec<ParsedRow>) -> bool,
) -> Result<ParseSummary> {
    let (_, stream) = super::input::open(path)?;
    parse_rows(stream, now, progress, emit)
}

/// Parses a whole file held in memory (tests, small inputs).
pub fn parse(bytes: &[u8], now: DateTime<Utc>) -> Result<ParsedFile> {
    let (mut rows, mut lines) = (Vec::new(), Vec::new());
    let summary = parse_rows(bytes, now, &Silent, &mut |chunk| {
        for p in chunk {
            lines.push(p.line);
            rows.push(p.row);
        }
        true
    })?;
    Ok(ParsedFile {
        layout: summary.layout,
        rows,
        lines,
        read: summary.read,
        rejected: summary.rejected,
    })
}

/// Parses CSV from `reader`, handing rows on in chunks (`emit` returning false stops it). A
/// file that is not a layoffs.fyi CSV (binary, not UTF-8, wrong header, too large) is an
/// error; a bad row is only rejected.
pub fn parse_rows(
    mut reader: impl BufRead,
    now: DateTime<Utc>,
    progress: &dyn Progress,
    emit: &mut dyn FnMut(Vec<ParsedRow>) -> bool,
) -> Result<ParseSummary> {
    skip_bom_refuse_binary(&mut reader)?;
    // In a CRLF file the csv reader places a record before the '\n' that ends the line before
    // it, so its line number is one short.
    let line_fix = u64::from(first_line_ends_in_crlf(&mut reader)?);
    let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let (width, columns, layout) = columns_of(&mut csv)?;
    let mut summary = ParseSummary {
        layout,
        read: 0,
        rejected: Vec::new(),
    };
    let today = now.date_naive();
    // The writer is the slower side: a small first chunk lets it start at once.
    let mut chunk = Vec::with_capacity(FIRST_CHUNK);
    let mut limit = FIRST_CHUNK;
    let mut record = csv::ByteRecord::new();
    while csv
        .read_byte_record(&mut record)
        .map_err(|e| unreadable(&e))?
    {
        summary.read += 1;
        let position = record
            .position()
            .cloned()
            .unwrap_or_else(csv::Position::new);
        let line = position.line() + line_fix;
        if position.byte() > MAX_FILE_BYTES {
            return Err(too_large(position.byte()));
        }
        let text = text_record(record.clone(), position.byte())?;
        let row = Row {
            record: &text,
            columns: &columns,
        };
        match row.event(width, today) {
            Ok(row) => chunk.push(ParsedRow { line, row }),
            Err(reason) => summary.rejected.push(Rejected { line, reason }),
        }
        if chunk.len() == limit {
            limit = CHUNK;
            if !emit(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))) {
                return Ok(summary);
            }
        }
        if (summary.read as u64).is_multiple_of(REPORT_EVERY) {
            progress.parsed(position.byte(), summary.read as u64);
        }
    }
    if !chunk.is_empty() {
        emit(chunk);
    }
    Ok(summary)
}

/// A read error mid-file: the file as a whole cannot be trusted.
fn unreadable(e: &csv::Error) -> Error {
    match e.kind() {
        csv::ErrorKind::Io(io) => Error::BadFile(format!("cannot read the file: {io}")),
        _ => Error::BadFile(format!("unreadable CSV: {e}")),
    }
}

/// Drops a UTF-8 byte order mark; refuses a file whose start holds a NUL byte (binary).
fn skip_bom_refuse_binary(reader: &mut impl BufRead) -> Result<()> {
    let start = reader.fill_buf()?;
    if start.contains(&0) {
        return Err(binary());
    }
    if start.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// Whether the first line, as far as the reader's buffer shows it, ends in "\r\n".
fn first_line_ends_in_crlf(reader: &mut impl BufRead) -> Result<bool> {
    let start = reader.fill_buf()?;
    Ok(start
        .iter()
        .position(|&b| b == b'\n')
        .is_some_and(|at| at > 0 && start[at - 1] == b'\r'))
}

/// A record as text: NUL bytes mean a binary file; invalid UTF-8 is named by its position.
/// The header's width, where each column is, and which layout it is.
fn columns_of<R: std::io::Read>(csv: &mut csv::Reader<R>) -> Result<(usize, Columns, Layout)> {
    let header = csv
        .byte_headers()
        .map_err(|e| Error::BadFile(format!("cannot read the CSV header: {e}")))
        .and_then(|h| text_record(h.clone(), 0))?;
    let (by_name, layout) = read_header(&header)?;
    Ok((header.len(), Columns::of(&by_name), layout))
}

fn text_record(record: csv::ByteRecord, at: u64) -> Result<csv::StringRecord> {
    if record.iter().any(|field| field.contains(&0)) {
        return Err(binary());
    }
    csv::StringRecord::from_byte_record(record).map_err(|e| {
        Error::BadFile(format!(
            "the file is not UTF-8 text (invalid bytes in field {} of the record at byte {at})",
            e.utf8_error().field() + 1
        ))
    })
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

/// One record, read by column name; "NULL" reads as empty.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a Columns,
}

/// Where each column we read sits in a record, found once from the header.
struct Columns {
    company: Option<usize>,
    location: Option<usize>,
    total_laid_off: Option<usize>,
    headcount_text: Option<usize>,
    date: Option<usize>,
    percentage_laid_off: Option<usize>,
    industry: Option<usize>,
    source: Option<usize>,
    country: Option<usize>,
    teams: Option<usize>,
    notes: Option<usize>,
    more_sources: Option<usize>,
}

impl Columns {
    fn of(by_name: &HashMap<String, usize>) -> Self {
        let at = |name: &str| by_name.get(name).copied();
        Self {
            company: at("company"),
            location: at("location"),
            total_laid_off: at("total_laid_off"),
            headcount_text: at("headcount_text"),
            date: at("date"),
            percentage_laid_off: at("percentage_laid_off"),
            industry: at("industry"),
            source: at("source"),
            country: at("country"),
            teams: at("teams"),
            notes: at("notes"),
            more_sources: at("more_sources"),
        }
    }
}

impl<'a> Row<'a> {
    fn get(&self, column: Option<usize>) -> &'a str {
        let record = self.record;
        column.and_then(|i| record.get(i)).map_or("", |v| {
            // Our export's guard against spreadsheet formulas, taken off.
            let v = match v.strip_prefix('\'') {
                Some(rest) if rest.starts_with(super::export::FORMULA_START) => rest,
                _ => v,
            };
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
        let c = self.columns;
        if self.get(c.date).trim().is_empty() {
            return Err("date: missing".to_string());
        }
        let count = Headcount::parse_count(self.get(c.total_laid_off)).map_err(named)?;
        let percent = Percentage::from_fraction(self.get(c.percentage_laid_off)).map_err(named)?;
        let text = |column| Some(self.get(column).to_string());
        let raw = RawEvent {
            company: text(c.company),
            date: text(c.date),
            count: count.known().map(i64::from),
            approx: count
                .known()
                .is_none()
                .then(|| self.get(c.headcount_text).to_string()),
            percent: percent.map(Percentage::value),
            teams: text(c.teams),
            location: Some(strip_non_us(self.get(c.location)).to_string()),
            source: text(c.source),
            notes: text(c.notes),
        };
        let event = NewEvent::parse(&raw, EventScope::Global, today).map_err(named)?;
        let label = |name: &'static str, value: &str| clean_text(name, value, MAX_LABEL);
        let industry = label("industry", self.get(c.industry)).map_err(named)?;
        let country =
            label("country", self.get(c.country).trim().trim_end_matches('.')).map_err(named)?;
        let more_sources = more_sources(self.get(c.more_sources)).map_err(named)?;
        Ok(BatchEvent {
            more_sources,
            ..BatchEvent::new(event, industry, country)
        })
    }
}

/// Sources beyond the first, one a line (our export's `more_sources` column).
fn more_sources(cell: &str) -> Result<Vec<String>, DomainError> {
    let mut out = Vec::new();
    for line in cell.lines() {
        if let Some(source) = Source::parse(line)? {
            out.push(source.as_str().to_string());
        }
    }
    if out.len() > MAX_MORE_SOURCES {
        return Err(DomainError::invalid(
            "more_sources",
            format!(
                "at most {MAX_MORE_SOURCES} further sources, not {}",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// Further sources one row may carry.
const MAX_MORE_SOURCES: usize = 50;

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
