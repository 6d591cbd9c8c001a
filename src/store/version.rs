//! Whether the store changed since last asked. In WAL mode (every file store) the answer is
//! the WAL-index header in the `-shm` file, which SQLite rewrites on every commit, by any
//! connection or process (documented at <https://www.sqlite.org/walformat.html>): one `pread`,
//! no statement. Otherwise (an in-memory store, a header being written at that instant) it is
//! `PRAGMA data_version` on a connection of the probe's own.

use std::sync::Arc;

use sqlx::{ConnectOptions, SqliteConnection};
use tokio::sync::Mutex;

use super::Store;
use crate::error::Result;

/// The two copies of the WAL-index header, 48 bytes each, at the start of the `-shm` file.
const HEADER: usize = 48;
/// `isInit` in the header: 1 once the header is valid.
const IS_INIT: usize = 12;

/// The store as of one moment: equal versions mean nothing was committed in between.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Version {
    /// The WAL-index header (its frame count and salts move with every commit).
    Wal([u8; HEADER]),
    /// SQLite's change counter as seen by the probe's connection.
    Counter(i64),
}

/// Asks the store's change state, never on the pool's connections.
#[derive(Clone)]
pub struct VersionProbe {
    conn: Arc<Mutex<SqliteConnection>>,
    shm: Option<Arc<std::fs::File>>,
}

impl std::fmt::Debug for VersionProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VersionProbe")
    }
}

impl Store {
    /// A probe of this store's changes, on a connection opened for it (which also keeps the
    /// `-shm` file in place while the probe lives).
    pub async fn version_probe(&self) -> Result<VersionProbe> {
        let options = self.pool.connect_options();
        let conn = options.connect().await?;
        let probe = VersionProbe {
            conn: Arc::new(Mutex::new(conn)),
            shm: None,
        };
        // A first statement maps the WAL index, so the file exists from here on.
        probe.counter().await?;
        let mut shm_path = options.get_filename().as_os_str().to_owned();
        shm_path.push("-shm");
        let shm = std::fs::File::open(shm_path).ok().map(Arc::new);
        Ok(VersionProbe { shm, ..probe })
    }
}

impl VersionProbe {
    /// The store's version now: it differs from the last one whenever anything was committed
    /// since (by this process or another).
    pub async fn current(&self) -> Result<Version> {
        match self.wal_version() {
            Some(version) => Ok(version),
            None => Ok(Version::Counter(self.counter().await?)),
        }
    }

    /// The version from the WAL index alone, when it can be read.
    pub fn wal_version(&self) -> Option<Version> {
        self.wal_header().map(Version::Wal)
    }

    /// The header when both copies agree and it is initialised (SQLite's own reader check);
    /// `None` sends the caller to the counter.
    #[cfg(unix)]
    fn wal_header(&self) -> Option<[u8; HEADER]> {
        use std::os::unix::fs::FileExt;
        let mut both = [0u8; 2 * HEADER];
        self.shm.as_ref()?.read_exact_at(&mut both, 0).ok()?;
        let (first, second) = both.split_at(HEADER);
        (first == second && first[IS_INIT] == 1).then(|| first.try_into().ok())?
    }

    #[cfg(not(unix))]
    fn wal_header(&self) -> Option<[u8; HEADER]> {
        None
    }

    async fn counter(&self) -> Result<i64> {
        let mut conn = self.conn.lock().await;
        let v = sqlx::query_scalar!(r#"PRAGMA data_version"#)
            .fetch_one(&mut *conn)
            .await?;
        Ok(v.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn file_store(dir: &std::path::Path) -> Store {
        let url = format!("sqlite://{}", dir.join("v.db").display());
        Store::open(&url).await.unwrap()
    }

    #[tokio::test]
    async fn another_process_commit_moves_the_wal_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = file_store(dir.path()).await;
        let probe = store.version_probe().await.unwrap();
        let before = probe.current().await.unwrap();
        assert!(matches!(before, Version::Wal(_)), "{before:?}");
        assert_eq!(probe.current().await.unwrap(), before, "nothing committed");
        // A second pool stands for another process.
        let other = file_store(dir.path()).await;
        sqlx::query("CREATE TABLE t (x)")
            .execute(&other.pool)
            .await
            .unwrap();
        let after = probe.current().await.unwrap();
        assert_ne!(after, before);
        sqlx::query("INSERT INTO t VALUES (1)")
            .execute(&store.pool)
            .await
            .unwrap();
        assert_ne!(
            probe.current().await.unwrap(),
            after,
            "this process's commit too"
        );
    }

    #[tokio::test]
    async fn in_memory_store_falls_back_to_the_counter() {
        let store = Store::open_in_memory().await.unwrap();
        let probe = store.version_probe().await.unwrap();
        assert!(matches!(
            probe.current().await.unwrap(),
            Version::Counter(_)
        ));
    }
}
