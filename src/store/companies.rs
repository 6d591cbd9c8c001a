//! Companies and aliases: lookup by any spelling, creation, built-in aliases, and the name
//! index behind autocomplete and "did you mean".

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Conn, Store};
use crate::domain::{
    BUILTIN_ALIASES, Company, CompanyName, Match, NameEntry, NameIndex, normalize_key,
};
use crate::error::Result;

/// Facts a company's events share, from the imported data.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompanyFacts<'a> {
    pub industry: Option<&'a str>,
    pub country: Option<&'a str>,
}

impl Store {
    /// The company a name or alias means, in any spelling.
    pub async fn find_company(&self, name: &str) -> Result<Option<Company>> {
        let mut conn = self.pool.acquire().await?;
        find_by_key(&mut conn, &normalize_key(name)).await
    }

    pub async fn company_by_id(&self, id: i64) -> Result<Option<Company>> {
        let company = sqlx::query_as!(
            Company,
            "SELECT id, name, industry, country FROM companies WHERE id = ?1",
            id
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(company)
    }

    /// Seeds the built-in aliases (AWS -> Amazon, ...). Reads first, so that an up-to-date store
    /// (every start after the first) takes no write lock; otherwise one transaction.
    pub(super) async fn ensure_builtin_aliases(&self) -> Result<()> {
        let now = Utc::now();
        let pairs: Vec<(CompanyName, CompanyName)> = BUILTIN_ALIASES
            .iter()
            .filter_map(|(a, c)| Some((CompanyName::parse(a).ok()?, CompanyName::parse(c).ok()?)))
            .collect();
        let mut conn = self.pool.acquire().await?;
        let mut missing = false;
        for (alias, _) in &pairs {
            missing |= find_by_key(&mut conn, alias.key()).await?.is_none();
        }
        drop(conn);
        if !missing {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        for (alias, company) in &pairs {
            let company_id = upsert(&mut tx, company, CompanyFacts::default(), now).await?;
            let key = alias.key();
            let display = alias.display();
            // An alias whose key already names a company or another alias is left as it is.
            sqlx::query!(
                "INSERT INTO company_aliases (key, alias, company_id)
                 SELECT ?1, ?2, ?3
                 WHERE NOT EXISTS (SELECT 1 FROM companies WHERE key = ?1)
                 ON CONFLICT (key) DO NOTHING",
                key,
                display,
                company_id
            )
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` companies for a partly typed name (see [`NameIndex::autocomplete`]).
    pub async fn autocomplete(&self, input: &str, limit: usize) -> Result<Vec<Match>> {
        Ok(self.name_index().await?.autocomplete(input, limit))
    }

    /// Companies that an unknown name may have meant.
    pub async fn suggest(&self, input: &str, limit: usize) -> Result<Vec<Match>> {
        Ok(self.name_index().await?.suggest(input, limit))
    }

    /// The name index, rebuilt only when names changed (by this or another process).
    pub async fn name_index(&self) -> Result<Arc<NameIndex>> {
        let version = sqlx::query_scalar!("SELECT version FROM names_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        if let Ok(guard) = self.names.read()
            && let Some((built, index)) = guard.as_ref()
            && *built == version
        {
            return Ok(Arc::clone(index));
        }
        // Most events first, so that ties in rank favour companies people ask about.
        let rows = sqlx::query!(
            r#"SELECT c.id AS "id!", c.name AS "company!", n.label AS "label!"
               FROM (SELECT id AS company_id, name AS label FROM companies
                     UNION ALL
                     SELECT company_id, alias AS label FROM company_aliases) AS n
               JOIN companies c ON c.id = n.company_id
               LEFT JOIN (SELECT company_id, COUNT(*) AS n FROM events
                          WHERE deleted_at IS NULL GROUP BY company_id) AS e
                      ON e.company_id = c.id
               ORDER BY COALESCE(e.n, 0) DESC, c.name, n.label"#
        )
        .fetch_all(&self.pool)
        .await?;
        let index = Arc::new(NameIndex::new(
            rows.into_iter()
                .map(|r| NameEntry::new(r.id, r.company, r.label))
                .collect(),
        ));
        if let Ok(mut guard) = self.names.write() {
            *guard = Some((version, Arc::clone(&index)));
        }
        Ok(index)
    }
}

pub(super) async fn find_by_key(conn: &mut Conn, key: &str) -> Result<Option<Company>> {
    let company = sqlx::query_as!(
        Company,
        r#"SELECT id AS "id!", name AS "name!", industry, country FROM companies WHERE key = ?1
           UNION ALL
           SELECT c.id, c.name, c.industry, c.country
           FROM company_aliases a JOIN companies c ON c.id = a.company_id
           WHERE a.key = ?1
           LIMIT 1"#,
        key
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(company)
}

/// The company's id, creating it if no name or alias has its key; fills in a missing industry
/// or country.
pub async fn upsert(
    conn: &mut Conn,
    name: &CompanyName,
    facts: CompanyFacts<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let CompanyFacts { industry, country } = facts;
    if let Some(found) = find_by_key(conn, name.key()).await? {
        if (found.industry.is_none() && industry.is_some())
            || (found.country.is_none() && country.is_some())
        {
            sqlx::query!(
                "UPDATE companies SET industry = COALESCE(industry, ?2), country = COALESCE(country, ?3)
                 WHERE id = ?1",
                found.id,
                industry,
                country
            )
            .execute(&mut *conn)
            .await?;
        }
        return Ok(found.id);
    }
    let display = name.display();
    let key = name.key();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO companies (name, key, industry, country, created_at)
           VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id AS "id!""#,
        display,
        key,
        industry,
        country,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}
