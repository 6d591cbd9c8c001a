//! Digests: one post per subscription and period (daily, or weekly, at the subscription's
//! local hour and weekday; `DIGEST_HOUR_UTC` on Mondays by default) with the period's
//! matching events (and filings, when asked), totals and the stats chart. The
//! scheduler only queues rows; the delivery worker posts them like any other.

use chrono::{DateTime, Utc};

use super::stats::{StatsRequest, stats};
use crate::domain::{Digest, DigestPeriod, Period, Stats, Subject, Tenant, Totals, Viewer};
use crate::error::Result;
use crate::store::{Added, Store, Subscription};

/// Events a digest lists in full; the rest are counted ("and N more").
const LISTED: usize = 60;
/// Filings a digest lists; the rest are counted.
const FILINGS_LISTED: usize = 8;

/// The part of `period` a subscription's digest covers: nothing from before its mode was set
/// (what came before went out one by one, or was not asked for), nor what an earlier digest
/// covered (its hour or time zone changed since).
fn window(sub: &Subscription, period: DigestPeriod) -> DigestPeriod {
    let covered = sub.digest_through.unwrap_or(DateTime::<Utc>::MIN_UTC);
    DigestPeriod {
        start: period
            .start
            .max(sub.mode_since)
            .max(covered.min(period.end)),
        ..period
    }
}

/// The events of `window` that the subscription's filters match.
async fn matching(store: &Store, sub: &Subscription, w: DigestPeriod) -> Result<Vec<Added>> {
    let added = store.events_added(&sub.tenant, w.start, w.end).await?;
    Ok(added
        .into_iter()
        .filter(|a| sub.settings.filter.matches(&a.subject()))
        .collect())
}

/// The filings added in `window` that the subscription asked for and its filters match
/// (a WARN notice is of the United States): (id, jobs).
async fn matching_filings(
    store: &Store,
    sub: &Subscription,
    w: DigestPeriod,
) -> Result<Vec<(i64, Option<u32>)>> {
    if !sub.settings.filings {
        return Ok(Vec::new());
    }
    let added = store.filings_added(w.start, w.end).await?;
    Ok(added
        .into_iter()
        .filter(|(_, company_id, industry, jobs)| {
            sub.settings.filter.matches(&Subject {
                company_id: *company_id,
                industry: industry.as_deref(),
                country: Some("United States"),
                people: *jobs,
            })
        })
        .map(|(id, _, _, jobs)| (id, jobs))
        .collect())
}

/// Whether a digest of `w` has anything to report.
async fn anything(store: &Store, sub: &Subscription, w: DigestPeriod) -> Result<bool> {
    Ok(!matching(store, sub, w).await?.is_empty()
        || !matching_filings(store, sub, w).await?.is_empty())
}

