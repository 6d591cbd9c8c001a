//! One layoff, one event: the two real layoffs.fyi files imported one after the other, with
//! merges, probable duplicates, curators' aliases and company merges, several sources per
//! event, and a moderator's new source kept beside the old one. The counts are the ones
//! tests/scripts/merge_counts.py finds independently.

use layoffs_bot::Store;
use layoffs_bot::csv_io::{self as import, FileOptions};
use layoffs_bot::domain::{Actor, Headcount, LayoffEvent, Page, RawEvent, Source, Tenant, Viewer};
use layoffs_bot::service::{self, Moderator, curation};

use crate::support::{TestStore, data, day, now};

const SAMPLE: &str = "tests/data/layoffs_fyi_sample.csv";
const CLASSIC: &str = "tests/data/layoffs_fyi_classic_2361.csv";

async fn events_of(store: &Store, name: &str) -> Vec<LayoffEvent> {
    let company = store
        .find_company(name, &Viewer::EVERYONE)
        .await
        .unwrap()
        .expect(name);
    store
        .events_page(Some(company.id), &Viewer::EVERYONE, None, Page::first(100))
        .await
        .unwrap()
        .events
}

async fn import(store: &Store, file: &str, accept_probable: bool) -> import::ImportReport {
    let options = FileOptions {
        dry_run: false,
        accept_probable,
        ..FileOptions::default()
    };
    let progress = std::sync::Arc::new(import::Silent);
    import::import_file_with_progress(store, &data(file), options, now(), progress)
        .await
        .unwrap()
}

fn counts(r: &import::ImportReport) -> (usize, usize, usize, usize, usize, usize) {
    let (dup, rej) = (r.duplicates.len(), r.rejected.len());
    (
        r.read,
        r.imported,
        r.merged.len(),
        r.probable.len(),
        dup,
        rej,
    )
}

#[tokio::test]
async fn the_older_file_after_the_newer_merges_and_holds_back_renamed_rows() {
    let t = TestStore::new().await;
    assert_eq!(
        counts(&import(&t.store, SAMPLE, false).await),
        (4277, 4269, 3, 0, 5, 0)
    );
    let classic = import(&t.store, CLASSIC, false).await;
    assert_eq!(counts(&classic), (2361, 1, 11, 4, 2344, 1));
    assert_eq!(classic.rejected[0].line, 2358);
    let probable: Vec<(u64, &str, &str)> = classic
        .probable
        .iter()
        .map(|p| (p.line, p.company.as_str(), p.event_company.as_str()))
        .collect();
    assert_eq!(
        probable,
        [
            (95, "Momentive", "SurveyMonkey"),
            (399, "Embark", "Embark Vet"),
            (906, "Momentive", "SurveyMonkey"),
            (2043, "Greenhouse Software", "Greenhouse"),
        ]
    );
    assert_eq!(classic.probable[0].date, day("2023-02-15"));

    // Akili Labs: two real layoffs, not three; the merged one keeps Boston and its numbers.
    let akili = events_of(&t.store, "akili labs").await;
    assert_eq!(akili.len(), 2);
    let january = akili.iter().find(|e| e.date == day("2023-01-12")).unwrap();
    assert_eq!(january.headcount, Headcount::Exact(46));
    assert_eq!(january.location.as_deref(), Some("Boston"));
    let (line, id) = classic
        .merged
        .iter()
        .find(|m| m.1 == january.id)
        .copied()
        .unwrap();
    assert_eq!(line, 386);
    let trail = t.store.audit_trail(id).await.unwrap();
    let merge = trail.last().unwrap();
    assert!(
        merge
            .changes
            .contains("layoffs_fyi_classic_2361.csv line 386"),
        "{}",
        merge.changes
    );
    // Clearco 2022-06-06: Toronto 60 and Dublin with no number are two regional cuts.
    let clearco = events_of(&t.store, "clearco").await;
    assert_eq!(
        clearco
            .iter()
            .filter(|e| e.date == day("2022-06-06"))
            .count(),
        2
    );
    // Nomad Health's classic date differs from the sample's: imported.
    assert!(
        events_of(&t.store, "nomad health")
            .await
            .iter()
            .any(|e| e.date == day("2023-02-09"))
    );
    // Totals count each cut once.
    let totals = t.store.totals(None, &Viewer::EVERYONE, None).await.unwrap();
    assert_eq!(totals.events, 4270);
}

#[tokio::test]
async fn aliases_make_renamed_rows_merge_and_imports_stay_idempotent() {
    let t = TestStore::new().await;
    import(&t.store, SAMPLE, false).await;
    import(&t.store, CLASSIC, false).await;
    let cli = Actor::cli("test");
    for (name, company) in [
        ("Momentive", "SurveyMonkey"),
        ("Greenhouse Software", "Greenhouse"),
        ("Embark", "Embark Vet"),
    ] {
        let done = curation::add_alias(&t.store, name, company, &cli, now())
            .await
            .unwrap();
        assert!(
            matches!(done, curation::AliasOutcome::Added { .. }),
            "{done:?}"
        );
    }
    let again = import(&t.store, CLASSIC, false).await;
    assert_eq!(counts(&again), (2361, 0, 4, 0, 2356, 1));
    let once_more = import(&t.store, CLASSIC, false).await;
    assert_eq!(counts(&once_more), (2361, 0, 0, 0, 2360, 1));
    assert_eq!(events_of(&t.store, "momentive").await.len(), 2);
    assert_eq!(
        events_of(&t.store, "SurveyMonkey").await[0].company,
        "SurveyMonkey"
    );

    // An alias that is already a company with events is refused, with what to run instead.
    let err = curation::add_alias(&t.store, "Akili Labs", "Greenhouse", &cli, now())
        .await
        .unwrap_err();
    assert!(
        err.user_message().contains("companies merge"),
        "{}",
        err.user_message()
    );
    let err = curation::add_alias(&t.store, "X", "No Such Company Here", &cli, now())
        .await
        .unwrap_err();
    assert!(
        err.user_message().starts_with("No company matches"),
        "{}",
        err.user_message()
    );
}

