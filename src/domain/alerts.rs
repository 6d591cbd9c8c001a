//! What a channel's alerts are: filters (lists of companies, industries and countries, what
//! to leave out, least people), the mode (a post per event, or a daily or weekly digest) and
//! when digests arrive ([`crate::domain::digest_time`]).

use chrono::{DateTime, Utc};

use super::{DomainError, fold_facet};

/// The hour digests go out (UTC) unless `DIGEST_HOUR_UTC` says otherwise.
pub const DEFAULT_DIGEST_HOUR: u32 = 14;
/// Filter values are names of industries and countries: short.
const MAX_FACET: usize = 100;
/// Values one filter list takes.
pub const MAX_VALUES: usize = 10;

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
}

/// Which events a channel wants: each non-empty list must have a value that matches (any of
/// them), the minimum must be met, and nothing excluded may match.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertFilter {
    pub companies: Vec<i64>,
    pub industries: Vec<String>,
    pub countries: Vec<String>,
    pub exclude_companies: Vec<i64>,
    pub exclude_industries: Vec<String>,
    pub min_people: Option<u32>,
}

/// The names of a filter's companies, as the record spells them (for lists and replies).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompanyNames {
    pub companies: Vec<String>,
    pub excluded: Vec<String>,
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

    /// A list option as typed ("Amazon, Meta"): its values, trimmed and without repeats (as
    /// typed, case aside), at most [`MAX_VALUES`].
    pub fn list(field: &'static str, raw: &str) -> Result<Vec<String>, DomainError> {
        let mut out: Vec<String> = Vec::new();
        for value in raw.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(value)) {
                out.push(value.to_string());
            }
            if out.len() > MAX_VALUES {
                return Err(DomainError::invalid(
                    field,
                    format!("{field} takes at most {MAX_VALUES} values, separated by commas."),
                ));
            }
        }
        Ok(out)
    }

    pub fn matches(&self, s: &Subject<'_>) -> bool {
        let among = |list: &[String], have: Option<&str>| {
            have.is_some_and(|h| {
                let h = fold_facet(h);
                list.iter().any(|w| fold_facet(w) == h)
            })
        };
        let any = |list: &[String], have| list.is_empty() || among(list, have);
        (self.companies.is_empty() || self.companies.contains(&s.company_id))
            && any(&self.industries, s.industry)
            && any(&self.countries, s.country)
            && self
                .min_people
                .is_none_or(|m| s.people.is_some_and(|p| p >= m))
            && !self.exclude_companies.contains(&s.company_id)
            && !among(&self.exclude_industries, s.industry)
    }
}

/// Everything a moderator sets on a channel's alerts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertSettings {
    pub filter: AlertFilter,
    pub mode: Mode,
    /// When digests arrive (the operator's hour in UTC, Mondays, unless set).
    pub time: DigestTime,
    /// The one role posts ping (None: posts ping nobody).
    pub mention_role: Option<u64>,
    /// Publish each post to the channels following this announcement channel.
    pub crosspost: bool,
    /// Posts about new WARN filings too.
    pub filings: bool,
    /// Discord: a public thread under each post, archived after this long.
    pub thread: Option<ThreadArchive>,
    /// Discord: the channel is a forum (or media) channel; each post is a forum post.
    pub forum: bool,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            filter: AlertFilter::default(),
            mode: Mode::Each,
            time: DigestTime::default(),
            mention_role: None,
            crosspost: false,
            filings: false,
            thread: None,
            forum: false,
        }
    }
}

impl AlertSettings {
    /// Which settings differ from `old`, by name, in the order a list shows them.
    pub fn changed_from(&self, old: &Self) -> Vec<&'static str> {
        let (a, b) = (&self.filter, &old.filter);
        let (t, u) = (&self.time, &old.time);
        [
            ("company", a.companies != b.companies),
            ("industry", a.industries != b.industries),
            ("country", a.countries != b.countries),
            (
                "exclude",
                a.exclude_companies != b.exclude_companies
                    || a.exclude_industries != b.exclude_industries,
            ),
            ("min_people", a.min_people != b.min_people),
            ("mode", self.mode != old.mode),
            ("hour", t.hour != u.hour),
            ("timezone", t.zone != u.zone),
            ("weekday", t.weekday != u.weekday),
            ("mention_role", self.mention_role != old.mention_role),
            ("crosspost", self.crosspost != old.crosspost),
            ("filings", self.filings != old.filings),
            ("thread", self.thread != old.thread),
        ]
        .into_iter()
        .filter_map(|(name, changed)| changed.then_some(name))
        .collect()
    }
}

/// When a channel's digests arrive, as a moderator set it; each unset part falls back to the
/// operator's default. Periods are [`crate::domain::digest_time`]'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DigestTime {
    /// 0–23 (None: `DIGEST_HOUR_UTC`).
    pub hour: Option<u32>,
    /// None: UTC.
    pub zone: Option<chrono_tz::Tz>,
    /// Weekly digests' day (None: Monday).
    pub weekday: Option<chrono::Weekday>,
}

/// How long a thread under a post stays open without messages (Discord's choices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThreadArchive {
    Hour,
    Day,
    ThreeDays,
    Week,
}

impl ThreadArchive {
    pub const ALL: [Self; 4] = [Self::Hour, Self::Day, Self::ThreeDays, Self::Week];

