//! The fields of a layoff event as values that can only be valid: headcount as reported,
//! percentage, dates, sources and free text, each parsed once from raw input.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};

use super::DomainError;

pub const MAX_APPROX: usize = 100;
pub const MAX_TEAMS: usize = 300;
pub const MAX_LOCATION: usize = 150;
pub const MAX_NOTES: usize = 1000;
/// Industry and country names, as imported.
pub const MAX_LABEL: usize = 100;
/// No tech layoff we record predates this.
pub const EARLIEST_YEAR: i32 = 1970;

/// No employer has more people than this (the largest have about 2 million): a bigger count
/// is a typo.
pub const MAX_HEADCOUNT: u32 = 3_000_000;

fn too_many(count: &str) -> DomainError {
    DomainError::invalid(
        "count",
        format!("the count must be a whole number from 1 to 3,000,000, not {count}"),
    )
}

/// How many people, as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Headcount {
    /// An exact number was reported.
    Exact(u32),
    /// Only wording was reported: "hundreds", "about 1,000".
    Approx(String),
    Unknown,
}

impl Headcount {
    /// From the two Discord options: an exact `count` (at least 1) or the `approx` wording.
    pub fn from_options(count: Option<i64>, approx: Option<&str>) -> Result<Self, DomainError> {
        let approx = approx.map(str::trim).filter(|s| !s.is_empty());
        match (count, approx) {
            (Some(_), Some(_)) => Err(DomainError::invalid(
                "count",
                "give either an exact count or the approximate wording, not both",
            )),
            (Some(n), None) => match u32::try_from(n) {
                Ok(n) if (1..=MAX_HEADCOUNT).contains(&n) => Ok(Self::Exact(n)),
                _ => Err(too_many(&n.to_string())),
            },
            (None, Some(text)) => Self::parse_reported(text),
            (None, None) => Ok(Self::Unknown),
        }
    }

    /// A number column such as layoffs.fyi's `total_laid_off`: "16000.0", "1,800", or empty
    /// or "NULL" for unknown. Words are an error here.
    pub fn parse_count(raw: &str) -> Result<Self, DomainError> {
        match Self::parse_reported(raw)? {
            Self::Approx(text) => Err(DomainError::invalid(
                "total_laid_off",
                format!("{text:?} is not a number"),
            )),
            other => Ok(other),
        }
    }

    /// From free text as published: "16000.0", "1,800", "hundreds", "" or "NULL" (unknown).
    pub fn parse_reported(raw: &str) -> Result<Self, DomainError> {
        let text = raw.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("null") {
            return Ok(Self::Unknown);
        }
        let digits = text.replace(',', "");
        if let Ok(value) = digits.parse::<f64>() {
            if value.fract() != 0.0 || !(1.0..=f64::from(MAX_HEADCOUNT)).contains(&value) {
                return Err(too_many(text));
            }
            // Range and fraction checked just above.
            #[allow(clippy::cast_sign_loss)]
            return Ok(Self::Exact(value as u32));
        }
        let text = clean_text("approx", text, MAX_APPROX)?.unwrap_or_default();
        Ok(Self::Approx(text))
    }

    /// The exact number, when one was reported.
    pub fn known(&self) -> Option<u32> {
        match self {
            Self::Exact(n) => Some(*n),
            _ => None,
        }
    }

    /// The wording, when no number was reported.
    pub fn approx_text(&self) -> Option<&str> {
        match self {
            Self::Approx(text) => Some(text),
            _ => None,
        }
    }

    /// From the two stored columns.
    pub fn from_columns(count: Option<i64>, text: Option<String>) -> Self {
        match (count.and_then(|n| u32::try_from(n).ok()), text) {
            (Some(n), _) => Self::Exact(n),
            (None, Some(text)) => Self::Approx(text),
            (None, None) => Self::Unknown,
        }
    }
}

impl fmt::Display for Headcount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(n) => f.write_str(&thousands(u64::from(*n))),
            Self::Approx(text) => f.write_str(text),
            Self::Unknown => f.write_str("not disclosed"),
        }
    }
}

