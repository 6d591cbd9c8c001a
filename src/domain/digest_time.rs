//! When a channel's digests arrive: an hour in a time zone, and a weekday for weekly ones.
//! Periods run from one local boundary to the next, so a day that skips or repeats the hour
//! (a DST change) still has exactly one boundary: the first instant at or after that hour.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::DomainError;
use super::alerts::{DigestPeriod, DigestTime, Mode};

/// A [`DigestTime`] with its defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Clock {
    hour: u32,
    zone: Tz,
    weekday: Weekday,
}

impl DigestTime {
    fn clock(self, default_hour: u32) -> Clock {
        Clock {
            hour: self.hour.unwrap_or(default_hour).min(23),
            zone: self.zone.unwrap_or(Tz::UTC),
            weekday: self.weekday.unwrap_or(Weekday::Mon),
        }
    }

    /// "at 09:00 Europe/Berlin on Fridays", as a list shows it; None when nothing is set
    /// (the operator's hour, UTC, Mondays).
    pub fn describe(self, mode: Mode) -> Option<String> {
        if self == Self::default() || mode == Mode::Each {
            return None;
        }
        let hour = self
            .hour
            .map_or_else(|| "the digest hour".to_string(), |h| format!("{h:02}:00"));
        let zone = self.zone.unwrap_or(Tz::UTC);
        let mut text = format!("at {hour} {}", zone.name());
        if mode == Mode::Weekly {
            let day = self.weekday.unwrap_or(Weekday::Mon);
            text = format!("{text} on {}s", weekday_name(day));
        }
        Some(text)
    }
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

impl Clock {
    /// The instant of `day` at the hour in the zone: the earlier one when the hour repeats,
    /// the first valid minute after it when the hour is skipped.
    fn boundary(self, day: NaiveDate) -> DateTime<Utc> {
        let local = day.and_time(chrono::NaiveTime::MIN) + Duration::hours(i64::from(self.hour));
        (0..=180)
            .find_map(|m| {
                self.zone
                    .from_local_datetime(&(local + Duration::minutes(m)))
                    .earliest()
            })
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// Whether a period of `mode` ends on local `day`.
    fn ends_on(self, mode: Mode, day: NaiveDate) -> bool {
        mode == Mode::Daily || day.weekday() == self.weekday
    }
}

/// Days between two period ends (None: no digest).
fn step(mode: Mode) -> Option<i64> {
    match mode {
        Mode::Each => None,
        Mode::Daily => Some(1),
        Mode::Weekly => Some(7),
    }
}

impl DigestPeriod {
    /// The last period that ended at or before `now` (daily: at the hour each day; weekly:
    /// at the hour on the weekday). None for [`Mode::Each`].
    pub fn latest_ended(
        mode: Mode,
        now: DateTime<Utc>,
        time: DigestTime,
        default_hour: u32,
    ) -> Option<Self> {
        let days = step(mode)?;
        let clock = time.clock(default_hour);
        let today = now.with_timezone(&clock.zone).date_naive();
        let end_day = (0..=8)
            .filter_map(|back| today.checked_sub_signed(Duration::days(back)))
            .find(|d| clock.ends_on(mode, *d) && clock.boundary(*d) <= now)?;
        Some(Self {
            mode,
            start: clock.boundary(end_day - Duration::days(days)),
            end: clock.boundary(end_day),
        })
    }

