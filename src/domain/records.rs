//! What queries return, platform-neutral: a company, pages of events with their totals, and
//! the listing that `/layoffs` and `layoffs-bot query` show.

use chrono::NaiveDate;

use super::LayoffEvent;
use super::filing::{FilingLine, FilingSummary};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub industry: Option<String>,
    pub country: Option<String>,
}

/// Which slice of a list: page `number` (from 0) of `size` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub fn first(size: u32) -> Self {
        Self { number: 0, size }
    }

    /// Rows skipped before this page.
    pub fn offset(self) -> i64 {
        i64::from(self.number) * i64::from(self.size)
    }
}

/// People affected, summing known numbers only, and how many events had no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub events: u64,
    pub people: u64,
    pub unknown: u64,
}

impl std::ops::AddAssign for Totals {
    fn add_assign(&mut self, other: Self) {
        self.events += other.events;
        self.people += other.people;
        self.unknown += other.unknown;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthTotal {
    /// "2024-04"
    pub month: String,
    pub totals: Totals,
}

/// One page of events and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    pub events: Vec<LayoffEvent>,
    pub page: Page,
    /// Over every event in range, not just this page.
    pub totals: Totals,
    /// Events of this page a WARN filing backs, with the filing.
    pub filed: Vec<(i64, FilingLine)>,
}

impl EventPage {
    pub fn page_count(&self) -> u32 {
        let size = u64::from(self.page.size.max(1));
        u32::try_from(self.totals.events.div_ceil(size))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// What `/layoffs` and `layoffs-bot query` show.
#[derive(Debug, Clone, PartialEq)]
pub enum Listing {
    /// One company's events.
    Company {
        company: Company,
        page: EventPage,
        since: Option<NaiveDate>,
        /// Its WARN notices (government filings), apart from the reported events.
        filings: FilingSummary,
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

    /// The company listed, if one was asked for.
    pub fn company_id(&self) -> Option<i64> {
        match self {
            Self::Company { company, .. } => Some(company.id),
            Self::Latest { .. } => None,
        }
    }
}
