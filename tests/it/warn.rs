//! WARN notices: both layouts imported as filings (never as events), deduplicated, matched to
//! companies by exact keys only, shown apart in listings, and a "WARN filed" mark on the events
//! they back. Washington's counts are the ones tests/scripts/warn_counts.py finds.

use layoffs_bot::Store;
use layoffs_bot::csv_io::{self as import, parse::Layout, warn::WarnLayout};
use layoffs_bot::domain::stats::StatsSource::{Events, Filings};
use layoffs_bot::domain::{EventScope, Headcount, Page, Period, Tenant, Viewer};
use layoffs_bot::service;
use serde_json::json;

use crate::support::bot::Bot;
use crate::support::fake_discord::{Who, slash};
use crate::support::{TestStore, add, data, day, event, now, opt};

const SAMPLE: &str = "tests/data/layoffs_fyi_sample.csv";
const WA: &str = "tests/data/warn_wa_sample.csv";

/// Consolidated rows written by hand from warn-transformer's column list, in two orders.
const CONSOLIDATED: &str = "\
hash_id,postal_code,company,location,notice_date,effective_date,jobs,is_temporary,is_closure,is_amendment
a1,CA,Amazon (SJC11),San Jose,2023-01-18,2023-03-19,278,False,False,False
a2,CA,Google (MP1),Mountain View,2023-01-20,2023-03-21,1608,False,False,False
a3,CA,Intel Corporation (SC-1),Santa Clara,2022-11-10,2023-01-09,111,False,False,False
a4,CA,Amazonia Robotics,Oakland,2023-01-18,2023-03-19,12,False,True,False
a5,CA,Goggle Inc,Fresno,2023-02-01,,,False,False,False
a6,CA,Amazon (SJC11),San Jose,2023-01-18,2023-03-19,278,False,False,True
a7,XX1,Nobody,Here,2023-01-01,,3,False,False,False
a8,CA,Datebroken,There,soon,,3,False,False,False
";
const INTEGRATED: &str = "\
company,notice_date,hash_id,jobs,location,postal_code,effective_date,is_closure,is_temporary,is_amendment,first_inserted_date,is_superseded,likely_ancestor,estimated_amendments,last_updated_date
Amazon - MAH8,2023-01-05,b1,150,Mahwah,NJ,2023-03-06,False,False,False,2023-01-06,False,,0,2023-01-06
Amazon.com Services LLC,2023-01-18,b2,2300,Seattle,WA,2023-03-19,False,False,False,2023-01-19,False,,0,2023-01-19
Amazon.com Services LLC,2023-01-10,b3,2000,Seattle,WA,2023-03-10,False,False,False,2023-01-11,True,b2,1,2023-01-19
";

#[tokio::test]
async fn washington_notices_import_as_filings_once() {
    let t = TestStore::new().await;
    import::import_file(&t.store, &data(SAMPLE), false, now())
        .await
        .unwrap();
    let events = t.store.totals(None, &Viewer::EVERYONE, None).await.unwrap();
    let r = import::import_file(&t.store, &data(WA), false, now())
        .await
        .unwrap();
    assert_eq!(r.layout, Layout::Warn(WarnLayout::Washington));
    assert_eq!(
        (r.read, r.imported, r.duplicates.len(), r.rejected.len()),
        (1123, 1123, 0, 0)
    );
    assert_eq!(r.filings_matched, 26);
    // Filings are not events: the press totals did not move.
    assert_eq!(
        t.store.totals(None, &Viewer::EVERYONE, None).await.unwrap(),
        events
    );
    let again = import::import_file(&t.store, &data(WA), false, now())
        .await
        .unwrap();
    assert_eq!((again.imported, again.duplicates.len()), (0, 1123));

    // Katerra: its listing shows the filings apart, and marks the events they back.
    let listing = service::listing(
        &t.store,
        Some("katerra"),
        &Viewer::EVERYONE,
        None,
        0,
        day("2026-11-26"),
    )
    .await
    .unwrap();
    let text = layoffs_bot::render::listing_text(&listing);
    assert!(
        text.starts_with("Katerra: 3 layoffs, 3,074 people"),
        "{text}"
    );
    assert!(
        text.contains("   WARN notice: WA 2021-06-01 · 117 jobs · Seattle (a government filing)"),
        "{text}"
    );
    assert!(
        text.contains("WARN notices (government filings): 4 filings, "),
        "{text}"
    );
    // Filings are public records: a server sees the same.
    let in_guild = Viewer {
        tenant: Some(Tenant::discord(5)),
    };
    let there = service::listing(
        &t.store,
        Some("katerra"),
        &in_guild,
        None,
        0,
        day("2026-11-26"),
    )
    .await
    .unwrap();
    assert_eq!(layoffs_bot::render::listing_text(&there), text);
}

