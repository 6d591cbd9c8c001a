//! News feeds as sources: RSS 2.0, RSS 1.0 and Atom items that read as a layoff become
//! candidates (never events), read for company, people and teams, told apart from what is
//! recorded, and settled once from the command line.

use layoffs_bot::domain::source_spec::{self, SourceKind, SourceName, SourceSpec};
use layoffs_bot::service;
use layoffs_bot::sources::fetch::Fetcher;
use layoffs_bot::sources::{self, Synced};

use crate::sources::Upstream;
use crate::support::{TestStore, data, now};

pub(crate) fn rss(items: &[(&str, &str, &str)]) -> String {
    use std::fmt::Write as _;
    let items = items
        .iter()
        .fold(String::new(), |mut out, (title, link, date)| {
            let _ = write!(
                out,
                "<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
            );
            out
        });
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Tech news</title><link>https://news.example/</link><description>x</description>{items}</channel></rss>"#
    )
}

const RSS_1: &str = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://one.example/"><title>One</title><link>https://one.example/</link><description>x</description></channel>
<item rdf:about="https://one.example/pinterest"><title>Pinterest cuts 15 percent of staff</title><link>https://one.example/pinterest</link><dc:date>2026-11-20T10:00:00Z</dc:date></item>
</rdf:RDF>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title><id>urn:x</id><updated>2026-11-21T00:00:00Z</updated>
<entry><title>Ericsson sheds 1,600 jobs in Sweden</title><id>urn:e1</id><link href="https://atom.example/ericsson"/><updated>2026-11-21T00:00:00Z</updated></entry>
<entry><title>Ericsson opens a lab</title><id>urn:e2</id><link href="https://atom.example/lab"/><updated>2026-11-21T00:00:00Z</updated></entry>
</feed>"#;

async fn add(t: &TestStore, name: &str, url: &str, words: &[&str]) -> SourceName {
    let spec = SourceSpec {
        name: SourceName::parse(name).unwrap(),
        url: source_spec::parse_url(url).unwrap(),
        kind: SourceKind::Feed,
        every: source_spec::SHORTEST_EVERY,
        announce: false,
        words: words.iter().map(|w| (*w).to_string()).collect(),
    };
    service::sources::add(&t.store, &spec, now()).await.unwrap();
    spec.name
}

async fn sync(t: &TestStore, name: &SourceName) -> Synced {
    let owner = service::sources::lease_owner("test");
    sources::sync(&t.store, &Fetcher::new().unwrap(), name, &owner, now())
        .await
        .unwrap()
}

async fn recorded() -> TestStore {
    let t = TestStore::new().await;
    layoffs_bot::csv_io::import_file(
        &t.store,
        &data("tests/data/layoffs_fyi_sample.csv"),
        false,
        now(),
    )
    .await
    .unwrap();
    t
}

#[tokio::test]
async fn feed_items_that_read_as_layoffs_become_candidates_read_for_what_they_state() {
    let up = Upstream::start().await;
    up.put(
        "news.xml",
        rss(&[
            (
                "Amazon lays off hundreds in sales, marketing and global services",
                "https://news.example/aws?utm_source=feed",
                "Fri, 20 Nov 2026 09:00:00 GMT",
            ),
            (
                "Amazon to cut 16,000 corporate jobs",
                "https://news.example/amazon-16000",
                "Thu, 29 Jan 2026 09:00:00 GMT",
            ),
            (
                "Apple unveils a new iPhone",
                "https://news.example/iphone",
                "Fri, 20 Nov 2026 09:00:00 GMT",
            ),
            (
                "Tiny startup no one knows lays off 12 workers",
                "https://news.example/tiny",
                "Fri, 20 Nov 2026 09:00:00 GMT",
            ),
        ]),
    );
    let t = recorded().await;
    let events_before = service::listing::global_events(&t.store, None)
        .await
        .unwrap()
        .len();
    let news = add(&t, "news", &up.url("/file/news.xml"), &[]).await;
    let Synced::Read(report) = sync(&t, &news).await else {
        panic!("read")
    };
    assert_eq!((report.items, report.taken, report.new), (4, 3, 3));
    assert_eq!(
        service::listing::global_events(&t.store, None)
            .await
            .unwrap()
            .len(),
        events_before,
        "candidates are never events"
    );
    let list = service::candidates::list(&t.store, false).await.unwrap();
    let aws = list
        .iter()
        .find(|c| c.title.starts_with("Amazon lays off"))
        .unwrap();
    assert_eq!(aws.company.as_deref(), Some("Amazon"));
    assert_eq!(aws.headcount_text.as_deref(), Some("hundreds"));
    assert_eq!(
        aws.teams.as_deref(),
        Some("sales, marketing and global services")
    );
    assert_eq!(aws.near_event_id, None);
    let cut = list.iter().find(|c| c.title.contains("16,000")).unwrap();
    assert_eq!(cut.headcount, Some(16_000));
    assert!(
        cut.near_event_id.is_some(),
        "Amazon's 2026-01-28 event is a day away"
    );
    let tiny = list.iter().find(|c| c.title.starts_with("Tiny")).unwrap();
    assert_eq!((tiny.company.as_deref(), tiny.headcount), (None, Some(12)));

    assert!(
        matches!(sync(&t, &news).await, Synced::Unchanged),
        "same feed: a 304"
    );
    // The same article again (other tracking, a fragment) is not a new candidate.
    up.put(
        "news.xml",
        rss(&[
            (
                "Amazon lays off hundreds in sales, marketing and global services",
                "https://NEWS.example/aws?utm_medium=x#top",
                "Fri, 20 Nov 2026 09:00:00 GMT",
            ),
            (
                "Google eliminates 200 positions",
                "https://news.example/google",
                "Sat, 21 Nov 2026 09:00:00 GMT",
            ),
        ]),
    );
    let Synced::Read(again) = sync(&t, &news).await else {
        panic!("again")
    };
    assert_eq!((again.items, again.taken, again.new), (2, 2, 1));
}

