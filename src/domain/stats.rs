//! Trends: the dates a stats period covers, the same dates a year earlier, the months a chart
//! shows, industry and country spellings folded into one facet, and what a stats answer holds.

use chrono::{Datelike, Months, NaiveDate};

use super::{DomainError, MonthTotal, Totals};

/// Oldest year `/layoffs-stats year:` accepts; the record starts in 2020.
pub const FIRST_YEAR: i32 = 2000;

/// What stats count: layoffs reported in the press (the record's events), or WARN notices
/// (government filings). The two are never summed together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatsSource {
    #[default]
    Events,
    Filings,
}

impl StatsSource {
    /// `source` values: (label, value).
    pub const CHOICES: [(&'static str, &'static str); 2] = [
        ("reported events (press)", "events"),
        ("WARN filings (government notices)", "filings"),
    ];

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let key = raw.trim().to_lowercase().replace(['-', '_'], " ");
        match key.as_str() {
            "events"
            | "event"
            | "reported events"
            | "reported"
            | "press"
            | "reported events (press)" => Ok(Self::Events),
            "filings"
            | "filing"
            | "warn"
            | "warn filings"
            | "warn notices"
            | "warn filings (government notices)" => Ok(Self::Filings),
            _ => Err(DomainError::invalid(
                "source",
                format!(
                    "{raw:?} is not a source: use events (reported in the press) or filings (WARN notices)."
                ),
            )),
        }
    }
}

/// What `/layoffs-stats` covers: a window ending today, or a calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    Last30Days,
    Last90Days,
    #[default]
    YearToDate,
    Last12Months,
    AllTime,
    Year(i32),
}

