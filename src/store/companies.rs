//! Companies and aliases: lookup by any spelling within what a viewer may see, creation in a
//! scope (global, or one tenant's private name), and the built-in aliases. A private
//! company's unique key is prefixed with its tenant ("discord:123|globex"), so tenants never
//! share a row; when the global record takes a name, tenants' private rows of it are absorbed.

use chrono::{DateTime, Utc};

use super::{Conn, Store, tenants};
use crate::domain::{
    BUILTIN_ALIASES, Company, CompanyName, EventScope, Tenant, Viewer, normalize_key,
};
use crate::error::Result;

/// Facts a company's events share, from the imported data.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompanyFacts<'a> {
    pub industry: Option<&'a str>,
    pub country: Option<&'a str>,
}

/// The key a tenant's private company is stored under.
pub fn private_key(tenant: &Tenant, key: &str) -> String {
    format!("{tenant}|{key}")
}

impl Store {
    /// The company a name or alias means to `viewer`, in any spelling: the global one, else
    /// the viewer's own private one. Another tenant's names do not exist here.
    pub async fn find_company(&self, name: &str, viewer: &Viewer) -> Result<Option<Company>> {
        let mut conn = self.pool.acquire().await?;
        find_visible(&mut conn, &normalize_key(name), viewer.tenant.as_ref()).await
    }

    /// A company by id, if `viewer` may see it (page buttons carry ids that can be forged).
    pub async fn company_by_id(&self, id: i64, viewer: &Viewer) -> Result<Option<Company>> {
        let (platform, external) = tenants::bind(viewer.tenant.as_ref());
        let company = sqlx::query_as!(
            Company,
            "SELECT id, name, industry, country FROM companies
             WHERE id = ?1
               AND (tenant_id IS NULL OR tenant_id =
                    (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3))",
            id,
            platform,
            external
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
            let company_id = upsert(
                &mut tx,
                company,
                &EventScope::Global,
                CompanyFacts::default(),
                now,
            )
            .await?;
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
}

/// A global company (or alias) by key.
pub(super) async fn find_by_key(conn: &mut Conn, key: &str) -> Result<Option<Company>> {
    let company = sqlx::query_as!(
        Company,
        r#"SELECT id AS "id!", name AS "name!", industry, country FROM companies
           WHERE key = ?1 AND tenant_id IS NULL
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

/// What `key` names for `tenant`: the global company, else the tenant's private one.
async fn find_visible(
    conn: &mut Conn,
    key: &str,
    tenant: Option<&Tenant>,
) -> Result<Option<Company>> {
    if let Some(global) = find_by_key(conn, key).await? {
        return Ok(Some(global));
    }
    let Some(tenant) = tenant else {
        return Ok(None);
    };
    let private = private_key(tenant, key);
    let company = sqlx::query_as!(
        Company,
        "SELECT id, name, industry, country FROM companies WHERE key = ?1",
        private
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(company)
}

/// The id of the company `name` means in `scope`, creating it there if new (a global one
/// absorbing tenants' private rows of the same name); fills in a missing industry or country.
pub async fn upsert(
    conn: &mut Conn,
    name: &CompanyName,
    scope: &EventScope,
    facts: CompanyFacts<'_>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let CompanyFacts { industry, country } = facts;
    if let Some(found) = find_visible(conn, name.key(), scope.tenant()).await? {
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
    let key = match scope.tenant() {
        None => name.key().to_string(),
        Some(tenant) => private_key(tenant, name.key()),
    };
    let tenant_id = tenants::of_scope(conn, scope).await?;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO companies (name, key, industry, country, created_at, tenant_id)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id AS "id!""#,
        display,
        key,
        industry,
        country,
        now,
        tenant_id
    )
    .fetch_one(&mut *conn)
    .await?;
    if tenant_id.is_none() {
        absorb_private(conn, &[name.key()]).await?;
    }
    Ok(id)
}

/// Moves the events and subscriptions of tenants' private companies named by `keys` to the
/// global companies of those keys, and deletes the private rows: the global record's name
/// and spelling win.
pub async fn absorb_private(conn: &mut Conn, keys: &[&str]) -> Result<()> {
    let any = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM companies WHERE tenant_id IS NOT NULL) AS "any!: bool""#
    )
    .fetch_one(&mut *conn)
    .await?;
    if !any || keys.is_empty() {
        return Ok(());
    }
    let list = serde_json::to_string(keys)
        .map_err(|e| crate::Error::Internal(format!("absorb keys: {e}")))?;
    sqlx::query!(
        "UPDATE events SET company_id = (
             SELECT g.id FROM companies p JOIN companies g
                 ON g.tenant_id IS NULL AND g.key = substr(p.key, instr(p.key, '|') + 1)
             WHERE p.id = events.company_id)
         WHERE company_id IN (
             SELECT id FROM companies WHERE tenant_id IS NOT NULL
                AND substr(key, instr(key, '|') + 1) IN (SELECT value FROM json_each(?1)))",
        list
    )
    .execute(&mut *conn)
    .await?;
    // A subscription that named both keeps one (UPDATE OR IGNORE); the rest go below.
    sqlx::query!(
        "UPDATE OR IGNORE subscription_companies SET company_id = (
             SELECT g.id FROM companies p JOIN companies g
                 ON g.tenant_id IS NULL AND g.key = substr(p.key, instr(p.key, '|') + 1)
             WHERE p.id = subscription_companies.company_id)
         WHERE company_id IN (
             SELECT id FROM companies WHERE tenant_id IS NOT NULL
                AND substr(key, instr(key, '|') + 1) IN (SELECT value FROM json_each(?1)))",
        list
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM subscription_companies WHERE company_id IN (
             SELECT id FROM companies WHERE tenant_id IS NOT NULL
                AND substr(key, instr(key, '|') + 1) IN (SELECT value FROM json_each(?1)))",
        list
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM companies WHERE tenant_id IS NOT NULL
            AND substr(key, instr(key, '|') + 1) IN (SELECT value FROM json_each(?1))",
        list
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
