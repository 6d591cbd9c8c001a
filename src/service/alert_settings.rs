//! What `/layoff-alerts subscribe` asked for, as typed on any platform, made into settings:
//! lists resolved value by value against the record (did-you-mean for the unknown one; the
//! record's industries and countries read once), exclusions, digest time, threads.

use super::listing::resolve_company;
use super::stats::{FacetKind, find_facet, resolve_facet};
use crate::domain::digest_time;
use crate::domain::{
    AlertFilter, AlertSettings, DigestTime, DomainError, Facet, Mode, Tenant, ThreadArchive,
    Viewer, group_facets,
};
use crate::error::{Error, Result};
use crate::store::Store;

/// What a moderator asked for, as typed (names are resolved against the record). Lists are
/// comma-separated.
#[derive(Debug, Clone, Default)]
#[allow(clippy::struct_excessive_bools)] // one per yes/no option of the command
pub struct AlertRequest {
    pub company: Option<String>,
    pub industry: Option<String>,
    pub country: Option<String>,
    /// Companies or industries to leave out.
    pub exclude: Option<String>,
    pub min_people: Option<i64>,
    pub mode: Option<String>,
    pub hour: Option<i64>,
    pub timezone: Option<String>,
    pub weekday: Option<String>,
    pub mention_role: Option<u64>,
    pub crosspost: bool,
    pub filings: bool,
    /// A thread under each post (Discord).
    pub thread: bool,
    pub thread_archive: Option<String>,
    /// The channel is a forum or media channel (the Discord adapter knows).
    pub forum: bool,
}

/// The settings a request means for `tenant`: companies, industries and countries the record
/// has, exclusions, a positive minimum, a mode and when its digests come.
pub async fn settings_of(
    store: &Store,
    tenant: &Tenant,
    req: &AlertRequest,
) -> Result<AlertSettings> {
    let viewer = Viewer::in_tenant(tenant.clone());
    let mode = req
        .mode
        .as_deref()
        .map(Mode::parse)
        .transpose()?
        .unwrap_or(Mode::Each);
    let mut filter = AlertFilter {
        min_people: min_people(req.min_people)?,
        ..AlertFilter::default()
    };
    for name in AlertFilter::list("company", req.company.as_deref().unwrap_or(""))? {
        push_new(
            &mut filter.companies,
            resolve_company(store, &name, &viewer).await?.id,
        );
    }
    let known = Known::read(store, req, &viewer).await?;
    filter.industries = facets(
        FacetKind::Industry,
        req.industry.as_deref(),
        &known.industries,
    )?;
    filter.countries = facets(FacetKind::Country, req.country.as_deref(), &known.countries)?;
    exclusions(store, req.exclude.as_deref(), &viewer, &known, &mut filter).await?;
    Ok(AlertSettings {
        filter,
        mode,
        time: digest_time_of(req, mode)?,
        mention_role: req.mention_role,
        crosspost: req.crosspost,
        filings: req.filings,
        thread: thread_of(req)?,
        forum: req.forum,
    })
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn min_people(n: Option<i64>) -> Result<Option<u32>> {
    n.map(|n| {
        u32::try_from(n).ok().filter(|n| *n >= 1).ok_or_else(|| {
            Error::from(DomainError::invalid(
                "min_people",
                "min_people must be a whole number of at least 1.",
            ))
        })
    })
    .transpose()
}

/// The industries and countries of the record as the viewer sees them: read once, and only
/// when an option names some.
#[derive(Default)]
struct Known {
    industries: Vec<Facet>,
    countries: Vec<Facet>,
}

impl Known {
    async fn read(store: &Store, req: &AlertRequest, viewer: &Viewer) -> Result<Self> {
        if req.industry.is_none() && req.country.is_none() && req.exclude.is_none() {
            return Ok(Self::default());
        }
        let counts = store.facet_counts(viewer).await?;
        Ok(Self {
            industries: group_facets(counts.industries),
            countries: group_facets(counts.countries),
        })
    }
}

/// A list of industries or countries, each as the record spells it (did-you-mean otherwise).
fn facets(kind: FacetKind, raw: Option<&str>, known: &[Facet]) -> Result<Vec<String>> {
    let field = match kind {
        FacetKind::Industry => "industry",
        FacetKind::Country => "country",
    };
    let mut out = Vec::new();
    for value in AlertFilter::list(field, raw.unwrap_or(""))? {
        if let Some(value) = AlertFilter::facet(field, &value)? {
            push_new(&mut out, resolve_facet(kind, known, &value)?.label);
        }
    }
    Ok(out)
}

/// `exclude`: each value an industry of the record, else a company (did-you-mean if neither).
async fn exclusions(
    store: &Store,
    raw: Option<&str>,
    viewer: &Viewer,
    known: &Known,
    filter: &mut AlertFilter,
) -> Result<()> {
    for value in AlertFilter::list("exclude", raw.unwrap_or(""))? {
        let typed = AlertFilter::facet("exclude", &value)?.unwrap_or_default();
        if let Some(industry) = find_facet(&known.industries, &typed) {
            push_new(&mut filter.exclude_industries, industry.label.clone());
            continue;
        }
        match resolve_company(store, &value, viewer).await {
            Ok(company) => push_new(&mut filter.exclude_companies, company.id),
            Err(Error::UnknownCompany { name, suggestions }) => {
                let mut text =
                    format!("exclude: \"{name}\" is neither an industry nor a company I know.");
                if !suggestions.is_empty() {
                    text = format!("{text} Did you mean: {}?", suggestions.join(", "));
                }
                return Err(DomainError::invalid("exclude", text).into());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `hour`, `timezone` and `weekday`: only for digests (weekday only weekly).
fn digest_time_of(req: &AlertRequest, mode: Mode) -> Result<DigestTime> {
    let time = DigestTime {
        hour: req.hour.map(digest_time::parse_hour).transpose()?,
        zone: req
            .timezone
            .as_deref()
            .map(digest_time::parse_zone)
            .transpose()?,
        weekday: req
            .weekday
            .as_deref()
            .map(digest_time::parse_weekday)
            .transpose()?,
    };
    if mode == Mode::Each && time != DigestTime::default() {
        return Err(DomainError::invalid(
            "hour",
            "hour, timezone and weekday say when digests arrive: use them with mode daily or \
             weekly.",
        )
        .into());
    }
    if mode == Mode::Daily && time.weekday.is_some() {
        return Err(DomainError::invalid(
            "weekday",
            "weekday is for weekly digests: use mode weekly, or leave weekday out.",
        )
        .into());
    }
    Ok(time)
}

/// `thread` and `thread_archive` (Discord text and announcement channels).
fn thread_of(req: &AlertRequest) -> Result<Option<ThreadArchive>> {
    let archive = req
        .thread_archive
        .as_deref()
        .map(ThreadArchive::parse)
        .transpose()?;
    if !req.thread {
        if archive.is_some() {
            return Err(DomainError::invalid(
                "thread_archive",
                "thread_archive is how long a thread under each post stays open: add thread \
                 true, or leave it out.",
            )
            .into());
        }
        return Ok(None);
    }
    if req.forum {
        return Err(DomainError::invalid(
            "thread",
            "In a forum channel each post is already its own thread: leave thread off.",
        )
        .into());
    }
    Ok(Some(archive.unwrap_or(ThreadArchive::Day)))
}