/// Dates from `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// Days covered, at least 1.
    pub fn days(self) -> i64 {
        (self.to - self.from).num_days().max(0) + 1
    }

    /// The same dates one year earlier (29 February becomes the 28th).
    pub fn year_earlier(self) -> Option<Self> {
        Some(Self {
            from: self.from.checked_sub_months(Months::new(12))?,
            to: self.to.checked_sub_months(Months::new(12))?,
        })
    }

    /// First days of the months a chart shows: the range's, and at least the 12 months up to
    /// its end, so that a short period still shows a trend.
    pub fn chart_months(self) -> Vec<NaiveDate> {
        let last = first_of_month(self.to);
        let floor = last.checked_sub_months(Months::new(11)).unwrap_or(last);
        let mut month = first_of_month(self.from).min(floor);
        let mut out = Vec::new();
        while month <= last {
            out.push(month);
            match month.checked_add_months(Months::new(1)) {
                Some(next) => month = next,
                None => break,
            }
        }
        out
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The windows offered as choices: what users read, the value sent, the period.
pub const WINDOWS: [(&str, &str, Period); 5] = [
    ("last 30 days", "last-30-days", Period::Last30Days),
    ("last 90 days", "last-90-days", Period::Last90Days),
    ("year to date", "year-to-date", Period::YearToDate),
    ("last 12 months", "last-12-months", Period::Last12Months),
    ("all time", "all-time", Period::AllTime),
];

impl Period {
    /// A window by its value ("last-30-days"), its label ("last 30 days") or a short form
    /// ("30d", "90d", "ytd", "12m", "all").
    pub fn parse_window(input: &str) -> Result<Self, DomainError> {
        let key: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '_' | ' ' => '-',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        let short = match key.as_str() {
            "30d" => Some(Self::Last30Days),
            "90d" => Some(Self::Last90Days),
            "ytd" => Some(Self::YearToDate),
            "12m" | "1y" => Some(Self::Last12Months),
            "all" => Some(Self::AllTime),
            _ => None,
        };
        short
            .or_else(|| WINDOWS.iter().find(|(_, id, _)| *id == key).map(|w| w.2))
            .ok_or_else(|| {
                let ids: Vec<&str> = WINDOWS.iter().map(|w| w.1).collect();
                DomainError::invalid(
                    "period",
                    format!("the period must be one of {}", ids.join(", ")),
                )
            })
    }

    /// The period a stats request names: a window, a calendar year, or neither (year to
    /// date). Both together are refused, in the same words on every front end.
    pub fn choose(
        window: Option<Self>,
        year: Option<i64>,
        today: NaiveDate,
    ) -> Result<Self, DomainError> {
        match (window, year) {
            (Some(_), Some(_)) => Err(DomainError::invalid(
                "year",
                "Give either a period or a year, not both.",
            )),
            (_, Some(y)) => Self::year(y, today),
            (Some(window), None) => Ok(window),
            (None, None) => Ok(Self::default()),
        }
    }

    /// A calendar year, which must have started by `today`.
    pub fn year(year: i64, today: NaiveDate) -> Result<Self, DomainError> {
        let now = i64::from(today.year());
        if year > now {
            return Err(DomainError::invalid(
                "year",
                format!("{year} has not started yet; give a year from {FIRST_YEAR} to {now}."),
            ));
        }
        match i32::try_from(year) {
            Ok(y) if y >= FIRST_YEAR => Ok(Self::Year(y)),
            _ => Err(DomainError::invalid(
                "year",
                format!("give a year from {FIRST_YEAR} to {now}, not {year}."),
            )),
        }
    }

    /// The dates covered; all time starts at the first event (`first`, or today without one).
    pub fn range(self, today: NaiveDate, first: Option<NaiveDate>) -> DateRange {
        let back = |days: u64| {
            today
                .checked_sub_days(chrono::Days::new(days))
                .unwrap_or(today)
        };
        let jan1 = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(today);
        let from = match self {
            Self::Last30Days => back(29),
            Self::Last90Days => back(89),
            Self::YearToDate => jan1(today.year()),
            Self::Last12Months => today
                .checked_sub_months(Months::new(12))
                .and_then(|d| d.succ_opt())
                .unwrap_or(today),
            Self::AllTime => first.unwrap_or(today).min(today),
            Self::Year(y) => jan1(y),
        };
        let to = match self {
            // A past year is whole; the current one runs to today.
            Self::Year(y) if y < today.year() => {
                NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(today)
            }
            _ => today,
        };
        DateRange { from, to }
    }

    /// Whether "a year earlier" means anything (not for all time).
    pub fn has_year_earlier(self) -> bool {
        self != Self::AllTime
    }

    /// How titles name it: "year to date", "2023".
    pub fn label(self) -> String {
        match self {
            Self::Last30Days => "last 30 days".into(),
            Self::Last90Days => "last 90 days".into(),
            Self::YearToDate => "year to date".into(),
            Self::Last12Months => "last 12 months".into(),
            Self::AllTime => "all time".into(),
            Self::Year(y) => y.to_string(),
        }
    }
}

/// One way to compare industry or country spellings: case, spacing and a trailing full stop
/// do not count ("United States." is "united states").
pub fn fold_facet(value: &str) -> String {
    let trimmed = value.trim().trim_end_matches('.').trim();
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// An industry or a country as the record spells it, with every stored spelling that folds to
/// it (for the query) and how many companies use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    /// The most used spelling.
    pub label: String,
    pub spellings: Vec<String>,
    pub companies: u64,
}

/// Stored spellings with their company counts, grouped by [`fold_facet`], most used first.
pub fn group_facets(values: impl IntoIterator<Item = (String, u64)>) -> Vec<Facet> {
    let mut groups: Vec<(String, Facet, u64)> = Vec::new();
    for (value, companies) in values {
        let key = fold_facet(&value);
        if key.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, facet, best)) => {
                facet.companies += companies;
                if companies > *best {
                    *best = companies;
                    facet.label.clone_from(&value);
                }
                facet.spellings.push(value);
            }
            None => groups.push((
                key,
                Facet {
                    label: value.clone(),
                    spellings: vec![value],
                    companies,
                },
                companies,
            )),
        }
    }
    let mut facets: Vec<Facet> = groups.into_iter().map(|(_, f, _)| f).collect();
    facets.sort_by(|a, b| b.companies.cmp(&a.companies).then(a.label.cmp(&b.label)));
    facets
}

/// A name with its totals, for the "top" lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub name: String,
    pub totals: Totals,
}

/// Everything `/layoffs-stats` and `layoffs-bot stats` show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    pub source: StatsSource,
    pub period: Period,
    pub range: DateRange,
    /// The company, industry and country asked about, as the record names them.
    pub company: Option<String>,
    pub industry: Option<String>,
    pub country: Option<String>,
    pub totals: Totals,
    /// None when the period has no year-earlier counterpart (all time).
    pub year_earlier: Option<Totals>,
    /// Empty when that filter was given.
    pub top_companies: Vec<Ranked>,
    pub top_industries: Vec<Ranked>,
    pub top_countries: Vec<Ranked>,
    /// One entry per chart month, oldest first, months without events included.
    pub months: Vec<MonthTotal>,
}

