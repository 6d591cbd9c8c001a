//! Whether the store changed since last asked: SQLite's `PRAGMA data_version` on a connection
//! of its own, which moves whenever any other connection (or process) commits. Cheap enough
//! to ask on every request, so a cache of rendered pages stays exact.

use std::sync::Arc;

use sqlx::{ConnectOptions, SqliteConnection};
use tokio::sync::Mutex;

use super::Store;
use crate::error::Result;

/// Asks the store's change counter on its own connection (never the pool's).
#[derive(Clone)]
pub struct VersionProbe(Arc<Mutex<SqliteConnection>>);

impl std::fmt::Debug for VersionProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VersionProbe")
    }
}

impl Store {
    /// A probe of this store's changes, on a connection opened for it.
    pub async fn version_probe(&self) -> Result<VersionProbe> {
        let conn = self.pool.connect_options().connect().await?;
        Ok(VersionProbe(Arc::new(Mutex::new(conn))))
    }
}

impl VersionProbe {
    /// A number that differs from the last one whenever anything was committed since.
    pub async fn current(&self) -> Result<i64> {
        let mut conn = self.0.lock().await;
        let v = sqlx::query_scalar!(r#"PRAGMA data_version"#)
            .fetch_one(&mut *conn)
            .await?;
        Ok(v.unwrap_or_default())
    }
}
