//! Import as a bulk job: a file large enough to build the event indexes after inserting, all
//! or nothing when a bad row comes late, one audit record per run, ids in file order, and no
//! progress output when standard error is not a terminal.

use std::fmt::Write as _;

use layoffs_bot::csv_io as import;
use layoffs_bot::domain::{Page, Viewer};
use layoffs_bot::{Error, Store};

use crate::support::{TestStore, now};

/// `n` rows in the newer layout, long enough (about 230 bytes) that `n` = 21,000 makes a
/// file the import treats as large; company `i % 500`, distinct facts per row.
fn big_csv(n: usize) -> String {
    let mut csv = String::from(
        "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added\n",
    );
    let filler = "x".repeat(80);
    for i in 0..n {
        let _ = writeln!(
            csv,
            "Company {},City {},{}.0,{}/{}/2024,0.1,Retail,https://news.example.com/{i}/{filler},Seed,10,United States,1/1/2025",
            i % 500,
            i % 37,
            10 + i,
            1 + i % 12,
            1 + i % 28,
        );
    }
    csv
}

/// rows_read, imported, duplicates, first and last event id, actor.
type Run = (i64, i64, i64, Option<i64>, Option<i64>, String);

async fn event_indexes(store_url: &str) -> Vec<String> {
    let pool = sqlx::SqlitePool::connect(store_url).await.unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    names
}

async fn events(store: &Store) -> u64 {
    store
        .totals(None, &Viewer::EVERYONE, None)
        .await
        .unwrap()
        .events
}