/// 1800 as "1,800".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The share of the workforce, in percent: more than 0, at most 100, kept to two decimals.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percentage(f64);

impl Percentage {
    pub fn from_percent(value: f64) -> Result<Self, DomainError> {
        if !value.is_finite() || value <= 0.0 || value > 100.0 {
            return Err(DomainError::invalid(
                "percent",
                format!("the percentage must be more than 0 and at most 100, not {value}"),
            ));
        }
        // Two decimals, so that a 0-1 fraction read back from CSV compares equal.
        let kept = (value * 100.0).round() / 100.0;
        if kept <= 0.0 {
            return Err(DomainError::invalid(
                "percent",
                format!("the percentage {value} rounds to 0; the smallest kept is 0.01"),
            ));
        }
        Ok(Self(kept))
    }

    /// From a 0-1 fraction as layoffs.fyi publishes it ("0.15" is 15%).
    pub fn from_fraction(raw: &str) -> Result<Option<Self>, DomainError> {
        let text = raw.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("null") {
            return Ok(None);
        }
        let value: f64 = text
            .parse()
            .map_err(|_| DomainError::invalid("percentage", format!("{text:?} is not a number")))?;
        if value == 0.0 {
            // A published 0 means "not known", not "nobody".
            return Ok(None);
        }
        if !(0.0..=1.0).contains(&value) {
            return Err(DomainError::invalid(
                "percentage",
                format!("a fraction from 0 to 1 was expected, not {text}"),
            ));
        }
        Self::from_percent(value * 100.0).map(Some)
    }

    pub fn value(self) -> f64 {
        self.0
    }

    /// The 0-1 fraction, as layoffs.fyi writes it.
    pub fn fraction(self) -> String {
        trim_decimals(format!("{:.4}", self.0 / 100.0))
    }
}

impl fmt::Display for Percentage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", trim_decimals(format!("{:.2}", self.0)))
    }
}

