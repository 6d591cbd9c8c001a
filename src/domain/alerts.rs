//! What a channel's alerts are: filters (company, industry, country, least people), the mode
//! (a post per event, or a daily or weekly digest), and the digest periods on the clock.

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};

use super::{DomainError, fold_facet};

/// The hour digests go out (UTC) unless `DIGEST_HOUR_UTC` says otherwise.
pub const DEFAULT_DIGEST_HOUR: u32 = 14;
/// Filter values are names of industries and countries: short.
const MAX_FACET: usize = 100;

/// How a channel gets its posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Each,
    Daily,
    Weekly,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Each => "each",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw.trim().to_lowercase().as_str() {
            "each" | "every" | "each event" => Ok(Self::Each),
            "daily" | "day" | "daily digest" => Ok(Self::Daily),
            "weekly" | "week" | "weekly digest" => Ok(Self::Weekly),
            _ => Err(DomainError::invalid(
                "mode",
                format!("{raw:?} is not a mode: use each, daily or weekly."),
            )),
        }
    }

    /// As a person reads it in a list.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Each => "a post per event",
            Self::Daily => "daily digest",
            Self::Weekly => "weekly digest",
        }
    }

    /// How long one digest period is (None: no digest).
    fn length(self) -> Option<Duration> {
        match self {
            Self::Each => None,
            Self::Daily => Some(Duration::days(1)),
            Self::Weekly => Some(Duration::weeks(1)),
        }
    }
}

/// Which events a channel wants; every filter given must match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertFilter {
    pub company_id: Option<i64>,
    pub industry: Option<String>,
    pub country: Option<String>,
    pub min_people: Option<u32>,
}

/// What a filter is checked against: an event or a filing, with its company's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject<'a> {
    pub company_id: i64,
    pub industry: Option<&'a str>,
    pub country: Option<&'a str>,
    /// The known number of people (None: unknown or only worded).
    pub people: Option<u32>,
}

impl AlertFilter {
    /// An industry or country as typed: trimmed, bounded, and something to compare.
    pub fn facet(field: &'static str, raw: &str) -> Result<Option<String>, DomainError> {
        let value = raw.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > MAX_FACET || value.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                field,
                format!("the {field} must be a name of at most {MAX_FACET} characters."),
            ));
        }
        Ok(Some(value.to_string()))
    }

    pub fn matches(&self, s: &Subject<'_>) -> bool {
        let same = |want: &Option<String>, have: Option<&str>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| fold_facet(h) == fold_facet(w)),
        };
        self.company_id.is_none_or(|id| id == s.company_id)
            && same(&self.industry, s.industry)
            && same(&self.country, s.country)
            && self
                .min_people
                .is_none_or(|m| s.people.is_some_and(|p| p >= m))
    }
}

/// Everything a moderator sets on a channel's alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSettings {
    pub filter: AlertFilter,
    pub mode: Mode,
    /// The one role posts ping (None: posts ping nobody).
    pub mention_role: Option<u64>,
    /// Publish each post to the channels following this announcement channel.
    pub crosspost: bool,
    /// Posts about new WARN filings too.
    pub filings: bool,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            filter: AlertFilter::default(),
            mode: Mode::Each,
            mention_role: None,
            crosspost: false,
            filings: false,
        }
    }
}

impl AlertSettings {
    /// Which settings differ from `old`, by name, in the order a list shows them.
    pub fn changed_from(&self, old: &Self) -> Vec<&'static str> {
        let (a, b) = (&self.filter, &old.filter);
        [
            ("company", a.company_id != b.company_id),
            ("industry", a.industry != b.industry),
            ("country", a.country != b.country),
            ("min_people", a.min_people != b.min_people),
            ("mode", self.mode != old.mode),
            ("mention_role", self.mention_role != old.mention_role),
            ("crosspost", self.crosspost != old.crosspost),
            ("filings", self.filings != old.filings),
        ]
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
    }
}

/// One digest period, [start, end): what a digest covers; `end` is when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DigestPeriod {
    pub mode: Mode,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl DigestPeriod {
    /// The last period that ended at or before `now` (daily: at `hour` each day; weekly: at
    /// `hour` on Mondays). None for [`Mode::Each`].
    pub fn latest_ended(mode: Mode, now: DateTime<Utc>, hour: u32) -> Option<Self> {
        let length = mode.length()?;
        let at = NaiveTime::from_hms_opt(hour.min(23), 0, 0)?;
        let mut end = now.date_naive().and_time(at).and_utc();
        if end > now {
            end -= Duration::days(1);
        }
        if mode == Mode::Weekly {
            let back = i64::from(end.weekday().num_days_from_monday());
            end -= Duration::days(back);
        }
        Some(Self {
            mode,
            start: end - length,
            end,
        })
    }

    /// The period under way at `now` (it ends after `now`).
    pub fn current(mode: Mode, now: DateTime<Utc>, hour: u32) -> Option<Self> {
        let last = Self::latest_ended(mode, now, hour)?;
        let length = last.end - last.start;
        Some(Self {
            mode,
            start: last.end,
            end: last.end + length,
        })
    }

    /// The outbox key: one digest per channel and period end.
    pub fn key(&self) -> String {
        format!(
            "digest:{}:{}",
            self.mode.as_str(),
            self.end.format("%Y-%m-%dT%H:%MZ")
        )
    }
}

