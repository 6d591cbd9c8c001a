//! The use cases against an in-memory store: what each writes, audits and queues, and who
//! may do it.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::domain::{
    Actor, AlertSettings, ChannelRef, EventScope, Headcount, RawEvent, Tenant, Viewer,
};
use crate::error::Error;
use crate::store::Store;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap()
}

fn raw(company: &str, date: &str, count: i64) -> RawEvent {
    RawEvent {
        company: Some(company.into()),
        date: Some(date.into()),
        count: Some(count),
        ..RawEvent::default()
    }
}

const HOME: u64 = 1;

fn moderator(guild: u64) -> Moderator {
    Moderator::new(
        Actor::discord(100 + guild),
        Tenant::discord(guild),
        Some(&Tenant::discord(HOME)),
    )
}

async fn added(store: &Store, raw: &RawEvent, by: &Moderator) -> crate::domain::LayoffEvent {
    match add_event(store, raw, by, now()).await.unwrap() {
        AddOutcome::Added(e) => *e,
        held @ AddOutcome::Held { .. } => panic!("held: {held:?}"),
    }
}

#[tokio::test]
async fn add_edit_and_remove_are_each_audited_in_their_own_transaction() {
    let store = Store::open_in_memory().await.unwrap();
    let home = moderator(HOME);
    let event = added(&store, &raw("Acme", "2026-01-10", 100), &home).await;
    assert_eq!(
        event.scope,
        EventScope::Global,
        "the home server writes the global record"
    );
    let changes = RawEvent {
        count: Some(350),
        ..RawEvent::default()
    };
    let edited = edit_event(&store, event.id, &changes, &home, now())
        .await
        .unwrap();
    assert_eq!(edited.headcount, Headcount::Exact(350));
    assert!(edited.updated_at.is_some());
    remove_event(&store, event.id, &home, now()).await.unwrap();
    assert!(store.event(event.id).await.unwrap().is_none());
    let again = remove_event(&store, event.id, &home, now()).await;
    assert!(matches!(again, Err(Error::NotFound(_))), "{again:?}");

    let trail = store.audit_trail(event.id).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["insert", "update", "delete"]);
    assert_eq!(trail[1].actor, "discord:101");
    assert!(
        trail[1]
            .changes
            .contains(r#""headcount":{"from":"100","to":"350"}"#),
        "{}",
        trail[1].changes
    );
    let totals = store.totals(None, &Viewer::EVERYONE, None).await.unwrap();
    assert_eq!(totals.events, 0);
}

#[tokio::test]
async fn an_edit_needs_a_change_and_a_valid_one() {
    let store = Store::open_in_memory().await.unwrap();
    let by = moderator(2);
    let event = added(&store, &raw("Acme", "2026-01-10", 100), &by).await;
    let nothing = edit_event(&store, event.id, &RawEvent::default(), &by, now()).await;
    assert!(matches!(nothing, Err(Error::Invalid(_))), "{nothing:?}");
    let bad = RawEvent {
        percent: Some(150.0),
        ..RawEvent::default()
    };
    assert!(matches!(
        edit_event(&store, event.id, &bad, &by, now()).await,
        Err(Error::Invalid(_))
    ));
    let kept = store.event(event.id).await.unwrap().unwrap();
    assert_eq!(
        kept.headcount,
        Headcount::Exact(100),
        "nothing half-written"
    );
}

