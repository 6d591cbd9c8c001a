//! Hardening II for WARN files and imports: absurd job counts refused per row, site suffixes
//! after " - " stripped, a company known only from filings shown as such, `--announce`
//! capped, the write lock free for the bot during a large file, and an endless line refused.

use std::fmt::Write as _;
use std::io::Write as _;

use layoffs_bot::csv_io::{self as import, FileOptions};
use layoffs_bot::domain::{Actor, Headcount, Viewer};
use layoffs_bot::service;

use crate::support::{TestStore, event, now};

fn write(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

const HEADER: &str = "hash_id,postal_code,company,location,notice_date,effective_date,jobs,is_temporary,is_closure,is_amendment\n";

async fn import_with(t: &TestStore, text: &str, options: FileOptions) -> import::ImportReport {
    let f = write(text);
    let progress = std::sync::Arc::new(import::Silent);
    import::import_file_with_progress(&t.store, f.path(), options, now(), progress)
        .await
        .unwrap()
}

/// How many filings a company of the record has.
async fn filings_of(t: &TestStore, name: &str) -> u64 {
    let company = t.store.find_company(name, &Viewer::EVERYONE).await.unwrap();
    let id = company
        .unwrap_or_else(|| panic!("{name} is in the record"))
        .id;
    t.store.filing_summary(id, 5).await.unwrap().count
}

#[tokio::test]
async fn absurd_filings_are_refused_and_site_suffixes_come_off() {
    let t = TestStore::new().await;
    for name in ["Amazon", "Meta Platforms", "Expedia"] {
        crate::support::add(&t.store, &event(name, "2023-01-10", Headcount::Exact(10))).await;
    }
    let text = format!(
        "{HEADER}\
         c1,CA,Amazon - SAN 13,San Diego,2023-01-18,,120,False,False,False\n\
         c2,CA,Amazon - SNA 20,Irvine,2023-01-18,,80,False,False,False\n\
         c3,CA,\"Meta Platforms, Inc. - 180 Jefferson\",Menlo Park,2023-01-18,,60,False,False,False\n\
         c4,WA,Expeditors International of Washington,Seattle,2023-01-18,,30,False,False,False\n\
         c5,WA,Amazon,Seattle,2023-02-01,,2999999,False,False,False\n"
    );
    let r = import_with(&t, &text, FileOptions::default()).await;
    assert_eq!((r.imported, r.filings_matched), (4, 3));
    assert_eq!(r.rejected.len(), 1);
    assert_eq!(r.rejected[0].line, 6);
    assert!(
        r.rejected[0].reason.contains("at most 100000"),
        "{:?}",
        r.rejected
    );
    assert_eq!(filings_of(&t, "amazon").await, 2);
    assert_eq!(filings_of(&t, "expedia").await, 0);
}

#[tokio::test]
async fn a_company_known_only_from_filings_reads_as_such() {
    let t = TestStore::new().await;
    let text = format!("{HEADER}d1,WA,Initech,Seattle,2024-03-01,,45,False,False,False\n");
    import_with(&t, &text, FileOptions::default()).await;
    let today = now().date_naive();
    let listing = service::listing(&t.store, Some("initech"), &Viewer::EVERYONE, None, 0, today)
        .await
        .unwrap();
    let view = layoffs_bot::render::listing_view(&listing, None);
    assert!(
        view.description.contains("known from WARN notices"),
        "{view:?}"
    );
    assert!(!view.description.contains("0 layoffs"), "{view:?}");
    assert!(
        view.fields
            .iter()
            .any(|(name, _)| name.starts_with("WARN notices"))
    );
    let text = layoffs_bot::render::text::listing_text(&listing);
    assert!(text.contains("known from WARN notices"), "{text}");
    assert!(text.contains("45 jobs"), "{text}");
}

fn filings(n: usize, tag: &str) -> String {
    let mut text = HEADER.to_string();
    for i in 0..n {
        let _ = writeln!(
            text,
            "{tag}{i},WA,Company {tag} {i},Seattle,2024-0{}-{:02},,{},False,False,False",
            1 + i % 9,
            1 + i % 28,
            10 + i
        );
    }
    text
}

#[tokio::test]
async fn announce_posts_nothing_over_its_cap() {
    let t = TestStore::new().await;
    let announce = FileOptions {
        announce: true,
        ..FileOptions::default()
    };
    let r = import_with(&t, &filings(51, "a"), announce).await;
    assert_eq!(
        (r.imported, r.announced, r.announce_withheld),
        (51, 0, Some(51))
    );
    let raised = FileOptions {
        announce_max: Some(100),
        ..announce
    };
    let r = import_with(&t, &filings(51, "b"), raised).await;
    assert_eq!((r.imported, r.announce_withheld), (51, None));
}

#[tokio::test]
async fn a_bot_write_during_a_large_warn_import_succeeds() {
    let t = TestStore::new().await;
    let f = write(&filings(60_000, "w"));
    let store = t.store.clone();
    let path = f.path().to_path_buf();
    let import =
        tokio::spawn(async move { import::import_file(&store, &path, false, now()).await });
    let added = service::record_event(
        &t.store,
        &event("Acme", "2024-05-01", Headcount::Exact(5)),
        &Actor::cli("test"),
        now(),
    )
    .await;
    assert!(added.is_ok(), "{added:?}");
    let r = import.await.unwrap().unwrap();
    assert_eq!(r.imported, 60_000);
}

#[tokio::test]
async fn an_endless_line_is_refused_with_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("endless.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new()
            .write(true)
            .open(writer_path)
            .unwrap();
        let _ = w.write_all(b"company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added\n");
        let chunk = vec![b'x'; 64 * 1024];
        // Until the reader goes away.
        while w.write_all(&chunk).is_ok() {}
    });
    let t = TestStore::new().await;
    let err = import::import_file(&t.store, &fifo, false, now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("line 2 is longer than"), "{err}");
    writer.join().unwrap();
    let totals = t.store.totals(None, &Viewer::EVERYONE, None).await.unwrap();
    assert_eq!(totals.events, 0, "nothing kept");
}
