//! CSV import of both published layoffs.fyi layouts, idempotence, refusal of bad files, and
//! export then import giving the same events.

use layoffs_bot::csv_io::{self as import, Layout};
use layoffs_bot::domain::{Headcount, Page, Viewer};
use layoffs_bot::service;

use crate::support::{TestStore, data, day, now};

const SAMPLE: &str = "tests/data/layoffs_fyi_sample.csv";
const CLASSIC: &str = "tests/data/layoffs_fyi_classic_2361.csv";

async fn events_of(t: &TestStore, name: &str) -> Vec<layoffs_bot::domain::LayoffEvent> {
    let company = t
        .store
        .find_company(name, &layoffs_bot::domain::Viewer::EVERYONE)
        .await
        .unwrap()
        .expect(name);
    t.store
        .events_page(Some(company.id), &Viewer::EVERYONE, None, Page::first(1000))
        .await
        .unwrap()
        .events
}

#[tokio::test]
async fn the_newer_layout_imports_with_counts_checked_by_hand() {
    let t = TestStore::new().await;
    let r = import::import_file(&t.store, &data(SAMPLE), false, now())
        .await
        .unwrap();
    assert_eq!(r.layout, Layout::Newer);
    // 4,277 rows; 5 list an event already listed (same company, date, count, percent and
    // location; only the source differs): Cars24, Oda, Beyond Meat, Cazoo, Terminus. 3 are a
    // second report of a cut without its number (Xendit, Cart.com, Bybit): merged.
    assert_eq!(
        (r.read, r.imported, r.duplicates.len(), r.rejected.len()),
        (4277, 4269, 5, 0)
    );
    assert_eq!(r.duplicates, [227, 2732, 2801, 3412, 3472]);
    let merged: Vec<u64> = r.merged.iter().map(|m| m.0).collect();
    assert_eq!(merged, [910, 2319, 3349]);
    assert!(
        r.probable.is_empty(),
        "rows of one file are never probable duplicates"
    );

    let amazon = events_of(&t, "amazon").await;
    assert_eq!(amazon.len(), 18);
    let newest = &amazon[0];
    assert_eq!(newest.date, day("2026-01-28"));
    assert_eq!(newest.headcount, Headcount::Exact(16000));
    assert_eq!(newest.location.as_deref(), Some("Seattle"));
    assert_eq!(
        newest.source.as_ref().and_then(|s| s.url()),
        Some("https://www.aboutamazon.com/news/company-news/amazon-layoffs-corporate-jan-2026")
    );
    // " F-Secure " with stray spaces, and "Helsinki, Non-U.S." in quotes.
    let fsecure = events_of(&t, "f-secure").await;
    assert_eq!(fsecure[0].company, "F-Secure");
    assert_eq!(fsecure[0].location.as_deref(), Some("Helsinki"));
    let company = t
        .store
        .find_company("F-Secure", &layoffs_bot::domain::Viewer::EVERYONE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(company.country.as_deref(), Some("Finland"));
    // Pinterest: 700 people, 0.15 of staff.
    let pinterest = events_of(&t, "pinterest").await;
    assert_eq!(
        pinterest[0].percentage.map(|p| p.to_string()).as_deref(),
        Some("15%")
    );
}

#[tokio::test]
async fn the_classic_layout_imports_with_counts_checked_by_hand() {
    let t = TestStore::new().await;
    let r = import::import_file(&t.store, &data(CLASSIC), false, now())
        .await
        .unwrap();
    assert_eq!(r.layout, Layout::Classic);
    // 2,361 rows: 5 exact duplicates, plus Oda and Terminus listed twice with only the
    // country or funding stage differing; Bybit's second 2022-06-20 row (no number) merged;
    // Blackbaud's row has the date NULL.
    assert_eq!(
        (r.read, r.imported, r.duplicates.len(), r.rejected.len()),
        (2361, 2352, 7, 1)
    );
    assert_eq!(r.merged.iter().map(|m| m.0).collect::<Vec<_>>(), [1431]);
    assert_eq!(r.rejected[0].line, 2358);
    assert_eq!(r.rejected[0].reason, "date: missing");

    let atlassian = events_of(&t, "Atlassian").await;
    assert_eq!(atlassian[0].date, day("2023-03-06"));
    assert_eq!(atlassian[0].headcount, Headcount::Exact(500));
    assert_eq!(
        atlassian[0].percentage.map(|p| p.to_string()).as_deref(),
        Some("5%")
    );
    // " E Inc." has a stray space; NULL counts are unknown.
    let e_inc = events_of(&t, "E Inc").await;
    assert_eq!(e_inc[0].company, "E Inc.");
    assert_eq!(e_inc[0].headcount, Headcount::Unknown);
    // "United States." is "United States".
    let company = t
        .store
        .find_company("SiriusXM", &layoffs_bot::domain::Viewer::EVERYONE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(company.country.as_deref(), Some("United States"));
}

#[tokio::test]
async fn reimporting_adds_nothing_and_the_layouts_share_events() {
    let t = TestStore::new().await;
    import::import_file(&t.store, &data(SAMPLE), false, now())
        .await
        .unwrap();
    let again = import::import_file(&t.store, &data(SAMPLE), false, now())
        .await
        .unwrap();
    // Merged rows count as duplicates the second time.
    assert_eq!((again.imported, again.duplicates.len()), (0, 4277));
    // The classic snapshot is the same events (see merge.rs for the 16 it has apart).
    let classic = import::import_file(&t.store, &data(CLASSIC), false, now())
        .await
        .unwrap();
    assert_eq!((classic.imported, classic.duplicates.len()), (1, 2344));
    let totals = t.store.totals(None, &Viewer::EVERYONE, None).await.unwrap();
    assert_eq!(totals.events, 4269 + 1);
}

#[tokio::test]
async fn a_dry_run_reports_the_same_and_writes_nothing() {
    let t = TestStore::new().await;
    let dry = import::import_file(&t.store, &data(CLASSIC), true, now())
        .await
        .unwrap();
    assert_eq!(
        (dry.imported, dry.duplicates.len(), dry.rejected.len()),
        (2352, 7, 1)
    );
    let totals = t.store.totals(None, &Viewer::EVERYONE, None).await.unwrap();
    assert_eq!(totals.events, 0);
    assert!(
        t.store
            .find_company("Atlassian", &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_layoffs_csv_writes_nothing() {
    let t = TestStore::new().await;
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8]); 4] = [
        ("warn.csv", b"Company,Location,Layoff Start Date,# of Workers\nAcme,Here,5/14/2022,119\n"),
        ("binary.csv", b"\x7fELF\x02\x01\x01\0\0\0\0"),
        ("latin1.csv", b"company,location,industry,total_laid_off,percentage_laid_off,date,country\nNestl\xe9,Vevey,Food,5,,1/1/2023,Switzerland\n"),
        ("empty.csv", b""),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = import::import_file(&t.store, &path, false, now())
            .await
            .unwrap_err();
        assert!(err.is_user_error(), "{name}: {err}");
    }
    let missing = import::import_file(&t.store, &dir.path().join("nope.csv"), false, now()).await;
    assert!(missing.unwrap_err().user_message().contains("cannot read"));
    assert_eq!(
        t.store
            .totals(None, &Viewer::EVERYONE, None)
            .await
            .unwrap()
            .events,
        0
    );
}

#[tokio::test]
async fn export_then_import_into_an_empty_store_gives_the_same_events() {
    let first = TestStore::new().await;
    import::import_file(&first.store, &data(SAMPLE), false, now())
        .await
        .unwrap();
    import::import_file(&first.store, &data("data/sample_2024.csv"), false, now())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.csv");
    let rows = service::listing::global_events(&first.store, None)
        .await
        .unwrap();
    let count = import::export(
        &rows,
        std::fs::File::create(&path).unwrap(),
        &layoffs_bot::csv_io::Silent,
    )
    .unwrap();

    let second = TestStore::new().await;
    let r = import::import_file(&second.store, &path, false, now())
        .await
        .unwrap();
    assert_eq!((r.read, r.imported, r.rejected.len()), (count, count, 0));

    let facts = |rows: Vec<layoffs_bot::store::events::ExportRow>| {
        let mut v: Vec<String> = rows
            .into_iter()
            .map(|r| {
                let (e, industry, country) = (r.event, r.industry, r.country);
                format!(
                    "{}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{industry:?}|{country:?}",
                    e.company,
                    e.date,
                    e.headcount,
                    e.percentage,
                    e.teams,
                    e.location,
                    e.source,
                    e.more_sources,
                    e.notes
                )
            })
            .collect();
        v.sort();
        v
    };
    let a = facts(first.store.global_events(None).await.unwrap());
    let b = facts(second.store.global_events(None).await.unwrap());
    // The shipped sample's rows are in the big file too; its AWS row is the same cut as the
    // big file's Amazon 2024-04-03 and was merged into it.
    assert_eq!(a.len(), 4269);
    assert_eq!(a, b);
    // Three events carry a second source, written to `more_sources` and read back.
    assert_eq!(a.iter().filter(|f| f.contains("|[Url(")).count(), 3);
}

#[tokio::test]
async fn the_shipped_sample_has_the_aws_cut_of_april_2024() {
    let t = TestStore::new().await;
    let r = import::import_file(&t.store, &data("data/sample_2024.csv"), false, now())
        .await
        .unwrap();
    assert_eq!((r.read, r.imported, r.rejected.len()), (13, 13, 0));
    let amazon = events_of(&t, "AWS").await;
    let aws = amazon
        .iter()
        .find(|e| e.date == day("2024-04-03"))
        .expect("AWS April 2024");
    assert_eq!(aws.headcount, Headcount::Approx("hundreds".into()));
    assert!(
        aws.teams
            .as_deref()
            .unwrap()
            .contains("physical stores technology")
    );
}

#[tokio::test]
async fn a_row_whose_percentage_rounds_to_zero_is_rejected_and_the_rest_imports() {
    let t = TestStore::new().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tiny.csv");
    std::fs::write(
        &path,
        "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added\n\
         Acme,Oslo,10,1/2/2024,0.00001,Food,,Seed,1,Norway,1/2/2024\n\
         Globex,Oslo,4294967295,1/3/2024,,Food,,Seed,1,Norway,1/3/2024\n\
         Initech,Oslo,12,1/4/2024,0.1,Food,,Seed,1,Norway,1/4/2024\n",
    )
    .unwrap();
    let dry = import::import_file(&t.store, &path, true, now())
        .await
        .unwrap();
    assert_eq!((dry.imported, dry.rejected.len()), (1, 2));
    let r = import::import_file(&t.store, &path, false, now())
        .await
        .unwrap();
    assert_eq!((r.read, r.imported, r.rejected.len()), (3, 1, 2));
    assert_eq!(r.rejected[0].line, 2);
    assert!(
        r.rejected[0].reason.contains("rounds to 0"),
        "{:?}",
        r.rejected
    );
    assert_eq!(r.rejected[1].line, 3);
    assert!(
        r.rejected[1].reason.contains("3,000,000"),
        "{:?}",
        r.rejected
    );
    assert!(
        t.store
            .find_company("Initech", &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn export_defuses_spreadsheet_formulas_and_reads_them_back_as_typed() {
    let first = TestStore::new().await;
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("formulas.csv");
    std::fs::write(
        &source,
        "company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added,headcount_text,teams,notes\n\
         @Acme,=Oslo,10,1/2/2024,,+Food,,Seed,1,Norway,1/2/2024,,-engineering,\"=HYPERLINK(\"\"https://x.example\"\",\"\"click\"\")\"\n",
    )
    .unwrap();
    import::import_file(&first.store, &source, false, now())
        .await
        .unwrap();
    let exported = dir.path().join("out.csv");
    let file = std::fs::File::create(&exported).unwrap();
    let rows = service::listing::global_events(&first.store, None)
        .await
        .unwrap();
    import::export(&rows, file, &layoffs_bot::csv_io::Silent).unwrap();
    let text = std::fs::read_to_string(&exported).unwrap();
    let row = text.lines().nth(1).unwrap();
    for cell in [
        "'@Acme",
        "'=Oslo",
        "'+Food",
        "'-engineering",
        "\"'=HYPERLINK(",
    ] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
    let second = TestStore::new().await;
    import::import_file(&second.store, &exported, false, now())
        .await
        .unwrap();
    let back = &second.store.global_events(None).await.unwrap()[0];
    assert_eq!(back.event.company, "@Acme");
    assert_eq!(back.event.location.as_deref(), Some("=Oslo"));
    assert_eq!(back.event.teams.as_deref(), Some("-engineering"));
    assert_eq!(
        back.event.notes.as_deref(),
        Some(r#"=HYPERLINK("https://x.example","click")"#)
    );
    assert_eq!(back.industry.as_deref(), Some("+Food"));
}

#[tokio::test]
async fn an_endless_device_is_refused_at_once_without_reading_it_whole() {
    let t = TestStore::new().await;
    let err = import::import_file(&t.store, std::path::Path::new("/dev/zero"), false, now())
        .await
        .unwrap_err();
    assert!(err.user_message().contains("binary"), "{err}");
}
