//! What the benchmarks that run the bot against the fake Discord share: a 100k-event store
//! and percentiles.

use std::path::Path;
use std::time::Duration;

/// A store with the generated 100k-row file imported; its company names.
pub async fn big_store(dir: &Path) -> (String, Vec<String>) {
    let csv = dir.join("100k.csv");
    let made = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/benches/gen_layoffs_csv.py"
        ))
        .arg(&csv)
        .arg("100000")
        .status()
        .expect("python3");
    assert!(made.success());
    let url = format!("sqlite://{}", dir.join("big.db").display());
    let store = layoffs_bot::Store::open(&url).await.expect("store");
    let now = chrono::Utc::now();
    layoffs_bot::csv_io::import_file(&store, &csv, false, now)
        .await
        .expect("import");
    let mut reader = csv::Reader::from_path(&csv).expect("csv");
    let mut names: Vec<String> = reader
        .records()
        .filter_map(|r| Some(r.ok()?.get(0)?.to_string()))
        .collect();
    names.sort();
    names.dedup();
    store.close().await;
    (url, names)
}

/// The `per_mille`-th of 1,000 of sorted times (500: the median).
pub fn percentile(sorted: &[Duration], per_mille: usize) -> Duration {
    let at = (sorted.len().saturating_sub(1) * per_mille).div_ceil(1000);
    sorted[at.min(sorted.len() - 1)]
}
