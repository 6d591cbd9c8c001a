//! `/layoffs` listings kept until the store changes: a change by this process or another is
//! seen at once, tenants never share a kept listing, and a name kept under its normalised key
//! answers for every spelling of it.

use chrono::Utc;
use layoffs_bot::domain::{Actor, Days, EventScope, Headcount, Listing, Tenant, Viewer};
use layoffs_bot::service;

use crate::support::{TestStore, day, event};

fn people(listing: &Listing) -> Vec<Headcount> {
    listing
        .page()
        .events
        .iter()
        .map(|e| e.headcount.clone())
        .collect()
}

#[tokio::test]
async fn a_kept_listing_follows_every_change_and_stays_with_its_tenant() {
    let t = TestStore::new().await;
    let s = &t.store;
    let (a, b) = (Tenant::discord(1), Tenant::discord(2));
    let (in_a, in_b) = (Viewer::in_tenant(a.clone()), Viewer::in_tenant(b.clone()));
    let today = day("2026-12-01");
    let actor = Actor::cli("test");
    service::record_event(
        s,
        &event("Acme", "2026-11-01", Headcount::Exact(10)),
        &actor,
        Utc::now(),
    )
    .await
    .unwrap();
    let list = |name: &'static str, viewer: &Viewer| {
        let viewer = viewer.clone();
        async move {
            service::listing(s, Some(name), &viewer, None, 0, today)
                .await
                .unwrap()
        }
    };
    assert_eq!(people(&list("Acme", &in_a).await), [Headcount::Exact(10)]);
    assert_eq!(people(&list("ACME", &in_b).await), [Headcount::Exact(10)]);
    // A private event of tenant A: A sees it at once, B never.
    let private = layoffs_bot::domain::NewEvent {
        scope: EventScope::Tenant(a.clone()),
        ..event("Acme", "2026-11-20", Headcount::Exact(7))
    };
    service::record_event(s, &private, &actor, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        people(&list("acme", &in_a).await),
        [Headcount::Exact(7), Headcount::Exact(10)]
    );
    assert_eq!(people(&list("Acme", &in_b).await), [Headcount::Exact(10)]);
    // A change by another process (another store handle on the same file) is seen too.
    let other = layoffs_bot::Store::open(&t.url).await.unwrap();
    service::record_event(
        &other,
        &event("Acme", "2026-11-25", Headcount::Exact(3)),
        &actor,
        Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        people(&list("Acme", &in_b).await),
        [Headcount::Exact(3), Headcount::Exact(10)]
    );
    // Days narrow the listing under their own key; a name that is no name is still an error.
    let recent = service::listing(
        s,
        Some("Acme"),
        &in_b,
        Some(Days::parse(10).unwrap()),
        0,
        today,
    )
    .await
    .unwrap();
    assert_eq!(people(&recent), [Headcount::Exact(3)]);
    let latest = service::listing(s, None, &in_b, None, 0, today)
        .await
        .unwrap();
    assert!(matches!(latest, Listing::Latest { .. }));
    assert!(
        service::listing(s, Some("!!!"), &in_b, None, 0, today)
            .await
            .is_err()
    );
}
