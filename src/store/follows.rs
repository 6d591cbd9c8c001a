//! Follows: a person's DM alerts about a company, their pause when the platform refuses a
//! DM, forgetting a person entirely (rows and the bytes of the store file), and the outbox
//! rows of their DMs (the DM channel, bursts of one company's events sent as one DM).

use chrono::{DateTime, Utc};

use super::{Conn, Store, tenants};
use crate::domain::Tenant;
use crate::error::Result;

pub use crate::domain::follow::{FollowRow, Followed, Person};

impl Store {
    /// Follows the company for the person, from `tenant` (None: a DM), at most `max` a person.
    pub async fn follow(
        &self,
        who: &Person,
        company_id: i64,
        tenant: Option<&Tenant>,
        max: usize,
    ) -> Result<Followed> {
        let mut tx = self.begin_write().await?;
        let tenant_id = match tenant {
            Some(t) => Some(tenants::ensure(&mut tx, t).await?),
            None => None,
        };
        let platform = who.platform.as_str();
        let existing = sqlx::query_scalar!(
            "SELECT id FROM follows WHERE platform = ?1 AND user_id = ?2 AND company_id = ?3",
            platform,
            who.user_id,
            company_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let outcome = if let Some(id) = existing {
            sqlx::query!(
                "UPDATE follows SET tenant_id = ?2 WHERE id = ?1",
                id,
                tenant_id
            )
            .execute(&mut *tx)
            .await?;
            Followed::Again
        } else {
            let count = count(&mut tx, who).await?;
            if count >= max {
                return Ok(Followed::Full(count));
            }
            sqlx::query!(
                "INSERT INTO follows (platform, user_id, company_id, tenant_id)
                 VALUES (?1, ?2, ?3, ?4)",
                platform,
                who.user_id,
                company_id,
                tenant_id
            )
            .execute(&mut *tx)
            .await?;
            Followed::New
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Stops following; DMs not sent yet are dropped. Whether it was followed.
    pub async fn unfollow(&self, who: &Person, company_id: i64) -> Result<bool> {
        let platform = who.platform.as_str();
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "DELETE FROM deliveries WHERE follow_id IN (
                 SELECT id FROM follows WHERE platform = ?1 AND user_id = ?2 AND company_id = ?3)",
            platform,
            who.user_id,
            company_id
        )
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query!(
            "DELETE FROM follows WHERE platform = ?1 AND user_id = ?2 AND company_id = ?3",
            platform,
            who.user_id,
            company_id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stops every follow of the person (their DMs not sent yet are dropped); how many.
    pub async fn unfollow_all(&self, who: &Person) -> Result<usize> {
        let platform = who.platform.as_str();
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "DELETE FROM deliveries WHERE follow_id IN (
                 SELECT id FROM follows WHERE platform = ?1 AND user_id = ?2)",
            platform,
            who.user_id
        )
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query!(
            "DELETE FROM follows WHERE platform = ?1 AND user_id = ?2",
            platform,
            who.user_id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(usize::try_from(done.rows_affected()).unwrap_or(usize::MAX))
    }

    /// The person's follows, by company name.
    pub async fn follows_of(&self, who: &Person) -> Result<Vec<FollowRow>> {
        let platform = who.platform.as_str();
        let rows = sqlx::query!(
            r#"SELECT f.company_id, c.name, f.tenant_id IS NOT NULL AS "in_tenant!: bool"
               FROM follows f JOIN companies c ON c.id = f.company_id
               WHERE f.platform = ?1 AND f.user_id = ?2 ORDER BY c.name COLLATE NOCASE"#,
            platform,
            who.user_id
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| FollowRow {
                company_id: r.company_id,
                company: r.name,
                in_tenant: r.in_tenant,
            })
            .collect())
    }

    /// Deletes everything kept about the person: follows, their DM rows, a pause. The store
    /// runs with `secure_delete` (freed bytes are zeroed) and the WAL is checkpointed and
    /// truncated, so their id is gone from the files too. How many follows there were.
    pub async fn forget(&self, who: &Person) -> Result<u64> {
        let mut conn = self.dedicated_connection().await?;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        let forgotten = delete_person(&mut conn, who).await;
        let follows = match forgotten {
            Ok(n) => n,
            Err(e) => {
                sqlx::query("ROLLBACK").execute(&mut *conn).await?;
                return Err(e);
            }
        };
        sqlx::query("COMMIT").execute(&mut *conn).await?;
        // Readers can hold the WAL for a moment; its frames are rewritten at the next
        // checkpoint otherwise.
        let busy: (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&mut *conn)
            .await?;
        if busy.0 != 0 {
            tracing::warn!("the WAL could not be truncated at once after forget-me");
        }
        Ok(follows)
    }

    /// Pauses the person's follows (the platform refused a DM): their pending DMs die.
    pub async fn pause_follows(&self, who: &Person, reason: &str) -> Result<()> {
        let platform = who.platform.as_str();
        let target = who.target();
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "INSERT INTO follow_pauses (platform, user_id, reason) VALUES (?1, ?2, ?3)
             ON CONFLICT (platform, user_id) DO UPDATE SET reason = ?3, told = 0",
            platform,
            who.user_id,
            reason
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE deliveries SET status = 'dead', last_error = ?3, leased_until = NULL
             WHERE platform = ?1 AND channel = ?2 AND status = 'pending'",
            platform,
            target,
            reason
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Why the person's follows are paused, once: None when they are not, or were told.
    pub async fn untold_pause(&self, who: &Person) -> Result<Option<String>> {
        // Asked after every command: while nobody has a pause to be told and nothing was
        // committed since, no statement at all; else a read, and a write for the one told.
        let version = self.read_version().await;
        if self.none_untold_at(version) {
            return Ok(None);
        }
        let platform = who.platform.as_str();
        let untold = sqlx::query!(
            r#"SELECT EXISTS (SELECT 1 FROM follow_pauses
                              WHERE platform = ?1 AND user_id = ?2 AND told = 0) AS "mine!: bool",
                      EXISTS (SELECT 1 FROM follow_pauses WHERE told = 0) AS "any!: bool""#,
            platform,
            who.user_id
        )
        .fetch_one(&self.pool)
        .await?;
        if !untold.any {
            self.keep_none_untold(version);
        }
        if !untold.mine {
            return Ok(None);
        }
        Ok(sqlx::query_scalar!(
            "UPDATE follow_pauses SET told = 1
             WHERE platform = ?1 AND user_id = ?2 AND told = 0 RETURNING reason",
            platform,
            who.user_id
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Resumes the person's follows; whether they were paused.
    pub async fn resume_follows(&self, who: &Person) -> Result<bool> {
        let platform = who.platform.as_str();
        let done = sqlx::query!(
            "DELETE FROM follow_pauses WHERE platform = ?1 AND user_id = ?2",
            platform,
            who.user_id
        )
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The events of a follower's other DMs still pending from the same write as delivery
    /// `id` (a burst: an import that announced many of the company's events at once).
    pub async fn follow_burst(
        &self,
        id: i64,
        follow_id: i64,
        created_at: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar!(
            r#"SELECT event_id AS "event_id!" FROM deliveries
               WHERE follow_id = ?2 AND created_at = ?3 AND id != ?1 AND status = 'pending'
               ORDER BY id"#,
            id,
            follow_id,
            created_at
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The burst's other rows were sent in delivery `id`'s DM: done, never edited on their own.
    pub async fn fold_burst(
        &self,
        id: i64,
        follow_id: i64,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let note = format!("sent in the digest DM of delivery #{id}");
        sqlx::query!(
            "UPDATE deliveries SET status = 'sent', sent_at = ?4, last_error = ?5,
                    leased_until = NULL
             WHERE follow_id = ?2 AND created_at = ?3 AND id != ?1 AND status = 'pending'",
            id,
            follow_id,
            created_at,
            now,
            note
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The DM channel a follower's row is posted in (kept for its edits).
    pub async fn note_dm_channel(&self, id: i64, channel: &str) -> Result<()> {
        sqlx::query!(
            "UPDATE deliveries SET dm_channel = ?2 WHERE id = ?1",
            id,
            channel
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Followers per company, most followed first (no user ids), for the operator.
    pub async fn follow_counts(&self) -> Result<Vec<(String, i64)>> {
        let rows = sqlx::query!(
            r#"SELECT c.name, COUNT(*) AS "n!: i64" FROM follows f
               JOIN companies c ON c.id = f.company_id
               GROUP BY f.company_id ORDER BY 2 DESC, c.name"#
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| (r.name, r.n)).collect())
    }
}

async fn count(conn: &mut Conn, who: &Person) -> Result<usize> {
    let platform = who.platform.as_str();
    let n = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM follows WHERE platform = ?1 AND user_id = ?2"#,
        platform,
        who.user_id
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

async fn delete_person(conn: &mut Conn, who: &Person) -> Result<u64> {
    let platform = who.platform.as_str();
    let target = who.target();
    sqlx::query!(
        "DELETE FROM deliveries WHERE (platform = ?1 AND channel = ?3)
            OR follow_id IN (SELECT id FROM follows WHERE platform = ?1 AND user_id = ?2)",
        platform,
        who.user_id,
        target
    )
    .execute(&mut *conn)
    .await?;
    let follows = sqlx::query!(
        "DELETE FROM follows WHERE platform = ?1 AND user_id = ?2",
        platform,
        who.user_id
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!(
        "DELETE FROM follow_pauses WHERE platform = ?1 AND user_id = ?2",
        platform,
        who.user_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(follows)
}
