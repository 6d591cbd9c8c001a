//! Totals: people affected (known numbers summed) and events without a number, over a range,
//! per month, and a company's last 12 months as a post's context sees them.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use super::events::{NO_DATE, company_range};
use super::version::{Version, VersionProbe};
use super::{Store, count, tenants};
use crate::domain::{MonthTotal, Tenant, Totals, Viewer};
use crate::error::Result;

/// Totals over every event a viewer may see, kept until the store changes: `/layoffs`
/// without a company would sum the whole record on every call otherwise.
#[derive(Debug, Default)]
pub(super) struct AllTotals {
    /// None where the store's version cannot be read without a statement (in memory).
    probe: tokio::sync::OnceCell<Option<VersionProbe>>,
    kept: std::sync::Mutex<HashMap<TotalsKey, (Version, Totals)>>,
}

/// Whose totals (a tenant's view, or everyone's) from which date.
type TotalsKey = (Option<Tenant>, NaiveDate);

/// Kept totals at most (tenants x ranges); past that the memory starts over.
const ALL_TOTALS_KEPT: usize = 1024;

impl AllTotals {
    pub(super) async fn store_version(&self, store: &Store) -> Option<Version> {
        let probe = self
            .probe
            .get_or_init(|| async { store.version_probe().await.ok() })
            .await;
        probe.as_ref().and_then(VersionProbe::wal_version)
    }

    fn kept_totals(&self, key: &TotalsKey, version: Version) -> Option<Totals> {
        let kept = self.kept.lock().ok()?;
        kept.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, t)| *t)
    }

    fn keep_totals(&self, key: TotalsKey, version: Version, totals: Totals) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= ALL_TOTALS_KEPT {
                kept.clear();
            }
            kept.insert(key, (version, totals));
        }
    }
}

pub(super) fn totals(events: i64, people: i64, unknown: i64) -> Totals {
    Totals {
        events: count(events),
        people: count(people),
        unknown: count(unknown),
    }
}

impl Store {
    /// Totals over one company's events (or all events: kept until the store changes) that
    /// `viewer` may see.
    pub async fn totals(
        &self,
        company_id: Option<i64>,
        viewer: &Viewer,
        since: Option<NaiveDate>,
    ) -> Result<Totals> {
        let from = since.unwrap_or(NO_DATE);
        if company_id.is_some() {
            return self.count_totals(company_id, viewer, from).await;
        }
        // Read before the sums: a commit in between only makes the next call sum again.
        let version = self.all_totals.store_version(self).await;
        let key = (viewer.tenant.clone(), from);
        if let Some(t) = version.and_then(|v| self.all_totals.kept_totals(&key, v)) {
            return Ok(t);
        }
        let totals = self.count_totals(None, viewer, from).await?;
        if let Some(v) = version {
            self.all_totals.keep_totals(key, v, totals);
        }
        Ok(totals)
    }

    async fn count_totals(
        &self,
        company_id: Option<i64>,
        viewer: &Viewer,
        from: NaiveDate,
    ) -> Result<Totals> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let (lo, hi) = company_range(company_id);
        let row = sqlx::query!(
            r#"SELECT COUNT(*) AS "events!: i64",
                      COALESCE(SUM(headcount), 0) AS "people!: i64",
                      COALESCE(SUM(headcount IS NULL), 0) AS "unknown!: i64"
               FROM events
               WHERE deleted_at IS NULL
                 AND company_id BETWEEN ?1 AND ?2
                 AND (tenant_id IS NULL OR tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?3 AND external_id = ?4))
                 AND announced_on >= ?5"#,
            lo,
            hi,
            platform,
            external,
            from
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(totals(row.events, row.people, row.unknown))
    }

    /// Totals per calendar month, newest month first.
    pub async fn monthly_totals(
        &self,
        company_id: Option<i64>,
        viewer: &Viewer,
        since: Option<NaiveDate>,
    ) -> Result<Vec<MonthTotal>> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let (lo, hi) = company_range(company_id);
        let from = since.unwrap_or(NO_DATE);
        let rows = sqlx::query!(
            r#"SELECT substr(announced_on, 1, 7) AS "month!: String",
                      COUNT(*) AS "events!: i64",
                      COALESCE(SUM(headcount), 0) AS "people!: i64",
                      COALESCE(SUM(headcount IS NULL), 0) AS "unknown!: i64"
               FROM events
               WHERE deleted_at IS NULL
                 AND company_id BETWEEN ?1 AND ?2
                 AND (tenant_id IS NULL OR tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?3 AND external_id = ?4))
                 AND announced_on >= ?5
               GROUP BY 1 ORDER BY 1 DESC"#,
            lo,
            hi,
            platform,
            external,
            from
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| MonthTotal {
                month: r.month,
                totals: totals(r.events, r.people, r.unknown),
            })
            .collect())
    }

    /// The company's events seen in `tenant` in the 12 months up to `date` (this one included).
    pub async fn recent_totals(
        &self,
        company_id: i64,
        tenant: Option<&Tenant>,
        date: NaiveDate,
    ) -> Result<Totals> {
        let (platform, external) = tenants::bind(tenant);
        let from = date.checked_sub_days(Days::new(365)).unwrap_or(date);
        let row = sqlx::query!(
            r#"SELECT COUNT(*) AS "events!: i64",
                      COALESCE(SUM(headcount), 0) AS "people!: i64",
                      COALESCE(SUM(headcount IS NULL), 0) AS "unknown!: i64"
               FROM events
               WHERE company_id = ?1 AND deleted_at IS NULL
                 AND (tenant_id IS NULL OR tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))
                 AND announced_on BETWEEN ?4 AND ?5"#,
            company_id,
            platform,
            external,
            from,
            date
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(totals(row.events, row.people, row.unknown))
    }
}