#[tokio::test]
async fn consolidated_notices_match_by_exact_names_only() {
    let t = TestStore::new().await;
    import::import_file(&t.store, &data(SAMPLE), false, now())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.csv");
    let integrated = dir.path().join("integrated.csv");
    std::fs::write(&ca, CONSOLIDATED).unwrap();
    std::fs::write(&integrated, INTEGRATED).unwrap();
    let r = import::import_file(&t.store, &ca, false, now())
        .await
        .unwrap();
    assert_eq!(r.layout, Layout::Warn(WarnLayout::Consolidated));
    // a6 (an amendment with the same facts) is a duplicate; a7 and a8 are refused.
    assert_eq!(
        (r.read, r.imported, r.duplicates, r.filings_matched),
        (8, 5, vec![7], 3)
    );
    let reasons: Vec<(u64, &str)> = r
        .rejected
        .iter()
        .map(|x| (x.line, x.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (8, "postal_code: not a state code: \"XX1\""),
            (9, "notice_date: not a date")
        ]
    );
    let r = import::import_file(&t.store, &integrated, false, now())
        .await
        .unwrap();
    assert_eq!(
        (r.read, r.imported, r.superseded.clone(), r.filings_matched),
        (3, 2, vec![4], 2)
    );

    let filings = |name: &'static str| {
        let store = t.store.clone();
        async move {
            let c = store
                .find_company(name, &Viewer::EVERYONE)
                .await
                .unwrap()
                .expect(name);
            (c.name, store.filing_summary(c.id, 10).await.unwrap())
        }
    };
    let (name, amazon) = filings("amazon").await;
    assert_eq!(name, "Amazon");
    assert_eq!((amazon.count, amazon.jobs), (3, 278 + 150 + 2300));
    assert_eq!(filings("google").await.1.count, 1);
    assert_eq!(filings("intel").await.1.count, 1);
    // Near names are never forced: each is a company of its own.
    assert_eq!(filings("Amazonia Robotics").await.1.count, 1);
    let (goggle, summary) = filings("goggle").await;
    assert_eq!((goggle.as_str(), summary.jobs), ("Goggle Inc", 0));
}

#[tokio::test]
async fn the_bot_shows_filings_apart_and_marks_backed_events() {
    let (bot, _) = Bot::start(&[SAMPLE, WA]).await;
    let answer = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([opt("company", 3, json!("katerra"))]),
        ))
        .await;
    let embed = &answer["data"]["embeds"][0];
    assert!(
        embed["description"]
            .as_str()
            .unwrap()
            .starts_with("3 layoffs, 3,074 people"),
        "{embed:#}"
    );
    let fields = embed["fields"].as_array().unwrap();
    assert_eq!(
        fields[0]["name"], "2021-06-01 · 2,434 people · WARN filed",
        "{embed:#}"
    );
    let warn = fields.last().unwrap();
    assert_eq!(warn["name"], "WARN notices (government filings)");
    assert!(
        warn["value"].as_str().unwrap().starts_with("4 filings, "),
        "{warn:#}"
    );
}

#[tokio::test]
async fn stats_count_filings_apart_from_reported_events() {
    let t = TestStore::new().await;
    for f in [SAMPLE, WA] {
        import::import_file(&t.store, &data(f), false, now())
            .await
            .unwrap();
    }
    for rows in [CONSOLIDATED, INTEGRATED] {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, rows.as_bytes()).unwrap();
        import::import_file(&t.store, file.path(), false, now())
            .await
            .unwrap();
    }
    let ask = |source, period, company: Option<&str>, country: Option<&str>| {
        let req = service::StatsRequest {
            source,
            period,
            company: company.map(str::to_string),
            country: country.map(str::to_string),
            ..service::StatsRequest::default()
        };
        let store = t.store.clone();
        async move {
            service::stats(&store, &req, &Viewer::EVERYONE, day("2026-11-26"))
                .await
                .unwrap()
        }
    };
    // Washington's 2020: 266 notices, 46,824 jobs (tests/scripts/warn_counts.py agrees).
    let wa = ask(Filings, Period::Year(2020), None, None).await;
    assert_eq!(
        (wa.totals.events, wa.totals.people, wa.totals.unknown),
        (266, 46_824, 0)
    );
    assert_eq!(
        wa.top_countries[0].name, "WA",
        "states stand where countries would"
    );
    let text = layoffs_bot::render::stats_text(&wa);
    assert!(
        text.starts_with("WARN notices, 2020\n  266 WARN notices, at least 46,824 jobs\n"),
        "{text}"
    );
    assert!(text.contains("Top states:\n  1. WA: 46,824 jobs"), "{text}");
    assert!(
        text.contains("government filings (WARN) by notice date"),
        "{text}"
    );
    let events = ask(Events, Period::Year(2020), None, None).await;
    assert_ne!(events.totals, wa.totals, "events are counted apart");
    // The consolidated rows of 2023: Amazon's notices are Amazon's, in every state.
    let amazon = ask(Filings, Period::Year(2023), Some("Amazon"), None).await;
    assert_eq!(
        (amazon.totals.events, amazon.totals.people),
        (3, 278 + 150 + 2300)
    );
    let title = layoffs_bot::render::stats_title(&amazon);
    assert_eq!(title, "Amazon WARN notices, 2023");
    let abroad = ask(Filings, Period::Year(2023), None, Some("Germany")).await;
    assert!(
        abroad.is_empty(),
        "WARN notices are all of the United States"
    );
    assert_eq!(
        layoffs_bot::render::no_stats_text(&abroad),
        "No WARN notices in Germany in 2023."
    );
    let us = ask(Filings, Period::Year(2023), None, Some("united states")).await;
    assert!(us.totals.events >= 5, "{:?}", us.totals);
}

