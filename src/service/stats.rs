//! `/layoffs-stats` and `layoffs-bot stats`: resolve the filters the viewer typed, gather the
//! totals, tops and monthly series, and draw the chart off the async runtime.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::listing::resolve_named;
use crate::domain::stats::StatsSource;
use crate::domain::{
    DateRange, Facet, MonthTotal, NameEntry, NameIndex, Period, Ranked, Stats, Totals, Viewer,
    fold_facet, group_facets,
};
use crate::error::{Error, Result};
use crate::store::{StatsFilter, Store, Summary};

/// Industries and countries in their "top" lists (companies: the store's `TOP_COMPANIES`).
pub const TOP_FACETS: usize = 3;

/// What the viewer asked, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsRequest {
    pub source: StatsSource,
    pub period: Period,
    pub company: Option<String>,
    pub industry: Option<String>,
    pub country: Option<String>,
}

/// Industry or country, for messages and lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetKind {
    Industry,
    Country,
}

impl FacetKind {
    fn noun(self) -> &'static str {
        match self {
            Self::Industry => "industry",
            Self::Country => "country",
        }
    }
}

/// The industries or countries `viewer` may see, spellings folded, most used first.
pub async fn facets(store: &Store, kind: FacetKind, viewer: &Viewer) -> Result<Vec<Facet>> {
    let counts = store.facet_counts(viewer).await?;
    let values = match kind {
        FacetKind::Industry => counts.industries,
        FacetKind::Country => counts.countries,
    };
    Ok(group_facets(values))
}

fn facet_index(facets: &[Facet]) -> NameIndex {
    NameIndex::new(
        facets
            .iter()
            .enumerate()
            .map(|(i, f)| {
                NameEntry::new(
                    i64::try_from(i).unwrap_or(i64::MAX),
                    f.label.clone(),
                    f.label.clone(),
                )
            })
            .collect(),
    )
}

/// Up to `limit` labels for what the viewer typed (the most used first when nothing is typed).
pub fn complete_facet(facets: &[Facet], partial: &str, limit: usize) -> Vec<String> {
    if partial.trim().is_empty() {
        return facets.iter().take(limit).map(|f| f.label.clone()).collect();
    }
    facet_index(facets)
        .autocomplete(partial, None, limit)
        .into_iter()
        .map(|m| m.company)
        .collect()
}

/// The facet spelled like `typed` (case, spacing and a final dot aside), if any.
pub(crate) fn find_facet<'a>(facets: &'a [Facet], typed: &str) -> Option<&'a Facet> {
    let key = fold_facet(typed);
    facets.iter().find(|f| fold_facet(&f.label) == key)
}

/// The facet a typed name means, or a "did you mean" error.
pub(crate) fn resolve_facet(kind: FacetKind, facets: &[Facet], typed: &str) -> Result<Facet> {
    if let Some(f) = find_facet(facets, typed) {
        return Ok(f.clone());
    }
    let suggestions: Vec<String> = facet_index(facets)
        .suggest(typed, None, super::SUGGESTIONS)
        .into_iter()
        .map(|m| m.company)
        .collect();
    let mut msg = format!("No {} named \"{}\" on record.", kind.noun(), typed.trim());
    if !suggestions.is_empty() {
        msg.push_str(" Did you mean: ");
        msg.push_str(&suggestions.join(", "));
        msg.push('?');
    }
    Err(Error::NotFound(msg))
}

/// The facet a typed industry or country means; the list is read only when one was typed.
pub(crate) async fn resolve_filter(
    store: &Store,
    kind: FacetKind,
    typed: Option<&str>,
    viewer: &Viewer,
) -> Result<Option<Facet>> {
    match typed.map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => Ok(Some(resolve_facet(
            kind,
            &facets(store, kind, viewer).await?,
            t,
        )?)),
        None => Ok(None),
    }
}

/// Everything the stats answer shows, for `viewer` as of `today`.
pub async fn stats(
    store: &Store,
    req: &StatsRequest,
    viewer: &Viewer,
    today: NaiveDate,
) -> Result<Stats> {
    let company = resolve_named(store, req.company.as_deref(), viewer).await?;
    let industry =
        resolve_filter(store, FacetKind::Industry, req.industry.as_deref(), viewer).await?;
    let country = resolve_filter(store, FacetKind::Country, req.country.as_deref(), viewer).await?;
    let filter = StatsFilter {
        company_id: company.as_ref().map(|c| c.id),
        industries: industry.as_ref().map(|f| f.spellings.as_slice()),
        countries: country.as_ref().map(|f| f.spellings.as_slice()),
    };
    // The three reads are independent: run them side by side, on two connections (and two
    // cores). All time reads everything up to today, which holds the same events as the
    // period from the first event; that first event then comes from the days read.
    let (read, chart) = read_ranges(req.period, today);
    let earlier = read
        .year_earlier()
        .filter(|_| req.period.has_year_earlier());
    // WARN notices are all filed in the United States.
    let us = country
        .as_ref()
        .is_none_or(|c| fold_facet(&c.label) == "united states");
    let reads = Reads {
        store,
        source: req.source,
        filter: &filter,
        viewer,
        none: req.source == StatsSource::Filings && !us,
    };
    let (summary, year_earlier, days) = futures::try_join!(
        reads.summary(read),
        totals_if(&reads, earlier),
        reads.by_day(chart),
    )?;
    let range = match req.period {
        Period::AllTime => req.period.range(today, days.iter().map(|(d, _)| *d).min()),
        _ => read,
    };
    let months = months_of(range, &days);
    Ok(Stats {
        source: req.source,
        period: req.period,
        range,
        totals: summary.totals,
        year_earlier,
        months,
        ..tops(summary, company.map(|c| c.name), industry, country)
    })
}

