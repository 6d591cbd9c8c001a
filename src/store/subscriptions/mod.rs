//! Channel subscriptions to new events: subscribe, unsubscribe, list, and disable when the
//! channel is gone or closed to the bot.

use chrono::{DateTime, Utc};

mod columns;

use super::{Conn, Store, snowflake_from_db, tenants};
use crate::domain::digest_time;
use crate::domain::{
    Actor, AlertFilter, AlertSettings, ChannelRef, CompanyNames, DigestTime, Mode, Platform,
    Tenant, ThreadArchive,
};
use crate::error::Result;
use columns::Columns;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub channel: ChannelRef,
    /// The names of the companies its filter includes and excludes, for lists.
    pub names: CompanyNames,
    pub settings: AlertSettings,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub last_post_at: Option<DateTime<Utc>>,
    /// When the mode was last set (a digest covers nothing from before).
    pub mode_since: DateTime<Utc>,
    /// The end of the last digest period handled.
    pub digest_through: Option<DateTime<Utc>>,
    pub tenant: Tenant,
}

/// A subscription the worker turned off, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisabledSubscription {
    pub tenant: String,
    pub channel: ChannelRef,
    pub reason: String,
}

/// Subscribes a channel of `tenant_id` with `settings` (or updates and re-enables its
/// subscription). False, and nothing written, if another tenant has the channel subscribed; a
/// channel another tenant unsubscribed is free (its pending posts died with the removal).
pub async fn upsert(
    conn: &mut Conn,
    tenant_id: i64,
    channel: &ChannelRef,
    settings: &AlertSettings,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row = Columns::of(settings);
    let Some(id) = upsert_row(conn, tenant_id, channel, &row, actor, now).await? else {
        return Ok(false);
    };
    let f = &settings.filter;
    set_companies(conn, id, &f.companies, &f.exclude_companies).await?;
    Ok(true)
}

/// The subscription's row written (its id), or None when another tenant holds the channel.
async fn upsert_row(
    conn: &mut Conn,
    tenant_id: i64,
    channel: &ChannelRef,
    c: &Columns,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    // A changed mode starts afresh: its digests cover only what comes after.
    let id = sqlx::query_scalar!(
        r#"INSERT INTO subscriptions (tenant_id, channel, industries, countries, exclude_industries,
                                    min_people, mode, mode_since, mention_role, crosspost,
                                    filings, active, created_by, created_at, updated_at,
                                    platform, thread, digest_hour, timezone, weekday, threads,
                                    thread_archive, forum)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?8, ?8, ?13, ?14, ?15, ?16,
                 ?17, ?18, ?19, ?20)
         ON CONFLICT (platform, channel, thread) DO UPDATE SET
             industries = excluded.industries, countries = excluded.countries,
             exclude_industries = excluded.exclude_industries, min_people = excluded.min_people,
             mode_since = CASE WHEN subscriptions.mode = excluded.mode
                                    AND subscriptions.removed_at IS NULL
                               THEN subscriptions.mode_since ELSE excluded.mode_since END,
             mode = excluded.mode, mention_role = excluded.mention_role,
             crosspost = excluded.crosspost, filings = excluded.filings,
             digest_hour = excluded.digest_hour, timezone = excluded.timezone,
             weekday = excluded.weekday, threads = excluded.threads,
             thread_archive = excluded.thread_archive, forum = excluded.forum,
             active = 1, disabled_reason = NULL, removed_at = NULL,
             updated_at = excluded.updated_at, tenant_id = excluded.tenant_id,
             created_by = CASE WHEN subscriptions.tenant_id = excluded.tenant_id
                               THEN subscriptions.created_by ELSE excluded.created_by END
         WHERE subscriptions.tenant_id = excluded.tenant_id
            OR subscriptions.removed_at IS NOT NULL
         RETURNING id AS "id!""#,
        tenant_id,
        channel.id,
        c.industries,
        c.countries,
        c.excluded,
        c.min_people,
        c.mode,
        now,
        c.role,
        c.crosspost,
        c.filings,
        actor.as_str(),
        channel.platform.as_str(),
        channel.stored_thread(),
        c.hour,
        c.zone,
        c.weekday,
        c.threads,
        c.archive,
        c.forum
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id)
}

