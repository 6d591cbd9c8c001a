//! Layoff events: a moderator's raw options, the one conversion from raw to valid (a patch
//! that adds and edits share), the event ready to store, and the event as read back.

use chrono::{DateTime, NaiveDate, Utc};

use super::fields::{
    Headcount, MAX_LOCATION, MAX_NOTES, MAX_TEAMS, Percentage, clean_text, parse_event_date,
};
use super::{Actor, DomainError, EventScope, Source, company::CompanyName, company::normalize_key};

/// An event's options as typed (Discord options, a Slack modal, a CSV row): every field
/// optional, so that an edit can use it too. Kept as JSON while an addition waits for
/// confirmation, so its field names are stable.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RawEvent {
    pub company: Option<String>,
    pub date: Option<String>,
    pub count: Option<i64>,
    pub approx: Option<String>,
    pub percent: Option<f64>,
    pub teams: Option<String>,
    pub location: Option<String>,
    pub source: Option<String>,
    pub notes: Option<String>,
}

/// Valid changes to an event: each field given, checked. `Some(None)` clears a text field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventPatch {
    pub company: Option<CompanyName>,
    pub date: Option<NaiveDate>,
    pub headcount: Option<Headcount>,
    pub percentage: Option<Percentage>,
    pub teams: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub source: Option<Option<Source>>,
    pub notes: Option<Option<String>>,
}

impl EventPatch {
    /// The one place where raw event fields become valid ones.
    pub fn parse(raw: &RawEvent, today: NaiveDate) -> Result<Self, DomainError> {
        let text = |field, value: &Option<String>, max| {
            value
                .as_deref()
                .map(|t| clean_text(field, t, max))
                .transpose()
        };
        let date = raw.date.as_deref().map(str::trim).filter(|d| !d.is_empty());
        Ok(Self {
            company: raw.company.as_deref().map(CompanyName::parse).transpose()?,
            date: date.map(|d| parse_event_date(d, today)).transpose()?,
            headcount: if raw.count.is_some() || raw.approx.is_some() {
                Some(Headcount::from_options(raw.count, raw.approx.as_deref())?)
            } else {
                None
            },
            percentage: raw.percent.map(Percentage::from_percent).transpose()?,
            teams: text("teams", &raw.teams, MAX_TEAMS)?,
            location: text("location", &raw.location, MAX_LOCATION)?,
            source: raw.source.as_deref().map(Source::parse).transpose()?,
            notes: text("notes", &raw.notes, MAX_NOTES)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Writes every field this patch gives into `event`.
    pub fn apply(self, event: &mut NewEvent) {
        fn set<T>(slot: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *slot = v;
            }
        }
        set(&mut event.company, self.company);
        set(&mut event.date, self.date);
        set(&mut event.headcount, self.headcount);
        set(&mut event.percentage, self.percentage.map(Some));
        set(&mut event.teams, self.teams);
        set(&mut event.location, self.location);
        set(&mut event.source, self.source);
        set(&mut event.notes, self.notes);
    }
}

/// An event ready to store: every field already valid.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub company: CompanyName,
    pub date: NaiveDate,
    pub headcount: Headcount,
    pub percentage: Option<Percentage>,
    pub teams: Option<String>,
    pub location: Option<String>,
    pub source: Option<Source>,
    pub notes: Option<String>,
    pub scope: EventScope,
}

impl NewEvent {
    /// A new event from raw options: the company is required, the date defaults to `today`.
    pub fn parse(raw: &RawEvent, scope: EventScope, today: NaiveDate) -> Result<Self, DomainError> {
        let patch = EventPatch::parse(raw, today)?;
        let company = match &patch.company {
            Some(c) => c.clone(),
            None => CompanyName::parse("")?,
        };
        let mut event = Self {
            company,
            date: today,
            headcount: Headcount::Unknown,
            percentage: None,
            teams: None,
            location: None,
            source: None,
            notes: None,
            scope,
        };
        patch.apply(&mut event);
        Ok(event)
    }

