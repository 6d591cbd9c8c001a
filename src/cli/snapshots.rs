//! `layoffs-bot backup FILE [--force]` and `layoffs-bot restore FILE`.

use std::path::Path;
use std::process::ExitCode;

use super::emit;
use crate::domain::thousands;
use crate::error::Result;
use crate::service::snapshots;
use crate::store::Store;
use crate::store::snapshot::RecordCounts;

fn counts_line(c: &RecordCounts) -> String {
    format!(
        "{} events, {} filings, {} subscriptions, {} waiting posts",
        thousands(c.events),
        thousands(c.filings),
        thousands(c.subscriptions),
        thousands(c.waiting_posts)
    )
}

pub async fn backup(url: &str, file: &Path, force: bool) -> Result<ExitCode> {
    let store = Store::open_existing(url).await?;
    let counts = snapshots::backup(&store, file, force).await;
    store.close().await;
    let counts = counts?;
    emit(&format!(
        "Backed up to {} (integrity checked): {}.\n",
        file.display(),
        counts_line(&counts)
    ))?;
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(url: &str, file: &Path) -> Result<ExitCode> {
    let (counts, kept) = snapshots::restore(url, file).await?;
    let kept = kept.map_or(String::new(), |bak| {
        format!(" (the replaced store is kept as {})", bak.display())
    });
    emit(&format!(
        "Restored {}{kept}: {}.\n",
        file.display(),
        counts_line(&counts)
    ))?;
    Ok(ExitCode::SUCCESS)
}