impl Stats {
    pub fn is_empty(&self) -> bool {
        self.totals.events == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse_from_their_values_labels_and_common_spellings() {
        for raw in ["events", "Reported events", "reported-events", "press"] {
            assert_eq!(
                StatsSource::parse(raw).unwrap(),
                StatsSource::Events,
                "{raw}"
            );
        }
        for raw in [
            "filings",
            "WARN",
            "warn_filings",
            "WARN filings (government notices)",
        ] {
            assert_eq!(
                StatsSource::parse(raw).unwrap(),
                StatsSource::Filings,
                "{raw}"
            );
        }
        assert!(StatsSource::parse("rumours").is_err());
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_cover_the_dates_users_expect() {
        let today = d("2026-11-26");
        let r = |p: Period| {
            let r = p.range(today, Some(d("2020-03-01")));
            (r.from.to_string(), r.to.to_string(), r.days())
        };
        assert_eq!(
            r(Period::Last30Days),
            ("2026-10-28".into(), "2026-11-26".into(), 30)
        );
        assert_eq!(r(Period::Last90Days).2, 90);
        assert_eq!(
            r(Period::YearToDate),
            ("2026-01-01".into(), "2026-11-26".into(), 330)
        );
        assert_eq!(r(Period::Last12Months).0, "2025-11-27");
        assert_eq!(r(Period::Last12Months).2, 365);
        assert_eq!(r(Period::AllTime).0, "2020-03-01");
        assert_eq!(
            r(Period::Year(2023)),
            ("2023-01-01".into(), "2023-12-31".into(), 365)
        );
        assert_eq!(r(Period::Year(2026)).1, "2026-11-26");
    }

    #[test]
    fn a_year_earlier_and_leap_days() {
        let r = DateRange {
            from: d("2024-01-01"),
            to: d("2024-02-29"),
        };
        let e = r.year_earlier().unwrap();
        assert_eq!((e.from, e.to), (d("2023-01-01"), d("2023-02-28")));
    }

    #[test]
    fn short_periods_chart_twelve_months_and_long_ones_all() {
        let r = Period::Last30Days.range(d("2026-11-26"), None);
        let months = r.chart_months();
        assert_eq!(months.len(), 12);
        assert_eq!(months[0], d("2025-12-01"));
        assert_eq!(months[11], d("2026-11-01"));
        let all = Period::AllTime.range(d("2026-11-26"), Some(d("2020-03-11")));
        assert_eq!(all.chart_months().len(), 81);
    }

    #[test]
    fn windows_parse_from_values_labels_and_short_forms() {
        for (label, id, period) in WINDOWS {
            assert_eq!(Period::parse_window(label), Ok(period));
            assert_eq!(Period::parse_window(id), Ok(period));
            assert_eq!(
                Period::parse_window(&id.replace('-', "_").to_uppercase()),
                Ok(period)
            );
        }
        assert_eq!(Period::parse_window(" ytd "), Ok(Period::YearToDate));
        assert_eq!(Period::parse_window("12m"), Ok(Period::Last12Months));
        let err = Period::parse_window("fortnight").unwrap_err();
        assert!(
            err.message.contains("last-30-days, last-90-days"),
            "{}",
            err.message
        );
    }

    #[test]
    fn years_must_have_started() {
        let today = d("2026-11-26");
        assert_eq!(Period::year(2023, today), Ok(Period::Year(2023)));
        assert!(
            Period::year(2027, today)
                .unwrap_err()
                .message
                .contains("not started")
        );
        assert!(Period::year(1999, today).is_err());
        assert!(Period::year(i64::MIN, today).is_err());
    }

    #[test]
    fn spellings_fold_into_one_facet() {
        assert_eq!(fold_facet("  United   States. "), "united states");
        let facets = group_facets([
            ("United States".to_string(), 900),
            ("United States.".to_string(), 2),
            ("india".to_string(), 1),
            ("India".to_string(), 40),
            (" ".to_string(), 3),
        ]);
        assert_eq!(facets.len(), 2);
        assert_eq!(facets[0].label, "United States");
        assert_eq!(facets[0].companies, 902);
        assert_eq!(facets[0].spellings, ["United States", "United States."]);
        assert_eq!(facets[1].label, "India");
    }
}