    pub fn minutes(self) -> u32 {
        match self {
            Self::Hour => 60,
            Self::Day => 1440,
            Self::ThreeDays => 4320,
            Self::Week => 10080,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Hour => "1h",
            Self::Day => "1d",
            Self::ThreeDays => "3d",
            Self::Week => "1w",
        }
    }

    pub fn from_minutes(minutes: i64) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| i64::from(a.minutes()) == minutes)
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim().to_lowercase();
        Self::ALL
            .into_iter()
            .find(|a| a.label() == raw)
            .ok_or_else(|| {
                DomainError::invalid(
                    "thread_archive",
                    format!("{raw:?} is not an archive time: use 1h, 1d, 3d or 1w."),
                )
            })
    }
}

/// One digest period, [start, end): what a digest covers; `end` is when it is due. Where
/// periods fall is [`crate::domain::digest_time`]'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DigestPeriod {
    pub mode: Mode,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl DigestPeriod {
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
    /// The time zone its times are shown in (None: UTC).
    pub zone: Option<chrono_tz::Tz>,
    pub events: Vec<super::LayoffEvent>,
    pub totals: super::Totals,
    /// The first few new filings, and all of them counted.
    pub filings: Vec<super::filing::FilingPost>,
    pub filing_totals: super::Totals,
    pub chart: Option<super::Stats>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(company_id: i64, industry: &'static str, people: Option<u32>) -> Subject<'static> {
        Subject {
            company_id,
            industry: Some(industry),
            country: Some("United States."),
            people,
        }
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn every_given_filter_must_match_and_unknown_counts_only_pass_without_a_minimum() {
        let all = AlertFilter::default();
        assert!(all.matches(&subject(7, "Retail", None)));
        let big = AlertFilter {
            min_people: Some(100),
            ..AlertFilter::default()
        };
        assert!(big.matches(&subject(7, "Retail", Some(100))));
        assert!(!big.matches(&subject(7, "Retail", Some(99))));
        assert!(!big.matches(&subject(7, "Retail", None)));
        let us_retail = AlertFilter {
            industries: strings(&[" retail "]),
            countries: strings(&["united  states"]),
            ..AlertFilter::default()
        };
        assert!(us_retail.matches(&subject(7, "Retail", None)));
        let other = AlertFilter {
            countries: strings(&["Germany"]),
            ..us_retail.clone()
        };
        assert!(!other.matches(&subject(7, "Retail", None)));
        let no_facts = Subject {
            industry: None,
            country: None,
            ..subject(7, "Retail", Some(5))
        };
        assert!(!us_retail.matches(&no_facts));
    }

    #[test]
    fn lists_match_any_value_and_exclusions_win() {
        let f = AlertFilter {
            companies: vec![1, 2],
            ..AlertFilter::default()
        };
        assert!(f.matches(&subject(1, "Retail", None)));
        assert!(f.matches(&subject(2, "Retail", None)));
        assert!(!f.matches(&subject(3, "Retail", None)));
        let industries = AlertFilter {
            industries: strings(&["Retail", "Crypto"]),
            exclude_companies: vec![2],
            ..AlertFilter::default()
        };
        assert!(industries.matches(&subject(1, "crypto", None)));
        assert!(!industries.matches(&subject(1, "Food", None)));
        assert!(!industries.matches(&subject(2, "Retail", None)));
        let not_crypto = AlertFilter {
            exclude_industries: strings(&["Crypto", "Food"]),
            ..AlertFilter::default()
        };
        assert!(not_crypto.matches(&subject(1, "Retail", None)));
        assert!(!not_crypto.matches(&subject(1, "CRYPTO", None)));
        let no_industry = Subject {
            industry: None,
            ..subject(1, "x", None)
        };
        assert!(not_crypto.matches(&no_industry), "nothing to exclude it by");
        let both = AlertFilter {
            companies: vec![1, 2],
            exclude_companies: vec![1],
            ..AlertFilter::default()
        };
        assert!(!both.matches(&subject(1, "Retail", None)));
        assert!(both.matches(&subject(2, "Retail", None)));
    }

    #[test]
    fn lists_are_split_on_commas_without_repeats_and_bounded() {
        assert_eq!(
            AlertFilter::list("company", " Amazon, meta ,,AMAZON ").unwrap(),
            strings(&["Amazon", "meta"])
        );
        assert!(AlertFilter::list("company", "").unwrap().is_empty());
        let eleven: Vec<String> = (0..11).map(|i| format!("c{i}")).collect();
        let err = AlertFilter::list("industry", &eleven.join(",")).unwrap_err();
        assert!(err.message.contains("at most 10 values"), "{err}");
    }

    #[test]
    fn modes_hours_and_archive_times_parse_or_say_why_not() {
        assert_eq!(Mode::parse("Weekly").unwrap(), Mode::Weekly);
        assert!(Mode::parse("monthly").is_err());
        assert_eq!(parse_digest_hour("9").unwrap(), 9);
        assert!(parse_digest_hour("24").is_err());
        assert!(parse_digest_hour("2pm").is_err());
        assert_eq!(AlertFilter::facet("industry", "  ").unwrap(), None);
        assert!(AlertFilter::facet("industry", &"x".repeat(101)).is_err());
        assert_eq!(ThreadArchive::parse("3D").unwrap().minutes(), 4320);
        assert!(ThreadArchive::parse("2d").is_err());
        assert_eq!(ThreadArchive::from_minutes(60), Some(ThreadArchive::Hour));
    }
}