/// `DIGEST_HOUR_UTC`: an hour of the day, 0 to 23.
pub fn parse_digest_hour(raw: &str) -> Result<u32, DomainError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|h| *h < 24)
        .ok_or_else(|| {
            DomainError::invalid(
                "DIGEST_HOUR_UTC",
                format!("{raw:?} is not an hour: use a whole number from 0 to 23."),
            )
        })
}

/// A digest: the period's matching events, newest first, and what they add up to; the new
/// WARN filings too when the channel asked for them (counted apart: jobs filed); and the
/// stats its chart draws (the last 12 months under the channel's filters).
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub period: DigestPeriod,
    pub events: Vec<super::LayoffEvent>,
    pub totals: super::Totals,
    /// The first few new filings, and all of them counted.
    pub filings: Vec<super::filing::FilingPost>,
    pub filing_totals: super::Totals,
    pub chart: Option<super::Stats>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn subject(people: Option<u32>) -> Subject<'static> {
        Subject {
            company_id: 7,
            industry: Some("Retail"),
            country: Some("United States."),
            people,
        }
    }

    #[test]
    fn every_given_filter_must_match_and_unknown_counts_only_pass_without_a_minimum() {
        let all = AlertFilter::default();
        assert!(all.matches(&subject(None)));
        let big = AlertFilter {
            min_people: Some(100),
            ..AlertFilter::default()
        };
        assert!(big.matches(&subject(Some(100))));
        assert!(!big.matches(&subject(Some(99))));
        assert!(!big.matches(&subject(None)));
        let us_retail = AlertFilter {
            industry: Some(" retail ".into()),
            country: Some("united  states".into()),
            ..AlertFilter::default()
        };
        assert!(us_retail.matches(&subject(None)));
        let other = AlertFilter {
            country: Some("Germany".into()),
            ..us_retail.clone()
        };
        assert!(!other.matches(&subject(None)));
        let company = AlertFilter {
            company_id: Some(8),
            ..AlertFilter::default()
        };
        assert!(!company.matches(&subject(Some(5))));
        let no_facts = Subject {
            industry: None,
            country: None,
            ..subject(Some(5))
        };
        assert!(!us_retail.matches(&no_facts));
    }

    #[test]
    fn daily_periods_end_at_the_hour_and_weekly_ones_on_mondays() {
        // Thursday 2026-11-26.
        let before = DigestPeriod::latest_ended(Mode::Daily, at(2026, 11, 26, 13, 59), 14).unwrap();
        assert_eq!(before.end, at(2026, 11, 25, 14, 0));
        assert_eq!(before.start, at(2026, 11, 24, 14, 0));
        let on = DigestPeriod::latest_ended(Mode::Daily, at(2026, 11, 26, 14, 0), 14).unwrap();
        assert_eq!(on.end, at(2026, 11, 26, 14, 0));
        let week = DigestPeriod::latest_ended(Mode::Weekly, at(2026, 11, 26, 15, 0), 14).unwrap();
        assert_eq!(week.end, at(2026, 11, 23, 14, 0));
        assert_eq!(week.start, at(2026, 11, 16, 14, 0));
        let monday_morning =
            DigestPeriod::latest_ended(Mode::Weekly, at(2026, 11, 30, 9, 0), 14).unwrap();
        assert_eq!(monday_morning.end, at(2026, 11, 23, 14, 0));
        let monday = DigestPeriod::latest_ended(Mode::Weekly, at(2026, 11, 30, 14, 0), 14).unwrap();
        assert_eq!(monday.end, at(2026, 11, 30, 14, 0));
        let current = DigestPeriod::current(Mode::Weekly, at(2026, 11, 26, 15, 0), 14).unwrap();
        assert_eq!(
            (current.start, current.end),
            (week.end, at(2026, 11, 30, 14, 0))
        );
        assert_eq!(monday.key(), "digest:weekly:2026-11-30T14:00Z");
        assert_eq!(
            DigestPeriod::latest_ended(Mode::Each, at(2026, 11, 26, 15, 0), 14),
            None
        );
        let midnight = DigestPeriod::latest_ended(Mode::Daily, at(2026, 11, 26, 0, 0), 0).unwrap();
        assert_eq!(midnight.end, at(2026, 11, 26, 0, 0));
    }

    #[test]
    fn modes_and_hours_parse_or_say_why_not() {
        assert_eq!(Mode::parse("Weekly").unwrap(), Mode::Weekly);
        assert!(Mode::parse("monthly").is_err());
        assert_eq!(parse_digest_hour("9").unwrap(), 9);
        assert!(parse_digest_hour("24").is_err());
        assert!(parse_digest_hour("2pm").is_err());
        assert_eq!(AlertFilter::facet("industry", "  ").unwrap(), None);
        assert!(AlertFilter::facet("industry", &"x".repeat(101)).is_err());
    }
}
