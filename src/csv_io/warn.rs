//! WARN notice files, told apart by their header: Washington State's own layout, and the
//! consolidated layouts of the warn-transformer project (columns read by name, any order).
//! Each row becomes a [`Filing`] or a rejection with its line and reason.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::Rejected;
use crate::domain::fields::{MAX_LABEL, clean_text};
use crate::domain::filing::{Filing, MAX_FILING_JOBS};
use crate::error::{Error, Result};

/// The WARN layouts import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarnLayout {
    /// `Company, Location, Layoff Start Date, # of Workers, Closure Layoff, Type of Layoff,
    /// Received Date`.
    Washington,
    /// warn-transformer's `hash_id, postal_code, company, location, notice_date, …`, with or
    /// without its "integrated" columns.
    Consolidated,
}

impl WarnLayout {
    pub fn name(self) -> &'static str {
        match self {
            Self::Washington => "Washington State WARN layout",
            Self::Consolidated => "consolidated WARN layout (warn-transformer)",
        }
    }

    /// Which agency received a state's notices.
    pub fn agency(state: &str) -> String {
        match state {
            "WA" => "Washington State Employment Security Department".to_string(),
            s => format!("{s} state workforce agency"),
        }
    }
}

/// The layout a header shows, if it is a WARN file.
pub fn detect(header: &[String]) -> Option<WarnLayout> {
    let has = |name: &str| header.iter().any(|h| h.eq_ignore_ascii_case(name));
    if has("received date") && has("# of workers") && has("company") {
        Some(WarnLayout::Washington)
    } else if has("hash_id") && has("postal_code") && has("notice_date") && has("company") {
        Some(WarnLayout::Consolidated)
    } else {
        None
    }
}

/// What a WARN file holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WarnRows {
    pub filings: Vec<(u64, Filing)>,
    pub rejected: Vec<Rejected>,
    /// Lines of notices a later one superseded (the consolidated layout says which).
    pub superseded: Vec<u64>,
    pub read: usize,
}

fn date(value: &str) -> Option<NaiveDate> {
    let v = value.trim();
    NaiveDate::parse_from_str(v, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
        .ok()
}

fn truthy(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" | "y" => Some(true),
        "false" | "f" | "0" | "no" | "n" => Some(false),
        _ => None,
    }
}

/// Reads every row of a WARN file (small files: the whole file is in memory already).
pub fn parse(text: &str, layout: WarnLayout) -> Result<WarnRows> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: HashMap<String, usize> = csv
        .headers()
        .map_err(|e| Error::BadFile(format!("cannot read the CSV header: {e}")))?
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_ascii_lowercase(), i))
        .collect();
    let mut out = WarnRows::default();
    for record in csv.records() {
        let record = record.map_err(|e| Error::BadFile(format!("unreadable CSV: {e}")))?;
        out.read += 1;
        let line = record.position().map_or(0, csv::Position::line);
        let fields = Fields {
            header: &header,
            record: &record,
        };
        if layout == WarnLayout::Consolidated && truthy(fields.get("is_superseded")) == Some(true) {
            out.superseded.push(line);
            continue;
        }
        match filing(layout, &fields) {
            Ok(f) => out.filings.push((line, f)),
            Err(reason) => out.rejected.push(Rejected { line, reason }),
        }
    }
    Ok(out)
}

/// A notice's job count: empty is unknown; a number within a count's bounds.
fn job_count(value: &str, column: &str) -> Result<Option<u32>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let n: f64 = value
        .parse()
        .map_err(|_| format!("{column}: not a number"))?;
    if n < 0.0 {
        return Err(format!("{column}: out of range"));
    }
    if n > f64::from(MAX_FILING_JOBS) {
        return Err(format!(
            "{column}: {value} jobs is more than one filing holds (at most {MAX_FILING_JOBS})"
        ));
    }
    // Within range, so the rounded value fits.
    Ok(Some(u32::try_from(n.round() as i64).unwrap_or(0)))
}

/// A record's fields by column name.
struct Fields<'a> {
    header: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> &'a str {
        let record = self.record;
        self.header
            .get(name)
            .and_then(|&i| record.get(i))
            .unwrap_or_default()
    }
}

fn filing(layout: WarnLayout, fields: &Fields<'_>) -> Result<Filing, String> {
    let get = |name: &str| fields.get(name);
    let text = |field: &'static str, value: &str| {
        clean_text(field, value, MAX_LABEL).map_err(|e| format!("{field}: {}", e.message))
    };
    let (company, notice, effective, jobs, state) = match layout {
        WarnLayout::Washington => (
            "company",
            "received date",
            "layoff start date",
            "# of workers",
            "WA".to_string(),
        ),
        WarnLayout::Consolidated => (
            "company",
            "notice_date",
            "effective_date",
            "jobs",
            get("postal_code").trim().to_ascii_uppercase(),
        ),
    };
    if state.len() != 2 || !state.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(format!(
            "postal_code: not a state code: {:?}",
            get("postal_code")
        ));
    }
    let filed_name = text("company", get(company))?.ok_or("company: missing")?;
    let notice_date = date(get(notice)).ok_or_else(|| format!("{notice}: not a date"))?;
    let jobs = job_count(get(jobs), jobs)?;
    let (closure, temporary) = match layout {
        WarnLayout::Washington => (
            Some(get("closure layoff").trim().eq_ignore_ascii_case("closure")),
            Some(
                get("type of layoff")
                    .trim()
                    .eq_ignore_ascii_case("temporary"),
            ),
        ),
        WarnLayout::Consolidated => (truthy(get("is_closure")), truthy(get("is_temporary"))),
    };
    Ok(Filing {
        state,
        filed_name,
        notice_date,
        effective_date: date(get(effective)),
        jobs,
        location: text("location", get("location"))?,
        closure,
        temporary,
    })
}

/// The WARN layout a file's first line shows, if any (layoffs.fyi files: None).
pub fn detect_line(first: &[u8]) -> Option<WarnLayout> {
    let text = String::from_utf8_lossy(first);
    let text = text.trim_start_matches('\u{feff}');
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let Some(Ok(header)) = csv.records().next() else {
        return None;
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    detect(&header)
}

/// Reads a WARN file whole from its stream (they are small; the same bounds as any import
/// apply while reading).
pub fn read(stream: impl std::io::BufRead, layout: WarnLayout) -> Result<WarnRows> {
    let bytes = super::input::read_all(stream)?;
    if bytes.contains(&0) {
        return Err(Error::BadFile(
            "this is a binary file, not a WARN CSV".into(),
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::BadFile("the file is not UTF-8 text".into()))?;
    parse(text.trim_start_matches('\u{feff}'), layout)
}
