//! The `SQLite` store: connection setup, embedded migrations, and every SQL statement of the
//! crate, one module per table family. Reads are methods on [`Store`]; writes take a
//! connection, so that `service` puts a use case's writes in one transaction ([`Tx`]).
//!
//! A bound row limit is written `LIMIT CAST(?n AS INTEGER)`: SQLite plans a bare `LIMIT ?n`
//! for the value bound, so every new binding (sqlx binds each call anew) would parse and plan
//! the statement again, the largest cost of a cached read before this was found.

pub mod audit;
pub mod bulk;
pub mod candidates;
pub mod companies;
pub mod company_page;
pub mod curation;
pub mod events;
pub mod filing_stats;
pub mod filings;
pub mod follows;
mod kept;
pub mod merge;
pub mod names;
pub mod outbox;
pub mod pending;
pub mod reviews;
pub mod signatures;
pub mod snapshot;
pub mod sources;
pub mod stats;
pub mod subscriptions;
pub mod tenants;
pub mod totals;
pub mod version;

use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqlitePool, migrate::Migrator};

pub use kept::ListingKey;
pub use outbox::{
    Added, Delivery, DeliveryOutcome, DeliveryRow, DeliveryStatus, DueCrosspost, DueEdit,
    DueThread, Edited, FollowUp, Item, Topic,
};
pub use stats::{FacetCounts, StatsFilter, Summary};
pub use subscriptions::{DisabledSubscription, Subscription};

use crate::domain::NameIndex;
use crate::error::{Error, OpenProblem, Result};

/// Every migration, compiled into the binary and run at start.
pub static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

pub const DEFAULT_DATABASE_URL: &str = "sqlite://layoffs.db";

/// One connection: what write functions take (a [`Tx`] derefs to it).
pub type Conn = sqlx::SqliteConnection;
/// A write transaction; dropped without `commit`, it rolls back.
pub type Tx = sqlx::Transaction<'static, sqlx::Sqlite>;
/// A connection of the pool for one bulk job ([`Store::dedicated_connection`]).
pub type Dedicated = sqlx::pool::PoolConnection<sqlx::Sqlite>;

/// The name index, the `names_version` it was built at, and the store's version when that
/// was last checked (while the store is unchanged, the check needs no statement).
type CachedIndex = (i64, Option<version::Version>, Arc<NameIndex>);

/// The store: a pool of connections to one SQLite file.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    names: Arc<RwLock<Option<CachedIndex>>>,
    outbox_written: OutboxSignal,
    all_totals: Arc<totals::AllTotals>,
    kept_listings: Arc<kept::KeptListings>,
}

/// Rings after a use case commits outbox rows, so the delivery worker of this process posts
/// them at once; a worker in another process finds them on its next poll.
#[derive(Debug, Clone, Default)]
pub struct OutboxSignal(Arc<tokio::sync::Notify>);

impl OutboxSignal {
    pub fn ring(&self) {
        self.0.notify_one();
    }

    /// Completes at the next ring (or at once if one came while nobody waited).
    pub async fn rung(&self) {
        self.0.notified().await;
    }
}

impl Store {
    /// Opens (creating the file if missing), migrates and seeds the built-in aliases.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with(url, true).await
    }

    /// Opens a store that must exist already (commands that only read): a mistyped
    /// DATABASE_URL is an error, not a new empty store.
    pub async fn open_existing(url: &str) -> Result<Self> {
        Self::open_with(url, false).await
    }

    async fn open_with(url: &str, create: bool) -> Result<Self> {
        let failed = |problem| Error::StoreOpen {
            url: url.to_string(),
            problem,
        };
        if !url.starts_with("sqlite:") {
            return Err(failed(OpenProblem::NotSqlite));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| failed(OpenProblem::BadUrl(e.to_string())))?
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = connect(options, 4).await.map_err(|e| {
            let reason = e
                .as_database_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string());
            if create {
                failed(OpenProblem::Unopenable(reason))
            } else {
                failed(OpenProblem::Missing(reason))
            }
        })?;
        Self::ready(pool).await
    }

    /// A private in-memory store on one connection, for tests of the use cases.
    pub async fn open_in_memory() -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        Self::ready(connect(options, 1).await?).await
    }

    async fn ready(pool: SqlitePool) -> Result<Self> {
        MIGRATOR.run(&pool).await?;
        let store = Self {
            pool,
            names: Arc::default(),
            outbox_written: OutboxSignal::default(),
            all_totals: Arc::default(),
            kept_listings: Arc::default(),
        };
        store.ensure_builtin_aliases().await?;
        Ok(store)
    }

    /// A write transaction that takes the write lock at once (`BEGIN IMMEDIATE`). A deferred
    /// one that reads first fails with SQLITE_BUSY_SNAPSHOT, busy timeout or not, when another
    /// process (the bot, an import) commits in between.
    pub async fn begin_write(&self) -> Result<Tx> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A connection of the pool for one bulk job, closed when dropped: settings the job makes
    /// on it never reach the pool, and a transaction it leaves open is rolled back.
    pub async fn dedicated_connection(&self) -> Result<Dedicated> {
        let mut conn = self.pool.acquire().await?;
        conn.close_on_drop();
        Ok(conn)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn connect(options: SqliteConnectOptions, size: u32) -> sqlx::Result<SqlitePool> {
    let options = options
        // 16 KiB pages (new stores only): shallower indexes, a third less time for a bulk
        // import.
        .page_size(16_384)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        // Deleted and moved content is zeroed, so `forget-me` leaves no copy of a person's id
        // in free space (a page split long before leaves one otherwise).
        .pragma("secure_delete", "ON")
        // Pages read through a memory map of the file instead of copied in by a `pread` each:
        // a company's events lie scattered over the table, so a cold answer reads a dozen
        // pages. The OS page cache backs the map for every connection.
        .pragma("mmap_size", "268435456")
        .busy_timeout(Duration::from_secs(10));
    // A connection is a file handle: no ping before each use (sqlx's default, one more trip
    // to the connection's thread per statement), and none closed for being idle or old
    // (reopening costs its statement cache).
    SqlitePoolOptions::new()
        .max_connections(size)
        .test_before_acquire(false)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await
}

impl Store {
    /// What a use case calls after committing outbox rows (new posts, edits, removals).
    pub fn outbox_written(&self) {
        self.outbox_written.ring();
    }

    /// The signal the delivery worker waits on.
    pub fn outbox_signal(&self) -> OutboxSignal {
        self.outbox_written.clone()
    }
}

/// Discord ids are u64; SQLite integers are i64. The one place that converts between them.
pub fn snowflake_to_db(id: u64) -> i64 {
    i64::from_ne_bytes(id.to_ne_bytes())
}

pub fn snowflake_from_db(id: i64) -> u64 {
    u64::from_ne_bytes(id.to_ne_bytes())
}

/// SQLite's COUNT and SUMs (never negative) as counts.
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_round_trip_through_i64() {
        for id in [0, 1, 80_351_110_224_678_912, u64::MAX] {
            assert_eq!(snowflake_from_db(snowflake_to_db(id)), id);
        }
    }
}
