//! A subscription's settings as its row's columns hold them (lists as JSON arrays, flags as
//! integers), for the upsert.

use crate::domain::AlertSettings;
use crate::store::snowflake_to_db;

/// Settings as the subscription's columns hold them.
pub(super) struct Columns {
    pub(super) industries: String,
    pub(super) countries: String,
    pub(super) excluded: String,
    pub(super) min_people: Option<i64>,
    pub(super) mode: &'static str,
    pub(super) role: Option<i64>,
    pub(super) crosspost: i64,
    pub(super) filings: i64,
    pub(super) hour: Option<i64>,
    pub(super) zone: Option<&'static str>,
    pub(super) weekday: Option<i64>,
    pub(super) threads: i64,
    pub(super) archive: i64,
    pub(super) forum: i64,
}

impl Columns {
    pub(super) fn of(settings: &AlertSettings) -> Self {
        let (f, t) = (&settings.filter, &settings.time);
        Self {
            industries: json_list(&f.industries),
            countries: json_list(&f.countries),
            excluded: json_list(&f.exclude_industries),
            min_people: f.min_people.map(i64::from),
            mode: settings.mode.as_str(),
            role: settings.mention_role.map(snowflake_to_db),
            crosspost: i64::from(settings.crosspost),
            filings: i64::from(settings.filings),
            hour: t.hour.map(i64::from),
            zone: t.zone.map(chrono_tz::Tz::name),
            weekday: t.weekday.map(|d| i64::from(d.num_days_from_monday())),
            threads: i64::from(settings.thread.is_some()),
            archive: settings.thread.map_or(1440, |a| i64::from(a.minutes())),
            forum: i64::from(settings.forum),
        }
    }
}

/// A list as the JSON array a column keeps; serialising strings cannot fail.
fn json_list(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".into())
}
