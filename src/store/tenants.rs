//! Tenants: the row id behind a Discord guild or Slack workspace, created on first write.
//! Reads match a tenant by (platform, id) in a subquery, so they never create one.

use super::Conn;
use crate::domain::{EventScope, Platform, Tenant};
use crate::error::Result;

/// The row id of `tenant`, created if new.
pub async fn ensure(conn: &mut Conn, tenant: &Tenant) -> Result<i64> {
    let platform = tenant.platform().as_str();
    let external = tenant.id();
    sqlx::query!(
        "INSERT INTO tenants (platform, external_id) VALUES (?1, ?2)
         ON CONFLICT (platform, external_id) DO NOTHING",
        platform,
        external
    )
    .execute(&mut *conn)
    .await?;
    let id = sqlx::query_scalar!(
        "SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2",
        platform,
        external
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The row id an event of `scope` stores: NULL for the global record.
pub async fn of_scope(conn: &mut Conn, scope: &EventScope) -> Result<Option<i64>> {
    match scope.tenant() {
        None => Ok(None),
        Some(t) => Ok(Some(ensure(conn, t).await?)),
    }
}

/// (platform, id) to bind where a query matches a viewer's tenant; NULLs match none.
pub(super) fn bind(tenant: Option<&Tenant>) -> (Option<&'static str>, Option<&str>) {
    tenant.map_or((None, None), |t| {
        (Some(t.platform().as_str()), Some(t.id()))
    })
}

/// The scope of a row read back with its tenant's columns.
/// `tenants.platform` has a CHECK, so an unknown platform cannot be read back.
pub(super) fn scope(platform: Option<&str>, external: Option<String>) -> EventScope {
    match (platform.and_then(Platform::parse), external) {
        (Some(p), Some(id)) => EventScope::Tenant(Tenant::from_stored(p, id)),
        _ => EventScope::Global,
    }
}