    /// The period under way at `now` (it ends after `now`).
    pub fn current(
        mode: Mode,
        now: DateTime<Utc>,
        time: DigestTime,
        default_hour: u32,
    ) -> Option<Self> {
        let last = Self::latest_ended(mode, now, time, default_hour)?;
        let clock = time.clock(default_hour);
        let days = step(mode)?;
        let end_day = last.end.with_timezone(&clock.zone).date_naive() + Duration::days(days);
        Some(Self {
            mode,
            start: last.end,
            end: clock.boundary(end_day),
        })
    }
}

/// `timezone`: an IANA name such as Europe/Berlin (case aside).
pub fn parse_zone(raw: &str) -> Result<Tz, DomainError> {
    let raw = raw.trim();
    chrono_tz::TZ_VARIANTS
        .iter()
        .find(|z| z.name().eq_ignore_ascii_case(raw))
        .copied()
        .ok_or_else(|| {
            DomainError::invalid(
                "timezone",
                format!(
                    "{:?} is not a time zone I know: use an IANA name such as Europe/Berlin or \
                     America/New_York.",
                    clip(raw, 60)
                ),
            )
        })
}

/// `weekday`: monday … sunday, or mon … sun.
pub fn parse_weekday(raw: &str) -> Result<Weekday, DomainError> {
    raw.trim().parse::<Weekday>().map_err(|_| {
        DomainError::invalid(
            "weekday",
            format!(
                "{:?} is not a weekday: use monday … sunday.",
                clip(raw.trim(), 30)
            ),
        )
    })
}

/// What was typed, cut short for an error message.
fn clip(raw: &str, max: usize) -> String {
    raw.chars().take(max).collect()
}

/// `hour`: 0–23.
pub fn parse_hour(n: i64) -> Result<u32, DomainError> {
    u32::try_from(n)
        .ok()
        .filter(|h| *h < 24)
        .ok_or_else(|| DomainError::invalid("hour", "hour must be a whole number from 0 to 23."))
}

/// Time zone names containing `partial` (case, spaces and underscores aside), at most
/// `limit`, those starting with it first.
pub fn zones_matching(partial: &str, limit: usize) -> Vec<&'static str> {
    let fold = |s: &str| s.to_lowercase().replace(' ', "_");
    let want = fold(partial.trim());
    let mut found: Vec<&'static str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| z.name())
        .filter(|name| fold(name).contains(&want))
        .collect();
    found.sort_by_key(|name| {
        let folded = fold(name);
        let city = folded.rsplit('/').next().unwrap_or_default().to_string();
        (
            !(folded.starts_with(&want) || city.starts_with(&want)),
            *name,
        )
    });
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn utc(hour: u32) -> DigestTime {
        DigestTime {
            hour: Some(hour),
            ..DigestTime::default()
        }
    }

    #[test]
    fn daily_periods_end_at_the_hour_and_weekly_ones_on_mondays() {
        let t = DigestTime::default();
        // Thursday 2026-11-26.
        let before = DigestPeriod::latest_ended(Mode::Daily, at(2026, 11, 26, 13, 59), t, 14);
        let before = before.unwrap();
        assert_eq!(
            (before.start, before.end),
            (at(2026, 11, 24, 14, 0), at(2026, 11, 25, 14, 0))
        );
        let on = DigestPeriod::latest_ended(Mode::Daily, at(2026, 11, 26, 14, 0), t, 14).unwrap();
        assert_eq!(on.end, at(2026, 11, 26, 14, 0));
        let week = DigestPeriod::latest_ended(Mode::Weekly, at(2026, 11, 26, 15, 0), t, 14);
        let week = week.unwrap();
        assert_eq!(
            (week.start, week.end),
            (at(2026, 11, 16, 14, 0), at(2026, 11, 23, 14, 0))
        );
        let monday_morning =
            DigestPeriod::latest_ended(Mode::Weekly, at(2026, 11, 30, 9, 0), t, 14);
        assert_eq!(monday_morning.unwrap().end, at(2026, 11, 23, 14, 0));
        let monday = DigestPeriod::latest_ended(Mode::Weekly, at(2026, 11, 30, 14, 0), t, 14);
        let monday = monday.unwrap();
        assert_eq!(monday.key(), "digest:weekly:2026-11-30T14:00Z");
        let current = DigestPeriod::current(Mode::Weekly, at(2026, 11, 26, 15, 0), t, 14).unwrap();
        assert_eq!((current.start, current.end), (week.end, monday.end));
        assert_eq!(
            DigestPeriod::latest_ended(Mode::Each, at(2026, 11, 26, 15, 0), t, 14),
            None
        );
        let midnight = DigestPeriod::latest_ended(Mode::Daily, at(2026, 11, 26, 0, 0), utc(0), 14);
        assert_eq!(midnight.unwrap().end, at(2026, 11, 26, 0, 0));
    }

