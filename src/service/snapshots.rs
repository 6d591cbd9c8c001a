//! Backups and restores: a checked, consistent copy of the running store, and putting one in
//! place (upgraded, the replaced store kept as `….bak`) only while no bot holds the store.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::snapshot::{
    Inspected, RecordCounts, StoreLock, copy_file, file_of_url, inspect, known_versions, url_of,
};

/// `path` with a suffix added to its name ("layoffs.db" + ".bak").
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a file if it is there.
fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// What a file is, or why it cannot be a store this binary may use.
async fn checked(file: &Path) -> Result<()> {
    match inspect(file).await {
        Inspected::NotAStore(why) => Err(Error::BadFile(format!(
            "{} is not a layoffs-bot store ({why})",
            file.display()
        ))),
        Inspected::Damaged(problem) => Err(Error::BadFile(format!(
            "{} failed SQLite's integrity check: {problem}",
            file.display()
        ))),
        Inspected::Store { versions } => {
            let known = known_versions();
            match versions.iter().find(|v| !known.contains(v)) {
                Some(newer) => Err(Error::BadFile(format!(
                    "{} was written by a newer layoffs-bot (migration {newer}, which this \
                     binary does not know); restore it with that version",
                    file.display()
                ))),
                None => Ok(()),
            }
        }
    }
}

/// Writes a consistent copy of the store to `target` (through `target.partial`, checked, then
/// renamed), while the bot may keep writing. An existing `target` is kept unless `force`.
pub async fn backup(store: &Store, target: &Path, force: bool) -> Result<RecordCounts> {
    if target.exists() && !force {
        return Err(Error::BadFile(format!(
            "{} exists; pass --force to replace it",
            target.display()
        )));
    }
    let partial = beside(target, ".partial");
    remove_if_there(&partial)?;
    let written = async {
        store.copy_into(&partial).await?;
        checked(&partial).await
    }
    .await;
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, target)
        .map_err(|e| Error::BadFile(format!("cannot write {}: {e}", target.display())))?;
    store.record_counts().await
}

/// Puts the store in `file` in place of the one at `url`, upgraded to this binary's
/// migrations; the replaced store is kept as `<store>.bak`. Refused while a bot holds the
/// store's lock file. Returns the restored record's counts, and where the replaced store
/// was kept (None when there was none).
pub async fn restore(url: &str, file: &Path) -> Result<(RecordCounts, Option<PathBuf>)> {
    let store_path = file_of_url(url)?;
    let Some(_lock) = StoreLock::exclusive(&store_path)? else {
        return Err(Error::Forbidden(format!(
            "a bot is running on {} (it holds {}); stop it, then restore",
            store_path.display(),
            StoreLock::path_of(&store_path).display()
        )));
    };
    checked(file).await?;
    // The file is copied (its write-ahead log included) and upgraded beside the store first,
    // so a failure leaves the store as it was.
    let restoring = beside(&store_path, ".restoring");
    remove_if_there(&restoring)?;
    copy_file(file, &restoring).await?;
    let upgraded = Store::open(&url_of(&restoring)).await?;
    let counts = upgraded.record_counts().await?;
    upgraded.close().await;
    let kept = if store_path.exists() {
        Some(keep_as_bak(url, &store_path).await?)
    } else {
        None
    };
    std::fs::rename(&restoring, &store_path)?;
    Ok((counts, kept))
}

/// The current store, copied whole to `<store>.bak`, then its files removed.
async fn keep_as_bak(url: &str, store_path: &Path) -> Result<PathBuf> {
    let bak = beside(store_path, ".bak");
    remove_if_there(&bak)?;
    let current = Store::open_existing(url).await?;
    current.copy_into(&bak).await?;
    current.close().await;
    for suffix in ["", "-wal", "-shm"] {
        remove_if_there(&beside(store_path, suffix))?;
    }
    Ok(bak)
}
