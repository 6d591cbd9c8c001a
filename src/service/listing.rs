//! Reading the record: a company by any spelling (or what was meant), and pages of events.

use chrono::NaiveDate;

use crate::domain::{
    Company, Days, EventPage, Listing, Match, MonthTotal, Page, Viewer, normalize_key,
};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::company_page::CompanyRead;
use crate::store::events::ExportRow;
use crate::store::version::{Version, VersionProbe};

/// Events shown per page, in the CLI and in a Discord embed alike.
pub const PAGE_SIZE: u32 = 10;
/// How many "did you mean" names an unknown company gets.
pub const SUGGESTIONS: usize = 5;

/// The company a name means to `viewer`, or [`Error::UnknownCompany`] with suggestions among
/// the names it may see (another tenant's private names do not exist for it).
pub async fn resolve_company(store: &Store, name: &str, viewer: &Viewer) -> Result<Company> {
    if let Some(company) = store.find_company(name, viewer).await? {
        return Ok(company);
    }
    let mut suggestions: Vec<String> = Vec::new();
    for m in store.suggest(name, viewer, SUGGESTIONS).await? {
        if !suggestions.contains(&m.company) {
            suggestions.push(m.company);
        }
    }
    Err(Error::UnknownCompany {
        name: name.trim().to_string(),
        suggestions,
    })
}

/// [`resolve_company`] for an optional name; blank means none.
pub async fn resolve_named(
    store: &Store,
    name: Option<&str>,
    viewer: &Viewer,
) -> Result<Option<Company>> {
    match name.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => Ok(Some(resolve_company(store, name, viewer).await?)),
        None => Ok(None),
    }
}

/// One page (from 0) of a company's events, or of the latest events when `company` is None.
pub async fn listing(
    store: &Store,
    company: Option<&str>,
    viewer: &Viewer,
    days: Option<Days>,
    page: u32,
    today: NaiveDate,
) -> Result<Listing> {
    // A name resolves by its normalised key alone; blank means the latest events.
    let typed = company
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(normalize_key);
    let since = days.map(|d| d.since(today));
    let key = (typed, viewer.tenant.clone(), since, page, PAGE_SIZE);
    // Read before the listing: a commit meanwhile leaves it kept under the older version.
    let version = store.read_version().await;
    if let Some(kept) = version.and_then(|v| store.kept_listing(&key, v)) {
        return Ok(kept);
    }
    let page = Page {
        number: page,
        size: PAGE_SIZE,
    };
    let listing = match company.map(str::trim).filter(|c| !c.is_empty()) {
        Some(name) => {
            // The name index answers a name spelled exactly without a statement; the store
            // decides the rest (and suggests what was meant).
            let id = match store.exact_company(name, viewer).await? {
                Some(id) => id,
                None => resolve_company(store, name, viewer).await?.id,
            };
            company_listing(store, id, viewer, since, page).await?
        }
        None => listing_page(store, None, viewer, since, page).await?,
    };
    if let Some(v) = version {
        store.keep_listing(key, v, &listing);
    }
    Ok(listing)
}

/// [`listing`] for a company already resolved to its id (as page buttons carry it).
pub async fn listing_for(
    store: &Store,
    company_id: Option<i64>,
    viewer: &Viewer,
    days: Option<Days>,
    page: u32,
    today: NaiveDate,
) -> Result<Listing> {
    let page = Page {
        number: page,
        size: PAGE_SIZE,
    };
    listing_page(
        store,
        company_id,
        viewer,
        days.map(|d| d.since(today)),
        page,
    )
    .await
}

/// [`listing_for`] with any page size (the web shows more a page than a chat embed).
pub async fn listing_page(
    store: &Store,
    company_id: Option<i64>,
    viewer: &Viewer,
    since: Option<NaiveDate>,
    page: Page,
) -> Result<Listing> {
    let Some(id) = company_id else {
        let page = with_filed(store, store.events_page(None, viewer, since, page).await?).await?;
        return Ok(Listing::Latest { page, since });
    };
    company_listing(store, id, viewer, since, page).await
}

/// A company's page: the company, its events (with their totals and the filings that back
/// them) and its filings, in one statement.
async fn company_listing(
    store: &Store,
    id: i64,
    viewer: &Viewer,
    since: Option<NaiveDate>,
    page: Page,
) -> Result<Listing> {
    let read = store
        .company_read(id, viewer, since, page, LATEST_FILINGS_ALONE)
        .await?;
    let CompanyRead {
        company,
        page,
        mut filings,
    } = read.ok_or_else(|| Error::NotFound("That company no longer exists.".into()))?;
    // A company known only from filings shows more of them: they are all there is.
    if page.totals.events > 0 {
        filings.latest.truncate(LATEST_FILINGS);
    }
    Ok(Listing::Company {
        company,
        page,
        since,
        filings,
    })
}

/// WARN notices a listing shows under "WARN notices", newest first.
pub const LATEST_FILINGS: usize = 3;
/// ... and for a company with filings and no reported layoffs.
pub const LATEST_FILINGS_ALONE: i64 = 10;

/// The page with the filings that back its events.
async fn with_filed(store: &Store, mut page: EventPage) -> Result<EventPage> {
    let events: Vec<(i64, i64, NaiveDate)> = page
        .events
        .iter()
        .map(|e| (e.id, e.company_id, e.date))
        .collect();
    page.filed = store.filings_near(&events).await?;
    Ok(page)
}

/// Up to `limit` names for what someone has typed, as `viewer` may see them (aliases say
/// which company they mean).
pub async fn autocomplete(
    store: &Store,
    typed: &str,
    viewer: &Viewer,
    limit: usize,
) -> Result<Vec<Match>> {
    store.autocomplete(typed, viewer, limit).await
}

/// People and layoffs per month (of one company, or all), since a day if given.
pub async fn monthly_totals(
    store: &Store,
    company_id: Option<i64>,
    viewer: &Viewer,
    since: Option<NaiveDate>,
) -> Result<Vec<MonthTotal>> {
    store.monthly_totals(company_id, viewer, since).await
}

/// Every global event (or one company's), newest first, for the CSV export.
pub async fn global_events(store: &Store, company_id: Option<i64>) -> Result<Vec<ExportRow>> {
    store.global_events(company_id).await
}

/// When the global record last changed (the web page's Last-Modified and footer).
pub async fn record_changed_at(store: &Store) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    store.global_record_changed_at().await
}

/// A probe of the store's changes, on a connection of its own (the web page cache).
pub async fn change_probe(store: &Store) -> Result<VersionProbe> {
    store.version_probe().await
}

/// The store's version now: it differs whenever anything was committed since.
pub async fn changes(probe: &VersionProbe) -> Result<Version> {
    probe.current().await
}

/// The store's version when it can be read without a statement (a file store in WAL mode).
pub fn changes_now(probe: &VersionProbe) -> Option<Version> {
    probe.wal_version()
}
