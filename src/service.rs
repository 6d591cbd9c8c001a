//! Use cases shared by the command line and the bot: resolve a company by any spelling (or
//! say what was meant), and list events with their totals.

use chrono::{Days, NaiveDate};

use crate::domain::Viewer;
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

/// One page (from 0) of a company's events, or of the latest events when `company` is None.
pub async fn listing(
    store: &Store,
    company: Option<&str>,
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
    match company.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => {
            let company = resolve_company(store, name).await?;
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
