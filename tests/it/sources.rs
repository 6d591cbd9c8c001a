//! Sources against a local HTTP server standing in for the operator's URLs: files that change
//! between syncs with ETags and 304s, 429 with Retry-After, 500s, a redirect loop, an
//! oversized and a slow body, a body of the wrong kind; leases; and announcements.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use layoffs_bot::Store;
use layoffs_bot::domain::source_spec::{self, SourceKind, SourceName, SourceSpec};
use layoffs_bot::domain::{Actor, AlertSettings, ChannelRef, Tenant};
use layoffs_bot::service;
use layoffs_bot::sources::fetch::{Fetcher, USER_AGENT};
use layoffs_bot::sources::{self, Synced};

use crate::support::{TestStore, data, now};

/// The files it serves, and the headers of every request it got.
#[derive(Clone, Default)]
pub(crate) struct Upstream {
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    seen: Arc<Mutex<Vec<(String, HeaderMap)>>>,
    /// How many file requests came, to wait on.
    hits: Arc<(std::sync::atomic::AtomicUsize, tokio::sync::Notify)>,
    pub(crate) base: String,
}

impl Upstream {
    pub(crate) async fn start() -> Self {
        let mut up = Self::default();
        let app = Router::new()
            .route("/file/{name}", get(file))
            .route(
                "/busy",
                get(|| async {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "3600")],
                    )
                }),
            )
            .route(
                "/broken",
                get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
            )
            .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
            .route(
                "/loop",
                get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop")]) }),
            )
            .route(
                "/to-ftp",
                get(|| async {
                    (
                        StatusCode::FOUND,
                        [(header::LOCATION, "ftp://example.com/x.csv")],
                    )
                }),
            )
            .route("/huge", get(huge))
            .route("/slow", get(slow))
            .with_state(up.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        up.base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        up
    }

    pub(crate) fn put(&self, name: &str, body: impl Into<Vec<u8>>) {
        self.files.lock().unwrap().insert(name.into(), body.into());
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Waits until `n` file requests came in all.
    pub(crate) async fn wait_for_hits(&self, n: usize) {
        let (count, changed) = &*self.hits;
        let wait = async {
            loop {
                let notified = changed.notified();
                if count.load(std::sync::atomic::Ordering::SeqCst) >= n {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(Duration::from_mins(1), wait)
            .await
            .expect("the source was fetched");
    }

    fn last_request(&self) -> HeaderMap {
        self.seen.lock().unwrap().last().unwrap().1.clone()
    }
}

fn tag_of(body: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    body.hash(&mut h);
    format!("\"{:x}\"", h.finish())
}

async fn file(
    State(up): State<Upstream>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    up.seen
        .lock()
        .unwrap()
        .push((name.clone(), headers.clone()));
    up.hits.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    up.hits.1.notify_waiters();
    let Some(body) = up.files.lock().unwrap().get(&name).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let tag = tag_of(&body);
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.to_str().unwrap() == tag)
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::ETAG, tag)], body).into_response()
}

/// 51 MiB in 1 MiB chunks, with no Content-Length: the cap must hold as bytes arrive.
async fn huge() -> Body {
    let chunk = axum::body::Bytes::from(vec![b'x'; 1024 * 1024]);
    Body::from_stream(futures::stream::iter(
        (0..51).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
    ))
}

/// A first line, then nothing, ever.
async fn slow() -> Body {
    let first = futures::stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from_static(
        b"company,location\n",
    ))]);
    Body::from_stream(futures::StreamExt::chain(first, futures::stream::pending()))
}

pub(crate) fn sample() -> String {
    std::fs::read_to_string(data("tests/data/layoffs_fyi_sample.csv")).unwrap()
}

/// `n` rows of companies no file has, dated in November 2026.
pub(crate) fn new_rows(from: usize, n: usize) -> String {
    use std::fmt::Write as _;
    (from..from + n).fold(String::new(), |mut out, i| {
        let _ = writeln!(
            out,
            "Brandnew{i},Seattle,{},11/20/2026,,Retail,https://example.com/{i},Post-IPO,,United States,11/20/2026",
            100 + i
        );
        out
    })
}