    /// Every period end of `mode` from `from` on, hour by hour for `hours`: each distinct end
    /// is one digest.
    fn ends(mode: Mode, time: DigestTime, from: DateTime<Utc>, hours: i64) -> Vec<DateTime<Utc>> {
        let mut ends: Vec<DateTime<Utc>> = (0..hours * 4)
            .filter_map(|q| {
                DigestPeriod::latest_ended(mode, from + Duration::minutes(q * 15), time, 14)
            })
            .map(|p| p.end)
            .collect();
        ends.dedup();
        ends
    }

    #[test]
    fn a_weekly_digest_in_berlin_keeps_its_local_hour_across_both_dst_changes() {
        let berlin = DigestTime {
            hour: Some(9),
            zone: Some(Tz::Europe__Berlin),
            weekday: Some(Weekday::Sun),
        };
        // Summer time starts Sunday 2026-03-29 (02:00 -> 03:00) and ends Sunday 2026-10-25.
        let spring = ends(Mode::Weekly, berlin, at(2026, 3, 16, 0, 0), 24 * 21);
        assert_eq!(
            spring,
            [
                at(2026, 3, 15, 8, 0),
                at(2026, 3, 22, 8, 0),
                at(2026, 3, 29, 7, 0),
                at(2026, 4, 5, 7, 0)
            ]
        );
        let autumn = ends(Mode::Weekly, berlin, at(2026, 10, 19, 0, 0), 24 * 14);
        assert_eq!(
            autumn,
            [
                at(2026, 10, 18, 7, 0),
                at(2026, 10, 25, 8, 0),
                at(2026, 11, 1, 8, 0)
            ]
        );
        let p =
            DigestPeriod::latest_ended(Mode::Weekly, at(2026, 3, 29, 7, 0), berlin, 14).unwrap();
        assert_eq!(
            p.start,
            at(2026, 3, 22, 8, 0),
            "a week of 167 hours, nothing lost"
        );
    }

    #[test]
    fn an_hour_that_is_skipped_or_repeated_sends_once() {
        let two_am = |zone| DigestTime {
            hour: Some(2),
            zone: Some(zone),
            weekday: None,
        };
        // 02:00 does not exist in Berlin on 2026-03-29: the digest comes at 03:00 (01:00 UTC).
        let gap = ends(
            Mode::Daily,
            two_am(Tz::Europe__Berlin),
            at(2026, 3, 28, 12, 0),
            48,
        );
        assert_eq!(
            gap,
            [
                at(2026, 3, 28, 1, 0),
                at(2026, 3, 29, 1, 0),
                at(2026, 3, 30, 0, 0)
            ]
        );
        // 02:00 happens twice on 2026-10-25: the first one only.
        let twice = ends(
            Mode::Daily,
            two_am(Tz::Europe__Berlin),
            at(2026, 10, 24, 12, 0),
            48,
        );
        assert_eq!(
            twice,
            [
                at(2026, 10, 24, 0, 0),
                at(2026, 10, 25, 0, 0),
                at(2026, 10, 26, 1, 0)
            ]
        );
    }

    #[test]
    fn zones_weekdays_and_hours_parse_or_say_why_not() {
        assert_eq!(parse_zone("europe/berlin").unwrap(), Tz::Europe__Berlin);
        let err = parse_zone("Mars/Olympus").unwrap_err();
        assert!(err.message.contains("Europe/Berlin"), "{err}");
        assert_eq!(parse_weekday("Friday").unwrap(), Weekday::Fri);
        assert!(parse_weekday("someday").is_err());
        assert_eq!(parse_hour(23).unwrap(), 23);
        assert!(parse_hour(24).is_err());
        assert_eq!(zones_matching("berl", 5), ["Europe/Berlin"]);
        assert_eq!(zones_matching("new y", 5), ["America/New_York"]);
        assert_eq!(zones_matching("", 3).len(), 3);
        let d = DigestTime {
            weekday: Some(Weekday::Fri),
            ..utc(9)
        };
        assert_eq!(d.describe(Mode::Weekly).unwrap(), "at 09:00 UTC on Fridays");
        assert_eq!(DigestTime::default().describe(Mode::Weekly), None);
        let zone_only = DigestTime {
            zone: Some(Tz::Asia__Tokyo),
            ..DigestTime::default()
        };
        assert_eq!(
            zone_only.describe(Mode::Daily).unwrap(),
            "at the digest hour Asia/Tokyo"
        );
    }
}