fn trim_decimals(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A date as YYYY-MM-DD or M/D/YYYY.
pub fn parse_date(raw: &str) -> Result<NaiveDate, DomainError> {
    let text = raw.trim();
    let parsed = if text.contains('/') {
        NaiveDate::parse_from_str(text, "%m/%d/%Y")
    } else {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
    };
    let date = parsed.map_err(|_| {
        DomainError::invalid(
            "date",
            format!("{text:?} is not a valid date; use YYYY-MM-DD, for example 2024-04-03"),
        )
    })?;
    if date.year() < EARLIEST_YEAR {
        return Err(DomainError::invalid(
            "date",
            format!("{date} is before {EARLIEST_YEAR}"),
        ));
    }
    Ok(date)
}

/// An announcement date: valid, and at most one year after `today`.
pub fn parse_event_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, DomainError> {
    let date = parse_date(raw)?;
    let limit = today.checked_add_months(Months::new(12)).unwrap_or(today);
    if date > limit {
        return Err(DomainError::invalid(
            "date",
            format!("{date} is more than a year from today ({today})"),
        ));
    }
    Ok(date)
}

/// Optional free text: trimmed, empty means none, no control characters but newlines, and at
/// most `max` characters.
pub fn clean_text(
    field: &'static str,
    raw: &str,
    max: usize,
) -> Result<Option<String>, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::invalid(
            field,
            format!("the {field} contains control characters"),
        ));
    }
    let len = text.chars().count();
    if len > max {
        return Err(DomainError::invalid(
            field,
            format!("the {field} is {len} characters long; the limit is {max}"),
        ));
    }
    Ok(Some(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn headcount_reads_floats_commas_words_and_nulls() {
        assert_eq!(
            Headcount::parse_reported("16000.0").unwrap(),
            Headcount::Exact(16000)
        );
        assert_eq!(
            Headcount::parse_reported("1,800").unwrap(),
            Headcount::Exact(1800)
        );
        assert_eq!(
            Headcount::parse_reported(" hundreds ").unwrap(),
            Headcount::Approx("hundreds".into())
        );
        assert_eq!(
            Headcount::parse_reported("NULL").unwrap(),
            Headcount::Unknown
        );
        assert_eq!(Headcount::parse_reported("").unwrap(), Headcount::Unknown);
        assert!(Headcount::parse_reported("0").is_err());
        assert!(Headcount::parse_reported("-5").is_err());
        assert!(Headcount::parse_reported("12.5").is_err());
        assert!(Headcount::parse_count("hundreds").is_err());
        assert_eq!(
            Headcount::parse_count("16000.0").unwrap(),
            Headcount::Exact(16000)
        );
        assert_eq!(Headcount::parse_count("NULL").unwrap(), Headcount::Unknown);
    }

    #[test]
    fn headcount_options_need_one_of_count_or_wording() {
        assert_eq!(
            Headcount::from_options(Some(5), None).unwrap(),
            Headcount::Exact(5)
        );
        assert!(Headcount::from_options(Some(0), None).is_err());
        assert!(Headcount::from_options(Some(-3), None).is_err());
        assert!(Headcount::from_options(Some(5), Some("hundreds")).is_err());
        assert_eq!(
            Headcount::from_options(None, Some("  ")).unwrap(),
            Headcount::Unknown
        );
        assert_eq!(
            Headcount::from_options(None, Some("about 1,000")).unwrap(),
            Headcount::Approx("about 1,000".into())
        );
    }

    #[test]
    fn headcount_displays_as_reported() {
        assert_eq!(Headcount::Exact(1800).to_string(), "1,800");
        assert_eq!(Headcount::Exact(999).to_string(), "999");
        assert_eq!(Headcount::Exact(1_234_567).to_string(), "1,234,567");
        assert_eq!(Headcount::Approx("hundreds".into()).to_string(), "hundreds");
        assert_eq!(Headcount::Unknown.to_string(), "not disclosed");
    }

    #[test]
    fn percentage_bounds_and_fraction_round_trip() {
        assert!(Percentage::from_percent(0.0).is_err());
        assert!(Percentage::from_percent(100.5).is_err());
        assert!(Percentage::from_percent(f64::NAN).is_err());
        let p = Percentage::from_fraction("0.15").unwrap().unwrap();
        assert_eq!(p.to_string(), "15%");
        assert_eq!(p.fraction(), "0.15");
        assert_eq!(Percentage::from_fraction(&p.fraction()).unwrap(), Some(p));
        assert_eq!(Percentage::from_fraction("NULL").unwrap(), None);
        assert_eq!(
            Percentage::from_fraction("1").unwrap().unwrap().to_string(),
            "100%"
        );
        assert!(Percentage::from_fraction("1.5").is_err());
        assert!(Percentage::from_fraction("abc").is_err());
    }

    #[test]
    fn dates_in_both_published_forms() {
        assert_eq!(parse_date("1/28/2026").unwrap(), day("2026-01-28"));
        assert_eq!(parse_date("2024-04-03").unwrap(), day("2024-04-03"));
        assert!(parse_date("2023-02-30").is_err());
        assert!(parse_date("NULL").is_err());
        assert!(parse_date("13/1/2023").is_err());
    }

    #[test]
    fn event_dates_at_most_a_year_ahead() {
        let today = day("2026-11-26");
        assert!(parse_event_date("2027-11-26", today).is_ok());
        assert!(parse_event_date("2027-11-27", today).is_err());
    }

    #[test]
    fn counts_past_any_employer_and_percentages_that_round_to_zero_are_refused() {
        assert!(Headcount::from_options(Some(4_294_967_295), None).is_err());
        assert!(Headcount::from_options(Some(3_000_001), None).is_err());
        assert_eq!(
            Headcount::from_options(Some(3_000_000), None).unwrap(),
            Headcount::Exact(3_000_000)
        );
        assert!(Headcount::parse_count("4294967295").is_err());
        let err = Percentage::from_percent(0.004).unwrap_err();
        assert!(err.message.contains("rounds to 0"), "{err}");
        assert!(Percentage::from_fraction("0.00001").is_err());
        assert_eq!(
            Percentage::from_percent(0.005).unwrap().to_string(),
            "0.01%"
        );
    }
}