async fn add(store: &Store, name: &str, url: &str, kind: SourceKind, announce: bool) -> SourceName {
    let spec = SourceSpec {
        name: SourceName::parse(name).unwrap(),
        url: source_spec::parse_url(url).unwrap(),
        kind,
        every: source_spec::DEFAULT_EVERY,
        announce,
        words: Vec::new(),
    };
    service::sources::add(store, &spec, now()).await.unwrap();
    spec.name
}

async fn sync(store: &Store, name: &SourceName) -> Synced {
    let fetcher = Fetcher::new().unwrap();
    sources::sync(
        store,
        &fetcher,
        name,
        &service::sources::lease_owner("test"),
        now(),
    )
    .await
    .unwrap()
}

/// A channel of tenant 42 that follows every event.
pub(crate) async fn subscribe_all(store: &Store) {
    subscribe(store).await;
}

async fn subscribe(store: &Store) {
    service::subscribe(
        store,
        &Tenant::discord(42),
        &ChannelRef::discord(7),
        &AlertSettings::default(),
        &Actor::cli("test"),
        now(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_csv_source_imports_as_import_does_then_costs_a_304_and_announces_after_the_backfill() {
    let up = Upstream::start().await;
    up.put("fyi.csv", sample());
    let t = TestStore::new().await;
    subscribe(&t.store).await;
    let name = add(
        &t.store,
        "fyi",
        &up.url("/file/fyi.csv"),
        SourceKind::Csv,
        true,
    )
    .await;

    let Synced::Imported(first) = sync(&t.store, &name).await else {
        panic!("first sync")
    };
    let by_hand = TestStore::new().await;
    let import = layoffs_bot::csv_io::import_file(
        &by_hand.store,
        &data("tests/data/layoffs_fyi_sample.csv"),
        false,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(
        (
            first.read,
            first.imported,
            first.duplicates.len(),
            first.merged.len(),
            first.probable.len(),
            first.rejected.len()
        ),
        (
            import.read,
            import.imported,
            import.duplicates.len(),
            import.merged.len(),
            import.probable.len(),
            import.rejected.len()
        ),
    );
    assert!(first.imported > 4000, "{}", first.imported);
    assert_eq!(first.announced, 0, "the first sync is a backfill");
    assert_eq!(t.store.waiting_posts().await.unwrap().0, 0);
    let headers = up.last_request();
    assert_eq!(headers[header::USER_AGENT], USER_AGENT);
    assert!(USER_AGENT.starts_with("layoffs-bot/") && USER_AGENT.contains("github.com"));
    assert!(
        headers[header::ACCEPT_ENCODING]
            .to_str()
            .unwrap()
            .contains("gzip")
    );

    assert!(
        matches!(sync(&t.store, &name).await, Synced::Unchanged),
        "same ETag: a 304"
    );
    assert!(up.last_request().contains_key(header::IF_NONE_MATCH));

    up.put("fyi.csv", sample() + &new_rows(0, 2));
    let Synced::Imported(second) = sync(&t.store, &name).await else {
        panic!("second sync")
    };
    assert_eq!((second.read, second.imported), (first.read + 2, 2));
    assert_eq!(
        second.announced, 2,
        "one post per new event in the one subscribed channel"
    );
    assert_eq!(t.store.waiting_posts().await.unwrap().0, 2);

    up.put("fyi.csv", sample() + &new_rows(0, 2) + &new_rows(100, 51));
    let Synced::Imported(flood) = sync(&t.store, &name).await else {
        panic!("third sync")
    };
    assert_eq!(
        (flood.imported, flood.announced, flood.announce_withheld),
        (51, 0, Some(51))
    );
    assert_eq!(
        t.store.waiting_posts().await.unwrap().0,
        2,
        "over 50 new: nothing posted"
    );

    let row = t.store.source("fyi").await.unwrap().unwrap();
    assert_eq!(
        (
            row.imported_syncs,
            row.failures,
            row.last_outcome.as_deref()
        ),
        (3, 0, Some("imported"))
    );
    assert!(row.last_counts.unwrap().contains("51 imported"));
    assert_eq!(row.next_at, now() + chrono::Duration::hours(6));
}

#[tokio::test]
async fn a_first_sync_is_a_backfill_and_announces_nothing_however_small() {
    let up = Upstream::start().await;
    let t = TestStore::new().await;
    subscribe(&t.store).await;
    // A backfill small enough to announce still announces nothing.
    let header = sample().lines().next().unwrap().to_string() + "\n";
    up.put("small.csv", header + &new_rows(500, 3));
    let small = add(
        &t.store,
        "small",
        &up.url("/file/small.csv"),
        SourceKind::Csv,
        true,
    )
    .await;
    let Synced::Imported(backfill) = sync(&t.store, &small).await else {
        panic!("small")
    };
    assert_eq!(
        (
            backfill.imported,
            backfill.announced,
            backfill.announce_withheld
        ),
        (3, 0, None)
    );
    assert_eq!(t.store.waiting_posts().await.unwrap().0, 0);

    // The next new row is announced.
    let header = sample().lines().next().unwrap().to_string() + "\n";
    up.put("small.csv", header + &new_rows(500, 4));
    let Synced::Imported(next) = sync(&t.store, &small).await else {
        panic!("next")
    };
    assert_eq!((next.imported, next.announced), (1, 1));
}

#[tokio::test]
async fn a_warn_source_imports_filings_and_refuses_a_file_of_the_other_kind() {
    let up = Upstream::start().await;
    up.put(
        "wa.csv",
        std::fs::read(data("tests/data/warn_wa_sample.csv")).unwrap(),
    );
    up.put("fyi.csv", sample());
    let t = TestStore::new().await;
    let wa = add(
        &t.store,
        "wa-warn",
        &up.url("/file/wa.csv"),
        SourceKind::Warn,
        false,
    )
    .await;
    let Synced::Imported(report) = sync(&t.store, &wa).await else {
        panic!("warn sync")
    };
    let by_hand = TestStore::new().await;
    let import = layoffs_bot::csv_io::import_file(
        &by_hand.store,
        &data("tests/data/warn_wa_sample.csv"),
        false,
        now(),
    )
    .await
    .unwrap();
    assert_eq!(
        (report.read, report.imported, report.superseded.len()),
        (import.read, import.imported, import.superseded.len())
    );
    assert!(report.imported > 1000);

    let wrong = add(
        &t.store,
        "wrong",
        &up.url("/file/fyi.csv"),
        SourceKind::Warn,
        false,
    )
    .await;
    let Synced::Failed(why) = sync(&t.store, &wrong).await else {
        panic!("wrong kind")
    };
    assert!(why.contains("does not serve a WARN file"), "{why}");
    let also_wrong = add(
        &t.store,
        "also-wrong",
        &up.url("/file/wa.csv"),
        SourceKind::Csv,
        false,
    )
    .await;
    let Synced::Failed(why) = sync(&t.store, &also_wrong).await else {
        panic!("wrong kind")
    };
    assert!(why.contains("--kind warn"), "{why}");
}

#[tokio::test]
async fn failing_sources_say_why_back_off_and_import_nothing() {
    let up = Upstream::start().await;
    up.put("bad.csv", "company,location\n\"unterminated");
    let t = TestStore::new().await;
    let cases = [
        ("busy", "/busy", "HTTP 429", 60),
        ("broken", "/broken", "HTTP 500", 5),
        ("missing", "/missing", "HTTP 404", 5),
        ("loop", "/loop", "too many redirects", 5),
        ("to-ftp", "/to-ftp", "too many redirects", 5),
        ("huge", "/huge", "larger than 50 MB", 5),
        ("malformed", "/file/bad.csv", "could not be imported", 5),
    ];
    for (name, path, why, minutes) in cases {
        let source = add(&t.store, name, &up.url(path), SourceKind::Csv, false).await;
        let Synced::Failed(error) = sync(&t.store, &source).await else {
            panic!("{name} should fail")
        };
        assert!(error.contains(why), "{name}: {error}");
        let row = t.store.source(name).await.unwrap().unwrap();
        assert_eq!(
            (row.failures, row.last_outcome.as_deref()),
            (1, Some("failed")),
            "{name}"
        );
        assert_eq!(
            row.next_at,
            now() + chrono::Duration::minutes(minutes),
            "{name}: back-off, Retry-After"
        );
        assert_eq!(row.last_error.as_deref(), Some(error.as_str()));
    }
    // A second failure in a row waits twice as long.
    let broken = SourceName::parse("broken").unwrap();
    sync(&t.store, &broken).await;
    let row = t.store.source("broken").await.unwrap().unwrap();
    assert_eq!(
        (row.failures, row.next_at),
        (2, now() + chrono::Duration::minutes(10))
    );
    assert_eq!(
        layoffs_bot::service::listing::global_events(&t.store, None)
            .await
            .unwrap()
            .len(),
        0
    );
}

#[tokio::test]
async fn a_slow_body_times_out_without_holding_the_others() {
    let up = Upstream::start().await;
    up.put("fyi.csv", sample());
    let t = TestStore::new().await;
    let slow = add(&t.store, "slow", &up.url("/slow"), SourceKind::Csv, false).await;
    let good = add(
        &t.store,
        "good",
        &up.url("/file/fyi.csv"),
        SourceKind::Csv,
        false,
    )
    .await;
    let fetcher = Fetcher::with_timeouts(Duration::from_secs(1), Duration::from_secs(1)).unwrap();
    let owner = service::sources::lease_owner("test");
    let (slow, good) = tokio::join!(
        sources::sync(&t.store, &fetcher, &slow, &owner, now()),
        sources::sync(&t.store, &fetcher, &good, &owner, now()),
    );
    let Synced::Failed(why) = slow.unwrap() else {
        panic!("slow")
    };
    assert!(why.contains("took too long"), "{why}");
    assert!(matches!(good.unwrap(), Synced::Imported(_)));
}

#[tokio::test]
async fn one_sync_of_a_source_at_a_time_and_a_dead_holders_lease_is_taken_over() {
    let up = Upstream::start().await;
    up.put("fyi.csv", sample());
    let t = TestStore::new().await;
    let name = add(
        &t.store,
        "fyi",
        &up.url("/file/fyi.csv"),
        SourceKind::Csv,
        false,
    )
    .await;
    let until = now() + chrono::Duration::minutes(15);
    let live = service::sources::lease_owner("bot");
    assert!(
        t.store
            .lease_source("fyi", &live, now(), until)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        matches!(sync(&t.store, &name).await, Synced::Busy),
        "a live holder keeps it"
    );
    // The holder was killed half way: its import rolled back, its lease stays.
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let dead = format!("bot pid 4194305 on {} since 1", host.trim());
    t.store
        .take_over_source("fyi", &live, &dead, until)
        .await
        .unwrap()
        .unwrap();
    let Synced::Imported(report) = sync(&t.store, &name).await else {
        panic!("taken over")
    };
    assert!(report.imported > 4000);
    // Its expiry frees it too.
    t.store
        .lease_source("fyi", &live, now(), until)
        .await
        .unwrap();
    let later = until + chrono::Duration::seconds(1);
    let fetcher = Fetcher::new().unwrap();
    let synced = sources::sync(&t.store, &fetcher, &name, "other", later)
        .await
        .unwrap();
    assert!(matches!(synced, Synced::Unchanged), "{synced:?}");
}
