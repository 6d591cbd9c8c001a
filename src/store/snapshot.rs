//! Snapshots of the store: a consistent copy while the bot keeps writing (`VACUUM INTO` reads
//! in one transaction), what a file holds before it may replace the store, the record's counts,
//! and the lock file by which a restore knows a bot is running.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::ConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;

use super::{MIGRATOR, Store};
use crate::error::{Error, Result};

/// What a restore reports: the record it put in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordCounts {
    pub events: u64,
    pub filings: u64,
    pub subscriptions: u64,
    pub waiting_posts: u64,
}

/// What a file is, read without changing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inspected {
    /// Not an SQLite file, or not ours; why.
    NotAStore(String),
    /// Ours, but `PRAGMA integrity_check` found a problem (its first line).
    Damaged(String),
    /// Ours and sound, at these migration versions.
    Store { versions: Vec<i64> },
}

impl Store {
    /// The store's file; None for an in-memory store.
    pub fn file(&self) -> Option<PathBuf> {
        let name = self.pool.connect_options().get_filename().to_path_buf();
        (name.as_os_str() != ":memory:" && !name.as_os_str().is_empty()).then_some(name)
    }

    /// Writes a consistent copy of the whole store to `target`, which must not exist.
    pub async fn copy_into(&self, target: &Path) -> Result<()> {
        let target = target
            .to_str()
            .ok_or_else(|| Error::BadFile(format!("{} is not a UTF-8 path", target.display())))?;
        sqlx::query!("VACUUM INTO ?1", target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many live events, filings, subscriptions and waiting posts the record holds.
    pub async fn record_counts(&self) -> Result<RecordCounts> {
        let r = sqlx::query!(
            r#"SELECT (SELECT COUNT(*) FROM events WHERE deleted_at IS NULL) AS "events!: i64",
                      (SELECT COUNT(*) FROM filings) AS "filings!: i64",
                      (SELECT COUNT(*) FROM subscriptions WHERE removed_at IS NULL)
                          AS "subscriptions!: i64",
                      (SELECT COUNT(*) FROM deliveries WHERE status = 'pending')
                          AS "waiting!: i64""#
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(RecordCounts {
            events: super::count(r.events),
            filings: super::count(r.filings),
            subscriptions: super::count(r.subscriptions),
            waiting_posts: super::count(r.waiting),
        })
    }
}

/// The migration versions this binary knows.
pub fn known_versions() -> Vec<i64> {
    MIGRATOR.iter().map(|m| m.version).collect()
}

/// A consistent copy of the store file at `from` (its write-ahead log included) to `to`,
/// reading `from` without changing it.
pub async fn copy_file(from: &Path, to: &Path) -> Result<()> {
    let target = to
        .to_str()
        .ok_or_else(|| Error::BadFile(format!("{} is not a UTF-8 path", to.display())))?;
    let mut conn = SqliteConnectOptions::from_str("sqlite://")?
        .filename(from)
        .read_only(true)
        .connect()
        .await?;
    sqlx::query!("VACUUM INTO ?1", target)
        .execute(&mut conn)
        .await?;
    Ok(())
}

/// Reads `path` as a store, read-only: SQLite's own check first, then our migrations table.
pub async fn inspect(path: &Path) -> Inspected {
    let options =
        SqliteConnectOptions::from_str("sqlite://").map(|o| o.filename(path).read_only(true));
    let mut conn = match options {
        Ok(o) => match o.connect().await {
            Ok(conn) => conn,
            Err(e) => return Inspected::NotAStore(e.to_string()),
        },
        Err(e) => return Inspected::NotAStore(e.to_string()),
    };
    let check = sqlx::query_scalar!(r#"PRAGMA integrity_check"#)
        .fetch_one(&mut conn)
        .await;
    match check {
        Ok(Some(ok)) if ok == "ok" => {}
        Ok(problem) => return Inspected::Damaged(problem.unwrap_or_default()),
        Err(e) => return Inspected::NotAStore(e.to_string()),
    }
    let versions = sqlx::query_scalar!(
        r#"SELECT version AS "version!" FROM _sqlx_migrations WHERE success = 1 ORDER BY version"#
    )
    .fetch_all(&mut conn)
    .await;
    let events = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM sqlite_schema WHERE name = 'events'"#
    )
    .fetch_one(&mut conn)
    .await;
    match (versions, events) {
        (Ok(versions), Ok(1)) if !versions.is_empty() => Inspected::Store { versions },
        _ => Inspected::NotAStore("it has no layoffs-bot tables".into()),
    }
}

/// A lock on `<store>.lock`: every running bot holds it shared; a restore needs it alone.
/// The kernel drops it with the process, so a killed bot never leaves it behind.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

impl StoreLock {
    /// The lock file of the store at `store`.
    pub fn path_of(store: &Path) -> PathBuf {
        let mut name = store.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// A running bot's share; any number of bots may hold it together.
    pub fn shared(store: &Path) -> Result<Self> {
        let file = Self::open(store)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(Error::Forbidden(format!(
                "the store at {} is being restored; start the bot when that is done",
                store.display()
            ))),
            Err(TryLockError::Error(e)) => Err(e.into()),
        }
    }

    /// The whole store, for a restore; None while a bot holds its share.
    pub fn exclusive(store: &Path) -> Result<Option<Self>> {
        let file = Self::open(store)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(e.into()),
        }
    }

    fn open(store: &Path) -> Result<File> {
        let path = Self::path_of(store);
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::BadFile(format!("cannot open {}: {e}", path.display())))
    }
}

/// The file a `sqlite:` URL names.
pub fn file_of_url(url: &str) -> Result<PathBuf> {
    let bad = || Error::Config(format!("DATABASE_URL {url:?} does not name an SQLite file"));
    if !url.starts_with("sqlite:") {
        return Err(bad());
    }
    let options = SqliteConnectOptions::from_str(url).map_err(|_| bad())?;
    let name = options.get_filename();
    if name.as_os_str().is_empty() || name.as_os_str() == ":memory:" {
        return Err(bad());
    }
    Ok(name.to_path_buf())
}

/// `sqlite://` URL of a file.
pub fn url_of(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}
