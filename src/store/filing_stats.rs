//! Stats over WARN filings, shaped like those over events ([`Summary`], totals per day) so the
//! same answer and chart show them: a filing counts as one notice, its jobs as people, and the
//! state it was filed in stands where a country would. Filings are public: no tenant filter.

use chrono::NaiveDate;

use super::Store;
use super::stats::{StatsFilter, Summary, TOP_COMPANIES};
use super::totals::totals;
use crate::domain::{DateRange, Totals};
use crate::error::Result;

/// A JSON array for json_each; serialising strings cannot fail.
fn json(v: Option<&[String]>) -> Option<String> {
    v.map(|v| serde_json::to_string(v).unwrap_or_default())
}

impl Store {
    /// The [`Summary`] of the filings noticed in `range` under `filter` (its countries are
    /// the service's to check: every filing is of the United States).
    pub async fn filing_stats_summary(
        &self,
        filter: &StatsFilter<'_>,
        range: DateRange,
    ) -> Result<Summary> {
        let industries = json(filter.industries);
        let rows = sqlx::query!(
            r#"WITH rows AS MATERIALIZED (
                   SELECT c.name, c.industry, f.state, COUNT(*) AS n,
                          COALESCE(SUM(f.jobs), 0) AS people,
                          COALESCE(SUM(f.jobs IS NULL), 0) AS unknown
                   FROM filings f JOIN companies c ON c.id = f.company_id
                   WHERE (?1 IS NULL OR c.id = ?1)
                     AND (?2 IS NULL OR c.industry IN (SELECT value FROM json_each(?2)))
                     AND f.notice_date BETWEEN ?3 AND ?4
                   GROUP BY c.id, f.state)
               SELECT * FROM (
                   SELECT 'company' AS kind, name, SUM(n) AS n, SUM(people) AS people,
                          SUM(unknown) AS unknown
                   FROM rows GROUP BY name HAVING SUM(people) > 0
                   ORDER BY SUM(people) DESC, SUM(n) DESC, name LIMIT CAST(?5 AS INTEGER))
               UNION ALL
               SELECT 'industry', industry, SUM(n), SUM(people), SUM(unknown) FROM rows
               WHERE industry IS NOT NULL GROUP BY industry
               UNION ALL
               SELECT 'country', state, SUM(n), SUM(people), SUM(unknown) FROM rows
               GROUP BY state
               UNION ALL
               SELECT 'all', NULL, COALESCE(SUM(n), 0), COALESCE(SUM(people), 0),
                      COALESCE(SUM(unknown), 0) FROM rows"#,
            filter.company_id,
            industries,
            range.from,
            range.to,
            TOP_COMPANIES
        )
        .fetch_all(&self.pool)
        .await?;
        let mut summary = Summary::default();
        for r in rows {
            summary.add(&r.kind, r.name, totals(r.n, r.people, r.unknown));
        }
        Ok(summary)
    }

    /// Filings per notice day in `range` under `filter`; days without any absent.
    pub async fn filing_stats_by_day(
        &self,
        filter: &StatsFilter<'_>,
        range: DateRange,
    ) -> Result<Vec<(NaiveDate, Totals)>> {
        let industries = json(filter.industries);
        let rows = sqlx::query!(
            r#"SELECT f.notice_date AS "day!: NaiveDate",
                      COUNT(*) AS "n!: i64",
                      COALESCE(SUM(f.jobs), 0) AS "people!: i64",
                      COALESCE(SUM(f.jobs IS NULL), 0) AS "unknown!: i64"
               FROM filings f JOIN companies c ON c.id = f.company_id
               WHERE (?1 IS NULL OR c.id = ?1)
                 AND (?2 IS NULL OR c.industry IN (SELECT value FROM json_each(?2)))
                 AND f.notice_date BETWEEN ?3 AND ?4
               GROUP BY f.notice_date"#,
            filter.company_id,
            industries,
            range.from,
            range.to
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.day, totals(r.n, r.people, r.unknown)))
            .collect())
    }
}
