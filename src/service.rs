//! Use cases shared by the command line and the bot: resolve a company by any spelling (or
//! say what was meant), list events with their totals, and moderators' add, edit and remove.

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::domain::event::{MAX_LOCATION, MAX_NOTES, MAX_TEAMS, clean_text, parse_event_date};
use crate::domain::{
    Actor, CompanyName, EventScope, Headcount, LayoffEvent, NewEvent, Percentage, Source, Viewer,
};
use crate::error::{Error, Result};
use crate::store::{Company, EventPage, Page, Store};

/// Events shown per page, in the CLI and in a Discord embed alike.
pub const PAGE_SIZE: u32 = 10;
/// How many "did you mean" names an unknown company gets.
pub const SUGGESTIONS: usize = 5;
/// `days` may keep at most ten years.
pub const MAX_DAYS: u32 = 3650;

/// What `/layoffs` and `layoffs-bot query` show.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    /// One company's events.
    Company {
        company: Company,
        page: EventPage,
        since: Option<NaiveDate>,
    },
    /// The newest events across companies.
    Latest {
        page: EventPage,
        since: Option<NaiveDate>,
    },
}

impl Listing {
    pub fn page(&self) -> &EventPage {
        match self {
            Self::Company { page, .. } | Self::Latest { page, .. } => page,
        }
    }
}

/// The company a name means, or [`Error::UnknownCompany`] with suggestions.
pub async fn resolve_company(store: &Store, name: &str) -> Result<Company> {
    if let Some(company) = store.find_company(name).await? {
        return Ok(company);
    }
    let mut suggestions: Vec<String> = Vec::new();
    for m in store.suggest(name, SUGGESTIONS).await? {
        if !suggestions.contains(&m.company) {
            suggestions.push(m.company);
        }
    }
    Err(Error::UnknownCompany {
        name: name.trim().to_string(),
        suggestions,
    })
}

/// The first day kept by "the last `days` days", counting today.
pub fn since(days: Option<u32>, today: NaiveDate) -> Result<Option<NaiveDate>> {
    match days {
        None => Ok(None),
        Some(d) if (1..=MAX_DAYS).contains(&d) => {
            Ok(today.checked_sub_days(Days::new(u64::from(d - 1))))
        }
        Some(d) => Err(Error::Invalid(crate::domain::DomainError::invalid(
            "days",
            format!("days must be from 1 to {MAX_DAYS}, not {d}"),
        ))),
    }
}

/// A `days` option as Discord sends it (any integer), checked.
pub fn days_option(days: Option<i64>) -> Result<Option<u32>> {
    days.map(|d| {
        u32::try_from(d)
            .ok()
            .filter(|d| (1..=MAX_DAYS).contains(d))
            .ok_or_else(|| {
                Error::Invalid(crate::domain::DomainError::invalid(
                    "days",
                    format!("days must be from 1 to {MAX_DAYS}, not {d}"),
                ))
            })
    })
    .transpose()
}

/// One page (from 0) of a company's events, or of the latest events when `company` is None.
pub async fn listing(
    store: &Store,
    company: Option<&str>,
    viewer: Viewer,
    days: Option<u32>,
    page: u32,
    today: NaiveDate,
) -> Result<Listing> {
    let company_id = match company.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => Some(resolve_company(store, name).await?.id),
        None => None,
    };
    listing_for(store, company_id, viewer, days, page, today).await
}

/// [`listing`] for a company already resolved to its id (as page buttons carry it).
pub async fn listing_for(
    store: &Store,
    company_id: Option<i64>,
    viewer: Viewer,
    days: Option<u32>,
    page: u32,
    today: NaiveDate,
) -> Result<Listing> {
    let since = since(days, today)?;
    let page = Page {
        number: page,
        size: PAGE_SIZE,
    };
    match company_id {
        Some(id) => {
            let company = store
                .company_by_id(id)
                .await?
                .ok_or_else(|| Error::NotFound("That company no longer exists.".into()))?;
            let page = store
                .company_events(company.id, viewer, since, page)
                .await?;
            Ok(Listing::Company {
                company,
                page,
                since,
            })
        }
        None => Ok(Listing::Latest {
            page: store.latest_events(viewer, since, page).await?,
            since,
        }),
    }
}

/// How close (in days) another event of the same company must be to ask "add anyway?".
pub const NEARBY_DAYS: u64 = 14;

/// A moderator's options for an event, as typed; every field optional so an edit can use it.
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

/// Who acts, and where: a moderator in a guild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moderator {
    pub user: u64,
    pub guild: u64,
    /// The guild whose events are global (`HOME_GUILD_ID`).
    pub home_guild: Option<u64>,
}

impl Moderator {
    /// Events added here are global in the home guild, the guild's own elsewhere.
    pub fn scope(self) -> EventScope {
        if self.home_guild == Some(self.guild) {
            EventScope::Global
        } else {
            EventScope::Guild(self.guild)
        }
    }

    pub fn actor(self) -> Actor {
        Actor::discord(self.user)
    }

    /// Whether this moderator may edit or remove an event of `scope`.
    pub fn may_manage(self, scope: EventScope) -> bool {
        scope == self.scope()
    }
}