/// Replaces the companies a subscription names.
async fn set_companies(conn: &mut Conn, id: i64, included: &[i64], excluded: &[i64]) -> Result<()> {
    sqlx::query!(
        "DELETE FROM subscription_companies WHERE subscription_id = ?1",
        id
    )
    .execute(&mut *conn)
    .await?;
    let all = included
        .iter()
        .map(|c| (c, 0))
        .chain(excluded.iter().map(|c| (c, 1)));
    for (position, (company, out)) in (0_i64..).zip(all) {
        sqlx::query!(
            "INSERT OR IGNORE INTO subscription_companies
                 (subscription_id, company_id, excluded, position)
             VALUES (?1, ?2, ?3, ?4)",
            id,
            company,
            out,
            position
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Removes a channel's subscription; its id, or None if it had none.
pub async fn remove(
    conn: &mut Conn,
    tenant: &Tenant,
    channel: &ChannelRef,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let (platform, external) = tenants::bind(Some(tenant));
    let (channel_platform, thread) = (channel.platform.as_str(), channel.stored_thread());
    let id = sqlx::query_scalar!(
        "UPDATE subscriptions SET removed_at = ?4, active = 0, updated_at = ?4
         WHERE tenant_id = (SELECT id FROM tenants WHERE platform = ?1 AND external_id = ?2)
           AND platform = ?5 AND channel = ?3 AND thread = ?6 AND removed_at IS NULL
         RETURNING id",
        platform,
        external,
        channel.id,
        now,
        channel_platform,
        thread
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id)
}

impl Store {
    /// A tenant's subscriptions, active or disabled (not removed).
    pub async fn subscriptions(&self, tenant: &Tenant) -> Result<Vec<Subscription>> {
        self.select_subscriptions(Which::Tenant(tenant)).await
    }

    /// One subscription by id, removed or not (the worker's view of a delivery's channel).
    pub async fn subscription(&self, id: i64) -> Result<Option<Subscription>> {
        Ok(self.select_subscriptions(Which::Id(id)).await?.pop())
    }

    /// Active digest subscriptions of every tenant (the digest scheduler's round).
    pub async fn digest_subscriptions(&self) -> Result<Vec<Subscription>> {
        self.select_subscriptions(Which::Digests).await
    }

    async fn select_subscriptions(&self, which: Which<'_>) -> Result<Vec<Subscription>> {
        let (id, tenant, digests) = match which {
            Which::Tenant(t) => (None, Some(t), false),
            Which::Id(id) => (Some(id), None, false),
            Which::Digests => (None, None, true),
        };
        let (platform, external) = tenants::bind(tenant);
        let rows = sqlx::query_as!(
            StoredSubscription,
            r#"SELECT s.id, s.platform AS channel_platform, s.channel, s.thread,
                      (SELECT json_group_array(json_array(sc.company_id, c.name, sc.excluded)
                                               ORDER BY sc.position)
                       FROM subscription_companies sc JOIN companies c ON c.id = sc.company_id
                       WHERE sc.subscription_id = s.id) AS "companies!: String",
                      s.industries, s.countries, s.exclude_industries,
                      s.min_people, s.mode, s.mention_role, s.crosspost, s.filings,
                      s.digest_hour, s.timezone, s.weekday, s.threads, s.thread_archive, s.forum,
                      s.active, s.disabled_reason,
                      s.last_post_at AS "last_post_at?: DateTime<Utc>",
                      s.mode_since AS "mode_since?: DateTime<Utc>",
                      s.digest_through AS "digest_through?: DateTime<Utc>",
                      t.platform, t.external_id
               FROM subscriptions s JOIN tenants t ON t.id = s.tenant_id
               WHERE (?1 IS NULL OR s.id = ?1)
                 AND (?2 IS NULL OR (t.platform = ?2 AND t.external_id = ?3
                                     AND s.removed_at IS NULL))
                 AND (?4 = 0 OR (s.active = 1 AND s.removed_at IS NULL AND s.mode != 'each'))
               ORDER BY s.id"#,
            id,
            platform,
            external,
            digests
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(StoredSubscription::parse)
            .collect())
    }

    /// Turns a subscription off (403, 404): its pending deliveries die with the reason.
    pub async fn disable_subscription(
        &self,
        subscription_id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query!(
            "UPDATE subscriptions SET active = 0, disabled_reason = ?2, updated_at = ?3 WHERE id = ?1",
            subscription_id,
            reason,
            now
        )
        .execute(&mut *tx)
        .await?;
        super::outbox::cancel_for_subscription(&mut tx, subscription_id, reason).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Subscriptions the worker disabled, in every tenant.
    pub async fn disabled_subscriptions(&self) -> Result<Vec<DisabledSubscription>> {
        let rows = sqlx::query!(
            r#"SELECT t.platform || ':' || t.external_id AS "tenant!: String",
                      s.platform, s.channel, s.thread,
                      s.disabled_reason AS "reason!"
               FROM subscriptions s JOIN tenants t ON t.id = s.tenant_id
               WHERE s.active = 0 AND s.removed_at IS NULL AND s.disabled_reason IS NOT NULL
               ORDER BY s.id"#
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(DisabledSubscription {
                    tenant: r.tenant,
                    channel: channel_of(&r.platform, r.channel, r.thread)?,
                    reason: r.reason,
                })
            })
            .collect())
    }
}

/// Which subscriptions to read.
enum Which<'a> {
    /// A tenant's, not removed.
    Tenant(&'a Tenant),
    /// One, whatever its state.
    Id(i64),
    /// Active ones in a digest mode, of every tenant.
    Digests,
}

/// A subscription row as stored, for [`Subscription`].
struct StoredSubscription {
    id: i64,
    channel_platform: String,
    channel: String,
    thread: String,
    /// A JSON array of [company id, name, excluded].
    companies: String,
    industries: String,
    countries: String,
    exclude_industries: String,
    min_people: Option<i64>,
    mode: String,
    mention_role: Option<i64>,
    crosspost: i64,
    filings: i64,
    digest_hour: Option<i64>,
    timezone: Option<String>,
    weekday: Option<i64>,
    threads: i64,
    thread_archive: i64,
    forum: i64,
    active: i64,
    disabled_reason: Option<String>,
    last_post_at: Option<DateTime<Utc>>,
    mode_since: Option<DateTime<Utc>>,
    digest_through: Option<DateTime<Utc>>,
    platform: String,
    external_id: String,
}

impl StoredSubscription {
    /// Rows the store wrote always parse; anything else is skipped.
    fn parse(self) -> Option<Subscription> {
        let tenant = tenants::scope(Some(&self.platform), Some(self.external_id))
            .tenant()
            .cloned()?;
        let companies: Vec<(i64, String, i64)> = serde_json::from_str(&self.companies).ok()?;
        let mut filter = filter_of(
            &self.industries,
            &self.countries,
            &self.exclude_industries,
            self.min_people,
        )?;
        let mut names = CompanyNames::default();
        for (id, name, excluded) in companies {
            if excluded == 0 {
                filter.companies.push(id);
                names.companies.push(name);
            } else {
                filter.exclude_companies.push(id);
                names.excluded.push(name);
            }
        }
        let time = DigestTime {
            hour: self.digest_hour.and_then(|h| u32::try_from(h).ok()),
            zone: match self.timezone {
                Some(z) => Some(digest_time::parse_zone(&z).ok()?),
                None => None,
            },
            weekday: self
                .weekday
                .and_then(|d| u8::try_from(d).ok())
                .and_then(|d| chrono::Weekday::try_from(d).ok()),
        };
        let settings = AlertSettings {
            filter,
            mode: Mode::parse(&self.mode).ok()?,
            time,
            mention_role: self.mention_role.map(snowflake_from_db),
            crosspost: self.crosspost != 0,
            filings: self.filings != 0,
            thread: (self.threads != 0)
                .then(|| ThreadArchive::from_minutes(self.thread_archive))
                .flatten(),
            forum: self.forum != 0,
        };
        Some(Subscription {
            id: self.id,
            channel: channel_of(&self.channel_platform, self.channel, self.thread)?,
            names,
            settings,
            active: self.active != 0,
            disabled_reason: self.disabled_reason,
            last_post_at: self.last_post_at,
            mode_since: self.mode_since.unwrap_or(DateTime::<Utc>::MIN_UTC),
            digest_through: self.digest_through,
            tenant,
        })
    }
}

/// A filter from its stored lists (companies are added by the caller); None if a list is
/// not a JSON array of strings (the table's CHECK makes that impossible).
pub(super) fn filter_of(
    industries: &str,
    countries: &str,
    exclude_industries: &str,
    min_people: Option<i64>,
) -> Option<AlertFilter> {
    let list = |raw: &str| serde_json::from_str::<Vec<String>>(raw).ok();
    Some(AlertFilter {
        industries: list(industries)?,
        countries: list(countries)?,
        exclude_industries: list(exclude_industries)?,
        min_people: min_people.and_then(|n| u32::try_from(n).ok()),
        ..AlertFilter::default()
    })
}

/// A channel reference as stored; the table's CHECK admits only known platforms.
pub(super) fn channel_of(platform: &str, id: String, thread: String) -> Option<ChannelRef> {
    Some(ChannelRef::from_stored(
        Platform::parse(platform)?,
        id,
        thread,
    ))
}