/// The top lists and the filters as named: one company has one industry and one country, and
/// a filter's own list would have one entry, so those lists stay empty.
fn tops(
    summary: Summary,
    company: Option<String>,
    industry: Option<Facet>,
    country: Option<Facet>,
) -> Stats {
    let one_company = company.is_some();
    Stats {
        top_companies: if one_company {
            Vec::new()
        } else {
            summary.companies
        },
        top_industries: if one_company || industry.is_some() {
            Vec::new()
        } else {
            fold_ranked(summary.industries)
        },
        top_countries: if one_company || country.is_some() {
            Vec::new()
        } else {
            fold_ranked(summary.countries)
        },
        company,
        industry: industry.map(|f| f.label),
        country: country.map(|f| f.label),
        ..Stats::default()
    }
}

/// The dates the summary reads and the dates the chart reads (at least 12 months).
fn read_ranges(period: Period, today: NaiveDate) -> (DateRange, DateRange) {
    if period == Period::AllTime {
        let everything = DateRange {
            from: NaiveDate::MIN,
            to: today,
        };
        return (everything, everything);
    }
    let range = period.range(today, None);
    let from = range.chart_months().first().copied().unwrap_or(range.from);
    (range, DateRange { from, ..range })
}

/// The reads of one stats answer, from events or from filings.
struct Reads<'a> {
    store: &'a Store,
    source: StatsSource,
    filter: &'a StatsFilter<'a>,
    viewer: &'a Viewer,
    /// Nothing can match (filings outside the United States).
    none: bool,
}

impl Reads<'_> {
    async fn summary(&self, range: DateRange) -> Result<Summary> {
        match (self.none, self.source) {
            (true, _) => Ok(Summary::default()),
            (false, StatsSource::Events) => {
                self.store
                    .stats_summary(self.filter, self.viewer, range)
                    .await
            }
            (false, StatsSource::Filings) => {
                self.store.filing_stats_summary(self.filter, range).await
            }
        }
    }

    async fn by_day(&self, range: DateRange) -> Result<Vec<(NaiveDate, Totals)>> {
        match (self.none, self.source) {
            (true, _) => Ok(Vec::new()),
            (false, StatsSource::Events) => {
                self.store
                    .stats_by_day(self.filter, self.viewer, range)
                    .await
            }
            (false, StatsSource::Filings) => {
                self.store.filing_stats_by_day(self.filter, range).await
            }
        }
    }
}

async fn totals_if(reads: &Reads<'_>, range: Option<DateRange>) -> Result<Option<Totals>> {
    match range {
        // The same days the chart reads, summed: no second copy of the query.
        Some(range) => Ok(Some(reads.by_day(range).await?.into_iter().fold(
            Totals::default(),
            |mut sum, (_, t)| {
                sum += t;
                sum
            },
        ))),
        None => Ok(None),
    }
}

/// Totals per stored spelling folded into one per industry or country, named by the spelling
/// with the most events, most people first, the top [`TOP_FACETS`].
fn fold_ranked(spellings: Vec<Ranked>) -> Vec<Ranked> {
    let mut groups: HashMap<String, (Ranked, u64)> = HashMap::new();
    for r in spellings {
        let key = fold_facet(&r.name);
        if key.is_empty() {
            continue;
        }
        let events = r.totals.events;
        match groups.get_mut(&key) {
            Some((group, best)) => {
                group.totals += r.totals;
                if events > *best || (events == *best && r.name < group.name) {
                    *best = events;
                    group.name = r.name;
                }
            }
            None => {
                groups.insert(key, (r, events));
            }
        }
    }
    let mut ranked: Vec<Ranked> = groups.into_values().map(|(r, _)| r).collect();
    ranked.retain(|r| r.totals.people > 0);
    ranked.sort_by(|a, b| {
        (b.totals.people, b.totals.events)
            .cmp(&(a.totals.people, a.totals.events))
            .then_with(|| a.name.cmp(&b.name))
    });
    ranked.truncate(TOP_FACETS);
    ranked
}

/// The chart's months for `range`, oldest first, summed from `days`, zeros where nothing
/// happened.
fn months_of(range: DateRange, days: &[(NaiveDate, Totals)]) -> Vec<MonthTotal> {
    let mut by_month: HashMap<String, Totals> = HashMap::new();
    for (day, totals) in days {
        let month = by_month.entry(day.format("%Y-%m").to_string()).or_default();
        *month += *totals;
    }
    range
        .chart_months()
        .into_iter()
        .map(|m| {
            let month = m.format("%Y-%m").to_string();
            let totals = by_month.get(&month).copied().unwrap_or_default();
            MonthTotal { month, totals }
        })
        .collect()
}
