//! The public web page as a visitor and a feed reader use it: `layoffs-bot web` on a store
//! with the sample record and a server's private events, which never appear anywhere.

use std::time::Duration;

use layoffs_bot::domain::{Actor, EventScope, Headcount, RawEvent, Tenant};
use layoffs_bot::service::{self, Moderator};
use reqwest::header;
use reqwest::redirect::Policy;

use crate::support::{TestStore, data, event, now};

pub(crate) struct Site {
    pub(crate) t: TestStore,
    pub(crate) base: String,
    client: reqwest::Client,
    _child: tokio::process::Child,
}

impl Site {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    /// An Atom feed, parsed (its type checked).
    async fn feed(&self, path: &str) -> atom_syndication::Feed {
        let r = self.get(path).await;
        let kind = r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        assert!(kind.starts_with("application/atom+xml"), "{kind}");
        atom_syndication::Feed::read_from(&r.bytes().await.unwrap()[..]).unwrap()
    }

    async fn text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

const PRIVATE: u64 = 800_000_000_000_000_042;

/// The sample record, a private company and a private event of a public one.
pub(crate) async fn site() -> Site {
    let t = TestStore::new().await;
    layoffs_bot::csv_io::import_file(
        &t.store,
        &data("tests/data/layoffs_fyi_sample.csv"),
        false,
        now(),
    )
    .await
    .unwrap();
    let scope = EventScope::Tenant(Tenant::discord(PRIVATE));
    for (company, location) in [("Secretco Labs", "Hidden Valley"), ("Amazon", "Secret Lab")] {
        let e = layoffs_bot::domain::NewEvent {
            scope: scope.clone(),
            location: Some(location.into()),
            ..event(company, "2026-02-01", Headcount::Exact(77))
        };
        service::record_event(&t.store, &e, &Actor::discord(5), now())
            .await
            .unwrap();
    }
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_layoffs-bot"))
        .arg("web")
        .env("DATABASE_URL", &t.url)
        .env("WEB_LISTEN_ADDR", addr.to_string())
        .env_remove("WEB_BASE_URL")
        .env_remove("RUST_LOG")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Answers are read as sent: compressed ones are not unpacked on the way.
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .no_gzip()
        .build()
        .unwrap();
    let base = format!("http://{addr}");
    // The process binds in a moment; there is no event to wait on from here.
    for _ in 0..500 {
        if client.get(&base).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Site {
        t,
        base,
        client,
        _child: child,
    }
}

#[tokio::test]
async fn pages_show_the_record_with_cache_and_security_headers() {
    let s = site().await;
    let home = s.get("/").await;
    assert_eq!(home.status(), 200);
    let h = home.headers().clone();
    assert!(
        h[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(h.contains_key(header::CACHE_CONTROL) && h.contains_key(header::REFERRER_POLICY));
    let etag = h[header::ETAG].to_str().unwrap().to_string();
    let html = home.text().await.unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
        "{html}"
    );
    assert!(html.contains("<h1>Latest layoffs</h1>") && html.contains("<time datetime="));
    let again = s
        .client
        .get(&s.base)
        .header(header::IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let (status, amazon) = s.text("/companies/amazon").await;
    assert_eq!(status, 200);
    assert!(amazon.contains("<h1>Amazon layoffs</h1>"), "{amazon}");
    assert!(amazon.contains("rel=\"nofollow noopener\""));
    let alias = s.get("/companies/aws").await;
    assert_eq!(alias.status(), 301);
    assert_eq!(alias.headers()[header::LOCATION], "/companies/amazon");
    let (status, typo) = s.text("/companies/amazn").await;
    assert_eq!(status, 404);
    assert!(typo.contains("href=\"/companies/amazon\""), "{typo}");
    let search = s.get("/search?q=aws").await;
    assert_eq!(search.headers()[header::LOCATION], "/companies/amazon");
    assert_eq!(s.text("/search?q=").await.0, 400);
    assert_eq!(s.text("/?page=abc").await.0, 400);
    assert_eq!(s.text("/nowhere").await.0, 404);
    let long = format!("/?page={}", "1".repeat(2000));
    assert_eq!(s.text(&long).await.0, 400);
}

#[tokio::test]
async fn private_events_and_names_never_appear_on_the_web() {
    let s = site().await;
    let (status, page) = s.text("/companies/secretco-labs").await;
    let (unknown_status, unknown) = s.text("/companies/nosuchco-labs").await;
    assert_eq!((status, unknown_status), (404, 404));
    assert_eq!(
        page.replace("secretco labs", "X"),
        unknown.replace("nosuchco labs", "X"),
        "a private name answers as an unknown one"
    );
    for path in [
        "/",
        "/companies/amazon",
        "/companies/amazon.csv",
        "/companies/amazon/feed.atom",
        "/events.csv",
        "/feed.atom",
        "/search?q=secretco",
        "/companies/secretco",
    ] {
        let (_, body) = s.text(path).await;
        let lower = body.to_lowercase();
        assert!(
            !lower.contains("secretco") || path.contains("secretco"),
            "{path}: {body}"
        );
        assert!(
            !body.contains("Secret Lab") && !body.contains("Hidden Valley"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn csv_and_atom_feeds_follow_corrections_and_removals() {
    let s = site().await;
    let csv = s.get("/companies/amazon.csv").await;
    assert!(
        csv.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with("company,location,total_laid_off,date"),
        "{text}"
    );
    let before = s.feed("/companies/amazon/feed.atom").await;
    let newest = &before.entries()[0];
    let id: i64 = newest.id().rsplit(':').next().unwrap().parse().unwrap();
    assert!(newest.id().starts_with("tag:layoffs-bot,2024:event:"));
    let home = Tenant::discord(1);
    let by = Moderator::new(Actor::discord(1), home.clone(), Some(&home));
    let fix = RawEvent {
        count: Some(16_001),
        ..RawEvent::default()
    };
    service::edit_event(
        &s.t.store,
        id,
        &fix,
        &by,
        now() + chrono::Duration::hours(1),
    )
    .await
    .unwrap();
    let after = s.feed("/companies/amazon/feed.atom").await;
    let same = after
        .entries()
        .iter()
        .find(|e| e.id() == newest.id())
        .unwrap();
    assert!(
        same.updated() > newest.updated(),
        "a correction bumps updated"
    );
    service::remove_event(&s.t.store, id, &by, now())
        .await
        .unwrap();
    let gone = s.feed("/feed.atom").await;
    assert!(
        gone.entries().iter().all(|e| e.id() != newest.id()),
        "a removed event is gone"
    );
}

#[tokio::test]
async fn stats_pages_and_charts_answer_like_layoffs_stats() {
    let s = site().await;
    let (status, page) = s.text("/stats?year=2023&industry=retail").await;
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Retail, 2023</h1>"), "{page}");
    assert!(
        page.contains("<img src=\"/stats.png?year=2023&amp;industry=retail\""),
        "{page}"
    );
    assert!(
        page.contains("alt=\"Bar chart of people laid off a month"),
        "{page}"
    );
    assert!(page.contains("<caption>People laid off a month</caption>"));
    let (status, both) = s.text("/stats?period=ytd&year=2023").await;
    assert_eq!(status, 400);
    assert!(
        both.contains("Give either a period or a year, not both."),
        "{both}"
    );
    let (status, typo) = s.text("/stats?industry=retial").await;
    assert_eq!(status, 400);
    assert!(typo.contains("Did you mean: Retail"), "{typo}");
    let png = s.get("/stats.png?year=2023").await;
    assert_eq!(png.headers()[header::CONTENT_TYPE], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let (_, amazon) = s.text("/companies/amazon").await;
    assert!(
        amazon.contains("<meta property=\"og:image\" content=\"/companies/amazon/chart.png\">"),
        "{amazon}"
    );
    let chart = s.get("/companies/amazon/chart.png").await;
    assert!(chart.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let (_, home) = s.text("/").await;
    assert!(
        home.contains("src=\"/stats.png\""),
        "the year's chart on the home page"
    );
    let head = s.client.head(&s.base).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert!(head.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn csv_and_feeds_take_the_stats_filters() {
    let s = site().await;
    let (_, all) = s.text("/events.csv").await;
    let (status, retail) = s.text("/events.csv?industry=retail&year=2023").await;
    assert_eq!(status, 200);
    let rows: Vec<&str> = retail.lines().skip(1).collect();
    assert!(!rows.is_empty() && rows.len() < all.lines().count() - 1);
    let mut reader = csv::Reader::from_reader(retail.as_bytes());
    for r in reader.records() {
        let r = r.unwrap();
        assert_eq!(&r[5], "Retail", "{r:?}");
        assert!(r[3].starts_with("2023-"), "{r:?}");
    }
    let us = s.feed("/feed.atom?country=united%20states").await;
    assert!(!us.entries().is_empty());
    assert_eq!(s.text("/events.csv?source=filings").await.0, 400);
    assert_eq!(s.text("/feed.atom?industry=retial").await.0, 400);
}

#[tokio::test]
async fn answers_are_compressed_and_carry_the_records_last_change() {
    let s = site().await;
    let gz = s
        .client
        .get(&s.base)
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip");
    let home = s.get("/companies/amazon").await;
    let modified = home.headers()[header::LAST_MODIFIED]
        .to_str()
        .unwrap()
        .to_string();
    assert!(modified.ends_with(" GMT"), "{modified}");
    let html = home.text().await.unwrap();
    assert!(
        html.contains("The record last changed <time datetime="),
        "{html}"
    );
    let again = s
        .client
        .get(format!("{}/companies/amazon", s.base))
        .header(header::IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let earlier = "Mon, 01 Jan 2001 00:00:00 GMT";
    let stale = s
        .client
        .get(format!("{}/companies/amazon", s.base))
        .header(header::IF_MODIFIED_SINCE, earlier)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);
}
