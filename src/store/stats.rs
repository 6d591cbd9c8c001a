//! Stats queries: totals per company and per month over a date range under company, industry
//! and country filters, the first event's date, and the industries and countries on record.

use chrono::NaiveDate;

use super::totals::totals;
use super::{Store, count, tenants};
use crate::domain::{DateRange, Ranked, Totals, Viewer};
use crate::error::Result;

/// What a stats question keeps: one company, and industries and countries by their stored
/// spellings (a folded facet may have several).
#[derive(Debug, Clone, Copy, Default)]
pub struct StatsFilter<'a> {
    pub company_id: Option<i64>,
    pub industries: Option<&'a [String]>,
    pub countries: Option<&'a [String]>,
}

/// One pass over a range: the totals, the top companies by people, and totals per stored
/// industry and country spelling (the service folds spellings together).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    pub totals: Totals,
    pub companies: Vec<Ranked>,
    pub industries: Vec<Ranked>,
    pub countries: Vec<Ranked>,
}

impl Summary {
    /// One row of a summary query: a top company, an industry, a country (or a filing's
    /// state), or the totals (`all`).
    pub(super) fn add(&mut self, kind: &str, name: Option<String>, totals: Totals) {
        let ranked = Ranked {
            name: name.unwrap_or_default(),
            totals,
        };
        match kind {
            "company" => self.companies.push(ranked),
            "industry" => self.industries.push(ranked),
            "country" => self.countries.push(ranked),
            _ => self.totals = ranked.totals,
        }
    }
}

/// Stored spellings of industries and countries, with how many companies use each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    pub industries: Vec<(String, u64)>,
    pub countries: Vec<(String, u64)>,
}

/// Companies in the "top" list.
pub const TOP_COMPANIES: i64 = 5;

/// Bound values shared by every stats query.
struct Binds<'a> {
    company: Option<i64>,
    platform: Option<&'static str>,
    external: Option<&'a str>,
    industries: Option<String>,
    countries: Option<String>,
}

fn binds<'a>(filter: &StatsFilter<'_>, viewer: &'a Viewer) -> Binds<'a> {
    let (platform, external) = tenants::bind(viewer.tenant.as_ref());
    // A JSON array for json_each; serialising strings cannot fail.
    let json = |v: Option<&[String]>| v.map(|v| serde_json::to_string(v).unwrap_or_default());
    Binds {
        company: filter.company_id,
        platform,
        external,
        industries: json(filter.industries),
        countries: json(filter.countries),
    }
}

impl Store {
    /// The [`Summary`] of the events `viewer` may see in `range`, under `filter`: company by
    /// company (CROSS JOIN keeps that order), each a range of the covering company index,
    /// so grouping needs no sort even over all time.
    pub async fn stats_summary(
        &self,
        filter: &StatsFilter<'_>,
        viewer: &Viewer,
        range: DateRange,
    ) -> Result<Summary> {
        let b = binds(filter, viewer);
        let rows = sqlx::query!(
            r#"WITH rows AS MATERIALIZED (
                   SELECT c.name, c.industry, c.country, COUNT(*) AS n,
                          COALESCE(SUM(e.headcount), 0) AS people,
                          COALESCE(SUM(e.headcount IS NULL), 0) AS unknown
                   FROM companies c CROSS JOIN events e ON e.company_id = c.id
                   WHERE (?1 IS NULL OR c.id = ?1)
                     AND (?6 IS NULL OR c.industry IN (SELECT value FROM json_each(?6)))
                     AND (?7 IS NULL OR c.country IN (SELECT value FROM json_each(?7)))
                     AND e.deleted_at IS NULL
                     AND (e.tenant_id IS NULL OR e.tenant_id =
                          (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))
                     AND e.announced_on BETWEEN ?4 AND ?5
                   GROUP BY c.id)
               SELECT * FROM (
                   SELECT 'company' AS kind, name, n, people, unknown FROM rows
                   WHERE people > 0 ORDER BY people DESC, n DESC, name LIMIT CAST(?8 AS INTEGER))
               UNION ALL
               SELECT 'industry', industry, SUM(n), SUM(people), SUM(unknown) FROM rows
               WHERE industry IS NOT NULL GROUP BY industry
               UNION ALL
               SELECT 'country', country, SUM(n), SUM(people), SUM(unknown) FROM rows
               WHERE country IS NOT NULL GROUP BY country
               UNION ALL
               SELECT 'all', NULL, COALESCE(SUM(n), 0), COALESCE(SUM(people), 0),
                      COALESCE(SUM(unknown), 0) FROM rows"#,
            b.company,
            b.platform,
            b.external,
            range.from,
            range.to,
            b.industries,
            b.countries,
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

    /// Totals per day in `range`; days without events absent. Read company by company like
    /// the summary (the covering company index); callers sum days into months.
    pub async fn stats_by_day(
        &self,
        filter: &StatsFilter<'_>,
        viewer: &Viewer,
        range: DateRange,
    ) -> Result<Vec<(NaiveDate, Totals)>> {
        let b = binds(filter, viewer);
        let rows = sqlx::query!(
            r#"SELECT e.announced_on AS "day!: NaiveDate",
                      COUNT(*) AS "events!: i64",
                      COALESCE(SUM(e.headcount), 0) AS "people!: i64",
                      COALESCE(SUM(e.headcount IS NULL), 0) AS "unknown!: i64"
               FROM companies c CROSS JOIN events e ON e.company_id = c.id
               WHERE (?1 IS NULL OR c.id = ?1)
                 AND (?6 IS NULL OR c.industry IN (SELECT value FROM json_each(?6)))
                 AND (?7 IS NULL OR c.country IN (SELECT value FROM json_each(?7)))
                 AND e.deleted_at IS NULL
                 AND (e.tenant_id IS NULL OR e.tenant_id =
                      (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))
                 AND e.announced_on BETWEEN ?4 AND ?5
               GROUP BY e.announced_on"#,
            b.company,
            b.platform,
            b.external,
            range.from,
            range.to,
            b.industries,
            b.countries
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.day, totals(r.events, r.people, r.unknown)))
            .collect())
    }

    /// Stored industry and country spellings with how many companies `viewer` may see use
    /// each: (industries, countries).
    pub async fn facet_counts(&self, viewer: &Viewer) -> Result<FacetCounts> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let rows = sqlx::query!(
            r#"WITH visible AS (
                   SELECT industry, country FROM companies
                   WHERE tenant_id IS NULL OR tenant_id =
                         (SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2))
               SELECT 'industry' AS "kind!: String", industry AS "value!: String",
                      COUNT(*) AS "n!: i64"
               FROM visible WHERE industry IS NOT NULL GROUP BY industry
               UNION ALL
               SELECT 'country', country, COUNT(*)
               FROM visible WHERE country IS NOT NULL GROUP BY country"#,
            platform,
            external
        )
        .fetch_all(&self.pool)
        .await?;
        let mut out = FacetCounts::default();
        for r in rows {
            let list = if r.kind == "industry" {
                &mut out.industries
            } else {
                &mut out.countries
            };
            list.push((r.value, count(r.n)));
        }
        Ok(out)
    }
}
