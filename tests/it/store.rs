//! The store's queries on a real temporary SQLite file.

use layoffs_bot::domain::follow::Person;
use layoffs_bot::domain::{
    Days, EventScope, Headcount, Listing, Page, Platform, Tenant, Tier, Viewer,
};
use layoffs_bot::service;
use layoffs_bot::{Error, Store};

use crate::support::{TestStore, add, aws_april_2024, day, event};

#[tokio::test]
async fn a_company_is_found_by_any_spelling_or_alias() {
    let t = TestStore::new().await;
    add(
        &t.store,
        &event("Amazon.com, Inc.", "2023-01-04", Headcount::Exact(8000)),
    )
    .await;
    add(&t.store, &aws_april_2024()).await;
    for name in [
        "amazon",
        " AMAZON ",
        "Amazon Inc",
        "AWS",
        "aws",
        "Amazon Web Services",
    ] {
        let found = t
            .store
            .find_company(name, &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap();
        assert_eq!(found.map(|c| c.name), Some("Amazon".to_string()), "{name}");
    }
    // The built-in aliases exist before any event does.
    assert_eq!(
        t.store
            .find_company("Google", &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Alphabet"
    );
    assert_eq!(
        t.store
            .find_company("twitter", &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap()
            .unwrap()
            .name,
        "X"
    );
    assert!(
        t.store
            .find_company("Nope Corp", &layoffs_bot::domain::Viewer::EVERYONE)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_companys_events_come_newest_first_in_pages_with_totals() {
    let t = TestStore::new().await;
    for (i, date) in ["2022-01-10", "2024-04-03", "2023-05-01", "2021-03-02"]
        .iter()
        .enumerate()
    {
        let count = if i == 3 {
            Headcount::Unknown
        } else {
            Headcount::Exact(100 * (i as u32 + 1))
        };
        add(&t.store, &event("Acme", date, count)).await;
    }
    add(&t.store, &event("Other", "2025-01-01", Headcount::Exact(5))).await;
    let acme = t
        .store
        .find_company("acme", &layoffs_bot::domain::Viewer::EVERYONE)
        .await
        .unwrap()
        .unwrap();
    let page = t
        .store
        .events_page(
            Some(acme.id),
            &Viewer::EVERYONE,
            None,
            Page { number: 0, size: 3 },
        )
        .await
        .unwrap();
    let dates: Vec<String> = page.events.iter().map(|e| e.date.to_string()).collect();
    assert_eq!(dates, ["2024-04-03", "2023-05-01", "2022-01-10"]);
    assert_eq!(page.totals.events, 4);
    assert_eq!(page.totals.people, 600);
    assert_eq!(page.totals.unknown, 1);
    assert_eq!(page.page_count(), 2);
    let second = t
        .store
        .events_page(
            Some(acme.id),
            &Viewer::EVERYONE,
            None,
            Page { number: 1, size: 3 },
        )
        .await
        .unwrap();
    assert_eq!(second.events.len(), 1);
    assert_eq!(second.events[0].date, day("2021-03-02"));

    let since = t
        .store
        .events_page(
            Some(acme.id),
            &Viewer::EVERYONE,
            Some(day("2023-01-01")),
            Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(since.events.len(), 2);
    assert_eq!(since.totals.people, 500);
}

#[tokio::test]
async fn latest_events_span_companies() {
    let t = TestStore::new().await;
    add(&t.store, &event("Acme", "2024-01-01", Headcount::Exact(10))).await;
    add(
        &t.store,
        &event("Globex", "2024-03-01", Headcount::Exact(20)),
    )
    .await;
    add(
        &t.store,
        &event("Initech", "2024-02-01", Headcount::Unknown),
    )
    .await;
    let page = t
        .store
        .events_page(None, &Viewer::EVERYONE, None, Page::first(2))
        .await
        .unwrap();
    let names: Vec<&str> = page.events.iter().map(|e| e.company.as_str()).collect();
    assert_eq!(names, ["Globex", "Initech"]);
    assert_eq!(page.totals.events, 3);
    assert_eq!(page.totals.people, 30);
}

#[tokio::test]
async fn guild_events_are_seen_only_in_their_guild() {
    let t = TestStore::new().await;
    add(&t.store, &event("Acme", "2024-01-01", Headcount::Exact(10))).await;
    let private = layoffs_bot::domain::NewEvent {
        scope: EventScope::Tenant(Tenant::discord(111)),
        ..event("Acme", "2024-02-01", Headcount::Exact(7))
    };
    add(&t.store, &private).await;
    let acme = t
        .store
        .find_company("acme", &layoffs_bot::domain::Viewer::EVERYONE)
        .await
        .unwrap()
        .unwrap();
    let count = |viewer: Viewer| {
        let store = t.store.clone();
        async move {
            store
                .events_page(Some(acme.id), &viewer, None, Page::first(10))
                .await
                .unwrap()
                .events
                .len()
        }
    };
    assert_eq!(count(Viewer::in_guild(111)).await, 2);
    assert_eq!(count(Viewer::in_guild(222)).await, 1);
    assert_eq!(count(Viewer::EVERYONE).await, 1);
    let totals = t
        .store
        .totals(None, &Viewer::in_guild(222), None)
        .await
        .unwrap();
    assert_eq!(totals.people, 10);
}

#[tokio::test]
async fn autocomplete_ranks_and_tolerates_typos() {
    let t = TestStore::new().await;
    for name in [
        "Amazon",
        "Amaze",
        "Salesforce",
        "Bird",
        "Lime Bird",
        "Birdie",
        "Google",
    ] {
        add(&t.store, &event(name, "2024-01-01", Headcount::Unknown)).await;
    }
    let labels = |v: Vec<layoffs_bot::domain::Match>| -> Vec<String> {
        v.into_iter().map(|m| m.label).collect()
    };
    assert_eq!(
        labels(
            t.store
                .autocomplete("bird", &layoffs_bot::domain::Viewer::EVERYONE, 25)
                .await
                .unwrap()
        ),
        ["Bird", "Birdie", "Lime Bird"]
    );
    let gogle = t
        .store
        .autocomplete("gogle", &layoffs_bot::domain::Viewer::EVERYONE, 25)
        .await
        .unwrap();
    assert_eq!(gogle[0].company, "Alphabet");
    assert!(matches!(gogle[0].tier, Tier::Typo(1)));
    assert_eq!(
        t.store
            .autocomplete("amazn", &layoffs_bot::domain::Viewer::EVERYONE, 25)
            .await
            .unwrap()[0]
            .company,
        "Amazon"
    );
    assert_eq!(
        t.store
            .autocomplete("salesfroce", &layoffs_bot::domain::Viewer::EVERYONE, 25)
            .await
            .unwrap()[0]
            .company,
        "Salesforce"
    );
    assert_eq!(
        t.store
            .autocomplete("aws", &layoffs_bot::domain::Viewer::EVERYONE, 25)
            .await
            .unwrap()[0]
            .company,
        "Amazon"
    );
    // An empty input lists companies, those with the most events first, one row each.
    let all = t
        .store
        .autocomplete("", &layoffs_bot::domain::Viewer::EVERYONE, 25)
        .await
        .unwrap();
    let mut companies: Vec<&str> = all.iter().map(|m| m.company.as_str()).collect();
    assert_eq!(
        companies.len(),
        9,
        "7 added + Meta and X from the built-in aliases"
    );
    assert!(!companies[..7].contains(&"Meta") && !companies[..7].contains(&"X"));
    companies.sort_unstable();
    companies.dedup();
    assert_eq!(companies.len(), 9, "one row per company");
    for i in 0..30 {
        add(
            &t.store,
            &event(&format!("Filler {i}"), "2024-01-01", Headcount::Unknown),
        )
        .await;
    }
    assert_eq!(
        t.store
            .autocomplete("", &layoffs_bot::domain::Viewer::EVERYONE, 25)
            .await
            .unwrap()
            .len(),
        25,
        "at most the limit"
    );

    // A name added by another connection is seen: the index follows names_version.
    let other = Store::open(&t.url).await.unwrap();
    add(
        &other,
        &event("Zebra Technologies", "2024-01-01", Headcount::Unknown),
    )
    .await;
    assert_eq!(
        t.store
            .autocomplete("zebra", &layoffs_bot::domain::Viewer::EVERYONE, 25)
            .await
            .unwrap()[0]
            .company,
        "Zebra Technologies"
    );
}

#[tokio::test]
async fn unknown_names_get_did_you_mean_suggestions() {
    let t = TestStore::new().await;
    add(&t.store, &event("Amazon", "2024-01-01", Headcount::Unknown)).await;
    let err = service::resolve_company(&t.store, "amazonn", &layoffs_bot::domain::Viewer::EVERYONE)
        .await
        .unwrap_err();
    match &err {
        Error::UnknownCompany { suggestions, .. } => assert_eq!(suggestions, &["Amazon"]),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(
        err.user_message(),
        r#"No company matches "amazonn". Did you mean: Amazon?"#
    );
}

#[tokio::test]
async fn monthly_totals_sum_known_numbers_only() {
    let t = TestStore::new().await;
    add(
        &t.store,
        &event("Acme", "2024-04-03", Headcount::Exact(100)),
    )
    .await;
    add(
        &t.store,
        &event("Globex", "2024-04-20", Headcount::Approx("hundreds".into())),
    )
    .await;
    add(&t.store, &event("Acme", "2024-03-01", Headcount::Exact(5))).await;
    let months = t
        .store
        .monthly_totals(None, &Viewer::EVERYONE, None)
        .await
        .unwrap();
    assert_eq!(months.len(), 2);
    assert_eq!(months[0].month, "2024-04");
    assert_eq!(
        (
            months[0].totals.events,
            months[0].totals.people,
            months[0].totals.unknown
        ),
        (2, 100, 1)
    );
    assert_eq!(months[1].totals.people, 5);
}

#[tokio::test]
async fn listing_keeps_the_last_n_days() {
    let t = TestStore::new().await;
    add(&t.store, &event("Acme", "2026-11-20", Headcount::Exact(1))).await;
    add(&t.store, &event("Acme", "2026-10-01", Headcount::Exact(2))).await;
    let today = day("2026-11-26");
    let week = Days::parse(7).ok();
    let listing = service::listing(&t.store, Some("acme"), &Viewer::EVERYONE, week, 0, today)
        .await
        .unwrap();
    let Listing::Company { page, since, .. } = listing else {
        panic!("company listing")
    };
    assert_eq!(since, Some(day("2026-11-20")));
    assert_eq!(page.events.len(), 1);
    assert!(Days::parse(0).is_err());
}

#[tokio::test]
async fn the_store_file_is_created_if_missing_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await.unwrap();
    add(&store, &event("Acme", "2024-01-01", Headcount::Exact(3))).await;
    store.close().await;
    assert!(path.exists());
    let again = Store::open(&url).await.unwrap();
    assert_eq!(
        again
            .totals(None, &Viewer::EVERYONE, None)
            .await
            .unwrap()
            .people,
        3
    );
}

#[tokio::test]
async fn the_record_wide_totals_follow_every_commit_of_any_process_and_stay_per_tenant() {
    let t = TestStore::new().await;
    let everyone = |s: &Store| {
        let s = s.clone();
        async move { s.totals(None, &Viewer::EVERYONE, None).await.unwrap() }
    };
    add(&t.store, &event("Acme", "2026-01-01", Headcount::Exact(10))).await;
    assert_eq!(everyone(&t.store).await.people, 10);
    assert_eq!(everyone(&t.store).await.people, 10, "kept, the same");
    // Another process: a second pool on the same file.
    let other = Store::open(&t.url).await.unwrap();
    add(&other, &event("Beta", "2026-02-01", Headcount::Exact(5))).await;
    assert_eq!(everyone(&t.store).await.people, 15);
    let mut private = event("Gamma", "2026-03-01", Headcount::Exact(7));
    private.scope = EventScope::Tenant(Tenant::discord(1));
    add(&t.store, &private).await;
    assert_eq!(everyone(&t.store).await.people, 15, "not another tenant's");
    let one = Viewer::in_guild(1);
    assert_eq!(t.store.totals(None, &one, None).await.unwrap().people, 22);
    let since = Some(day("2026-02-01"));
    assert_eq!(t.store.totals(None, &one, since).await.unwrap().people, 12);
}

#[tokio::test]
async fn a_pause_is_told_after_nobody_had_one_whoever_wrote_it() {
    let t = TestStore::new().await;
    let who = Person::new(Platform::Discord, "42");
    let other_person = Person::new(Platform::Discord, "43");
    // Nobody paused: kept until the next commit.
    assert_eq!(t.store.untold_pause(&who).await.unwrap(), None);
    assert_eq!(t.store.untold_pause(&who).await.unwrap(), None);
    // Another process pauses the person: told once, on the next ask.
    let other = Store::open(&t.url).await.unwrap();
    other.pause_follows(&who, "closed DMs").await.unwrap();
    assert_eq!(t.store.untold_pause(&other_person).await.unwrap(), None);
    assert_eq!(
        t.store.untold_pause(&who).await.unwrap().as_deref(),
        Some("closed DMs")
    );
    assert_eq!(t.store.untold_pause(&who).await.unwrap(), None, "once");
    // This process pauses the other person, after nobody was left to tell.
    t.store
        .pause_follows(&other_person, "blocked")
        .await
        .unwrap();
    assert_eq!(
        t.store
            .untold_pause(&other_person)
            .await
            .unwrap()
            .as_deref(),
        Some("blocked")
    );
}