/// Turns a moderator's options into a valid event (company required).
pub fn parse_new_event(raw: &RawEvent, scope: EventScope, today: NaiveDate) -> Result<NewEvent> {
    let company = CompanyName::parse(raw.company.as_deref().unwrap_or_default())?;
    let date = match raw.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => parse_event_date(d, today)?,
        None => today,
    };
    Ok(NewEvent {
        company,
        date,
        headcount: Headcount::from_options(raw.count, raw.approx.as_deref())?,
        percentage: raw.percent.map(Percentage::from_percent).transpose()?,
        teams: opt_text("teams", raw.teams.as_deref(), MAX_TEAMS)?,
        location: opt_text("location", raw.location.as_deref(), MAX_LOCATION)?,
        source: raw
            .source
            .as_deref()
            .map(Source::parse)
            .transpose()?
            .flatten(),
        notes: opt_text("notes", raw.notes.as_deref(), MAX_NOTES)?,
        scope,
    })
}

fn opt_text(field: &'static str, raw: Option<&str>, max: usize) -> Result<Option<String>> {
    Ok(raw
        .map(|t| clean_text(field, t, max))
        .transpose()?
        .flatten())
}

/// What `/layoff add` did.
#[derive(Debug, Clone, PartialEq)]
pub enum AddOutcome {
    Added(Box<LayoffEvent>),
    /// Another event of the company is close in time: held until "Add anyway".
    Held {
        pending_id: i64,
        nearby: Vec<LayoffEvent>,
    },
}

/// Validates and stores an event, or holds it when the company has one within
/// [`NEARBY_DAYS`].
pub async fn add_event(
    store: &Store,
    raw: &RawEvent,
    by: Moderator,
    now: DateTime<Utc>,
) -> Result<AddOutcome> {
    let event = parse_new_event(raw, by.scope(), now.date_naive())?;
    if let Some(company) = store.find_company(event.company.display()).await? {
        let viewer = Viewer {
            guild: Some(by.guild),
        };
        let nearby = store
            .nearby_events(company.id, viewer, event.date, NEARBY_DAYS)
            .await?;
        if !nearby.is_empty() {
            let payload =
                serde_json::to_string(raw).map_err(|e| Error::Io(std::io::Error::other(e)))?;
            let pending_id = store
                .hold_addition(by.guild, by.user, &payload, now)
                .await?;
            return Ok(AddOutcome::Held { pending_id, nearby });
        }
    }
    Ok(AddOutcome::Added(Box::new(
        store.add_event(&event, &by.actor(), now).await?,
    )))
}

/// Stores a held addition ("Add anyway"), validated again.
pub async fn confirm_addition(
    store: &Store,
    pending_id: i64,
    by: Moderator,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    let payload = store
        .take_addition(pending_id, by.guild)
        .await?
        .ok_or_else(|| {
            Error::NotFound("This addition was already confirmed or cancelled.".into())
        })?;
    let raw: RawEvent =
        serde_json::from_str(&payload).map_err(|e| Error::Io(std::io::Error::other(e)))?;
    let event = parse_new_event(&raw, by.scope(), now.date_naive())?;
    store.add_event(&event, &by.actor(), now).await
}

/// Drops a held addition ("Cancel").
pub async fn cancel_addition(store: &Store, pending_id: i64, by: Moderator) -> Result<()> {
    store.take_addition(pending_id, by.guild).await?;
    Ok(())
}

/// The event, if this moderator may change it; otherwise "no such event" (events of other
/// guilds are not revealed).
async fn managed_event(store: &Store, id: i64, by: Moderator) -> Result<LayoffEvent> {
    match store.event(id).await? {
        Some(e) if by.may_manage(e.scope) => Ok(e),
        Some(e) if e.scope == EventScope::Global => Err(Error::Forbidden(format!(
            "Event #{id} is global; only moderators of the home server can change it."
        ))),
        _ => Err(Error::NotFound(format!(
            "There is no event #{id} in this server."
        ))),
    }
}

/// Applies the options given to an event this moderator may manage.
pub async fn edit_event(
    store: &Store,
    id: i64,
    changes: &RawEvent,
    by: Moderator,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    if *changes == RawEvent::default() {
        return Err(Error::Invalid(crate::domain::DomainError::invalid(
            "id",
            "Give at least one field to change.",
        )));
    }
    let current = managed_event(store, id, by).await?;
    let mut event = current.to_new_event()?;
    let today = now.date_naive();
    if let Some(company) = &changes.company {
        event.company = CompanyName::parse(company)?;
    }
    if let Some(date) = &changes.date {
        event.date = parse_event_date(date, today)?;
    }
    if changes.count.is_some() || changes.approx.is_some() {
        event.headcount = Headcount::from_options(changes.count, changes.approx.as_deref())?;
    }
    if let Some(p) = changes.percent {
        event.percentage = Some(Percentage::from_percent(p)?);
    }
    if let Some(t) = &changes.teams {
        event.teams = opt_text("teams", Some(t), MAX_TEAMS)?;
    }
    if let Some(l) = &changes.location {
        event.location = opt_text("location", Some(l), MAX_LOCATION)?;
    }
    if let Some(s) = &changes.source {
        event.source = Source::parse(s)?;
    }
    if let Some(n) = &changes.notes {
        event.notes = opt_text("notes", Some(n), MAX_NOTES)?;
    }
    store.update_event(id, &event, &by.actor(), now).await
}

/// Removes an event this moderator may manage.
pub async fn remove_event(
    store: &Store,
    id: i64,
    by: Moderator,
    now: DateTime<Utc>,
) -> Result<LayoffEvent> {
    managed_event(store, id, by).await?;
    store.delete_event(id, &by.actor(), now).await
}
