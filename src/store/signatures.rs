//! Slack request signatures seen within their replay window: kept in the store, so a captured
//! request stays refused across restarts.

use super::Store;
use crate::error::Result;

impl Store {
    /// Remembers `signature` (signed at `signed_at`, seconds) and forgets those signed before
    /// `expired_before`. False if it was seen already: a replay.
    pub async fn remember_signature(
        &self,
        signature: &str,
        signed_at: i64,
        expired_before: i64,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "DELETE FROM slack_signatures WHERE signed_at < ?1",
            expired_before
        )
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query!(
            "INSERT INTO slack_signatures (signature, signed_at) VALUES (?1, ?2)
             ON CONFLICT (signature) DO NOTHING",
            signature,
            signed_at
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