/// Queues the latest ended period's digest of every digest subscription that has not had
/// it; a period with no matching events is marked handled and posts nothing. Returns how
/// many were queued. Only the latest period: a bot down for a week sends one, not seven.
pub async fn schedule_due(store: &Store, now: DateTime<Utc>, hour: u32) -> Result<u64> {
    let mut queued = 0;
    for sub in store.digest_subscriptions().await? {
        let Some(period) =
            DigestPeriod::latest_ended(sub.settings.mode, now, sub.settings.time, hour)
        else {
            continue;
        };
        let handled = sub.digest_through.is_some_and(|t| t >= period.end);
        if handled || sub.mode_since >= period.end {
            continue;
        }
        let w = window(&sub, period);
        let any = anything(store, &sub, w).await?;
        // The row keeps the whole period's key; its start is where this channel's window starts.
        if store.schedule_digest(sub.id, w, any, now).await? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// What `digest --send-now` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SentNow {
    /// Digests queued for the running bot.
    pub queued: u64,
    /// Subscriptions with nothing in the period so far (nothing is posted for them).
    pub empty: u64,
    /// Subscriptions that already had this early digest queued.
    pub already: u64,
}

/// Queues the current period's digests (up to `now`) of every digest subscription, or of one
/// tenant's: to try a digest without waiting. Each is keyed by its period, so asking twice
/// sends once; the scheduled digest at the period's end still goes out.
pub async fn send_now(
    store: &Store,
    now: DateTime<Utc>,
    hour: u32,
    tenant: Option<&Tenant>,
) -> Result<(SentNow, usize)> {
    let mut out = SentNow::default();
    let subs: Vec<Subscription> = store
        .digest_subscriptions()
        .await?
        .into_iter()
        .filter(|s| tenant.is_none_or(|t| *t == s.tenant))
        .collect();
    for sub in &subs {
        let Some(current) = DigestPeriod::current(sub.settings.mode, now, sub.settings.time, hour)
        else {
            continue;
        };
        let key = format!("{}:early", current.key());
        let w = window(
            sub,
            DigestPeriod {
                end: now,
                ..current
            },
        );
        if !anything(store, sub, w).await? {
            out.empty += 1;
            continue;
        }
        match store.queue_digest(sub.id, w, &key, now).await? {
            Some(_) => out.queued += 1,
            None => out.already += 1,
        }
    }
    Ok((out, subs.len()))
}

/// The digest a subscription gets for `w` (its stored window), as of now; None when nothing
/// in it matches any more (its events were removed since).
pub async fn digest(store: &Store, sub: &Subscription, w: DigestPeriod) -> Result<Option<Digest>> {
    let found = matching(store, sub, w).await?;
    let filed = matching_filings(store, sub, w).await?;
    if found.is_empty() && filed.is_empty() {
        return Ok(None);
    }
    let mut events = Vec::new();
    for a in found.iter().take(LISTED) {
        if let Some(e) = store.event(a.event_id).await? {
            events.push(e);
        }
    }
    let mut filings = Vec::new();
    for (id, _) in filed.iter().take(FILINGS_LISTED) {
        filings.extend(store.filing_post(*id).await?);
    }
    let chart = if found.is_empty() {
        None
    } else {
        chart(store, sub, w.end).await
    };
    Ok(Some(Digest {
        period: w,
        zone: sub.settings.time.zone,
        events,
        totals: sum(found.iter().map(|a| a.people)),
        filings,
        filing_totals: sum(filed.iter().map(|(_, jobs)| *jobs)),
        chart,
    }))
}

/// Totals of items with a known number or none.
fn sum(numbers: impl Iterator<Item = Option<u32>>) -> Totals {
    let mut totals = Totals::default();
    for n in numbers {
        totals.events += 1;
        match n {
            Some(n) => totals.people += u64::from(n),
            None => totals.unknown += 1,
        }
    }
    totals
}

/// The stats of the last 12 months under the subscription's filters, for the chart; a digest
/// without a chart beats no digest, so a failure is logged and left out. The chart takes one
/// company, industry and country: filters with lists or exclusions get none.
async fn chart(store: &Store, sub: &Subscription, end: DateTime<Utc>) -> Option<Stats> {
    let f = &sub.settings.filter;
    let one = |list: &[String]| match list {
        [] => Some(None),
        [one] => Some(Some(one.clone())),
        _ => None,
    };
    if !f.exclude_companies.is_empty() || !f.exclude_industries.is_empty() {
        return None;
    }
    let req = StatsRequest {
        source: crate::domain::stats::StatsSource::Events,
        period: Period::Last12Months,
        company: one(&sub.names.companies)?,
        industry: one(&f.industries)?,
        country: one(&f.countries)?,
    };
    let viewer = Viewer::in_tenant(sub.tenant.clone());
    stats(store, &req, &viewer, end.date_naive())
        .await
        .inspect_err(
            |e| tracing::warn!(error = %e, subscription = sub.id, "digest without a chart"),
        )
        .ok()
}