#[tokio::test]
async fn rss_1_and_atom_feeds_are_read_and_a_malformed_one_fails_with_a_sentence() {
    let up = Upstream::start().await;
    up.put("one.rdf", RSS_1);
    up.put("atom.xml", ATOM);
    up.put("broken.xml", "<rss><channel><item><title>Amazon lays off");
    up.put(
        "restructure.xml",
        rss(&[(
            "Acme announces a restructuring",
            "https://news.example/acme",
            "Fri, 20 Nov 2026 09:00:00 GMT",
        )]),
    );
    let t = recorded().await;
    let one = add(&t, "one", &up.url("/file/one.rdf"), &[]).await;
    let Synced::Read(r) = sync(&t, &one).await else {
        panic!("rss 1.0")
    };
    assert_eq!((r.items, r.taken), (1, 1));
    let atom = add(&t, "atom", &up.url("/file/atom.xml"), &[]).await;
    let Synced::Read(r) = sync(&t, &atom).await else {
        panic!("atom")
    };
    assert_eq!((r.items, r.taken), (2, 1));
    let list = service::candidates::list(&t.store, false).await.unwrap();
    let pinterest = list.iter().find(|c| c.source == "one").unwrap();
    assert_eq!(
        (pinterest.company.as_deref(), pinterest.percentage),
        (Some("Pinterest"), Some(15.0))
    );
    let ericsson = list.iter().find(|c| c.source == "atom").unwrap();
    assert_eq!(
        (ericsson.headcount, ericsson.location.as_deref()),
        (Some(1600), Some("Sweden"))
    );

    let broken = add(&t, "broken", &up.url("/file/broken.xml"), &[]).await;
    let Synced::Failed(why) = sync(&t, &broken).await else {
        panic!("malformed")
    };
    assert!(why.contains("not an RSS or Atom feed"), "{why}");
    let plain = add(&t, "plain", &up.url("/file/restructure.xml"), &[]).await;
    let Synced::Read(r) = sync(&t, &plain).await else {
        panic!("plain")
    };
    assert_eq!(r.taken, 0, "restructuring is not a layoff word by default");
    let worded = add(
        &t,
        "worded",
        &up.url("/file/restructure.xml"),
        &["restructuring"],
    )
    .await;
    let Synced::Read(r) = sync(&t, &worded).await else {
        panic!("worded")
    };
    assert_eq!(r.taken, 1, "the operator's word");
}

/// The binary's exit status, stdout and stderr.
async fn cli(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = crate::sources_e2e::cli(url, args).await;
    let (stdout, stderr) = crate::sources_e2e::text(&out);
    (out.status.success(), stdout, stderr)
}

/// `sources add` (refusing --announce for a feed) and `sources sync` of the news feed.
async fn add_and_sync_news(url: &str, up: &Upstream) {
    let (ok, out, err) = cli(
        url,
        &[
            "sources",
            "add",
            "news",
            &up.url("/file/news.xml"),
            "--kind",
            "feed",
            "--announce",
        ],
    )
    .await;
    assert!(
        !ok && err.contains("--announce is for csv and warn sources"),
        "{out}{err}"
    );
    let (ok, _, err) = cli(
        url,
        &[
            "sources",
            "add",
            "news",
            &up.url("/file/news.xml"),
            "--kind",
            "feed",
            "--every",
            "15m",
        ],
    )
    .await;
    assert!(ok, "{err}");
    let (ok, out, err) = cli(url, &["sources", "sync", "news"]).await;
    assert!(ok, "{err}");
    assert!(
        out.contains("news: read: 3 items, 3 read as layoffs, 3 new candidates"),
        "{out}"
    );
}

