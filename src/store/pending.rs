//! Moderator additions held until they confirm ("Add anyway"): kept in the store so that the
//! buttons still work after a restart.

use chrono::{DateTime, Utc};

use super::{Conn, tenants};
use crate::domain::{Actor, Tenant};
use crate::error::Result;

/// Keeps an addition (its raw options as JSON) until confirmed; returns its id.
pub async fn hold(
    conn: &mut Conn,
    tenant_id: i64,
    actor: &Actor,
    payload: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let actor = actor.as_str();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO pending_additions (tenant_id, actor, payload, created_at)
           VALUES (?1, ?2, ?3, ?4) RETURNING id AS "id!""#,
        tenant_id,
        actor,
        payload,
        now
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Takes (and forgets) a held addition of this tenant: its payload, if it is still there.
pub async fn take(conn: &mut Conn, id: i64, tenant: &Tenant) -> Result<Option<String>> {
    let (platform, external) = tenants::bind(Some(tenant));
    let payload = sqlx::query_scalar!(
        "DELETE FROM pending_additions
         WHERE id = ?1
           AND tenant_id = (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3)
         RETURNING payload",
        id,
        platform,
        external
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(payload)
}
