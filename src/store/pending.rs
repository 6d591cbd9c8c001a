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

/// A held addition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub actor: String,
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

/// A held addition of this tenant, if it is still there.
pub async fn get(conn: &mut Conn, id: i64, tenant: &Tenant) -> Result<Option<Held>> {
    let (platform, external) = tenants::bind(Some(tenant));
    let held = sqlx::query_as!(
        Held,
        r#"SELECT actor AS "actor!", payload, created_at AS "created_at: DateTime<Utc>"
           FROM pending_additions
           WHERE id = ?1
             AND tenant_id = (SELECT id FROM tenants WHERE platform = ?2 AND external_id = ?3)"#,
        id,
        platform,
        external
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(held)
}

/// Forgets a held addition.
pub async fn delete(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query!("DELETE FROM pending_additions WHERE id = ?1", id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