#[tokio::test]
async fn moderators_manage_only_their_own_servers_events() {
    let store = Store::open_in_memory().await.unwrap();
    let (a, b) = (moderator(2), moderator(3));
    let private = added(&store, &raw("Acme", "2026-01-10", 5), &a).await;
    let global = added(&store, &raw("Globex", "2026-01-10", 5), &moderator(HOME)).await;
    let change = RawEvent {
        count: Some(6),
        ..RawEvent::default()
    };
    let other = edit_event(&store, private.id, &change, &b, now()).await;
    assert!(
        matches!(other, Err(Error::NotFound(_))),
        "not revealed: {other:?}"
    );
    let home_only = remove_event(&store, global.id, &a, now()).await;
    assert!(
        matches!(home_only, Err(Error::Forbidden(_))),
        "{home_only:?}"
    );
    let seen_by_b = store
        .events_page(
            None,
            &Viewer::in_guild(3),
            None,
            crate::domain::Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(seen_by_b.totals.events, 1, "b sees the global event only");
}

#[tokio::test]
async fn a_nearby_event_holds_the_addition_until_its_moderators_tenant_confirms() {
    let store = Store::open_in_memory().await.unwrap();
    let a = moderator(2);
    added(&store, &raw("Acme", "2026-01-10", 5), &a).await;
    let AddOutcome::Held { pending_id, nearby } =
        add_event(&store, &raw("Acme", "2026-01-12", 7), &a, now())
            .await
            .unwrap()
    else {
        panic!("not held")
    };
    assert_eq!(nearby.len(), 1);
    let elsewhere = confirm_addition(&store, pending_id, &moderator(3), now()).await;
    assert!(
        matches!(elsewhere, Err(Error::NotFound(_))),
        "{elsewhere:?}"
    );
    let stored = confirm_addition(&store, pending_id, &a, now())
        .await
        .unwrap();
    assert_eq!(stored.headcount, Headcount::Exact(7));
    let twice = confirm_addition(&store, pending_id, &a, now()).await;
    assert!(matches!(twice, Err(Error::NotFound(_))), "{twice:?}");
}

#[tokio::test]
async fn a_new_event_queues_one_post_per_matching_subscription_of_whoever_may_see_it() {
    let store = Store::open_in_memory().await.unwrap();
    let actor = Actor::cli("test");
    for (guild, channel) in [(2, 20), (3, 30)] {
        subscribe(
            &store,
            &Tenant::discord(guild),
            &ChannelRef::discord(channel),
            &AlertSettings::default(),
            &actor,
            now(),
        )
        .await
        .unwrap();
    }
    added(&store, &raw("Acme", "2026-01-10", 5), &moderator(2)).await;
    let queued: Vec<_> = store
        .open_deliveries()
        .await
        .unwrap()
        .into_iter()
        .filter_map(|d| d.channel)
        .collect();
    assert_eq!(
        queued,
        [ChannelRef::discord(20)],
        "a private event reaches its own server only"
    );
    added(&store, &raw("Globex", "2026-01-10", 5), &moderator(HOME)).await;
    assert_eq!(
        store.open_deliveries().await.unwrap().len(),
        3,
        "global: both"
    );
    assert!(
        unsubscribe(&store, &Tenant::discord(3), &ChannelRef::discord(30), now())
            .await
            .unwrap()
    );
    assert!(
        !unsubscribe(&store, &Tenant::discord(2), &ChannelRef::discord(30), now())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_channel_subscribed_by_one_server_cannot_be_taken_over_by_another() {
    let store = Store::open_in_memory().await.unwrap();
    let actor = Actor::cli("test");
    let (a, b) = (Tenant::discord(2), Tenant::discord(3));
    subscribe(
        &store,
        &b,
        &ChannelRef::discord(30),
        &AlertSettings::default(),
        &actor,
        now(),
    )
    .await
    .unwrap();
    let taken = subscribe(
        &store,
        &a,
        &ChannelRef::discord(30),
        &AlertSettings::default(),
        &actor,
        now(),
    )
    .await;
    assert!(matches!(taken, Err(Error::Forbidden(_))), "{taken:?}");
    assert_eq!(subscriptions(&store, &b).await.unwrap().len(), 1);
    assert!(subscriptions(&store, &a).await.unwrap().is_empty());
    // Its own server may change it.
    subscribe(
        &store,
        &b,
        &ChannelRef::discord(30),
        &AlertSettings::default(),
        &actor,
        now(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_held_addition_is_its_moderators_keeps_its_date_and_expires() {
    let store = Store::open_in_memory().await.unwrap();
    let asker = moderator(2);
    let other = Moderator::new(Actor::discord(999), Tenant::discord(2), None);
    added(&store, &raw("Acme", "2026-11-20", 5), &asker).await;
    let late = Utc.with_ymd_and_hms(2026, 11, 26, 23, 55, 0).unwrap();
    let no_date = RawEvent {
        date: None,
        ..raw("Acme", "", 7)
    };
    let hold = |at| {
        let (store, asker, no_date) = (&store, &asker, &no_date);
        async move {
            match add_event(store, no_date, asker, at).await.unwrap() {
                AddOutcome::Held { pending_id, .. } => pending_id,
                AddOutcome::Added(e) => panic!("added: {e:?}"),
            }
        }
    };
    let first = hold(late).await;
    let theirs = confirm_addition(&store, first, &other, late).await;
    assert!(matches!(theirs, Err(Error::Forbidden(_))), "{theirs:?}");
    assert!(matches!(
        cancel_addition(&store, first, &other, late).await,
        Err(Error::Forbidden(_))
    ));
    // Confirmed ten minutes later, after midnight: the date is the day it was added.
    let stored = confirm_addition(&store, first, &asker, late + chrono::Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!(stored.date.to_string(), "2026-11-26");

    let second = hold(late).await;
    let expired =
        confirm_addition(&store, second, &asker, late + chrono::Duration::minutes(16)).await;
    assert!(
        matches!(&expired, Err(Error::NotFound(m)) if m.contains("expired")),
        "{expired:?}"
    );
    let gone = confirm_addition(&store, second, &asker, late + chrono::Duration::minutes(16)).await;
    assert!(matches!(gone, Err(Error::NotFound(_))), "{gone:?}");
}

#[tokio::test]
async fn private_names_stay_private_and_the_global_spelling_wins() {
    let store = Store::open_in_memory().await.unwrap();
    let a = moderator(2);
    let (in_a, in_b) = (Viewer::in_guild(2), Viewer::in_guild(3));
    added(&store, &raw("~~Globex~~", "2026-01-10", 5), &a).await;
    added(
        &store,
        &raw("[Google](https://phish.example/login)", "2026-01-10", 5),
        &a,
    )
    .await;
    // B sees none of A's names, by any path.
    let typed = |s: &str, v: &Viewer| {
        let (store, s, v) = (store.clone(), s.to_string(), v.clone());
        async move { store.autocomplete(&s, &v, 25).await.unwrap() }
    };
    assert!(typed("glob", &in_b).await.is_empty());
    let goo: Vec<String> = typed("goo", &in_b)
        .await
        .into_iter()
        .map(|m| m.label)
        .collect();
    assert_eq!(goo, ["Google"], "only the global alias");
    let unknown = resolve_company(&store, "globex", &in_b).await.unwrap_err();
    assert_eq!(unknown.user_message(), r#"No company matches "globex"."#);
    let ranked: Vec<String> = typed("", &in_b)
        .await
        .into_iter()
        .map(|m| m.company)
        .collect();
    assert!(
        !ranked
            .iter()
            .any(|c| c.contains("Globex") || c.contains("phish")),
        "{ranked:?}"
    );
    assert_eq!(typed("glob", &in_a).await[0].company, "~~Globex~~");
}

#[tokio::test]
async fn the_global_record_takes_a_private_name_over_with_its_own_spelling() {
    let store = Store::open_in_memory().await.unwrap();
    let (in_a, in_b) = (Viewer::in_guild(2), Viewer::in_guild(3));
    added(&store, &raw("~~Globex~~", "2026-01-10", 5), &moderator(2)).await;
    let typed = |s: &str, v: &Viewer| {
        let (store, s, v) = (store.clone(), s.to_string(), v.clone());
        async move { store.autocomplete(&s, &v, 25).await.unwrap() }
    };
    // The home server names it: A's event moves under the global company and its spelling.
    added(&store, &raw("Globex", "2025-06-01", 9), &moderator(HOME)).await;
    let globex = resolve_company(&store, "GLOBEX", &in_a).await.unwrap();
    assert_eq!(globex.name, "Globex");
    let page = |v: &Viewer| {
        let (store, v) = (store.clone(), v.clone());
        async move {
            store
                .events_page(Some(globex.id), &v, None, crate::domain::Page::first(10))
                .await
                .unwrap()
                .totals
                .events
        }
    };
    assert_eq!((page(&in_a).await, page(&in_b).await), (2, 1));
    assert_eq!(
        typed("glob", &in_a).await.len(),
        1,
        "one Globex, the global one"
    );
    assert!(matches!(
        store.company_by_id(globex.id + 100, &in_b).await,
        Ok(None)
    ));
}