    /// What makes two rows one event: company, date, headcount, percentage and location.
    /// The source is left out on purpose: the same cut reported by two outlets is one event.
    pub fn fingerprint(&self) -> String {
        fingerprint(
            self.company.key(),
            self.date,
            &self.headcount,
            self.percentage,
            self.location.as_deref(),
        )
    }
}

pub fn fingerprint(
    company_key: &str,
    date: NaiveDate,
    headcount: &Headcount,
    percentage: Option<Percentage>,
    location: Option<&str>,
) -> String {
    let count = match headcount {
        Headcount::Exact(n) => n.to_string(),
        Headcount::Approx(text) => normalize_key(text),
        Headcount::Unknown => String::new(),
    };
    let pct = percentage.map(|p| p.to_string()).unwrap_or_default();
    let location = location.map(normalize_key).unwrap_or_default();
    format!("{company_key}|{date}|{count}|{pct}|{location}")
}

/// A stored event, as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct LayoffEvent {
    pub id: i64,
    pub company_id: i64,
    pub company: String,
    pub date: NaiveDate,
    pub headcount: Headcount,
    pub percentage: Option<Percentage>,
    pub teams: Option<String>,
    pub location: Option<String>,
    pub source: Option<Source>,
    /// Further sources on the same cut, oldest first.
    pub more_sources: Vec<Source>,
    pub notes: Option<String>,
    pub scope: EventScope,
    pub added_by: Actor,
    pub added_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl LayoffEvent {
    /// The stored facts as a [`NewEvent`]: the starting point of an edit.
    pub fn to_new_event(&self) -> Result<NewEvent, DomainError> {
        Ok(NewEvent {
            company: CompanyName::parse(&self.company)?,
            date: self.date,
            headcount: self.headcount.clone(),
            percentage: self.percentage,
            teams: self.teams.clone(),
            location: self.location.clone(),
            source: self.source.clone(),
            notes: self.notes.clone(),
            scope: self.scope.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn raw(company: &str) -> RawEvent {
        RawEvent {
            company: Some(company.into()),
            ..RawEvent::default()
        }
    }

    #[test]
    fn a_new_event_needs_a_company_and_defaults_to_today() {
        let today = day("2026-11-26");
        let e = NewEvent::parse(&raw("Acme"), EventScope::Global, today).unwrap();
        assert_eq!((e.company.display(), e.date), ("Acme", today));
        assert_eq!(e.headcount, Headcount::Unknown);
        let err = NewEvent::parse(&RawEvent::default(), EventScope::Global, today).unwrap_err();
        assert_eq!(err.field, "company");
        let bad = RawEvent {
            percent: Some(150.0),
            ..raw("Acme")
        };
        assert_eq!(
            NewEvent::parse(&bad, EventScope::Global, today)
                .unwrap_err()
                .field,
            "percent"
        );
    }

    #[test]
    fn a_patch_changes_only_what_it_gives_and_can_clear_text() {
        let today = day("2026-11-26");
        let mut e = NewEvent::parse(
            &RawEvent {
                teams: Some("Sales".into()),
                count: Some(10),
                ..raw("Acme")
            },
            EventScope::Global,
            today,
        )
        .unwrap();
        let patch = EventPatch::parse(
            &RawEvent {
                approx: Some("hundreds".into()),
                teams: Some("  ".into()),
                ..RawEvent::default()
            },
            today,
        )
        .unwrap();
        assert!(!patch.is_empty());
        patch.apply(&mut e);
        assert_eq!(e.headcount, Headcount::Approx("hundreds".into()));
        assert_eq!(e.teams, None);
        assert_eq!(e.company.display(), "Acme");
        assert!(
            EventPatch::parse(&RawEvent::default(), today)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn fingerprint_ignores_case_and_punctuation_of_location() {
        let a = fingerprint(
            "oda",
            day("2022-11-01"),
            &Headcount::Exact(70),
            None,
            Some("Oslo"),
        );
        let b = fingerprint(
            "oda",
            day("2022-11-01"),
            &Headcount::Exact(70),
            None,
            Some(" OSLO "),
        );
        assert_eq!(a, b);
    }
}
