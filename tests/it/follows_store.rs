//! Follows in the store, without a platform: who gets a DM row for which event (global, the
//! follow's own server, never another's), unfollowing drops the DMs not sent yet, and an edit
//! in flight when the event changes again is made again, not lost.

use layoffs_bot::domain::follow::Person;
use layoffs_bot::domain::{Actor, EventScope, Headcount, Platform, RawEvent, Tenant, Viewer};
use layoffs_bot::service::{self, Moderator};
use layoffs_bot::store::{Edited, FollowUp};

use crate::support::{TestStore, event, now};

fn person(id: &str) -> Person {
    Person::new(Platform::Discord, id)
}

/// The people with a pending DM, as '@' and id.
async fn pending_dms(t: &TestStore) -> Vec<String> {
    let mut to: Vec<String> = t
        .store
        .open_deliveries()
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.what.starts_with("DM about"))
        .filter_map(|d| d.channel.map(|c| c.id))
        .collect();
    to.sort();
    to
}

async fn record(t: &TestStore, date: &str, scope: EventScope) -> i64 {
    let mut e = event("Acme", date, Headcount::Exact(10));
    e.scope = scope;
    service::record_event(&t.store, &e, &Actor::cli("test"), now())
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn each_follow_sees_the_global_record_and_its_own_servers_events_only() {
    let t = TestStore::new().await;
    record(&t, "2020-01-01", EventScope::Global).await;
    let (in_one, in_dm) = (person("11"), person("22"));
    let one = Viewer::in_tenant(Tenant::discord(1));
    service::follows::follow(&t.store, &in_one, "acme", &one)
        .await
        .unwrap();
    service::follows::follow(&t.store, &in_dm, "Acme", &Viewer::EVERYONE)
        .await
        .unwrap();

    record(&t, "2026-01-01", EventScope::Tenant(Tenant::discord(2))).await;
    assert!(
        pending_dms(&t).await.is_empty(),
        "server 2's event reaches nobody"
    );
    record(&t, "2026-02-01", EventScope::Tenant(Tenant::discord(1))).await;
    assert_eq!(
        pending_dms(&t).await,
        ["@11"],
        "server 1's reaches its follow only"
    );
    record(&t, "2026-03-01", EventScope::Global).await;
    assert_eq!(pending_dms(&t).await, ["@11", "@11", "@22"]);

    let said = service::follows::unfollow(&t.store, &in_one, "ACME", &one)
        .await
        .unwrap();
    assert!(said.contains("no longer follow **Acme**"), "{said}");
    assert_eq!(
        pending_dms(&t).await,
        ["@22"],
        "its DMs not sent yet are dropped"
    );
    let said = service::follows::list(&t.store, &in_one).await.unwrap();
    assert!(said.contains("You follow no company"), "{said}");
    let said = service::follows::clear(&t.store, &in_dm).await.unwrap();
    assert!(said.contains("no longer follow the company"), "{said}");
    assert!(
        pending_dms(&t).await.is_empty(),
        "clear drops the DMs not sent yet"
    );
}

#[tokio::test]
async fn a_correction_during_an_edit_in_flight_is_edited_again() {
    let t = TestStore::new().await;
    record(&t, "2026-03-01", EventScope::Global).await;
    let who = person("33");
    service::follows::follow(&t.store, &who, "Acme", &Viewer::EVERYONE)
        .await
        .unwrap();
    let id = record(&t, "2026-05-01", EventScope::Global).await;
    let claimed = t.store.claim_due(now(), now(), 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
    t.store.mark_sent(claimed[0].id, "m1", now()).await.unwrap();
    let home = Tenant::discord(9);
    let by = Moderator::new(Actor::discord(1), home.clone(), Some(&home));
    let fix = |n: i64| RawEvent {
        count: Some(n),
        ..RawEvent::default()
    };
    service::edit_event(&t.store, id, &fix(11), &by, now())
        .await
        .unwrap();
    let due = t.store.due_edits(now(), 10).await.unwrap();
    assert_eq!(
        due[0].what,
        Edited::Follow(id),
        "a follower's DM is edited as one"
    );
    let lease = now() + chrono::Duration::minutes(1);
    assert!(t.store.lease_edit(due[0].id, lease).await.unwrap());
    assert!(
        t.store.due_edits(now(), 10).await.unwrap().is_empty(),
        "leased"
    );
    // Corrected again while the first edit is in flight: that edit's end does not clear it.
    service::edit_event(&t.store, id, &fix(12), &by, now())
        .await
        .unwrap();
    t.store
        .follow_up_done(FollowUp::Edit, due[0].id, None, lease)
        .await
        .unwrap();
    assert_eq!(t.store.due_edits(now(), 10).await.unwrap().len(), 1);
}