#[tokio::test]
async fn a_large_file_is_imported_whole_with_its_indexes_built_after() {
    let t = TestStore::new().await;
    let indexes = event_indexes(&t.url).await;
    assert_eq!(indexes.len(), 3, "{indexes:?}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    std::fs::write(&path, big_csv(21_000)).unwrap();

    let dry = import::import_file(&t.store, &path, true, now())
        .await
        .unwrap();
    assert_eq!(
        (dry.read, dry.imported, dry.duplicates.len()),
        (21_000, 21_000, 0)
    );
    assert_eq!(events(&t.store).await, 0, "a dry run keeps nothing");
    assert_eq!(event_indexes(&t.url).await, indexes);

    let r = import::import_file(&t.store, &path, false, now())
        .await
        .unwrap();
    assert_eq!((r.read, r.imported, r.rejected.len()), (21_000, 21_000, 0));
    assert_eq!(event_indexes(&t.url).await, indexes, "indexes are back");
    assert_eq!(events(&t.store).await, 21_000);
    // The indexes serve queries again: one company's newest events.
    let company = t
        .store
        .find_company("Company 7", &layoffs_bot::domain::Viewer::EVERYONE)
        .await
        .unwrap()
        .unwrap();
    let page = t
        .store
        .events_page(Some(company.id), &Viewer::EVERYONE, None, Page::first(3))
        .await
        .unwrap();
    assert_eq!(page.totals.events, 42);

    let again = import::import_file(&t.store, &path, false, now())
        .await
        .unwrap();
    assert_eq!((again.imported, again.duplicates.len()), (0, 21_000));
}

#[tokio::test]
async fn a_bad_file_found_late_leaves_the_store_as_it_was() {
    let t = TestStore::new().await;
    let indexes = event_indexes(&t.url).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.csv");
    // Several chunks are written before the parser meets a NUL byte.
    let mut bytes = big_csv(21_000).into_bytes();
    bytes.extend_from_slice(b"Bad\0Row,x,1,1/1/2024,,,,,,,\n");
    std::fs::write(&path, bytes).unwrap();
    let err = import::import_file(&t.store, &path, false, now())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadFile(_)), "{err}");
    assert_eq!(events(&t.store).await, 0);
    assert!(
        t.store
            .find_company("Company 7", &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(event_indexes(&t.url).await, indexes);
}

#[tokio::test]
async fn each_run_is_audited_once_with_the_ids_it_added_in_file_order() {
    let t = TestStore::new().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.csv");
    std::fs::write(&path, big_csv(30)).unwrap();
    import::import_file(&t.store, &path, false, now())
        .await
        .unwrap();
    import::import_file(&t.store, &path, false, now())
        .await
        .unwrap();

    let pool = sqlx::SqlitePool::connect(&t.url).await.unwrap();
    let runs: Vec<Run> = sqlx::query_as(
        "SELECT rows_read, imported, duplicates, first_event_id, last_event_id, actor
         FROM import_runs ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(
        runs[0],
        (30, 30, 0, Some(1), Some(30), "cli:import".to_string())
    );
    assert_eq!(runs[1], (30, 0, 30, None, None, "cli:import".to_string()));
    // Row i of the file is event i + 1: its count is 10 + i.
    let counts: Vec<i64> = sqlx::query_scalar("SELECT headcount FROM events ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(counts, (10..40).collect::<Vec<i64>>());
    let audit_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audit_rows, 0, "no audit row per imported event");
    pool.close().await;
}

/// Tells a waiting test once the parser has read `after` rows.
struct Reached {
    after: u64,
    notify: std::sync::Arc<tokio::sync::Notify>,
}

impl import::Progress for Reached {
    fn parsed(&self, _bytes: u64, rows: u64) {
        if rows == self.after {
            self.notify.notify_one();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_write_during_a_large_import_waits_and_succeeds() {
    let t = TestStore::new().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    std::fs::write(&path, big_csv(100_000)).unwrap();
    let notify = std::sync::Arc::new(tokio::sync::Notify::new());
    let progress = std::sync::Arc::new(Reached {
        after: 10_000,
        notify: std::sync::Arc::clone(&notify),
    });
    let store = t.store.clone();
    let import = tokio::spawn(async move {
        import::import_file_with_progress(
            &store,
            &path,
            import::FileOptions::default(),
            now(),
            progress,
        )
        .await
    });
    // Two chunks are with the writer by now: the import holds the write lock.
    notify.notified().await;
    let bot = Store::open(&t.url).await.unwrap();
    let moderator = layoffs_bot::service::Moderator::new(
        layoffs_bot::domain::Actor::discord(1),
        layoffs_bot::domain::Tenant::discord(42),
        None,
    );
    let raw = layoffs_bot::domain::RawEvent {
        company: Some("Initech".into()),
        count: Some(12),
        ..layoffs_bot::domain::RawEvent::default()
    };
    let added = layoffs_bot::service::add_event(&bot, &raw, &moderator, now()).await;
    assert!(added.is_ok(), "{added:?}");
    let report = import.await.unwrap().unwrap();
    assert_eq!(report.imported, 100_000);
    let seen = bot
        .totals(None, &Viewer::in_guild(42), None)
        .await
        .unwrap()
        .events;
    assert_eq!(seen, 100_001);
}

/// Hardening II, 1: companies created in different chunks never share a merge key, so a new
/// company of the second chunk is not merged into the first chunk's same-day, same-city event.
#[tokio::test]
async fn companies_new_in_different_chunks_are_never_merged() {
    let t = TestStore::new().await;
    let mut csv = String::from(
        "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added\n",
    );
    csv.push_str("Globex Widgets,SF Bay Area,,1/20/2023,,Retail,,Seed,,United States,1/1/2025\n");
    for i in 0..4_999 {
        let _ = writeln!(
            csv,
            "Filler {i},City {i},{},3/{}/2024,,Retail,,Seed,,United States,1/1/2025",
            10 + i,
            1 + i % 28
        );
    }
    csv.push_str(
        "Acme Rockets,SF Bay Area,1200,1/20/2023,0.15,Aerospace,,Seed,,United States,1/1/2025\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("boundary.csv");
    std::fs::write(&path, csv).unwrap();

    let r = import::import_file(&t.store, &path, false, now())
        .await
        .unwrap();
    assert_eq!((r.read, r.imported, r.merged.len()), (5_001, 5_001, 0));
    let of = |name: &'static str| {
        let store = &t.store;
        async move {
            let company = store
                .find_company(name, &Viewer::EVERYONE)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{name} exists"));
            store
                .events_page(Some(company.id), &Viewer::EVERYONE, None, Page::first(10))
                .await
                .unwrap()
                .events
        }
    };
    let globex = of("Globex Widgets").await;
    assert_eq!(globex.len(), 1);
    assert_eq!(globex[0].headcount.known(), None, "Globex keeps no count");
    let acme = of("Acme Rockets").await;
    assert_eq!(acme.len(), 1);
    assert_eq!(acme[0].headcount.known(), Some(1200));
}
