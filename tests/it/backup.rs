//! `layoffs-bot backup` and `restore` as an operator runs them: a consistent copy while the
//! store is written, restored to the same record; and the refusals (a bot running, a file that
//! is not a store, a store from a newer version, a backup that would overwrite).

use std::path::Path;
use std::process::Output;

use layoffs_bot::Store;
use layoffs_bot::domain::{Actor, Headcount};
use layoffs_bot::service;
use tokio::sync::mpsc;

use crate::support::bot::Bot;
use crate::support::{TestStore, data, event, now};

async fn cli(url: &str, args: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .args(args)
        .env("DATABASE_URL", url)
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("run layoffs-bot")
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The record as CSV, for comparing two stores.
async fn exported(store: &Store) -> Vec<u8> {
    let rows = service::listing::global_events(store, None).await.unwrap();
    let mut out = Vec::new();
    layoffs_bot::csv_io::export(&rows, &mut out, &layoffs_bot::csv_io::Silent).unwrap();
    out
}

/// Adds events one by one until `stop` is dropped, saying after each; how many.
fn write_load(store: Store, done: mpsc::Sender<()>) -> tokio::task::JoinHandle<u32> {
    tokio::spawn(async move {
        let mut n = 0;
        loop {
            let e = event(&format!("Load {n}"), "2026-01-05", Headcount::Exact(n + 1));
            service::record_event(&store, &e, &Actor::cli("load"), now())
                .await
                .unwrap();
            n += 1;
            if done.send(()).await.is_err() {
                return n;
            }
        }
    })
}

#[tokio::test]
async fn a_backup_taken_under_writes_restores_to_an_identical_record() {
    let t = TestStore::new().await;
    let sample = data("tests/data/layoffs_fyi_sample.csv");
    layoffs_bot::csv_io::import_file(&t.store, &sample, false, now())
        .await
        .unwrap();
    let base = t.store.record_counts().await.unwrap().events;
    let dir = tempfile::tempdir().unwrap();
    let during = dir.path().join("during.db");
    let (tx, mut rx) = mpsc::channel(1);
    let writer = write_load(t.store.clone(), tx);
    for _ in 0..20 {
        rx.recv().await.unwrap();
    }
    let args = ["backup", during.to_str().unwrap()];
    let backup = cli(&t.url, &args);
    let (out, ()) = tokio::join!(backup, async {
        for _ in 0..20 {
            rx.recv().await.unwrap();
        }
    });
    drop(rx);
    let written = writer.await.unwrap();
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("integrity checked"), "{}", said(&out));
    assert!(!dir.path().join("during.db.partial").exists());

    // The copy taken under load is whole transactions: every event in it has its audit row.
    let copy = Store::open_existing(&format!("sqlite://{}", during.display()))
        .await
        .unwrap();
    let loaded = copy.record_counts().await.unwrap().events;
    let all = t.store.record_counts().await.unwrap().events;
    assert!(loaded > base + 20 && loaded <= all, "{loaded} of {all}");
    assert_eq!(all - base, u64::from(written));
    // Every added event in the copy came with its audit row and nothing half written.
    for id in i64::try_from(base + 1).unwrap()..=i64::try_from(loaded).unwrap() {
        assert!(copy.event(id).await.unwrap().is_some(), "event #{id}");
        assert_eq!(copy.audit_trail(id).await.unwrap().len(), 1, "event #{id}");
    }
    copy.close().await;

    // Taken at rest and restored into a new store: the same record.
    let rest = dir.path().join("rest.db");
    let out = cli(&t.url, &["backup", rest.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    let target = format!("sqlite://{}", dir.path().join("restored.db").display());
    let out = cli(&target, &["restore", rest.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    let events = format!("{} events", layoffs_bot::domain::thousands(all));
    assert!(said(&out).contains(&events), "{}", said(&out));
    assert!(!said(&out).contains(".bak"), "nothing was replaced");
    let restored = Store::open_existing(&target).await.unwrap();
    assert_eq!(exported(&restored).await, exported(&t.store).await);
}

#[tokio::test]
async fn a_backup_never_overwrites_unless_forced() {
    let t = TestStore::new().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.db");
    std::fs::write(&file, "keep me").unwrap();
    let out = cli(&t.url, &["backup", file.to_str().unwrap()]).await;
    assert!(!out.status.success());
    assert!(said(&out).contains("--force"), "{}", said(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let out = cli(&t.url, &["backup", "--force", file.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    assert_ne!(std::fs::read(&file).unwrap(), b"keep me");
}

/// A sound backup of a fresh store, in `dir`.
async fn a_backup(dir: &Path) -> std::path::PathBuf {
    let t = TestStore::new().await;
    let file = dir.join("good.db");
    let out = cli(&t.url, &["backup", file.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    file
}

#[tokio::test]
async fn a_restore_is_refused_while_a_bot_runs_on_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let good = a_backup(dir.path()).await;
    let (bot, _) = Bot::start(&[]).await;
    let out = cli(bot.store_url(), &["restore", good.to_str().unwrap()]).await;
    assert!(!out.status.success());
    let text = said(&out);
    assert!(
        text.contains("a bot is running") && text.contains(".lock"),
        "{text}"
    );
}

#[tokio::test]
async fn a_restore_refuses_files_that_are_not_stores_or_are_newer() {
    let dir = tempfile::tempdir().unwrap();
    let target = format!("sqlite://{}", dir.path().join("live.db").display());
    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "not a database at all, just some words\n".repeat(100),
    )
    .unwrap();
    let out = cli(&target, &["restore", text.to_str().unwrap()]).await;
    assert!(!out.status.success());
    assert!(
        said(&out).contains("is not a layoffs-bot store"),
        "{}",
        said(&out)
    );

    let newer = a_backup(dir.path()).await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", newer.display()))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99990101000000, 'from the future', 1, x'00', 0)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let out = cli(&target, &["restore", newer.to_str().unwrap()]).await;
    assert!(!out.status.success());
    assert!(said(&out).contains("newer layoffs-bot"), "{}", said(&out));
    assert!(
        !dir.path().join("live.db").exists(),
        "nothing was put in place"
    );
}

#[tokio::test]
async fn a_restore_upgrades_an_older_store_and_keeps_the_replaced_one() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.db");
    let pool =
        crate::migrate::migrated_to(dir.path(), &format!("sqlite://{}", old.display()), "0014")
            .await;
    pool.close().await;
    let live = TestStore::new().await;
    let e = event("Replaced Co", "2026-01-05", Headcount::Exact(3));
    service::record_event(&live.store, &e, &Actor::cli("t"), now())
        .await
        .unwrap();
    live.store.close().await;
    let out = cli(&live.url, &["restore", old.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("0 events"), "{}", said(&out));
    let restored = Store::open_existing(&live.url).await.unwrap();
    assert_eq!(restored.record_counts().await.unwrap().events, 0);
    let bak = format!("{}.bak", live.url);
    let kept = Store::open_existing(&bak).await.unwrap();
    assert_eq!(kept.record_counts().await.unwrap().events, 1);
}