#[tokio::test]
async fn a_company_merge_folds_same_day_events_and_keeps_the_name() {
    let t = TestStore::new().await;
    import(&t.store, SAMPLE, false).await;
    // Accepted, the renamed rows are companies of their own.
    assert_eq!(
        counts(&import(&t.store, CLASSIC, true).await),
        (2361, 5, 11, 0, 2344, 1)
    );
    assert_eq!(events_of(&t.store, "embark").await.len(), 1);
    let vet_before = events_of(&t.store, "embark vet").await.len();
    let cli = Actor::cli("test");
    let done = curation::merge_companies(&t.store, "Embark", "Embark Vet", &cli, now())
        .await
        .unwrap();
    assert_eq!((done.moved, done.merged), (0, 1));
    let vet = events_of(&t.store, "embark").await;
    assert_eq!(
        vet.len(),
        vet_before,
        "Embark now finds Embark Vet, with no new event"
    );
    assert_eq!(vet[0].company, "Embark Vet");
    // Greenhouse Software's only event merges into Greenhouse's 2020-04-17 cut.
    let done =
        curation::merge_companies(&t.store, "Greenhouse Software", "Greenhouse", &cli, now())
            .await
            .unwrap();
    assert_eq!((done.moved, done.merged), (0, 1));
    let err = curation::merge_companies(&t.store, "Embark", "Embark Vet", &cli, now())
        .await
        .unwrap_err();
    assert!(
        err.user_message().contains("same company"),
        "{}",
        err.user_message()
    );
    // Rows under the old names are duplicates from now on.
    assert_eq!(
        counts(&import(&t.store, CLASSIC, false).await),
        (2361, 0, 0, 0, 2360, 1)
    );
}

#[tokio::test]
async fn events_keep_every_source_and_a_new_one_does_not_replace_the_old() {
    let t = TestStore::new().await;
    import(&t.store, SAMPLE, false).await;
    let xendit = events_of(&t.store, "xendit").await;
    let merged = xendit.iter().find(|e| e.date == day("2024-01-22")).unwrap();
    assert_eq!(merged.headcount, Headcount::Exact(200));
    let more: Vec<&str> = merged.more_sources.iter().map(Source::as_str).collect();
    assert_eq!(
        more,
        ["https://www.dealstreetasia.com/stories/xendit-announces-layoffs-379961"]
    );
    let listing = service::listing(
        &t.store,
        Some("xendit"),
        &Viewer::EVERYONE,
        None,
        0,
        day("2026-11-26"),
    )
    .await
    .unwrap();
    let text = layoffs_bot::render::listing_text(&listing);
    assert!(text.contains("slashes-200-jobs (+1 more source)"), "{text}");

    // A home moderator gives a new source: the old one stays, as a further source.
    let home = Tenant::discord(9);
    let by = Moderator::new(Actor::discord(1), home.clone(), Some(&home));
    let change = RawEvent {
        source: Some("https://example.com/xendit-memo".into()),
        ..RawEvent::default()
    };
    let edited = service::edit_event(&t.store, merged.id, &change, &by, now())
        .await
        .unwrap();
    assert_eq!(
        edited.source.as_ref().map(Source::as_str),
        Some("https://example.com/xendit-memo")
    );
    let more: Vec<&str> = edited.more_sources.iter().map(Source::as_str).collect();
    assert_eq!(
        more,
        [
            "https://www.techinasia.com/indonesian-unicorn-slashes-200-jobs",
            "https://www.dealstreetasia.com/stories/xendit-announces-layoffs-379961",
        ]
    );
}

#[tokio::test]
async fn the_bot_lists_a_merged_cut_once_with_its_further_source() {
    use crate::support::bot::Bot;
    use crate::support::fake_discord::{Who, slash};
    use crate::support::opt;
    use serde_json::json;

    let (bot, _) = Bot::start(&[SAMPLE, CLASSIC]).await;
    let answer = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([opt("company", 3, json!("akili labs"))]),
        ))
        .await;
    let embed = &answer["data"]["embeds"][0];
    assert!(
        embed["description"]
            .as_str()
            .unwrap()
            .starts_with("2 layoffs"),
        "{embed:#}"
    );
    let answer = bot
        .fake
        .interact(slash(
            Who::USER_A,
            "layoffs",
            json!([opt("company", 3, json!("Xendit"))]),
        ))
        .await;
    let fields = answer["data"]["embeds"][0]["fields"]
        .as_array()
        .unwrap()
        .clone();
    let cut = fields
        .iter()
        .find(|f| {
            f["name"]
                .as_str()
                .unwrap()
                .starts_with("2024-01-22 · 200 people")
        })
        .expect("the merged cut, with the number its second report lacked");
    assert!(
        cut["value"].as_str().unwrap().contains("(+1 more source)"),
        "{cut:#}"
    );
    assert_eq!(
        fields
            .iter()
            .filter(|f| f["name"].as_str().unwrap().starts_with("2024-01-22"))
            .count(),
        1
    );
}
