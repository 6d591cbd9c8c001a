//! Channel subscriptions to new events, and moderator additions awaiting confirmation.

use chrono::{DateTime, Utc};

use super::{Store, snowflake_from_db, snowflake_to_db};
use crate::domain::Actor;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub company_id: Option<i64>,
    pub company: Option<String>,
    pub active: bool,
    pub disabled_reason: Option<String>,
}

impl Store {
    /// Subscribes a channel (or updates and re-enables its subscription).
    pub async fn subscribe(
        &self,
        guild_id: u64,
        channel_id: u64,
        company_id: Option<i64>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Subscription> {
        let (guild, channel) = (snowflake_to_db(guild_id), snowflake_to_db(channel_id));
        let actor = actor.as_str();
        sqlx::query!(
            "INSERT INTO subscriptions (guild_id, channel_id, company_id, active, created_by,
                                        created_at, updated_at)
             VALUES (?1, ?2, ?3, 1, ?4, ?5, ?5)
             ON CONFLICT (channel_id) DO UPDATE SET
                 guild_id = excluded.guild_id, company_id = excluded.company_id, active = 1,
                 disabled_reason = NULL, removed_at = NULL, updated_at = excluded.updated_at",
            guild,
            channel,
            company_id,
            actor,
            now
        )
        .execute(&self.pool)
        .await?;
        let subs = self.subscriptions(guild_id).await?;
        subs.into_iter()
            .find(|s| s.channel_id == channel_id)
            .ok_or_else(|| crate::Error::NotFound("the subscription vanished".into()))
    }

    /// Removes a channel's subscription; false if it had none.
    pub async fn unsubscribe(
        &self,
        guild_id: u64,
        channel_id: u64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let (guild, channel) = (snowflake_to_db(guild_id), snowflake_to_db(channel_id));
        let done = sqlx::query!(
            "UPDATE subscriptions SET removed_at = ?3, active = 0, updated_at = ?3
             WHERE guild_id = ?1 AND channel_id = ?2 AND removed_at IS NULL",
            guild,
            channel,
            now
        )
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(done > 0)
    }

    /// A guild's subscriptions, active or disabled (not removed).
    pub async fn subscriptions(&self, guild_id: u64) -> Result<Vec<Subscription>> {
        let guild = snowflake_to_db(guild_id);
        let rows = sqlx::query!(
            r#"SELECT s.id, s.guild_id, s.channel_id, s.company_id, c.name AS "company?",
                      s.active, s.disabled_reason
               FROM subscriptions s LEFT JOIN companies c ON c.id = s.company_id
               WHERE s.guild_id = ?1 AND s.removed_at IS NULL
               ORDER BY s.id"#,
            guild
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Subscription {
                id: r.id,
                guild_id: snowflake_from_db(r.guild_id),
                channel_id: snowflake_from_db(r.channel_id),
                company_id: r.company_id,
                company: r.company,
                active: r.active != 0,
                disabled_reason: r.disabled_reason,
            })
            .collect())
    }

    /// Keeps a moderator's addition until they confirm it; returns its id.
    pub async fn hold_addition(
        &self,
        guild_id: u64,
        user_id: u64,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let (guild, user) = (snowflake_to_db(guild_id), snowflake_to_db(user_id));
        let id = sqlx::query_scalar!(
            r#"INSERT INTO pending_additions (guild_id, user_id, payload, created_at)
               VALUES (?1, ?2, ?3, ?4) RETURNING id AS "id!""#,
            guild,
            user,
            payload,
            now
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    /// Takes (and forgets) a held addition of this guild: its payload, if it is still there.
    pub async fn take_addition(&self, id: i64, guild_id: u64) -> Result<Option<String>> {
        let guild = snowflake_to_db(guild_id);
        let payload = sqlx::query_scalar!(
            "DELETE FROM pending_additions WHERE id = ?1 AND guild_id = ?2 RETURNING payload",
            id,
            guild
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(payload)
    }
}