#[tokio::test]
async fn layoffs_stats_shows_warn_filings_when_asked() {
    let (bot, _) = Bot::start(&[SAMPLE, WA]).await;
    let recorded = bot
        .fake
        .interact_recorded(slash(
            Who::USER_A,
            "layoffs-stats",
            json!([
                opt("year", 4, json!(2020)),
                opt("source", 3, json!("filings"))
            ]),
        ))
        .await;
    let embed = &recorded.body["data"]["embeds"][0];
    assert_eq!(embed["title"], "WARN notices, 2020", "{embed:#}");
    assert!(
        embed["description"]
            .as_str()
            .unwrap()
            .starts_with("**266** WARN notices, at least **46,824** jobs")
    );
    assert_eq!(recorded.files.len(), 1, "with its chart");
    let bad = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs-stats",
            json!([opt("source", 3, json!("rumours"))]),
        ))
        .await;
    assert!(
        crate::support::content(&bad).contains("is not a source"),
        "{bad:#}"
    );
}

/// `/layoffs <company>` reads the company, its page, totals, backing filings and filing
/// summary in one statement; it must read as the general reads do, for any viewer, range and
/// page.
#[tokio::test]
async fn a_company_read_in_one_statement_reads_as_the_general_reads() {
    let t = TestStore::new().await;
    let sampled = sampled_companies(&t.store).await;
    let (mut filed, mut hidden) = (0, 0);
    for &id in &sampled {
        for viewer in [Viewer::EVERYONE, Viewer::in_guild(1), Viewer::in_guild(2)] {
            for since in [None, Some(day("2021-06-01"))] {
                for number in [0, 1, 40] {
                    let page = Page { number, size: 2 };
                    match read_both_ways(&t.store, id, &viewer, since, page).await {
                        Some(with_filings) => filed += usize::from(with_filings),
                        None => hidden += 1,
                    }
                }
            }
        }
    }
    assert!(
        filed > 0 && hidden > 0,
        "pages with filings, a company hidden from some"
    );
}

/// Every 25th company of the sample and Washington's notices, and Katerra and a private
/// company, with private events (some near Katerra's filings) beside the global ones.
async fn sampled_companies(store: &Store) -> Vec<i64> {
    for f in [SAMPLE, WA] {
        import::import_file(store, &data(f), false, now())
            .await
            .unwrap();
    }
    for (company, guild, date, people) in [
        ("Katerra", 1, "2021-06-20", 7),
        ("Katerra", 2, "2021-05-01", 9),
        ("Katerra", 1, "2019-01-01", 3),
        ("Only In One", 1, "2021-06-02", 4),
    ] {
        let mut private = event(company, date, Headcount::Exact(people));
        private.scope = EventScope::Tenant(Tenant::discord(guild));
        add(store, &private).await;
    }
    let index = store.name_index().await.unwrap();
    let mut ids: Vec<i64> = index.global_names().map(|n| n.company_id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.retain(|id| id % 25 == 0);
    for name in ["Katerra", "Only In One"] {
        let id = store
            .exact_company(name, &Viewer::in_guild(1))
            .await
            .unwrap();
        ids.extend(id);
    }
    ids
}

/// Compares the one-statement read with the general reads: None when the viewer may not see
/// the company, else whether the page had filings to compare.
async fn read_both_ways(
    store: &Store,
    id: i64,
    viewer: &Viewer,
    since: Option<chrono::NaiveDate>,
    page: Page,
) -> Option<bool> {
    let one = store
        .company_read(id, viewer, since, page, 3)
        .await
        .unwrap();
    let context = format!("company {id}, {viewer:?}, since {since:?}, {page:?}");
    let Some(company) = store.company_by_id(id, viewer).await.unwrap() else {
        assert_eq!(one, None, "{context}");
        return None;
    };
    let mut general = store
        .events_page(Some(id), viewer, since, page)
        .await
        .unwrap();
    let events: Vec<_> = general
        .events
        .iter()
        .map(|e| (e.id, e.company_id, e.date))
        .collect();
    general.filed = store.filings_near(&events).await.unwrap();
    general.filed.sort_by_key(|(id, _)| *id);
    let mut one = one.expect("a company the viewer sees");
    one.page.filed.sort_by_key(|(id, _)| *id);
    assert_eq!(one.company, company, "{context}");
    assert_eq!(one.page, general, "{context}");
    assert_eq!(
        one.filings,
        store.filing_summary(id, 3).await.unwrap(),
        "{context}"
    );
    Some(!one.page.filed.is_empty())
}
