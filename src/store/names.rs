//! The name index behind autocomplete and "did you mean": every company name and alias with
//! its scope, ranked by the events everyone can see, rebuilt only when names change (by this
//! or another process), and read per viewer.

use std::sync::Arc;

use super::{Store, tenants};
use crate::domain::{Match, NameEntry, NameIndex, Viewer};
use crate::error::Result;

impl Store {
    /// Up to `limit` companies `viewer` may see for a partly typed name.
    pub async fn autocomplete(
        &self,
        input: &str,
        viewer: &Viewer,
        limit: usize,
    ) -> Result<Vec<Match>> {
        Ok(self
            .name_index()
            .await?
            .autocomplete(input, viewer.tenant.as_ref(), limit))
    }

    /// Companies `viewer` may see that an unknown name may have meant.
    pub async fn suggest(&self, input: &str, viewer: &Viewer, limit: usize) -> Result<Vec<Match>> {
        Ok(self
            .name_index()
            .await?
            .suggest(input, viewer.tenant.as_ref(), limit))
    }

    /// The company `input` spells exactly for `viewer`, read from the name index (so no
    /// statement while the store is unchanged); None when the index alone cannot tell.
    pub async fn exact_company(&self, input: &str, viewer: &Viewer) -> Result<Option<i64>> {
        Ok(self
            .name_index()
            .await?
            .exact(input, viewer.tenant.as_ref()))
    }

    /// The name index, rebuilt only when names changed (by this or another process); while
    /// nothing at all was committed since the last check, not even the check is run.
    pub async fn name_index(&self) -> Result<Arc<NameIndex>> {
        // Read before the check: a commit in between makes the next call check again.
        let store_version = self.read_version().await;
        if let Some(now) = store_version
            && let Ok(guard) = self.names.read()
            && let Some((_, Some(checked), index)) = guard.as_ref()
            && *checked == now
        {
            return Ok(Arc::clone(index));
        }
        let version = sqlx::query_scalar!("SELECT version FROM names_version WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        if let Ok(mut guard) = self.names.write()
            && let Some((built, checked, index)) = guard.as_mut()
            && *built == version
        {
            *checked = store_version;
            return Ok(Arc::clone(index));
        }
        // Most events first, so that ties in rank favour companies people ask about; a global
        // company counts only global events (what everyone sees), a private one its own.
        let rows = sqlx::query!(
            r#"SELECT c.id AS "id!", c.name AS "company!", n.label AS "label!",
                      t.platform AS "platform?", t.external_id AS "external?"
               FROM (SELECT id AS company_id, name AS label FROM companies
                     UNION ALL
                     SELECT company_id, alias AS label FROM company_aliases) AS n
               JOIN companies c ON c.id = n.company_id
               LEFT JOIN tenants t ON t.id = c.tenant_id
               LEFT JOIN (SELECT ev.company_id, COUNT(*) AS n
                          FROM events ev JOIN companies owner ON owner.id = ev.company_id
                          WHERE ev.deleted_at IS NULL
                            AND (ev.tenant_id IS NULL OR owner.tenant_id IS NOT NULL)
                          GROUP BY ev.company_id) AS e
                      ON e.company_id = c.id
               ORDER BY COALESCE(e.n, 0) DESC, c.name, n.label"#
        )
        .fetch_all(&self.pool)
        .await?;
        let index = Arc::new(NameIndex::new(
            rows.into_iter()
                .map(|r| {
                    let scope = tenants::scope(r.platform.as_deref(), r.external);
                    NameEntry::new(r.id, r.company, r.label).scoped(scope.tenant().cloned())
                })
                .collect(),
        ));
        if let Ok(mut guard) = self.names.write() {
            *guard = Some((version, store_version, Arc::clone(&index)));
        }
        Ok(index)
    }
}
