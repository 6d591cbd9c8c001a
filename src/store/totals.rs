//! Totals: people affected (known numbers summed) and events without a number, over a range,
//! per month, and a company's last 12 months as a post's context sees them.

use chrono::{Days, NaiveDate};

use super::events::{NO_DATE, company_range};
use super::{Store, count, tenants};
use crate::domain::{MonthTotal, Tenant, Totals, Viewer};
use crate::error::Result;

pub(super) fn totals(events: i64, people: i64, unknown: i64) -> Totals {
    Totals {
        events: count(events),
        people: count(people),
        unknown: count(unknown),
    }
}

impl Store {
    /// Totals over one company's events (or all events) that `viewer` may see.
    pub async fn totals(
        &self,
        company_id: Option<i64>,
        viewer: &Viewer,
        since: Option<NaiveDate>,
    ) -> Result<Totals> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let (lo, hi) = company_range(company_id);
        let from = since.unwrap_or(NO_DATE);
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