#[tokio::test]
async fn candidates_are_listed_added_with_their_posts_or_dismissed_once_from_the_command_line() {
    let up = Upstream::start().await;
    up.put(
        "news.xml",
        rss(&[
            (
                "Amazon lays off hundreds in sales, marketing and global services",
                "https://news.example/aws",
                "Fri, 20 Nov 2026 09:00:00 GMT",
            ),
            (
                "Tiny startup lays off 12 workers",
                "https://news.example/tiny",
                "Fri, 20 Nov 2026 09:00:00 GMT",
            ),
            (
                "Pinterest layoffs rumoured",
                "https://news.example/pin",
                "Fri, 20 Nov 2026 09:00:00 GMT",
            ),
        ]),
    );
    let t = recorded().await;
    crate::sources::subscribe_all(&t.store).await;
    let url = t.url.clone();
    add_and_sync_news(&url, &up).await;
    let (_, list, _) = cli(&url, &["candidates"]).await;
    assert!(list.contains("[news] Amazon lays off hundreds"), "{list}");
    assert!(
        list.contains("read: Amazon · hundreds · teams: sales, marketing and global services"),
        "{list}"
    );
    assert!(
        list.contains("read: no company in the record · 12 people"),
        "{list}"
    );
    let id_of = |title: &str| -> String {
        let line = list.lines().find(|l| l.contains(title)).unwrap();
        line.split_whitespace()
            .next()
            .unwrap()
            .trim_start_matches('#')
            .to_string()
    };
    let (aws, tiny, pin) = (
        id_of("Amazon lays off"),
        id_of("Tiny startup"),
        id_of("Pinterest"),
    );

    let (ok, out, err) = cli(&url, &["candidates", "add", &aws]).await;
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("Added candidate #{aws} as event #")),
        "{out}"
    );
    assert_eq!(
        t.store.waiting_posts().await.unwrap().0,
        1,
        "posted like a global addition"
    );
    let (ok, _, err) = cli(&url, &["candidates", "add", &aws]).await;
    assert!(
        !ok && err.contains("already handled by the operator (added)"),
        "{err}"
    );
    let (ok, _, err) = cli(&url, &["candidates", "add", &tiny]).await;
    assert!(!ok && err.contains("give it with --company NAME"), "{err}");
    let (ok, out, err) = cli(
        &url,
        &[
            "candidates",
            "add",
            &tiny,
            "--company",
            "Tiny Startup",
            "--people",
            "12",
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert!(out.contains("(Tiny Startup on 2026-11-20)"), "{out}");
    let (ok, _, err) = cli(&url, &["candidates", "dismiss", &pin]).await;
    assert!(ok, "{err}");
    let (ok, _, err) = cli(&url, &["candidates", "dismiss", &pin]).await;
    assert!(!ok && err.contains("already handled"), "{err}");
    let (ok, _, err) = cli(&url, &["candidates", "dismiss", "99999"]).await;
    assert!(!ok && err.contains("there is no candidate #99999"), "{err}");

    let (_, open, _) = cli(&url, &["candidates"]).await;
    assert!(open.contains("No open candidates"), "{open}");
    let (_, all, _) = cli(&url, &["candidates", "--all"]).await;
    assert!(
        all.contains("dismissed by cli:candidates") && all.contains("added as #"),
        "{all}"
    );
}

#[tokio::test]
async fn a_candidate_that_is_a_recorded_event_becomes_one_of_its_sources() {
    let up = Upstream::start().await;
    let link = "https://news.example/amazon-16000";
    up.put(
        "news.xml",
        rss(&[(
            "Amazon to cut 16,000 corporate jobs",
            link,
            "Thu, 29 Jan 2026 09:00:00 GMT",
        )]),
    );
    let t = recorded().await;
    let news = add(&t, "news", &up.url("/file/news.xml"), &[]).await;
    sync(&t, &news).await;
    let candidate = service::candidates::list(&t.store, false).await.unwrap()[0].clone();
    let near = candidate.near_event_id.expect("probably recorded");
    let (ok, out, err) = cli(
        &t.url,
        &["candidates", "same", &candidate.id.to_string(), "999999"],
    )
    .await;
    assert!(
        !ok && err.contains("there is no event #999999"),
        "{out}{err}"
    );
    let (ok, out, err) = cli(
        &t.url,
        &[
            "candidates",
            "same",
            &candidate.id.to_string(),
            &near.to_string(),
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("is event #{near} (Amazon on 2026-01-28)")),
        "{out}"
    );
    let event = t.store.event(near).await.unwrap().unwrap();
    let sources: Vec<&str> = event
        .more_sources
        .iter()
        .map(layoffs_bot::domain::Source::as_str)
        .collect();
    assert_eq!(sources, [link], "the link is a further source");
    let again = service::candidates::same(
        &t.store,
        candidate.id,
        near,
        &service::candidates::Reviewer::operator("x"),
        now(),
    )
    .await;
    assert!(
        again
            .unwrap_err()
            .user_message()
            .contains("already handled by the operator (marked the same as a recorded event)")
    );
}
